"""Load MNIST and Fashion-MNIST, offline or by download, and feed them to a model.

The loaders return exactly what ``keras.datasets.*.load_data()`` returns, found in this order:

1. ``$CNN_COURSE_DATA`` is set (CI, machines without internet): read the local copy there,
   ``mnist.npz`` and ``fashion-mnist/<the four IDX .gz files>``; if a file is missing, raise
   :class:`DataNotFoundError` (no download is tried, so CI never depends on the network).
2. Unset: download with ``keras.datasets`` (as on Colab); Keras caches the files.
3. The download fails: raise :class:`DataNotFoundError` saying which variable to set.

Every copy is checked (shapes, dtype, labels 0-9; the local MNIST copy also against the
sha256 checksums of its arrays) and kept in memory, read-only. :func:`to_float_images`,
:func:`split_validation` and :func:`tf_dataset` prepare the arrays for training.
Introduced in: 01 LeNet-5 (MNIST, padding to 32x32); 02 AlexNet (Fashion-MNIST, shifts).
Only :func:`tf_dataset` needs TensorFlow, and imports it when called.
"""

import functools
import gzip
import hashlib
import numbers
import os
import pickle
import zipfile
import zlib
from pathlib import Path

import numpy as np

DATA_ENV_VAR = "CNN_COURSE_DATA"
MNIST_FILE = "mnist.npz"
FASHION_MNIST_FOLDER = "fashion-mnist"
FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
# sha256 of each array's raw bytes, ``hashlib.sha256(array.tobytes()).hexdigest()``, of the
# arrays that keras.datasets.mnist.load_data() returns. Source: the course's data README
# (shared/data/README.md, "Checks"); MNIST by LeCun, Cortes and Burges, CC BY-SA 3.0.
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
# Xiao, Rasul and Vollgraf (2017), "Fashion-MNIST", Table 1 (label 0 to 9).
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)
NUM_TRAIN, NUM_TEST = 60000, 10000
_IDX_MAGIC = {"images": 2051, "labels": 2049}  # 0x00000803 (uint8, 3 dims), 0x00000801


class DataNotFoundError(FileNotFoundError):
    """The data set is neither in ``$CNN_COURSE_DATA`` nor downloadable."""


def load_mnist():
    """Load MNIST: the local copy in ``$CNN_COURSE_DATA``, else ``keras.datasets.mnist``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28), (10000,), read-only (they are cached; copy to modify).

    Raises:
        DataNotFoundError: the variable names a folder without ``mnist.npz``, or it is unset
            and the download failed.
        ValueError: the file is corrupt or its arrays are not MNIST's.
    """
    return _read_only_views(_load_mnist_cached(_data_folder()))


def load_fashion_mnist():
    """Load Fashion-MNIST: ``$CNN_COURSE_DATA/fashion-mnist/``, else ``keras.datasets``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))`` as for :func:`load_mnist`; the labels index
        :data:`FASHION_MNIST_CLASSES`.

    Raises:
        DataNotFoundError: a file is missing from the folder, or the download failed.
        ValueError: a file is corrupt or not Fashion-MNIST (6,000/1,000 images per class).
    """
    return _read_only_views(_load_fashion_mnist_cached(_data_folder()))


def clear_cache():
    """Forget the arrays kept in memory, so that the next load reads the files again."""
    _load_mnist_cached.cache_clear()
    _load_fashion_mnist_cached.cache_clear()


def _data_folder():
    """Return ``$CNN_COURSE_DATA`` as a string, or None when unset or empty."""
    return os.environ.get(DATA_ENV_VAR) or None


@functools.lru_cache(maxsize=None)
def _load_mnist_cached(folder):
    """Load, check and freeze MNIST from ``folder`` (None: download). Cached per folder."""
    if folder is None:
        source = "keras.datasets.mnist.load_data()"
        splits = _download("MNIST", "mnist", [MNIST_FILE])
    else:
        path = _require_files(folder, [MNIST_FILE])[0]
        source = str(path)
        splits = _read_npz(path)
    _check_splits(splits, source)
    if folder is not None:  # Keras checks its download's file hash itself
        _check_checksums(splits, source)
    return _frozen(splits)


@functools.lru_cache(maxsize=None)
def _load_fashion_mnist_cached(folder):
    """Load, check and freeze Fashion-MNIST from ``folder`` (None: download)."""
    names = [f"{FASHION_MNIST_FOLDER}/{name}" for name in FASHION_MNIST_FILES]
    if folder is None:
        source = "keras.datasets.fashion_mnist.load_data()"
        splits = _download("Fashion-MNIST", "fashion_mnist", names)
    else:
        paths = _require_files(folder, names)
        source = str(Path(folder) / FASHION_MNIST_FOLDER)
        x_train, y_train, x_test, y_test = [
            _read_idx(path, "images" if "images" in path.name else "labels") for path in paths
        ]
        splits = ((x_train, y_train), (x_test, y_test))
    _check_splits(splits, source)
    for (_, labels), per_class in zip(splits, (NUM_TRAIN // 10, NUM_TEST // 10)):
        counts = np.bincount(labels, minlength=NUM_CLASSES)
        if not np.all(counts == per_class):
            raise ValueError(
                f"{source}: images per class are {counts.tolist()}, Fashion-MNIST has "
                f"{per_class} of each; replace the files with the original ones."
            )
    return _frozen(splits)


def _require_files(folder, names):
    """Return the paths ``folder/name``; raise DataNotFoundError naming those missing."""
    paths = [Path(folder) / name for name in names]
    missing = [name for name, path in zip(names, paths) if not path.is_file()]
    if missing:
        raise DataNotFoundError(
            f"{DATA_ENV_VAR}={folder!r} is set, but it lacks {', '.join(missing)}. "
            f"The folder must contain: {', '.join(names)}. Point {DATA_ENV_VAR} at the "
            f"course's data folder, or unset it to download with keras.datasets."
        )
    return paths


def _download(title, module_name, names):
    """Call ``keras.datasets.<module_name>.load_data()``; explain how to work offline."""
    import keras  # here, not at import time: with the TensorFlow backend it loads TensorFlow

    try:
        return getattr(keras.datasets, module_name).load_data()
    except Exception as error:  # no internet, proxy, broken cache: all end the same way
        raise DataNotFoundError(
            f"Could not download {title} with keras.datasets.{module_name}.load_data() "
            f"({type(error).__name__}: {error}). Without internet, set {DATA_ENV_VAR} to a "
            f"folder that contains {', '.join(names)}, e.g. "
            f"os.environ[{DATA_ENV_VAR!r}] = '/path/to/data'."
        ) from None  # the chained tracebacks of urllib and Keras would bury this message


def _read_npz(path):
    """Read ``x_train, y_train, x_test, y_test`` from a Keras-layout .npz file."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("it holds one array, not an .npz archive of arrays")
        with loaded:
            arrays = {key: loaded[key] for key in loaded.files}
    except (zipfile.BadZipFile, zlib.error, pickle.UnpicklingError, EOFError, OSError,
            ValueError) as error:
        raise ValueError(f"{path} is not a readable .npz file ({error}); replace it.") from None
    missing = [key for key in MNIST_SHA256 if key not in arrays]
    if missing:
        raise ValueError(
            f"{path}: arrays {missing} are missing (found {sorted(arrays)}); the file must "
            f"hold {list(MNIST_SHA256)}, the layout of keras.datasets.mnist's mnist.npz."
        )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_idx(path, kind):
    """Read a gzipped IDX file of uint8 ``kind`` ("images" or "labels") into an array."""
    try:
        with gzip.open(path, "rb") as file:
            content = file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path} is not a readable gzip file ({error}); replace it.") from None
    num_dims = 3 if kind == "images" else 1
    header_size = 4 * (1 + num_dims)
    magic = int.from_bytes(content[:4], "big") if len(content) >= 4 else None
    if magic != _IDX_MAGIC[kind] or len(content) < header_size:
        raise ValueError(
            f"{path}: IDX magic number {magic}, expected {_IDX_MAGIC[kind]} for uint8 "
            f"{kind}; the file is corrupt or not an IDX {kind} file."
        )
    shape = tuple(int.from_bytes(content[4 * i:4 * i + 4], "big") for i in range(1, num_dims + 1))
    data = np.frombuffer(content, dtype=np.uint8, offset=header_size)
    if data.size != int(np.prod(shape)):
        raise ValueError(
            f"{path}: header says shape {shape} ({int(np.prod(shape))} bytes) but "
            f"{data.size} bytes follow; the file is truncated or corrupt."
        )
    return data.reshape(shape)


def _check_splits(splits, source):
    """Raise ValueError unless ``splits`` has MNIST's shapes, dtype and labels 0-9."""
    for (images, labels), split, count in zip(splits, ("train", "test"), (NUM_TRAIN, NUM_TEST)):
        expected = {"images": (count, *IMAGE_SHAPE), "labels": (count,)}
        for kind, array in (("images", images), ("labels", labels)):
            array = np.asarray(array)
            if array.shape != expected[kind] or array.dtype != np.uint8:
                raise ValueError(
                    f"{source}: {split} {kind} have shape {array.shape} and dtype "
                    f"{array.dtype}, expected {expected[kind]} uint8; replace the data."
                )
        if labels.max() >= NUM_CLASSES:
            raise ValueError(
                f"{source}: {split} label {int(labels.max())} is outside 0-{NUM_CLASSES - 1}; "
                f"replace the data."
            )


def _check_checksums(splits, source):
    """Raise ValueError unless the MNIST arrays' sha256 match :data:`MNIST_SHA256`."""
    arrays = dict(zip(MNIST_SHA256, (array for split in splits for array in split)))
    for key, expected in MNIST_SHA256.items():
        found = hashlib.sha256(np.ascontiguousarray(arrays[key]).tobytes()).hexdigest()
        if found != expected:
            raise ValueError(
                f"{source}: {key} has sha256 {found}, MNIST's is {expected}; the copy is "
                f"corrupt or not MNIST, replace it."
            )


def _frozen(splits):
    """Copy the arrays into memory that owns its data and mark them read-only."""
    frozen = []
    for split in splits:
        arrays = tuple(np.array(array, copy=True) for array in split)
        for array in arrays:
            array.setflags(write=False)
        frozen.append(arrays)
    return tuple(frozen)


def _read_only_views(splits):
    """New read-only views of the cached arrays (a view of a read-only owner stays read-only)."""
    return tuple(tuple(array.view() for array in split) for split in splits)


def to_float_images(images, pad_to=None):
    """Scale uint8 images to float32 in [0, 1], add a channel axis, optionally zero-pad.

    LeNet-5 (LeCun et al., 1998, Section II.B) reads 32x32 inputs: the 28x28 digit sits in
    the centre, so that strokes reach the centre of the top feature detectors' fields.

    Args:
        images: uint8 array of shape (N, H, W) or (N, H, W, C).
        pad_to: None, or the side of the padded square, e.g. 32; ``pad_to - H`` and
            ``pad_to - W`` must be even and not negative, so that the padding is symmetric.

    Returns:
        float32 array of shape (N, H, W, C) (C=1 for (N, H, W) input), or (N, pad_to, pad_to, C).
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim not in (3, 4):
        raise ValueError(
            f"images have dtype {images.dtype} and shape {images.shape}; pass uint8 images "
            f"of shape (N, H, W) or (N, H, W, C), as the loaders return them."
        )
    floats = images.astype(np.float32) / 255.0
    if floats.ndim == 3:
        floats = floats[..., np.newaxis]
    if pad_to is None:
        return floats
    height, width = floats.shape[1:3]
    extra = (pad_to - height, pad_to - width) if isinstance(pad_to, numbers.Integral) else None
    if extra is None or min(extra) < 0 or extra[0] % 2 or extra[1] % 2:
        raise ValueError(
            f"pad_to={pad_to!r} does not pad {height}x{width} images symmetrically; use an "
            f"integer >= {max(height, width)} that differs from both sides by an even number."
        )
    padding = ((0, 0), (extra[0] // 2,) * 2, (extra[1] // 2,) * 2, (0, 0))
    return np.pad(floats, padding)


def split_validation(x, y, validation_size, seed=0):
    """Split off a random validation set, the same for the same ``seed``.

    Args:
        x: array of N examples. y: array of N labels.
        validation_size: number of validation examples, an integer in (0, N).
        seed: seed of the permutation.

    Returns:
        ``(x_train, y_train), (x_val, y_val)``; each part keeps the original order.
    """
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)} labels; pass equal lengths.")
    is_integer = isinstance(validation_size, numbers.Integral) and not isinstance(
        validation_size, bool
    )
    if not is_integer or not 0 < validation_size < len(x):
        raise ValueError(
            f"validation_size={validation_size!r}: pass an integer between 1 and "
            f"{len(x) - 1} (the number of validation examples out of {len(x)})."
        )
    order = np.random.default_rng(seed).permutation(len(x))
    val_index = np.sort(order[:validation_size])
    train_index = np.sort(order[validation_size:])
    return (x[train_index], y[train_index]), (x[val_index], y[val_index])


def tf_dataset(x, y, batch_size, shuffle=False, seed=0, augment_shift=0):
    """Build a ``tf.data`` pipeline of (float images, int labels) batches. Needs TensorFlow.

    TensorFlow is imported when this is called. uint8 images are scaled to [0, 1] in the
    pipeline (batch by batch, so the float copy of the data set never sits in memory);
    float images are used as they are. ``augment_shift`` translates each training image by
    up to that many pixels (zero padding, then a random crop back to the original size), the
    data augmentation of AlexNet (Krizhevsky et al., 2012, Section 4.1) done in the input
    pipeline rather than with Keras ``Random*`` layers inside the model.

    Args:
        x: images, (N, H, W) or (N, H, W, C), uint8 or float.
        y: N integer labels.
        batch_size: examples per batch, a positive integer.
        shuffle: reshuffle the examples every epoch.
        seed: seed of the shuffle and of the shifts.
        augment_shift: largest shift in pixels, 0 for none.

    Returns:
        A prefetching ``tf.data.Dataset`` of ``(images, labels)``: float32 (B, H, W, C) and
        int32 (B,).
    """
    import tensorflow as tf

    x, y = _check_dataset_arguments(x, y, batch_size, augment_shift)
    dataset = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if augment_shift:
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        dataset = tf.data.Dataset.zip((dataset, seeds)).map(
            lambda example, pair: (_random_shift(tf, example[0], augment_shift, pair),
                                   example[1]),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    dataset = dataset.batch(batch_size).map(
        lambda images, labels: (_float_batch(tf, images), labels),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def _check_dataset_arguments(x, y, batch_size, augment_shift):
    """Validate :func:`tf_dataset`'s arguments; return ``x`` and ``y`` as numpy arrays."""
    x, y = np.asarray(x), np.asarray(y)
    for name, value, low in (("batch_size", batch_size, 1), ("augment_shift", augment_shift, 0)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name}={value!r}: pass an integer >= {low}.")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)} labels; pass equal lengths.")
    if x.ndim not in (3, 4) or not (x.dtype == np.uint8 or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(
            f"x has dtype {x.dtype} and shape {x.shape}; pass uint8 or float images of shape "
            f"(N, H, W) or (N, H, W, C)."
        )
    if not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
        raise ValueError(f"y has dtype {y.dtype} and shape {y.shape}; pass N integer labels.")
    return x, y


def _random_shift(tf, image, shift, seed_pair):
    """Translate one image by up to ``shift`` pixels: zero-pad, then crop at a random spot."""
    padding = [[shift, shift], [shift, shift]] + [[0, 0]] * (len(image.shape) - 2)
    padded = tf.pad(image, padding)
    return tf.image.stateless_random_crop(padded, tf.shape(image), seed=seed_pair)


def _float_batch(tf, images):
    """float32 batch with a channel axis; uint8 pixels are divided by 255."""
    if images.dtype == tf.uint8:
        images = tf.cast(images, tf.float32) / 255.0
    else:
        images = tf.cast(images, tf.float32)
    if len(images.shape) == 3:
        images = images[..., tf.newaxis]
    return images

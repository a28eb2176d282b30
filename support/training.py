"""Train the MNIST VGG and record the run: ``python -m support.train``.

The course's training run, measured once per machine and stored in ``course/results/``:
a VGG with batch normalisation and global average pooling (``support.models.mnist_vgg``),
random shifts of up to 2 pixels (and, with ``--rotation`` and ``--zoom``, small random
rotations and zooms) done in the NumPy input pipeline, AdamW with a cosine
learning-rate decay, a seeded validation split for the curves, and the test set scored once
at the end. On a GPU (JAX backend; on an NVIDIA H200 it reached 99.65% in 78 s of training)::

    KERAS_BACKEND=jax python -m support.train --size full --epochs 15 --rotation 10 --zoom 0.1 --out course/results

On a CPU, ``--size small --epochs 3``; ``--quick`` is a smoke test of under a minute on
20,000 images, written under ``course/results/quick/``. Notebook 05 (VGG on MNIST) runs
:func:`train_mnist_vgg` at its CPU settings (small, 3 epochs, ``rotation=10, zoom=0.1``).
The shifts are not Keras ``Random*`` layers: those declare ``supports_jit = False``, and a
model that holds one is compiled without XLA as a whole (Keras's ``model_supports_jit``), so
its training would run uncompiled.
"""

import argparse
import math
import sys
import time

import keras
import numpy as np

from support import data, models, results, timing

DEFAULTS = {"size": "small", "epochs": 3, "batch_size": 128, "validation_size": 5000,
            "learning_rate": 2e-3, "weight_decay": 0.05, "shift": 2, "rotation": 0.0, "zoom": 0.0,
            "seed": 0, "limit_train": None, "limit_test": None}
# --quick: 625 updates of 32 images. Fewer updates are not enough for batch norm: its moving
# averages (momentum 0.99) still hold 0.99^n of their initial variance 1 after n updates, far
# above the first layer's real variance, and the model predicts one class at test time
# (measured: 10.8% validation accuracy after 157 updates).
QUICK = {**DEFAULTS, "epochs": 1, "batch_size": 32, "limit_train": 20000, "validation_size": 1000,
         "limit_test": 2000}


def random_shift(images, shift, rng):
    """Translate each image by its own random offset of up to ``shift`` pixels each way.

    Zero-pads by ``shift`` pixels, then crops the original size at a random position: the
    translations of AlexNet's augmentation (Krizhevsky et al., 2012, Section 4.1), in NumPy.

    Args:
        images: array (N, H, W, C). shift: largest shift in pixels, >= 0.
        rng: a ``numpy.random.Generator``.

    Returns:
        Array of the same shape and dtype; pixels shifted in from outside are 0.
    """
    timing.check_positive_integer("shift", shift, minimum=0)
    if shift == 0:
        return images
    count, height, width = images.shape[:3]
    padded = np.pad(images, ((0, 0), (shift, shift), (shift, shift), (0, 0)))
    offsets = rng.integers(0, 2 * shift + 1, size=(count, 2))        # top-left corner of the crop
    rows = offsets[:, :1] + np.arange(height)                          # (N, H)
    columns = offsets[:, 1:] + np.arange(width)                        # (N, W)
    return padded[np.arange(count)[:, None, None], rows[:, :, None], columns[:, None, :]]


def rotate_zoom(images, angles, scales):
    """Rotate each image about its centre by its angle and scale it by its factor (bilinear).

    Output pixel ``p`` takes the input at ``c + R(-angle) (p - c) / scale`` (``c`` the centre),
    interpolated bilinearly; pixels that come from outside the image are 0. Positive angles
    turn the image clockwise as displayed (row 0 at the top); a scale above 1 zooms in.
    The NumPy counterpart of ``keras.ops.image.affine_transform`` with bilinear interpolation
    and a constant fill of 0 (the tests compare them).

    Args:
        images: float array (N, H, W, C). angles: N angles in degrees. scales: N factors > 0.

    Returns:
        float32 array of the same shape.
    """
    count, height, width = images.shape[:3]
    angles, scales = np.deg2rad(np.asarray(angles, float)), np.asarray(scales, float)
    if angles.shape != (count,) or scales.shape != (count,) or not np.all(scales > 0):
        raise ValueError(f"angles {angles.shape} and scales {scales.shape}: give one per image "
                         f"({count}), and scales > 0.")
    centre_row, centre_column = (height - 1) / 2, (width - 1) / 2
    rows, columns = np.meshgrid(np.arange(height) - centre_row, np.arange(width) - centre_column, indexing="ij")
    cosine = (np.cos(angles) / scales)[:, None, None]
    sine = (np.sin(angles) / scales)[:, None, None]
    source_rows = cosine * rows - sine * columns + centre_row          # (N, H, W)
    source_columns = sine * rows + cosine * columns + centre_column
    top, left = np.floor(source_rows).astype(int), np.floor(source_columns).astype(int)
    result = np.zeros(images.shape, np.float32)
    index = np.arange(count)[:, None, None]
    for row, column in ((top, left), (top, left + 1), (top + 1, left), (top + 1, left + 1)):
        weight = (1 - np.abs(source_rows - row)) * (1 - np.abs(source_columns - column))
        inside = (row >= 0) & (row < height) & (column >= 0) & (column < width)
        values = images[index, np.clip(row, 0, height - 1), np.clip(column, 0, width - 1)]
        result += (weight * inside)[..., None] * values
    return result


def check_rotation_zoom(rotation, zoom):
    """Raise ValueError unless ``0 <= rotation <= 180`` degrees and ``0 <= zoom < 1``."""
    if not 0 <= rotation <= 180 or not 0 <= zoom < 1:
        raise ValueError(f"rotation={rotation!r}, zoom={zoom!r}: use 0 <= rotation <= 180 degrees and "
                         "0 <= zoom < 1 (e.g. rotation=10, zoom=0.1).")


def random_rotate_zoom(images, rotation, zoom, rng):
    """Rotate each image by a uniform angle in [-rotation, rotation] degrees and zoom it by a
    uniform factor in [1 - zoom, 1 + zoom] (:func:`rotate_zoom`); ``images`` itself if both are 0.
    """
    check_rotation_zoom(rotation, zoom)
    if rotation == 0 and zoom == 0:
        return images
    count = len(images)
    return rotate_zoom(images, rng.uniform(-rotation, rotation, count), rng.uniform(1 - zoom, 1 + zoom, count))


class ShiftedBatches(keras.utils.PyDataset):
    """Batches of float images and labels, reshuffled every epoch, each image randomly shifted.

    Args:
        images: uint8 array (N, H, W); scaled to [0, 1] batch by batch.
        labels: N integer labels. batch_size: examples per batch (the last batch may be smaller).
        shift: largest shift in pixels (0: none). rotation, zoom: largest rotation in degrees
            and zoom factor's deviation from 1 (:func:`random_rotate_zoom`; 0: none), applied
            before the shift. seed: seed of the order and of the shifts;
            batch ``i`` of epoch ``e`` uses the generator ``default_rng([seed, e, i])``, so the
            batches do not depend on the order in which Keras asks for them.
    """

    def __init__(self, images, labels, batch_size, shift=0, seed=0, rotation=0.0, zoom=0.0, **kwargs):
        super().__init__(**kwargs)
        timing.check_positive_integer("batch_size", batch_size)
        check_rotation_zoom(rotation, zoom)
        self.rotation, self.zoom = rotation, zoom
        self.images, self.labels = images, np.asarray(labels, dtype=np.int32)
        self.batch_size, self.shift, self.seed = batch_size, shift, seed
        self.epoch = 0
        self.order = np.random.default_rng([seed, 0]).permutation(len(images))

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index):
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        images = data.to_float_images(self.images[chosen])
        rng = np.random.default_rng([self.seed, self.epoch, index])
        images = random_rotate_zoom(images, self.rotation, self.zoom, rng)
        return random_shift(images, self.shift, rng), self.labels[chosen]

    def on_epoch_end(self):
        self.epoch += 1
        self.order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.images))


def prepare_mnist(validation_size=5000, seed=0, limit_train=None, limit_test=None):
    """MNIST split into training, validation and test sets.

    Args:
        validation_size: images held out of the 60,000 training images, chosen with ``seed``.
        limit_train: keep only the first this many of the remaining training images.
        limit_test: score only the first this many of the 10,000 test images.

    Returns:
        dict: ``x_train, y_train`` (uint8 images, labels), ``x_validation, y_validation``,
        ``x_test, y_test`` (float32 (N, 28, 28, 1) and labels), and ``train_index``,
        ``validation_index`` (positions in MNIST's training set).
    """
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    (train_index, _), (validation_index, _) = data.split_validation(
        np.arange(len(x_train)), y_train, validation_size, seed)
    for name, limit in (("limit_train", limit_train), ("limit_test", limit_test)):
        if limit is not None:
            timing.check_positive_integer(name, limit)
    train_index = train_index[:limit_train]
    return {"x_train": x_train[train_index], "y_train": y_train[train_index],
            "x_validation": data.to_float_images(x_train[validation_index]),
            "y_validation": y_train[validation_index].astype(np.int32),
            "x_test": data.to_float_images(x_test[:limit_test]),
            "y_test": y_test[:limit_test].astype(np.int32),
            "train_index": train_index, "validation_index": validation_index}


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of every epoch (training and validation) in ``seconds``."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def check_settings(settings):
    """Raise ValueError naming the first bad value of :func:`train_mnist_vgg`'s settings.

    Run before any data is loaded, so that a bad command line fails at once, in one line.
    """
    if settings["size"] not in models.MNIST_VGG_CONFIGS:
        raise ValueError(f"size={settings['size']!r}: use one of {sorted(models.MNIST_VGG_CONFIGS)}.")
    for name in ("epochs", "batch_size"):
        timing.check_positive_integer(name, settings[name])
    for name in ("validation_size", "shift", "seed"):
        timing.check_positive_integer(name, settings[name], minimum=0)
    for name in ("limit_train", "limit_test"):
        if settings[name] is not None:
            timing.check_positive_integer(name, settings[name])
    for name, low, low_open in (("learning_rate", 0, True), ("weight_decay", 0, False)):
        value = settings[name]
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < low or (low_open and value == low):
            raise ValueError(f"{name}={value!r}: use a number {'>' if low_open else '>='} {low}.")
    check_rotation_zoom(settings["rotation"], settings["zoom"])


def compile_mnist_vgg(size, steps, learning_rate, weight_decay):
    """Build ``mnist_vgg(size)`` and compile it: AdamW, cosine decay over ``steps`` updates."""
    model = models.mnist_vgg(size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=weight_decay),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_mnist_vgg(size="small", epochs=3, batch_size=128, validation_size=5000,
                    learning_rate=2e-3, weight_decay=0.05, shift=2, rotation=0.0, zoom=0.0, seed=0,
                    limit_train=None, limit_test=None, verbose=0, return_model=False):
    """Train the MNIST VGG, score the test set once, and return the run's record.

    Args:
        size: "small" (16-32-64 channels, the CPU lesson) or "full" (64-128-256, the GPU one).
        epochs, batch_size: of ``model.fit``. validation_size: images held out for the curves.
        learning_rate: AdamW's initial rate, decayed to 0 by a cosine over all the updates.
        weight_decay: AdamW's decoupled weight decay. shift: largest random shift in pixels.
        rotation, zoom: largest random rotation (degrees) and zoom (:func:`random_rotate_zoom`).
        seed: seed of the split, the initial weights, the order and the shifts.
        limit_train, limit_test: use only this many training / test images (None: all).
        verbose: passed to ``fit``. return_model: also return the trained model.

    Returns:
        dict with ``schema, provenance, settings, model, params, epochs, curves`` (loss,
        accuracy, val_loss, val_accuracy per epoch), ``epoch_seconds``, ``train_seconds``
        (wall clock of ``fit``), ``train_examples``, ``test_examples``, ``test_loss``,
        ``test_accuracy``; with ``return_model``, the pair ``(record, model)``.
    """
    settings = {"size": size, "epochs": epochs, "batch_size": batch_size,
                "validation_size": validation_size, "learning_rate": learning_rate,
                "weight_decay": weight_decay, "shift": shift, "rotation": rotation, "zoom": zoom, "seed": seed,
                "limit_train": limit_train, "limit_test": limit_test}
    check_settings(settings)
    splits = prepare_mnist(validation_size, seed, limit_train, limit_test)
    batches = ShiftedBatches(splits["x_train"], splits["y_train"], batch_size, shift, seed, rotation, zoom)
    keras.utils.set_random_seed(seed)
    model = compile_mnist_vgg(size, epochs * len(batches), learning_rate, weight_decay)
    timer = EpochTimer()
    start = time.perf_counter()
    history = model.fit(batches, epochs=epochs, callbacks=[timer], verbose=verbose,
                        validation_data=(splits["x_validation"], splits["y_validation"]))
    train_seconds = time.perf_counter() - start
    test = model.evaluate(splits["x_test"], splits["y_test"], batch_size=512, verbose=0, return_dict=True)
    settings["jit_compile"] = bool(model.jit_compile)
    call = "support.training.train_mnist_vgg(" + ", ".join(
        f"{key}={value!r}" for key, value in settings.items() if key != "jit_compile") + ")"
    record = {"schema": results.TRAIN_SCHEMA, "provenance": results.provenance([call]), "settings": settings,
            "model": model.name, "params": model.count_params(), "epochs": epochs,
            "curves": {name: [float(value) for value in history.history[name]] for name in results.CURVES},
            "epoch_seconds": timer.seconds, "train_seconds": train_seconds,
            "train_examples": len(splits["x_train"]), "test_examples": len(splits["x_test"]),
            "test_loss": float(test["loss"]), "test_accuracy": float(test["accuracy"])}
    return (record, model) if return_model else record


def argument_parser():
    """The command line's options (``python -m support.train --help``)."""
    parser = argparse.ArgumentParser(prog="python -m support.train", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(models.MNIST_VGG_CONFIGS))
    for name, kind in (("epochs", int), ("batch_size", int), ("validation_size", int),
                       ("learning_rate", float), ("weight_decay", float), ("shift", int),
                       ("rotation", float), ("zoom", float),
                       ("seed", int), ("limit_train", int), ("limit_test", int)):
        parser.add_argument("--" + name.replace("_", "-"), type=kind, help=f"default {DEFAULTS[name]}")
    parser.add_argument("--out", default="course/results", help="results folder (default course/results)")
    parser.add_argument("--quick", action="store_true",
                        help="1 epoch on 20,000 images, 2,000 test images, written under OUT/quick/")
    return parser


def parse_settings(argv=None):
    """Parse the command line into keyword arguments of :func:`train_mnist_vgg`, plus out, quick.

    A bad value ends the command with the usage and one line naming it (exit status 2).
    """
    parser = argument_parser()
    arguments = parser.parse_args(argv)
    base = QUICK if arguments.quick else DEFAULTS
    settings = {key: base[key] if getattr(arguments, key) is None else getattr(arguments, key)
                for key in DEFAULTS}
    try:
        check_settings(settings)
    except ValueError as error:
        parser.error(str(error))
    return settings, arguments.out, arguments.quick


def main(argv=None):
    """Entry point: train with the command line's settings, write the record. Returns its path."""
    from support import quiet

    quiet.setup()
    settings, out, quick = parse_settings(argv)
    record = train_mnist_vgg(**settings, verbose=2)
    record["provenance"]["command"] = ["python", "-m", "support.train",
                                       *(sys.argv[1:] if argv is None else argv)]
    print(f"test accuracy {record['test_accuracy']:.4f} on {record['test_examples']} images, "
          f"{record['train_seconds']:.1f} s of training ({record['provenance']['device']}, "
          f"{record['provenance']['backend']})")
    path = results.write_record(record, out, quick=quick)
    print(f"wrote {path}")
    return path

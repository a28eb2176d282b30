"""Tests of support.data against the facts of the public data sets (shared/data/README.md)."""

import os
from pathlib import Path

import keras
import numpy as np
import pytest

from support import data

tensorflow_only = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="needs the TensorFlow backend (tf.data)"
)
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATA_FOLDER = os.environ.get(data.DATA_ENV_VAR) or str(DEFAULT_DATA)
needs_local_copy = pytest.mark.skipif(
    not (Path(DATA_FOLDER) / data.MNIST_FILE).is_file(),
    reason=f"no local data copy; set {data.DATA_ENV_VAR}",
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test reads the files again, under the environment it sets up."""
    data.clear_cache()
    yield
    data.clear_cache()


@pytest.fixture
def local_copy(monkeypatch):
    monkeypatch.setenv(data.DATA_ENV_VAR, DATA_FOLDER)
    return DATA_FOLDER


@needs_local_copy
def test_local_mnist_matches_the_readme(local_copy):
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert [a.shape for a in (x_train, y_train, x_test, y_test)] == [
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)
    ]
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                             5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                            1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    pixels = x_train / 255.0
    assert pixels.mean() == pytest.approx(0.1307, abs=5e-5)
    assert pixels.std() == pytest.approx(0.3081, abs=5e-5)


@needs_local_copy
def test_loaded_arrays_are_cached_and_read_only(local_copy):
    (x_train, _), _ = data.load_mnist()
    with pytest.raises(ValueError):
        x_train[0, 0, 0] = 1
    with pytest.raises(ValueError):
        x_train.setflags(write=True)
    (again, _), _ = data.load_mnist()
    assert again.base is x_train.base  # the same cached array, not a second read


@needs_local_copy
def test_local_fashion_mnist(local_copy):
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert len(data.FASHION_MNIST_CLASSES) == 10
    assert data.FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert data.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_missing_folder_names_variable_and_files(monkeypatch, tmp_path):
    folder = tmp_path / "nowhere"
    monkeypatch.setenv(data.DATA_ENV_VAR, str(folder))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", _must_not_download)
    with pytest.raises(data.DataNotFoundError) as error:
        data.load_mnist()
    message = str(error.value)
    assert data.DATA_ENV_VAR in message and str(folder) in message and "mnist.npz" in message
    with pytest.raises(data.DataNotFoundError) as error:
        data.load_fashion_mnist()
    assert all(name in str(error.value) for name in data.FASHION_MNIST_FILES)
    assert isinstance(error.value, FileNotFoundError)


def _must_not_download():
    raise AssertionError("the loader downloaded although the variable was set")


def test_failed_download_names_the_variable(monkeypatch):
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)

    def offline():
        raise OSError("URL fetch failure: no internet")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(data.DataNotFoundError) as error:
        data.load_mnist()
    assert data.DATA_ENV_VAR in str(error.value) and "mnist.npz" in str(error.value)


def test_offline_without_data_prints_a_short_message(tmp_path):
    """A reader without data or internet sees one short traceback ending in our message.

    A fresh Python, as in a notebook's kernel: no local copy, an empty Keras cache, and the
    download refused (a proxy at a closed local port), so the real keras.datasets code fails.
    """
    import subprocess
    import sys

    environment = {key: value for key, value in os.environ.items() if key != data.DATA_ENV_VAR}
    environment.update(KERAS_HOME=str(tmp_path), HTTPS_PROXY="http://127.0.0.1:9",
                       https_proxy="http://127.0.0.1:9", NO_PROXY="", no_proxy="")
    code = "from support import quiet; quiet.setup(); from support import data; data.load_mnist()"
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                            text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode != 0
    assert len(lines) <= 15, "\n".join(lines)
    assert "During handling" not in result.stderr and "direct cause" not in result.stderr
    assert lines[-1].startswith("support.data.DataNotFoundError:")
    assert data.DATA_ENV_VAR in lines[-1] and data.MNIST_FILE in lines[-1]


def test_download_is_used_and_checked_when_variable_unset(monkeypatch):
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    x_train = np.zeros((60000, 28, 28), np.uint8)
    y_train = np.zeros(60000, np.uint8)
    fake = ((x_train, y_train), (x_train[:10000], y_train[:10000]))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    assert data.load_mnist()[1][0].shape == (10000, 28, 28)
    data.clear_cache()
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: (fake[0], fake[0]))
    with pytest.raises(ValueError, match="60000"):
        data.load_mnist()  # test split of the training split's size


def test_corrupt_npz_raises_value_error(monkeypatch, tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"this is not a zip file" * 100)
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match="mnist.npz"):
        data.load_mnist()


def test_wrong_shape_npz_raises_value_error(monkeypatch, tmp_path):
    small = np.zeros((100, 28, 28), np.uint8)
    labels = np.zeros(100, np.uint8)
    np.savez(tmp_path / "mnist.npz", x_train=small, y_train=labels, x_test=small, y_test=labels)
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match=r"\(100, 28, 28\)"):
        data.load_mnist()


def test_npz_without_the_arrays_raises_value_error(monkeypatch, tmp_path):
    np.savez(tmp_path / "mnist.npz", images=np.zeros((2, 2), np.uint8))
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match="x_train"):
        data.load_mnist()


def test_bad_idx_magic_and_bad_gzip_raise_value_error(monkeypatch, tmp_path):
    import gzip

    folder = tmp_path / data.FASHION_MNIST_FOLDER
    folder.mkdir()
    for name in data.FASHION_MNIST_FILES:
        with gzip.open(folder / name, "wb") as file:
            file.write((1234).to_bytes(4, "big") + bytes(16))
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match="magic number 1234"):
        data.load_fashion_mnist()
    (folder / data.FASHION_MNIST_FILES[0]).write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="gzip"):
        data.load_fashion_mnist()


def test_to_float_images_scales_adds_channel_and_pads():
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    floats = data.to_float_images(images)
    assert floats.shape == (3, 28, 28, 1) and floats.dtype == np.float32
    np.testing.assert_allclose(floats[..., 0], images / 255.0, rtol=1e-6)
    padded = data.to_float_images(images, pad_to=32)
    assert padded.shape == (3, 32, 32, 1)
    np.testing.assert_array_equal(padded[:, 2:30, 2:30], floats)
    assert padded.sum() == pytest.approx(floats.sum(), rel=1e-6)  # the border is zeros


@pytest.mark.parametrize("pad_to", [26, 31, 32.0, "32"])
def test_to_float_images_rejects_bad_padding(pad_to):
    with pytest.raises(ValueError, match="pad_to"):
        data.to_float_images(np.zeros((1, 28, 28), np.uint8), pad_to=pad_to)


def test_to_float_images_rejects_float_input():
    with pytest.raises(ValueError, match="float64"):
        data.to_float_images(np.zeros((1, 28, 28)))


def test_split_validation_is_a_seeded_partition():
    x = np.arange(100).reshape(100, 1) * 10
    y = np.arange(100)
    (x_train, y_train), (x_val, y_val) = data.split_validation(x, y, 20, seed=1)
    assert len(x_val) == 20 and len(x_train) == 80
    assert sorted(y_train.tolist() + y_val.tolist()) == list(range(100))
    np.testing.assert_array_equal(x_val[:, 0], y_val * 10)  # pairs stay together
    assert y_val.tolist() != list(range(20))  # random, not the first 20
    (_, _), (_, y_val_again) = data.split_validation(x, y, 20, seed=1)
    (_, _), (_, y_val_other) = data.split_validation(x, y, 20, seed=2)
    assert y_val_again.tolist() == y_val.tolist() and y_val_other.tolist() != y_val.tolist()


@pytest.mark.parametrize("validation_size", [0, 100, -5, 0.2, True])
def test_split_validation_rejects_bad_sizes(validation_size):
    with pytest.raises(ValueError, match="validation_size"):
        data.split_validation(np.zeros((100, 2)), np.zeros(100), validation_size)


def test_split_validation_rejects_unequal_lengths():
    with pytest.raises(ValueError, match="99"):
        data.split_validation(np.zeros((100, 2)), np.zeros(99), 10)


@pytest.mark.tensorflow_only
@tensorflow_only
def test_tf_dataset_batches():
    images = np.random.default_rng(0).integers(0, 256, (10, 28, 28), dtype=np.uint8)
    labels = np.arange(10)
    batches = list(data.tf_dataset(images, labels, batch_size=4))
    assert [tuple(x.shape) for x, _ in batches] == [(4, 28, 28, 1), (4, 28, 28, 1), (2, 28, 28, 1)]
    assert batches[0][0].dtype.name == "float32" and batches[0][1].dtype.name == "int32"
    np.testing.assert_allclose(batches[0][0].numpy()[..., 0], images[:4] / 255.0, rtol=1e-6)
    shuffled = np.concatenate([y.numpy() for _, y in data.tf_dataset(images, labels, 4, True)])
    assert sorted(shuffled.tolist()) == list(range(10))
    with pytest.raises(ValueError, match="batch_size=0"):
        data.tf_dataset(images, labels, batch_size=0)


@pytest.mark.tensorflow_only
@tensorflow_only
def test_tf_dataset_shift_translates_without_wrapping():
    images = np.zeros((32, 9, 9), np.uint8)
    images[:, 4, 4] = 255  # one bright pixel in the centre of each image
    dataset = data.tf_dataset(images, np.zeros(32, int), 32, augment_shift=2, seed=3)
    shifted = next(iter(dataset))[0].numpy()[..., 0]
    positions = set()
    for picture in shifted:
        assert picture.sum() == pytest.approx(1.0)  # translated, not wrapped, blurred or lost
        row, column = np.argwhere(picture == 1.0)[0]
        assert abs(row - 4) <= 2 and abs(column - 4) <= 2
        positions.add((int(row), int(column)))
    assert len(positions) > 5  # the images are shifted independently
    unshifted = next(iter(data.tf_dataset(images, np.zeros(32, int), 32)))[0].numpy()
    np.testing.assert_array_equal(unshifted[..., 0], images / 255.0)

"""MNIST training: the input pipeline's shifts and split, and a --quick run that learns."""

import numpy as np
import pytest

from support import results, training

# Measured on the 2-core CPU: the --quick run (1 epoch of 625 updates on 20,000 images, batch 32,
# mnist_vgg small) scored 97.65%, 97.00%, 97.10% (TensorFlow, seeds 0-2) and 97.90% (JAX, seed
# 0) on the first 2,000 test images; chance is 10%, a run whose batch-norm statistics have not
# settled scores about 11%.
QUICK_THRESHOLD = 0.90


def test_quick_run_learns_and_writes_a_valid_record(tmp_path):
    path = training.main(["--quick", "--out", str(tmp_path)])
    assert path.parent == tmp_path / "quick" and path.name.startswith("train-")
    record = results.read_record(path)  # validates
    assert record["test_accuracy"] > QUICK_THRESHOLD, record["test_accuracy"]
    assert record["test_examples"] == 2000 and record["train_examples"] == 20000
    assert record["epochs"] == 1 and len(record["epoch_seconds"]) == 1
    assert record["model"] == "mnist_vgg_small" and record["settings"]["shift"] == 2
    assert record["train_seconds"] >= record["epoch_seconds"][0] > 0
    assert record["provenance"]["command"][:3] == ["python", "-m", "support.train"]


def test_validation_split_is_seeded_and_disjoint():
    first = training.prepare_mnist(validation_size=5000, seed=0)
    again = training.prepare_mnist(validation_size=5000, seed=0)
    other = training.prepare_mnist(validation_size=5000, seed=1)
    train, validation = set(first["train_index"]), set(first["validation_index"])
    assert len(validation) == 5000 and len(train) == 55000
    assert not train & validation and train | validation == set(range(60000))
    np.testing.assert_array_equal(first["validation_index"], again["validation_index"])
    assert set(other["validation_index"]) != validation
    limited = training.prepare_mnist(validation_size=1000, seed=0, limit_train=300, limit_test=200)
    assert len(limited["x_train"]) == 300 and len(limited["x_test"]) == 200
    assert not set(limited["train_index"]) & set(limited["validation_index"])


def shifted_copy(image, down, right):
    """``image`` moved ``down`` and ``right`` pixels (negative: up, left), zeros shifted in."""
    height, width = image.shape[:2]
    moved = np.zeros_like(image)
    moved[max(down, 0):height + min(down, 0), max(right, 0):width + min(right, 0)] = \
        image[max(-down, 0):height - max(down, 0), max(-right, 0):width - max(right, 0)]
    return moved


def test_random_shift_is_a_translation_within_the_limit():
    rng = np.random.default_rng(0)
    images = rng.random((16, 9, 7, 1)).astype(np.float32) + 0.1  # no zeros: shifts are unique
    shifted = training.random_shift(images, 2, np.random.default_rng(1))
    assert shifted.shape == images.shape and shifted.dtype == images.dtype
    found = []
    for image, result in zip(images, shifted):
        matches = [(down, right) for down in range(-2, 3) for right in range(-2, 3)
                   if np.array_equal(shifted_copy(image, down, right), result)]
        assert len(matches) == 1
        found.append(matches[0])
    assert len(set(found)) > 5  # the offsets differ from image to image
    assert training.random_shift(images, 0, rng) is images


def test_batches_cover_every_example_once_per_epoch_and_reshuffle():
    images = np.arange(10 * 4 * 4, dtype=np.uint8).reshape(10, 4, 4)
    labels = np.arange(10)
    batches = training.ShiftedBatches(images, labels, batch_size=4, shift=0, seed=3)
    assert len(batches) == 3
    epochs = []
    for _ in range(2):
        epoch = [batches[index] for index in range(len(batches))]
        seen = np.concatenate([batch_labels for _, batch_labels in epoch])
        assert sorted(seen) == list(range(10))
        for batch_images, batch_labels in epoch:
            np.testing.assert_allclose(batch_images[..., 0], images[batch_labels] / 255.0, rtol=1e-6)
        epochs.append(seen)
        batches.on_epoch_end()
    assert list(epochs[0]) != list(epochs[1])
    again = training.ShiftedBatches(images, labels, batch_size=4, shift=0, seed=3)
    np.testing.assert_array_equal(again[0][1], epochs[0][:4])


@pytest.mark.parametrize("arguments, message", [
    ({"epochs": 0}, "epochs=0"), ({"batch_size": -1}, "batch_size=-1"),
    ({"size": "huge"}, "size='huge'"), ({"limit_train": 0}, "limit_train=0"),
    ({"rotation": -5}, "rotation=-5"), ({"zoom": 1.0}, "zoom=1.0"),
])
def test_bad_settings_raise(arguments, message):
    with pytest.raises(ValueError, match=message):
        training.train_mnist_vgg(**{"limit_train": 100, "validation_size": 100, **arguments})


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "-1"], "epochs=-1"), (["--rotation", "400"], "rotation=400.0"),
    (["--learning-rate", "0"], "learning_rate=0.0"), (["--zoom", "1.5"], "zoom=1.5"),
    (["--limit-test", "0"], "limit_test=0"), (["--shift", "-2"], "shift=-2"),
])
def test_bad_command_line_prints_usage_and_one_line(argv, message, capsys):
    """`python -m support.train` refuses a bad value before loading anything, in one line."""
    with pytest.raises(SystemExit) as stopped:
        training.parse_settings(argv)
    error = capsys.readouterr().err
    lines = error.strip().splitlines()
    assert stopped.value.code == 2 and "Traceback" not in error
    assert lines[0].startswith("usage: python -m support.train")
    assert lines[-1].startswith("python -m support.train: error: ") and message in lines[-1], lines[-1]


def test_training_path_runs_in_training_mode():
    """Batch-norm statistics move and dropout is active in the course's `fit` path.

    A popular course's TensorFlow code trained with both silently off (a custom loop calling
    the model without ``training=True``); here the MNIST VGG is compiled as the course's
    training run compiles it and trained through the same ``ShiftedBatches`` and ``fit``.
    """
    import keras

    keras.utils.set_random_seed(0)
    model = training.compile_mnist_vgg("small", steps=4, learning_rate=1e-3, weight_decay=0.0)
    images = np.random.default_rng(0).integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    labels = np.arange(64) % 10
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms, "the MNIST VGG should have batch normalisation"
    before = [keras.ops.convert_to_numpy(layer.moving_mean).copy() for layer in norms]
    model.fit(training.ShiftedBatches(images, labels, batch_size=16), epochs=1, verbose=0)
    moved = [not np.allclose(old, keras.ops.convert_to_numpy(layer.moving_mean)) for old, layer in zip(before, norms)]
    assert all(moved), "fit left batch-norm moving statistics unchanged: training=False somewhere"

    probe = keras.Sequential([keras.Input((32,)), keras.layers.Dropout(0.5), keras.layers.Dense(1, use_bias=False,
                              kernel_initializer="ones")])
    probe.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # no update: only the mode differs
    inputs, targets = np.ones((64, 32), "float32"), np.zeros((64, 1), "float32")
    fit_loss = probe.fit(inputs, targets, batch_size=64, epochs=1, verbose=0).history["loss"][0]
    evaluate_loss = probe.evaluate(inputs, targets, batch_size=64, verbose=0)
    assert evaluate_loss == pytest.approx(32.0 ** 2)  # dropout off: every input counts once
    assert fit_loss != pytest.approx(evaluate_loss, rel=1e-3)  # on: half dropped, the rest doubled


def keras_rotate_zoom(image, angle, scale):
    """The same rotation and zoom by ``keras.ops.image.affine_transform`` (an independent reference)."""
    import keras

    radians, centre = np.deg2rad(angle), (image.shape[0] - 1) / 2
    cosine, sine = np.cos(radians) / scale, np.sin(radians) / scale
    # Keras maps output (x, y) = (column, row) to input (a0 x + a1 y + a2, b0 x + b1 y + b2)
    transform = np.array([[cosine, sine, centre - (cosine + sine) * centre,
                           -sine, cosine, centre + (sine - cosine) * centre, 0, 0]], "float32")
    return keras.ops.convert_to_numpy(keras.ops.image.affine_transform(
        image[None], transform, interpolation="bilinear", fill_mode="constant"))[0]


def test_rotate_zoom_matches_keras_and_rot90():
    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 28, 1)).astype(np.float32)
    turned = training.rotate_zoom(images, [0, 90, 17], [1, 1, 1.15])
    np.testing.assert_allclose(turned[0], images[0], atol=1e-6)               # identity
    np.testing.assert_allclose(turned[1], np.rot90(images[1], k=-1), atol=1e-5)  # clockwise
    np.testing.assert_allclose(turned[2], keras_rotate_zoom(images[2], 17, 1.15), atol=1e-4)
    with pytest.raises(ValueError, match="one per image"):
        training.rotate_zoom(images, [0, 1], [1, 1])


def test_random_rotate_zoom_stays_within_its_limits():
    image = np.zeros((1, 29, 29, 1), np.float32)
    image[0, 14, 4] = 1.0  # one bright pixel 10 pixels left of the centre
    rng = np.random.default_rng(0)
    for _ in range(20):
        moved = training.random_rotate_zoom(image, 10, 0.1, rng)[0, ..., 0]
        row, column = np.unravel_index(np.argmax(moved), moved.shape)
        radius, angle = np.hypot(row - 14, column - 14), np.degrees(np.arctan2(row - 14, 14 - column))
        assert 8 <= radius <= 12 and abs(angle) <= 10 + 6  # zoom 0.9-1.1, rotation 10, one pixel
    assert training.random_rotate_zoom(image, 0, 0, rng) is image
    with pytest.raises(ValueError, match="zoom=1.5"):
        training.random_rotate_zoom(image, 10, 1.5, rng)
    with pytest.raises(ValueError, match="rotation=10"):
        training.ShiftedBatches(image[..., 0], [0], batch_size=1, rotation=10, zoom=-0.1)


def test_return_model_gives_the_model_that_was_scored():
    record, model = training.train_mnist_vgg(epochs=1, batch_size=32, validation_size=100, limit_train=64,
                                             limit_test=200, rotation=10, zoom=0.1, return_model=True)
    splits = training.prepare_mnist(validation_size=100, limit_train=64, limit_test=200)
    predicted = model.predict(splits["x_test"], verbose=0).argmax(axis=1)
    assert np.mean(predicted == splits["y_test"]) == pytest.approx(record["test_accuracy"], abs=1e-6)
    assert record["settings"]["rotation"] == 10 and record["settings"]["zoom"] == 0.1
    results.validate_training_record(record)
    assert training.parse_settings(["--rotation", "10", "--zoom", "0.1"])[0]["rotation"] == 10.0

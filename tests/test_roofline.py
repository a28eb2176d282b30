"""support.roofline: bytes checked against the arrays a model really produces, intensities
against the textbook formula of a matrix product, and the bandwidth against NumPy's copy."""

import time

import keras
import numpy as np
import pytest

from support import roofline


def small_model():
    inputs = keras.Input((12, 12, 3), name="image")
    x = keras.layers.Conv2D(8, 3, padding="same", name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.Activation("relu", name="relu")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(0.5, name="dropout")(x)
    outputs = keras.layers.Dense(5, name="dense")(x)
    return keras.Model(inputs, outputs)


def test_bytes_are_those_of_the_real_tensors_and_weights():
    model, batch = small_model(), 3
    images = np.random.default_rng(0).normal(size=(batch, 12, 12, 3)).astype("float32")
    named = [layer for layer in model.layers if layer.name != "image"]
    probe = keras.Model(model.inputs, [layer.output for layer in named])
    outputs = dict(zip([layer.name for layer in named], probe.predict(images, verbose=0)))
    outputs["image"] = images
    previous = {"conv": "image", "bn": "conv", "relu": "bn", "pool": "relu", "dense": "dropout"}
    rows = {row["name"]: row for row in roofline.layer_rows(model, batch_size=batch)}
    for name, source in previous.items():
        weights = sum(array.nbytes for array in model.get_layer(name).get_weights())
        assert rows[name]["output_bytes"] == outputs[name].nbytes
        assert rows[name]["input_bytes"] == outputs[source].nbytes
        assert rows[name]["weight_bytes"] == weights
    for name in ("image", "flatten", "dropout"):
        assert rows[name]["bytes"] == 0 and rows[name]["flops"] == 0


@pytest.mark.parametrize("batch", [1, 64, 1024])
def test_dense_intensity_is_that_of_a_matrix_product(batch):
    inputs = keras.Input((512,))
    model = keras.Model(inputs, keras.layers.Dense(256, name="dense")(inputs))
    row = roofline.layer_rows(model, batch_size=batch)[-1]
    # (batch x 512) @ (512 x 256) + bias: 2*b*n*m FLOPs; reads x, W, b and writes y, 4 bytes each
    expected = 2 * batch * 512 * 256 / (4 * (batch * 512 + 512 * 256 + 256 + batch * 256))
    assert row["intensity"] == pytest.approx(expected)


def test_small_batch_dense_layers_are_memory_bound_and_convolutions_are_not():
    # VGG16's block3_conv2 (56x56, 256 to 256 channels) and fc2 (4096 to 4096), at batch 1
    image = keras.Input((56, 56, 256))
    features = keras.Input((4096,))
    model = keras.Model([image, features], [keras.layers.Conv2D(256, 3, padding="same", name="conv")(image),
                                            keras.layers.Dense(4096, name="fc")(features)])
    rows = {row["name"]: row for row in roofline.layer_rows(model, batch_size=1)}
    assert rows["fc"]["intensity"] < 1      # each weight read once for 2 FLOPs
    assert rows["conv"]["intensity"] > 50   # each weight reused at 56x56 positions


def test_copy_bandwidth_agrees_with_numpy_within_a_factor_of_ten():
    measured = roofline.copy_bandwidth(megabytes=64, steps=5, warmup=2)
    source = np.zeros(64 * 2 ** 20 // 4, dtype="float32")
    target = np.empty_like(source)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        np.add(source, 1.0, out=target)
        times.append(time.perf_counter() - start)
    numpy_rate = 2 * source.nbytes / sorted(times)[2]
    assert 0.1 < measured["bytes_per_s"] / numpy_rate < 10


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="megabytes=0"):
        roofline.copy_bandwidth(megabytes=0)
    with pytest.raises(ValueError, match="batch_size=0"):
        roofline.layer_rows(small_model(), batch_size=0)
    with pytest.raises(ValueError, match="bandwidth=-1"):
        roofline.attainable(1.0, 1e9, -1)


def test_plot_draws_one_series_per_layer_type(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    rows = roofline.layer_rows(small_model())
    ax = roofline.plot_roofline(rows, 1e11, 1e10, "A small network", measured=[("model", 2.0, 5e9)])
    kinds = {row["type"] for row in rows if row["flops"] > 0}
    assert {text.get_text() for text in ax.get_legend().get_texts()} >= kinds | {"model"}
    with pytest.raises(ValueError, match="no layer"):
        roofline.plot_roofline([], 1e11, 1e10, "empty")


def test_a_layer_type_has_the_same_colour_in_every_plot():
    import matplotlib
    import matplotlib.colors
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    rows = roofline.layer_rows(small_model())
    without_batch_norm = [row for row in rows if row["type"] != "BatchNormalization"]  # shifts the others

    def colours(rows_shown):
        _, ax = plt.subplots()
        roofline.plot_roofline(rows_shown, 1e11, 1e10, "A small network", ax=ax)
        found = {collection.get_label(): matplotlib.colors.to_hex(collection.get_facecolor()[0], keep_alpha=False)
                 for collection in ax.collections}
        plt.close(ax.figure)
        return found

    first, second = colours(rows), colours(without_batch_norm)
    for kind in ("Conv2D", "Dense", "MaxPooling2D"):
        assert first[kind] == second[kind], kind
    assert len({first[kind] for kind in ("Conv2D", "Dense", "MaxPooling2D", "BatchNormalization")}) == 4

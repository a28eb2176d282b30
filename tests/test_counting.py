"""The analytic counter against hand formulas, Keras's shapes and XLA's own FLOP count."""

import keras
import pytest

from support import counting, models


def test_conv_flops_equal_the_hand_formula():
    # AlexNet conv1: 55 x 55 outputs x 96 filters, each 11 x 11 x 3 multiply-accumulates.
    rows = {row["name"]: row for row in counting.layer_table(models.alexnet())}
    assert rows["conv1"]["macs"] == 55 * 55 * 96 * 11 * 11 * 3 == 105_415_200
    assert rows["conv1"]["flops"] == 2 * 105_415_200
    assert rows["conv1"]["params"] == (11 * 11 * 3 + 1) * 96
    # grouped conv2: each output channel sees 96 / 2 input channels
    grouped = {row["name"]: row for row in counting.layer_table(models.alexnet(groups=2))}
    assert grouped["conv2"]["macs"] == 27 * 27 * 256 * 5 * 5 * 48
    assert grouped["fc6"]["macs"] == 6 * 6 * 256 * 4096


def test_vgg16_flops_match_the_published_figure():
    # 15.5 G multiply-accumulates per 224x224 image (e.g. Canziani et al. 2016, Figure 2).
    total = counting.totals(counting.layer_table(models.vgg("D")))
    assert round(total["macs"] / 1e9, 1) == 15.5


@pytest.mark.parametrize("size, kernel, stride, padding", [
    (224, 11, 4, "valid"), (227, 11, 4, "valid"), (55, 3, 2, "valid"), (28, 3, 2, "same"),
    (7, 7, 1, "valid"), (299, 3, 2, "valid"), (35, 3, 1, "same"), (17, 5, 3, "valid")])
def test_output_size_formula_matches_keras(size, kernel, stride, padding):
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
    keras_size = layer.compute_output_shape((1, size, size, 1))[1]
    assert counting.output_size(size, kernel, stride, padding) == keras_size


def test_conv_flops_equal_xla_cost_analysis():
    jax = pytest.importorskip("jax")
    import numpy as np

    def xla_flops(in_shape, kernel_shape, stride, groups):
        def conv(x, k):
            return jax.lax.conv_general_dilated(x, k, (stride, stride), "VALID", feature_group_count=groups,
                                                dimension_numbers=("NHWC", "HWIO", "NHWC"))
        x, k = np.ones(in_shape, "float32"), np.ones(kernel_shape, "float32")
        return jax.jit(conv).lower(x, k).compile().cost_analysis()["flops"]

    for (height, channels, kernel, filters, stride, groups) in [(32, 8, 3, 16, 1, 1), (227, 3, 11, 96, 4, 1), (27, 96, 5, 256, 1, 2)]:
        out = counting.output_size(height, kernel, stride, "valid")
        ours = 2 * counting.conv2d_macs(out, out, channels, filters, kernel, groups)
        assert ours == xla_flops((1, height, height, channels), (kernel, kernel, channels // groups, filters), stride, groups)


def test_batch_norm_counts_follow_its_options():
    inputs = keras.Input((8, 8, 5))
    outputs = keras.layers.BatchNormalization(scale=False)(keras.layers.BatchNormalization()(inputs))
    model = keras.Model(inputs, outputs)
    assert [row["params"] for row in counting.layer_table(model)] == [0, 5 * 4, 5 * 3]
    assert counting.totals(counting.layer_table(model))["params"] == model.count_params()


def test_activation_memory_per_image():
    rows = {row["name"]: row for row in counting.layer_table(models.lenet5())}
    assert rows["c1"]["activations"] == 28 * 28 * 6
    assert rows["c1"]["activation_bytes"] == 28 * 28 * 6 * 4


def test_unknown_layer_with_weights_is_refused():
    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.DepthwiseConv2D(3)(inputs))
    with pytest.raises(ValueError, match="DepthwiseConv2D.*support/counting.py"):
        counting.layer_table(model)


def test_bad_padding_is_refused():
    with pytest.raises(ValueError, match="'full'"):
        counting.output_size(10, 3, 1, "full")


def test_format_table_ends_with_the_total():
    text = counting.format_table(counting.layer_table(models.lenet5()))
    assert text.splitlines()[-1].split()[:2] == ["total", "61,706"]

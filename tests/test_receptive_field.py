"""Analytic receptive fields against the gradient measurement and published values."""

import keras
import pytest

from support import layers, models
from support import receptive_field as rf


def assert_analytic_equals_empirical(model, layer_name):
    height_field, width_field = rf.receptive_fields(model)[layer_name]
    out_height, out_width = model.get_layer(layer_name).output.shape[1:3]
    rows, cols = rf.empirical_receptive_field(model, layer_name)
    assert rows == rf.theoretical_region(height_field, out_height // 2)
    assert cols == rf.theoretical_region(width_field, out_width // 2)
    assert rows[1] - rows[0] + 1 == height_field.size  # the field fits inside the image here


@pytest.mark.parametrize("layer_name", ["block1_conv1", "block2_conv1", "block2_pool", "block3_conv2", "block3_pool"])
def test_vgg_stack_analytic_equals_gradient(layer_name):
    assert_analytic_equals_empirical(models.vgg("A", input_shape=(96, 96, 3)), layer_name)


@pytest.mark.parametrize("layer_name", ["inc1", "inc2_3x3", "inc2_pool_proj", "inc2"])
def test_inception_modules_analytic_equals_gradient(layer_name):
    inputs = keras.Input((40, 40, 8))
    x = layers.inception_module(inputs, 4, 4, 4, 4, 4, 4, name="inc1")
    x = layers.inception_module(x, 4, 4, 4, 4, 4, 4, name="inc2")
    assert_analytic_equals_empirical(keras.Model(inputs, x), layer_name)


def test_factorised_1x7_7x1_fields_are_not_square():
    inputs = keras.Input((31, 31, 4))
    x = layers.factorized_branch(inputs, [4, 4], [(1, 7), (3, 1)], name="branch")
    model = keras.Model(inputs, x)
    height, width = rf.receptive_fields(model)["branch_2"]
    assert (height.size, width.size) == (3, 7)
    assert_analytic_equals_empirical(model, "branch_2")


def stack(kernels):
    inputs = keras.Input((32, 32, 1))
    x = inputs
    for index, kernel in enumerate(kernels):
        x = keras.layers.Conv2D(1, kernel, padding="same", name=f"conv{index}")(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize("small, large", [([3, 3], [5]), ([3, 3, 3], [7])])
def test_stacked_3x3_see_what_one_large_kernel_sees(small, large):
    small_field = rf.receptive_fields(stack(small))[f"conv{len(small) - 1}"][0]
    large_field = rf.receptive_fields(stack(large))["conv0"][0]
    assert small_field.size == large_field.size == large[0]
    assert rf.empirical_receptive_field(stack(small), f"conv{len(small) - 1}")[0] == \
        rf.empirical_receptive_field(stack(large), "conv0")[0]


def test_published_receptive_fields():
    # Araujo, Norris, Sim, "Computing Receptive Fields of CNNs", Distill 2019, Table 1:
    # VGG16 212, Inception v3 1311 (its mixed10 output).
    assert rf.receptive_fields(models.vgg("D"))["block5_pool"][0].size == 212
    assert rf.receptive_fields(models.inception_v3())["mixed10"][0].size == 1311


def test_table_rows_and_global_layers():
    table = rf.receptive_field_table(models.lenet5())
    assert [row["name"] for row in table] == ["image", "c1", "s2", "c3", "s4", "c5"]
    assert table[-1]["size"] == 32 and table[-1]["jump"] == 4
    assert rf.receptive_fields(models.lenet5())["f6"] is None


def test_unit_outside_the_map_is_refused():
    with pytest.raises(ValueError, match=r"\(40, 0\).*28x28"):
        rf.empirical_receptive_field(models.lenet5(), "c1", row=40, col=0)

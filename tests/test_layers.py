"""Layers against independent references: TensorFlow's LRN and a NumPy loop."""

import keras
import numpy as np
import pytest

from support import layers


def lrn_by_loop(x, depth_radius, bias, alpha, beta):
    """The paper's formula written out channel by channel (Krizhevsky et al. 2012, Sec. 3.3)."""
    out = np.empty_like(x)
    channels = x.shape[-1]
    for i in range(channels):
        low, high = max(0, i - depth_radius), min(channels - 1, i + depth_radius)
        out[..., i] = x[..., i] / (bias + alpha * np.sum(x[..., low:high + 1] ** 2, axis=-1)) ** beta
    return out


@pytest.mark.parametrize("params", [dict(depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75),
                                    dict(depth_radius=4, bias=1.0, alpha=0.001 / 9, beta=0.75),
                                    dict(depth_radius=0, bias=1.0, alpha=0.5, beta=0.5)])
def test_lrn_equals_the_formula(params):
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 12)).astype("float32") * 10
    ours = keras.ops.convert_to_numpy(layers.LocalResponseNormalization(**params)(x))
    np.testing.assert_allclose(ours, lrn_by_loop(x, **params), rtol=1e-5, atol=1e-6)


@pytest.mark.tensorflow_only
def test_lrn_equals_tf_nn_local_response_normalization():
    import tensorflow as tf

    x = np.random.default_rng(1).normal(size=(2, 7, 7, 96)).astype("float32") * 30
    ours = layers.LocalResponseNormalization()(x)  # the paper's n=5, k=2, alpha=1e-4, beta=0.75
    reference = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75)
    np.testing.assert_allclose(np.asarray(ours), reference.numpy(), rtol=1e-5, atol=1e-6)


def test_lrn_rejects_a_bad_radius_and_round_trips_its_config():
    with pytest.raises(ValueError, match="depth_radius=2.5"):
        layers.LocalResponseNormalization(depth_radius=2.5)
    layer = layers.LocalResponseNormalization(depth_radius=3, alpha=2e-4)
    clone = layers.LocalResponseNormalization.from_config(layer.get_config())
    assert (clone.depth_radius, clone.alpha, clone.beta, clone.bias) == (3, 2e-4, 0.75, 2.0)


def test_inception_module_concatenates_four_branches():
    inputs = keras.Input((28, 28, 192))
    outputs = layers.inception_module(inputs, 64, 96, 128, 16, 32, 32, name="inception_3a")
    model = keras.Model(inputs, outputs)
    assert tuple(outputs.shape[1:]) == (28, 28, 64 + 128 + 32 + 32)
    names = {layer.name for layer in model.layers}
    assert {"inception_3a_1x1", "inception_3a_3x3_reduce", "inception_3a_5x5", "inception_3a_pool_proj"} <= names


def test_vgg_block_names_and_shapes():
    inputs = keras.Input((32, 32, 3))
    outputs = layers.vgg_block(inputs, [64, 64], block_index=1)
    model = keras.Model(inputs, outputs)
    assert [layer.name for layer in model.layers[1:]] == ["block1_conv1", "block1_conv2", "block1_pool"]
    assert tuple(outputs.shape[1:]) == (16, 16, 64)


def test_grid_reduction_halves_the_grid():
    inputs = keras.Input((35, 35, 288))
    outputs = layers.grid_reduction(inputs, [([384], [(3, 3)]), ([64, 96, 96], [(1, 1), (3, 3), (3, 3)])], name="mixed3")
    assert tuple(outputs.shape[1:]) == (17, 17, 384 + 96 + 288)
    with pytest.raises(ValueError, match="same length"):
        layers.factorized_branch(inputs, [64, 96], [(1, 1)], name="bad")

"""support.alexnet.fashion_alexnet against the paper's layout, counted by hand."""

import keras
import numpy as np
import pytest

from support import alexnet
from support import layers as course_layers


def valid_pool(side):
    """Output side of a 3x3 window at stride 2 without padding: floor((n - 3) / 2) + 1."""
    return (side - 3) // 2 + 1


def test_layout_follows_alexnet():
    model = alexnet.fashion_alexnet()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv2D") == 5 and kinds.count("MaxPooling2D") == 3 and kinds.count("Dropout") == 2
    for name in ("pool1", "pool2", "pool5"):  # overlapping: 3x3 windows, stride 2 (Section 3.4)
        pool = model.get_layer(name)
        assert pool.pool_size == (3, 3) and pool.strides == (2, 2)
    for name in ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7"):  # ReLU (Section 3.1)
        assert model.get_layer(name).activation is keras.activations.relu
    assert model.get_layer("dropout6").rate == model.get_layer("dropout7").rate == 0.5  # Section 4.2
    # Normalisation after conv1 and conv2 only, before their pooling (Section 3.3)
    assert kinds.index("BatchNormalization") == kinds.index("Conv2D") + 1
    assert [layer.name for layer in model.layers if "bn" in layer.name] == ["bn1", "bn2"]


def test_map_sizes_and_parameters_by_hand():
    filters, units = (24, 48, 64, 64, 48), 256
    model = alexnet.fashion_alexnet(filters=filters, dense_units=units)
    side1 = valid_pool(28)
    side2 = valid_pool(side1)
    side5 = valid_pool(side2)
    shapes = {name: tuple(model.get_layer(name).output.shape[1:]) for name in ("pool1", "pool2", "pool5")}
    assert shapes == {"pool1": (side1, side1, 24), "pool2": (side2, side2, 48), "pool5": (side5, side5, 48)}
    convs = (5 * 5 * 1 + 1) * 24 + (3 * 3 * 24 + 1) * 48 + (3 * 3 * 48 + 1) * 64 + (3 * 3 * 64 + 1) * 64 \
        + (3 * 3 * 64 + 1) * 48
    batch_norms = 4 * (24 + 48)  # scale, shift, moving mean, moving variance per channel
    dense = (side5 * side5 * 48 + 1) * units + (units + 1) * units + (units + 1) * 10
    assert model.count_params() == convs + batch_norms + dense


def test_normalization_choices():
    lrn = alexnet.fashion_alexnet(normalization="lrn")
    normalizers = [layer for layer in lrn.layers if isinstance(layer, course_layers.LocalResponseNormalization)]
    assert [layer.name for layer in normalizers] == ["lrn1", "lrn2"]
    plain = alexnet.fashion_alexnet(normalization=None)
    batch = alexnet.fashion_alexnet()
    assert plain.count_params() == batch.count_params() - 4 * (24 + 48) == lrn.count_params()
    with pytest.raises(ValueError, match="normalization='layer'"):
        alexnet.fashion_alexnet(normalization="layer")
    with pytest.raises(ValueError, match="input_shape"):
        alexnet.fashion_alexnet(input_shape=(12, 12, 1))


def test_dropout_only_in_training():
    model = alexnet.fashion_alexnet()
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    inference = [keras.ops.convert_to_numpy(model(images, training=False)) for _ in range(2)]
    np.testing.assert_array_equal(*inference)
    np.testing.assert_allclose(inference[0].sum(axis=1), 1.0, rtol=1e-5)  # softmax
    training = [keras.ops.convert_to_numpy(model(images, training=True)) for _ in range(2)]
    assert not np.allclose(*training)  # dropout draws new masks each call

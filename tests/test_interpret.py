"""support.interpret against cases whose answers are known by hand, under TensorFlow and JAX."""

import keras
import numpy as np
import pytest

from support import interpret


def linear_model(height=4, width=5, channels=2, classes=3, softmax=True, seed=0):
    """Flatten then Dense: the score of class c is sum(W[:, c] * pixels) + b_c."""
    inputs = keras.Input((height, width, channels))
    x = keras.layers.Flatten(name="flatten")(inputs)
    outputs = keras.layers.Dense(classes, activation="softmax" if softmax else None, name="predictions")(x)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(seed)
    model.get_layer("predictions").set_weights([rng.normal(size=(height * width * channels, classes)).astype("float32"),
                                                rng.normal(size=classes).astype("float32")])
    return model


def cam_model(seed=1):
    """A convolution, global average pooling, then Dense with softmax: the CAM architecture."""
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv", kernel_initializer=keras.initializers.RandomNormal(seed=seed))(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="predictions",
                                 kernel_initializer=keras.initializers.RandomNormal(seed=seed + 1))(x)
    return keras.Model(inputs, outputs)


def test_logits_model_gives_the_scores_before_the_softmax():
    model = linear_model()
    image = np.random.default_rng(2).normal(size=(1, 4, 5, 2)).astype("float32")
    kernel, bias = model.get_layer("predictions").get_weights()
    by_hand = image.reshape(1, -1) @ kernel + bias
    logits = keras.ops.convert_to_numpy(interpret.logits_model(model)(image))
    np.testing.assert_allclose(logits, by_hand, rtol=1e-5, atol=1e-5)
    softmax = np.exp(by_hand - by_hand.max()) / np.exp(by_hand - by_hand.max()).sum()
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(image)), softmax, rtol=1e-5, atol=1e-6)


def test_logits_model_refuses_a_last_layer_it_cannot_undo():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="sigmoid")(inputs))
    with pytest.raises(ValueError, match="sigmoid"):
        interpret.logits_model(model)


def test_saliency_of_a_linear_model_is_its_weights():
    """For score_c = sum(W[:, c] x) + b, d score_c / dx = W[:, c]: the map is max over channels of |W|."""
    model = linear_model()
    image = np.random.default_rng(3).normal(size=(4, 5, 2)).astype("float32")
    kernel = model.get_layer("predictions").get_weights()[0]
    expected = np.abs(kernel[:, 1].reshape(4, 5, 2)).max(axis=-1)
    np.testing.assert_allclose(interpret.saliency_map(model, image, 1), expected, rtol=1e-5)


def test_grad_cam_on_the_cam_architecture_is_cam():
    """With global average pooling then Dense, d y_c / d A^k_ij = w_kc / Z, so Grad-CAM is
    ReLU(sum_k w_kc A^k) / Z, Zhou et al.'s CAM scaled by 1/Z (Selvaraju et al., Section 3.1)."""
    model = cam_model()
    image = np.random.default_rng(4).normal(size=(6, 6, 2)).astype("float32")
    activations = interpret.feature_maps(model, image, ["conv"])["conv"]  # (4, 4, 4)
    weights = model.get_layer("predictions").get_weights()[0]  # (4 channels, 3 classes)
    for class_index in range(3):
        by_hand = np.maximum(activations @ weights[:, class_index], 0) / (4 * 4)
        np.testing.assert_allclose(interpret.grad_cam(model, image, class_index, "conv"), by_hand,
                                   rtol=1e-4, atol=1e-6)


def test_feature_maps_match_the_layers_own_output():
    model = cam_model()
    image = np.random.default_rng(5).normal(size=(6, 6, 2)).astype("float32")
    kernel, bias = model.get_layer("conv").get_weights()
    by_hand = np.zeros((4, 4, 4), dtype="float64")
    for row in range(4):
        for col in range(4):
            by_hand[row, col] = np.tensordot(image[row:row + 3, col:col + 3], kernel, axes=3) + bias
    np.testing.assert_allclose(interpret.feature_maps(model, image, ["conv"])["conv"], np.maximum(by_hand, 0),
                               rtol=1e-4, atol=1e-5)


def quadrant_model():
    """Class 0's score counts the pixels of the top-left 4x4 quadrant of an 8x8 image; class 1's is 0."""
    model = linear_model(height=8, width=8, channels=1, classes=2)
    mask = np.zeros((8, 8), dtype="float32")
    mask[:4, :4] = 1.0
    model.get_layer("predictions").set_weights([np.stack([mask.ravel(), np.zeros(64, "float32")], axis=1),
                                                np.array([-8.0, 0.0], dtype="float32")])
    return model


def test_occlusion_lowers_the_probability_only_where_the_patch_covers_the_deciding_region():
    model = quadrant_model()
    image = np.ones((8, 8, 1), dtype="float32")
    heat = interpret.occlusion_map(model, image, 0, patch=2, stride=2)
    assert heat.shape == (4, 4)
    for i in range(4):
        for j in range(4):
            covered = 4 if (i < 2 and j < 2) else 0  # a 2x2 patch inside the quadrant hides 4 pixels
            score = 16 - covered - 8.0
            np.testing.assert_allclose(heat[i, j], 1 / (1 + np.exp(-score)), rtol=1e-5)


def test_occlusion_per_pixel_averages_the_patches_that_cover_a_pixel():
    # a 4x4 image, patch 2, stride 2: four patches, each covering its own 2x2 block
    spread = interpret.occlusion_per_pixel([[0.9, 0.5], [1.0, 0.0]], (4, 4, 1), patch=2, stride=2, baseline=1.0)
    np.testing.assert_allclose(spread, np.kron([[0.1, 0.5], [0.0, 1.0]], np.ones((2, 2))))
    # stride 1 on a 3x3 image, patch 2: the centre pixel is under all four patches
    spread = interpret.occlusion_per_pixel([[0.0, 1.0], [1.0, 1.0]], (3, 3), patch=2, stride=1, baseline=1.0)
    assert spread[1, 1] == pytest.approx(0.25) and spread[0, 0] == pytest.approx(1.0) and spread[2, 2] == 0.0
    with pytest.raises(ValueError, match="has shape"):
        interpret.occlusion_per_pixel(np.zeros((3, 3)), (4, 4), patch=2, stride=2, baseline=1.0)


def test_top_overlap_by_hand():
    map_a = np.arange(10, dtype="float32")  # top 20%: positions 9, 8
    map_b = np.array([0, 0, 0, 0, 0, 0, 0, 0, 5, 0], dtype="float32") + np.arange(10) * 0.01  # top: 8, 9
    assert interpret.top_overlap(map_a, map_b, 0.2) == 1.0
    map_c = map_a[::-1].copy()  # top: 0, 1
    assert interpret.top_overlap(map_a, map_c, 0.2) == 0.0
    map_d = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 9, ], dtype="float32") + np.array([0, 5, 0, 0, 0, 0, 0, 0, 0, 0])
    assert interpret.top_overlap(map_a, map_d, 0.2) == 0.5  # top of d: 9 and 1


def test_rank_correlation_by_hand_with_ties():
    """Ranks of [1, 2, 2, 4] are [1, 2.5, 2.5, 4]; of [4, 3, 1, 2] [4, 3, 1, 2]. Centred:
    [-1.5, 0, 0, 1.5] and [1.5, 0.5, -1.5, -0.5]: correlation -3 / sqrt(4.5 * 5) = -0.632..."""
    assert interpret.rank_correlation([1, 2, 2, 4], [4, 3, 1, 2]) == pytest.approx(-3 / np.sqrt(4.5 * 5))
    values = np.random.default_rng(8).normal(size=(5, 5))
    assert interpret.rank_correlation(values, np.exp(values)) == pytest.approx(1.0)  # same order
    assert interpret.rank_correlation(values, -values) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="constant"):
        interpret.rank_correlation(np.ones(4), np.arange(4))


def test_gradient_ascent_recovers_a_linear_filter():
    """One 8x8 VALID filter over an 8x8 image: its output is <kernel, image>, whose gradient is
    the kernel, so the ascent (without blur) turns the image towards the kernel."""
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Conv2D(2, 8, name="conv", kernel_initializer=keras.initializers.RandomNormal(seed=6))(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(outputs))
    images, start, end = interpret.filters_by_gradient_ascent(model, "conv", [1, 0], steps=30, blur_every=0)
    for row, channel in enumerate([1, 0]):  # each image turns towards its own channel's kernel
        kernel = model.get_layer("conv").get_weights()[0][..., 0, channel]
        cosine = np.sum(images[row, ..., 0] * kernel) / (np.linalg.norm(images[row]) * np.linalg.norm(kernel))
        assert cosine > 0.99, (channel, cosine)
    assert np.all(end > start + 1.0), (start, end)
    clipped, _, _ = interpret.filters_by_gradient_ascent(model, "conv", [0], steps=5, value_range=(0.0, 0.5))
    assert clipped.min() >= 0.0 and clipped.max() <= 0.5


def test_randomise_layers_redraws_only_the_named_kernels_each_with_its_own_seed():
    inputs = keras.Input((6, 6, 3))
    x = keras.layers.Conv2D(3, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.Conv2D(3, 3, padding="same", name="conv2")(x)
    x = keras.layers.Conv2D(3, 3, padding="same", name="conv3")(x)
    model = keras.Model(inputs, x)
    before = [weight.copy() for weight in model.get_weights()]
    copy = interpret.randomise_layers(model, ["conv2", "conv3"], seed=7)
    kernels = {name: copy.get_layer(name).get_weights()[0] for name in ("conv1", "conv2", "conv3")}
    np.testing.assert_array_equal(kernels["conv1"], model.get_layer("conv1").get_weights()[0])
    assert not np.allclose(kernels["conv2"], model.get_layer("conv2").get_weights()[0])
    assert not np.allclose(kernels["conv2"], kernels["conv3"])  # same shape, drawn apart
    again = interpret.randomise_layers(model, ["conv2", "conv3"], seed=7)
    np.testing.assert_array_equal(again.get_layer("conv3").get_weights()[0], kernels["conv3"])
    for original, now in zip(before, model.get_weights()):  # the model itself is left as it was
        np.testing.assert_array_equal(original, now)


@pytest.mark.parametrize("call, message", [
    (lambda m, x: interpret.saliency_map(m, x, 3), "class_index=3"),
    (lambda m, x: interpret.saliency_map(m, x[..., :1], 0), "shape"),
    (lambda m, x: interpret.grad_cam(m, x, 0, "missing"), "layer_name='missing'"),
    (lambda m, x: interpret.grad_cam(m, x, 0, "pool"), "convolutional"),
    (lambda m, x: interpret.occlusion_map(m, x, 0, patch=9), "patch=9"),
    (lambda m, x: interpret.filters_by_gradient_ascent(m, "conv", [0, 4]), "channels=\\[0, 4\\]"),
    (lambda m, x: interpret.top_overlap(np.zeros(3), np.zeros(4)), "upsample"),
    (lambda m, x: interpret.top_overlap(np.zeros(3), np.zeros(3), 0), "fraction=0"),
    (lambda m, x: interpret.rank_correlation(np.zeros(3), np.zeros(4)), "upsample"),
    (lambda m, x: interpret.randomise_layers(m, ["pool"]), "no kernel"),
])
def test_bad_input_is_a_clear_value_error(call, message):
    model = cam_model()
    image = np.zeros((6, 6, 2), dtype="float32")
    with pytest.raises(ValueError, match=message):
        call(model, image)


def test_upsample_keeps_a_constant_map_constant():
    np.testing.assert_allclose(interpret.upsample(np.full((3, 3), 2.0), (12, 12)), np.full((12, 12), 2.0), rtol=1e-6)


def test_marker_images_put_the_marker_where_the_corners_say_and_only_in_class_1():
    digits = np.zeros((5, 28, 28), dtype="uint8")  # blank digits: the marker is all that is white
    images, labels, corners = interpret.marker_images(digits, 40, side=6, seed=9)
    assert images.shape == (40, 28, 28, 1) and set(labels) == {0, 1}
    for image, label, corner in zip(images, labels, corners):
        expected = interpret.marker_mask(corner) if label == 1 else np.zeros((28, 28))
        np.testing.assert_array_equal(image[..., 0], expected)
    with pytest.raises(ValueError, match="side=30"):
        interpret.marker_images(digits, 4, side=30)


def test_marker_network_ends_in_the_cam_layout():
    model = interpret.marker_network()
    assert [layer.name for layer in model.layers[-3:]] == ["conv3", "avg_pool", "predictions"]
    assert model.get_layer("conv3").output.shape[1:] == (7, 7, 32)

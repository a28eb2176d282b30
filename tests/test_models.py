"""Model builders against independent references: the papers' tables and keras.applications."""

import keras
import numpy as np
import pytest

from support import counting, models

# Exact counts of the paper's configurations (Simonyan & Zisserman 2015, Table 2 rounds them
# to 133, 133, 134, 138, 144 million).
VGG_PARAMS = {"A": 132_863_336, "B": 133_047_848, "C": 133_638_952, "D": 138_357_544, "E": 143_667_240}


@pytest.mark.parametrize("config", sorted(VGG_PARAMS))
def test_vgg_parameter_counts_match_the_paper(config):
    model = models.vgg(config)
    assert model.count_params() == VGG_PARAMS[config]
    assert round(model.count_params() / 1e6) == {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144}[config]


@pytest.mark.parametrize("config, reference", [("D", "VGG16"), ("E", "VGG19")])
def test_vgg_equals_keras_applications(config, reference):
    ours = models.vgg(config)
    theirs = getattr(keras.applications, reference)(weights=None)
    assert ours.count_params() == theirs.count_params()
    ours_layers = {layer.name: layer.count_params() for layer in ours.layers if layer.count_params()}
    theirs_layers = {layer.name: layer.count_params() for layer in theirs.layers if layer.count_params()}
    assert ours_layers == theirs_layers  # same names (block3_conv2, fc1, ...) and sizes


def test_inception_v3_equals_keras_applications():
    ours = models.inception_v3()
    theirs = keras.applications.InceptionV3(weights=None)
    assert ours.count_params() == theirs.count_params() == 23_851_784
    def sizes(model):
        return sorted(layer.count_params() for layer in model.layers if layer.count_params())
    assert sizes(ours) == sizes(theirs)  # layer by layer, not only the total


def test_inception_v3_grid_sizes():
    model = models.inception_v3()
    shapes = {name: tuple(model.get_layer(name).output.shape[1:]) for name in ("mixed0", "mixed2", "mixed3", "mixed7", "mixed8", "mixed10")}
    assert shapes == {"mixed0": (35, 35, 256), "mixed2": (35, 35, 288), "mixed3": (17, 17, 768),
                      "mixed7": (17, 17, 768), "mixed8": (8, 8, 1280), "mixed10": (8, 8, 2048)}
    with_aux = models.inception_v3(auxiliary_classifier=True)
    assert [tuple(output.shape) for output in with_aux.outputs] == [(None, 1000), (None, 1000)]


def test_lenet5_has_61706_parameters():
    model = models.lenet5()
    assert model.count_params() == 61_706
    # by hand: C1 (5*5*1+1)*6, C3 (5*5*6+1)*16, C5 (5*5*16+1)*120, F6 (120+1)*84, out (84+1)*10
    assert model.count_params() == 156 + 2_416 + 48_120 + 10_164 + 850


def test_alexnet_shapes_and_parameters():
    model = models.alexnet()
    shapes = {name: tuple(model.get_layer(name).output.shape[1:]) for name in ("conv1", "pool1", "pool2", "pool5")}
    assert shapes == {"conv1": (55, 55, 96), "pool1": (27, 27, 96), "pool2": (13, 13, 256), "pool5": (6, 6, 256)}
    by_hand = ((11 * 11 * 3 + 1) * 96 + (5 * 5 * 96 + 1) * 256 + (3 * 3 * 256 + 1) * 384
               + (3 * 3 * 384 + 1) * 384 + (3 * 3 * 384 + 1) * 256
               + (6 * 6 * 256 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000)
    assert model.count_params() == by_hand == 62_378_344


def test_alexnet_two_groups_halve_the_split_layers():
    one, two = models.alexnet(), models.alexnet(groups=2)
    for name in ("conv2", "conv4", "conv5"):
        kernel_one = one.get_layer(name).kernel.shape
        kernel_two = two.get_layer(name).kernel.shape
        assert kernel_two[2] * 2 == kernel_one[2] and kernel_two[3] == kernel_one[3]
    assert one.get_layer("conv3").count_params() == two.get_layer("conv3").count_params()


def test_googlenet_follows_table_1():
    model = models.googlenet()
    expected = {"conv1_7x7": (112, 112, 64), "pool2": (28, 28, 192), "inception_3a": (28, 28, 256),
                "inception_3b": (28, 28, 480), "inception_4a": (14, 14, 512), "inception_4d": (14, 14, 528),
                "inception_4e": (14, 14, 832), "inception_5b": (7, 7, 1024)}
    assert {name: tuple(model.get_layer(name).output.shape[1:]) for name in expected} == expected
    assert len(models.googlenet(auxiliary_classifiers=True).outputs) == 3


def test_mnist_vgg_uses_the_vgg_builder_with_three_poolings():
    model = models.mnist_vgg("small")
    pools = [layer for layer in model.layers if layer.name.endswith("_pool") and layer.name.startswith("block")]
    assert [tuple(pool.output.shape[1:3]) for pool in pools] == [(14, 14), (7, 7), (3, 3)]
    assert model.output.shape[-1] == 10


BUILDS = {
    "lenet5": lambda: models.lenet5(),
    "alexnet": lambda: models.alexnet(),
    "alexnet_groups2": lambda: models.alexnet(groups=2),
    "vgg_C": lambda: models.vgg("C"),
    "vgg_A_bn_gap": lambda: models.vgg("A", input_shape=(64, 64, 3), batch_norm=True, head="gap"),
    "googlenet_aux": lambda: models.googlenet(auxiliary_classifiers=True),
    "inception_v3_aux": lambda: models.inception_v3(auxiliary_classifier=True),
    "mnist_vgg_full": lambda: models.mnist_vgg("full"),
}


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_analytic_count_equals_keras_for_every_builder(name):
    model = BUILDS[name]()
    rows = counting.layer_table(model)
    assert counting.totals(rows)["params"] == model.count_params()
    for row, layer in zip(rows, model.layers):
        assert row["params"] == layer.count_params(), row["name"]


def test_unknown_vgg_config_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'F'.*\['A', 'B', 'C', 'D', 'E'\]"):
        models.vgg("F")


def test_vgg16_on_28x28_says_where_the_map_vanishes():
    with pytest.raises(ValueError, match=r"after pooling 5 \(block5_pool\): 28 -> 14 -> 7 -> 3 -> 1 -> 0\. At most 4"):
        models.vgg("D", input_shape=(28, 28, 1))


@pytest.mark.parametrize("call, message", [
    (lambda: models.vgg([64, "M", 128]), "end it with 'M'"),
    (lambda: models.vgg([64, "M", -3, "M"]), "-3"),
    (lambda: models.vgg("D", head="mlp"), "'mlp'"),
    (lambda: models.alexnet(groups=3), "groups=3"),
    (lambda: models.lenet5(input_shape=(28, 28, 1)), r"\(28, 28, 1\).*pad"),
    (lambda: models.mnist_vgg("huge"), "'huge'"),
    (lambda: models.inception_v3(input_shape=(64, 64, 3)), r"\(64, 64, 3\)"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()



def _plain_stack():
    """Three 3x3 convolutions, 1 -> 4 -> 4 -> 4 channels: the last two have kernels of one shape."""
    return models.vgg([4, 4, 4, "M"], input_shape=(16, 16, 1), num_classes=3, head="gap", name="plain")


def _kernels(model):
    return [np.array(layer.kernel) for layer in model.layers if getattr(layer, "kernel", None) is not None]


def test_initialise_kernels_seeds_each_layer_apart():
    """Issue 33: one seed for every layer made same-shape layers identical; each layer gets its own."""
    glorot = lambda seed: keras.initializers.GlorotUniform(seed=seed)  # noqa: E731
    naive = _plain_stack()
    for layer in naive.layers:  # the bug this function replaces: the same seed for every layer
        if getattr(layer, "kernel", None) is not None:
            layer.kernel.assign(glorot(0)(layer.kernel.shape))
    naive_kernels = _kernels(naive)
    assert naive_kernels[1].shape == naive_kernels[2].shape
    np.testing.assert_array_equal(naive_kernels[1], naive_kernels[2])  # what the next line must not see
    kernels = _kernels(models.initialise_kernels(_plain_stack(), glorot, seed=0))
    assert not np.allclose(kernels[1], kernels[2])
    again = _kernels(models.initialise_kernels(_plain_stack(), glorot, seed=0))
    other = _kernels(models.initialise_kernels(_plain_stack(), glorot, seed=1))
    assert all(np.array_equal(first, second) for first, second in zip(kernels, again))
    assert not any(np.allclose(first, second) for first, second in zip(kernels, other))


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_initialise_kernels_refuses_a_bad_seed(seed):
    with pytest.raises(ValueError, match="seed="):
        models.initialise_kernels(_plain_stack(), lambda s: keras.initializers.HeNormal(seed=s), seed)

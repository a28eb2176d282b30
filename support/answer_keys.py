"""The expected answers of the lectures' checked exercises, computed when asked for.

A lecture's exercise cell reads ``answer = None`` and calls
``exercises.check_exercise("01.1", answer)``: the expected value lives here, not in the lecture
or in its variables, so that no ``print`` in the lecture gives it away. Each key computes its
value with Keras or the course's own tools (nothing is typed in), and the worked answers in
``course/answers/`` reach the same values another way (by hand, from a formula) and are checked
against these keys, so a key and its worked answer test each other.

Keys are named ``"NN.k"``: notebook ``NN`` (part 2 of a lesson: ``"NNb"``), exercise ``k``. A
key's value is a function, or ``(function, relative tolerance)`` for an answer that may be
rounded (e.g. "three significant figures"): :func:`tolerance` reads it.
"""

import functools
import math

import keras


def _convolution_parameters():
    """01.1: parameters of a 3x3 convolution from 64 to 96 channels, with biases, by Keras."""
    return keras.Sequential([keras.Input((8, 8, 64)), keras.layers.Conv2D(96, 3)]).count_params()


def _stack_receptive_field():
    """01.2: the side of the receptive field of three 3x3 convolutions then a 2x2/2 pooling."""
    from support import receptive_field

    stack = keras.Sequential([keras.Input((32, 32, 1)),
                              *[keras.layers.Conv2D(1, 3, padding="same") for _ in range(3)],
                              keras.layers.MaxPooling2D(2, name="pool")])
    return receptive_field.receptive_fields(stack)["pool"][0].size


def _alexnet_fc6_parameters_at_259():
    """02.1: parameters of AlexNet's fc6 on 259x259 inputs, by support.counting."""
    from support import counting, models

    rows = counting.layer_table(models.alexnet(input_shape=(259, 259, 3)))
    return next(row["params"] for row in rows if row["name"] == "fc6")


def _alexnet_conv4_flops_saved_by_groups():
    """02.2: FLOPs per image that groups=2 saves in AlexNet's conv4, by support.counting."""
    from support import counting, models

    def conv4_flops(groups):
        return next(row["flops"] for row in counting.layer_table(models.alexnet(groups=groups))
                    if row["name"] == "conv4")
    return conv4_flops(1) - conv4_flops(2)


def _fashion_crops_and_flips():
    """02b.1: distinct 28x28 crops of a 36x36 padded image, times two for the flip, by Keras's shapes."""
    positions = keras.layers.MaxPooling2D(28, strides=1).compute_output_shape((1, 36, 36, 1))[1:3]
    return positions[0] * positions[1] * 2


def _vgg_c_one_by_one_parameters():
    """03.1: parameters of VGG configuration C's 1x1 convolution block4_conv3, by Keras."""
    from support import models

    return models.vgg("C", head="gap", num_classes=10).get_layer("block4_conv3").count_params()


def _vgg_e_pool5_receptive_field():
    """03.2: the side of the receptive field of VGG19's (configuration E's) block5_pool."""
    from support import models, receptive_field

    return receptive_field.receptive_fields(models.vgg("E", head="gap", num_classes=10))["block5_pool"][0].size


def _vgg16_fc6_flops_at_256():
    """03b.1: FLOPs per image of VGG16's fc6 (Keras's fc1) on 256x256 images, by support.counting."""
    from support import counting, models

    rows = counting.layer_table(models.vgg("D", input_shape=(256, 256, 3)))
    return next(row["flops"] for row in rows if row["name"] == "fc1")


def _poolings_that_fit_32():
    """05.1: how many 2x2/2 poolings a 32x32 input takes, by the builder's own check."""
    from support import vgg

    def fits(count):
        try:
            vgg.check_poolings_fit((32, 32, 1), count)
            return True
        except ValueError:
            return False
    return max(count for count in range(1, 10) if fits(count))


def _mnist_vgg_block2_conv2_field():
    """05.2: the side of the receptive field of the small MNIST VGG's block2_conv2."""
    from support import models, receptive_field

    return receptive_field.receptive_fields(models.mnist_vgg("small"))["block2_conv2"][0].size


def _mnist_vgg_block2_conv1_weights():
    """05.3: the weights of the small MNIST VGG's block2_conv1, by Keras."""
    from support import models

    return models.mnist_vgg("small").get_layer("block2_conv1").count_params()


def _mnist_vgg_base(size):
    from support import models

    network = models.mnist_vgg(size)
    return keras.Model(network.input, network.get_layer("avg_pool").output)


def _frozen_base_trainable_full():
    """05b.1: weights trained with the full MNIST VGG's base frozen (a new 10-way head), by Keras."""
    base = _mnist_vgg_base("full")
    base.trainable = False
    inputs = keras.Input((28, 28, 1))
    network = keras.Model(inputs, keras.layers.Dense(10)(base(inputs, training=False)))
    return sum(math.prod(weight.shape) for weight in network.trainable_weights)


def _small_base_trainable():
    """05b.2: the trainable weights of the small MNIST VGG's base (up to avg_pool), by Keras."""
    return sum(math.prod(weight.shape) for weight in _mnist_vgg_base("small").trainable_weights)


def _vgg_e_training_gflops_batch_32():
    """06.1: GFLOPs of one training step of VGG E at batch 32, as support.timing counts them."""
    from support import counting, models, timing

    flops = counting.totals(counting.layer_table(models.vgg("E")))["flops"]
    return timing.FLOPS_FACTOR["train"] * 32 * flops / 1e9


def _sample_deviation_10_11_12():
    """06.2: the sample standard deviation of 10, 11 and 12 (ms), by Python's statistics."""
    import statistics

    return statistics.stdev([10.0, 11.0, 12.0])


def _vgg16_fc1_intensity_batch_64():
    """06b.1: FLOPs per byte of VGG16's fc1 at batch 64, by support.roofline."""
    from support import models, roofline

    rows = roofline.layer_rows(models.vgg("D"), batch_size=64)
    return next(row["intensity"] for row in rows if row["name"] == "fc1")


def _naive_4e_channels():
    """04.1: channels out of a naive (Figure 2a) inception_4e on 4d's output, built by Keras."""
    from support import models

    googlenet = models.googlenet()
    inputs = keras.Input(googlenet.get_layer("inception_4d").output.shape[1:])
    f1, _, f3, _, f5, _ = dict(entry for entry in models.GOOGLENET_TABLE if entry != "M")["inception_4e"]
    branches = [keras.layers.Conv2D(filters, kernel, padding="same")(inputs) for filters, kernel in ((f1, 1), (f3, 3), (f5, 5))]
    branches.append(keras.layers.MaxPooling2D(3, strides=1, padding="same")(inputs))
    return int(keras.layers.Concatenate()(branches).shape[-1])


def _inception_4e_5x5_reduction_saving():
    """04.2: kernel weights that 4e's 1x1 reduction saves in its 5x5 branch, by Keras."""
    from support import models

    googlenet = models.googlenet()
    c_in = googlenet.get_layer("inception_4d").output.shape[-1]
    _, _, _, f5_reduce, f5, _ = dict(entry for entry in models.GOOGLENET_TABLE if entry != "M")["inception_4e"]
    direct = keras.Sequential([keras.Input((14, 14, c_in)), keras.layers.Conv2D(f5, 5, use_bias=False)])
    reduced = keras.Sequential([keras.Input((14, 14, c_in)), keras.layers.Conv2D(f5_reduce, 1, use_bias=False),
                                keras.layers.Conv2D(f5, 5, use_bias=False)])
    return direct.count_params() - reduced.count_params()


def _mixed4_7x7_branch_field():
    """04b.1: the side of the receptive field of Inception v3's mixed4 7x7 branch (1x1, 1x7, 7x1)."""
    from support import models, receptive_field

    return int(receptive_field.receptive_fields(models.inception_v3())["mixed4_7x7_3"][0].size)


def _smoothed_true_target():
    """04b.2: the true class's target with label smoothing 0.2 over 10 classes, from Keras's loss.

    With logits (a, 0, ..., 0) and targets t, the loss is -t_0 a + log(e^a + 9) (the other
    targets sum to 1 - t_0 and all share the log-probability -log(e^a + 9)), so one loss value
    at a = 1 gives t_0 = log(e + 9) - loss. No gradient: the same on every backend."""
    import math

    import numpy as np

    logits = keras.ops.convert_to_tensor(np.eye(1, 10, dtype="float32"))  # a = 1 for the true class 0
    loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2)
    value = float(keras.ops.convert_to_numpy(loss(keras.ops.one_hot(np.array([0]), 10), logits)))
    return math.log(math.e + 9) - value


def _occlusion_positions_28_patch_6_stride_2():
    """07.1: the positions that interpret.occlusion_map tries, counted from what it returns."""
    import numpy as np

    from support import interpret

    inputs = keras.Input((28, 28, 1))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(inputs)))
    return interpret.occlusion_map(model, np.zeros((28, 28, 1), dtype="float32"), 0, patch=6, stride=2).size


def _random_map_share_inside_marker():
    """07.2: the mean share of a random map's 36 top pixels inside a 6x6 marker, by simulation."""
    import numpy as np

    from support import interpret

    rng, mask = np.random.default_rng(0), interpret.marker_mask((10, 10))
    return float(np.mean([interpret.top_overlap(rng.random((28, 28)), mask, mask.mean()) for _ in range(4000)]))


KEYS = {
    "01.1": _convolution_parameters,
    "01.2": _stack_receptive_field,
    "02.1": _alexnet_fc6_parameters_at_259,
    "02.2": _alexnet_conv4_flops_saved_by_groups,
    "02b.1": _fashion_crops_and_flips,
    "03.1": _vgg_c_one_by_one_parameters,
    "03.2": _vgg_e_pool5_receptive_field,
    "03b.1": (_vgg16_fc6_flops_at_256, 5e-3),  # three significant figures
    "04.1": _naive_4e_channels,
    "04.2": _inception_4e_5x5_reduction_saving,
    "04b.1": _mixed4_7x7_branch_field,
    "04b.2": _smoothed_true_target,
    "05.1": _poolings_that_fit_32,
    "05.2": _mnist_vgg_block2_conv2_field,
    "05.3": _mnist_vgg_block2_conv1_weights,
    "05b.1": _frozen_base_trainable_full,
    "05b.2": _small_base_trainable,
    "06.1": (_vgg_e_training_gflops_batch_32, 5e-3),  # three significant figures
    "06.2": _sample_deviation_10_11_12,
    "06b.1": (_vgg16_fc1_intensity_batch_64, 1.6e-2),  # two significant figures: half a unit of the 2nd
    "07.1": _occlusion_positions_28_patch_6_stride_2,
    "07.2": (_random_map_share_inside_marker, 0.1),  # a simulation: 36/784 within 10%, e.g. 0.046 or 0.05
}


def _entry(exercise):
    if exercise not in KEYS:
        raise ValueError(f"exercise={exercise!r}: no checked exercise has that name; the course's are "
                         f"{', '.join(sorted(KEYS))}.")
    entry = KEYS[exercise]
    return entry if isinstance(entry, tuple) else (entry, None)


def tolerance(exercise):
    """The relative tolerance of ``exercise``'s check, or None: exact for integers (1e-3 for reals).

    Raises:
        ValueError: no checked exercise has that name.
    """
    return _entry(exercise)[1]


def expected(exercise):
    """The expected answer of ``exercise`` (e.g. ``"01.1"``), computed when first asked for.

    Raises:
        ValueError: no checked exercise has that name.
    """
    return _computed(_entry(exercise)[0])


@functools.cache
def _computed(key_function):
    """A key's value, computed once per session (VGG16 at 256x256 takes a few seconds to build)."""
    return key_function()

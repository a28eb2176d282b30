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


KEYS = {
    "01.1": _convolution_parameters,
    "01.2": _stack_receptive_field,
    "03.1": _vgg_c_one_by_one_parameters,
    "03.2": _vgg_e_pool5_receptive_field,
    "03b.1": (_vgg16_fc6_flops_at_256, 5e-3),  # three significant figures
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

"""The expected answers of the lectures' checked exercises, computed when asked for.

A lecture's exercise cell reads ``answer = None`` and calls
``exercises.check_exercise("01.1", answer)``: the expected value lives here, not in the lecture
or in its variables, so that no ``print`` in the lecture gives it away. Each key computes its
value with Keras or the course's own tools (nothing is typed in), and the worked answers in
``course/answers/`` reach the same values another way (by hand, from a formula) and are checked
against these keys, so a key and its worked answer test each other.

Keys are named ``"NN.k"``: notebook ``NN``, exercise ``k``.
"""

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


KEYS = {
    "01.1": _convolution_parameters,
    "01.2": _stack_receptive_field,
}


def expected(exercise):
    """The expected answer of ``exercise`` (e.g. ``"01.1"``), computed now.

    Raises:
        ValueError: no checked exercise has that name.
    """
    if exercise not in KEYS:
        raise ValueError(f"exercise={exercise!r}: no checked exercise has that name; the course's are "
                         f"{', '.join(sorted(KEYS))}.")
    return KEYS[exercise]()

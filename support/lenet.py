"""LeNet-5 (LeCun, Bottou, Bengio, Haffner, 1998). Introduced in notebook 01."""

import keras
from keras import layers


def lenet5(input_shape=(32, 32, 1), num_classes=10, activation="tanh", pooling="average"):
    """LeNet-5 with today's simplifications, as a functional Keras model.

    C1 6@5x5 -> S2 2x2 pool -> C3 16@5x5 -> S4 2x2 pool -> C5 120@5x5 -> F6 84 -> output.
    Differences from the paper, on purpose: C3 connects to all six S2 maps (the paper's
    partial connection table had 1,500 weights and 16 biases, full connection has 2,400 and 16),
    the pools have no trainable coefficient, the output is a softmax instead of Gaussian RBF
    units, and the activation is a plain tanh, not the paper's 1.7159 tanh(2a/3). With a
    32x32 input C5 sees a 5x5 map, so it is a convolution producing 1x1x120.

    Args:
        input_shape: (H, W, C); MNIST's 28x28 digits are padded to 32x32 as in the paper.
        num_classes: output units.
        activation: "tanh" (the paper's squashing function) or "relu".
        pooling: "average" (the paper's subsampling) or "max".

    Returns:
        ``keras.Model`` named "lenet5"; 61,706 parameters for (32, 32, 1) and 10 classes.
    """
    if pooling not in ("average", "max"):
        raise ValueError(f"pooling={pooling!r}: use 'average' or 'max'.")
    if min(input_shape[:2]) < 32:
        raise ValueError(f"input_shape={tuple(input_shape)}: LeNet-5 needs at least 32x32 "
                         "(pad 28x28 MNIST digits to 32x32, e.g. data.to_float_images(x, pad_to=32)).")
    pool = layers.AveragePooling2D if pooling == "average" else layers.MaxPooling2D
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(6, 5, activation=activation, name="c1")(inputs)   # 28 x 28 x 6
    x = pool(2, name="s2")(x)                                           # 14 x 14 x 6
    x = layers.Conv2D(16, 5, activation=activation, name="c3")(x)       # 10 x 10 x 16
    x = pool(2, name="s4")(x)                                           # 5 x 5 x 16
    x = layers.Conv2D(120, 5, activation=activation, name="c5")(x)      # 1 x 1 x 120
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation=activation, name="f6")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name="lenet5")

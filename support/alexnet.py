"""AlexNet (Krizhevsky, Sutskever, Hinton, NeurIPS 2012). Introduced in notebook 02."""

import keras
from keras import layers

from support import layers as course_layers


def alexnet(input_shape=(227, 227, 3), num_classes=1000, groups=1, dropout_rate=0.5, lrn=True):
    """AlexNet as in the paper's Figure 2, as one tower: 96-256-384-384-256 filters.

    conv1 11x11/4 -> ReLU -> LRN -> 3x3/2 max pool (overlapping) -> conv2 5x5 -> ReLU -> LRN ->
    pool -> conv3 3x3 -> conv4 3x3 -> conv5 3x3 -> pool -> fc6 4096 -> fc7 4096 -> fc8.
    The paper says 224x224 inputs, but 11x11 kernels at stride 4 give its 55x55 maps only
    from 227x227 (``(227 - 11) / 4 + 1 = 55``), which is why 227 is the default.

    Args:
        input_shape: (H, W, C).
        num_classes: units of fc8 (softmax).
        groups: 1 for one tower; 2 reproduces the two-GPU split, where conv2, conv4 and conv5
            only see the 48/192/192 channels on their own GPU (a grouped convolution).
        dropout_rate: dropout after fc6 and fc7, as in the paper (0.5).
        lrn: include the local response normalisation layers.

    Returns:
        ``keras.Model`` named "alexnet" (62,378,344 parameters for 227x227x3, 1000 classes).
    """
    if groups not in (1, 2):
        raise ValueError(f"groups={groups!r}: use 1 (one tower) or 2 (the paper's two GPUs).")
    if min(input_shape[:2]) < 67:
        raise ValueError(f"input_shape={tuple(input_shape)}: AlexNet's three 3x3/2 poolings "
                         "need at least 67x67 inputs; the paper uses 227x227 (quoted as 224).")
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)  # 55 x 55 x 96
    if lrn:
        x = course_layers.LocalResponseNormalization(name="lrn1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)                           # 27 x 27 x 96
    x = layers.Conv2D(256, 5, padding="same", groups=groups, activation="relu", name="conv2")(x)
    if lrn:
        x = course_layers.LocalResponseNormalization(name="lrn2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)                           # 13 x 13 x 256
    x = layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(384, 3, padding="same", groups=groups, activation="relu", name="conv4")(x)
    x = layers.Conv2D(256, 3, padding="same", groups=groups, activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)                           # 6 x 6 x 256
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(4096, activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout_rate, name="dropout6")(x)
    x = layers.Dense(4096, activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout_rate, name="dropout7")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name="alexnet")


def fashion_alexnet(input_shape=(28, 28, 1), num_classes=10, filters=(24, 48, 64, 64, 48),
                    dense_units=256, dropout_rate=0.5, normalization="batch"):
    """An AlexNet-style network for 28x28 images such as Fashion-MNIST, trainable on a CPU.

    AlexNet's layout scaled down: five ReLU convolutions, three overlapping 3x3/2 max
    poolings (after conv1, conv2 and conv5), two dense ReLU layers with dropout, a softmax.
    conv1 is 5x5 at stride 1 (AlexNet's 11x11 stride-4 kernel would leave a 28x28 image
    with 5x5 maps), the others 3x3. The normalisation after conv1 and conv2 sits where the
    paper put LRN (Krizhevsky et al., 2012, Section 3.3), before the pooling:
    ``"lrn"`` is the paper's, ``"batch"`` batch normalisation (Ioffe and Szegedy, 2015),
    which later networks use in its place; ``None`` has none.

    Args:
        input_shape: (H, W, C), at least 15x15 for the three poolings.
        num_classes: units of the softmax output.
        filters: channels of conv1 to conv5 (AlexNet: 96, 256, 384, 384, 256).
        dense_units: units of fc6 and fc7 (AlexNet: 4096).
        dropout_rate: dropout after fc6 and fc7 (the paper: 0.5, Section 4.2).
        normalization: "batch", "lrn" or None.

    Returns:
        ``keras.Model`` named "fashion_alexnet"; with the defaults a 28x28 input gives maps of
        28, 13, 6 and 2 pixels (after conv1, pool1, pool2, pool5).
    """
    if normalization not in ("batch", "lrn", None):
        raise ValueError(f"normalization={normalization!r}: use 'batch', 'lrn' or None.")
    if len(filters) != 5:
        raise ValueError(f"filters={filters!r}: give five channel counts, conv1 to conv5.")
    if min(input_shape[:2]) < 15:
        raise ValueError(f"input_shape={tuple(input_shape)}: three 3x3/2 poolings need at "
                         "least 15x15 inputs; Fashion-MNIST's are 28x28.")

    def normalize(x, name):
        if normalization == "batch":
            return layers.BatchNormalization(name=f"bn{name}")(x)
        if normalization == "lrn":
            return course_layers.LocalResponseNormalization(name=f"lrn{name}")(x)
        return x

    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(filters[0], 5, padding="same", activation="relu", name="conv1")(inputs)  # 28 x 28
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(normalize(x, 1))                      # 13 x 13
    x = layers.Conv2D(filters[1], 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(normalize(x, 2))                      # 6 x 6
    x = layers.Conv2D(filters[2], 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(filters[3], 3, padding="same", activation="relu", name="conv4")(x)
    x = layers.Conv2D(filters[4], 3, padding="same", activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)                                    # 2 x 2
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout_rate, name="dropout6")(x)
    x = layers.Dense(dense_units, activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout_rate, name="dropout7")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, outputs, name="fashion_alexnet")

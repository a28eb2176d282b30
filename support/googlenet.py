"""GoogLeNet / Inception v1 (Szegedy et al., CVPR 2015), per the paper's Table 1.

Introduced in notebook 04.
"""

import keras
from keras import layers

from support import layers as course_layers

# Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj; "M" is a 3x3/2 max pool.
GOOGLENET_TABLE = [
    ("inception_3a", (64, 96, 128, 16, 32, 32)),     # 28 x 28 x 256
    ("inception_3b", (128, 128, 192, 32, 96, 64)),   # 28 x 28 x 480
    "M",                                             # 14 x 14 x 480
    ("inception_4a", (192, 96, 208, 16, 48, 64)),    # 14 x 14 x 512
    ("inception_4b", (160, 112, 224, 24, 64, 64)),
    ("inception_4c", (128, 128, 256, 24, 64, 64)),
    ("inception_4d", (112, 144, 288, 32, 64, 64)),   # 14 x 14 x 528
    ("inception_4e", (256, 160, 320, 32, 128, 128)), # 14 x 14 x 832
    "M",                                             # 7 x 7 x 832
    ("inception_5a", (256, 160, 320, 32, 128, 128)),
    ("inception_5b", (384, 192, 384, 48, 128, 128)), # 7 x 7 x 1024
]


def auxiliary_classifier(x, num_classes, name):
    """Side classifier on 4a and 4d (Section 5): 5x5/3 average pool, 1x1 conv 128,
    fc 1024, 70% dropout, softmax. Its loss is added with weight 0.3 during training."""
    x = layers.AveragePooling2D(5, strides=3, name=f"{name}_pool")(x)        # 4 x 4 x C
    x = layers.Conv2D(128, 1, activation="relu", name=f"{name}_conv")(x)    # 4 x 4 x 128
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(1024, activation="relu", name=f"{name}_fc")(x)
    x = layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return layers.Dense(num_classes, activation="softmax", dtype="float32", name=f"{name}_predictions")(x)


def googlenet(input_shape=(224, 224, 3), num_classes=1000, auxiliary_classifiers=False, lrn=True):
    """GoogLeNet (Inception v1), 22 layers with parameters.

    Args:
        input_shape: (H, W, C); the paper uses 224x224x3.
        num_classes: output units.
        auxiliary_classifiers: if True the model has three outputs
            ``[predictions, aux1_predictions, aux2_predictions]`` (training only in the paper).
        lrn: the two local response normalisations of the stem (the paper's "LocalRespNorm").

    Returns:
        ``keras.Model`` named "googlenet".
    """
    if min(input_shape[:2]) < 224 and auxiliary_classifiers:
        raise ValueError(f"input_shape={tuple(input_shape)}: the auxiliary classifiers' 5x5/3 "
                         "pooling needs the 14x14 maps of a 224x224 input.")
    if min(input_shape[:2]) < 32:
        raise ValueError(f"input_shape={tuple(input_shape)}: GoogLeNet reduces the input 32 times; use >= 32x32.")
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(64, 7, strides=2, padding="same", activation="relu", name="conv1_7x7")(inputs)  # 112
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)                         # 56 x 56 x 64
    if lrn:
        x = course_layers.LocalResponseNormalization(name="lrn1")(x)
    x = layers.Conv2D(64, 1, activation="relu", name="conv2_3x3_reduce")(x)
    x = layers.Conv2D(192, 3, padding="same", activation="relu", name="conv2_3x3")(x)             # 56 x 56 x 192
    if lrn:
        x = course_layers.LocalResponseNormalization(name="lrn2")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)                         # 28 x 28 x 192
    auxiliary_outputs, pool_index = [], 3
    for entry in GOOGLENET_TABLE:
        if entry == "M":
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{pool_index}")(x)
            pool_index += 1
            continue
        name, filters = entry
        x = course_layers.inception_module(x, *filters, name=name)
        if auxiliary_classifiers and name in ("inception_4a", "inception_4d"):
            auxiliary_outputs.append(auxiliary_classifier(x, num_classes, f"aux{len(auxiliary_outputs) + 1}"))
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)                                          # 1024
    x = layers.Dropout(0.4, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, [outputs, *auxiliary_outputs] if auxiliary_outputs else outputs, name="googlenet")

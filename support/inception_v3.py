"""Inception v3 (Szegedy, Vanhoucke, Ioffe, Shlens, Wojna, CVPR 2016). Notebook 04.

Same structure and layer widths as ``keras.applications.InceptionV3`` (so the parameter
counts are equal), written with the course's factorised-branch and grid-reduction helpers.
"""

import keras
from keras import layers

from support.layers import conv2d_bn, factorized_branch, grid_reduction


def _pool_branch(x, filters, name):
    x = layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    return conv2d_bn(x, filters, 1, 1, name=f"{name}_pool_proj")


def inception_a(x, pool_filters, name):
    """35x35 module (Figure 5): 5x5 as 1x1 -> 5x5, and 3x3 -> 3x3 in place of a 5x5."""
    branch_1x1 = conv2d_bn(x, 64, 1, 1, name=f"{name}_1x1")
    branch_5x5 = factorized_branch(x, [48, 64], [(1, 1), (5, 5)], name=f"{name}_5x5")
    branch_3x3dbl = factorized_branch(x, [64, 96, 96], [(1, 1), (3, 3), (3, 3)], name=f"{name}_3x3dbl")
    branches = [branch_1x1, branch_5x5, branch_3x3dbl, _pool_branch(x, pool_filters, name)]
    return layers.Concatenate(name=name)(branches)


def inception_b(x, channels_7x7, name):
    """17x17 module (Figure 6): 7x7 factorised into 1x7 and 7x1."""
    c = channels_7x7
    branch_1x1 = conv2d_bn(x, 192, 1, 1, name=f"{name}_1x1")
    branch_7x7 = factorized_branch(x, [c, c, 192], [(1, 1), (1, 7), (7, 1)], name=f"{name}_7x7")
    branch_7x7dbl = factorized_branch(x, [c, c, c, c, 192], [(1, 1), (7, 1), (1, 7), (7, 1), (1, 7)],
                                      name=f"{name}_7x7dbl")
    branches = [branch_1x1, branch_7x7, branch_7x7dbl, _pool_branch(x, 192, name)]
    return layers.Concatenate(name=name)(branches)


def inception_c(x, name):
    """8x8 module (Figure 7): expanded filter bank, 3x3 split into parallel 1x3 and 3x1."""
    branch_1x1 = conv2d_bn(x, 320, 1, 1, name=f"{name}_1x1")
    branch_3x3 = conv2d_bn(x, 384, 1, 1, name=f"{name}_3x3_1")
    branch_3x3 = layers.Concatenate(name=f"{name}_3x3")([
        conv2d_bn(branch_3x3, 384, 1, 3, name=f"{name}_3x3_1x3"),
        conv2d_bn(branch_3x3, 384, 3, 1, name=f"{name}_3x3_3x1")])
    branch_3x3dbl = factorized_branch(x, [448, 384], [(1, 1), (3, 3)], name=f"{name}_3x3dbl")
    branch_3x3dbl = layers.Concatenate(name=f"{name}_3x3dbl")([
        conv2d_bn(branch_3x3dbl, 384, 1, 3, name=f"{name}_3x3dbl_1x3"),
        conv2d_bn(branch_3x3dbl, 384, 3, 1, name=f"{name}_3x3dbl_3x1")])
    branches = [branch_1x1, branch_3x3, branch_3x3dbl, _pool_branch(x, 192, name)]
    return layers.Concatenate(name=name)(branches)


def auxiliary_logits(x, num_classes):
    """Auxiliary classifier on the 17x17x768 grid (Section 4), as in torchvision's InceptionAux."""
    x = layers.AveragePooling2D(5, strides=3, name="aux_pool")(x)          # 5 x 5 x 768
    x = conv2d_bn(x, 128, 1, 1, name="aux_conv0")
    x = conv2d_bn(x, 768, 5, 5, padding="valid", name="aux_conv1")        # 1 x 1 x 768
    x = layers.Flatten(name="aux_flatten")(x)
    return layers.Dense(num_classes, activation="softmax", dtype="float32", name="aux_predictions")(x)


def inception_v3(input_shape=(299, 299, 3), num_classes=1000, auxiliary_classifier=False):
    """Inception v3; with ``auxiliary_classifier=False`` it equals keras.applications'.

    Returns:
        ``keras.Model`` "inception_v3"; two outputs ``[predictions, aux_predictions]`` with the
        auxiliary classifier. 23,851,784 parameters at 299x299x3 without it.
    """
    if min(input_shape[:2]) < 75:
        raise ValueError(f"input_shape={tuple(input_shape)}: Inception v3 needs at least 75x75 (299x299 in the paper).")
    inputs = keras.Input(shape=input_shape, name="image")
    x = conv2d_bn(inputs, 32, 3, 3, strides=2, padding="valid", name="stem1")  # 149 x 149 x 32
    x = conv2d_bn(x, 32, 3, 3, padding="valid", name="stem2")                  # 147 x 147 x 32
    x = conv2d_bn(x, 64, 3, 3, name="stem3")                                   # 147 x 147 x 64
    x = layers.MaxPooling2D(3, strides=2, name="stem_pool1")(x)                # 73 x 73 x 64
    x = conv2d_bn(x, 80, 1, 1, padding="valid", name="stem4")
    x = conv2d_bn(x, 192, 3, 3, padding="valid", name="stem5")                 # 71 x 71 x 192
    x = layers.MaxPooling2D(3, strides=2, name="stem_pool2")(x)                # 35 x 35 x 192
    for index, pool_filters in enumerate((32, 64, 64)):
        x = inception_a(x, pool_filters, name=f"mixed{index}")                 # 35 x 35 x 256/288
    x = grid_reduction(x, [([384], [(3, 3)]), ([64, 96, 96], [(1, 1), (3, 3), (3, 3)])], name="mixed3")  # 17 x 17 x 768
    for index, channels in zip(range(4, 8), (128, 160, 160, 192)):
        x = inception_b(x, channels, name=f"mixed{index}")                     # 17 x 17 x 768
    aux = auxiliary_logits(x, num_classes) if auxiliary_classifier else None
    x = grid_reduction(x, [([192, 320], [(1, 1), (3, 3)]),
                           ([192, 192, 192, 192], [(1, 1), (1, 7), (7, 1), (3, 3)])], name="mixed8")  # 8 x 8 x 1280
    for index in (9, 10):
        x = inception_c(x, name=f"mixed{index}")                               # 8 x 8 x 2048
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    return keras.Model(inputs, [outputs, aux] if aux is not None else outputs, name="inception_v3")

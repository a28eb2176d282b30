"""Layers and building blocks shared by the course's architectures.

Written with ``keras`` and ``keras.ops`` so they run on the TensorFlow and the JAX backends.
Introduced in: 02 AlexNet (LRN), 03 VGG (``vgg_block``), 04 GoogLeNet/Inception (modules).
"""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="support")
class LocalResponseNormalization(layers.Layer):
    """Local response normalisation across channels (Krizhevsky et al., 2012, Section 3.3).

    ``b_i = a_i / (k + alpha * sum_{j=i-r}^{i+r} a_j^2) ** beta`` over channels ``j`` of the same
    pixel, with ``r = depth_radius``. The paper's constants are n=5 channels, k=2, alpha=1e-4,
    beta=0.75; n=5 channels centred on ``i`` means ``depth_radius=2``. Equal to
    ``tf.nn.local_response_normalization(x, depth_radius, bias, alpha, beta)`` (alpha is not
    divided by n, unlike Caffe's LRN). Keras has no such layer; VGG dropped it (their Table 3,
    configuration A-LRN, showed no gain) and batch normalisation replaced it.

    Args:
        depth_radius: half-width of the channel window; the window spans ``2*r+1`` channels.
        bias: ``k``. alpha: scale of the sum of squares. beta: exponent.
    """

    def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, **kwargs):
        super().__init__(**kwargs)
        if int(depth_radius) != depth_radius or depth_radius < 0:
            raise ValueError(
                f"depth_radius={depth_radius!r}: use a non-negative integer "
                "(the paper's n=5 channels is depth_radius=2)."
            )
        self.depth_radius = int(depth_radius)
        self.bias, self.alpha, self.beta = float(bias), float(alpha), float(beta)

    def call(self, inputs):
        squares = ops.square(inputs)
        radius = self.depth_radius
        padded = ops.pad(squares, [[0, 0]] * (len(inputs.shape) - 1) + [[radius, radius]])
        channels = inputs.shape[-1]
        window_sum = padded[..., 0:channels]
        for offset in range(1, 2 * radius + 1):  # sum of 2r+1 shifted copies
            window_sum = window_sum + padded[..., offset : offset + channels]
        return inputs / ops.power(self.bias + self.alpha * window_sum, self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(depth_radius=self.depth_radius, bias=self.bias, alpha=self.alpha, beta=self.beta)
        return config


def vgg_block(x, filters, block_index, kernel_sizes=None, batch_norm=False):
    """One VGG stage: convolutions with ReLU, then 2x2 max pooling with stride 2.

    Args:
        x: input tensor (N, H, W, C).
        filters: list of output channels, one per convolution.
        block_index: 1-based stage number; layers are named ``block{i}_conv{j}``,
            ``block{i}_bn{j}``, ``block{i}_pool`` (as in ``keras.applications.VGG16``).
        kernel_sizes: list of kernel sizes (3, or 1 for configuration C's 1x1 convolutions);
            default all 3.
        batch_norm: add batch normalisation before each ReLU (not in the 2014 paper).

    Returns:
        The pooled tensor (N, H/2, W/2, filters[-1]).
    """
    kernel_sizes = kernel_sizes or [3] * len(filters)
    for conv_index, (width, kernel) in enumerate(zip(filters, kernel_sizes), start=1):
        prefix = f"block{block_index}_"
        if batch_norm:
            x = layers.Conv2D(width, kernel, padding="same", use_bias=False, name=f"{prefix}conv{conv_index}")(x)
            x = layers.BatchNormalization(name=f"{prefix}bn{conv_index}")(x)
            x = layers.Activation("relu", name=f"{prefix}relu{conv_index}")(x)
        else:
            x = layers.Conv2D(width, kernel, padding="same", activation="relu", name=f"{prefix}conv{conv_index}")(x)
    return layers.MaxPooling2D(2, strides=2, name=f"block{block_index}_pool")(x)


def inception_module(x, filters_1x1, filters_3x3_reduce, filters_3x3, filters_5x5_reduce,
                     filters_5x5, filters_pool_proj, name):
    """Inception v1 module (Szegedy et al., 2015, Figure 2b), four branches on channels.

    Branches: 1x1; 1x1 -> 3x3; 1x1 -> 5x5; 3x3 max pool (stride 1) -> 1x1 projection. All
    convolutions use SAME padding and ReLU, so the branches keep H x W and concatenate.
    Layers are named ``{name}_1x1``, ``{name}_3x3_reduce``, ``{name}_3x3``,
    ``{name}_5x5_reduce``, ``{name}_5x5``, ``{name}_pool``, ``{name}_pool_proj``, ``{name}``.

    Returns:
        (N, H, W, filters_1x1 + filters_3x3 + filters_5x5 + filters_pool_proj).
    """
    def conv(tensor, filters, kernel, suffix):
        return layers.Conv2D(filters, kernel, padding="same", activation="relu", name=f"{name}_{suffix}")(tensor)

    branch_1x1 = conv(x, filters_1x1, 1, "1x1")
    branch_3x3 = conv(conv(x, filters_3x3_reduce, 1, "3x3_reduce"), filters_3x3, 3, "3x3")
    branch_5x5 = conv(conv(x, filters_5x5_reduce, 1, "5x5_reduce"), filters_5x5, 5, "5x5")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = conv(pooled, filters_pool_proj, 1, "pool_proj")
    return layers.Concatenate(axis=-1, name=name)([branch_1x1, branch_3x3, branch_5x5, branch_pool])


def conv2d_bn(x, filters, num_row, num_col, name, padding="same", strides=1):
    """Inception v3's unit: convolution without bias, batch norm without scale, ReLU.

    Same structure as ``keras.applications.inception_v3.conv2d_bn`` (so parameter counts
    match): layers ``{name}_conv``, ``{name}_bn``, ``{name}``.
    """
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(scale=False, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def factorized_branch(x, filters, kernels, name):
    """A chain of conv2d_bn units, e.g. 1x1 -> 1x7 -> 7x1 (Szegedy et al., 2016, Figure 6).

    Args:
        filters: output channels of each unit. kernels: ``(rows, cols)`` of each unit.
        name: prefix; units are named ``{name}_1``, ``{name}_2``, ...
    """
    if len(filters) != len(kernels):
        raise ValueError(f"filters {filters} and kernels {kernels} must have the same length.")
    for index, (width, (rows, cols)) in enumerate(zip(filters, kernels), start=1):
        x = conv2d_bn(x, width, rows, cols, name=f"{name}_{index}")
    return x


def grid_reduction(x, branches, name):
    """Grid-size reduction (Szegedy et al., 2016, Figure 10): strided branches + max pool.

    Each branch is ``(filters, kernels)`` for :func:`factorized_branch`, whose last unit is
    applied with stride 2 and VALID padding; a 3x3/2 max pool runs beside them, and all are
    concatenated: H x W halves while channels grow, without a representational bottleneck.
    """
    outputs = []
    for index, (filters, kernels) in enumerate(branches, start=1):
        branch = x
        if len(filters) > 1:
            branch = factorized_branch(branch, filters[:-1], kernels[:-1], name=f"{name}_branch{index}")
        rows, cols = kernels[-1]
        outputs.append(conv2d_bn(branch, filters[-1], rows, cols, padding="valid", strides=2,
                                 name=f"{name}_branch{index}_reduce"))
    outputs.append(layers.MaxPooling2D(3, strides=2, name=f"{name}_pool")(x))
    return layers.Concatenate(axis=-1, name=name)(outputs)

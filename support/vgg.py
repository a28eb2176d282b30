"""VGG (Simonyan and Zisserman, ICLR 2015) as data: one table, one builder.

Introduced in notebook 03; notebook 05 trains the MNIST table with the same builder.
A config is a list of stages separated by ``"M"`` (2x2/2 max pooling). An int is a 3x3
convolution with that many channels; ``(channels, 1)`` is configuration C's 1x1 convolution.
"""

import keras
from keras import layers

from support import layers as course_layers

_D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
VGG_CONFIGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],               # VGG11
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],      # VGG13
    "C": [64, 64, "M", 128, 128, "M", 256, 256, (256, 1), "M",
          512, 512, (512, 1), "M", 512, 512, (512, 1), "M"],                               # VGG16 with 1x1
    "D": _D,                                                                               # VGG16
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
          512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],                               # VGG19
}
# VGG adapted to 28x28 MNIST: two convolutions per stage, three poolings (28 -> 14 -> 7 -> 3).
MNIST_VGG_CONFIGS = {
    "full": [64, 64, "M", 128, 128, "M", 256, 256, "M"],  # the GPU lesson
    "small": [16, 16, "M", 32, 32, "M", 64, 64, "M"],     # the CPU lesson
}


def config_stages(config):
    """Split a config into stages: a list of ``(filters, kernel_sizes)`` per pooling.

    >>> config_stages([64, "M", 128, (128, 1), "M"])
    [([64], [3]), ([128, 128], [3, 1])]
    """
    if isinstance(config, str):
        if config not in VGG_CONFIGS:
            raise ValueError(f"Unknown VGG config {config!r}; valid ones: {sorted(VGG_CONFIGS)}.")
        config = VGG_CONFIGS[config]
    stages, filters, kernels = [], [], []
    for item in config:
        if item == "M":
            if not filters:
                raise ValueError(f"config {config}: a stage needs a convolution before each 'M'.")
            stages.append((filters, kernels))
            filters, kernels = [], []
        elif isinstance(item, int) and item > 0:
            filters.append(item); kernels.append(3)
        elif isinstance(item, tuple) and len(item) == 2 and item[1] in (1, 3):
            filters.append(item[0]); kernels.append(item[1])
        else:
            raise ValueError(f"config item {item!r}: use a channel count, (channels, 1) or 'M'.")
    if filters:
        raise ValueError(f"config {config}: end it with 'M' (every stage ends with a pooling).")
    return stages


def check_poolings_fit(input_shape, num_poolings):
    """Raise ValueError if ``num_poolings`` 2x2/2 poolings make the map vanish."""
    size, sizes = min(input_shape[:2]), [min(input_shape[:2])]
    for pooling in range(1, num_poolings + 1):
        size //= 2
        sizes.append(size)
        if size == 0:
            path = " -> ".join(str(s) for s in sizes)
            raise ValueError(
                f"input_shape={tuple(input_shape)} is too small for {num_poolings} poolings: the "
                f"map vanishes after pooling {pooling} (block{pooling}_pool): {path}. At most "
                f"{pooling - 1} poolings fit; use a config with fewer 'M' (e.g. "
                f"MNIST_VGG_CONFIGS) or a larger input.")


def vgg(config="D", input_shape=(224, 224, 3), num_classes=1000, batch_norm=False,
        head="fc", fc_units=4096, dropout_rate=0.5, name=None):
    """Build a VGG network from a config table.

    Args:
        config: a key of ``VGG_CONFIGS`` ("A" to "E") or a config list.
        input_shape: (H, W, C). num_classes: output units (softmax).
        batch_norm: batch normalisation after every convolution (VGG-BN, not in the paper).
        head: "fc" (the paper's fc6-fc7-fc8 with dropout) or "gap" (global average pooling
            and one dense layer, for small inputs such as MNIST).
        fc_units: width of fc6 and fc7. dropout_rate: dropout after fc6 and fc7.

    Returns:
        ``keras.Model``; config "D" is VGG16 (138,357,544 parameters at 224x224x3).
    """
    stages = config_stages(config)
    if head not in ("fc", "gap"):
        raise ValueError(f"head={head!r}: use 'fc' (the paper's) or 'gap' (global average pooling).")
    check_poolings_fit(input_shape, len(stages))
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for block_index, (filters, kernels) in enumerate(stages, start=1):
        x = course_layers.vgg_block(x, filters, block_index, kernels, batch_norm=batch_norm)
    if head == "fc":
        x = layers.Flatten(name="flatten")(x)
        for fc_index in (1, 2):
            x = layers.Dense(fc_units, activation="relu", name=f"fc{fc_index}")(x)
            x = layers.Dropout(dropout_rate, name=f"dropout{fc_index}")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions")(x)
    default_name = f"vgg_{config}" if isinstance(config, str) else "vgg"
    return keras.Model(inputs, outputs, name=name or default_name)


def mnist_vgg(size="small", input_shape=(28, 28, 1), num_classes=10):
    """VGG for 28x28 digits: ``MNIST_VGG_CONFIGS[size]``, batch norm, global average pooling.

    Three poolings instead of five, because five would shrink 28x28 to nothing
    (28 -> 14 -> 7 -> 3 -> 1 -> 0). Same builder as the ImageNet VGG, another table.
    """
    if size not in MNIST_VGG_CONFIGS:
        raise ValueError(f"size={size!r}: use one of {sorted(MNIST_VGG_CONFIGS)}.")
    return vgg(MNIST_VGG_CONFIGS[size], input_shape=input_shape, num_classes=num_classes,
               batch_norm=True, head="gap", name=f"mnist_vgg_{size}")

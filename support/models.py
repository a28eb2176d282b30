"""All of the course's model builders in one namespace: ``from support import models``.

Each family lives in its own module (``lenet``, ``alexnet``, ``vgg``, ``googlenet``,
``inception_v3``); this module re-exports the public builders and tables, and names the
course's standard models in ``BUILDERS``.
"""

import functools

from support.alexnet import alexnet
from support.googlenet import GOOGLENET_TABLE, googlenet
from support.inception_v3 import inception_v3
from support.lenet import lenet5
from support.vgg import MNIST_VGG_CONFIGS, VGG_CONFIGS, mnist_vgg, vgg

# The course's standard models at their default input sizes, by their Keras model name
# (which is how results files name them): name -> function of no arguments.
BUILDERS = {
    "lenet5": lenet5,
    "alexnet": alexnet,
    **{f"vgg_{config}": functools.partial(vgg, config) for config in VGG_CONFIGS},
    "googlenet": googlenet,
    "inception_v3": inception_v3,
    **{f"mnist_vgg_{size}": functools.partial(mnist_vgg, size) for size in MNIST_VGG_CONFIGS},
}



def initialise_kernels(model, make_initialiser, seed):
    """Draw every kernel of ``model`` anew, each layer from its own seed; biases are untouched.

    A Keras initialiser built with a seed draws the same numbers every time it is built with
    that seed, so ``make_initialiser(seed)`` for every layer would give layers of the same
    shape identical kernels: networks that are not independently random. Here the layer at
    position ``p`` (counting the layers with a kernel, from the input) gets the seed
    ``seed * 1000 + p``, so layers differ, networks from different seeds differ (below 1,000
    layers), and the same seed repeats the same network.

    Args:
        model: a built Keras model.
        make_initialiser: function of a seed returning a Keras initialiser, for example
            ``lambda seed: keras.initializers.HeNormal(seed=seed)``.
        seed: a non-negative integer, the network's seed.

    Returns:
        ``model``, its kernels replaced.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed={seed!r}: pass a non-negative integer, the network's seed.")
    layers = [layer for layer in model.layers if getattr(layer, "kernel", None) is not None]
    if len(layers) >= 1000:
        raise ValueError(f"the model has {len(layers)} layers with kernels: at most 999 get seeds apart.")
    for position, layer in enumerate(layers):
        layer.kernel.assign(make_initialiser(seed * 1000 + position)(layer.kernel.shape))
    return model


__all__ = ["BUILDERS", "GOOGLENET_TABLE", "MNIST_VGG_CONFIGS", "VGG_CONFIGS", "alexnet",
           "googlenet", "inception_v3", "initialise_kernels", "lenet5", "mnist_vgg", "vgg"]

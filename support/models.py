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

__all__ = ["BUILDERS", "GOOGLENET_TABLE", "MNIST_VGG_CONFIGS", "VGG_CONFIGS", "alexnet",
           "googlenet", "inception_v3", "lenet5", "mnist_vgg", "vgg"]

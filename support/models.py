"""All of the course's model builders in one namespace: ``from support import models``.

Each family lives in its own module (``lenet``, ``alexnet``, ``vgg``, ``googlenet``,
``inception_v3``); this module only re-exports the public builders and tables.
"""

from support.alexnet import alexnet
from support.googlenet import GOOGLENET_TABLE, googlenet
from support.inception_v3 import inception_v3
from support.lenet import lenet5
from support.vgg import MNIST_VGG_CONFIGS, VGG_CONFIGS, mnist_vgg, vgg

BUILDERS = {
    "lenet5": lenet5,
    "alexnet": alexnet,
    "vgg": vgg,
    "googlenet": googlenet,
    "inception_v3": inception_v3,
    "mnist_vgg": mnist_vgg,
}

__all__ = ["BUILDERS", "GOOGLENET_TABLE", "MNIST_VGG_CONFIGS", "VGG_CONFIGS", "alexnet",
           "googlenet", "inception_v3", "lenet5", "mnist_vgg", "vgg"]

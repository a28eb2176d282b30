"""Shared code of the course *Classic convolutional networks in TensorFlow/Keras*.

One small module per concern; import the modules, not their objects::

    from support import models, counting, receptive_field

Nothing here imports TensorFlow at import time, so ``import support`` is cheap and works
under ``KERAS_BACKEND=jax`` too. Notebooks call :func:`support.quiet.setup` first.
"""

__version__ = "0.1.0"

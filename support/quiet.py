"""Keep TensorFlow's C++ start-up lines out of notebook outputs.

TensorFlow prints some lines before its logging is initialised ("All log messages before
absl::InitializeLog() is called are written to STDERR", the oneDNN notice, "Could not find
cuda drivers"). ``TF_CPP_MIN_LOG_LEVEL=3`` does not stop those, and they change on every run,
which breaks nbval. :func:`setup` sets the logging variables and imports the backend with the
process's file descriptor 2 pointed at ``/dev/null``, then restores it, so real errors that
come later still reach the notebook.
"""

import contextlib
import os
import sys


@contextlib.contextmanager
def stderr_silenced():
    """Point file descriptor 2 (C++ ``std::cerr``) at /dev/null inside the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


def setup(backend=None):
    """Set quiet logging, import Keras (and TensorFlow when it is the backend) silently.

    Args:
        backend: ``"tensorflow"`` or ``"jax"``; ``None`` keeps ``KERAS_BACKEND`` (default
            ``"tensorflow"``, the course's backend).

    Returns:
        The name of the Keras backend in use.
    """
    if backend is not None:
        if backend not in ("tensorflow", "jax"):
            raise ValueError(f"backend={backend!r}: use 'tensorflow' or 'jax'.")
        os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO, WARNING and ERROR lines
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    with stderr_silenced():
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.get_logger().setLevel("ERROR")
            tf.reduce_sum(tf.ones((1,)))  # the first op loads kernels that print once more
        keras.ops.sum(keras.ops.ones((1,)))
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    return keras.backend.backend()

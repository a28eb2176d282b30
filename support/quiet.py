"""Keep TensorFlow's C++ start-up lines out of notebook outputs.

TensorFlow prints some lines before its logging is initialised ("All log messages before
absl::InitializeLog() is called are written to STDERR", the oneDNN notice, "Could not find
cuda drivers"), and TensorFlow 2.19 (Colab's) prints more at its first XLA compilation ("XLA
service ... initialized for platform Host", "Compiled cluster using XLA!").
``TF_CPP_MIN_LOG_LEVEL=3`` does not stop those, and they change on every run, which breaks
nbval. :func:`setup` sets the logging variables and imports the backend with the
process's file descriptor 2 pointed at ``/dev/null``, then restores it, so real errors that
come later still reach the notebook. It also runs the first XLA compilation there.
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


def setup(backend=None, logical_cpus=None):
    """Set quiet logging, import Keras (and TensorFlow when it is the backend) silently.

    Args:
        backend: ``"tensorflow"`` or ``"jax"``; ``None`` keeps ``KERAS_BACKEND`` (default
            ``"tensorflow"``, the course's backend).
        logical_cpus: TensorFlow only: split the CPU into this many logical devices, so that
            ``tf.distribute.MirroredStrategy`` can be shown on a machine without GPUs. It must
            happen before TensorFlow's first operation, which is why it is done here.

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
            if logical_cpus:
                _split_cpu(tf, logical_cpus)
            tf.reduce_sum(tf.ones((1,)))  # the first op loads kernels that print once more
            # The first XLA compilation prints "XLA service ... initialized" and "Compiled
            # cluster using XLA!" once per process (TensorFlow 2.19 and older, whatever
            # TF_CPP_MIN_LOG_LEVEL says): compile a tiny function now, silenced.
            tf.function(lambda x: x + 1, jit_compile=True)(tf.ones((1,)))
        keras.ops.sum(keras.ops.ones((1,)))
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    _inline_figures()
    return keras.backend.backend()


def _inline_figures():
    """In a notebook, switch matplotlib to inline now, not at the first pyplot call.

    Otherwise a Figure made without pyplot (``support.plots`` returns those) shows as the
    text ``<Figure ...>`` when it is the first plot of the kernel.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")


def _split_cpu(tf, count):
    """Configure ``count`` logical CPU devices (before TensorFlow's runtime starts)."""
    if int(count) != count or count < 1:
        raise ValueError(f"logical_cpus={count!r}: use a positive integer such as 2.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * int(count))
    except RuntimeError as error:
        raise ValueError("logical_cpus must be set before TensorFlow runs anything: call "
                         "quiet.setup(logical_cpus=...) first in the notebook (restart the kernel).") from error

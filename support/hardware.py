"""Scale a lesson to the hardware: its full settings on a GPU, a smaller honest run on a CPU.

A notebook gives both sets of settings and prints which one it runs, and why::

    settings = hardware.choose_settings(cpu={"epochs": 2, "train_size": 10000},
                                        gpu={"epochs": 30, "train_size": 60000})
    # Settings: cpu (no GPU found): epochs=2, train_size=10000
    model.fit(..., epochs=settings.epochs)

``CNN_COURSE_PROFILE=cpu`` or ``gpu`` overrides the detection (CI stores the CPU outputs;
``gpu`` on a CPU runs the full lesson, slowly). Works under the TensorFlow and the JAX
backends; the backend's library is imported only when a function needs it.
"""

import dataclasses
import os
import platform
import types
from collections.abc import Mapping

import keras

PROFILE_ENV_VAR = "CNN_COURSE_PROFILE"
PROFILES = ("cpu", "gpu")


@dataclasses.dataclass(frozen=True)
class Settings:
    """The settings a notebook runs with: a frozen record with attribute access to values.

    ``settings.epochs`` and ``settings["epochs"]`` both read the chosen value of ``epochs``;
    ``settings.values`` is the read-only mapping of all of them, in the order given.

    Attributes:
        profile: ``"cpu"`` or ``"gpu"``, the set of settings chosen.
        reason: why, in words, e.g. ``"no GPU found"``.
        values: the chosen settings, a read-only mapping.
        gpu: the lesson's full (GPU) settings, whichever were chosen, a read-only mapping;
            a notebook sizes its GPU run from them (``support.sizing``) on any machine.
    """

    profile: str
    reason: str
    values: Mapping
    gpu: Mapping = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "values", types.MappingProxyType(dict(self.values)))
        object.__setattr__(self, "gpu", types.MappingProxyType(dict(self.gpu)))

    def __reduce__(self):  # a mappingproxy cannot be pickled; rebuild from plain dicts
        return (Settings, (self.profile, self.reason, dict(self.values), dict(self.gpu)))

    def __getattr__(self, name):
        # Called only for names that are not fields; guarded for copy and pickle.
        if name.startswith("__") or name in ("values", "gpu"):
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(
                f"Settings has no {name!r}; it has {list(self.values)}."
            ) from None

    def __getitem__(self, name):
        return self.values[name]

    def line(self):
        """The one line :func:`choose_settings` prints, e.g. ``Settings: cpu (...): epochs=2``."""
        values = ", ".join(f"{key}={_format_value(value)}" for key, value in self.values.items())
        return f"Settings: {self.profile} ({self.reason}): {values}"


def load_line():
    """The machine's load, to print beside a live timing: how busy it was while it was measured.

    Returns:
        e.g. ``"load average 0.52 over the last minute, 2 CPU cores"``; where the system has
        no load average (Windows), says so.
    """
    cores = os.cpu_count()
    if not hasattr(os, "getloadavg"):
        return f"load average not available on this system, {cores} CPU cores"
    return f"load average {os.getloadavg()[0]:.2f} over the last minute, {cores} CPU cores"


def gpu_available():
    """Whether the Keras backend sees a GPU.

    Returns:
        True if TensorFlow lists a physical GPU (TensorFlow backend) or JAX's first device is
        a GPU (JAX backend); False otherwise, also for other backends.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        return jax.devices()[0].platform == "gpu"
    return False


def profile_from_environment():
    """Read ``$CNN_COURSE_PROFILE``.

    Returns:
        ``"cpu"``, ``"gpu"``, or None when the variable is unset or empty. Case and
        surrounding spaces are ignored.
    """
    value = os.environ.get(PROFILE_ENV_VAR, "")
    profile = value.strip().lower()
    if not profile:
        return None
    if profile not in PROFILES:
        raise ValueError(
            f"{PROFILE_ENV_VAR}={value!r}: set it to 'cpu' or 'gpu', or unset it to detect "
            f"the hardware."
        )
    return profile


def choose_settings(cpu, gpu, verbose=True):
    """Choose the lesson's CPU or GPU settings and say which, and why, in one line.

    The GPU settings are chosen when a GPU is found, unless ``$CNN_COURSE_PROFILE`` says
    otherwise. The printed line is the same on every run on the same machine (no timings,
    no addresses), so that stored notebook outputs stay comparable.

    Args:
        cpu: dict of settings for a CPU, e.g. ``{"epochs": 2, "batch_size": 128}``.
        gpu: dict with the same keys, the lesson's full settings.
        verbose: print the line (see :meth:`Settings.line`).

    Returns:
        A :class:`Settings` with ``profile``, ``reason`` and the chosen values.
    """
    _check_same_keys(cpu, gpu)
    found = gpu_available()
    detected = "GPU found" if found else "no GPU found"
    forced = profile_from_environment()
    if forced is None:
        profile, reason = ("gpu" if found else "cpu"), detected
    else:
        verb = "chooses" if (forced == "gpu") == found else "forces"
        profile = forced
        reason = f"{detected}; {PROFILE_ENV_VAR}={forced} {verb} the {forced.upper()} settings"
    chosen = cpu if profile == "cpu" else gpu
    settings = Settings(profile, reason, chosen, gpu)
    if verbose:
        print(settings.line())
    return settings


def _check_same_keys(cpu, gpu):
    """Raise ValueError unless ``cpu`` and ``gpu`` are dicts with the same string keys."""
    for name, value in (("cpu", cpu), ("gpu", gpu)):
        if not isinstance(value, Mapping):
            raise ValueError(f"{name}={value!r}: pass a dict of settings, e.g. {{'epochs': 2}}.")
    only_cpu = [key for key in cpu if key not in gpu]
    only_gpu = [key for key in gpu if key not in cpu]
    if only_cpu or only_gpu:
        raise ValueError(
            f"The CPU and GPU settings must have the same keys: only in cpu: {only_cpu}, "
            f"only in gpu: {only_gpu}."
        )
    reserved = [key for key in cpu if not isinstance(key, str) or key in ("profile", "reason",
                                                                          "values", "gpu", "line")]
    if reserved:
        raise ValueError(
            f"Setting names {reserved} are not allowed: use strings other than 'profile', "
            f"'reason', 'values', 'gpu' and 'line'."
        )


def _format_value(value):
    """Strings in quotes, everything else as ``str`` (so numpy scalars print as numbers)."""
    return repr(value) if isinstance(value, str) else str(value)


def device_description():
    """A short description of the hardware, for the provenance of measured numbers.

    Returns:
        e.g. ``"NVIDIA H100 80GB HBM3 (GPU); Intel(R) Xeon(R) Platinum 8480+ (16 CPUs)"``,
        or only the CPU part without a GPU. Falls back to ``platform`` where
        ``/proc/cpuinfo`` does not exist (macOS, Windows).
    """
    cpu = f"{_cpu_model()} ({_cpu_count()} CPUs)"
    gpu = _gpu_name() if gpu_available() else None
    return f"{gpu} (GPU); {cpu}" if gpu else cpu


def _cpu_model():
    """The CPU's model name from /proc/cpuinfo, else from ``platform``."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _cpu_count():
    """CPUs this process may run on (its affinity where the OS tells), else all of them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _gpu_name():
    """The first GPU's name as the backend reports it, or ``"GPU"`` when it does not."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        devices = tf.config.list_physical_devices("GPU")
        details = tf.config.experimental.get_device_details(devices[0]) if devices else {}
        return details.get("device_name", "GPU")
    if backend == "jax":
        import jax

        return getattr(jax.devices()[0], "device_kind", "GPU")
    return "GPU"

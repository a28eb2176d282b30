"""Write, read, check and show the measured results that the notebooks quote.

Timings and training runs are measured by ``python -m support.bench`` and
``python -m support.train`` (on a CPU here, on an H100 with the JAX backend elsewhere) and
stored as one JSON file per run in ``course/results/``. Notebooks never re-measure what
they quote: they load these files, check them (:func:`validate_bench_record`,
:func:`check_flops` against the FLOPs the notebook counts itself) and show them
(:func:`bench_table`; their figures are in :mod:`support.plots`). Every file says where it was measured: its
``provenance`` gives the device, backend, versions, date and command.
Introduced in notebook 01 (LeNet-5 results) and 02 (AlexNet timing); later notebooks reuse it.
"""

import datetime
import json
import math
import os
import platform
import re
import sys
from pathlib import Path

import keras
import numpy as np

from support import counting, hardware, timing

BENCH_SCHEMA = "cnn-course/bench/1"
TRAIN_SCHEMA = "cnn-course/train/1"
SCHEMAS = {"bench": BENCH_SCHEMA, "train": TRAIN_SCHEMA}
RESULTS_ENV_VAR = "CNN_COURSE_RESULTS"
DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "course" / "results"
PROVENANCE_FIELDS = ("device", "backend", "versions", "date", "command", "host_cores")
BENCH_RESULT_FIELDS = ("model", "input_shape", "mode", "precision", "batch_size", "params",
                       "flops_per_image", "mean_ms", "std_ms", "median_ms", "images_per_s",
                       "tflops_per_s", "fraction_of_matmul")
CURVES = ("loss", "accuracy", "val_loss", "val_accuracy")
_ENVIRONMENT_FLAGS = ("XLA_FLAGS", "JAX_DEFAULT_MATMUL_PRECISION", "TF_ENABLE_ONEDNN_OPTS",
                      "CUDA_VISIBLE_DEVICES", "XLA_PYTHON_CLIENT_MEM_FRACTION",
                      "JAX_COMPILATION_CACHE_DIR")


def provenance(command=None):
    """Where and how a result was measured: the ``provenance`` field of every result file.

    Args:
        command: the command line as a list of strings; None takes ``sys.argv``.

    Returns:
        dict: ``device`` (``hardware.device_description()``), ``backend``, ``versions``
        (python, keras, numpy, and tensorflow or jax and jaxlib), ``date`` (UTC, ISO 8601),
        ``command``, ``host_cores``, ``load_average`` (1 minute, None where unknown) and
        ``environment`` (the XLA/JAX/TensorFlow variables that change timings, where set).
    """
    backend = keras.backend.backend()
    versions = {"python": platform.python_version(), "keras": keras.__version__,
                "numpy": np.__version__}
    if backend == "tensorflow":
        import tensorflow as tf

        versions["tensorflow"] = tf.__version__
    elif backend == "jax":
        import jax
        import jaxlib

        versions["jax"], versions["jaxlib"] = jax.__version__, jaxlib.__version__
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"device": hardware.device_description(), "backend": backend, "versions": versions,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": list(sys.argv if command is None else command),
            "host_cores": os.cpu_count(), "load_average": load_average,
            "environment": {name: os.environ[name] for name in _ENVIRONMENT_FLAGS if name in os.environ}}


def device_slug(device):
    """A file-name-safe short name of a device description: the part before ``;``.

    ``"NVIDIA H100 80GB HBM3 (GPU); Intel(R) Xeon(R) ..."`` gives ``"nvidia-h100-80gb-hbm3-gpu"``.
    """
    first = device.split(";")[0].lower().replace("(r)", "").replace("(tm)", "")
    return re.sub(r"[^a-z0-9]+", "-", first).strip("-")[:48].strip("-") or "unknown-device"


def write_record(record, directory, quick=False):
    """Write a result record as ``<directory>[/quick]/<kind>-<backend>-<device>-<date>.json``.

    Args:
        record: a bench or training record (its ``schema`` gives the kind).
        directory: the results folder, e.g. ``course/results``.
        quick: write under ``quick/`` (git-ignored): smoke-test runs are not results.

    Returns:
        The path written (a new file; ``-2``, ``-3``... is added if the name is taken).
    """
    kind = _kind_of(record)
    folder = Path(directory) / "quick" if quick else Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    provenance_ = record["provenance"]
    stamp = datetime.datetime.fromisoformat(provenance_["date"]).strftime("%Y%m%d-%H%M%S")
    stem = f"{kind}-{provenance_['backend']}-{device_slug(provenance_['device'])}-{stamp}"
    for index in range(1, 100):
        path = folder / (f"{stem}.json" if index == 1 else f"{stem}-{index}.json")
        try:
            with open(path, "x", encoding="utf-8") as file:
                json.dump(record, file, indent=1)
                file.write("\n")
            return path
        except FileExistsError:
            continue
    raise ValueError(f"{folder} already holds 99 files named {stem}*.json; clean it up.")


def results_directory(directory=None):
    """The results folder: ``directory``, else ``$CNN_COURSE_RESULTS``, else ``course/results``."""
    return Path(directory or os.environ.get(RESULTS_ENV_VAR) or DEFAULT_DIRECTORY)


def load_results(kind="bench", directory=None, backend=None, device_contains=None):
    """Load and validate the result files of one kind, oldest first.

    Args:
        kind: "bench" (``bench-*.json``) or "train" (``train-*.json``).
        directory: see :func:`results_directory`; ``quick/`` below it is not read.
        backend: keep only records measured with this Keras backend, e.g. "jax".
        device_contains: keep only records whose device contains this text (any case),
            e.g. "H100" or "(GPU)".

    Returns:
        list of records (dicts), sorted by ``provenance.date``; each has ``"path"`` added.
    """
    if kind not in SCHEMAS:
        raise ValueError(f"kind={kind!r}: use 'bench' or 'train'.")
    folder = results_directory(directory)
    if not folder.is_dir():
        raise ValueError(f"results folder {folder} does not exist; pass directory= or set "
                         f"{RESULTS_ENV_VAR}.")
    records = []
    for path in sorted(folder.glob(f"{kind}-*.json")):
        record = read_record(path)
        provenance_ = record["provenance"]
        if backend is not None and provenance_["backend"] != backend:
            continue
        if device_contains is not None and device_contains.lower() not in provenance_["device"].lower():
            continue
        records.append(record)
    return sorted(records, key=lambda record: record["provenance"]["date"])


def median_rates(record):
    """The bench record with every row's rates recomputed from its median time (in place).

    ``images_per_s``, ``tflops_per_s`` and ``fraction_of_matmul`` come from ``median_ms``, as
    the matrix product's rate does. Files written before the bench used the median for every
    rate (2026-12-04) hold mean-based rates; their times are kept as measured, so their rates
    are recomputed when they are read. Rows without a usable median are left for
    :func:`validate_bench_record` to refuse. Returns the record.
    """
    matmul = record.get("matmul", {})
    for row in record.get("results", []):
        try:
            median_s = row["median_ms"] / 1e3
            work = row["flops_per_image"] * row["batch_size"] * timing.FLOPS_FACTOR[row["mode"]]
            row["images_per_s"] = row["batch_size"] / median_s
            row["tflops_per_s"] = work / median_s / 1e12
            row["fraction_of_matmul"] = row["tflops_per_s"] / matmul[row["precision"]]["tflops_per_s"]
        except (KeyError, TypeError, ZeroDivisionError):
            continue
    return record


def read_record(path):
    """Read one result file and validate it; raise ValueError naming the file if it is bad.

    A bench file's rates are recomputed from its median times first (:func:`median_rates`).
    """
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        if _kind_of(record) == "bench":
            median_rates(record)
        _VALIDATORS[_kind_of(record)](record)
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: {error}") from None
    return {**record, "path": str(path)}


def _kind_of(record):
    """"bench" or "train", from the record's ``schema``; ValueError for anything else."""
    schema = record.get("schema") if isinstance(record, dict) else None
    for kind, expected in SCHEMAS.items():
        if schema == expected:
            return kind
    raise ValueError(f"schema {schema!r} is not one of {sorted(SCHEMAS.values())}; this is not a "
                     "course result file, or it was written by another version of the code.")


def _field(mapping, key, where):
    """``mapping[key]``; ValueError naming ``where.key`` when it is missing."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise ValueError(f"field {where}.{key} is missing.")
    return mapping[key]


def _number(mapping, key, where, low=None, high=None, low_open=False):
    """A finite number ``mapping[key]`` within ``[low, high]`` (``(low, high]`` if low_open)."""
    return _check_number(_field(mapping, key, where), f"{where}.{key}", low, high, low_open)


def _check_number(value, name, low=None, high=None, low_open=False):
    """``value`` if it is a finite number within the bounds; else ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"field {name}={value!r} is not a finite number.")
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        bounds = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
        raise ValueError(f"field {name}={value!r} is outside {bounds}.")
    return value


def _close(found, expected, name, where, tolerance=1e-3):
    """ValueError unless ``found`` is within ``tolerance`` (relative) of ``expected``."""
    if not math.isclose(found, expected, rel_tol=tolerance):
        raise ValueError(f"field {where}.{name}={found!r} disagrees with the {expected!r} that "
                         "the record's other fields give (every rate comes from the median time).")


def validate_provenance(record):
    """Raise ValueError unless ``record.provenance`` has every field, well formed."""
    provenance_ = _field(record, "provenance", "record")
    for key in PROVENANCE_FIELDS:
        _field(provenance_, key, "provenance")
    for key in ("device", "backend"):
        if not isinstance(provenance_[key], str) or not provenance_[key]:
            raise ValueError(f"field provenance.{key}={provenance_[key]!r} is not a non-empty string.")
    versions = provenance_["versions"]
    library = {"tensorflow": "tensorflow", "jax": "jax"}.get(provenance_["backend"], "keras")
    for key in ("python", "keras", "numpy", library):
        _field(versions, key, "provenance.versions")
    try:
        datetime.datetime.fromisoformat(provenance_["date"])
    except (TypeError, ValueError):
        raise ValueError(f"field provenance.date={provenance_['date']!r} is not an ISO 8601 date.") from None
    if not isinstance(provenance_["command"], list):
        raise ValueError(f"field provenance.command={provenance_['command']!r} is not a list of strings.")
    _number(provenance_, "host_cores", "provenance", low=1)


def validate_bench_record(record):
    """Raise ValueError naming the first missing or inconsistent field of a bench record.

    Checks the schema, the provenance, positive times, and that the derived figures agree:
    ``images_per_s = batch / median``, ``tflops_per_s = flops_per_image * batch * (1 forward,
    else 3) / median`` (every rate from the median time), ``fraction_of_matmul = tflops_per_s
    / matmul[precision]`` in (0, 1.5),
    and, where the file has a ``harness_check``, ``harness_over_bare = harness / bare``.
    """
    if _kind_of(record) != "bench":
        raise ValueError(f"schema {record['schema']!r}: expected {BENCH_SCHEMA!r}.")
    validate_provenance(record)
    _field(record, "settings", "record")
    matmul = _field(record, "matmul", "record")
    for precision, entry in matmul.items():
        _number(entry, "size", f"matmul.{precision}", low=1)
        _number(entry, "tflops_per_s", f"matmul.{precision}", low=0, low_open=True)
    results = _field(record, "results", "record")
    if not isinstance(results, list) or not results:
        raise ValueError("field record.results is empty; a bench record holds at least one timing.")
    for index, result in enumerate(results):
        _validate_bench_result(result, matmul, f"results[{index}]")
    predict = _field(record, "predict_on_batch", "record")
    for key in ("compiled_step_ms", "predict_on_batch_tensor_ms", "predict_on_batch_numpy_ms"):
        _number(predict, key, "predict_on_batch", low=0, low_open=True)
    for index, check in enumerate(record.get("harness_check", [])):  # absent in older files
        where = f"harness_check[{index}]"
        if _field(check, "mode", where) not in timing.BARE_MODES:
            modes = " or ".join(map(repr, timing.BARE_MODES))
            raise ValueError(f"field {where}.mode={check['mode']!r} is not {modes}.")
        harness = _number(check, "harness_median_ms", where, low=0, low_open=True)
        bare = _number(check, "bare_median_ms", where, low=0, low_open=True)
        _close(_number(check, "harness_over_bare", where, low=0, low_open=True), harness / bare,
               "harness_over_bare", where)


def _validate_bench_result(result, matmul, where):
    """Check one row of ``results`` (see :func:`validate_bench_record`)."""
    for key in BENCH_RESULT_FIELDS:
        _field(result, key, where)
    mode = result["mode"]
    if mode not in timing.FLOPS_FACTOR:
        raise ValueError(f"field {where}.mode={mode!r} is not one of {list(timing.FLOPS_FACTOR)}.")
    batch = _number(result, "batch_size", where, low=1)
    _number(result, "params", where, low=1)
    flops = _number(result, "flops_per_image", where, low=0, low_open=True)
    _number(result, "mean_ms", where, low=0, low_open=True)
    median_s = _number(result, "median_ms", where, low=0, low_open=True) / 1e3
    _number(result, "std_ms", where, low=0)
    _close(_number(result, "images_per_s", where, low=0, low_open=True), batch / median_s,
           "images_per_s", where)
    tflops = _number(result, "tflops_per_s", where, low=0, low_open=True)
    _close(tflops, flops * batch * timing.FLOPS_FACTOR[mode] / median_s / 1e12,
           "tflops_per_s", where)
    matmul_rate = _number(_field(matmul, result["precision"], "matmul"), "tflops_per_s",
                          f"matmul.{result['precision']}")
    fraction = _number(result, "fraction_of_matmul", where, low=0, high=1.5, low_open=True)
    _close(fraction, tflops / matmul_rate, "fraction_of_matmul", where)


def validate_training_record(record):
    """Raise ValueError naming the first missing or bad field of a training record.

    Checks the schema, the provenance, one value per epoch in each curve (accuracies in
    [0, 1]), the test accuracy and loss, and a positive training time.
    """
    if _kind_of(record) != "train":
        raise ValueError(f"schema {record['schema']!r}: expected {TRAIN_SCHEMA!r}.")
    validate_provenance(record)
    _field(record, "settings", "record")
    epochs = _number(record, "epochs", "record", low=1)
    curves = _field(record, "curves", "record")
    for name in CURVES:
        values = _field(curves, name, "curves")
        if not isinstance(values, list) or len(values) != epochs:
            raise ValueError(f"field curves.{name} has {len(values) if isinstance(values, list) else values!r} "
                             f"values; expected one per epoch ({epochs}).")
        high = 1 if name.endswith("accuracy") else None
        for index, value in enumerate(values):
            _check_number(value, f"curves.{name}[{index}]", low=0, high=high)
    _number(record, "test_accuracy", "record", low=0, high=1)
    _number(record, "test_loss", "record", low=0)
    _number(record, "train_seconds", "record", low=0, low_open=True)


_VALIDATORS = {"bench": validate_bench_record, "train": validate_training_record}


def check_flops(record, model):
    """Check that a bench record's FLOPs and parameters for ``model`` are the analytic counts.

    Args:
        record: a bench record. model: the Keras model the notebook built (its ``name``
            is the ``model`` field of the rows, e.g. "vgg_D").

    Returns:
        The analytic forward FLOPs per image (``support.counting``), which every row matches.
    """
    rows = [row for row in record["results"] if row["model"] == model.name]
    if not rows:
        names = sorted({row["model"] for row in record["results"]})
        raise ValueError(f"the record has no row for model {model.name!r}; it has {names}.")
    flops = counting.totals(counting.layer_table(model))["flops"]
    for row in rows:
        found = (row["flops_per_image"], row["params"], tuple(row["input_shape"]))
        expected = (flops, model.count_params(), tuple(model.input_shape[1:]))
        if found != expected:
            raise ValueError(f"row {row['model']}/{row['mode']}/{row['precision']} has (flops, params, "
                             f"input shape) {found}; the notebook's model has {expected}.")
    return flops


def is_gpu(record):
    """Whether a record was measured on a GPU (its device description says "(GPU)")."""
    return "(GPU)" in record["provenance"]["device"]


def short_device(record, width=28):
    """The device in a few words: the GPU's name, else the CPU's, cut to ``width`` characters."""
    name = record["provenance"]["device"].split(";")[0].replace(" (GPU)", "")
    name = re.sub(r"\((R|TM)\)", "", name, flags=re.IGNORECASE)
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 1] + "~"


def bench_rows(records, models=None, modes=None):
    """The rows of several bench records, each with ``device`` and ``backend`` added."""
    rows = []
    for record in records:
        for result in record["results"]:
            if (models is None or result["model"] in models) and (modes is None or result["mode"] in modes):
                rows.append({"device": short_device(record), "backend": record["provenance"]["backend"],
                             "gpu": is_gpu(record), **result})
    return rows


def bench_table(records, models=None, modes=None):
    """A fixed-width text table of bench results (deterministic, for notebook outputs).

    Args:
        records: bench records (from :func:`load_results`). models, modes: keep only these.

    Returns:
        str: one line per timing: device, backend, model, mode, precision, batch, median and
        standard deviation of the step time in ms, and the rates from the median: images/s,
        TFLOP/s and the percentage of the matmul rate.
    """
    header = (f"{'device':<28} {'backend':<10} {'model':<16} {'mode':<9} {'precision':<14} "
              f"{'batch':>5} {'median ms':>10} {'std ms':>8} {'images/s':>10} {'TFLOP/s':>8} {'%matmul':>7}")
    lines = [header, "-" * len(header)]
    for row in bench_rows(records, models, modes):
        lines.append(f"{row['device']:<28} {row['backend']:<10} {row['model']:<16} {row['mode']:<9} "
                     f"{row['precision']:<14} {row['batch_size']:>5} {row['median_ms']:>10.2f} "
                     f"{row['std_ms']:>8.2f} {row['images_per_s']:>10.1f} {row['tflops_per_s']:>8.3f} "
                     f"{100 * row['fraction_of_matmul']:>7.1f}")
    return "\n".join(lines)


def harness_table(records):
    """A fixed-width table of the files' harness checks: harness step against the bare step.

    Returns:
        ``(table, checks)``: the text, and the ``(record, check)`` pairs it shows (see
        :func:`support.timing.harness_overhead`); files without a check are skipped.
    """
    checks = [(record, check) for record in records for check in record.get("harness_check", [])]
    header = (f"{'device':<28} {'backend':<10} {'model':<8} {'mode':<8} {'precision':<15} "
              f"{'harness ms':>10} {'bare ms':>10} {'ratio':>6}")
    lines = [header, "-" * len(header)]
    for record, check in checks:
        lines.append(f"{short_device(record):<28} {record['provenance']['backend']:<10} {check['model']:<8} "
                     f"{check['mode']:<8} {check['precision']:<15} {check['harness_median_ms']:>10.2f} "
                     f"{check['bare_median_ms']:>10.2f} {check['harness_over_bare']:>6.3f}")
    return "\n".join(lines), checks


def step_breakdown(record, model, precision="float32"):
    """Split a training step into forward, backward and update, from one file's rows.

    Needs the model's "forward", "gradients" and "train" rows (``--modes forward gradients
    train``): backward = gradients - forward, update = train - gradients. Median times: one
    slow step (another process, a page fault) moves a mean by more than the update costs.

    The update is a small difference of two measured times, so it comes with its standard
    error: ``sqrt(std_train**2 + std_gradients**2) / sqrt(steps)``, the standard error of a
    difference of means, times sqrt(pi / 2) because a median scatters that much more than a
    mean does (for normally distributed times).

    Returns:
        dict: ``forward_ms, backward_ms, update_ms, update_error_ms, train_ms``.
    """
    rows = {row["mode"]: row for row in record["results"]
            if row["model"] == model and row["precision"] == precision}
    missing = [mode for mode in timing.MODES if mode not in rows]
    if missing:
        raise ValueError(f"the {short_device(record)} file has no {missing} row of {model!r} in "
                         f"{precision}; run python -m support.bench --modes forward gradients train.")
    steps = record["settings"].get("steps")
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"the {short_device(record)} file's settings give steps={steps!r}; the "
                         "update's standard error needs the number of timed steps (2 or more).")
    medians = {mode: row["median_ms"] for mode, row in rows.items()}
    spread = math.hypot(rows["train"]["std_ms"], rows["gradients"]["std_ms"])
    return {"forward_ms": medians["forward"], "backward_ms": medians["gradients"] - medians["forward"],
            "update_ms": medians["train"] - medians["gradients"],
            "update_error_ms": spread / math.sqrt(steps) * math.sqrt(math.pi / 2),
            "train_ms": medians["train"]}


def step_breakdowns(records, models, precision="float32"):
    """``(record, model, parts)`` for every file and model that :func:`step_breakdown` can split.

    Files without the model's forward, gradients and train rows are skipped, so that a mix of
    plain and ``--modes forward gradients train`` files can be passed as they are.
    """
    found = []
    for record in records:
        for model in models:
            try:
                found.append((record, model, step_breakdown(record, model, precision)))
            except ValueError:
                continue
    return found


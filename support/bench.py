"""Benchmark the course's networks: ``python -m support.bench``.

The source posts' settings by default (batch 32, the models' ImageNet input sizes), every model,
forward and training steps, float32 and mixed bfloat16. Writes one JSON file per run in
``course/results/`` (``--quick``: a one-minute smoke test, under ``course/results/quick/``)::

    python -m support.bench --models alexnet vgg_D --modes forward train --steps 20
    KERAS_BACKEND=jax python -m support.bench --precisions float32 mixed_bfloat16
    python -m support.bench --quick

Besides the networks it measures the device's matrix-product rate once per precision (the
ceiling a network's FLOP/s are read against); once, ``predict_on_batch`` against the bare
compiled step; and, for one reference model (VGG16 when it is in the run), the harness's
step against a plainly written ``jax.jit`` (or ``tf.function``) step, alternating, to show
that the harness adds no time of its own. ``--modes gradients`` also times the forward and
backward pass without the update, which splits a training step into where its time goes.
Notebooks 01 and 02 read the files with :mod:`support.results`.
"""

import argparse
import functools
import sys

MODEL_NAMES = ("lenet5", "alexnet", "vgg_A", "vgg_B", "vgg_C", "vgg_D", "vgg_E", "googlenet",
               "inception_v3", "mnist_vgg_full", "mnist_vgg_small")
ALIASES = {"mnist_vgg": "mnist_vgg_full", "vgg11": "vgg_A", "vgg13": "vgg_B", "vgg16": "vgg_D",
           "vgg19": "vgg_E"}
DEFAULTS = {"models": MODEL_NAMES[:-1], "modes": ("forward", "train"),
            "precisions": ("float32", "mixed_bfloat16"), "batch_size": 32, "steps": 20,
            "warmup": 5, "matmul_size": 4096}
QUICK = {"models": ("lenet5", "mnist_vgg_small", "alexnet"), "modes": ("forward", "train"),
         "precisions": ("float32",), "batch_size": 2, "steps": 3, "warmup": 1, "matmul_size": 1024}
MATMUL_DTYPE = {"float32": "float32", "mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
PREDICT_MODEL_PREFERENCE = ("inception_v3", "googlenet", "vgg_D")
REFERENCE_MODEL_PREFERENCE = ("vgg_D",)  # the bar: VGG16 against a bare jax.jit step


def model_builder(name):
    """The builder of a benchmark model by name (its Keras name, e.g. "vgg_D", or an alias).

    Input shapes are the builders' defaults: 227x227x3 for AlexNet, 299x299x3 for Inception
    v3, 224x224x3 for VGG and GoogLeNet, 32x32x1 for LeNet-5, 28x28x1 for the MNIST VGGs.
    Returns a function of no arguments that builds the model.
    """
    from support import models

    name = ALIASES.get(name, name)
    if name not in models.BUILDERS:
        raise ValueError(f"model {name!r} is unknown; use one of {list(MODEL_NAMES)} "
                         f"(or an alias: {sorted(ALIASES)}).")
    return models.BUILDERS[name]


def build_model(name, precision):
    """Clear the Keras session, then build model ``name`` under the dtype policy ``precision``.

    The policy is set after ``clear_session()`` (which resets it) and checked on the model.
    """
    import keras

    from support import timing

    builder = model_builder(name)
    keras.utils.clear_session()
    with timing.precision_policy(precision):
        model = builder()
    timing.check_model_precision(model, precision)
    return model


def result_row(model, measured):
    """One ``results`` entry of the bench file from a :func:`support.timing.benchmark` dict.

    ``fraction_of_matmul`` is added by :func:`add_fractions` once the matmul rate is known.
    """
    return {"model": model.name, "input_shape": list(model.input_shape[1:]), "mode": measured["mode"],
            "precision": measured["precision"], "batch_size": measured["batch_size"],
            "params": model.count_params(), "flops_per_image": measured["flops_per_image"],
            "mean_ms": measured["mean_s"] * 1e3, "std_ms": measured["std_s"] * 1e3,
            "median_ms": measured["median_s"] * 1e3, "min_ms": measured["min_s"] * 1e3,
            "first_step_ms": measured["first_step_s"] * 1e3, "images_per_s": measured["images_per_s"],
            "tflops_per_s": measured["gflops_per_s"] / 1e3,  # as images_per_s, from the median time
            "times_ms": [time_s * 1e3 for time_s in measured["times_s"]]}


def format_row(row):
    """One printed line per timing, aligned with :data:`HEADER`."""
    return (f"{row['model']:<16}{row['mode']:<10}{row['precision']:<16}{row['batch_size']:>6}"
            f"{row['median_ms']:>12.2f}{row['std_ms']:>9.2f}{row['images_per_s']:>11.1f}"
            f"{row['tflops_per_s']:>9.3f}{row['first_step_ms'] / 1e3:>10.1f}")


HEADER = (f"{'model':<16}{'mode':<10}{'precision':<16}{'batch':>6}{'median ms':>12}{'std':>9}"
          f"{'images/s':>11}{'TFLOP/s':>9}{'compile s':>10}")


def measure_matmul(settings):
    """The matmul rate per precision: ``{precision: {size, dtype, tflops_per_s, ...}}``."""
    from support import timing

    rates = {}
    for precision in settings["precisions"]:
        rate = timing.matmul_rate(settings["matmul_size"], MATMUL_DTYPE[precision], settings["steps"],
                                  settings["warmup"], settings["jit_compile"])
        rates[precision] = rate
        print(f"matmul {rate['size']}x{rate['size']} {rate['dtype']}: {rate['tflops_per_s']:.3f} TFLOP/s",
              flush=True)
    return rates


def best_matmul(first, last):
    """Per precision, the faster of two matmul measurements (at the start and end of the run).

    On a shared machine other work slows one of them; the faster is the better ceiling.
    Both rates are kept, as ``tflops_per_s_start`` and ``tflops_per_s_end``.
    """
    best = {}
    for precision in first:
        faster = max(first[precision], last[precision], key=lambda rate: rate["tflops_per_s"])
        best[precision] = {**faster, "tflops_per_s_start": first[precision]["tflops_per_s"],
                           "tflops_per_s_end": last[precision]["tflops_per_s"]}
    return best


def add_fractions(rows, matmul):
    """Add ``fraction_of_matmul`` (the row's TFLOP/s over its precision's matmul rate) to rows."""
    for row in rows:
        row["fraction_of_matmul"] = row["tflops_per_s"] / matmul[row["precision"]]["tflops_per_s"]
    return rows


def measure_models(settings):
    """Time every model, precision and mode of ``settings``; print a line per timing."""
    from support import timing

    rows = []
    print(HEADER + "\n" + "-" * len(HEADER), flush=True)
    for name in settings["models"]:
        for precision in settings["precisions"]:
            model = build_model(name, precision)
            for mode in settings["modes"]:
                if mode != "forward" and not timing.has_single_output(model):
                    continue
                measured = timing.benchmark(model, settings["batch_size"], mode, settings["steps"],
                                            settings["warmup"], settings["jit_compile"])
                rows.append(result_row(model, measured))
                print(format_row(rows[-1]), flush=True)
    return rows


def measure_harness_overhead(settings):
    """The harness against the bare step on the reference model: a dict per precision and mode."""
    from support import timing

    checks = []
    for precision in settings["precisions"]:
        model = build_model(settings["reference_model"], precision)
        for mode in [mode for mode in settings["modes"] if mode in timing.BARE_MODES]:
            if mode == "train" and not timing.has_single_output(model):
                continue
            check = timing.harness_overhead(model, settings["batch_size"], mode, settings["steps"],
                                            settings["warmup"])
            checks.append(check)
            print(f"{check['model']} {mode} {precision}: harness {check['harness_median_ms']:.2f} ms, "
                  f"bare step {check['bare_median_ms']:.2f} ms (x{check['harness_over_bare']:.3f})",
                  flush=True)
    return checks


def measure_predict_on_batch(settings):
    """``predict_on_batch`` against the compiled step, on one model of the run (float32)."""
    from support import timing

    name = settings["predict_model"]
    cost = timing.predict_on_batch_cost(build_model(name, "float32"), settings["batch_size"],
                                        settings["steps"], settings["warmup"])
    print(f"{name}: compiled step {cost['compiled_step_ms']:.2f} ms, predict_on_batch "
          f"{cost['predict_on_batch_tensor_ms']:.2f} ms (tensor), "
          f"{cost['predict_on_batch_numpy_ms']:.2f} ms (NumPy)", flush=True)
    return cost


def run_bench(settings, command=None):
    """Run the whole benchmark of ``settings`` (see :func:`parse_settings`).

    The matmul rate is measured before and after the networks; the faster is the ceiling.

    Returns:
        The bench record: ``schema, provenance, settings, matmul, results, predict_on_batch``
        and, when compiled, ``harness_check``.
    """
    from support import results

    record = {"schema": results.BENCH_SCHEMA, "provenance": results.provenance(command),
              "settings": settings}
    print(f"{record['provenance']['device']}, Keras backend {record['provenance']['backend']}", flush=True)
    first_matmul = measure_matmul(settings)
    rows = measure_models(settings)
    record["predict_on_batch"] = measure_predict_on_batch(settings)
    if settings["jit_compile"] and settings["harness_check"]:  # the bare step is always compiled
        record["harness_check"] = measure_harness_overhead(settings)
    record["matmul"] = best_matmul(first_matmul, measure_matmul(settings))
    record["results"] = add_fractions(rows, record["matmul"])
    print(results.bench_table([record]), flush=True)
    return record


def argument_parser():
    """The command line's options (``python -m support.bench --help``)."""
    parser = argparse.ArgumentParser(prog="python -m support.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", help=f"default: all but mnist_vgg_small; from {list(MODEL_NAMES)}")
    parser.add_argument("--modes", nargs="+", choices=("forward", "gradients", "train"),
                        help="default: forward train (gradients: forward and backward, no update)")
    parser.add_argument("--precisions", nargs="+", choices=tuple(MATMUL_DTYPE))
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--steps", type=int, help="timed steps (default 20)")
    parser.add_argument("--warmup", type=int, help="untimed steps first, incl. the compile (default 5)")
    parser.add_argument("--matmul-size", type=int, help="side of the square matrices (default 4096)")
    parser.add_argument("--predict-model", help="model of the predict_on_batch comparison")
    parser.add_argument("--reference-model", help="model timed against the bare step (default vgg_D, "
                        "else the first model)")
    parser.add_argument("--no-jit", action="store_true", help="do not compile with XLA")
    parser.add_argument("--no-harness-check", action="store_true",
                        help="skip the harness-against-bare-step check (another run of the file's device has it)")
    parser.add_argument("--out", default="course/results", help="results folder (default course/results)")
    parser.add_argument("--quick", action="store_true", help="a one-minute smoke test, written under OUT/quick/")
    return parser


def parse_settings(argv=None):
    """Parse the command line into the settings dict stored in the result file.

    Options given override the defaults (:data:`DEFAULTS`, or :data:`QUICK` with ``--quick``).
    Raises ValueError for an unknown model and for non-positive sizes or steps.
    """
    from support import timing

    arguments = argument_parser().parse_args(argv)
    base = QUICK if arguments.quick else DEFAULTS
    settings = {key: base[key] if getattr(arguments, key) is None else getattr(arguments, key)
                for key in DEFAULTS}
    for key in ("batch_size", "steps", "matmul_size"):
        timing.check_positive_integer(key, settings[key])
    timing.check_positive_integer("warmup", settings["warmup"], minimum=0)
    settings["models"] = [ALIASES.get(name, name) for name in settings["models"]]
    for name in settings["models"]:
        model_builder(name)  # ValueError for an unknown name, before anything runs
    settings.update(modes=list(settings["modes"]), precisions=list(settings["precisions"]),
                    jit_compile=not arguments.no_jit, harness_check=not arguments.no_harness_check,
                    quick=arguments.quick, out=arguments.out)
    preferred = [name for name in PREDICT_MODEL_PREFERENCE if name in settings["models"]]
    settings["predict_model"] = arguments.predict_model or (preferred + settings["models"])[0]
    preferred = [name for name in REFERENCE_MODEL_PREFERENCE if name in settings["models"]]
    settings["reference_model"] = arguments.reference_model or (preferred + settings["models"])[0]
    for key in ("predict_model", "reference_model"):
        settings[key] = ALIASES.get(settings[key], settings[key])
        model_builder(settings[key])
    return settings


def main(argv=None):
    """Entry point: parse, run, write the JSON file, print its path. Returns the path.

    A bad option value ends the command with the usage and one line naming it (exit status 2).
    """
    from support import quiet

    quiet.setup()
    from support import results

    try:
        settings = parse_settings(argv)
    except ValueError as error:  # a bad value: the usage and one line, as argparse does
        argument_parser().error(str(error))
    command = ["python", "-m", "support.bench", *(sys.argv[1:] if argv is None else argv)]
    record = run_bench(settings, command)
    path = results.write_record(record, settings["out"], quick=settings["quick"])
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()

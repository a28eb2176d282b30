"""Time variants of one model's compiled steps, to find where a GPU bar's time could be won.

    python tools/gpu_variants.py [--model vgg_D] [--batch-size 32] [--policies mixed_bfloat16 bfloat16]
                                 [--profile DIR] [--out FILE]

Each policy builds the model afresh (``bfloat16`` keeps the weights themselves in bfloat16,
``mixed_bfloat16`` keeps them in float32 and computes in bfloat16) and times its forward and
training steps with :func:`support.timing.benchmark`, the bench's own harness, so the figures
compare with a bench file's rows. ``XLA_FLAGS`` and the other variables that change timings
are recorded in the provenance, so a second run with other flags is a second variant.
``--profile DIR`` also traces five training steps of the first policy with ``jax.profiler``
(JAX only). Writes one JSON record (``--out``) and prints a line per timing.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import quiet  # noqa: E402

quiet.setup()

import keras  # noqa: E402

from support import bench, results, timing  # noqa: E402


def build(name, policy):
    """Clear the session, build model ``name`` under ``policy`` and check that the policy took."""
    builder = bench.model_builder(name)
    keras.utils.clear_session()
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = builder()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    found = timing.model_precision(model)
    if found != policy:
        raise ValueError(f"model {name!r} was built with policy {found!r}, not {policy!r}.")
    return model


def profile_train_steps(model, batch_size, directory, steps=5):
    """Trace ``steps`` compiled training steps (after a warm-up) with ``jax.profiler``."""
    import jax

    step, finish = timing.train_step(model)
    images, labels = timing.random_batch(model, batch_size)
    timing.time_calls(step, (images, labels), steps=1, warmup=3)
    with jax.profiler.trace(str(directory)):
        timing.time_calls(step, (images, labels), steps=steps, warmup=0)
    finish()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="vgg_D")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--policies", nargs="+", default=["mixed_bfloat16", "bfloat16"])
    parser.add_argument("--modes", nargs="+", default=["forward", "train"], choices=timing.MODES)
    parser.add_argument("--profile", help="folder for a jax.profiler trace of the first policy's train step")
    parser.add_argument("--out", help="JSON file to write")
    arguments = parser.parse_args(argv)
    command = ["python", "tools/gpu_variants.py", *(sys.argv[1:] if argv is None else argv)]
    # Folders are the machine's, not the measurement's: keep the file names only.
    command = [Path(part).name if part in (arguments.out, arguments.profile) else part for part in command]
    record = {"schema": "cnn-course/variants/1", "provenance": results.provenance(command), "rows": []}
    print(record["provenance"]["device"], record["provenance"].get("environment"), flush=True)
    for index, policy in enumerate(arguments.policies):
        model = build(arguments.model, policy)
        for mode in arguments.modes:
            measured = timing.benchmark(model, arguments.batch_size, mode, arguments.steps, arguments.warmup)
            row = {"model": model.name, "policy": policy, "mode": mode, "batch_size": arguments.batch_size,
                   "median_ms": measured["median_s"] * 1e3, "mean_ms": measured["mean_s"] * 1e3,
                   "std_ms": measured["std_s"] * 1e3, "min_ms": measured["min_s"] * 1e3,
                   "first_step_ms": measured["first_step_s"] * 1e3,
                   "tflops_per_s_median": measured["flops_per_step"] / measured["median_s"] / 1e12,
                   "times_ms": [time_s * 1e3 for time_s in measured["times_s"]]}
            record["rows"].append(row)
            print(f"{model.name} {policy:<15} {mode:<9} median {row['median_ms']:8.3f} ms  "
                  f"min {row['min_ms']:8.3f} ms  {row['tflops_per_s_median']:7.1f} TFLOP/s  "
                  f"(first step {row['first_step_ms'] / 1e3:.1f} s)", flush=True)
        if index == 0 and arguments.profile and keras.backend.backend() == "jax":
            try:
                profile_train_steps(model, arguments.batch_size, arguments.profile)
                print(f"profile written under {arguments.profile}", flush=True)
            except Exception as error:  # a profile is extra; the timings stand without it
                print(f"no profile: {type(error).__name__}: {error}", flush=True)
    if arguments.out:
        Path(arguments.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()

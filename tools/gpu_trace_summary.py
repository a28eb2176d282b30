"""Where a compiled step's GPU time goes, from a ``jax.profiler`` trace (Chrome trace JSON).

    python tools/gpu_trace_summary.py course/results/experiments/vgg16-train-mixed-bfloat16-h200.trace.json.gz [--steps 5]

Sums the duration of every kernel that ran on the GPU and sorts the kernels into kinds by
their names (cuDNN's convolution kernels, XLA's fusions by what they fuse), per step.
``tools/gpu_variants.py --profile`` writes such a trace of five training steps.
"""

import argparse
import collections
import gzip
import json

KINDS = (  # (kind, name fragments): the first kind whose fragment is in the kernel's name
    ("convolutions (cuDNN kernels)", ("xmma", "cutlass", "cudnn")),
    ("matrix products (dense layers)", ("nvjet", "gemm")),
    ("max pooling forward (reduce_window)", ("reduce_window",)),
    ("max pooling backward (select_and_scatter)", ("scatter",)),
    ("other reductions (bias gradients, loss)", ("reduce",)),
    ("copies", ("memcpy", "memset")),
)
OTHER = "element-wise fusions (ReLU and its gradient, casts, SGD update)"


def kind_of(name):
    """The kind of a GPU kernel, from its name (see :data:`KINDS`)."""
    lowered = name.lower()
    for kind, fragments in KINDS:
        if any(fragment in lowered for fragment in fragments):
            return kind
    return OTHER


def summarise(path, steps):
    """``{kind: (ms per step, kernels per step)}``, and the GPU's busy and spanned ms per step."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as file:
        events = json.load(file)["traceEvents"]
    gpus = {event["pid"] for event in events if event.get("ph") == "M" and event.get("name") == "process_name"
            and "GPU" in event["args"]["name"]}
    kernels = [event for event in events if event.get("ph") == "X" and event["pid"] in gpus]
    if not kernels:
        raise ValueError(f"{path}: the trace holds no GPU kernel; profile on a GPU with CUPTI.")
    time_us, count = collections.Counter(), collections.Counter()
    for kernel in kernels:
        time_us[kind_of(kernel["name"])] += kernel["dur"]
        count[kind_of(kernel["name"])] += 1
    span_us = max(k["ts"] + k["dur"] for k in kernels) - min(k["ts"] for k in kernels)
    kinds = {kind: (time_us[kind] / steps / 1e3, count[kind] / steps) for kind, _ in time_us.most_common()}
    return kinds, sum(time_us.values()) / steps / 1e3, span_us / steps / 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trace")
    parser.add_argument("--steps", type=int, default=5, help="steps the trace holds (default 5)")
    arguments = parser.parse_args(argv)
    kinds, busy_ms, span_ms = summarise(arguments.trace, arguments.steps)
    print(f"| kernels | ms per step | kernels per step | share |\n|---|---|---|---|")
    for kind, (ms, count) in kinds.items():
        print(f"| {kind} | {ms:.2f} | {count:.0f} | {ms / busy_ms:.1%} |")
    print(f"\nGPU busy {busy_ms:.2f} ms of a {span_ms:.2f} ms span per step")


if __name__ == "__main__":
    main()

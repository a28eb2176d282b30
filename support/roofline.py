"""Where the time goes: a roofline of a network's layers (Williams, Waterman and Patterson, 2009).

A layer that does ``F`` FLOPs and moves ``B`` bytes between memory and the processor has the
arithmetic intensity ``I = F / B`` (FLOPs per byte). A device that computes at most ``P``
FLOP/s and moves at most ``W`` bytes/s runs it at most at ``min(P, I * W)`` FLOP/s: the roof.
Layers left of the ridge point ``I = P / W`` wait for memory; layers right of it can keep the
arithmetic units busy. ``P`` here is the measured rate of a large matrix product
(:func:`support.timing.matmul_rate`) and ``W`` the measured rate of a large copy
(:func:`copy_bandwidth`), both on this machine.

The bytes are counted as if every layer ran on its own: it reads its inputs and weights from
memory once and writes its output back once, the layer's compulsory traffic. That is neither
bound on the real traffic. A compiler that fuses layers (XLA fuses a batch norm and a ReLU
into the convolution before them) keeps some tensors out of memory and takes the traffic
below the count; capacity misses, re-read tiles and packing buffers take it above (Williams,
Waterman and Patterson 2009, the section "Tying the 3Cs to operational intensity"). Used in
notebook 06 (measuring networks).
"""

import math

import keras

from support import counting, timing

# FLOPs per output value of the layers that counting.py does not count (it counts the
# multiply-adds of convolutions and dense layers only). Inference arithmetic: a batch norm
# folds into one multiply and one add per value; ReLU is one comparison.
ELEMENTWISE_FLOPS = {"BatchNormalization": 2, "Activation": 1, "ReLU": 1, "Add": 1}
# Layers that move no data at inference: the input, dropout (the identity), reshapes (views).
NO_TRAFFIC = ("InputLayer", "Dropout", "Flatten", "Reshape")


def _values(shape):
    """Number of values of one example of a tensor of ``shape`` (batch dimension first)."""
    return math.prod(size for size in shape[1:])


def _extra_flops(layer, kind, output_values, input_values):
    """FLOPs per example of the layers whose arithmetic is not a multiply-add of weights."""
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return output_values * math.prod(counting._pair(layer.pool_size))  # one op per window value
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return input_values
    if kind == "LocalResponseNormalization":
        window = 2 * layer.depth_radius + 1
        return output_values * (window + 4)  # square, window sum, scale and add, power, divide
    return output_values * ELEMENTWISE_FLOPS.get(kind, 0)


def layer_rows(model, batch_size=1, bytes_per_value=4):
    """Per layer of ``model``: FLOPs, bytes moved and arithmetic intensity for one batch.

    Args:
        model: a flat functional Keras model (as in :func:`support.counting.layer_table`).
        batch_size: images per call; FLOPs and activation bytes grow with it, weight bytes do not.
        bytes_per_value: 4 for float32, 2 for float16 or bfloat16.

    Returns:
        list of dicts ``name, type, flops, input_bytes, output_bytes, weight_bytes, bytes,
        intensity`` (FLOPs per byte; 0.0 for a layer that moves nothing). Layers in
        ``NO_TRAFFIC`` get 0 bytes and 0 FLOPs.
    """
    timing.check_positive_integer("batch_size", batch_size)
    timing.check_positive_integer("bytes_per_value", bytes_per_value)
    rows = []
    for stats, layer in zip(counting.layer_table(model, bytes_per_value), model.layers):
        kind = stats["type"]
        output_values = math.prod(stats["output_shape"])
        input_values = sum(_values(shape) for shape in counting._input_shapes(layer))
        if kind in NO_TRAFFIC:
            flops = input_bytes = output_bytes = weight_bytes = 0
        else:
            flops = batch_size * (stats["flops"] + _extra_flops(layer, kind, output_values, input_values))
            input_bytes = batch_size * input_values * bytes_per_value
            output_bytes = batch_size * output_values * bytes_per_value
            weight_bytes = stats["params"] * bytes_per_value
        moved = input_bytes + output_bytes + weight_bytes
        rows.append({"name": stats["name"], "type": kind, "flops": flops, "input_bytes": input_bytes,
                     "output_bytes": output_bytes, "weight_bytes": weight_bytes, "bytes": moved,
                     "intensity": flops / moved if moved else 0.0})
    return rows


def total_intensity(rows):
    """FLOPs per byte of a whole network: its FLOPs over the bytes its layers move, unfused."""
    moved = sum(row["bytes"] for row in rows)
    return sum(row["flops"] for row in rows) / moved if moved else 0.0


def attainable(intensity, compute_rate, bandwidth):
    """The roof: ``min(compute_rate, intensity * bandwidth)`` FLOP/s at ``intensity`` FLOPs per byte."""
    for name, value in (("intensity", intensity), ("compute_rate", compute_rate), ("bandwidth", bandwidth)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or math.isnan(value):
            raise ValueError(f"{name}={value!r}: pass a non-negative number.")
    return min(compute_rate, intensity * bandwidth)


def copy_bandwidth(megabytes=128, steps=10, warmup=3, jit_compile=True):
    """Measure the memory bandwidth of this device: bytes per second of a compiled ``x + 1``.

    The array is far larger than the processor's caches, so each step reads every value from
    memory and writes its result back: ``2 * nbytes`` bytes per step, one FLOP per 8 bytes.
    (``x * 1`` or a plain copy could be optimised away by the compiler; ``x + 1`` cannot.)

    Args:
        megabytes: size of the float32 array, in units of 2**20 bytes (>= 1).
        steps, warmup, jit_compile: as in :func:`support.timing.benchmark`.

    Returns:
        dict: ``megabytes, bytes_per_step, mean_s, std_s, median_s, min_s, bytes_per_s`` (from the
        median time) and ``gb_per_s`` (10**9 bytes per second).
    """
    timing.check_positive_integer("megabytes", megabytes)
    timing.check_positive_integer("steps", steps)
    timing.check_positive_integer("warmup", warmup, minimum=0)
    values = megabytes * 2 ** 20 // 4
    array = keras.ops.zeros((values,), dtype="float32")
    add_one = timing.compile_function(lambda x: x + 1.0, jit_compile)
    times_s, _ = timing.time_calls(add_one, (array,), steps, warmup)
    summary = timing.summarise_times(times_s)
    bytes_per_step = 2 * values * 4
    rate = bytes_per_step / summary["median_s"]
    return {"megabytes": megabytes, "bytes_per_step": bytes_per_step, **summary,
            "bytes_per_s": rate, "gb_per_s": rate / 1e9}


# One colour per layer type, the same in every plot (other types are grey).
TYPE_COLOURS = {"Conv2D": "tab:blue", "Dense": "tab:orange", "MaxPooling2D": "tab:green",
                "AveragePooling2D": "tab:olive", "GlobalAveragePooling2D": "tab:cyan",
                "BatchNormalization": "tab:purple", "Activation": "tab:red", "ReLU": "tab:red",
                "LocalResponseNormalization": "tab:pink", "Add": "tab:brown", "Concatenate": "tab:brown"}


def plot_roofline(rows, compute_rate, bandwidth, title, measured=None, ax=None):
    """Plot the roof, and each layer as a tick of a rug along the bottom at its intensity.

    A layer's attainable rate is the roof at its intensity by definition, so a layer drawn on
    the roof would carry no information beyond its x position: the rug shows that position, one
    row per layer type (coloured by type), each tick's size growing with the layer's share of
    the network's FLOPs.

    Args:
        rows: from :func:`layer_rows` (layers that do no FLOPs are left out).
        compute_rate: FLOP/s of the matrix product. bandwidth: bytes/s of the copy.
        title: the axes' title, in words. measured: optional list of ``(label, intensity,
            flops_per_s)`` points, e.g. whole networks at their measured rate, drawn as stars.
        ax: a Matplotlib axes (a new figure if None).

    Returns:
        The axes.
    """
    import matplotlib.pyplot as plt

    shown = [row for row in rows if row["flops"] > 0]
    if not shown:
        raise ValueError("rows: no layer does any FLOPs; pass support.roofline.layer_rows(model).")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2))
    intensities = [row["intensity"] for row in shown] + [point[1] for point in measured or []]
    low, high = min(intensities) / 2, max(intensities + [compute_rate / bandwidth]) * 2
    grid = [low * (high / low) ** (step / 200) for step in range(201)]
    ax.plot(grid, [attainable(x, compute_rate, bandwidth) / 1e9 for x in grid], color="black",
            label="roof: min(matmul rate, intensity x bandwidth)")
    total_flops = sum(row["flops"] for row in shown)
    for index, kind in enumerate(sorted({row["type"] for row in shown})):
        points = [row for row in shown if row["type"] == kind]
        ax.scatter([row["intensity"] for row in points], [0.03 + 0.04 * index] * len(points),
                   transform=ax.get_xaxis_transform(), marker="|", linewidths=1.5,
                   s=[30 + 3000 * row["flops"] / total_flops for row in points], alpha=0.8,
                   color=TYPE_COLOURS.get(kind, "tab:gray"), label=kind)
    ax.plot([0, 1], [0.04 * (index + 1) + 0.01] * 2, transform=ax.transAxes, color="0.8", linewidth=0.8)
    ax.text(0.01, 0.04 * (index + 1) + 0.02, "below: the layers at their intensity (a rug; tick size grows "
            "with the layer's FLOPs)", transform=ax.transAxes, fontsize=7)
    for label, intensity, rate in measured or []:
        ax.scatter([intensity], [rate / 1e9], marker="*", s=140, color="gold", edgecolor="black", zorder=3,
                   label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    roof_low = attainable(low, compute_rate, bandwidth) / 1e9
    ax.set_ylim(roof_low / (compute_rate / 1e9 / roof_low) ** 0.8, 30 * compute_rate / 1e9)  # room: rug, legend
    ax.set_xlabel("arithmetic intensity (FLOPs per byte moved)")
    ax.set_ylabel("GFLOP/s")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    return ax

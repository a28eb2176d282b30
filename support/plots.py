"""Figures the lessons draw again and again: training curves, image grids, per-layer bars.

Plain matplotlib, no Keras backend involved. Each function returns a
``matplotlib.figure.Figure`` made without pyplot: end a notebook cell with it (or call
``display(figure)``) to show it once, ``figure.savefig(path)`` to keep it; nothing piles up
in pyplot's list of open figures, so there is nothing to close.
Introduced in: 01 LeNet-5 (curves, images), 03 VGG (per-layer bars, comparisons); the results
files' figures (``plot_bench``, ``plot_step_breakdown``) in 06 (measuring). Those two import
``support.results`` when called.
"""

import math
import numbers
from collections.abc import Mapping

import matplotlib.figure
import matplotlib.ticker
import numpy as np

COLUMN_TITLES = {"params": "parameters", "flops": "FLOPs per image", "macs": "multiply-adds per image",
                 "activation_bytes": "activation bytes per image"}


def plot_history(history, metrics=("loss", "accuracy"), title=None):
    """Plot training curves, one panel per metric, with the validation curve where present.

    Args:
        history: what ``model.fit`` returns (a Keras ``History``), or a dict of lists such
            as ``{"loss": [...], "val_loss": [...]}``.
        metrics: names of the metrics to plot, e.g. ``("loss", "accuracy")``.
        title: title above the panels, or None.

    Returns:
        The Figure, with one Axes per metric; the x axis counts epochs from 1.
    """
    logs = history.history if hasattr(history, "history") else history
    if not isinstance(logs, Mapping):
        raise ValueError(f"history={history!r}: pass a Keras History or a dict of lists.")
    if isinstance(metrics, str):
        metrics = (metrics,)
    missing = [name for name in metrics if name not in logs]
    if missing or not metrics:
        raise ValueError(
            f"metrics={list(metrics)!r}: {missing} not in the history; it has {list(logs)}."
        )
    figure = matplotlib.figure.Figure(figsize=(4.5 * len(metrics), 3.2), layout="constrained")
    axes = figure.subplots(1, len(metrics), squeeze=False)[0]
    for axis, name in zip(axes, metrics):
        for key, label in ((name, "train"), (f"val_{name}", "validation")):
            if key in logs:
                values = np.asarray(logs[key], dtype=float)
                axis.plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.legend()
        axis.grid(alpha=0.3)
    if title:
        figure.suptitle(title)
    return figure


def show_images(images, labels=None, predictions=None, class_names=None, ncols=8, title=None):
    """Show images in a grid, titled with their label and prediction (red when wrong).

    Args:
        images: array (N, H, W), (N, H, W, 1) or (N, H, W, 3), uint8 or float.
        labels: N integer labels, or None.
        predictions: N predicted labels, or (N, num_classes) scores (their argmax is used).
        class_names: names indexed by label, e.g. ``data.FASHION_MNIST_CLASSES``; None
            shows the numbers.
        ncols: images per row.
        title: title above the grid, or None.

    Returns:
        The Figure, with one Axes per image.
    """
    images = _check_images(images)
    labels, predictions = _check_labels(len(images), labels, predictions, class_names)
    if not isinstance(ncols, numbers.Integral) or ncols < 1:
        raise ValueError(f"ncols={ncols!r}: pass a positive integer.")
    ncols = min(ncols, len(images))
    nrows = math.ceil(len(images) / ncols)
    figure = matplotlib.figure.Figure(figsize=(1.3 * ncols, 1.5 * nrows), layout="constrained")
    grid = figure.add_gridspec(nrows, ncols)
    for index, image in enumerate(images):
        axis = figure.add_subplot(grid[index // ncols, index % ncols])
        gray = image.ndim == 2
        value_range = {"vmin": 0, "vmax": 255} if image.dtype == np.uint8 and gray else {}
        axis.imshow(image, cmap="gray" if gray else None, **value_range)
        axis.set_axis_off()
        text, color = _image_title(index, labels, predictions, class_names)
        if text:
            axis.set_title(text, color=color, fontsize=8)
    if title:
        figure.suptitle(title)
    return figure


def _check_images(images):
    """Return ``images`` as an array of N images (H, W) or (H, W, 3); raise ValueError else."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    valid = images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)
    if not valid or len(images) == 0:
        raise ValueError(
            f"images have shape {images.shape}; pass at least one image, shaped (N, H, W), "
            f"(N, H, W, 1) or (N, H, W, 3)."
        )
    return images


def _check_labels(count, labels, predictions, class_names):
    """Return labels and predictions as integer arrays of length ``count`` (or None)."""
    checked = []
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None:
            values = np.asarray(values)
            if name == "predictions" and values.ndim == 2:
                values = values.argmax(axis=-1)
            if values.ndim != 1 or len(values) != count:
                raise ValueError(
                    f"{name} have shape {values.shape} but there are {count} images; pass one "
                    f"per image."
                )
            if class_names is not None and (values.min() < 0 or values.max() >= len(class_names)):
                raise ValueError(
                    f"{name} run from {values.min()} to {values.max()}, but class_names has "
                    f"{len(class_names)} names; pass one name per class."
                )
        checked.append(values)
    return checked


def _image_title(index, labels, predictions, class_names):
    """Title text and colour of image ``index``: red when the prediction is wrong."""
    def name(value):
        return str(class_names[int(value)]) if class_names is not None else str(value)

    if predictions is None:
        return (name(labels[index]) if labels is not None else ""), "black"
    if labels is None:
        return f"pred: {name(predictions[index])}", "black"
    wrong = int(predictions[index]) != int(labels[index])
    text = f"{name(labels[index])}\npred: {name(predictions[index])}"
    return text, ("red" if wrong else "black")


def layer_bars(rows, columns=("params", "flops"), log=False, title=None, skip_zero=True):
    """Horizontal bar charts of per-layer numbers, one panel per column, layers top to bottom.

    Args:
        rows: list of dicts, one per layer, with a ``"name"`` and numeric columns (the rows
            of ``support.counting``: name, type, output_shape, params, macs, flops, ...).
        columns: the keys to plot, e.g. ``("params", "flops")``.
        log: logarithmic value axis (for layers that differ by orders of magnitude).
        title: title above the panels, or None.
        skip_zero: leave out layers whose chosen columns are all 0 (pooling, flatten...).

    Returns:
        The Figure, with one Axes per column and one bar per layer shown. Each panel is
        titled in words ("parameters"); its ticks and its bars' values are written alike, with
        k, M and G for thousands, millions and billions (no "1e7" offset). A layer with 0 in a
        panel (a pooling has no parameters) is labelled 0 there rather than left blank.
    """
    names, table = _layer_table(rows, columns, skip_zero)
    figure = matplotlib.figure.Figure(
        figsize=(4.2 * len(columns), 1.2 + 0.28 * len(names)), layout="constrained"
    )
    axes = figure.subplots(1, len(columns), sharey=True, squeeze=False)[0]
    positions = np.arange(len(names))
    for axis, column, values in zip(axes, columns, table.T):
        bars = axis.barh(positions, values)
        axis.bar_label(bars, labels=[_human(value) if value else "" for value in values], fontsize=7, padding=2)
        for position in positions[values == 0]:  # no bar to label: write the 0 at the panel's left edge
            axis.text(0.01, position, "0", transform=axis.get_yaxis_transform(), fontsize=7, va="center")
        axis.set_title(COLUMN_TITLES.get(column, str(column).replace("_", " ")))
        if log:
            axis.set_xscale("log")
            axis.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda value, _: _human(value)))  # as the bars' labels, no 1e7 offset
        axis.margins(x=0.2)
    axes[0].set_yticks(positions, names)
    axes[0].invert_yaxis()  # first layer on top; shared with the other panels
    if title:
        figure.suptitle(title)
    return figure


def _layer_table(rows, columns, skip_zero):
    """Return the layer names and a (layers, columns) float array; validate the rows."""
    if isinstance(columns, str):
        columns = (columns,)
    rows = list(rows)
    if not rows or not columns:
        raise ValueError(f"rows has {len(rows)} layers and columns={columns!r}; pass both.")
    for row in rows:
        missing = [column for column in ("name", *columns) if column not in row]
        if missing:
            raise ValueError(
                f"layer {row.get('name', row)!r} has no {missing}; available: {list(row)}."
            )
        bad = [column for column in columns if not isinstance(row[column], numbers.Real)]
        if bad:
            raise ValueError(
                f"layer {row['name']!r}: {bad} are not numbers; choose numeric columns."
            )
    if skip_zero:
        rows = [row for row in rows if any(row[column] != 0 for column in columns)]
        if not rows:
            raise ValueError(f"every layer has 0 in {list(columns)}; nothing to plot.")
    table = np.array([[float(row[column]) for column in columns] for row in rows])
    return [str(row["name"]) for row in rows], table


def bar_compare(labels, values, ylabel, title=None, log=False):
    """A bar chart that compares a few numbers, e.g. step times of several models.

    Args:
        labels: one label per bar. values: one number per bar.
        ylabel: what the numbers are, with their unit, e.g. ``"ms per step"``.
        title: title, or None. log: logarithmic y axis.

    Returns:
        The Figure, with one Axes and one bar per value, each bar labelled with its value.
    """
    labels = [str(label) for label in labels]
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(labels) != len(values) or len(labels) == 0:
        raise ValueError(
            f"{len(labels)} labels and values of shape {values.shape}: pass one number per "
            f"label, at least one."
        )
    figure = matplotlib.figure.Figure(figsize=(1.2 + 0.9 * len(labels), 3.2), layout="constrained")
    axis = figure.subplots()
    bars = axis.bar(labels, values)
    axis.bar_label(bars, labels=[_human(value) for value in values], fontsize=8, padding=2)
    axis.set_ylabel(ylabel)
    if log:
        axis.set_yscale("log")
    axis.margins(y=0.15)
    if title:
        axis.set_title(title)
    return figure


def _human(value):
    """Format a number shortly: 1234567 -> '1.23M', 0.5 -> '0.5'."""
    for size, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def plot_step_breakdown(records, models, precision="float32"):
    """Stacked bars: the share of forward, backward and update in each model's training step.

    One bar per model and file that has the three modes (``results.step_breakdowns``); the
    label gives the model, the device (one figure can hold a CPU's and a GPU's files), the
    backend, the step's time and the update's share. An update measured below zero (noise, see
    ``results.step_breakdown``) is drawn as zero and the bar scaled to end at 1 (forward and
    backward then share the step as the gradients step's time divides); its label still gives
    the measured share.
    Returns a matplotlib Figure.
    """
    from matplotlib.figure import Figure

    from support import results

    bars = []
    for record, model, parts in results.step_breakdowns(records, models, precision):
        update_share = parts["update_ms"] / parts["train_ms"]
        drawn = [parts["forward_ms"], parts["backward_ms"], max(parts["update_ms"], 0.0)]
        shares = [part / sum(drawn) for part in drawn]  # the bar ends at 1 even when the update is < 0
        step = f"{parts['train_ms']:,.0f}" if parts["train_ms"] >= 10 else f"{parts['train_ms']:.2f}"
        label = (f"{model} · {results.short_device(record)}, {record['provenance']['backend']}\n"
                 f"{step} ms · update {update_share:.1%}")
        bars.append((label, shares, results.short_device(record)))
    if not bars:
        raise ValueError(f"no file has forward, gradients and train rows of {list(models)} in {precision}.")
    figure = Figure(figsize=(8, 1.2 + 0.55 * len(bars)), layout="constrained")
    axis = figure.subplots()
    left = [0.0] * len(bars)
    for index, (name, colour) in enumerate((("forward", "tab:blue"), ("backward", "tab:orange"),
                                            ("update", "tab:green"))):
        widths = [shares[index] for _, shares, _ in bars]
        axis.barh([label for label, _, _ in bars], widths, left=left, color=colour, label=name)
        left = [start + width for start, width in zip(left, widths)]
    axis.invert_yaxis()
    axis.tick_params(axis="y", labelsize="small")
    axis.set_xlim(0, 1)
    devices = sorted({device for _, _, device in bars})
    axis.set_xlabel(f"share of the training step ({precision}) · {', '.join(devices)}")
    figure.legend(loc="outside upper center", ncols=3, fontsize="small")
    return figure


def plot_bench(records, model, quantity="median_ms", extra_rows=None, log_scale=True, modes=None):
    """Bar chart of one model's timings across devices, backends and precisions.

    Args:
        records: bench records. model: the model's name, e.g. "vgg_D".
        quantity: "median_ms" (time per batch), "mean_ms" or "images_per_s" (from the median).
        extra_rows: other figures to show beside them, e.g. the source posts' published ones or the
            notebook's own run: dicts with ``label``, ``mode``, the quantity and optionally a
            matplotlib ``color`` (grey by default), e.g.
            ``{"label": "2017 seed (TF1)", "mode": "forward", "median_ms": 80.0}``.
        log_scale: a logarithmic axis (CPU and GPU differ by orders of magnitude).
        modes: the panels to draw, e.g. ``["forward", "train"]``; None draws every mode found.

    Returns:
        A matplotlib Figure with one panel per mode ("forward", "gradients", "train"). Bars:
        blue for CPU files, orange for GPU files, then the extra rows in their colours.
    """
    from matplotlib.figure import Figure  # not pyplot: shown once, as the cell's value

    from support import results, timing

    if quantity not in ("median_ms", "mean_ms", "images_per_s"):
        raise ValueError(f"quantity={quantity!r}: use 'median_ms', 'mean_ms' or 'images_per_s'.")
    bars = [(f"{row['device']} · {row['backend']} · {row['precision']} · batch {row['batch_size']}",
             row["mode"], row[quantity], "tab:orange" if row["gpu"] else "tab:blue")
            for row in results.bench_rows(records, models=[model], modes=modes)]
    bars += [(row["label"], row["mode"], row[quantity], row.get("color", "tab:gray"))
             for row in extra_rows or [] if modes is None or row["mode"] in modes]
    modes = [mode for mode in timing.MODES if any(bar[1] == mode for bar in bars)]
    if not modes:
        raise ValueError(f"no timing of model {model!r} in the records or extra_rows.")
    figure = Figure(figsize=(8, 1 + 0.4 * len(bars)), layout="constrained")
    axes = figure.subplots(len(modes), 1, squeeze=False)
    for axis, mode in zip(axes[:, 0], modes):
        chosen = [bar for bar in bars if bar[1] == mode]
        axis.barh([bar[0] for bar in chosen], [bar[2] for bar in chosen], color=[bar[3] for bar in chosen])
        axis.invert_yaxis()
        axis.set_title(f"{model}, {mode} step")
        axis.set_xlabel({"median_ms": "median ms per batch", "mean_ms": "mean ms per batch"}.get(
            quantity, "images per second (from the median)"))
        if log_scale:  # bars start a decade below the smallest, not at an arbitrary edge
            axis.set_xscale("log")
            axis.set_xlim(left=10 ** math.floor(math.log10(min(bar[2] for bar in chosen)) - 1))
            axis.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())  # labels would overlap
            axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,g}"))
    return figure

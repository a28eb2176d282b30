# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06b · Measuring networks, part 2: how cost grows, a roofline, GPUs and precision
#
# The second half of the measuring lesson (part 1 is [notebook 06](06_measuring.ipynb): timing
# done right, results files, the course's networks side by side). Here: how the time of a step
# grows with the batch and the image, where a layer's time goes (a roofline: arithmetic
# intensity against compute rate and memory bandwidth), the course's networks on a GPU, and
# what float16 and bfloat16 change.
#
# **Learning goals.** After this notebook you can
# * say when time grows in proportion to FLOPs and when it does not, from a measurement;
# * compute a layer's arithmetic intensity, place it on a roofline, and say whether memory or
#   arithmetic limits it, and check that against a timing;
# * read GPU results: TF32, tensor cores, the share of the matrix-product rate;
# * say what float16 and bfloat16 keep and lose (machine epsilon, range, subnormal numbers),
#   and what mixed precision changed for the course's networks on an NVIDIA H200.
#
# **Prerequisites.** Notebook 06 (timing a compiled step, the median, results files and the
# matrix-product rate); notebooks 01 to 04 for the networks.
#
# **Run time.** 13 to 14 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`); most of it builds VGG16 and Inception v3 and times
# small steps. This notebook has not been run on a GPU (the course's GPU machine has no
# TensorFlow); the settings cell prints an estimate of its GPU settings on a Colab T4, marked
# as one. Its GPU figures come from results files measured on an NVIDIA H200 by
# `python -m support.bench`: VGG16 takes a median 9.70 ms per training step and 2.43 ms per
# forward pass for a batch of 32 in mixed bfloat16 (18.46 ms and 3.67 ms in float32).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code; it runs without notebook 06. No data set is needed.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on Colab (notebook 01 explains it).

# %% slideshow={"slide_type": "skip"}
# Make the course's `support` package importable: installed, in a checkout, or on Colab.
import importlib.util, os, pathlib, subprocess, sys

COURSE_REPOSITORY = os.environ.get("CNN_COURSE_REPOSITORY", "https://github.com/cnn-course/classic-convnets")
if importlib.util.find_spec("support") is None:
    here = pathlib.Path.cwd()
    course = next((folder for folder in (here, *here.parents) if (folder / "support" / "colab.py").is_file()),
                  here / "cnn-course")
    if not course.is_dir():  # Colab, or this notebook alone: clone the course beside it
        clone = subprocess.run(["git", "clone", "--quiet", COURSE_REPOSITORY, str(course)],
                               capture_output=True, text=True)
        if clone.returncode:
            raise RuntimeError(f"git clone {COURSE_REPOSITORY} failed: {clone.stderr.strip()}")
    missing = [name for name in ("keras", "numpy", "matplotlib") if importlib.util.find_spec(name) is None]
    if missing:  # Colab has all three; its TensorFlow is never touched
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
    sys.path.insert(0, str(course))

# %% slideshow={"slide_type": "skip"}
from support import quiet

quiet.setup()

import keras
import matplotlib.pyplot as plt
import matplotlib.ticker
import ml_dtypes
import numpy as np

from support import exercises, hardware, models, results, roofline, show, sizing, timing

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown] slideshow={"slide_type": "skip"}
# On a GPU the live timings use more steps, larger batches and larger arrays; on a CPU a few
# steps of small networks only.

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"steps": 10, "warmup": 2, "matmul_size": 1024, "batches": [1, 4, 16, 64, 256],
         "image_sizes": [28, 56, 112], "copy_megabytes": 128},
    gpu={"steps": 50, "warmup": 10, "matmul_size": 4096, "batches": [1, 8, 64, 512, 2048],
         "image_sizes": [28, 56, 112, 224], "copy_megabytes": 1024},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("06b", settings.gpu))

# %% [markdown] slideshow={"slide_type": "skip"}
# The results files of notebook 06 (`course/results/`, measured by `python -m support.bench`),
# validated, and the networks' names. Each file holds its run's matrix-product rate, the
# FLOP/s of one large compiled matrix product (`timing.matmul_rate`): the ceiling a network's
# FLOP/s are read against.

# %% slideshow={"slide_type": "skip"}
# NBVAL_IGNORE_OUTPUT
names = {"lenet5": "LeNet-5", "alexnet": "AlexNet", "vgg_A": "VGG A (11)", "vgg_B": "VGG B (13)",
         "vgg_C": "VGG C (16, 1x1)", "vgg_D": "VGG D (16)", "vgg_E": "VGG E (19)", "googlenet": "GoogLeNet",
         "inception_v3": "Inception v3", "mnist_vgg_full": "MNIST VGG"}
records = results.load_results("bench")
cpu_forward = {}  # model -> (row, record): the newest float32 forward row of this backend's CPU files
for record in records:
    results.validate_bench_record(record)
    for row in record["results"]:
        if (not results.is_gpu(record) and record["provenance"]["backend"] == keras.backend.backend()
                and row["precision"] == "float32" and row["mode"] == "forward"):
            cpu_forward[row["model"]] = (row, record)
print(f"{len(records)} results files; CPU forward rows of {', '.join(names[name] for name in cpu_forward)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How cost grows
# The FLOPs of a step grow in proportion to the batch, and for a convolutional network in
# proportion to the number of pixels. Time does so only where the device is kept busy.
# First the batch: LeNet-5's forward step at several batch sizes, time per image:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
lenet = models.lenet5()
batch_ms = {}
for batch in settings.batches:
    step = timing.benchmark(lenet, batch, "forward", steps=settings.steps, warmup=settings.warmup)
    batch_ms[batch] = 1e3 * step["median_s"]
    print(f"batch {batch:>4}: {batch_ms[batch]:8.3f} ms per step, {batch_ms[batch] / batch * 1e3:8.2f} µs per image")
print(hardware.load_line())
per_image = [batch_ms[batch] / batch for batch in settings.batches]
assert min(per_image[1:]) < 0.5 * per_image[0]  # a batch amortises the step's fixed cost

# %% [markdown] slideshow={"slide_type": "notes"}
# The FLOPs per image are the same at every batch, yet the time per image falls severalfold
# from batch 1 (asserted: below half of it at some larger batch): a step has a fixed cost (calling
# the compiled function, starting the threads, reading the weights), which a small batch
# pays for few images. Next the image: the small MNIST VGG of notebook 05 ends in global
# average pooling, so it accepts any image size. Its FLOPs grow with the pixels:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
image_rows = []
for side in settings.image_sizes:
    model = models.mnist_vgg("small", input_shape=(side, side, 1))
    step = timing.benchmark(model, 8, "forward", steps=settings.steps, warmup=settings.warmup)
    image_rows.append({"side": side, "flops": step["flops_per_image"], "ms": 1e3 * step["median_s"] / 8})
    print(f"{side:>3}x{side:<3}: {step['flops_per_image'] / 1e6:7.1f} MFLOPs, {image_rows[-1]['ms']:7.3f} ms "
          f"per image, {step['gflops_per_s']:6.1f} GFLOP/s")
flop_growth = image_rows[-1]["flops"] / image_rows[0]["flops"]
time_growth = image_rows[-1]["ms"] / image_rows[0]["ms"]
print(f"{image_rows[0]['side']} -> {image_rows[-1]['side']} pixels a side: FLOPs x {flop_growth:.0f}, time x "
      f"{time_growth:.1f}: time grew {'less' if time_growth < flop_growth else 'more'} than the FLOPs")
print(hardware.load_line())

# %% slideshow={"slide_type": "subslide"}
def readable_log(axis, which="x"):
    """A log scale on `which` ("x", "y" or "xy") with ticks at 1, 2 and 5 per decade, written plainly."""
    for name in which:
        getattr(axis, f"set_{name}scale")("log")
        scale = getattr(axis, f"{name}axis")
        scale.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        scale.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        scale.set_minor_formatter(matplotlib.ticker.NullFormatter())

# %% slideshow={"slide_type": "-"}
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
left.plot(list(batch_ms), [batch_ms[b] / b * 1e3 for b in batch_ms], "o-")
left.set(xlabel="batch size (log scale)", ylabel="µs per image (log scale)",
         title="LeNet-5 forward: time per image against batch")
readable_log(left, "xy")
flops = np.array([row["flops"] for row in image_rows]) / 1e6
right.plot(flops, [row["ms"] for row in image_rows], "o-", label="measured (batch 8)")
right.plot(flops, image_rows[0]["ms"] * flops / flops[0], "--", label="proportional to FLOPs")
for row, x in zip(image_rows, flops):
    right.annotate(f"{row['side']}x{row['side']}", (x, row["ms"]), textcoords="offset points", xytext=(4, -12), fontsize=8)
right.set(xlabel="MFLOPs per image (log scale)", ylabel="ms per image (log scale)",
          title="Small MNIST VGG forward: time against FLOPs")
readable_log(right, "xy")
right.legend(fontsize=8)
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
# Left: per image, time falls with the batch until the fixed cost is shared by enough images
# (on a shared CPU the curve can wobble from run to run). Right: the dashed line is time
# proportional to FLOPs, from the smallest image. Where time grew less than the FLOPs (the
# cell above says which), the measured line runs below the dashed one: the bigger images
# kept the cores busier (more FLOP/s, printed), the batch effect again, per pixel. Where it
# grew more, the line runs above: the FLOP/s fell as the images grew. Either way, linear in
# FLOPs is the rule only for steps large enough to fill the device.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the time goes: a roofline
# A layer that does $F$ FLOPs and moves $B$ bytes between memory and the processor has the
# **arithmetic intensity** $I = F/B$, FLOPs per byte. A device that computes at most $P$
# FLOP/s and moves at most $W$ bytes/s runs the layer at most at $\min(P,\ I \cdot W)$
# FLOP/s: the **roof** (Williams, Waterman and Patterson, 2009, Section 2 and Figure 1).
# Left of the **ridge point** $I = P/W$ a layer waits for memory; right of it, it can keep
# the arithmetic units busy. Williams et al. call $I$ *operational intensity* and count $B$
# as the traffic to main memory (DRAM), after the caches. `support.roofline` counts $B$ from
# the layers' shapes instead, as if each layer ran on its own, reading its inputs and
# weights from memory once and writing its output there once: each layer's compulsory
# traffic. The real traffic can differ either way: fusion keeps some tensors out of memory
# and takes it below the count, while capacity misses, tiles read twice and packing buffers
# take it above (Williams et al. 2009, section "Tying the 3Cs to operational intensity").
# So these $B$ and $I$ are estimates, not bounds:

# %% slideshow={"slide_type": "-"}
show.source(roofline.layer_rows)

# %% [markdown] slideshow={"slide_type": "subslide"}
# $P$ is this machine's matrix-product rate and $W$ its memory bandwidth, both measured here:
# $W$ with `roofline.copy_bandwidth`, a compiled `x + 1` over an array far larger than the
# caches (each step reads and writes every value):

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
live_matmul = timing.matmul_rate(size=settings.matmul_size, steps=settings.steps, warmup=settings.warmup)
bandwidth = roofline.copy_bandwidth(megabytes=settings.copy_megabytes, steps=settings.steps, warmup=settings.warmup)
compute_rate = 1e12 * live_matmul["tflops_per_s"]
ridge = compute_rate / bandwidth["bytes_per_s"]
print(f"P = {compute_rate / 1e9:.0f} GFLOP/s (matrix product), W = {bandwidth['gb_per_s']:.1f} GB/s (copy of "
      f"{bandwidth['megabytes']} MiB): ridge point at {ridge:.1f} FLOPs per byte")
print(hardware.load_line())

# %% [markdown] slideshow={"slide_type": "-"}
# Per layer type of VGG16 and Inception v3, one image: the share of the FLOPs, the share of
# the bytes, and the middle (median) intensity of the type's layers, against the ridge:

# %% slideshow={"slide_type": "-"}
networks = {name: models.BUILDERS[name]() for name in ("vgg_D", "inception_v3")}
for name, model in networks.items():
    rows = roofline.layer_rows(model, batch_size=1)
    flops, moved = sum(row["flops"] for row in rows), sum(row["bytes"] for row in rows)
    print(f"{names[name]}: {'type':<28}{'FLOPs':>7}{'bytes':>7}{'FLOPs/byte':>11}")
    for kind in sorted({row["type"] for row in rows if row["flops"]}):
        typed = [row for row in rows if row["type"] == kind]
        print(f"{'':<14}{kind:<28}{sum(r['flops'] for r in typed) / flops:7.1%}{sum(r['bytes'] for r in typed) / moved:7.1%}"
              f"{np.median([r['intensity'] for r in typed]):11.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The convolutions do nearly all the FLOPs, at intensities of tens to hundreds of FLOPs per
# byte (the medians printed), right of the ridge: they can run near the matrix-product
# rate. Pooling, batch normalisation and activations do about one FLOP per byte or less: far
# left of the ridge, they are limited by memory, whatever the processor's speed. The dense
# layers at one image do about half a FLOP per byte (each 4-byte weight is used for one
# multiply-add); with a batch of $n$ images each weight is used $n$ times. VGG16's fc1 at
# three batches, then timed alone at batch 1 against what the roof predicts: its bytes over
# $W$ if memory limits it, its FLOPs over $P$ if arithmetic does:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
fc1 = {batch: next(row for row in roofline.layer_rows(networks["vgg_D"], batch_size=batch) if row["name"] == "fc1")
       for batch in (1, 8, 512)}
for batch, row in fc1.items():
    side = "memory-bound" if row["intensity"] < ridge else "compute-bound"
    print(f"fc1 (25,088 -> 4,096), batch {batch:>3}: {row['intensity']:7.2f} FLOPs per byte: {side} here")
fc1_alone = keras.Sequential([keras.Input((25088,)), keras.layers.Dense(4096, name="fc1")])
fc1_ms = 1e3 * timing.benchmark(fc1_alone, 1, "forward", steps=settings.steps, warmup=settings.warmup)["median_s"]
memory_ms, compute_ms = 1e3 * fc1[1]["bytes"] / bandwidth["bytes_per_s"], 1e3 * fc1[1]["flops"] / compute_rate
print(f"fc1 alone, batch 1: {fc1_ms:.2f} ms measured; bytes / W = {memory_ms:.2f} ms, FLOPs / P = {compute_ms:.3f} ms")
print(hardware.load_line())
assert fc1_ms > 0.5 * memory_ms and fc1_ms > 2 * compute_ms  # set by its bytes, not by its FLOPs

# %% [markdown] slideshow={"slide_type": "notes"}
# At batch 1, fc1 takes at least about the time its bytes need (asserted: more than half of
# bytes over $W$, and more than twice FLOPs over $P$): a small-batch dense layer is
# memory-bound, and a faster processor would not help it. It grows compute-bound as the
# batch grows (where it crosses depends on this machine's ridge, printed above). The roofline of both
# networks at the batch of the results files, with each network as a whole drawn as a star
# at its measured forward rate (from the files) and its total intensity. The compute roof
# here is each file's own matrix-product rate, measured in the same run as the network. The
# files hold no memory bandwidth, so the bandwidth roof is the $W$ measured above, today:
# the two roofs come from different runs, and the ridge they give is printed:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
figure, axes = plt.subplots(1, 2, figsize=(12, 4.4))
checked = {}
for axis, name in zip(axes, ("vgg_D", "inception_v3")):
    row, record = cpu_forward[name]
    file_rate = 1e12 * record["matmul"]["float32"]["tflops_per_s"]
    rows = roofline.layer_rows(networks[name], batch_size=row["batch_size"])
    intensity = roofline.total_intensity(rows)
    checked[name] = (1e12 * row["tflops_per_s"], roofline.attainable(intensity, file_rate, bandwidth["bytes_per_s"]), file_rate)
    roofline.plot_roofline(rows, file_rate, bandwidth["bytes_per_s"], ax=axis,
                           title=f"{names[name]}, forward, batch {row['batch_size']}",
                           measured=[("whole network, measured", intensity, checked[name][0])])
    print(f"{names[name]}: P = {file_rate / 1e9:.0f} GFLOP/s (its file), W = {bandwidth['gb_per_s']:.1f} GB/s "
          f"(today): ridge at {file_rate / bandwidth['bytes_per_s']:.1f} FLOPs per byte")
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
# A layer's attainable rate is the roof at its intensity by definition, so the layers are
# drawn where they carry information: as a rug along the bottom, one tick per layer at its
# intensity, one row per layer type, the tick larger for a larger share of the FLOPs. The
# star is the network as measured. The check: a network should not run much faster than the
# matrix product timed in its own run (asserted, allowing 15%: that rate is an empirical
# ceiling, not the hardware's peak). Its share of the whole roof, whose $W$ was measured
# today, perhaps on a busier machine, is printed beside:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
for name, (measured_rate, roof, file_rate) in checked.items():
    print(f"{names[name]}: measured {measured_rate / 1e9:.0f} GFLOP/s: {measured_rate / file_rate:.0%} of its run's "
          f"matrix product, {measured_rate / roof:.0%} of the roof at its intensity ({roof / 1e9:.0f} GFLOP/s)")
    assert measured_rate <= 1.15 * file_rate  # no faster than its own run's ceiling, give or take 15%
del networks
keras.backend.clear_session()

# %% [markdown] slideshow={"slide_type": "notes"}
# Both networks run at a large share of their run's matrix-product rate (printed): their
# time goes into convolutions, which are compute-bound. The memory-bound
# layers (pooling, batch normalisation, activations) are many but small, and XLA (the
# compiler of the timed steps, notebook 06) fuses
# chains of element-wise layers (a batch normalisation and its ReLU) into one pass over
# memory, so fewer of their bytes travel than counted (while cache misses can add bytes the
# count leaves out). On a
# GPU both rates differ from this CPU's, and the ridge moves with them. Recent GPUs have
# **tensor cores**, units that do small matrix products in one instruction, in 16-bit or
# other reduced precisions; they raise $P$ far more than $W$, so the ridge usually moves to
# the right, which gives the memory-bound layers a larger share of the time. Measure both
# rates there with the same two functions.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The course's networks on a GPU
# The GPU files come from an NVIDIA H200, with Keras on JAX. JAX computes float32
# convolutions and matrix products in **TF32** on such a GPU by default (JAX's documentation,
# "Matmul precision"): inputs rounded to 10 fraction bits, products summed in float32, on the
# tensor cores. The float32 matrix product's rate
# shows it: above the 66.9 TFLOP/s of the chip's plain float32 units (NVIDIA's H100 SXM
# specification; the H200 has the same chip). Per image, medians, and the share of the file's
# matrix-product rate (from the median, as every rate):

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
gpu_measured = {}  # (model, precision) -> mode -> (row, record), from the GPU files
for record in filter(results.is_gpu, records):
    assert record["matmul"]["float32"]["tflops_per_s"] > 66.9, "float32 products without TF32?"
    for row in record["results"]:
        gpu_measured.setdefault((row["model"], row["precision"]), {})[row["mode"]] = (row, record)


def gpu_line(name, precision):
    """Microseconds per image forward and per training step, and their shares of the matmul rate."""
    forward, train = (gpu_measured[name, precision][mode][0] for mode in ("forward", "train"))
    return (f"{names[name]:<16} {1e3 * forward['median_ms'] / forward['batch_size']:8.1f} µs "
            f"{1e3 * train['median_ms'] / train['batch_size']:9.1f} µs "
            f"{forward['fraction_of_matmul']:6.1%} {train['fraction_of_matmul']:6.1%}")

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
print(f"{'network':<16} {'forward':>11} {'train step':>12} {'%matmul f/t':>13}   (float32, i.e. TF32, batch 32)")
for name in names:
    if (name, "float32") in gpu_measured:
        print(gpu_line(name, "float32"))

# %% [markdown] slideshow={"slide_type": "notes"}
# On the H200 a VGG16 image costs 114.8 µs forward and 576.7 µs per training step. The VGGs
# reach 61.9% to 80.0% of the float32 matrix product's rate forward and 38.0% to 48.4% per
# training step, VGG E the most of them. GoogLeNet and Inception v3, built of many smaller
# convolutions, reach 13.8% and 22.8% forward: Inception v3 does fewer than half of VGG16's
# FLOPs per image (notebook 06's side-by-side table) and takes longer per image. LeNet-5's share rounds to
# 0.0%: a step of about 0.2 ms that does almost no arithmetic. On a GPU, even more than on a
# CPU, time follows FLOPs only for networks large enough to fill the device.

# %% [markdown] slideshow={"slide_type": "-"}
# No GPU of ours ran the course's code in TensorFlow, but TensorFlow's own 2017 benchmark
# timed two of its networks on older GPUs. Quoted, not measured here (the source, hardware,
# precision, batch and framework are beside the figures), against what the course's FLOP
# counts allow at each GPU's float32 peak (NVIDIA's datasheets, with boost clock):

# %% slideshow={"slide_type": "subslide"}
quoted = [  # QUOTED: TensorFlow's benchmarks page (tensorflow/docs_src/performance/benchmarks.md, May 2017):
    # tf_cnn_benchmarks, TensorFlow 1.x, float32, SGD, synthetic data, training, one GPU; peak float32 TFLOP/s
    ("Tesla P100 (DGX-1)", 10.6, "vgg_D", 64, 154), ("Tesla P100 (DGX-1)", 10.6, "inception_v3", 64, 142),
    ("Tesla K80 (1 of its 2 GPUs)", 4.37, "vgg_D", 32, 35.4), ("Tesla K80 (1 of its 2 GPUs)", 4.37, "inception_v3", 64, 30.5)]
for gpu, peak_tflops, name, batch, images_per_s in quoted:
    train_flops = 3 * gpu_measured[name, "float32"]["train"][0]["flops_per_image"]  # the course's count
    allowed = 1e12 * peak_tflops / train_flops
    print(f"{gpu:<28} {names[name]:<13} batch {batch}: {images_per_s:5.1f} images/s quoted; its peak of "
          f"{peak_tflops} TFLOP/s allows {allowed:4.0f}: {images_per_s / allowed:.0%} of it")

# %% [markdown] slideshow={"slide_type": "notes"}
# Inception v3 reaches 46% and 24% of what the peaks allow, as on the H200 far less than
# VGG16. VGG16 on the P100 passes it: 135%. So the count at the peak rate is no bound. It
# counts the direct convolution, and cuDNN can compute a 3x3 convolution with Winograd's
# algorithm, in fewer multiplications (Lavin and Gray 2016); likely the reason, not measured
# here. Like the roofline's bytes, a FLOP count is an estimate of the work actually done.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Precision: float32, float16 and bfloat16
# A float32 number has 8 exponent bits and 23 stored fraction bits: about 7 decimal digits,
# over a range to $3.4 \times 10^{38}$. **float16** keeps 10 fraction bits but only 5 exponent
# bits; **bfloat16** keeps float32's 8 exponent bits (the same range) and only 7 fraction bits
# (2 to 3 digits). Both halve the bytes per value. Three figures describe a format: its
# **machine epsilon**, the gap between 1 and the next number it holds ($2^{-7}$ for 7 fraction
# bits); its largest value; and its smallest *normal* value. Below that lie the **subnormal**
# numbers, which give up the fraction's leading 1, and with it digits, to come closer to zero;
# what is below half of the smallest subnormal rounds to 0 (a tiny gradient, say). As the
# formats describe themselves (NumPy's `finfo`, and `ml_dtypes`' for bfloat16):

# %% slideshow={"slide_type": "-"}
formats = {"float32": np.finfo(np.float32), "float16": np.finfo(np.float16),
           "bfloat16": ml_dtypes.finfo(ml_dtypes.bfloat16)}
for name, info in formats.items():
    print(f"{name:<9} epsilon 2^{int(np.log2(float(info.eps)))}, largest {float(info.max):.5g}, smallest normal "
          f"{float(info.smallest_normal):.2g}, smallest subnormal {float(info.smallest_subnormal):.2g}")
assert [int(np.log2(float(info.eps))) for info in formats.values()] == [-23, -10, -7]  # the fraction bits

# %% [markdown] slideshow={"slide_type": "-"}
# Rounding through each type shows what those figures mean, on numbers chosen away from the
# half-way points between two numbers of a format (there a tie is broken towards an even last
# bit, which would show the tie rule, not the resolution):

# %% slideshow={"slide_type": "-"}
probes = np.array([1 + 2 ** -7, 1 + 2 ** -10, 1 + 0.6 * 2 ** -7, 70_000.0, 1e-8], dtype="float32")
rounded = {dtype: keras.ops.convert_to_numpy(keras.ops.cast(keras.ops.cast(probes, dtype), "float32"))
           for dtype in ("float16", "bfloat16")}
for dtype, values in rounded.items():
    print(f"{dtype:<9}", "  ".join(f"{p:.8g} -> {r:.8g}" for p, r in zip(probes, values)))
with np.errstate(over="ignore"):  # 70,000 overflows float16: inf, as intended
    assert np.array_equal(probes.astype(np.float16).astype("float32"), rounded["float16"])  # NumPy agrees
bits = probes.view(np.uint32).astype(np.uint64)  # bfloat16 = float32's top 16 bits, rounded to nearest even
by_hand = ((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)
assert np.array_equal(by_hand, rounded["bfloat16"])

# %% [markdown] slideshow={"slide_type": "notes"}
# float16 keeps $1 + 2^{-7}$ and $1 + 2^{-10}$ (its epsilon), but overflows at 70,000 and
# flushes $10^{-8}$ to zero. bfloat16 keeps the large and the small number, roughly (70,000
# becomes 70,144), rounds $1 + 2^{-10}$ to 1, and $1 + 0.6 \cdot 2^{-7}$ up to $1 + 2^{-7}$:
# to the nearest number it holds, not down. Both agree with an
# independent reference (asserted): NumPy's float16, and bfloat16 written out as float32's
# top 16 bits, rounded to the nearest even. **Mixed precision**
# (`keras.mixed_precision.set_dtype_policy("mixed_bfloat16")`) computes each layer in the
# 16-bit type but keeps the weights in float32, so that small updates are not rounded away;
# a matrix unit usually accumulates its products in float32. With float16 the loss is also scaled up
# before the backward pass (Keras's `LossScaleOptimizer`), so that small gradients do not
# flush to zero. Under the policy, a layer's two dtypes:

# %% slideshow={"slide_type": "subslide"}
with timing.precision_policy("mixed_bfloat16"):
    dense = keras.layers.Dense(4)
    dense.build((None, 8))
print(f"mixed_bfloat16 Dense: computes in {dense.compute_dtype}, keeps its kernel in {dense.kernel.dtype}")
assert dense.compute_dtype == "bfloat16" and dense.kernel.dtype == "float32"

# %% [markdown] slideshow={"slide_type": "notes"}
# What lower precision buys depends on the hardware. A GPU with tensor cores runs float16
# products faster than float32 ones, and bfloat16 ones too from NVIDIA's Ampere generation on
# (the A100: NVIDIA's A100 architecture whitepaper, 2020). The T4 that Colab often lends is a
# Turing GPU, whose tensor cores take float16 and integers but not bfloat16 (NVIDIA's Turing
# architecture whitepaper, 2018): use `mixed_float16` there. Every value moved costs half the
# bytes; a CPU without such units may gain nothing. The
# course's CPU files hold float32 rows only. On the H200, the GPU files' `mixed_bfloat16` rows,
# per image, and the ratio of each median to the float32 (TF32) one:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
print(f"{'network':<16} {'forward':>11} {'train step':>12} {'%matmul f/t':>13}  bfloat16/float32 f/t")
ratios = {}
for name in names:
    if (name, "mixed_bfloat16") in gpu_measured:
        ratios[name] = [gpu_measured[name, "mixed_bfloat16"][mode][0]["median_ms"] /
                        gpu_measured[name, "float32"][mode][0]["median_ms"] for mode in ("forward", "train")]
        print(gpu_line(name, "mixed_bfloat16"), f"   {ratios[name][0]:.2f} {ratios[name][1]:.2f}")
assert ratios["vgg_D"][1] < 0.75, "VGG16's bfloat16 step is not faster: did the policy take?"
vgg16 = {(precision, mode): gpu_measured["vgg_D", precision][mode][0]["median_ms"]
         for precision in ("float32", "mixed_bfloat16") for mode in ("forward", "train")}
print("VGG16, batch 32, medians:", ", ".join(f"{p} {m} {ms:.2f} ms" for (p, m), ms in vgg16.items()))
rates = {p: gpu_measured["vgg_D", "float32"]["train"][1]["matmul"][p]["tflops_per_s"] for p in ("float32", "mixed_bfloat16")}
print("its file's matrix products:", ", ".join(f"{p} {rate:.0f} TFLOP/s" for p, rate in rates.items()),
      f"(x {rates['mixed_bfloat16'] / rates['float32']:.1f})")

# %% [markdown] slideshow={"slide_type": "notes"}
# Mixed bfloat16 pays where large convolutions dominate: the VGGs' training steps take 0.52 to
# 0.61 of their float32 time, their forward passes 0.65 to 0.75. That is less than the
# matrix products promise (bfloat16 at 678 TFLOP/s against 357 for TF32, 1.9 times).
# Elsewhere it gains little or loses: Inception v3's forward pass 0.97, GoogLeNet's training
# step 1.01, the forward passes of AlexNet and GoogLeNet 1.24, the two small networks (LeNet-5
# and the MNIST VGG) slower in both modes. A likely reason, not measured here: mixed precision adds a cast at
# every layer and keeps the weights in float32, and where large products do not dominate a
# step, such memory-bound work costs more than the products save. Even in VGG16's bfloat16
# training step, half of the GPU's time goes outside the convolutions (the profile in
# `course/results/README.md`).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
# * Time per image falls with the batch until the fixed cost of a step is shared by enough
#   images; time grows in proportion to FLOPs only for steps large enough to fill the device.
# * A layer's arithmetic intensity (FLOPs per byte moved) against the ridge point $P/W$ says
#   whether memory or arithmetic limits it: convolutions are compute-bound, pooling, batch
#   normalisation and activations memory-bound, and a dense layer at batch 1 takes the time
#   its bytes need (measured). The byte counts are estimates, and the roof's two rates are
#   measured ceilings, not the hardware's peaks.
# * On an NVIDIA H200 (TF32), the VGGs reach 61.9% to 80.0% of the matrix product's rate
#   forward; GoogLeNet and Inception v3, built of many small convolutions, far less.
# * float16 and bfloat16 halve the bytes; bfloat16 keeps float32's range, float16 keeps more
#   digits in a much smaller range, with subnormals below $6.1 \times 10^{-5}$. Mixed bfloat16
#   brought VGG16's training step on the H200 to 0.53 of its float32 time, and slowed the
#   small networks.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is. Worked answers:
# [answers/06b_measuring_roofline_answers.ipynb](answers/06b_measuring_roofline_answers.ipynb).
#
# 1. What is the arithmetic intensity of VGG16's fc1 for a batch of 64, in FLOPs per byte
#    (to 2 significant figures), counted as `support.roofline` counts it?
#
#    *Hint:* FLOPs $2 \cdot 64 \cdot 25088 \cdot 4096$; bytes: the weights and biases once,
#    the 64 inputs and the 64 outputs, 4 bytes each.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: FLOPs per byte of fc1 at batch 64
exercises.check_exercise("06b.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# 2. (Open.) Repeat the batch-size measurement for the training step of the small MNIST VGG
#    (`models.mnist_vgg("small")`). From which batch on does the time per image stop falling?
#
#    *Criterion:* batches 1, 2, 4, ..., 256; the median of 10 steps each after 2 warm-up
#    steps; call the time "flat" from the first batch after which no larger batch is more
#    than 10% faster per image.
#
#    *A correct answer shows* the table of batch and µs per image, and the batch from which it
#    is flat by that rule, or says that it still falls at 256, with the machine's load average.
#
# ## References
# * Williams, S., Waterman, A., and Patterson, D. (2009). Roofline: an insightful visual
#   performance model for multicore architectures. *Communications of the ACM*, 52(4), 65–76.
# * Simonyan, K., and Zisserman, A. (2015). Very deep convolutional networks for large-scale
#   image recognition. *ICLR 2015*. arXiv:1409.1556.
# * Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., and Wojna, Z. (2016). Rethinking the
#   Inception architecture for computer vision. *CVPR 2016*, 2818–2826.
# * Micikevicius, P., Narang, S., Alben, J., Diamos, G., Elsen, E., Garcia, D., Ginsburg, B.,
#   Houston, M., Kuchaiev, O., Venkatesh, G., and Wu, H. (2018). Mixed precision training.
#   *ICLR 2018*. arXiv:1710.03740.
# * Lavin, A., and Gray, S. (2016). Fast algorithms for convolutional neural networks. *CVPR
#   2016*, 4013–4021.
# * Kalamkar, D., et al. (2019). A study of BFLOAT16 for deep learning training.
#   arXiv:1905.12322.
# * IEEE (2019). IEEE Standard for Floating-Point Arithmetic, IEEE Std 754-2019.
# * NVIDIA (2018). NVIDIA Turing GPU Architecture (whitepaper). NVIDIA (2020). NVIDIA A100
#   Tensor Core GPU Architecture (whitepaper). NVIDIA (2022). NVIDIA H100 Tensor Core GPU
#   (datasheet).
# * TensorFlow (2017). Benchmarks (tf_cnn_benchmarks results, May 2017), tensorflow.org,
#   source `tensorflow/docs_src/performance/benchmarks.md`. NVIDIA, Tesla P100 and Tesla K80
#   datasheets (float32 peaks with boost clock).
# * Software cited: JAX's documentation ("Matmul precision", `jax.default_matmul_precision`);
#   Keras's mixed precision guide (keras.io); `ml_dtypes` (github.com/jax-ml/ml-dtypes).

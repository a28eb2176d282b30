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

# %% [markdown]
# # 06 · Measuring networks: timing done right, the course's networks side by side, where the time goes
#
# Notebooks 01 to 04 counted parameters and FLOPs. This one measures time: how to time a
# network so that the figure means something, what the source posts' benchmark got wrong,
# then every network of the course side by side (size, arithmetic, memory, time on this
# machine, published ImageNet error), how the cost grows with the batch and the image, where
# a layer's time goes (a roofline), and what lower precision changes.
#
# **You will learn to**
# * time a compiled step correctly: warm-up and compilation, synchronisation, per image, with
#   mean, sample deviation and median; and find the mistakes in a published benchmark;
# * read a results file with its provenance, and check that a harness adds no time of its own;
# * compare networks per image: parameters, FLOPs, activation memory, time, the share of the
#   device's matrix-product rate, and published error;
# * say when time grows in proportion to FLOPs and when it does not, with a roofline
#   (arithmetic intensity against compute rate and memory bandwidth);
# * say what float16 and bfloat16 change in the arithmetic.
#
# **Prerequisites.** Notebooks 01 to 04 (parameter and FLOP counts; LeNet-5, AlexNet, VGG,
# GoogLeNet and Inception v3); Python, NumPy, Keras.
#
# **Run time.** 48 to 99 s on a 2-core CPU like the CI machine's (measured in CI's two lanes,
# `course/run_times.json`); most of it builds the ten networks and times the small ones. This
# notebook has not been run on a GPU (the course's GPU machine has no TensorFlow); the
# settings cell prints an estimate of its GPU settings on a Colab T4, marked as one. The big
# networks are not timed here: their figures come from results files, measured once by
# `python -m support.bench`, on the CPU and on an NVIDIA H200. There, VGG16 takes a median
# 9.70 ms per training step and 2.43 ms per forward pass for a batch of 32 in mixed bfloat16
# (18.46 ms and 3.67 ms in float32).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. No data set is needed.

# %% [markdown]
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on Colab (notebook 01 explains it).

# %%
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

# %%
from support import quiet

quiet.setup()

import math
import statistics

import keras
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from support import counting, exercises, hardware, models, plots, results, show, sizing, timing

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# On a GPU the live timings use more steps and larger batches; on a CPU a few steps of the
# small networks only.

# %%
settings = hardware.choose_settings(
    cpu={"steps": 10, "warmup": 2, "matmul_size": 1024, "batches": [1, 4, 16, 64, 256],
         "image_sizes": [28, 56, 112], "live_batch": 16, "copy_megabytes": 128},
    gpu={"steps": 50, "warmup": 10, "matmul_size": 4096, "batches": [1, 8, 64, 512, 2048],
         "image_sizes": [28, 56, 112, 224], "live_batch": 128, "copy_megabytes": 1024},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("06", settings.gpu))

# %% [markdown]
# ## Timing done right
# ### What is timed
# `timing.benchmark` times one **step**: the forward pass (`mode="forward"`), the forward and
# backward pass without the update (`"gradients"`), or a whole training step with SGD and
# momentum (`"train"`). Three rules make the figure mean something:
#
# 1. **The batch is made once, on the device.** Copying it from the host every step would
#    time the copy.
# 2. **The step is compiled, and the warm-up steps are not timed.** The first call traces
#    the Python function and compiles it with XLA (Accelerated Linear Algebra, the compiler
#    that TensorFlow and JAX use to fuse operations into fewer, faster kernels), which takes
#    far longer than a step.
# 3. **The clock is read after the device has finished.** A GPU (and JAX on any device) runs
#    asynchronously: a call returns as soon as the work is queued, so the clock must wait.
#
# The loop that applies rules 2 and 3, and the synchronisation it calls:

# %%
show.source(timing.time_calls)

# %%
show.source(timing.synchronise)

# %% [markdown]
# LeNet-5's training step (notebook 01's network), batch 128. The first step includes the
# compilation. Every live timing in this notebook ends with the machine's load average (the
# number of processes running or waiting for a core, averaged over the last minute). The
# timing itself keeps the cores busy, so a load up to about the number of cores is what a
# quiet machine shows here; well above it, other work shared the cores, and the times are
# longer and more spread than on a quiet machine.

# %%
# NBVAL_IGNORE_OUTPUT
lenet_step = timing.benchmark(models.lenet5(), batch_size=128, mode="train", steps=settings.steps,
                              warmup=settings.warmup)
print(f"{hardware.device_description()}")
print(f"first step (traces and compiles): {1e3 * lenet_step['first_step_s']:8.1f} ms")
print(f"timed steps: mean {1e3 * lenet_step['mean_s']:.2f} ± {1e3 * lenet_step['std_s']:.2f} ms, median "
      f"{1e3 * lenet_step['median_s']:.2f} ms, {lenet_step['images_per_s']:,.0f} images/s (from the median)")
assert lenet_step["first_step_s"] > 3 * lenet_step["median_s"]  # compiling costs more than a step
print(hardware.load_line())

# %% [markdown]
# The first step costs many ordinary steps (asserted: more than three): a benchmark that timed
# it would report the compiler. The ± is the **sample standard deviation** of the step times,
# $s = \sqrt{\sum_i (t_i - \bar t)^2 / (n - 1)}$; the **median** (the middle time) is not
# moved by one slow step, when another process takes the CPU for a moment. So every rate in
# the course (images/s, FLOP/s, the share of the matrix product's rate) is computed from the
# median, here and in the results files.
#
# `model.predict_on_batch` looks like a forward step, but it runs a different program:
# Keras's own predict function, compiled its own way, called through Keras's per-call
# machinery, and with a NumPy batch a copy to the device (on a CPU a copy within main
# memory). Is it slower than the compiled step? Measured at the same batch, with the
# model's `jit_compile` (whether Keras compiled its predict function with XLA):

# %%
# NBVAL_IGNORE_OUTPUT
predicting_lenet = models.lenet5()
cost = timing.predict_on_batch_cost(predicting_lenet, 128, steps=settings.steps, warmup=settings.warmup)
print(f"LeNet-5, batch 128: compiled step {cost['compiled_step_ms']:.2f} ms; predict_on_batch "
      f"{cost['predict_on_batch_tensor_ms']:.2f} ms (tensor), {cost['predict_on_batch_numpy_ms']:.2f} ms "
      f"(NumPy): {cost['numpy_over_compiled']:.1f} x; Keras's jit_compile: {predicting_lenet.jit_compile}")
print(hardware.load_line())

# %% [markdown]
# The ratio printed need not be above 1, because the two are different programs. Keras's
# `jit_compile="auto"` turns XLA off for TensorFlow on a machine without a GPU (the
# `jit_compile` printed), so there `predict_on_batch` runs TensorFlow's own kernels, while
# the harness's step is compiled with XLA; either can be the faster on a CPU. On a shared
# 2-core CPU a step of a few milliseconds also varies from run to run. On a GPU each NumPy
# call copies the batch over PCIe as well. The lesson is to time the step you mean, and to
# measure a difference rather than assume it. The results files below repeat this
# comparison for big networks (printed with each file).

# %% [markdown]
# ### The source posts' statistics, and why they were wrong
# The source posts (notebook 01) copied the timing function of Google's
# `alexnet_benchmark.py` (`num_steps_burn_in = 10`, `num_batches = 100`):
# ```python
# for i in xrange(FLAGS.num_batches + num_steps_burn_in):
#     start_time = time.time()
#     _ = session.run(target)
#     duration = time.time() - start_time
#     if i >= num_steps_burn_in:
#         if not i % 10:
#             print('%s: step %d, duration = %.3f' % (datetime.now(), i - num_steps_burn_in, duration))
#         total_duration += duration
#         total_duration_squared += duration * duration
# mn = total_duration / FLAGS.num_batches
# vr = total_duration_squared / FLAGS.num_batches - mn * mn
# sd = math.sqrt(vr)
# ```
# `timing.seeds_statistics` computes `mn` and `sd` this way. First problem: `sd` is the
# *population* deviation (divided by $n$), smaller than the sample deviation by
# $\sqrt{(n-1)/n}$. On the LeNet-5 step times above, checked against Python's `statistics`:

# %%
# NBVAL_IGNORE_OUTPUT
times_s = lenet_step["times_s"]
count = len(times_s)
posts_mean, posts_sd = timing.seeds_statistics(times_s)
print(f"{count} steps: the source posts' sd {1e3 * posts_sd:.4f} ms, sample sd {1e3 * lenet_step['std_s']:.4f} ms "
      f"(ratio {posts_sd / lenet_step['std_s']:.3f}; sqrt((n-1)/n) = {math.sqrt((count - 1) / count):.3f})")
assert math.isclose(posts_mean, statistics.fmean(times_s), rel_tol=1e-9)
assert math.isclose(posts_sd, statistics.pstdev(times_s), rel_tol=1e-6)  # population, not sample
assert math.isclose(lenet_step["std_s"], statistics.stdev(times_s), rel_tol=1e-9)

# %% [markdown]
# With the source posts' 100 steps the ratio is $\sqrt{0.99}$, close to 1; with our few
# steps it is further from 1 (printed). Second problem: `total_duration_squared / n - mn * mn` subtracts two nearly equal
# numbers, $\overline{t^2}$ and $\bar t^2$, whose difference is the variance. Their common digits
# cancel: float64 carries about 16 significant digits, so the result keeps about
# $16 - 2\log_{10}(\bar t / s)$ of them, and none once the mean is about $10^8$ times the
# spread. The times that `time.time()` returns are about 1.7e9 seconds since 1970, so
# summing those would lose everything. Adding a constant changes no deviation, but shows the digits lost:

# %%
# NBVAL_IGNORE_OUTPUT
population_sd = statistics.pstdev(times_s)
for shift in (0.0, 1e3, 1e5, 1e7, 1.7e9):
    one_pass = timing.seeds_statistics([time_s + shift for time_s in times_s])[1]
    two_pass = statistics.pstdev([time_s + shift for time_s in times_s])
    print(f"times + {shift:7.1e} s: one-pass sd {1e3 * one_pass:12.4f} ms   two-pass sd {1e3 * two_pass:8.4f} ms")
assert not math.isclose(one_pass, population_sd, rel_tol=0.5)  # NaN, 0 or garbage at the last shift
assert math.isclose(two_pass, population_sd, rel_tol=1e-2)

# %% [markdown]
# The two-pass deviation (first the mean, then the squared differences from it) stays right;
# the one-pass formula returns garbage, zero, or NaN at the last shift. This is the textbook
# case of Chan, Golub and LeVeque (1983), who compare the one-pass, two-pass and updating
# algorithms for the variance and bound their errors. With the real step
# durations, as the source posts summed them, both agree: the cancellation bites when the
# values are many orders of magnitude larger than their spread, or summed in float32.
#
# Third problem: copies of the function moved lines. One of the source posts printed a mean
# of 1.57 s beside step times of about 14 s, about a tenth of them. Indenting the two `+=`
# lines under the `if not i % 10:` print block sums only every tenth step, still divided by
# 100. A **simulation** with synthetic 14 s steps (not a measurement):

# %%
def copied_time_tensorflow_run(durations, num_steps_burn_in=10, num_batches=100):
    """The source posts' loop with the `+=` lines inside the print block; returns (mn, sd)."""
    total_duration = total_duration_squared = 0.0
    for i, duration in enumerate(durations):
        if i >= num_steps_burn_in and not i % 10:
            total_duration += duration  # only every tenth step is summed ...
            total_duration_squared += duration * duration
    mn = total_duration / num_batches  # ... but the sum is divided by all 100
    return mn, math.sqrt(total_duration_squared / num_batches - mn * mn)


synthetic_durations = np.random.default_rng(0).normal(14.0, 0.1, size=110)  # SIMULATED step times, s
mn, sd = copied_time_tensorflow_run(synthetic_durations)
print(f"simulated steps of {synthetic_durations.mean():.1f} s: the copied code prints {mn:.2f} +/- {sd:.2f} sec / batch")

# %% [markdown]
# Ten steps summed, divided by 100: a tenth of the step time, the post's kind of figure, and a
# "deviation" of several seconds from steps that barely vary. A published fix of a related
# bug, soumith/convnet-benchmarks pull request #115 ("fixed TensorFlow code that
# underestimated time and overestimated variability"): `if i > num_steps_burn_in` summed 99
# steps and divided by 100. Simulated with constant 70 ms steps:

# %%
def off_by_one_time_tensorflow_run(durations, num_steps_burn_in=10, num_batches=100):
    """`i > num_steps_burn_in` instead of `>=`: sums 99 steps, divides by 100; returns (mn, sd)."""
    counted = [duration for i, duration in enumerate(durations) if i > num_steps_burn_in]
    mn = sum(counted) / num_batches
    return mn, math.sqrt(sum(d * d for d in counted) / num_batches - mn * mn)


mn, sd = off_by_one_time_tensorflow_run([0.070] * 110)  # SIMULATED: every step exactly 70 ms
print(f"constant 70 ms steps: {1e3 * mn:.1f} +/- {1e3 * sd:.1f} ms / batch")

# %% [markdown]
# Steady steps read 1% too fast, with a spread that does not exist. Last, `time.time()`
# around `session.run` also timed fetching the results to the host.
#
# ### Published figures, per image
# The network Google's file timed (TensorFlow's `alexnet_benchmark.py`, github.com/tensorflow/models)
# is not quite AlexNet: 64-192-384-256-256 filters,
# convolutions only, 224x224 inputs with SAME padding, no LRN in the first version, whose
# docstring gives the timings below. Built here to count it:

# %%
def google_benchmark_network(image_size=224):
    """The convolutional part timed by Google's alexnet_benchmark.py (first version, no LRN)."""
    x = inputs = keras.Input((image_size, image_size, 3), name="image")
    layers = ((1, 64, 11, 4), (2, 192, 5, 1), (3, 384, 3, 1), (4, 256, 3, 1), (5, 256, 3, 1))
    for index, filters, kernel, strides in layers:  # SAME padding throughout, as in the file
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", activation="relu",
                                name=f"conv{index}")(x)
        if index in (1, 2, 5):
            x = keras.layers.MaxPooling2D(3, strides=2, name=f"pool{index}")(x)
    return keras.Model(inputs, x, name="benchmark_alexnet")


benchmark_flops = counting.totals(counting.layer_table(google_benchmark_network()))["flops"]
alexnet_flops = counting.totals(counting.layer_table(models.alexnet()))["flops"]
print(f"{benchmark_flops / 1e9:.2f} GFLOPs per image, {benchmark_flops / alexnet_flops:.0%} of our AlexNet's")

# %% [markdown]
# The docstring's timings are for a batch of **128**. Its "forward-backward" rows compute the
# gradients with no update: the course's `gradients` step. Converted per image and per FLOP
# (3 forward passes of arithmetic for the gradients, as the harness counts them):

# %%
benchmark_published = [  # github.com/tensorflow/models tutorials/image/alexnet/alexnet_benchmark.py, docstring
    ("Tesla K40c", "forward", 145, 1.5), ("Titan X", "forward", 70, 0.1),
    ("Tesla K40c", "gradients", 480, 48), ("Titan X", "gradients", 244, 30)]  # ms per batch of 128, +/- ms
published_rows = {}
for gpu, mode, ms_per_batch, spread in benchmark_published:
    images_per_s = 128 / (ms_per_batch / 1e3)
    tflops = benchmark_flops * timing.FLOPS_FACTOR[mode] * images_per_s / 1e12
    published_rows[gpu, mode] = {"images_per_s": images_per_s, "tflops_per_s": tflops}
    print(f"{gpu:<10} {mode:<9} {ms_per_batch:>3} +/- {spread:>4} ms/batch = {ms_per_batch / 128:.2f} ms/image, "
          f"{images_per_s:6.0f} images/s, {tflops:.1f} TFLOP/s")

# %% [markdown]
# Per image, not per batch, is the only fair comparison across batch sizes; per FLOP, the
# only fair one across networks (this one does about half our AlexNet's arithmetic).
#
# ### Results files, with their provenance
# Big networks take minutes per step on this CPU, and no GPU is in CI. So their timings are
# measured once by `python -m support.bench` and stored in `course/results/` with their
# **provenance**: device, backend, versions, date, the command, and the machine's load.
# Every file is validated here (a missing field or an impossible value is refused), and each
# row must describe the course's model as it is today: `results.check_flops` (same
# parameters as Keras counts, same input shape, same FLOPs) runs on every network when the
# side-by-side section below builds it. The files, newest last:

# %%
# NBVAL_IGNORE_OUTPUT
records = results.load_results("bench")
for record in records:
    results.validate_bench_record(record)
for record in records:
    provenance = record["provenance"]
    print(f"{provenance['date'][:16]}  {results.short_device(record):<20} {provenance['backend']:<10} "
          f"batch {record['settings']['batch_size']:>2}, {record['settings']['steps']} steps, load "
          f"{provenance['load_average']:.1f}: {', '.join(sorted({row['model'] for row in record['results']}))}")
    predict = record["predict_on_batch"]
    rate = record["matmul"]["float32"]["tflops_per_s"]
    rate = f"{rate:.0f} TFLOP/s" if rate >= 10 else f"{1e3 * rate:.0f} GFLOP/s"
    print(f"{'':<18}matmul {rate}; {predict['model']} "
          f"predict_on_batch (NumPy) / compiled step: {predict['numpy_over_compiled']:.2f}")
gpu_records = [record for record in records if results.is_gpu(record)]
print("GPU results files:", len(gpu_records) or "none; every GPU row of this notebook stays empty")

# %% [markdown]
# The CPU files were measured on the course's 2-core CPU, the three GPU files on an NVIDIA
# H200 (Keras on JAX, on 2026-12-04; `course/results/README.md` says how each was checked).
# Two figures under each file say how fast the machine was:
# the load average (processes waiting for the CPU: other work sharing it) and the
# **matrix-product rate**, the FLOP/s of one large compiled matrix product timed in the same
# run (`timing.matmul_rate`). This is a shared virtual machine, and its speed changed between
# the days, whatever the load: compare the rates printed. A file's rows are read against its
# own rate (the column `%matmul`: the row's TFLOP/s as a share of it). The `predict_on_batch`
# ratios lie near 1 or below it on the CPU: there it was not reliably slower than the
# compiled step. On the GPU, where a step takes milliseconds, they are 2.21 (VGG16), 2.72
# (VGG A) and 5.50 (Inception v3, with its many layers): Keras's work per call and the copy of
# a NumPy batch cost more than the compiled step. The `bench_table` of the newest file that
# timed AlexNet, its AlexNet and VGG16 rows (`mixed_bfloat16` rows compute in a 16-bit format,
# bfloat16, that the section on precision defines):

# %%
# NBVAL_IGNORE_OUTPUT
with_alexnet = [record for record in records if any(row["model"] == "alexnet" for row in record["results"])]
print(results.bench_table(with_alexnet[-1:], models=["alexnet", "vgg_D"]))

# %% [markdown]
# ### Does the harness add time of its own?
# A harness that wrapped the step in extra work would time itself. So the bench command
# alternates rounds of the harness's step with rounds of `timing.bare_step`, the same step
# written as plainly as the backend allows (`jax.jit` of `model.stateless_call`, or a
# `tf.function` with a `GradientTape`), on the same batch. The ratio of their medians should
# be 1:

# %%
# NBVAL_IGNORE_OUTPUT
harness, checks = results.harness_table(records)
print(harness)
assert checks, "no results file has a harness check: run python -m support.bench"
for record, check in checks:  # on a GPU the course's bar is 10%; a shared 2-core CPU is noisier
    assert check["harness_over_bare"] <= (1.10 if results.is_gpu(record) else 1.25), check

# %% [markdown]
# On the H200 the four ratios lie between 0.987 and 1.011: the harness's step and the bare
# `jax.jit` step take the same time, within the course's 10% bar (asserted for GPU files; the
# shared CPU gets 25%).
#
# ### Where a training step's time goes
# In arithmetic, a training step costs about three forward passes: the forward pass, then
# the gradients with respect to the activations and to the weights, each about as many FLOPs
# as the forward pass. Time is not arithmetic. Files run with `--modes forward gradients train`
# split the step: backward = gradients − forward, update = train − gradients (medians; the
# update is a small difference of two measured times, so it comes with its standard error):

# %%
# NBVAL_IGNORE_OUTPUT
for record, model, parts in results.step_breakdowns(records, ["alexnet", "vgg_D"]):
    backward_forwards = parts["backward_ms"] / parts["forward_ms"]
    update_share = parts["update_ms"] / parts["train_ms"]
    print(f"{results.short_device(record):<20} {record['provenance']['backend']:<10} {model:<8} "
          f"train = {parts['train_ms'] / parts['forward_ms']:.1f} forwards; backward {backward_forwards:.1f} "
          f"forwards; update {update_share:5.1%} ± {parts['update_error_ms'] / parts['train_ms']:.1%}")
    if not results.is_gpu(record):
        assert 2 <= backward_forwards <= 5 and -0.05 < update_share < 0.15, (model, parts)
plots.plot_step_breakdown(records, ["alexnet", "vgg_D"])

# %% [markdown]
# On the course's CPU the backward pass costs two to five forwards (asserted for every CPU
# file), more than the count's two: the backward convolutions reach fewer FLOP/s than the
# forward ones. That, not the update, is why a training step measures more forward passes
# than three (the first ratio printed). The update stays under 15% of the step (asserted for
# the CPU files), even for VGG16's 138 million weights: SGD with momentum reads and writes each weight and its velocity, memory
# traffic with little arithmetic. A difference of two times can come out negative: the two
# steps are compiled separately, and XLA fuses the update into the backward pass. Such an
# update is drawn as zero, with its measured share in the label.
#
# On the H200 (float32) the backward pass costs 3.9 forwards for VGG16 and 2.0 for AlexNet,
# and the update 2.7% and 14.1% of the step. A large share for AlexNet, since its step is
# short (2.91 ms): its 62.4 million weights, most of them in the dense layers, are read and
# written in a memory-bound pass. `course/results/README.md`
# goes further on VGG16: a profile of its step, kernel by kernel.

# %% [markdown]
# ## The course's networks side by side
# Every network of the course, built at its input size, counted from its layers:
# parameters, FLOPs per image (a multiply-add counts as 2), and activation memory per image
# (every layer's output in float32, what a training step keeps for its backward pass).
# Keras counts the parameters too (asserted equal):

# %%
names = {"lenet5": "LeNet-5", "alexnet": "AlexNet", "vgg_A": "VGG A (11)", "vgg_B": "VGG B (13)",
         "vgg_C": "VGG C (16, 1x1)", "vgg_D": "VGG D (16)", "vgg_E": "VGG E (19)", "googlenet": "GoogLeNet",
         "inception_v3": "Inception v3", "mnist_vgg_full": "MNIST VGG"}
sizes = {}
for name in names:
    model = models.BUILDERS[name]()
    totals = counting.totals(counting.layer_table(model))
    assert totals["params"] == model.count_params(), name
    for record in [record for record in records if any(row["model"] == name for row in record["results"])]:
        results.check_flops(record, model)  # the file's rows describe this model
    sizes[name] = {"input": "x".join(map(str, model.input_shape[1:])), "params": totals["params"],
                   "flops": totals["flops"], "activation_mb": totals["activation_bytes"] / 1e6}
    del model
    keras.backend.clear_session()

# %%
for name, size in sizes.items():
    print(f"{names[name]:<16} {size['input']:>9} {size['params'] / 1e6:8.3g} M params {size['flops'] / 1e9:8.3g} "
          f"GFLOPs {size['activation_mb']:7.3g} MB")
print(f"VGG D: {sizes['vgg_D']['flops'] / sizes['alexnet']['flops']:.0f} x AlexNet's FLOPs; GoogLeNet: "
      f"{sizes['googlenet']['params'] / sizes['vgg_D']['params']:.0%} of VGG D's parameters, "
      f"{sizes['googlenet']['flops'] / sizes['vgg_D']['flops']:.0%} of its FLOPs")

# %% [markdown]
# VGG D does many times AlexNet's arithmetic, and GoogLeNet has a few percent of VGG D's
# parameters (the ratios are printed): a network's parameters say little about its FLOPs,
# and activation memory follows neither. The VGG paper's Table 2 gives the
# parameters of A to E in millions, and `keras.applications.VGG16` builds VGG D without
# weights to compare with:

# %%
vgg_table2 = {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144}  # Simonyan and Zisserman 2015, Table 2
for config, millions in vgg_table2.items():
    assert round(sizes[f"vgg_{config}"]["params"] / 1e6) == millions, config
reference = keras.applications.VGG16(weights=None)
assert reference.count_params() == sizes["vgg_D"]["params"]
print(f"VGG A-E match Table 2; keras.applications.VGG16: {reference.count_params():,} parameters")
del reference
keras.backend.clear_session()

# %% [markdown]
# ### Time per image on this machine
# The files' rows on the notebook's backend: for each network the newest file that timed it,
# its time per image forward and per training step, and the share of the file's own measured
# matrix-product rate (defined with the files above: the reference a network's FLOP/s are
# read against):

# %%
backend = keras.backend.backend()
measured = {}  # model -> mode -> (row, record), the newest file of this backend
for record in records:
    if record["provenance"]["backend"] == backend:
        for row in record["results"]:
            if row["precision"] == "float32":
                measured.setdefault(row["model"], {})[row["mode"]] = (row, record)


def per_image_line(name, rows, source):
    """One line of the table: ms per image forward and per training step, % of the matmul rate."""
    forward, train = rows["forward"], rows["train"]
    return (f"{names[name]:<16} {forward['median_ms'] / forward['batch_size']:9.2f} ms "
            f"{train['median_ms'] / train['batch_size']:9.2f} ms {100 * forward['fraction_of_matmul']:5.1f}% "
            f"{100 * train['fraction_of_matmul']:5.1f}%   {source}")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"{'network':<16} {'forward':>12} {'train step':>12} {'%matmul f/t':>12}   source")
for name in names:
    if name in measured and {"forward", "train"} <= set(measured[name]):
        (forward, record), (train, _) = measured[name]["forward"], measured[name]["train"]
        source = (f"file of {record['provenance']['date'][:10]}, batch {forward['batch_size']}, matmul "
                  f"{1e3 * record['matmul']['float32']['tflops_per_s']:.0f} GFLOP/s")
        print(per_image_line(name, {"forward": forward, "train": train}, source))
    else:
        print(f"{names[name]:<16} not in any {backend} results file")

# %% [markdown]
# These rows come from files; the source column gives each file's date, batch and
# matrix-product rate. The files were measured on different days, and this shared machine's
# speed changed between them: the matrix product ran at different rates (printed). So times
# per image compare only within one file. The share of the matrix-product rate, timed in the
# same run, compares better across files. That rate is an empirical ceiling, one routine's
# speed on one day, not the processor's peak (cores x clock x FLOPs per cycle): a convolution
# routine can run faster than it, and a file whose matrix product ran slowly that day shows
# shares above 100%. LeNet-5 and the MNIST VGG are small
# enough to time here, live, at a batch of `settings.live_batch`, against a matrix product
# timed now:

# %%
# NBVAL_IGNORE_OUTPUT
live_matmul = timing.matmul_rate(size=settings.matmul_size, steps=settings.steps, warmup=settings.warmup)
live = {}
for name in ("lenet5", "mnist_vgg_full"):
    model = models.BUILDERS[name]()
    live[name] = {}
    for mode in ("forward", "train"):
        step = timing.benchmark(model, settings.live_batch, mode, steps=settings.steps, warmup=settings.warmup)
        live[name][mode] = {"median_ms": 1e3 * step["median_s"], "batch_size": step["batch_size"],
                            "fraction_of_matmul": step["gflops_per_s"] / (1e3 * live_matmul["tflops_per_s"])}
    print(per_image_line(name, live[name], f"live, batch {settings.live_batch}"))
print(f"matrix product {live_matmul['size']}x{live_matmul['size']}: {1e3 * live_matmul['tflops_per_s']:.0f} GFLOP/s")
print(hardware.load_line())

# %%
# NBVAL_IGNORE_OUTPUT
big = [measured[name]["forward"][0]["fraction_of_matmul"] for name in ("alexnet", "vgg_D", "inception_v3")
       if name in measured and "forward" in measured[name]]
print(f"LeNet-5 forward, live: {live['lenet5']['forward']['fraction_of_matmul']:.1%} of the matmul rate; "
      f"AlexNet, VGG D, Inception v3 in the files: {', '.join(f'{share:.0%}' for share in big)}")
assert big and live["lenet5"]["forward"]["fraction_of_matmul"] < 0.5 * min(big)

# %% [markdown]
# Per image, time follows FLOPs only roughly. The big networks reach a good share of the
# matrix-product rate, LeNet-5 a small one (asserted: less than half of the smallest of
# theirs): each of its steps is too small to keep the cores busy, and its per-step cost is
# shared by few FLOPs. Where a file and a live measurement cover the same network, they
# differ by more than noise: another day's machine speed (the matrix-product rates printed),
# another batch (the source column), and a smaller matrix product as the live reference
# (`settings.matmul_size`).

# %% [markdown]
# ### Time per image on a GPU
# The GPU files come from an NVIDIA H200, with Keras on JAX. JAX computes float32
# convolutions and matrix products in **TF32** on such a GPU by default (JAX's documentation,
# "Matmul precision"): inputs rounded to 10 fraction bits, products summed in float32, on the
# **tensor cores**, units that do small matrix products in one instruction (the roofline
# section comes back to them). The float32 matrix product's rate
# shows it: above the 66.9 TFLOP/s of the chip's plain float32 units (NVIDIA's H100 SXM
# specification; the H200 has the same chip). Per image, medians, and the share of the file's
# matrix-product rate (from the median, as every rate):

# %%
# NBVAL_IGNORE_OUTPUT
gpu_measured = {}  # (model, precision) -> mode -> (row, record), from the GPU files
for record in gpu_records:
    assert record["matmul"]["float32"]["tflops_per_s"] > 66.9, "float32 products without TF32?"
    for row in record["results"]:
        gpu_measured.setdefault((row["model"], row["precision"]), {})[row["mode"]] = (row, record)


def gpu_line(name, precision):
    """Microseconds per image forward and per training step, and their shares of the matmul rate."""
    forward, train = (gpu_measured[name, precision][mode][0] for mode in ("forward", "train"))
    return (f"{names[name]:<16} {1e3 * forward['median_ms'] / forward['batch_size']:8.1f} µs "
            f"{1e3 * train['median_ms'] / train['batch_size']:9.1f} µs "
            f"{forward['fraction_of_matmul']:6.1%} {train['fraction_of_matmul']:6.1%}")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"{'network':<16} {'forward':>11} {'train step':>12} {'%matmul f/t':>13}   (float32, i.e. TF32, batch 32)")
for name in names:
    if (name, "float32") in gpu_measured:
        print(gpu_line(name, "float32"))

# %% [markdown]
# On the H200 a VGG16 image costs 114.8 µs forward and 576.7 µs per training step. The VGGs
# reach 61.9% to 80.0% of the float32 matrix product's rate forward and 38.0% to 48.4% per
# training step, VGG E the most of them. GoogLeNet and Inception v3, built of many smaller
# convolutions, reach 13.8% and 22.8% forward: Inception v3 does fewer than half of VGG16's
# FLOPs per image (the sizes above) and takes longer per image. LeNet-5's share rounds to
# 0.0%: a step of about 0.2 ms that does almost no arithmetic. On a GPU, even more than on a
# CPU, time follows FLOPs only for networks large enough to fill the device.

# %% [markdown]
# ### Published ImageNet error
# Each network's ILSVRC-2012 validation error as its paper reports it, single network.
# Evaluation protocols differ (AlexNet averages ten crops; VGG's Table 3 evaluates densely at
# one scale; GoogLeNet and Inception v3 one crop), so the points are indicative, not a
# controlled comparison. LeNet-5 and the MNIST VGG were not trained on ImageNet.

# %%
published = {  # network: (top-1 %, top-5 %, source); None where the paper gives no figure
    "alexnet": (40.7, 18.2, "Krizhevsky et al. 2012, Table 2, 1 CNN"),
    **{f"vgg_{config}": (*errors, "Simonyan and Zisserman 2015, Table 3, S = Q = 256")
       for config, errors in {"A": (29.6, 10.4), "B": (28.7, 9.9), "C": (28.1, 9.4),
                              "D": (27.0, 8.8), "E": (27.3, 9.0)}.items()},
    "googlenet": (None, 10.07, "Szegedy et al. 2015, Table 3, 1 model, 1 crop"),
    "inception_v3": (21.2, 5.6, "Szegedy et al. 2016, Table 3, Inception-v3, single crop"),
}
for name, (top1, top5, source) in published.items():
    print(f"{names[name]:<16} top-1 {top1 if top1 else '  - '}%  top-5 {top5:5.2f}%  ({source})")

# %%
def readable_log(axis, which="x"):
    """A log scale on `which` ("x", "y" or "xy") with ticks at 1, 2 and 5 per decade, written plainly."""
    for name in which:
        getattr(axis, f"set_{name}scale")("log")
        scale = getattr(axis, f"{name}axis")
        scale.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        scale.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        scale.set_minor_formatter(matplotlib.ticker.NullFormatter())

# %%
figure, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for axis, quantity, unit, label in ((axes[0], "flops", 1e9, "GFLOPs per image"),
                                    (axes[1], "params", 1e6, "parameters, millions")):
    for name, (top1, top5, _) in published.items():
        x = sizes[name][quantity] / unit
        axis.plot(x, top5, "o", color="tab:blue")
        if top1:
            axis.plot(x, top1, "s", color="tab:orange")
        text = "VGG A-E" if quantity == "params" and name.startswith("vgg") else names[name].split(" (")[0]
        if quantity == "flops" or not name.startswith("vgg") or name == "vgg_D":
            axis.annotate(text, (x, top5), textcoords="offset points", fontsize=7,
                          xytext=(4, 5) if name in ("vgg_B", "vgg_D") else (4, -10))
    axis.set(xlabel=f"{label} (log scale)", title=f"Published error against {label.split(',')[0].split()[0]}")
    readable_log(axis)
axes[0].set_ylabel("ImageNet validation error (%)")
axes[0].legend(handles=[plt.Line2D([], [], marker=m, ls="", color=c, label=t) for m, c, t in
                        (("s", "tab:orange", "top-1"), ("o", "tab:blue", "top-5"))], fontsize=8)
plt.tight_layout()

# %% [markdown]
# Against FLOPs (left): GoogLeNet reaches about VGG A's top-5 error with a fraction of its
# FLOPs, and Inception v3 has a lower error than every VGG with less arithmetic than the
# smallest of them. Against parameters (right) the VGG points sit together (labelled once):
# five depths of one design, whose parameters are mostly in the same three dense layers
# (notebook 03); GoogLeNet and Inception v3 replaced those by global average pooling. The
# protocols differ (above), so read the gaps of a point or so as no gap at all.

# %% [markdown]
# ## How cost grows
# The FLOPs of a step grow in proportion to the batch, and for a convolutional network in
# proportion to the number of pixels. Time does so only where the device is kept busy.
# First the batch: LeNet-5's forward step at several batch sizes, time per image:

# %%
# NBVAL_IGNORE_OUTPUT
lenet = models.lenet5()
batch_ms = {}
for batch in settings.batches:
    step = timing.benchmark(lenet, batch, "forward", steps=settings.steps, warmup=settings.warmup)
    batch_ms[batch] = 1e3 * step["median_s"]
    print(f"batch {batch:>4}: {batch_ms[batch]:8.3f} ms per step, {batch_ms[batch] / batch * 1e3:8.2f} µs per image")
smallest, largest = settings.batches[0], settings.batches[-1]
assert batch_ms[largest] / largest < 0.5 * batch_ms[smallest] / smallest  # a batch amortises the step's fixed cost
print(hardware.load_line())

# %% [markdown]
# The FLOPs per image are the same at every batch, yet the time per image falls severalfold
# (asserted: by more than half) from batch 1 to the largest: a step has a fixed cost (calling
# the compiled function, starting the threads, reading the weights), which a small batch
# pays for few images. Next the image: the small MNIST VGG of notebook 05 ends in global
# average pooling, so it accepts any image size. Its FLOPs grow with the pixels:

# %%
# NBVAL_IGNORE_OUTPUT
image_rows = []
for side in settings.image_sizes:
    model = models.mnist_vgg("small", input_shape=(side, side, 1))
    step = timing.benchmark(model, 8, "forward", steps=settings.steps, warmup=settings.warmup)
    image_rows.append({"side": side, "flops": step["flops_per_image"], "ms": 1e3 * step["median_s"] / 8})
    print(f"{side:>3}x{side:<3}: {step['flops_per_image'] / 1e6:7.1f} MFLOPs, {image_rows[-1]['ms']:7.3f} ms "
          f"per image, {step['gflops_per_s']:6.1f} GFLOP/s")
flop_growth = image_rows[-1]["flops"] / image_rows[0]["flops"]
print(f"{image_rows[0]['side']} -> {image_rows[-1]['side']} pixels a side: FLOPs x {flop_growth:.0f}, "
      f"time x {image_rows[-1]['ms'] / image_rows[0]['ms']:.0f}")
print(hardware.load_line())

# %%
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

# %% [markdown]
# Left: per image, time falls with the batch (on a shared CPU the curve can wobble from run
# to run), and flattens
# once the fixed cost is shared by enough images. Right: the dashed line is time proportional to FLOPs, starting from the
# smallest image. The ratio of the two growths is printed above; where the measured line
# runs below the dashed one, the bigger images kept the cores busier (more FLOP/s), the
# batch effect again, per pixel. Linear in FLOPs is the rule only for steps large enough to
# fill the device.

# %% [markdown]
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

# %%
from support import roofline

show.source(roofline.layer_rows)

# %% [markdown]
# $P$ is this machine's matrix-product rate, timed above; $W$ is measured here with
# `roofline.copy_bandwidth`, a compiled `x + 1` over an array far larger than the caches
# (each step reads and writes every value):

# %%
# NBVAL_IGNORE_OUTPUT
bandwidth = roofline.copy_bandwidth(megabytes=settings.copy_megabytes, steps=settings.steps, warmup=settings.warmup)
compute_rate = 1e12 * live_matmul["tflops_per_s"]
ridge = compute_rate / bandwidth["bytes_per_s"]
print(f"P = {compute_rate / 1e9:.0f} GFLOP/s (matrix product), W = {bandwidth['gb_per_s']:.1f} GB/s (copy of "
      f"{bandwidth['megabytes']} MiB): ridge point at {ridge:.1f} FLOPs per byte")
print(hardware.load_line())

# %% [markdown]
# Per layer type of VGG16 and Inception v3, one image: the share of the FLOPs, the share of
# the bytes, and the middle (median) intensity of the type's layers, against the ridge:

# %%
networks = {name: models.BUILDERS[name]() for name in ("vgg_D", "inception_v3")}
for name, model in networks.items():
    rows = roofline.layer_rows(model, batch_size=1)
    flops, moved = sum(row["flops"] for row in rows), sum(row["bytes"] for row in rows)
    print(f"{names[name]}: {'type':<28}{'FLOPs':>7}{'bytes':>7}{'FLOPs/byte':>11}")
    for kind in sorted({row["type"] for row in rows if row["flops"]}):
        typed = [row for row in rows if row["type"] == kind]
        print(f"{'':<14}{kind:<28}{sum(r['flops'] for r in typed) / flops:7.1%}{sum(r['bytes'] for r in typed) / moved:7.1%}"
              f"{np.median([r['intensity'] for r in typed]):11.2f}")

# %% [markdown]
# The convolutions do nearly all the FLOPs, at intensities of tens to hundreds of FLOPs per
# byte (the medians printed), right of the ridge: they can run near the matrix-product
# rate. Pooling, batch normalisation and activations do about one FLOP per byte or less: far
# left of the ridge, they are limited by memory, whatever the processor's speed. The dense
# layers at one image do about half a FLOP per byte (each 4-byte weight is used for one
# multiply-add); with a batch of $n$ images each weight is used $n$ times:

# %%
# NBVAL_IGNORE_OUTPUT
fc1 = {batch: next(row for row in roofline.layer_rows(networks["vgg_D"], batch_size=batch) if row["name"] == "fc1")
       for batch in (1, 8, 64, 512)}  # 64 is exercise 3's, not printed
for batch, row in [(batch, row) for batch, row in fc1.items() if batch != 64]:
    side = "memory-bound" if row["intensity"] < ridge else "compute-bound"
    print(f"fc1 (25,088 -> 4,096), batch {batch:>3}: {row['intensity']:7.2f} FLOPs per byte: {side} here")
assert fc1[1]["intensity"] < 0.5 < fc1[8]["intensity"]  # 2 FLOPs per 4-byte weight at batch 1, more with a batch

# %% [markdown]
# So a small-batch dense layer is memory-bound, and grows compute-bound as the batch grows
# (where it crosses depends on this machine's ridge, printed above). The roofline of both
# networks at the batch of the results files, with each network as a whole drawn as a star
# at its measured forward rate (from the files) and its total intensity. The compute roof
# here is each file's own matrix-product rate, measured in the same run as the network. The
# files hold no memory bandwidth, so the bandwidth roof is the $W$ measured above, today:
# the two roofs come from different runs, and the ridge they give is printed:

# %%
# NBVAL_IGNORE_OUTPUT
figure, axes = plt.subplots(1, 2, figsize=(12, 4.4))
checked = {}
for axis, name in zip(axes, ("vgg_D", "inception_v3")):
    row, record = measured[name]["forward"]
    file_rate = 1e12 * record["matmul"]["float32"]["tflops_per_s"]
    rows = roofline.layer_rows(networks[name], batch_size=row["batch_size"])
    intensity = roofline.total_intensity(rows)
    checked[name] = (1e12 * row["tflops_per_s"], roofline.attainable(intensity, file_rate, bandwidth["bytes_per_s"]))
    roofline.plot_roofline(rows, file_rate, bandwidth["bytes_per_s"], ax=axis,
                           title=f"{names[name]}, forward, batch {row['batch_size']}",
                           measured=[("whole network, measured", intensity, checked[name][0])])
    print(f"{names[name]}: P = {file_rate / 1e9:.0f} GFLOP/s (its file), W = {bandwidth['gb_per_s']:.1f} GB/s "
          f"(today): ridge at {file_rate / bandwidth['bytes_per_s']:.1f} FLOPs per byte")
del networks
keras.backend.clear_session()
plt.tight_layout()

# %% [markdown]
# Each dot is a layer at the rate the roof allows it; the star is the network as measured.
# The check: the roof is built from two measured rates, empirical ceilings rather than the
# hardware's peaks, so a network can pass it by a little; the assertion allows 15% (also for
# a shared CPU's noise), and the measured rates are printed against it:

# %%
# NBVAL_IGNORE_OUTPUT
for name, (measured_rate, roof) in checked.items():
    print(f"{names[name]}: measured {measured_rate / 1e9:.0f} GFLOP/s, roof at its intensity {roof / 1e9:.0f} "
          f"GFLOP/s: {measured_rate / roof:.0%} of it")
    assert measured_rate <= 1.15 * roof  # no faster than the roof (15% for a shared CPU's noise)

# %% [markdown]
# Both networks run at a large share of their roof (the shares printed): their time goes
# into convolutions, which are compute-bound. The memory-bound
# layers (pooling, batch normalisation, activations) are many but small, and XLA fuses
# chains of element-wise layers (a batch normalisation and its ReLU) into one pass over
# memory, so fewer of their bytes travel than counted (while cache misses can add bytes the
# count leaves out). On a
# GPU both rates differ from this CPU's, and the ridge moves with them. Recent GPUs have
# **tensor cores**, units that do small matrix products in one instruction, in 16-bit or
# other reduced precisions; they raise $P$ far more than $W$, so the ridge usually moves to
# the right, which gives the memory-bound layers a larger share of the time. Measure both
# rates there with the same two functions.

# %% [markdown]
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

# %%
import ml_dtypes

formats = {"float32": np.finfo(np.float32), "float16": np.finfo(np.float16),
           "bfloat16": ml_dtypes.finfo(ml_dtypes.bfloat16)}
for name, info in formats.items():
    print(f"{name:<9} epsilon 2^{int(np.log2(float(info.eps)))}, largest {float(info.max):.5g}, smallest normal "
          f"{float(info.smallest_normal):.2g}, smallest subnormal {float(info.smallest_subnormal):.2g}")
assert [int(np.log2(float(info.eps))) for info in formats.values()] == [-23, -10, -7]  # the fraction bits

# %% [markdown]
# Rounding through each type shows what those figures mean, on numbers chosen away from the
# half-way points between two numbers of a format (there a tie is broken towards an even last
# bit, which would show the tie rule, not the resolution):

# %%
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

# %% [markdown]
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

# %%
with timing.precision_policy("mixed_bfloat16"):
    dense = keras.layers.Dense(4)
    dense.build((None, 8))
print(f"mixed_bfloat16 Dense: computes in {dense.compute_dtype}, keeps its kernel in {dense.kernel.dtype}")
assert dense.compute_dtype == "bfloat16" and dense.kernel.dtype == "float32"

# %% [markdown]
# What lower precision buys depends on the hardware. A GPU with tensor cores runs float16
# products faster than float32 ones, and bfloat16 ones too from NVIDIA's Ampere generation on
# (the A100; the T4 that Colab often lends has float16 tensor cores but no bfloat16, so use
# `mixed_float16` there) (by how much is that GPU's own figure), and
# every value moved costs half the bytes; a CPU without such units may gain nothing. The
# course's CPU files hold float32 rows only. On the H200, the GPU files' `mixed_bfloat16` rows,
# per image, and the ratio of each median to the float32 (TF32) one:

# %%
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
vgg_record = gpu_measured["vgg_D", "float32"]["train"][1]
print("VGG16, batch 32, medians:", ", ".join(f"{p} {m} {ms:.2f} ms" for (p, m), ms in vgg16.items()))
rates = {precision: vgg_record["matmul"][precision]["tflops_per_s"] for precision in ("float32", "mixed_bfloat16")}
print("its file's matrix products:", ", ".join(f"{p} {rate:.0f} TFLOP/s" for p, rate in rates.items()))

# %% [markdown]
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

# %% [markdown]
# ## Summary
# * Time a compiled step, after warm-up (the first step compiles), synchronised, on a batch
#   already on the device; report per image, with the median and the sample deviation.
# * The source posts' benchmark used the population deviation in a one-pass formula, and
#   copies of it summed a tenth of the steps: check how a published figure was computed.
# * Results files carry their provenance; the harness is checked against a bare step; a
#   training step of AlexNet or VGG16 measures more than three forward passes on this CPU,
#   its update little.
# * On an NVIDIA H200 (Keras on JAX), VGG16 takes 9.70 ms per training step and 2.43 ms per
#   forward pass for a batch of 32 in mixed bfloat16, 0.53 and 0.66 of its float32 (TF32)
#   times; GoogLeNet and the small networks gain nothing from bfloat16, or lose.
# * Per image, VGG D costs many AlexNets in FLOPs and GoogLeNet a small fraction of VGG D,
#   at similar error: FLOPs and parameters are different costs, and neither predicts the
#   error.
# * Time per image falls with the batch until the device is busy; it follows FLOPs only
#   then. The roofline says which layers are limited by arithmetic and which by memory.
# * float16 and bfloat16 halve the bytes; bfloat16 keeps float32's range, float16 keeps more
#   digits than bfloat16 (about 3 against 2 to 3) in a much smaller range.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is.
#
# 1. How many GFLOPs does one training step of VGG E (19 layers) cost for a batch of 32,
#    counted as the harness counts them? Give it to 3 significant figures.
#
#    *Hint:* the side-by-side table gives forward FLOPs per image; a training step counts 3.

# %%
answer = None  # your answer: GFLOPs of one training step of VGG E, batch 32
exercises.check(answer, timing.FLOPS_FACTOR["train"] * 32 * sizes["vgg_E"]["flops"] / 1e9, relative_tolerance=5e-3)

# %% [markdown]
# 2. Step times of 10, 11 and 12 ms: what is their sample standard deviation in ms?
#
#    *Hint:* divide the sum of squared differences from the mean by $n - 1$.

# %%
answer = None  # your answer: the sample standard deviation, in ms
exercises.check(answer, statistics.stdev([10.0, 11.0, 12.0]))

# %% [markdown]
# 3. What is the arithmetic intensity of VGG16's fc1 for a batch of 64, in FLOPs per byte
#    (to 2 significant figures), counted as `support.roofline` counts it?
#
#    *Hint:* FLOPs $2 \cdot 64 \cdot 25088 \cdot 4096$; bytes: the weights and biases once,
#    the 64 inputs and the 64 outputs, 4 bytes each.

# %%
answer = None  # your answer: FLOPs per byte of fc1 at batch 64
exercises.check(answer, fc1[64]["intensity"], relative_tolerance=1.6e-2)  # half a unit of the 2nd figure

# %% [markdown]
# 4. (Open.) On a GPU (Colab), time our AlexNet with `timing.benchmark` and compare your
#    images per second with the Titan X's, per image and per FLOP.
#
#    *Criterion:* per image is images per second at each one's batch; per FLOP is images
#    per second times FLOPs per image (`alexnet_flops` for ours, `benchmark_flops` for the
#    network Google timed) times 1 (forward) or 3 (gradients); forward with forward, and our
#    `gradients` step with their forward-backward rows.
#
#    *A correct answer shows* your GPU's name, both rates for both modes beside the Titan X's,
#    and says which comparison favours which GPU: the networks differ in FLOPs, so the two
#    comparisons can disagree. The worked answer at the end does it with this CPU's file.
#    (No checked answer: it needs a GPU, and none is in this course's CI.)
# 5. (Open.) Repeat the batch-size measurement for the training step of the small MNIST VGG
#    (`models.mnist_vgg("small")`). From which batch on does the time per image stop falling?
#
#    *Criterion:* batches 1, 2, 4, ..., 256; the median of 10 steps each after 2 warm-up
#    steps; call the time "flat" from the first batch after which no larger batch is more
#    than 10% faster per image.
#
#    *A correct answer shows* the table of batch and µs per image, and the batch from which it
#    is flat, by that rule. The worked answer is at the end.
#
# ## Worked answer to exercise 4, with this CPU's file
# Our AlexNet from the newest file of this backend, beside the Titan X:

# %%
# NBVAL_IGNORE_OUTPUT
for mode in ("forward", "gradients"):
    if mode in measured.get("alexnet", {}):
        row, record = measured["alexnet"][mode]
        titan = published_rows["Titan X", mode]
        ours_tflops = alexnet_flops * timing.FLOPS_FACTOR[mode] * row["images_per_s"] / 1e12
        print(f"{mode:<9} {results.short_device(record)}: {row['images_per_s']:6.1f} images/s, {ours_tflops:.3f} "
              f"TFLOP/s; Titan X: {titan['images_per_s']:5.0f} images/s, {titan['tflops_per_s']:.2f} TFLOP/s; "
              f"Titan X / ours: {titan['images_per_s'] / row['images_per_s']:.0f} x per image, "
              f"{titan['tflops_per_s'] / ours_tflops:.0f} x per FLOP")

# %% [markdown]
# Per image the Titan X is faster by the first factor printed; per FLOP by the second,
# smaller one, since our AlexNet does nearly twice the arithmetic of Google's network per
# image: the two comparisons disagree by that ratio. On a GPU, do the same with your own
# `timing.benchmark` figures.
#
# ## Worked answer to exercise 5
# The small MNIST VGG's training step at batches 1 to 256 on this machine:

# %%
# NBVAL_IGNORE_OUTPUT
small_vgg = models.mnist_vgg("small")
per_image_us = {}
for batch in (1, 2, 4, 8, 16, 32, 64, 128, 256):
    step = timing.benchmark(small_vgg, batch, "train", steps=10, warmup=2)
    per_image_us[batch] = 1e6 * step["median_s"] / batch
    print(f"batch {batch:>3}: {per_image_us[batch]:8.1f} µs per image")
batches = list(per_image_us)
flat_from = next(batch for index, batch in enumerate(batches)
                 if all(per_image_us[later] >= 0.9 * per_image_us[batch] for later in batches[index + 1:]))
print(f"flat, by the rule, from batch {flat_from}" if flat_from != batches[-1] else
      f"still falling: no plateau up to batch {batches[-1]}, the largest measured")
print(hardware.load_line())

# %% [markdown]
# Where the time per image still falls, the step's fixed cost dominates. The rule needs a
# larger batch after the one it names, so it can name a plateau only below the largest batch
# measured; printed above is which. From a plateau on, this machine's cores are kept busy and
# a larger batch buys little. A GPU has far more arithmetic units to fill: expect its plateau
# at a much larger batch, and measure it there.
#
# ## References
# * Chan, T. F., Golub, G. H., and LeVeque, R. J. (1983). Algorithms for computing the sample
#   variance: analysis and recommendations. *The American Statistician*, 37(3), 242–247.
# * Krizhevsky, A., Sutskever, I., and Hinton, G. E. (2012). ImageNet classification with
#   deep convolutional neural networks. *Advances in Neural Information Processing Systems 25
#   (NIPS 2012)*, 1097–1105. (Table 2.)
# * Simonyan, K., and Zisserman, A. (2015). Very deep convolutional networks for large-scale
#   image recognition. *ICLR 2015*. arXiv:1409.1556. (Tables 2 and 3.)
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., and Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*, 1–9. (Table 3.)
# * Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., and Wojna, Z. (2016). Rethinking the
#   Inception architecture for computer vision. *CVPR 2016*, 2818–2826. (Table 3.)
# * LeCun, Y., Bottou, L., Bengio, Y., and Haffner, P. (1998). Gradient-based learning applied
#   to document recognition. *Proceedings of the IEEE*, 86(11), 2278–2324.
# * Williams, S., Waterman, A., and Patterson, D. (2009). Roofline: an insightful visual
#   performance model for multicore architectures. *Communications of the ACM*, 52(4), 65–76.
# * Micikevicius, P., Narang, S., Alben, J., Diamos, G., Elsen, E., Garcia, D., Ginsburg, B.,
#   Houston, M., Kuchaiev, O., Venkatesh, G., and Wu, H. (2018). Mixed precision training.
#   *ICLR 2018*. arXiv:1710.03740.
# * Kalamkar, D., et al. (2019). A study of BFLOAT16 for deep learning training.
#   arXiv:1905.12322.
# * IEEE (2019). IEEE Standard for Floating-Point Arithmetic, IEEE Std 754-2019.
# * Software cited: TensorFlow's `alexnet_benchmark.py` (github.com/tensorflow/models,
#   `tutorials/image/alexnet/`); soumith/convnet-benchmarks, pull request #115; Keras's
#   mixed precision guide (keras.io).

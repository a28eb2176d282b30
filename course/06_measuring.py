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
# # 06 · Measuring networks: timing done right, and the course's networks side by side
#
# Notebooks 01 to 04 counted parameters and FLOPs. This one measures time: how to time a
# network, what the source posts' benchmark got wrong, then the course's networks side by
# side. Part 2, [notebook 06b](06b_measuring_roofline.ipynb), goes on with how the cost
# grows, a roofline, GPUs and lower precision.
#
# **You will learn to**
# * time a compiled step correctly: warm-up and compilation, synchronisation, per image, with
#   mean, sample deviation and median; and find the mistakes in a published benchmark;
# * read a results file with its provenance, and check that a harness adds no time of its own;
# * split a training step's time into forward pass, backward pass and update;
# * compare networks per image: parameters, FLOPs, activation memory, time, the share of the
#   device's matrix-product rate, and published error.
#
# **Prerequisites.** Notebooks 01 to 04 (parameter and FLOP counts; LeNet-5, AlexNet, VGG,
# GoogLeNet and Inception v3); Python, NumPy, Keras.
#
# **Run time.** 20 to 33 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`); most of it builds the ten networks and times the small ones. It
# has not been run on a GPU; the settings cell prints an estimate of its GPU settings on a
# Colab T4, marked as one. The big networks' timings come from results files, measured by
# `python -m support.bench` on the CPU and on an NVIDIA H200 (there VGG16 takes a median
# 18.46 ms per training step for a batch of 32 in float32).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. No data set is needed.

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

import math
import statistics

import keras
import matplotlib.pyplot as plt
import matplotlib.ticker

from support import counting, exercises, hardware, models, plots, results, show, sizing, timing

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown] slideshow={"slide_type": "skip"}
# On a GPU the live timings use more steps and larger batches; on a CPU a few steps of the
# small networks only.

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"steps": 10, "warmup": 2, "matmul_size": 1024, "live_batch": 16},
    gpu={"steps": 50, "warmup": 10, "matmul_size": 4096, "live_batch": 128},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("06", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
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
#    that TensorFlow and JAX use to fuse operations into fewer, faster kernels).
# 3. **The clock is read after the device has finished.** A GPU (and JAX on any device) runs
#    asynchronously: a call returns as soon as the work is queued, so the clock must wait.
#
# The loop that applies rules 2 and 3, and the synchronisation it calls:

# %% slideshow={"slide_type": "-"}
show.source(timing.time_calls)

# %% slideshow={"slide_type": "-"}
show.source(timing.synchronise)

# %% [markdown] slideshow={"slide_type": "notes"}
# LeNet-5's training step (notebook 01's network), batch 128. Every live timing here ends
# with the machine's load average (the number of processes running or waiting for a core,
# averaged over the last minute). The timing itself keeps the cores busy, so a load up to
# about the number of cores is a quiet machine; well above it, other work shared the cores,
# and the times are longer and more spread.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
lenet_step = timing.benchmark(models.lenet5(), batch_size=128, mode="train", steps=settings.steps,
                              warmup=settings.warmup)
print(f"{hardware.device_description()}")
print(f"first step (traces and compiles): {1e3 * lenet_step['first_step_s']:8.1f} ms")
print(f"timed steps: mean {1e3 * lenet_step['mean_s']:.2f} ± {1e3 * lenet_step['std_s']:.2f} ms, median "
      f"{1e3 * lenet_step['median_s']:.2f} ms, {lenet_step['images_per_s']:,.0f} images/s (from the median)")
assert lenet_step["first_step_s"] > sum(lenet_step["times_s"])  # compiling costs more than all the timed steps
print(hardware.load_line())

# %% [markdown] slideshow={"slide_type": "notes"}
# The first step costs many ordinary steps (asserted: more than all the timed steps
# together): a benchmark that timed it would report the compiler. The ± is the **sample standard deviation** of the step times,
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

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
predicting_lenet = models.lenet5()
cost = timing.predict_on_batch_cost(predicting_lenet, 128, steps=settings.steps, warmup=settings.warmup)
print(f"LeNet-5, batch 128: compiled step {cost['compiled_step_ms']:.2f} ms; predict_on_batch "
      f"{cost['predict_on_batch_tensor_ms']:.2f} ms (tensor), {cost['predict_on_batch_numpy_ms']:.2f} ms "
      f"(NumPy): {cost['numpy_over_compiled']:.1f} x; Keras's jit_compile: {predicting_lenet.jit_compile}")
print(hardware.load_line())

# %% [markdown] slideshow={"slide_type": "notes"}
# The ratio need not be above 1: Keras's `jit_compile="auto"` turns XLA off for TensorFlow
# on a machine without a GPU (printed), so there `predict_on_batch` runs TensorFlow's own
# kernels, while the harness's step is compiled with XLA; either can be the faster. On a GPU
# each NumPy call also copies the batch over PCIe. Time the step you mean, and measure a
# difference rather than assume it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The source posts' statistics, checked
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

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
times_s = lenet_step["times_s"]
count = len(times_s)
posts_mean, posts_sd = timing.seeds_statistics(times_s)
print(f"{count} steps: the source posts' sd {1e3 * posts_sd:.4f} ms, sample sd {1e3 * lenet_step['std_s']:.4f} ms "
      f"(ratio {posts_sd / lenet_step['std_s']:.3f}; sqrt((n-1)/n) = {math.sqrt((count - 1) / count):.3f})")
assert math.isclose(posts_mean, statistics.fmean(times_s), rel_tol=1e-9)
assert math.isclose(posts_sd, statistics.pstdev(times_s), rel_tol=1e-6)  # population, not sample
assert math.isclose(lenet_step["std_s"], statistics.stdev(times_s), rel_tol=1e-9)

# %% [markdown] slideshow={"slide_type": "notes"}
# With the source posts' 100 steps the ratio is $\sqrt{0.99}$, close to 1; with our few
# steps, further from 1. Second problem: `total_duration_squared / n - mn * mn` subtracts two nearly equal
# numbers, $\overline{t^2}$ and $\bar t^2$, whose difference is the variance. Their common digits
# cancel: float64 carries about 16 significant digits, so the result keeps about
# $16 - 2\log_{10}(\bar t / s)$ of them, and none once the mean is about $10^8$ times the
# spread. The times that `time.time()` returns are about 1.7e9 seconds since 1970, so
# summing those would lose everything. Adding a constant changes no deviation, but shows the digits lost:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
population_sd = statistics.pstdev(times_s)
for shift in (0.0, 1e3, 1e5, 1e7, 1.7e9):
    one_pass = timing.seeds_statistics([time_s + shift for time_s in times_s])[1]
    two_pass = statistics.pstdev([time_s + shift for time_s in times_s])
    print(f"times + {shift:7.1e} s: one-pass sd {1e3 * one_pass:12.4f} ms   two-pass sd {1e3 * two_pass:8.4f} ms")
assert not math.isclose(one_pass, population_sd, rel_tol=0.5)  # NaN, 0 or garbage at the last shift
assert math.isclose(two_pass, population_sd, rel_tol=1e-2)

# %% [markdown] slideshow={"slide_type": "notes"}
# The two-pass deviation (first the mean, then the squared differences from it) stays right;
# the one-pass formula returns garbage, zero, or NaN (Chan, Golub and LeVeque 1983 compare
# the algorithms and bound their errors). On real step durations both agree: the
# cancellation bites only when the values are many orders of magnitude larger than their
# spread, or summed in float32.
#
# Third problem: copies of the function moved lines. One source post printed "1.572 +/-
# 4.473 sec / batch" beside step times of about 14 s. Its two figures give back what it
# summed: $100 \cdot mn$ is the sum of the summed durations, $100 (sd^2 + mn^2)$ the sum of
# their squares. For $n$ summed durations, their mean and spread follow; only one $n$ fits:

# %% slideshow={"slide_type": "subslide"}
post_mn, post_sd = 1.572, 4.473  # printed by one source post, with num_batches = 100
print(f"the post: {post_mn} +/- {post_sd} sec / batch, num_batches = 100")
total, total_squared = 100 * post_mn, 100 * (post_sd**2 + post_mn**2)
for summed in (10, 11, 12):
    mean, variance = total / summed, total_squared / summed - (total / summed) ** 2
    spread = f"spread {math.sqrt(variance):.2f} s" if variance > 0 else "impossible: negative variance"
    print(f"{summed} durations summed: mean {mean:.2f} s, {spread}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Ten summed steps are impossible, and twelve would need steps 4 s apart; eleven steady steps
# of 14.29 s fit. Eleven is what the loop sums when its two `+=` lines sit under the print's
# `if not i % 10:` without the burn-in guard: $i = 0, 10, \ldots, 100$, the first a burn-in
# step. That loop, run on 110 steady steps at that mean, prints the post's figures:

# %% slideshow={"slide_type": "-"}
def copied_time_tensorflow_run(durations, num_batches=100):
    """The loop with the `+=` lines under `if not i % 10:` and no burn-in guard; returns (mn, sd)."""
    total_duration = total_duration_squared = 0.0
    for i, duration in enumerate(durations):
        if not i % 10:  # i = 0, 10, ..., 100: 11 steps, one of them a burn-in step ...
            total_duration += duration
            total_duration_squared += duration * duration
    mn = total_duration / num_batches  # ... divided by all 100
    return mn, math.sqrt(total_duration_squared / num_batches - mn * mn)


mn, sd = copied_time_tensorflow_run([total / 11] * 110)
print(f"110 steps of {total / 11:.2f} s: the copied loop prints {mn:.3f} +/- {sd:.3f} sec / batch")
assert abs(sd - post_sd) < 0.01  # the deviation was not fitted: it follows from summing 11

# %% [markdown] slideshow={"slide_type": "-"}
# Eleven steps summed, divided by 100: about a tenth of the step time, and a "deviation" of
# seconds from steady steps. A published fix of a related bug, soumith/convnet-benchmarks pull request #115 ("fixed TensorFlow code that
# underestimated time and overestimated variability"): `if i > num_steps_burn_in` summed 99
# steps and divided by 100. Simulated with constant 70 ms steps:

# %% slideshow={"slide_type": "-"}
def off_by_one_time_tensorflow_run(durations, num_steps_burn_in=10, num_batches=100):
    """`i > num_steps_burn_in` instead of `>=`: sums 99 steps, divides by 100; returns (mn, sd)."""
    counted = [duration for i, duration in enumerate(durations) if i > num_steps_burn_in]
    mn = sum(counted) / num_batches
    return mn, math.sqrt(sum(d * d for d in counted) / num_batches - mn * mn)


mn, sd = off_by_one_time_tensorflow_run([0.070] * 110)  # SIMULATED: every step exactly 70 ms
print(f"constant 70 ms steps: {1e3 * mn:.1f} +/- {1e3 * sd:.1f} ms / batch")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Steady steps read 1% too fast, with a spread that does not exist. Last, `time.time()`
# around `session.run` also timed fetching the results to the host.
#
# ### Published figures, per image
# The network Google's file timed (TensorFlow's `alexnet_benchmark.py`, github.com/tensorflow/models)
# is not quite AlexNet: 64-192-384-256-256 filters,
# convolutions only, 224x224 inputs with SAME padding, no LRN in the first version, whose
# docstring gives the timings below. Built here to count it:

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "-"}
# The docstring's timings are for a batch of **128**. Its "forward-backward" rows compute the
# gradients with no update: the course's `gradients` step. Converted per image and per FLOP
# (3 forward passes of arithmetic for the gradients, as the harness counts them):

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# Per image, not per batch, is the only fair comparison across batch sizes; per FLOP, the
# only fair one across networks (this one does about half our AlexNet's arithmetic).
#
# ### Results files, with their provenance
# Big networks take seconds per step on this CPU, and no GPU is in CI. So their timings are
# measured once by `python -m support.bench` and stored in `course/results/` with their
# **provenance**: device, backend, versions, date, the command, and the machine's load.
# Every file is validated here (a missing field or an impossible value is refused), and
# `results.check_flops` checks that each row describes the course's model as it is today
# (same parameters, input shape and FLOPs) when the side-by-side section builds it. The
# files, newest last:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
records = results.load_results("bench")
for record in records:
    results.validate_bench_record(record)
    provenance = record["provenance"]
    print(f"{provenance['date'][:16]}  {results.short_device(record):<20} {provenance['backend']:<10} "
          f"batch {record['settings']['batch_size']:>2}, {record['settings']['steps']} steps, load "
          f"{provenance['load_average']:.1f}: {', '.join(sorted({row['model'] for row in record['results']}))}")
    predict = record["predict_on_batch"]
    rate = record["matmul"]["float32"]["tflops_per_s"]
    rate = f"{rate:.0f} TFLOP/s" if rate >= 10 else f"{1e3 * rate:.0f} GFLOP/s"
    print(f"{'':<18}matmul {rate}; {predict['model']} "
          f"predict_on_batch (NumPy) / compiled step: {predict['numpy_over_compiled']:.2f}")
print("GPU results files:", sum(map(results.is_gpu, records)))

# %% [markdown] slideshow={"slide_type": "notes"}
# The CPU files were measured on the course's 2-core CPU, the three GPU files on an NVIDIA
# H200 (Keras on JAX; `course/results/README.md` says how each was checked). Two figures
# under each file say how fast the machine was: the load average and the
# **matrix-product rate**, the FLOP/s of one large compiled matrix product timed in the same
# run (`timing.matmul_rate`). This shared virtual machine's speed changed between the days,
# whatever the load: compare the rates printed. A file's rows are read against its own rate
# (the column `%matmul`: the row's TFLOP/s as a share of it). The `predict_on_batch` ratios
# lie near 1 or below on the CPU; on the GPU, where a step takes milliseconds, they are 2.21
# (VGG16), 2.72 (VGG A) and 5.50 (Inception v3, with its many layers): Keras's work per call
# costs more than the compiled step. The `bench_table` of the newest file that
# timed AlexNet, its AlexNet and VGG16 rows (`mixed_bfloat16` rows compute in a 16-bit format,
# bfloat16, that notebook 06b defines):

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
with_alexnet = [record for record in records if any(row["model"] == "alexnet" for row in record["results"])]
print(results.bench_table(with_alexnet[-1:], models=["alexnet", "vgg_D"]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Does the harness add time of its own?
# A harness that wrapped the step in extra work would time itself. So the bench command
# alternates rounds of the harness's step with rounds of `timing.bare_step`, the same step
# written as plainly as the backend allows (`jax.jit` of `model.stateless_call`, or a
# `tf.function` with a `GradientTape`), on the same batch. The ratio of their medians should
# be 1:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
harness, checks = results.harness_table(records)
print(harness)
assert checks, "no results file has a harness check: run python -m support.bench"
for record, check in checks:  # on a GPU the course's bar is 10%; a shared 2-core CPU is noisier
    assert check["harness_over_bare"] <= (1.10 if results.is_gpu(record) else 1.25), check

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
for record, model, parts in results.step_breakdowns(records, ["alexnet", "vgg_D"]):
    backward_forwards = parts["backward_ms"] / parts["forward_ms"]
    update_share = parts["update_ms"] / parts["train_ms"]
    print(f"{results.short_device(record):<20} {record['provenance']['backend']:<10} {model:<8} "
          f"train = {parts['train_ms'] / parts['forward_ms']:.1f} forwards; backward {backward_forwards:.1f} "
          f"forwards; update {update_share:5.1%} ± {parts['update_error_ms'] / parts['train_ms']:.1%}")
    if not results.is_gpu(record):
        assert 2 < backward_forwards <= 5 and -0.05 < update_share < 0.15, (model, parts)
plots.plot_step_breakdown(records, ["alexnet", "vgg_D"])

# %% [markdown] slideshow={"slide_type": "notes"}
# On the course's CPU the backward pass costs more than the count's two forwards, and at most
# five (asserted for every CPU file): the backward convolutions reach fewer FLOP/s than the
# forward ones. That, not the update, is why a training step measures more than three
# forward passes. The update stays under 15% of the step (asserted for the CPU files), even
# for VGG16's 138 million weights: SGD with momentum reads and writes each weight and its
# velocity, memory traffic with little arithmetic. A difference of two times can come out negative (JAX's
# VGG16 row): the two steps are compiled separately, so the difference holds more than the
# update, and no measurement here says what. Such an update is drawn as zero, with its
# measured share in the label.
#
# On the H200 (float32) the backward pass costs 3.9 forwards for VGG16 and 2.0 for AlexNet,
# and the update 2.7% and 14.1% of the step. A large share for AlexNet, since its step is
# short (2.91 ms): its 62.4 million weights, most of them in the dense layers, are read and
# written in a pass limited by memory traffic. `course/results/README.md`
# goes further on VGG16: a profile of its step, kernel by kernel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The course's networks side by side
# Every network of the course, built at its input size, counted from its layers:
# parameters, FLOPs per image (a multiply-add counts as 2), and activation memory per image
# (every layer's output in float32, what a training step keeps for its backward pass).
# Keras counts the parameters too (asserted equal):

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "-"}
for name, size in sizes.items():
    print(f"{names[name]:<16} {size['input']:>9} {size['params'] / 1e6:8.3g} M params {size['flops'] / 1e9:8.3g} "
          f"GFLOPs {size['activation_mb']:7.3g} MB")
print(f"VGG D: {sizes['vgg_D']['flops'] / sizes['alexnet']['flops']:.0f} x AlexNet's FLOPs; GoogLeNet: "
      f"{sizes['googlenet']['params'] / sizes['vgg_D']['params']:.0%} of VGG D's parameters, "
      f"{sizes['googlenet']['flops'] / sizes['vgg_D']['flops']:.0%} of its FLOPs")

# %% [markdown] slideshow={"slide_type": "notes"}
# VGG D does many times AlexNet's arithmetic, and GoogLeNet has a few percent of VGG D's
# parameters (the ratios are printed): a network's parameters say little about its FLOPs,
# and activation memory follows neither. The VGG paper's Table 2 gives the
# parameters of A to E in millions, and `keras.applications.VGG16` builds VGG D without
# weights to compare with:

# %% slideshow={"slide_type": "subslide"}
vgg_table2 = {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144}  # Simonyan and Zisserman 2015, Table 2
for config, millions in vgg_table2.items():
    assert round(sizes[f"vgg_{config}"]["params"] / 1e6) == millions, config
reference = keras.applications.VGG16(weights=None)
assert reference.count_params() == sizes["vgg_D"]["params"]
print(f"VGG A-E match Table 2; keras.applications.VGG16: {reference.count_params():,} parameters")
del reference
keras.backend.clear_session()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Time per image on the course's CPU
# The CPU files' rows on the notebook's backend: for each network the newest file that timed
# it, its time per image forward and per training step, and the share of the file's own
# measured matrix-product rate (defined with the files above: the reference a network's
# FLOP/s are read against):

# %% slideshow={"slide_type": "-"}
backend = keras.backend.backend()
measured = {}  # model -> mode -> (row, record), the newest CPU file of this backend
for record in records:
    if record["provenance"]["backend"] == backend and not results.is_gpu(record):
        for row in record["results"]:
            if row["precision"] == "float32":
                measured.setdefault(row["model"], {})[row["mode"]] = (row, record)


def per_image_line(name, rows, source):
    """One line of the table: ms per image forward and per training step, % of the matmul rate."""
    forward, train = rows["forward"], rows["train"]
    return (f"{names[name]:<16} {forward['median_ms'] / forward['batch_size']:9.2f} ms "
            f"{train['median_ms'] / train['batch_size']:9.2f} ms {100 * forward['fraction_of_matmul']:5.1f}% "
            f"{100 * train['fraction_of_matmul']:5.1f}%   {source}")

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The files were measured on different days, at different machine speeds (the matrix-product
# rates in the source column), so times per image compare only within one file. VGG A to E
# were timed in one run, so their rows compare: time grows with FLOPs, and every one of the
# five runs at nearly the same FLOP/s (checked below). The share of the matrix-product
# rate, timed in the same run, compares better across files. That rate is an empirical
# ceiling, one routine's speed on one day, not the processor's peak (cores x clock x FLOPs
# per cycle): a convolution can run faster than it, and VGG's forward rows show shares
# above 100%. After the check, LeNet-5 and the MNIST VGG, small enough to time here, live, at
# a batch of `settings.live_batch`, against a matrix product timed now:

# %% slideshow={"slide_type": "subslide"}
vgg_rows = {config: measured.get(f"vgg_{config}", {}).get("forward") for config in "ABCDE"}
if all(vgg_rows.values()):
    vgg_files = {record["path"] for _, record in vgg_rows.values()}
    assert len(vgg_files) == 1, f"VGG A-E come from {len(vgg_files)} files: time them in one run"
    vgg_rates = {config: row["tflops_per_s"] for config, (row, _) in vgg_rows.items()}
    print("VGG forward, one run:", ", ".join(f"{config} {1e3 * rate:.0f}" for config, rate in vgg_rates.items()),
          "GFLOP/s")
    assert max(vgg_rates.values()) < 1.15 * min(vgg_rates.values())  # time in proportion to FLOPs, within 15%
else:
    print(f"VGG A-E are not all in a {backend} CPU file")

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
big = [measured[name]["forward"][0]["fraction_of_matmul"] for name in ("alexnet", "vgg_D", "inception_v3")
       if name in measured and "forward" in measured[name]]
print(f"LeNet-5 forward, live: {live['lenet5']['forward']['fraction_of_matmul']:.1%} of the matmul rate; "
      f"AlexNet, VGG D, Inception v3 in the files: {', '.join(f'{share:.0%}' for share in big)}")
assert big and live["lenet5"]["forward"]["fraction_of_matmul"] < 0.5 * min(big)

# %% [markdown] slideshow={"slide_type": "notes"}
# Per image, time follows FLOPs only roughly. The big networks reach a good share of the
# matrix-product rate, LeNet-5 a small one (asserted: less than half of the smallest of
# theirs): each of its steps is too small to keep the cores busy, and its per-step cost is
# shared by few FLOPs. Where a file and a live measurement cover the same network, they
# differ by more than noise: another day, another batch, a smaller matrix product.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Published ImageNet error
# Each network's ILSVRC-2012 validation error as its paper reports it, single network.
# Evaluation protocols differ (AlexNet averages ten crops; VGG's Table 3 evaluates densely at
# one scale; GoogLeNet and Inception v3 one crop), so the points are indicative, not a
# controlled comparison. LeNet-5 and the MNIST VGG were not trained on ImageNet.

# %% slideshow={"slide_type": "-"}
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
labels = {"alexnet": "AlexNet*", "googlenet": "GoogLeNet", "inception_v3": "Inception v3", "vgg_A": "VGG A",
          **{f"vgg_{config}": config for config in "BCDE"}}  # the figure's labels

# %% slideshow={"slide_type": "-"}
def readable_log(axis, which="x"):
    """A log scale on `which` ("x", "y" or "xy") with ticks at 1, 2 and 5 per decade, written plainly."""
    for name in which:
        getattr(axis, f"set_{name}scale")("log")
        scale = getattr(axis, f"{name}axis")
        scale.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        scale.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        scale.set_minor_formatter(matplotlib.ticker.NullFormatter())

# %% slideshow={"slide_type": "subslide"}
figure, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for axis, quantity, unit, label in ((axes[0], "flops", 1e9, "GFLOPs per image"),
                                    (axes[1], "params", 1e6, "parameters, millions")):
    for name, (top1, top5, _) in published.items():
        x = sizes[name][quantity] / unit
        axis.plot(x, top5, "o", color="tab:blue")
        axis.plot(x, top1 or math.nan, "s", color="tab:orange")
        text = labels[name] if quantity == "flops" or name[:3] != "vgg" else {"vgg_D": "VGG A-E"}.get(name, "")
        axis.annotate(text, (x, top1 or top5), textcoords="offset points", fontsize=7,
                      xytext=(3, -10) if name == "vgg_C" else (-45, 8) if text == "VGG A-E" else (-4, 6))
    axis.set(xlabel=f"{label} (log scale)", ylim=(0, 45), title=f"Published error against {label.split(',')[0]}")
    readable_log(axis)
axes[0].set_ylabel("ImageNet validation error (%)\ntop-1: squares, top-5: dots")
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
# Each network is labelled at its top-1 error (at its top-5 where the paper gives no top-1,
# GoogLeNet). AlexNet*: the error is the paper's grouped two-GPU network's, the point our
# ungrouped one's, which has more parameters and FLOPs (notebook 02). Against FLOPs (left):
# GoogLeNet reaches about VGG A's top-5 error with a fraction of its FLOPs, and Inception v3 has a lower error than every VGG with less arithmetic than the
# smallest of them. Against parameters (right) the VGG points sit together (labelled once):
# five depths of one design, whose parameters are mostly in the same three dense layers
# (notebook 03); GoogLeNet and Inception v3 replaced those by global average pooling. The
# protocols differ (above), so read the gaps of a point or so as no gap at all.


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
# * Time a compiled step, after warm-up (the first step compiles), synchronised, on a batch
#   already on the device; report per image, with the median and the sample deviation.
# * The source posts' benchmark used the population deviation in a one-pass formula, and a
#   copy of it summed 11 of its 110 steps and divided by 100: check how a published figure
#   was computed, and redo it from its own numbers.
# * Results files carry their provenance; the harness is checked against a bare step; a
#   training step of AlexNet or VGG16 measures more than three forward passes on this CPU.
# * Per image, VGG D costs many AlexNets in FLOPs and GoogLeNet a small fraction of VGG D,
#   at similar error: FLOPs and parameters are different costs, and neither predicts the
#   error. Times compare within one run; across runs, compare shares of each run's
#   matrix-product rate.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is. Worked answers:
# [answers/06_measuring_answers.ipynb](answers/06_measuring_answers.ipynb).
#
# 1. How many GFLOPs does one training step of VGG E (19 layers) cost for a batch of 32,
#    counted as the harness counts them? Give it to 3 significant figures.
#
#    *Hint:* the side-by-side table gives forward FLOPs per image; a training step counts 3.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: GFLOPs of one training step of VGG E, batch 32
exercises.check_exercise("06.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. Step times of 10, 11 and 12 ms: what is their sample standard deviation in ms?
#
#    *Hint:* divide the sum of squared differences from the mean by $n - 1$.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the sample standard deviation, in ms
exercises.check_exercise("06.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# 3. (Open.) On a GPU (Colab), time our AlexNet with `timing.benchmark` and compare your
#    images per second with the Titan X's, per image and per FLOP.
#
#    *Criterion:* per image is images per second at each one's batch; per FLOP is images
#    per second times FLOPs per image (`alexnet_flops` for ours, `benchmark_flops` for the
#    network Google timed) times 1 (forward) or 3 (gradients); forward with forward, and our
#    `gradients` step with their forward-backward rows.
#
#    *A correct answer shows* your GPU's name, both rates for both modes beside the Titan X's,
#    and says which comparison favours which GPU: the networks differ in FLOPs, so the two
#    comparisons can disagree. The worked answer does it with this CPU's results file.
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
# * Software cited: TensorFlow's `alexnet_benchmark.py` (github.com/tensorflow/models,
#   `tutorials/image/alexnet/`); soumith/convnet-benchmarks, pull request #115.

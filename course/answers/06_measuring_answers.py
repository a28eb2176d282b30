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
# # Answers · 06 · Measuring networks: timing done right, and the course's networks side by side
#
# Worked answers to the exercises of [notebook 06](../06_measuring.ipynb). Try each exercise
# there first: its cell says whether your answer is right without giving it. Exercises 1 and
# 2 reach the value by hand and pass it to the lecture's checker; exercise 3 is open, and its
# answer is worked with this CPU's results file.
#
# **Run time.** 5 to 6 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`); nothing here is timed live, and nothing needs a GPU.

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

import keras

from support import counting, exercises, models, results, timing

print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# VGG E (the paper's Table 1) has 2, 2, 4, 4 and 4 3x3 convolutions of 64, 128, 256, 512 and
# 512 filters, with SAME padding, each block ending in a 2x2 pooling that halves the side,
# then three dense layers. A convolution does $H \cdot W \cdot 3 \cdot 3 \cdot C_{in}
# \cdot C_{out}$ multiply-adds, a dense layer $n_{in} \cdot n_{out}$; 2 FLOPs each, 3 forward
# passes for a training step, 32 images:

# %%
side, channels, macs = 224, 3, 0
for width, convolutions in ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4)):
    for _ in range(convolutions):
        macs += side * side * 3 * 3 * channels * width
        channels = width
    side //= 2
for n_in, n_out in ((7 * 7 * 512, 4096), (4096, 4096), (4096, 1000)):
    macs += n_in * n_out
step_gflops = 3 * 32 * 2 * macs / 1e9
print(f"{2 * macs / 1e9:.2f} GFLOPs per image forward; a training step of 32: {step_gflops:.4g} GFLOPs, "
      f"{float(f'{step_gflops:.3g}'):.3g} to three figures")
exercises.check_exercise("06.1", float(f"{step_gflops:.3g}"))

# %% [markdown]
# The biases (one addition per output) are left out, as `support.counting` leaves them out: a
# multiply-add of a weight is the unit.
#
# ## Exercise 2
# Their mean is 11; the squared differences from it are 1, 0 and 1; their sum over
# $n - 1 = 2$:

# %%
times = [10, 11, 12]
mean = sum(times) / len(times)
sample_sd = math.sqrt(sum((time - mean) ** 2 for time in times) / (len(times) - 1))
print(f"mean {mean:g} ms, sample standard deviation {sample_sd:g} ms "
      f"(the population one, over n: {math.sqrt(2 / 3):.3f} ms)")
exercises.check_exercise("06.2", sample_sd)

# %% [markdown]
# ## Exercise 3, with this CPU's results file
# The network Google's `alexnet_benchmark.py` timed (notebook 06 builds it: convolutions
# only, SAME padding), its docstring's Titan X rows (ms per batch), and our AlexNet from the
# newest CPU results file of this backend that timed it:

# %%
def google_benchmark_network(image_size=224):
    """The convolutional part timed by Google's alexnet_benchmark.py (first version, no LRN)."""
    x = inputs = keras.Input((image_size, image_size, 3))
    for index, filters, kernel, strides in ((1, 64, 11, 4), (2, 192, 5, 1), (3, 384, 3, 1), (4, 256, 3, 1),
                                            (5, 256, 3, 1)):
        x = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", activation="relu")(x)
        if index in (1, 2, 5):
            x = keras.layers.MaxPooling2D(3, strides=2)(x)
    return keras.Model(inputs, x)


benchmark_flops = counting.totals(counting.layer_table(google_benchmark_network()))["flops"]
alexnet_flops = counting.totals(counting.layer_table(models.alexnet()))["flops"]
titan_x_ms = {"forward": 70, "gradients": 244}  # alexnet_benchmark.py's docstring, batch 128
print(f"per image: Google's network {benchmark_flops / 1e9:.2f} GFLOPs, our AlexNet {alexnet_flops / 1e9:.2f}")

# %%
# NBVAL_IGNORE_OUTPUT
records = [record for record in results.load_results("bench", backend=keras.backend.backend())
           if not results.is_gpu(record) and any(row["model"] == "alexnet" for row in record["results"])]
rows = {row["mode"]: row for row in records[-1]["results"] if row["model"] == "alexnet"}
for mode, ms in titan_x_ms.items():
    ours = rows[mode]["batch_size"] / (rows[mode]["median_ms"] / 1e3)  # images/s, from the median
    titan = 128 / (ms / 1e3)
    ours_tflops = alexnet_flops * timing.FLOPS_FACTOR[mode] * ours / 1e12
    titan_tflops = benchmark_flops * timing.FLOPS_FACTOR[mode] * titan / 1e12
    print(f"{mode:<9} {results.short_device(records[-1])}: {ours:6.1f} images/s, {ours_tflops:.3f} TFLOP/s; "
          f"Titan X: {titan:5.0f} images/s, {titan_tflops:.2f} TFLOP/s; Titan X / ours: "
          f"{titan / ours:.0f} x per image, {titan_tflops / ours_tflops:.0f} x per FLOP")

# %% [markdown]
# Per image the Titan X is faster by the first factor; per FLOP by the second, smaller one,
# since our AlexNet does nearly twice the arithmetic of Google's network per image: the two
# comparisons disagree by that ratio. On a GPU, do the same with your own `timing.benchmark`
# figures (`timing.benchmark(models.alexnet(), 128, "forward")` and `"gradients"`).

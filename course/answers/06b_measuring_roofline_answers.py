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
# # Answers · 06b · Measuring networks, part 2: how cost grows, a roofline, GPUs and precision
#
# Worked answers to the exercises of [notebook 06b](../06b_measuring_roofline.ipynb). Try
# each exercise there first: its cell says whether your answer is right without giving it.
# Exercise 1 reaches the value by hand and passes it to the lecture's checker; exercise 2 is
# open, and its answer is measured on this machine.
#
# **Run time.** 26 to 44 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`), most of it exercise 2's timings; they run the same on a GPU, where they take
# seconds.

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

import keras

from support import exercises, hardware, models, timing

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# fc1 maps pool5's $n_{in} = 25088$ values to $n_{out} = 4096$: $n_{in} \cdot n_{out}$
# multiply-adds per image, 2 FLOPs each.
# Its bytes: the weights and the biases once, whatever the batch, then each image's input
# and output, 4 bytes a value. At batch 64, to two significant figures:

# %%
batch, n_in, n_out = 64, 25088, 4096
flops = 2 * batch * n_in * n_out
moved = 4 * (n_in * n_out + n_out) + 4 * batch * (n_in + n_out)
intensity = flops / moved
print(f"{flops:,} FLOPs over {moved:,} bytes: {intensity:.2f} FLOPs per byte, {float(f'{intensity:.2g}'):g} "
      f"to two figures (at batch 1: {2 * n_in * n_out / (4 * (n_in * n_out + n_out + n_in + n_out)):.2f})")
exercises.check_exercise("06b.1", float(f"{intensity:.2g}"))

# %% [markdown]
# The weights dominate the bytes until the batch is large: at batch 64 each weight is
# used 64 times, so the intensity is close to 64 multiply-adds per 4-byte weight, a little
# less for the activations.
#
# ## Exercise 2
# The small MNIST VGG's training step at batches 1 to 256 on this machine, the median of 10
# steps after 2 warm-up steps, and the rule of the exercise:

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
# measured; the last lines say which, and the load average beside them says whether other
# work shared the cores (then run it again on a quiet machine: the rule compares times within
# one run, and a loaded machine can make a larger batch look slower). A GPU has far more
# arithmetic units to fill: expect its plateau at a much larger batch, and measure it there.

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
# # Answers · 05b · VGG on MNIST, part 2: transfer learning, batch normalisation's trap, saving
#
# Worked answers to the exercises of [notebook 05b](../05b_transfer_learning.ipynb). Try each
# exercise there first: its cell says whether your answer is right without giving it. Both
# answers are counted by hand from the MNIST VGG's table and passed to the lecture's checker;
# Keras's own count is printed beside each.
#
# **Run time.** 4 to 5 s on a 2-core CPU like the CI machine's (it builds two small
# networks and trains nothing); on a GPU it has not been run.

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

from support import exercises, models, vgg as vgg_module

print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# With the base frozen only the new head trains: a dense layer from the base's features to
# 10 classes. Global average pooling leaves one feature per channel of the last convolution,
# the last width of the full table; the layer has a weight per feature and class, and a bias
# per class:

# %%
widths = [item for item in vgg_module.MNIST_VGG_CONFIGS["full"] if item != "M"]
features = widths[-1]
head = features * 10 + 10
print(f"full widths {widths}: {features} features; head {features} x 10 + 10 = {head:,} weights")
base = models.mnist_vgg("full")
print(f"Keras: the full MNIST VGG's own head, 'predictions', has {base.get_layer('predictions').count_params():,}")
exercises.check_exercise("05b.1", head)

# %% [markdown]
# The frozen-base model trains exactly as many weights as the network's own output layer
# (Keras's count, second line): everything else stays as pretrained.
#
# ## Exercise 2
# The convolutions have no bias, so each has $3 \cdot 3 \cdot c_{in} \cdot c_{out}$ weights;
# each batch-norm layer trains a scale $\gamma$ and a shift $\beta$ per channel (its moving
# mean and variance are updated, not trained). The small table's six convolutions:

# %%
widths = [item for item in vgg_module.MNIST_VGG_CONFIGS["small"] if item != "M"]
kernels = sum(9 * c_in * c_out for c_in, c_out in zip([1, *widths], widths))
batch_norm = sum(2 * width for width in widths)
print(f"small widths {widths}: kernels {kernels:,} + batch norm {batch_norm:,} = {kernels + batch_norm:,}")
small = models.mnist_vgg("small")
base = keras.Model(small.input, small.get_layer("avg_pool").output)
print(f"Keras: trainable weights of the small base {sum(math.prod(w.shape) for w in base.trainable_weights):,}")
exercises.check_exercise("05b.2", kernels + batch_norm)

# %% [markdown]
# The frozen base leaves all of these alone; full fine-tuning trains them at Adam
# $10^{-4}$, on only a thousand images. The moving averages are not among them: they are updated
# from the batches in training mode (the trap of notebook 05b), never by the gradient.
#
# Back to [notebook 05b](../05b_transfer_learning.ipynb).

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
# # Answers · 03 · VGG: depth from small filters
#
# Worked answers to the exercises of [notebook 03](../03_vgg.ipynb). Try each exercise there
# first: its cell says whether your answer is right without giving it. Each answer here reaches
# the value by hand, by another route than the lecture's checker, and then passes it to the
# same checker.
#
# **Run time.** 4 to 5 s on a 2-core CPU like the CI machine's (the checker builds two VGG
# configurations); the same on a GPU.

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

from support import exercises
from support import vgg as vgg_module

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# A 1x1 convolution from $C_{in} = 512$ to $C_{out} = 512$ channels has, for each output
# channel, one $1 \times 1 \times 512$ kernel and one bias: $(1 \cdot 1 \cdot C_{in} + 1)\,C_{out}$
# parameters. A 3x3 layer of the same widths (configuration D's `block4_conv3`) has nine times
# the weights.

# %%
weights_per_kernel = 1 * 1 * 512
parameters = (weights_per_kernel + 1) * 512
print(f"({weights_per_kernel} + 1) x 512 = {parameters:,} parameters; the 3x3 layer: {(9 * 512 + 1) * 512:,}")
exercises.check_exercise("03.1", parameters)

# %% [markdown]
# ## Exercise 2
# The recurrence of notebook 01, read off configuration E's table: start from one pixel with a
# jump of 1; each 3x3 convolution (stride 1) adds $(3 - 1)\,j = 2j$ pixels, each 2x2 pooling
# adds $(2 - 1)\,j = j$ and then doubles the jump. E has 2, 2, 4, 4 and 4 convolutions in its
# five stages.

# %%
field, jump = 1, 1
for item in vgg_module.VGG_CONFIGS["E"]:
    if item == "M":  # a 2x2 pooling, stride 2
        field, jump = field + jump, 2 * jump
        print(f"after a pooling: field {field}, jump {jump}")
    else:  # a 3x3 convolution, stride 1
        field += 2 * jump
exercises.check_exercise("03.2", field)

# %% [markdown]
# The field grows by 2 pixels per convolution in the first stage and by 32 in the last; the
# five poolings add $1 + 2 + 4 + 8 + 16$ pixels between them. VGG16's pool5 (configuration D,
# one convolution fewer in each of the last three stages) sees a smaller field, computed in
# notebook 03 and checked there against Araujo et al. (2019).
#
# Back to [notebook 03](../03_vgg.ipynb).

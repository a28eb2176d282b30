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
# # Answers · 04b · Inception v3: factorised convolutions, grid reduction, label smoothing, receptive fields through branches
#
# Worked answers to the exercises of [notebook 04b](../04b_inception_v3.ipynb). Try each
# exercise there first: its cell says whether your answer is right without giving it. Each
# answer is reached by hand and passed to the lecture's checker.
#
# **Run time.** 4 to 6 s on a 2-core CPU like the CI machine's (CI's two lanes; the checker builds Inception v3 once). Nothing here
# trains, so a GPU changes nothing.

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

print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# Araujo et al.'s table gives `Mixed_6a` (the course's `mixed3`) a field of 159 pixels and an
# effective stride, our jump, of 16. In the branch, the 1x1 adds nothing; the 1x7 adds
# $(7 - 1) \times 16 = 96$ pixels to the width only, and the 7x1 the same to the height only:

# %%
field, jump = 159, 16  # Mixed_6a in Araujo et al.'s table (notebook 04b, section 5)
height = field + (1 - 1) * jump + 0 + (7 - 1) * jump  # 1x1, then 1x7 (nothing in height), then 7x1
width = field + (1 - 1) * jump + (7 - 1) * jump + 0   # 1x1, then 1x7, then 7x1 (nothing in width)
print(f"Mixed_6a: field {field}, jump {jump}; the branch: height {height}, width {width}: a square of {height} pixels")
print(f"the 7x7dbl branch: {field} + 2 x {(7 - 1) * jump} = {field + 2 * (7 - 1) * jump} pixels")
exercises.check_exercise("04b.1", height)

# %% [markdown]
# The `7x7dbl` branch has two kernels 7 pixels tall and two 7 pixels wide, so it adds twice as
# much, $2 \times 96 = 192$: 351, the field of the whole module `Mixed_6b` in the same table.
# A branch's field is smaller than its module's; the module's is the union of its branches'.
#
# ## Exercise 2
# $y^{LS} = (1 - \varepsilon)\,y + \varepsilon / K$: the true class keeps $1 - \varepsilon$ of
# the one-hot target and receives its own share $\varepsilon / K$ of the uniform part:

# %%
epsilon, classes = 0.2, 10
true_target = (1 - epsilon) + epsilon / classes
print(f"true class: (1 - {epsilon}) + {epsilon} / {classes} = {true_target:.2f}; each other class "
      f"{epsilon / classes:.2f}; sum {true_target + (classes - 1) * epsilon / classes:.2f}")
exercises.check_exercise("04b.2", true_target)

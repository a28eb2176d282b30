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
# # Answers · 07 · What the networks learned
#
# Worked answers to the exercises of [notebook 07](../07_what_networks_learned.ipynb). Try
# each exercise there first: its cell says whether your answer is right without giving it.
# Exercises 1 and 2 are worked by hand and passed to the lecture's checker; exercises 3 and 4
# are open, and their answers are measured on an MNIST VGG trained here as in the lecture.
#
# **Run time.** 24 to 42 s on a 2-core CPU like the CI machine's, most of it training the
# MNIST VGG; on a GPU the settings cell chooses the lecture's GPU training, and prints an
# estimate of it on a Colab T4, marked as one.

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
import numpy as np

from support import data, exercises, hardware, interpret, sizing, training

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %%
settings = hardware.choose_settings(cpu={"train_images": 16000, "epochs": 1, "sanity_images": 8, "map_images": 16},
                                    gpu={"train_images": 55000, "epochs": 3, "sanity_images": 32, "map_images": 64})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("07_answers", settings.gpu))

# %% [markdown]
# ## Exercise 1
# The patch's top-left corner can sit at 0, 2, 4, ... as long as the patch fits: the last
# corner is at $28 - 6 = 22$, so there are $22 / 2 + 1 = 12$ corners along each side, and
# $12 \times 12$ positions in all:

# %%
per_side = (28 - 6) // 2 + 1
print(f"{per_side} corners along a side, {per_side ** 2} positions")
exercises.check_exercise("07.1", per_side ** 2)

# %% [markdown]
# ## Exercise 2
# Each of the 784 pixels is equally likely to be among the 36 picked, so each picked pixel
# lies in the marker with probability $36/784$, and so does the mean share (the expected
# value of an average is the average of the expected values):

# %%
print(f"36 / 784 = {36 / 784:.4f}")
exercises.check_exercise("07.2", 36 / 784)

# %% [markdown]
# ## The MNIST VGG of the lecture
# Exercises 3 and 4 need the trained network: the same training as in the lecture (batch
# normalisation's momentum 0.9, one epoch on the CPU).

# %%
# NBVAL_IGNORE_OUTPUT
mnist = training.prepare_mnist(limit_train=settings.train_images)
updates = settings.train_images * settings.epochs // 64
keras.utils.set_random_seed(0)
vgg = training.compile_mnist_vgg("small", updates, 2e-3, 0.05)
for layer in vgg.layers:
    if isinstance(layer, keras.layers.BatchNormalization):
        layer.momentum = 0.9
vgg.fit(data.to_float_images(mnist["x_train"]), mnist["y_train"], batch_size=64, epochs=settings.epochs, verbose=0)
print(f"test accuracy {vgg.evaluate(mnist['x_test'], mnist['y_test'], verbose=0)[1]:.2%}")

# %% [markdown]
# ## Exercise 3
# The cascade of the lecture, with Grad-CAM at `block2_relu2` (14x14). A randomised network's
# Grad-CAM can be 0 everywhere; its rank correlation is then counted as 0.

# %%
# NBVAL_IGNORE_OUTPUT
cascade = ["predictions", "block3_conv2", "block3_conv1", "block2_conv2", "block2_conv1", "block1_conv2",
           "block1_conv1"]
images, labels = mnist["x_test"][:settings.sanity_images], mnist["y_test"][:settings.sanity_images]
trained = [interpret.grad_cam(vgg, image, int(label), "block2_relu2") for image, label in zip(images, labels)]
print("block2_relu2's Grad-CAM map: {}x{}".format(*trained[0].shape))
correlations = []
for depth in range(1, len(cascade) + 1):
    randomised = interpret.randomise_layers(vgg, cascade[:depth], seed=100)
    after = [interpret.grad_cam(randomised, image, int(label), "block2_relu2") for image, label in zip(images, labels)]
    correlations.append(np.mean([interpret.rank_correlation(a, b) if np.ptp(b) > 0 else 0.0
                                 for a, b in zip(trained, after)]))
print("Grad-CAM at block2_relu2:", " ".join(f"{value:+.2f}" for value in correlations))
print("changes (below 0.5 with every layer randomised):", correlations[-1] < 0.5)

# %% [markdown]
# Yes, it changes. Grad-CAM at `block2_relu2` keeps a rank correlation of 0.15 with the trained
# map once the top layer is randomised, and -0.06 with every layer randomised: below one half,
# the exercise's criterion. Like the map at `block3_relu2` in the lecture, it depends on what
# the network learned.
#
# ## Exercise 4
# Occlusion with the data set's mean pixel instead of 0, against Grad-CAM at `block3_relu2`,
# on the same test digits as the lecture's comparison:

# %%
# NBVAL_IGNORE_OUTPUT
mean_pixel = float(mnist["x_validation"].mean())
shares = {0.0: [], mean_pixel: []}
for image, label in zip(mnist["x_test"][:settings.map_images], mnist["y_test"][:settings.map_images]):
    cam = interpret.upsample(interpret.grad_cam(vgg, image, int(label), "block3_relu2"), (28, 28))
    baseline = float(vgg.predict(image[None], verbose=0)[0, int(label)])
    for fill in shares:
        probabilities = interpret.occlusion_map(vgg, image, int(label), patch=6, stride=2, fill=fill)
        occluded = interpret.occlusion_per_pixel(probabilities, image.shape, 6, 2, baseline)
        shares[fill].append(interpret.top_overlap(occluded, cam, 0.1))
for fill, values in shares.items():
    print(f"fill {fill:.3f}: {np.mean(values):.0%} of the top pixels shared with Grad-CAM (sd {np.std(values):.0%})")

# %% [markdown]
# No. With a fill of 0, occlusion shares 33% of its top pixels with Grad-CAM; with the mean
# pixel (0.131), 34%. The change, one point, is far smaller than the spread between images (sd
# 17%). On MNIST the mean pixel is dark, close to the background, so the two fills hide a
# stroke in almost the same way; on photographs, where no fill is neutral, the choice matters
# more (Zeiler and Fergus used grey).

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
# # Answers · 02b · AlexNet, part 2: augmentation, training, data parallelism, timing, errata
#
# Worked answers to the exercises of [notebook 02b](../02b_alexnet_training.ipynb). Try each
# exercise there first: its cell says whether your answer is right without giving it.
# Exercise 1 reaches the value by hand and passes it to the lecture's checker; exercise 2 is
# open, and its answer is measured.
#
# **Run time.** 14 to 21 s on a 2-core CPU like the CI machine's (CI's two lanes; exercise 2 trains a small network twice for three epochs);
# on a GPU exercise 2 runs the lecture's GPU scale, and the settings cell prints an estimate of
# it on a Colab T4, marked as one.

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
import tensorflow as tf

from support import data, exercises, hardware, sizing, training

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# A 28x28 crop of a 36x36 image can start at offsets 0 to 8 along each axis, $36 - 28 + 1$
# of them, as the paper's 224-pixel crops of 256-pixel images start at 33 offsets. Each crop is
# kept or flipped:

# %%
offsets = 36 - 28 + 1
versions = offsets * offsets * 2
print(f"{offsets} offsets per axis: {offsets} x {offsets} crops x 2 = {versions} versions")
exercises.check_exercise("02b.1", versions)

# %% [markdown]
# ## Exercise 2
# The lecture's data and mini AlexNet, re-created here so that this notebook runs alone,
# without `MirroredStrategy`: once with the crops and flips in the `tf.data` pipeline, once
# with the same layers inside the model, before the network's layers. The settings are the
# lecture's. `training.EpochTimer` records each epoch's wall-clock time:

# %%
worked = hardware.choose_settings(cpu={"mirrored_images": 8192, "mirrored_batch": 256},
                                  gpu={"mirrored_images": 60000, "mirrored_batch": 512})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("02b_answers", worked.gpu))
(fashion_x, fashion_y), _ = data.load_fashion_mnist()
padded_images = data.to_float_images(fashion_x[:worked.mirrored_images], pad_to=36)
padded_batches = tf.data.Dataset.from_tensor_slices((padded_images, fashion_y[:worked.mirrored_images])).batch(
    worked.mirrored_batch)


# %%
def crops_and_flips():
    return [keras.layers.RandomCrop(28, 28, seed=0), keras.layers.RandomFlip("horizontal", seed=0)]


def augmentation_model(inside):
    """The lecture's mini AlexNet; with `inside`, the crops and flips as its first layers."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((36, 36, 1) if inside else (28, 28, 1)), *(crops_and_flips() if inside else []),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


# %%
# NBVAL_IGNORE_OUTPUT
augment = keras.Sequential(crops_and_flips())
epoch_times = {}
for way, inside in (("pipeline", False), ("inside the model", True)):
    model, timer = augmentation_model(inside), training.EpochTimer()
    batches = padded_batches if inside else padded_batches.map(lambda x, y: (augment(x, training=True), y))
    model.fit(batches, epochs=3, callbacks=[timer], shuffle=False, verbose=0)
    epoch_times[way] = timer.seconds[1:]  # the first epoch compiles
    print(f"{way:<17} epochs 2 and 3: {', '.join(f'{seconds:.2f} s' for seconds in epoch_times[way])}; "
          f"jit_compile {model.jit_compile}")
pipeline_s, inside_s = epoch_times["pipeline"], epoch_times["inside the model"]
faster = ("the pipeline" if max(pipeline_s) < min(inside_s) else "inside the model" if max(inside_s) < min(pipeline_s)
          else "neither, clearly")
print(f"backend {keras.backend.backend()}; faster here: {faster}")

# %% [markdown]
# Which way is faster is printed above, for this run: on a shared CPU the two ways do the same
# arithmetic on the same cores, and the verdict can change from run to run. Why is neither
# model compiled here? On a machine without a GPU, Keras's TensorFlow backend turns XLA
# compilation off for every model (`jit_compile="auto"` resolves to `False`); `fit` still runs
# a `tf.function` graph. On a GPU, or on the JAX backend, "auto" compiles, unless a layer says
# it cannot be: Keras marks each layer with `supports_jit`. Which of the augmentation layers
# say no:

# %%
refusing = [type(layer).__name__ for layer in augmentation_model(inside=True).layers if not layer.supports_jit]
print(f"layers with supports_jit=False: {refusing}")
assert refusing == ["RandomCrop"]

# %% [markdown]
# `RandomCrop` alone declares that XLA cannot compile it (asserted), and Keras's
# `jit_compile="auto"` leaves any model that contains such a layer uncompiled, on any
# backend: on JAX, the crops inside the model turn compilation off for the whole network. In
# the pipeline the model stays compilable. This run cannot show the difference itself where
# both models are uncompiled (printed above), as every model is on a CPU-only TensorFlow
# machine.
#
# Back to [notebook 02b](../02b_alexnet_training.ipynb).

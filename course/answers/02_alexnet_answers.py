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
# # Answers · 02 · AlexNet: what was new in 2012, measured
#
# Worked answers to the exercises of [notebook 02](../02_alexnet.ipynb). Try each exercise
# there first: its cell says whether your answer is right without giving it. Exercises 1 and
# 2 reach the value by hand and pass it to the lecture's checker; exercise 3 is open, and its
# answer is measured.
#
# **Run time.** 11 to 12 s on a 2-core CPU like the CI machine's (CI's two lanes; exercise 3 trains six small networks); on a GPU exercise 3
# runs the lecture's GPU scale, and the settings cell prints an estimate of it on a Colab T4,
# marked as one.

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

from support import counting, data, exercises, hardware, sizing

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# ## Exercise 1
# Notebook 01's output size, $\lfloor (n + 2p - k)/s \rfloor + 1$, through AlexNet's
# stages on a $259 \times 259$ image: conv1 is 11x11 at stride 4 without padding, the three poolings
# 3x3 at stride 2, and conv2 to conv5 keep the side (SAME padding). pool5 has $256$ channels, and
# fc6 has $4096$ units:

# %%
side = counting.output_size(259, 11, 4, "valid")  # conv1
for stage in ("pool1", "pool2", "pool5"):  # the convolutions between them keep the side
    side = counting.output_size(side, 3, 2, "valid")
    print(f"{stage}: {side}x{side}")
fc6_inputs = side * side * 256
fc6_parameters = fc6_inputs * 4096 + 4096  # one weight per input and unit, one bias per unit
print(f"fc6: {fc6_inputs:,} inputs x 4096 units + 4096 biases = {fc6_parameters:,} parameters")
exercises.check_exercise("02.1", fc6_parameters)

# %% [markdown]
# pool5 is 7x7 instead of 6x6, so fc6 grows by the ratio of the areas, $(7/6)^2$: a network
# with dense layers takes only the input size it was built for.
#
# ## Exercise 2
# conv4 reads 384 channels and writes 384, on a $13 \times 13$ map (the layer table), with 3x3 kernels.
# With $g$ groups each output channel reads only $C_{in}/g$ channels:

# %%
h_out = w_out = 13
c_in = c_out = 384
flops = {groups: 2 * h_out * w_out * c_out * 3 * 3 * c_in // groups for groups in (1, 2)}
saved = flops[1] - flops[2]
print(f"conv4: {flops[1]:,} FLOPs, {flops[2]:,} with groups=2; saved {saved:,} per image")
exercises.check_exercise("02.2", saved)

# %% [markdown]
# Half of conv4's arithmetic: each GPU's half of the layer reads only its own $384 / 2 = 192$ channels.
#
# ## Exercise 3
# The race of notebook 02, re-created here so that this notebook runs alone: the same
# images, the 2012 recipe (raw pixels minus the mean image, $N(0, 0.01^2)$ weights), SGD with
# momentum $0.9$, and ReLU at its best rate of the lecture's stored run, $0.001$. Only conv2's
# bias changes, from 0 to 1. The settings are the lecture's (on a CPU fewer images, one epoch
# and three seeds).

# %%
worked = hardware.choose_settings(cpu={"race_images": 3200, "race_seeds": 3, "race_epochs": 1},
                                  gpu={"race_images": 6400, "race_seeds": 5, "race_epochs": 2})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("02_answers", worked.gpu))
(fashion_x, fashion_y), _ = data.load_fashion_mnist()
pixels = fashion_x[:worked.race_images].astype("float32")[..., np.newaxis]
labels = fashion_y[:worked.race_images]
raw = pixels - pixels.mean(axis=0)  # AlexNet: subtract the mean image, no scaling


# %%
def small_cnn(conv2_bias, seed, learning_rate=0.001):
    """The lecture's race network, ReLU, N(0, 0.01^2) weights, conv2's biases set to conv2_bias."""
    keras.utils.set_random_seed(seed)
    init = lambda: keras.initializers.RandomNormal(stddev=0.01)  # noqa: E731
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 5, padding="same", activation="relu", kernel_initializer=init()),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 5, padding="same", activation="relu", kernel_initializer=init(),
                            bias_initializer=keras.initializers.Constant(conv2_bias)),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=init())])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def score(model, epochs, batch_size=64):
    """The race's score: the mean training error of every batch, each measured before its update."""
    errors = []
    for _ in range(epochs):
        for start in range(0, len(raw), batch_size):
            model.reset_metrics()
            logs = model.train_on_batch(raw[start:start + batch_size], labels[start:start + batch_size],
                                        return_dict=True)
            errors.append(1.0 - logs["accuracy"])
    return float(np.mean(errors))


# %%
# NBVAL_IGNORE_OUTPUT
scores = {bias: np.array([score(small_cnn(bias, seed), worked.race_epochs) for seed in range(worked.race_seeds)])
          for bias in (0.0, 1.0)}
for bias, per_seed in scores.items():
    print(f"conv2 bias {bias}: scores {np.round(per_seed, 4)} (mean {per_seed.mean():.4f})")
effect = ("a help" if np.all(scores[1.0] < scores[0.0]) else "a hindrance" if np.all(scores[1.0] > scores[0.0])
          else "no clear effect")
print(f"verdict by the rule: the bias of 1 is {effect}")
assert effect != "a hindrance"

# %% [markdown]
# The verdict is printed above. In the stored run the bias of 1 lowers the score on every
# seed, so by the rule it helps; the gain is small, under two hundredths of the error on each
# seed, but it is paired: with the same seed both networks start from the same weights and
# see the same batches, and only the bias differs. The assertion claims only that the bias
# does not hurt. The paper's reason is the one quoted in the exercise: a positive bias keeps
# more of conv2's ReLUs active at the start, so more of them pass a gradient. The lecture's
# relative-gradient table shows the same: with conv2's bias at 1, ReLU's relative gradients
# are larger, most in the dense layer.
#
# Back to [notebook 02](../02_alexnet.ipynb).

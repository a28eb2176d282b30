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
# # 02 · AlexNet: what was new in 2012, measured
#
# Krizhevsky, Sutskever and Hinton's network (NeurIPS 2012) built and counted layer by layer;
# each of its new ideas (ReLU, local response normalisation, overlapping pooling, dropout,
# data augmentation, two GPUs) shown with a cell that measures it; then AlexNet timed
# briefly (notebook 06 teaches timing). The course grew from five Chinese blog posts,
# written for TensorFlow 1, which we call **the source posts** (notebook 01); three errata
# of their code are reproduced next to the fixes.
#
# **You will learn to**
# * read AlexNet written in Keras, and count its parameters and FLOPs per layer;
# * say what ReLU, local response normalisation, overlapping pooling, dropout and data
#   augmentation do, each from a cell that measures it, and what the paper claimed for them;
# * train an AlexNet-style network, with those ideas, to 90% test accuracy (asserted) on Fashion-MNIST
#   on a CPU;
# * relate the 2012 two-GPU split to grouped convolutions, and train with data parallelism
#   (`tf.distribute.MirroredStrategy`);
# * time AlexNet's forward pass and training step with the course's harness, and read the
#   result against the device's matrix-product rate (notebook 06 teaches timing in full).
#
# **Prerequisites.** Notebook 01 (output sizes, parameter counts, receptive fields, LeNet-5);
# Python, NumPy, and training a Keras model with `fit`.
#
# **Run time.** 213 to 284 s on a 2-core CPU like the CI machine's, with the CPU settings
# (measured in CI's two lanes, `course/run_times.json`; about half of it training the
# AlexNet-style network). On a GPU it has not been run; the settings cell prints an estimate
# of its GPU settings on a Colab T4, marked as one.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `fashion-mnist/`.
#
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it).

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
# `quiet.setup()` imports TensorFlow with its start-up chatter silenced; `logical_cpus=2`
# also splits the CPU into two logical devices, so that the data-parallel section below can
# run on a machine without GPUs. It must run before anything else imports TensorFlow.
# The GPU settings are the lesson as written (the source posts' batch of 32, 20 timed steps
# after 5 warm-up steps); on a CPU the timing uses a batch of 8 and a few steps, and the
# data-parallel run a subset of Fashion-MNIST.
from support import quiet

quiet.setup(logical_cpus=2)

import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import counting, data, exercises, hardware, models, plots, sizing, timing
from support import layers as course_layers
from support import training

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

settings = hardware.choose_settings(
    cpu={"batch_size": 8, "steps": 10, "train_steps": 3, "warmup": 1, "matmul_size": 2048,
         "mirrored_images": 8192, "mirrored_batch": 256, "race_seeds": 3},
    gpu={"batch_size": 32, "steps": 20, "train_steps": 20, "warmup": 5, "matmul_size": 4096,
         "mirrored_images": 60000, "mirrored_batch": 512, "race_seeds": 5},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("02", settings.gpu))

# %% [markdown]
# ## AlexNet in 2012
# The paper's figures, as data (Krizhevsky et al., 2012): top-5 test error of its ILSVRC-2012
# entry and of the runner-up (Table 2), and the gains it reports for its new ideas, in
# points of top-1 and top-5 error (Sections 3.1 to 3.4), quoted in the sections below.

# %%
paper = {"top5_error": 15.3, "runner_up_top5_error": 26.2,  # Table 2
         "parameters": 60e6,  # Abstract and Section 4: "60 million parameters"
         "relu_speedup": 6,  # Figure 1: 25% training error on CIFAR-10, ReLU vs tanh
         "two_gpu_gain": (1.7, 1.2), "lrn_gain": (1.4, 1.2), "overlap_gain": (0.4, 0.3)}
lead = paper["runner_up_top5_error"] - paper["top5_error"]
print(f"top-5 error {paper['top5_error']}% against {paper['runner_up_top5_error']}%: "
      f"a lead of {lead:.1f} points")

# %% [markdown]
# A lead of that many points over the best entry without a convolutional network. The rest of
# this notebook is about how.
#
# ## The network, layer by layer
# Five convolutions (96-256-384-384-256 filters), three overlapping max-poolings, two
# normalisation layers, and three dense layers (fc6, fc7 and the 1000-way fc8). The paper
# says its input is 224x224x3, but an 11x11 kernel with stride 4 gives its 55x55 maps only
# from 227x227. Notebook 01's output size, with $p$ pixels of padding on each side, is
# $\lfloor (n + 2p - k)/s \rfloor + 1$; $p = 0$ is VALID:

# %%
for size, padding in ((224, "valid"), (227, "valid"), (224, "same")):
    side = counting.output_size(size, 11, 4, padding)
    print(f"{size}x{size} input, 11x11 stride 4, {padding:<5} -> {side}x{side}")
total_padding_for_55 = (55 - 1) * 4 + 11 - 224  # the last window must end at pixel 224 + padding
print(f"55x55 from 224x224 needs windows over {(55 - 1) * 4 + 11} pixels: {total_padding_for_55} pixels of "
      f"padding in all, {total_padding_for_55 / 2} per side")

# %% [markdown]
# From 224 pixels VALID gives 54 and SAME gives 56; exactly 55 windows would need the padding
# printed, an odd number, so not the same on both sides (with 2 pixels on each side, 4 in
# all, the formula gives 55 as well, and the last padding column is never read). So
# `models.alexnet()` reads 227x227 images (Caffe's choice too). Google's benchmark, which
# the source posts copied, kept 224 with SAME padding: its first maps are 56x56.
#
# The builder, `support.alexnet.alexnet` (`models.alexnet` is this function), as it stands
# in the course's package; the comments give each stage's output. The two-GPU split is the
# argument `groups` (below, "Two GPUs"), LRN is the course's own layer (below, "Local
# response normalisation"), and fc8 is the layer named `predictions`. Then the network is
# built and counted.

# %%
from support import alexnet as alexnet_module, show

show.source(alexnet_module.alexnet)

# %%
alexnet = models.alexnet()
table = counting.layer_table(alexnet)
print(counting.format_table(table))
assert counting.totals(table)["params"] == alexnet.count_params() == 62_378_344
by_name = {row["name"]: row for row in table}
total = counting.totals(table)
dense_params = sum(by_name[name]["params"] for name in ("fc6", "fc7", "predictions"))
conv_flops = sum(row["flops"] for row in table if row["type"] == "Conv2D")
dense_share, conv_flop_share = dense_params / total["params"], conv_flops / total["flops"]
print(f"fc6 + fc7 + fc8 hold {dense_share:.0%} of the parameters; "
      f"the five convolutions do {conv_flop_share:.0%} of the FLOPs")
print(f"fc6 alone: {by_name['fc6']['params'] / total['params']:.0%} of the parameters; the most FLOPs: "
      f"{max(table, key=lambda row: row['flops'])['name']}, with {by_name['conv2']['params'] / total['params']:.1%} "
      "of the parameters")
plots.layer_bars(table, columns=("params", "flops"), title="AlexNet per layer")

# %% [markdown]
# The table gives the parameters of the network on one device, and its FLOPs per image in
# its total line (a multiply-add counts as 2). The paper's "60 million" is its two-GPU
# network, which has fewer: the section on two GPUs below counts it.
# The three dense layers hold nearly all the parameters, fc6 alone more than half of them,
# while the convolutions do nearly all the arithmetic: conv2, with about 1% of the weights,
# does the most (the shares are printed above).
# Memory and compute live in different places, which is why later networks (GoogLeNet,
# notebook 04) replaced the dense layers with global average pooling.
#
# ## What was new in 2012
# ### ReLU: training faster than tanh
# The paper's Figure 1: a four-layer CNN on CIFAR-10 reaches 25% training error six times
# (`paper["relu_speedup"]`) faster with ReLU, $\max(0, x)$ (Nair and Hinton 2010 had
# introduced it for restricted Boltzmann machines), than with $\tanh x$, each with
# the learning rate that trained it fastest (Section 3.1). In miniature: a small CNN on the
# first Fashion-MNIST images (`fashion_x[:6400]`), once with tanh and once with ReLU, the same initial weights, SGD with
# momentum 0.9, and the training error of every batch measured before its update. First the
# inputs, prepared two ways: AlexNet's (raw 0-255 pixel values minus the mean image,
# Section 2), and today's standardised ones.

# %%
(fashion_x, fashion_y), _ = data.load_fashion_mnist()
relu_x, relu_y = fashion_x[:6400], fashion_y[:6400]
pixels = relu_x.astype("float32")[..., np.newaxis]
inputs_2012 = pixels - pixels.mean(axis=0)  # AlexNet: subtract the mean image, no scaling
inputs_today = (pixels - pixels.mean()) / pixels.std()  # mean 0, standard deviation 1
for name, images in (("2012", inputs_2012), ("today", inputs_today)):
    print(f"{name:<6} inputs: standard deviation {images.std():6.2f}")

def small_cnn(activation, init_stddev=None, learning_rate=0.001, seed=0):
    """conv 5x5x16, pool, conv 5x5x32, pool, softmax; N(0, init_stddev) or Glorot weights."""
    keras.utils.set_random_seed(seed)  # the same initial weights for both activations

    def init():
        return keras.initializers.RandomNormal(stddev=init_stddev) if init_stddev else "glorot_uniform"

    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 5, padding="same", activation=activation, kernel_initializer=init()),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 5, padding="same", activation=activation, kernel_initializer=init()),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=init())])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

# %%
# With AlexNet's initialisation, weights drawn from N(0, 0.01^2) (Section 5), and its raw pixel
# values, how many of conv1's tanh units start saturated (output beyond ±0.99, slope under 0.02)?
saturated = {}
for name, images, stddev in (("2012", inputs_2012, 0.01), ("today", inputs_today, None)):
    first_layer = small_cnn("tanh", stddev).layers[0]
    outputs = keras.ops.convert_to_numpy(first_layer(images[:256]))
    saturated[name] = float(np.mean(np.abs(outputs) > 0.99))
    print(f"{name:<6} inputs and initialisation: {saturated[name]:.0%} of conv1's tanh outputs saturated")

# %% [markdown]
# Many of conv1's tanh units start saturated with the 2012 recipe, none with today's. A
# saturated unit passes almost no gradient back, so tanh *should* learn slowly there; ReLU's
# slope is 1 wherever it is active. Now the race, measured so that no single noisy moment
# decides it: several seeds for each network, and as the score the **mean training error
# over every batch of two epochs**, the area under the error curve divided by its length.
# A third setting repeats today's recipe with a ten times larger learning rate.
#
# `train_on_batch` returns the loss and metrics of the batch it trained on only if the
# metrics were reset first: Keras 3.8 to 3.14 return the running mean over every earlier
# call (3.15 resets them itself), so the function below calls `reset_metrics()` each time.

# %%
# NBVAL_IGNORE_OUTPUT
def training_errors(model, images, labels, epochs=2, batch_size=64):
    """Training error of every batch, measured before the update that batch makes."""
    errors = []
    for _ in range(epochs):
        for start in range(0, len(images), batch_size):
            model.reset_metrics()  # else Keras < 3.15 returns a running mean
            logs = model.train_on_batch(images[start:start + batch_size],
                                        labels[start:start + batch_size], return_dict=True)
            errors.append(1.0 - logs["accuracy"])
    return np.asarray(errors)

race_settings = {"2012": (inputs_2012, 0.01, 0.001), "today": (inputs_today, None, 0.001),
                 "today, 10x learning rate": (inputs_today, None, 0.01)}
curves = {(setting, activation): np.stack([
              training_errors(small_cnn(activation, stddev, rate, seed), images, relu_y)
              for seed in range(settings.race_seeds)])
          for setting, (images, stddev, rate) in race_settings.items() for activation in ("tanh", "relu")}
mean_error = {key: runs.mean(axis=1) for key, runs in curves.items()}  # one score per seed
for (setting, activation), scores in mean_error.items():
    print(f"{setting:<25}{activation:<5} mean training error {scores.mean():.3f} "
          f"(seeds: {', '.join(f'{score:.3f}' for score in scores)})")

# %%
# NBVAL_IGNORE_OUTPUT
# What the scores show, asserted on every seed, so that each reader's run checks the prose below
tanh_change = abs(mean_error["2012", "tanh"].mean() - mean_error["today", "tanh"].mean())
relu_change = abs(mean_error["2012", "relu"].mean() - mean_error["today", "relu"].mean())
print(f"2012 -> today: tanh's score moves by {tanh_change:.3f}, ReLU's by {relu_change:.3f}")
assert np.all(mean_error["2012", "relu"] < mean_error["2012", "tanh"])  # ReLU ahead in 2012
assert relu_change > 2 * tanh_change  # the recipe changes ReLU far more than tanh
gap_tuned = mean_error["today, 10x learning rate", "relu"] - mean_error["today, 10x learning rate", "tanh"]
print(f"today's recipe, 10x learning rate: ReLU minus tanh {gap_tuned.mean():+.3f}")
assert np.all(np.abs(gap_tuned) < 0.05)  # with a suitable step size, no clear winner
assert mean_error["today", "relu"].mean() > mean_error["today", "tanh"].mean()  # same rate: tanh ahead

figure, axes = plt.subplots(1, 3, figsize=(12, 3.4), sharey=True)
for axis, setting in zip(axes, race_settings):
    for activation in ("tanh", "relu"):
        runs = curves[setting, activation].reshape(settings.race_seeds, -1, 10).mean(axis=2)
        batches = np.arange(1, runs.shape[1] + 1) * 10
        axis.plot(batches, runs.mean(axis=0), label=activation)
        axis.fill_between(batches, runs.min(axis=0), runs.max(axis=0), alpha=0.25)
    axis.set(title=setting, xlabel="batches of 64 images", ylim=(0, 1))
axes[0].set_ylabel("training error\n(mean of 10 batches; band: seeds)")
axes[0].legend()
plt.tight_layout()

# %% [markdown]
# With the 2012 recipe ReLU learns faster than tanh, on every seed. But the measurement does
# not blame saturation: tanh's score barely moves between the recipes, although many of its
# units start saturated in 2012. What the recipe changes is ReLU. A ReLU network is
# positively homogeneous: scaling its input by $c > 0$ scales every pre-activation by $c$,
# so raw pixels (their standard deviation is printed above) give it larger gradients, in
# effect a larger step size. With standardised inputs and the same learning rate ReLU falls
# behind tanh; with a ten times larger rate the two end close together, within 0.05 on
# every seed (asserted; the gap is printed). On this shallow network, then, ReLU's lead
# comes from the effective step size, and it goes when each network gets a suitable one. The paper's six-fold speed-up (rates tuned, four
# layers, CIFAR-10) is quoted, not reproduced here. ReLU's lasting advantages lie in deeper
# networks, where products of small tanh slopes shrink the gradient (notebook 01 measured
# that), and in its cost: one comparison.

# %% [markdown]
# ### Local response normalisation (LRN)
# Section 3.3: each activation $a^i$ at channel $i$ is divided by a sum over the $n$ channels
# around it at the same pixel,
# $$b^i = a^i \Big/ \Big(k + \alpha \sum_{j=i-n/2}^{i+n/2} (a^j)^2\Big)^{\beta},\qquad
# n=5,\ k=2,\ \alpha=10^{-4},\ \beta=0.75.$$
# Five channels centred on $i$ is `depth_radius=2` in TensorFlow. Keras has no such layer;
# `support.layers.LocalResponseNormalization` is ours, written with `keras.ops` so that it
# runs on every Keras backend. Its `call` pads the squared activations with `depth_radius`
# zero channels on each side and adds $2r + 1$ shifted copies: each channel's sum over its
# window.

# %%
show.source(course_layers.LocalResponseNormalization)

# %%
# One pixel with nine channels, all 1 except one very large channel, against TensorFlow's
# own LRN; then the paper's gain beside VGG's Table 3, where the same normalisation was
# added to configuration A:
activations = np.ones((1, 1, 1, 9), dtype="float32")
activations[..., 4] = 300.0  # one strongly active channel
constants = {"depth_radius": 2, "bias": 2.0, "alpha": 1e-4, "beta": 0.75}
ours = keras.ops.convert_to_numpy(course_layers.LocalResponseNormalization(**constants)(activations))[0, 0, 0]
reference = tf.nn.local_response_normalization(activations, **constants).numpy()[0, 0, 0]
np.testing.assert_allclose(ours, reference, rtol=1e-6)
print("LRN output per channel:", np.round(ours, 3))
neighbour_share = ours[3] / ours[0]
print(f"the channels within 2 of the strong one keep {neighbour_share:.0%} of what the distant ones keep")
vgg_table3 = {"A": (29.6, 10.4), "A-LRN": (29.7, 10.5)}  # VGG paper, Table 3: top-1, top-5 val. error %
lrn_effect = [round(with_lrn - without, 1) for without, with_lrn in zip(vgg_table3["A"], vgg_table3["A-LRN"])]
print(f"adding LRN to VGG's configuration A changes top-1 and top-5 error by {lrn_effect} points")

# %% [markdown]
# Our layer equals `tf.nn.local_response_normalization` (asserted). The strong channel
# suppresses its four neighbours, which keep the share printed of what the distant channels
# keep: a competition between nearby feature maps, modelled on lateral inhibition in real
# neurons. The paper credits it with `paper["lrn_gain"]`, 1.4 and 1.2 points of top-1 and
# top-5 error; VGG (Simonyan and Zisserman, 2015) measured it again: a tenth of a point
# worse with LRN (Table 3), too small a difference to call it worse from one training run;
# in their Section 4.1's words, LRN "does not improve"
# configuration A, and it costs memory and time, so VGG dropped it. GoogLeNet (2014) still
# used it; batch normalisation (Ioffe and Szegedy, 2015), which normalises each channel over
# the batch and learns a scale and shift, replaced it in later networks.
#
# ### Overlapping pooling
# AlexNet pools 3x3 windows with stride 2, so neighbouring windows overlap, where the usual
# pooling (2x2, stride 2) tiles the map. On AlexNet's 55, 27 and 13-pixel maps:

# %%
for size in (55, 27, 13):
    overlapping, tiled = counting.output_size(size, 3, 2, "valid"), counting.output_size(size, 2, 2, "valid")
    read_overlapping, read_tiled = (overlapping - 1) * 2 + 3, tiled * 2  # rows the windows reach
    print(f"{size:>2} -> 3x3/2: {overlapping:>2} (reads {read_overlapping} rows)   "
          f"2x2/2: {tiled:>2} (reads {read_tiled} rows)")
    for window, side in ((3, overlapping), (2, tiled)):  # the formula against Keras's layer
        assert keras.layers.MaxPooling2D(window, strides=2).compute_output_shape((1, size, size, 1))[1] == side
windows = np.zeros((9, 9), int)  # how many 3x3/2 windows cover each pixel of a 9x9 map
for top in range(0, 7, 2):
    for left in range(0, 7, 2):
        windows[top:top + 3, left:left + 3] += 1
inner = windows[2:5, 2:5]  # the 9 pixels of an inner window: how many windows hold each
print(f"each output sees 9 pixels instead of 4; {(inner > 1).sum()} of an inner window's 9 also belong to "
      f"other windows ({(inner == 2).sum()} edge pixels to one more, {(inner == 4).sum()} corners to three more)")

# %% [markdown]
# Same output sizes (so the next layers cost the same), but each output sees 9 pixels
# instead of 4, all but its centre shared with a neighbouring window in two dimensions (a
# third of them, one column, with the next window along a row), and the odd-sized maps are read
# to their last row, which 2x2 windows skip. The paper reports (`paper["overlap_gain"]`) that
# overlapping pooling lowered top-1 and top-5 error by 0.4 and 0.3 points, and overfitted
# slightly less.
#
# ### Dropout
# fc6 and fc7 are followed by dropout (Hinton et al. 2012; Srivastava et al. 2014) with
# rate 0.5 (Section 4.2): during training each unit
# is zeroed with probability 0.5, so no unit can rely on another being there. On a tensor of
# a million ones:

# %%
dropout = keras.layers.Dropout(0.5, seed=0)
ones = np.ones((1000, 1000), dtype="float32")
trained = keras.ops.convert_to_numpy(dropout(ones, training=True))
inferred = keras.ops.convert_to_numpy(dropout(ones, training=False))
zeroed, survivors = np.mean(trained == 0), np.unique(trained[trained != 0])
print(f"training:  {zeroed:.2f} zeroed, survivors = {survivors}, mean {trained.mean():.2f}")
print(f"inference: values {np.unique(inferred)}, mean {inferred.mean():.2f}")
paper_training_mean = float(np.mean(trained != 0))  # the paper: zero, but do not scale up
print(f"the paper's dropout: training mean {paper_training_mean:.2f}, test outputs x 0.5 = 0.50")
assert round(zeroed, 2) == 0.5 and survivors.tolist() == [2.0] and np.all(inferred == 1)  # Keras, measured
assert round(float(trained.mean()), 2) == 1.0

# %% [markdown]
# Half the values are zeroed and the survivors doubled, so the mean stays 1.0 in training as
# at inference, where the layer does nothing. This is *inverted* dropout, what Keras does.
# The paper scaled at test time instead: it trained with plain zeroing (mean 0.50) and
# multiplied the outputs by 0.5 at test time. Both make the training and test means agree;
# the inverted version leaves the deployed network untouched.
#
# ### Data augmentation
# Section 4.1: training on random 224x224 crops of the 256x256 images and their horizontal
# mirror images (plus a colour perturbation along the pixels' principal components). In Keras
# the crops and flips are preprocessing layers, and there are two places to put them, each
# with its trade-off. Keras's preprocessing guide recommends them inside the model when
# training on a GPU: they then run on the GPU, batched, and a saved model carries them. In
# the input pipeline, a `tf.data` `map`, they run on the CPU while the accelerator trains.
# The course uses the pipeline for a reason Keras's own code gives: `RandomCrop` declares
# that XLA cannot compile it (its `supports_jit` is False, printed below; Keras's
# `random_crop.py`), and a model holding such a layer is compiled without XLA as a whole
# (`model_supports_jit` in Keras's `trainers/trainer.py`), so every layer of the network
# would run uncompiled. Here on Fashion-MNIST, padded from 28 to 36 pixels and cropped back
# to 28:

# %%
augment = keras.Sequential([keras.layers.RandomCrop(28, 28, seed=0),
                            keras.layers.RandomFlip("horizontal", seed=0)])
originals, labels = fashion_x[:8], fashion_y[:8]
padded = data.to_float_images(originals, pad_to=36)  # 4 pixels of room on each side
pipeline = tf.data.Dataset.from_tensor_slices(padded).batch(8).map(lambda images: augment(images, training=True))
augmented = next(iter(pipeline)).numpy()
print(padded.shape, "->", augmented.shape, "; RandomCrop's supports_jit:", augment.layers[0].supports_jit)
paper_factor = (256 - 224) ** 2 * 2  # offsets per axis, squared, times two for the mirror
exact_factor = (256 - 224 + 1) ** 2 * 2  # there are 33 offsets per axis, 0 to 32
print(f"(256 - 224)^2 x 2 = {paper_factor}; counting both ends, 33^2 x 2 = {exact_factor}")
plots.show_images(np.concatenate([originals / 255.0, augmented[..., 0]]), labels=np.concatenate([labels, labels]),
                  class_names=data.FASHION_MNIST_CLASSES, ncols=8, title="top: originals; bottom: random crops, some of them flipped")

# %% [markdown]
# Every epoch sees a shifted or mirrored version of each image, a new one each time. The
# paper counts its crops and flips as a 2048-fold larger training set: the first factor
# printed is the paper's "factor of 2048" (Section 4.1); the second the number of distinct
# crops and flips if both ends are counted. The
# images are highly correlated, of course; at test time the paper averaged the predictions of
# ten crops (four corners and the centre, and their mirror images).
#
# ## Training an AlexNet-style network to 90%
# Each idea above was measured alone. Together, at a CPU's scale, on Fashion-MNIST (Xiao et
# al., 2017): 70,000 grey 28x28 images of clothes and shoes in ten classes, 60,000 to train
# and 10,000 to test. `support.alexnet.fashion_alexnet` keeps AlexNet's layout: five ReLU
# convolutions, overlapping 3x3/2 max pooling after conv1, conv2 and conv5, a normalisation
# after conv1 and conv2 where the paper put LRN, and two dense layers with dropout 0.5. What
# changes is the scale: a 5x5 conv1 at stride 1 (an 11x11 kernel at stride 4 would leave a
# 28x28 image 5x5 maps), far fewer channels and dense units. The builder:

# %%
show.source(alexnet_module.fashion_alexnet)

# %% [markdown]
# Its normalisation is batch normalisation (Ioffe and Szegedy, 2015), not LRN, for two
# reasons. VGG's Table 3, above, found that LRN did not improve its configuration A. And batch
# normalisation does something LRN does not: it scales every channel to mean 0 and variance 1
# over the batch, then learns a scale and a shift, so that each layer's inputs keep their
# scale while the weights change; Ioffe and Szegedy (2015) report that it let a network train with
# larger learning rates and reach the same accuracy "with 14 times fewer training steps"
# (their Abstract), which is what a few epochs on a CPU need. `normalization="lrn"` builds the
# paper's version. This notebook does not race the two at these settings: the choice rests on
# VGG's and Ioffe and Szegedy's measurements, not on ours. Each version, and its parameters:

# %%
for normalization in ("batch", "lrn", None):
    variant = alexnet_module.fashion_alexnet(normalization=normalization)
    extra = [layer.name for layer in variant.layers if layer.name.startswith(("bn", "lrn"))]
    print(f"normalization={str(normalization):<6} {variant.count_params():>8,} parameters; "
          f"normalisation layers {extra}")

# %% [markdown]
# LRN has no weights; batch normalisation has four numbers per channel (a learned scale and
# shift, and the moving mean and variance used at test time), while LRN's constants are
# fixed. The settings: all 55,000 training images after a held-out validation split of 5,000
# (for the curves), the 10,000 test images scored once at the end; a few epochs on a CPU,
# more on a GPU:
#
# The augmentation that suits these images: horizontal flips, since a mirrored shirt or
# sandal is still a shirt or a sandal, and small shifts, the pad-and-crop shown above: a
# 28x28 crop of the padded image moves the item by up to 4 pixels, and where the item fills
# the frame a crop cuts a strip off its edge (several of the crops above do). Vertical flips would not
# suit: no test image shows a shoe upside down. The CPU settings use the flips alone, a
# reversal of each row that costs almost nothing; the GPU settings add shifts of up to
# `fashion.shift` pixels. Both run in the `tf.data` pipeline, as above, and the images arrive
# scaled to [0, 1]:

# %%
fashion = hardware.choose_settings(cpu={"epochs": 4, "batch_size": 128, "learning_rate": 2e-3, "shift": 0},
                                   gpu={"epochs": 15, "batch_size": 128, "learning_rate": 2e-3, "shift": 2})
(train_x, train_y), (validation_x, validation_y) = data.split_validation(fashion_x, fashion_y, 5000, seed=0)
_, (test_x, test_y) = data.load_fashion_mnist()
print(f"train {len(train_x):,}  validation {len(validation_x):,}  test {len(test_x):,} images")

flip = keras.layers.RandomFlip("horizontal", seed=0)
fashion_train = data.tf_dataset(train_x, train_y, fashion.batch_size, shuffle=True, augment_shift=fashion.shift).map(
    lambda images, labels: (flip(images, training=True), labels))
fashion_validation = data.tf_dataset(validation_x, validation_y, 1000)
fashion_test = data.tf_dataset(test_x, test_y, 1000)
fashion_steps = math.ceil(len(train_x) / fashion.batch_size)  # updates per epoch
print(f"{fashion_steps} batches of {fashion.batch_size} images per epoch")

# %%
# NBVAL_IGNORE_OUTPUT
# Adam with its learning rate decayed to zero along a cosine over all the updates
# (`CosineDecay`), and the seed fixed. The log gives each epoch's training and validation
# accuracy; the training time is measured around `fit`:
keras.utils.set_random_seed(0)
fashion_net = alexnet_module.fashion_alexnet()
schedule = keras.optimizers.schedules.CosineDecay(fashion.learning_rate, decay_steps=fashion.epochs * fashion_steps)
fashion_net.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
start = time.perf_counter()
fashion_history = fashion_net.fit(fashion_train, validation_data=fashion_validation, epochs=fashion.epochs,
                                  shuffle=False, verbose=2)
fashion_seconds = time.perf_counter() - start
print(f"{fashion.epochs} epochs in {fashion_seconds:.0f} s ({fashion.profile} settings)")

fashion_test_loss, fashion_test_accuracy = fashion_net.evaluate(fashion_test, verbose=0)
print(f"test accuracy {fashion_test_accuracy:.2%} on {len(test_x):,} images, after {fashion_seconds:.0f} s "
      f"of training")
final_gap = fashion_history.history["accuracy"][-1] - fashion_history.history["val_accuracy"][-1]
print(f"last epoch: training accuracy minus validation accuracy {final_gap:+.3f}")
assert fashion_test_accuracy >= 0.90
if fashion.profile == "cpu":  # the GPU settings' longer training may overfit: there the gap is printed
    assert final_gap < 0.02

plots.plot_history(fashion_history, title="AlexNet-style network on Fashion-MNIST")

# %% [markdown]
# At least 90% of the test images right (asserted), after the training time printed above on
# this machine. The curves show the validation accuracy tracking the training accuracy, and
# at the last epoch the training accuracy is less than two points above it (asserted on the
# CPU settings): after so few epochs the network has not begun to overfit. (The training accuracy is measured with
# dropout on and on flipped images, so it can even sit below the validation accuracy.) The
# CPU settings stop the network well before it is trained out; the GPU settings run more
# epochs, with shifts as well (the settings line above gives both).
#
# ## Two GPUs in 2012, and today
# Section 3.2 of the paper: "A single GTX 580 GPU has only 3GB of memory, which limits the
# maximum size of the networks that can be trained on it. It turns out that 1.2 million
# training examples are enough to train networks which are too big to fit on one GPU.
# Therefore we spread the net across two GPUs." How much memory does training the one-device
# network need? An estimate, counted from the layer table at the paper's batch of 128
# (Section 5), in float32: the weights, their gradients and SGD's momentum (3 values per
# parameter), and every layer's output kept for the backward pass with its gradient (2
# values per activation):

# %%
batch_2012, gtx_580_gigabytes = 128, 3.0  # the paper, Sections 5 and 3.2
weight_gigabytes = 3 * 4 * total["params"] / 1e9  # weights, gradients, momentum; 4 bytes each
stored = [row for row in table if row["type"] != "Flatten"]  # Flatten is a view of pool5
activation_gigabytes = 2 * batch_2012 * sum(row["activation_bytes"] for row in stored) / 1e9
print(f"weights, gradients, momentum {weight_gigabytes:.2f} GB + activations and their gradients "
      f"{activation_gigabytes:.2f} GB = {weight_gigabytes + activation_gigabytes:.2f} GB, "
      f"against the GTX 580's {gtx_580_gigabytes:.0f} GB")

# %% [markdown]
# By this count the whole network fits in 3 GB, with room to spare. The count is an
# estimate, not a bound either way: keeping every activation's gradient at once overcounts
# (a framework frees each one once it is used), while the convolution routines' scratch
# memory, LRN's and dropout's buffers, the batches being loaded and the 2012 code's own
# buffers are left out, and we cannot measure them today. So it does not show that
# one GTX 580 was too small for this network; the paper's own words are the quote above, and
# it adds that its two-GPU network "takes slightly less time to train" than a one-GPU network
# with half the kernels. The paper split every layer in two, one half
# per GPU. conv2, conv4 and conv5 see only the channels on their own GPU: today that is a
# *grouped* convolution, `Conv2D(groups=2)`.

# %%
grouped_table = counting.layer_table(models.alexnet(groups=2))
grouped = {row["name"]: row for row in grouped_table}
for name in ("conv2", "conv3", "conv5"):  # conv4 is exercise 2's
    print(f"{name}: {by_name[name]['params']:>9,} -> {grouped[name]['params']:>9,} parameters, "
          f"{by_name[name]['flops'] / 1e6:6.1f} -> {grouped[name]['flops'] / 1e6:6.1f} MFLOPs")
saved_params = total["params"] - counting.totals(grouped_table)["params"]
saved_flop_share = 1 - counting.totals(grouped_table)["flops"] / total["flops"]
print(f"groups=2 saves {saved_params:,} parameters ({saved_params / total['params']:.1%}) "
      f"and {saved_flop_share:.0%} of the FLOPs")
grouped_params = counting.totals(grouped_table)["params"]
print(f"the two-GPU network: {grouped_params:,} parameters, the paper's "
      f"{paper['parameters'] / 1e6:.0f} million; one device: {total['params']:,}")
assert grouped_params // 10**6 == paper["parameters"] // 10**6 != total["params"] // 10**6  # whole millions

# %% [markdown]
# The grouped layers have half the weights and half the arithmetic; conv3 (and the dense
# layers) still connect both halves. The whole network loses only a small share of its
# parameters (printed above), since most sit in the dense layers, but about a third of its
# FLOPs. The grouped network is the paper's: it has 60 million parameters and some, the
# one-device network 62 million and some (asserted). (The paper reports that its
# two-GPU network beat a one-GPU network with half the filters by 1.7 and 1.2 points of top-1
# and top-5 error, `paper["two_gpu_gain"]`.) Splitting a model across devices
# like this is *model parallelism*.
#
# Today one GPU holds AlexNet many times over, and several GPUs are used for *data
# parallelism*: every device holds a full copy of the model, each takes a slice of the batch,
# and the gradients are summed across devices before every update.
# `tf.distribute.MirroredStrategy` does this. It runs here on two GPUs if there are, else on
# the two logical CPU devices that `quiet.setup` made:

# %%
gpus = tf.config.list_logical_devices("GPU")
replica_devices = gpus if len(gpus) >= 2 else tf.config.list_logical_devices("CPU")
strategy = tf.distribute.MirroredStrategy(devices=[device.name for device in replica_devices])
per_replica_batch = settings.mirrored_batch // strategy.num_replicas_in_sync
print(f"{strategy.num_replicas_in_sync} replicas ({'GPUs' if len(gpus) >= 2 else 'logical CPUs'}); "
      f"a global batch of {settings.mirrored_batch} gives {per_replica_batch} images to each")
assert strategy.num_replicas_in_sync >= 2

# %%
# NBVAL_IGNORE_OUTPUT
# A small AlexNet-like network for 28x28 images (overlapping pooling, ReLU, dropout). Its
# variables are created inside `strategy.scope()`, so that each replica gets a mirrored copy:
with strategy.scope():
    keras.utils.set_random_seed(0)
    mini_alexnet = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax")], name="mini_alexnet")
    mini_alexnet.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])
print(f"{mini_alexnet.count_params():,} parameters, mirrored on {strategy.num_replicas_in_sync} devices")

mirrored_ds = data.tf_dataset(fashion_x[:settings.mirrored_images], fashion_y[:settings.mirrored_images],
                              settings.mirrored_batch, shuffle=True)
mini_alexnet.fit(mirrored_ds, epochs=1, shuffle=False, verbose=2)
loss, accuracy = mini_alexnet.evaluate(data.tf_dataset(test_x[:2000], test_y[:2000], 500), verbose=0)
print(f"one epoch on {settings.mirrored_images:,} images: test loss {loss:.3f}, "
      f"test accuracy {accuracy:.1%} on 2,000 test images")
assert math.isfinite(loss) and accuracy > 0.3  # chance is 10%

# %% [markdown]
# One epoch trains it well above the 10% of chance (asserted above 30%): the two replicas each
# computed gradients on half of every batch, and the all-reduced sum updated both copies. It
# is scored with `evaluate` on test images, not with the accuracy that `fit` reports: Keras
# 3.8 and 3.9 did not combine the replicas' metric variables when reading them, and their
# `fit` reported a figure far below the model's real accuracy.
# Two logical devices share the same CPU cores, so this shows the mechanics, not a speed-up;
# on GPUs the `fit` code stays the same, which is the point.
#
# ## Timing AlexNet
# How fast is AlexNet here? `timing.benchmark` times a compiled step on a batch already on
# the device, after warm-up steps (the first one compiles), and reads the clock only after
# the device has finished. Notebook 06 teaches why each of these matters, takes apart the
# source posts' timing statistics, and compares all of the course's networks. The forward
# pass and the training step, per image, and their FLOP rate against the rate of one large
# matrix product on this device:

# %%
# NBVAL_IGNORE_OUTPUT
forward = timing.benchmark(alexnet, settings.batch_size, mode="forward", steps=settings.steps, warmup=settings.warmup)
train = timing.benchmark(alexnet, settings.batch_size, mode="train", steps=settings.train_steps, warmup=settings.warmup)
matmul = timing.matmul_rate(size=settings.matmul_size, dtype="float32")
print(f"{matmul['size']}x{matmul['size']} float32 matmul: {1e3 * matmul['tflops_per_s']:.1f} GFLOP/s")
for result in (forward, train):
    fraction = result["gflops_per_s"] / (1e3 * matmul["tflops_per_s"])
    print(f"{result['mode']:<8} batch {result['batch_size']}: median {1e3 * result['median_s']:7.1f} ms "
          f"(sd {1e3 * result['std_s']:5.1f}) over {result['steps']} steps, {result['images_per_s']:6.1f} images/s, "
          f"{result['gflops_per_s']:6.1f} GFLOP/s = {fraction:.0%} of the matmul rate")
print(f"measured: a training step takes {train['median_s'] / forward['median_s']:.1f} forward passes (medians)")
print(hardware.load_line())  # how busy the machine was: notebook 06 explains it

# %% [markdown]
# A training step has about three forward passes of arithmetic (the gradients with respect
# to the activations and to the weights each cost about one forward pass); the measured
# ratio printed need not be 3: the backward convolutions may reach fewer FLOP/s than the
# forward ones, the step also updates 62 million weights and their momentum, and a few steps
# on a shared CPU vary. Nor does a network usually reach the matrix product's rate:
# pooling, LRN and memory traffic take time but do little arithmetic (on a shared CPU the
# product may be timed while other work runs, and the share printed can then exceed 100%;
# notebook 06 reads the rates from results files for that reason). Notebook 06 splits the step and
# shows, layer by layer, where the time goes. On a GPU the same cell runs the source posts'
# batch of 32.
#
# ## Errata of the source posts' code
# The course's authors found three mistakes in the code of the source posts. Each is
# reproduced below in miniature in TensorFlow 2, next to the fix.
#
# **(a) The bias tensor instead of the biases variable.** In each convolution the source posts wrote
# `bias = tf.nn.bias_add(conv, biases)` and then `parameters += [kernel, bias]` (Google's
# file has `biases`). The forward-backward benchmark took `tf.gradients(objective,
# parameters)`: with respect to the activation tensor `bias`, not the variable `biases`.

# %%
images = tf.random.normal((4, 16, 16, 3), seed=0)
kernel, biases = tf.Variable(tf.random.normal((3, 3, 3, 8), seed=1)), tf.Variable(tf.zeros(8))
with tf.GradientTape(persistent=True) as tape:
    bias = tf.nn.bias_add(tf.nn.conv2d(images, kernel, 1, "SAME"), biases)
    objective = tf.nn.l2_loss(tf.nn.relu(bias))
posts_gradients = tape.gradient(objective, [kernel, bias])  # the source posts' parameter list
fixed_gradients = tape.gradient(objective, [kernel, biases])
print("source posts:", [tuple(gradient.shape) for gradient in posts_gradients])
print("fixed:       ", [tuple(gradient.shape) for gradient in fixed_gradients])
assert posts_gradients[1].shape == (4, 16, 16, 8) and fixed_gradients[1].shape == (8,)
np.testing.assert_allclose(tf.reduce_sum(posts_gradients[1], axis=(0, 1, 2)), fixed_gradients[1], rtol=1e-4)
conv_rows = [row for row in by_name.values() if row["type"] == "Conv2D"]  # AlexNet's five convolutions
activation_megabytes = 32 * sum(row["activation_bytes"] for row in conv_rows) / 1e6
bias_kilobytes = 4 * sum(row["output_shape"][-1] for row in conv_rows) / 1e3
print(f"AlexNet, batch 32, per step: {activation_megabytes:.0f} MB of activation gradients fetched instead "
      f"of {bias_kilobytes:.1f} kB of bias gradients")

# %% [markdown]
# The source posts' list asks for a gradient shaped like the activations (N×H×W×C); the gradient of
# the variable `biases` (C values, the activation gradient summed over N, H and W, asserted)
# is never computed, so no optimizer could have trained the biases, and the timed step
# skipped that reduction. And `session.run` fetched those tensors to the host on every
# step: in AlexNet's five convolutions at the source posts' batch of 32, megabytes instead of
# kilobytes (printed; the network the posts timed, notebook 06, is a little smaller). The
# forward-backward figures included that copy, whose share of the time the post never
# measured.
#
# **(b) ReLU applied to the 1000-way logits.** The source posts' last dense layer kept the ReLU of
# the hidden layers. $\mathrm{relu}(z) \ge z$: a clipped logit can only be raised, never
# lowered, so every class with a negative logit sits at 0, and gets no gradient:

# %%
logits = tf.constant([[3.0, 1.0, -2.0, -4.0]])
true_class = tf.constant([2])  # the right answer currently has a negative logit
for name, head in (("softmax(z)      ", tf.identity), ("softmax(relu(z))", tf.nn.relu)):
    with tf.GradientTape() as tape:
        tape.watch(logits)
        probabilities = tf.nn.softmax(head(logits))
        loss = keras.losses.sparse_categorical_crossentropy(true_class, probabilities)
    gradient = tape.gradient(loss, logits).numpy()[0] + 0.0  # + 0.0 turns -0.0 into 0.0
    print(f"{name}: probabilities {np.round(probabilities.numpy()[0], 3)}, dloss/dz {np.round(gradient, 3)}")
assert np.all(gradient[2:] == 0) and probabilities[0, 2] == probabilities[0, 3]

# %% [markdown]
# With the ReLU the two negative classes get the same probability and a zero gradient: the
# true class cannot be pushed up, and the wrong ones can only be lowered relative to it by
# pushing the positive logits down. Classes whose logits start negative are dead. The fix:
# fc8 has no activation before the softmax.
#
# **(c) An extra 1000→10 softmax layer.** To train on a 10-class data set the source posts bolted a
# dense layer with a softmax onto AlexNet's 1000-way softmax output. Softmax probabilities
# (1000 values near 0.001 that sum to 1) make a poor input: compare the gradient reaching the
# network's features with and without the middle softmax.

# %%
keras.utils.set_random_seed(0)
features, targets = keras.random.normal((32, 4096), seed=0), np.arange(32) % 10
fc8, extra = keras.layers.Dense(1000), keras.layers.Dense(10)
outputs, gradient_norms = {}, {}
for middle_softmax in (True, False):
    with tf.GradientTape() as tape:
        tape.watch(features)
        scores = tf.nn.softmax(fc8(features)) if middle_softmax else fc8(features)
        outputs[middle_softmax] = tf.nn.softmax(extra(scores))
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(targets, outputs[middle_softmax]))
    gradient_norms[middle_softmax] = float(tf.norm(tape.gradient(loss, features)))
ratio = gradient_norms[True] / gradient_norms[False]
spread = float(tf.reduce_max(tf.abs(outputs[True] - 0.1)))
print(f"with the middle softmax: outputs within {spread:.0e} of 1/10; gradient {ratio:.0e} times as large")
assert spread < 1e-3 and ratio < 1e-2

# %% [markdown]
# With two softmaxes in a row the ten outputs are uniform to within a thousandth, and the
# gradient reaching the network is more than a hundred times smaller (both asserted): the
# network barely trains. The fix: replace fc8 by a 10-way dense layer with one softmax.
#
# ## Summary
# * AlexNet on one device has 62,378,344 parameters (Keras's count); the paper's two-GPU
#   network, with grouped convolutions, has the "60 million" the paper gives. Nearly all sit in the three dense layers, while the convolutions do
#   nearly all the arithmetic.
# * With the 2012 recipe ReLU trains faster than tanh on every seed, but on this small
#   network the measurement points to ReLU's larger effective step size on raw pixels, not to
#   tanh's saturation; with standardised inputs and a suitable learning rate its lead goes.
# * LRN is a channel-wise competition that VGG found did not help; overlapping pooling
#   reads every pixel at the same output size; dropout is inverted in Keras; crops and flips
#   can sit in the `tf.data` pipeline or inside the model, each with its trade-off.
# * Together, at a CPU's scale (`fashion_alexnet`: ReLU, overlapping pooling, dropout, flips,
#   batch normalisation in LRN's place), they reach at least 90% test accuracy on
#   Fashion-MNIST in a few epochs (asserted).
# * The two-GPU split is a grouped convolution (about a third fewer FLOPs); today's
#   multi-GPU training is data parallelism, `MirroredStrategy`.
# * AlexNet's training step has three forward passes of arithmetic but measures more on a
#   CPU (the ratio printed, and the results files of notebook 06); notebook 06 teaches
#   timing and compares the course's networks.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is; the hint below
# each exercise is there if you need it.
#
# 1. Fed larger images, `models.alexnet(input_shape=(259, 259, 3))`, AlexNet's pool5 has one
#    more row and one more column than at 227x227. How many parameters does fc6 have then?
#
#    *Hint:* a dense layer has one weight per input and unit, plus one bias per unit.

# %%
answer = None  # your answer: fc6's parameters for 259x259 inputs
larger_alexnet = {row["name"]: row for row in counting.layer_table(models.alexnet(input_shape=(259, 259, 3)))}
exercises.check(answer, larger_alexnet["fc6"]["params"])

# %% [markdown]
# 2. With `groups=2`, how many FLOPs per image does conv4 save?
#
#    *Hint:* a convolution does $2 \cdot H_{out} W_{out} C_{out} k^2 C_{in} / g$ FLOPs; read
#    conv4's output size and channels from the layer table.

# %%
answer = None  # your answer: FLOPs per image saved in conv4 by groups=2
exercises.check(answer, by_name["conv4"]["flops"] - grouped["conv4"]["flops"])

# %% [markdown]
# 3. (Open.) The paper chose each network's learning rate separately. Repeat the
#    ReLU-and-tanh race with the 2012 recipe at learning rates 0.0003, 0.001 and 0.003
#    (`small_cnn(..., learning_rate=...)` and `training_errors`), three seeds each. Which
#    activation has the lower mean training error with its own best rate?
#
#    *Criterion:* the score is the race's, the mean training error over all the batches of
#    two epochs, one per seed. For each activation take the rate with the lowest mean score over the seeds.
#    Call one activation better only if, at the two best rates, its score is lower on every
#    seed (the rule by which the race above finds ReLU ahead with the 2012 recipe).
#
#    *A correct answer shows* a table of the mean score and its range over the seeds for each
#    activation and rate (six rows), the best rate of each activation, and a verdict that
#    follows the rule, "ReLU", "tanh" or "no clear winner". A worked answer, at a reduced
#    scale on a CPU, is at the end of the notebook.
# 4. (Open.) Put `augment` inside a model before `mini_alexnet`'s layers instead of in the
#    pipeline, and time an epoch both ways on this machine's backend. Which is faster here,
#    and is the compiled step still compiled?
#
#    *Criterion:* the same data (the first `settings.mirrored_images` images, batch
#    `settings.mirrored_batch`) and the same model without `MirroredStrategy`; time the second
#    and third epochs of each (the first compiles) with `time.perf_counter()` around `fit`,
#    and call one way faster only if both of its epochs are faster than both of the other's.
#    Read `model.jit_compile` after `fit` for each.
#
#    *A correct answer shows* the four epoch times, the verdict, the backend
#    (`keras.backend.backend()`), and `jit_compile` of both models; on the JAX backend it
#    should report whether the `Random*` layers made Keras turn compilation off. A worked
#    answer is at the end of the notebook.
#
# ## Worked answers
# For the open exercises 3 and 4. Exercise 3 runs at a reduced scale that fits this
# notebook's budget on a CPU (the settings line says how; on a GPU the exercise's full
# criterion runs); exercise 4 runs as the exercise asks. The rules
# are the exercises'; the verdicts below are computed from the measurements, not typed.
#
# **Exercise 3.** On a CPU: two seeds and one epoch per run, instead of three seeds and two
# epochs (the settings line above). The
# rate 0.001 is the race above, on the same seeds and images, so its curves are reused
# (their first batches are the same run's):

# %%
# NBVAL_IGNORE_OUTPUT
worked = hardware.choose_settings(cpu={"race_seeds": 2, "race_epochs": 1}, gpu={"race_seeds": 3, "race_epochs": 2})
rates, race_batches = (0.0003, 0.001, 0.003), worked.race_epochs * math.ceil(len(relu_x) / 64)
rate_scores = {}
for activation in ("tanh", "relu"):
    for rate in rates:
        if rate == 0.001:
            runs = curves["2012", activation][:worked.race_seeds, :race_batches]
        else:
            runs = np.stack([training_errors(small_cnn(activation, 0.01, rate, seed), inputs_2012, relu_y,
                                             epochs=worked.race_epochs) for seed in range(worked.race_seeds)])
        rate_scores[activation, rate] = runs.mean(axis=1)  # one score per seed
        scores = rate_scores[activation, rate]
        print(f"{activation:<5} rate {rate:<6} mean training error {scores.mean():.4f} "
              f"(range {scores.min():.4f} to {scores.max():.4f})")

best_rate = {activation: min(rates, key=lambda rate: rate_scores[activation, rate].mean())
             for activation in ("tanh", "relu")}
tanh_best, relu_best = rate_scores["tanh", best_rate["tanh"]], rate_scores["relu", best_rate["relu"]]
race_verdict = ("ReLU" if np.all(relu_best < tanh_best) else "tanh" if np.all(tanh_best < relu_best)
                else "no clear winner")
print(f"best rates: tanh {best_rate['tanh']}, ReLU {best_rate['relu']}; verdict: {race_verdict}")
if worked.profile == "cpu":  # checked on two sets of seeds; the GPU criterion is not measured yet
    assert race_verdict == "ReLU"


# %% [markdown]
# With each activation at its own best rate (printed), ReLU's score is lower on every seed
# (asserted for the CPU settings): with the 2012 recipe ReLU wins even when tanh gets its best
# learning rate of the three. Fewer seeds and batches than the exercise asks make this a weaker test than the
# full one; the verdict printed on a GPU is the full criterion's.
#
# **Exercise 4.** The same model, images and batches twice, without `MirroredStrategy`: once
# with `augment`'s crops and flips in the `tf.data` pipeline, once with the same layers inside
# the model, before a copy of `mini_alexnet`. `training.EpochTimer` records each epoch's
# wall-clock time:

# %%
# NBVAL_IGNORE_OUTPUT
def augmentation_model(inside):
    """A fresh copy of mini_alexnet; with `inside`, the crops and flips as its first layers."""
    keras.utils.set_random_seed(0)
    crops_and_flips = [keras.layers.RandomCrop(28, 28, seed=0), keras.layers.RandomFlip("horizontal", seed=0)]
    model = keras.Sequential([keras.Input((36, 36, 1) if inside else (28, 28, 1)), *(crops_and_flips if inside else []),
                              keras.models.clone_model(mini_alexnet)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


padded_images = data.to_float_images(fashion_x[:settings.mirrored_images], pad_to=36)
padded_batches = tf.data.Dataset.from_tensor_slices((padded_images, fashion_y[:settings.mirrored_images])).batch(
    settings.mirrored_batch)

epoch_times, jit_compiled = {}, {}
for way, inside in (("pipeline", False), ("inside the model", True)):
    model, timer = augmentation_model(inside), training.EpochTimer()
    batches = padded_batches if inside else padded_batches.map(lambda x, y: (augment(x, training=True), y))
    model.fit(batches, epochs=3, callbacks=[timer], shuffle=False, verbose=0)
    epoch_times[way], jit_compiled[way] = timer.seconds[1:], model.jit_compile  # the first epoch compiles
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
# backend: that is how the crops inside the model turned compilation off on JAX, the
# slowdown the data augmentation section quotes. In the pipeline the model stays
# compilable. This run cannot show the difference itself: here both models are uncompiled
# (printed above), as every model is on a CPU-only TensorFlow machine.
#
# ## References
# * Krizhevsky, A., Sutskever, I., and Hinton, G. E. (2012). ImageNet classification with
#   deep convolutional neural networks. *Advances in Neural Information Processing Systems 25
#   (NIPS 2012)*, 1097–1105.
# * Simonyan, K., and Zisserman, A. (2015). Very deep convolutional networks for large-scale
#   image recognition. *ICLR 2015*.
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., and Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*, 1–9.
# * Ioffe, S., and Szegedy, C. (2015). Batch normalization: accelerating deep network
#   training by reducing internal covariate shift. *ICML 2015*, PMLR 37, 448–456.
# * Jia, Y., Shelhamer, E., Donahue, J., Karayev, S., Long, J., Girshick, R., Guadarrama, S.,
#   and Darrell, T. (2014). Caffe: convolutional architecture for fast feature embedding.
#   *ACM Multimedia 2014*, 675–678.
# * Xiao, H., Rasul, K., and Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for
#   benchmarking machine learning algorithms. arXiv:1708.07747.
# * Nair, V., and Hinton, G. E. (2010). Rectified linear units improve restricted Boltzmann
#   machines. *ICML 2010*, 807–814.
# * Hinton, G. E., Srivastava, N., Krizhevsky, A., Sutskever, I., and Salakhutdinov, R. R.
#   (2012). Improving neural networks by preventing co-adaptation of feature detectors.
#   arXiv:1207.0580.
# * Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I., and Salakhutdinov, R. (2014).
#   Dropout: a simple way to prevent neural networks from overfitting. *Journal of Machine
#   Learning Research*, 15, 1929–1958.
# * Software cited: TensorFlow's `alexnet_benchmark.py` (github.com/tensorflow/models,
#   `tutorials/image/alexnet/`); Keras's preprocessing layers guide (keras.io); Keras's source,
#   `keras/src/layers/preprocessing/image_preprocessing/random_crop.py` and
#   `keras/src/trainers/trainer.py` (github.com/keras-team/keras).

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
# # 03 · VGG: depth from small filters
#
# Simonyan and Zisserman's networks (ICLR 2015; ILSVRC 2014: first in localisation, second in
# classification) built from one table, five configurations A to E, counted and checked
# against the paper and against `keras.applications`; why a stack of 3x3 convolutions beats
# one large filter, shown three ways; the receptive fields of VGG16, theoretical and
# effective; where its parameters, arithmetic and memory are; the training recipe and the
# initialisation problem, measured; scale jittering; dense evaluation; and the errata of the
# VGG code of the source posts (the blog posts this course grew from, notebook 01).
#
# **Learning goals.** After this notebook you can
# * build any VGG configuration from a table, and count its parameters, FLOPs and memory;
# * compute a receptive field with the recurrence and check it with a gradient;
# * explain why three 3x3 convolutions replace one 7x7, and what configuration C's 1x1
#   convolutions bought;
# * tell the theoretical from the effective receptive field;
# * convert dense layers to convolutions for dense evaluation;
# * say why $N(0, 0.01^2)$ weights stall a deep plain network and He initialisation does not.
#
# **Prerequisites.** Notebook 01 (output sizes, parameter counts, receptive fields) and
# notebook 02 (AlexNet, dropout, timing).
#
# **Run time.** About 2½ minutes on the course's 2-core CPU machine (measured under nbval,
# with the CPU settings below). It has not been run on a GPU (the course's GPU machine has
# no TensorFlow); VGG16's timings on an NVIDIA H200 come from a results file (section
# "Timing, briefly": a median of 2.43 ms forward and 9.70 ms per training step for a batch of
# 32 in mixed bfloat16). Everything runs offline; only the cell that classifies a photograph with ImageNet weights needs internet
# (Colab).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `fashion-mnist/`.

# %% [markdown]
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on Colab (notebook 01 explains it).

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

# %% [markdown]
# `quiet.setup()` imports TensorFlow with its start-up chatter silenced; it must run before
# anything else imports TensorFlow.

# %%
from support import quiet

quiet.setup()

import collections
import contextlib
import io

import keras
import matplotlib.cbook
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import counting, data, exercises, hardware, models, plots, results, show, sizing
from support import layers as course_layers
from support import receptive_field as rf
from support import vgg as vgg_module

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# On a GPU the lesson runs as written; on a CPU the effective-receptive-field average uses
# fewer random networks, and the initialisation experiment (and exercise 4's worked answer)
# fewer images and epochs.

# %%
settings = hardware.choose_settings(
    cpu={"erf_networks": 3, "init_images": 1024, "init_epochs": 4, "init_seeds": 2, "exercise_epochs": 10},
    gpu={"erf_networks": 16, "init_images": 8192, "init_epochs": 10, "init_seeds": 3, "exercise_epochs": 20},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("03", settings.gpu))

# %% [markdown]
# ## VGG in 2014
# The paper's figures used in this notebook, as data (Simonyan and Zisserman, *Very Deep
# Convolutional Networks for Large-Scale Image Recognition*, ICLR 2015). Table 3's errors are
# top-1 and top-5 error on the ILSVRC-2012 validation set, in percent, for one test scale.
# The `ilsvrc2014_top5` entries are different: Table 7's top-5 errors on the ILSVRC-2014
# *test* set, of ensembles tested at several scales (the submission: 7 networks, dense
# evaluation; after it: D and E, dense and multi-crop evaluation); GoogLeNet's is its winning
# ensemble of 7 networks. *Multi-crop evaluation* classifies many crops of each test image and
# averages their scores; *dense evaluation* runs the network, its dense layers turned into
# convolutions, over the whole image at once (section "Dense evaluation" below).

# %%
paper = {
    "weight_layers": {"A": 11, "B": 13, "C": 16, "D": 16, "E": 19},          # Table 1
    "params_millions": {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144},   # Table 2
    "table3": {"A": (29.6, 10.4), "A-LRN": (29.7, 10.5), "B": (28.7, 9.9),  # Table 3, trained
               "C": (28.1, 9.4), "D": (27.0, 8.8), "E": (27.3, 9.0)},       # and tested at 256
    "table3_jittered": {"C": (27.3, 8.8), "D": (25.6, 8.1), "E": (25.5, 8.0)},  # S in [256, 512]
    "ilsvrc2014_top5": {"VGG (submission, 7 nets)": 7.3, "VGG (after, 2 nets)": 6.8,
                        "GoogLeNet (winner)": 6.7},                          # Table 7, test set
    "shallow_5x5_top1_penalty": 7,  # Section 4.1: B with 5x5 in place of 3x3 pairs, "7% higher"
}
print("ILSVRC-2014 classification, top-5 test error:", paper["ilsvrc2014_top5"])
winner = paper["ilsvrc2014_top5"]["GoogLeNet (winner)"]
for entry in ("VGG (submission, 7 nets)", "VGG (after, 2 nets)"):
    print(f"{entry}: {paper['ilsvrc2014_top5'][entry] - winner:.1f} points behind GoogLeNet")

# %% [markdown]
# Second in classification to GoogLeNet (notebook 04) with its submitted ensemble, and
# almost level with two networks after the deadline (the gaps are printed); first in
# localisation. GoogLeNet used 22 layers (Szegedy et al. 2015) and clever modules; VGG used one idea, repeated:
# 3x3 convolutions, stacked deep.

# %% [markdown]
# ## Configurations A to E from one table
# VGG is a sequence of *stages*: some 3x3 convolutions (stride 1, SAME padding, ReLU) at
# one resolution, then a 2x2 max pooling with stride 2 that halves it. The channels start at
# 64 and double after every pooling up to 512. Three dense layers follow (fc6 and fc7 with
# 4096 units and dropout, fc8 with 1000 and a softmax). The five configurations differ only
# in how many convolutions each stage has, and C in the size of some (three of its layers are
# 1x1), so the course writes them as data: an integer is
# a 3x3 convolution with that many channels, `(channels, 1)` a 1x1 convolution, `"M"` a
# pooling.

# %%
for name, config in vgg_module.VGG_CONFIGS.items():
    print(name, config)

# %% [markdown]
# One builder reads any such table. `config_stages` splits it at the poolings into
# `(channels, kernel sizes)` per stage; configuration C, for example:

# %%
for index, (channels, kernels) in enumerate(vgg_module.config_stages("C"), start=1):
    print(f"stage {index}: channels {channels}, kernels {kernels}")

# %% [markdown]
# `vgg` builds the stages with `vgg_block`, which names the layers as `keras.applications`
# does (`block{i}_conv{j}`, `block{i}_pool`), then the dense head:

# %%
# NBVAL_IGNORE_OUTPUT
show.source(vgg_module.vgg)

# %%
# NBVAL_IGNORE_OUTPUT
show.source(course_layers.vgg_block)

# %% [markdown]
# Build all five, count their parameters with Keras, and count their layers with weights
# (convolutions and dense layers, the "depth" of the paper's Table 1):

# %%
counts, depths = {}, {}
for config in "ABCDE":
    model = models.vgg(config)
    counts[config] = model.count_params()
    depths[config] = sum(type(layer).__name__ in ("Conv2D", "Dense") for layer in model.layers)
    print(f"{config}: {depths[config]} weight layers, {counts[config]:>12,} parameters "
          f"(paper: {paper['weight_layers'][config]} layers, {paper['params_millions'][config]} million)")
    if config == "D":
        vgg16 = model  # kept: most of this notebook is about VGG16
assert depths == paper["weight_layers"]
assert {config: round(count / 1e6) for config, count in counts.items()} == paper["params_millions"]

# %% [markdown]
# Every count rounds to the paper's Table 2, and every depth is Table 1's (both asserted).
# How much do the parameters grow from 11 to 19 layers?

# %%
growth = counts["E"] / counts["A"] - 1
print(f"E has {growth:.1%} more parameters than A with {depths['E'] - depths['A']} more layers")
figure, axis = plt.subplots(figsize=(6, 2.8))
positions = np.arange(5)
axis.bar(positions - 0.2, [counts[c] / 1e6 for c in "ABCDE"], 0.4, label="built here (Keras)")
axis.bar(positions + 0.2, [paper["params_millions"][c] for c in "ABCDE"], 0.4, label="paper, Table 2")
axis.set_xticks(positions, [f"{c}\n{depths[c]} layers" for c in "ABCDE"])
axis.set(ylabel="parameters (millions)", ylim=(120, 150), title="Parameters of configurations A to E")
axis.legend(loc="upper left")
plt.tight_layout()

# %% [markdown]
# Only by the printed percentage, for eight more layers. (The y axis does not start at zero,
# so that the differences show.) Why so little is in the layer-by-layer count below: almost all
# parameters sit in the dense layers.

# %% [markdown]
# ### D and E are VGG16 and VGG19
# `keras.applications.VGG16` and `VGG19` (built with `weights=None`: no download) are
# independent implementations of D and E. Layer by layer, the layers with weights must have
# the same names, weight shapes and counts:

# %%
def weight_shapes(model):
    """name -> list of weight shapes, for the layers that have weights, in order."""
    return {layer.name: [tuple(weight.shape) for weight in layer.weights] for layer in model.layers if layer.weights}


def layers_without_weights(model):
    """How many layers of each type have no weights (inputs, pooling, flatten, dropout)."""
    return collections.Counter(type(layer).__name__ for layer in model.layers if not layer.weights)

# %%
keras_vgg16 = keras.applications.VGG16(weights=None)
ours, theirs = weight_shapes(vgg16), weight_shapes(keras_vgg16)
for name, shapes in ours.items():
    count = sum(int(np.prod(shape)) for shape in shapes)
    same = "same" if theirs.get(name) == shapes else theirs.get(name)
    print(f"{name:<14} {str(shapes):<34} {count:>12,}   keras: {same}")
assert ours == theirs and vgg16.count_params() == keras_vgg16.count_params()
print("only ours:", layers_without_weights(vgg16) - layers_without_weights(keras_vgg16))
print("only keras:", layers_without_weights(keras_vgg16) - layers_without_weights(vgg16))
del keras_vgg16

# %%
vgg19, keras_vgg19 = models.vgg("E"), keras.applications.VGG19(weights=None)
assert weight_shapes(vgg19) == weight_shapes(keras_vgg19)
assert vgg19.count_params() == keras_vgg19.count_params()
print(f"E and keras VGG19: {len(weight_shapes(vgg19))} layers with weights, identical; "
      f"{vgg19.count_params():,} parameters each")
del vgg19, keras_vgg19

# %% [markdown]
# The same layers with weights, the same names and shapes, the same numbers of parameters
# (printed), asserted. A 3x3 convolution costs at most the printed count of `block4_conv2`
# to `block5_conv3`, at 512 channels in and out, however large its map; `fc1` alone costs
# more than all thirteen convolutions together. The one difference: our builder adds the two
# `Dropout` layers after fc6 and fc7 that the paper trains with (Section 3.1), which
# `keras.applications` leaves out because it ships a network for inference. Dropout has no
# weights, so ImageNet weights load into either.

# %% [markdown]
# ## Why 3x3, three ways
# The paper's Section 2.3: a stack of two 3x3 convolutions "has an effective receptive field
# of 5x5", three have 7x7. The *receptive field* of a unit is the set of input pixels that
# can change it. Three ways to see the claim: a formula, a measurement, and a picture.
#
# **1. The recurrence.** Per axis, a layer with kernel $k$ and stride $s$ grows the field $r$
# of its input by $(k-1)$ times the *jump* $j$, the distance in input pixels between
# neighbouring units of its input: $r_l = r_{l-1} + (k_l - 1)\, j_{l-1}$ and
# $j_l = j_{l-1} s_l$, from $r_0 = j_0 = 1$ (notebook 01). With stride 1, every 3x3 layer
# adds 2 pixels: $1 + 2 \cdot 3 = 7$ after three.
#
# **2. A measurement.** The gradient of one output unit with respect to the input is
# non-zero exactly on the pixels that can change it. `rf.empirical_receptive_field`
# measures that support on a linear stand-in for the model: positive averaging kernels, zero
# biases, average pooling in place of max pooling, and an all-ones input image. Positive
# weights alone would not do: max pooling still sends the gradient to one input of each
# window. With the swap, every path from a pixel to the unit carries gradient (notebook 01).

# %%
def conv_stack(kernels, channels=4, size=33, use_bias=True):
    """SAME convolutions with ReLU, one per kernel size, `channels` wide, on a size x size input."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels, start=1):
        x = keras.layers.Conv2D(channels, kernel, padding="same", activation="relu",
                                use_bias=use_bias, name=f"conv{index}")(x)
    return keras.Model(inputs, x)

# %%
stacks = {"two 3x3": [3, 3], "one 5x5": [5], "three 3x3": [3, 3, 3], "one 7x7": [7]}
for name, kernels in stacks.items():
    model = conv_stack(kernels)
    last = f"conv{len(kernels)}"
    formula = rf.receptive_fields(model)[last][0].size
    (top, bottom), (left, right) = rf.empirical_receptive_field(model, last)
    print(f"{name:<10} recurrence: {formula}x{formula}   gradient: {bottom - top + 1}x{right - left + 1}")
    assert formula == bottom - top + 1 == right - left + 1 == 1 + sum(k - 1 for k in kernels)

# %% [markdown]
# The recurrence and the gradient agree (asserted): two 3x3 see what one 5x5 sees, three see
# what one 7x7 sees.
#
# **3. A picture.** Not every pixel of the field counts the same. With all weights equal
# (each kernel averages its window), the gradient of the centre unit shows how many paths
# lead from each pixel to it: one 7x7 kernel weighs its 49 pixels equally, three 3x3 kernels
# weigh the centre most.

# %%
def path_weights(kernels, size=9):
    """|d centre unit / d input| of a linear stack of averaging kernels (1 channel)."""
    model = conv_stack(kernels, channels=1, size=size, use_bias=False)
    for layer in model.layers[1:]:
        layer.kernel.assign(np.full(layer.kernel.shape, 1.0 / layer.kernel.shape[0] ** 2, "float32"))
    image = tf.ones((1, size, size, 1))  # positive inputs and weights: every ReLU passes
    with tf.GradientTape() as tape:
        tape.watch(image)
        centre = model(image)[0, size // 2, size // 2, 0]
    return tape.gradient(centre, image).numpy()[0, :, :, 0]

# %%
maps = {name: path_weights(stacks[name]) for name in ("one 7x7", "three 3x3")}
box = np.ones(3) / 3
profile = np.convolve(np.convolve(box, box), box)  # three boxes in a row, along one axis
np.testing.assert_allclose(maps["three 3x3"][1:8, 1:8], np.outer(profile, profile), rtol=1e-5)
middle_row = maps["three 3x3"][4, 1:8]
print("three 3x3, middle row of the field, relative to its end:", np.round(middle_row / middle_row[0], 3))
print(f"centre pixel against corner pixel: {maps['three 3x3'][4, 4] / maps['three 3x3'][1, 1]:.0f} to 1 "
      f"(one 7x7: {maps['one 7x7'][4, 4] / maps['one 7x7'][1, 1]:.0f} to 1)")

# %%
figure, axes = plt.subplots(1, 2, figsize=(7.5, 3.4))
for axis, (name, weights) in zip(axes, maps.items()):
    shown = axis.imshow(weights / weights.max(), cmap="viridis", vmin=0, vmax=1)
    axis.set(title=name, xticks=[], yticks=[])
figure.suptitle("How much each input pixel of a 9x9 image moves the centre unit")
_ = figure.colorbar(shown, ax=axes, label="gradient / its maximum")

# %% [markdown]
# Both fields are 7x7, but three 3x3 layers count the centre pixel many times as much as a
# corner pixel (the ratio is printed above; one 7x7 layer counts them equally): the number of
# paths through the stack is the product of two per-axis profiles, the printed middle row,
# which is the convolution of three boxes (asserted against NumPy's `convolve`). This is the
# first glimpse of the *effective* receptive field, measured on VGG16 below.
#
# **What the stack buys.** With $C$ channels in and out, three 3x3 layers have
# $3 \cdot 3^2 C^2 = 27C^2$ weights, one 7x7 layer $7^2 C^2 = 49C^2$, "81% more" (Section
# 2.3), and the stack has three ReLUs instead of one. Counted by Keras at VGG's widest,
# $C = 512$, without biases:

# %%
stack_weights = conv_stack([3, 3, 3], channels=512, size=14, use_bias=False).count_params()
single_weights = conv_stack([7], channels=512, size=14, use_bias=False).count_params()
extra = single_weights / stack_weights - 1
print(f"three 3x3: {stack_weights:,} weights; one 7x7: {single_weights:,}; {extra:.0%} more")
assert round(extra, 2) == 0.81  # the paper's "81% more"
assert stack_weights == 27 * 512**2 and single_weights == 49 * 512**2

# %% [markdown]
# The paper also measured it: configuration B with each pair of 3x3 layers replaced by one
# 5x5 layer (same fields, fewer non-linearities, more weights) had a top-1 error "7% higher
# than that of B (on a center crop)" (Section 4.1, `paper["shallow_5x5_top1_penalty"]`).
#
# ### Configuration C: 1x1 convolutions
# C is D with the third convolution of stages 3, 4 and 5 a 1x1 instead of a 3x3. A 1x1
# convolution mixes channels at each pixel and adds a ReLU, but sees nothing new, so C's
# receptive fields should be B's, and D's larger. The convolutional parts suffice to check.
# `head="gap"` replaces the dense layers with *global average pooling*, which averages each
# channel over its whole map to one number, and one dense layer for the classes (notebook 04
# returns to it):

# %%
pool_fields = {}
for config in "BCD":
    features = models.vgg(config, head="gap", num_classes=10)
    pool_fields[config] = [pair[0].size for name, pair in rf.receptive_fields(features).items()
                           if pair is not None and name.endswith("_pool")]
    print(f"{config}: receptive field after each pooling {pool_fields[config]}")
assert pool_fields["C"] == pool_fields["B"] and pool_fields["D"][-1] > pool_fields["C"][-1]

# %%
for better, worse in (("C", "B"), ("D", "C")):
    gain = [round(w - b, 1) for w, b in zip(paper["table3"][worse], paper["table3"][better])]
    added = counts[better] - counts[worse]
    print(f"{worse} -> {better}: {added:>9,} more parameters, top-1 and top-5 error lower by {gain} points")

# %% [markdown]
# The 1x1 layers of C add the printed parameters, no field, and three ReLUs, and they lowered
# B's error; making them 3x3 (D) costs several times as many parameters again and lowered the
# error further (the gains, from Table 3 at the single scale 256, are printed). The
# paper's reading: "while the additional non-linearity does help (C is better than B), it is
# also important to capture spatial context by using conv. filters with non-trivial receptive
# fields (D is better than C)" (Section 4.1). Network in Network (Lin et al., 2014) used 1x1
# convolutions before VGG; GoogLeNet (notebook 04) uses them to reduce channels.

# %% [markdown]
# ## Receptive fields of VGG16
# The field, jump and position of every layer of VGG16. `start` is the centre, in input
# pixels, of the field of the map's first unit; the *effective padding* $P$, how far that
# field reaches out of the image on the left, is $(r - 1)/2 - \text{start}$.

# %%
vgg16_features = models.vgg("D", head="gap", num_classes=10, name="vgg16_features")
field_rows = rf.receptive_field_table(vgg16_features)
for row in field_rows:
    row["padding"] = (row["size"] - 1) / 2 - row["start"]
    print(f"{row['name']:<13} field {row['size']:>4}  jump {row['jump']:>3}  start {row['start']:>5}"
          f"  effective padding {row['padding']:>5}")

# %% [markdown]
# Araujo, Norris and Sim computed the receptive fields of popular networks with their own
# library (*Computing Receptive Fields of Convolutional Neural Networks*, Distill, 2019,
# table in the section "Discussion: receptive fields of modern networks"). For TF-Slim's
# `vgg_16` at its last layer before the classifier (pool5) they give $r = 212$, effective
# stride $S = 32$ and effective padding $P = 90$:

# %%
araujo_vgg16 = {"size": 212, "jump": 32, "padding": 90}  # Araujo et al. (2019), table: vgg_16
pool5 = next(row for row in field_rows if row["name"] == "block5_pool")
ours_pool5 = {key: pool5[key] for key in araujo_vgg16}
print("ours:", ours_pool5, "\nAraujo et al.:", araujo_vgg16)
assert ours_pool5 == araujo_vgg16
(top, bottom), _ = rf.empirical_receptive_field(vgg16_features, "block5_conv3")
conv5_3 = next(row for row in field_rows if row["name"] == "block5_conv3")
print(f"block5_conv3: recurrence {conv5_3['size']}, gradient {bottom - top + 1}")
assert bottom - top + 1 == conv5_3["size"]

# %% [markdown]
# All three agree with the independent computation (asserted), and the gradient confirms
# block5_conv3's field (printed), so there is no difference to account for. Araujo et al.'s
# effective stride is our jump; their effective padding (90 pixels: 2 + 4 + 12 + 24 + 48,
# one pixel of SAME padding per convolution, times the jump at that depth) is how far the
# first unit's field hangs off the image. The field grows by 2 pixels per convolution in
# stage 1 and by 32 per convolution in stage 5:

# %%
names = [row["name"] for row in field_rows]
figure, axis = plt.subplots(figsize=(9, 3.2))
axis.plot(range(len(names)), [row["size"] for row in field_rows], "o-", label="receptive field (pixels)")
axis.axhline(224, color="gray", linestyle="--", label="image side, 224")
axis.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
axis.set(ylabel="pixels", title="VGG16: receptive field of each layer")
axis.legend()
plt.tight_layout()

# %% [markdown]
# Even pool5's units see 212 pixels, less than the 224-pixel image, and only the central
# ones see that much of it (the rest of their field is padding). fc6, which reads all of
# pool5, is the first layer that sees the whole image.

# %% [markdown]
# ## Effective against theoretical receptive field
# Luo, Li, Urtasun and Zemel (*Understanding the Effective Receptive Field in Deep
# Convolutional Neural Networks*, NeurIPS 2016) measured how much each pixel of the field
# actually matters: the squared gradient of one output unit with respect to the input,
# averaged over random inputs and random weights. They found it roughly Gaussian,
# concentrated in a small part of the theoretical field. We measure the same on VGG16 at
# initialisation (Keras's Glorot uniform weights, zero biases, random normal images). The
# "unit" is the sum over channels of the last convolution's output at the centre position,
# for stages 3, 4 and 5; the measure, the fewest pixels holding 90% of the gradient energy,
# is ours, not Luo et al.'s:

# %%
erf_layers = ("block3_conv3", "block4_conv3", "block5_conv3")
energy = {name: np.zeros((224, 224)) for name in erf_layers}
for seed in range(settings.erf_networks):
    keras.utils.set_random_seed(seed)
    network = models.vgg("D", head="gap", num_classes=10)
    taps = keras.Model(network.inputs, [network.get_layer(name).output for name in erf_layers])
    image = tf.random.normal((1, 224, 224, 3), seed=seed)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(image)
        outputs = taps(image)
        units = [tf.reduce_sum(out[0, out.shape[1] // 2, out.shape[2] // 2]) for out in outputs]
    for name, unit in zip(erf_layers, units):
        energy[name] += np.sum(tape.gradient(unit, image).numpy()[0] ** 2, axis=-1)
    del tape

# %%
def smallest_area_holding(energy_map, share=0.9):
    """Fewest pixels that hold `share` of the total energy (the largest ones first)."""
    ranked = np.sort(energy_map.ravel())[::-1]
    return int(np.searchsorted(np.cumsum(ranked) / ranked.sum(), share) + 1)


field_size = {row["name"]: row["size"] for row in field_rows}
erf_share = {}
for name in erf_layers:
    erf_share[name] = smallest_area_holding(energy[name]) / field_size[name] ** 2
    print(f"{name}: theoretical field {field_size[name]}x{field_size[name]}; 90% of the gradient "
          f"energy in {erf_share[name]:.0%} of its area")
assert all(share < 0.5 for share in erf_share.values())

# %%
name = "block5_conv3"
field = rf.receptive_fields(vgg16_features)[name][0]
first, last = rf.theoretical_region(field, field.length // 2)  # the centre unit's pixels
rows_seen = np.flatnonzero(energy[name].sum(axis=1))
assert first <= rows_seen[0] and rows_seen[-1] <= last  # no gradient outside the field
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.imshow(np.sqrt(energy[name] / energy[name].max()), cmap="magma")
low, high = first - 0.5, last + 0.5
left.plot([low, high, high, low, low], [low, low, high, high, low], color="cyan", linewidth=1)
left.set(title=f"{name}: |gradient| of the centre unit\n(cyan: theoretical field)", xticks=[], yticks=[])
middle = energy[name].sum(axis=1)
right.plot(middle / middle.max())
right.axvspan(low, high, color="cyan", alpha=0.15, label=f"theoretical field, {field_size[name]} pixels")
right.set(xlabel="input row", ylabel="energy / its maximum", title="energy summed over columns")
right.legend(fontsize=8)
plt.tight_layout()

# %% [markdown]
# The theoretical field of block5_conv3 is the cyan square; the energy that reaches it
# piles up in the middle, and 90% of it comes from well under half of the area (asserted
# for all three layers; the percentages are printed above). This agrees with Luo et al.'s
# finding for random networks: a unit "sees" a field, but listens mostly to its centre. The
# share also falls from stage 3 to stage 5 here, as Luo et al.'s analysis of stacked
# convolutions predicts (the effective field grows like the square root of the number of
# layers, the theoretical one linearly); with only `settings.erf_networks` random networks
# behind each share, that fall is printed, not asserted.
# They also report that training enlarges the effective field; training VGG16 is out of
# reach of this notebook's CPU budget, so that half of their finding is not measured here.

# %% [markdown]
# ## Where the cost is
# Per layer: parameters, *FLOPs* (floating-point operations; a multiply-add counts as 2) and
# activation memory (values in the layer's output, 4 bytes each in float32), for one
# 224x224 image, from `support.counting` (formulas in notebook 01):

# %%
table = counting.layer_table(vgg16)
print(counting.format_table(table))
by_name = {row["name"]: row for row in table}
total = counting.totals(table)
assert total["params"] == vgg16.count_params()

# %%
conv_rows = [row for row in table if row["type"] == "Conv2D"]
fc6_share = by_name["fc1"]["params"] / total["params"]
conv_flop_share = sum(row["flops"] for row in conv_rows) / total["flops"]
conv_param_share = sum(row["params"] for row in conv_rows) / total["params"]
print(f"fc6 (fc1 in Keras) holds {fc6_share:.1%} of the parameters; the convolutions "
      f"{conv_param_share:.1%}")
print(f"the convolutions do {conv_flop_share:.1%} of the {total['flops'] / 1e9:.1f} GFLOPs per image")
heaviest = max(conv_rows, key=lambda row: row["flops"])["flops"]
print("the heaviest convolutions:", [row["name"] for row in conv_rows if row["flops"] == heaviest])
assert fc6_share > 0.7 and conv_flop_share > 0.99
plots.layer_bars(table, columns=("params", "flops", "activations"), log=True, title="VGG16 per layer, one 224x224 image")

# %% [markdown]
# The split is AlexNet's (notebook 02), sharper: fc6 alone holds most of the weights and the
# convolutions a small share, but they do more than 99% of the arithmetic (the shares are
# printed; asserted: fc6 over 70%, the convolutions over 99%).
# The heaviest convolutions (listed above) cost the same in stages 1 to 4: from one stage to
# the next, halving the side quarters the positions and doubling the channels quadruples the
# work per position. Stage 5 keeps 512 channels, so its convolutions cost a quarter as much.
# The activations are largest in the first stage and shrink stage by stage.
#
# ### Beside CS231n's breakdown
# Stanford's CS231n notes (*Convolutional Neural Networks for Visual Recognition*, section
# "Case studies: VGGNet in detail", cs231n.github.io/convolutional-networks/) list VGG16's
# memory and weights layer by layer and conclude "TOTAL memory: 24M * 4 bytes ~= 93MB /
# image (only forward! ~*2 for bwd)" and "TOTAL params: 138M parameters". Their rows, as
# printed (memory in values, weights without biases):

# %%
cs231n_rows = [  # (layer, memory as printed, weights as printed)
    ("INPUT", 150e3, 0), ("CONV3-64", 3.2e6, 1_728), ("CONV3-64", 3.2e6, 36_864), ("POOL2", 800e3, 0),
    ("CONV3-128", 1.6e6, 73_728), ("CONV3-128", 1.6e6, 147_456), ("POOL2", 400e3, 0),
    ("CONV3-256", 800e3, 294_912), ("CONV3-256", 800e3, 589_824), ("CONV3-256", 800e3, 589_824),
    ("POOL2", 200e3, 0), ("CONV3-512", 400e3, 1_179_648), ("CONV3-512", 400e3, 2_359_296),
    ("CONV3-512", 400e3, 2_359_296), ("POOL2", 100e3, 0), ("CONV3-512", 100e3, 2_359_296),
    ("CONV3-512", 100e3, 2_359_296), ("CONV3-512", 100e3, 2_359_296), ("POOL2", 25e3, 0),
    ("FC", 4096, 102_760_448), ("FC", 4096, 16_777_216), ("FC", 1000, 4_096_000)]
cs231n_totals = {"memory": 24e6, "megabytes": 93, "params": 138e6}

# %%
ours_rows = [row for row in table if row["type"] not in ("Flatten", "Dropout")]  # views, no new memory
biases = [row["output_shape"][-1] if row["params"] else 0 for row in ours_rows]
assert [weights for _, _, weights in cs231n_rows] == [row["params"] - b for row, b in zip(ours_rows, biases)]
assert round(vgg16.count_params() / 1e6) == cs231n_totals["params"] / 1e6  # Keras's count, their total
rows_sum = sum(memory for _, memory, _ in cs231n_rows)
exact = sum(row["activations"] for row in ours_rows)
print(f"weights: all 22 rows equal ours without the {sum(biases):,} biases")
print(f"activations: CS231n's rows add up to {rows_sum / 1e6:.2f}M values, ours to {exact / 1e6:.2f}M "
      f"= {4 * exact / 1e6:.0f} MB; their stated total is {cs231n_totals['memory'] / 1e6:.0f}M")
assert abs(rows_sum / exact - 1) < 0.01 and cs231n_totals["memory"] / exact > 1.5  # their rows, total; ours

# %% [markdown]
# The weights agree row by row (asserted): CS231n counts weights without biases (their
# number is printed), and the total rounds to their 138 million (asserted).
# The activations do not: their own rows add up to within 1% of our exact count (asserted;
# the rows are rounded), but the total they print, 24 million, is over 1.5 times that
# (asserted against our count). The 24M does not follow from the rows above it: our count, and theirs
# re-added, give the printed number of values and megabytes per image for one forward pass
# in float32, well under the 93 MB of CS231n's notes. (We count the outputs of the input, every convolution,
# pooling and dense layer, as they do; ReLU works in place, and `Flatten` and `Dropout` at
# inference make no new tensor.)
#
# What that means for a batch. A forward pass that keeps nothing needs at most two
# neighbouring layers at once; training keeps every activation for the backward pass, and
# the backward pass makes a gradient of each (CS231n's "~*2 for bwd"). The weights are
# shared by the batch, but training also holds their gradients and SGD's momentum:

# %%
peak_pair = max(a["activations"] + b["activations"] for a, b in zip(ours_rows, ours_rows[1:]))
weights_mb = 4 * total["params"] / 1e6
print(f"weights: {weights_mb:.0f} MB; with their gradients and momentum for training: {3 * weights_mb:,.0f} MB")
print(f"per image, inference, freeing as it goes: {4 * peak_pair / 1e6:.0f} MB; keeping all: {4 * exact / 1e6:.0f} MB")
print(f"per image, training (activations and their gradients): about {2 * 4 * exact / 1e6:.0f} MB")
for batch in (32, 256):
    print(f"batch {batch:>3}: training needs about {(3 * weights_mb + batch * 2 * 4 * exact / 1e6) / 1e3:.1f} GB")

# %% [markdown]
# These are estimates from the counts, not measurements (frameworks fuse, reuse and copy
# buffers). By this estimate the paper's batch of 256 needs tens of gigabytes for training.
# The authors split each batch across four NVIDIA Titan Black GPUs and trained each network
# for "2–3 weeks" (Section 3.3); a quarter of the estimate, plus a copy of the weights on
# each GPU, is still more than a Titan Black's 6 GB (NVIDIA's specification). The estimate
# overcounts: it keeps every activation and every activation's gradient for the whole batch
# at once, where a framework frees each gradient once it is used and overwrites buffers. The
# paper does not say how its batch fitted in memory.

# %% [markdown]
# ## The paper's training recipe in Keras terms
# Section 3.1: mini-batch gradient descent on the multinomial logistic regression
# (cross-entropy) loss, batch 256, momentum 0.9, weight decay "(the L2 penalty multiplier
# set to $5 \cdot 10^{-4}$)", dropout 0.5 after fc6 and fc7, learning rate $10^{-2}$
# divided by 10 when the validation accuracy stopped improving (three times), 370K
# iterations (74 epochs). In Keras:

# %%
recipe = {"batch_size": 256, "momentum": 0.9, "weight_decay": 5e-4, "dropout_rate": 0.5,
          "learning_rate": 1e-2, "iterations": 370_000, "epochs": 74}  # Section 3.1
optimizer = keras.optimizers.SGD(learning_rate=recipe["learning_rate"], momentum=recipe["momentum"])
weight_decay = keras.regularizers.L2(recipe["weight_decay"] / 2)  # see below for the 1/2
plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", mode="max", factor=0.1, patience=1)
imagenet_train_images = 1_281_167  # ILSVRC-2012's training set (Russakovsky et al. 2015)
epochs = recipe["iterations"] * recipe["batch_size"] / imagenet_train_images
print(f"370K iterations of 256 images = {epochs:.1f} epochs of ImageNet; the paper says {recipe['epochs']}")

# %% [markdown]
# **Weight decay.** Caffe, which the authors used, adds $\lambda w$ to each weight's gradient
# ($\lambda = 5 \cdot 10^{-4}$): the gradient of the penalty $\frac{\lambda}{2}\lVert w
# \rVert^2$. Keras's `L2(l2)` adds $l_2 \lVert w \rVert^2$ to the loss, whose gradient is
# $2 l_2 w$; so the same decay is `L2(2.5e-4)`. Checked with a gradient:

# %%
kernel = tf.Variable(tf.random.normal((3, 3, 64, 64), seed=0))
with tf.GradientTape() as tape:
    penalty = weight_decay(kernel)
np.testing.assert_allclose(tape.gradient(penalty, kernel), recipe["weight_decay"] * kernel.numpy(), rtol=1e-6)
print("gradient of L2(2.5e-4) = 5e-4 * w: checked")

# %% [markdown]
# (`SGD(weight_decay=...)` is different: Keras applies it to the weights directly, outside
# the momentum, which is not what Caffe did.) A model would get `kernel_regularizer=weight_decay`
# on every convolution and dense layer, `model.compile(optimizer, loss=
# "sparse_categorical_crossentropy")` and `fit(..., batch_size=256, callbacks=[plateau])`.
# The plateau rule, fed a made-up series of validation accuracies:

# %%
toy = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
toy.compile(optimizer=optimizer, loss="mse")
plateau.set_model(toy)
plateau.on_train_begin()
for epoch, accuracy in enumerate([0.40, 0.55, 0.60, 0.60, 0.66, 0.68, 0.68, 0.69, 0.69]):
    plateau.on_epoch_end(epoch, {"val_accuracy": accuracy})
    rate = float(keras.ops.convert_to_numpy(toy.optimizer.learning_rate))
    print(f"epoch {epoch}: val_accuracy {accuracy:.2f} -> learning rate {rate:.0e}")

# %% [markdown]
# Each epoch without a new best divides the rate by 10: three times here, as in the paper
# (patience 1 here; the paper does not say how long it waited). The training itself is out
# of reach of a CPU: notebook 05 trains the same builder on MNIST.

# %% [markdown]
# ## The initialisation question, measured
# Section 3.1: "the initialisation of the network weights is important, since bad
# initialisation can stall learning due to the instability of gradient in deep nets". The
# authors trained A (11 layers) from random weights, then started the deeper networks from
# A's first four convolutions and three dense layers. Their random weights: "a normal
# distribution with the zero mean and $10^{-2}$ variance" (a standard deviation of 0.1;
# AlexNet's, often quoted for VGG too, is a standard deviation of 0.01). After the
# submission they found that Glorot and Bengio's initialisation (2010) trains the deep
# networks without pre-training.
#
# The experiment: a plain VGG-style stack of nine 3x3 convolutions, built from a table by the
# same builder (`head="gap"`: global average pooling, defined above, instead of the dense
# layers, for 28x28 images), on a subset of Fashion-MNIST, with four initialisations of the
# kernels. `models.initialise_kernels` draws each layer's kernel from a seed of its own: a
# Keras initialiser built twice with one seed draws the same numbers, so one seed for every
# layer would make the layers of one shape identical (an earlier version of this notebook did,
# and `tests/test_models.py` now checks it).

# %%
PLAIN_CONFIG = [16, 16, 16, "M", 32, 32, 32, "M", 64, 64, 64, "M"]  # nine 3x3 convolutions
initialisers = {"N(0, 0.01²)": lambda seed: keras.initializers.RandomNormal(stddev=0.01, seed=seed),
                "N(0, 0.1²)": lambda seed: keras.initializers.RandomNormal(stddev=0.1, seed=seed),
                "Glorot": lambda seed: keras.initializers.GlorotUniform(seed=seed),
                "He": lambda seed: keras.initializers.HeNormal(seed=seed)}


def plain_stack(initialiser, seed):
    """The nine-layer plain stack, its kernels drawn by `initialiser`, biases zero, SGD 0.01/0.9."""
    keras.utils.set_random_seed(seed)
    model = models.vgg(PLAIN_CONFIG, input_shape=(28, 28, 1), num_classes=10, head="gap", name="plain")
    models.initialise_kernels(model, initialiser, seed)  # each layer from its own seed
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

# %% [markdown]
# *Glorot* (uniform, Keras's default) draws weights with variance $2 / (n_{in} + n_{out})$,
# which keeps the signal's variance through a linear layer when $n_{in} = n_{out}$; *He* (He
# et al., 2015) uses $2 / n_{in}$, twice Glorot's when $n_{in} = n_{out}$, because a ReLU
# zeroes half its inputs. Here $n_{in}$ is
# $k^2 C_{in}$ for a convolution. First, the gradient of the loss on one batch of 256 images
# with respect to each layer's kernel, at initialisation:

# %%
(fashion_x, fashion_y), _ = data.load_fashion_mnist()
images = data.to_float_images(fashion_x[:settings.init_images])
images = (images - images.mean()) / images.std()
labels = fashion_y[:settings.init_images]
gradient_norms = {}
for name, initialiser in initialisers.items():
    model = plain_stack(initialiser, seed=0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels[:256], model(images[:256])))
    kernels = [layer.kernel for layer in model.layers if layer.weights]
    gradient_norms[name] = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
    print(f"{name:<12} " + " ".join(f"{norm:8.1e}" for norm in gradient_norms[name]))

# %% [markdown]
# Now train each for `settings.init_epochs` epochs, from `settings.init_seeds` random seeds,
# and record the training loss of each epoch (the networks from seed 0 are kept for
# exercise 4):

# %%
# NBVAL_IGNORE_OUTPUT
losses, seed0_networks = {name: [] for name in initialisers}, {}
for name, initialiser in initialisers.items():
    for seed in range(settings.init_seeds):
        network = plain_stack(initialiser, seed)
        history = network.fit(images, labels, batch_size=64, epochs=settings.init_epochs, verbose=0, shuffle=True)
        losses[name].append(history.history["loss"])
        seed0_networks.setdefault(name, network)  # the first seed's
    print(f"{name:<12} final training loss per seed: {[round(run[-1], 3) for run in losses[name]]}")
chance = np.log(10)  # the loss of a uniform guess over 10 classes
assert all(run[-1] > chance - 0.01 for run in losses["N(0, 0.01²)"])
assert all(run[-1] < chance - 0.5 for run in losses["He"])

# %%
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
right.axhline(chance, color="lightgray", linewidth=3, zorder=0, label="chance, ln 10")  # first, underneath
styles = dict(zip(initialisers, [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":")]))  # marker, line
for name in initialisers:
    marker, line = styles[name]
    left.semilogy(range(1, len(gradient_norms[name]) + 1), gradient_norms[name], marker=marker,
                  linestyle=line, label=name)
    for index, run in enumerate(losses[name]):
        right.plot(range(1, len(run) + 1), run, color=left.lines[-1].get_color(), marker=marker,
                   linestyle=line, label=name if index == 0 else None)
left.set(xlabel="layer (1 = next to the input, 10 = the dense output)", ylabel="gradient norm of its kernel",
         title="At initialisation, one batch of 256")
right.set(xlabel="epoch", ylabel="training loss", title=f"Training, {settings.init_images} images, batch 64",
          xticks=range(1, settings.init_epochs + 1))
right.legend(fontsize=8)
plt.tight_layout()

# %% [markdown]
# With a standard deviation of 0.01, each ReLU layer multiplies the scale of the signal by
# about $0.01 \sqrt{n_{in}/2}$, between $0.01 \sqrt{144/2} \approx 0.085$ and
# $0.01 \sqrt{576/2} \approx 0.17$ for the $n_{in} = 3 \cdot 3 \cdot 16$ to $3 \cdot 3 \cdot 64$ inputs per unit
# of the hidden layers here, so after nine layers the output and every gradient are near
# zero (about $10^{-10}$, printed above): the loss sits at chance, $\ln 10$, for every seed
# (asserted); in the right panel its curves (circles) lie on the grey chance line. He
# initialisation (diamonds) trains from every seed (asserted), its curves falling well below
# the line.
# In between: the paper's literal $10^{-2}$ *variance*, a standard deviation of 0.1, is
# close to He's scale in the middle layers (He's is $\sqrt{2/144} \approx 0.12$ to
# $\sqrt{2/576} \approx 0.06$ here); its gradients are large and it leaves chance on this
# budget, faster from some seeds than from others (the final losses are printed above).
# Glorot's gradients (triangles) are small but alive: with ReLU it loses at least half the
# signal's variance at each layer, and on this budget its final losses (printed) are barely
# below chance; exercise 4 gives it more epochs.
# Batch normalisation (notebook 05) makes training far less sensitive to this choice, though
# the initialisation still matters.

# %% [markdown]
# ## Scale jittering and multi-scale training
# Section 3.1: each training image is rescaled so that its smaller side is $S$, then a
# 224x224 crop is taken at random (and flipped horizontally at random). With fixed $S = 256$
# the crop covers most of the image; with *scale jittering* $S$ is drawn from $[256, 512]$
# for every image, so the network sees objects at many sizes. On a real photograph
# (matplotlib ships it):

# %%
photo = plt.imread(matplotlib.cbook.get_sample_data("grace_hopper.jpg"))
print("photograph:", photo.shape)
rng = np.random.default_rng(0)


def jitter(image, smallest_side, rng):
    """Rescale so that the smaller side is `smallest_side`, take a random 224 crop, maybe flip it."""
    height, width = image.shape[:2]
    scale = smallest_side / min(height, width)
    resized = tf.image.resize(image, (round(height * scale), round(width * scale))).numpy()
    top, left = (rng.integers(0, side - 224 + 1) for side in resized.shape[:2])
    crop = resized[top:top + 224, left:left + 224]
    return (crop[:, ::-1] if rng.random() < 0.5 else crop) / 255.0

# %%
sides = [256, 256] + [int(side) for side in rng.integers(256, 513, size=4)]
crops = [jitter(photo, side, rng) for side in sides]
figure, axes = plt.subplots(1, 6, figsize=(13, 2.6))
for axis, crop, side in zip(axes, crops, sides):
    covered = 224**2 / (side * side * photo.shape[0] / photo.shape[1])
    axis.imshow(crop)
    axis.set(title=f"S = {side}: {covered:.0%} of it", xticks=[], yticks=[])
figure.suptitle("224x224 training crops: two at fixed S = 256, then S drawn from [256, 512]")
plt.tight_layout()

# %% [markdown]
# At $S = 256$ a crop shows most of the photograph; near $S = 512$ a small part of it (the
# share is in each title). Table 3, at the same test scale $Q = 384$: training with $S$
# drawn from [256, 512] instead of a fixed $S = 384$ lowered D's top-1 error from 26.8% to
# 25.6%, and E's from 26.9% to 25.5%. The training images were also given a random RGB
# colour shift, as in AlexNet (Section 3.1). To
# train this fast, the rescaling and cropping belong in the `tf.data` pipeline, as in
# notebook 02. The jittered networks were initialised from a network trained at fixed
# $S = 384$ (Section 3.1).

# %% [markdown]
# ## Dense evaluation
# At test time the paper used multi-crop and dense evaluation, each alone and the two
# together (Table 5; Table 7's best result uses both). For dense evaluation it converted fc6 into a 7x7 convolution and fc7 and
# fc8 into 1x1 convolutions (Section 3.2), so the network takes an image of any size and
# returns a map of class scores, one per 32-pixel step; the map is then averaged. Since
# pool5 is 7x7x512 on a 224 image and `Flatten` orders it by row, then column, then channel
# (the channel varying fastest), fc6's
# 25,088x4096 weight matrix is a 7x7 convolution's kernel from 512 channels to 4096, reshaped. The conversion, reusing the
# convolution layers (so their weights are shared) and copying the dense weights:

# %%
def dense_to_conv(model):
    """The VGG `model` as a fully convolutional network (Section 3.2), for images of any size."""
    inputs = keras.Input((None, None, 3), name="image")
    x = inputs
    for layer in model.layers:
        if type(layer).__name__ in ("Conv2D", "MaxPooling2D"):
            x = layer(x)  # the same layer object: the weights are shared, not copied
    pool5 = model.get_layer("flatten").input.shape[1:]
    for name, size, activation in (("fc1", pool5[0], "relu"), ("fc2", 1, "relu"), ("predictions", 1, "softmax")):
        dense = model.get_layer(name)
        conv = keras.layers.Conv2D(dense.units, size, activation=activation, name=f"{name}_conv")
        x = conv(x)
        kernel, bias = dense.get_weights()
        conv.set_weights([kernel.reshape(size, size, -1, dense.units), bias])
    return keras.Model(inputs, x, name=f"{model.name}_dense")

# %%
dense_vgg16 = dense_to_conv(vgg16)
photo_224 = tf.image.resize(photo[None].astype("float32"), (224, 224)) - 127.0  # roughly centred
classified = keras.ops.convert_to_numpy(vgg16(photo_224))  # random weights: the check is about equality
as_map = keras.ops.convert_to_numpy(dense_vgg16(photo_224))
print("dense network:", classified.shape, "  fully convolutional:", as_map.shape)
np.testing.assert_allclose(as_map[:, 0, 0, :], classified, rtol=1e-4, atol=1e-9)
print("equal within a relative tolerance of 1e-4")

# %% [markdown]
# At 224x224 the score map is 1x1 and equals the dense network's output (asserted, up to
# float32 rounding in a different order of sums). On a larger image the same weights give
# a map. At the paper's test scale $Q = 384$ (smaller side), the 600x512 photograph becomes
# 450x384:

# %%
photo_q = tf.image.resize(photo[None].astype("float32"), (450, 384)) - 127.0
score_map = keras.ops.convert_to_numpy(dense_vgg16(photo_q))
flipped_map = keras.ops.convert_to_numpy(dense_vgg16(photo_q[:, :, ::-1]))
pool5_side = [counting.output_size(side, 2, 2, "valid") for side in (450, 384)]
for _ in range(4):
    pool5_side = [counting.output_size(side, 2, 2, "valid") for side in pool5_side]
print(f"450x384 image -> pool5 {pool5_side[0]}x{pool5_side[1]} -> class-score map {score_map.shape[1:3]}")
assert score_map.shape[1:3] == tuple(side - 7 + 1 for side in pool5_side)
scores = (score_map.mean(axis=(1, 2)) + flipped_map.mean(axis=(1, 2))) / 2  # Section 3.2
positions = score_map.shape[1] * score_map.shape[2]
print(f"averaged over {positions} positions and the flip: {scores.shape}, sums to {scores.sum():.3f}")

# %% [markdown]
# The printed map holds one score vector per 224x224 window, the windows overlapping and 32
# pixels (pool5's jump) apart, all evaluated in one pass, whose shared convolutions are
# computed once (the paper's argument against re-running the network on many crops). The
# map is averaged ("sum-pooled"), and averaged with the flipped image's.
# One difference from cropping, which the paper points out: a window of the map sees its
# neighbouring pixels where a crop would see zero padding. So the map's corner is not the
# network's output on the corner crop:

# %%
corner_window = keras.ops.convert_to_numpy(dense_vgg16(photo_q[:, :224, :224]))[0, 0, 0]
difference = np.abs(corner_window - score_map[0, 0, 0]).max() / score_map[0, 0, 0].max()
print(f"corner of the map against the corner crop: largest difference {difference:.0%} of the top score")
assert difference > 1e-3

# %% [markdown]
# The difference (printed, as a share of the top score) is far above float32 rounding: the
# boundary conditions differ. The paper found dense and multi-crop evaluation complementary, their
# combination best (Table 5).
#
# ### With ImageNet weights
# Where the pretrained weights can be downloaded (Colab), the next cell classifies the
# photograph with `keras.applications.VGG16(weights="imagenet")`, by the dense network on a
# 224x224 image and by dense evaluation at $Q = 384$. Offline (as in CI) it says so and goes
# on.

# %%
# NBVAL_IGNORE_OUTPUT
try:
    with contextlib.redirect_stdout(io.StringIO()):  # the download's progress bar
        pretrained = keras.applications.VGG16(weights="imagenet")
        keras.applications.vgg16.decode_predictions(np.eye(1000)[:1], top=1)  # fetches the class names
except Exception:  # keras raises a plain Exception when a download fails
    pretrained = None
    print("The ImageNet weights of VGG16 could not be downloaded here (no internet), so the "
          "photograph is not classified; on Colab this cell classifies it.")

# %%
# NBVAL_IGNORE_OUTPUT
def top_classes(network, size, top=3):
    """The `top` ImageNet classes of the photograph resized to `size`, scores averaged over the map."""
    image = keras.applications.vgg16.preprocess_input(tf.image.resize(photo[None].astype("float32"), size).numpy())
    scores = keras.ops.convert_to_numpy(network(image)).reshape(-1, 1000).mean(axis=0, keepdims=True)
    return ", ".join(f"{label} {score:.2f}" for _, label, score in
                     keras.applications.vgg16.decode_predictions(scores, top=top)[0])


if pretrained is not None:
    print("224x224, dense layers:     ", top_classes(pretrained, (224, 224)))
    print("Q = 384, dense evaluation: ", top_classes(dense_to_conv(pretrained), (450, 384)))

# %% [markdown]
# ## Timing, briefly
# How long does VGG16 take? The course's harness (notebook 02 explains it; notebook 06
# measures all of the course's networks with it) is run by `python -m support.bench`, and its
# results are stored in `course/results/` with their provenance. `results.check_flops`
# raises an error if a file's VGG16 rows differ from the network built here in FLOPs,
# parameters or input shape. The FLOPs are also counted by hand from the Keras model's
# kernels, 2 per weight per output position, and compared with each row:

# %%
records = [record for record in results.load_results("bench")
           if any(row["model"] == "vgg_D" for row in record["results"])]
hand_flops = sum(2 * int(np.prod(layer.kernel.shape)) * int(np.prod(layer.output.shape[1:-1]))
                 for layer in vgg16.layers if type(layer).__name__ in ("Conv2D", "Dense"))
for record in records:
    results.check_flops(record, vgg16)  # raises ValueError on a mismatch
    assert all(row["flops_per_image"] == hand_flops for row in results.bench_rows([record], models=["vgg_D"]))
print(f"{len(records)} results files hold VGG16; every row's FLOPs per image equal the hand count, {hand_flops:,}")

# %%
# NBVAL_IGNORE_OUTPUT
print(results.bench_table(records, models=["vgg_D"]))
if not any(results.is_gpu(record) for record in records):
    print("No GPU file holds VGG16 yet: the GPU figures will come from python -m support.bench on a GPU.")

# %% [markdown]
# The rows from the course's 2-core CPU take seconds per batch; the NVIDIA H200 rows (Keras
# on JAX, measured on 2026-12-04) take milliseconds: a median of 3.67 ms forward and 18.46 ms
# per training step for a batch of 32 in float32, 2.43 ms and 9.70 ms in `mixed_bfloat16`
# (notebook 06 reads these files in full). The source post on VGG timed its network
# too, on a CPU; erratum (a) below compares its figures with the CPU rows, once it has shown
# which network the post actually timed.

# %% [markdown]
# ## Errata of the source posts' VGG code
# **(a) `n_out=2512` in conv4_3.** The source post on VGG built conv4_3 with `n_out=2512`
# instead of 512. Its `conv_op` read the input channels from the tensor it was given, so
# nothing failed: the post silently built and timed a bigger network. The same table with
# that typo builds what the post built:

# %%
typo_config = list(vgg_module.VGG_CONFIGS["D"])
position = 12  # conv4_3: after 2 + 2 + 3 convolutions, 3 poolings, and conv4_1, conv4_2
assert typo_config[position - 2:position + 2] == [512, 512, 512, "M"]
typo_config[position] = 2512
typo = models.vgg(typo_config, name="vgg16_typo")
typo_total = counting.totals(counting.layer_table(typo))
print("stage 4 of the typo:", vgg_module.config_stages(typo_config)[3][0])
for key in ("params", "flops"):
    print(f"{key:<6}: {typo_total[key]:>17,.0f} against {total[key]:>17,.0f} (+{typo_total[key] / total[key] - 1:.0%})")

# %% [markdown]
# What breaks: conv4_3 and conv5_1 have the wrong shapes, so the typo network cannot take
# VGG16's weights, ours or ImageNet's:

# %%
try:
    typo.set_weights(vgg16.get_weights())
    loaded = True
except ValueError as error:
    loaded = False
    print("set_weights:", str(error).splitlines()[0][:160])
mismatched = [layer.name for layer in typo.layers if layer.weights and
              [w.shape for w in layer.weights] != [w.shape for w in vgg16.get_layer(layer.name).weights]]
print("layers whose weights differ in shape:", mismatched)
assert not loaded and mismatched == ["block4_conv3", "block5_conv1"]
del typo

# %% [markdown]
# And its timings were of another network, with the extra parameters and FLOPs printed
# above: the post's VGG16 figures overstate VGG16's cost. The post timed it at about 14 s
# forward and 47 s forward-backward per batch of 32 on its CPU. Its forward-backward was
# `tf.gradients` without an optimiser update: the harness's `gradients` mode. Beside the
# stored VGG16 rows, per image, then per FLOP (dividing by the ratio of the two networks'
# FLOPs, which assumes time in proportion to FLOPs; notebook 06 tests when it is):

# %%
# NBVAL_IGNORE_OUTPUT
source_post = {"forward": 14.0, "gradients": 47.0}  # seconds per batch of 32 on the source post's CPU
flop_ratio = typo_total["flops"] / total["flops"]  # the post's network against VGG16
print(f"the post's network does {flop_ratio:.2f} times VGG16's FLOPs per image")
cpu_records = [record for record in records if not results.is_gpu(record)]  # the post ran on a CPU
for row in results.bench_rows(cpu_records, models=["vgg_D"], modes=list(source_post)):
    ours_ms, post_ms = row["median_ms"] / row["batch_size"], 1e3 * source_post[row["mode"]] / 32
    print(f"{row['device']} {row['backend']:<10} {row['mode']:<9} {ours_ms:4.0f} ms per image; the post: "
          f"{post_ms:4.0f} ms, {post_ms / ours_ms:.1f}x per image, {post_ms / ours_ms / flop_ratio:.1f}x per FLOP")
    assert ours_ms < post_ms

# %% [markdown]
# The course's 2-core CPU files (stored, not re-measured here) are faster per image in every
# row (asserted), with XLA-compiled steps; per FLOP the factors (printed) are smaller by the
# FLOP ratio. Which CPU the post used is not known, so a factor says something about software
# and hardware together, not about either alone. Notebook 02 splits a training step into
# forward, backward and update.
#
# **(b) The benchmark statistics.** The VGG source post reused the AlexNet source post's
# `time_tensorflow_run`,
# whose standard deviation $\sqrt{E[t^2] - E[t]^2}$ cancels catastrophically; notebook 02
# takes it apart, and `support.timing` uses a two-pass sample deviation instead.
#
# **(c) What the MNIST source post changed.** Five poolings shrink 28x28 digits to nothing, which
# the builder refuses with a plain message:

# %%
try:
    models.vgg("D", input_shape=(28, 28, 1), num_classes=10)
except ValueError as error:
    print(error)

# %% [markdown]
# So the MNIST version (notebook 05) is the same builder with another table:
# `MNIST_VGG_CONFIGS`, three poolings, batch normalisation and global average pooling.

# %% [markdown]
# ## Summary
# * VGG is one table and one builder: stages of 3x3 convolutions and 2x2 poolings; A to E
#   have 11 to 19 weight layers and 133 to 144 million parameters (Tables 1 and 2), and D and
#   E are `keras.applications`' VGG16 and VGG19, layer for layer.
# * Three 3x3 layers see a 7x7 field (recurrence and gradient agree) with 27C² weights
#   instead of 49C², three ReLUs instead of one, and weigh the centre most; C's 1x1 layers
#   add non-linearity but no field, and D beat C.
# * VGG16's pool5 sees 212 pixels with a jump of 32 and an effective padding of 90, as
#   Araujo et al. computed; at initialisation 90% of a unit's gradient energy comes from
#   well under half of its field, as Luo et al. found for random networks.
# * fc6 holds most of VGG16's parameters; the convolutions do over 99% of its FLOPs
#   (asserted); a forward pass's activations fill well under the 93 MB per image of CS231n's
#   notes (their rows agree
#   with our count, their printed total of 24M values does not).
# * With $N(0, 0.01^2)$ weights a nine-layer plain stack does not train; He initialisation
#   does, and Glorot is slow with ReLU.
# * The recipe in Keras: `SGD(0.01, momentum=0.9)`, batch 256, `L2(2.5e-4)` for Caffe's
#   weight decay of $5 \cdot 10^{-4}$, dropout 0.5, `ReduceLROnPlateau(factor=0.1)`; scale
#   jittering trains on 224 crops of images rescaled to a random $S \in [256, 512]$.
# * Dense evaluation turns fc6 to fc8 into convolutions: the same outputs at 224, a class
#   map on larger images.
# * The source post's `n_out=2512` typo built a bigger network than VGG16, which cannot take
#   VGG16's weights; its timings were of that network.

# %% [markdown]
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it.
#
# 1. How many parameters (weights and biases) has configuration C's 1x1 convolution
#    `block4_conv3`, from 512 to 512 channels?
#
#    *Hint:* a 1x1 kernel has $1 \cdot 1 \cdot C_{in}$ weights per output channel, plus one
#    bias.

# %%
answer = None  # your answer: parameters of C's block4_conv3
exercises.check(answer, models.vgg("C", head="gap", num_classes=10).get_layer("block4_conv3").count_params())

# %% [markdown]
# 2. What is the receptive field of VGG19's (configuration E's) `block5_pool`? Use the
#    recurrence by hand, then check.
#
#    *Hint:* E has 2, 2, 4, 4, 4 convolutions per stage; each adds 2 times the jump; each
#    pooling adds 1 times the jump, then doubles it.

# %%
answer = None  # your answer: the side of E's block5_pool field, in pixels
exercises.check(answer, rf.receptive_fields(models.vgg("E", head="gap", num_classes=10))["block5_pool"][0].size)

# %% [markdown]
# 3. Fed 256x256 images instead of 224x224, VGG16's pool5 is 8x8 instead of 7x7, still with
#    512 channels. How many FLOPs
#    per image does fc6 (`fc1`) take then, a multiply-add counting as 2? Three significant
#    figures are enough.
#
#    *Hint:* a dense layer does $n_{in} \cdot n_{out}$ multiply-adds.

# %%
answer = None  # your answer: FLOPs of fc6 per 256x256 image
larger_vgg16 = {row["name"]: row for row in counting.layer_table(models.vgg("D", input_shape=(256, 256, 3)))}
exercises.check(answer, larger_vgg16["fc1"]["flops"], relative_tolerance=5e-3)  # 3 significant figures

# %% [markdown]
# 4. *(Open.)* Train the nine-layer plain stack from seed 0 with Glorot and with He
#    initialisation for `settings.exercise_epochs` epochs (the GPU settings give the full
#    exercise; the CPU settings fewer epochs). Criterion: for each, the first epoch at which
#    the training loss falls below 2.0; which needs more epochs, and why? A worked answer is
#    at the end of the notebook.

# %% [markdown]
# ## Worked answer to exercise 4
# The seed-0 Glorot and He networks trained in the initialisation experiment have had
# `settings.init_epochs` epochs. The cell trains them on, with the same images, batch and
# optimiser (its momentum included), to `settings.exercise_epochs` epochs in all, and finds
# the first epoch whose training loss is below the threshold (None if there is none).

# %%
# NBVAL_IGNORE_OUTPUT
def first_epoch_below(run, threshold):
    """The first epoch (1-based) whose training loss is below `threshold`, else None."""
    return next((epoch for epoch, loss in enumerate(run, start=1) if loss < threshold), None)


threshold, long_runs, first_below = 2.0, {}, {}
for name in ("Glorot", "He"):
    more = seed0_networks[name].fit(images, labels, batch_size=64, verbose=0, shuffle=True,
                                    epochs=settings.exercise_epochs - settings.init_epochs).history["loss"]
    long_runs[name] = losses[name][0] + more
    first_below[name] = first_epoch_below(long_runs[name], threshold)
    print(f"{name:<7} loss per epoch {np.round(long_runs[name], 2)}; first below {threshold}: {first_below[name]}")
assert first_below["He"] is not None and (first_below["Glorot"] is None or first_below["Glorot"] > first_below["He"])

# %% [markdown]
# He's loss falls below the threshold first (asserted): Glorot's stays near chance, $\ln 10$,
# for its first epochs and only then falls (both curves are printed). Why: Glorot's weight
# variance is $2/(n_{in} + n_{out})$, He's $2/n_{in}$; for a 3x3 convolution ($n = 9C$)
# their ratio is $C_{in}/(C_{in} + C_{out})$: small for the first layer (one input channel),
# a half where the width stays, a third where it doubles. The signal's amplitude after the
# nine convolutions is smaller by the square root of the product, computed from the widths
# and set beside the measured gradients at initialisation (Glorot's over He's).
#
# Layer by layer: in a ReLU network without biases, the gradient of layer $l$'s kernel is the
# product of the signal coming in (scaled by every layer before $l$) and the error coming back
# (scaled by every layer after it), so Glorot's gradient over He's is the product of the
# *other* layers' factors $\sqrt{\mathrm{Var_{Glorot}} / \mathrm{Var_{He}}}$, the dense
# output layer's ($n_{in} = 64$, $n_{out} = 10$) included. That holds when both networks get
# the same error at the output; the training's cross-entropy does not give them that (He's
# outputs start large), so the measurement reads the gradients of a fixed random linear
# readout of the outputs instead, from six seeds (a gradient on 256 images each is quick):

# %%
def readout_gradient_norms(initialiser, seed, readout):
    """Kernel-gradient norms of sum(outputs * readout) for a plain stack, softmax removed."""
    network = plain_stack(initialiser, seed)
    network.layers[-1].activation = keras.activations.linear  # the outputs before the softmax
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(network(images[:256]) * readout)
    kernels = [layer.kernel for layer in network.layers if layer.weights]
    return np.array([float(tf.norm(gradient)) for gradient in tape.gradient(total, kernels)])

# %%
channels = [1] + [width for width in PLAIN_CONFIG if width != "M"]  # in and out of each convolution
fans = [(9 * c_in, 9 * c_out) for c_in, c_out in zip(channels, channels[1:])] + [(64, 10)]
factor = np.sqrt([(2 / (n_in + n_out)) / (2 / n_in) for n_in, n_out in fans])  # Glorot's scale over He's
predicted = np.prod(factor) / factor  # layer l: the product of the other layers' factors
readout = np.random.default_rng(0).standard_normal((256, 10)).astype("float32")
ratios = np.array([readout_gradient_norms(initialisers["Glorot"], seed, readout)
                   / readout_gradient_norms(initialisers["He"], seed, readout) for seed in range(6)])
measured = np.exp(np.log(ratios).mean(axis=0))  # geometric mean over six seeds
print(f"one ratio for the whole network (after the nine convolutions): {np.prod(factor[:-1]):.4f}")
print("predicted, layers 1 to 10:", np.round(predicted, 4))
print("measured (6 seeds):        ", np.round(measured, 4))
print("measured / predicted:      ", np.round(measured / predicted, 2))
print("with the cross-entropy:    ", np.round(np.divide(gradient_norms["Glorot"], gradient_norms["He"]), 4))
assert np.all((measured / predicted > 0.5) & (measured / predicted < 2))

# %% [markdown]
# The prediction from the widths alone is within a factor of 2 of the measured ratio at every
# layer (asserted), and it has the layer-by-layer shape the derivation gives: the first
# layer's ratio is the largest, because the factor it leaves out, its own, is the smallest.
# One ratio for the whole network, the amplitude after all nine convolutions (the first line),
# would miss the first layer's measured ratio by more than the factor of 2 allowed. With the training's cross-entropy the ratios are
# smaller still (the last line): there the two networks start with different errors at the
# output. Either way Glorot's signal, forward and back, starts far weaker than He's in a
# ReLU network, which is why He et al. (2015) chose $2/n_{in}$.

# %% [markdown]
# ## References
# * K. Simonyan and A. Zisserman. Very Deep Convolutional Networks for Large-Scale Image
#   Recognition. ICLR 2015. arXiv:1409.1556.
# * A. Araujo, W. Norris and J. Sim. Computing Receptive Fields of Convolutional Neural
#   Networks. Distill, 2019. doi:10.23915/distill.00021.
# * W. Luo, Y. Li, R. Urtasun and R. Zemel. Understanding the Effective Receptive Field in
#   Deep Convolutional Neural Networks. NeurIPS 2016.
# * Stanford CS231n. Convolutional Neural Networks for Visual Recognition, course notes,
#   "Convolutional Neural Networks: Architectures, Convolution / Pooling Layers", section
#   "VGGNet in detail". cs231n.github.io/convolutional-networks/.
# * X. Glorot and Y. Bengio. Understanding the Difficulty of Training Deep Feedforward Neural
#   Networks. AISTATS 2010.
# * K. He, X. Zhang, S. Ren and J. Sun. Delving Deep into Rectifiers: Surpassing Human-Level
#   Performance on ImageNet Classification. ICCV 2015.
# * M. Lin, Q. Chen and S. Yan. Network In Network. ICLR 2014.
# * A. Krizhevsky, I. Sutskever and G. E. Hinton. ImageNet Classification with Deep
#   Convolutional Neural Networks. NeurIPS 2012.
# * Y. Jia et al. Caffe: Convolutional Architecture for Fast Feature Embedding. ACM
#   Multimedia 2014.
# * C. Szegedy et al. Going Deeper with Convolutions. CVPR 2015.
# * O. Russakovsky et al. ImageNet Large Scale Visual Recognition Challenge. International
#   Journal of Computer Vision 115(3), 2015.

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

# %% [markdown] slideshow={"slide_type": "slide"}
# # 03 · VGG: depth from small filters
#
# Simonyan and Zisserman's networks (ICLR 2015; ILSVRC 2014: first in localisation, second in
# classification) built from one table, five configurations A to E, counted and checked
# against the paper and against `keras.applications`; why a stack of 3x3 convolutions beats
# one large filter, shown three ways; configuration C's 1x1 convolutions; and the receptive
# fields of VGG16, theoretical and effective. Part 2, [notebook 03b](03b_vgg_training.ipynb),
# takes VGG16's cost, the paper's training recipe, initialisation, scale jittering, dense
# evaluation and the errata of the source posts' VGG code.
#
# **Learning goals.** After this notebook you can
# * build any VGG configuration from a table, count its parameters and layers, and check them
#   against the paper and `keras.applications`;
# * explain why three 3x3 convolutions replace one 7x7, and what configuration C's 1x1
#   convolutions bought;
# * compute a receptive field with the recurrence and check it with a gradient;
# * tell the theoretical from the effective receptive field.
#
# **Prerequisites.** Notebook 01 (output sizes, parameter counts, receptive fields) and
# notebook 02 (AlexNet).
#
# **Run time.** 20 to 33 s on a 2-core CPU like the CI machine's (with the CPU settings
# below), most of it the effective receptive field's gradients through VGG16. On a GPU it has
# not been run; the settings cell prints an estimate of its GPU settings on a Colab T4, marked
# as one. Everything runs offline.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on Colab (notebook 01 explains it).

# %% slideshow={"slide_type": "skip"}
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

# %% [markdown] slideshow={"slide_type": "skip"}
# `quiet.setup()` imports TensorFlow with its start-up chatter silenced; it must run before
# anything else imports TensorFlow.

# %% slideshow={"slide_type": "skip"}
from support import quiet

quiet.setup()

import collections
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import exercises, hardware, models, show, sizing
from support import layers as course_layers, receptive_field as rf, vgg as vgg_module

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown] slideshow={"slide_type": "skip"}
# On a GPU the lesson runs as written; on a CPU the effective-receptive-field average uses
# fewer random networks.

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(cpu={"erf_networks": 3}, gpu={"erf_networks": 16})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("03", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## VGG in 2014
# The paper's figures used in this notebook, as data (Simonyan and Zisserman, *Very Deep
# Convolutional Networks for Large-Scale Image Recognition*, ICLR 2015). Table 3's errors are
# top-1 and top-5 error on the ILSVRC-2012 validation set, in percent, for one test scale.
# The `ilsvrc2014_top5` entries are different: Table 7's top-5 errors on the ILSVRC-2014
# *test* set, of ensembles tested at several scales (the submission: 7 networks, dense
# evaluation; after it: D and E, dense and multi-crop evaluation); GoogLeNet's is its winning
# ensemble of 7 networks. *Multi-crop evaluation* classifies many crops of each test image and
# averages their scores; *dense evaluation* runs the network, its dense layers turned into
# convolutions, over the whole image at once (notebook 03b).

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "-"}
# Second in classification to GoogLeNet (notebook 04) with its submitted ensemble, and
# almost level with two networks after the deadline (the gaps are printed); first in
# localisation. GoogLeNet used 22 layers (Szegedy et al. 2015) and clever modules; VGG used one idea, repeated:
# 3x3 convolutions, stacked deep.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Configurations A to E from one table
# VGG is a sequence of *stages*: some 3x3 convolutions (stride 1, SAME padding, ReLU) at
# one resolution, then a 2x2 max pooling with stride 2 that halves it. The channels start at
# 64 and double after every pooling up to 512. Three dense layers follow (fc6 and fc7 with
# 4096 units and dropout, fc8 with 1000 and a softmax). The five configurations differ only
# in how many convolutions each stage has, and C in the size of some (three of its layers are
# 1x1), so the course writes them as data: an integer is
# a 3x3 convolution with that many channels, `(channels, 1)` a 1x1 convolution, `"M"` a
# pooling.

# %% slideshow={"slide_type": "-"}
for name, config in vgg_module.VGG_CONFIGS.items():
    print(name, config)

# %% [markdown] slideshow={"slide_type": "-"}
# One builder reads any such table. `config_stages` splits it at the poolings into
# `(channels, kernel sizes)` per stage; configuration C, for example:

# %% slideshow={"slide_type": "-"}
for index, (channels, kernels) in enumerate(vgg_module.config_stages("C"), start=1):
    print(f"stage {index}: channels {channels}, kernels {kernels}")

# %% [markdown] slideshow={"slide_type": "-"}
# `vgg` builds the stages with `vgg_block`, which names the layers as `keras.applications`
# does (`block{i}_conv{j}`, `block{i}_pool`), then the dense head:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
show.source(vgg_module.vgg)

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
show.source(course_layers.vgg_block)

# %% [markdown] slideshow={"slide_type": "-"}
# Build all five, count their parameters with Keras, and count their layers with weights
# (convolutions and dense layers, the "depth" of the paper's Table 1):

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every count rounds to the paper's Table 2, and every depth is Table 1's (both asserted).
# How much do the parameters grow from 11 to 19 layers?

# %% slideshow={"slide_type": "-"}
growth = counts["E"] / counts["A"] - 1
print(f"E has {growth:.1%} more parameters than A with {depths['E'] - depths['A']} more layers")
figure, axis = plt.subplots(figsize=(6, 2.8))
positions = np.arange(5)
axis.bar(positions - 0.2, [counts[c] / 1e6 for c in "ABCDE"], 0.4, label="built here (Keras)")
axis.bar(positions + 0.2, [paper["params_millions"][c] for c in "ABCDE"], 0.4, label="paper, Table 2")
axis.set_xticks(positions, [f"{c}\n{depths[c]} layers" for c in "ABCDE"])
axis.set(ylabel="parameters (millions)", ylim=(0, 160), title="Parameters of configurations A to E")
axis.legend(loc="lower right", fontsize=8)
plt.tight_layout()


# %% [markdown] slideshow={"slide_type": "-"}
# Only by 8.1%, for eight more layers: on an axis from zero the five bars are almost the same
# height. Why so little is in the layer-by-layer count below: almost all
# parameters sit in the dense layers.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### D and E are VGG16 and VGG19
# `keras.applications.VGG16` and `VGG19` (built with `weights=None`: no download) are
# independent implementations of D and E. Layer by layer, the layers with weights must have
# the same names, weight shapes and counts:

# %% slideshow={"slide_type": "-"}
def weight_shapes(model):
    """name -> list of weight shapes, for the layers that have weights, in order."""
    return {layer.name: [tuple(weight.shape) for weight in layer.weights] for layer in model.layers if layer.weights}


def layers_without_weights(model):
    """How many layers of each type have no weights (inputs, pooling, flatten, dropout)."""
    return collections.Counter(type(layer).__name__ for layer in model.layers if not layer.weights)


# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "subslide"}
vgg19, keras_vgg19 = models.vgg("E"), keras.applications.VGG19(weights=None)
assert weight_shapes(vgg19) == weight_shapes(keras_vgg19)
assert vgg19.count_params() == keras_vgg19.count_params()
print(f"E and keras VGG19: {len(weight_shapes(vgg19))} layers with weights, identical; "
      f"{vgg19.count_params():,} parameters each")
del vgg19, keras_vgg19


# %% [markdown] slideshow={"slide_type": "notes"}
# The same layers with weights, the same names and shapes, the same numbers of parameters
# (printed), asserted. A 3x3 convolution costs at most 2,359,808 parameters, the count of
# `block4_conv2` to `block5_conv3`, at 512 channels in and out, however large its map; `fc1` alone costs
# more than all thirteen convolutions together. The one difference: our builder adds the two
# `Dropout` layers after fc6 and fc7 that the paper trains with (Section 3.1), which
# `keras.applications` leaves out because it ships a network for inference. Dropout has no
# weights, so ImageNet weights load into either.

# %% [markdown] slideshow={"slide_type": "slide"}
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

# %% slideshow={"slide_type": "-"}
def conv_stack(kernels, channels=4, size=33, use_bias=True):
    """SAME convolutions with ReLU, one per kernel size, `channels` wide, on a size x size input."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels, start=1):
        x = keras.layers.Conv2D(channels, kernel, padding="same", activation="relu",
                                use_bias=use_bias, name=f"conv{index}")(x)
    return keras.Model(inputs, x)


# %% slideshow={"slide_type": "-"}
stacks = {"two 3x3": [3, 3], "one 5x5": [5], "three 3x3": [3, 3, 3], "one 7x7": [7]}
for name, kernels in stacks.items():
    model = conv_stack(kernels)
    last = f"conv{len(kernels)}"
    formula = rf.receptive_fields(model)[last][0].size
    (top, bottom), (left, right) = rf.empirical_receptive_field(model, last)
    print(f"{name:<10} recurrence: {formula}x{formula}   gradient: {bottom - top + 1}x{right - left + 1}")
    assert formula == bottom - top + 1 == right - left + 1 == 1 + sum(k - 1 for k in kernels)


# %% [markdown] slideshow={"slide_type": "notes"}
# The recurrence and the gradient agree (asserted): two 3x3 see what one 5x5 sees, three see
# what one 7x7 sees.
#
# **3. A picture.** Not every pixel of the field counts the same. With all weights equal
# (each kernel averages its window), the gradient of the centre unit shows how many paths
# lead from each pixel to it: one 7x7 kernel weighs its 49 pixels equally, three 3x3 kernels
# weigh the centre most.

# %% slideshow={"slide_type": "subslide"}
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


# %% slideshow={"slide_type": "-"}
maps = {name: path_weights(stacks[name]) for name in ("one 7x7", "three 3x3")}
box = np.ones(3) / 3
profile = np.convolve(np.convolve(box, box), box)  # three boxes in a row, along one axis
np.testing.assert_allclose(maps["three 3x3"][1:8, 1:8], np.outer(profile, profile), rtol=1e-5)
middle_row = maps["three 3x3"][4, 1:8]
print("three 3x3, middle row of the field, relative to its end:", np.round(middle_row / middle_row[0], 3))
print(f"centre pixel against corner pixel: {maps['three 3x3'][4, 4] / maps['three 3x3'][1, 1]:.0f} to 1 "
      f"(one 7x7: {maps['one 7x7'][4, 4] / maps['one 7x7'][1, 1]:.0f} to 1)")

# %% slideshow={"slide_type": "subslide"}
figure, axes = plt.subplots(1, 2, figsize=(7.5, 3.4))
for axis, (name, weights) in zip(axes, maps.items()):
    shown = axis.imshow(weights / weights.max(), cmap="viridis", vmin=0, vmax=1)
    axis.set(title=name, xticks=[], yticks=[])
figure.suptitle("How much each input pixel of a 9x9 image moves the centre unit")
_ = figure.colorbar(shown, ax=axes, label="gradient / its maximum")

# %% [markdown] slideshow={"slide_type": "notes"}
# Both fields are 7x7, but three 3x3 layers count the centre pixel many times as much as a
# corner pixel, 49 times as much (one 7x7 layer counts them equally): the number of
# paths through the stack is the product of two per-axis profiles, the middle row printed above,
# which is the convolution of three boxes (asserted against NumPy's `convolve`). This is the
# first glimpse of the *effective* receptive field, measured on VGG16 below.
#
# **What the stack buys.** With $C$ channels in and out, three 3x3 layers have
# $3 \cdot 3^2 C^2 = 27C^2$ weights, one 7x7 layer $7^2 C^2 = 49C^2$, "81% more" (Section
# 2.3), and the stack has three ReLUs instead of one. Counted by Keras at VGG's widest,
# $C = 512$, without biases:

# %% slideshow={"slide_type": "-"}
stack_weights = conv_stack([3, 3, 3], channels=512, size=14, use_bias=False).count_params()
single_weights = conv_stack([7], channels=512, size=14, use_bias=False).count_params()
extra = single_weights / stack_weights - 1
print(f"three 3x3: {stack_weights:,} weights; one 7x7: {single_weights:,}; {extra:.0%} more")
assert round(extra, 2) == 0.81  # the paper's "81% more"
assert stack_weights == 27 * 512**2 and single_weights == 49 * 512**2

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "-"}
pool_fields = {}
for config in "BCD":
    features = models.vgg(config, head="gap", num_classes=10)
    pool_fields[config] = [pair[0].size for name, pair in rf.receptive_fields(features).items()
                           if pair is not None and name.endswith("_pool")]
    print(f"{config}: receptive field after each pooling {pool_fields[config]}")
assert pool_fields["C"] == pool_fields["B"] and pool_fields["D"][-1] > pool_fields["C"][-1]

# %% slideshow={"slide_type": "-"}
for better, worse in (("C", "B"), ("D", "C")):
    gain = [round(w - b, 1) for w, b in zip(paper["table3"][worse], paper["table3"][better])]
    added = counts[better] - counts[worse]
    print(f"{worse} -> {better}: {added:>9,} more parameters, top-1 and top-5 error lower by {gain} points")

# %% [markdown] slideshow={"slide_type": "notes"}
# The 1x1 layers of C add 591,104 parameters, no field, and three ReLUs, and they lowered
# B's error; making them 3x3 (D) costs several times as many parameters again and lowered the
# error further (the gains, from Table 3 at the single scale 256, are printed). The
# paper's reading: "while the additional non-linearity does help (C is better than B), it is
# also important to capture spatial context by using conv. filters with non-trivial receptive
# fields (D is better than C)" (Section 4.1). Network in Network (Lin et al., 2014) used 1x1
# convolutions before VGG; GoogLeNet (notebook 04) uses them to reduce channels.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Receptive fields of VGG16
# The field, jump and position of every layer of VGG16. `start` is the centre, in input
# pixels, of the field of the map's first unit; the *effective padding* $P$, how far that
# field reaches out of the image on the left, is $(r - 1)/2 - \text{start}$.

# %% slideshow={"slide_type": "-"}
vgg16_features = models.vgg("D", head="gap", num_classes=10, name="vgg16_features")
field_rows = rf.receptive_field_table(vgg16_features)
for row in field_rows:
    row["padding"] = (row["size"] - 1) / 2 - row["start"]
    print(f"{row['name']:<13} field {row['size']:>4}  jump {row['jump']:>3}  start {row['start']:>5}"
          f"  effective padding {row['padding']:>5}")

# %% [markdown] slideshow={"slide_type": "-"}
# Araujo, Norris and Sim computed the receptive fields of popular networks with their own
# library (*Computing Receptive Fields of Convolutional Neural Networks*, Distill, 2019,
# table in the section "Discussion: receptive fields of modern networks"). For TF-Slim's
# `vgg_16` at its last layer before the classifier (pool5) they give $r = 212$, effective
# stride $S = 32$ and effective padding $P = 90$:

# %% slideshow={"slide_type": "subslide"}
araujo_vgg16 = {"size": 212, "jump": 32, "padding": 90}  # Araujo et al. (2019), table: vgg_16
pool5 = next(row for row in field_rows if row["name"] == "block5_pool")
ours_pool5 = {key: pool5[key] for key in araujo_vgg16}
print("ours:", ours_pool5, "\nAraujo et al.:", araujo_vgg16)
assert ours_pool5 == araujo_vgg16
(top, bottom), _ = rf.empirical_receptive_field(vgg16_features, "block5_conv3")
conv5_3 = next(row for row in field_rows if row["name"] == "block5_conv3")
print(f"block5_conv3: recurrence {conv5_3['size']}, gradient {bottom - top + 1}")
assert bottom - top + 1 == conv5_3["size"]

# %% [markdown] slideshow={"slide_type": "notes"}
# All three agree with the independent computation (asserted), and the gradient confirms
# block5_conv3's field (printed), so there is no difference to account for. Araujo et al.'s
# effective stride is our jump; their effective padding (90 pixels: one pixel of SAME padding
# per convolution times the jump at that depth, $2 \cdot 1 + 2 \cdot 2 + 3 \cdot 4 + 3 \cdot 8 + 3 \cdot 16$) is how far the
# first unit's field hangs off the image. The field grows by 2 pixels per convolution in
# stage 1 and by 32 per convolution in stage 5:

# %% slideshow={"slide_type": "-"}
names = [row["name"] for row in field_rows]
figure, axis = plt.subplots(figsize=(9, 3.2))
axis.plot(range(len(names)), [row["size"] for row in field_rows], "o-", label="receptive field (pixels)")
axis.axhline(224, color="gray", linestyle="--", label="image side, 224")
axis.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
axis.set(ylabel="pixels", title="VGG16: receptive field of each layer")
axis.legend()
plt.tight_layout()
print(f"pool5's field: {field_rows[-1]['size']} pixels; the image's side: 224 pixels")

# %% [markdown] slideshow={"slide_type": "-"}
# Even pool5's units see 212 pixels, less than the 224-pixel image, and only the central
# ones see that much of it (the rest of their field is padding). fc6, which reads all of
# pool5, is the first layer that sees the whole image.

# %% [markdown] slideshow={"slide_type": "slide"}
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

# %% slideshow={"slide_type": "-"}
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


# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "subslide"}
name = "block5_conv3"
field = rf.receptive_fields(vgg16_features)[name][0]
first, last = rf.theoretical_region(field, field.length // 2)  # the centre unit's pixels
rows_seen = np.flatnonzero(middle := energy[name].sum(axis=1))  # rows that the gradient reaches
assert first <= rows_seen[0] and rows_seen[-1] <= last  # no gradient outside the field
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.imshow(np.sqrt(energy[name] / energy[name].max()), cmap="magma")
low, high = first - 0.5, last + 0.5
left.plot([low, high, high, low, low], [low, low, high, high, low], color="cyan", linewidth=1)
left.set(title=f"{name}: |gradient| of the centre unit\n(cyan: theoretical field)", xticks=[], yticks=[])
right.plot(middle / middle.max())
right.axvspan(low, high, color="cyan", alpha=0.15, label=f"theoretical field, {field_size[name]} pixels")
right.set(xlabel="input row", ylabel="energy / its maximum", title="energy summed over columns")
right.legend(fontsize=8)
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers, to read after trying: [the answers to notebook
# 03](answers/03_vgg_answers.ipynb).
#
# 1. How many parameters (weights and biases) has configuration C's 1x1 convolution
#    `block4_conv3`, from 512 to 512 channels?
#
#    *Hint:* a 1x1 kernel has $1 \cdot 1 \cdot C_{in}$ weights per output channel, plus one
#    bias.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: parameters of C's block4_conv3
exercises.check_exercise("03.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. What is the receptive field of VGG19's (configuration E's) `block5_pool`? Use the
#    recurrence by hand, then check.
#
#    *Hint:* E has 2, 2, 4, 4, 4 convolutions per stage; each adds 2 times the jump; each
#    pooling adds 1 times the jump, then doubles it.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the side of E's block5_pool field, in pixels
exercises.check_exercise("03.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * K. Simonyan and A. Zisserman. Very Deep Convolutional Networks for Large-Scale Image
#   Recognition. ICLR 2015. arXiv:1409.1556.
# * A. Araujo, W. Norris and J. Sim. Computing Receptive Fields of Convolutional Neural
#   Networks. Distill, 2019. doi:10.23915/distill.00021.
# * W. Luo, Y. Li, R. Urtasun and R. Zemel. Understanding the Effective Receptive Field in
#   Deep Convolutional Neural Networks. NeurIPS 2016.
# * M. Lin, Q. Chen and S. Yan. Network In Network. ICLR 2014.
# * C. Szegedy et al. Going Deeper with Convolutions. CVPR 2015.

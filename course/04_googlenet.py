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
# # 04 · GoogLeNet and Inception v3: width, 1x1 reductions, auxiliary heads, factorised convolutions
#
# GoogLeNet (Szegedy et al., CVPR 2015) won ILSVRC 2014 with a network 22 layers deep and,
# by the paper's account, 12 times fewer parameters than AlexNet. Its building block, the **Inception module**, runs
# convolutions of several sizes side by side and concatenates them; 1x1 convolutions keep it
# affordable. Inception v3 (Szegedy et al., CVPR 2016) factorised its large convolutions and
# added batch normalisation and label smoothing. This notebook's source post (one of the
# course's source posts, the blog posts it grew from: notebook 01) is titled "GoogLeNet" but
# implements Inception v3 in TF-Slim: this notebook teaches both.
#
# **Learning goals.** After this notebook you can
# * work out the channels, parameters and FLOPs of an Inception module, and what its 1x1
#   reductions save;
# * check GoogLeNet against the paper's Table 1, and explain why published parameter counts
#   of the same network differ by millions;
# * build a model with auxiliary classifiers that train with weight 0.3 and vanish at
#   inference, and measure what they do to the gradient of the first layer;
# * compute what factorised convolutions, grid reduction and label smoothing change;
# * extend receptive fields to a graph with parallel branches.
#
# **Prerequisites.** Notebooks 01 (output sizes, parameter counts, receptive fields) and 02
# (timing); VGG's argument for stacked 3x3 convolutions (notebook 03) helps.
#
# **Run time.** 175 to 233 s on a 2-core CPU like the CI machine's (measured in CI's two
# lanes, `course/run_times.json`), most of it training a small GoogLeNet for the CPU settings'
# `epochs`. The GPU settings train for more epochs; they have not been run (the course's GPU
# machine has no TensorFlow), and the settings cell prints an estimate of them on a Colab T4,
# marked as one.
# Section 8 reads GoogLeNet's and Inception v3's timings on an NVIDIA H200 from a results
# file: for a batch of 32, a median of 8.06 and 23.12 ms per training step in float32.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order. Without internet,
# point `CNN_COURSE_DATA` at a folder holding `fashion-mnist/`.

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
# anything else imports TensorFlow. `show.source` displays the code of a builder as it stands
# in `support`, so that the architecture taught is always on the page.

# %%
from support import quiet

quiet.setup()

import math
import re
import subprocess
import sys
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from support import counting, data, exercises, hardware, models, results, show, sizing
from support import inception_v3 as inception_v3_module
from support import layers as course_layers
from support import receptive_field as rf
from support.googlenet import auxiliary_classifier

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown]
# The GPU settings train the small GoogLeNet for more epochs; on a CPU a few must do.

# %%
settings = hardware.choose_settings(
    cpu={"epochs": 2, "batch_size": 64, "learning_rate": 3e-3, "gradient_seeds": 3},
    gpu={"epochs": 10, "batch_size": 64, "learning_rate": 3e-3, "gradient_seeds": 5},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("04", settings.gpu))

# %% [markdown]
# ## 1. The Inception module
# A convolutional layer must choose one kernel size. The Inception module does not choose: it
# runs four **branches** on the same input and concatenates their outputs along the channel
# axis (Szegedy et al., 2015, Section 4 and Figure 2b):
# 1. a 1x1 convolution;
# 2. a 1x1 convolution that *reduces* the channels, then a 3x3 convolution;
# 3. a 1x1 reduction, then a 5x5 convolution;
# 4. a 3x3 max pooling with stride 1, then a 1x1 *projection*.
#
# Every branch keeps the height and width (SAME padding, stride 1), so the four outputs can be
# stacked. The module's output has as many channels as the four branches together. The
# course's builder, used for every module of GoogLeNet below:

# %%
show.source(course_layers.inception_module)

# %% [markdown]
# Module 3a is the first of GoogLeNet's nine. It reads the 28x28x192 maps of the stem, and its
# widths come from the paper's Table 1: 64 (1x1), 96 then 128 (3x3), 16 then 32 (5x5), 32
# (pool projection). Built alone on such an input:

# %%
stem_output = keras.Input((28, 28, 192), name="stem_output")
module_3a = keras.Model(stem_output, course_layers.inception_module(stem_output, 64, 96, 128, 16, 32, 32,
                                                                     name="inception_3a"))
branch_ends = ["inception_3a_1x1", "inception_3a_3x3", "inception_3a_5x5", "inception_3a_pool_proj"]
branch_channels = [module_3a.get_layer(name).output.shape[-1] for name in branch_ends]
for name, channels in zip(branch_ends, branch_channels):
    print(f"{name:<24} -> {module_3a.get_layer(name).output.shape}")
print(f"concatenated: {' + '.join(map(str, branch_channels))} = {module_3a.output.shape[-1]} channels")
assert module_3a.output.shape[1:] == (28, 28, sum(branch_channels)) == (28, 28, 256)  # Table 1: 28x28x256

# %% [markdown]
# The four branches add up to the 28x28x256 output that Table 1 gives for 3a (asserted). The 3x3
# branch gets the most channels, and the pooling branch its own: the module is *wide*.
#
# ### What the 1x1 reductions save
# Without its 1x1 reductions, the 3x3 and 5x5 convolutions of 3a would read all 192 input
# channels. The same module with the same output widths (so the same 256 output channels), but
# no reductions:

# %%
def inception_module_without_reductions(x, filters_1x1, filters_3x3, filters_5x5, filters_pool_proj, name):
    """The module of Figure 2b without its two 1x1 reductions: 3x3 and 5x5 read x directly."""
    def conv(tensor, filters, kernel, suffix):
        return keras.layers.Conv2D(filters, kernel, padding="same", activation="relu", name=f"{name}_{suffix}")(tensor)

    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branches = [conv(x, filters_1x1, 1, "1x1"), conv(x, filters_3x3, 3, "3x3"), conv(x, filters_5x5, 5, "5x5"),
                conv(pooled, filters_pool_proj, 1, "pool_proj")]
    return keras.layers.Concatenate(name=name)(branches)


unreduced_3a = keras.Model(stem_output, inception_module_without_reductions(stem_output, 64, 128, 32, 32, "unreduced_3a"))
assert unreduced_3a.output.shape == module_3a.output.shape

# %%
cost = {}
for label, model in (("with 1x1 reductions", module_3a), ("without", unreduced_3a)):
    total = counting.totals(counting.layer_table(model))
    assert total["params"] == model.count_params()  # the analytic count agrees with Keras
    cost[label] = total
    print(f"3a {label:<20}: {total['params']:>9,} parameters  {total['flops'] / 1e6:7.1f} MFLOPs per image")
saving = cost["without"]["params"] / cost["with 1x1 reductions"]["params"]
flop_saving = cost["without"]["flops"] / cost["with 1x1 reductions"]["flops"]
print(f"the reductions divide the parameters by {saving:.2f} and the FLOPs by {flop_saving:.2f}")
assert saving > 2 and flop_saving > 2


def kernel_weights_of(model, prefix):
    """Kernel weights (no biases) of the convolutions whose names start with `prefix`."""
    return sum(math.prod(layer.kernel.shape) for layer in model.layers
               if isinstance(layer, keras.layers.Conv2D) and layer.name.startswith(prefix))


with_weights = kernel_weights_of(module_3a, "inception_3a")
assert abs(with_weights / 1024 - 159) < 1  # Table 1, inception_3a: 159 K weights, K = 1024, no biases
by_hand = {  # k*k*c_in*c_out for each convolution of the branch, widths from Table 1, 192 channels in
    "3x3": {"with": 1 * 192 * 96 + 9 * 96 * 128, "without": 9 * 192 * 128},
    "5x5": {"with": 1 * 192 * 16 + 25 * 16 * 32, "without": 25 * 192 * 32},
}
total_weight_saving = kernel_weights_of(unreduced_3a, "unreduced_3a") - with_weights
for branch, hand in by_hand.items():
    branch_with = kernel_weights_of(module_3a, f"inception_3a_{branch}")  # the reduce and the branch's conv
    branch_without = kernel_weights_of(unreduced_3a, f"unreduced_3a_{branch}")
    assert (branch_with, branch_without) == (hand["with"], hand["without"]), branch
    print(f"{branch} branch: {branch_without:>7,} -> {branch_with:>7,} weights, saves {branch_without - branch_with:>7,} "
          f"= {(branch_without - branch_with) / total_weight_saving:.0%} of the module's saving")

# %% [markdown]
# The reductions divide the parameters and the FLOPs by nearly the same factor (printed above),
# because every layer of the module works at the same 28x28 resolution and the FLOPs leave out
# the biases. With reductions, module 3a has the 159 K weights of Table 1 (asserted). The 1x1
# and pooling branches are the same in both versions, so the whole saving comes from the 3x3
# and 5x5 branches (their weights asserted against the formula $k^2 c_{in} c_{out}$), and the
# larger share of it from the 5x5 branch: its reduction squeezes the 192 input channels to 16
# before the 5x5, which costs 25 weights per input channel, while the 3x3 branch's reduction
# only halves them, to 96.
# The 1x1 reductions are Lin et al.'s "network in network" idea (2014): a 1x1 convolution is a
# small dense layer applied at every pixel, followed by a ReLU, so it also adds depth.
#
# The paper's *naive* module (Figure 2a) has no 1x1 projection after its pooling either, so the
# pooling branch passes all 192 input channels through: its output has 64 + 128 + 32 + 192 =
# 416 channels, and since every module feeds the next, the width would grow from module to
# module. The projection keeps the width under control.

# %% [markdown]
# ## 2. GoogLeNet against the paper's Table 1
# Table 1 of Szegedy et al. (2015) describes the whole network, one row per layer or module:
# output size, the widths of each branch, and the parameters and operations of the row
# ("ops" are multiply-accumulates, MACs). Typed here as data, from the paper:

# %%
TABLE_1 = [  # Szegedy et al. 2015, Table 1: (row, output size, branch widths or None, params in K, ops in M)
    ("conv1_7x7", (112, 112, 64), None, 2.7, 34), ("pool1", (56, 56, 64), None, None, None),
    ("conv2_3x3", (56, 56, 192), None, 112, 360), ("pool2", (28, 28, 192), None, None, None),
    ("inception_3a", (28, 28, 256), (64, 96, 128, 16, 32, 32), 159, 128),
    ("inception_3b", (28, 28, 480), (128, 128, 192, 32, 96, 64), 380, 304), ("pool3", (14, 14, 480), None, None, None),
    ("inception_4a", (14, 14, 512), (192, 96, 208, 16, 48, 64), 364, 73),
    ("inception_4b", (14, 14, 512), (160, 112, 224, 24, 64, 64), 437, 88),
    ("inception_4c", (14, 14, 512), (128, 128, 256, 24, 64, 64), 463, 100),
    ("inception_4d", (14, 14, 528), (112, 144, 288, 32, 64, 64), 580, 119),
    ("inception_4e", (14, 14, 832), (256, 160, 320, 32, 128, 128), 840, 170), ("pool4", (7, 7, 832), None, None, None),
    ("inception_5a", (7, 7, 832), (256, 160, 320, 32, 128, 128), 1072, 54),
    ("inception_5b", (7, 7, 1024), (384, 192, 384, 48, 128, 128), 1388, 71),
    ("avg_pool", (1, 1, 1024), None, None, None), ("predictions", (1, 1, 1000), None, 1000, 1),
]

# %% [markdown]
# The course's builder reads the modules' widths from its own table, `GOOGLENET_TABLE`, and
# stacks them between the stem and the classifier:

# %%
show.source(models.googlenet)

# %%
googlenet = models.googlenet()
googlenet_table = dict(entry for entry in models.GOOGLENET_TABLE if entry != "M")
for row, size, widths, _, _ in TABLE_1:
    shape = tuple(googlenet.get_layer(row).output.shape[1:])
    if widths is not None:
        assert googlenet_table[row] == widths, row  # the builder's table is the paper's
    assert math.prod(shape) == math.prod(size) and shape[-1] == size[-1], (row, shape, size)
print(f"{len(TABLE_1)} rows: every output size and every module's widths equal Table 1")

# %% [markdown]
# Every output shape matches (Table 1's 1x1x1024 for the classifier's input is a vector of 1024
# in Keras). Now the
# parameters and operations of each row. The paper counts weights without biases; we count the
# kernels of each row's convolutions and its MACs:

# %%
def row_layers(row):
    """The layers with weights that make up one row of Table 1 (conv2 includes its 1x1 reduce)."""
    prefix = "conv2_" if row == "conv2_3x3" else row
    return [layer for layer in googlenet.layers if layer.name.startswith(prefix) and layer.weights]


stats = {entry["name"]: entry for entry in counting.layer_table(googlenet)}
comparison = []
for row, _, _, paper_k, paper_m in TABLE_1:
    if paper_k is None:
        continue
    weights = sum(math.prod(layer.kernel.shape) for layer in row_layers(row))
    macs = sum(stats[layer.name]["macs"] for layer in row_layers(row))
    comparison.append((row, weights, paper_k, macs, paper_m))
    print(f"{row:<13} weights {weights:>9,} = {weights / 1024:7.1f} K (paper {paper_k:>6} K)   "
          f"MACs {macs / 1e6:6.1f} M (paper {paper_m:>4} M)")

# %% [markdown]
# Read the columns against each other. The paper's "K" is 1024: divided by 1024, 3a's weights
# give the paper's 159 K (as asserted in section 1). The operations column agrees with our MACs
# to within rounding on every row but two:

# %%
ops_disagree = [row for row, weights, _, macs, paper_m in comparison if abs(macs / 1e6 - paper_m) > 1]
params_off = {row: weights / 1024 / paper_k - 1 for row, weights, paper_k, _, _ in comparison}
print("rows whose ops differ from the paper's by more than 1 M:", ops_disagree)
print("parameters, ours against the paper's:", {row: f"{off:+.0%}" for row, off in params_off.items()})
assert ops_disagree == ["conv1_7x7", "inception_5a"]
conv1_paper_weights = 34e6 / (112 * 112)  # the weights that the paper's 34 M ops imply for conv1
print(f"conv1: the paper's 34 M ops imply {conv1_paper_weights:,.0f} weights per output pixel, "
      f"its 2.7 K says {2.7 * 1024:,.0f}; a 7x7 kernel over 3 channels x 64 has {7 * 7 * 3 * 64:,}")
assert all(abs(off) < 0.08 for row, off in params_off.items() if row != "conv1_7x7")
_, (height_4c, width_4c, _), _, paper_k_4c, paper_m_4c = next(entry for entry in TABLE_1 if entry[0] == "inception_4c")
implied_4c = paper_m_4c * 1e6 / (height_4c * width_4c) / 1024  # weights per output pixel, in K = 1024
ours_4c = next(weights for row, weights, _, _, _ in comparison if row == "inception_4c") / 1024
print(f"inception_4c: the paper's {paper_m_4c} M ops imply {implied_4c:.1f} K weights, we count {ours_4c:.1f} K, "
      f"its params column says {paper_k_4c} K")
assert abs(implied_4c / ours_4c - 1) < 0.01 < abs(paper_k_4c / ours_4c - 1)

# %% [markdown]
# Three findings, each computed above:
# * **conv1**: the paper's two figures agree with each other (the weights per output pixel
#   that its 34 M ops imply are close to its 2.7 K, both printed) but not with a 7x7
#   convolution from 3 to 64 channels, which has the printed 9,408. The row is an error in the
#   table; a 7x7x3x64 kernel is what every implementation uses.
# * **5a**: the paper's ops exceed our MACs (printed), and its parameters are off too (the
#   printed percentage, negative): another small inconsistency of the table.
# * The other parameter figures are close to ours (the printed percentages). Of these, 4c's is
#   the furthest, yet its ops column implies, with the same K = 1024, the weights we count
#   (printed and asserted). The ops column is the more reliable of the two.

# %% [markdown]
# ### The total: how many millions?
# The paper does not print a total; it says GoogLeNet "uses 12x fewer parameters than the
# winning architecture of Krizhevsky et al." (Section 1), that is about 60 / 12 = 5 million.
# torchvision's GoogLeNet has 6,624,904 parameters (`GoogLeNet_Weights.IMAGENET1K_V1`,
# torchvision documentation). Ours:

# %%
paper_sum = sum(paper_k for _, _, _, paper_k, _ in TABLE_1 if paper_k) * 1024
ours = googlenet.count_params()
kernel_weights = sum(math.prod(layer.kernel.shape) for layer in googlenet.layers if hasattr(layer, "kernel"))
with_auxiliary = models.googlenet(auxiliary_classifiers=True).count_params()
print(f"Table 1's rows add up to {paper_sum:,.0f} weights (K = 1024)")
print(f"the course's GoogLeNet: {ours:,} parameters = {kernel_weights:,} weights + {ours - kernel_weights:,} biases")
print(f"with its two auxiliary classifiers: {with_auxiliary:,}")
print(f"ours minus Table 1's sum: {ours - paper_sum:,.0f}, of which biases {ours - kernel_weights:,} "
      f"({(ours - kernel_weights) / (ours - paper_sum):.0%})")
assert ours == counting.totals(counting.layer_table(googlenet))["params"]
filters = sum(layer.filters for layer in googlenet.layers if isinstance(layer, keras.layers.Conv2D))
assert ours - kernel_weights == filters + 1000  # one bias per filter and per class

# %% [markdown]
# Ours is close to the sum of Table 1's rows (both printed). The biases, which the table leaves
# out, are only the printed share of the difference; the rest comes from the row-by-row
# differences found above. The auxiliary classifiers (Section 5, below) almost double the
# count during training. torchvision's figure differs for
# three reasons, from its source (`torchvision/models/googlenet.py`): its convolutions have no
# bias but a batch normalisation with a learned scale and shift (2 parameters per channel); the
# "5x5" branch of every module is a 3x3 (a known slip kept so that the ported weights still
# load); and the auxiliary classifiers are dropped when the pretrained weights are loaded. The
# count with those three changes, from our table:

# %%
def torchvision_style_params(table=models.GOOGLENET_TABLE, num_classes=1000):
    """GoogLeNet's parameters with torchvision's choices: conv without bias + BN (2 per channel),
    the 5x5 branch as a 3x3, no auxiliary classifiers."""
    def conv(kernel, c_in, c_out):
        return counting.conv2d_params(c_in, c_out, kernel, use_bias=False) + 2 * c_out

    total, channels = conv(7, 3, 64) + conv(1, 64, 64) + conv(3, 64, 192), 192
    for entry in table:
        if entry != "M":
            f1, f3r, f3, f5r, f5, fp = entry[1]
            total += conv(1, channels, f1) + conv(1, channels, f3r) + conv(3, f3r, f3)
            total += conv(1, channels, f5r) + conv(3, f5r, f5) + conv(1, channels, fp)  # "5x5" is 3x3
            channels = f1 + f3 + f5 + fp
    return total + (channels + 1) * num_classes


print(f"torchvision-style count: {torchvision_style_params():,}")
assert torchvision_style_params() == 6_624_904  # torchvision's documented num_params

# %% [markdown]
# Exactly torchvision's documented count (asserted): every difference is accounted for. A parameter count is a
# property of an implementation, not of "GoogLeNet"; always say which one.
#
# ### Global average pooling instead of a dense head
# AlexNet and VGG flatten their last maps into dense layers holding most of their parameters
# (notebook 02). GoogLeNet averages each of its 1024 final 7x7 maps to one number (**global
# average pooling**, from Lin et al.'s network in network) and has one dense layer. The paper
# (Section 5) reports that this improved top-1 accuracy by about 0.6% over a dense head. The
# same 1000-way classifier on the 1024 final 7x7 maps, flattened, instead:

# %%
gap_head = (1024 + 1) * 1000
flatten_head = keras.layers.Dense(1000)
flatten_head.build((None, 7 * 7 * 1024))
print(f"GAP + dense: {gap_head:,} parameters; flatten + dense: {flatten_head.count_params():,} "
      f"({flatten_head.count_params() / ours:.1f} times the whole of GoogLeNet)")
assert googlenet.get_layer("predictions").count_params() == gap_head

# %% [markdown]
# A flattened head would hold several times the parameters of the whole network (the factor
# printed); global average pooling spends one weight per channel and class (plus the biases),
# and makes the classifier indifferent to where in the image a feature appeared.

# %% [markdown]
# ## 3. Auxiliary classifiers
# A 22-layer network of 2014, without batch normalisation, risked a weak gradient in its early
# layers. GoogLeNet attaches two small classifiers to the outputs of modules 4a and 4d
# (Section 5): a 5x5 average pooling with stride 3, a 1x1 convolution with 128 filters, a dense
# layer of 1024 units, 70% dropout and a softmax. Their losses are added to the main loss with
# weight 0.3 during training, and they are thrown away at inference:

# %%
show.source(auxiliary_classifier)

# %% [markdown]
# In Keras this is one model with three outputs, compiled with three losses and
# `loss_weights=[1, 0.3, 0.3]`. The inference model is a second `keras.Model` over the same
# layers that stops at the main output: it shares every weight and has none of the heads'.

# %%
training_googlenet = models.googlenet(auxiliary_classifiers=True)
print("training outputs:", [tuple(output.shape) for output in training_googlenet.outputs])
inference_googlenet = keras.Model(training_googlenet.inputs, training_googlenet.outputs[0])
heads = training_googlenet.count_params() - inference_googlenet.count_params()
print(f"inference model: {inference_googlenet.count_params():,} parameters; the two heads: {heads:,}")
assert inference_googlenet.count_params() == googlenet.count_params()  # the same as the network built without heads
head_fc = [training_googlenet.get_layer(f"aux{index}_fc") for index in (1, 2)]
print(f"their two dense layers: {sum(layer.count_params() for layer in head_fc):,} parameters "
      f"({sum(layer.count_params() for layer in head_fc) / heads:.0%} of the heads)")
assert all(tuple(layer.kernel.shape) == (4 * 4 * 128, 1024) for layer in head_fc)  # Section 5: 4x4x128 in, 1024 out

# %% [markdown]
# The heads hold almost as many parameters as the network they train (printed), nearly all in
# their dense layers: each has $4 \times 4 \times 128 = 2048$ inputs times 1024 units (asserted).
# None of it is used at inference.
#
# ### Do they change the gradient reaching the early layers?
# To measure it we need a network small enough to train here: a GoogLeNet in miniature for
# 28x28 Fashion-MNIST images. A 3x3 stem and a pooling bring 28x28 to 14x14; modules 3a and 3b
# work at 14x14, 4a and 4b at 7x7, each the paper's module with its widths cut to a fraction
# (the range is printed below); global average pooling and dropout 0.4 then the classifier, as
# in the paper. One change from 2014, so that the CPU settings' few epochs suffice: every
# convolution is followed by batch
# normalisation, as Inception v2 and v3 did. The course's unit for it, `conv2d_bn`, used again
# in section 5: a convolution without bias (the normalisation's shift replaces it), batch
# normalisation, ReLU.

# %%
show.source(course_layers.conv2d_bn)

# %% [markdown]
# The modules have the four branches of `inception_module` above, built from that unit:

# %%
def small_inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name):
    """The four branches of course_layers.inception_module, each convolution a conv2d_bn unit."""
    def unit(tensor, filters, kernel, suffix):
        return course_layers.conv2d_bn(tensor, filters, kernel, kernel, name=f"{name}_{suffix}")

    branch_1x1 = unit(x, f1, 1, "1x1")
    branch_3x3 = unit(unit(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")
    branch_5x5 = unit(unit(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    return keras.layers.Concatenate(name=name)([branch_1x1, branch_3x3, branch_5x5, unit(pooled, pool_proj, 1, "pool_proj")])

# %% [markdown]
# The two auxiliary heads sit on 3b and 4a: the paper's head scaled down (32 filters, 128 units).

# %%
def small_auxiliary_classifier(x, num_classes, name, pool_size):
    """The paper's side head, scaled down: average pool, 1x1 conv 32, dense 128, dropout 0.7, softmax."""
    x = keras.layers.AveragePooling2D(pool_size, strides=pool_size, name=f"{name}_pool")(x)
    x = keras.layers.Conv2D(32, 1, activation="relu", name=f"{name}_conv")(x)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    x = keras.layers.Dense(128, activation="relu", name=f"{name}_fc")(x)
    x = keras.layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return keras.layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(x)

# %%
def small_googlenet(num_classes=10):
    """GoogLeNet in miniature for 28x28x1 images, with outputs [main, aux1, aux2]."""
    inputs = keras.Input((28, 28, 1), name="image")
    x = course_layers.conv2d_bn(inputs, 32, 3, 3, name="conv1")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)       # 14 x 14 x 32
    x = small_inception_module(x, 16, 16, 24, 4, 8, 8, name="inception_3a")            # 14 x 14 x 56
    x = small_inception_module(x, 24, 24, 32, 4, 12, 12, name="inception_3b")          # 14 x 14 x 80
    aux1 = small_auxiliary_classifier(x, num_classes, "aux1", pool_size=3)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)       # 7 x 7 x 80
    x = small_inception_module(x, 32, 32, 48, 8, 16, 16, name="inception_4a")          # 7 x 7 x 112
    aux2 = small_auxiliary_classifier(x, num_classes, "aux2", pool_size=2)
    x = small_inception_module(x, 48, 32, 64, 8, 24, 24, name="inception_4b")          # 7 x 7 x 160
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.4, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, [outputs, aux1, aux2], name="small_googlenet")

# %%
small = small_googlenet()
small_inference = keras.Model(small.inputs, small.outputs[0])
small_flops = counting.totals(counting.layer_table(small_inference))["flops"]
print(f"small GoogLeNet: {small.count_params():,} parameters in training, {small_inference.count_params():,} "
      f"at inference, {small_flops / 1e6:.1f} MFLOPs per image")
print("outputs:", [tuple(output.shape) for output in small.outputs])
assert [tuple(output.shape) for output in small.outputs] == [(None, 10)] * 3
small_modules = [layer.name for layer in small.layers if isinstance(layer, keras.layers.Concatenate)]
branch_suffixes = ["1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj"]  # the order of Table 1's widths
width_fractions = [small.get_layer(f"{module}_{suffix}_conv").filters / paper_width
                   for module in small_modules for suffix, paper_width in zip(branch_suffixes, googlenet_table[module])]
channel_fractions = [small.get_layer(module).output.shape[-1] / googlenet.get_layer(module).output.shape[-1]
                     for module in small_modules]
print(f"{len(small_modules)} Inception modules {small_modules}: each convolution has {min(width_fractions):.2f} to "
      f"{max(width_fractions):.2f} of the paper's width, each module's output {min(channel_fractions):.2f} to "
      f"{max(channel_fractions):.2f} of its channels")
assert small_modules == ["inception_3a", "inception_3b", "inception_4a", "inception_4b"]  # as described above

# %% [markdown]
# The measurement: on one batch of 256 training images, the gradient of each convolution's
# kernel, once from the main loss alone and once from the training loss
# $L = L_{main} + 0.3\,(L_{aux1} + L_{aux2})$. Layers after a head's branch point get nothing
# from it. Dropout is off and batch normalisation uses its stored statistics
# (`training=False`), so that the two gradients differ only by the heads.
# Repeated for several initialisations:

# %%
(train_images_all, train_labels_all), (test_images_raw, test_labels) = data.load_fashion_mnist()
probe_images = data.to_float_images(train_images_all[:256])
probe_labels = train_labels_all[:256]


def kernel_gradients(model, images, labels, auxiliary_weight):
    """Gradients of every Conv2D kernel of the main path for L_main + w * (L_aux1 + L_aux2)."""
    kernels = [layer.kernel for layer in model.layers
               if isinstance(layer, keras.layers.Conv2D) and not layer.name.startswith("aux")]
    with tf.GradientTape() as tape:
        main, aux1, aux2 = model(images, training=False)
        losses = [tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, p)) for p in (main, aux1, aux2)]
        loss = losses[0] + auxiliary_weight * (losses[1] + losses[2])
    return [variable.path.split("/")[0] for variable in kernels], tape.gradient(loss, kernels)

# %%
def gradient_ratios(model):
    """||g(L_main + 0.3 L_aux)|| / ||g(L_main)|| for each main-path convolution, input side first."""
    names, with_heads = kernel_gradients(model, probe_images, probe_labels, 0.3)
    _, main_only = kernel_gradients(model, probe_images, probe_labels, 0.0)
    return names, np.array([float(tf.norm(a) / tf.norm(b)) for a, b in zip(with_heads, main_only)])


ratios_at_init = []
for seed in range(settings.gradient_seeds):
    keras.utils.set_random_seed(seed)
    layer_names, ratios = gradient_ratios(small_googlenet())
    ratios_at_init.append(ratios)
ratios_at_init = np.array(ratios_at_init)
first = ratios_at_init[:, 0]
print(f"conv1: the heads multiply the gradient norm by {first.mean():.2f} (seeds: {np.round(first, 2)})")
after_4a = [i for i, name in enumerate(layer_names) if name.startswith("inception_4b")]
assert np.allclose(ratios_at_init[:, after_4a], 1.0)  # no head sits after 4a: unchanged there
assert np.all(first > 1.0)  # every initialisation: the heads add to conv1's gradient

# %% [markdown]
# The plot shows the ratio for every convolution of the main path, input side first: above 1,
# the heads add to the gradient that the main loss alone sends there.

# %%
figure, axis = plt.subplots(figsize=(9, 3.4))
for seed, ratios in enumerate(ratios_at_init):
    axis.plot(range(len(ratios)), ratios, "o-", alpha=0.7, label=f"initialisation {seed}")
axis.axhline(1.0, color="gray", linewidth=1)
ticks = [i for i, name in enumerate(layer_names) if name.endswith("_1x1_conv") or name == "conv1_conv"]
axis.set_xticks(ticks, [layer_names[i].replace("inception_", "").replace("_1x1", "")[:-5] for i in ticks])
axis.set(xlabel="main-path convolutions, input side first (grouped by module)",
         ylabel="gradient norm with / without heads", title="What the auxiliary losses add, at initialisation")
axis.legend(fontsize=8)
plt.tight_layout()

# %% [markdown]
# At initialisation the heads enlarge the gradient of most convolutions before their branch
# points, some of them several times; a few ratios fall a little below 1, where the heads'
# gradient partly cancels the main loss's. For conv1 the ratio is printed above and asserted
# above 1 for every initialisation. Module 4b, after both branch points, is untouched
# (asserted). So they do send extra gradient to the early layers. Whether that
# *helps* is another question: the Inception v3 paper (Szegedy et al., 2016, Section 4) found
# that the auxiliary classifiers "did not result in improved convergence early in the
# training"; with batch normalisation they act as a regulariser instead. We measure the same
# ratio again after training, below.

# %% [markdown]
# ## 4. Train the small GoogLeNet on Fashion-MNIST
# Fashion-MNIST (Xiao et al., 2017): 60,000 training and 10,000 test images of clothes, 28x28
# grey levels, ten classes. We hold out 5,000 training images for validation, and give each of
# the three outputs the same labels. The three losses are weighted 1, 0.3 and 0.3. Adam, with
# the learning rate decayed along a cosine to zero over the run.

# %%
(train_x, train_y), (val_x, val_y) = data.split_validation(train_images_all, train_labels_all, 5000, seed=0)


def three_targets(images, labels):
    """One label for each of the model's three outputs."""
    return images, (labels, labels, labels)


train_ds = data.tf_dataset(train_x, train_y, settings.batch_size, shuffle=True).map(three_targets)
val_ds = data.tf_dataset(val_x, val_y, 1000).map(three_targets)
test_ds = data.tf_dataset(test_images_raw, test_labels, 1000)
steps = settings.epochs * math.ceil(len(train_x) / settings.batch_size)
print(f"train {len(train_x):,}  validation {len(val_x):,}  test {len(test_labels):,} images; {steps} steps")

# %% [markdown]
# Keras reports each metric as a running mean over the epoch; `BlockLosses` turns those into
# the mean loss of each head over blocks of 50 batches, for the curves.

# %%
class BlockLosses(keras.callbacks.Callback):
    """Record each output's mean training loss over consecutive blocks of `block` batches."""

    def __init__(self, names, block=50):
        super().__init__()
        self.names, self.block, self.curves = names, block, {name: [] for name in names}

    def on_epoch_begin(self, epoch, logs=None):
        self.previous = {name: 0.0 for name in self.names}  # running sums at the block's start

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % self.block == 0:
            for name in self.names:
                total = float(logs[name]) * (batch + 1)  # running mean x batches = running sum
                self.curves[name].append((total - self.previous[name]) / self.block)
                self.previous[name] = total

# %%
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(0)
small = small_googlenet()
small.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(settings.learning_rate, steps)),
              loss=["sparse_categorical_crossentropy"] * 3, loss_weights=[1.0, 0.3, 0.3],
              metrics=[["accuracy"], [], []])
head_losses = BlockLosses(["predictions_loss", "aux1_predictions_loss", "aux2_predictions_loss"])
start = time.perf_counter()
history = small.fit(train_ds, validation_data=val_ds, epochs=settings.epochs, callbacks=[head_losses],
                    shuffle=False, verbose=2)
training_seconds = time.perf_counter() - start
print(f"{settings.epochs} epochs in {training_seconds:.0f} s on this machine ({settings.profile} settings)")

# %% [markdown]
# At inference only the main output is used: `small_inference` shares the trained layers and
# stops at `predictions`. The test set is scored once, now:

# %%
# NBVAL_IGNORE_OUTPUT
small_inference = keras.Model(small.inputs, small.outputs[0])
small_inference.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
test_loss, test_accuracy = small_inference.evaluate(test_ds, verbose=0)
print(f"test accuracy {test_accuracy:.2%} after {settings.epochs} epochs, {small_inference.count_params():,} "
      f"parameters at inference")
assert test_accuracy >= 0.90

# %% [markdown]
# The curves: the three heads' training losses (means over blocks of 50 batches) and the main
# output's validation accuracy after each epoch.

# %%
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
for name, values in head_losses.curves.items():
    left.plot(np.arange(1, len(values) + 1) * head_losses.block, values, label=name.replace("_loss", ""))
left.set(xlabel=f"training batches of {settings.batch_size}", ylabel="training loss (block mean)",
         title="Main and auxiliary losses")
left.legend()
epochs_axis = np.arange(1, settings.epochs + 1)
right.plot(epochs_axis, history.history["val_predictions_accuracy"], "o-", label="validation")
right.plot(epochs_axis, history.history["predictions_accuracy"], "o-", label="training (with dropout)")
right.set(xlabel="epoch", ylabel="accuracy of the main output", title="Accuracy", xticks=epochs_axis)
right.legend()
plt.tight_layout()

# %% [markdown]
# The heads end with higher training losses than the main output, aux1 (which sees only the
# 14x14 maps of 3b) the highest: they are weaker classifiers, there to shape the layers they
# share with the main output. The validation accuracy is measured without dropout and at the
# end of each epoch, while the training accuracy is a mean over the epoch with dropout on:
# that is why it can be the higher of the two.
#
# After training, the gradient ratio again, on the same batch:

# %%
# NBVAL_IGNORE_OUTPUT
_, ratios_trained = gradient_ratios(small)
print(f"conv1 after training: the heads multiply the gradient norm by {ratios_trained[0]:.2f} "
      f"(at initialisation: {first.mean():.2f})")
assert np.allclose(ratios_trained[after_4a], 1.0) and ratios_trained[0] > 1.0

# %% [markdown]
# After training too, the heads add to conv1's gradient (ratio above 1, asserted) and nothing to
# 4b's. So the measurement answers the question asked: yes, the auxiliary losses change the
# gradient that reaches the early layers, here by the factors printed, in this small network
# (its modules are listed in section 3). It does not show that the network needed them: that would
# take training with and without the heads over several seeds, more than this notebook's CPU
# budget allows; the Inception v3 paper's finding quoted above is the published answer.

# %% [markdown]
# ## 5. Inception v3
# Szegedy, Vanhoucke, Ioffe, Shlens and Wojna (2016) rethought the module with four principles
# (their Section 2), among them: avoid *representational bottlenecks* (do not squeeze the
# representation abruptly), and spatial aggregation can be done over lower-dimensional
# embeddings without loss. The result is Inception v3: 299x299 inputs, factorised
# convolutions, a new way to shrink the grid, batch normalisation everywhere, and label
# smoothing. The source post implements it in TF-Slim; the course's Keras version has the same
# layers as `keras.applications.InceptionV3`.
#
# ### Factorising convolutions
# A 5x5 convolution sees what two stacked 3x3 convolutions see (notebook 01), and an
# $n \times n$ what a $1 \times n$ followed by an $n \times 1$ sees. With $C$ channels in
# and out, the weights are $25C^2$ against $2 \cdot 9C^2$, and $n^2 C^2$ against $2nC^2$.
# Counted by Keras for $C = 192$, with the receptive field of each stack:

# %%
def conv_chain(kernels, channels=192, size=17):
    """A stack of SAME convolutions without bias, channels -> channels, one per (rows, cols) kernel."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels):
        x = keras.layers.Conv2D(channels, kernel, padding="same", use_bias=False, name=f"conv{index}")(x)
    return keras.Model(inputs, x)


factorisations = {"5x5 -> 3x3, 3x3": ([(5, 5)], [(3, 3), (3, 3)]), "3x3 -> 1x3, 3x1": ([(3, 3)], [(1, 3), (3, 1)]),
                  "7x7 -> 1x7, 7x1": ([(7, 7)], [(1, 7), (7, 1)]), "3x3 -> 2x2, 2x2": ([(3, 3)], [(2, 2), (2, 2)])}
savings = {}
for label, (single, stacked) in factorisations.items():
    one, two = conv_chain(single), conv_chain(stacked)
    fields = [rf.receptive_fields(model)[model.layers[-1].name] for model in (one, two)]
    assert [(f[0].size, f[1].size) for f in fields[0:1]] == [(f[0].size, f[1].size) for f in fields[1:]]
    savings[label] = 1 - two.count_params() / one.count_params()
    print(f"{label}: {one.count_params():>9,} -> {two.count_params():>9,} weights, "
          f"{savings[label]:.0%} saved, field {fields[0][0].size:.0f}x{fields[0][1].size:.0f} kept")
by_formula = {label: 1 - sum(rows * cols for rows, cols in stacked) / (single[0][0] * single[0][1])
              for label, (single, stacked) in factorisations.items()}
assert by_formula == {"5x5 -> 3x3, 3x3": 1 - 2 * 9 / 25, "3x3 -> 1x3, 3x1": 1 - 2 * 3 / 9,
                      "7x7 -> 1x7, 7x1": 1 - 2 * 7 / 49, "3x3 -> 2x2, 2x2": 1 - 2 * 4 / 9}
assert all(math.isclose(savings[label], by_formula[label]) for label in savings)
assert round(100 * savings["5x5 -> 3x3, 3x3"]) == 28 and round(100 * savings["3x3 -> 1x3, 3x1"]) == 33  # paper, 3.1, 3.2

# %% [markdown]
# Same receptive field (asserted), and fewer weights: Keras's counts save exactly
# $1 - 2 \cdot 9/25$ for the 5x5, $1 - 2 \cdot 3/9$ for a 3x3 split into 1x3 and 3x1 and
# $1 - 2 \cdot 7/49$ for a 7x7 (asserted), the first two being the 28% and 33% of the paper's
# Sections 3.1 and 3.2 (asserted too); two 2x2 would save the least (the last line). The
# 7x7 saves the most because a split $n \times n$ keeps $2n$ of its $n^2$ weights per pair of
# channels. The paper found the asymmetric split works
# well on medium grids (12 to 20 pixels) and uses 1x7 and 7x1 on the 17x17 grid. The three
# module types, from the course's builder:

# %%
show.source(inception_v3_module.inception_a)

# %%
show.source(inception_v3_module.inception_b)

# %% [markdown]
# `inception_a` (35x35 grid) replaces GoogLeNet's 5x5 branch with two 3x3 (`3x3dbl`; Keras
# and TF-Slim kept one 1x1 -> 5x5 branch too); `inception_b` (17x17) uses 1x7 and 7x1 pairs;
# `inception_c` (8x8, not shown) splits its 3x3 into parallel 1x3 and 3x1 outputs that are
# concatenated, to widen the last, coarsest representations. Every convolution is a
# `conv2d_bn` unit (section 3).
#
# ### Shrinking the grid without a bottleneck
# To halve a 35x35x320 grid while doubling its channels, one can pool first and then convolve
# (cheap, but the pooled 17x17x320 is a bottleneck), or convolve at 35x35 and then pool
# (no bottleneck, expensive). Inception v3 (Section 5, Figure 10) runs a stride-2 convolution
# and a stride-2 pooling *side by side* and concatenates them. The three, counted:

# %%
def grid_option(order):
    """35x35x320 -> 17x17x640 by pool-then-conv, conv-then-pool, or parallel (Figure 10)."""
    inputs = keras.Input((35, 35, 320))
    pool = keras.layers.MaxPooling2D(3, strides=2)
    if order == "pool, then conv":
        x = keras.layers.Conv2D(640, 3, padding="same")(pool(inputs))
    elif order == "conv, then pool":
        x = pool(keras.layers.Conv2D(640, 3, padding="same")(inputs))
    else:
        x = keras.layers.Concatenate()([keras.layers.Conv2D(320, 3, strides=2)(inputs), pool(inputs)])
    return keras.Model(inputs, x)


grid_flops = {}
for order in ("pool, then conv", "conv, then pool", "parallel"):
    model = grid_option(order)
    grid_flops[order] = counting.totals(counting.layer_table(model))["flops"]
    convolution_input = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)).input
    print(f"{order:<16} -> {model.output.shape[1:]}: {grid_flops[order] / 1e6:6.0f} MFLOPs; "
          f"the convolution reads {convolution_input.shape[1:]}")
assert grid_flops["parallel"] < grid_flops["pool, then conv"] < grid_flops["conv, then pool"]
print(f"parallel / pool-then-conv: {grid_flops['parallel'] / grid_flops['pool, then conv']:.2f} of the FLOPs; "
      f"parallel / conv-then-pool: {grid_flops['parallel'] / grid_flops['conv, then pool']:.2f}")

# %% [markdown]
# The parallel version is the cheapest of the three (asserted; the fractions printed), and its
# convolution reads the full 35x35 grid, as in the
# expensive order. Pool-then-conv throws three quarters of the positions away before any
# convolution sees them: everything must pass through the pooled 17x17x320 map, the
# bottleneck the paper's first principle warns against. Inception v3 uses
# it twice, as `mixed3` (35 -> 17) and `mixed8` (17 -> 8), with more branches:

# %%
show.source(course_layers.grid_reduction)

# %% [markdown]
# ### The whole network, against the source post's comments
# The source post's TF-Slim code gives the shape after every block in a comment (`# 35 x 35 x 256`
# after `Mixed_5b`, and so on: the comments of TF-Slim's `inception_v3.py`, which the source
# post copied). Typed here as data and checked against the Keras model, block by block:

# %%
SOURCE_SHAPES = {  # TF-Slim block name in the source post: (course's layer name, shape in its comment)
    "Conv2d_1a_3x3": ("stem1", (149, 149, 32)), "Conv2d_2a_3x3": ("stem2", (147, 147, 32)),
    "Conv2d_2b_3x3": ("stem3", (147, 147, 64)), "MaxPool_3a_3x3": ("stem_pool1", (73, 73, 64)),
    "Conv2d_3b_1x1": ("stem4", (73, 73, 80)), "Conv2d_4a_3x3": ("stem5", (71, 71, 192)),
    "MaxPool_5a_3x3": ("stem_pool2", (35, 35, 192)), "Mixed_5b": ("mixed0", (35, 35, 256)),
    "Mixed_5c": ("mixed1", (35, 35, 288)), "Mixed_5d": ("mixed2", (35, 35, 288)),
    "Mixed_6a": ("mixed3", (17, 17, 768)), "Mixed_6b": ("mixed4", (17, 17, 768)),
    "Mixed_6c": ("mixed5", (17, 17, 768)), "Mixed_6d": ("mixed6", (17, 17, 768)),
    "Mixed_6e": ("mixed7", (17, 17, 768)), "Mixed_7a": ("mixed8", (8, 8, 1280)),
    "Mixed_7b": ("mixed9", (8, 8, 2048)), "Mixed_7c": ("mixed10", (8, 8, 2048)),
}
inception = models.inception_v3()
for source_name, (layer_name, shape) in SOURCE_SHAPES.items():
    found = tuple(inception.get_layer(layer_name).output.shape[1:])
    assert found == shape, (source_name, layer_name, found, shape)
print(f"all {len(SOURCE_SHAPES)} blocks have the source post's shapes, from 149x149x32 to 8x8x2048")

# %% [markdown]
# And the parameter count against Keras's own implementation, built without weights:

# %%
keras_inception = keras.applications.InceptionV3(weights=None)
table_v3 = counting.layer_table(inception)
print(f"course: {inception.count_params():,}  keras.applications: {keras_inception.count_params():,} parameters; "
      f"{counting.totals(table_v3)['flops'] / 1e9:.2f} GFLOPs per 299x299 image")
print(f"{inception.count_params() / googlenet.count_params():.1f} times GoogLeNet's parameters")
assert inception.count_params() == keras_inception.count_params() == counting.totals(table_v3)["params"]

# %% [markdown]
# The same count in both (asserted), at the printed GFLOPs per image, and the printed
# multiple of GoogLeNet's parameters.
#
# ### Batch normalisation and the auxiliary head
# Every `conv2d_bn` unit normalises each channel over the batch (Ioffe and Szegedy, 2015), with
# a learned shift (`beta`) but no scale (`scale=False`, as in Keras and TF-Slim: the ReLU
# that follows makes a scale redundant when the next layer is linear). Its moving mean and
# variance are statistics, not trained, and Keras counts them as non-trainable parameters.
# Inception v3 keeps one auxiliary classifier, on the 17x17x768 output of `mixed7`. The paper
# (Section 4) argues that it acts as a regulariser, and its Table 3 credits batch
# normalisation in the auxiliary head with 0.4 points of top-1 error (21.6% to 21.2%).

# %%
show.source(inception_v3_module.auxiliary_logits)

# %%
bn_layers = [layer for layer in inception.layers if isinstance(layer, keras.layers.BatchNormalization)]
bn_statistics = sum(2 * layer.moving_mean.shape[0] for layer in bn_layers)
non_trainable = sum(math.prod(v.shape) for v in inception.non_trainable_weights)
with_head = models.inception_v3(auxiliary_classifier=True)
print(f"{len(bn_layers)} batch normalisations; {bn_statistics:,} moving statistics = the {non_trainable:,} "
      f"non-trainable parameters")
print(f"with the auxiliary head: {with_head.count_params():,} parameters, outputs "
      f"{[tuple(output.shape) for output in with_head.outputs]}")
assert bn_statistics == non_trainable

# %% [markdown]
# ### Label smoothing
# Cross-entropy with one-hot targets is minimised only as the true class's logit runs away
# from the others: the network is rewarded for ever more confident outputs. Inception v3
# (Section 7) mixes the one-hot target $y$ with the uniform distribution over $K$ classes:
# $$y^{LS} = (1 - \varepsilon)\, y + \varepsilon / K, \qquad \varepsilon = 0.1,\ K = 1000.$$
# The best prediction is then $p = y^{LS}$ itself, whose logits differ by the finite gap
# $\log\big((1 - \varepsilon + \varepsilon/K) / (\varepsilon/K)\big)$. Keras applies the
# smoothing inside its loss; the cell checks it against the formula:

# %%
epsilon, classes = 0.1, 1000
one_hot = keras.ops.one_hot(np.array([3]), classes)
probabilities = keras.ops.softmax(keras.random.normal((1, classes), seed=0))
smoothed_targets = (1 - epsilon) * one_hot + epsilon / classes
by_keras = float(keras.losses.CategoricalCrossentropy(label_smoothing=epsilon)(one_hot, probabilities))
by_formula = float(-keras.ops.sum(smoothed_targets * keras.ops.log(probabilities)))
print(f"targets: true class {1 - epsilon + epsilon / classes:.4f}, each other class {epsilon / classes:.4f}")
print(f"loss by Keras {by_keras:.5f}, by the formula {by_formula:.5f}")
assert math.isclose(by_keras, by_formula, rel_tol=1e-5)
best_gap = {k: math.log((1 - epsilon + epsilon / k) / (epsilon / k)) for k in (10, 1000)}
print("largest useful logit gap:", {k: round(gap, 2) for k, gap in best_gap.items()})

# %% [markdown]
# For ImageNet the targets are the two printed on the first line, and no logit gap beyond the
# printed bound for 1000 classes lowers the loss (a smaller bound for ten). What does this do to a trained network's
# logits? A softmax classifier on the first Fashion-MNIST images (`train_images_all[:2000]`),
# trained long enough to fit them,
# with and without smoothing; after each stage, the mean gap between the true class's logit and
# the mean of the others, on the training images:

# %%
def logit_gap(model, images, labels):
    """Mean over images of (true-class logit - mean of the other logits)."""
    logits = keras.ops.convert_to_numpy(model(images))
    true = logits[np.arange(len(labels)), labels]
    return float(np.mean(true - (logits.sum(axis=1) - true) / (logits.shape[1] - 1)))


smoothing_images = data.to_float_images(train_images_all[:2000]).reshape(2000, -1)
smoothing_targets = keras.ops.one_hot(train_labels_all[:2000], 10)
gaps = {}
for smoothing in (0.0, 0.1):
    keras.utils.set_random_seed(0)
    classifier = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])  # logits out
    classifier.compile(optimizer=keras.optimizers.Adam(0.01),
                       loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing))
    gaps[smoothing] = []
    for stage in range(4):
        classifier.fit(smoothing_images, smoothing_targets, batch_size=500, epochs=25, verbose=0)
        gaps[smoothing].append(logit_gap(classifier, smoothing_images, train_labels_all[:2000]))
    print(f"label smoothing {smoothing}: logit gap after 25, 50, 75, 100 epochs {np.round(gaps[smoothing], 2)}")

# %%
plain, smoothed = np.array(gaps[0.0]), np.array(gaps[0.1])
print(f"after 100 epochs: {plain[-1]:.1f} without smoothing, {smoothed[-1]:.1f} with (bound {best_gap[10]:.2f})")
assert np.all(np.diff(plain) > 0) and plain[-1] > best_gap[10]  # without: the gap keeps growing
assert smoothed[-1] < best_gap[10] and smoothed[-1] < plain[-1] / 2

# %% [markdown]
# Without smoothing the gap grows at every stage and passes the bound; with it the gap stays
# below the bound for ten classes, $\log(0.91/0.01)$ (both asserted). Smaller logits mean less over-confident
# probabilities, which is the regularisation the paper wanted; its Section 7 reports an
# improvement of about 0.2 points in both top-1 and top-5 error on ImageNet.

# %% [markdown]
# ## 6. Receptive fields on a graph with branches
# Notebook 01 followed one chain of layers: each $k \times k$ layer adds $(k-1)\,j$ pixels to the
# field, where $j$ (the *jump*) is the product of the strides before it. An Inception module
# has four paths from its input to its output. Each path has its own field; a unit of the
# concatenation sees the **union** of them, here the field of the widest path (the 5x5 branch
# in GoogLeNet, the 7x7 pairs in Inception v3). Araujo, Norris and Sim (Distill, 2019) give
# the algorithm: propagate size, jump and position along every path, and at a merge take the
# union, which is exact when the paths' fields are centred on the same pixel (they call such
# a network *aligned*; `support.receptive_field` raises an error where jumps differ). On GoogLeNet:

# %%
googlenet_fields = rf.receptive_fields(googlenet)
for name in ("conv1_7x7", "pool2", "inception_3a", "inception_3b", "inception_4a", "inception_4e", "inception_5b"):
    height, _ = googlenet_fields[name]
    print(f"{name:<13} field {height.size:>4.0f}  jump {height.jump:>3.0f}  map {height.length:>3}x{height.length}")
growth_3a = googlenet_fields["inception_3a"][0].size - googlenet_fields["pool2"][0].size
assert growth_3a == (5 - 1) * googlenet_fields["pool2"][0].jump  # the 5x5 branch sets the module's field
print(f"inception_5b's field is {googlenet_fields['inception_5b'][0].size / googlenet.input.shape[1]:.1f} times "
      f"the {googlenet.input.shape[1]}-pixel image")

# %% [markdown]
# Module 3a adds $(5-1) \times 8 = 32$ pixels, what its 5x5 branch adds at a jump of 8 (asserted):
# the 1x1 and 3x3 branches see less, and the union is the widest. The field of 5b is several
# times the size of the image (the printed factor): every unit of the last 7x7 map can see the
# whole image. The analytic value can be measured: the gradient of one unit of 3a, with respect
# to the input, is non-zero exactly on the pixels it sees (`rf.empirical_receptive_field`,
# notebook 01):

# %%
for name in ("inception_3a", "inception_3b"):
    (top, bottom), (left, right) = rf.empirical_receptive_field(googlenet, name)
    measured = bottom - top + 1
    print(f"{name}: the centre unit's gradient covers {measured}x{right - left + 1} pixels")
    assert measured == googlenet_fields[name][0].size

# %% [markdown]
# For Inception v3, Araujo et al.'s library (`google-research/receptive_field`, whose table of
# TF-Slim networks the Distill article presents) lists the field, effective stride (our jump)
# and effective padding of every block. Its Inception v3 rows, typed as data, against ours
# (our effective padding is how far the first unit's field reaches past the image's edge):

# %%
ARAUJO_V3 = {  # receptive_field library, RECEPTIVE_FIELD_TABLE.md, inception_v3: (RF, stride, padding)
    "Conv2d_1a_3x3": (3, 2, 0), "Conv2d_2a_3x3": (7, 2, 0), "Conv2d_2b_3x3": (11, 2, 2),
    "MaxPool_3a_3x3": (15, 4, 2), "Conv2d_3b_1x1": (15, 4, 2), "Conv2d_4a_3x3": (23, 4, 2),
    "MaxPool_5a_3x3": (31, 8, 2), "Mixed_5b": (63, 8, 18), "Mixed_5c": (95, 8, 34), "Mixed_5d": (127, 8, 50),
    "Mixed_6a": (159, 16, 58), "Mixed_6b": (351, 16, 154), "Mixed_6c": (543, 16, 250),
    "Mixed_6d": (735, 16, 346), "Mixed_6e": (927, 16, 442), "Mixed_7a": (1055, 32, 490),
    "Mixed_7b": (1183, 32, 554), "Mixed_7c": (1311, 32, 618),
}
inception_fields = rf.receptive_fields(inception)
for source_name, (layer_name, _) in SOURCE_SHAPES.items():
    field = inception_fields[layer_name][0]
    ours = (field.size, field.jump, (field.size - 1) / 2 - field.start)
    assert ours == ARAUJO_V3[source_name], (source_name, ours, ARAUJO_V3[source_name])
last_field = inception_fields["mixed10"][0]
print(f"all {len(ARAUJO_V3)} blocks agree; mixed10 (Mixed_7c): field {last_field.size:.0f}, stride {last_field.jump:.0f}, "
      f"{last_field.size / inception.input.shape[1]:.1f} times the {inception.input.shape[1]}-pixel image")

# %% [markdown]
# Every block agrees, in size, stride and padding. A unit of the last 8x8 map has a field
# several times the image (the printed factor). The four 17x17 modules `mixed4` to `mixed7` add most of it:
# the `7x7dbl` branch of each has two kernels 7 pixels tall, which add $2 \times 6 \times 16 =
# 192$ pixels at a jump of 16 (from 159 to 927, Mixed_6a to Mixed_6e in the table of Araujo et
# al., 2019). Two cautions from the same article: most of that field is padding at the borders,
# and the *effective* receptive field, where the gradient is large, is much smaller and
# roughly Gaussian (Luo et al., 2016). The table has no Inception v1 (GoogLeNet) row; our field
# for `inception_5b` rests on the same code, checked empirically above on 3a and 3b.

# %% [markdown]
# ## 7. Errata of the source post
# **(a) Titled GoogLeNet, implements Inception v3.** The source post's code builds `Mixed_5b` to
# `Mixed_7c` on a 299x299 input, with 35x35, 17x17 and 8x8 grids. GoogLeNet has none of those
# grids:

# %%
def grid_sizes(model):
    """The spatial sizes of a model's 4-D outputs."""
    return sorted({layer.output.shape[1] for layer in model.layers if len(layer.output.shape) == 4})


source_grids = sorted({shape[0] for _, shape in SOURCE_SHAPES.values()})
print("the source post's grids:", source_grids)
print("GoogLeNet's grids:      ", grid_sizes(googlenet))
print("Inception v3's grids:   ", grid_sizes(inception))
assert set(source_grids) <= set(grid_sizes(inception)) and not {35, 17, 8} & set(grid_sizes(googlenet))

# %% [markdown]
# The source post's network is Inception v3 (asserted), with the parameter count printed in
# section 5, several times GoogLeNet's.
#
# **(b) Python 2 prints.** The source post's code prints with Python 2's `print` statement
# (`print 'text' % values`, without parentheses), which Python 3 cannot even parse. A line of
# that form:

# %%
source_line = "print '%s: step %d, duration = %.3f' % (now, step, duration)"  # Python 2's print statement
try:
    compile(source_line, "<source post>", "exec")
    python3_parses_it = True
except SyntaxError as error:
    python3_parses_it = False
    print(f"SyntaxError: {error.msg}")
compile("print(f'{now}: step {step}, duration = {duration:.3f}')", "<fixed>", "exec")
assert not python3_parses_it

# %% [markdown]
# The fix is the function `print(...)`; likewise `xrange` became `range`.
#
# **(c) Inconsistent scope names.** TF-Slim names each layer by branch, position and kernel:
# `Conv2d_0b_5x5` is the second layer (`0b`) of a branch, a 5x5 convolution. In `Mixed_5c` the
# source post (like the TF-Slim file it copied, which kept the names so that published checkpoints
# still load) names the 5x5 `Conv_1_0c_5x5`. The names of the 5x5 branch (`Branch_1`) in the
# three 35x35 modules, checked against the convention:

# %%
SOURCE_BRANCH_1 = {"Mixed_5b": ["Conv2d_0a_1x1", "Conv2d_0b_5x5"], "Mixed_5c": ["Conv2d_0b_1x1", "Conv_1_0c_5x5"],
                   "Mixed_5d": ["Conv2d_0a_1x1", "Conv2d_0b_5x5"]}
convention = re.compile(r"Conv2d_0[a-z]_\d+x\d+")
breaking = [f"{block}/Branch_1/{scope}" for block, scopes in SOURCE_BRANCH_1.items()
            for scope in scopes if not convention.fullmatch(scope)]
print("names that break the convention:", breaking)
course_convolutions = [layer.name for layer in inception.layers if isinstance(layer, keras.layers.Conv2D)]
irregular = [name for name in course_convolutions if not re.fullmatch(r"(stem\d|mixed\d+_\w+)_conv", name)]
print(f"the course's {len(course_convolutions)} convolutions: {len(irregular)} irregular names")
assert not irregular

# %% [markdown]
# The source post's `Mixed_5c` also starts its branch at `0b` where its siblings start at `0a`. A
# name typed by hand at each call drifts; the course's `conv2d_bn` derives every name from
# one `name` argument (`mixed1_5x5_2_conv`, ...), so all its convolutions follow one
# pattern (asserted).
#
# **(d) A benchmark that ignores the machine.** The source post timed Inception v3's forward
# pass with the same `time_tensorflow_run` function as the source posts' AlexNet code
# (notebook 06 examines it), which reports a mean and a standard deviation of the step time,
# and nothing about what else the machine was doing. Yet a step's time depends on it. We can show that: time the small GoogLeNet's
# forward pass alone, then while three busy processes per CPU core compete for the
# processors, twice each, alternating (so that a change in the machine's own load affects
# both):

# %%
forward = tf.function(lambda images: small_inference(images, training=False), jit_compile=True)
timing_batch = tf.constant(data.to_float_images(test_images_raw[:256]))


def step_times(steps=10):
    """Wall-clock seconds of `steps` forward passes, each synchronised by copying its result."""
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        forward(timing_batch).numpy()
        times.append(time.perf_counter() - start)
    return times


def crowded_step_times(processes):
    """step_times() while `processes` busy Python loops compete for the CPU."""
    competitors = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        time.sleep(0.5)
        return step_times()
    finally:
        for process in competitors:
            process.kill()
            process.wait()

# %%
# NBVAL_IGNORE_OUTPUT
step_times(3)  # warm-up: the first call compiles
busy = min(3 * os.cpu_count(), 24)
alone, crowded = [], []
for _ in range(2):
    alone += step_times()
    crowded += crowded_step_times(busy)
slowdown = np.median(crowded) / np.median(alone)
print(f"median step alone {1e3 * np.median(alone):.1f} ms, with {busy} busy processes "
      f"{1e3 * np.median(crowded):.1f} ms: {slowdown:.1f} times slower")
if settings.profile == "cpu":
    assert slowdown > 1.3

# %% [markdown]
# The same compiled step, the same batch: only the machine changed, and the step slowed down
# (by the printed factor, asserted above the cell's threshold on a CPU; on a GPU the forward
# pass barely needs the CPU). A benchmark measures the network *and* its machine. So: run it on
# an otherwise idle machine, warm up first, report the median with the spread (not one mean),
# record the load (`results.provenance` stores the load average with every result file), and
# distrust a run whose step times drift.

# %% [markdown]
# ## 8. Timing GoogLeNet and Inception v3
# `python -m support.bench` times the course's models with the harness of notebook 02 and
# stores the results with their provenance in `course/results/`. The files are checked here:
# for both networks, the FLOPs and parameters in every file must be the ones counted above.

# %%
records = results.load_results("bench")
for record in records:
    results.validate_bench_record(record)
    for model in (googlenet, inception):
        if any(row["model"] == model.name for row in record["results"]):
            results.check_flops(record, model)
measured = [record for record in records if any(row["model"] in ("googlenet", "inception_v3")
                                                 for row in record["results"])]
print(f"{len(measured)} results files time GoogLeNet or Inception v3; "
      f"{sum(results.is_gpu(record) for record in measured)} of them on a GPU")

# %%
# NBVAL_IGNORE_OUTPUT
print(results.bench_table(measured, models=["googlenet", "inception_v3"]))
print(f"\n{'device':<18} {'backend':<10} {'model':<13} {'mode':<9} {'precision':<15} {'steps':>5} "
      f"{'median ms':>10} {'min ms':>9} {'max ms':>9}")
for row in results.bench_rows(measured, models=["googlenet", "inception_v3"]):
    assert math.isclose(row["median_ms"], float(np.median(row["times_ms"])))  # the file's median, from its steps
    print(f"{row['device']:<18} {row['backend']:<10} {row['model']:<13} {row['mode']:<9} {row['precision']:<15} "
          f"{len(row['times_ms']):>5} {row['median_ms']:>10.2f} {min(row['times_ms']):>9.2f} {max(row['times_ms']):>9.2f}")

# %% [markdown]
# The course's 2-core CPU files, then the NVIDIA H200's (Keras on JAX, the source post's batch
# of 32, at 224x224 for GoogLeNet and 299x299 for Inception v3). The first table gives each
# timing's median, the standard deviation of its steps, and the rates computed from the median
# (`results.bench_table`, shared by the course's notebooks); the second gives what section 7
# asks a report to show: the median with its spread, from the fastest step to the slowest. On the H200, mixed bfloat16
# shortens Inception v3's training step from a median of 23.12 to 16.59 ms, and GoogLeNet's not
# at all (8.06 and 8.12 ms). The forward passes gain little or lose: Inception v3's median goes
# from 4.38 to 4.25 ms, GoogLeNet's from 2.00 to 2.48 ms. Notebook 06 sets these beside the
# other networks, whose large convolutions gain more.

# %% [markdown]
# ## Summary
# * An Inception module runs 1x1, 3x3, 5x5 and pooling branches side by side and concatenates
#   them; module 3a's channels are the sum of its four branches' (Table 1's 256), and its 1x1
#   reductions more than halve its parameters and FLOPs, most of the saving in the 5x5 branch.
# * GoogLeNet matches Table 1 shape for shape; the table's conv1 and 5a rows are inconsistent,
#   and its parameter column is approximate. Our count, torchvision's (batch normalisation, 3x3
#   for 5x5, no heads: reproduced exactly) and the count with the auxiliary classifiers differ
#   by millions. Global average pooling saves a dense head larger than the whole network.
# * Auxiliary classifiers are extra outputs with loss weight 0.3, dropped at inference; they
#   add gradient to the layers before them.
# * A small GoogLeNet passes the test accuracy asserted in section 4 on Fashion-MNIST within
#   the CPU settings' few epochs.
# * Inception v3: factorised convolutions (an $n \times n$ split into $1 \times n$ and
#   $n \times 1$ keeps $2/n$ of the weights, same field), grid reduction by parallel strided
#   branches, batch normalisation, one auxiliary head, label smoothing (which bounds the logit
#   gap); the same parameter count as Keras's `InceptionV3`.
# * Receptive fields through branches are unions; ours agree with Araujo et al.'s for every
#   block of Inception v3, whose last field is several times its image.
# * The source post: Inception v3 under GoogLeNet's name, Python 2, hand-typed scope names, and
#   a benchmark blind to the machine it ran on, whose load slowed the same step here (measured).

# %% [markdown]
# ## Exercises
# Each exercise is a cell with `answer = None`: put your answer in place of `None` and run the
# cell. It says whether you are right, not what the answer is.
#
# 1. Build module 4e as the paper's *naive* module (Figure 2a, section 1): the same 1x1, 3x3
#    and 5x5 output widths as in Table 1 (256, 320 and 128), no 1x1 reductions and no
#    projection after the pooling. How many channels would it output, on the input 4e reads?
#
#    *Hint:* the pooling branch passes all of its input's channels through; 4e reads the
#    output of 4d, whose size is in Table 1. The reductions are not outputs.

# %%
answer = None  # your answer: the channels of a naive inception_4e's output
naive_input = keras.Input(googlenet.get_layer("inception_4d").output.shape[1:])
f1, _, f3, _, f5, _ = googlenet_table["inception_4e"]
naive_branches = [keras.layers.Conv2D(filters, kernel, padding="same")(naive_input) for filters, kernel in ((f1, 1), (f3, 3), (f5, 5))]
naive_branches.append(keras.layers.MaxPooling2D(3, strides=1, padding="same")(naive_input))
exercises.check(answer, keras.layers.Concatenate()(naive_branches).shape[-1])

# %% [markdown]
# 2. How many weights (without biases) does the 1x1 reduction save in 4e's 5x5 branch?
#    Compare a 5x5 convolution from 528 to 128 channels with a 1x1 from 528 to 32 followed by
#    a 5x5 from 32 to 128 (4e's input and widths in the paper's Table 1).
#
#    *Hint:* a $k \times k$ convolution from $c_{in}$ to $c_{out}$ channels has
#    $k^2 c_{in} c_{out}$ weights.

# %%
answer = None  # your answer: weights saved
reduced_branch = keras.Sequential([keras.Input((14, 14, 528)), keras.layers.Conv2D(32, 1, use_bias=False),
                                   keras.layers.Conv2D(128, 5, padding="same", use_bias=False)])
direct_branch = keras.Sequential([keras.Input((14, 14, 528)), keras.layers.Conv2D(128, 5, padding="same", use_bias=False)])
exercises.check(answer, direct_branch.count_params() - reduced_branch.count_params())

# %% [markdown]
# 3. What is the receptive field, in pixels, of the `7x7` branch of `mixed4`, the first 17x17
#    module of Inception v3 (not the `7x7dbl` branch, nor the whole module)? The branch is a
#    1x1, then a 1x7, then a 7x1 convolution, all with stride 1 (see `inception_b` above), and
#    its input, the output of `mixed3` (`Mixed_6a`), has the field and stride (our jump) given
#    in Araujo et al.'s table (section 6).
#
#    *Hint:* a $k \times 1$ kernel adds $(k - 1)\,j$ to the field's height and nothing to its
#    width, a $1 \times k$ the reverse; after both, the field is square again. You can check
#    your working with `rf.receptive_fields`: the branch ends at the layer `mixed4_7x7_3`.

# %%
answer = None  # your answer: the side of the field, in pixels
exercises.check(answer, rf.receptive_fields(inception)["mixed4_7x7_3"][0].size)

# %% [markdown]
# 4. With label smoothing $\varepsilon = 0.2$ and $K = 10$ classes (Fashion-MNIST's), what is
#    the target probability of the *true* class?
#
#    *Hint:* $\varepsilon$ is shared equally among all $K$ classes, the true one included.

# %%
answer = None  # your answer: a probability
exercise_epsilon, exercise_classes = 0.2, 10
zero_logits = tf.zeros((1, exercise_classes))
with tf.GradientTape() as tape:  # at zero logits the loss's gradient is softmax(0) - target = 1/K - target
    tape.watch(zero_logits)
    exercise_loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=exercise_epsilon)(
        keras.ops.one_hot(np.array([0]), exercise_classes), zero_logits)
gradient_at_zero = keras.ops.convert_to_numpy(tape.gradient(exercise_loss, zero_logits))
exercises.check(answer, 1 / exercise_classes - float(gradient_at_zero[0, 0]))

# %% [markdown]
# ## References
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*, 1–9.
#   arXiv:1409.4842. (Table 1; Sections 4–5.)
# * Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., Wojna, Z. (2016). Rethinking the
#   Inception architecture for computer vision. *CVPR 2016*, 2818–2826. arXiv:1512.00567.
#   (Sections 2–7, Table 3.)
# * Ioffe, S., Szegedy, C. (2015). Batch normalization: accelerating deep network training by
#   reducing internal covariate shift. *ICML 2015*, 448–456.
# * Lin, M., Chen, Q., Yan, S. (2014). Network in network. *ICLR 2014*. arXiv:1312.4400.
# * Araujo, A., Norris, W., Sim, J. (2019). Computing receptive fields of convolutional neural
#   networks. *Distill*, 4(11), e21. doi:10.23915/distill.00021. Table of TF-Slim networks:
#   github.com/google-research/receptive_field, `RECEPTIVE_FIELD_TABLE.md`.
# * Luo, W., Li, Y., Urtasun, R., Zemel, R. (2016). Understanding the effective receptive field
#   in deep convolutional neural networks. *NeurIPS 2016*.
# * Xiao, H., Rasul, K., Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for
#   benchmarking machine learning algorithms. arXiv:1708.07747.
# * torchvision: `torchvision.models.googlenet` and its documentation (`GoogLeNet_Weights.IMAGENET1K_V1`,
#   num_params 6,624,904), pytorch.org/vision.
# * Keras: `keras.applications.InceptionV3`; TF-Slim: `tensorflow/models`,
#   `research/slim/nets/inception_v3.py` (the code the source post copied).

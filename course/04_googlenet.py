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
# # 04 · GoogLeNet: the Inception module, 1x1 reductions, Table 1, auxiliary heads
#
# GoogLeNet (Szegedy et al., CVPR 2015) won ILSVRC 2014 with a network 22 layers deep and, by
# the paper's account, 12 times fewer parameters than AlexNet (Krizhevsky et al., 2012). Its
# building block, the **Inception module**, runs convolutions of several sizes side by side and
# concatenates them; 1x1 convolutions keep it affordable. This is part 1 of the lesson; part 2,
# [notebook 04b](04b_inception_v3.ipynb), covers Inception v3, which this lesson's source post
# (one of the blog posts the course grew from, notebook 01) implements under GoogLeNet's name.
#
# **Learning goals.** After this notebook you can
# * work out the channels, parameters and FLOPs of an Inception module, and what its 1x1
#   reductions save;
# * check GoogLeNet against the paper's Table 1, test a hypothesis about a row that does not
#   fit, and explain why published parameter counts of the same network differ by millions;
# * build a model with auxiliary classifiers that train with weight 0.3 and vanish at
#   inference, and measure the direction and size of the gradient they send to early layers.
#
# **Prerequisites.** Notebooks 01 (output sizes, parameter counts, FLOPs) and 02 (AlexNet);
# VGG's argument for stacked 3x3 convolutions (notebook 03) helps.
#
# **Run time.** 76 to 120 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`), most of it training a small GoogLeNet for the CPU
# settings' single epoch. The GPU settings train for more epochs; they have not been run, and the
# settings cell prints an estimate of them on a Colab T4, marked as one.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order. Without internet,
# point `CNN_COURSE_DATA` at a folder holding `fashion-mnist/`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it). `quiet.setup()` then imports TensorFlow with its start-up
# chatter silenced; `show.source` displays the code of a builder as it stands in `support`.
# The GPU settings train longer and measure more initialisations.

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

# %% slideshow={"slide_type": "skip"}
from support import quiet

quiet.setup()

import math, time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from support import counting, data, exercises, hardware, layers as course_layers, models, show, sizing
from support.googlenet import auxiliary_classifier

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"epochs": 1, "batch_size": 64, "learning_rate": 3e-3, "gradient_seeds": 3},
    gpu={"epochs": 10, "batch_size": 64, "learning_rate": 3e-3, "gradient_seeds": 5},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("04", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
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
# stacked. The course's builder, used for every module of GoogLeNet below:

# %% slideshow={"slide_type": "-"}
show.source(course_layers.inception_module)

# %% [markdown] slideshow={"slide_type": "notes"}
# Module 3a is the first of GoogLeNet's nine. It reads the 28x28x192 maps of the stem, and its
# widths come from the paper's Table 1: 64 (1x1), 96 then 128 (3x3), 16 then 32 (5x5), 32
# (pool projection). Built alone on such an input, and drawn from the model object itself
# (each box a layer of the model, its output shape beside its name, one column per branch):

# %% slideshow={"slide_type": "subslide"}
stem_output = keras.Input((28, 28, 192), name="stem_output")
module_3a = keras.Model(stem_output, course_layers.inception_module(stem_output, 64, 96, 128, 16, 32, 32,
                                                                     name="inception_3a"))
branch_ends = ["inception_3a_1x1", "inception_3a_3x3", "inception_3a_5x5", "inception_3a_pool_proj"]
branch_channels = [module_3a.get_layer(name).output.shape[-1] for name in branch_ends]
print(f"concatenated: {' + '.join(map(str, branch_channels))} = {module_3a.output.shape[-1]} channels")
assert module_3a.output.shape[1:] == (28, 28, sum(branch_channels)) == (28, 28, 256)  # Table 1: 28x28x256

# %% slideshow={"slide_type": "-"}
def branch_of(layer, model):
    """The chain of layers from `layer` back to the model's input (one branch of a module)."""
    chain = [layer]
    while chain[-1].input is not model.input:
        chain.append(chain[-1].input._keras_history.operation)
    return chain[::-1]

figure, axis = plt.subplots(figsize=(10, 2.8))
for column, end in enumerate(branch_ends):
    for row, layer in enumerate(branch_of(module_3a.get_layer(end), module_3a)):
        axis.text(column, -row, f"{layer.name.removeprefix('inception_3a_')}\n{type(layer).__name__} "
                  f"{tuple(layer.output.shape[1:])}", ha="center", va="center", bbox={"facecolor": "white"})
for y, text in ((1, "input (28, 28, 192)"), (-2.1, f"Concatenate {tuple(module_3a.output.shape[1:])}")):
    axis.text(1.5, y, text, ha="center", bbox={"facecolor": "lightgrey"})
axis.set(xlim=(-0.6, 3.6), ylim=(-2.5, 1.5), title="Module 3a, drawn from module_3a.layers"); axis.axis("off")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The four branches add up to the 28x28x256 output that Table 1 gives for 3a (asserted). The
# module is *wide*: four branches side by side, the 3x3 the widest.
#
# ### What the 1x1 reductions save
# Without its 1x1 reductions, the 3x3 and 5x5 convolutions of 3a would read all 192 input
# channels. The same module with the same output widths, but no reductions. Then
# `support.counting` counts each layer's parameters and operations from its shapes (notebook
# 01). An operation here is a multiply-accumulate (**MAC**), one multiplication and one
# addition; the course's FLOPs count each MAC as 2 floating-point operations, so
# FLOPs = 2 × MACs throughout.

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "-"}
cost = {}
for label, model in (("with 1x1 reductions", module_3a), ("without", unreduced_3a)):
    total = counting.totals(counting.layer_table(model))
    assert total["params"] == model.count_params()  # the analytic count agrees with Keras
    cost[label] = total
    print(f"3a {label:<20}: {total['params']:>9,} parameters  {total['macs'] / 1e6:6.1f} M MACs "
          f"= {total['flops'] / 1e6:6.1f} MFLOPs per image")
saving = cost["without"]["params"] / cost["with 1x1 reductions"]["params"]
flop_saving = cost["without"]["flops"] / cost["with 1x1 reductions"]["flops"]
print(f"the reductions divide the parameters by {saving:.2f} and the FLOPs by {flop_saving:.2f}")

# %% slideshow={"slide_type": "subslide"}
def kernel_weights_of(model, prefix):
    """Kernel weights (no biases) of the convolutions whose names start with `prefix`."""
    return sum(math.prod(layer.kernel.shape) for layer in model.layers
               if isinstance(layer, keras.layers.Conv2D) and layer.name.startswith(prefix))


with_weights = kernel_weights_of(module_3a, "inception_3a")
assert abs(with_weights / 1024 - 159) < 1  # Table 1, inception_3a: 159 K weights, K = 1024, no biases
total_weight_saving = kernel_weights_of(unreduced_3a, "unreduced_3a") - with_weights
for branch, c_reduce, c_out, k in (("3x3", 96, 128, 3), ("5x5", 16, 32, 5)):
    branch_with = kernel_weights_of(module_3a, f"inception_3a_{branch}")  # the reduce and the branch's conv
    branch_without = kernel_weights_of(unreduced_3a, f"unreduced_3a_{branch}")
    assert (branch_with, branch_without) == (192 * c_reduce + k * k * c_reduce * c_out, k * k * 192 * c_out)
    print(f"{branch} branch: {branch_without:>7,} -> {branch_with:>7,} weights, saves {branch_without - branch_with:>7,} "
          f"= {(branch_without - branch_with) / total_weight_saving:.0%} of the module's saving")

# %% [markdown] slideshow={"slide_type": "slide"}
# The reductions divide the parameters by 2.40 and the FLOPs by 2.41: nearly the same factor,
# because every layer of the module works at the same 28x28 resolution and the FLOPs leave out
# the biases. With reductions, module 3a has the 159 K weights of Table 1 (asserted). The whole
# saving comes from the 3x3 and 5x5 branches (their Keras weights asserted against the formula
# $k^2 c_{in} c_{out}$), 60% of it from the 5x5 branch: its reduction squeezes the 192 input
# channels to 16 before a kernel that costs 25 weights per input channel, while the 3x3
# branch's reduction only halves them, to 96.
# The 1x1 reductions are Lin et al.'s "network in network" idea (2014): a 1x1 convolution is a
# small dense layer applied at every pixel, followed by a ReLU, so it also adds depth.
#
# The paper's *naive* module (Figure 2a) has no 1x1 projection after its pooling either, so
# the pooling branch would pass all its input channels through, and the width would grow from
# module to module (exercise 1). The projection keeps the width under control.
#
# ## 2. GoogLeNet against the paper's Table 1
# Table 1 of Szegedy et al. (2015) describes the whole network, one row per layer or module:
# output size, the widths of each branch, and the parameters and operations ("ops", MACs) of
# the row. Typed here as data, from the paper:

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The course's builder reads the modules' widths from its own table, `GOOGLENET_TABLE`, and
# stacks them between the stem and the classifier. Its every output shape is compared with
# Table 1's (the table's 1x1x1024 for the classifier's input is a vector of 1024 in Keras).
# Then the parameters and operations of each row: the paper counts weights without biases; we
# count the kernels of each row's convolutions, and its MACs.

# %% slideshow={"slide_type": "subslide"}
show.source(models.googlenet)

# %% slideshow={"slide_type": "-"}
googlenet = models.googlenet()
googlenet_table = dict(entry for entry in models.GOOGLENET_TABLE if entry != "M")
for row, size, widths, _, _ in TABLE_1:
    shape = tuple(googlenet.get_layer(row).output.shape[1:])
    if widths is not None:
        assert googlenet_table[row] == widths, row  # the builder's table is the paper's
    assert math.prod(shape) == math.prod(size) and shape[-1] == size[-1], (row, shape, size)
print(f"{len(TABLE_1)} rows: every output size and every module's widths equal Table 1")

# %% slideshow={"slide_type": "subslide"}
stats = {entry["name"]: entry for entry in counting.layer_table(googlenet)}
comparison = {}
for row, _, _, paper_k, paper_m in TABLE_1:
    if paper_k is None:
        continue
    prefix = "conv2_" if row == "conv2_3x3" else row  # conv2's row includes its 1x1 reduce
    row_layers = [layer for layer in googlenet.layers if layer.name.startswith(prefix) and layer.weights]
    weights = sum(math.prod(layer.kernel.shape) for layer in row_layers)
    macs = sum(stats[layer.name]["macs"] for layer in row_layers)
    comparison[row] = (weights, paper_k, macs, paper_m)
    print(f"{row:<13} weights {weights:>9,} = {weights / 1024:7.1f} K (paper {paper_k:>6} K, "
          f"{weights / 1024 / paper_k - 1:+5.0%})   MACs {macs / 1e6:6.1f} M (paper {paper_m:>4} M)")

# %% [markdown] slideshow={"slide_type": "-"}
# The paper's "K" is 1024: divided by 1024, 3a's weights
# give the paper's 159 K. The ops agree with our MACs to the paper's rounding on most rows,
# but not all: 4a's 73.6 M would round to 74, not the table's 73, and two rows are far off:

# %% slideshow={"slide_type": "-"}
ops_off = {row: macs / 1e6 - paper_m for row, (_, _, macs, paper_m) in comparison.items()}
print("rows whose ops differ from ours by more than 0.5 M:",
      {row: f"{off:+.1f} M" for row, off in ops_off.items() if abs(off) > 0.5})
for row in ("inception_4c", "inception_5a"):  # the two rows whose params are furthest from ours
    weights, paper_k, macs, paper_m = comparison[row]
    pixels = math.prod(googlenet.get_layer(row).output.shape[1:3])
    print(f"{row}: its {paper_m} M ops / {pixels} output pixels imply {paper_m * 1e6 / pixels / 1024:.1f} K "
          f"weights; we count {weights / 1024:.1f} K; its params column says {paper_k} K")

# %% [markdown] slideshow={"slide_type": "notes"}
# For 4c the table's ops imply, with the same K = 1024, the weights we count (498.2 K against
# 497.5 K), and its parameter column (463 K) is the one that is off. For 5a the two columns
# agree with each other (1076.2 K implied, 1072 K stated) but not with the widths the table
# itself gives for 5a, from which we count 1018.0 K: so neither column can be trusted on its
# own. conv1 is off in both columns by about the same factor (9.2 K against 2.7 K, 118.0 M
# against 34 M), which suggests a different layer rather than a slip. A hypothesis: Table 1's conv1 is a depthwise-separable
# 7x7 convolution, as in TF-Slim's `inception_v2.py` stem (TF-Slim is the library of layers
# and reference networks that Google's TensorFlow models were written in): a 7x7 depthwise
# convolution with depth multiplier $\min(\lfloor 64/3 \rfloor, 8) = 8$, then a 1x1 to 64
# channels. Built in Keras and counted:

# %% slideshow={"slide_type": "subslide"}
separable = keras.layers.SeparableConv2D(64, 7, strides=2, padding="same", depth_multiplier=8, use_bias=False)
separable_output = separable(keras.Input((224, 224, 3)))
separable_weights = math.prod(separable.depthwise_kernel.shape) + math.prod(separable.pointwise_kernel.shape)
separable_macs = math.prod(separable_output.shape[1:3]) * separable_weights  # each weight once per output pixel
plain_weights, _, plain_macs, _ = comparison["conv1_7x7"]
print(f"separable 7x7 conv1: {separable.depthwise_kernel.shape} + {separable.pointwise_kernel.shape} = "
      f"{separable_weights:,} weights ({separable_weights / 1024:.2f} K of 1024, {separable_weights / 1000:.2f} K "
      f"of 1000), {separable_macs / 1e6:.1f} M MACs; output {tuple(separable_output.shape[1:])}")
print(f"plain 7x7 conv1:     {plain_weights:,} weights, {plain_macs / 1e6:.1f} M MACs; Table 1: 2.7 K and 34 M")
assert round(separable_macs / 1e6) == 34 and round(separable_weights / 1000, 1) == 2.7

# %% [markdown] slideshow={"slide_type": "subslide"}
# The hypothesis fits: the separable convolution has 2,712 weights and 34.0 M MACs, the
# table's 34 M exactly and its 2.7 K if that K is 1000 (2.65 with K = 1024), where the plain
# 7x7 has 9,408 weights and 118.0 M MACs. So Table 1's conv1 row most likely describes a
# separable stem, while the text and every implementation use a plain 7x7 convolution, as
# the course's builder does.
#
# ### The total: how many millions?
# The paper does not print a total; it says GoogLeNet "uses 12x fewer parameters than the
# winning architecture of Krizhevsky et al." (Section 1), and the source post repeats it as
# 5 million against 60 million. torchvision's GoogLeNet has 6,624,904 parameters
# (`GoogLeNet_Weights.IMAGENET1K_V1`, torchvision documentation). Ours, and the factor against
# the course's AlexNet (notebook 02):

# %% slideshow={"slide_type": "-"}
paper_sum = sum(paper_k for _, _, _, paper_k, _ in TABLE_1 if paper_k) * 1024
googlenet_params = googlenet.count_params()
kernel_weights = sum(math.prod(layer.kernel.shape) for layer in googlenet.layers if hasattr(layer, "kernel"))
with_auxiliary = models.googlenet(auxiliary_classifiers=True).count_params()
alexnet_params = models.alexnet().count_params()
print(f"Table 1's rows add up to {paper_sum:,.0f} weights (K = 1024)")
print(f"the course's GoogLeNet: {googlenet_params:,} parameters = {kernel_weights:,} weights + "
      f"{googlenet_params - kernel_weights:,} biases; with its two auxiliary classifiers: {with_auxiliary:,}")
print(f"AlexNet: {alexnet_params:,} parameters = {alexnet_params / googlenet_params:.1f} times GoogLeNet's, "
      f"{alexnet_params / paper_sum:.1f} times Table 1's sum, {alexnet_params / with_auxiliary:.1f} times "
      f"GoogLeNet with its heads")
assert googlenet_params == counting.totals(counting.layer_table(googlenet))["params"]
filters = sum(layer.filters for layer in googlenet.layers if isinstance(layer, keras.layers.Conv2D))
assert googlenet_params - kernel_weights == filters + 1000  # one bias per filter and per class

# %% [markdown] slideshow={"slide_type": "notes"}
# The factor is 8.9 (9.0 against Table 1's sum), not 12: "5 million" is not what the table
# adds up to (6,960,845 weights), and even with the conv1 row as printed it stays above 6.9
# million. The auxiliary classifiers (section 3) almost double the count during training.
# torchvision's figure differs from ours for three reasons, from its source
# (`torchvision/models/googlenet.py`): its convolutions have no bias but a batch normalisation
# with a learned scale and shift (2 parameters per channel); the "5x5" branch of every module
# is a 3x3 (a known slip kept so that the ported weights still load); and the auxiliary
# classifiers are dropped when the pretrained weights are loaded. The count with those three
# changes, from our table:

# %% slideshow={"slide_type": "-"}
def torchvision_style_params(table=models.GOOGLENET_TABLE, num_classes=1000):
    """GoogLeNet's parameters as torchvision builds it: conv without bias + BN, "5x5" as 3x3, no heads."""
    def conv(kernel, c_in, c_out):
        return counting.conv2d_params(c_in, c_out, kernel, use_bias=False) + 2 * c_out

    total, channels = conv(7, 3, 64) + conv(1, 64, 64) + conv(3, 64, 192), 192
    for f1, f3r, f3, f5r, f5, fp in (entry[1] for entry in table if entry != "M"):
        total += conv(1, channels, f1) + conv(1, channels, f3r) + conv(3, f3r, f3)
        total += conv(1, channels, f5r) + conv(3, f5r, f5) + conv(1, channels, fp)  # "5x5" is 3x3
        channels = f1 + f3 + f5 + fp
    return total + (channels + 1) * num_classes


print(f"torchvision-style count: {torchvision_style_params():,}")
assert torchvision_style_params() == 6_624_904  # torchvision's documented num_params

# %% [markdown] slideshow={"slide_type": "subslide"}
# Exactly torchvision's documented count (asserted): every difference is accounted for. A
# parameter count is a property of an implementation, not of "GoogLeNet"; always say which one.
#
# ### Global average pooling instead of a dense head
# AlexNet and VGG flatten their last maps into dense layers holding most of their parameters
# (notebook 02). GoogLeNet averages each of its 1024 final 7x7 maps to one number (**global
# average pooling**, from Lin et al.'s network in network) and has one dense layer. The paper
# (Section 5) reports that this improved top-1 accuracy by about 0.6% over a dense head. The
# same 1000-way classifier on the 1024 final 7x7 maps, flattened, instead:

# %% slideshow={"slide_type": "-"}
gap_head = googlenet.get_layer("predictions").count_params()
flatten_head = keras.layers.Dense(1000)
flatten_head.build((None, 7 * 7 * 1024))
print(f"GAP + dense: {gap_head:,} parameters; flatten + dense: {flatten_head.count_params():,} "
      f"({flatten_head.count_params() / googlenet_params:.1f} times the whole of GoogLeNet)")
assert flatten_head.count_params() - 1000 == 7 * 7 * (gap_head - 1000)  # 49 positions, one weight each

# %% [markdown] slideshow={"slide_type": "slide"}
# A flattened head would hold 7.2 times the parameters of the whole network; global average
# pooling spends one weight per channel and class (plus the biases), and makes the classifier
# indifferent to where in the image a feature appeared.
#
# ## 3. Auxiliary classifiers
# A 22-layer network of 2014, trained without batch normalisation (Ioffe and Szegedy
# introduced it in 2015, with BN-Inception), risked a weak gradient in its early layers.
# GoogLeNet attaches two small classifiers to the outputs of modules 4a and 4d (Section 5): a
# 5x5 average pooling with stride 3, a 1x1 convolution with 128 filters, a dense layer of 1024
# units, 70% dropout and a softmax. Their losses are added to the main loss with weight 0.3
# during training, and they are thrown away at inference. In Keras this is one model with three
# outputs, compiled with `loss_weights=[1, 0.3, 0.3]`; the inference model is a second
# `keras.Model` over the same layers that stops at the main output.

# %% slideshow={"slide_type": "-"}
show.source(auxiliary_classifier)

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# The heads hold 6,379,728 parameters, almost as many as the network they train, 66% of them
# in their dense layers: each has $4 \times 4 \times 128 = 2048$ inputs times 1024 units
# (asserted). None of it is used at inference.
#
# ### What do they do to the gradient reaching the early layers?
# To measure it we need a network small enough to train here: a GoogLeNet in miniature for
# 28x28 Fashion-MNIST images. A 3x3 stem and a pooling bring 28x28 to 14x14; modules 3a and 3b
# work at 14x14, 4a and 4b at 7x7, each the paper's module with its widths cut to a fraction;
# global average pooling and dropout 0.4 then the classifier, as in the paper. One change from
# 2014, so that the CPU settings' few epochs suffice: every convolution is followed by batch
# normalisation. The course's unit for it, `conv2d_bn`: a convolution without bias (the
# normalisation's shift replaces it), batch normalisation, ReLU. The modules have the four
# branches of `inception_module` above, built from that unit; the two auxiliary heads sit on 3b
# and 4a, the paper's head scaled down (32 filters, 128 units).

# %% slideshow={"slide_type": "-"}
show.source(course_layers.conv2d_bn)

# %% slideshow={"slide_type": "-"}
def small_inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name):
    """The four branches of course_layers.inception_module, each convolution a conv2d_bn unit."""
    def unit(tensor, filters, kernel, suffix):
        return course_layers.conv2d_bn(tensor, filters, kernel, kernel, name=f"{name}_{suffix}")
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    return keras.layers.Concatenate(name=name)([
        unit(x, f1, 1, "1x1"), unit(unit(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3"),
        unit(unit(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5"), unit(pooled, pool_proj, 1, "pool_proj")])

def small_auxiliary_classifier(x, num_classes, name, pool_size):
    """The paper's side head, scaled down: average pool, 1x1 conv 32, dense 128, dropout 0.7, softmax."""
    x = keras.layers.AveragePooling2D(pool_size, strides=pool_size, name=f"{name}_pool")(x)
    x = keras.layers.Flatten(name=f"{name}_flatten")(keras.layers.Conv2D(32, 1, activation="relu", name=f"{name}_conv")(x))
    x = keras.layers.Dropout(0.7, name=f"{name}_dropout")(keras.layers.Dense(128, activation="relu", name=f"{name}_fc")(x))
    return keras.layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(x)

# %% slideshow={"slide_type": "subslide"}
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
    x = keras.layers.Dropout(0.4, name="dropout")(keras.layers.GlobalAveragePooling2D(name="avg_pool")(x))
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, [outputs, aux1, aux2], name="small_googlenet")

# %% slideshow={"slide_type": "-"}
small = small_googlenet()
small_inference = keras.Model(small.inputs, small.outputs[0])
small_flops = counting.totals(counting.layer_table(small_inference))["flops"]
print(f"small GoogLeNet: {small.count_params():,} parameters in training, {small_inference.count_params():,} "
      f"at inference, {small_flops / 1e6:.1f} MFLOPs per image")
assert small.count_params() == sizing.small_googlenet().count_params()  # the model that the GPU estimate sizes
small_modules = [layer.name for layer in small.layers if isinstance(layer, keras.layers.Concatenate)]
branch_suffixes = ["1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj"]  # the order of Table 1's widths
width_fractions = [small.get_layer(f"{module}_{suffix}_conv").filters / paper_width
                   for module in small_modules for suffix, paper_width in zip(branch_suffixes, googlenet_table[module])]
print(f"{len(small_modules)} Inception modules {small_modules}: each convolution has {min(width_fractions):.2f} "
      f"to {max(width_fractions):.2f} of the paper's width")

# %% [markdown] slideshow={"slide_type": "notes"}
# The measurement, on one batch of 256 training images: for each convolution of the main path,
# the gradient of its kernel from the main loss, $g_{main}$, and from the heads' weighted
# losses $0.3\,(L_{aux1} + L_{aux2})$, $g_{heads}$. Training follows their sum. Two numbers
# per layer say what the heads do to it: the ratio of norms $\|g_{heads}\| / \|g_{main}\|$
# (how strong the heads' push is) and the **cosine** $g_{main} \cdot g_{heads} /
# (\|g_{main}\|\,\|g_{heads}\|)$ (its direction: near 1 the two push the same way and add,
# near 0 the heads push in a new direction, below 0 they partly cancel the main loss's push).
# A ratio of norms alone cannot tell these apart. Dropout is off and batch normalisation uses
# its stored statistics (`training=False`), so that the two gradients differ only by the
# losses. The cell checks each cosine against the gradient of the sum, computed separately:
# $\|g_{main} + g_{heads}\|^2 = \|g_{main}\|^2 + \|g_{heads}\|^2 + 2\,g_{main} \cdot g_{heads}$.
# The plot shows both numbers for every convolution of the main path, grouped by module (the
# dashed lines are module boundaries; inside a module the branches run side by side, so the
# points are not joined).

# %% slideshow={"slide_type": "subslide"}
(train_images_all, train_labels_all), (test_images_raw, test_labels) = data.load_fashion_mnist()
probe_images, probe_labels = data.to_float_images(train_images_all[:256]), train_labels_all[:256]

def main_and_head_gradients(model, weight=0.3):
    """Main-path convolutions' names; kernel gradients of L_main, weight * (L_aux1 + L_aux2), their sum."""
    convolutions = [layer for layer in model.layers
                    if isinstance(layer, keras.layers.Conv2D) and not layer.name.startswith("aux")]
    with tf.GradientTape(persistent=True) as tape:
        losses = [tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(probe_labels, p))
                  for p in model(probe_images, training=False)]
        main, heads, total = losses[0], weight * (losses[1] + losses[2]), losses[0] + weight * (losses[1] + losses[2])
    kernels = [layer.kernel for layer in convolutions]
    gradients = [[tf.zeros(kernel.shape) if g is None else g for g, kernel in zip(tape.gradient(loss, kernels), kernels)]
                 for loss in (main, heads, total)]  # None: the loss does not reach that kernel
    return [layer.name.removesuffix("_conv") for layer in convolutions], gradients

# %% slideshow={"slide_type": "-"}
def cosines_and_ratios(model):
    """Per main-path convolution: cosine(g_main, g_heads) (nan where g_heads = 0) and ||g_heads|| / ||g_main||."""
    names, (main, heads, total) = main_and_head_gradients(model)
    cosines, ratios = [], []
    for g_main, g_heads, g_total in zip(main, heads, total):
        dot, n_main, n_heads = (float(tf.reduce_sum(a * b)) for a, b in
                                ((g_main, g_heads), (g_main, g_main), (g_heads, g_heads)))
        assert math.isclose(float(tf.reduce_sum(g_total * g_total)), n_main + n_heads + 2 * dot, rel_tol=1e-3)
        cosines.append(dot / math.sqrt(n_main * n_heads) if n_heads > 0 else np.nan)
        ratios.append(math.sqrt(n_heads / n_main))
    return names, np.array(cosines), np.array(ratios)

# %% slideshow={"slide_type": "-"}
runs = []
for seed in range(settings.gradient_seeds):
    keras.utils.set_random_seed(seed)
    layer_names, *values = cosines_and_ratios(small_googlenet())
    runs.append(values)
cosines_at_init, ratios_at_init = np.array(runs).transpose(1, 0, 2)  # each: initialisations x layers
after_4a = [i for i, name in enumerate(layer_names) if name.startswith("inception_4b")]
before = [i for i in range(len(layer_names)) if i not in after_4a]
assert np.all(ratios_at_init[:, after_4a] == 0)  # no head sits after 4a: their losses do not reach 4b
print(f"conv1, one value per initialisation: cosine {np.round(cosines_at_init[:, 0], 2)}, "
      f"norm ratio {np.round(ratios_at_init[:, 0], 2)}")
print(f"all {len(before)} convolutions before the heads, all initialisations: cosine from "
      f"{cosines_at_init[:, before].min():.2f} to {cosines_at_init[:, before].max():.2f} (median "
      f"{np.median(cosines_at_init[:, before]):.2f}), norm ratio median {np.median(ratios_at_init[:, before]):.2f}")

# %% slideshow={"slide_type": "subslide"}
modules = [name if name == "conv1" else "_".join(name.split("_")[:2]) for name in layer_names]
starts = [i for i in range(len(modules)) if i == 0 or modules[i] != modules[i - 1]]
figure, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for axis, values, label in ((axes[0], cosines_at_init, "cosine(g_main, g_heads)"),
                            (axes[1], ratios_at_init, "||g_heads|| / ||g_main||")):
    for seed, row in enumerate(values):
        axis.plot(range(len(row)), row, "o", alpha=0.6, label=f"initialisation {seed}")
    for start in starts[1:]:
        axis.axvline(start - 0.5, color="gray", linewidth=0.8, linestyle="--")  # a module boundary
    axis.set_xticks([(a + b - 1) / 2 for a, b in zip(starts, starts[1:] + [len(modules)])],
                    [modules[start].replace("inception_", "") for start in starts])
    axis.set(xlabel="main-path convolutions, by module", ylabel=label)
axes[0].axhline(0, color="black", linewidth=0.8)
axes[0].legend(fontsize=8)
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# At initialisation the heads' gradient is about as large as the main loss's (median norm
# ratio 0.98 over the 19 convolutions before the heads), but it points in a nearly unrelated
# direction: the cosines scatter around 0 (median -0.01, from -0.94 to 0.71). For conv1 they
# are 0.03, 0.24 and 0.07 over the three initialisations. So the heads do not simply add to
# the main loss's gradient: they mostly push the early layers in directions the main loss does
# not ask for, and in some layers partly against it (the negative cosines). Module 4b, after both
# branch points, gets nothing from the heads (asserted). Whether they *help* is a separate
# question: the Inception v3 paper (Szegedy et al., 2016, Section 4) found that they "did not
# result in improved convergence early in the training" (exercise 3 tests it here).
#
# ## 4. Train the small GoogLeNet on Fashion-MNIST
# Fashion-MNIST (Xiao et al., 2017): 60,000 training and 10,000 test images of clothes, 28x28
# grey levels, ten classes. We hold out 5,000 training images for validation, and give each of
# the three outputs the same labels. The three losses are weighted 1, 0.3 and 0.3. Adam, with
# the learning rate decayed along a cosine to zero over the run. Keras reports each metric as a
# running mean over the epoch; `BlockLosses` turns those into means over blocks of 50 batches,
# for the curves. After training, only the main output is used: `small_inference` shares the
# trained layers and stops at `predictions`. The test set is scored once; the assertion's 0.85
# leaves room for the run-to-run spread of the CPU settings' single epoch (the stored run scored 89.86%). Then the curves, per block of 50 batches: the three heads' training losses, and the
# main output's training accuracy (dropout on) with its validation accuracy at each epoch's end.

# %% slideshow={"slide_type": "-"}
(train_x, train_y), (val_x, val_y) = data.split_validation(train_images_all, train_labels_all, 5000, seed=0)


def three_targets(images, labels):
    """One label for each of the model's three outputs."""
    return images, (labels, labels, labels)


train_ds = data.tf_dataset(train_x, train_y, settings.batch_size, shuffle=True).map(three_targets)
val_ds = data.tf_dataset(val_x, val_y, 1000).map(three_targets)
test_ds = data.tf_dataset(test_images_raw, test_labels, 1000)
steps = settings.epochs * math.ceil(len(train_x) / settings.batch_size)
print(f"train {len(train_x):,}  validation {len(val_x):,}  test {len(test_labels):,} images; {steps} steps")

# %% slideshow={"slide_type": "-"}
class BlockLosses(keras.callbacks.Callback):
    """Record each named metric's mean over consecutive blocks of `block` training batches."""
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

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(0)
small = small_googlenet()
small.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(settings.learning_rate, steps)),
              loss=["sparse_categorical_crossentropy"] * 3, loss_weights=[1.0, 0.3, 0.3],
              metrics=[["accuracy"], [], []])
curves = BlockLosses(["predictions_loss", "aux1_predictions_loss", "aux2_predictions_loss", "predictions_accuracy"])
start = time.perf_counter()
history = small.fit(train_ds, validation_data=val_ds, epochs=settings.epochs, callbacks=[curves],
                    shuffle=False, verbose=2)
training_seconds = time.perf_counter() - start
print(f"{settings.epochs} epochs in {training_seconds:.0f} s on this machine ({settings.profile} settings)")

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
small_inference = keras.Model(small.inputs, small.outputs[0])
small_inference.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
test_loss, test_accuracy = small_inference.evaluate(test_ds, verbose=0)
print(f"test accuracy {test_accuracy:.2%} after {settings.epochs} epochs, {small_inference.count_params():,} "
      f"parameters at inference")
assert test_accuracy >= 0.85

# %% slideshow={"slide_type": "subslide"}
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
blocks = lambda values: np.arange(1, len(values) + 1) * curves.block
for name in ("predictions_loss", "aux1_predictions_loss", "aux2_predictions_loss"):
    left.plot(blocks(curves.curves[name]), curves.curves[name], label=name.replace("_loss", ""))
left.set(xlabel=f"training batches of {settings.batch_size}", ylabel="training loss (block mean)",
         title="Main and auxiliary losses")
right.plot(blocks(curves.curves["predictions_accuracy"]), curves.curves["predictions_accuracy"],
           label="training, block mean (with dropout)")
epoch_ends = np.arange(1, settings.epochs + 1) * math.ceil(len(train_x) / settings.batch_size)
right.plot(epoch_ends, history.history["val_predictions_accuracy"], "s", markersize=8, label="validation, epoch end")
right.set(xlabel=f"training batches of {settings.batch_size}", ylabel="accuracy of the main output", title="Accuracy")
left.legend(); right.legend(); plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "-"}
# The heads end with higher training losses than the main output, aux1 (which sees only the
# 14x14 maps of 3b) the highest: they are weaker classifiers, there to shape the layers they
# share with the main output. After training, the two gradients again, on the same batch:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
_, cosines_trained, ratios_trained = cosines_and_ratios(small)
assert np.all(ratios_trained[after_4a] == 0)
print(f"after training, conv1: cosine {cosines_trained[0]:.2f}, norm ratio {ratios_trained[0]:.2f}")
print(f"the {len(before)} convolutions before the heads: cosine from {np.nanmin(cosines_trained[before]):.2f} "
      f"to {np.nanmax(cosines_trained[before]):.2f} (median {np.median(cosines_trained[before]):.2f}), "
      f"norm ratio median {np.median(ratios_trained[before]):.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# After one epoch the picture has changed: the heads' gradient is about a third of the main
# loss's (median norm ratio 0.36) and mostly points the same way (cosines from -0.03 to 0.93,
# median 0.56; conv1's cosine is 0.93, its norm ratio 0.49). Having learnt the same classes
# from the same early features, the heads now mostly agree with the main output: they add a
# smaller push in nearly the same direction. So "the heads add to the early layers' gradient"
# holds after training, in this network, and not at initialisation, where they mostly push
# elsewhere. Whether it helps the accuracy is exercise 3.
#
# ## Summary
# * An Inception module runs 1x1, 3x3, 5x5 and pooling branches side by side and concatenates
#   them; module 3a's channels are the sum of its four branches' (Table 1's 256), and its 1x1
#   reductions divide its parameters and FLOPs (FLOPs = 2 × MACs) by 2.4, 60% of the saving in
#   the 5x5 branch.
# * GoogLeNet matches Table 1 shape for shape. Neither of the table's columns is right on every
#   row; its conv1 row fits a depthwise-separable 7x7 convolution (2,712 weights, 34.0 M MACs),
#   not the plain one that implementations use. AlexNet has 8.9 times GoogLeNet's parameters,
#   not 12. Published counts differ by millions; torchvision's is reproduced exactly. Global average
#   pooling saves a dense head larger than the whole network.
# * Auxiliary classifiers are extra outputs with loss weight 0.3, dropped at inference.
#   At initialisation their gradient on the early layers is as large as the main loss's but
#   nearly orthogonal to it (median cosine -0.01); after one epoch it is a third as large and
#   mostly aligned (median cosine 0.56). A cosine, not a ratio of norms, tells adding from
#   pushing elsewhere.
# * A small GoogLeNet reaches 89.86% test accuracy on Fashion-MNIST in the CPU settings'
#   single epoch.
#
# Part 2, [notebook 04b](04b_inception_v3.ipynb): Inception v3, receptive fields through
# branches, and the source post's errata.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers, to read after trying: [the answers to notebook
# 04](answers/04_googlenet_answers.ipynb).
#
# 1. Imagine module 4e as the paper's *naive* module (Figure 2a, section 1): the same 1x1, 3x3
#    and 5x5 output widths as in Table 1, no 1x1 reductions, and no projection after the
#    pooling. How many channels would it output, on the input 4e reads?
#
#    *Hint:* every branch keeps the height and width, and a pooling keeps the channels of its
#    input. Table 1 gives the output size of the module before 4e.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the channels of a naive inception_4e's output
exercises.check_exercise("04.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. How many weights (biases aside) does the 1x1 reduction save in 4e's 5x5 branch, against
#    a 5x5 convolution that reads 4e's input directly and has the same output width?
#
#    *Hint:* section 1 did the same for module 3a; the widths you need are in Table 1.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: weights saved
exercises.check_exercise("04.2", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 3. *(Open, an experiment.)* Do the heads help the small GoogLeNet? Train it with
#    `loss_weights=[1.0, 0.0, 0.0]` (the heads present but untrained and without effect on the
#    rest) and with `[1.0, 0.3, 0.3]`, from the same seeds, with the settings of section 4 or
#    fewer images. Criterion: the test accuracy of the main output; the heads help only if the
#    difference between the two versions is larger than the spread between seeds of the same
#    version. What does the cosine measured in section 3 lead you to expect? The worked answer
#    runs two seeds of each version on a subset.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*, 1–9.
#   arXiv:1409.4842. (Table 1; Sections 1, 4–5.)
# * Krizhevsky, A., Sutskever, I., Hinton, G. E. (2012). ImageNet classification with deep
#   convolutional neural networks. *NeurIPS 2012*.
# * Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., Wojna, Z. (2016). Rethinking the
#   Inception architecture for computer vision. *CVPR 2016*. arXiv:1512.00567.
# * Ioffe, S., Szegedy, C. (2015). Batch normalization: accelerating deep network training by
#   reducing internal covariate shift. *ICML 2015*, 448–456.
# * Lin, M., Chen, Q., Yan, S. (2014). Network in network. *ICLR 2014*. arXiv:1312.4400.
# * Xiao, H., Rasul, K., Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for
#   benchmarking machine learning algorithms. arXiv:1708.07747.
# * torchvision: `torchvision.models.googlenet` and its documentation (`GoogLeNet_Weights.IMAGENET1K_V1`,
#   num_params 6,624,904), pytorch.org/vision.
# * TF-Slim: `tensorflow/models`, `research/slim/nets/inception_v2.py` (the separable 7x7 stem,
#   `depthwise_multiplier = min(int(depth(64) / 3), 8)`).
# * The source post: the course's GoogLeNet blog post (notebook 01 lists the source posts),
#   which implements Inception v3 in TF-Slim (part 2, notebook 04b).

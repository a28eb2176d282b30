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
# # 01 · LeNet and the history of convolutional networks
#
# From the Neocognitron to ResNet in one timeline, then the arithmetic every later notebook
# uses (output sizes, SAME and VALID padding, parameter counts, receptive fields), why ReLU
# replaced the sigmoid, and LeNet-5 built, counted and trained on MNIST.
#
# This course grew from five Chinese blog posts, written for TensorFlow 1, which we call
# **the source posts**. The notebooks keep their subjects, correct their mistakes, and say
# where they do.
#
# **You will learn to**
# * compute the output size of a convolution or pooling layer, with VALID, SAME or explicit
#   padding, and say where TensorFlow puts an odd padding pixel;
# * count a convolution's parameters, and a network's per layer, and check the count against
#   Keras;
# * compute a receptive field, and measure it with a gradient;
# * explain, from a measurement, why deep sigmoid networks learn slowly near the input;
# * read LeNet-5 written in Keras, compare it with the 1998 paper, and train it on MNIST.
#
# **Prerequisites.** Python and NumPy; what a neural network, a loss, gradient descent and
# an epoch are (any introductory course); no convolutional networks.
#
# **Run time.** 61 to 96 s on a 2-core CPU like the CI machine's (measured in CI's two
# lanes, `course/run_times.json`), most of it training LeNet-5. On a GPU it has not been run;
# the settings cell prints an estimate of its GPU settings on a Colab T4, marked as one.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `mnist.npz`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's shared code, the package `support`, importable wherever
# this notebook runs: it does nothing where the package is installed or the notebook sits in
# a checkout of the course (it adds the checkout to Python's search path, `sys.path`); on
# Colab, or for a notebook downloaded alone, it clones the course beside the notebook with
# `git` and installs only what is missing (Colab's own TensorFlow is kept). Every notebook
# starts with this same cell.

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
# anything else imports TensorFlow. The settings cell picks the lesson's size for this machine.

# %% slideshow={"slide_type": "skip"}
from support import quiet

quiet.setup()

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import counting, data, exercises, hardware, models, plots, sizing
from support import receptive_field as rf

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"epochs": 10, "batch_size": 128},
    gpu={"epochs": 20, "batch_size": 128},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("01", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A short history, as data
# The ImageNet challenge (ILSVRC) top-5 classification error of each year's winner, with the
# depth of its network (layers with weights). 2010 and 2011 were won without convolutional
# networks. Sources: Russakovsky et al., *ImageNet Large Scale Visual Recognition Challenge*,
# IJCV 2015, Table 8, for 2010 to 2014; He et al., CVPR 2016, Table 5, for ResNet's 3.57%
# (2015). One rule for every year: entries trained on the challenge's own training data
# only. AlexNet's winning submission, 15.3%, was also pre-trained on ImageNet Fall 2011, so
# the table gives its 16.4% without that extra data (Krizhevsky et al. 2012, Table 2). VGG,
# second in 2014, is listed for its influence.

# %% slideshow={"slide_type": "-"}
ilsvrc = [  # (year, entry, top-5 error %, layers with weights; None = not a deep network)
    (2010, "NEC-UIUC (SIFT + SVM)", 28.2, None),
    (2011, "XRCE (Fisher vectors)", 25.8, None),
    (2012, "AlexNet", 16.4, 8),
    (2013, "Clarifai (ZFNet)", 11.7, 8),
    (2014, "GoogLeNet", 6.7, 22),
    (2014, "VGG (2nd)", 7.3, 19),
    (2015, "ResNet", 3.57, 152),
]
runner_up_2012 = 26.2  # ISI, the best entry without a CNN in 2012
for year, entry, error, depth in ilsvrc:
    print(f"{year}  {entry:<24}{error:>6.2f}%  {depth or '-':>4}")

# %% slideshow={"slide_type": "-"}
winners = {entry: (year, error, depth) for year, entry, error, depth in ilsvrc}
(year_2012, error_2012, depth_2012), (year_2015, error_2015, depth_2015) = winners["AlexNet"], winners["ResNet"]
print(f"AlexNet's lead over the runner-up: {runner_up_2012 - error_2012:.1f} points")
print(f"{year_2012} -> {year_2015}, {year_2015 - year_2012} years: top-5 error divided by "
      f"{error_2012 / error_2015:.1f}, depth {depth_2012} -> {depth_2015} layers with weights")

# %% [markdown] slideshow={"slide_type": "notes"}
# AlexNet, the first deep network to win, led the runner-up by the points printed above. In
# the three years from AlexNet to ResNet the error fell by the factor printed, while the
# winning networks grew from 8 to 152 layers. The left panel shows the top-5 error by year:
# the winners joined by a line, VGG (second in 2014) as a separate square. The right panel is
# not a time axis: it has one bar per convolutional entry, labelled with its year, whose
# height is its depth in layers with weights, on a logarithmic scale (8, 8, 22, 19, 152).

# %% slideshow={"slide_type": "subslide"}
deep = [row for row in ilsvrc if row[3]]
winners_only = [row for row in ilsvrc if row[1] != "VGG (2nd)"]
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.plot([r[0] for r in winners_only], [r[2] for r in winners_only], "o-", label="winner")
left.plot([winners["VGG (2nd)"][0]], [winners["VGG (2nd)"][1]], "s", color="tab:red", label="VGG (2nd, 2014)")
offsets = {"GoogLeNet": (6, -12), "VGG": (6, 5)}  # 6.7% and 7.3% lie close: one label below, one above
for year, entry, error, _ in ilsvrc:
    name = entry.split(" (")[0]
    left.annotate(name, (year, error), textcoords="offset points", xytext=offsets.get(name, (4, 4)), fontsize=8)
left.set(xlabel="year", ylabel="top-5 error (%)", title="ILSVRC top-5 error", xlim=(2009.5, 2016), ylim=(0, 33))
left.legend(fontsize=8)
right.bar([f"{r[1].split(' (')[0]}\n{r[0]}" for r in deep], [r[3] for r in deep], color="tab:orange")
right.set(ylabel="layers with weights (log scale)", yscale="log", title="Depth of each convolutional entry")
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
# Before ImageNet: Fukushima's **Neocognitron** (1980) stacked feature-extracting "S-cells"
# and pooling "C-cells", but learned without gradients. LeCun et al. trained convolutions by
# back-propagation on zip codes (1989), and **LeNet-5** (1998) read cheques for banks. What
# changed by 2012 was data, GPUs, and ReLU. The data, in the AlexNet paper's words (Section
# 2): "In all, there are roughly 1.2 million training images, 50,000 validation images, and
# 150,000 testing images" in ILSVRC's 1000 classes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Convolution, channels, weight sharing
# A grey image is one grid of numbers; a colour image has three, red, green and blue: each
# grid is a **channel**, and an image or a layer's output is a stack of channels, shaped
# height x width x channels. A **convolution** slides a small $k \times k$ window over the
# stack, $s$ pixels at a time (the **stride**). At each position it multiplies the
# $k \times k \times c_{in}$ numbers under the window by a **kernel** of the same shape,
# adds the products and a bias, and writes one number: the output channel at that position.
# A layer has one kernel per output channel, so $c_{out}$ kernels make $c_{out}$ output
# channels, often called **feature maps**. The same kernel is used at every position, which
# is **weight sharing**: a convolution has as many weights as one window needs, whatever the
# image size, and it finds a pattern (an edge, a stroke end) wherever it appears. A
# **pooling** layer slides a window the same way but has no weights: it keeps the maximum or
# the average of each window, channel by channel.
#
# ## Output size, SAME and VALID
# With $p$ pixels of zeros added on each side, a $k \times k$ window with stride $s$ over $n$
# pixels fits $\lfloor (n + 2p - k) / s \rfloor + 1$ times. TensorFlow and Keras name two
# choices of padding:
#
# * `padding="valid"` (no padding, $p = 0$): $\lfloor (n - k) / s \rfloor + 1$
# * `padding="same"` (pad so nothing is lost): $\lceil n / s \rceil$, whatever $k$ is; the
#   padding needed can be odd, and is then not the same on both sides (below).
#
# `counting.output_size` is that formula for the two names; the cell checks it against Keras's
# own layers, and the general formula against an explicit `ZeroPadding2D` before a VALID
# convolution.

# %% slideshow={"slide_type": "-"}
cases = [(32, 5, 1), (28, 2, 2), (227, 11, 4), (224, 11, 4), (55, 3, 2), (13, 3, 1)]
for size, kernel, stride in cases:
    for padding in ("valid", "same"):
        layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
        by_keras = layer.compute_output_shape((1, size, size, 1))[1]
        by_formula = counting.output_size(size, kernel, stride, padding)
        assert by_keras == by_formula
        print(f"n={size:>3} k={kernel:>2} s={stride}  {padding:<5} -> {by_formula}")

# %% slideshow={"slide_type": "subslide"}
def padded_output_size(n, k, s, p):
    """floor((n + 2p - k) / s) + 1: outputs of a k x k window, stride s, p zeros on each side."""
    return (n + 2 * p - k) // s + 1


for size, kernel, stride, pad in [(28, 5, 1, 2), (227, 11, 4, 0), (27, 5, 1, 2), (13, 3, 1, 1), (224, 11, 4, 2)]:
    explicit = keras.Sequential([keras.Input((size, size, 1)), keras.layers.ZeroPadding2D(pad),
                                 keras.layers.Conv2D(1, kernel, strides=stride, padding="valid")])
    by_keras = explicit.output_shape[1]
    assert by_keras == padded_output_size(size, kernel, stride, pad)
    print(f"n={size:>3} k={kernel:>2} s={stride} p={pad} -> {by_keras}")

# %% [markdown] slideshow={"slide_type": "notes"}
# In the first table, the third and fourth cases are AlexNet's first layer: the paper's 55x55
# maps need a 227x227 input with VALID padding; from 224x224 they would be 54x54. In the
# second, $p = (k - 1)/2$ with stride 1 keeps the size (the SAME case of an odd kernel), and
# 224 pixels with 2 pixels of padding on each side give 55 outputs too.
#
# When SAME needs an odd number of padding pixels, TensorFlow puts the extra one on the right
# and at the bottom. PyTorch's `padding="same"` (stride 1 only) does the same; only an integer
# padding, such as PyTorch's `padding=1`, pads both sides equally. A TensorFlow SAME layer
# with stride 2 moved to a PyTorch layer with integer padding therefore sees the image shifted
# by a pixel. Measured on one row:

# %% slideshow={"slide_type": "-"}
row = np.arange(1.0, 6.0).reshape(1, 1, 5, 1)  # a 1x5 "image": 1 2 3 4 5
pooled = keras.layers.MaxPooling2D((1, 2), strides=(1, 2), padding="same")(row)
maxima = keras.ops.convert_to_numpy(pooled).ravel().tolist()
print("max of 1x2 windows, stride 2, SAME:", maxima)
assert maxima == [2.0, 4.0, 5.0]  # windows [1 2] [3 4] [5 pad]; padding on the left would give [1 3 5]

# %% [markdown] slideshow={"slide_type": "-"}
# Three windows need six pixels, one more than the image has. TensorFlow added it on the
# right: the windows are [1 2], [3 4], [5 pad]; padding on the left would have given maxima
# 1, 3, 5.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Counting parameters
# A convolution with a $k \times k$ kernel from $c_{in}$ to $c_{out}$ channels has
# $(k^2 c_{in} + 1)\,c_{out}$ parameters: one $k \times k \times c_{in}$ kernel and one bias
# per output channel, independent of the image size (weight sharing). A dense layer, where
# every one of $n_{out}$ units has a weight for each of the $n_{in}$ inputs and a bias, has
# $(n_{in} + 1)\,n_{out}$.

# %% slideshow={"slide_type": "-"}
def conv_params(kernel, in_channels, out_channels):
    """(k*k*c_in + 1) * c_out, the parameters of one convolution."""
    return (kernel * kernel * in_channels + 1) * out_channels


lenet_c3 = conv_params(5, 6, 16)
print("LeNet-5 C3 (5x5, 6 -> 16 channels):", lenet_c3)
layer = keras.layers.Conv2D(16, 5)
layer.build((None, 32, 32, 6))
assert lenet_c3 == layer.count_params() == counting.conv2d_params(6, 16, 5)  # the formula, Keras, the course

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Receptive fields
# A unit's receptive field is the patch of the input it can see. Each $k \times k$ layer adds
# $(k-1)\,j$ pixels, where the jump $j$ is the product of the strides before it. So two 3x3
# convolutions see 5x5 and three see 7x7, with fewer parameters than one big kernel: for $C$
# channels in and out, $2 \cdot 9C^2 = 18C^2$ against $25C^2$, and $27C^2$ against $49C^2$.

# %% slideshow={"slide_type": "-"}
def conv_stack(kernels, channels=64, size=32):
    """A stack of SAME convolutions, one per kernel size, `channels` wide."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels):
        x = keras.layers.Conv2D(channels, kernel, padding="same", name=f"conv{index}")(x)
    return keras.Model(inputs, x)

# %% slideshow={"slide_type": "-"}
shares = []
for small, large in (([3, 3], [5]), ([3, 3, 3], [7])):
    stacked, single = conv_stack(small), conv_stack(large)
    field = rf.receptive_fields(stacked)[f"conv{len(small) - 1}"][0].size
    assert field == rf.receptive_fields(single)["conv0"][0].size == large[0]
    assert stacked.count_params() == len(small) * conv_params(3, 64, 64)  # the formula against Keras
    shares.append(stacked.count_params() / single.count_params())
    print(f"{len(small)} x 3x3: field {field}x{field}, {stacked.count_params():,} parameters;"
          f"  one {large[0]}x{large[0]}: {single.count_params():,} ({shares[-1]:.0%})")

# %% [markdown] slideshow={"slide_type": "notes"}
# The same field with the shares of the parameters printed (18/25 and 27/49, the biases
# aside), and with a ReLU between the layers, more non-linearity. This is VGG's argument
# (notebook 03).
#
# The analytic formula can be checked by measurement: the gradient of one output unit with
# respect to the input is non-zero exactly on the pixels that unit can see.
# `rf.empirical_receptive_field` measures it (on a copy of the model with positive weights and
# average instead of max pooling, so that no path's gradient is cut to zero). The network
# measured is LeNet-5, the subject of the section "LeNet-5" below; for now it is enough to
# know its layers: convolutions C1, C3 and C5 (5x5), with subsamplings S2 and S4 (2x2,
# stride 2) between them.

# %% slideshow={"slide_type": "-"}
lenet = models.lenet5()
for row in rf.receptive_field_table(lenet):
    rows, cols = rf.empirical_receptive_field(lenet, row["name"]) if row["name"] != "image" else ((0, 0), (0, 0))
    measured = rows[1] - rows[0] + 1
    print(f"{row['name']:<6} field {row['size']:>2}  jump {row['jump']}  measured {measured:>2}")
    assert measured == row["size"]

# %% [markdown] slideshow={"slide_type": "-"}
# LeNet-5's C5 sees 32x32 pixels, the whole padded digit, after three convolutions and two
# subsamplings. C5 is also a dense layer in disguise, for a different reason: its 5x5 kernel
# covers S4's whole 5x5 map, so each of its units is connected to every value of S4 (the
# paper, Section II.B).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why ReLU: the vanishing gradient, measured
# The sigmoid's slope is at most 1/4, so back-propagation through $L$ sigmoid layers
# multiplies the gradient by at most $4^{-L}$ (times the weights). The source posts called
# this 梯度弥散 (gradient diffusion). Below: a perceptron with eight hidden layers (nine
# layers with weights, the output included) with the same Glorot
# initialisation (Glorot and Bengio, 2010) and three activations, and the gradient norm of
# each layer's weights on one batch of MNIST digits.

# %% slideshow={"slide_type": "-"}
(x_train_all, y_train_all), (x_test, y_test) = data.load_mnist()
batch_images = data.to_float_images(x_train_all[:512])
batch_labels = y_train_all[:512]


def gradient_norms(activation, depth=8, width=128):
    """Norm of dL/dW for each dense layer of a `depth`-layer perceptron, input side first."""
    keras.utils.set_random_seed(0)
    hidden = [keras.layers.Dense(width, activation=activation) for _ in range(depth)]
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), *hidden,
                              keras.layers.Dense(10, activation="softmax")])
    kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(batch_labels, model(batch_images)))
    return np.array([float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)])

# %% slideshow={"slide_type": "-"}
norms = {activation: gradient_norms(activation) for activation in ("sigmoid", "tanh", "relu")}

# %% slideshow={"slide_type": "subslide"}
figure, axis = plt.subplots(figsize=(6, 3.5))
for activation, values in norms.items():
    axis.semilogy(range(1, len(values) + 1), values, "o-", label=activation)
axis.set(xlabel="layer (1 = next to the input)", ylabel="gradient norm", title="Gradient per layer, one batch")
axis.legend()
ratios = {activation: values[0] / values[7] for activation, values in norms.items()}
print({activation: f"{ratio:.1e}" for activation, ratio in ratios.items()})
assert ratios["sigmoid"] < 1e-3 and ratios["relu"] > 0.5 and ratios["tanh"] > 0.5

# %% [markdown] slideshow={"slide_type": "notes"}
# With sigmoids the first layer's gradient is more than a thousand times smaller than the
# eighth's (the ratio is printed and asserted), so the layers next to the input barely learn.
# ReLU's slope is 1 wherever it is active, and its gradients stay of one size down the stack.
# (Zero-centred tanh also keeps them here, at this depth and initialisation. AlexNet's
# Figure 1 shows ReLU training six times faster than tanh; notebook 02 measures what that
# comparison depends on.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## LeNet-5
# LeCun et al. (1998): two convolution-and-subsampling stages, then C5, F6 and the output.
# The course's builder keeps the paper's sizes, a tanh and average pooling, and simplifies
# four details, as today's implementations do:
#
# * C3 connects every one of its 16 maps to all six S2 maps. The paper's Table I connects
#   each to 3, 4 or 6 of them, for two reasons it gives (Section II.B): fewer connections, and
#   broken symmetry, so that different maps are forced to learn different features.
# * S2 and S4 average their 2x2 windows. The paper's subsampling maps multiplied the sum by
#   a trainable coefficient, added a trainable bias, and passed it through the sigmoid-like
#   squashing function: 2 trainable parameters per map.
# * The output is a dense softmax layer. The paper's output was a design choice: 10 Euclidean
#   radial basis function (RBF) units whose weights were set by hand to stylised 7x12 images
#   of the digits and "kept fixed (at least initially)" (Section II.B).
# * The activation is a plain tanh. The paper's squashing function is a scaled one,
#   $1.7159 \tanh(2a/3)$ (Appendix A), which has no parameters to count.
#
# Here is the builder, `support.lenet.lenet5`, as it stands in the course's package (the
# comments give each layer's output, height x width x channels). `models.lenet5` is this
# function; `show.source` displays a function's source without copying it here.

# %% slideshow={"slide_type": "subslide"}
from support import lenet as lenet_module, show

show.source(lenet_module.lenet5)

# %% [markdown] slideshow={"slide_type": "notes"}
# Every layer is a Keras layer named as in the paper: `Conv2D` for C1, C3 and C5 (C5's 5x5
# kernel covers the whole 5x5 map of S4, so its output is 1x1x120), `AveragePooling2D` for S2
# and S4, `Dense` for F6 and the output. The table below is computed from the layers'
# configurations. Its columns: each layer's output shape; its trainable and other
# parameters; its **FLOPs** per image, floating-point operations, a multiply-add counted as
# 2, in millions (MFLOPs); and its output for one image in float32, in KiB ($2^{10}$ bytes).

# %% slideshow={"slide_type": "subslide"}
lenet = models.lenet5(input_shape=(32, 32, 1), num_classes=10)
table = counting.layer_table(lenet)
print(counting.format_table(table))
assert counting.totals(table)["params"] == lenet.count_params() == 61_706

# %% [markdown] slideshow={"slide_type": "-"}
# The paper states "60,000 trainable free parameters" (Section II.B). Its layers, counted
# from their descriptions, give that figure, and the first three simplifications account for every
# parameter between it and ours:

# %% slideshow={"slide_type": "-"}
by_name = {row["name"]: row for row in table}
c3_inputs_per_map = [3] * 6 + [4] * 9 + [6]  # the paper's Table I: columns 0-5, 6-14, 15
paper_c3 = sum((5 * 5 * inputs + 1) for inputs in c3_inputs_per_map)
paper_pools = 2 * (6 + 16)  # S2 and S4: a coefficient and a bias per map
paper_total = (by_name["c1"]["params"] + paper_pools + paper_c3 + by_name["c5"]["params"]
               + by_name["f6"]["params"])  # C1, C5 and F6 as ours; the RBF output is fixed
print(f"the paper's layers: {paper_total:,} trainable parameters")
print(f"ours: {lenet.count_params():,} = {paper_total:,} + {by_name['c3']['params'] - paper_c3} (C3 fully "
      f"connected) - {paper_pools} (pools) + {by_name['predictions']['params']} (softmax output)")
assert paper_total == 60_000  # the paper's own figure

# %% [markdown] slideshow={"slide_type": "-"}
# Almost all of the parameters sit in the last three layers, while the two early
# convolutions do most of the arithmetic:

# %% slideshow={"slide_type": "subslide"}
late_share = sum(by_name[name]["params"] for name in ("c5", "f6", "predictions")) / lenet.count_params()
early_flop_share = (by_name["c1"]["flops"] + by_name["c3"]["flops"]) / counting.totals(table)["flops"]
print(f"C5, F6 and the output hold {late_share:.0%} of the parameters; C1 + C3 do {early_flop_share:.0%} of the FLOPs")
assert late_share > 0.9 and early_flop_share > 0.5  # "almost all" and "most", as the prose says
plots.layer_bars(table, columns=("params", "flops"), title="LeNet-5 per layer")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Train LeNet-5 on MNIST
# MNIST digits are 28x28; the paper padded them to 32x32 so that distinctive features such as
# stroke end-points can appear in the centre of the receptive fields of the highest-level
# feature detectors (Section II.B), not only at their edges, and scaled the pixels so that their mean is about 0 and their
# variance about 1: tanh units learn fastest around 0. We do the same with the training set's
# own mean and standard deviation.

# %% slideshow={"slide_type": "-"}
(x_train, y_train), (x_val, y_val) = data.split_validation(x_train_all, y_train_all, 5000, seed=0)
pixel_mean, pixel_std = (x_train / 255.0).mean(), (x_train / 255.0).std()
print(f"training pixels: mean {pixel_mean:.4f}, standard deviation {pixel_std:.4f}")
assert abs(pixel_mean - 0.1307) < 0.002 and abs(pixel_std - 0.3081) < 0.002  # PyTorch's MNIST example's values


def standardize(images):
    """uint8 digits -> float32 (N, 32, 32, 1), padded, with mean 0 and variance 1."""
    return (data.to_float_images(images, pad_to=32) - pixel_mean) / pixel_std

# %% [markdown] slideshow={"slide_type": "-"}
# We hold out 5,000 training images for validation, train with Adam, and score the test set
# once at the end. The pipeline is `tf.data`: shuffled each epoch, batched and prefetched
# (so `fit` is told not to shuffle again).

# %% slideshow={"slide_type": "-"}
train_ds = data.tf_dataset(standardize(x_train), y_train, settings.batch_size, shuffle=True)
val_ds = data.tf_dataset(standardize(x_val), y_val, 1024)
test_ds = data.tf_dataset(standardize(x_test), y_test, 1024)
print(f"train {len(x_train):,}  validation {len(x_val):,}  test {len(x_test):,} images")

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(0)
lenet.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = lenet.fit(train_ds, validation_data=val_ds, epochs=settings.epochs, shuffle=False, verbose=2)

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
test_loss, test_accuracy = lenet.evaluate(test_ds, verbose=0)
paper_test_error = 0.95  # %, LeCun et al. 1998, Section III.B (quoted): LeNet-5 without distortions
print(f"test accuracy {test_accuracy:.2%}, error {100 * (1 - test_accuracy):.2f}%, after {settings.epochs} "
      f"epochs ({settings.profile} settings); the paper: {paper_test_error}% error")
assert test_accuracy >= 0.985

# %% [markdown] slideshow={"slide_type": "notes"}
# At least 98.5% on digits it never saw (the exact figure varies a little from run to run
# with the order of floating-point sums; the assertion holds it). The paper's figure is
# quoted, not reproduced: in Section III.B the test error of LeNet-5 trained without
# distortions "stabilizes after around 10 passes through the training set at 0.95%" (20
# passes in all, with its own learning-rate schedule and its RBF output). Our error is
# printed beside it; our network, optimiser and number of epochs differ.

# %% slideshow={"slide_type": "subslide"}
plots.plot_history(history, title="LeNet-5 on MNIST")

# %% [markdown] slideshow={"slide_type": "notes"}
# The training loss falls at every epoch. The validation loss falls for about six epochs,
# then stops falling and wanders (between 0.041 and 0.060 in the log above) while the
# validation accuracy stays near 98.5%: from there on the network fits its training images
# more closely than new ones, the start of *overfitting*. More epochs would not help it;
# notebooks 02 and 02b fight overfitting with dropout and data augmentation.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What it gets wrong
# The first twelve test digits LeNet-5 misclassifies. Above each digit, its title: the true
# label, then `pred:` the network's answer, in red because the answer is wrong. Which
# digits appear depends on the run (training is not bit-for-bit repeatable on every machine),
# so look at your own grid:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
probabilities = lenet.predict(test_ds, verbose=0)
predicted = probabilities.argmax(axis=1)
wrong = np.flatnonzero(predicted != y_test)[:12]
print(f"{np.sum(predicted != y_test)} of {len(y_test):,} test digits are wrong")
plots.show_images(x_test[wrong], labels=y_test[wrong], predictions=predicted[wrong], ncols=6)

# %% [markdown] slideshow={"slide_type": "-"}
# Sort your grid into digits a person would hesitate over too, and answers no person would
# give: the second kind shows what the network has not learned. How fast LeNet-5 trains,
# here and on other machines, and how to time a network so that the figure means
# something, is the subject of notebook 06.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
# * From AlexNet (2012) to ResNet (2015), ILSVRC's winning top-5 error fell several-fold (the
#   factor is computed in the history section) while the winning networks went from 8 to 152
#   layers.
# * A convolution slides one shared kernel per output channel over the input's channels.
# * Output size: $\lfloor (n + 2p - k)/s \rfloor + 1$ with $p$ pixels of padding per side;
#   VALID $\lfloor (n-k)/s \rfloor + 1$, SAME $\lceil n/s \rceil$ (an odd extra padding pixel
#   on the right in TensorFlow, and in PyTorch's `padding="same"`). Parameters of a
#   convolution: $(k^2 c_{in} + 1)\,c_{out}$.
# * Two 3x3 convolutions see 5x5 with about 18/25 of the parameters; the gradient measures
#   the field.
# * Sigmoid gradients vanish with depth; ReLU's do not.
# * LeNet-5: 61,706 parameters, at least 98.5% on MNIST in a few CPU minutes.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is.
#
# 1. How many parameters has a 3x3 convolution from $c_{in} = 64$ to $c_{out} = 96$ channels, with
#    biases?
#
#    *Hint:* each output channel has one $k \times k \times c_{in}$ kernel and one bias.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the number of parameters
exercises.check_exercise("01.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. What is the side of the receptive field of three 3x3 convolutions (stride 1) followed by
#    a 2x2 pooling with stride 2?
#
#    *Hint:* each layer adds $(k - 1)$ times the product of the strides before it.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the side of the field, in pixels
exercises.check_exercise("01.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. (Open.) Train LeNet-5 with `activation="relu", pooling="max"` at this notebook's
#    settings. Is its validation accuracy after the same number of epochs higher than the
#    tanh and average-pooling network's?
#
#    *Criterion:* train both networks from the same random seeds (`keras.utils.set_random_seed`),
#    at least two seeds each, for `settings.epochs` epochs on the same split, and read the
#    final `val_accuracy`. Call the difference of the two means real only if it is larger
#    than the spread (largest minus smallest) between the seeds of either network.
#
#    *A correct answer shows* a table with one validation accuracy per network and seed, the
#    two means, the two spreads, and a verdict that follows the rule above: "ReLU and max
#    pooling are better", "worse", or "no difference measurable with these seeds".
#
# Worked answers, to read after trying: [the answers to notebook 01](answers/01_lenet_history_answers.ipynb)
# (exercise 3 there at a reduced scale on a CPU, its full criterion on a GPU).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * Fukushima, K. (1980). Neocognitron: a self-organizing neural network model for a mechanism
#   of pattern recognition unaffected by shift in position. *Biological Cybernetics*, 36(4),
#   193–202.
# * LeCun, Y., Boser, B., Denker, J. S., Henderson, D., Howard, R. E., Hubbard, W., and
#   Jackel, L. D. (1989). Backpropagation applied to handwritten zip code recognition.
#   *Neural Computation*, 1(4), 541–551.
# * LeCun, Y., Bottou, L., Bengio, Y., and Haffner, P. (1998). Gradient-based learning applied
#   to document recognition. *Proceedings of the IEEE*, 86(11), 2278–2324.
# * Glorot, X., and Bengio, Y. (2010). Understanding the difficulty of training deep
#   feedforward neural networks. *AISTATS 2010*, PMLR 9, 249–256.
# * Krizhevsky, A., Sutskever, I., and Hinton, G. E. (2012). ImageNet classification with
#   deep convolutional neural networks. *Advances in Neural Information Processing Systems 25
#   (NIPS 2012)*, 1097–1105.
# * Zeiler, M. D., and Fergus, R. (2014). Visualizing and understanding convolutional
#   networks. *ECCV 2014*, LNCS 8689, 818–833.
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., and Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*, 1–9.
# * Simonyan, K., and Zisserman, A. (2015). Very deep convolutional networks for large-scale
#   image recognition. *ICLR 2015*.
# * Russakovsky, O., Deng, J., Su, H., Krause, J., Satheesh, S., Ma, S., Huang, Z., Karpathy,
#   A., Khosla, A., Bernstein, M., Berg, A. C., and Fei-Fei, L. (2015). ImageNet Large Scale
#   Visual Recognition Challenge. *International Journal of Computer Vision*, 115(3), 211–252.
# * He, K., Zhang, X., Ren, S., and Sun, J. (2016). Deep residual learning for image
#   recognition. *CVPR 2016*, 770–778.

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
# # 04b · Inception v3: factorised convolutions, grid reduction, label smoothing, receptive fields through branches
#
# The second half of the GoogLeNet lesson (part 1 is [notebook 04](04_googlenet.ipynb)).
# Szegedy, Vanhoucke, Ioffe, Shlens and Wojna (CVPR 2016) rethought the Inception module:
# factorised convolutions, a new way to shrink the grid, label smoothing, and batch
# normalisation, which Ioffe and Szegedy (2015) had introduced with BN-Inception and which v3
# also put into its auxiliary head. This lesson's source post (one of the blog posts the course
# grew from, notebook 01) is titled "GoogLeNet" but implements Inception v3 in TF-Slim, the
# library of layers and reference networks that Google's TensorFlow models were written in.
#
# **Learning goals.** After this notebook you can
# * compute what factorised convolutions and grid reduction save, and read Inception v3's
#   builder module by module;
# * set an implementation beside its paper's table and explain each difference;
# * say what label smoothing does to the logits, and measure it;
# * extend receptive fields to a graph with parallel branches;
# * read a benchmark table's rates (TFLOP/s, share of the matrix-product rate).
#
# **Prerequisites.** Notebook 04 (the Inception module, `conv2d_bn`, auxiliary heads);
# notebook 01 (receptive fields along a chain); notebook 02b (timing).
#
# **Run time.** 18 to 23 s on a 2-core CPU like the CI machine's (CI's two lanes, `course/run_times.json`), most of it building Inception v3 and training a small
# softmax classifier. The GPU settings have not been run; the settings cell prints an estimate
# of them on a Colab T4, marked as one. The timings of section 7 come from results files,
# among them an NVIDIA H200's.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code; it runs without notebook 04. Without internet, point
# `CNN_COURSE_DATA` at a folder holding `fashion-mnist/`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it). `quiet.setup()` then imports TensorFlow with its start-up
# chatter silenced; `show.source` displays the code of a builder as it stands in `support`.
# The only training here, label smoothing's small classifier, runs the same on both devices.

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

import collections, math, re

import keras
import numpy as np
from support import counting, data, exercises, hardware, layers as course_layers, models, results, show, sizing
from support import inception_v3 as inception_v3_module
from support import receptive_field as rf

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(cpu={"smoothing_images": 2000, "smoothing_epochs": 25, "smoothing_stages": 4},
                                    gpu={"smoothing_images": 2000, "smoothing_epochs": 25, "smoothing_stages": 4})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("04b", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Factorising convolutions
# The paper's Section 2 gives four design principles, among them: avoid *representational
# bottlenecks* (do not squeeze the representation abruptly), and spatial aggregation can be
# done over lower-dimensional embeddings without loss. A 5x5 convolution sees what two stacked
# 3x3 convolutions see (notebook 01), and an $n \times n$ what a $1 \times n$ followed by an
# $n \times 1$ sees. With $C$ channels in and out, the weights are $25C^2$ against
# $2 \cdot 9C^2$, and $n^2 C^2$ against $2nC^2$. Counted by Keras for $C = 192$, with the
# receptive field of each stack, against that formula and the paper's figures:

# %% slideshow={"slide_type": "-"}
def conv_chain(kernels, channels=192, size=17):
    """A stack of SAME convolutions without bias, channels -> channels, one per (rows, cols) kernel."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels):
        x = keras.layers.Conv2D(channels, kernel, padding="same", use_bias=False, name=f"conv{index}")(x)
    return keras.Model(inputs, x)


factorisations = {"5x5 -> 3x3, 3x3": ([(5, 5)], [(3, 3), (3, 3)]), "3x3 -> 1x3, 3x1": ([(3, 3)], [(1, 3), (3, 1)]),
                  "7x7 -> 1x7, 7x1": ([(7, 7)], [(1, 7), (7, 1)]), "3x3 -> 2x2, 2x2": ([(3, 3)], [(2, 2), (2, 2)])}

# %% slideshow={"slide_type": "-"}
savings = {}
for label, (single, stacked) in factorisations.items():
    one, two = conv_chain(single), conv_chain(stacked)
    fields = [rf.receptive_fields(model)[model.layers[-1].name] for model in (one, two)]
    assert (fields[0][0].size, fields[0][1].size) == (fields[1][0].size, fields[1][1].size)  # the same field
    savings[label] = 1 - two.count_params() / one.count_params()
    formula = 1 - sum(rows * cols for rows, cols in stacked) / (single[0][0] * single[0][1])  # weights per channel pair
    assert math.isclose(savings[label], formula)
    print(f"{label}: {one.count_params():>9,} -> {two.count_params():>9,} weights, "
          f"{savings[label]:.0%} saved, field {fields[0][0].size:.0f}x{fields[0][1].size:.0f} kept")
assert round(100 * savings["5x5 -> 3x3, 3x3"]) == 28 and round(100 * savings["3x3 -> 1x3, 3x1"]) == 33  # paper, 3.1, 3.2

# %% [markdown] slideshow={"slide_type": "notes"}
# Same receptive field (asserted), and Keras's counts equal the formula (asserted); the first
# two savings are the 28% and 33% of the paper's Sections 3.1 and 3.2 (asserted too), and two
# 2x2 would save only 11%. The 7x7 saves the most, 71%, because a split $n \times n$ keeps
# $2n$ of its $n^2$ weights per pair of channels. The paper found the asymmetric split works
# well on medium grids (12 to 20 pixels) and uses 1x7 and 7x1 on the 17x17 grid. Two of the
# three module types, from the course's builder (`inception_c`, on the 8x8 grid, splits its
# 3x3 into parallel 1x3 and 3x1 outputs that are concatenated):

# %% slideshow={"slide_type": "-"}
show.source(inception_v3_module.inception_a)

# %% slideshow={"slide_type": "subslide"}
show.source(inception_v3_module.inception_b)

# %% [markdown] slideshow={"slide_type": "slide"}
# `inception_a` (35x35 grid) replaces GoogLeNet's 5x5 branch with two 3x3 (`3x3dbl`; Keras
# and TF-Slim kept one 1x1 -> 5x5 branch too); `inception_b` (17x17) uses 1x7 and 7x1 pairs.
# Every convolution is a `conv2d_bn` unit (notebook 04): convolution without bias, batch
# normalisation, ReLU.
#
# ## 2. Shrinking the grid without a bottleneck
# To halve a 35x35x320 grid while doubling its channels, one can pool first and then convolve
# (cheap, but the pooled 17x17x320 is a bottleneck), or convolve at 35x35 and then pool
# (no bottleneck, expensive). Inception v3 (Section 5, Figure 10) runs a stride-2 convolution
# and a stride-2 pooling *side by side* and concatenates them. The three, counted:

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The parallel version is the cheapest of the three (asserted): 0.50 of pool-then-conv's FLOPs
# and 0.12 of conv-then-pool's, and its convolution reads the full 35x35 grid, as in the
# expensive order. Pool-then-conv throws three quarters of the positions away before any
# convolution sees them: everything must pass through the pooled 17x17x320 map, the
# bottleneck the paper's first principle warns against. Inception v3 uses the parallel form
# twice, as `mixed3` (35 -> 17) and `mixed8` (17 -> 8), with more branches:

# %% slideshow={"slide_type": "subslide"}
show.source(course_layers.grid_reduction)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The whole network, against its paper
# The course's builder puts the stem, the modules and the two grid reductions together; it has
# the same layers as `keras.applications.InceptionV3`:

# %% slideshow={"slide_type": "-"}
show.source(inception_v3_module.inception_v3)

# %% [markdown] slideshow={"slide_type": "-"}
# The paper's Table 1 outlines the network by the *input* size of each row. Typed here as
# data, each row beside the course's layer that reads that input (or `None`), and compared:

# %% slideshow={"slide_type": "-"}
V3_TABLE_1 = [  # Szegedy et al. 2016, Table 1: (type, patch size / stride, input size); the course's layer there
    ("conv", "3x3/2", (299, 299, 3), "stem1_conv"), ("conv", "3x3/1", (149, 149, 32), "stem2_conv"),
    ("conv padded", "3x3/1", (147, 147, 32), "stem3_conv"), ("pool", "3x3/2", (147, 147, 64), "stem_pool1"),
    ("conv", "3x3/1", (73, 73, 64), "stem4_conv"), ("conv", "3x3/2", (71, 71, 80), "stem5_conv"),
    ("conv", "3x3/1", (35, 35, 192), None), ("3 x Inception", "Figure 5", (35, 35, 288), "mixed0_1x1_conv"),
    ("5 x Inception", "Figure 6", (17, 17, 768), "mixed4_1x1_conv"), ("2 x Inception", "Figure 7", (8, 8, 1280), "mixed9_1x1_conv"),
    ("pool", "8x8", (8, 8, 2048), "avg_pool"),
]

# %% slideshow={"slide_type": "subslide"}
inception = models.inception_v3()
for kind, patch, size, name in V3_TABLE_1:
    layer = inception.get_layer(name) if name else None
    window = getattr(layer, "kernel_size", getattr(layer, "pool_size", None))
    kernel = f"{window[0]}x{window[1]}/{layer.strides[0]}" if window else (  # a global pooling: its input's grid
        f"{layer.input.shape[1]}x{layer.input.shape[2]}" if layer is not None else "")
    same = layer is not None and tuple(layer.input.shape[1:]) == size and (kernel == patch or "x" not in patch[:2])
    ours = f"{name} reads {tuple(layer.input.shape[1:])} {kernel}" if layer is not None else "no such layer"
    print(f"{'same' if same else 'DIFFERS':<8}paper: {kind:<14} {patch:<9} input {str(size):<16} course: {ours}")

# %% slideshow={"slide_type": "-"}
blocks = [layer.name for layer in inception.layers if re.fullmatch(r"mixed\d+", layer.name)]
block_inputs = ["stem_pool2", *blocks[:-1]]  # each block reads the output of the one before it
print("blocks by the grid they read: ", dict(collections.Counter(inception.get_layer(b).output.shape[1] for b in block_inputs)))
print("blocks by the grid they write:", dict(collections.Counter(inception.get_layer(b).output.shape[1] for b in blocks)))
print("channels out of the 35x35 blocks:", [inception.get_layer(b).output.shape[-1] for b in blocks[:3]])

# %% [markdown] slideshow={"slide_type": "notes"}
# The stem agrees for its first four rows. Then the paper's table has a 3x3 convolution
# reading 73x73x64, a stride-2 3x3 reading 71x71x80 and one more 3x3 reading 35x35x192, where
# the implementations (TF-Slim's, Keras's, the course's) have a 1x1 to 80 channels, a
# stride-1 3x3 from 73x73x80 to 71x71x192, and a 3x3/2 max pooling to 35x35x192 (the layer
# after `stem5_conv`): the table's rows 5 to 7 do not describe the released network,
# whose first module reads 35x35x192, not 288. The 288 channels are what the second and third
# 35x35 modules read (the three write 256, 288 and 288). The module counts are also grouped
# differently: the paper's 3, 5 and 2 modules per grid match no single way of counting the
# course's 11 blocks (by the grid they read: 4, 5 and 2; by the grid they write: 3, 5 and 3),
# because the table leaves out the first grid reduction and counts the second with the 17x17
# modules. The last rows agree: 8x8x1280 into the 8x8 modules, 8x8x2048 into the pooling.
#
# The course's model against Keras's own implementation, built without weights:

# %% slideshow={"slide_type": "-"}
keras_inception = keras.applications.InceptionV3(weights=None)
table_v3 = counting.layer_table(inception)
googlenet = models.googlenet()
print(f"course: {inception.count_params():,}  keras.applications: {keras_inception.count_params():,} parameters; "
      f"{counting.totals(table_v3)['flops'] / 1e9:.2f} GFLOPs per 299x299 image")
print(f"{inception.count_params() / googlenet.count_params():.1f} times GoogLeNet's parameters")
assert inception.count_params() == keras_inception.count_params() == counting.totals(table_v3)["params"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same 23,851,784 parameters in both (asserted), 11.43 GFLOPs per image (FLOPs = 2 ×
# multiply-accumulates, as in notebook 04), 3.4 times GoogLeNet's parameters.
#
# ### Batch normalisation and the auxiliary head
# Every `conv2d_bn` unit normalises each channel over the batch (Ioffe and Szegedy, 2015), with
# a learned shift (`beta`) but no scale (`scale=False`, as in Keras and TF-Slim: the ReLU
# that follows makes a scale redundant when the next layer is linear). Its moving mean and
# variance are statistics, not trained, and Keras counts them as non-trainable parameters.
# Inception v3 keeps one auxiliary classifier, on the 17x17x768 output of `mixed7`. The paper
# (Section 4) found that the auxiliary classifiers "did not result in improved convergence
# early in the training" and argues that they act as a regulariser; its Table 3 credits batch
# normalisation in the auxiliary head with 0.4 points of top-1 error (21.6% to 21.2%).

# %% slideshow={"slide_type": "-"}
show.source(inception_v3_module.auxiliary_logits)

# %% slideshow={"slide_type": "-"}
bn_layers = [layer for layer in inception.layers if isinstance(layer, keras.layers.BatchNormalization)]
bn_statistics = sum(2 * layer.moving_mean.shape[0] for layer in bn_layers)
non_trainable = sum(math.prod(v.shape) for v in inception.non_trainable_weights)
with_head = models.inception_v3(auxiliary_classifier=True)
print(f"{len(bn_layers)} batch normalisations; {bn_statistics:,} moving statistics = the {non_trainable:,} "
      f"non-trainable parameters")
print(f"with the auxiliary head: {with_head.count_params():,} parameters, outputs "
      f"{[tuple(output.shape) for output in with_head.outputs]}")
assert bn_statistics == non_trainable

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Label smoothing
# Cross-entropy with one-hot targets is minimised only as the true class's logit runs away
# from the others: the network is rewarded for ever more confident outputs. Inception v3
# (Section 7) mixes the one-hot target $y$ with the uniform distribution over $K$ classes:
# $$y^{LS} = (1 - \varepsilon)\, y + \varepsilon / K, \qquad \varepsilon = 0.1,\ K = 1000.$$
# The best prediction is then $p = y^{LS}$ itself, whose logits differ by the finite gap
# $\log\big((1 - \varepsilon + \varepsilon/K) / (\varepsilon/K)\big)$. Keras applies the
# smoothing inside its loss; the cell checks it against the formula:

# %% slideshow={"slide_type": "-"}
epsilon, classes = 0.1, 1000
one_hot = keras.ops.one_hot(np.array([3]), classes)
probabilities = keras.ops.softmax(keras.random.normal((1, classes), seed=0))
smoothed_targets = (1 - epsilon) * one_hot + epsilon / classes
by_keras = float(keras.losses.CategoricalCrossentropy(label_smoothing=epsilon)(one_hot, probabilities))
by_formula = float(-keras.ops.sum(smoothed_targets * keras.ops.log(probabilities)))
print(f"targets: true class {float(keras.ops.max(smoothed_targets)):.4f}, each other class "
      f"{float(keras.ops.min(smoothed_targets)):.4f}")
print(f"loss by Keras {by_keras:.5f}, by the formula {by_formula:.5f}")
assert math.isclose(by_keras, by_formula, rel_tol=1e-5)
best_gap = {k: math.log((1 - epsilon + epsilon / k) / (epsilon / k)) for k in (10, 1000)}
print("largest useful logit gap:", {k: round(gap, 2) for k, gap in best_gap.items()})

# %% [markdown] slideshow={"slide_type": "notes"}
# For ImageNet the targets are 0.9001 and 0.0001, and no logit gap beyond 9.11 lowers the loss
# (4.51 for ten classes). What does this do to a trained network's logits? A softmax classifier
# on the first 2,000 Fashion-MNIST training images, trained long enough to fit them, with and
# without smoothing; after each stage of 25 epochs, the mean gap between the true class's logit
# and the mean of the others, on the training images:

# %% slideshow={"slide_type": "-"}
def logit_gap(model, images, labels):
    """Mean over images of (true-class logit - mean of the other logits)."""
    logits = keras.ops.convert_to_numpy(model(images))
    true = logits[np.arange(len(labels)), labels]
    return float(np.mean(true - (logits.sum(axis=1) - true) / (logits.shape[1] - 1)))


(train_images_all, train_labels_all), _ = data.load_fashion_mnist()
count = settings.smoothing_images
smoothing_images = data.to_float_images(train_images_all[:count]).reshape(count, -1)
smoothing_labels = train_labels_all[:count]

# %% slideshow={"slide_type": "subslide"}
gaps = {}
for smoothing in (0.0, 0.1):
    keras.utils.set_random_seed(0)
    classifier = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])  # logits out
    classifier.compile(optimizer=keras.optimizers.Adam(0.01),
                       loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing))
    gaps[smoothing] = []
    for stage in range(settings.smoothing_stages):
        classifier.fit(smoothing_images, keras.ops.one_hot(smoothing_labels, 10), batch_size=500,
                       epochs=settings.smoothing_epochs, verbose=0)
        gaps[smoothing].append(logit_gap(classifier, smoothing_images, smoothing_labels))
    print(f"label smoothing {smoothing}: logit gap after each stage {np.round(gaps[smoothing], 2)}")
plain, smoothed = np.array(gaps[0.0]), np.array(gaps[0.1])
# without smoothing the gap keeps growing, far past the bound; with it, it settles near log(0.91 / 0.01)
assert np.all(np.diff(plain) > 0) and plain[-1] > 2 * best_gap[10] and abs(smoothed[-1] / best_gap[10] - 1) < 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# Without smoothing the gap grows at every stage, to 13.21, nearly three times the bound; with
# it the gap settles at 4.42, within 10% of the bound for ten classes, $\log(0.91/0.01)$ (both
# asserted). Smaller logits mean less over-confident probabilities, which is the
# regularisation the paper wanted; its Section 7 reports an improvement of about 0.2 points in
# both top-1 and top-5 error on ImageNet.
#
# ## 5. Receptive fields on a graph with branches
# Notebook 01 followed one chain of layers: each $k \times k$ layer adds $(k-1)\,j$ pixels to the
# field, where $j$ (the *jump*) is the product of the strides before it. An Inception module
# has four paths from its input to its output. Each path has its own field; a unit of the
# concatenation sees the **union** of them, here the field of the widest path (the 5x5 branch
# in GoogLeNet, the 7x7 pairs in Inception v3). Araujo, Norris and Sim (Distill, 2019) give
# the algorithm: propagate size, jump and position along every path, and at a merge take the
# union, which is exact when the paths' fields are centred on the same pixel (they call such
# a network *aligned*; `support.receptive_field` raises an error where jumps differ). On
# GoogLeNet (notebook 04), with the gradient check of notebook 01 on two modules: the gradient
# of the centre unit of a module with respect to the input is non-zero exactly on the pixels it
# sees.

# %% slideshow={"slide_type": "-"}
googlenet_fields = rf.receptive_fields(googlenet)
for name in ("pool2", "inception_3a", "inception_3b", "inception_4a", "inception_4e", "inception_5b"):
    height, _ = googlenet_fields[name]
    print(f"{name:<13} field {height.size:>4.0f}  jump {height.jump:>3.0f}  map {height.length:>3}x{height.length}")
growth_3a = googlenet_fields["inception_3a"][0].size - googlenet_fields["pool2"][0].size
assert growth_3a == (5 - 1) * googlenet_fields["pool2"][0].jump  # the 5x5 branch sets the module's field
for name in ("inception_3a", "inception_3b"):
    (top, bottom), (left, right) = rf.empirical_receptive_field(googlenet, name)
    print(f"{name}: the centre unit's gradient covers {bottom - top + 1}x{right - left + 1} pixels")
    assert bottom - top + 1 == googlenet_fields[name][0].size
print(f"inception_5b's field is {googlenet_fields['inception_5b'][0].size / googlenet.input.shape[1]:.1f} times "
      f"the {googlenet.input.shape[1]}-pixel image")

# %% [markdown] slideshow={"slide_type": "notes"}
# Module 3a adds $(5-1) \times 8 = 32$ pixels, what its 5x5 branch adds at a jump of 8
# (asserted): the 1x1 and 3x3 branches see less, and the union is the widest. The gradient
# measurement agrees on 3a and 3b (59 and 91 pixels). The field of 5b is 3.2 times the size of
# the image: every unit of the last 7x7 map can see the whole image.
#
# For Inception v3, Araujo et al.'s library (`google-research/receptive_field`, whose table of
# TF-Slim networks the Distill article presents) lists the field, effective stride (our jump)
# and effective padding of every block, under TF-Slim's block names (`Mixed_5b` is the course's
# `mixed0`, and so on in order). Its Inception v3 rows, typed as data, against ours (our
# effective padding is how far the first unit's field reaches past the image's edge):

# %% slideshow={"slide_type": "subslide"}
ARAUJO_V3 = {  # receptive_field library, RECEPTIVE_FIELD_TABLE.md, inception_v3: (RF, stride, padding)
    "Conv2d_1a_3x3": (3, 2, 0), "Conv2d_2a_3x3": (7, 2, 0), "Conv2d_2b_3x3": (11, 2, 2),
    "MaxPool_3a_3x3": (15, 4, 2), "Conv2d_3b_1x1": (15, 4, 2), "Conv2d_4a_3x3": (23, 4, 2),
    "MaxPool_5a_3x3": (31, 8, 2), "Mixed_5b": (63, 8, 18), "Mixed_5c": (95, 8, 34), "Mixed_5d": (127, 8, 50),
    "Mixed_6a": (159, 16, 58), "Mixed_6b": (351, 16, 154), "Mixed_6c": (543, 16, 250),
    "Mixed_6d": (735, 16, 346), "Mixed_6e": (927, 16, 442), "Mixed_7a": (1055, 32, 490),
    "Mixed_7b": (1183, 32, 554), "Mixed_7c": (1311, 32, 618)}
course_names = ["stem1", "stem2", "stem3", "stem_pool1", "stem4", "stem5", "stem_pool2", *blocks]  # TF-Slim's order
inception_fields = rf.receptive_fields(inception)
for slim_name, course_name in zip(ARAUJO_V3, course_names, strict=True):
    field = inception_fields[course_name][0]
    ours_field = (field.size, field.jump, (field.size - 1) / 2 - field.start)
    assert ours_field == ARAUJO_V3[slim_name], (slim_name, course_name, ours_field, ARAUJO_V3[slim_name])
print(f"all {len(ARAUJO_V3)} blocks agree; mixed10 (Mixed_7c): field {inception_fields['mixed10'][0].size:.0f}, "
      f"{inception_fields['mixed10'][0].size / inception.input.shape[1]:.1f} times the {inception.input.shape[1]}-pixel image")

# %% [markdown] slideshow={"slide_type": "slide"}
# Every block agrees, in size, stride and padding (asserted). A unit of the last 8x8 map has a
# field 4.4 times the image. The four 17x17 modules `mixed4` to `mixed7` add most of it: the
# `7x7dbl` branch of each has two kernels 7 pixels tall, which add $2 \times 6 \times 16 =
# 192$ pixels at a jump of 16 (from 159 to 927, Mixed_6a to Mixed_6e in the table of Araujo et
# al., 2019). Two cautions from the same article: most of that field is padding at the borders,
# and the *effective* receptive field, where the gradient is large, is much smaller and
# roughly Gaussian (Luo et al., 2016). The table has no Inception v1 (GoogLeNet) row; our field
# for `inception_5b` rests on the same code, checked empirically above on 3a and 3b.
#
# ## 6. Errata of the source post
# **(a) Titled GoogLeNet, implements Inception v3.** The source post's code builds TF-Slim's
# `Mixed_5b` to `Mixed_7c` on a 299x299 input, with 35x35, 17x17 and 8x8 grids, the grids of
# Inception v3 (section 3); GoogLeNet's are 28x28, 14x14 and 7x7:

# %% slideshow={"slide_type": "-"}
print("GoogLeNet's grids:   ", sorted({layer.output.shape[1] for layer in googlenet.layers if len(layer.output.shape) == 4}))
print("Inception v3's grids:", sorted({layer.output.shape[1] for layer in inception.layers if len(layer.output.shape) == 4}))

# %% [markdown] slideshow={"slide_type": "-"}
# **(b) Python 2 prints.** The source post's code prints with Python 2's `print` statement
# (`print 'text' % values`, without parentheses), which Python 3 cannot even parse. A line of
# that form, compiled by this notebook's Python:

# %% slideshow={"slide_type": "-"}
source_line = "print '%s: step %d, duration = %.3f' % (now, step, duration)"  # Python 2's print statement
try:
    compile(source_line, "<source post>", "exec")
except SyntaxError as error:
    print(f"SyntaxError: {error.msg}")
fixed = compile("print(f'{now}: step {step}, duration = {duration:.3f}')", "<fixed>", "exec")  # the fix parses

# %% [markdown] slideshow={"slide_type": "slide"}
# The fix is the function `print(...)`.
#
# **(c) Irregular scope names.** TF-Slim names each layer by branch, position and kernel:
# `Conv2d_0b_5x5` is the second layer (`0b`) of a branch, a 5x5 convolution. TF-Slim's own
# `inception_v3.py` breaks the pattern once, in `Mixed_5c`'s 5x5 branch: `Conv2d_0b_1x1`
# then `Conv_1_0c_5x5`, names kept so that its published checkpoints still load (checked in
# `tensorflow/models`, `research/slim/nets/inception_v3.py`). A name typed by hand at each call
# drifts; the course's `conv2d_bn` derives every name from one `name` argument
# (`mixed1_5x5_2_conv`, ...). Which names the source post itself types, and whether it repeats
# or corrects TF-Slim's, needs the post's text, which this notebook does not hold.
#
# **(d) A benchmark reported as a mean.** The source post timed Inception v3's forward pass
# (not GoogLeNet's) with the same `time_tensorflow_run` function as the source posts' AlexNet
# code, which reports the mean and standard deviation of the step time and nothing about the
# machine's load. Notebook 06 takes that function's statistics apart: a mean hides a drift
# (steps that slow down as the run goes on), which the median and the range of the steps,
# and the load recorded with each result, expose. The course's own timings, next, follow
# that advice.
#
# ## 7. Timing GoogLeNet and Inception v3
# `python -m support.bench` times the course's models with the harness of notebook 02b and
# stores the results with their provenance in `course/results/`. The files are checked here:
# for both networks, the FLOPs and parameters in every file must be the ones counted above.
# In the first table, the rates come from the median step: images/s; TFLOP/s, the FLOPs of a
# step (counted as in section 3, three forward passes' worth for a gradients or training
# step) divided by its time, in $10^{12}$ per second; and `%matmul`, that rate as a percentage
# of the rate the same machine reached on a large matrix product in the same run (the file's
# `matmul` entry, notebook 06), so how close the network comes to the machine's best. The second table gives each timing's
# median with its range, from the fastest step to the slowest.

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
print(results.bench_table(measured, models=["googlenet", "inception_v3"]))
print(f"\n{'device':<18} {'backend':<10} {'model':<13} {'mode':<9} {'precision':<15} {'steps':>5} "
      f"{'median ms':>10} {'min ms':>9} {'max ms':>9}")
for row in results.bench_rows(measured, models=["googlenet", "inception_v3"]):
    assert math.isclose(row["median_ms"], float(np.median(row["times_ms"])))  # the file's median, from its steps
    print(f"{row['device']:<18} {row['backend']:<10} {row['model']:<13} {row['mode']:<9} {row['precision']:<15} "
          f"{len(row['times_ms']):>5} {row['median_ms']:>10.2f} {min(row['times_ms']):>9.2f} {max(row['times_ms']):>9.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# The course's 2-core CPU files, then the NVIDIA H200's (Keras on JAX, the source post's batch
# of 32, at 224x224 for GoogLeNet and 299x299 for Inception v3). On the H200, mixed bfloat16
# shortens Inception v3's training step from a median of 23.12 to 16.59 ms, and GoogLeNet's not
# at all (8.06 and 8.12 ms). The forward passes gain little or lose: Inception v3's median goes
# from 4.38 to 4.25 ms, GoogLeNet's from 2.00 to 2.48 ms. Notebook 06 sets these beside the
# other networks, whose large convolutions gain more.
#
# ## Summary
# * Factorised convolutions keep the receptive field and save weights: 28% for a 5x5 as two
#   3x3, 33% for a 3x3 as 1x3 and 3x1, 71% for a 7x7 as 1x7 and 7x1 (an $n \times n$ split
#   keeps $2/n$ of the weights).
# * Grid reduction by a strided convolution beside a strided pooling costs half the FLOPs of
#   pool-then-conv without its bottleneck.
# * The course's Inception v3 has Keras's 23,851,784 parameters; the paper's Table 1 differs
#   from every released implementation in its stem's last rows, its 288 channels into the first
#   35x35 module, and how it counts modules per grid.
# * Batch normalisation (from BN-Inception) is in every unit and, new in v3, in the auxiliary
#   head; label smoothing bounds the logit gap, measured: 4.42 against 13.21 without it.
# * Receptive fields through branches are unions; ours agree with Araujo et al.'s for every
#   block of Inception v3, whose last field is 4.4 times its image.
# * The source post: Inception v3 under GoogLeNet's name, Python 2, TF-Slim's irregular names,
#   and a benchmark reported as a mean.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers, to read after trying: [the answers to notebook
# 04b](answers/04b_inception_v3_answers.ipynb).
#
# 1. What is the receptive field, in pixels, of the `7x7` branch of `mixed4`, the first 17x17
#    module of Inception v3 (not the `7x7dbl` branch, nor the whole module)? The branch is a
#    1x1, then a 1x7, then a 7x1 convolution, all with stride 1 (see `inception_b` above), and
#    its input, the output of `mixed3` (`Mixed_6a`), has the field and stride (our jump) given
#    in Araujo et al.'s table (section 5).
#
#    *Hint:* a $k \times 1$ kernel adds $(k - 1)\,j$ to the field's height and nothing to its
#    width, a $1 \times k$ the reverse; after both, the field is square again.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the side of the field, in pixels
exercises.check_exercise("04b.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. With label smoothing $\varepsilon = 0.2$ and $K = 10$ classes (Fashion-MNIST's), what is
#    the target probability of the *true* class?
#
#    *Hint:* $\varepsilon$ is shared equally among all $K$ classes, the true one included.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: a probability
exercises.check_exercise("04b.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., Wojna, Z. (2016). Rethinking the
#   Inception architecture for computer vision. *CVPR 2016*, 2818–2826. arXiv:1512.00567.
#   (Sections 2–7, Tables 1 and 3.)
# * Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D., Vanhoucke,
#   V., Rabinovich, A. (2015). Going deeper with convolutions. *CVPR 2015*. arXiv:1409.4842.
# * Ioffe, S., Szegedy, C. (2015). Batch normalization: accelerating deep network training by
#   reducing internal covariate shift. *ICML 2015*, 448–456.
# * Krizhevsky, A., Sutskever, I., Hinton, G. E. (2012). ImageNet classification with deep
#   convolutional neural networks. *NeurIPS 2012*.
# * Araujo, A., Norris, W., Sim, J. (2019). Computing receptive fields of convolutional neural
#   networks. *Distill*, 4(11), e21. doi:10.23915/distill.00021. Table of TF-Slim networks:
#   github.com/google-research/receptive_field, `RECEPTIVE_FIELD_TABLE.md`.
# * Luo, W., Li, Y., Urtasun, R., Zemel, R. (2016). Understanding the effective receptive field
#   in deep convolutional neural networks. *NeurIPS 2016*.
# * Xiao, H., Rasul, K., Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for
#   benchmarking machine learning algorithms. arXiv:1708.07747.
# * Keras: `keras.applications.InceptionV3`; TF-Slim: `tensorflow/models`,
#   `research/slim/nets/inception_v3.py` (the code the source post copied).
# * The source post: the course's GoogLeNet blog post (notebook 01 lists the source posts),
#   an Inception v3 in TF-Slim under GoogLeNet's name.

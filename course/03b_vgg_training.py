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
# # 03b · VGG, part 2: cost, training recipe, initialisation, scale jittering, dense evaluation
#
# The second half of the VGG lesson (Simonyan and Zisserman, ICLR 2015; part 1 is [notebook
# 03](03_vgg.ipynb)): where VGG16's parameters, arithmetic and memory are, beside CS231n's
# breakdown; the paper's training recipe in Keras terms; the initialisation problem, measured;
# scale jittering; dense evaluation, with ImageNet weights where they can be downloaded; a
# short timing; and the errata of the VGG code of the source posts (the blog posts this course
# grew from, notebook 01).
#
# **Learning goals.** After this notebook you can
# * count VGG16's parameters, FLOPs and memory per layer, and say where each sits;
# * write the paper's training recipe in Keras, Caffe's weight decay included;
# * say why $N(0, 0.01^2)$ weights stall a deep plain network and He initialisation does not;
# * convert dense layers to convolutions for dense evaluation.
#
# **Prerequisites.** Notebook 03 (VGG's configurations built from one table, receptive
# fields) and notebooks 02 and 02b (AlexNet, dropout, timing).
#
# **Run time.** 48 to 84 s on a 2-core CPU like the CI machine's (with the CPU settings
# below), most of it the initialisation experiment. On a GPU it has not been run; the settings
# cell prints an estimate of its GPU settings on a Colab T4, marked as one. VGG16's timings on
# an NVIDIA H200 come from a results file (section "Timing, briefly"). Everything runs
# offline; only the cell that classifies a photograph with ImageNet weights needs internet
# (Colab).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code; it runs without notebook 03. Without internet, point
# `CNN_COURSE_DATA` at a folder holding `fashion-mnist/`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it). `quiet.setup()` then imports TensorFlow with its start-up
# chatter silenced; it must run before anything else imports TensorFlow. On a GPU the lesson
# runs as written; on a CPU the initialisation experiment uses fewer images, epochs and seeds.

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

import contextlib, io
import keras
import matplotlib.cbook
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import counting, data, exercises, hardware, models, plots, results, sizing, vgg as vgg_module

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(cpu={"init_images": 1024, "init_epochs": 4, "init_seeds": 2},
                                    gpu={"init_images": 8192, "init_epochs": 10, "init_seeds": 3})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("03b", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the cost is
# Per layer: parameters, *FLOPs* (floating-point operations; a multiply-add counts as 2) and
# activation memory (values in the layer's output, 4 bytes each in float32), for one
# 224x224 image, from `support.counting` (formulas in notebook 01); activations in KiB
# ($2^{10}$ bytes) in the table, in MB ($10^6$ bytes) in the text. VGG16 is configuration D:

# %% slideshow={"slide_type": "-"}
vgg16 = models.vgg("D")  # configuration D, as in notebook 03
table = counting.layer_table(vgg16)
print(counting.format_table(table))
by_name = {row["name"]: row for row in table}
total = counting.totals(table)
assert total["params"] == vgg16.count_params()

# %% slideshow={"slide_type": "subslide"}
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
shown = [row for row in table if row["type"] not in ("Flatten", "Dropout")]  # views: no new tensor (below)
plots.layer_bars(shown, columns=("params", "flops", "activations"), log=True, title="VGG16 per layer, one 224x224 image")

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "-"}
cs231n_rows = [  # (layer, memory as printed, weights as printed)
    ("INPUT", 150e3, 0), ("CONV3-64", 3.2e6, 1_728), ("CONV3-64", 3.2e6, 36_864), ("POOL2", 800e3, 0),
    ("CONV3-128", 1.6e6, 73_728), ("CONV3-128", 1.6e6, 147_456), ("POOL2", 400e3, 0),
    ("CONV3-256", 800e3, 294_912), ("CONV3-256", 800e3, 589_824), ("CONV3-256", 800e3, 589_824),
    ("POOL2", 200e3, 0), ("CONV3-512", 400e3, 1_179_648), ("CONV3-512", 400e3, 2_359_296),
    ("CONV3-512", 400e3, 2_359_296), ("POOL2", 100e3, 0), ("CONV3-512", 100e3, 2_359_296),
    ("CONV3-512", 100e3, 2_359_296), ("CONV3-512", 100e3, 2_359_296), ("POOL2", 25e3, 0),
    ("FC", 4096, 102_760_448), ("FC", 4096, 16_777_216), ("FC", 1000, 4_096_000)]
cs231n_totals = {"memory": 24e6, "megabytes": 93, "params": 138e6}

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The weights agree row by row (asserted): CS231n counts weights without biases (their
# number is printed), and the total rounds to their 138 million (asserted).
# The activations do not: their own rows add up to within 1% of our exact count (asserted;
# the rows are rounded), but the total they print, 24 million, is over 1.5 times that
# (asserted against our count). The 24M does not follow from the rows above it: our count, and theirs
# re-added, give 15.24M values, 61 MB per image for one forward pass
# in float32, well under the 93 MB of CS231n's notes. (We count the outputs of the input, every convolution,
# pooling and dense layer, as they do; ReLU works in place, and `Flatten` and `Dropout` at
# inference make no new tensor.)
#
# What that means for a batch. A forward pass that keeps nothing needs at most two
# neighbouring layers at once; training keeps every activation for the backward pass, and
# the backward pass makes a gradient of each (CS231n's "~*2 for bwd"). The weights are
# shared by the batch, but training also holds their gradients and SGD's momentum:

# %% slideshow={"slide_type": "-"}
peak_pair = max(a["activations"] + b["activations"] for a, b in zip(ours_rows, ours_rows[1:]))
weights_mb = 4 * total["params"] / 1e6
print(f"weights: {weights_mb:.0f} MB; with their gradients and momentum for training: {3 * weights_mb:,.0f} MB")
print(f"per image, inference, freeing as it goes: {4 * peak_pair / 1e6:.0f} MB; keeping all: {4 * exact / 1e6:.0f} MB")
print(f"per image, training (activations and their gradients): about {2 * 4 * exact / 1e6:.0f} MB")
for batch in (32, 256):
    print(f"batch {batch:>3}: training needs about {(3 * weights_mb + batch * 2 * 4 * exact / 1e6) / 1e3:.1f} GB")

# %% [markdown] slideshow={"slide_type": "notes"}
# These are estimates from the counts, not measurements (frameworks fuse, reuse and copy
# buffers). By this estimate the paper's batch of 256 needs tens of gigabytes for training.
# The authors split each batch across four NVIDIA Titan Black GPUs and trained each network
# for "2–3 weeks" (Section 3.3); a quarter of the estimate, plus a copy of the weights on
# each GPU, is still more than a Titan Black's 6 GB (NVIDIA's specification). The estimate
# overcounts: it keeps every activation and every activation's gradient for the whole batch
# at once, where a framework frees each gradient once it is used and overwrites buffers. The
# paper does not say how its batch fitted in memory.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The paper's training recipe in Keras terms
# Section 3.1: mini-batch gradient descent on the multinomial logistic regression
# (cross-entropy) loss, batch 256, momentum 0.9, weight decay "(the L2 penalty multiplier
# set to $5 \cdot 10^{-4}$)", dropout 0.5 after fc6 and fc7, learning rate $10^{-2}$
# divided by 10 when the validation accuracy stopped improving (three times), 370K
# iterations (74 epochs). In Keras:

# %% slideshow={"slide_type": "-"}
recipe = {"batch_size": 256, "momentum": 0.9, "weight_decay": 5e-4, "dropout_rate": 0.5,
          "learning_rate": 1e-2, "iterations": 370_000, "epochs": 74}  # Section 3.1
optimizer = keras.optimizers.SGD(learning_rate=recipe["learning_rate"], momentum=recipe["momentum"])
weight_decay = keras.regularizers.L2(recipe["weight_decay"] / 2)  # see below for the 1/2
plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", mode="max", factor=0.1, patience=1)
imagenet_train_images = 1_281_167  # ILSVRC-2012's training set (Russakovsky et al. 2015)
epochs = recipe["iterations"] * recipe["batch_size"] / imagenet_train_images
print(f"370K iterations of 256 images = {epochs:.1f} epochs of ImageNet; the paper says {recipe['epochs']}")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Weight decay.** Caffe, which the authors used, adds $\lambda w$ to each weight's gradient
# ($\lambda = 5 \cdot 10^{-4}$): the gradient of the penalty $\frac{\lambda}{2}\lVert w
# \rVert^2$. Keras's `L2(l2)` adds $l_2 \lVert w \rVert^2$ to the loss, whose gradient is
# $2 l_2 w$; so the same decay is `L2(2.5e-4)`. Checked with a gradient:

# %% slideshow={"slide_type": "-"}
kernel = tf.Variable(tf.random.normal((3, 3, 64, 64), seed=0))
with tf.GradientTape() as tape:
    penalty = weight_decay(kernel)
np.testing.assert_allclose(tape.gradient(penalty, kernel), recipe["weight_decay"] * kernel.numpy(), rtol=1e-6)
print("gradient of L2(2.5e-4) = 5e-4 * w: checked")

# %% [markdown] slideshow={"slide_type": "-"}
# (`SGD(weight_decay=...)` is different: Keras applies it to the weights directly, outside
# the momentum, which is not what Caffe did.) A model would get `kernel_regularizer=weight_decay`
# on every convolution and dense layer, `model.compile(optimizer, loss=
# "sparse_categorical_crossentropy")` and `fit(..., batch_size=256, callbacks=[plateau])`.
# The plateau rule, fed a made-up series of validation accuracies:

# %% slideshow={"slide_type": "subslide"}
toy = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
toy.compile(optimizer=optimizer, loss="mse")
plateau.set_model(toy)
plateau.on_train_begin()
for epoch, accuracy in enumerate([0.40, 0.55, 0.60, 0.60, 0.66, 0.68, 0.68, 0.69, 0.69]):
    plateau.on_epoch_end(epoch, {"val_accuracy": accuracy})
    rate = float(keras.ops.convert_to_numpy(toy.optimizer.learning_rate))
    print(f"epoch {epoch}: val_accuracy {accuracy:.2f} -> learning rate {rate:.0e}")

# %% [markdown] slideshow={"slide_type": "-"}
# Each epoch without a new best divides the rate by 10: three times here, as in the paper
# (patience 1 here; the paper does not say how long it waited). The training itself is out
# of reach of a CPU: notebook 05 trains the same builder on MNIST.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The initialisation question, measured
# Section 3.1: "the initialisation of the network weights is important, since bad
# initialisation can stall learning due to the instability of gradient in deep nets". The
# authors trained A (11 weight layers, the paper's Table 1) from random weights, then started
# the deeper networks from A's first four convolutions and three dense layers. Their random weights: "a normal
# distribution with the zero mean and $10^{-2}$ variance" (a standard deviation of 0.1;
# AlexNet's, often quoted for VGG too, is a standard deviation of 0.01). After the
# submission they found that Glorot and Bengio's initialisation (2010) trains the deep
# networks without pre-training.
#
# The experiment: a plain VGG-style stack of nine 3x3 convolutions, built from a table by the
# same builder (`head="gap"`: global average pooling, notebook 03, instead of the dense
# layers, for 28x28 images), on a subset of Fashion-MNIST, with four initialisations of the
# kernels. `models.initialise_kernels` draws each layer's kernel from a seed of its own: a
# Keras initialiser built twice with one seed draws the same numbers, so one seed for every
# layer would make the layers of one shape identical (an earlier version of this notebook did,
# and `tests/test_models.py` now checks it).

# %% slideshow={"slide_type": "-"}
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


# %% [markdown] slideshow={"slide_type": "notes"}
# *Glorot* (uniform, Keras's default) draws weights with variance $2 / (n_{in} + n_{out})$,
# which keeps the signal's variance through a linear layer when $n_{in} = n_{out}$; *He* (He
# et al., 2015) uses $2 / n_{in}$, twice Glorot's when $n_{in} = n_{out}$, because a ReLU
# zeroes half its inputs. Here $n_{in}$ is
# $k^2 C_{in}$ for a convolution. First, the gradient of the loss on one batch of 256 images
# with respect to each layer's kernel, at initialisation:

# %% slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "-"}
# Now train each for `settings.init_epochs` epochs, from `settings.init_seeds` random seeds,
# and record the training loss of each epoch:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
losses = {name: [] for name in initialisers}
for name, initialiser in initialisers.items():
    for seed in range(settings.init_seeds):
        network = plain_stack(initialiser, seed)
        history = network.fit(images, labels, batch_size=64, epochs=settings.init_epochs, verbose=0, shuffle=True)
        losses[name].append(history.history["loss"])
    print(f"{name:<12} final training loss per seed: {[round(run[-1], 3) for run in losses[name]]}")
chance = np.log(10)  # the loss of a uniform guess over 10 classes
assert all(run[-1] > chance - 0.01 for run in losses["N(0, 0.01²)"])
assert all(run[-1] < chance - 0.5 for run in losses["He"])

# %% slideshow={"slide_type": "subslide"}
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
right.axhline(chance, color="lightgray", linewidth=3, zorder=0, label="chance, ln 10")  # first, underneath
styles = dict(zip(initialisers, [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":")]))  # marker, line
for name in initialisers:
    marker, line = styles[name]
    left.semilogy(range(1, 11), gradient_norms[name], marker=marker, linestyle=line, label=name)
    for index, run in enumerate(losses[name]):
        right.plot(range(1, len(run) + 1), run, color=left.lines[-1].get_color(), marker=marker,
                   linestyle=line, label=name if index == 0 else None)
left.set(xlabel="layer (1 = next to the input, 10 = the dense output)", ylabel="gradient norm of its kernel",
         title="At initialisation, one batch of 256")
right.set(xlabel="epoch", ylabel="training loss", title=f"Training, {settings.init_images} images, batch 64",
          xticks=range(1, settings.init_epochs + 1))
right.legend(fontsize=8)
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
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
# below chance; exercise 2 gives it more epochs.
# Batch normalisation (notebook 05) makes training far less sensitive to this choice, though
# the initialisation still matters.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Scale jittering and multi-scale training
# Section 3.1: each training image is rescaled so that its smaller side is $S$, then a
# 224x224 crop is taken at random (and flipped horizontally at random). With fixed $S = 256$
# the crop covers most of the image; with *scale jittering* $S$ is drawn from $[256, 512]$
# for every image, so the network sees objects at many sizes. On a real photograph
# (matplotlib ships it):

# %% slideshow={"slide_type": "-"}
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


# %% slideshow={"slide_type": "subslide"}
sides = [256, 256] + [int(side) for side in rng.integers(256, 513, size=4)]
crops = [jitter(photo, side, rng) for side in sides]
figure, axes = plt.subplots(1, 6, figsize=(13, 2.6))
for axis, crop, side in zip(axes, crops, sides):
    covered = 224**2 / (side * side * photo.shape[0] / photo.shape[1])
    axis.imshow(crop)
    axis.set(title=f"S = {side}: {covered:.0%} of it", xticks=[], yticks=[])
figure.suptitle("224x224 training crops: two at fixed S = 256, then S drawn from [256, 512]")
plt.tight_layout()


# %% [markdown] slideshow={"slide_type": "notes"}
# At $S = 256$ a crop shows most of the photograph; near $S = 512$ a small part of it (the
# share is in each title). Table 3, at the same test scale $Q = 384$: training with $S$
# drawn from [256, 512] instead of a fixed $S = 384$ lowered D's top-1 error from 26.8% to
# 25.6%, and E's from 26.9% to 25.5%. The training images were also given a random RGB
# colour shift, as in AlexNet (Section 3.1). To
# train this fast, the rescaling and cropping belong in the `tf.data` pipeline, as in
# notebook 02b. The jittered networks were initialised from a network trained at fixed
# $S = 384$ (Section 3.1).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dense evaluation
# At test time the paper used *multi-crop evaluation* (many crops of each test image
# classified, their scores averaged) and *dense evaluation*, each alone and the two
# together (Table 5; Table 7's best result uses both). For dense evaluation it converted fc6 into a 7x7 convolution and fc7 and
# fc8 into 1x1 convolutions (Section 3.2), so the network takes an image of any size and
# returns a map of class scores, one per 32-pixel step; the map is then averaged. Since
# pool5 is 7x7x512 on a 224 image and `Flatten` orders it by row, then column, then channel
# (the channel varying fastest), fc6's
# 25,088x4096 weight matrix is a 7x7 convolution's kernel from 512 channels to 4096, reshaped. The conversion, reusing the
# convolution layers (so their weights are shared) and copying the dense weights:

# %% slideshow={"slide_type": "-"}
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


# %% slideshow={"slide_type": "-"}
dense_vgg16 = dense_to_conv(vgg16)
photo_224 = tf.image.resize(photo[None].astype("float32"), (224, 224)) - 127.0  # roughly centred
classified = keras.ops.convert_to_numpy(vgg16(photo_224))  # random weights: the check is about equality
as_map = keras.ops.convert_to_numpy(dense_vgg16(photo_224))
print("dense network:", classified.shape, "  fully convolutional:", as_map.shape)
print("fc6's kernel:", tuple(vgg16.get_layer("fc1").kernel.shape), "->", tuple(dense_vgg16.get_layer("fc1_conv").kernel.shape))
np.testing.assert_allclose(as_map[:, 0, 0, :], classified, rtol=1e-4, atol=1e-9)
print("equal within a relative tolerance of 1e-4")

# %% [markdown] slideshow={"slide_type": "-"}
# At 224x224 the score map is 1x1 and equals the dense network's output (asserted, up to
# float32 rounding in a different order of sums). On a larger image the same weights give
# a map. At the paper's test scale $Q = 384$ (smaller side), the 600x512 photograph becomes
# 450x384:

# %% slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The 8x6 map holds one score vector per 224x224 window, the windows overlapping and 32
# pixels (pool5's jump) apart, all evaluated in one pass, whose shared convolutions are
# computed once (the paper's argument against re-running the network on many crops). The
# map is averaged ("sum-pooled"), and averaged with the flipped image's.
# One difference from cropping, which the paper points out: a window of the map sees its
# neighbouring pixels where a crop would see zero padding. So the map's corner is not the
# network's output on the corner crop:

# %% slideshow={"slide_type": "-"}
corner_window = keras.ops.convert_to_numpy(dense_vgg16(photo_q[:, :224, :224]))[0, 0, 0]
difference = np.abs(corner_window - score_map[0, 0, 0]).max() / score_map[0, 0, 0].max()
print(f"corner of the map against the corner crop: largest difference {difference:.0%} of the top score")
assert difference > 1e-3

# %% [markdown] slideshow={"slide_type": "subslide"}
# The difference (printed, as a share of the top score) is far above float32 rounding: the
# boundary conditions differ. The paper found dense and multi-crop evaluation complementary, their
# combination best (Table 5).
#
# ### With ImageNet weights
# Where the pretrained weights can be downloaded (Colab), the next cell classifies the
# photograph with `keras.applications.VGG16(weights="imagenet")`, by the dense network on a
# 224x224 image and by dense evaluation at $Q = 384$. Offline (as in CI) it says so and goes
# on.

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
try:
    with contextlib.redirect_stdout(io.StringIO()):  # the download's progress bar
        pretrained = keras.applications.VGG16(weights="imagenet")
        keras.applications.vgg16.decode_predictions(np.eye(1000)[:1], top=1)  # fetches the class names
except Exception:  # keras raises a plain Exception when a download fails
    pretrained = None
    print("The ImageNet weights of VGG16 could not be downloaded here (no internet), so the "
          "photograph is not classified; on Colab this cell classifies it.")


# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Timing, briefly
# How long does VGG16 take? The course's harness (notebook 02b explains it; notebook 06
# measures all of the course's networks with it) is run by `python -m support.bench`, and its
# results are stored in `course/results/` with their provenance. `results.check_flops`
# raises an error if a file's VGG16 rows differ from the network built here in FLOPs,
# parameters or input shape. The FLOPs are also counted by hand from the Keras model's
# kernels, 2 per weight per output position, and compared with each row:

# %% slideshow={"slide_type": "-"}
records = [record for record in results.load_results("bench")
           if any(row["model"] == "vgg_D" for row in record["results"])]
hand_flops = sum(2 * int(np.prod(layer.kernel.shape)) * int(np.prod(layer.output.shape[1:-1]))
                 for layer in vgg16.layers if type(layer).__name__ in ("Conv2D", "Dense"))
for record in records:
    results.check_flops(record, vgg16)  # raises ValueError on a mismatch
    assert all(row["flops_per_image"] == hand_flops for row in results.bench_rows([record], models=["vgg_D"]))
print(f"{len(records)} results files hold VGG16; every row's FLOPs per image equal the hand count, {hand_flops:,}")

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
print(results.bench_table(records, models=["vgg_D"]))
if not any(results.is_gpu(record) for record in records):
    print("No GPU file holds VGG16 yet: the GPU figures will come from python -m support.bench on a GPU.")

# %% [markdown] slideshow={"slide_type": "notes"}
# The rows from the course's 2-core CPU take seconds per batch; the NVIDIA H200 rows (Keras
# on JAX, measured on 2026-12-04) take milliseconds: a median of 3.67 ms forward and 18.46 ms
# per training step for a batch of 32 in float32, 2.43 ms and 9.70 ms in `mixed_bfloat16`
# (notebook 06 reads these files in full). The source post on VGG timed its network
# too, on a CPU; erratum (a) below compares its figures with the CPU rows, once it has shown
# which network the post actually timed.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Errata of the source posts' VGG code
# **(a) `n_out=2512` in conv4_3.** The source post on VGG built conv4_3 with `n_out=2512`
# instead of 512. Its `conv_op` read the input channels from the tensor it was given, so
# nothing failed: the post silently built and timed a bigger network. The same table with
# that typo builds what the post built:

# %% slideshow={"slide_type": "-"}
typo_config = list(vgg_module.VGG_CONFIGS["D"])
position = 12  # conv4_3: after 2 + 2 + 3 convolutions, 3 poolings, and conv4_1, conv4_2
assert typo_config[position - 2:position + 2] == [512, 512, 512, "M"]
typo_config[position] = 2512
typo = models.vgg(typo_config, name="vgg16_typo")
typo_total = counting.totals(counting.layer_table(typo))
print("stage 4 of the typo:", vgg_module.config_stages(typo_config)[3][0])
for key in ("params", "flops"):
    print(f"{key:<6}: {typo_total[key]:>17,.0f} against {total[key]:>17,.0f} (+{typo_total[key] / total[key] - 1:.0%})")

# %% [markdown] slideshow={"slide_type": "-"}
# What breaks: conv4_3 and conv5_1 have the wrong shapes, so the typo network cannot take
# VGG16's weights, ours or ImageNet's:

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# And its timings were of another network, with the extra parameters and FLOPs printed
# above: the post's VGG16 figures overstate VGG16's cost. The post timed it at about 14 s
# forward and 47 s forward-backward per batch of 32 on its CPU. Its forward-backward was
# `tf.gradients` without an optimiser update: the harness's `gradients` mode. Beside the
# stored VGG16 rows, per image, then per FLOP (dividing by the ratio of the two networks'
# FLOPs, which assumes time in proportion to FLOPs; notebook 06 tests when it is):

# %% slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "notes"}
# The course's 2-core CPU files (stored, not re-measured here) are faster per image in every
# row (asserted), with XLA-compiled steps (XLA, Accelerated Linear Algebra, is the compiler
# that TensorFlow and JAX use to fuse operations; notebook 06); per FLOP the factors (printed) are smaller by the
# FLOP ratio. Which CPU the post used is not known, so a factor says something about software
# and hardware together, not about either alone. Notebook 02 splits a training step into
# forward, backward and update.
#
# **(b) The benchmark statistics.** The VGG source post reused the AlexNet source post's
# `time_tensorflow_run`. Its summary, a tenth of its step times with a "deviation" several
# times the mean, is no rounding problem of the one-pass $\sqrt{E[t^2] - E[t]^2}$ (on such
# steps one-pass and two-pass agree): the copied loop summed eleven steps, one a burn-in, and
# divided by a hundred. Notebook 06 recovers the eleven from the post's two figures and
# reproduces them; `support.timing` sums every step after the warm-up, with a two-pass
# deviation.
#
# **(c) What the MNIST source post changed.** Five poolings shrink 28x28 digits to nothing, which
# the builder refuses with a plain message:

# %% slideshow={"slide_type": "-"}
try:
    models.vgg("D", input_shape=(28, 28, 1), num_classes=10)
except ValueError as error:
    print(error)

# %% [markdown] slideshow={"slide_type": "slide"}
# So the MNIST version (notebook 05) is the same builder with another table:
# `MNIST_VGG_CONFIGS`, three poolings, batch normalisation and global average pooling.
#
# ## Summary
# * fc6 holds most of VGG16's parameters; the convolutions do over 99% of its FLOPs
#   (asserted); a forward pass's activations fill well under the 93 MB per image of CS231n's
#   notes (their rows agree with our count, their printed total of 24M values does not).
# * With $N(0, 0.01^2)$ weights a nine-layer plain stack does not train; He initialisation
#   does, and Glorot is slow with ReLU.
# * The recipe in Keras: `SGD(0.01, momentum=0.9)`, batch 256, `L2(2.5e-4)` for Caffe's
#   weight decay of $5 \cdot 10^{-4}$, dropout 0.5, `ReduceLROnPlateau(factor=0.1)`; scale
#   jittering trains on 224 crops of images rescaled to a random $S \in [256, 512]$.
# * Dense evaluation turns fc6 to fc8 into convolutions: the same outputs at 224, a class
#   map on larger images.
# * The source post's `n_out=2512` typo built a bigger network than VGG16, which cannot take
#   VGG16's weights; its timings were of that network.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers, to read after trying: [the answers to notebook
# 03b](answers/03b_vgg_training_answers.ipynb).
#
# 1. Fed images of 256 by 256 pixels instead of 224 by 224, VGG16's pool5 is 8x8 instead of
#    7x7, still with 512 channels. How many FLOPs per image does fc6 (`fc1`) take then, a
#    multiply-add counting as 2? Three significant figures are enough.
#
#    *Hint:* a dense layer does $n_{in} \cdot n_{out}$ multiply-adds.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: FLOPs of fc6 per 256x256 image
exercises.check_exercise("03b.1", answer)  # 3 significant figures are enough

# %% [markdown] slideshow={"slide_type": "-"}
# 2. *(Open.)* Train the nine-layer plain stack from seed 0 with Glorot and with He
#    initialisation for more epochs than the experiment's `settings.init_epochs`. Criterion:
#    for each, the first epoch at which the training loss falls below 2; which needs more
#    epochs, and why? The worked answer trains both on from the experiment's epochs (on a
#    CPU fewer images and epochs than on a GPU) and predicts their gradients layer by layer.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * K. Simonyan and A. Zisserman. Very Deep Convolutional Networks for Large-Scale Image
#   Recognition. ICLR 2015. arXiv:1409.1556.
# * Stanford CS231n. Convolutional Neural Networks for Visual Recognition, course notes,
#   "Convolutional Neural Networks: Architectures, Convolution / Pooling Layers", section
#   "VGGNet in detail". cs231n.github.io/convolutional-networks/.
# * X. Glorot and Y. Bengio. Understanding the Difficulty of Training Deep Feedforward Neural
#   Networks. AISTATS 2010.
# * K. He, X. Zhang, S. Ren and J. Sun. Delving Deep into Rectifiers: Surpassing Human-Level
#   Performance on ImageNet Classification. ICCV 2015.
# * A. Krizhevsky, I. Sutskever and G. E. Hinton. ImageNet Classification with Deep
#   Convolutional Neural Networks. NeurIPS 2012.
# * Y. Jia et al. Caffe: Convolutional Architecture for Fast Feature Embedding. ACM
#   Multimedia 2014.
# * O. Russakovsky et al. ImageNet Large Scale Visual Recognition Challenge. International
#   Journal of Computer Vision 115(3), 2015.

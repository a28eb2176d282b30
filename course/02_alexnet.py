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
# # 02 · AlexNet: what was new in 2012, measured
#
# Krizhevsky, Sutskever and Hinton's network (NeurIPS 2012) built and counted layer by layer,
# and its new ideas (ReLU, local response normalisation, overlapping pooling, dropout, two
# GPUs), each shown with a cell that measures it. Part 2, [notebook
# 02b](02b_alexnet_training.ipynb), covers data augmentation, trains an AlexNet-style network,
# shows data parallelism, times AlexNet and reproduces three errata of the code of **the
# source posts**, the five blog posts the course grew from (notebook 01).
#
# **You will learn to**
# * read AlexNet written in Keras, and count its parameters and FLOPs per layer;
# * separate two causes of a training speed-up, the input scale and the initialisation, by
#   measuring gradients, and compare two activations fairly, each at its own best learning
#   rate;
# * say what ReLU, local response normalisation, overlapping pooling and dropout do, each from
#   a cell that measures it, and what the paper claimed for them;
# * relate the 2012 two-GPU split to grouped convolutions, and estimate the memory training
#   needs.
#
# **Prerequisites.** Notebook 01 (output sizes, parameter counts, receptive fields, LeNet-5);
# Python, NumPy, and training a Keras model with `fit`.
#
# **Run time.** 63 to 87 s on a 2-core CPU like the CI machine's, with the CPU settings (CI's two lanes, `course/run_times.json`), most of it the ReLU and tanh race. On a GPU it has not been run; the settings cell prints an estimate of its GPU
# settings on a Colab T4, marked as one.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `fashion-mnist/`.
#
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it).

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

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import alexnet as alexnet_module, counting, data, exercises, hardware, models, plots, show, sizing
from support import layers as course_layers

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% [markdown] slideshow={"slide_type": "skip"}
# The GPU settings are the lesson as written; on a CPU the ReLU and tanh race (below) trains
# each network on fewer images, for one epoch instead of two, and with fewer seeds.

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"race_images": 3200, "race_seeds": 3, "race_epochs": 1, "race_rates": (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)},
    gpu={"race_images": 6400, "race_seeds": 5, "race_epochs": 2, "race_rates": (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("02", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## AlexNet in 2012
# The paper's figures, as data (Krizhevsky et al., 2012): top-5 test error of its ILSVRC-2012
# entry and of the runner-up (Table 2), and the gains it reports for its new ideas, in
# points of top-1 and top-5 error (Sections 3.1 to 3.4), quoted in the sections below.

# %% slideshow={"slide_type": "-"}
paper = {"top5_error": 15.3, "runner_up_top5_error": 26.2,  # Table 2
         "parameters": 60e6,  # Abstract and Section 4: "60 million parameters"
         "relu_speedup": 6,  # Figure 1: 25% training error on CIFAR-10, ReLU vs tanh
         "two_gpu_gain": (1.7, 1.2), "lrn_gain": (1.4, 1.2), "overlap_gain": (0.4, 0.3)}
lead = paper["runner_up_top5_error"] - paper["top5_error"]
print(f"top-5 error {paper['top5_error']}% against {paper['runner_up_top5_error']}%: "
      f"a lead of {lead:.1f} points")

# %% [markdown] slideshow={"slide_type": "slide"}
# A lead of that many points over the best entry without a convolutional network. The rest of
# this notebook is about how.
#
# ## The network, layer by layer
# Five convolutions (96-256-384-384-256 filters), three overlapping max-poolings, two
# normalisation layers, and three dense layers (fc6, fc7 and the 1000-way fc8). The paper
# says its input is 224x224x3, but an 11x11 kernel with stride 4 gives its 55x55 maps only
# from 227x227. Notebook 01's output size, with $p$ pixels of padding on each side, is
# $\lfloor (n + 2p - k)/s \rfloor + 1$; $p = 0$ is VALID:

# %% slideshow={"slide_type": "-"}
for size, padding in ((224, "valid"), (227, "valid"), (224, "same")):
    side = counting.output_size(size, 11, 4, padding)
    print(f"{size}x{size} input, 11x11 stride 4, {padding:<5} -> {side}x{side}")
total_padding_for_55 = (55 - 1) * 4 + 11 - 224  # the last window must end at pixel 224 + padding
print(f"55x55 from 224x224 needs windows over {(55 - 1) * 4 + 11} pixels: {total_padding_for_55} pixels of "
      f"padding in all, {total_padding_for_55 / 2} per side")

# %% [markdown] slideshow={"slide_type": "notes"}
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

# %% slideshow={"slide_type": "subslide"}
show.source(alexnet_module.alexnet)

# %% slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
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
# introduced it for restricted Boltzmann machines), than with $\tanh x$, each with the
# learning rate that trained it fastest (Section 3.1). In miniature: a small CNN on the first
# Fashion-MNIST images (`settings.race_images` of them), with tanh or with ReLU, the same initial
# weights, SGD with momentum 0.9. The 2012 recipe differs from today's in two ways at once,
# and both matter here. The inputs: AlexNet's are raw 0-255 pixel values minus the mean image
# (Section 2); today's are standardised. The initialisation: AlexNet drew its weights from
# $N(0, 0.01^2)$ (Section 5); Keras's default is Glorot's.

# %% slideshow={"slide_type": "-"}
(fashion_x, fashion_y), _ = data.load_fashion_mnist()
relu_x, relu_y = fashion_x[:settings.race_images], fashion_y[:settings.race_images]
pixels = relu_x.astype("float32")[..., np.newaxis]
inputs = {"raw": pixels - pixels.mean(axis=0),  # AlexNet: subtract the mean image, no scaling
          "standardised": (pixels - pixels.mean()) / pixels.std()}  # mean 0, standard deviation 1
for name, images in inputs.items():
    print(f"{name:<12} inputs: standard deviation {images.std():6.2f}")

# %% slideshow={"slide_type": "-"}
def small_cnn(activation, init_stddev=None, learning_rate=0.001, seed=0, conv2_bias=0.0):
    """conv 5x5x16, pool, conv 5x5x32, pool, softmax; N(0, init_stddev) or Glorot weights."""
    keras.utils.set_random_seed(seed)  # the same initial weights for both activations
    init = (lambda: keras.initializers.RandomNormal(stddev=init_stddev)) if init_stddev else (lambda: "glorot_uniform")
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 5, padding="same", activation=activation, kernel_initializer=init()),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 5, padding="same", activation=activation, kernel_initializer=init(),
                            bias_initializer=keras.initializers.Constant(conv2_bias)),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=init())])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

# %% [markdown] slideshow={"slide_type": "-"}
# One explanation of ReLU's advantage is saturation: a tanh unit whose output is near ±1 has
# a slope near 0 and passes almost no gradient back. With the 2012 recipe, how many of
# conv1's tanh units start saturated, $|\tanh x| > 0.99$, where the slope $1 - \tanh^2 x$ is under $0.02$?

# %% slideshow={"slide_type": "subslide"}
for name, scale, stddev in (("2012", "raw", 0.01), ("today", "standardised", None)):
    first_layer = small_cnn("tanh", stddev).layers[0]
    outputs = keras.ops.convert_to_numpy(first_layer(inputs[scale][:256]))
    print(f"{name:<6} recipe: {np.mean(np.abs(outputs) > 0.99):.0%} of conv1's tanh outputs saturated")

# %% [markdown] slideshow={"slide_type": "notes"}
# Many with the 2012 recipe, none with today's. But a training step's size depends on more
# than saturation: SGD moves each weight matrix $W$ by the learning rate times its gradient,
# so what matters is the **relative gradient** $\lVert \nabla W \rVert / \lVert W \rVert$, the
# step as a fraction of the weights. The two factors, the input scale and the
# initialisation, measured apart (a 2x2 design, both activations, three seeds, one batch of
# 64 images), and, for ReLU, AlexNet's bias of 1, which the paper gives conv2, conv4, conv5
# and the hidden dense layers (Section 5): here conv2's.

# %% slideshow={"slide_type": "-"}
def relative_gradients(model, images, labels):
    """||dloss/dW|| / ||W|| for each kernel (conv1, conv2, dense), on one batch."""
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, model(images)))
    kernels = [layer.kernel for layer in model.layers if layer.weights]
    return np.array([float(tf.norm(g) / tf.norm(k)) for g, k in zip(tape.gradient(loss, kernels), kernels)])

# %% slideshow={"slide_type": "-"}
designs = [(activation, scale, init, 0.0) for activation in ("tanh", "relu") for scale in inputs
           for init in ("N(0, 0.01^2)", "Glorot")] + [("relu", "raw", "N(0, 0.01^2)", 1.0)]
relative = {design: np.stack([relative_gradients(
                small_cnn(design[0], 0.01 if design[2] != "Glorot" else None, seed=seed, conv2_bias=design[3]),
                inputs[design[1]][:64], relu_y[:64]) for seed in range(3)]) for design in designs}

# %% slideshow={"slide_type": "-"}
print(f"{'activation, inputs, initialisation, conv2 bias':<48}relative gradient of conv1, conv2, dense "
      "(mean; min to max over 3 seeds)")
for design, runs in relative.items():
    cells = "  ".join(f"{mean:6.3f} ({low:.3f}-{high:.3f})"
                      for mean, low, high in zip(runs.mean(0), runs.min(0), runs.max(0)))
    print(f"{', '.join(map(str, design)):<48}{cells}")
for activation in ("tanh", "relu"):
    for init in ("N(0, 0.01^2)", "Glorot"):  # raw over standardised inputs, the smallest over seeds
        raw, standard = relative[activation, "raw", init, 0.0], relative[activation, "standardised", init, 0.0]
        print(f"{activation:<5}{init:<13} raw inputs / standardised: {np.round(raw.mean(0) / standard.mean(0), 1)}")
        assert np.all(raw.min(0) > 1.5 * standard.max(0))  # raw pixels: larger on every seed, every layer

# %% slideshow={"slide_type": "subslide"}
factor = {(activation, init): np.exp(np.mean(np.log(relative[activation, "raw", init, 0.0].mean(0)
                                                     / relative[activation, "standardised", init, 0.0].mean(0))))
          for activation in ("tanh", "relu") for init in ("N(0, 0.01^2)", "Glorot")}
print("raw over standardised, geometric mean of the three layers:",
      {f"{a}, {i}": round(float(f), 1) for (a, i), f in factor.items()})
for init in ("N(0, 0.01^2)", "Glorot"):
    assert factor["relu", init] > 2 * factor["tanh", init]  # the input scale reaches ReLU more
for activation in ("tanh", "relu"):  # the 2012 initialisation alone: smaller steps in conv2 and dense
    small = relative[activation, "standardised", "N(0, 0.01^2)", 0.0][:, 1:]
    assert np.all(small.max(0) < 0.5 * relative[activation, "standardised", "Glorot", 0.0][:, 1:].min(0))

# %% [markdown] slideshow={"slide_type": "notes"}
# The input scale is the large factor: with raw pixels every layer's relative gradient is
# larger than with standardised inputs, on every seed and with either initialisation
# (asserted, by a factor of at least 1.5), and the factor (printed, a geometric mean over the
# three layers) is far larger for ReLU than for tanh (asserted: more than twice). ReLU is
# positively homogeneous: without biases, scaling its input by $c > 0$ scales every
# pre-activation by $c$; tanh is not, since its outputs are bounded by 1. The 2012
# initialisation alone works the other way: with standardised inputs its small weights give
# conv2 and the dense layer relative gradients less than half of Glorot's on every seed
# (asserted). AlexNet's bias of 1 in conv2 raises ReLU's relative gradients further, most in
# the dense layer (the row with conv2 bias 1.0). So the large steps of the 2012 recipe come
# from the raw pixel scale, not from its initialisation. A larger step can also be had from
# the learning rate, which is why the race below gives each network its own.

# %% [markdown] slideshow={"slide_type": "notes"}
# Now the race, measured so that no single noisy moment decides it. Each network is trained
# from several seeds, and its score is the **mean training error over every batch** of its
# training (the area under the error curve divided by its length), each batch's error
# measured before the update it makes. The paper gave each network the learning rate that
# trained it fastest, so each recipe and activation runs at every rate of a grid wide enough
# that each best rate lies inside it (asserted below).
#
# `train_on_batch` returns the loss and metrics of the batch it trained on only if the
# metrics were reset first: Keras 3.8 to 3.14 return the running mean over every earlier
# call (3.15 resets them itself), so the function below calls `reset_metrics()` each time.

# %% slideshow={"slide_type": "-"}
def training_errors(model, images, labels, epochs, batch_size=64):
    """Training error of every batch, measured before the update that batch makes."""
    errors = []
    for _ in range(epochs):
        for start in range(0, len(images), batch_size):
            model.reset_metrics()  # else Keras < 3.15 returns a running mean
            logs = model.train_on_batch(images[start:start + batch_size],
                                        labels[start:start + batch_size], return_dict=True)
            errors.append(1.0 - logs["accuracy"])
    return np.asarray(errors)

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
recipes, activations, rates = {"2012": ("raw", 0.01), "today": ("standardised", None)}, ("tanh", "relu"), settings.race_rates
scores = {}  # (recipe, activation, rate): one score per seed
for recipe, (scale, stddev) in recipes.items():
    for activation in activations:
        for rate in rates:
            scores[recipe, activation, rate] = np.array([
                training_errors(small_cnn(activation, stddev, rate, seed), inputs[scale], relu_y,
                                settings.race_epochs).mean() for seed in range(settings.race_seeds)])
        print(f"{recipe:<6}{activation:<5} score at each rate (mean over seeds):",
              ", ".join(f"{rate}: {scores[recipe, activation, rate].mean():.3f}" for rate in rates))

# %% [markdown] slideshow={"slide_type": "-"}
# One rule decides every comparison, the same everywhere in the course: an activation is
# better only if its score is lower **on every seed**; otherwise there is no clear winner.
# Applied at each network's own best rate (the rate with the lowest mean score), and, for
# comparison, at every rate:

# %% slideshow={"slide_type": "subslide"}
def verdict(relu_scores, tanh_scores):
    """'ReLU' or 'tanh' if its score is lower on every seed, else 'no clear winner'."""
    return ("ReLU" if np.all(relu_scores < tanh_scores) else "tanh" if np.all(tanh_scores < relu_scores)
            else "no clear winner")

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
best, verdicts = {}, {}
for recipe in recipes:
    best.update({(recipe, a): min(rates, key=lambda rate: scores[recipe, a, rate].mean()) for a in activations})
    tanh_best, relu_best = scores[recipe, "tanh", best[recipe, "tanh"]], scores[recipe, "relu", best[recipe, "relu"]]
    verdicts[recipe] = verdict(relu_best, tanh_best)
    print(f"{recipe}: best rates tanh {best[recipe, 'tanh']}, ReLU {best[recipe, 'relu']}; seeds there: "
          f"tanh {np.round(tanh_best, 3)}, ReLU {np.round(relu_best, 3)}; verdict: {verdicts[recipe]}")
    print("   at each rate:", ", ".join(f"{rate}: {verdict(scores[recipe, 'relu', rate], scores[recipe, 'tanh', rate])}"
                                      for rate in rates))

# %% slideshow={"slide_type": "-"}
assert all(rates[0] < rate < rates[-1] for rate in best.values())  # every best rate inside the grid
assert verdict(scores["2012", "relu", 0.001], scores["2012", "tanh", 0.001]) == "ReLU"  # one shared rate
assert best["2012", "relu"] < best["2012", "tanh"]  # the 2012 recipe: ReLU needs a smaller rate
if settings.profile == "cpu":  # measured on the CPU settings; the GPU settings' verdicts are printed
    assert "ReLU" not in verdicts.values()  # each at its own best rate, ReLU is not ahead
print("asserted: best rates inside the grid; ReLU ahead at 0.001 with the 2012 recipe"
      + ("; ReLU not ahead at the best rates" if settings.profile == "cpu" else ""))

# %% slideshow={"slide_type": "subslide"}
figure, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
for axis, recipe in zip(axes, recipes):
    for activation in activations:
        runs = np.stack([scores[recipe, activation, rate] for rate in rates])  # rates x seeds
        axis.plot(rates, runs.mean(axis=1), marker="o", label=activation)
        axis.fill_between(rates, runs.min(axis=1), runs.max(axis=1), alpha=0.25)
    axis.set(title=f"{recipe} recipe", xscale="log", xlabel="learning rate", ylim=(0, 1))
axes[0].set_ylabel("score: mean training error\n(band: seeds)")
axes[0].legend()
plt.tight_layout()

# %% [markdown] slideshow={"slide_type": "notes"}
# At one shared rate, 0.001, the 2012 recipe puts ReLU far ahead on every seed (asserted):
# that is the miniature of the paper's figure. But the two networks do not share a best
# rate. With the 2012 recipe ReLU's best rate is lower than tanh's (asserted), as its larger
# relative gradients predict, and at its own best rate ReLU is not ahead with either recipe
# (asserted for the CPU settings: the rule never says ReLU there). In the stored run the rule
# says tanh for both recipes; the assertion claims only that ReLU does not win, since three
# seeds of one short epoch are a small sample. With today's recipe the two best rates are the same in that run, 0.03, and ReLU's
# scores there vary more between seeds than tanh's. On this shallow network, then, ReLU's lead with the 2012 recipe is an effect of the
# learning rate: raw pixels give ReLU larger steps, and a rate that suits ReLU is too small
# for tanh. The paper's six-fold speed-up (rates tuned, four layers, CIFAR-10) is quoted,
# not reproduced here. ReLU's lasting advantages lie in deeper networks, where products of
# small tanh slopes shrink the gradient (notebook 01 measured that), and in its cost: one
# comparison.

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "subslide"}
show.source(course_layers.LocalResponseNormalization)

# %% slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
# Half the values are zeroed and the survivors doubled, so the mean stays 1.0 in training as
# at inference, where the layer does nothing. This is *inverted* dropout, what Keras does.
# The paper scaled at test time instead: it trained with plain zeroing (mean 0.50) and
# multiplied the outputs by 0.5 at test time. Both make the training and test means agree;
# the inverted version leaves the deployed network untouched.
#
# ## Two GPUs in 2012
# Section 3.2 of the paper: "A single GTX 580 GPU has only 3GB of memory, which limits the
# maximum size of the networks that can be trained on it. It turns out that 1.2 million
# training examples are enough to train networks which are too big to fit on one GPU.
# Therefore we spread the net across two GPUs." How much memory does training the one-device
# network need? An estimate, counted from the layer table at the paper's batch of 128
# (Section 5), in float32: the weights, their gradients and SGD's momentum (3 values per
# parameter), and every layer's output kept for the backward pass with its gradient (2
# values per activation):

# %% slideshow={"slide_type": "-"}
batch_2012, gtx_580_gigabytes = 128, 3.0  # the paper, Sections 5 and 3.2
weight_gigabytes = 3 * 4 * total["params"] / 1e9  # weights, gradients, momentum; 4 bytes each
stored = [row for row in table if row["type"] != "Flatten"]  # Flatten is a view of pool5
activation_gigabytes = 2 * batch_2012 * sum(row["activation_bytes"] for row in stored) / 1e9
print(f"weights, gradients, momentum {weight_gigabytes:.2f} GB + activations and their gradients "
      f"{activation_gigabytes:.2f} GB = {weight_gigabytes + activation_gigabytes:.2f} GB, "
      f"against the GTX 580's {gtx_580_gigabytes:.0f} GB")

# %% [markdown] slideshow={"slide_type": "notes"}
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

# %% slideshow={"slide_type": "-"}
grouped_table = counting.layer_table(models.alexnet(groups=2))
grouped_total = counting.totals(grouped_table)
shown = {row["name"]: row for row in grouped_table if row["name"] in ("conv2", "conv3", "conv5")}  # conv4: exercise 2
del grouped_table
for name, row in shown.items():
    print(f"{name}: {by_name[name]['params']:>9,} -> {row['params']:>9,} parameters, "
          f"{by_name[name]['flops'] / 1e6:6.1f} -> {row['flops'] / 1e6:6.1f} MFLOPs")
saved_params = total["params"] - grouped_total["params"]
print(f"groups=2 saves {saved_params:,} parameters ({saved_params / total['params']:.1%}) "
      f"and {1 - grouped_total['flops'] / total['flops']:.0%} of the FLOPs")
print(f"the two-GPU network: {grouped_total['params']:,} parameters, the paper's "
      f"{paper['parameters'] / 1e6:.0f} million; one device: {total['params']:,}")
assert grouped_total["params"] // 10**6 == paper["parameters"] // 10**6 != total["params"] // 10**6  # whole millions

# %% [markdown] slideshow={"slide_type": "slide"}
# The grouped layers have half the weights and half the arithmetic; conv3 (and the dense
# layers) still connect both halves. The whole network loses only a small share of its
# parameters (printed above), since most sit in the dense layers, but about a third of its
# FLOPs. The grouped network is the paper's: it has 60 million parameters and some, the
# one-device network 62 million and some (asserted). (The paper reports that its
# two-GPU network beat a one-GPU network with half the filters by 1.7 and 1.2 points of top-1
# and top-5 error, `paper["two_gpu_gain"]`.) Splitting a model across devices like this is
# *model parallelism*. Today several GPUs are used the other way, for *data parallelism*:
# [notebook 02b](02b_alexnet_training.ipynb) trains with it.
#
# ## Summary
# * AlexNet on one device has 62,378,344 parameters (Keras's count); the paper's two-GPU
#   network, with grouped convolutions, has the "60 million" the paper gives. Nearly all sit
#   in the three dense layers, while the convolutions do nearly all the arithmetic.
# * With the 2012 recipe and one shared learning rate ReLU trains faster than tanh on every
#   seed. Measured apart, the raw pixel scale, not the initialisation, gives the 2012 recipe
#   its large relative gradients, far more so for ReLU; given its own best learning rate,
#   tanh is not behind on this small network.
# * LRN is a channel-wise competition that VGG found did not help; overlapping pooling reads
#   every pixel at the same output size; dropout is inverted in Keras.
# * The two-GPU split is a grouped convolution (about a third fewer FLOPs); by a simple
#   estimate the one-device network's training memory fits in the GTX 580's 3 GB, so the
#   split is not shown to be necessary by memory alone.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is; the hint below
# each exercise is there if you need it. Worked answers, to read after trying: [the answers
# to notebook 02](answers/02_alexnet_answers.ipynb).
#
# 1. Fed larger images, `models.alexnet(input_shape=(259, 259, 3))`, AlexNet's pool5 has one
#    more row and one more column than at 227x227. How many parameters does fc6 have then?
#
#    *Hint:* a dense layer has one weight per input and unit, plus one bias per unit.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: fc6's parameters for 259x259 inputs
exercises.check_exercise("02.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. With `groups=2`, how many FLOPs per image does conv4 save?
#
#    *Hint:* a convolution does $2 \cdot H_{out} W_{out} C_{out} k^2 C_{in} / g$ FLOPs; read
#    conv4's output size and channels from the layer table.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: FLOPs per image saved in conv4 by groups=2
exercises.check_exercise("02.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# 3. (Open.) AlexNet initialised the biases of conv2, conv4, conv5 and the hidden dense
#    layers to 1, "to accelerate the early stages of learning by providing the ReLUs with
#    positive inputs" (Section 5). Does a bias of 1 in conv2 (`small_cnn(...,
#    conv2_bias=1.0)`) speed up ReLU's training with the 2012 recipe at ReLU's best rate?
#
#    *Criterion:* the race's score and rule: the mean training error over every batch, one
#    score per seed, with `settings.race_epochs` epochs and `settings.race_seeds` seeds; call
#    the bias a help only if the score is lower on every seed, a hindrance only if higher on
#    every seed, else no clear effect.
#
#    *A correct answer shows* the scores with bias 0 and 1 on each seed, at the rate used,
#    and the verdict by the rule.
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
#   `tutorials/image/alexnet/`).

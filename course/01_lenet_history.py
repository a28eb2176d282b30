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
# # 01 · LeNet and the history of convolutional networks
#
# From the Neocognitron to ResNet in one timeline, then the arithmetic every later notebook
# uses (output sizes, SAME and VALID padding, parameter counts, receptive fields), why ReLU
# replaced the sigmoid, and LeNet-5 built, counted and trained on MNIST.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `mnist.npz`.

# %% [markdown]
# ## Setup
# The first cell makes the course's shared code, the package `support`, importable wherever
# this notebook runs: it does nothing where the package is installed or the notebook sits in
# a checkout of the course (it adds the checkout to Python's search path, `sys.path`); on
# Colab, or for a notebook downloaded alone, it clones the course beside the notebook with
# `git` and installs only what is missing (Colab's own TensorFlow is kept). Every notebook
# starts with this same cell.

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
# anything else imports TensorFlow. The settings cell picks the lesson's size for this machine.

# %%
from support import quiet

quiet.setup()

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from support import counting, data, exercises, hardware, models, plots, results, timing
from support import receptive_field as rf

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %%
settings = hardware.choose_settings(
    cpu={"epochs": 10, "batch_size": 128},
    gpu={"epochs": 20, "batch_size": 128},
)

# %% [markdown]
# ## A short history, as data
# The ImageNet challenge (ILSVRC) top-5 classification error of each year's winner, with the
# depth of its network (layers with weights). 2010 and 2011 were won without convolutional
# networks. Sources: Russakovsky et al., *ImageNet Large Scale Visual Recognition Challenge*,
# IJCV 2015, Table 8, for 2010 to 2014; He et al., CVPR 2016, Table 5, for ResNet's 3.57%
# (2015). AlexNet's 15.3% used extra training data (pre-training on ImageNet Fall 2011);
# without it the paper reports 16.4% (Krizhevsky et al. 2012, Table 2). VGG, second in 2014,
# is listed for its influence.

# %%
ilsvrc = [  # (year, entry, top-5 error %, layers with weights; None = not a deep network)
    (2010, "NEC-UIUC (SIFT + SVM)", 28.2, None),
    (2011, "XRCE (Fisher vectors)", 25.8, None),
    (2012, "AlexNet", 15.3, 8),
    (2013, "Clarifai (ZFNet)", 11.7, 8),
    (2014, "GoogLeNet", 6.7, 22),
    (2014, "VGG (2nd)", 7.3, 19),
    (2015, "ResNet", 3.57, 152),
]
runner_up_2012 = 26.2  # ISI, the best entry without a CNN in 2012
for year, entry, error, depth in ilsvrc:
    print(f"{year}  {entry:<24}{error:>6.2f}%  {depth or '-':>4}")

# %%
winners = {entry: (year, error, depth) for year, entry, error, depth in ilsvrc}
(year_2012, error_2012, depth_2012), (year_2015, error_2015, depth_2015) = winners["AlexNet"], winners["ResNet"]
print(f"AlexNet's lead over the runner-up: {runner_up_2012 - error_2012:.1f} points")
print(f"{year_2012} -> {year_2015}, {year_2015 - year_2012} years: top-5 error divided by "
      f"{error_2012 / error_2015:.1f}, depth {depth_2012} -> {depth_2015} layers with weights")

# %% [markdown]
# AlexNet, the first deep network to win, led the runner-up by the points printed above. In
# the three years from AlexNet to ResNet the error fell by the factor printed, while the
# winning networks grew from 8 to 152 layers. The plot shows the errors by year, and the
# depths of the deep winners.

# %%
deep = [row for row in ilsvrc if row[3]]
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.plot([r[0] for r in ilsvrc if r[1] != "VGG (2nd)"], [r[2] for r in ilsvrc if r[1] != "VGG (2nd)"], "o-")
for year, entry, error, _ in ilsvrc:
    left.annotate(entry.split(" (")[0], (year, error), textcoords="offset points", xytext=(4, 4), fontsize=8)
left.set(xlabel="year", ylabel="top-5 error (%)", title="ILSVRC winners")
right.bar([f"{r[1].split(' (')[0]}\n{r[0]}" for r in deep], [r[3] for r in deep], color="tab:orange")
right.set(ylabel="layers with weights", yscale="log", title="Depth")
plt.tight_layout()

# %% [markdown]
# Before ImageNet: Fukushima's **Neocognitron** (1980) stacked feature-extracting "S-cells"
# and pooling "C-cells", but learned without gradients. LeCun et al. trained convolutions by
# back-propagation on zip codes (1989), and **LeNet-5** (1998) read cheques for banks. What
# changed by 2012 was data (ImageNet's 1.2 million labelled images), GPUs, and ReLU.

# %% [markdown]
# ## Output size, SAME and VALID
# A $k \times k$ window with stride $s$ over $n$ pixels gives, in TensorFlow and Keras:
#
# * `padding="valid"` (no padding): $\lfloor (n - k) / s \rfloor + 1$
# * `padding="same"` (pad so nothing is lost): $\lceil n / s \rceil$, whatever $k$ is.
#
# `counting.output_size` is that formula; the cell checks it against Keras's own layers.

# %%
cases = [(32, 5, 1), (28, 2, 2), (227, 11, 4), (224, 11, 4), (55, 3, 2), (13, 3, 1)]
for size, kernel, stride in cases:
    for padding in ("valid", "same"):
        layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
        by_keras = layer.compute_output_shape((1, size, size, 1))[1]
        by_formula = counting.output_size(size, kernel, stride, padding)
        assert by_keras == by_formula
        print(f"n={size:>3} k={kernel:>2} s={stride}  {padding:<5} -> {by_formula}")

# %% [markdown]
# The third and fourth lines are AlexNet's first layer: the paper's 55x55 maps need a
# 227x227 input with VALID padding; from 224x224 they would be 54x54. SAME padding puts any
# odd extra pixel on the right and bottom in TensorFlow (PyTorch pads symmetrically), which is
# why weights moved between the frameworks can shift an image by a pixel.

# %%
row = np.arange(1.0, 6.0).reshape(1, 1, 5, 1)  # a 1x5 "image": 1 2 3 4 5
pooled = keras.layers.MaxPooling2D((1, 2), strides=(1, 2), padding="same")(row)
maxima = keras.ops.convert_to_numpy(pooled).ravel().tolist()
print("max of 1x2 windows, stride 2, SAME:", maxima)
assert maxima == [2.0, 4.0, 5.0]  # windows [1 2] [3 4] [5 pad]; padding on the left would give [1 3 5]

# %% [markdown]
# Three windows need six pixels, one more than the image has. TensorFlow added it on the
# right: the windows are [1 2], [3 4], [5 pad]; padding on the left would have given maxima
# 1, 3, 5.

# %% [markdown]
# ## Counting parameters
# A convolution with a $k \times k$ kernel from $c_{in}$ to $c_{out}$ channels has
# $(k^2 c_{in} + 1)\,c_{out}$ parameters: one $k \times k \times c_{in}$ kernel and one bias
# per output channel, independent of the image size. A dense layer has $(n_{in} + 1)\,n_{out}$.

# %%
def conv_params(kernel, in_channels, out_channels):
    """(k*k*c_in + 1) * c_out, the parameters of one convolution."""
    return (kernel * kernel * in_channels + 1) * out_channels


lenet_c3 = conv_params(5, 6, 16)
print("LeNet-5 C3 (5x5, 6 -> 16 channels):", lenet_c3)
layer = keras.layers.Conv2D(16, 5)
layer.build((None, 32, 32, 6))
assert lenet_c3 == layer.count_params() == counting.conv2d_params(6, 16, 5) == 2416

# %% [markdown]
# ## Receptive fields
# A unit's receptive field is the patch of the input it can see. Each $k \times k$ layer adds
# $(k-1)\,j$ pixels, where the jump $j$ is the product of the strides before it. So two 3x3
# convolutions see 5x5 and three see 7x7, with fewer parameters than one big kernel: for $C$
# channels in and out, $2 \cdot 9C^2 = 18C^2$ against $25C^2$, and $27C^2$ against $49C^2$.

# %%
def conv_stack(kernels, channels=64, size=32):
    """A stack of SAME convolutions, one per kernel size, `channels` wide."""
    inputs = keras.Input((size, size, channels))
    x = inputs
    for index, kernel in enumerate(kernels):
        x = keras.layers.Conv2D(channels, kernel, padding="same", name=f"conv{index}")(x)
    return keras.Model(inputs, x)


shares = []
for small, large in (([3, 3], [5]), ([3, 3, 3], [7])):
    stacked, single = conv_stack(small), conv_stack(large)
    field = rf.receptive_fields(stacked)[f"conv{len(small) - 1}"][0].size
    assert field == rf.receptive_fields(single)["conv0"][0].size == large[0]
    shares.append(stacked.count_params() / single.count_params())
    print(f"{len(small)} x 3x3: field {field}x{field}, {stacked.count_params():,} parameters;"
          f"  one {large[0]}x{large[0]}: {single.count_params():,} ({shares[-1]:.0%})")
assert [round(share, 2) for share in shares] == [0.72, 0.55]

# %% [markdown]
# The same field at 72% (two 3x3) and 55% (three 3x3) of the parameters, and with a ReLU
# between them, more non-linearity. This is VGG's argument (notebook 03).
#
# The analytic formula can be checked by measurement: the gradient of one output unit with
# respect to the input is non-zero exactly on the pixels that unit can see.
# `rf.empirical_receptive_field` measures it (on a copy of the model with positive weights and
# average instead of max pooling, so that no path's gradient is cut to zero).

# %%
lenet = models.lenet5()
for row in rf.receptive_field_table(lenet):
    rows, cols = rf.empirical_receptive_field(lenet, row["name"]) if row["name"] != "image" else ((0, 0), (0, 0))
    measured = rows[1] - rows[0] + 1
    print(f"{row['name']:<6} field {row['size']:>2}  jump {row['jump']}  measured {measured:>2}")
    assert measured == row["size"]

# %% [markdown]
# LeNet-5's C5 sees 32x32 pixels, the whole padded digit: after three layers one unit sees
# everything, so C5 is a dense layer in disguise.

# %% [markdown]
# ## Why ReLU: the vanishing gradient, measured
# The sigmoid's slope is at most 1/4, so back-propagation through $L$ sigmoid layers
# multiplies the gradient by at most $4^{-L}$ (times the weights). The seeds called this
# 梯度弥散 (gradient diffusion). Below: an eight-layer perceptron with the same Glorot
# initialisation and three activations, and the gradient norm of each layer's weights on one
# batch of MNIST digits.

# %%
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


norms = {activation: gradient_norms(activation) for activation in ("sigmoid", "tanh", "relu")}

# %%
figure, axis = plt.subplots(figsize=(6, 3.5))
for activation, values in norms.items():
    axis.semilogy(range(1, len(values) + 1), values, "o-", label=activation)
axis.set(xlabel="layer (1 = next to the input)", ylabel="gradient norm", title="Gradient per layer, one batch")
axis.legend()
ratios = {activation: values[0] / values[7] for activation, values in norms.items()}
print({activation: f"{ratio:.1e}" for activation, ratio in ratios.items()})
assert ratios["sigmoid"] < 1e-3 and ratios["relu"] > 0.5 and ratios["tanh"] > 0.5

# %% [markdown]
# With sigmoids the first layer's gradient is more than a thousand times smaller than the
# eighth's (the ratio is printed and asserted), so the layers next to the input barely learn.
# ReLU's slope is 1 wherever it is active, and its gradients stay of one size down the stack.
# (Zero-centred tanh also keeps them here, at this depth and initialisation; it saturates
# for large inputs, and AlexNet's Figure 1 shows ReLU training six times faster: notebook 02.)

# %% [markdown]
# ## LeNet-5
# LeCun et al. (1998): two convolution-and-subsampling stages, then C5, F6 and the output.
# The course's builder keeps the paper's sizes, tanh and average pooling, and simplifies
# three details, as today's implementations do:
#
# * C3 connects every one of its 16 maps to all six S2 maps. The paper's Table I connects
#   each to 3, 4 or 6 of them, for two reasons it gives (Section II.B): fewer connections, and
#   broken symmetry, so that different maps are forced to learn different features.
# * S2 and S4 average their 2x2 windows. The paper's subsampling maps multiplied the sum by
#   a trainable coefficient, added a trainable bias, and passed it through the sigmoid-like
#   squashing function: 2 trainable parameters per map.
# * The output is a dense softmax layer. The paper's output was a design choice: 10 Euclidean
#   radial basis function (RBF) units whose weights were fixed by hand to stylised 7x12 images
#   of the digits, not trained.
#
# The table below is computed from the layers' configurations.

# %%
lenet = models.lenet5(input_shape=(32, 32, 1), num_classes=10)
table = counting.layer_table(lenet)
print(counting.format_table(table))
assert counting.totals(table)["params"] == lenet.count_params() == 61_706

# %% [markdown]
# The paper states "60,000 trainable free parameters" (Section II.B). Its layers, counted
# from their descriptions, give that figure, and the three simplifications account for every
# parameter between it and ours:

# %%
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
assert lenet.count_params() == paper_total + by_name["c3"]["params"] - paper_c3 - paper_pools + by_name["predictions"]["params"]

# %% [markdown]
# Almost all of the parameters sit in the last three layers, while the two early
# convolutions do most of the arithmetic:

# %%
late_share = sum(by_name[name]["params"] for name in ("c5", "f6", "predictions")) / lenet.count_params()
early_flop_share = (by_name["c1"]["flops"] + by_name["c3"]["flops"]) / counting.totals(table)["flops"]
print(f"C5, F6 and the output hold {late_share:.0%} of the parameters; C1 + C3 do {early_flop_share:.0%} of the FLOPs")
assert late_share > 0.9 and early_flop_share > 0.5  # "almost all" and "most", as the prose says
plots.layer_bars(table, columns=("params", "flops"), title="LeNet-5 per layer")

# %% [markdown]
# ## Train LeNet-5 on MNIST
# MNIST digits are 28x28; the paper padded them to 32x32 so that distinctive features such as
# stroke end-points can appear in the centre of the receptive fields of the highest-level
# feature detectors (Section II.B), not only at their edges, and scaled the pixels so that their mean is about 0 and their
# variance about 1: tanh units learn fastest around 0. We do the same with the training set's
# own mean and standard deviation.

# %%
(x_train, y_train), (x_val, y_val) = data.split_validation(x_train_all, y_train_all, 5000, seed=0)
pixel_mean, pixel_std = (x_train / 255.0).mean(), (x_train / 255.0).std()
print(f"training pixels: mean {pixel_mean:.4f}, standard deviation {pixel_std:.4f}")
assert abs(pixel_mean - 0.1307) < 0.002 and abs(pixel_std - 0.3081) < 0.002


def standardize(images):
    """uint8 digits -> float32 (N, 32, 32, 1), padded, with mean 0 and variance 1."""
    return (data.to_float_images(images, pad_to=32) - pixel_mean) / pixel_std

# %% [markdown]
# We hold out 5,000 training images for validation, train with Adam, and score the test set
# once at the end. The pipeline is `tf.data`: shuffled each epoch, batched and prefetched
# (so `fit` is told not to shuffle again).

# %%
train_ds = data.tf_dataset(standardize(x_train), y_train, settings.batch_size, shuffle=True)
val_ds = data.tf_dataset(standardize(x_val), y_val, 1024)
test_ds = data.tf_dataset(standardize(x_test), y_test, 1024)
print(f"train {len(x_train):,}  validation {len(x_val):,}  test {len(x_test):,} images")

# %%
# NBVAL_IGNORE_OUTPUT
keras.utils.set_random_seed(0)
lenet.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = lenet.fit(train_ds, validation_data=val_ds, epochs=settings.epochs, shuffle=False, verbose=2)

# %%
# NBVAL_IGNORE_OUTPUT
test_loss, test_accuracy = lenet.evaluate(test_ds, verbose=0)
print(f"test accuracy {test_accuracy:.2%} after {settings.epochs} epochs ({settings.profile} settings)")
assert test_accuracy >= 0.985

# %% [markdown]
# At least 98.5% on digits it never saw (the exact figure varies a little from run to run
# with the order of floating-point sums; the assertion holds it). The paper reports 0.95%
# test error for LeNet-5 trained 20 passes without distortions.

# %%
plots.plot_history(history, title="LeNet-5 on MNIST")

# %% [markdown]
# ## What it gets wrong
# The first twelve test digits LeNet-5 misclassifies, with its answer in red:

# %%
# NBVAL_IGNORE_OUTPUT
probabilities = lenet.predict(test_ds, verbose=0)
predicted = probabilities.argmax(axis=1)
wrong = np.flatnonzero(predicted != y_test)[:12]
print(f"{np.sum(predicted != y_test)} of {len(y_test):,} test digits are wrong")
plots.show_images(x_test[wrong], labels=y_test[wrong], predictions=predicted[wrong], ncols=6)

# %% [markdown]
# Many are digits a person would hesitate over too: open 4s that look like 9s, 7s with a
# bar, strokes cut by the frame.

# %% [markdown]
# ## LeNet-5 here, and on other machines
# How fast is LeNet-5? `timing.benchmark` (taught in notebook 02) times its compiled training
# step on a batch that already sits on the device, after warm-up steps that include the
# compilation. On this machine:

# %%
# NBVAL_IGNORE_OUTPUT
here = timing.benchmark(models.lenet5(), batch_size=128, mode="train", steps=20, warmup=5)
print(f"{hardware.device_description()}: {here['mean_s'] * 1e3:.2f} ± {here['std_s'] * 1e3:.2f} ms "
      f"per training step of 128 images, {here['images_per_s']:,.0f} images/s")
assert here["mean_s"] > 0 and here["flops_per_image"] == counting.totals(table)["flops"]

# %% [markdown]
# `python -m support.bench` runs the same harness over all the course's models and writes
# what it measured, with the device, backend, versions, date and command, to
# `course/results/`. GPU figures reach this course only that way, measured, never typed in.
# The cell checks every file and that its FLOP count is the one computed above.

# %%
records = results.load_results("bench")
lenet_records = [record for record in records if any(row["model"] == "lenet5" for row in record["results"])]
for record in lenet_records:
    assert results.check_flops(record, models.lenet5()) == counting.totals(table)["flops"]
    assert {"device", "backend", "versions", "date", "command"} <= set(record["provenance"])
gpu_records = [record for record in lenet_records if results.is_gpu(record)]
print("LeNet-5 results on a GPU:", "yes" if gpu_records else "not measured yet (no GPU result file)")

# %%
# NBVAL_IGNORE_OUTPUT
print(results.bench_table(lenet_records, models=["lenet5"]))
this_run = {"label": f"this notebook · {settings.profile}", "mode": "train", "mean_ms": here["mean_s"] * 1e3,
            "color": "tab:green"}
results.plot_bench(lenet_records, "lenet5", extra_rows=[this_run]) if lenet_records else None

# %% [markdown]
# ## Summary
# * From AlexNet (2012) to ResNet (2015), ILSVRC's winning top-5 error fell several-fold (the
#   factor is computed in the history section) while the winning networks went from 8 to 152
#   layers.
# * Output size: VALID $\lfloor (n-k)/s \rfloor + 1$, SAME $\lceil n/s \rceil$ (extra padding
#   on the right in TensorFlow). Parameters of a convolution: $(k^2 c_{in} + 1)\,c_{out}$.
# * Two 3x3 convolutions see 5x5 with 72% of the parameters; the gradient measures the field.
# * Sigmoid gradients vanish with depth; ReLU's do not.
# * LeNet-5: 61,706 parameters, at least 98.5% on MNIST in a few CPU minutes.
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None`
# and run the cell. It says whether you are right, not what the answer is.
#
# 1. How many parameters has a 3x3 convolution from 64 to 128 channels, with biases?
#
#    *Hint:* each output channel has one $k \times k \times c_{in}$ kernel and one bias.

# %%
answer = None  # your answer: the number of parameters
exercises.check(answer, keras.Sequential([keras.Input((8, 8, 64)), keras.layers.Conv2D(128, 3)]).count_params())

# %% [markdown]
# 2. What is the side of the receptive field of three 3x3 convolutions (stride 1) followed by
#    a 2x2 pooling with stride 2?
#
#    *Hint:* each layer adds $(k - 1)$ times the product of the strides before it.

# %%
answer = None  # your answer: the side of the field, in pixels
stack = keras.Sequential([keras.Input((32, 32, 1)), *[keras.layers.Conv2D(1, 3, padding="same") for _ in range(3)],
                          keras.layers.MaxPooling2D(2, name="pool")])
exercises.check(answer, rf.receptive_fields(stack)["pool"][0].size)

# %% [markdown]
# 3. (Open.) Train LeNet-5 with `activation="relu", pooling="max"` at this notebook's
#    settings. Is its validation accuracy after the same number of epochs higher than the
#    tanh and average-pooling network's? Criterion: compare the two with the same seeds, at
#    least two of them, and call a difference real only if it is larger than the spread
#    between seeds.

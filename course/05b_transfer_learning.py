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
# # 05b · VGG on MNIST, part 2: transfer learning, batch normalisation's trap, saving
#
# The second half of the MNIST VGG lesson (part 1 is [notebook 05](05_mnist_vgg.ipynb)): a
# network pretrained on handwritten digits is reused on Fashion-MNIST (Xiao et al., 2017)
# with only a hundred labelled images per class, three ways; batch normalisation's `training`
# flag, which silently breaks fine-tuning when it is forgotten, is measured; and the model
# is saved as a `.keras` file and reloaded exactly. The recipe (freeze the pretrained base,
# train a new head, then unfreeze everything at a low learning rate) is the one of post 003
# of the source posts (the blog posts this course grew from, notebook 01).
#
# **Learning goals.** After this notebook you can
# * pretrain a network, cut off its head, and put a new one on its features;
# * fine-tune a pretrained network three ways (from scratch, frozen base, full fine-tuning)
#   and say what one run with one seed can and cannot separate;
# * explain batch normalisation's two modes, and avoid its `training` trap with a frozen base;
# * save a model as `.keras` and check that it reloads exactly.
#
# **Prerequisites.** Notebook 05 (the MNIST VGG, its builder and its training run) and
# notebook 03 (VGG's configurations); the standard error of an accuracy is defined here.
#
# **Run time.** 74 to 99 s on a 2-core CPU like the CI machine's, with the CPU settings
# below (CI's two lanes, `course/run_times.json`), the longest part pretraining the MNIST VGG.
# On a GPU it has not been run; the
# settings cell prints an estimate of its GPU settings on a Colab T4, marked as one.
# Everything runs offline.
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code; it runs without notebook 05. Without internet, point
# `CNN_COURSE_DATA` at a folder holding `mnist.npz` and `fashion-mnist/`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it). `quiet.setup()` then imports TensorFlow with its start-up
# chatter silenced; it must run before anything else imports TensorFlow. On a GPU the lesson
# runs as written; on a CPU the pretraining is shorter and the transfer runs use one seed and
# fewer test images.

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

import itertools, pathlib, tempfile
import keras
import numpy as np

from support import data, exercises, hardware, sizing, training
from support import models

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"train_size": "small", "pretrain_epochs": 1, "pretrain_batch": 64, "pretrain_threshold": 0.98,
         "transfer_epochs": 10, "transfer_seeds": 1, "transfer_test": 2000},
    gpu={"train_size": "full", "pretrain_epochs": 15, "pretrain_batch": 128, "pretrain_threshold": 0.996,
         "transfer_epochs": 30, "transfer_seeds": 3, "transfer_test": 10000},
)
colab = sizing.print_colab_estimate(sizing.lesson_workloads("05b", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The pretrained network
# A network trained on one task is a feature extractor for another (Yosinski et al., 2014,
# measured how transferable each layer is). Here the pretrained network is notebook 05's
# MNIST VGG, trained by the same function, `support.training.train_mnist_vgg`, for
# `pretrain_epochs` epochs in batches of `pretrain_batch`, with random shifts of up to 2
# pixels: on a CPU a shorter run than notebook 05's (a base for transfer needs good
# features, not the last tenth of a point). Its test accuracy is asserted against
# `pretrain_threshold`:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
record, model = training.train_mnist_vgg(size=settings.train_size, epochs=settings.pretrain_epochs,
                                         batch_size=settings.pretrain_batch, shift=2, seed=0, return_model=True)
print(f"{record['model']}: MNIST test accuracy {record['test_accuracy']:.2%} after "
      f"{record['epochs']} epoch(s), {record['train_seconds']:.0f} s of training")
assert record["test_accuracy"] >= settings.pretrain_threshold, record["test_accuracy"]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Fashion-MNIST with few labels
# The new task: Fashion-MNIST's ten classes of clothing, grey images of the digits' size,
# with only a hundred labelled training images per class. Each seed draws other images:

# %% slideshow={"slide_type": "-"}
(fashion_x, fashion_y), (fashion_test_x, fashion_test_y) = data.load_fashion_mnist()
fashion_test = data.to_float_images(fashion_test_x[:settings.transfer_test])
fashion_test_labels = fashion_test_y[:settings.transfer_test].astype("int32")


def few_labels(seed, per_class=100):
    """`per_class` Fashion-MNIST training images of each class, chosen with `seed`."""
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(fashion_y == label), per_class, replace=False)
                             for label in range(10)])
    return data.to_float_images(fashion_x[chosen]), fashion_y[chosen].astype("int32")

# %% [markdown] slideshow={"slide_type": "-"}
# The *base* is the trained network up to its global average pooling, the *head* a new
# dense layer with 10 outputs. `base(inputs, training=False)` keeps the base's batch
# normalisation in inference mode even after the base is unfrozen (the trap, below).

# %% slideshow={"slide_type": "-"}
def transfer_model(base_weights, inference_flag=True):
    """A fresh copy of the pretrained base with a new 10-way head; the base called with
    training=False when `inference_flag`, else plainly (the trap)."""
    base = keras.models.clone_model(keras.Model(model.input, model.get_layer("avg_pool").output, name="base"))
    base.set_weights(base_weights)
    inputs = keras.Input((28, 28, 1))
    features = base(inputs, training=False) if inference_flag else base(inputs)
    outputs = keras.layers.Dense(10, activation="softmax", name="fashion_head")(features)
    return keras.Model(inputs, outputs, name="transfer"), base


base_weights = keras.Model(model.input, model.get_layer("avg_pool").output).get_weights()
print(f"the base gives {model.get_layer('avg_pool').output.shape[-1]} features per image")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three ways to reuse it
# Each way trains for `transfer_epochs` epochs on the same 1,000 images in batches of 32,
# from `transfer_seeds` seeds:
# * **from scratch:** a new MNIST VGG, Adam at $10^{-3}$, its batch-norm momentum lowered to $0.9$ so
#   that the moving averages forget their initial values within the few updates (notebook 05);
# * **frozen base:** `base.trainable = False`, only the head trains, Adam at $10^{-2}$ (a linear layer
#   on the base's features can take a large step);
# * **full fine-tuning:** the frozen-base model, then everything unfrozen at Adam $10^{-4}$,
#   as long again.

# %% slideshow={"slide_type": "-"}
def fit_and_score(network, images, labels, learning_rate):
    """Compile with Adam at `learning_rate`, fit, and return the Fashion-MNIST test accuracy."""
    network.compile(optimizer=keras.optimizers.Adam(learning_rate), metrics=["accuracy"],
                    loss="sparse_categorical_crossentropy")
    network.fit(images, labels, batch_size=32, epochs=settings.transfer_epochs, verbose=0)
    return network.evaluate(fashion_test, fashion_test_labels, batch_size=500, verbose=0)[1]


def from_scratch():
    """A new MNIST VGG with batch-norm momentum 0.9 (few updates: averages that forget faster)."""
    network = models.mnist_vgg(settings.train_size)
    for layer in network.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.9
    return network

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
transfer = {"from scratch": [], "frozen base": [], "full fine-tuning": []}
for seed in range(settings.transfer_seeds):
    images, labels = few_labels(seed)
    keras.utils.set_random_seed(seed)
    transfer["from scratch"].append(fit_and_score(from_scratch(), images, labels, 1e-3))
    network, base = transfer_model(base_weights)
    base.trainable = False
    transfer["frozen base"].append(fit_and_score(network, images, labels, 1e-2))
    head_weights = network.get_weights()  # kept for the trap below
    base.trainable = True
    transfer["full fine-tuning"].append(fit_and_score(network, images, labels, 1e-4))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How far one run can be trusted
# The test set alone makes an accuracy $p$ measured on $n$ images uncertain: each image is
# right or wrong, so the count of right answers is binomial, and its *standard error* (the
# standard deviation of the measured accuracy over draws of the test images) is
# $\sqrt{p(1-p)/n}$. The gap between two accuracies has about $\sqrt{2}$ times that (counted
# as if the two were scored on independent test sets; on the same images the true error of a
# gap is usually smaller). Each gap is compared with twice its standard error:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
mean = {name: np.mean(scores) for name, scores in transfer.items()}
for name, scores in transfer.items():
    print(f"{name:<18} test accuracy " + ", ".join(f"{score:.1%}" for score in scores) + f"; mean {mean[name]:.1%}")
count = len(fashion_test_labels)
error = {name: np.sqrt(mean[name] * (1 - mean[name]) / count) for name in transfer}
print(f"{settings.transfer_seeds} seed(s), {count:,} test images; standard error of each accuracy: "
      + ", ".join(f"{name} {100 * error[name]:.1f} points" for name in transfer))
for first, second in itertools.combinations(transfer, 2):
    gap, twice = mean[second] - mean[first], 2 * np.hypot(error[first], error[second])
    verdict = "exceeds" if abs(gap) > twice else "does not exceed"
    print(f"  {second} minus {first}: {100 * gap:+.1f} points, {verdict} 2 standard errors ({100 * twice:.1f} points)")
assert min(transfer["frozen base"]) > 0.1 + 10 * max(error.values()), transfer  # far above chance (10%)

# %% [markdown] slideshow={"slide_type": "notes"}
# What this run can separate, and what not. Features learnt on handwritten strokes do carry
# over: one dense layer on the 64 frozen MNIST features classifies clothing at 65.7%, more
# than ten standard errors above chance (one in ten; asserted). But the frozen base scored
# below the network trained from scratch, by more than two standard errors: features of
# strokes may fit clothes less well than features learnt on clothes, though one run with
# one seed cannot tell that apart from a lucky draw of weights or images. Full fine-tuning
# scored above the frozen base, but it also trained twice as long (the frozen-base model's
# epochs, then as many again with everything unfrozen), so the gap cannot be credited to
# unfreezing alone; and its gap to training from scratch is within two standard errors, so
# this run cannot say which of the two is better. The standard errors cover only the choice
# of test images: how much another draw of the training images or of the initial weights
# would move the scores is not measured on a CPU (the GPU settings run three seeds).
#
# Yosinski et al. (2014), splitting ImageNet's classes into two tasks with far more data per
# class than here, measured both effects: between similar tasks, transferred features that
# are then fine-tuned generalised better than training on the target task alone (their AnB+
# networks, Section 4.1 and Figure 2); between dissimilar tasks (man-made against natural
# objects, Section 4.2), frozen features transferred less well than between similar tasks,
# and the more so the higher the layer they were taken from.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The batch-normalisation trap
# Batch normalisation behaves differently in training mode (it normalises with the batch's
# own mean and variance, and updates its moving averages) and in inference mode (it uses the
# moving averages). In Keras 3 a frozen BatchNormalization layer (`trainable = False`) always
# runs in inference mode. But the moment the base is unfrozen for fine-tuning, a base called
# without `training=False` switches to training mode: the head, trained on features
# normalised with MNIST's statistics, suddenly sees features normalised with each Fashion
# batch's. Measured on the frozen-base model of the last seed, before any weight changes:

# %% slideshow={"slide_type": "-"}
def accuracy_in_batches(network, training_flag):
    """Accuracy on the 1,000 images, in batches of 32 as `fit` sees them, in the given mode."""
    right = [np.argmax(keras.ops.convert_to_numpy(network(images[i:i + 32], training=training_flag)), axis=1)
             == labels[i:i + 32] for i in range(0, len(images), 32)]
    return np.concatenate(right).mean()

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
trapped, trapped_base = transfer_model(base_weights, inference_flag=False)
trapped.set_weights(head_weights)  # the same weights as the frozen-base model: base and trained head
trapped_base.trainable = True      # unfrozen, as for fine-tuning
inference, training_mode = accuracy_in_batches(trapped, False), accuracy_in_batches(trapped, True)
print(f"accuracy on its 1,000 training images: inference mode {inference:.1%}, "
      f"training mode (what fit would use) {training_mode:.1%}")
assert training_mode < inference / 2, (inference, training_mode)

# %% [markdown] slideshow={"slide_type": "notes"}
# The same weights, the same images: only the mode of batch normalisation differs, and the
# accuracy falls from 68.8% to 10.2%, below half (asserted), about chance. That is the state
# in which `fit` would start fine-tuning, and its first updates would be spent undoing the
# damage while the moving averages drift towards Fashion-MNIST's statistics. Hence the rule
# of the Keras transfer-learning guide (Chollet): call the base with `training=False`, and
# the model above keeps batch normalisation in inference mode through fine-tuning. (The
# docstring of `keras.layers.BatchNormalization` spells out the other half: `trainable =
# False` on a batch-norm layer also means inference mode, a special case; for other layers
# "frozen state" and "inference mode" are separate.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Save and reload
# The `.keras` format is a zip of the architecture (as JSON), the weights and the compile
# settings. The pretrained MNIST VGG, saved to a temporary folder and loaded back, must
# predict exactly the same numbers:

# %% slideshow={"slide_type": "-"}
test_digits = data.to_float_images(data.load_mnist()[1][0][:1000])
with tempfile.TemporaryDirectory() as folder:
    path = pathlib.Path(folder) / "mnist_vgg.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    print(f"saved {path.name}, reloaded {reloaded.name} with {reloaded.count_params():,} parameters")
before = model.predict(test_digits, batch_size=500, verbose=0)
after = reloaded.predict(test_digits, batch_size=500, verbose=0)
np.testing.assert_array_equal(before, after)
print(f"predictions on {len(test_digits):,} test digits: identical")

# %% [markdown] slideshow={"slide_type": "-"}
# Identical to the last bit (asserted): weights and batch-norm statistics are stored exactly,
# and the same operations run on the same machine.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
# * A network pretrained on MNIST (here notebook 05's MNIST VGG, one short run on a CPU) is a
#   feature extractor: cut at its global average pooling, it gives 64 features per image,
#   and a new dense head on them learns Fashion-MNIST from a hundred labels per class.
# * Three ways to reuse it: from scratch, frozen base, full fine-tuning. In this run the
#   frozen base classified clothing far above chance but below training from scratch;
#   whether fine-tuning beats training from scratch, one seed and 2,000 test images cannot
#   separate. The standard error $\sqrt{p(1-p)/n}$ says how far the test set alone moves an
#   accuracy; it says nothing of the seeds.
# * Batch normalisation has two modes. An unfrozen base called without `training=False`
#   normalises with each batch's statistics, and the same weights lost most of their
#   accuracy (measured); call the base with `training=False`.
# * A `.keras` file holds the architecture, the weights and the compile settings, and
#   reloads to identical predictions.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers: [answers/05b_transfer_learning_answers.ipynb](answers/05b_transfer_learning_answers.ipynb).
#
# 1. At the GPU settings the base is the full MNIST VGG (`models.mnist_vgg("full")`). How
#    many weights does its frozen-base model train?
#
#    *Hint:* only the head trains; count its inputs from the last convolution's width.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the trainable weights of the frozen-base model, full width
exercises.check_exercise("05b.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. How many weights does full fine-tuning train in the small base (the CPU settings) that
#    the frozen base leaves alone? Count by hand, then compare with Keras.
#
#    *Hint:* the convolutions have no bias (batch normalisation follows them); of each
#    batch-norm layer's four vectors, two are trained and two are moving averages.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the trainable weights of the small base
exercises.check_exercise("05b.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References
# * H. Xiao, K. Rasul and R. Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking
#   Machine Learning Algorithms. arXiv:1708.07747, 2017.
# * J. Yosinski, J. Clune, Y. Bengio and H. Lipson. How Transferable Are Features in Deep Neural
#   Networks? NeurIPS 2014. arXiv:1411.1792.
# * S. Ioffe and C. Szegedy. Batch Normalization: Accelerating Deep Network Training by
#   Reducing Internal Covariate Shift. ICML 2015. arXiv:1502.03167.
# * F. Chollet. Transfer learning & fine-tuning. Keras developer guide,
#   https://keras.io/guides/transfer_learning/.
# * D. P. Kingma and J. Ba. Adam: A Method for Stochastic Optimization. ICLR 2015.
#   arXiv:1412.6980.

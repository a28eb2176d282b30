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
# # 07 · What the networks learned: feature maps, filters, occlusion, saliency, Grad-CAM
#
# Notebooks 01 to 06 built, trained and measured convolutional networks. This one asks what a
# trained network looks at, with the methods of the papers that opened the question: feature
# maps, the input that most excites a channel (found by gradient ascent), occlusion (Zeiler and
# Fergus 2014), saliency (Simonyan, Vedaldi and Zisserman 2014) and Grad-CAM (Selvaraju et
# al. 2017), and a sanity check that every such map should pass (Adebayo et al. 2018). Each
# method is tried first on a task whose answer is known, then on two of the course's
# networks, trained here: the MNIST VGG of notebook 05 and the AlexNet-style network on
# Fashion-MNIST of notebook 02b.
#
# **Learning goals.** After this notebook you can
# * show a network's feature maps stage by stage and relate their size to receptive fields;
# * find the input that most excites a channel, and say why it needs regularising;
# * compute occlusion, saliency and Grad-CAM maps and say what each one measures;
# * test a map on a case whose answer is known, and with the randomisation sanity check.
#
# **Prerequisites.** Notebook 01 (receptive fields), 02b (AlexNet on Fashion-MNIST), 05 (the
# MNIST VGG, batch normalisation), and the gradient as used in training.
#
# **Run time.** 55 to 82 s on a 2-core CPU like the CI machine's (with the CPU settings
# below), most of it the two short trainings. On a GPU it has not been run; the settings cell
# prints an estimate of its GPU settings on a Colab T4, marked as one. Everything runs
# offline; only the last section, on VGG16 with ImageNet weights, needs internet (Colab).
#
# **Run it.** Locally: `make course` in the repository opens JupyterLab here. On Colab, open
# it from the README's "Open in Colab" link and run the cells in order: the first cell
# fetches the course's code. Without internet, point `CNN_COURSE_DATA` at a folder holding
# `mnist.npz` and `fashion-mnist/`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
# The first cell makes the course's package `support` importable here, in a checkout or on
# Colab (notebook 01 explains it). `quiet.setup()` then imports TensorFlow with its start-up
# chatter silenced. On a GPU the lesson runs as written; on a CPU it trains on fewer images
# and maps fewer of them.

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
import matplotlib.cbook, matplotlib.figure, matplotlib.image
import numpy as np

from support import alexnet as alexnet_module, data, exercises, hardware, interpret, receptive_field, show
from support import sizing, training

keras.utils.set_random_seed(0)
print("Keras", keras.__version__, "on", keras.backend.backend())

# %% slideshow={"slide_type": "skip"}
settings = hardware.choose_settings(
    cpu={"train_images": 16000, "epochs": 1, "marker_images": 4000, "ascent_steps": 100, "map_images": 16,
         "sanity_images": 8},
    gpu={"train_images": 55000, "epochs": 3, "marker_images": 16000, "ascent_steps": 200, "map_images": 64,
         "sanity_images": 32})
colab = sizing.print_colab_estimate(sizing.lesson_workloads("07", settings.gpu))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two networks, trained here
# The course never downloads trained weights, so it trains its own: the MNIST VGG (notebook
# 05's `mnist_vgg("small")`, three stages of 3x3 convolutions with batch normalisation) and
# the AlexNet-style network on Fashion-MNIST (notebook 02b), each for `epochs` epochs on
# `train_images` images. One change from those notebooks: batch normalisation's moving
# averages (notebook 05) get momentum 0.9 instead of Keras's 0.99. An average with momentum
# $m$ keeps a share $m^n$ of its starting value after $n$ updates; the short CPU run makes 250
# updates, too few for 0.99 to forget its start:

# %% slideshow={"slide_type": "-"}
updates = settings.train_images * settings.epochs // 64  # batches of 64
print(f"{updates} updates: momentum 0.99 keeps {0.99 ** updates:.1%} of its start, 0.9 keeps {0.9 ** updates:.1e}")


def set_batch_norm_momentum(model, momentum=0.9):
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum
    return model


# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
mnist = training.prepare_mnist(limit_train=settings.train_images)
keras.utils.set_random_seed(0)
vgg = set_batch_norm_momentum(training.compile_mnist_vgg("small", updates, 2e-3, 0.05))
vgg.fit(data.to_float_images(mnist["x_train"]), mnist["y_train"], batch_size=64, epochs=settings.epochs, verbose=0)
vgg_accuracy = vgg.evaluate(mnist["x_test"], mnist["y_test"], verbose=0)[1]
print(f"MNIST VGG: test accuracy {vgg_accuracy:.2%} on {len(mnist['x_test']):,} digits")
assert vgg_accuracy >= 0.95

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
(fashion_x, fashion_y), (fashion_test_x, fashion_test_y) = data.load_fashion_mnist()
fashion_x, fashion_test_x = data.to_float_images(fashion_x), data.to_float_images(fashion_test_x)
keras.utils.set_random_seed(1)
fashion_net = set_batch_norm_momentum(alexnet_module.fashion_alexnet())
schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=updates)
fashion_net.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
fashion_net.fit(fashion_x[:settings.train_images], fashion_y[:settings.train_images], batch_size=64,
                epochs=settings.epochs, verbose=0)
fashion_accuracy = fashion_net.evaluate(fashion_test_x, fashion_test_y, verbose=0)[1]
print(f"AlexNet-style network: test accuracy {fashion_accuracy:.2%} on {len(fashion_test_x):,} Fashion-MNIST images")
assert fashion_accuracy >= 0.75

# %% [markdown] slideshow={"slide_type": "slide"}
# Neither is trained to the end (notebook 05 takes the MNIST VGG past 99%), but both
# classify far above chance (10%), which is all the maps below need. The maps describe these
# networks; another training run gives somewhat different ones.
#
# ## Feature maps
# A *feature map* is one channel of a layer's output: a grid with one value per position.
# `interpret.feature_maps` runs the network on one image and returns the outputs of the
# layers named. Each stage of the MNIST VGG halves the grid and doubles the channels, while
# the *receptive field* of a position (notebook 01: the input pixels it depends on) grows:

# %% slideshow={"slide_type": "-"}
stages = ["block1_relu2", "block2_relu2", "block3_relu2"]
digit = mnist["x_test"][0]
maps = interpret.feature_maps(vgg, digit, stages)
fields = receptive_field.receptive_fields(vgg)
for name in stages:
    height, width, channels = maps[name].shape
    print(f"{name}: {height}x{width} grid, {channels} channels, receptive field {fields[name][0].size}x"
          f"{fields[name][1].size} pixels")

# %% slideshow={"slide_type": "subslide"}
figure = matplotlib.figure.Figure(figsize=(9, 3.6), layout="constrained")
axes = figure.subplots(3, 8)
for row, name in enumerate(stages):
    strongest = np.argsort(maps[name].mean(axis=(0, 1)))[::-1][:8]  # the 8 most active channels
    for axis, channel in zip(axes[row], strongest):
        axis.imshow(maps[name][..., channel], cmap="inferno")
        axis.set_xticks([]), axis.set_yticks([])
        axis.set_title(f"channel {channel}", fontsize=7)
    axes[row, 0].set_ylabel(name, fontsize=8)
figure.suptitle(f"The most active feature maps of the MNIST VGG for one test digit (a {mnist['y_test'][0]})", fontsize=10)
figure

# %% [markdown] slideshow={"slide_type": "slide"}
# The first stage's maps still look like the digit, each picking out some of its strokes or
# edges, because each position sees a 5x5 patch. By the third stage the grid is 7x7, each
# position's field (32x32) covers the whole 28x28 image, and the maps no longer look like the
# digit: they say where, roughly, something that matters for the class sits.
#
# ## Filters by gradient ascent
# Which input excites a channel most? Start from noise and climb the gradient of the
# channel's mean activation with respect to the image (Erhan et al. 2009). Left alone, the
# climb adds high-frequency patterns that no digit has, so Yosinski et al. (2015) regularise
# it: here the image decays a little each step, is blurred every few steps, and is clipped to
# the pixel range [0, 1] of real digits. The channels are taken before their ReLU (at the
# batch normalisation), where the gradient is never zero everywhere:

# %% slideshow={"slide_type": "subslide"}
show.source(interpret.filters_by_gradient_ascent)

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
ascent_layers = ["block1_bn2", "block2_bn2", "block3_bn2"]
channels = list(range(8))
test_digits, beaten_in_all = mnist["x_test"][:1000], 0
for name in ascent_layers:
    images, start, end = interpret.filters_by_gradient_ascent(vgg, name, channels, steps=settings.ascent_steps,
                                                              value_range=(0.0, 1.0))
    taps = keras.Model(vgg.inputs[0], vgg.get_layer(name).output)
    best_digit = keras.ops.convert_to_numpy(taps(test_digits)).mean(axis=(1, 2))[:, channels].max(axis=0)
    beaten = int(np.sum(end > best_digit))
    print(f"{name}: mean activation {start.mean():+.2f} -> {end.mean():+.2f}; the image beats all "
          f"{len(test_digits):,} test digits in {beaten} of {len(channels)} channels")
    maps[f"ascent {name}"], beaten_in_all = images, beaten_in_all + beaten
print(f"all three stages: {beaten_in_all} of {len(channels) * len(ascent_layers)} channels")

# %% slideshow={"slide_type": "subslide"}
figure = matplotlib.figure.Figure(figsize=(9, 3.6), layout="constrained")
axes = figure.subplots(3, 8)
for row, name in enumerate(ascent_layers):
    for axis, channel in zip(axes[row], channels):
        axis.imshow(maps[f"ascent {name}"][channel, ..., 0], cmap="gray", vmin=0, vmax=1)
        axis.set_xticks([]), axis.set_yticks([])
        axis.set_title(f"channel {channel}", fontsize=7)
    axes[row, 0].set_ylabel(name, fontsize=8)
figure.suptitle("Inputs found by gradient ascent for channels 0 to 7 of each stage (pixel range 0 to 1)", fontsize=10)
figure

# %% [markdown] slideshow={"slide_type": "slide"}
# Some first-stage channels prefer oriented stripes, others an almost uniform white or dark
# image (a channel that responds to brightness). The deeper stages prefer textures of checks,
# bars and blobs repeated over the whole image: their units see large fields, and the mean
# over the map rewards the pattern everywhere. The numbers above the figure say what the
# pictures cannot: in 22 of the 24 channels the found image excites the channel more than
# every one of 1,000 test digits, so the climb found inputs that the channel prefers to real
# data. What such an image looks like depends on the regularisation as much as on the network
# (Olah et al. 2017), which is why the maps that follow start from real images instead.
#
# ## A task whose answer is known
# A map is a claim about which pixels the network used. To check a method, train a network on
# a task where we know those pixels: grey digits, half of them with a white 6x6 square (the
# *marker*) at a random place, and the label says whether the marker is there. The digits
# are distractors; the marker is the answer. The network is small and ends in a global average
# pooling, for reasons that Grad-CAM will make clear:

# %% slideshow={"slide_type": "-"}
show.source(interpret.marker_network)

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
(digits, _), (test_digits_uint8, _) = data.load_mnist()
marker_x, marker_y, _ = interpret.marker_images(digits, settings.marker_images, seed=0)
marker_test_x, marker_test_y, marker_corners = interpret.marker_images(test_digits_uint8, 400, seed=1)
keras.utils.set_random_seed(2)
marker_net = interpret.marker_network()
marker_net.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"])
marker_net.fit(marker_x, marker_y, batch_size=64, epochs=3, verbose=0)
marker_accuracy = marker_net.evaluate(marker_test_x, marker_test_y, verbose=0)[1]
print(f"marker network: test accuracy {marker_accuracy:.1%} on {len(marker_test_x)} images")
assert marker_accuracy >= 0.98

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Occlusion
# Zeiler and Fergus (2014, Section 4.2) covered part of the image with a grey square and
# watched the probability of the right class: where covering hurts, the network was looking.
# `interpret.occlusion_map` slides the patch over the image and returns the probability at
# each position; `occlusion_per_pixel` gives each pixel the mean drop over the patches that
# cover it. Here the patch is the marker's size and the fill is 0, the background:

# %% slideshow={"slide_type": "-"}
show.source(interpret.occlusion_map)


# %% slideshow={"slide_type": "-"}
def occlusion(model, image, label, patch=6, stride=1):
    baseline = float(model.predict(image[None], verbose=0)[0, label])
    probabilities = interpret.occlusion_map(model, image, label, patch=patch, stride=stride)
    return interpret.occlusion_per_pixel(probabilities, image.shape, patch, stride, baseline)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Saliency and Grad-CAM
# Both use the gradient of the class *score* $y^c$, the network's output before the softmax
# (`interpret.logits_model` strips the softmax off the last layer).
# * **Saliency** (Simonyan et al. 2014, Section 3.1): $\left|\partial y^c / \partial x\right|$
#   at each pixel, the largest over the channels. One backward pass; it says which pixels
#   would change the score most if nudged.
# * **Grad-CAM** (Selvaraju et al. 2017, Section 3): take a convolutional layer's maps $A^k$,
#   weigh each by the mean of its gradient, $\alpha_k = \frac{1}{Z}\sum_{i,j}\partial y^c /
#   \partial A^k_{ij}$ ($Z$ positions), and keep the positive part of
#   $\sum_k \alpha_k A^k$. The map has the layer's resolution; `upsample` brings it to the
#   image's.

# %% slideshow={"slide_type": "-"}
show.source(interpret.grad_cam)

# %% [markdown] slideshow={"slide_type": "notes"}
# Grad-CAM has a case that can be worked out by hand. After global average pooling and a
# dense layer, $y^c = \sum_k w_{kc} \frac{1}{Z} \sum_{ij} A^k_{ij} + b_c$, so
# $\partial y^c / \partial A^k_{ij} = w_{kc}/Z$, $\alpha_k = w_{kc}/Z$, and Grad-CAM is the
# positive part of $\sum_k w_{kc} A^k$ divided by $Z$: the class activation map (CAM) of Zhou
# et al. (2016), computed without any gradient. On the marker network:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
image = marker_test_x[np.flatnonzero(marker_test_y)[0]]
conv3 = interpret.feature_maps(marker_net, image, ["conv3"])["conv3"]  # (7, 7, 32)
dense_weights = marker_net.get_layer("predictions").get_weights()[0]  # (32 channels, 2 classes)
by_hand = np.maximum(conv3 @ dense_weights[:, 1], 0) / (7 * 7)
computed = interpret.grad_cam(marker_net, image, 1, "conv3")
print(f"largest difference {np.abs(computed - by_hand).max():.1e}, map maximum {by_hand.max():.3f}")
np.testing.assert_allclose(computed, by_hand, rtol=1e-4, atol=1e-6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The three maps on the known answer
# For each test image with a marker, take each map's 36 strongest pixels (as many as the
# marker has) and count the share that lies inside the marker (`interpret.top_overlap` with
# the marker's mask). A map that picked pixels at random would score 36/784, about 4.6%:

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
def marker_scores(image, corner):
    mask = interpret.marker_mask(corner)
    found = {"occlusion": occlusion(marker_net, image, 1),
             "saliency": interpret.saliency_map(marker_net, image, 1),
             "Grad-CAM": interpret.upsample(interpret.grad_cam(marker_net, image, 1, "conv3"), (28, 28))}
    return found, {name: interpret.top_overlap(heat, mask, mask.mean()) for name, heat in found.items()}


with_marker = np.flatnonzero(marker_test_y)[:settings.map_images]
marker_results = [marker_scores(marker_test_x[i], marker_corners[i]) for i in with_marker]
for name in ("occlusion", "saliency", "Grad-CAM"):
    shares = [scores[name] for _, scores in marker_results]
    print(f"{name:9}: {np.mean(shares):.0%} of the top pixels inside the marker (lowest {np.min(shares):.0%}), "
          f"over {len(shares)} images; chance {36 / 784:.1%}")

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
shares = {name: np.mean([scores[name] for _, scores in marker_results]) for name in ("occlusion", "saliency", "Grad-CAM")}
assert all(share > 5 * 36 / 784 for share in shares.values()), shares  # every map finds the marker
interpret.plot_maps(marker_test_x[with_marker[:3]], {name: [found[name] for found, _ in marker_results[:3]]
                                                    for name in shares},
                    title="Where each map points, on images whose answer (the white square) is known")

# %% [markdown] slideshow={"slide_type": "slide"}
# All three find the marker far above chance (4.6%), and the figure shows how differently.
# Occlusion puts 95% of its top pixels on the square, as it should: covering the square is
# what removes the evidence. Grad-CAM (84%) lights up a blob on and around it, as coarse as
# the 7x7 layer it is computed at. Saliency (40%) is a scatter of single pixels on the square,
# around it and along the digit's strokes: the gradient says which pixels would move the score
# most if nudged, which is not the same as which pixels the decision rests on. These shares
# are for this network and task; the next section asks how far the maps agree on real images.
#
# ## The three maps on the trained networks
# On MNIST and Fashion-MNIST nobody knows the answer, so we compare the methods with each
# other: for each pair, the share of one map's top 10% pixels that are also in the other's.
# Two unrelated maps share about 10%. Grad-CAM uses each network's last convolutional layer
# before its classifier: `block3_relu2` of the MNIST VGG (7x7) and `conv5` of the AlexNet-style
# network (6x6).

# %% slideshow={"slide_type": "-"}
def three_maps(model, image, label, layer):
    return {"occlusion": occlusion(model, image, label, patch=6, stride=2),
            "saliency": interpret.saliency_map(model, image, label),
            "Grad-CAM": interpret.upsample(interpret.grad_cam(model, image, label, layer), image.shape[:2])}


networks = {"MNIST VGG": (vgg, mnist["x_test"], mnist["y_test"], "block3_relu2"),
            "AlexNet-style (Fashion)": (fashion_net, fashion_test_x, fashion_test_y, "conv5")}
all_maps = {name: [three_maps(model, x[i], int(y[i]), layer) for i in range(settings.map_images)]
            for name, (model, x, y, layer) in networks.items()}

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
pairs = [("occlusion", "saliency"), ("occlusion", "Grad-CAM"), ("saliency", "Grad-CAM")]
agreement = {}
for name, found in all_maps.items():
    for first, second in pairs:
        shared = [interpret.top_overlap(maps_of[first], maps_of[second], 0.1) for maps_of in found]
        agreement[name, first, second] = np.mean(shared)
        print(f"{name:24} {first:9} / {second:9}: {np.mean(shared):.0%} shared (sd {np.std(shared):.0%}, "
              f"{len(shared)} images)")
mnist_pairs = [share for (name, *_), share in agreement.items() if name == "MNIST VGG"]
assert min(mnist_pairs) > 0.15, agreement  # every pair well above the 10% of unrelated maps
fashion = "AlexNet-style (Fashion)"
assert agreement[fashion, "occlusion", "Grad-CAM"] > 0.2 > max(agreement[fashion, "occlusion", "saliency"],
                                                               agreement[fashion, "saliency", "Grad-CAM"])

# %% slideshow={"slide_type": "subslide"}
rows = [(name, index) for name in all_maps for index in range(2)]
interpret.plot_maps([networks[name][1][index] for name, index in rows],
                    {method: [all_maps[name][index][method] for name, index in rows]
                     for method in ("occlusion", "saliency", "Grad-CAM")},
                    row_labels=[f"{name.split(' ')[0]} {index}" for name, index in rows],
                    title="Occlusion, saliency and Grad-CAM for the true class, two test images per network")

# %% [markdown] slideshow={"slide_type": "slide"}
# On the MNIST VGG every pair of methods shares 26% to 33% of its top pixels, well above the
# 10% of unrelated maps. On the AlexNet-style network, occlusion and Grad-CAM share 36% (with a
# wide spread between images, sd 27%), but saliency agrees with neither: 7% of its top pixels
# are in occlusion's, 14% in Grad-CAM's, about what unrelated maps share. The figure shows
# why: saliency is speckled over the whole image, background included, where occlusion and
# Grad-CAM are smooth blobs on the object. The speckle of plain gradients is a known weakness,
# which SmoothGrad averages away over noisy copies of the image (Smilkov et al. 2017).
#
# ## A sanity check: randomise the weights
# A map that explains a network's decision must depend on what the network learned. Adebayo
# et al. (2018) test it by *cascading randomisation*: replace the weights of the top layer by
# random ones, then of the next layer down as well, and so on to the first, recomputing the
# map each time. A map that hardly changes is explaining the image, not the network. They
# found that plain gradients pass and that some popular variants do not; one that fails on
# MNIST is *gradient times input*, $|x \odot \partial y^c / \partial x|$, which is 0 wherever
# a pixel is 0. `interpret.randomise_layers` draws each named layer's kernel afresh, each
# layer from its own seed:

# %% slideshow={"slide_type": "-"}
show.source(interpret.randomise_layers)


# %% slideshow={"slide_type": "-"}
def sanity_maps(model, image, label):
    gradient = interpret.input_gradient(model, image, label)
    return {"saliency": np.abs(gradient).max(axis=-1), "gradient x input": np.abs(gradient * image).sum(axis=-1),
            "Grad-CAM": interpret.grad_cam(model, image, label, "block3_relu2")}


cascade = ["predictions", "block3_conv2", "block3_conv1", "block2_conv2", "block2_conv1", "block1_conv2",
           "block1_conv1"]
sanity_x, sanity_y = mnist["x_test"][:settings.sanity_images], mnist["y_test"][:settings.sanity_images]
trained_maps = [sanity_maps(vgg, image, int(label)) for image, label in zip(sanity_x, sanity_y)]


# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
def correlation_or_zero(first, second):
    """Rank correlation; 0 when a randomised Grad-CAM is all zero (nothing left to rank)."""
    return interpret.rank_correlation(first, second) if np.ptp(second) > 0 else 0.0


correlations = {name: [] for name in trained_maps[0]}
for depth in range(1, len(cascade) + 1):
    randomised = interpret.randomise_layers(vgg, cascade[:depth], seed=100)
    for name in correlations:
        correlations[name].append(np.mean([
            correlation_or_zero(before[name], sanity_maps(randomised, image, int(label))[name])
            for before, image, label in zip(trained_maps, sanity_x, sanity_y)]))
for name, values in correlations.items():
    print(f"{name:16}", " ".join(f"{value:+.2f}" for value in values))

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
figure = matplotlib.figure.Figure(figsize=(7, 3.4), layout="constrained")
axis = figure.subplots()
for name, values in correlations.items():
    axis.plot(range(1, len(cascade) + 1), values, marker="o", label=name)
axis.set_xticks(range(1, len(cascade) + 1), [f"+{name}" for name in cascade], rotation=30, fontsize=8)
axis.set_ylabel("rank correlation with the trained map")
axis.set_xlabel("layers randomised, from the top down (cumulative)")
axis.set_ylim(-1, 1), axis.axhline(0, color="grey", linewidth=0.5), axis.legend(fontsize=8)
figure.suptitle(f"Cascading randomisation of the MNIST VGG, mean over {len(sanity_x)} test digits", fontsize=10)
figure

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
image_correlation = np.mean([interpret.rank_correlation(maps_of["gradient x input"], image[..., 0])
                             for maps_of, image in zip(trained_maps, sanity_x)])
print(f"gradient x input against the digit itself, trained network: rank correlation {image_correlation:.2f}")
print(f"pixels that are 0 in these digits: {np.mean(sanity_x == 0):.0%}")
assert correlations["gradient x input"][-1] > 0.8 > max(correlations["saliency"][-1], correlations["Grad-CAM"][-1])

# %% [markdown] slideshow={"slide_type": "slide"}
# Saliency and Grad-CAM pass: randomising the top layer alone already drops their rank
# correlation with the trained map to 0.33 and 0.19, and with every layer randomised they
# keep 0.16 and -0.10, little or nothing. They depend on what the network learned. Gradient
# times input fails: it keeps 0.99 through the whole cascade, because it is 0 wherever the
# digit is 0 (84% of the pixels here), so its ranking is the digit's own (rank correlation
# with the digit 1.00, before any randomisation). It shows the image whatever the weights; on
# data with a black background, a map that multiplies by the input cannot pass this test. The
# rank correlation counts those ties too, which is why the test needs several maps side by
# side, as Adebayo et al. use it.
#
# ## With ImageNet weights (Colab)
# The same functions work on any Keras classifier. Where the weights can be downloaded
# (Colab), the next cells compute Grad-CAM and saliency for `keras.applications.VGG16` with
# ImageNet weights on the photograph of Grace Hopper that ships with matplotlib, at VGG16's
# last convolutional layer `block5_conv3` (14x14). Offline, as in CI, they say so and go on.

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
try:
    with contextlib.redirect_stdout(io.StringIO()):  # the download's progress bar
        pretrained = keras.applications.VGG16(weights="imagenet")
        keras.applications.vgg16.decode_predictions(np.eye(1000)[:1], top=1)  # fetches the class names
except Exception:  # keras raises a plain Exception when a download fails
    pretrained = None
    print("The ImageNet weights of VGG16 could not be downloaded here (no internet), so this section "
          "is skipped; on Colab these cells draw its maps.")

# %% slideshow={"slide_type": "-"}
# NBVAL_IGNORE_OUTPUT
if pretrained is not None:
    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as file:
        photo = matplotlib.image.imread(file)
    resized = keras.ops.convert_to_numpy(keras.ops.image.resize(photo[None].astype("float32"), (224, 224)))[0]
    prepared = keras.applications.vgg16.preprocess_input(resized.copy())
    scores = pretrained.predict(prepared[None], verbose=0)
    top_class = int(np.argmax(scores))
    print("top class:", keras.applications.vgg16.decode_predictions(scores, top=1)[0][0][1:])
    display(interpret.plot_maps(resized[None] / 255, {
        "saliency": [interpret.saliency_map(pretrained, prepared, top_class)],
        "Grad-CAM": [interpret.upsample(interpret.grad_cam(pretrained, prepared, top_class, "block5_conv3"),
                                        (224, 224))]}, title="VGG16 with ImageNet weights, its top class"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
# * Feature maps shrink and multiply with depth while each position's receptive field grows:
#   from 5x5 pixels in the MNIST VGG's first stage to 32x32, the whole image, in its third.
# * Gradient ascent finds inputs that excite a channel more than real digits do, but what they
#   look like depends on the regularisation; they are pictures of a channel, not of the data.
# * On a task whose answer is known, occlusion, Grad-CAM and saliency all point at the marker,
#   far above chance, occlusion most often and saliency least. Grad-CAM after global average
#   pooling is CAM, which the notebook checks against the dense layer's weights.
# * On real images the methods agree only in part, and saliency's speckle can agree with
#   the others no more than chance.
# * The randomisation test separates maps that explain the network (saliency, Grad-CAM) from
#   one that shows the image (gradient times input).
#
# ## Exercises
# Each checked exercise is a cell with `answer = None`: put your answer in place of `None` and
# run the cell. It says whether you are right, not what the answer is; the hint is there if
# you need it. Worked answers, to read after trying: [the answers to notebook
# 07](answers/07_what_networks_learned_answers.ipynb).
#
# 1. How many patch positions does `interpret.occlusion_map` try on a 28x28 image with
#    `patch=6` and `stride=2`?
#
#    *Hint:* along one side, the patch's top-left corner can sit at 0, 2, 4, and so on, as
#    long as the patch stays inside the image.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the number of occlusion positions
exercises.check_exercise("07.1", answer)

# %% [markdown] slideshow={"slide_type": "-"}
# 2. A map that picked its 36 strongest pixels at random, on a 28x28 marker image: what share
#    of them would lie inside the 6x6 marker, on average? Give a fraction (not a percentage).
#
#    *Hint:* every pixel is equally likely to be picked.

# %% slideshow={"slide_type": "-"}
answer = None  # your answer: the expected share, a number between 0 and 1
exercises.check_exercise("07.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# 3. *(Open.)* Run the sanity check with Grad-CAM at `block2_relu2` (14x14) instead of
#    `block3_relu2`. Does the map still change when the layers are randomised? Criterion:
#    the map depends on the learned weights if its mean rank correlation with the trained map
#    falls below one half once every layer is randomised.
# 4. *(Open.)* Occlude with the mean pixel of the data set instead of 0, on the MNIST VGG.
#    Does the occlusion map's agreement with Grad-CAM change by more than the spread between
#    images?
#
# ## References
# * M. D. Zeiler and R. Fergus. Visualizing and Understanding Convolutional Networks. ECCV
#   2014. arXiv:1311.2901.
# * K. Simonyan, A. Vedaldi and A. Zisserman. Deep Inside Convolutional Networks: Visualising
#   Image Classification Models and Saliency Maps. ICLR workshop 2014. arXiv:1312.6034.
# * R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh and D. Batra. Grad-CAM:
#   Visual Explanations from Deep Networks via Gradient-based Localization. ICCV 2017.
#   arXiv:1610.02391.
# * B. Zhou, A. Khosla, A. Lapedriza, A. Oliva and A. Torralba. Learning Deep Features for
#   Discriminative Localization. CVPR 2016 (CAM).
# * J. Adebayo, J. Gilmer, M. Muelly, I. Goodfellow, M. Hardt and B. Kim. Sanity Checks for
#   Saliency Maps. NeurIPS 2018. arXiv:1810.03292.
# * D. Erhan, Y. Bengio, A. Courville and P. Vincent. Visualizing Higher-Layer Features of a
#   Deep Network. Technical report 1341, Université de Montréal, 2009.
# * J. Yosinski, J. Clune, A. Nguyen, T. Fuchs and H. Lipson. Understanding Neural Networks
#   Through Deep Visualization. ICML Deep Learning workshop 2015. arXiv:1506.06579.
# * D. Smilkov, N. Thorat, B. Kim, F. Viégas and M. Wattenberg. SmoothGrad: removing noise by
#   adding noise. ICML workshop 2017. arXiv:1706.03825.
# * C. Olah, A. Mordvintsev and L. Schubert. Feature Visualization. Distill, 2017.
#   doi:10.23915/distill.00007.
# * F. Chollet. Deep Learning with Python, second edition, chapter 9. Manning, 2021.

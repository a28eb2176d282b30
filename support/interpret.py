"""What a trained network looks at: feature maps, filters by gradient ascent, occlusion,
saliency, Grad-CAM, and the randomisation sanity check (notebook 07).

Every map here is a function of a trained Keras model and one image of shape ``(H, W, C)``.
The class score is the network's score *before* the softmax (``logits_model``), as in
Simonyan et al. (2014) and Selvaraju et al. (2017). The gradients run on TensorFlow (a
``tf.GradientTape``) or on JAX (``jax.grad``), so the module works under both backends.

Papers:
    Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014
    (occlusion, Section 4.2). Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional
    Networks", ICLR workshop 2014 (saliency, Section 3.1). Selvaraju et al., "Grad-CAM", ICCV
    2017 (Section 3, equations 1 and 2). Yosinski et al., "Understanding Neural Networks
    Through Deep Visualization", ICML workshop 2015 (regularised gradient ascent). Adebayo et
    al., "Sanity Checks for Saliency Maps", NeurIPS 2018 (cascading randomisation).
"""

import keras
import numpy as np


def _layer(model, layer_name):
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"layer_name={layer_name!r} is not a layer of {model.name!r}; its layers are {names}.")
    return model.get_layer(layer_name)


def _image(model, image):
    """``image`` as a float32 batch of one, checked against the model's input shape."""
    image = np.asarray(image, dtype="float32")
    expected = tuple(model.inputs[0].shape[1:])
    if image.shape != expected:
        raise ValueError(f"image has shape {image.shape}; {model.name!r} takes one image of shape {expected} "
                         f"(pass image[..., None] for a grey image without a channel axis).")
    return image[None]


def _class_index(scores_model, class_index):
    classes = scores_model.outputs[0].shape[-1]
    if not (isinstance(class_index, (int, np.integer)) and 0 <= class_index < classes):
        raise ValueError(f"class_index={class_index!r}: give an integer from 0 to {classes - 1}.")
    return int(class_index)


def logits_model(model):
    """The model up to its class scores before the softmax.

    Args:
        model: functional Keras model whose last layer is a ``Dense`` with a softmax, a
            ``Softmax`` or ``Activation("softmax")`` layer, or a ``Dense`` without activation.

    Returns:
        A ``keras.Model`` with the same input and the pre-softmax scores as output; the
        weights are shared with ``model``.
    """
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    if isinstance(last, keras.layers.Softmax) or (isinstance(last, keras.layers.Activation) and activation == "softmax"):
        return keras.Model(model.inputs[0], last.input, name=f"{model.name}_logits")
    if isinstance(last, keras.layers.Dense) and activation in ("softmax", "linear"):
        if activation == "linear":
            return model
        logits = keras.ops.matmul(last.input, last.kernel)
        logits = logits + last.bias if last.use_bias else logits
        return keras.Model(model.inputs[0], logits, name=f"{model.name}_logits")
    raise ValueError(f"the last layer of {model.name!r} is {type(last).__name__} with activation {activation!r}: "
                     f"logits_model needs a Dense (softmax or none), Softmax or Activation('softmax') layer there.")


def output_gradient(function_model, inputs, weights):
    """Gradient of ``sum(function_model(inputs) * weights)`` with respect to ``inputs``, in
    inference mode, on TensorFlow (a gradient tape) or JAX (``jax.grad``); ``weights`` has the
    output's shape (a one-hot picks one output unit or class). Also used by
    ``support.receptive_field`` for the empirical receptive field."""
    backend = keras.backend.backend()
    inputs = np.asarray(inputs, dtype="float32")
    weights = np.asarray(weights, dtype="float32")
    if backend == "tensorflow":
        import tensorflow as tf

        tensor = tf.convert_to_tensor(inputs)
        with tf.GradientTape() as tape:
            tape.watch(tensor)
            total = tf.reduce_sum(function_model(tensor, training=False) * weights)
        return tape.gradient(total, tensor).numpy()
    if backend == "jax":
        import jax

        def total(x):
            outputs, _ = function_model.stateless_call(
                function_model.trainable_variables, function_model.non_trainable_variables, x, training=False)
            return (outputs * weights).sum()

        return np.asarray(jax.grad(total)(inputs))
    raise ValueError(f"backend {backend!r}: support.interpret computes gradients on tensorflow and jax; "
                     f"set KERAS_BACKEND to one of them.")


def feature_maps(model, image, layer_names):
    """The outputs of ``layer_names`` for one image: ``{name: array (H', W', C')}``."""
    outputs = [_layer(model, name).output for name in layer_names]
    taps = keras.Model(model.inputs[0], outputs)
    values = taps(_image(model, image), training=False)
    values = values if isinstance(values, (list, tuple)) else [values]
    return {name: keras.ops.convert_to_numpy(value)[0] for name, value in zip(layer_names, values)}


def input_gradient(model, image, class_index):
    """``d score_c / d image``: the gradient of the class's pre-softmax score, shape (H, W, C)."""
    scores = logits_model(model)
    class_index = _class_index(scores, class_index)
    weights = np.eye(scores.outputs[0].shape[-1], dtype="float32")[class_index][None]
    return output_gradient(scores, _image(model, image), weights)[0]


def saliency_map(model, image, class_index):
    """Simonyan et al.'s saliency: ``max over channels of |d score_c / d pixel|``, shape (H, W)."""
    return np.abs(input_gradient(model, image, class_index)).max(axis=-1)


def grad_cam(model, image, class_index, layer_name):
    """Grad-CAM at ``layer_name``: ``ReLU(sum_k alpha_k A^k)``, ``alpha_k`` the mean of
    ``d score_c / d A^k`` over the map (Selvaraju et al., equations 1 and 2).

    Returns:
        The map at the layer's resolution, shape (H', W'); ``upsample`` brings it to the image.
    """
    scores = logits_model(model)
    class_index = _class_index(scores, class_index)
    layer = _layer(model, layer_name)
    if len(layer.output.shape) != 4:
        raise ValueError(f"layer_name={layer_name!r} has output shape {layer.output.shape}: Grad-CAM needs a "
                         f"convolutional layer's (batch, height, width, channels) output.")
    try:
        tail = keras.Model(layer.output, scores.outputs[0])
    except ValueError as error:  # a branch after the layer needs another tensor
        raise ValueError(f"the scores of {model.name!r} do not depend on {layer_name!r} alone ({error}); "
                         f"choose a layer that every path to the output goes through.") from None
    activations = feature_maps(model, image, [layer_name])[layer_name]
    weights = np.eye(scores.outputs[0].shape[-1], dtype="float32")[class_index][None]
    gradient = output_gradient(tail, activations[None], weights)[0]
    alpha = gradient.mean(axis=(0, 1))  # one weight per channel k
    return np.maximum((activations * alpha).sum(axis=-1), 0.0)


def upsample(heat_map, size):
    """``heat_map`` (h, w) resized to ``size`` (H, W) bilinearly, to lay it over the image."""
    heat_map = np.asarray(heat_map, dtype="float32")
    resized = keras.ops.image.resize(heat_map[None, ..., None], tuple(size), interpolation="bilinear")
    return keras.ops.convert_to_numpy(resized)[0, ..., 0]


def occlusion_map(model, image, class_index, patch=4, stride=2, fill=0.0, batch_size=256):
    """Zeiler and Fergus's occlusion: the class probability with a square patch of ``fill``
    over each position of the image (Section 4.2).

    Returns:
        Array (rows, cols): entry (i, j) is ``model``'s probability of ``class_index`` with the
        patch's top-left corner at pixel ``(i * stride, j * stride)``.
    """
    batch = _image(model, image)
    height, width = batch.shape[1:3]
    class_index = _class_index(model, class_index)
    if not (isinstance(patch, int) and 1 <= patch <= min(height, width)):
        raise ValueError(f"patch={patch!r}: give the side of a square patch from 1 to {min(height, width)} pixels.")
    if not (isinstance(stride, int) and stride >= 1):
        raise ValueError(f"stride={stride!r}: give a whole number of pixels, at least 1.")
    rows, cols = range(0, height - patch + 1, stride), range(0, width - patch + 1, stride)
    occluded = np.repeat(batch, len(rows) * len(cols), axis=0)
    for index, (top, left) in enumerate((top, left) for top in rows for left in cols):
        occluded[index, top:top + patch, left:left + patch, :] = fill
    probabilities = model.predict(occluded, batch_size=batch_size, verbose=0)[:, class_index]
    return probabilities.reshape(len(rows), len(cols))


def occlusion_per_pixel(probabilities, image_shape, patch, stride, baseline):
    """Spread an ``occlusion_map`` back over the pixels: each pixel gets the mean drop in
    probability (``baseline`` minus the occluded probability) over the patches that cover it.

    Returns:
        Array of ``image_shape[:2]``; pixels that no patch covers get 0.
    """
    probabilities = np.asarray(probabilities, dtype="float64")
    height, width = image_shape[:2]
    expected = (len(range(0, height - patch + 1, stride)), len(range(0, width - patch + 1, stride)))
    if probabilities.shape != expected:
        raise ValueError(f"probabilities of shape {probabilities.shape}: an occlusion map of a {height}x{width} "
                         f"image with patch={patch}, stride={stride} has shape {expected}.")
    total, count = np.zeros((height, width)), np.zeros((height, width))
    for row in range(expected[0]):
        for col in range(expected[1]):
            top, left = row * stride, col * stride
            total[top:top + patch, left:left + patch] += baseline - probabilities[row, col]
            count[top:top + patch, left:left + patch] += 1
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def top_overlap(map_a, map_b, fraction=0.1):
    """The share of ``map_a``'s top ``fraction`` pixels that are also among ``map_b``'s.

    Both maps must have the same shape (``upsample`` one first). 1 means the same pixels; a
    random pair of maps shares about ``fraction`` of them.
    """
    map_a, map_b = np.asarray(map_a, dtype="float64"), np.asarray(map_b, dtype="float64")
    if map_a.shape != map_b.shape:
        raise ValueError(f"maps of shapes {map_a.shape} and {map_b.shape}: upsample one to the other's shape first.")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction={fraction!r}: give a share of the pixels in (0, 1], e.g. 0.1 for the top 10%.")
    count = max(1, int(round(fraction * map_a.size)))
    top_a = set(np.argsort(map_a, axis=None, kind="stable")[::-1][:count])
    top_b = set(np.argsort(map_b, axis=None, kind="stable")[::-1][:count])
    return len(top_a & top_b) / count


def rank_correlation(map_a, map_b):
    """Spearman's rank correlation of two maps of the same shape (tied values share their
    mean rank), as Adebayo et al. compare a map before and after randomisation."""
    map_a, map_b = np.asarray(map_a, dtype="float64"), np.asarray(map_b, dtype="float64")
    if map_a.shape != map_b.shape:
        raise ValueError(f"maps of shapes {map_a.shape} and {map_b.shape}: upsample one to the other's shape first.")

    def ranks(values):
        values = values.ravel()
        order = np.argsort(values, kind="stable")
        ranked = np.empty(values.size)
        ranked[order] = np.arange(values.size)
        _, inverse = np.unique(values, return_inverse=True)
        return np.bincount(inverse, weights=ranked)[inverse] / np.bincount(inverse)[inverse]

    rank_a, rank_b = ranks(map_a) - ranks(map_a).mean(), ranks(map_b) - ranks(map_b).mean()
    spread = np.sqrt((rank_a ** 2).sum() * (rank_b ** 2).sum())
    if spread == 0:
        raise ValueError("a map is constant, so it has no ranking to correlate.")
    return float((rank_a * rank_b).sum() / spread)


def _blur(image):
    """A 3x3 binomial blur (weights 1-2-1 in each direction), edges repeated."""
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge")
    rows = (padded[:-2] + 2 * padded[1:-1] + padded[2:]) / 4
    return (rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]) / 4


def filters_by_gradient_ascent(model, layer_name, channels, steps=100, step_size=0.05, decay=0.01,
                               blur_every=4, value_range=None, seed=0):
    """The inputs that most excite ``channels`` of ``layer_name``, by gradient ascent on the
    mean of each channel's map (one image per channel, all ascended together as one batch).

    Regularised as Yosinski et al. (2015) do: each step moves by ``step_size`` along the
    gradient scaled to unit root-mean-square, the image decays towards zero by ``decay``, it is
    blurred every ``blur_every`` steps (0: never) and clipped to ``value_range`` (None: not).
    Start from noise N(0, 0.1^2) drawn with ``seed``. Pick a layer before its ReLU (e.g. a
    batch normalisation): after a ReLU, a channel that is 0 everywhere has no gradient.

    Returns:
        ``(images, start, end)``: the images (len(channels), H, W, C), and each channel's mean
        activation on its image before the first step and after the last.
    """
    layer = _layer(model, layer_name)
    count = layer.output.shape[-1]
    channels = list(channels)
    bad = [channel for channel in channels if not (isinstance(channel, (int, np.integer)) and 0 <= channel < count)]
    if bad or not channels:
        raise ValueError(f"channels={channels!r}: give channel numbers from 0 to {count - 1} of {layer_name!r}.")
    taps = keras.Model(model.inputs[0], layer.output)
    weights = np.zeros((len(channels), *taps.outputs[0].shape[1:]), dtype="float32")
    for row, channel in enumerate(channels):
        weights[row, ..., channel] = 1.0 / np.prod(weights.shape[1:-1])  # the mean of the channel's map
    shape = (len(channels), *model.inputs[0].shape[1:])
    images = np.random.default_rng(seed).normal(0.0, 0.1, size=shape).astype("float32")

    def mean_activations(batch):
        return (keras.ops.convert_to_numpy(taps(batch, training=False)) * weights).sum(axis=(1, 2, 3))

    start = mean_activations(images)
    for step in range(steps):
        gradient = output_gradient(taps, images, weights)
        scale = np.sqrt(np.mean(gradient ** 2, axis=(1, 2, 3), keepdims=True)) + 1e-8
        images = (1 - decay) * images + step_size * gradient / scale
        if blur_every and (step + 1) % blur_every == 0:
            images = np.stack([_blur(image) for image in images])
        if value_range is not None:
            images = np.clip(images, *value_range)
    images = images.astype("float32")
    return images, start, mean_activations(images)


def randomise_layers(model, layer_names, seed=0):
    """A copy of ``model`` whose ``layer_names`` have fresh random kernels (Adebayo et al.'s
    cascading randomisation); every other weight is copied.

    Each layer draws from Glorot uniform with its own seed (``seed`` plus the layer's position
    in ``layer_names``), so two layers of the same shape get different weights. Biases and
    batch-normalisation statistics are kept.
    """
    for name in layer_names:
        _layer(model, name)
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    for position, name in enumerate(layer_names):
        kernel = getattr(copy.get_layer(name), "kernel", None)
        if kernel is None:
            raise ValueError(f"layer {name!r} has no kernel to randomise; name convolutional or dense layers.")
        initializer = keras.initializers.GlorotUniform(seed=seed + position)
        kernel.assign(initializer(tuple(kernel.shape), dtype="float32"))
    return copy


def marker_images(digits, count, side=6, seed=0):
    """A task whose answer is known: grey digits, and in half of them a white ``side`` x ``side``
    square (the marker) at a random place. The label is 1 when the marker is there.

    A map of a network trained on it should point at the marker, wherever it is: the digits are
    only distractors.

    Args:
        digits: uint8 or float images (N, 28, 28) or (N, 28, 28, 1), e.g. MNIST's.
        count: images to make. side: the marker's side in pixels. seed: of every draw.

    Returns:
        ``(images, labels, corners)``: float32 (count, H, W, 1) in [0, 1] (the digits at 0.7
        of their brightness), int32 labels, and each marker's top-left (row, col) (drawn for
        every image, used where the label is 1).
    """
    digits = np.asarray(digits)
    if digits.ndim == 4:
        digits = digits[..., 0]
    if digits.ndim != 3 or not 1 <= side < min(digits.shape[1:]):
        raise ValueError(f"digits of shape {digits.shape}, side={side!r}: give images (N, H, W) and a marker "
                         f"side smaller than the image.")
    rng = np.random.default_rng(seed)
    scale = 255.0 if digits.dtype == np.uint8 else 1.0
    images = (digits[rng.integers(0, len(digits), count)] / scale * 0.7).astype("float32")[..., None]
    labels = rng.integers(0, 2, count).astype("int32")
    corners = np.stack([rng.integers(0, images.shape[1] - side + 1, count),
                        rng.integers(0, images.shape[2] - side + 1, count)], axis=1)
    for index in np.flatnonzero(labels):
        row, col = corners[index]
        images[index, row:row + side, col:col + side] = 1.0
    return images, labels, corners


def marker_mask(corner, side=6, shape=(28, 28)):
    """The marker's pixels as a 0/1 map of ``shape``: the known answer of ``marker_images``."""
    mask = np.zeros(shape, dtype="float32")
    mask[corner[0]:corner[0] + side, corner[1]:corner[1] + side] = 1.0
    return mask


def marker_network(input_shape=(28, 28, 1)):
    """A small network for ``marker_images``: three 3x3 convolutions (8, 16, 32 channels, two
    2x2 poolings between them), global average pooling, a two-class softmax: the layout whose
    Grad-CAM equals CAM up to a scale (Selvaraju et al., Section 3.1)."""
    inputs = keras.Input(input_shape, name="image")
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1")(inputs)      # 28 x 28
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)                                              # 14 x 14
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)                                              # 7 x 7
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv3")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(2, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="marker_network")


def plot_maps(images, maps, row_labels=None, title=None):
    """One row per image: the image, then each map beside it (each map scaled to its own range).

    Args:
        images: (N, H, W) or (N, H, W, 1). maps: ``{column title: sequence of N maps (H, W)}``.
        row_labels: N strings printed left of each row. title: the figure's title.

    Returns:
        A ``matplotlib.figure.Figure`` (no pyplot: end a cell with it to show it).
    """
    import matplotlib.figure

    images = np.asarray(images)
    images = images[..., 0] if images.ndim == 4 else images
    wrong = {name: len(values) for name, values in maps.items() if len(values) != len(images)}
    if wrong:
        raise ValueError(f"maps {wrong} do not have one map per image ({len(images)} images).")
    columns = ["image", *maps]
    figure = matplotlib.figure.Figure(figsize=(1.7 * len(columns), 1.75 * len(images) + 0.5), layout="constrained")
    axes = figure.subplots(len(images), len(columns), squeeze=False)
    for row, image in enumerate(images):
        panels = [image, *(values[row] for values in maps.values())]
        for column, (name, panel) in enumerate(zip(columns, panels)):
            axis = axes[row, column]
            axis.imshow(panel, cmap="gray" if column == 0 else "inferno")
            axis.set_xticks([]), axis.set_yticks([])
            if row == 0:
                axis.set_title(name, fontsize=9)
        if row_labels is not None:
            axes[row, 0].set_ylabel(row_labels[row], fontsize=8)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure

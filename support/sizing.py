"""How much arithmetic and memory a lesson's GPU settings need, and how long a Colab T4 takes.

An **estimate from counts, never a measurement**: FLOPs and activation sizes come from
:mod:`support.counting` (each layer's configuration), the T4's speed from NVIDIA's datasheet.
A notebook prints it in its orientation, right after ``hardware.choose_settings``::

    from support import sizing
    estimate = sizing.print_colab_estimate(sizing.lesson_workloads("05", settings.gpu))
    # Estimate for a Colab T4 (not a measurement): 8.8e+14 FLOPs in 20,070 steps, at least
    # 1.8 min at its 8.1 TFLOP/s float32 peak, about 4.3 min at 45% of it plus 0.68 ms a step;
    # 1.10 GB of memory at batch 500 (of 16 GB).

How the numbers are made:

- **FLOPs.** A training step costs ``timing.TRAIN_FLOPS_FACTOR`` = 3 forward passes per image:
  the forward pass, the gradient with respect to the activations and the one with respect to
  the weights, each about one forward pass of multiply-adds (the course's convention, as in
  notebook 02; the same rule as Kaplan et al. 2020, *Scaling Laws for Neural Language
  Models*, Section 2.1: about 2N FLOPs forward, 4N backward). A forward-only step costs 1.
- **Memory** (:func:`training_memory_bytes`): weights + gradients + optimiser state + every
  layer's output for the whole batch (kept for the backward pass) + the input batch. The
  frameworks fuse layers, recompute or free some outputs, and keep a workspace on top, so
  the figure is a rough guide, not a bound either way.
- **Time.** ``seconds_at_peak``: FLOPs at the T4's datasheet peak, a lower bound nothing
  reaches. ``seconds``: the estimate the course's limits apply to, FLOPs at
  :data:`EFFICIENCY` (45%) of that peak plus :data:`SECONDS_PER_STEP` (0.68 ms) for each
  step, both measured by the course on an NVIDIA H200 (``course/results/README.md``): VGG16's
  training step ran at 45% of the rate of a large matrix product measured on the same chip
  (float32 and bfloat16 alike), and LeNet-5's training step, about 80 MFLOPs at batch 32,
  took 0.68 ms, the fixed cost of one compiled step. Both are optimistic for a T4 on Colab:
  small networks reach a far smaller share of the peak (the MNIST VGG reached 4% at batch 32
  on the H200), the datasheet peak is higher than a measured matrix product, ``fit``'s input
  pipeline and Python callbacks add time, and the first step compiles (seconds).
"""

import dataclasses
import functools
import math
import numbers
from collections.abc import Mapping

import keras

from support import counting, timing

# NVIDIA Tesla T4 datasheet ("NVIDIA T4 Tensor Core GPU", 2019): 16 GB GDDR6 at 320 GB/s;
# 65 TFLOP/s in mixed precision (FP16 products, FP32 sums, on the tensor cores), 8.1 TFLOP/s
# in single precision (FP32). Turing has no TF32: float32 layers run at 8.1.
T4_MEMORY_BYTES = 16e9
T4_BANDWIDTH_BYTES_PER_S = 320e9
T4_PEAK_FLOPS = {"float32": 8.1e12, "mixed_float16": 65e12}

EFFICIENCY = 0.45  # VGG16's training step / measured matmul rate, H200 (course/results/README.md)
SECONDS_PER_STEP = 0.68e-3  # LeNet-5's compiled training step at batch 32, H200 (same file)

# The course's limits for a lesson's GPU settings on a Colab T4 (tests/test_sizing.py).
MEMORY_LIMIT_BYTES = 12e9
TIME_LIMIT_SECONDS = 600.0

MODES = {"train": timing.TRAIN_FLOPS_FACTOR, "forward": 1}
MNIST_TRAIN_IMAGES = 55_000  # MNIST's and Fashion-MNIST's 60,000 less the 5,000 held out


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r}: pass a built Keras model (e.g. models.lenet5()).")


def _check_number(name, value, minimum=0.0):
    if (not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value)
            or value < minimum):
        raise ValueError(f"{name}={value!r}: pass a finite number >= {minimum}.")


def forward_flops_per_image(model):
    """FLOPs of one image's forward pass (convolutions and dense layers, :mod:`support.counting`)."""
    _check_model(model)
    return counting.totals(counting.layer_table(model))["flops"]


def training_flops(model, images, epochs=1):
    """FLOPs of training ``model`` on ``images`` images for ``epochs`` epochs.

    ``3 * forward FLOPs per image * images * epochs``: a training step is about three forward
    passes (see the module's docstring). Raises ValueError for a non-model or a count < 1.
    """
    timing.check_positive_integer("images", images)
    timing.check_positive_integer("epochs", epochs)
    return timing.TRAIN_FLOPS_FACTOR * forward_flops_per_image(model) * images * epochs


def activation_values_per_image(model):
    """Values kept per image for the backward pass: the input plus every layer's output."""
    _check_model(model)
    inputs = sum(math.prod(tensor.shape[1:]) for tensor in model.inputs)
    outputs = [row for row in counting.layer_table(model) if row["type"] != "InputLayer"]
    return inputs + counting.totals(outputs)["activations"]


def training_memory_bytes(model, batch_size, optimizer_slots=2, bytes_per_value=4,
                          activation_bytes_per_value=None, mode="train"):
    """Estimated memory of training ``model`` at ``batch_size``, in bytes.

    Counted: every weight (``model.count_params()``, batch-norm statistics included); for
    ``mode="train"`` a gradient and ``optimizer_slots`` values per trainable weight (Adam and
    AdamW: 2; SGD with momentum: 1; plain SGD: 0); and the input batch and every layer's
    output for the batch (:func:`activation_values_per_image`), which the backward pass
    reads. Not counted: the framework's workspace, the input pipeline, compiled code. An
    estimate: XLA fuses layers and may free or recompute outputs.

    Args:
        model: a built Keras model. batch_size: images per step (>= 1).
        optimizer_slots: values of optimiser state per trainable weight (>= 0).
        bytes_per_value: of weights, gradients and optimiser state (4: float32).
        activation_bytes_per_value: of the activations (default ``bytes_per_value``; 2 under
            ``mixed_float16``, which keeps float32 weights).
        mode: ``"train"``, or ``"forward"`` (weights and activations only).
    """
    _check_model(model)
    timing.check_positive_integer("batch_size", batch_size)
    timing.check_positive_integer("optimizer_slots", optimizer_slots, minimum=0)
    timing.check_positive_integer("bytes_per_value", bytes_per_value)
    if activation_bytes_per_value is None:
        activation_bytes_per_value = bytes_per_value
    timing.check_positive_integer("activation_bytes_per_value", activation_bytes_per_value)
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: use one of {list(MODES)}.")
    trainable = sum(math.prod(weight.shape) for weight in model.trainable_weights)
    state = (1 + optimizer_slots) * trainable if mode == "train" else 0
    weights = (model.count_params() + state) * bytes_per_value
    return weights + activation_values_per_image(model) * batch_size * activation_bytes_per_value


@dataclasses.dataclass(frozen=True)
class Workload:
    """One kind of run in a lesson: a model trained (or run forward) ``runs`` times.

    Attributes:
        name: what it is, in words. model: a Keras model, or a function of no arguments that
            builds one (built once, when estimated). images_per_epoch, epochs, batch_size: of
            each run. runs: how many such runs (seeds x variants). optimizer_slots: optimiser
            state per trainable weight (Adam 2, SGD with momentum 1). precision: ``"float32"``
            or ``"mixed_float16"``. mode: ``"train"`` or ``"forward"``. passes: forward passes
            of arithmetic per image, if not the mode's (3 for train, 1 for forward).
    """

    name: str
    model: object
    images_per_epoch: int
    batch_size: int
    epochs: int = 1
    runs: int = 1
    optimizer_slots: int = 2
    precision: str = "float32"
    mode: str = "train"
    passes: float | None = None

    def __post_init__(self):
        if not isinstance(self.model, keras.Model) and not callable(self.model):
            raise ValueError(f"Workload {self.name!r}: model={self.model!r}: pass a Keras model or a "
                             "function that builds one.")
        for name in ("images_per_epoch", "batch_size", "epochs", "runs"):
            timing.check_positive_integer(name, getattr(self, name))
        timing.check_positive_integer("optimizer_slots", self.optimizer_slots, minimum=0)
        if self.precision not in T4_PEAK_FLOPS:
            raise ValueError(f"precision={self.precision!r}: use one of {list(T4_PEAK_FLOPS)}.")
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}: use one of {list(MODES)}.")
        if self.passes is not None:
            _check_number("passes", self.passes)

    def steps(self):
        """Steps of all runs: ``runs * epochs * ceil(images_per_epoch / batch_size)``."""
        return self.runs * self.epochs * math.ceil(self.images_per_epoch / self.batch_size)


@dataclasses.dataclass(frozen=True)
class Estimate:
    """The result of :func:`estimate_on_t4`; :meth:`line` says it in one sentence.

    Attributes:
        flops: of all workloads. steps: of all workloads. memory_bytes: the largest
        workload's (runs follow one another). memory_batch: that workload's batch size.
        seconds_at_peak: FLOPs at the T4's peak for each workload's precision (a lower bound).
        seconds: the estimate: FLOPs at ``EFFICIENCY`` of the peak plus ``SECONDS_PER_STEP``
        a step. precisions: those used. rows: one dict per workload, the same figures.
    """

    flops: float
    steps: int
    memory_bytes: float
    memory_batch: int
    seconds_at_peak: float
    seconds: float
    precisions: tuple
    rows: tuple

    def line(self):
        """E.g. ``Estimate for a Colab T4 (not a measurement): 1.2e+15 FLOPs ... (of 16 GB).``"""
        peaks = " and ".join(f"{T4_PEAK_FLOPS[p] / 1e12:g} TFLOP/s {p}" for p in self.precisions)
        return (f"Estimate for a Colab T4 (not a measurement): {self.flops:.1e} FLOPs in "
                f"{self.steps:,} steps, at least {_duration(self.seconds_at_peak)} at its {peaks} "
                f"peak, about {_duration(self.seconds)} at {EFFICIENCY:.0%} of it plus "
                f"{SECONDS_PER_STEP * 1e3:g} ms a step; {self.memory_bytes / 1e9:.2f} GB of memory at "
                f"batch {self.memory_batch} (of {T4_MEMORY_BYTES / 1e9:g} GB).")


def _duration(seconds):
    """``"0.3 s"`` under a second, ``"40 s"`` under a minute, else ``"2.7 min"``."""
    if seconds < 0.95:
        return f"{seconds:.1g} s"
    return f"{seconds:.0f} s" if seconds < 59.5 else f"{seconds / 60:.1f} min"


def estimate_on_t4(workloads):
    """Total FLOPs, steps, peak memory and time of ``workloads`` on a T4: an :class:`Estimate`."""
    workloads = list(workloads) if not isinstance(workloads, Workload) else [workloads]
    if not workloads or not all(isinstance(item, Workload) for item in workloads):
        raise ValueError(f"workloads={workloads!r}: pass a non-empty list of sizing.Workload.")
    rows, built = [], {}  # a builder shared by several workloads is built once
    for item in workloads:
        if not isinstance(item.model, keras.Model) and id(item.model) not in built:
            built[id(item.model)] = item.model()
        model = item.model if isinstance(item.model, keras.Model) else built[id(item.model)]
        _check_model(model)
        passes = MODES[item.mode] if item.passes is None else item.passes
        flops = passes * forward_flops_per_image(model) * item.images_per_epoch * item.epochs * item.runs
        memory = training_memory_bytes(
            model, item.batch_size, item.optimizer_slots,
            activation_bytes_per_value=2 if item.precision == "mixed_float16" else 4, mode=item.mode)
        peak = T4_PEAK_FLOPS[item.precision]
        rows.append({"name": item.name, "flops": flops, "steps": item.steps(), "memory_bytes": memory,
                     "batch_size": item.batch_size, "seconds_at_peak": flops / peak,
                     "seconds": flops / (EFFICIENCY * peak) + item.steps() * SECONDS_PER_STEP})
    largest = max(rows, key=lambda row: row["memory_bytes"])
    return Estimate(flops=sum(row["flops"] for row in rows), steps=sum(row["steps"] for row in rows),
                    memory_bytes=largest["memory_bytes"], memory_batch=largest["batch_size"],
                    seconds_at_peak=sum(row["seconds_at_peak"] for row in rows),
                    seconds=sum(row["seconds"] for row in rows),
                    precisions=tuple(dict.fromkeys(item.precision for item in workloads)),
                    rows=tuple(rows))


def print_colab_estimate(workloads):
    """Print :meth:`Estimate.line` for ``workloads`` and return the :class:`Estimate`.

    Asserts nothing: ``tests/test_sizing.py`` holds the lessons to the course's limits.
    """
    estimate = estimate_on_t4(workloads)
    print(estimate.line())
    return estimate


# ---------------------------------------------------------------------------------------------
# The lessons' workloads. Networks defined inside a notebook are rebuilt here with the same
# layers (tests/test_sizing.py compares their counts with the notebook's own definitions).
# Left out: single forward passes, gradient probes on one batch, the fixed-size fits of a
# linear classifier (notebook 04), the matrix products and the memory copy that are timed
# (notebooks 02 and 06), and weights built only to be counted. Frozen-base fine-tuning
# (notebook 05b) is counted as full training: an upper bound.

def small_cnn():
    """Notebook 02's race network: conv 5x5x16, pool, conv 5x5x32, pool, softmax."""
    return keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 5, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2), keras.layers.Conv2D(32, 5, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])


def mini_alexnet():
    """Notebook 02b's mirrored network for 28x28 images."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(3, strides=2),
        keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax")], name="mini_alexnet")


PLAIN_CONFIG = [16, 16, 16, "M", 32, 32, 32, "M", 64, 64, 64, "M"]  # notebook 03b's plain stack
POST_LAYOUT = [64, 64, "M", 128, 128, "M", 256, 256, 256, 512, 512, 512, 512, 512, "M",
               512, 512, 512, 512]  # notebook 05's post network


def post_network(divisor=16):
    """Notebook 05's post network (with LRN, without batch norm), widths divided by ``divisor``."""
    from support import layers as course_layers

    inputs = keras.Input((28, 28, 1))
    x = inputs
    for index, item in enumerate(POST_LAYOUT):
        if item == "M":
            x = keras.layers.MaxPooling2D(2)(x)
            x = course_layers.LocalResponseNormalization()(x)
            continue
        x = keras.layers.Conv2D(item // divisor, 3, padding="same")(x)
        x = keras.layers.Activation("relu")(x)
    x = keras.layers.Flatten()(x)
    for units in (4096 // divisor, 4096 // divisor):
        x = keras.layers.Dense(units, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x), name="post_network")


def small_googlenet(num_classes=10):
    """Notebook 04's small GoogLeNet with its two auxiliary heads (three outputs)."""
    from support import layers as course_layers

    def module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name):
        def unit(tensor, filters, kernel, suffix):
            return course_layers.conv2d_bn(tensor, filters, kernel, kernel, name=f"{name}_{suffix}")
        pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
        return keras.layers.Concatenate(name=name)([
            unit(x, f1, 1, "1x1"), unit(unit(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3"),
            unit(unit(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5"), unit(pooled, pool_proj, 1, "pool_proj")])

    def head(x, name, pool_size):
        x = keras.layers.AveragePooling2D(pool_size, strides=pool_size, name=f"{name}_pool")(x)
        x = keras.layers.Conv2D(32, 1, activation="relu", name=f"{name}_conv")(x)
        x = keras.layers.Flatten(name=f"{name}_flatten")(x)
        x = keras.layers.Dense(128, activation="relu", name=f"{name}_fc")(x)
        x = keras.layers.Dropout(0.7, name=f"{name}_dropout")(x)
        return keras.layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(x)

    inputs = keras.Input((28, 28, 1), name="image")
    x = course_layers.conv2d_bn(inputs, 32, 3, 3, name="conv1")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = module(x, 16, 16, 24, 4, 8, 8, name="inception_3a")
    x = module(x, 24, 24, 32, 4, 12, 12, name="inception_3b")
    aux1 = head(x, "aux1", pool_size=3)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    x = module(x, 32, 32, 48, 8, 16, 16, name="inception_4a")
    aux2 = head(x, "aux2", pool_size=2)
    x = module(x, 48, 32, 64, 8, 24, 24, name="inception_4b")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.4, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, [outputs, aux1, aux2], name="small_googlenet")


# The GPU settings of the notebooks' later ``choose_settings`` calls, which the orientation
# cell cannot read yet (tests/test_sizing.py checks them against the notebooks' source).
LATER_GPU_SETTINGS = {
    "01": {}, "01_answers": {},
    "02": {}, "02_answers": {},
    "02b": {"fashion": {"epochs": 15, "batch_size": 128, "learning_rate": 2e-3, "shift": 2}}, "02b_answers": {},
    "03": {}, "03b": {}, "03b_answers": {}, "04": {}, "04_answers": {}, "04b": {}, "05": {}, "05b": {}, "06": {}, "06b": {}, "07": {}, "07_answers": {},
}


def _build(builder, /, *args, **kwargs):
    """A function of no arguments that builds ``support.models.<builder>(*args, **kwargs)``."""
    from support import models
    return functools.partial(getattr(models, builder), *args, **kwargs)


def _lesson_01(gpu):
    return [Workload("LeNet-5 on MNIST", _build("lenet5"), MNIST_TRAIN_IMAGES, gpu["batch_size"], gpu["epochs"])]


def _lesson_01_answers(gpu):
    return [Workload("exercise 3: two LeNet-5 variants x seeds", _build("lenet5"), gpu["train_images"],
                     gpu["batch_size"], gpu["epochs"], runs=2 * gpu["seeds"])]


def _lesson_02(gpu):
    return [Workload("ReLU/tanh race: 2 recipes x 2 activations x rates x seeds", small_cnn, gpu["race_images"], 64,
                     gpu["race_epochs"], runs=4 * len(gpu["race_rates"]) * gpu["race_seeds"], optimizer_slots=1)]


def _lesson_02_answers(gpu):
    return [Workload("exercise 3: ReLU with conv2's bias 0 and 1 x seeds", small_cnn, gpu["race_images"], 64,
                     gpu["race_epochs"], runs=2 * gpu["race_seeds"], optimizer_slots=1)]


def _lesson_02b(gpu, fashion):
    alexnet = _build("alexnet")

    def bench_images(steps):
        return gpu["batch_size"] * (steps + gpu["warmup"])
    return [
        Workload("AlexNet-style network on Fashion-MNIST", _fashion_alexnet, MNIST_TRAIN_IMAGES,
                 fashion["batch_size"], fashion["epochs"]),
        Workload("mirrored mini AlexNet, one epoch", mini_alexnet, gpu["mirrored_images"], gpu["mirrored_batch"]),
        Workload("AlexNet timed forward steps", alexnet, bench_images(gpu["steps"]), gpu["batch_size"],
                 mode="forward"),
        Workload("AlexNet timed training steps", alexnet, bench_images(gpu["train_steps"]), gpu["batch_size"],
                 optimizer_slots=1),
    ]


def _lesson_02b_answers(gpu):
    return [Workload("exercise 2: augmentation in the pipeline and in the model, 3 epochs", mini_alexnet,
                     gpu["mirrored_images"], gpu["mirrored_batch"], 3, runs=2)]


def _fashion_alexnet():
    from support import alexnet
    return alexnet.fashion_alexnet()


def _plain_stack():
    """Notebook 03b's nine-layer plain stack (its initialisation experiment)."""
    return _build("vgg", PLAIN_CONFIG, input_shape=(28, 28, 1), num_classes=10, head="gap", name="plain")()


def _lesson_03(gpu):
    # one image; the gradients of three units w.r.t. the input: about 4 forward passes
    return [Workload("effective receptive fields of VGG16 at 224x224", _build("vgg", "D", head="gap", num_classes=10),
                     1, 1, runs=gpu["erf_networks"], optimizer_slots=0, passes=4)]


def _lesson_03b(gpu):
    return [Workload("initialisation experiment: 4 initialisers x seeds", _plain_stack, gpu["init_images"], 64,
                     gpu["init_epochs"], runs=4 * gpu["init_seeds"], optimizer_slots=1)]


def _lesson_03b_answers(gpu):
    return [Workload("exercise 2: Glorot and He from seed 0", _plain_stack, gpu["init_images"], 64,
                     gpu["exercise_epochs"], runs=2, optimizer_slots=1)]


def _lesson_04(gpu):
    return [Workload("small GoogLeNet on Fashion-MNIST", small_googlenet, MNIST_TRAIN_IMAGES,
                     gpu["batch_size"], gpu["epochs"])]


def _lesson_04_answers(gpu):
    return [Workload("exercise 3: small GoogLeNet with and without heads x seeds", small_googlenet,
                     gpu["train_images"], gpu["batch_size"], gpu["epochs"], runs=2 * gpu["seeds"])]


def _softmax_classifier():
    """Notebook 04b's label-smoothing experiment: one dense layer from 784 pixels to 10 logits."""
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])


def _lesson_04b(gpu):
    return [Workload("label smoothing: softmax classifier with and without", _softmax_classifier,
                     gpu["smoothing_images"], 500, gpu["smoothing_epochs"] * gpu["smoothing_stages"], runs=2)]


def _lesson_05(gpu):
    post = functools.partial(post_network, gpu["post_width_divisor"])
    mnist_vgg = _build("mnist_vgg", gpu["train_size"])
    return [
        Workload("post network: 5 fixes x seeds", post, 64 * gpu["post_steps"], 64, runs=5 * gpu["post_seeds"]),
        Workload("post network: scoring", post, gpu["post_test"], 500, runs=5 * gpu["post_seeds"], mode="forward"),
        Workload("MNIST VGG (support.training)", mnist_vgg, MNIST_TRAIN_IMAGES, 128, gpu["train_epochs"]),
    ]


def _lesson_05b(gpu):
    mnist_vgg = _build("mnist_vgg", gpu["train_size"])
    transfer_images = 1000  # 100 labels per class
    return [
        Workload("pretraining: MNIST VGG (support.training)", mnist_vgg, MNIST_TRAIN_IMAGES,
                 gpu["pretrain_batch"], gpu["pretrain_epochs"]),
        Workload("transfer: scratch, frozen base, fine-tuning x seeds", mnist_vgg, transfer_images, 32,
                 gpu["transfer_epochs"], runs=3 * gpu["transfer_seeds"]),
        Workload("transfer: scoring", mnist_vgg, gpu["transfer_test"], 500, runs=3 * gpu["transfer_seeds"],
                 mode="forward"),
    ]


def _lesson_06(gpu):
    timed = gpu["steps"] + gpu["warmup"]
    lenet, live = _build("lenet5"), gpu["live_batch"]
    rows = [Workload("LeNet-5 timed training step, batch 128", lenet, 128 * timed, 128, optimizer_slots=1),
            Workload("predict_on_batch against the bare step", lenet, 128 * timed, 128, runs=2, mode="forward")]
    for name, builder in (("LeNet-5", lenet), ("MNIST VGG", _build("mnist_vgg", "full"))):
        rows += [Workload(f"{name} live, forward", builder, live * timed, live, mode="forward"),
                 Workload(f"{name} live, training", builder, live * timed, live, optimizer_slots=1)]
    return rows


def _vgg16_fc1_alone():
    """Notebook 06b's VGG16 fc1 timed alone: a 25,088 -> 4,096 dense layer."""
    return keras.Sequential([keras.Input((25088,)), keras.layers.Dense(4096, name="fc1")])


def _lesson_06b(gpu):
    timed = gpu["steps"] + gpu["warmup"]
    rows = [Workload(f"LeNet-5 forward at batch {batch}", _build("lenet5"), batch * timed, batch, mode="forward")
            for batch in gpu["batches"]]
    rows += [Workload(f"small MNIST VGG forward at {side}x{side}",
                      _build("mnist_vgg", "small", input_shape=(side, side, 1)), 8 * timed, 8, mode="forward")
             for side in gpu["image_sizes"]]
    return rows + [Workload("VGG16's fc1 alone, batch 1", _vgg16_fc1_alone, timed, 1, mode="forward")]


def _lesson_07(gpu):
    from support import alexnet, interpret
    mnist_vgg, images = _build("mnist_vgg", "small"), gpu["map_images"]
    positions = len(range(0, 23, 2)) ** 2 + 23 ** 2  # occlusion at stride 2 (28x28), and at stride 1 (markers)
    return [
        Workload("MNIST VGG (small)", mnist_vgg, gpu["train_images"], 64, gpu["epochs"]),
        Workload("AlexNet-style network on Fashion-MNIST", alexnet.fashion_alexnet, gpu["train_images"], 64,
                 gpu["epochs"]),
        Workload("marker network", interpret.marker_network, gpu["marker_images"], 64, 3),
        Workload("gradient ascent: 3 layers x 8 channels", mnist_vgg, 8, 8, gpu["ascent_steps"], runs=3,
                 optimizer_slots=0, passes=3),
        Workload("occlusion: 3 networks x map_images", mnist_vgg, positions * images, 256, runs=3, mode="forward"),
        Workload("saliency, Grad-CAM, randomisation: 7 stages x sanity_images", mnist_vgg,
                 8 * gpu["sanity_images"] + 6 * images, 1, optimizer_slots=0, passes=3),
    ]


def _lesson_07_answers(gpu):
    mnist_vgg, positions = _build("mnist_vgg", "small"), len(range(0, 23, 2)) ** 2
    return [Workload("MNIST VGG (small)", mnist_vgg, gpu["train_images"], 64, gpu["epochs"]),
            Workload("exercise 4: occlusion with two fills", mnist_vgg, 2 * positions * gpu["map_images"], 256,
                     mode="forward")]


_LESSONS = {"01": _lesson_01, "01_answers": _lesson_01_answers, "02": _lesson_02, "02_answers": _lesson_02_answers,
            "02b": _lesson_02b, "02b_answers": _lesson_02b_answers, "03": _lesson_03,
            "03b": _lesson_03b, "03b_answers": _lesson_03b_answers, "04": _lesson_04, "04_answers": _lesson_04_answers, "04b": _lesson_04b, "05": _lesson_05,
            "05b": _lesson_05b, "06": _lesson_06, "06b": _lesson_06b, "07": _lesson_07, "07_answers": _lesson_07_answers}


def lesson_workloads(lesson, gpu, **later):
    """The runs that a notebook's GPU settings make, as a list of :class:`Workload`.

    Args:
        lesson: the notebook, ``"01"`` to ``"06"`` (a lesson's part 2: ``"03b"``), or an answers
            notebook with GPU settings (``course/answers/01_..._answers.py``: ``"01_answers"``).
        gpu: the ``gpu`` dict of the notebook's first ``choose_settings`` call (``settings.gpu``).
        later: the ``gpu`` dicts of its later calls by the variable they are assigned to
            (notebook 02b: ``fashion``); default :data:`LATER_GPU_SETTINGS`.
    """
    if lesson not in _LESSONS:
        raise ValueError(f"lesson={lesson!r}: use one of {list(_LESSONS)}.")
    if not isinstance(gpu, Mapping):
        raise ValueError(f"gpu={gpu!r}: pass the notebook's GPU settings, a dict (settings.gpu).")
    unknown = set(later) - set(LATER_GPU_SETTINGS[lesson])
    if unknown:
        raise ValueError(f"later settings {sorted(unknown)} are not used by notebook {lesson}: it has "
                         f"{sorted(LATER_GPU_SETTINGS[lesson])}.")
    sections = {**LATER_GPU_SETTINGS[lesson], **later}
    try:
        return _LESSONS[lesson](gpu, **sections)
    except KeyError as error:
        raise ValueError(f"notebook {lesson}'s GPU settings lack {error}: pass the dict of its "
                         "choose_settings call.") from None

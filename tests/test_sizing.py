"""The Colab T4 estimates: counts against a forward pass, Keras's own sizes and hand formulas;
every notebook's GPU settings against the course's limits (12 GB, 10 minutes by the estimate)."""

import ast
import math
import pathlib
import re
import types

import keras
import numpy as np
import pytest

from support import counting, models, sizing
from support import layers as course_layers

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
# Every notebook with GPU settings, by its lesson: "03", "03b" (part 2), "01_answers"...
NOTEBOOKS = {re.match(r"\d\d[a-z]?", path.stem).group() + ("_answers" if path.parent.name == "answers" else ""): path
             for path in sorted([*COURSE.glob("0*.py"), *COURSE.glob("answers/0*_answers.py")])
             if "hardware.choose_settings(" in path.read_text(encoding="utf-8")}


def tiny_model():
    inputs = keras.Input((12, 12, 3))
    x = keras.layers.Conv2D(5, 3, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(4, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def test_activations_equal_the_tensors_of_a_forward_pass():
    model = tiny_model()
    taps = keras.Model(model.inputs[0], [layer.output for layer in model.layers])  # input layer included
    batch = np.random.default_rng(0).normal(size=(3, 12, 12, 3)).astype("float32")
    returned = sum(keras.ops.convert_to_numpy(tensor).size for tensor in taps(batch)) // 3
    assert sizing.activation_values_per_image(model) == returned
    # per extra image of the batch: its activations, 4 bytes each
    extra = sizing.training_memory_bytes(model, 4) - sizing.training_memory_bytes(model, 3)
    assert extra == 4 * returned


def test_weight_and_optimizer_bytes_equal_kerass_own_sizes():
    model = tiny_model()
    activations = 4 * sizing.activation_values_per_image(model)
    forward = sizing.training_memory_bytes(model, 1, mode="forward") - activations
    assert forward == 4 * model.count_params()
    adam = keras.optimizers.Adam()
    adam.build(model.trainable_variables)
    adam_state = sum(math.prod(variable.shape) for variable in adam.variables if len(variable.shape))
    two_slots = sizing.training_memory_bytes(model, 1, optimizer_slots=2)
    no_slots = sizing.training_memory_bytes(model, 1, optimizer_slots=0)
    assert two_slots - no_slots == 4 * adam_state
    gradients = sum(math.prod(variable.shape) for variable in model.trainable_variables)
    assert no_slots - activations - forward == 4 * gradients  # one gradient per trainable weight


def test_training_flops_follow_the_hand_formulas():
    dense = keras.Sequential([keras.Input((30,)), keras.layers.Dense(7)])
    # 3 forward passes per image (Kaplan et al. 2020, Section 2.1), 2 FLOPs a multiply-add
    assert sizing.training_flops(dense, images=5, epochs=2) == 3 * 2 * 30 * 7 * 5 * 2
    conv = keras.Sequential([keras.Input((10, 10, 3)), keras.layers.Conv2D(8, 3, padding="same")])
    assert sizing.training_flops(conv, images=1) == 3 * 2 * (10 * 10 * 8) * (3 * 3 * 3)


def test_estimate_divides_by_the_datasheet_peak_and_says_it_is_an_estimate(capsys):
    model = tiny_model()
    work = sizing.Workload("tiny", model, images_per_epoch=1000, batch_size=100, epochs=3, runs=2)
    estimate = sizing.print_colab_estimate([work])
    flops = 3 * counting.totals(counting.layer_table(model))["flops"] * 1000 * 3 * 2
    assert estimate.flops == flops and estimate.steps == 2 * 3 * 10
    assert estimate.seconds_at_peak == pytest.approx(flops / 8.1e12)  # NVIDIA T4 datasheet, FP32
    assert estimate.seconds == pytest.approx(flops / (0.45 * 8.1e12) + 60 * 0.68e-3)
    half = sizing.estimate_on_t4([sizing.Workload("tiny", model, 1000, 100, 3, runs=2, precision="mixed_float16")])
    assert half.seconds_at_peak == pytest.approx(flops / 65e12)
    assert half.memory_bytes < estimate.memory_bytes  # 2-byte activations
    printed = capsys.readouterr().out
    assert printed.startswith("Estimate for a Colab T4 (not a measurement)") and "16 GB" in printed


@pytest.mark.parametrize("call", [
    lambda: sizing.training_memory_bytes("not a model", 8),
    lambda: sizing.training_memory_bytes(tiny_model(), 0),
    lambda: sizing.training_memory_bytes(tiny_model(), 8, optimizer_slots=-1),
    lambda: sizing.training_flops(tiny_model(), images=0),
    lambda: sizing.Workload("x", tiny_model, 100, 10, precision="bfloat16"),
    lambda: sizing.Workload("x", tiny_model, 100, 10, mode="backward"),
    lambda: sizing.Workload("x", 3, 100, 10),
    lambda: sizing.estimate_on_t4([]),
    lambda: sizing.lesson_workloads("07", {}),
    lambda: sizing.lesson_workloads("01", {"epochs": 20}),
    lambda: sizing.lesson_workloads("03", {}, worked={}),
])
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def notebook_source(lesson):
    return ast.parse(NOTEBOOKS[lesson].read_text(encoding="utf-8"))


def gpu_settings_in_source(lesson):
    """Each choose_settings call's gpu= dict in source order: [(assigned name, dict)]."""
    calls = {}
    for node in ast.walk(notebook_source(lesson)):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and ast.unparse(node.value.func) == "hardware.choose_settings"):
            (gpu,) = [keyword.value for keyword in node.value.keywords if keyword.arg == "gpu"]
            calls[node.lineno] = (node.targets[0].id, gpu)
    found = []
    for _, (name, expression) in sorted(calls.items()):
        first = types.SimpleNamespace(**found[0][1]) if found else None  # `settings.epochs` and the like
        found.append((name, ast.literal_eval(expression) if first is None else
                      eval(compile(ast.Expression(expression), lesson, "eval"), {"settings": first})))  # noqa: S307
    return found


def test_every_notebook_is_sized():
    assert sorted(NOTEBOOKS) == sorted(sizing.LATER_GPU_SETTINGS), "add the notebook's workloads to sizing"


# The counts do not depend on the backend; under JAX every new weight shape compiles its
# initialiser, and building the lessons' ~60 models takes about a minute: TensorFlow lane only.
@pytest.mark.tensorflow_only
@pytest.mark.parametrize("lesson", sorted(NOTEBOOKS))
def test_gpu_settings_fit_a_colab_t4(lesson):
    (_, gpu), *later = gpu_settings_in_source(lesson)
    later = dict(later)
    assert later == sizing.LATER_GPU_SETTINGS[lesson]  # what the orientation cell assumes
    estimate = sizing.estimate_on_t4(sizing.lesson_workloads(lesson, gpu, **later))
    worst = max(estimate.rows, key=lambda row: row["seconds"])["name"]
    assert estimate.memory_bytes <= 12e9, estimate.line()
    assert estimate.seconds <= 10 * 60, (estimate.line(), f"longest: {worst}")


def notebook_definitions(lesson, names):
    """Run the notebook's own definitions of ``names`` (functions and assignments)."""
    namespace = {"keras": keras, "np": np, "models": models, "course_layers": course_layers}
    wanted = []
    for node in ast.walk(notebook_source(lesson)):
        if isinstance(node, ast.FunctionDef) and node.name in names:
            wanted.append(node)
        elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in names:
            wanted.append(node)
    exec(compile(ast.Module(wanted, []), lesson, "exec"), namespace)  # noqa: S102
    return namespace


def counts(model):
    return {**counting.totals(counting.layer_table(model)),
            "values": sizing.activation_values_per_image(model), "outputs": len(model.outputs)}


@pytest.mark.tensorflow_only  # as above
def test_networks_rebuilt_here_equal_the_notebooks_own():
    ours = notebook_definitions("02", {"small_cnn"})
    assert counts(ours["small_cnn"]("relu")) == counts(sizing.small_cnn())
    ours = notebook_definitions("02b", {"mini_alexnet"})
    assert counts(ours["mini_alexnet"]) == counts(sizing.mini_alexnet())
    ours = notebook_definitions("04", {"small_googlenet", "small_inception_module", "small_auxiliary_classifier"})
    assert counts(ours["small_googlenet"]()) == counts(sizing.small_googlenet())
    ours = notebook_definitions("05", {"post_network", "POST_LAYOUT"})
    assert counts(ours["post_network"](divisor=4)) == counts(sizing.post_network(4))
    assert notebook_definitions("03b", {"PLAIN_CONFIG"})["PLAIN_CONFIG"] == sizing.PLAIN_CONFIG
    assert notebook_definitions("03b_answers", {"PLAIN_CONFIG"})["PLAIN_CONFIG"] == sizing.PLAIN_CONFIG


def test_memory_estimate_is_within_a_factor_two_of_xlas():
    if keras.backend.backend() != "jax":
        pytest.skip("XLA's memory analysis of a jitted step is read under JAX")
    import jax

    model, batch = models.mnist_vgg("small"), 64
    images, labels = np.zeros((batch, 28, 28, 1), "float32"), np.zeros(batch, "int32")

    def loss(trainable, other):
        predictions, _ = model.stateless_call(trainable, other, images, training=True)
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, predictions))

    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables])
    stats = jax.jit(jax.grad(loss)).lower(*state).compile().memory_analysis()
    xla = stats.argument_size_in_bytes + stats.output_size_in_bytes + stats.temp_size_in_bytes
    assert 0.5 < sizing.training_memory_bytes(model, batch, optimizer_slots=0) / xla < 2

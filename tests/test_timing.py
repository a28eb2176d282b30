"""The timing harness against independent references: statistics, Keras's own trainer, hand counts."""

import math
import statistics

import keras
import numpy as np
import pytest

from support import models, timing

# LeNet-5 by hand: MACs of c1 28*28*6*(5*5*1), c3 10*10*16*(5*5*6), c5 120*(5*5*16), f6 120*84,
# output 84*10; 2 FLOPs per MAC.
LENET5_FLOPS = 2 * (28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 120 * 400 + 120 * 84 + 84 * 10)


def tiny_model(num_outputs=1):
    """A small convolution network with one or two softmax outputs."""
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten()(x)
    outputs = [keras.layers.Dense(5, activation="softmax", name=f"out{index}")(x)
               for index in range(num_outputs)]
    return keras.Model(inputs, outputs if num_outputs > 1 else outputs[0], name="tiny")


def test_benchmark_summary_matches_its_times():
    result = timing.benchmark(tiny_model(), batch_size=4, steps=5, warmup=2)
    times = result["times_s"]
    assert len(times) == result["steps"] == 5 and result["warmup"] == 2
    assert result["mean_s"] == pytest.approx(sum(times) / 5)
    assert result["std_s"] == pytest.approx(float(np.std(times, ddof=1)))
    assert result["std_s"] >= 0
    assert result["median_s"] == pytest.approx(float(np.median(times)))
    assert result["min_s"] == min(times)
    assert result["images_per_s"] == pytest.approx(4 / result["median_s"])  # every rate: the median
    assert result["mode"] == "forward" and result["batch_size"] == 4 and result["precision"] == "float32"


def test_warmup_is_called_but_not_timed():
    calls = []
    times, first = timing.time_calls(lambda: calls.append(1) or keras.ops.ones(()), (), steps=3, warmup=2)
    assert len(calls) == 5 and len(times) == 3 and first > 0


def test_first_step_includes_the_compile():
    result = timing.benchmark(models.lenet5(), batch_size=2, steps=3, warmup=1)
    assert result["first_step_s"] > 10 * result["median_s"]  # tracing and compiling the step


@pytest.mark.parametrize("mode, factor", [("forward", 1), ("gradients", 3), ("train", 3)])
def test_flops_equal_the_hand_count_and_counting(mode, factor):
    from support import counting

    model = models.lenet5()
    result = timing.benchmark(model, batch_size=3, mode=mode, steps=1, warmup=1)
    assert counting.totals(counting.layer_table(model))["flops"] == LENET5_FLOPS
    assert result["flops_per_image"] == LENET5_FLOPS
    assert result["flops_per_step"] == LENET5_FLOPS * 3 * factor
    assert result["gflops_per_s"] == pytest.approx(result["flops_per_step"] / result["median_s"] / 1e9)


def test_forward_mode_leaves_the_weights_alone():
    model = models.lenet5()
    before = [keras.ops.convert_to_numpy(weight).copy() for weight in model.weights]
    timing.benchmark(model, batch_size=2, steps=2, warmup=1)
    for old, new in zip(before, model.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))


def test_train_step_equals_keras_train_on_batch():
    """Two SGD-with-momentum steps of ours against Keras's own trainer, from the same weights."""
    keras.utils.set_random_seed(0)
    ours = models.lenet5()  # no dropout or batch norm: the step is deterministic
    reference = models.lenet5()
    reference.set_weights(ours.get_weights())
    reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
    images, labels = timing.random_batch(ours, batch_size=8, seed=3)
    step, finish = timing.train_step(ours)
    losses = [float(keras.ops.convert_to_numpy(step(images, labels))) for _ in range(2)]
    finish()
    reference_losses = []
    for _ in range(2):  # Keras 3.10 to 3.14 return a running mean unless the metrics are reset
        reference.reset_metrics()
        reference_losses.append(float(reference.train_on_batch(images, labels)))
    assert losses == pytest.approx(reference_losses, rel=1e-4)
    for old, new in zip(ours.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(old, new, rtol=1e-4, atol=1e-6)
    assert not np.allclose(ours.get_weights()[0], models.lenet5().get_weights()[0])


def test_bare_train_step_equals_the_harness_step():
    """The hand-written SGD with momentum of the reference equals the Keras optimizer's."""
    keras.utils.set_random_seed(0)
    harness_model = models.lenet5()
    bare_model = models.lenet5()
    bare_model.set_weights(harness_model.get_weights())
    images, labels = timing.random_batch(harness_model, batch_size=8, seed=5)
    losses = {}
    for name, (step, finish) in (("harness", timing.train_step(harness_model)),
                                 ("bare", timing.bare_step(bare_model, "train"))):
        losses[name] = [float(keras.ops.convert_to_numpy(step(images, labels))) for _ in range(3)]
        finish()
    assert losses["bare"] == pytest.approx(losses["harness"], rel=1e-4)
    assert losses["bare"][2] < losses["bare"][0]  # it trains
    for old, new in zip(harness_model.get_weights(), bare_model.get_weights()):
        np.testing.assert_allclose(old, new, rtol=1e-4, atol=1e-6)


def test_bare_forward_step_is_the_model():
    model = models.lenet5()
    images, labels = timing.random_batch(model, batch_size=4, seed=2)
    step, _ = timing.bare_step(model, "forward")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(step(images, labels)),
                               keras.ops.convert_to_numpy(model(images)), rtol=1e-5, atol=1e-6)


def reference_gradients(model, images, labels):
    """The gradients of the mean cross-entropy, by the backend's own autodiff, in the test."""
    def loss_of(probabilities):
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))

    if keras.backend.backend() == "jax":
        import jax

        non_trainable = [variable.value for variable in model.non_trainable_variables]
        return jax.grad(lambda trainable: loss_of(model.stateless_call(
            trainable, non_trainable, images, training=True)[0]))([v.value for v in model.trainable_variables])
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_of(model(images, training=True))
    return tape.gradient(loss, model.trainable_variables)


def test_gradients_step_sums_every_gradient_and_leaves_the_weights():
    model = models.lenet5()
    images, labels = timing.random_batch(model, batch_size=4, seed=1)
    before = [weight.copy() for weight in model.get_weights()]
    step, _ = timing.gradients_step(model)
    loss, total = (float(keras.ops.convert_to_numpy(value)) for value in step(images, labels))
    expected = sum(float(np.sum(keras.ops.convert_to_numpy(gradient)))
                   for gradient in reference_gradients(model, images, labels))
    assert total == pytest.approx(expected, rel=1e-4, abs=1e-6) and total != 0
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    train, _ = timing.train_step(model)  # its first loss is computed before its update
    assert loss == pytest.approx(float(keras.ops.convert_to_numpy(train(images, labels))), rel=1e-5)


def test_harness_overhead_compares_medians():
    overhead = timing.harness_overhead(models.lenet5(), batch_size=2, mode="train", steps=3, warmup=1)
    assert overhead["steps"] == 6 and overhead["mode"] == "train" and overhead["model"] == "lenet5"
    assert overhead["harness_median_ms"] > 0 and overhead["bare_median_ms"] > 0
    assert overhead["harness_over_bare"] == pytest.approx(
        overhead["harness_median_ms"] / overhead["bare_median_ms"])
    with pytest.raises(ValueError, match="mode='gradients'"):
        timing.harness_overhead(models.lenet5(), batch_size=2, mode="gradients")
    with pytest.raises(ValueError, match="rounds=0"):
        timing.harness_overhead(models.lenet5(), batch_size=2, rounds=0)


def test_train_benchmark_changes_the_weights():
    model = models.mnist_vgg("small")  # with batch norm: its statistics are state too
    kernel = model.get_layer("block1_conv1").kernel
    moving_mean = model.get_layer("block1_bn1").moving_mean
    before = [keras.ops.convert_to_numpy(v).copy() for v in (kernel, moving_mean)]
    timing.benchmark(model, batch_size=4, mode="train", steps=2, warmup=1)
    for old, variable in zip(before, (kernel, moving_mean)):
        assert not np.allclose(old, keras.ops.convert_to_numpy(variable))


@pytest.mark.parametrize("arguments, message", [
    ({"batch_size": 0}, "batch_size=0"),
    ({"batch_size": -2}, "batch_size=-2"),
    ({"batch_size": 2.5}, "batch_size=2.5"),
    ({"steps": 0}, "steps=0"),
    ({"warmup": -1}, "warmup=-1"),
    ({"mode": "backward"}, "mode='backward'"),
    ({"mode": "gradient"}, "mode='gradient'"),
])
def test_bad_arguments_raise(arguments, message):
    with pytest.raises(ValueError, match=message):
        timing.benchmark(tiny_model(), **{"batch_size": 2, **arguments})


def test_bare_step_names_the_modes_it_has():
    with pytest.raises(ValueError, match="mode='gradients': the bare reference step has 'forward' and 'train'"):
        timing.bare_step(tiny_model(), "gradients")


def test_training_a_multi_output_model_raises():
    assert timing.has_single_output(tiny_model()) and not timing.has_single_output(tiny_model(num_outputs=2))
    for mode in ("gradients", "train"):
        with pytest.raises(ValueError, match="2 outputs"):
            timing.benchmark(tiny_model(num_outputs=2), batch_size=2, mode=mode)
    assert timing.benchmark(tiny_model(num_outputs=2), batch_size=2, steps=1, warmup=1)["mean_s"] > 0


def test_precision_policy_sets_and_restores():
    before = keras.mixed_precision.global_policy().name
    with timing.precision_policy("mixed_bfloat16") as name:
        assert name == keras.mixed_precision.global_policy().name == "mixed_bfloat16"
        model = tiny_model()
    timing.check_model_precision(model, "mixed_bfloat16")
    assert timing.model_precision(model) == "mixed_bfloat16"
    assert keras.mixed_precision.global_policy().name == before
    with pytest.raises(RuntimeError), timing.precision_policy("mixed_float16"):
        raise RuntimeError("restored even on errors")
    assert keras.mixed_precision.global_policy().name == before


def test_precision_policy_refuses_unknown_names():
    with pytest.raises(ValueError, match="'float64'"), timing.precision_policy("float64"):
        pass


def test_clear_session_trap_is_caught():
    """clear_session() inside the block resets the policy: the check must notice."""
    with timing.precision_policy("mixed_bfloat16"):
        keras.utils.clear_session()
        model = tiny_model()
    with pytest.raises(ValueError, match="'float32', not 'mixed_bfloat16'"):
        timing.check_model_precision(model, "mixed_bfloat16")


def test_mixed_precision_benchmark_reports_its_policy():
    with timing.precision_policy("mixed_bfloat16"):
        model = tiny_model()
    result = timing.benchmark(model, batch_size=2, mode="train", steps=1, warmup=1)
    assert result["precision"] == "mixed_bfloat16"


def test_matmul_rate_counts_two_n_cubed():
    result = timing.matmul_rate(size=64, steps=3, warmup=1)
    assert result["flops"] == 2 * 64 ** 3
    assert result["tflops_per_s"] == pytest.approx(result["flops"] / result["median_s"] / 1e12)
    with pytest.raises(ValueError, match="'int8'"):
        timing.matmul_rate(size=8, dtype="int8")
    with pytest.raises(ValueError, match="size=0"):
        timing.matmul_rate(size=0)


def test_predict_on_batch_cost_reports_both_ways():
    cost = timing.predict_on_batch_cost(tiny_model(), batch_size=2, steps=2, warmup=1)
    for key in ("compiled_step_ms", "predict_on_batch_tensor_ms", "predict_on_batch_numpy_ms"):
        assert cost[key] > 0
    assert cost["numpy_over_compiled"] == pytest.approx(
        cost["predict_on_batch_numpy_ms"] / cost["compiled_step_ms"])


def test_seeds_deviation_is_the_population_one_and_cancels():
    mean, deviation = timing.seeds_statistics([1.0, 2.0, 3.0])
    assert mean == 2.0 and deviation == pytest.approx(statistics.pstdev([1.0, 2.0, 3.0]))
    assert timing.summarise_times([1.0, 2.0, 3.0])["std_s"] == pytest.approx(1.0)
    # Large mean, small spread: E[t^2] - E[t]^2 loses every digit.
    times = [1e6 + 0.001 * k for k in range(5)]
    _, seeds_deviation = timing.seeds_statistics(times)
    exact = statistics.pstdev(times)
    ours = timing.summarise_times(times)["std_s"] * math.sqrt(4 / 5)
    assert ours == pytest.approx(exact, rel=1e-6)
    assert math.isnan(seeds_deviation) or abs(seeds_deviation - exact) > 0.1 * exact

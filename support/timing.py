"""Time a model's compiled forward or training step, the way a benchmark should.

A modern version of the source posts' ``time_tensorflow_run`` (TensorFlow 1 benchmarks of AlexNet,
VGG and Inception: 10 burn-in steps, then 100 timed ones). What changes, and why:

- The batch is made once, on the device, as a backend tensor: no host-to-device copy is timed.
- The step is compiled (``jax.jit`` on JAX; ``tf.function(jit_compile=...)`` on TensorFlow);
  the warm-up steps, the first of which traces and compiles it, are not timed.
- Every timed step is synchronised before the clock is read (JAX dispatches asynchronously,
  so without ``block_until_ready`` one times the dispatch, not the work).
- The spread is the sample standard deviation of the step times, computed in two passes,
  not ``sqrt(E[t^2] - E[t]^2)``, which cancels catastrophically and can go negative.

Introduced in notebook 02b (AlexNet, part 2: timing); the bench command (``python -m support.bench``)
runs it on every model. Works on the TensorFlow and the JAX backends. Backend-specific code
sits in :func:`compile_function`, :func:`synchronise` and the steps: on JAX they are pure
functions of the weights (``model.stateless_call``), on TensorFlow ``tf.function``s of the model.
"""

import contextlib
import math
import numbers
import statistics
import time

import keras

from support import counting

MODES = ("forward", "gradients", "train")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
MATMUL_DTYPES = ("float32", "float16", "bfloat16")
TRAIN_FLOPS_FACTOR = 3  # forward + gradients w.r.t. activations + gradients w.r.t. weights
FLOPS_FACTOR = {"forward": 1, "gradients": TRAIN_FLOPS_FACTOR, "train": TRAIN_FLOPS_FACTOR}
BARE_MODES = ("forward", "train")  # the steps that bare_step writes plainly, for harness_overhead


def check_positive_integer(name, value, minimum=1):
    """Raise ValueError unless ``value`` is an integer >= ``minimum`` (bools refused)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name}={value!r}: pass an integer >= {minimum}.")


def compile_function(function, jit_compile=True, donate_first_argument=False):
    """Compile ``function`` with the backend's compiler.

    Args:
        function: a function of backend tensors (or nested lists of them).
        jit_compile: JAX: ``jax.jit`` if True, else the function runs op by op. TensorFlow:
            ``tf.function(jit_compile=True)`` (XLA) or ``tf.function`` without XLA (a graph).
        donate_first_argument: JAX only: let XLA reuse the first argument's buffers for the
            outputs (the training state), so that the step updates the weights in place.

    Returns:
        The compiled function.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        if not jit_compile:
            return function
        return jax.jit(function, donate_argnums=(0,) if donate_first_argument else ())
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=bool(jit_compile))
    raise ValueError(f"Keras backend {backend!r}: the timing harness supports 'jax' and 'tensorflow'.")


def synchronise(result):
    """Wait until the device has computed ``result`` (a tensor or a nested structure of them).

    JAX: ``jax.block_until_ready``. TensorFlow: copy the first value of every tensor to the
    host (stacked, in one copy), which waits for the ops that produced them.
    """
    if keras.backend.backend() == "jax":
        import jax

        return jax.block_until_ready(result)
    firsts = [keras.ops.cast(keras.ops.reshape(leaf, (-1,))[0], "float32")
              for leaf in keras.tree.flatten(result)]
    return keras.ops.convert_to_numpy(keras.ops.stack(firsts))  # one copy, after every output


def time_calls(function, arguments, steps, warmup):
    """Call ``function(*arguments)`` ``warmup + steps`` times; time the last ``steps``.

    Every call is synchronised before the clock is read. Returns the list of the ``steps``
    timed durations in seconds and the duration of the first call (which traces and compiles).
    """
    durations = []
    for _ in range(warmup + steps):
        start = time.perf_counter()
        synchronise(function(*arguments))
        durations.append(time.perf_counter() - start)
    return durations[warmup:], durations[0]


def summarise_times(times_s):
    """Mean, sample standard deviation (two-pass; 0.0 for one step), median and minimum."""
    return {
        "mean_s": statistics.fmean(times_s),
        "std_s": statistics.stdev(times_s) if len(times_s) > 1 else 0.0,
        "median_s": statistics.median(times_s),
        "min_s": min(times_s),
    }


def model_precision(model):
    """Name of the dtype policy of the model's first layer with weights, e.g. ``"mixed_bfloat16"``."""
    for layer in model.layers:
        if layer.weights:
            return layer.dtype_policy.name
    raise ValueError(f"model {model.name!r} has no layer with weights; nothing to time.")


def check_model_precision(model, precision):
    """Raise ValueError unless the model was built under the policy ``precision``.

    ``keras.utils.clear_session()`` resets the global policy to float32; a model built after it
    silently computes in float32 unless the policy is set again.
    """
    found = model_precision(model)
    if found != precision:
        raise ValueError(
            f"model {model.name!r} was built with dtype policy {found!r}, not {precision!r}: "
            f"set the policy (precision_policy({precision!r})) after clear_session() and "
            "before building the model."
        )


@contextlib.contextmanager
def precision_policy(name):
    """Inside the block, models are built with the global dtype policy ``name``.

    The previous policy is restored on leaving. Call ``keras.utils.clear_session()`` before
    entering, never inside: it resets the policy to float32.

    Args:
        name: ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``.

    Yields:
        The policy's name, after checking that it took.
    """
    if name not in PRECISIONS:
        raise ValueError(f"precision {name!r} is unknown; use one of {list(PRECISIONS)}.")
    previous = keras.mixed_precision.global_policy().name
    keras.mixed_precision.set_global_policy(name)
    try:
        if keras.mixed_precision.global_policy().name != name:
            raise ValueError(f"setting the dtype policy {name!r} did not take.")
        yield name
    finally:
        keras.mixed_precision.set_global_policy(previous)


def random_batch(model, batch_size, seed=0):
    """A batch of random normal images and random integer labels, as backend tensors.

    Args:
        model: a single-input model; the images get its input shape, the labels its number of
            classes (the last axis of its first output).
        batch_size: images in the batch. seed: seed of both.

    Returns:
        ``(images, labels)``: float32 (batch_size, *input_shape) and int32 (batch_size,),
        created on the default device.
    """
    check_positive_integer("batch_size", batch_size)
    input_shape = model.input_shape
    if isinstance(input_shape, list) or None in input_shape[1:]:
        raise ValueError(f"model {model.name!r} has input shape {input_shape}; the harness "
                         "needs one input with a fixed shape, e.g. (None, 224, 224, 3).")
    output_shape = model.output_shape[0] if isinstance(model.output_shape, list) else model.output_shape
    images = keras.random.normal((batch_size, *input_shape[1:]), seed=seed, dtype="float32")
    labels = keras.random.randint((batch_size,), 0, output_shape[-1], seed=seed + 1, dtype="int32")
    return images, labels


def checksum(outputs):
    """Sum of all outputs in float32: a scalar that depends on every computed value."""
    return sum(keras.ops.sum(keras.ops.cast(output, "float32")) for output in keras.tree.flatten(outputs))


def forward_step(model, jit_compile=True):
    """The compiled inference step ``model(images, training=False)``.

    Args:
        model: a built Keras model. jit_compile: see :func:`compile_function`.

    Returns:
        ``(step, finish)``: ``step(images, labels)`` returns the checksum of the outputs (the
        labels are ignored); ``finish()`` does nothing (the weights do not change).
    """
    if keras.backend.backend() == "jax":
        trainable = [variable.value for variable in model.trainable_variables]
        non_trainable = [variable.value for variable in model.non_trainable_variables]

        def forward(trainable, non_trainable, images):
            outputs, _ = model.stateless_call(trainable, non_trainable, images, training=False)
            return checksum(outputs)

        compiled = compile_function(forward, jit_compile)
        return (lambda images, labels: compiled(trainable, non_trainable, images)), (lambda: None)
    compiled = compile_function(lambda images: checksum(model(images, training=False)), jit_compile)
    return (lambda images, labels: compiled(images)), (lambda: None)


def has_single_output(model):
    """Whether ``model`` has one output, as the "gradients" and "train" steps need (one loss)."""
    return not isinstance(model.output_shape, list)


def check_single_output(model):
    """Raise ValueError if ``model`` has several outputs: a gradient step needs one loss."""
    if not has_single_output(model):
        raise ValueError(f"model {model.name!r} has {len(model.output_shape)} outputs; time the "
                         "training step of a single-output model (build it without auxiliary heads).")


def gradients_step(model, jit_compile=True):
    """The compiled forward and backward pass without the update: the loss and its gradients.

    Timed beside "forward" and "train", it splits a training step into where its time goes:
    the backward pass (gradients minus forward) and the optimizer (train minus gradients).
    On TensorFlow, batch-norm statistics still move (``training=True``); on JAX the new
    statistics are dropped, and the weights stay as they are on both.

    Returns:
        ``(step, finish)``: ``step(images, labels)`` returns the loss and the sum of every
        gradient's entries (a scalar that depends on all of them, so that none is skipped; one
        read of the gradients, about the size of the weights, is the price); ``finish()`` does
        nothing.
    """
    check_single_output(model)
    loss_function = keras.losses.SparseCategoricalCrossentropy()
    if keras.backend.backend() == "jax":
        import jax

        trainable = [variable.value for variable in model.trainable_variables]
        non_trainable = [variable.value for variable in model.non_trainable_variables]

        def loss(trainable, non_trainable, images, labels):
            predictions, _ = model.stateless_call(trainable, non_trainable, images, training=True)
            return loss_function(labels, predictions)

        def loss_and_checksum(trainable, non_trainable, images, labels):
            value, gradients = jax.value_and_grad(loss)(trainable, non_trainable, images, labels)
            return value, checksum(gradients)

        compiled = compile_function(loss_and_checksum, jit_compile)
        return (lambda images, labels: compiled(trainable, non_trainable, images, labels)), (lambda: None)

    def step(images, labels):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_function(labels, model(images, training=True))
        return loss, checksum(tape.gradient(loss, model.trainable_variables))

    return compile_function(step, jit_compile), (lambda: None)


def train_step(model, jit_compile=True, learning_rate=0.01, momentum=0.9):
    """The compiled training step: forward, sparse cross-entropy, gradients, SGD with momentum.

    JAX: ``model.stateless_call`` and ``jax.value_and_grad``, then
    ``optimizer.stateless_apply``, in one ``jax.jit`` that donates the state (weights,
    optimizer slots, batch-norm statistics and dropout seeds). TensorFlow: one
    ``tf.function(jit_compile=...)`` with ``tf.GradientTape`` and ``apply_gradients``.
    No loss scaling under ``mixed_float16``: the step is for timing, not for training.

    Args:
        model: a built single-output Keras model ending in a softmax.
        jit_compile: see :func:`compile_function`. learning_rate, momentum: of the SGD.

    Returns:
        ``(step, finish)``: ``step(images, labels)`` returns the loss; ``finish()`` writes the
        trained weights back into ``model`` (on TensorFlow they are already there).
    """
    check_single_output(model)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    optimizer.build(model.trainable_variables)
    loss_function = keras.losses.SparseCategoricalCrossentropy()
    if keras.backend.backend() == "jax":
        return _jax_train_step(model, optimizer, loss_function, jit_compile)

    def step(images, labels):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_function(labels, model(images, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    return compile_function(step, jit_compile), (lambda: None)


def _jax_train_step(model, optimizer, loss_function, jit_compile):
    """:func:`train_step` on JAX: a pure function of the state, compiled with donation."""
    import jax
    import jax.numpy as jnp

    def loss_and_state(trainable, non_trainable, images, labels):
        predictions, non_trainable = model.stateless_call(trainable, non_trainable, images, training=True)
        return loss_function(labels, predictions), non_trainable

    gradient_function = jax.value_and_grad(loss_and_state, has_aux=True)

    def step(state, images, labels):
        trainable, non_trainable, optimizer_state = state
        (loss, non_trainable), gradients = gradient_function(trainable, non_trainable, images, labels)
        trainable, optimizer_state = optimizer.stateless_apply(optimizer_state, gradients, trainable)
        return (trainable, non_trainable, optimizer_state), loss

    compiled = compile_function(step, jit_compile, donate_first_argument=True)
    # Copies: the donated buffers are freed, and the model's own must stay valid.
    state = [jax.tree.map(jnp.copy, ([v.value for v in model.trainable_variables],
                                     [v.value for v in model.non_trainable_variables],
                                     [v.value for v in optimizer.variables]))]

    def run(images, labels):
        state[0], loss = compiled(state[0], images, labels)
        return loss

    def finish():
        trainable, non_trainable, _ = state[0]
        for variable, value in zip(model.trainable_variables + model.non_trainable_variables,
                                   trainable + non_trainable):
            variable.assign(value)

    return run, finish


STEPS = {"forward": forward_step, "gradients": gradients_step, "train": train_step}


def benchmark(model, batch_size, mode="forward", steps=20, warmup=5, jit_compile=True,
              flops_per_image=None, seed=0):
    """Time the compiled forward or training step of ``model`` on a random batch.

    FLOPs per step: ``flops_per_image * batch_size`` forward, and 3 times that for the
    gradients and the training step (forward, then the gradients with respect to activations
    and to weights, each about one forward pass); batch norm, pooling and the update are not
    counted.

    Args:
        model: a built Keras model with one input of fixed shape (one output for "gradients"
            and "train"). batch_size: images per step. mode: "forward", "gradients" or "train".
        steps: timed steps (the source posts used 100). warmup: untimed steps before them (the
            source posts' burn-in, 10); the first one traces and compiles the step.
        jit_compile: compile with XLA (see :func:`compile_function`).
        flops_per_image: forward FLOPs per image; None counts them with ``support.counting``.
        seed: seed of the random batch.

    Returns:
        dict: ``mean_s, std_s, median_s, min_s, times_s, first_step_s, steps, warmup,
        batch_size, mode, precision, jit_compile, images_per_s, flops_per_image,
        flops_per_step, gflops_per_s``. Every rate comes from the median time, as the matrix
        product's does (:func:`matmul_rate`): one slow step moves a mean, not a median.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: use one of {list(MODES)}.")
    check_positive_integer("steps", steps)
    check_positive_integer("warmup", warmup, minimum=0)
    images, labels = random_batch(model, batch_size, seed)
    if flops_per_image is None:
        flops_per_image = counting.totals(counting.layer_table(model))["flops"]
    step, finish = STEPS[mode](model, jit_compile)
    try:
        times_s, first_step_s = time_calls(step, (images, labels), steps, warmup)
    finally:
        finish()
    summary = summarise_times(times_s)
    flops_per_step = flops_per_image * batch_size * FLOPS_FACTOR[mode]
    return {**summary, "times_s": times_s, "first_step_s": first_step_s, "steps": steps,
            "warmup": warmup, "batch_size": batch_size, "mode": mode,
            "precision": model_precision(model), "jit_compile": bool(jit_compile),
            "images_per_s": batch_size / summary["median_s"], "flops_per_image": flops_per_image,
            "flops_per_step": flops_per_step, "gflops_per_s": flops_per_step / summary["median_s"] / 1e9}


def bare_step(model, mode="forward", learning_rate=0.01, momentum=0.9):
    """The forward or training step written as plainly as the backend allows: the reference.

    What :func:`harness_overhead` checks the harness against. JAX: ``jax.jit`` of
    ``model.stateless_call`` (forward), or of ``jax.value_and_grad`` and SGD with momentum
    written out (``velocity = momentum * velocity - learning_rate * gradient``, ``weight +=
    velocity``, Keras's formula), with the weights and velocities donated. TensorFlow:
    ``tf.function(jit_compile=True)`` of ``model(images)``, or of a ``GradientTape`` and
    ``assign`` updates. No checksum, no optimizer object, no helper of this module.

    Returns:
        ``(step, finish)`` as :func:`forward_step` and :func:`train_step` do.
    """
    if mode not in BARE_MODES:
        raise ValueError(f"mode={mode!r}: the bare reference step has {' and '.join(map(repr, BARE_MODES))}.")
    if mode == "train":
        check_single_output(model)
    if keras.backend.backend() == "jax":
        return _bare_jax_step(model, mode, learning_rate, momentum)
    import tensorflow as tf

    if mode == "forward":
        forward = tf.function(lambda images: model(images, training=False), jit_compile=True)
        return (lambda images, labels: forward(images)), (lambda: None)
    velocities = [tf.Variable(tf.zeros(weight.shape, weight.dtype)) for weight in model.trainable_variables]

    @tf.function(jit_compile=True)
    def train(images, labels):
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))
        for weight, velocity, gradient in zip(model.trainable_variables, velocities,
                                              tape.gradient(loss, model.trainable_variables)):
            velocity.assign(momentum * velocity - learning_rate * gradient)
            weight.assign_add(velocity)
        return loss

    return train, (lambda: None)


def _bare_jax_step(model, mode, learning_rate, momentum):
    """:func:`bare_step` on JAX."""
    import functools

    import jax
    import jax.numpy as jnp

    trainable = [jnp.copy(variable.value) for variable in model.trainable_variables]
    non_trainable = [jnp.copy(variable.value) for variable in model.non_trainable_variables]
    if mode == "forward":
        forward = jax.jit(lambda trainable, non_trainable, images:
                          model.stateless_call(trainable, non_trainable, images)[0])
        return (lambda images, labels: forward(trainable, non_trainable, images)), (lambda: None)

    def loss(trainable, non_trainable, images, labels):
        probabilities, non_trainable = model.stateless_call(trainable, non_trainable, images, training=True)
        return jnp.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities)), non_trainable

    @functools.partial(jax.jit, donate_argnums=(0, 1, 2))
    def train(trainable, velocities, non_trainable, images, labels):
        (value, non_trainable), gradients = jax.value_and_grad(loss, has_aux=True)(
            trainable, non_trainable, images, labels)
        velocities = [momentum * velocity - learning_rate * gradient
                      for velocity, gradient in zip(velocities, gradients)]
        trainable = [weight + velocity for weight, velocity in zip(trainable, velocities)]
        return trainable, velocities, non_trainable, value

    state = [trainable, [jnp.zeros_like(weight) for weight in trainable], non_trainable]

    def run(images, labels):
        state[0], state[1], state[2], value = train(*state, images, labels)
        return value

    def finish():
        for variable, value in zip(model.trainable_variables + model.non_trainable_variables,
                                   state[0] + state[2]):
            variable.assign(value)

    return run, finish


def harness_overhead(model, batch_size, mode="forward", steps=20, warmup=5, rounds=2, seed=0):
    """Time the harness's step against :func:`bare_step`, alternating, on the same batch.

    Both are compiled and warmed up first; then ``rounds`` times, ``steps`` harness steps and
    ``steps`` bare ones, so that a slow spell of the machine falls on both.

    Returns:
        dict: ``model, mode, precision, batch_size, steps`` (per step kind, all rounds),
        ``harness_median_ms``, ``bare_median_ms`` and ``harness_over_bare`` (their ratio:
        1.0 means the harness adds nothing).
    """
    check_positive_integer("rounds", rounds)
    check_positive_integer("steps", steps)
    check_positive_integer("warmup", warmup, minimum=0)
    bare = bare_step(model, mode)  # ValueError unless mode is in BARE_MODES
    steps_by_kind = {"harness": STEPS[mode](model), "bare": bare}
    images, labels = random_batch(model, batch_size, seed)
    times_s = {"harness": [], "bare": []}
    try:
        for step, _ in steps_by_kind.values():
            time_calls(step, (images, labels), steps=1, warmup=warmup)
        for _ in range(rounds):
            for kind, (step, _) in steps_by_kind.items():
                times_s[kind] += time_calls(step, (images, labels), steps, warmup=0)[0]
    finally:
        for _, finish in steps_by_kind.values():
            finish()
    medians = {kind: statistics.median(times) * 1e3 for kind, times in times_s.items()}
    return {"model": model.name, "mode": mode, "precision": model_precision(model),
            "batch_size": batch_size, "steps": steps * rounds, "harness_median_ms": medians["harness"],
            "bare_median_ms": medians["bare"], "harness_over_bare": medians["harness"] / medians["bare"]}


def matmul_rate(size=4096, dtype="float32", steps=10, warmup=3, jit_compile=True):
    """Measure the FLOP/s of a compiled square matrix product on the default device.

    The ceiling against which a network's FLOP/s can be read: a convolution network rarely
    reaches the rate of one large matrix product. One product of two n x n matrices is
    ``2 n^3`` FLOPs (n^3 multiply-adds).

    Args:
        size: n. dtype: "float32", "float16" or "bfloat16" (on a GPU, float32 products may
            use TF32, as JAX does by default). steps, warmup, jit_compile: as in
            :func:`benchmark`.

    Returns:
        dict: ``size, dtype, mean_s, std_s, median_s, min_s, flops, tflops_per_s`` (from the
        median time).
    """
    check_positive_integer("size", size)
    check_positive_integer("steps", steps)
    check_positive_integer("warmup", warmup, minimum=0)
    if dtype not in MATMUL_DTYPES:
        raise ValueError(f"dtype={dtype!r}: use one of {list(MATMUL_DTYPES)}.")
    left = keras.random.normal((size, size), seed=0, dtype=dtype)
    right = keras.random.normal((size, size), seed=1, dtype=dtype)
    product = compile_function(lambda a, b: keras.ops.matmul(a, b), jit_compile)
    times_s, _ = time_calls(product, (left, right), steps, warmup)
    summary = summarise_times(times_s)
    flops = 2 * size ** 3
    return {"size": size, "dtype": dtype, **summary, "flops": flops,
            "tflops_per_s": flops / summary["median_s"] / 1e12}


def predict_on_batch_cost(model, batch_size, steps=10, warmup=3):
    """Time ``model.predict_on_batch`` against the bare compiled forward step.

    ``predict_on_batch`` with a NumPy batch copies it to the device on every call and runs
    Keras's per-call machinery outside the compiled function; the source posts' "time the session
    run" has the same trap. Both timings use the same batch size and number of steps.

    Args:
        model: a built single-input Keras model. batch_size, steps, warmup: as in
            :func:`benchmark`.

    Returns:
        dict: ``model, batch_size, steps, compiled_step_ms, predict_on_batch_tensor_ms`` (a
        backend tensor), ``predict_on_batch_numpy_ms`` (a NumPy array; medians),
        ``numpy_over_compiled`` (their ratio).
    """
    compiled = benchmark(model, batch_size, "forward", steps, warmup)
    images, _ = random_batch(model, batch_size)
    numpy_images = keras.ops.convert_to_numpy(images)
    medians = {}
    for name, batch in (("tensor", images), ("numpy", numpy_images)):
        times_s, _ = time_calls(model.predict_on_batch, (batch,), steps, warmup)
        medians[name] = statistics.median(times_s) * 1e3
    compiled_ms = compiled["median_s"] * 1e3
    return {"model": model.name, "batch_size": batch_size, "steps": steps,
            "compiled_step_ms": compiled_ms, "predict_on_batch_tensor_ms": medians["tensor"],
            "predict_on_batch_numpy_ms": medians["numpy"],
            "numpy_over_compiled": medians["numpy"] / compiled_ms}


def seeds_statistics(times_s):
    """The source posts' mean and deviation: ``sqrt(sum(t^2)/n - mean^2)`` from running sums.

    Kept to compare with :func:`summarise_times`: it is the population (not sample) deviation
    and, in floating point, it can lose all its digits or take the root of a negative number
    when the spread is small next to the mean. Returns ``(mean, deviation)``; NaN if negative.
    """
    total = sum(times_s)
    total_squared = sum(t * t for t in times_s)
    mean = total / len(times_s)
    variance = total_squared / len(times_s) - mean * mean
    return mean, math.sqrt(variance) if variance >= 0 else float("nan")


__all__ = ["BARE_MODES", "MODES", "PRECISIONS", "STEPS", "bare_step", "benchmark", "check_model_precision",
           "gradients_step", "harness_overhead", "has_single_output", "matmul_rate", "model_precision",
           "precision_policy", "predict_on_batch_cost", "random_batch", "seeds_statistics",
           "summarise_times"]

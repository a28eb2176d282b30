"""Per-layer parameters, multiply-accumulates, FLOPs and activation memory, from configs.

Introduced in notebook 01 (the parameter formula) and used in every notebook after it.
Counts come from each layer's configuration and input shape, not from Keras's
``count_params()``; the tests check that both agree for every builder.
Conventions: one multiply-accumulate (MAC) is 2 FLOPs; only convolutions and dense layers
are counted (pooling, normalisation, activations and additions are under 1% of the
arithmetic of these networks); activation memory is per image, 4 bytes per value.
"""

import math

import keras

_NO_PARAMETERS = (
    "InputLayer", "Activation", "ReLU", "Dropout", "Flatten", "Reshape", "Concatenate", "Add",
    "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
    "ZeroPadding2D", "Rescaling", "LocalResponseNormalization", "Softmax",
)


def conv2d_macs(output_height, output_width, in_channels, out_channels, kernel_size, groups=1):
    """MACs of one convolution: ``H_out * W_out * C_out * (k_h * k_w * C_in / groups)``."""
    kernel_height, kernel_width = _pair(kernel_size)
    return output_height * output_width * out_channels * kernel_height * kernel_width * in_channels // groups


def conv2d_params(in_channels, out_channels, kernel_size, groups=1, use_bias=True):
    """Parameters of one convolution: ``(k_h * k_w * C_in / groups + 1) * C_out``."""
    kernel_height, kernel_width = _pair(kernel_size)
    return (kernel_height * kernel_width * in_channels // groups + int(use_bias)) * out_channels


def output_size(input_size, kernel_size, stride, padding):
    """Spatial output size in TensorFlow/Keras: SAME ``ceil(n/s)``, VALID ``floor((n-k)/s)+1``."""
    if padding == "same":
        return math.ceil(input_size / stride)
    if padding == "valid":
        return (input_size - kernel_size) // stride + 1
    raise ValueError(f"padding={padding!r}: use 'same' or 'valid'.")


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _input_shapes(layer):
    tensors = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
    return [tuple(tensor.shape) for tensor in tensors]


def layer_stats(layer, bytes_per_value=4):
    """One row of the table: name, type, output_shape, params, macs, flops, activations."""
    kind = type(layer).__name__
    output_shape = tuple(layer.output.shape[1:])
    params = macs = 0
    if kind == "Conv2D":
        in_channels = _input_shapes(layer)[0][-1]
        params = conv2d_params(in_channels, layer.filters, layer.kernel_size, layer.groups, layer.use_bias)
        macs = conv2d_macs(output_shape[0], output_shape[1], in_channels, layer.filters,
                           layer.kernel_size, layer.groups)
    elif kind == "Dense":
        in_features = _input_shapes(layer)[0][-1]
        params = (in_features + int(layer.use_bias)) * layer.units
        macs = in_features * layer.units
    elif kind == "BatchNormalization":
        channels = _input_shapes(layer)[0][-1]
        params = channels * (int(layer.scale) + int(layer.center) + 2)  # + moving mean, variance
    elif kind not in _NO_PARAMETERS or layer.weights:
        raise ValueError(f"layer {layer.name!r} of type {kind} is not known to the counter; "
                         "add its formula to support/counting.py.")
    activations = math.prod(output_shape)
    return {"name": layer.name, "type": kind, "output_shape": output_shape, "params": params,
            "macs": macs, "flops": 2 * macs, "activations": activations,
            "activation_bytes": activations * bytes_per_value}


def layer_table(model, bytes_per_value=4):
    """Rows of :func:`layer_stats` for every layer of a functional model, in graph order."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            raise ValueError(f"layer {layer.name!r} is a nested model; build the network flat.")
    return [layer_stats(layer, bytes_per_value) for layer in model.layers]


def totals(rows):
    """Sum of params, macs, flops, activations and activation_bytes over table rows."""
    keys = ("params", "macs", "flops", "activations", "activation_bytes")
    return {key: sum(row[key] for row in rows) for key in keys}


def format_table(rows, min_params_or_flops=0):
    """A fixed-width text table of the rows (deterministic, for notebook outputs)."""
    header = f"{'layer':<24}{'output shape':>18}{'params':>14}{'MFLOPs':>12}{'act. KiB':>11}"
    lines = [header, "-" * len(header)]
    for row in rows:
        if max(row["params"], row["flops"]) < min_params_or_flops:
            continue
        shape = "x".join(str(size) for size in row["output_shape"])
        lines.append(f"{row['name']:<24}{shape:>18}{row['params']:>14,}"
                     f"{row['flops'] / 1e6:>12,.1f}{row['activation_bytes'] / 1024:>11,.1f}")
    total = totals(rows)
    lines.append("-" * len(header))
    lines.append(f"{'total':<24}{'':>18}{total['params']:>14,}{total['flops'] / 1e6:>12,.1f}"
                 f"{total['activation_bytes'] / 1024:>11,.1f}")
    return "\n".join(lines)

"""Receptive fields: analytic (size, jump, start per layer) and empirical (from a gradient).

Introduced in notebook 01; notebook 03 shows that two 3x3 convolutions see what one 5x5 sees.
Per spatial axis, a layer with kernel ``k``, dilation ``d``, stride ``s`` and left padding ``p``
maps the receptive field ``(r, j, start)`` of its input to
``r' = r + (k - 1) d j``, ``j' = j s``, ``start' = start + ((k - 1) d / 2 - p) j``,
in input-pixel coordinates (pixel ``i`` has centre ``i``). Branches that are concatenated or
added see the union of their fields (Araujo, Norris, Sim, Distill 2019).
"""

import math
from dataclasses import dataclass

import keras
import numpy as np

from support import interpret

_SAME_GEOMETRY = ("InputLayer", "Activation", "ReLU", "BatchNormalization", "Dropout",
                  "LocalResponseNormalization", "Rescaling", "Softmax")
_WINDOWED = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
_GLOBAL = ("Flatten", "Dense", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Reshape")


@dataclass(frozen=True)
class Field:
    """Receptive field along one axis: size ``r``, ``jump`` (input pixels between
    neighbouring outputs), ``start`` (centre of output 0's field), and the map's ``length``."""
    size: float
    jump: float
    start: float
    length: int


def _window(layer):
    config = layer.get_config()
    kernel = config.get("kernel_size") or config.get("pool_size")
    strides = config.get("strides") or kernel
    dilation = config.get("dilation_rate", 1)
    return [tuple(v) if isinstance(v, (list, tuple)) else (v, v) for v in (kernel, strides, dilation)] + [config["padding"]]


def _through_window(field, kernel, stride, dilation, padding):
    effective = (kernel - 1) * dilation + 1
    if padding == "same":
        out_length = math.ceil(field.length / stride)
        pad_left = max((out_length - 1) * stride + effective - field.length, 0) // 2
    else:
        out_length = (field.length - effective) // stride + 1
        pad_left = 0
    return Field(size=field.size + (effective - 1) * field.jump, jump=field.jump * stride,
                 start=field.start + ((effective - 1) / 2 - pad_left) * field.jump, length=out_length)


def _union(fields, layer_name):
    if len({field.jump for field in fields}) != 1:
        raise ValueError(f"layer {layer_name!r} merges maps of different strides "
                         f"{[field.jump for field in fields]}; their fields cannot be combined.")
    low = min(f.start - (f.size - 1) / 2 for f in fields)
    high = max(f.start + (f.size - 1) / 2 for f in fields)
    return Field(size=high - low + 1, jump=fields[0].jump, start=(low + high) / 2, length=fields[0].length)


def _propagate(layer, inputs):
    """Fields (height, width) of a layer's output from those of its inputs; None once global."""
    kind = type(layer).__name__
    if any(field is None for field in inputs) or kind in _GLOBAL:
        return None
    if kind in ("Concatenate", "Add"):
        return tuple(_union([field[axis] for field in inputs], layer.name) for axis in (0, 1))
    (field,) = inputs
    if kind in _SAME_GEOMETRY:
        return field
    if kind in _WINDOWED:
        kernel, stride, dilation, padding = _window(layer)
        return tuple(_through_window(field[axis], kernel[axis], stride[axis], dilation[axis], padding)
                     for axis in (0, 1))
    if kind == "ZeroPadding2D":
        (top, _), (left, _) = layer.padding
        return tuple(Field(f.size, f.jump, f.start - pad * f.jump, f.length + sum(p))
                     for f, pad, p in zip(field, (top, left), layer.padding))
    raise ValueError(f"layer {layer.name!r} of type {kind} is not known to receptive_field; "
                     "add its geometry to support/receptive_field.py.")


def receptive_fields(model):
    """Analytic receptive field of every layer of a functional model.

    Returns:
        dict ``layer name -> (Field for height, Field for width)``, or ``None`` for layers
        after the spatial maps end (Flatten, Dense, global pooling), whose field is the image.
    """
    height, width = model.inputs[0].shape[1:3]
    fields = {id(model.inputs[0]): (Field(1, 1, 0, height), Field(1, 1, 0, width))}
    result = {}
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            result[layer.name] = fields[id(layer.output)]
            continue
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        result[layer.name] = fields[id(layer.output)] = _propagate(layer, [fields[id(t)] for t in inputs])
    return result


def receptive_field_table(model):
    """Rows (name, size, jump, start) for the layers with spatial output; square sizes as ints."""
    def show(pair, attribute):
        values = [getattr(field, attribute) for field in pair]
        values = [int(v) if float(v).is_integer() else v for v in values]
        return values[0] if values[0] == values[1] else tuple(values)

    return [{"name": name, "size": show(pair, "size"), "jump": show(pair, "jump"), "start": show(pair, "start")}
            for name, pair in receptive_fields(model).items() if pair is not None]


def theoretical_region(field, index):
    """Input pixels ``[low, high]`` (inclusive; low clipped at 0) seen by output ``index``."""
    centre = field.start + index * field.jump
    return max(0, math.ceil(centre - (field.size - 1) / 2)), centre + (field.size - 1) / 2


def _linear_surrogate(model, layer_name):
    """Copy of the model up to ``layer_name`` whose gradient marks every pixel that can act.

    Max pooling sends gradient to one input of each window only, and a ReLU at zero sends
    none, so a plain gradient under-reports the field. The copy uses average pooling in place
    of max pooling (the same windows), all-positive averaging kernels and zero biases, and is
    fed an all-ones image: every path from a pixel to the unit then carries a positive
    gradient, and exactly the pixels inside the field get a non-zero one.
    """
    def swap_pooling(layer):
        if type(layer).__name__ == "MaxPooling2D":
            config = layer.get_config()
            return keras.layers.AveragePooling2D(config["pool_size"], config["strides"], config["padding"],
                                                 name=layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone = keras.models.clone_model(model, clone_function=swap_pooling)
    for layer in clone.layers:
        for variable in layer.weights:
            path = variable.path.split("/")[-1]
            if path == "kernel":
                fan_in = math.prod(variable.shape[:-1])
                variable.assign(np.full(variable.shape, 1.0 / fan_in, dtype="float32"))
            elif path in ("gamma", "moving_variance"):
                variable.assign(np.ones(variable.shape, dtype="float32"))
            else:  # bias, beta, moving_mean
                variable.assign(np.zeros(variable.shape, dtype="float32"))
    return keras.Model(clone.inputs[0], clone.get_layer(layer_name).output)


def empirical_receptive_field(model, layer_name, row=None, col=None):
    """Measure the field of unit ``(row, col)`` of ``layer_name`` from the input gradient.

    Args:
        model: functional Keras model with one image input. layer_name: a spatial layer.
        row, col: output unit; default the centre of the map.

    Returns:
        ``((top, bottom), (left, right))``: inclusive pixel ranges where the gradient is
        non-zero. Their lengths are the measured field size when the field fits in the image.
    """
    surrogate = _linear_surrogate(model, layer_name)
    out_height, out_width = surrogate.output.shape[1:3]
    row = out_height // 2 if row is None else row
    col = out_width // 2 if col is None else col
    if not (0 <= row < out_height and 0 <= col < out_width):
        raise ValueError(f"unit ({row}, {col}) is outside the {out_height}x{out_width} map of {layer_name!r}.")
    image = np.ones((1, *model.inputs[0].shape[1:]), dtype="float32")
    unit = np.zeros((1, *surrogate.outputs[0].shape[1:]), dtype="float32")
    unit[0, row, col] = 1.0  # every channel of the unit (row, col)
    gradient = np.abs(interpret.output_gradient(surrogate, image, unit)).sum(axis=(0, 3))
    rows, cols = np.nonzero(gradient)
    if rows.size == 0:
        raise ValueError(f"the gradient of {layer_name!r} at ({row}, {col}) is zero everywhere.")
    return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))

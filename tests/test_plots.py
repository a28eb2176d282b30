"""Tests of support.plots: the figures' structure and the rejection of bad input."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from support import plots  # noqa: E402

HISTORY = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9]}
ROWS = [  # the schema of support.counting's per-layer rows
    {"name": "conv1", "type": "Conv2D", "params": 156, "flops": 235200, "macs": 117600},
    {"name": "pool1", "type": "AveragePooling2D", "params": 0, "flops": 0, "macs": 0},
    {"name": "conv2", "type": "Conv2D", "params": 2416, "flops": 481600, "macs": 240800},
    {"name": "fc", "type": "Dense", "params": 850, "flops": 1680, "macs": 840},
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _render(figure):
    """Draw the figure to PNG bytes, so that errors at drawing time surface too."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return figure


def _lines(axis):
    return {line.get_label(): line.get_ydata().tolist() for line in axis.get_lines()}


def test_plot_history_one_panel_per_metric_with_validation():
    figure = _render(plots.plot_history(HISTORY, title="LeNet-5"))
    assert isinstance(figure, matplotlib.figure.Figure) and len(figure.axes) == 2
    loss_axis, accuracy_axis = figure.axes
    assert _lines(loss_axis) == {"train": HISTORY["loss"], "validation": HISTORY["val_loss"]}
    assert _lines(accuracy_axis) == {"train": HISTORY["accuracy"]}
    assert loss_axis.get_lines()[0].get_xdata().tolist() == [1, 2, 3]  # epochs from 1
    assert figure.get_suptitle() == "LeNet-5"


def test_plot_history_accepts_a_keras_history():
    class History:  # what keras.callbacks.History exposes to us
        history = {"loss": [3.0, 2.0]}

    figure = plots.plot_history(History(), metrics=("loss",))
    assert len(figure.axes) == 1 and _lines(figure.axes[0]) == {"train": [3.0, 2.0]}


def test_plot_history_names_the_available_metrics():
    with pytest.raises(ValueError, match=r"\['mae'\].*'loss', 'val_loss', 'accuracy'"):
        plots.plot_history(HISTORY, metrics=("loss", "mae"))
    with pytest.raises(ValueError, match="History"):
        plots.plot_history([1, 2, 3])


def test_show_images_titles_and_red_mistakes():
    images = np.random.default_rng(0).integers(0, 256, (10, 28, 28, 1), dtype=np.uint8)
    labels = np.arange(10) % 3
    predictions = labels.copy()
    predictions[4] = 0  # labels[4] == 1: one mistake
    names = ["zero", "one", "two"]
    figure = _render(plots.show_images(images, labels, predictions, class_names=names, ncols=4))
    assert len(figure.axes) == 10
    titles = [axis.title for axis in figure.axes]
    assert titles[4].get_text() == "one\npred: zero"
    assert matplotlib.colors.same_color(titles[4].get_color(), "red")
    assert matplotlib.colors.same_color(titles[3].get_color(), "black")
    assert figure.axes[9].get_subplotspec().rowspan.start == 2  # 10 images, 4 per row
    np.testing.assert_array_equal(figure.axes[0].get_images()[0].get_array(), images[0, ..., 0])


def test_show_images_takes_scores_and_rgb():
    scores = np.eye(3)[[2, 0]]  # predictions 2 and 0 as one-hot scores
    figure = plots.show_images(np.ones((2, 8, 8, 3)), labels=[2, 1], predictions=scores)
    assert [axis.title.get_text() for axis in figure.axes] == ["2\npred: 2", "1\npred: 0"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"labels": [1, 2]}, "labels have shape"),
        ({"predictions": np.zeros(4)}, "predictions have shape"),
        ({"labels": [0, 1, 5], "class_names": ["a", "b"]}, "class_names has 2"),
        ({"ncols": 0}, "ncols=0"),
    ],
)
def test_show_images_rejects_bad_input(arguments, message):
    with pytest.raises(ValueError, match=message):
        plots.show_images(np.zeros((3, 8, 8)), **arguments)


def test_show_images_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(8, 8\)"):
        plots.show_images(np.zeros((8, 8)))


def test_layer_bars_one_panel_per_column_skipping_zero_layers():
    figure = _render(plots.layer_bars(ROWS, ("params", "flops"), log=True, title="LeNet-5"))
    assert len(figure.axes) == 2
    params_axis, flops_axis = figure.axes
    assert [patch.get_width() for patch in params_axis.patches] == [156, 2416, 850]
    assert [patch.get_width() for patch in flops_axis.patches] == [235200, 481600, 1680]
    assert [tick.get_text() for tick in params_axis.get_yticklabels()] == ["conv1", "conv2", "fc"]
    assert params_axis.yaxis_inverted()  # first layer on top
    assert params_axis.get_xscale() == "log"


def test_layer_bars_keeps_zero_rows_when_asked():
    figure = _render(plots.layer_bars(ROWS, columns=("params",), skip_zero=False, log=True))
    assert len(figure.axes) == 1 and len(figure.axes[0].patches) == 4


def test_layer_bars_names_the_available_columns():
    with pytest.raises(ValueError, match=r"\['activations'\].*'params', 'flops'"):
        plots.layer_bars(ROWS, columns=("params", "activations"))
    with pytest.raises(ValueError, match="not numbers"):
        plots.layer_bars(ROWS, columns=("type",))
    with pytest.raises(ValueError, match="nothing to plot"):
        plots.layer_bars(ROWS[1:2], columns=("params",))


def test_bar_compare_one_bar_per_value():
    figure = plots.bar_compare(["LeNet-5", "AlexNet"], [1.5, 20.0], "ms per step", log=True)
    _render(figure)
    assert len(figure.axes) == 1
    axis = figure.axes[0]
    assert [patch.get_height() for patch in axis.patches] == [1.5, 20.0]
    assert axis.get_ylabel() == "ms per step" and axis.get_yscale() == "log"
    assert [text.get_text() for text in axis.texts] == ["1.5", "20"]


def test_bar_compare_rejects_unequal_lengths():
    with pytest.raises(ValueError, match="2 labels"):
        plots.bar_compare(["a", "b"], [1.0], "ms")


def test_layer_bars_titles_in_words_ticks_written_as_the_bars_and_zero_labelled():
    rows = [{"name": "conv", "params": 2_000_000, "flops": 50_000},
            {"name": "pool", "params": 0, "flops": 1_000},
            {"name": "fc", "params": 38_000_000, "flops": 1_000}]
    figure = _render(plots.layer_bars(rows, ("params", "flops")))
    params_axis, flops_axis = figure.axes
    assert params_axis.get_title() == "parameters" and flops_axis.get_title() == "FLOPs per image"
    assert params_axis.xaxis.get_offset_text().get_text() == ""  # no "1e7" at the axis' end
    labels = [label.get_text() for label in params_axis.get_xticklabels()]
    assert "10M" in labels and "20M" in labels  # 1e7 and 2e7, as the bars write them
    bar_labels = [text.get_text() for text in params_axis.texts]
    assert "2M" in bar_labels and "38M" in bar_labels and "0" in bar_labels  # the pooling's 0 is written
    assert [patch.get_width() for patch in params_axis.patches] == [2_000_000, 0, 38_000_000]

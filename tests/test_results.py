"""Result files: the committed ones validate, broken ones are refused, tables and plots work."""

import copy
import io
import json
import math
import re

import keras
import matplotlib
import pytest

from support import models, plots, results

matplotlib.use("Agg")

COMMITTED = sorted(path for path in results.DEFAULT_DIRECTORY.glob("*.json"))


def bench_row(model="lenet5", mode="forward", precision="float32", batch_size=32, mean_ms=4.0,
              flops_per_image=833_040, matmul_tflops=0.2):
    """A consistent row, its derived figures computed here from their definitions."""
    seconds = mean_ms / 1e3
    tflops = flops_per_image * batch_size * (1 if mode == "forward" else 3) / seconds / 1e12
    return {"model": model, "input_shape": [32, 32, 1], "mode": mode, "precision": precision,
            "batch_size": batch_size, "params": 61_706, "flops_per_image": flops_per_image,
            "mean_ms": mean_ms, "std_ms": 0.5, "median_ms": mean_ms, "images_per_s": batch_size / seconds,
            "tflops_per_s": tflops, "fraction_of_matmul": tflops / matmul_tflops}


def bench_record(device="AMD EPYC (2 CPUs)", backend="tensorflow", date="2026-11-23T05:00:00+00:00"):
    """A valid bench record with two rows."""
    library = {"tensorflow": {"tensorflow": "2.21.0"}, "jax": {"jax": "0.10.2", "jaxlib": "0.10.2"}}[backend]
    return {"schema": "cnn-course/bench/1",
            "provenance": {"device": device, "backend": backend, "date": date, "host_cores": 2,
                           "versions": {"python": "3.12.3", "keras": "3.15.1", "numpy": "2.4.6", **library},
                           "command": ["python", "-m", "support.bench"]},
            "settings": {"batch_size": 32}, "matmul": {"float32": {"size": 4096, "tflops_per_s": 0.2}},
            "results": [bench_row(), bench_row(mode="train", mean_ms=10.0)],
            "predict_on_batch": {"compiled_step_ms": 4.0, "predict_on_batch_tensor_ms": 5.0,
                                 "predict_on_batch_numpy_ms": 6.0},
            "harness_check": [{"model": "lenet5", "mode": "train", "precision": "float32", "batch_size": 32,
                               "steps": 40, "harness_median_ms": 10.5, "bare_median_ms": 10.0,
                               "harness_over_bare": 1.05}]}


def training_record(epochs=2):
    """A valid training record."""
    record = bench_record()
    del record["matmul"], record["results"], record["predict_on_batch"], record["harness_check"]
    curves = {"loss": [0.5, 0.1], "accuracy": [0.9, 0.98], "val_loss": [0.2, 0.05], "val_accuracy": [0.95, 0.99]}
    return {**record, "schema": "cnn-course/train/1", "epochs": epochs, "curves": curves,
            "test_accuracy": 0.99, "test_loss": 0.04, "train_seconds": 12.5}


def test_results_are_committed():
    assert any(path.name.startswith("bench-") for path in COMMITTED), results.DEFAULT_DIRECTORY


@pytest.mark.parametrize("path", COMMITTED, ids=[path.name for path in COMMITTED])
def test_every_committed_file_validates(path):
    record = results.read_record(path)
    assert path.name.startswith(f"{results._kind_of(record)}-{record['provenance']['backend']}-")


def test_committed_flops_are_the_analytic_counts():
    """Every row of every committed file, CPU and GPU, against support.counting's count."""
    built = {}
    checked = set()
    for record in results.load_results("bench"):
        for name in sorted({row["model"] for row in record["results"]}):
            if name not in built:
                keras.utils.clear_session()
                built[name] = models.BUILDERS[name]()
            results.check_flops(record, built[name])
            checked.add(name)
    assert {"lenet5", "alexnet", "vgg_D", "mnist_vgg_full"} <= checked


def test_committed_gpu_files_name_their_gpu_and_library():
    """The GPU figures say which GPU measured them, with which JAX and Keras, in which policy."""
    gpu = [record for record in results.load_results("bench") + results.load_results("train")
           if results.is_gpu(record)]
    for record in gpu:
        provenance = record["provenance"]
        assert re.match(r"NVIDIA [A-Z]\d+", provenance["device"]), provenance["device"]
        assert provenance["backend"] == "jax" and provenance["versions"]["jax"]
        assert provenance["versions"]["keras"] and "XLA_FLAGS" not in provenance["environment"]
    assert gpu, "no GPU file is committed"


def test_committed_gpu_mixed_precision_really_ran_in_bfloat16():
    """The trap of the GPU README: clear_session() reset the policy, and 'mixed' rows were float32.

    Where a GPU file times VGG16 in both precisions, bfloat16 on tensor cores must show: the
    training step at most 3/4 of float32's (measured on the H200: 9.7 against 18.5 ms).
    """
    pairs = 0
    for record in results.load_results("bench"):
        rows = {(row["mode"], row["precision"]): row["median_ms"] for row in record["results"]
                if row["model"] == "vgg_D"}
        if results.is_gpu(record) and ("train", "mixed_bfloat16") in rows:
            assert rows[("train", "mixed_bfloat16")] <= 0.75 * rows[("train", "float32")], rows
            pairs += 1
    assert pairs


def test_synthetic_records_validate():
    results.validate_bench_record(bench_record())
    results.validate_training_record(training_record())
    older = bench_record()
    del older["harness_check"]  # files written before the check existed stay valid
    results.validate_bench_record(older)
    gradients = bench_record()
    gradients["results"].append(bench_row(mode="gradients", mean_ms=8.0))
    results.validate_bench_record(gradients)


def broken(record, path, value=None, delete=False):
    """A deep copy of ``record`` with the field at ``path`` (keys and indices) changed or deleted."""
    record = copy.deepcopy(record)
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return record


@pytest.mark.parametrize("path, value, delete, message", [
    (("schema",), "cnn-course/bench/0", False, "schema 'cnn-course/bench/0'"),
    (("provenance", "device"), None, True, "provenance.device is missing"),
    (("provenance", "versions", "tensorflow"), None, True, "provenance.versions.tensorflow is missing"),
    (("provenance", "date"), "yesterday", False, "provenance.date='yesterday'"),
    (("results", 0, "mean_ms"), -4.0, False, r"results\[0\].mean_ms=-4.0"),
    (("results", 1, "std_ms"), -0.1, False, r"results\[1\].std_ms=-0.1"),
    (("results", 0, "median_ms"), float("nan"), False, "not a finite number"),
    (("results", 0, "tflops_per_s"), 1.0, False, r"results\[0\].tflops_per_s=1.0 disagrees"),
    (("results", 0, "images_per_s"), 1.0, False, r"results\[0\].images_per_s=1.0 disagrees"),
    (("results", 0, "fraction_of_matmul"), 2.0, False, "outside"),
    (("results", 0, "mode"), "backward", False, "'backward'"),
    (("results", 0, "precision"), "mixed_bfloat16", False, "matmul.mixed_bfloat16 is missing"),
    (("results",), [], False, "results is empty"),
    (("predict_on_batch",), None, True, "predict_on_batch is missing"),
    (("harness_check", 0, "harness_over_bare"), 0.95, False, "harness_over_bare=0.95 disagrees"),
    (("harness_check", 0, "bare_median_ms"), 0.0, False, "bare_median_ms=0.0"),
    (("harness_check", 0, "mode"), "gradients", False, "'gradients' is not 'forward' or 'train'"),
])
def test_broken_bench_records_raise(path, value, delete, message):
    with pytest.raises(ValueError, match=message):
        results.validate_bench_record(broken(bench_record(), path, value, delete))


@pytest.mark.parametrize("path, value, delete, message", [
    (("schema",), "cnn-course/bench/1", False, "expected 'cnn-course/train/1'"),
    (("curves", "val_accuracy"), [0.9], False, "curves.val_accuracy has 1 values"),
    (("curves", "accuracy", 1), 1.2, False, r"curves.accuracy\[1\]=1.2"),
    (("test_accuracy",), None, True, "test_accuracy is missing"),
    (("train_seconds",), 0, False, "train_seconds=0"),
    (("provenance", "host_cores"), 0, False, "host_cores=0"),
])
def test_broken_training_records_raise(path, value, delete, message):
    with pytest.raises(ValueError, match=message):
        results.validate_training_record(broken(training_record(), path, value, delete))


def test_write_then_load_filters_and_sorts(tmp_path):
    late = bench_record(device="NVIDIA H100 80GB HBM3 (GPU); AMD EPYC (16 CPUs)", backend="jax",
                        date="2026-11-24T10:00:00+00:00")
    early = bench_record()
    paths = [results.write_record(record, tmp_path) for record in (late, early, early)]
    assert paths[0].name == "bench-jax-nvidia-h100-80gb-hbm3-gpu-20261124-100000.json"
    assert paths[2].name == paths[1].name.replace(".json", "-2.json")  # never overwritten
    results.write_record(early, tmp_path, quick=True)  # under quick/: not read
    (tmp_path / "train-notes.json").write_text("{}")  # another kind: not read as bench
    loaded = results.load_results("bench", tmp_path)
    assert [record["provenance"]["backend"] for record in loaded] == ["tensorflow", "tensorflow", "jax"]
    assert [results.is_gpu(record) for record in loaded] == [False, False, True]
    assert len(results.load_results("bench", tmp_path, backend="jax")) == 1
    assert len(results.load_results("bench", tmp_path, device_contains="h100")) == 1
    assert {key: value for key, value in loaded[2].items() if key != "path"} == late


def test_load_names_the_broken_file(tmp_path):
    path = tmp_path / "bench-tensorflow-cpu-20261123-050000.json"
    path.write_text(json.dumps(broken(bench_record(), ("provenance", "device"), delete=True)))
    with pytest.raises(ValueError, match=f"{path.name}.*provenance.device is missing"):
        results.load_results("bench", tmp_path)


def test_environment_variable_names_the_folder(tmp_path, monkeypatch):
    results.write_record(bench_record(), tmp_path)
    monkeypatch.setenv(results.RESULTS_ENV_VAR, str(tmp_path))
    assert len(results.load_results("bench")) == 1
    with pytest.raises(ValueError, match="kind='timings'"):
        results.load_results("timings")


def test_check_flops_refuses_another_count():
    model = models.lenet5()
    assert results.check_flops(bench_record(), model) == 833_040
    wrong = broken(bench_record(), ("results", 1, "flops_per_image"), 833_041)
    with pytest.raises(ValueError, match="lenet5/train/float32"):
        results.check_flops(wrong, model)
    with pytest.raises(ValueError, match="no row for model 'alexnet'"):
        results.check_flops(bench_record(), models.alexnet())


def test_bench_table_is_fixed_width_and_deterministic():
    records = [bench_record(), bench_record(device="NVIDIA H100 80GB HBM3 (GPU); AMD EPYC (16 CPUs)")]
    table = results.bench_table(records, modes=["train"])
    lines = table.splitlines()
    assert len(lines) == 4 and len({len(line) for line in lines}) == 1
    assert lines[2].split() == ["AMD", "EPYC", "(2", "CPUs)", "tensorflow", "lenet5", "train", "float32",
                                "32", "10.00", "0.50", "3200.0", "0.008", "4.0"]
    assert lines[3].startswith("NVIDIA H100 80GB HBM3 ")
    assert table == results.bench_table(records, modes=["train"])


def test_every_rate_comes_from_the_median_time(tmp_path):
    """A rate that disagrees with its median time is refused; an older file's are recomputed."""
    record = bench_record()
    row = record["results"][1]  # train, 10 ms: one slow step takes the mean to 12 ms
    row["mean_ms"] = 12.0
    results.validate_bench_record(record)  # the rates are the median's (10 ms)
    assert row["images_per_s"] == pytest.approx(32 / 0.010)
    older = copy.deepcopy(record)  # as written before 2026-12-04: rates from the mean
    older["results"][1].update(images_per_s=32 / 0.012, tflops_per_s=row["tflops_per_s"] * 10 / 12,
                               fraction_of_matmul=row["fraction_of_matmul"] * 10 / 12)
    with pytest.raises(ValueError, match=r"results\[1\].images_per_s=.* disagrees"):
        results.validate_bench_record(older)
    path = tmp_path / "bench-tensorflow-old-cpu-20261123-000000.json"
    path.write_text(json.dumps(older))
    read = results.read_record(path)["results"][1]  # recomputed, times kept
    assert read["mean_ms"] == 12.0 and read["median_ms"] == 10.0
    for key in ("images_per_s", "tflops_per_s", "fraction_of_matmul"):
        assert read[key] == pytest.approx(row[key]), key


def test_committed_rates_agree_with_their_median_times():
    for record in results.load_results("bench"):
        for row in record["results"]:
            assert row["images_per_s"] == pytest.approx(row["batch_size"] / (row["median_ms"] / 1e3), rel=1e-9)


def test_plot_bench_draws_one_bar_per_timing():
    extra = [{"label": "2017 seed (TF1, Titan X)", "mode": "forward", "median_ms": 30.0}]
    figure = plots.plot_bench([bench_record()], "lenet5", extra_rows=extra)
    forward_axis, train_axis = figure.axes
    assert len(forward_axis.patches) == 2 and len(train_axis.patches) == 1
    assert forward_axis.patches[1].get_width() == 30.0
    assert forward_axis.patches[1].get_facecolor() == matplotlib.colors.to_rgba("tab:gray")
    ours = {"label": "this notebook", "mode": "gradients", "median_ms": 7.0, "color": "tab:green"}
    figure = plots.plot_bench([bench_record()], "lenet5", extra_rows=[ours])
    assert [axis.get_title() for axis in figure.axes] == [
        "lenet5, forward step", "lenet5, gradients step", "lenet5, train step"]
    assert figure.axes[1].patches[0].get_facecolor() == matplotlib.colors.to_rgba("tab:green")
    figure = plots.plot_bench([bench_record()], "lenet5", extra_rows=[ours], modes=["train"])
    assert [axis.get_title() for axis in figure.axes] == ["lenet5, train step"]
    figure.savefig(io.BytesIO())  # draw, so that the tick labels exist
    axis = figure.axes[0]
    assert all(label.get_text() == "" for label in axis.xaxis.get_minorticklabels())  # no overlap
    assert {"0.1", "1", "10"} <= {label.get_text() for label in axis.get_xticklabels()}
    with pytest.raises(ValueError, match="no timing of model 'vgg_D'"):
        plots.plot_bench([bench_record()], "vgg_D")


def test_harness_table_lists_every_check():
    older = bench_record(device="Old CPU")
    del older["harness_check"]
    table, checks = results.harness_table([older, bench_record()])
    lines = table.splitlines()
    assert len(checks) == 1 and len(lines) == 3 and len({len(line) for line in lines}) == 1
    assert lines[2].split()[-3:] == ["10.50", "10.00", "1.050"]


def test_step_breakdown_splits_the_train_step():
    record = bench_record()  # forward 4 ms, train 10 ms
    with pytest.raises(ValueError, match=r"no \['gradients'\] row of 'lenet5'"):
        results.step_breakdown(record, "lenet5")
    record["results"].append(bench_row(mode="gradients", mean_ms=7.5))
    with pytest.raises(ValueError, match="settings give steps=None"):
        results.step_breakdown(record, "lenet5")
    record["settings"]["steps"] = 8
    parts = results.step_breakdown(record, "lenet5")
    error = math.hypot(0.5, 0.5) / math.sqrt(8) * math.sqrt(math.pi / 2)  # both rows have std 0.5 ms
    assert parts == pytest.approx({"forward_ms": 4.0, "backward_ms": 3.5, "update_ms": 2.5,
                                   "update_error_ms": error, "train_ms": 10.0})
    found = results.step_breakdowns([bench_record(), record], ["lenet5", "alexnet"])
    assert [(found_record is record, model, found_parts) for found_record, model, found_parts in found] == [
        (True, "lenet5", parts)]  # the file without gradients rows and the absent model are skipped
    figure = plots.plot_step_breakdown([bench_record(), record], ["lenet5", "alexnet"])
    axis = figure.axes[0]
    assert len(axis.patches) == 3  # one bar (the file with three modes) in three parts
    assert [patch.get_width() for patch in axis.patches] == pytest.approx([0.4, 0.35, 0.25])
    assert [label.get_text() for label in axis.get_yticklabels()] == [
        "lenet5 · AMD EPYC (2 CPUs), tensorflow\n10 ms · update 25.0%"]
    assert axis.get_xlabel().endswith("AMD EPYC (2 CPUs)")
    record["results"][-1]["median_ms"] = 10.5  # gradients slower than train: noise
    axis = plots.plot_step_breakdown([record], ["lenet5"]).axes[0]
    # the update is drawn as 0 and the bar still ends at 1: forward 4 and backward 6.5 of 10.5 ms
    assert [patch.get_width() for patch in axis.patches] == pytest.approx([4 / 10.5, 6.5 / 10.5, 0.0])
    assert axis.get_xlim() == (0, 1)
    assert axis.get_yticklabels()[0].get_text().endswith("update -5.0%")
    with pytest.raises(ValueError, match="no file has forward, gradients and train rows"):
        plots.plot_step_breakdown([bench_record()], ["lenet5"])

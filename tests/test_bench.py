"""The bench command: its settings, its models, and a --quick run whose file validates."""

import json
import re

import keras
import pytest

from support import bench, counting, results


def test_quick_run_writes_one_valid_file(tmp_path):
    path = bench.main(["--quick", "--models", "lenet5", "mnist_vgg_small", "--out", str(tmp_path)])
    assert path.parent == tmp_path / "quick"
    assert [file.name for file in (tmp_path / "quick").iterdir()] == [path.name]
    assert re.fullmatch(rf"bench-{keras.backend.backend()}-[a-z0-9-]+-\d{{8}}-\d{{6}}\.json", path.name)
    record = results.read_record(path)  # validates
    assert [(row["model"], row["mode"]) for row in record["results"]] == [
        ("lenet5", "forward"), ("lenet5", "train"), ("mnist_vgg_small", "forward"), ("mnist_vgg_small", "train")]
    assert set(record["matmul"]) == {"float32"} and record["matmul"]["float32"]["size"] == 1024
    assert record["predict_on_batch"]["model"] == "lenet5"
    assert record["settings"]["reference_model"] == "lenet5"
    assert [(check["model"], check["mode"]) for check in record["harness_check"]] == [
        ("lenet5", "forward"), ("lenet5", "train")]
    assert all(check["steps"] == 6 for check in record["harness_check"])
    assert record["provenance"]["backend"] == keras.backend.backend()
    assert record["provenance"]["command"][-2:] == ["--out", str(tmp_path)]
    for row in record["results"]:
        assert row["batch_size"] == 2 and len(row["times_ms"]) == 3
    lenet = bench.build_model("lenet5", "float32")
    assert results.check_flops(record, lenet) == counting.totals(counting.layer_table(lenet))["flops"]
    assert json.loads(path.read_text())["settings"]["quick"] is True


def test_gradients_mode_splits_the_train_step(tmp_path):
    path = bench.main(["--quick", "--models", "lenet5", "--modes", "forward", "gradients", "train",
                       "--no-jit", "--out", str(tmp_path)])
    record = results.read_record(path)
    assert [row["mode"] for row in record["results"]] == ["forward", "gradients", "train"]
    forward, gradients, train = record["results"]
    assert gradients["tflops_per_s"] * gradients["median_ms"] == pytest.approx(
        3 * forward["tflops_per_s"] * forward["median_ms"])  # rates from the median time
    assert "harness_check" not in record  # the bare step is compiled; --no-jit is not


def test_no_harness_check_skips_only_the_check(tmp_path):
    path = bench.main(["--quick", "--models", "lenet5", "--no-harness-check", "--out", str(tmp_path)])
    record = results.read_record(path)
    assert "harness_check" not in record and record["settings"]["harness_check"] is False
    assert [row["mode"] for row in record["results"]] == ["forward", "train"]
    assert bench.parse_settings(["--quick"])["harness_check"] is True


def test_default_settings_are_the_seeds():
    settings = bench.parse_settings([])
    assert settings["batch_size"] == 32 and settings["modes"] == ["forward", "train"]
    assert settings["precisions"] == ["float32", "mixed_bfloat16"] and settings["jit_compile"]
    assert settings["models"][:2] == ["lenet5", "alexnet"] and "vgg_D" in settings["models"]
    assert settings["predict_model"] == "inception_v3" and settings["reference_model"] == "vgg_D"


def test_options_override_quick_and_aliases_resolve():
    settings = bench.parse_settings(["--quick", "--models", "vgg16", "mnist_vgg", "--steps", "7",
                                     "--warmup", "0", "--no-jit"])
    assert settings["models"] == ["vgg_D", "mnist_vgg_full"]
    assert (settings["steps"], settings["warmup"], settings["batch_size"]) == (7, 0, 2)
    assert settings["predict_model"] == "vgg_D" and not settings["jit_compile"]
    assert settings["reference_model"] == "vgg_D"
    assert bench.parse_settings(["--reference-model", "vgg19"])["reference_model"] == "vgg_E"


@pytest.mark.parametrize("argv, message", [
    (["--models", "resnet50"], "'resnet50' is unknown"),
    (["--batch-size", "0"], "batch_size=0"),
    (["--steps", "-1"], "steps=-1"),
    (["--warmup", "-1"], "warmup=-1"),
    (["--predict-model", "vgg_F"], "'vgg_F' is unknown"),
    (["--reference-model", "resnet"], "'resnet' is unknown"),
])
def test_bad_settings_raise(argv, message):
    with pytest.raises(ValueError, match=message):
        bench.parse_settings(argv)


@pytest.mark.parametrize("name, input_shape", [
    ("lenet5", (32, 32, 1)), ("alexnet", (227, 227, 3)), ("mnist_vgg", (28, 28, 1)),
    ("vgg_A", (224, 224, 3)),
])
def test_models_have_the_seeds_input_shapes(name, input_shape):
    model = bench.model_builder(name)()
    assert model.input_shape[1:] == input_shape
    assert model.name == bench.ALIASES.get(name, name)  # rows are matched by the Keras name


def test_model_names_are_the_builders_table():
    from support import models

    assert bench.MODEL_NAMES == tuple(models.BUILDERS)
    for name, builder in models.BUILDERS.items():
        if not name.startswith(("vgg_", "inception", "googlenet")):  # the small ones, built quickly
            assert builder().name == name


def test_build_model_sets_and_checks_the_policy():
    model = bench.build_model("lenet5", "mixed_bfloat16")
    assert model.get_layer("c1").dtype_policy.name == "mixed_bfloat16"
    assert keras.mixed_precision.global_policy().name == "float32"


def test_gpu_script_copies_a_valid_file_with_no_machine_path(tmp_path):
    """tools/gpu_figures.sh, as the GPU machine runs it, here with --quick on the CPU."""
    import os
    import subprocess
    import sys

    script = results.DEFAULT_DIRECTORY.parents[1] / "tools" / "gpu_figures.sh"
    environment = {**os.environ, "OUT": str(tmp_path), "PYTHON": sys.executable,
                   "KERAS_BACKEND": keras.backend.backend()}
    completed = subprocess.run(["bash", str(script), "bench", "lenet5", "--quick", "--matmul-size", "1024"],
                               env=environment, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-2000:]
    [copied] = list(tmp_path.glob("bench-*.json"))
    record = results.read_record(copied)
    assert record["provenance"]["command"] == ["python", "-m", "support.bench", "--models", "lenet5",
                                               "--matmul-size", "8192", "--quick", "--matmul-size", "1024"]
    assert record["settings"]["models"] == ["lenet5"] and record["matmul"]["float32"]["size"] == 1024
    unknown = subprocess.run(["bash", str(script), "measure"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "usage:" in unknown.stderr


@pytest.mark.parametrize("argv, message", [
    (["--models", "nosuch"], "model 'nosuch' is unknown"),
    (["--batch-size", "0"], "batch_size=0"),
    (["--steps", "-3"], "steps=-3"),
])
def test_bad_command_line_prints_usage_and_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        bench.main(argv)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in error
    lines = error.strip().splitlines()
    assert lines[0].startswith("usage: python -m support.bench")
    assert lines[-1].startswith("python -m support.bench: error: ") and message in lines[-1], lines[-1]


def test_bad_model_on_the_real_command_line():
    """The same as a user sees it: `python -m support.bench --models nosuch`."""
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "support.bench", "--models", "nosuch"],
                               cwd=results.DEFAULT_DIRECTORY.parents[1], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert completed.stderr.strip().splitlines()[-1].startswith("python -m support.bench: error: model 'nosuch'")

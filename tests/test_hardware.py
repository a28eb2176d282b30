"""Tests of support.hardware: the profile choice, its override and the printed line."""

import copy
import os
import pathlib

import keras
import pytest

from support import hardware

CPU = {"epochs": 2, "batch_size": 128, "optimizer": "adam"}
GPU = {"epochs": 30, "batch_size": 256, "optimizer": "sgd"}


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(hardware, "gpu_available", lambda: False)


@pytest.fixture
def with_gpu(monkeypatch):
    monkeypatch.setattr(hardware, "gpu_available", lambda: True)


def test_detection_chooses_cpu_without_gpu(monkeypatch, no_gpu, capsys):
    monkeypatch.delenv(hardware.PROFILE_ENV_VAR, raising=False)
    settings = hardware.choose_settings(CPU, GPU)
    assert settings.profile == "cpu" and settings.epochs == 2 and settings["batch_size"] == 128
    assert capsys.readouterr().out == (
        "Settings: cpu (no GPU found): epochs=2, batch_size=128, optimizer='adam'\n"
    )


def test_detection_chooses_gpu_with_gpu(monkeypatch, with_gpu, capsys):
    monkeypatch.delenv(hardware.PROFILE_ENV_VAR, raising=False)
    settings = hardware.choose_settings(CPU, GPU, verbose=False)
    assert (settings.profile, settings.reason, dict(settings.values)) == ("gpu", "GPU found", GPU)
    assert capsys.readouterr().out == ""


def test_environment_forces_gpu_settings_on_cpu(monkeypatch, no_gpu, capsys):
    monkeypatch.setenv(hardware.PROFILE_ENV_VAR, "gpu")
    settings = hardware.choose_settings(CPU, GPU)
    assert settings.profile == "gpu" and settings.epochs == 30
    assert capsys.readouterr().out == (
        "Settings: gpu (no GPU found; CNN_COURSE_PROFILE=gpu forces the GPU settings): "
        "epochs=30, batch_size=256, optimizer='sgd'\n"
    )


def test_environment_forces_cpu_settings_on_gpu(monkeypatch, with_gpu, capsys):
    monkeypatch.setenv(hardware.PROFILE_ENV_VAR, " CPU ")
    settings = hardware.choose_settings(CPU, GPU)
    assert settings.profile == "cpu" and settings.optimizer == "adam"
    assert "GPU found; CNN_COURSE_PROFILE=cpu forces the CPU settings" in capsys.readouterr().out


def test_bad_environment_value(monkeypatch, no_gpu):
    monkeypatch.setenv(hardware.PROFILE_ENV_VAR, "tpu")
    with pytest.raises(ValueError, match="CNN_COURSE_PROFILE='tpu'"):
        hardware.choose_settings(CPU, GPU)


def test_mismatched_keys_are_named(no_gpu):
    with pytest.raises(ValueError, match=r"only in cpu: \['epochs'\], only in gpu: \['steps'\]"):
        hardware.choose_settings({"epochs": 1, "batch_size": 8}, {"steps": 9, "batch_size": 8})
    with pytest.raises(ValueError, match="profile"):
        hardware.choose_settings({"profile": 1}, {"profile": 2})


def test_settings_are_read_only_and_copyable(monkeypatch, no_gpu):
    monkeypatch.delenv(hardware.PROFILE_ENV_VAR, raising=False)
    settings = hardware.choose_settings(CPU, GPU, verbose=False)
    with pytest.raises(Exception):
        settings.epochs = 5
    with pytest.raises(TypeError):
        settings.values["epochs"] = 5
    with pytest.raises(AttributeError, match="learning_rate"):
        settings.learning_rate
    assert copy.deepcopy(settings) == settings


def test_the_gpu_settings_are_kept_on_a_cpu(monkeypatch, no_gpu):
    """A notebook sizes its GPU run on any machine (support.sizing), so the GPU dict travels."""
    monkeypatch.delenv(hardware.PROFILE_ENV_VAR, raising=False)
    settings = hardware.choose_settings(CPU, GPU, verbose=False)
    assert settings.profile == "cpu" and dict(settings.values) == CPU and dict(settings.gpu) == GPU
    with pytest.raises(TypeError):
        settings.gpu["epochs"] = 5
    with pytest.raises(ValueError, match="'gpu'"):
        hardware.choose_settings({"gpu": 1}, {"gpu": 2})


def test_gpu_available_agrees_with_the_backend():
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        expected = len(tf.config.list_physical_devices("GPU")) > 0
    else:
        import jax

        expected = any(device.platform == "gpu" for device in jax.devices())
    assert hardware.gpu_available() is expected


def test_device_description_names_cpu_count(no_gpu):
    description = hardware.device_description()
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert description.endswith(f"({count} CPUs)") and "GPU" not in description
    assert len(description) > len(f"({count} CPUs)") + 1  # some model name precedes it


@pytest.mark.skipif(not pathlib.Path("/proc/loadavg").is_file(), reason="reads Linux's /proc/loadavg")
def test_load_line_reports_the_kernels_load_average():
    """Against /proc/loadavg, the kernel's own figure (the load moves little within a call)."""
    line = hardware.load_line()
    reported = float(line.split()[2])
    kernel = float(pathlib.Path("/proc/loadavg").read_text().split()[0])
    assert abs(reported - kernel) < 0.5 and f"{os.cpu_count()} CPU cores" in line, line

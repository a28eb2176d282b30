"""Tests of support.quiet: nothing from TensorFlow's start-up reaches stderr."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
from support import quiet
quiet.setup()
import keras, numpy as np
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
model.compile("sgd", "mse", jit_compile=True)  # the first XLA compilation after setup
model.fit(np.ones((8, 4)), np.ones((8, 2)), verbose=0)
print("trained")
"""


@pytest.mark.tensorflow_only
def test_setup_then_a_compiled_fit_prints_nothing_to_stderr():
    """TensorFlow 2.19 prints XLA start-up lines at the first compilation (CI's Colab-like lane)."""
    environment = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as on Colab: setup() must set what it needs
    result = subprocess.run([sys.executable, "-c", PROGRAM], env=environment, capture_output=True,
                            text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "trained"
    assert result.stderr == ""

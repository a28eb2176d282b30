"""Shared test set-up: quiet imports, backend markers, the offline data folder."""

import os
import pathlib

import pytest

from support import quiet

quiet.setup()  # before anything imports TensorFlow

import keras  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
if "CNN_COURSE_DATA" not in os.environ and SHARED_DATA.is_dir():
    os.environ["CNN_COURSE_DATA"] = str(SHARED_DATA)


def pytest_collection_modifyitems(config, items):
    """Skip ``tensorflow_only`` tests under other backends, saying why."""
    if keras.backend.backend() == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"needs the TensorFlow backend, running {keras.backend.backend()}")
    for item in items:
        if "tensorflow_only" in item.keywords:
            item.add_marker(skip)

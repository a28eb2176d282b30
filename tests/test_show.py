"""Tests of support.show: the displayed text is the object's real source."""

import inspect
import math
import pathlib

import pytest

from support import layers, lenet, show


def test_source_is_the_text_of_the_file():
    code = show.source(lenet.lenet5)
    file_text = pathlib.Path(lenet.__file__).read_text()
    assert code.data.startswith("def lenet5(") and code.data in file_text  # read from the file itself
    assert 'name="lenet5"' in code.data and code.language == "python"


def test_source_of_a_class_and_its_highlighted_html():
    code = show.source(layers.LocalResponseNormalization)
    assert code.data.splitlines()[1].startswith("class LocalResponseNormalization(")  # after the decorator
    assert "def call(self, inputs)" in code.data
    assert "<span" in code._repr_html_()  # highlighted by Pygments in a notebook


def test_objects_without_source_are_refused_clearly():
    for obj in (math.sqrt, len, 3):
        with pytest.raises(ValueError, match="has no Python source to show"):
            show.source(obj)
    assert inspect.isbuiltin(math.sqrt)

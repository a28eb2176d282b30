"""Checks of the course itself: every notebook pair in sync, clean stored outputs."""

import json
import pathlib
import re

import pytest

jupytext = pytest.importorskip("jupytext")

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
SOURCES = [*sorted(COURSE.glob("[0-9][0-9]*_*.py")), *sorted((COURSE / "answers").glob("*_answers.py"))]


def test_the_course_has_notebooks():
    assert SOURCES, f"no notebooks found in {COURSE}"


@pytest.mark.parametrize("source", SOURCES, ids=[path.stem for path in SOURCES])
def test_py_and_ipynb_are_in_sync(source):
    notebook_path = source.with_suffix(".ipynb")
    assert notebook_path.exists(), f"{source.name} has no paired {notebook_path.name}: run `make notebooks`"
    from_py = [(cell.cell_type, cell.source.strip()) for cell in jupytext.read(source).cells]
    stored = json.loads(notebook_path.read_text())
    from_ipynb = [(cell["cell_type"], "".join(cell["source"]).strip()) for cell in stored["cells"]]
    assert from_py == from_ipynb, f"{source.name} and {notebook_path.name} differ: edit the .py, then `make notebooks`"


@pytest.mark.parametrize("source", SOURCES, ids=[path.stem for path in SOURCES])
def test_stored_outputs_are_complete_and_clean(source):
    stored = json.loads(source.with_suffix(".ipynb").read_text())
    code_cells = [cell for cell in stored["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] is not None for cell in code_cells), "a code cell was never executed"
    counts = [cell["execution_count"] for cell in code_cells]
    assert counts == list(range(1, len(counts) + 1)), "cells were not executed top to bottom in one run"
    for cell in code_cells:
        for output in cell["outputs"]:
            assert output.get("name") != "stderr", f"stderr stored: {''.join(output.get('text', ''))[:200]}"
            assert output["output_type"] != "error", "a stored output is an error"
        text = json.dumps(cell["outputs"])
        assert not re.search(r"/(work|tmp|root|home|Users)/[\w.-]+/", text), "a machine path is stored in an output"


@pytest.mark.parametrize("source", SOURCES, ids=[path.stem for path in SOURCES])
def test_every_notebook_starts_with_the_course_first_cell(source):
    from support import colab

    first_code = next(cell.source.strip() for cell in jupytext.read(source).cells if cell.cell_type == "code")
    assert first_code == colab.FIRST_CELL.strip(), (
        f"{source.name}'s first code cell is not support.colab.FIRST_CELL: paste that text "
        f"(print(support.colab.FIRST_CELL)) as its first code cell"
    )


def test_notebook_02_fits_a_lecture():
    """Issue 23: notebook 02 keeps AlexNet's lessons in fewer than 60 cells (timing moved to 06)."""
    cells = jupytext.read(COURSE / "02_alexnet.py").cells
    assert len(cells) < 60, f"02_alexnet has {len(cells)} cells; move material out (timing lives in 06)"


def test_notebook_01_does_not_time_before_timing_is_taught():
    """Issue 19, item 9: the timing harness and the results files are taught in notebook 06."""
    code = "\n".join(cell.source for cell in jupytext.read(COURSE / "01_lenet_history.py").cells
                     if cell.cell_type == "code")
    for name in ("timing.", "results.", "import timing", "import results"):
        assert name not in code, f"01_lenet_history uses {name!r}: timing is taught in 06_measuring"

"""The lectures' slide mark-up (``slideshow.slide_type``), without a browser.

site/mark_slides.py writes it from rules and measured heights; `make site-test` checks every
slide of the built decks in Chromium. These tests catch, in `make test`, a lecture edited
without re-marking: a cell without a slide type, a type that breaks the rules (a section
heading that does not start a slide, setup shown to the class, an exercise hidden in the
notes), an .ipynb and .py whose mark-up differ, or a deck over a lecture's length.
"""

import importlib.util
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "course").glob("[0-9][0-9]*_*.ipynb"))
TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
MAX_SLIDES = 40  # site/test_decks.py's


def load(name):
    """site/NAME.py as a module (site/ is not a package)."""
    sys.path.insert(0, str(ROOT / "site"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "site" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "site"))


mark_slides = load("mark_slides")
slides = load("slides")


def stored_types(notebook):
    return [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]


def test_there_are_lectures():
    assert len(LECTURES) >= 12, [path.name for path in LECTURES]


@pytest.mark.parametrize("path", LECTURES, ids=lambda path: path.stem)
def test_every_cell_has_a_slide_type_by_the_rules(path):
    notebook = nbformat.read(path, as_version=4)
    stored = stored_types(notebook)
    unmarked = [index for index, kind in enumerate(stored) if kind not in TYPES]
    assert not unmarked, (f"{path.name}: cells {unmarked} have no slide type; run "
                          f"`.venv-site/bin/python site/mark_slides.py {path.relative_to(ROOT)}`")
    for index, (fixed, kind) in enumerate(zip(mark_slides.fixed_types(notebook), stored)):
        expected = fixed or "'-' or 'subslide'"
        assert kind == fixed if fixed else kind in ("-", "subslide"), \
            f"{path.name} cell {index}: slide type {kind!r}, the rules give {expected}; re-run site/mark_slides.py"


@pytest.mark.parametrize("path", LECTURES, ids=lambda path: path.stem)
def test_the_py_file_carries_the_same_mark_up(path):
    notebook = nbformat.read(path, as_version=4)
    text = jupytext.read(path.with_suffix(".py"))
    assert stored_types(text) == stored_types(notebook), f"{path.stem}: .py and .ipynb mark-up differ"


@pytest.mark.parametrize("path", LECTURES, ids=lambda path: path.stem)
def test_a_deck_fits_a_lecture_and_hides_only_setup_and_notes(path):
    cells = slides.deck_cells(nbformat.read(path, as_version=4)).cells
    kinds = stored_types(nbformat.from_dict({"cells": cells}))
    shown = sum(kind in ("slide", "subslide") for kind in kinds)
    assert kinds[0] == "slide" and 10 <= shown <= MAX_SLIDES, (path.stem, shown)
    section = ""
    for cell, kind in zip(cells, kinds):
        level = slides.heading_level(cell.source) if cell.cell_type == "markdown" else None
        if level == 2:
            section = slides.HEADING.match(cell.source.lstrip("\n")).group(2)
        if level in (2, 3):  # every section and subsection heading opens a (sub)slide
            assert kind == slides.rule_type(level, section), (path.stem, cell.source[:60], kind)
        if kind == "skip":
            assert section == "Setup", (path.stem, cell.source[:60])
        if section in ("Exercises", "Summary", "References") or cell.cell_type == "code":
            assert kind != "notes", (path.stem, cell.source[:60])


def test_a_heading_inside_a_cell_starts_a_slide_in_the_deck():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nGoals.\n\n## Setup\nHow to start."),
        nbformat.v4.new_code_cell("import support"),
        nbformat.v4.new_markdown_cell("A closing remark.\n\n## Next\nIts opening.\n\n### Part\nMore."),
        nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nprint(1)"),
    ])
    assert mark_slides.fixed_types(notebook) == ["slide", "skip", "slide", None]
    for cell, kind in zip(notebook.cells, ["slide", "skip", "slide", "-"]):
        cell.metadata["slideshow"] = {"slide_type": kind}
    deck = slides.deck_cells(notebook)
    assert [(cell.source.splitlines()[0], cell.metadata["slideshow"]["slide_type"]) for cell in deck.cells] == [
        ("# Title", "slide"), ("## Setup", "skip"), ("import support", "skip"),
        ("A closing remark.", "notes"), ("## Next", "slide"), ("### Part", "subslide"), ("print(1)", "-")]
    assert len({cell.id for cell in deck.cells}) == len(deck.cells)

"""Write the slide mark-up of lectures: ``python site/mark_slides.py [course/NN_name.ipynb ...]``.

Sets every cell's ``slideshow.slide_type`` (the metadata that JupyterLab's RISE and nbconvert's
``--to slides`` read) in the lecture's ``.ipynb`` and its paired ``.py``, by these rules, with
each cell's height measured in a 1600x900 deck in headless Chromium (``site/browser.py``):

1. the title cell, and each cell that opens with a ``##`` heading, starts a slide;
   a ``###`` heading starts a subslide;
2. the ``## Setup`` section (making ``support`` importable, imports, settings) is skipped:
   a class need not see it;
3. a markdown cell without a heading and of more than ``NOTES_WORDS`` words becomes speaker
   notes (what the teacher says; press S in a deck), except in the Exercises section, whose
   questions the class must read;
4. any other cell joins the slide above it if the slide stays within ``BUDGET_PX``, and starts
   a subslide (below the slide, in reveal.js's second dimension) if not.

A cell that alone is taller than a slide keeps its own slide: the deck shrinks its figures to
fit (site/slides/index.html.j2), and the browser test fails any slide that still overflows.
Nothing else changes: a notebook reads exactly as before when it is not presented. Run it
again after a lecture changes (it needs the site's environment and Chromium, as `make
site-test` does); `tests/test_slides.py` checks that the mark-up follows rules 1 to 3.
Without arguments it marks every lecture.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402  (site/browser.py)
import slides  # noqa: E402  (site/slides.py)

NOTES_WORDS = 60
BUDGET_PX = slides.SLIDE_HEIGHT - 2 * slides.SLIDE_PADDING_PX - 24  # a margin for fonts and rounding


def words(cell):
    return len(re.findall(r"\w+", cell.source))


def headings(cell):
    """The (level, text) of the `#` to `###` headings of a markdown cell, in order."""
    if cell.cell_type != "markdown":
        return []
    return [(len(match.group(1)), match.group(2)) for match in slides.HEADING.finditer(cell.source)
            if len(match.group(1)) <= 3]


def fixed_types(notebook):
    """The slide types that rules 1-3 fix, None where the measured heights decide (rule 4).

    A cell with a heading takes the type of its first heading (site/slides.py's deck_cells cuts
    it there); the section it leaves open is that of its last `##` heading.
    """
    types, section = [], ""
    for index, cell in enumerate(notebook.cells):
        found = headings(cell)
        kind = None
        for number, (level, text) in enumerate(found):
            if level == 2:
                section = text
            if number == 0:
                kind = "slide" if index == 0 else slides.rule_type(level, section)
        if kind is None:
            if index == 0:
                kind = "slide"
            elif section == "Setup":
                kind = "skip"
            elif cell.cell_type == "markdown" and words(cell) > NOTES_WORDS and section != "Exercises":
                kind = "notes"
        types.append(kind)
    return types


def slide_types(notebook, heights, tails=None):
    """Every cell's slide type: rules 1-3, then rule 4 with ``heights`` (px, one per cell).

    ``tails``: for each cell, the height of its part after its last inner heading, which is
    what stays on the slide that the next cells may join (site/slides.py's deck_cells cuts a
    cell there); without them, a cut cell counts with its whole height, a bound on its tail's.
    """
    tails = heights if tails is None else tails
    types, used = [], 0.0
    for kind, height, tail in zip(fixed_types(notebook), heights, tails):
        if kind in ("slide", "subslide"):
            used = tail
        elif kind is None:
            kind = "-" if used + height <= BUDGET_PX else "subslide"
            used = used + height if kind == "-" else height
        types.append(kind)
    return types


def measured_heights(notebook, name, driver, server):
    """Each cell's height in px on a slide, and that of its part after its last inner heading.

    Measured on a deck of the cells cut as the decks cut them (site/slides.py's cell_parts),
    each part on a slide of its own.
    """
    owners, parts = [], []
    for index, _, part in slides.cell_parts(notebook):
        part.metadata["slideshow"] = {"slide_type": "slide"}
        owners.append(index)
        parts.append(part)
    measured = nbformat.v4.new_notebook(cells=parts, metadata=copy.deepcopy(notebook.metadata))
    path = server.folder / f"measure_{name}.html"
    path.write_text(slides.deck_of(measured, name), encoding="utf-8")
    try:
        browser.open_deck(driver, server.url(path.name) + "?fit=off")
        part_heights = browser.slide_heights(driver)
    finally:
        path.unlink()
    if len(part_heights) != len(parts):
        raise SystemExit(f"{name}: measured {len(part_heights)} slides for {len(parts)} parts of cells")
    heights, tails = [0.0] * len(notebook.cells), [0.0] * len(notebook.cells)
    for owner, height in zip(owners, part_heights):
        heights[owner] += height
        tails[owner] = height
    return heights, tails


def mark(path, driver, server):
    notebook = nbformat.read(path, as_version=4)
    heights, tails = measured_heights(notebook, path.stem, driver, server)
    types = slide_types(notebook, heights, tails)
    import jupytext  # here: the rules above need only nbformat (tests/test_slides.py)

    text_path = path.with_suffix(".py")
    text = jupytext.read(text_path)
    if len(text.cells) != len(notebook.cells):
        raise SystemExit(f"{text_path.name} has {len(text.cells)} cells, {path.name} {len(notebook.cells)}: "
                         "run make notebooks first")
    for version in (notebook, text):
        for cell, kind in zip(version.cells, types):
            cell.metadata["slideshow"] = {"slide_type": kind}
    nbformat.write(notebook, path)
    jupytext.write(text, text_path, fmt="py:percent")
    shown = sum(kind in ("slide", "subslide") for kind in types)
    print(f"{path.name}: {shown} slides ({types.count('slide')} sections), "
          f"{types.count('notes')} cells as notes, {types.count('skip')} skipped")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    arguments = parser.parse_args(argv)
    paths = arguments.notebooks or slides.lectures()
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"{path}: not a lecture notebook (course/NN_name.ipynb)")
    with browser.DeckServer() as server, browser.chromium() as driver:
        for path in paths:
            mark(path.resolve(), driver, server)


if __name__ == "__main__":
    main()

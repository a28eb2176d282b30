"""The lesson format, measured: how far each notebook of the course is from a lecture's caps.

Usage:
    python tools/lesson_format.py [NOTEBOOK.ipynb ...]      (default: every lecture in course/)

A *lecture* is a notebook ``course/NN_name.ipynb`` (part 2 of a lesson: ``course/NNb_name.ipynb``);
its worked answers are ``course/answers/NN_name_answers.ipynb``. A lecture fits a 90-minute
lesson when it has at most :data:`MAX_CELLS` cells, :data:`MAX_WORDS` words of prose (its
reference list not counted), code cells of at most :data:`MAX_CODE_LINES` lines (the shared first
cell aside) and no "the printed ..." in place of a number; its run time on the CI machine's CPU
is checked apart (``course/run_times.json``, ``tests/test_lessons.py``). README's "The lesson
format" says the same for teachers.
"""

import json
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
ANSWERS = COURSE / "answers"
MAX_CELLS = 60
MAX_WORDS = 3000
MAX_CODE_LINES = 15
MAX_CPU_SECONDS = 180
LECTURE_NAME = re.compile(r"\d\d[a-z]?_\w+\.ipynb")
REFERENCES_HEADING = re.compile(r"^#{1,6}\s+(References|Reference list|Sources)\b", re.MULTILINE)
PRINTED_PHRASE = re.compile(r"\bthe printed\b", re.IGNORECASE)


def lectures():
    """Every lecture notebook in ``course/``, in course order (found by glob: none is forgotten)."""
    return sorted(path for path in COURSE.glob("*.ipynb") if LECTURE_NAME.fullmatch(path.name))


def answer_notebooks():
    """Every worked-answers notebook in ``course/answers/``."""
    return sorted(ANSWERS.glob("*_answers.ipynb"))


def cells_of(path):
    """The cells of a stored notebook, each a dict with ``cell_type`` and ``source`` as one string."""
    cells = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["cells"]
    return [dict(cell, source="".join(cell["source"])) for cell in cells]


def without_references(markdown):
    """A markdown cell's text up to its reference list's heading (all of it if it has none)."""
    match = REFERENCES_HEADING.search(markdown)
    return markdown[:match.start()] if match else markdown


def prose_words(cells):
    """Words of prose: whitespace-separated tokens of the markdown cells, the references not counted."""
    words, in_references = 0, False
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        in_references = in_references or bool(REFERENCES_HEADING.search(cell["source"]))
        text = without_references(cell["source"]) if in_references else cell["source"]
        words += len(text.split())
    return words


def long_code_cells(cells):
    """[(cell index, lines)] of the code cells over MAX_CODE_LINES lines, the first code cell aside."""
    code = [(index, cell) for index, cell in enumerate(cells) if cell["cell_type"] == "code"]
    return [(index, len(cell["source"].strip().splitlines())) for index, cell in code[1:]
            if len(cell["source"].strip().splitlines()) > MAX_CODE_LINES]


def printed_phrases(cells):
    """How often the prose says "the printed ..." where the number belongs."""
    return sum(len(PRINTED_PHRASE.findall(cell["source"])) for cell in cells if cell["cell_type"] == "markdown")


def measure(path):
    """The sizes that the caps apply to, for the notebook at ``path``."""
    cells = cells_of(path)
    return {"cells": len(cells), "words": prose_words(cells), "long_code_cells": long_code_cells(cells),
            "printed_phrases": printed_phrases(cells)}


def over_the_caps(path):
    """The caps the lecture at ``path`` breaks, in words; empty when it fits."""
    sizes = measure(path)
    problems = []
    if sizes["cells"] > MAX_CELLS:
        problems.append(f"{sizes['cells']} cells (at most {MAX_CELLS})")
    if sizes["words"] > MAX_WORDS:
        problems.append(f"{sizes['words']:,} words of prose (at most {MAX_WORDS:,}, references aside)")
    if sizes["long_code_cells"]:
        cells = ", ".join(f"cell {index} ({lines} lines)" for index, lines in sizes["long_code_cells"])
        problems.append(f"code cells over {MAX_CODE_LINES} lines: {cells}")
    if sizes["printed_phrases"]:
        problems.append(f"'the printed' {sizes['printed_phrases']} times where a number belongs")
    return problems


def main(argv):
    paths = [pathlib.Path(arg) for arg in argv] or lectures()
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        print(f"lesson_format.py: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    over = 0
    for path in paths:
        problems = over_the_caps(path)
        over += bool(problems)
        print(f"{path.name}: {'fits a lecture' if not problems else '; '.join(problems)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

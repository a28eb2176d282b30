"""Execute notebooks top to bottom and fail on any error or any stderr output (CI's Colab-like lane).

Usage:
    python tools/check_notebooks.py [NOTEBOOK.ipynb ...]
        (default: every lecture course/NN*_*.ipynb and every course/answers/*_answers.ipynb)
    python tools/check_notebooks.py --alone NOTEBOOK.ipynb

Unlike nbval, nothing is compared with the stored outputs, which other TensorFlow and Keras
versions may change; the stored notebook is not modified. ``--alone`` copies the notebook into
an empty folder and runs it there, as a reader who downloaded it or opened it on Colab would:
its first cell must then clone the course, from ``$CNN_COURSE_REPOSITORY`` (this script sets
it to this checkout unless it is set, so the check needs no internet).
"""

import argparse
import os
import pathlib
import shutil
import sys
import tempfile
import time

import nbclient
import nbformat

REPO = pathlib.Path(__file__).resolve().parents[1]


def problems_in(notebook):
    """The stderr outputs of an executed notebook, one line each (an error stops :func:`run`)."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: stderr: {output.get('text', '').strip()[:300]}")
    return found


def run(path, folder):
    """Execute the notebook at ``path`` with ``folder`` as its working folder; return problems."""
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=1200, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        return problems_in(notebook) + [f"error: {str(error).strip().splitlines()[-1]}"]
    return problems_in(notebook)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--alone", action="store_true",
                        help="copy each notebook into an empty folder and run it there")
    arguments = parser.parse_args(argv)
    paths = arguments.notebooks or [*sorted((REPO / "course").glob("[0-9][0-9]*_*.ipynb")),
                                    *sorted((REPO / "course" / "answers").glob("*_answers.ipynb"))]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    os.environ.setdefault("CNN_COURSE_REPOSITORY", str(REPO))
    failed = 0
    for path in paths:
        start = time.perf_counter()
        if arguments.alone:
            with tempfile.TemporaryDirectory() as empty:
                problems = run(pathlib.Path(shutil.copy(path, empty)), pathlib.Path(empty))
        else:
            problems = run(path, path.resolve().parent)
        label = f"{path.name}{' (alone)' if arguments.alone else ''}"
        print(f"{label}: {'FAILED' if problems else 'ok'} in {time.perf_counter() - start:.0f} s")
        for problem in problems:
            print(f"    {problem}")
        failed += bool(problems)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

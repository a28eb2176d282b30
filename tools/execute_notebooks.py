"""Sync each course/*.py with its .ipynb (the .py wins) and execute the notebook in place.

Usage: python tools/execute_notebooks.py [course/01_lenet_history.py ...]
    (default: every lecture course/NN*_*.py, then every course/answers/*_answers.py)
Runs with the TensorFlow backend and the CPU settings unless the environment says otherwise,
so the stored outputs are what CI's nbval run reproduces.
"""

import os
import pathlib
import subprocess
import sys
import time

import nbclient
import nbformat

REPO = pathlib.Path(__file__).resolve().parents[1]


def execute(py_path):
    """Write the .ipynb from the .py with jupytext, execute it, and save its outputs."""
    subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb", "--update", str(py_path)], check=True)
    ipynb_path = py_path.with_suffix(".ipynb")
    notebook = nbformat.read(ipynb_path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=1200, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(py_path.parent)}})
    start = time.perf_counter()
    client.execute()
    nbformat.write(notebook, ipynb_path)
    subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--sync", str(py_path)], check=True)
    print(f"{py_path.relative_to(REPO)}: executed in {time.perf_counter() - start:.0f} s")


def main(paths):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    targets = [pathlib.Path(p).resolve() for p in paths] or [
        *sorted((REPO / "course").glob("[0-9][0-9]*_*.py")), *sorted((REPO / "course" / "answers").glob("*_answers.py"))]
    for path in targets:
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])

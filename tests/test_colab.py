"""Tests of support.colab: the notebooks' first cell in each place it must work, and the links.

The first cell is run in a fresh Python, as a notebook's kernel would run it. This machine has
the package installed, so each run hides it from ``importlib.util.find_spec`` first: the cell
then takes the branch a reader without the package takes (CI's Colab-like lane runs the same
cell for real, in an environment without the package).
"""

import json
import pathlib
import subprocess
import sys

import pytest

from support import colab

REPO = pathlib.Path(__file__).resolve().parents[1]
HIDE_INSTALLED_PACKAGE = (
    "import importlib.util\n"
    "_find_spec = importlib.util.find_spec\n"
    "importlib.util.find_spec = lambda name, *args: None if name == 'support' else _find_spec(name, *args)\n"
)
REPORT = "\nimport json; print(json.dumps({'path0': sys.path[0], 'repository': COURSE_REPOSITORY}))"


def run_first_cell(folder, repository=None, hide_package=True):
    """Run FIRST_CELL with ``folder`` as the working folder; return (returncode, report, stderr)."""
    code = (HIDE_INSTALLED_PACKAGE if hide_package else "") + colab.FIRST_CELL + REPORT
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
    if repository is not None:
        environment[colab.REPOSITORY_ENV_VAR] = str(repository)
    result = subprocess.run([sys.executable, "-c", code], cwd=folder, env=environment,
                            capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout.splitlines()[-1]) if result.returncode == 0 else None
    return result.returncode, report, result.stderr


def make_course_repository(folder):
    """A small git repository shaped like the course: support/colab.py, one commit."""
    (folder / "support").mkdir(parents=True)
    (folder / "support" / "__init__.py").write_text("")
    (folder / "support" / "colab.py").write_text("MARKER = 'the clone'\n")
    for command in (["init", "--quiet"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "c"]):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)
    return folder


def test_first_cell_in_a_checkout_adds_the_checkout_root():
    returncode, report, stderr = run_first_cell(REPO / "course")
    assert returncode == 0, stderr
    assert pathlib.Path(report["path0"]) == REPO
    assert report["repository"] == colab.REPOSITORY_URL


def test_first_cell_does_nothing_where_the_package_is_importable():
    returncode, report, stderr = run_first_cell(REPO, hide_package=False)  # found in the working folder
    assert returncode == 0, stderr
    assert report["path0"] == ""  # `python -c` puts the working folder first; nothing was added


def test_first_cell_alone_clones_the_course_beside_the_notebook(tmp_path):
    origin = make_course_repository(tmp_path / "origin")
    notebook_folder = tmp_path / "colab"
    notebook_folder.mkdir()
    for _ in range(2):  # the second run reuses the clone
        returncode, report, stderr = run_first_cell(notebook_folder, repository=origin)
        assert returncode == 0 and stderr == "", stderr
        clone = notebook_folder / colab.CLONE_FOLDER
        assert pathlib.Path(report["path0"]) == clone
        assert (clone / "support" / "colab.py").read_text() == "MARKER = 'the clone'\n"


def test_first_cell_says_why_a_clone_failed(tmp_path):
    returncode, _, stderr = run_first_cell(tmp_path, repository=tmp_path / "no-such-repository")
    assert returncode != 0
    assert stderr.strip().splitlines()[-1].startswith("RuntimeError: git clone ")
    assert "no-such-repository" in stderr.strip().splitlines()[-1]


def test_colab_and_download_urls():
    assert colab.colab_url("01_lenet_history.ipynb", "https://github.com/someone/course.git") == (
        "https://colab.research.google.com/github/someone/course/blob/main/course/01_lenet_history.ipynb")
    assert colab.download_url("02_alexnet.ipynb", "https://github.com/someone/course") == (
        "https://raw.githubusercontent.com/someone/course/main/course/02_alexnet.ipynb")
    assert colab.colab_url("answers/01_lenet_history_answers.ipynb", "https://github.com/someone/course") == (
        "https://colab.research.google.com/github/someone/course/blob/main/course/answers/"
        "01_lenet_history_answers.ipynb")


@pytest.mark.parametrize("repository", ["https://gitlab.com/someone/course", "/local/folder",
                                        "https://github.com/only-owner"])
def test_urls_reject_a_repository_colab_cannot_open(repository):
    with pytest.raises(ValueError, match="not a GitHub repository"):
        colab.colab_url("01_lenet_history.ipynb", repository)


@pytest.mark.parametrize("notebook", ["01_lenet_history.py", "course/01_lenet_history.ipynb", None,
                                      "../01_lenet_history.ipynb", "solutions/01_lenet_history.ipynb"])
def test_urls_reject_what_is_not_a_notebook_name(notebook):
    with pytest.raises(ValueError, match="file name of a notebook"):
        colab.colab_url(notebook)


def test_readme_links_every_notebook_to_colab():
    readme = (REPO / "README.md").read_text()
    notebooks = [*sorted((REPO / "course").glob("[0-9][0-9]*_*.ipynb")),
                 *sorted((REPO / "course" / "answers").glob("*.ipynb"))]
    for notebook in notebooks:
        name = notebook.relative_to(REPO / "course").as_posix()
        assert colab.colab_url(name) in readme, f"README has no Colab link for {name}"

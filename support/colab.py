"""Where the course lives, and the first cell that makes it importable in any notebook.

Every notebook starts with :data:`FIRST_CELL`, the same code in each (``tests/test_course.py``
checks that it is). It runs before ``support`` can be imported, so it cannot import anything
from here: this module keeps its one copy of the text, and the repository's address is
written in it once, as :data:`REPOSITORY_URL`. The README's and the website's "Open in
Colab" links are built from the same constant by :func:`colab_url` and :func:`download_url`.

What the cell does, in order:

1. ``support`` is importable already (the package is installed, or the working folder is the
   repository): nothing.
2. The working folder is inside a checkout (``course/`` in JupyterLab, say): put the
   checkout's root on ``sys.path``.
3. Otherwise (Colab, or a notebook downloaded alone): ``git clone`` the repository named by
   ``$CNN_COURSE_REPOSITORY``, else :data:`REPOSITORY_URL`, into ``cnn-course/`` beside the
   notebook (once: a second run reuses it), ``pip install`` only those of the package's
   requirements that are missing (Colab has them all, its TensorFlow included, and keeps
   them), and put the clone on ``sys.path``. No kernel restart is needed, unlike
   ``pip install -e .``, whose ``.pth`` file is read only when Python starts.
"""

import re
import urllib.parse

# Where the course is published. Change it here once; FIRST_CELL and the links follow.
REPOSITORY_URL = "https://github.com/cnn-course/classic-convnets"
REPOSITORY_ENV_VAR = "CNN_COURSE_REPOSITORY"
BRANCH = "main"
CLONE_FOLDER = "cnn-course"

FIRST_CELL = f"""\
# Make the course's `support` package importable: installed, in a checkout, or on Colab.
import importlib.util, os, pathlib, subprocess, sys

COURSE_REPOSITORY = os.environ.get("{REPOSITORY_ENV_VAR}", "{REPOSITORY_URL}")
if importlib.util.find_spec("support") is None:
    here = pathlib.Path.cwd()
    course = next((folder for folder in (here, *here.parents) if (folder / "support" / "colab.py").is_file()),
                  here / "{CLONE_FOLDER}")
    if not course.is_dir():  # Colab, or this notebook alone: clone the course beside it
        clone = subprocess.run(["git", "clone", "--quiet", COURSE_REPOSITORY, str(course)],
                               capture_output=True, text=True)
        if clone.returncode:
            raise RuntimeError(f"git clone {{COURSE_REPOSITORY}} failed: {{clone.stderr.strip()}}")
    missing = [name for name in ("keras", "numpy", "matplotlib") if importlib.util.find_spec(name) is None]
    if missing:  # Colab has all three; its TensorFlow is never touched
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
    sys.path.insert(0, str(course))"""


def _github_path(repository_url=REPOSITORY_URL):
    """``owner/name`` of a GitHub repository URL; ValueError for any other address."""
    parsed = urllib.parse.urlparse(repository_url)
    match = re.fullmatch(r"/([\w.-]+)/([\w.-]+?)(\.git)?/?", parsed.path)
    if parsed.netloc != "github.com" or match is None:
        raise ValueError(
            f"repository_url={repository_url!r} is not a GitHub repository address; Colab "
            f"opens notebooks from https://github.com/OWNER/NAME only."
        )
    return f"{match.group(1)}/{match.group(2)}"


def colab_url(notebook, repository_url=REPOSITORY_URL, branch=BRANCH):
    """The "Open in Colab" address of a notebook of the course.

    Args:
        notebook: its file name in ``course/``, e.g. ``"01_lenet_history.ipynb"``, or in
            ``course/answers/`` after ``answers/``.
        repository_url: the GitHub repository; default :data:`REPOSITORY_URL`.
        branch: the branch to open.

    Returns:
        ``https://colab.research.google.com/github/OWNER/NAME/blob/BRANCH/course/NOTEBOOK``.
    """
    return (f"https://colab.research.google.com/github/{_github_path(repository_url)}/blob/"
            f"{branch}/course/{_notebook_name(notebook)}")


def download_url(notebook, repository_url=REPOSITORY_URL, branch=BRANCH):
    """The raw-file address of a notebook, to download it (see :func:`colab_url`)."""
    return (f"https://raw.githubusercontent.com/{_github_path(repository_url)}/{branch}/course/"
            f"{_notebook_name(notebook)}")


def _notebook_name(notebook):
    """Check that ``notebook`` is an ``.ipynb`` file name in ``course/`` or ``course/answers/``."""
    if not isinstance(notebook, str) or not re.fullmatch(r"(answers/)?[\w.-]+\.ipynb", notebook):
        raise ValueError(
            f"notebook={notebook!r}: pass the file name of a notebook in course/, such as "
            f"'01_lenet_history.ipynb', or 'answers/' and the name of one in course/answers/."
        )
    return notebook

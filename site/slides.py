"""Write one reveal.js deck per lecture into _site/slides/ (`make slides`), offline.

Each lecture course/NN_*.ipynb becomes _site/slides/NN_*.html with the outputs stored in the
notebook (nothing is executed), cut into slides by the cells' ``slideshow.slide_type`` mark-up
(``tools/slides.py`` writes it; JupyterLab's RISE reads the same). nbconvert's ``--to slides``
does the conversion with the course's template, site/slides/: every file a deck loads lies in
_site/slides/ beside it:

- reveal.js, from the npm registry's tarball at a pinned version, checked against the
  registry's sha512 integrity string, downloaded once into _site/vendor/ (the only download);
- MathJax 3 (the ``tex-chtml`` component, its fonts and TeX extensions), copied from the
  sphinx-mathjax-offline package that the website uses too;
- favicon.svg, the site's icon;
- slides.css, the slides' style (a 1600x900 slide, which reveal.js scales to the screen).

``make site`` runs this too, into the site's slides/ folder, where the landing page links
each deck.
"""

import base64
import collections
import copy
import hashlib
import io
import re
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "site" / "slides"
OUT = ROOT / "_site" / "slides"
VENDOR = ROOT / "_site" / "vendor"

REVEAL_VERSION = "5.2.1"
REVEAL_TARBALL = f"https://registry.npmjs.org/reveal.js/-/reveal.js-{REVEAL_VERSION}.tgz"
# `npm view reveal.js@5.2.1 dist.integrity`
REVEAL_INTEGRITY = "sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRhJaFgfQ7zNQ=="
REVEAL_PARTS = ("dist/", "plugin/notes/", "LICENSE")  # what a deck loads, and the licence
# The slide, in px of reveal.js's canvas, which it scales to the screen (0.8 on a 1280x720 one),
# and the padding of slides.css around a slide's content.
SLIDE_WIDTH, SLIDE_HEIGHT = 1600, 900
SLIDE_PADDING_PX = 10
# A link from a lecture to a notebook (another lecture, its answers): to that notebook's page on
# the site, one folder up from slides/.
# The course's nbval markers (`# NBVAL_IGNORE_OUTPUT`): for the tests, not the class.
NBVAL_MARKER = re.compile(r"^# NBVAL_\w+[ \t]*\n?", re.MULTILINE)
NOTEBOOK_LINK = re.compile(r'href="(?!\w+:)([^"#]+)\.ipynb(#[^"]*)?"')


def lectures():
    """The lecture notebooks, course/NN_*.ipynb and course/NNb_*.ipynb, in course order."""
    paths = sorted(ROOT.glob("course/[0-9][0-9]*_*.ipynb"))
    if not paths:
        raise SystemExit("site/slides.py: no lecture in course/[0-9][0-9]*_*.ipynb")
    return paths


def reveal_tarball():
    """The pinned reveal.js tarball's bytes, from _site/vendor/ or the npm registry, checked."""
    cached = VENDOR / f"reveal.js-{REVEAL_VERSION}.tgz"
    if cached.is_file():
        data = cached.read_bytes()
    else:
        try:
            with urllib.request.urlopen(REVEAL_TARBALL, timeout=60) as response:
                data = response.read()
        except OSError as error:
            raise SystemExit(f"site/slides.py: cannot download reveal.js {REVEAL_VERSION} from {REVEAL_TARBALL}: "
                             f"{error}. Put the tarball at {cached} to build offline.")
    algorithm, _, expected = REVEAL_INTEGRITY.partition("-")
    found = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if found != expected:
        raise SystemExit(f"site/slides.py: {REVEAL_TARBALL} does not match its integrity {REVEAL_INTEGRITY} "
                         f"(got {algorithm}-{found}); delete {cached} and build again")
    VENDOR.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def copy_reveal(destination):
    """Unpack reveal.js's dist/, its notes plugin and licence into ``destination``."""
    with tarfile.open(fileobj=io.BytesIO(reveal_tarball()), mode="r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and name.startswith(REVEAL_PARTS):
                target = destination / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())


def mathjax_source():
    """MathJax 3's folder in the sphinx-mathjax-offline package (requirements-site.txt)."""
    for folder in map(Path, sys.path):
        candidate = folder / "sphinx-mathjax-offline" / "static" / "mathjax"
        if (candidate / "tex-chtml.js").is_file():
            return candidate
    raise SystemExit("site/slides.py: MathJax not found; install requirements-site.txt (make site-install)")


def copy_mathjax(destination):
    """The tex-chtml component with its fonts and TeX extensions (what a deck can load)."""
    source = mathjax_source()
    destination.mkdir(parents=True)
    shutil.copy(source / "tex-chtml.js", destination / "tex-chtml.js")
    for folder in ("output/chtml/fonts/woff-v2", "input/tex/extensions"):
        shutil.copytree(source / folder, destination / folder)


HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$", re.MULTILINE)


def heading_level(text):
    """The level of the heading that ``text`` opens with (1 for `#`), or None."""
    match = HEADING.match(text.lstrip("\n"))
    return len(match.group(1)) if match else None


def split_at_headings(text):
    """A markdown cell's text cut before each `#`, `##` or `###` heading that does not open it."""
    starts = [match.start() for match in HEADING.finditer(text) if match.start() > 0 and len(match.group(1)) <= 3]
    bounds = [0, *starts, len(text)]
    return [text[start:end].strip("\n") for start, end in zip(bounds, bounds[1:])]


def rule_type(level, section):
    """The slide type of a heading of ``level`` in ``section`` (its `##` section's title)."""
    if section == "Setup":
        return "skip"
    return "slide" if level <= 2 else "subslide"


def cell_parts(notebook):
    """``(index, number, part)`` for each part of each cell, in order: markdown cells cut before
    their inner headings (``split_at_headings``), parts after the first with ids of their own;
    code cells whole, without the nbval markers (`# NBVAL_IGNORE_OUTPUT`: for the tests, not
    the class). Each part is a copy; the notebook is left as it is."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            texts = split_at_headings(cell.source)
        else:
            texts = [NBVAL_MARKER.sub("", cell.source) if cell.cell_type == "code" else cell.source]
        for number, text in enumerate(texts):
            part = copy.deepcopy(cell)
            part.source = text
            if number:
                part.id = f"{cell.id}-{number}"
            yield index, number, part


def deck_cells(notebook):
    """The notebook as a deck shows it: cells cut at their inner headings, each with its slide type.

    A lecture's markdown cell can close one section and open the next (a paragraph, then `##
    Next`). In the deck the cell is cut before each such heading (``cell_parts``): the part
    before it becomes speaker notes of the slide above (the title cell's keeps its type; the
    last exercise before the References gets a subslide of its own, for the class to read),
    and each heading opens a slide (`#`, `##`) or a subslide (`###`), skipped in the Setup
    section. A cell that is not cut keeps the type stored in its metadata.
    """
    parts = list(cell_parts(notebook))
    counts = collections.Counter(index for index, _, _ in parts)
    cells, section = [], ""
    for index, number, part in parts:
        stored = part.metadata.get("slideshow", {}).get("slide_type", "-")
        level = heading_level(part.source) if part.cell_type == "markdown" else None
        if level == 2:
            section = HEADING.match(part.source.lstrip("\n")).group(2)
        if counts[index] == 1:
            kind = stored
        elif number == 0:
            if index == 0 or level is not None:
                kind = stored
            else:  # the end of the section above: notes, but an exercise stays on a slide
                kind = "subslide" if section == "Exercises" else "notes"
        else:
            kind = rule_type(level, section)
        part.metadata["slideshow"] = {"slide_type": kind}
        cells.append(part)
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(notebook.metadata))


def deck(path):
    """The reveal.js HTML of lecture ``path``, from its stored outputs and its slide mark-up."""
    return deck_of(deck_cells(nbformat.read(path, as_version=4)), path.stem)


def deck_of(notebook, name):
    """The reveal.js HTML of ``notebook``'s cells as they are (titled ``name``)."""
    from nbconvert import SlidesExporter  # here: the mark-up rules above need only nbformat
    exporter = SlidesExporter(extra_template_basedirs=[str(TEMPLATE.parent)], template_name=TEMPLATE.name,
                              reveal_url_prefix="reveal.js", reveal_theme="white", reveal_width=str(SLIDE_WIDTH),
                              reveal_height=str(SLIDE_HEIGHT), exclude_anchor_links=True)
    resources = {"deck": {"mathjax": "mathjax/tex-chtml.js", "css": "slides.css"},
                 "metadata": {"name": name}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return NOTEBOOK_LINK.sub(lambda match: f'href="../{match.group(1)}.html{match.group(2) or ""}"', body)


def build(out=OUT):
    """Write every lecture's deck, with what the decks load, into ``out`` (emptied first)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    copy_reveal(out / "reveal.js")
    copy_mathjax(out / "mathjax")
    shutil.copy(TEMPLATE / "slides.css", out / "slides.css")
    shutil.copy(ROOT / "site" / "favicon.svg", out / "favicon.svg")
    paths = lectures()
    for path in paths:
        (out / f"{path.stem}.html").write_text(deck(path), encoding="utf-8")
    print(f"slides: {len(paths)} decks (reveal.js {REVEAL_VERSION}) in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    build()

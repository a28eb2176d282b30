"""Build the course's website into _site/html from the notebooks' stored outputs (`make site`).

Nothing is executed: Jupyter Book 1 (Sphinx, MyST-NB, sphinx-book-theme) renders the outputs
that `make notebooks` stored in each course/*.ipynb. This script first lays out the book's
sources in _site/src/, all generated from the repository's files at build time:

- index.md: the landing page, made from README.md's title, introduction and course table,
  with a link to each notebook's page and its "Open in Colab" and download links;
- one page per course/*.ipynb (found by glob, in the order of their names), a copy with the
  Colab and download links under its title, and the code of its plotting cells folded (it
  opens on a click; the notebooks themselves keep every cell whole);
- one page per worked-answers notebook, course/answers/*_answers.ipynb, at answers/ on the
  site (so the links between a lecture and its answers work in both places), marked as
  answers under its title;
- errata.ipynb: the sections of the notebooks whose headings name the errata, errors or
  mistakes of the source posts, with their code and stored outputs;
- results.md: the result files in course/results/ as tables, GPU and CPU;
- readme.md: README.md itself; _toc.yml, _config.yml (from site/_config.yml).

After the build, the lectures' reveal.js decks (site/slides.py, `make slides`) go to
_site/html/slides/, linked from the landing page's table.

Then it runs `jupyter-book build` and moves the HTML to _site/html/. The Colab and download
addresses come from support/colab.py, loaded by path (it needs neither Keras nor the course's
virtual environment).
"""

import copy
import glob
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
OUT = ROOT / "_site"
SRC = OUT / "src"
HTML = OUT / "html"

# A heading belongs on the errata page when it names errata, or the errors/mistakes of the
# source posts (earlier called "the seed posts").
ERRATA_HEADING = re.compile(r"errat|\b(seeds?|source posts?)('s)?\b.*\b(wrong|errors?|mistakes?|bugs?)\b",
                            re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")


def load_colab():
    """support/colab.py as a module, loaded from its file (importing `support` would import Keras)."""
    spec = importlib.util.spec_from_file_location("course_colab", ROOT / "support" / "colab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab = load_colab()
sys.path.insert(0, str(SITE))
import slides  # noqa: E402  (site/slides.py: the lectures' decks)


def notebooks():
    """The course's notebooks, in course order (their numbered names)."""
    paths = sorted(Path(path) for path in glob.glob(str(ROOT / "course" / "*.ipynb")))
    if not paths:
        raise SystemExit("site/build.py: no notebook in course/*.ipynb")
    return paths


def answer_notebooks():
    """The worked-answers notebooks, course/answers/*_answers.ipynb, in course order."""
    return sorted(Path(path) for path in glob.glob(str(ROOT / "course" / "answers" / "*_answers.ipynb")))


ANSWERS_NOTE = ("```{note}\nWorked answers. Try the exercises in the lecture first: each exercise cell there "
                "says whether your answer is right without giving it away.\n```\n")


def title_of(notebook):
    """The first level-1 heading of a notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = HEADING.match(line)
                if match and len(match.group(1)) == 1:
                    return match.group(2)
    raise SystemExit(f"site/build.py: the notebook has no '# title' heading: {notebook.metadata}")


def links_line(name):
    """The "Open in Colab" and download links of notebook ``name``, as MyST badges."""
    return (f"{{bdg-link-primary}}`Open in Colab <{colab.colab_url(name)}>` "
            f"{{bdg-link-secondary}}`Download {name} <{colab.download_url(name)}>`")


FOLD_TAG = "hide-input"  # MyST-NB draws such a cell's code folded, its outputs shown


def is_plotting_cell(cell):
    """A code cell of more than two lines whose stored outputs hold a figure (a PNG)."""
    return (cell.cell_type == "code" and len(cell.source.strip().splitlines()) > 2
            and any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])))


def fold_plotting_cells(notebook):
    """Tag every plotting cell's input to be folded on the site; the notebooks stay whole.

    A reader of the site wants the figure; the code that draws it opens on a click.
    """
    for cell in notebook.cells:
        if is_plotting_cell(cell):
            tags = cell.metadata.setdefault("tags", [])
            if FOLD_TAG not in tags:
                tags.append(FOLD_TAG)


def notebook_page(path, answers=False):
    """A copy of the notebook with the Colab and download links under its title, plots folded.

    ``answers``: the notebook is in course/answers/; its page is marked as worked answers.
    """
    notebook = nbformat.read(path, as_version=4)
    fold_plotting_cells(notebook)
    name = f"answers/{path.name}" if answers else path.name
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            title, _, rest = cell.source.lstrip().partition("\n")
            note = f"\n{ANSWERS_NOTE}" if answers else ""
            cell.source = f"{title}\n\n{links_line(name)}\n{note}{rest}"
            return notebook
    raise SystemExit(f"site/build.py: {path.name}'s first markdown cell must start with '# title'")


def readme_parts():
    """README.md's title, the paragraphs before its course table, the table, and the paragraphs after it."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("| notebook |")), None)
    if start is None:
        raise SystemExit("site/build.py: README.md has no course table (a line '| notebook | ...')")
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    after_end = next((i for i in range(end, len(lines)) if lines[i].startswith("#")), len(lines))
    title = lines[0].lstrip("# ").strip()
    return title, "\n".join(lines[1:start]).strip(), lines[start:end], "\n".join(lines[end:after_end]).strip()


def slides_link(stem):
    """' · slides', linking a lecture's reveal.js deck (site/slides.py), or '' for a notebook without one."""
    if stem not in {path.stem for path in slides.lectures()}:
        return ""
    return f' · <a href="slides/{stem}.html">slides</a>'


def cells_of(row):
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def landing_page(paths, titles):
    """index.md: README's introduction and course table, each notebook linked, in course order."""
    title, intro, table, after = readme_parts()
    stems = {path.stem: path for path in paths}
    rows, listed = [], set()
    for row in table[2:]:
        cells = cells_of(row)
        match = re.fullmatch(r"`?course/([\w.-]+?)(\.ipynb|\.py)?`?", cells[0])
        stem = match.group(1) if match else None
        if stem in stems:
            listed.add(stem)
            name = stems[stem].name
            rows.append(f"| [{titles[stem]}]({name}) | {cells[1]} | "
                        f"[Colab]({colab.colab_url(name)}) · [download]({colab.download_url(name)}){slides_link(stem)} |")
        else:  # named in the README but not in course/ yet
            rows.append(f"| {cells[0]} (no notebook yet) | {cells[1]} | |")
    for stem, path in stems.items():  # a notebook that README's table does not list yet
        if stem not in listed:
            rows.append(f"| [{titles[stem]}]({path.name}) | (not in README's table yet) | "
                        f"[Colab]({colab.colab_url(path.name)}) · [download]({colab.download_url(path.name)}) |")
    return "\n".join([
        f"# {title}", "", intro, "",
        "## The course", "",
        "| notebook | what it teaches | run it |", "| --- | --- | --- |", *rows, "",
        after, "",
        "Each page shows a notebook with the outputs stored when it was last executed "
        "(`make notebooks`); this site runs nothing. Each lecture's *slides* are a reveal.js deck of "
        "the same cells and outputs, for the classroom (arrow keys move, S opens the speaker notes). Also here: [the errata of the source posts]"
        "(errata.ipynb), [the measured results](results.md) and [the README](readme.md), which says "
        "how to run the course on your machine.", "",
    ])


def split_markdown(source):
    """A markdown cell's text cut before each heading: [(level or None, heading, text), ...]."""
    parts, current = [], []
    for line in source.splitlines():
        if HEADING.match(line) and current:
            parts.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        parts.append("\n".join(current))
    result = []
    for part in parts:
        match = HEADING.match(part.splitlines()[0])
        result.append((len(match.group(1)), match.group(2), part) if match else (None, None, part))
    return result


def errata_sections(notebook):
    """[(heading, [cells])] of the sections whose heading matches ERRATA_HEADING, headings shifted to ###."""
    sections, level, cells = [], None, None
    for cell in notebook.cells:
        pieces = split_markdown(cell.source) if cell.cell_type == "markdown" else [(None, None, None)]
        for piece_level, heading, text in pieces:
            if level is not None and piece_level is not None and piece_level <= level:
                level = None  # the section ended at a heading of the same or a higher rank
            if level is None and piece_level is not None and ERRATA_HEADING.search(heading):
                level, cells = piece_level, []
                sections.append((heading, cells))
            if level is None:
                continue
            if cell.cell_type != "markdown":
                cells.append(copy.deepcopy(cell))
            else:
                if piece_level is not None:  # shift headings: the section's own becomes ###
                    first, _, rest = text.partition("\n")
                    text = "#" * (3 + piece_level - level) + " " + HEADING.match(first).group(2) + "\n" + rest
                cells.append(nbformat.v4.new_markdown_cell(text))
    return sections


def errata_page(paths, titles, pages):
    """errata.ipynb: every errata section of every notebook, with its code and stored outputs."""
    cells = [nbformat.v4.new_markdown_cell(
        "# Errata of the source posts\n\n"
        "The course started from five blog posts written for TensorFlow 1 (the *source* posts). Where "
        "a notebook reproduces one of their mistakes next to its fix, its section is collected "
        "here, with its code and the outputs stored in the notebook. The code cells are excerpts: "
        "in the notebook they run after the cells before them, which define some of their names.\n\n"
        "This page is generated when the site is built, from the notebooks' sections whose "
        "headings name errata, or the source posts' errors or mistakes.")]
    found = 0
    for path in paths:
        sections = errata_sections(pages[path.stem])
        if not sections:
            continue
        cells.append(nbformat.v4.new_markdown_cell(
            f"## From {titles[path.stem]}\n\n[Read the whole notebook]({path.name}) · {links_line(path.name)}"))
        for heading, section_cells in sections:
            found += 1
            cells.extend(section_cells)
    if not found:
        cells.append(nbformat.v4.new_markdown_cell("No notebook has an errata section yet."))
    errata = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(pages[paths[0].stem].metadata))
    errata.metadata.pop("jupytext", None)
    return errata, found


def is_gpu(record):
    """Whether a result file was measured on a GPU; the rule of support.results.is_gpu."""
    return "(GPU)" in record["provenance"]["device"]


def device_of(record):
    return record["provenance"]["device"].split(";")[0].replace(" (GPU)", "")


def results_page():
    """results.md: course/results/*.json as tables, GPU files first; says so when there is none."""
    records = []
    for path in sorted((ROOT / "course" / "results").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        schema = record.get("schema", "")
        if not schema.startswith(("cnn-course/bench/", "cnn-course/train/")) or "provenance" not in record:
            raise SystemExit(f"site/build.py: {path.name} is not a result file of the course (schema {schema!r})")
        records.append((path.name, record))
    gpu = [item for item in records if is_gpu(item[1])]
    lines = ["# Results", "",
             "The measurements that the notebooks read, from the files in `course/results/` "
             "(written by `python -m support.bench` and `python -m support.train`; the README says how). "
             "Each table shows one file; its provenance (device, backend, versions, date, command) is "
             "under it. This page is generated when the site is built.", ""]
    if gpu:
        lines += [f"{len(gpu)} of the {len(records)} files were measured on a GPU.", ""]
    else:
        lines += ["```{important}",
                  "No GPU figure has been measured yet: every file below was measured on a CPU "
                  f"({', '.join(sorted({device_of(record) for _, record in records})) or 'none'}).",
                  "```", ""]
    for label, group in (("GPU", gpu), ("CPU", [item for item in records if not is_gpu(item[1])])):
        if not group:
            continue
        lines += [f"## {label}", ""]
        for name, record in group:
            lines += results_table(name, record)
    return "\n".join(lines)


def results_table(name, record):
    """The markdown lines of one result file: its table, then its provenance."""
    provenance = record["provenance"]
    versions = ", ".join(f"{key} {value}" for key, value in provenance.get("versions", {}).items())
    lines = [f"### {name}", ""]
    if record["schema"].startswith("cnn-course/bench/"):
        # The columns of support.results.bench_table, which the notebooks print: every rate from
        # the median time (support.results.median_rates; older files stored mean-based rates).
        lines += ["| model | mode | precision | batch | ms/batch (median) | sd | images/s | TFLOP/s | % of matmul |",
                  "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for row in record["results"]:
            median_s = row["median_ms"] / 1e3
            tflops = row["flops_per_image"] * row["batch_size"] * (1 if row["mode"] == "forward" else 3) / median_s / 1e12
            share = tflops / record["matmul"][row["precision"]]["tflops_per_s"]
            lines.append(f"| {row['model']} | {row['mode']} | {row['precision']} | {row['batch_size']} | "
                         f"{row['median_ms']:.2f} | {row['std_ms']:.2f} | {row['batch_size'] / median_s:.1f} | "
                         f"{tflops:.3f} | {100 * share:.1f} |")
    else:
        lines += ["| model | parameters | epochs | batch | training s | test accuracy | test loss |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {record['model']} | {record['params']:,} | {record['epochs']} | "
                  f"{record['settings'].get('batch_size', '')} | {record['train_seconds']:.1f} | "
                  f"{100 * record['test_accuracy']:.2f}% | {record['test_loss']:.4f} |"]
    lines += ["", f"Measured on {provenance['device']}, backend {provenance['backend']}; {versions}; "
              f"{provenance['date']}. Command: `{' '.join(provenance['command'])}`", ""]
    return lines


def write_sources():
    """Lay out the book's sources in _site/src/; return the notebook paths."""
    shutil.rmtree(SRC, ignore_errors=True)
    (SRC / "_static").mkdir(parents=True)
    paths = notebooks()
    pages = {path.stem: notebook_page(path) for path in paths}
    titles = {stem: title_of(page) for stem, page in pages.items()}
    for path in paths:
        nbformat.write(pages[path.stem], SRC / path.name)
    answers = answer_notebooks()
    (SRC / "answers").mkdir()
    for path in answers:
        nbformat.write(notebook_page(path, answers=True), SRC / "answers" / path.name)
    (SRC / "index.md").write_text(landing_page(paths, titles), encoding="utf-8")
    errata, found = errata_page(paths, titles, pages)
    nbformat.write(errata, SRC / "errata.ipynb")
    (SRC / "results.md").write_text(results_page(), encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (SRC / "readme.md").write_text(re.sub(r"\A# .*", "# README", readme, count=1), encoding="utf-8")
    shutil.copy(SITE / "course.css", SRC / "_static" / "course.css")
    shutil.copy(SITE / "favicon.svg", SRC / "favicon.svg")
    toc = {"format": "jb-book", "root": "index",
           "parts": [{"caption": "Course", "numbered": False,
                      "chapters": [{"file": path.stem} for path in paths]},
                     *([{"caption": "Worked answers", "numbered": False,
                         "chapters": [{"file": f"answers/{path.stem}"} for path in answers]}] if answers else []),
                     {"caption": "About", "chapters": [{"file": "errata"}, {"file": "results"},
                                                       {"file": "readme"}]}]}
    (SRC / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    config = yaml.safe_load((SITE / "_config.yml").read_text(encoding="utf-8"))
    config["repository"]["url"] = colab.REPOSITORY_URL
    config["repository"]["branch"] = colab.BRANCH
    config["sphinx"]["local_extensions"]["dedupe_scripts"] = str(SITE / "_ext")
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    print(f"site: {len(paths)} notebook pages, {len(answers)} answers pages, {found} errata sections, sources in {SRC.relative_to(ROOT)}")
    return paths


def build():
    write_sources()
    shutil.rmtree(OUT / "_build", ignore_errors=True)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(SRC), "--path-output",
               str(OUT), "--builder", "html", "--warningiserror", "--keep-going", "--quiet"]
    # Jupyter Book's banner names _site/_build/html, which moves below: show it only on failure.
    # Its warnings (errors here, --warningiserror) go to stderr and show as they come.
    build = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if build.returncode:
        print(build.stdout)
        raise SystemExit(f"site/build.py: jupyter-book build failed (exit {build.returncode}); see above")
    shutil.rmtree(HTML, ignore_errors=True)
    shutil.move(OUT / "_build" / "html", HTML)
    shutil.rmtree(OUT / "_build", ignore_errors=True)
    (HTML / ".nojekyll").touch()  # GitHub Pages: serve _static/ and _images/ as they are
    slides.build(HTML / "slides")
    print(f"site: open {HTML.relative_to(ROOT)}/index.html")


if __name__ == "__main__":
    build()

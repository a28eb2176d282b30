"""Check that every number in a notebook's prose is printed by the notebook, or has its source.

The course's rule (issue 31, item 3): write the number where the sentence needs it, and make
sure the reader can check it. A number in the text of a notebook must either occur in that
notebook's stored outputs, or be quoted with its source beside it. This module finds the
numbers that do neither.

Usage:
    python tools/prose_numbers.py course/03_vgg.ipynb [more.ipynb ...]

prints one line per unsupported number, ``FILE cell N: "NUMBER" in: SENTENCE``, and exits
with status 1 if there is any (0 if there is none).

The rules, as implemented (they are the spec for whoever writes a notebook):

What is prose
    The markdown cells. Left out of them: fenced code blocks, inline code spans (`...`),
    LaTeX math ($...$ and $$...$$: formulas, not measurements), URLs and the targets of
    markdown links, HTML tags, and the paragraph that starts with ``**Run time.**`` (the run
    time of the whole notebook, measured outside it). A references section is left out: it
    starts at a heading whose text is "References", "Sources", "Bibliography" or "Further
    reading" and runs to the next heading of the same or a higher level (usually the end of
    the notebook). Numbers in headings (lines starting with #) are accepted.

What is a number
    Digits with optional thousands separators (a comma or a thin space before each group of
    three), an optional decimal part, an optional sign and an optional exponent (3.4e38),
    optionally followed by %, "points", × or x (a ratio), "thousand", "million" or
    "billion", or a glued multiplier or unit (24M, 370K, 93MB, 2.4ms).
    A number that is part of a name is not a number: one glued to letters, an underscore or
    a hyphen after a letter (VGG16, conv5_3, LeNet-5, ResNet-50, top-5, ILSVRC-2012,
    float32, bfloat16, H200, A100, Mixed_5b, Inception v3, 3rd), a version with two or more
    dots (3.15.1), and a number right after "version" or the name of a program or package
    (Python 3.11, TensorFlow 2.19, Keras 3; see PACKAGE_NAMES).

Numbers accepted without looking at the outputs
    * labels: a number, or a list or range of them ("Tables 1 and 2", "notebooks 02 to 06",
      "Sections 3.1–3.2"), right after one of LABEL_WORDS (Table, Figure, Fig., Section,
      Sec., Eq., equation, notebook, exercise, cell, step, item, part, chapter, page, p.,
      pp., issue, post, layer, stage, block, lane, ... singular or plural), after "#"
      (pull request #115), or after a package name (Keras 3.8 to 3.14);
    * years: whole numbers from 1900 to 2039 written without separators (citations and
      history; their source is in the reference list), and dates (2026-12-04);
    * small counts: whole numbers from 0 to 10 written without a decimal part, a sign, an
      exponent, % or ×: they are counts the reader sees in the text or the code ("2 seeds",
      "three" would do as well). 11 and above must be checked;
    * kernel and window sizes written NxN (or NxNxN) with every side from 1 to 11 (3x3,
      1x1, 11x11): names of operations. Larger sizes and shapes (224x224, 7x7x512) must
      occur in the outputs in some common form: "224x224", "224×224", "(224, 224)",
      "(None, 224, 224, 3)" (any run of consecutive entries of a printed tuple or list).

Numbers found in the outputs
    The outputs are the stored outputs of the code cells: stream text and the ``text/plain``
    of results and displays (not the code). A prose number matches when an output number
    agrees with it after normalising:
    * thousands separators are dropped on both sides ("61,706" matches "61706");
    * a prose number written with d decimals matches an output number that rounds to it at
      d decimals (99.7 matches 99.65 and 99.74, not 99.8); signs are ignored;
    * a whole number with three or more significant digits matches an output number that
      rounds to it (138 matches 138.36); one with fewer must be printed equal (12 matches
      12 or 12.0, not 11.6);
    * a percentage, or a number of (percentage) points, also matches an output fraction
      times 100 (97.5% matches 0.975; "20 points" matches 0.2);
    * a fraction of whole numbers, 18/25, matches an output of two or more significant
      digits that it rounds to, as a share or a percentage (0.72, 72%);
    * "138 million" (thousand, billion alike) also matches an output that rounds to
      138,000,000 at the millions; an exponent sets the rounding place the same way (3.4e38
      matches 3.4028235e+38).

Thresholds that an assert checks
    A number whose sentence (list item, parenthesis after) says "asserted" is accepted
    when the notebook's code holds it, written the same way or, for a percentage, as a
    fraction ("at least 90% right (asserted)" and ``assert accuracy >= 0.9``): the assert
    checks it on every run.

Numbers quoted with their source
    A number is accepted when its sentence, or the list item or table row it is in, or a
    parenthesis right after the sentence, names a source. What counts as a source:
    * an author-year citation: "Krizhevsky et al. 2012", "Simonyan and Zisserman 2015",
      "He et al., CVPR 2016", "(Szegedy, 2015)", "Simonyan and Zisserman (ICLR 2015)";
    * a table, section, figure, equation or appendix of a paper: "Table 2", "Section 4.1",
      "Fig. 3", "Eq. 1", "Appendix A";
    * a markdown link to an http(s) page, a bare http(s) URL, or a web address with a path
      (cs231n.github.io/convolutional-networks/);
    * the notes of a named course: "CS231n's notes";
    * the words "the paper", "the paper's", "the post", "the post's", "the source post(s)",
      "post 00N", "datasheet", "data sheet", "spec sheet", "specification";
    * a pull request of a named repository: "pull request #115", "PR #115";
    * a results file of the course: "course/results/..." or "results/....json".
    Put the source beside the number; a source elsewhere in the notebook does not count.
    Sentences end at . ? ! followed by a capital, outside parentheses and quotations, and at
    blank lines, list items and table rows; headings are no part of the sentence after them.
"""

import argparse
import dataclasses
import decimal
import json
import pathlib
import re
import sys

# ---------------------------------------------------------------------------------------
# Words and patterns of the rules
# ---------------------------------------------------------------------------------------

#: Words after which a number is a label (a table, a notebook, an exercise...), not a value.
LABEL_WORDS = (
    "table", "tables", "figure", "figures", "fig.", "figs.", "section", "sections", "sec.",
    "secs.", "§", "eq.", "eqs.", "equation", "equations", "notebook", "notebooks", "exercise",
    "exercises", "cell", "cells", "step", "steps", "item", "items", "part", "parts", "chapter",
    "chapters", "page", "pages", "p.", "pp.", "issue", "issues", "post", "posts", "layer",
    "layers", "stage", "stages", "block", "blocks", "lane", "lanes", "appendix", "question",
    "questions", "row", "rows", "column", "columns", "line", "lines", "version", "versions",
    "configuration", "option", "options", "case", "cases", "lesson", "lessons",
)

#: Programs and packages: a number right after one of them is its version, a name.
PACKAGE_NAMES = (
    "python", "tensorflow", "keras", "numpy", "jax", "jaxlib", "matplotlib", "cuda", "cudnn",
    "pytorch", "torch", "nbval", "jupytext", "jupyterlab", "nbclient", "ipykernel", "ubuntu",
    "debian", "colab", "chromium", "version", "v", "release", "ml_dtypes", "scipy", "pip",
)

#: Headings that start a references section.
REFERENCE_HEADINGS = ("references", "sources", "bibliography", "further reading")

INTEGER = r"(?:\d{1,3}(?:[,\u2009\u202f]\d{3})+|\d+)"
NUMBER_CORE = INTEGER + r"(?:\.\d+)?(?:[eE][-+]?\d+)?"
#: Words and glued letters that multiply a number: "138 million", "24M", "370K".
SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9,
               "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
#: Units that may be glued to a number without making it a name: "93MB", "2.4ms".
GLUED_UNIT = r"(?:[kKMGT](?:i?B)?|ms|\u00b5s|us|ns|px|B)(?![A-Za-z0-9_])"

#: A number in the prose: sign, digits, decimals, exponent, and an optional suffix.
PROSE_NUMBER = re.compile(
    r"(?:(?<![\w)\]])(?P<sign>[-+\u2212]))?(?P<core>" + NUMBER_CORE + r")"
    r"(?P<suffix>\s?%|\s(?:percentage\s+)?points?\b|\s?\u00d7|x(?![A-Za-z0-9])|\s(?:thousand|million|billion)\b|"
    + GLUED_UNIT + r")?"
)

#: A size or shape: 3x3, 224×224, 7x7x512, 25,088x4096.
SHAPE = re.compile(r"(?<![\w.,])" + INTEGER + r"(?:\s?[x\u00d7]\s?" + INTEGER + r")+(?!\w|\.\d)")
#: A fraction of two whole numbers: 18/25.
FRACTION = re.compile(r"(?<![\w./])\d+/\d+(?![\w/.]\w)")
#: A date, 2026-12-04: accepted like a year.
DATE = re.compile(r"\b(?:19|20)\d\d-\d\d(?:-\d\d)?\b")

#: A number in the outputs (signs are ignored; thousands separators allowed).
OUTPUT_NUMBER = re.compile(r"\d+(?:[,\u2009\u202f]\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")
PLAIN_OUTPUT_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: A tuple or list in the outputs: (None, 224, 224, 3), [1, 2, 3], 224x224.
OUTPUT_TUPLE = re.compile(r"\d+(?:\s*,\s*\d+)+|\d+(?:\s?[x\u00d7]\s?\d+)+")

NAME = r"[A-Z][A-Za-z\u00C0-\u017F'\u2019-]+"
VENUE = r"(?:[A-Z][A-Za-z]*\s+)?"
YEAR = r"(?:19|20)\d\d\b"
SOURCE_PATTERNS = [
    # Krizhevsky et al. 2012 / Simonyan and Zisserman, ICLR 2015 / He et al. (CVPR 2016)
    re.compile(NAME + r"\s+(?:et\s+al\.?|(?:and|&)\s+" + NAME + r")(?:['\u2019]s)?,?\s*\(?"
               + VENUE + YEAR),
    # (Szegedy, 2015) / (Szegedy 2015) / (LeCun et al. 1998)
    re.compile(r"\(" + NAME + r",?\s+" + VENUE + YEAR),
    # a table, section, figure, equation or appendix of a paper
    re.compile(r"\b(?:Tables?|Sections?|Figures?|Figs?\.|Secs?\.|Eqs?\.|Appendix|\u00a7)\s*"
               r"(?:\d|[A-Z]\b)"),
    re.compile(r"https?://"),
    re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|net|edu|ai|dev)/"),  # cs231n.github.io/...
    re.compile(r"\b[A-Z][\w]*['\u2019]s\s+(?:course\s+)?notes\b"),  # CS231n's notes
    re.compile(r"\bthe\s+(?:source\s+)?(?:paper|post)s?(?:['\u2019]s?)?\b", re.IGNORECASE),
    re.compile(r"\bposts?\s+0\d\d\b", re.IGNORECASE),
    re.compile(r"\b(?:datasheet|data\s+sheet|spec\s+sheet|specification)s?\b", re.IGNORECASE),
    re.compile(r"\b(?:pull\s+request|PR)\s+#\d+"),  # soumith/convnet-benchmarks pull request #115
    re.compile(r"(?:course/)?results/[\w./-]+"),
]

SENTENCE_TEXT_LIMIT = 160


@dataclasses.dataclass
class ProseNumber:
    """A number in a markdown cell that needs checking, with where it is."""

    cell: int          # index of the cell in the notebook
    written: str       # the number as written, suffix included ("61,706", "99.7%")
    sentence: str      # the sentence it is in (whitespace collapsed)
    scope: str         # the text searched for a source: sentence, list item, parenthesis after
    kind: str          # "number", "shape" or "fraction"


# ---------------------------------------------------------------------------------------
# Reading notebooks
# ---------------------------------------------------------------------------------------

def read_cells(notebook_path):
    """The cells of the notebook at ``notebook_path``, as dictionaries with string sources."""
    notebook = json.loads(pathlib.Path(notebook_path).read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        source = cell.get("source", "")
        cells.append({**cell, "source": "".join(source) if isinstance(source, list) else source})
    return cells


def output_text(notebook_path):
    """All text of the stored outputs: stream text, and ``text/plain`` of results and displays."""
    pieces = []
    for cell in read_cells(notebook_path):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                text = output.get("text", "")
            else:
                text = output.get("data", {}).get("text/plain", "")
            pieces.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(pieces)


# ---------------------------------------------------------------------------------------
# Finding the numbers of the prose
# ---------------------------------------------------------------------------------------

def blank(text, start, end):
    """``text`` with the characters from ``start`` to ``end`` replaced by spaces (newlines kept)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def blank_all(text, pattern, group=0):
    """``text`` with every match of ``pattern`` (or of its ``group``) replaced by spaces."""
    for match in reversed(list(re.finditer(pattern, text))):
        text = blank(text, match.start(group), match.end(group))
    return text


def masked_prose(source, in_references):
    """The checked text of one markdown cell, same length as ``source``, the rest blanked.

    Returns the text and whether the cell ends inside a references section.
    """
    text = source
    # References sections, from their heading to the next heading of the same or higher level.
    lines = text.split("\n")
    kept = []
    reference_level = in_references or 0
    for line in lines:
        heading = re.match(r"\s*(#+)\s+(.*)", line)
        if heading:
            level, title = len(heading.group(1)), heading.group(2).strip().lower()
            if title.rstrip(".:") in REFERENCE_HEADINGS:
                reference_level = level
            elif reference_level and level <= reference_level:
                reference_level = 0
            kept.append(" " * len(line))  # headings are accepted
        elif reference_level:
            kept.append(" " * len(line))
        else:
            kept.append(line)
    text = "\n".join(kept)
    # The run-time paragraph, fenced code, inline code, math, HTML, URLs and link targets.
    text = blank_all(text, r"(?ms)^\s*\*\*Run time\.\*\*.*?(?=\n\s*\n|\Z)")
    text = blank_all(text, r"(?ms)^\s*(```|~~~).*?^\s*\1")
    text = blank_all(text, r"`[^`]*`")
    text = blank_all(text, r"(?s)\$\$.*?\$\$")
    text = blank_all(text, r"(?<![\\\w])\$[^$\n]+?\$")
    text = blank_all(text, r"<[^<>\n]+>")
    text = blank_all(text, r"\]\(([^)\s]*)\)", group=1)
    text = blank_all(text, r"(?:https?://|www\.)\S+")
    text = blank_all(text, r"\b[\w.-]+\.(?:com|org|io|net|edu|ai|dev)(?:/\S*)?")
    text = blank_all(text, r"\b(?:arXiv|doi):\S+")
    return text, reference_level


def sentence_bounds(text):
    """The (start, end) of each sentence of ``text``: split at . ? ! outside parentheses and
    quotations when followed by a capital, a parenthesis or a line end, at blank lines, at list items
    and at the lines of tables."""
    bounds = []
    start = 0
    depth = 0
    quoted = False
    index = 0
    length = len(text)
    while index < length:
        character = text[index]
        if character in "(\u201c":
            depth += 1
        elif character in ")\u201d":
            depth = max(0, depth - 1)
        elif character == '"':  # a quotation is one sentence with the sentence around it
            quoted = not quoted
            depth = depth + 1 if quoted else max(0, depth - 1)
        boundary = None
        if character == "\n":
            rest = text[index + 1:]
            if (re.match(r"\s*\n", rest) or re.match(r"\s*(?:[*+-]|\d+\.)\s", rest)
                    or re.match(r"\s*\|", rest) or text[start:index].lstrip().startswith("|")):
                boundary = index + 1
                depth = 0
                quoted = False
        elif character in ".?!" and depth == 0:
            after = text[index + 1:index + 4]
            if re.match(r"\s+[A-Z(\"\u201c*]|\s*$|\s*\n", after or " "):
                before = text[max(start, index - 6):index]
                if not re.search(r"(?:\bet al|\be\.g|\bi\.e|\bFig|\bSec|\bEq|\bvs|\bp|\bpp|\bNo)$",
                                 before):
                    boundary = index + 1
        if boundary is not None:
            bounds.append((start, boundary))
            start = boundary
        index += 1
    bounds.append((start, length))
    return [(begin, end) for begin, end in bounds if text[begin:end].strip()]


def list_item_bounds(text, position):
    """The (start, end) of the list item or table row holding ``position``, or None."""
    line_start = text.rfind("\n", 0, position) + 1
    # walk up to the line that starts the item
    item_start = line_start
    while True:
        line = text[item_start:text.find("\n", item_start) if "\n" in text[item_start:] else len(text)]
        if re.match(r"\s*(?:[*+-]|\d+\.)\s", line) or re.match(r"\s*\|", line):
            break
        if item_start == 0 or not line.startswith((" ", "\t")) or not line.strip():
            return None
        item_start = text.rfind("\n", 0, item_start - 1) + 1
    item_end = text.find("\n", position)
    if re.match(r"\s*\|", text[item_start:]):
        return item_start, len(text) if item_end < 0 else item_end
    while item_end >= 0:
        following = text[item_end + 1:text.find("\n", item_end + 1) if text.find("\n", item_end + 1) >= 0
                         else len(text)]
        if not following.strip() or not following.startswith((" ", "\t")) or re.match(
                r"\s*(?:[*+-]|\d+\.)\s", following):
            break
        item_end = text.find("\n", item_end + 1)
    return item_start, len(text) if item_end < 0 else item_end


def without_headings(text):
    """``text`` without its heading lines (a heading is no part of the sentence after it)."""
    return re.sub(r"(?m)^[ \t]*#+[ \t].*(?:\n|$)", "", text)


def is_name(masked, start, end, number):
    """Whether the number at ``masked[start:end]`` is part of a name (VGG16, Python 3.11...)."""
    before = masked[:start]
    after = masked[end:]
    if re.search(r"[A-Za-z_\u00C0-\u017F]$", before) or re.search(r"[A-Za-z]-$", before):
        return True
    if re.match(r"[A-Za-z_\u00C0-\u017F]", after) and not re.match(
            r"(?:x|\u00d7)(?![A-Za-z])|" + GLUED_UNIT, after):
        return True
    if re.match(r"\.\d", after) or re.search(r"\d\.$", before):  # a version: 3.15.1
        return True
    previous_word = re.search(r"([\w.]+)\s+$", before)
    if previous_word and previous_word.group(1).lower().rstrip(".") in PACKAGE_NAMES:
        return True
    return False


def label_spans(masked):
    """The spans of the numbers that are labels: after a word of LABEL_WORDS, lists included."""
    every_word = LABEL_WORDS + PACKAGE_NAMES + ("#",)
    words = "|".join(re.escape(word) for word in sorted(every_word, key=len, reverse=True))
    number = r"\d+(?:\.\d+)*[a-z]?"
    joiner = r"(?:\s*(?:,|and|or|to|&|\u2013|\u2014|-)\s*|\s*,\s*and\s+)"
    pattern = re.compile(r"(?<![\w])(?:" + words + r")\s*(" + number + r"(?:" + joiner + number
                         + r")*)", re.IGNORECASE)
    return [match.span(1) for match in pattern.finditer(masked)]


def prose_numbers(notebook_path):
    """The numbers of the notebook's markdown cells that need checking.

    Returns a list of :class:`ProseNumber` (cell index, number as written, its sentence and
    the text searched for its source). Names, labels, years, small counts, small kernel
    sizes and everything that is not prose (see the module's docstring) are left out.
    """
    found = []
    in_references = 0
    for index, cell in enumerate(read_cells(notebook_path)):
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"]
        masked, in_references = masked_prose(source, in_references)
        sentences = sentence_bounds(masked)
        labels = label_spans(masked)

        def context(position):
            begin, end = next(((b, e) for b, e in sentences if b <= position < e), (0, len(source)))
            sentence = " ".join(without_headings(source[begin:end]).split())
            scope_begin, scope_end = begin, end
            item = list_item_bounds(source, position)
            if item:
                scope_begin, scope_end = min(begin, item[0]), max(end, item[1])
            following = source[scope_end:]
            parenthesis = re.match(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)", following)
            if parenthesis:
                scope_end += parenthesis.end()
            return sentence, without_headings(source[scope_begin:scope_end])

        masked = blank_all(masked, DATE)
        # Sizes and shapes first: 3x3, 224x224x3.
        for match in SHAPE.finditer(masked):
            sides = shape_sides(match.group())
            text = match.group()
            masked = blank(masked, match.start(), match.end())
            if all(1 <= side <= 11 for side in sides):
                continue
            sentence, scope = context(match.start())
            found.append(ProseNumber(index, text, sentence, scope, "shape"))
        # Fractions: 18/25, a share the outputs may print as 0.72 or 72%.
        for match in FRACTION.finditer(masked):
            masked = blank(masked, match.start(), match.end())
            sentence, scope = context(match.start())
            found.append(ProseNumber(index, match.group(), sentence, scope, "fraction"))
        for match in PROSE_NUMBER.finditer(masked):
            start, end = match.span()
            core = match.group("core")
            if is_name(masked, match.start("core"), match.end("core"), core):
                continue
            if any(begin <= match.start("core") < stop for begin, stop in labels):
                continue
            plain = not match.group("sign") and not match.group("suffix")
            whole = re.fullmatch(r"\d+", core)
            if whole and plain and 1900 <= int(core) <= 2039:
                continue  # a year
            if whole and plain and int(core) <= 10:
                continue  # a small count
            written = match.group().strip()
            sentence, scope = context(match.start())
            found.append(ProseNumber(index, written, sentence, scope, "number"))
    return found


# ---------------------------------------------------------------------------------------
# Matching against the outputs
# ---------------------------------------------------------------------------------------

def output_numbers(text):
    """The numbers of the output text, as Decimals (separators dropped, signs ignored)."""
    values = set()
    for pattern in (OUTPUT_NUMBER, PLAIN_OUTPUT_NUMBER):
        for match in pattern.finditer(text):
            digits = re.sub(r"[,\u2009\u202f]", "", match.group())
            try:
                values.add(decimal.Decimal(digits))
            except decimal.InvalidOperation:
                continue
    return sorted(values)


def output_tuples(text):
    """The runs of two or more consecutive entries of the tuples, lists and NxN of the outputs."""
    runs = set()
    for match in OUTPUT_TUPLE.finditer(text):
        entries = tuple(int(entry) for entry in re.findall(r"\d+", match.group()))
        for begin in range(len(entries)):
            for end in range(begin + 2, len(entries) + 1):
                runs.add(entries[begin:end])
    return runs


def number_parts(written):
    """The digits of a prose number (separators dropped) and its suffix: "61,706" -> ("61706", "")."""
    match = PROSE_NUMBER.fullmatch(written) or PROSE_NUMBER.match(written)
    return re.sub(r"[,\u2009\u202f]", "", match.group("core")), (match.group("suffix") or "").strip()


def suffix_scale(suffix):
    """The factor a suffix multiplies by: "million" and "M" 10**6, "MB" and "MiB" 10**6, "%" 1."""
    if suffix in SCALE_WORDS:
        return SCALE_WORDS[suffix]
    if re.fullmatch(r"[kKMGT]i?B", suffix):
        return SCALE_WORDS[suffix[0]]
    return 1


def number_value(digits, scale=1):
    """The value of a prose number and half the width of its rounding, both Decimals.

    ("99.7", 1) -> (99.7, 0.05); ("138", 10**6) -> (138000000, 500000); ("3.4e38", 1) ->
    (3.4e38, 5e36). A whole number with fewer than three significant digits and no scale
    gets width 0: it must be printed equal.
    """
    mantissa, _, exponent = digits.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    scale = decimal.Decimal(scale)
    value = decimal.Decimal(digits) * scale
    place = decimal.Decimal(10) ** (int(exponent or 0) - decimals) * scale
    significant = len(mantissa.replace(".", "").lstrip("0"))
    if decimals == 0 and not exponent and scale == 1 and significant < 3:
        return value, decimal.Decimal(0)
    return value, place / 2


def matches_output(written, values):
    """Whether the prose number ``written`` agrees with one of the output ``values``.

    Tried in turn: the number as written ("138" for "138 million", as printed in millions),
    the number times its scale (138,000,000), and for a percentage the fraction (0.975
    for 97.5%).
    """
    digits, suffix = number_parts(written)
    value, half_width = number_value(digits)
    candidates = [(value, half_width)]
    scale = suffix_scale(suffix)
    if scale != 1:
        candidates.append(number_value(digits, scale))
    if suffix == "%" or suffix.endswith(("point", "points")):
        candidates.append((value / 100, half_width / 100))
    tolerance = decimal.Decimal("1e-9")
    for target, width in candidates:
        for output in values:
            if abs(output - target) <= width + tolerance * width + decimal.Decimal("1e-15"):
                return True
    return False


def fraction_in_outputs(written, values):
    """Whether a fraction (18/25) is printed as a number of two or more significant digits
    that it rounds to, as a share or a percentage (0.72, 72%)."""
    numerator, denominator = (decimal.Decimal(part) for part in written.split("/"))
    if denominator == 0:
        return False
    share = numerator / denominator
    for output in values:
        digits = output.normalize().as_tuple()
        if len(digits.digits) < 2 and output != 0:
            continue
        half_width = decimal.Decimal(10) ** output.as_tuple().exponent / 2
        if abs(share - output) <= half_width or abs(100 * share - output) <= half_width:
            return True
    return False


def shape_sides(written):
    """The sides of a size or shape as integers: "25,088x4096" -> (25088, 4096)."""
    return tuple(int(re.sub(r"[,\u2009\u202f]", "", side)) for side in re.split(r"\s?[x\u00d7]\s?", written))


def shape_in_outputs(written, tuples):
    """Whether a size or shape (224x224x3) is in the outputs in any common form."""
    return shape_sides(written) in tuples


def has_source(scope):
    """Whether ``scope`` (a sentence, with its list item and parenthesis) names a source."""
    return any(pattern.search(scope) for pattern in SOURCE_PATTERNS)


def shorten(sentence, limit=SENTENCE_TEXT_LIMIT):
    """``sentence`` cut to ``limit`` characters."""
    return sentence if len(sentence) <= limit else sentence[:limit - 1] + "\u2026"


def code_text(notebook_path):
    """All source of the notebook's code cells (used only for asserted thresholds)."""
    return "\n".join(cell["source"] for cell in read_cells(notebook_path) if cell["cell_type"] == "code")


def says_asserted(scope):
    """Whether ``scope`` says that its numbers are checked by an assert ("asserted", "assert")."""
    return re.search(r"\bassert(?:s|ed|ion)?\b", scope, re.IGNORECASE) is not None


def unsupported_numbers(notebook_path):
    """The prose numbers neither found in the outputs nor accepted by a rule.

    Returns a list of (cell index, number as written, sentence cut to about 160 characters).
    """
    text = output_text(notebook_path)
    values = output_numbers(text)
    tuples = output_tuples(text)
    code_values = output_numbers(code_text(notebook_path))
    unsupported = []
    for number in prose_numbers(notebook_path):
        if number.kind == "shape":
            supported = shape_in_outputs(number.written, tuples)
        elif number.kind == "fraction":
            supported = fraction_in_outputs(number.written, values)
        else:
            supported = matches_output(number.written, values)
            if not supported and says_asserted(number.scope):
                supported = matches_output(number.written, code_values)
        if not supported and not has_source(number.scope):
            unsupported.append((number.cell, number.written, shorten(number.sentence)))
    return unsupported


def main(argv=None):
    """Print the unsupported numbers of the notebooks named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    arguments = parser.parse_args(argv)
    total = 0
    for path in arguments.notebooks:
        for cell, written, sentence in unsupported_numbers(path):
            print(f'{path} cell {cell}: "{written}" in: {sentence}')
            total += 1
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())

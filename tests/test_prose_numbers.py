"""The rule "numbers in the prose, checked" (issue 31, item 3): tools/prose_numbers.py.

Unit tests of its rules on small notebooks made here, then the rule itself on every notebook
of the course: each number in a notebook's prose is printed by that notebook, or carries its
source beside it.
"""

import pathlib
import sys

import nbformat
import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "tools"))

import prose_numbers  # noqa: E402  (tools/ is not a package)


def notebook(tmp_path, markdown, printed="", name="synthetic.ipynb"):
    """A notebook with one markdown cell and one code cell whose stored output is ``printed``."""
    book = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(...)", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    book.cells = [nbformat.v4.new_markdown_cell(markdown), code]
    path = tmp_path / name
    nbformat.write(book, path)
    return path


def unsupported(tmp_path, markdown, printed=""):
    """The numbers as written that the checker refuses in that notebook."""
    return [written for _, written, _ in prose_numbers.unsupported_numbers(notebook(tmp_path, markdown, printed))]


def test_a_printed_number_passes_and_a_typed_wrong_one_fails(tmp_path):
    assert unsupported(tmp_path, "The network has 61706 parameters.", "61706 parameters") == []
    assert unsupported(tmp_path, "The network has 61760 parameters.", "61706 parameters") == ["61760"]


def test_rounding_to_the_digits_written(tmp_path):
    assert unsupported(tmp_path, "It reaches 99.7% accuracy.", "accuracy 99.65%") == []
    assert unsupported(tmp_path, "It reaches 99.8% accuracy.", "accuracy 99.65%") == ["99.8%"]
    assert unsupported(tmp_path, "It reaches 99.7% accuracy.", "accuracy 0.9974") == []  # a fraction printed
    assert unsupported(tmp_path, "It has 138 million weights.", "138,357,544") == []
    assert unsupported(tmp_path, "It has 139 million weights.", "138,357,544") == ["139 million"]


def test_whole_numbers_under_three_digits_must_be_printed_equal(tmp_path):
    assert unsupported(tmp_path, "It takes 12 steps.", "12.0 steps") == []
    assert unsupported(tmp_path, "It takes 12 steps.", "11.6 steps") == ["12"]


def test_thousands_separators_are_dropped(tmp_path):
    assert unsupported(tmp_path, "The network has 61,706 parameters.", "61706") == []
    assert unsupported(tmp_path, "The network has 61706 parameters.", "61,706") == []


def test_a_quoted_number_needs_its_source_beside_it(tmp_path):
    text = "AlexNet's top-5 error was 15.3%"
    assert unsupported(tmp_path, text + " (Krizhevsky et al. 2012, Table 2).") == []
    assert unsupported(tmp_path, text + ".") == ["15.3%"]
    assert unsupported(tmp_path, text + ", as the paper reports.") == []
    assert unsupported(tmp_path, text + " ([the paper](https://example.org/alexnet.pdf)).") == []


def test_a_source_in_another_sentence_does_not_count(tmp_path):
    text = "Krizhevsky et al. 2012 trained AlexNet. Its top-5 error was 15.3%."
    assert unsupported(tmp_path, text) == ["15.3%"]


def test_the_references_section_is_skipped(tmp_path):
    text = "Printed: 42.\n\n## References\n* A. Author. A title. Journal 52(4), 65–76, 2009.\n"
    assert unsupported(tmp_path, text, "42") == []


def test_code_math_and_links_are_skipped(tmp_path):
    text = "Call `model.fit(x, epochs=37)`, with $\\sigma = 0.0123$; see [notes](https://host/p/4711)."
    assert unsupported(tmp_path, text) == []


def test_headings_names_labels_years_and_small_counts_are_accepted(tmp_path):
    text = ("## 8. Training to 93%\n"
            "VGG16, ResNet-50 and Inception v3 in float32 on an H200 with Python 3.11 and Keras 3.8 to "
            "3.14 (Tables 1 and 2, notebooks 02 to 06, Section 3.1) since 2012, with 3 seeds and 3x3 "
            "and 11x11 kernels.")
    assert unsupported(tmp_path, text) == []


def test_shapes_are_found_in_printed_tuples(tmp_path):
    assert unsupported(tmp_path, "pool5 is 7x7x512.", "(None, 7, 7, 512)") == []
    assert unsupported(tmp_path, "pool5 is 8x8x512.", "(None, 7, 7, 512)") == ["8x8x512"]


def test_an_asserted_threshold_is_found_in_the_code(tmp_path):
    path = notebook(tmp_path, "At least 90% right (asserted).", "test accuracy 91.23%")
    book = nbformat.read(path, as_version=4)
    book.cells[1].source = "assert accuracy >= 0.90"
    nbformat.write(book, path)
    assert prose_numbers.unsupported_numbers(path) == []
    book.cells[1].source = "assert accuracy >= 0.85"
    nbformat.write(book, path)
    assert [written for _, written, _ in prose_numbers.unsupported_numbers(path)] == ["90%"]


def test_the_command_line_prints_and_fails(tmp_path, capsys):
    path = notebook(tmp_path, "It has 61760 parameters.", "61706")
    assert prose_numbers.main([str(path)]) == 1
    assert '"61760" in: It has 61760 parameters.' in capsys.readouterr().out
    assert prose_numbers.main([str(notebook(tmp_path, "It has 61706.", "61706", "good.ipynb"))]) == 0


NOTEBOOKS = sorted(path.relative_to(REPOSITORY) for path in (REPOSITORY / "course").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(path) for path in NOTEBOOKS])
def test_every_number_of_the_prose_is_printed_or_sourced(path):
    found = prose_numbers.unsupported_numbers(REPOSITORY / path)
    listing = "\n".join(f'  cell {cell}: "{written}" in: {sentence}' for cell, written, sentence in found)
    assert not found, (
        f"{path}: numbers in the prose that no output prints and no source backs:\n{listing}\n"
        "Fix each in the .py's markdown: write the digits the notebook prints, print the number in a "
        "code cell, or put its source beside it (author and year, the paper's table or section, a "
        "link); see the rules in tools/prose_numbers.py."
    )

"""The lesson format (README, "The lesson format"), checked on every notebook that course/ holds.

Lectures and answers notebooks are found by glob (tools/lesson_format.py), so none can be
forgotten. The sizes are measured by tools/lesson_format.py, the numbers in the prose by
tools/prose_numbers.py (tests/test_prose_numbers.py), the run times are CI's measurements in
course/run_times.json.
"""

import json
import pathlib
import re
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import lesson_format  # noqa: E402
import prose_numbers  # noqa: E402

# The lectures still over the caps, each with the issue that brings it into the format. The
# list only shrinks: a listed lecture that fits fails test_a_lecture_fits_or_is_listed.
OVER_THE_CAPS = {}  # every lecture fits since the notebook issues 32 to 36
LECTURES = lesson_format.lectures()
ANSWERS = lesson_format.answer_notebooks()
RUN_TIMES = json.loads((REPO / "course" / "run_times.json").read_text(encoding="utf-8"))
CPU_RANGE = re.compile(r"(\d+) to (\d+) s\b")


def ids(paths):
    return [path.stem for path in paths]


def cells(path):
    return lesson_format.cells_of(path)


def first_markdown(path):
    return next(cell["source"] for cell in cells(path) if cell["cell_type"] == "markdown")


def run_time_paragraph(path):
    """The "**Run time.**" paragraph at the top of a notebook, in one line."""
    for paragraph in re.split(r"\n\s*\n", first_markdown(path)):
        if paragraph.lstrip().startswith("**Run time.**"):
            return " ".join(paragraph.split())
    raise AssertionError(f"{path.name} has no '**Run time.**' paragraph in its first cell")


def measured_seconds(path):
    """CI's measurements of a notebook's run time, every run of both lanes."""
    name = path.relative_to(REPO / "course").as_posix()
    entry = RUN_TIMES["seconds"].get(name)
    assert entry is not None and entry["nbval"] and entry["colab"], (
        f"course/run_times.json has no run time for {name} in both lanes: run CI (bash .ci/run), which "
        f"prints each notebook's time in both lanes, and record them there")
    return [*entry["nbval"], *entry["colab"]]


def test_the_course_has_lectures_and_answers():
    assert sorted({path.stem[:2] for path in LECTURES}) == ["01", "02", "03", "04", "05", "06", "07"], LECTURES
    assert ANSWERS, "course/answers/ holds no worked answers"


def test_the_list_of_oversized_lectures_names_lectures():
    unknown = set(OVER_THE_CAPS) - {path.stem for path in LECTURES}
    assert not unknown, f"OVER_THE_CAPS names notebooks that course/ does not hold: {unknown}"


@pytest.mark.parametrize("lecture", LECTURES, ids=ids(LECTURES))
def test_a_lecture_fits_or_is_listed(lecture):
    problems = lesson_format.over_the_caps(lecture)
    slowest = max(measured_seconds(lecture))
    if slowest > lesson_format.MAX_CPU_SECONDS:
        problems.append(f"{slowest:.0f} s on CI's CPU (at most {lesson_format.MAX_CPU_SECONDS} s)")
    if lecture.stem in OVER_THE_CAPS:
        assert problems, (f"{lecture.name} fits a lecture now: remove it from OVER_THE_CAPS "
                          f"({OVER_THE_CAPS[lecture.stem]}), so that it stays in the format")
    else:
        assert not problems, f"{lecture.name} does not fit a lecture: {'; '.join(problems)}"


@pytest.mark.parametrize("lecture", LECTURES, ids=ids(LECTURES))
def test_a_lecture_opens_with_goals_prerequisites_and_run_time(lecture):
    opening = first_markdown(lecture)
    assert opening.lstrip().startswith("# "), f"{lecture.name} does not open with its title"
    assert "You will learn" in opening or "**Learning goals.**" in opening, (
        f"{lecture.name}'s first cell states no learning goals ('You will learn' or '**Learning goals.**')")
    for words in ("**Prerequisites.**", "**Run time.**"):
        assert words in opening, f"{lecture.name}'s first cell has no {words!r}"
    paragraph = run_time_paragraph(lecture)
    assert "GPU" in paragraph, f"{lecture.name}'s run time says nothing of a GPU: {paragraph}"


@pytest.mark.parametrize("lecture", LECTURES, ids=ids(LECTURES))
def test_a_lecture_ends_with_summary_exercises_and_references(lecture):
    headings = [line.lstrip("#").strip() for cell in cells(lecture) if cell["cell_type"] == "markdown"
                for line in cell["source"].splitlines() if re.match(r"#{1,3} ", line)]
    ends = [heading for heading in headings if heading in ("Summary", "Exercises", "References")]
    assert ends == ["Summary", "Exercises", "References"], (lecture.name, ends)
    assert headings[-1] == "References", f"{lecture.name} has sections after its references: {headings[-3:]}"


# ---- Answers apart ----------------------------------------------------------------------------

def lecture_of(answers_path):
    return REPO / "course" / answers_path.name.replace("_answers.ipynb", ".ipynb")


def checked_exercises(path):
    """The exercise keys ("01.1", ...) that a notebook's code checks with check_exercise."""
    code = "\n".join(cell["source"] for cell in cells(path) if cell["cell_type"] == "code")
    return re.findall(r"exercises\.check_exercise\(\s*\"([\w.]+)\"", code)


@pytest.mark.parametrize("lecture", [path for path in LECTURES if path.stem not in OVER_THE_CAPS],
                         ids=ids([path for path in LECTURES if path.stem not in OVER_THE_CAPS]))
def test_a_lecture_in_the_format_keeps_its_answers_apart(lecture):
    headings = " ".join(cell["source"] for cell in cells(lecture) if cell["cell_type"] == "markdown")
    assert not re.search(r"^#+ .*[Ww]orked answer", headings, re.MULTILINE), (
        f"{lecture.name} holds worked answers: move them to course/answers/")
    code_cells = [cell["source"] for cell in cells(lecture) if cell["cell_type"] == "code"]
    for source in code_cells:
        assert "exercises.check(" not in source, (
            f"{lecture.name} computes an exercise's expected value in its own code: use "
            f"exercises.check_exercise('NN.k', answer) with a key in support/answer_keys.py\n{source}")
        if "check_exercise(" in source:
            assert re.search(r"^answer = None\b", source, re.MULTILINE), f"{lecture.name}: {source}"
    answers = REPO / "course" / "answers" / lecture.name.replace(".ipynb", "_answers.ipynb")
    prose = " ".join(cell["source"] for cell in cells(lecture) if cell["cell_type"] == "markdown")
    assert answers.is_file(), f"{lecture.name} has no worked answers at {answers.relative_to(REPO)}"
    assert f"(answers/{answers.name})" in prose, f"{lecture.name}'s exercises do not link {answers.name}"


def test_every_answer_key_is_checked_in_a_lecture_and_worked_in_its_answers():
    from support import answer_keys

    for key in answer_keys.KEYS:
        lecture = next((path for path in LECTURES if path.stem.startswith(key.split(".")[0] + "_")), None)
        assert lecture is not None and key in checked_exercises(lecture), f"no lecture checks exercise {key}"
        answers = REPO / "course" / "answers" / lecture.name.replace(".ipynb", "_answers.ipynb")
        assert key in checked_exercises(answers), f"{answers.name} does not work out exercise {key}"


@pytest.mark.parametrize("answers", ANSWERS, ids=ids(ANSWERS))
def test_an_answers_notebook_links_its_lecture_and_each_answer_is_correct(answers):
    lecture = lecture_of(answers)
    assert lecture.is_file(), f"{answers.name} answers no lecture: {lecture.name} is missing"
    assert f"(../{lecture.name})" in first_markdown(answers), f"{answers.name} does not link {lecture.name}"
    assert first_markdown(answers).lstrip().startswith("# Answers"), f"{answers.name}'s title must say Answers"
    for cell in cells(answers):
        if "check_exercise(" in cell["source"]:
            printed = "".join("".join(output.get("text", "")) for output in cell.get("outputs", []))
            assert "Correct." in printed, f"{answers.name}: a worked answer is not correct:\n{cell['source']}"


# ---- Run times --------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", LECTURES + ANSWERS, ids=ids(LECTURES + ANSWERS))
def test_the_stated_cpu_run_time_is_the_range_ci_measured(notebook):
    """"N to M s": N at most CI's faster lane, M at least its slower one and within 25% of it."""
    paragraph = run_time_paragraph(notebook)
    match = CPU_RANGE.search(paragraph)
    assert match, f"{notebook.name}'s run time gives no measured range 'N to M s': {paragraph}"
    low, high = int(match.group(1)), int(match.group(2))
    measured = measured_seconds(notebook)
    assert low <= min(measured) and max(measured) <= high <= 1.25 * max(measured) + 5, (
        f"{notebook.name} states {low} to {high} s; CI measured {measured} s (course/run_times.json)")


@pytest.mark.parametrize("notebook", LECTURES + ANSWERS, ids=ids(LECTURES + ANSWERS))
def test_no_stored_output_contradicts_the_stated_run_time(notebook):
    high = int(CPU_RANGE.search(run_time_paragraph(notebook)).group(2))
    printed = [float(seconds) for seconds in re.findall(r"\bin (\d+(?:\.\d+)?) s\b", prose_numbers.output_text(notebook))]
    assert all(seconds <= high for seconds in printed), (
        f"{notebook.name} states at most {high} s, and a stored output took {max(printed):.0f} s")


# ---- GPU settings sized for a Colab T4 --------------------------------------------------------

ESTIMATE = re.compile(r"Estimate for a Colab T4 \(not a measurement\):.*?about ([\d.]+) (s|min) at .*?"
                      r"; ([\d.]+) GB of memory", re.DOTALL)


def has_gpu_settings(path):
    return any("hardware.choose_settings(" in cell["source"] for cell in cells(path) if cell["cell_type"] == "code")


SIZED = [path for path in LECTURES + ANSWERS if has_gpu_settings(path)]


def test_every_lecture_has_gpu_settings():
    assert set(LECTURES) <= set(SIZED), [path.name for path in LECTURES if path not in SIZED]


@pytest.mark.parametrize("notebook", SIZED, ids=ids(SIZED))
def test_a_notebook_prints_the_colab_estimate_of_its_gpu_settings_within_the_limits(notebook):
    """The settings cell prints support.sizing's estimate; at most 10 minutes and 12 GB on a T4."""
    match = ESTIMATE.search(prose_numbers.output_text(notebook))
    assert match, (f"{notebook.name} prints no Colab T4 estimate: after its settings, call "
                   f"sizing.print_colab_estimate(sizing.lesson_workloads(..., settings.gpu))")
    minutes = float(match.group(1)) / (60 if match.group(2) == "s" else 1)
    assert minutes <= 10 and float(match.group(3)) <= 12, (notebook.name, match.group(0))

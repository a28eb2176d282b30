"""Record CI's run times of the notebooks, and state them in every notebook's Run time paragraph.

Usage:
    python tools/record_run_times.py CI_LOG --note "2026-12-04, bash .ci/run from a fresh clone of abc1234"
        [--fresh 05_mnist_vgg.ipynb ...] [--dry-run]

CI_LOG is what ``bash .ci/run`` printed. Two kinds of lines are read:
* lane 1 (``make test``), under "notebooks under nbval: seconds each":
  ``course/answers/01_lenet_history_answers.ipynb: 23 s``;
* lane 2 (``make test-colab``, tools/check_notebooks.py): ``01_lenet_history.ipynb: ok in 77 s``
  (answers notebooks are named by file only). A run of a notebook alone in an empty folder,
  ``... (alone): ok in 60 s``, is its lane-2 time when the lane did not also run it in place
  (the lane runs 01 and every part 2 only alone); otherwise it is left out, as before.

Each measurement is appended to ``course/run_times.json`` (every run is kept), and each notebook's
``**Run time.**`` paragraph (in its .py, then synced to the .ipynb with jupytext, outputs kept)
gets the range "LOW to HIGH s": LOW the fastest and HIGH the slowest of all its recorded runs,
which is what tests/test_lessons.py checks. A notebook whose content changed so much that its
earlier runs no longer describe it (a lesson split in two) is named with ``--fresh``: its earlier
runs are dropped before this log's are added.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
COURSE = REPO / "course"
RUN_TIMES = COURSE / "run_times.json"
NBVAL_LINE = re.compile(r"^course/(\S+\.ipynb): (\d+) s$")
COLAB_LINE = re.compile(r"^(\S+\.ipynb)( \(alone\))?: ok in (\d+) s$")
RANGE = re.compile(r"(\*\*Run time\.\*\*.*?)(\d+) to (\d+) s\b", re.DOTALL)


def parse_log(text):
    """``{"nbval": {name: seconds}, "colab": {name: seconds}}``, names relative to course/."""
    found, alone = {"nbval": {}, "colab": {}}, {}
    in_nbval = False
    for line in text.splitlines():
        line = line.strip()
        if "notebooks under nbval: seconds each" in line:
            in_nbval = True
            continue
        match = NBVAL_LINE.match(line)
        if in_nbval and match:
            found["nbval"][match.group(1)] = int(match.group(2))
            continue
        in_nbval = in_nbval and not line.startswith("=")
        match = COLAB_LINE.match(line)
        if match:
            name = match.group(1)
            name = f"answers/{name}" if name.endswith("_answers.ipynb") else name
            (alone if match.group(2) else found["colab"])[name] = int(match.group(3))
    for name, seconds in alone.items():
        found["colab"].setdefault(name, seconds)
    return found


def record(found, note, run_times, fresh=()):
    """Append ``found`` to ``run_times`` (the parsed run_times.json), with ``note`` in "measured";
    the notebooks named in ``fresh`` lose their earlier runs first."""
    seconds = run_times["seconds"]
    unknown = [name for name in fresh if name not in found["nbval"] and name not in found["colab"]]
    if unknown:
        raise ValueError(f"--fresh {' '.join(unknown)}: the log has no run of it, so it would be left unmeasured.")
    for name in fresh:
        seconds[name] = {"nbval": [], "colab": []}
    for lane, entries in found.items():
        for name, value in entries.items():
            seconds.setdefault(name, {"nbval": [], "colab": []})[lane].append(value)
    run_times["measured"].append(note)
    return run_times


def stated_range(entry):
    values = [*entry["nbval"], *entry["colab"]]
    return min(values), max(values)


def restate(source, low, high):
    """``source`` (a notebook's .py) with its Run time paragraph's first range set to LOW to HIGH."""
    new, count = RANGE.subn(lambda match: f"{match.group(1)}{low} to {high} s", source, count=1)
    if not count:
        raise ValueError("no '**Run time.** ... N to M s' paragraph to update")
    return new


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/record_run_times.py", description=__doc__.split("\n")[0])
    parser.add_argument("log", type=pathlib.Path, help="what bash .ci/run printed")
    parser.add_argument("--note", required=True, help="when and from what commit CI ran, for run_times.json")
    parser.add_argument("--fresh", nargs="*", default=[], metavar="NOTEBOOK",
                        help="notebooks (relative to course/) whose earlier runs no longer describe them")
    parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    arguments = parser.parse_args(argv)
    if not arguments.log.is_file():
        parser.error(f"no such file: {arguments.log}")
    found = parse_log(arguments.log.read_text(encoding="utf-8", errors="replace"))
    if not found["nbval"] and not found["colab"]:
        parser.error(f"{arguments.log} holds no notebook times (neither lane's lines)")
    try:
        run_times = record(found, arguments.note, json.loads(RUN_TIMES.read_text(encoding="utf-8")), arguments.fresh)
    except ValueError as error:
        parser.error(str(error))
    for name, entry in sorted(run_times["seconds"].items()):
        if not (entry["nbval"] and entry["colab"]):
            print(f"{name}: not measured in both lanes yet ({entry})")
            continue
        low, high = stated_range(entry)
        source_path = (COURSE / name).with_suffix(".py")
        print(f"{name}: {low} to {high} s")
        if not arguments.dry_run and source_path.is_file():
            source_path.write_text(restate(source_path.read_text(encoding="utf-8"), low, high), encoding="utf-8")
            subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--sync", str(source_path)], check=True)
    if not arguments.dry_run:
        RUN_TIMES.write_text(json.dumps(run_times, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""tools/record_run_times.py reads both of CI's lanes and restates the Run time range."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))

import record_run_times  # noqa: E402

LOG = """\
--------------------- notebooks under nbval: seconds each ----------------------
course/01_lenet_history.ipynb: 65 s
course/answers/01_lenet_history_answers.ipynb: 23 s
================= 721 passed, 1 skipped in 1032.34s (0:17:12) ==================
tests/test_bench.py ......
01_lenet_history.ipynb: ok in 77 s
01_lenet_history_answers.ipynb: ok in 20 s
01_lenet_history.ipynb (alone): ok in 60 s
02_alexnet.ipynb: FAILED in 12 s
02b_alexnet_training.ipynb (alone): ok in 118 s
03b_vgg_training.ipynb (alone): FAILED in 9 s
"""


def test_both_lanes_are_read_and_the_failed_runs_left_out():
    """A run alone counts only for a notebook that lane 2 did not also run in place."""
    assert record_run_times.parse_log(LOG) == {
        "nbval": {"01_lenet_history.ipynb": 65, "answers/01_lenet_history_answers.ipynb": 23},
        "colab": {"01_lenet_history.ipynb": 77, "answers/01_lenet_history_answers.ipynb": 20,
                  "02b_alexnet_training.ipynb": 118}}


def test_runs_are_appended_and_the_range_covers_them_all():
    run_times = {"measured": ["first"], "seconds": {"01_lenet_history.ipynb": {"nbval": [96], "colab": [70]}}}
    run_times = record_run_times.record(record_run_times.parse_log(LOG), "second", run_times)
    entry = run_times["seconds"]["01_lenet_history.ipynb"]
    assert entry == {"nbval": [96, 65], "colab": [70, 77]} and run_times["measured"] == ["first", "second"]
    assert record_run_times.stated_range(entry) == (65, 96)


def test_the_first_range_after_run_time_is_restated():
    source = "# **Run time.** 10 to 20 s on a CPU; the estimate says 3 to 4 s.\n# Later: 5 to 6 s.\n"
    assert record_run_times.restate(source, 65, 96) == (
        "# **Run time.** 65 to 96 s on a CPU; the estimate says 3 to 4 s.\n# Later: 5 to 6 s.\n")
    with pytest.raises(ValueError, match="Run time"):
        record_run_times.restate("# no such paragraph 1 to 2 s\n", 1, 2)


def test_fresh_drops_the_earlier_runs_of_a_changed_notebook():
    run_times = {"measured": [], "seconds": {"01_lenet_history.ipynb": {"nbval": [300], "colab": [310]}}}
    run_times = record_run_times.record(record_run_times.parse_log(LOG), "split", run_times,
                                        fresh=["01_lenet_history.ipynb"])
    assert run_times["seconds"]["01_lenet_history.ipynb"] == {"nbval": [65], "colab": [77]}
    with pytest.raises(ValueError, match="no run of it"):
        record_run_times.record(record_run_times.parse_log(LOG), "x", run_times, fresh=["09_none.ipynb"])

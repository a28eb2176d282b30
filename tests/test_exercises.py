"""Tests of support.exercises: the checker never reveals the expected value."""

import pytest

from support import exercises


def test_unanswered_is_neither_right_nor_wrong(capsys):
    assert exercises.check(None, 73_856) is None
    assert "Not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer, expected, right", [
    (73_856, 73_856, True), (73_855, 73_856, False), (73856.0, 73_856, True),
    (0.1234, 0.12345, True), (0.13, 0.12345, False), ("7x7", "7x7", True), ("5x5", "7x7", False),
])
def test_right_and_wrong_answers(answer, expected, right, capsys):
    assert exercises.check(answer, expected) is right
    printed = capsys.readouterr().out
    assert ("Correct." in printed) is right
    if not right:
        assert repr(expected) not in printed and str(expected) not in printed.replace(repr(answer), "")

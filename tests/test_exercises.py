"""Tests of support.exercises: the checker never reveals the expected value."""

import pytest

from support import answer_keys, exercises


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


@pytest.mark.parametrize("exercise", sorted(answer_keys.KEYS))
def test_a_checked_exercise_says_right_or_wrong_and_never_the_value(exercise, capsys):
    expected = answer_keys.expected(exercise)
    assert exercises.check_exercise(exercise, None) is None
    assert exercises.check_exercise(exercise, expected) is True
    assert exercises.check_exercise(exercise, expected + 1) is False
    printed = capsys.readouterr().out
    assert str(expected) not in printed.replace(str(expected + 1), ""), printed


def test_the_keys_agree_with_the_formulas_of_notebook_01():
    """Independent routes: (k^2 c_in + 1) c_out, and the field recurrence r += (k - 1) j."""
    assert answer_keys.expected("01.1") == (3 * 3 * 64 + 1) * 96
    field, jump = 1, 1
    for kernel, stride in ((3, 1), (3, 1), (3, 1), (2, 2)):
        field, jump = field + (kernel - 1) * jump, jump * stride
    assert answer_keys.expected("01.2") == field


def test_an_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="exercise='01.9'"):
        exercises.check_exercise("01.9", 3)

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
    expected, tolerance = answer_keys.expected(exercise), answer_keys.tolerance(exercise)
    wrong = expected + 1 if tolerance is None else round(expected * (1 + 3 * tolerance))
    assert exercises.check_exercise(exercise, None) is None
    assert exercises.check_exercise(exercise, expected) is True
    assert exercises.check_exercise(exercise, wrong) is False
    printed = capsys.readouterr().out
    assert str(expected) not in printed.replace(str(wrong), ""), printed


def test_the_keys_agree_with_the_formulas_of_notebook_01():
    """Independent routes: (k^2 c_in + 1) c_out, and the field recurrence r += (k - 1) j."""
    assert answer_keys.expected("01.1") == (3 * 3 * 64 + 1) * 96
    field, jump = 1, 1
    for kernel, stride in ((3, 1), (3, 1), (3, 1), (2, 2)):
        field, jump = field + (kernel - 1) * jump, jump * stride
    assert answer_keys.expected("01.2") == field


def test_the_keys_agree_with_the_formulas_of_notebooks_03_and_03b():
    """(k^2 c_in + 1) c_out for a 1x1 convolution; the recurrence over E's 2, 2, 4, 4, 4
    convolutions and five 2x2/2 poolings; 2 n_in n_out for a dense layer on an 8x8x512 pool5."""
    assert answer_keys.expected("03.1") == (1 * 1 * 512 + 1) * 512
    field, jump = 1, 1
    for convolutions in (2, 2, 4, 4, 4):
        field += convolutions * 2 * jump  # each 3x3 convolution, stride 1
        field, jump = field + jump, 2 * jump  # the 2x2 pooling, stride 2
    assert answer_keys.expected("03.2") == field == 268
    assert (256 // 2**5) ** 2 * 512 == 8 * 8 * 512
    assert answer_keys.expected("03b.1") == 2 * (8 * 8 * 512) * 4096


def test_a_key_with_a_tolerance_accepts_a_rounded_answer_integers_included(capsys):
    expected, tolerance = answer_keys.expected("03b.1"), answer_keys.tolerance("03b.1")
    assert tolerance == 5e-3 and answer_keys.tolerance("03.1") is None
    rounded = float(f"{expected:.3g}")  # three significant figures
    assert exercises.check_exercise("03b.1", rounded) is True
    assert exercises.check_exercise("03b.1", int(rounded)) is True
    assert exercises.check_exercise("03b.1", round(expected * (1 - 2 * tolerance))) is False
    assert exercises.check_exercise("03.1", answer_keys.expected("03.1") + 1) is False  # exact without one
    capsys.readouterr()


def test_an_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="exercise='01.9'"):
        exercises.check_exercise("01.9", 3)

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


def test_the_keys_agree_with_the_formulas_of_notebooks_02_and_02b():
    """AlexNet at 259x259: 63, 31, 15, 7 through conv1 and the three 3x3/2 poolings, so fc6
    reads 7x7x256; conv4's 2 H W C_out k^2 C_in halved by two groups; 9 offsets squared, x2."""
    side = (259 - 11) // 4 + 1
    for _ in range(3):
        side = (side - 3) // 2 + 1
    assert answer_keys.expected("02.1") == (side * side * 256 + 1) * 4096 == (7 * 7 * 256 + 1) * 4096
    assert answer_keys.expected("02.2") == 2 * 13 * 13 * 384 * 9 * 384 // 2
    assert answer_keys.expected("02b.1") == (36 - 28 + 1) ** 2 * 2


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


def test_the_keys_agree_with_the_formulas_of_notebooks_04_and_04b():
    """Table 1's widths summed, 528 channels through the pooling; k^2 c_in c_out for 4e's 5x5
    branch; Mixed_6a's field 159 at jump 16 plus (7 - 1) 16; (1 - eps) + eps / K."""
    assert answer_keys.expected("04.1") == 256 + 320 + 128 + 528
    assert answer_keys.expected("04.2") == 25 * 528 * 128 - (528 * 32 + 25 * 32 * 128)
    assert answer_keys.expected("04b.1") == 159 + (7 - 1) * 16
    assert abs(answer_keys.expected("04b.2") - (1 - 0.2 + 0.2 / 10)) < 1e-6


def test_a_key_with_a_tolerance_accepts_a_rounded_answer_integers_included(capsys):
    expected, tolerance = answer_keys.expected("03b.1"), answer_keys.tolerance("03b.1")
    assert tolerance == 5e-3 and answer_keys.tolerance("03.1") is None
    rounded = float(f"{expected:.3g}")  # three significant figures
    assert exercises.check_exercise("03b.1", rounded) is True
    assert exercises.check_exercise("03b.1", int(rounded)) is True
    assert exercises.check_exercise("03b.1", round(expected * (1 - 2 * tolerance))) is False
    assert exercises.check_exercise("03.1", answer_keys.expected("03.1") + 1) is False  # exact without one
    capsys.readouterr()


def test_the_keys_agree_with_the_formulas_of_notebooks_05_and_05b():
    """floor(n/2) from 32 until 0; the field recurrence over two 3x3 convolutions, a 2x2/2
    pooling and two more; 9 c_in c_out without bias; a dense head n_in * 10 + 10; the small
    base's kernels and batch-norm scales and shifts (16-16-32-32-64-64 channels)."""
    side, count = 32, 0
    while side // 2:
        side, count = side // 2, count + 1
    assert answer_keys.expected("05.1") == count == 5
    field, jump = 1, 1
    for kernel, stride in ((3, 1), (3, 1), (2, 2), (3, 1), (3, 1)):
        field, jump = field + (kernel - 1) * jump, jump * stride
    assert answer_keys.expected("05.2") == field
    assert answer_keys.expected("05.3") == 9 * 16 * 32
    assert answer_keys.expected("05b.1") == 256 * 10 + 10
    widths = [16, 16, 32, 32, 64, 64]
    assert answer_keys.expected("05b.2") == sum(9 * a * b for a, b in zip([1, *widths], widths)) + 2 * sum(widths)


def test_the_keys_agree_with_the_formulas_of_notebooks_06_and_06b():
    """3 x 32 x 2 x the multiply-adds of VGG E (2, 2, 4, 4, 4 3x3 convolutions, SAME, three
    dense layers); the sample deviation of 10, 11, 12; fc1's FLOPs over its weight, bias,
    input and output bytes at batch 64."""
    side, channels, macs = 224, 3, 0
    for width, convolutions in ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4)):
        for _ in range(convolutions):
            macs, channels = macs + side * side * 9 * channels * width, width
        side //= 2
    macs += 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000
    assert abs(answer_keys.expected("06.1") - 3 * 32 * 2 * macs / 1e9) < 1e-6
    assert answer_keys.expected("06.2") == 1.0  # squared differences 1, 0, 1 over n - 1 = 2
    moved = 4 * (25088 * 4096 + 4096) + 4 * 64 * (25088 + 4096)
    assert abs(answer_keys.expected("06b.1") - 2 * 64 * 25088 * 4096 / moved) < 1e-9


def test_an_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="exercise='01.9'"):
        exercises.check_exercise("01.9", 3)

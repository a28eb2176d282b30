"""Check a student's answer to an exercise without giving it away.

In a notebook an exercise cell reads ``answer = None`` until the student fills it in, then
calls :func:`check_exercise` with the exercise's name: the expected value is computed in
``support.answer_keys`` (never typed in), so neither the lecture's code nor its variables show
it. The check says "not answered yet", "correct" or "not yet", and nothing else: hints live
apart, in the notebook's text, and worked answers in ``course/answers/``. :func:`check` compares
with a value given directly (the answers notebooks, and lectures not yet in the lesson format).
Introduced in notebook 01.
"""

import math
import numbers


def check(answer, expected, relative_tolerance=1e-3):
    """Print whether ``answer`` equals ``expected``; return True, False, or None if unanswered.

    Args:
        answer: the student's value; ``None`` means not answered yet.
        expected: the value the notebook computed.
        relative_tolerance: for real numbers, the relative difference still counted as equal
            (answers worked out by hand are often rounded); integers must match exactly.

    Returns:
        None when ``answer`` is None, else whether it is right.
    """
    if answer is None:
        print("Not answered yet: replace `answer = None` with your answer and run the cell again.")
        return None
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        right = answer == expected
    elif isinstance(expected, numbers.Integral) and isinstance(answer, numbers.Integral):
        right = int(answer) == int(expected)
    else:
        right = math.isclose(float(answer), float(expected), rel_tol=relative_tolerance)
    print("Correct." if right else f"Not yet: {answer!r} is not the answer. Check your working and try again.")
    return bool(right)


def check_exercise(exercise, answer):
    """Print whether ``answer`` is the answer of ``exercise`` (e.g. ``"01.1"``); as :func:`check`.

    The expected value comes from :func:`support.answer_keys.expected`; it is neither printed
    nor returned. An exercise with a tolerance (:func:`support.answer_keys.tolerance`, e.g.
    "three significant figures") accepts any number within it, whole numbers included.

    Raises:
        ValueError: no checked exercise has that name.
    """
    from support import answer_keys

    expected, tolerance = answer_keys.expected(exercise), answer_keys.tolerance(exercise)
    if tolerance is None:
        return check(answer, expected)
    return check(answer, float(expected), relative_tolerance=tolerance)

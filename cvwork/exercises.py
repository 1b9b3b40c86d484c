"""Answer checks for the exercises at the end of each lesson.

A solution cell ends with ``check("08.1", answer, ...)``; the student edition
keeps that line and asks the learner to fill in ``answer``.  The expected
value is computed here from the same data the notebook uses, so a check stays
right when the notebook is run on another file.
"""
from __future__ import annotations

import math
from typing import Any, Callable

_EXPECTED: dict[str, Callable[..., Any]] = {}


def expected(exercise: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that computes an exercise's right answer."""
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _EXPECTED[exercise] = func
        return func
    return register


def _same(answer: Any, truth: Any, tol: float) -> bool:
    if isinstance(truth, (set, frozenset)):
        return set(answer) == truth
    if isinstance(truth, float) or isinstance(answer, float):
        try:
            return math.isclose(float(answer), float(truth), rel_tol=tol, abs_tol=tol)
        except (TypeError, ValueError):
            return False
    return answer == truth


def is_correct(exercise: str, answer: Any, tol: float = 1e-6, **context: Any) -> bool | None:
    """True/False for an answer, None when no answer was given yet."""
    if exercise not in _EXPECTED:
        _load_lessons()
    if exercise not in _EXPECTED:
        raise KeyError(f"没有练习 '{exercise}' (no exercise '{exercise}')")
    if answer is None:
        return None
    return _same(answer, _EXPECTED[exercise](**context), tol)


def check(exercise: str, answer: Any, tol: float = 1e-6, **context: Any) -> None:
    """Print whether ``answer`` is right for ``exercise`` (context = the lesson's data)."""
    verdict = is_correct(exercise, answer, tol, **context)
    if verdict is None:
        print(f"✏️ 练习 {exercise}: 请先写出你的答案 (write your answer first)")
    elif verdict:
        print(f"✅ 练习 {exercise}: 正确！(correct)")
    else:
        print(f"❌ 练习 {exercise}: 还不对，再想想 (not yet, try again); 你的答案 (your answer): {answer!r}")


def _load_lessons() -> None:
    from cvwork import lesson_answers  # noqa: F401  (registers the checks)

"""Answer checks for the exercises at the end of each lesson, with feedback that teaches.

A solution cell ends with ``check("08.1", answer, ...)``; the student edition
keeps that line and asks the learner to fill in ``answer``.  The expected
value is computed here from the same data the notebook uses, so a check stays
right when the notebook is run on another file.

A check never raises on an answer: a wrong type, a wrong value or a value in
the wrong form (29.6 where 0.296 was asked) each get one line saying what kind
of mistake it is.  Numbers are compared at the precision the learner wrote
them (at least three significant digits), or at the precision the notebook
displays (``decimals=``), or within a stated tolerance (``tol=``).

>>> @expected("xx.1", decimals=1, percent=True, unit="%")
... def _share(**_):
...     return 29.5956
>>> feedback("xx.1", 29.6).ok, feedback("xx.1", 0.296).ok, feedback("xx.1", 31).ok
(True, True, False)
>>> print(feedback("xx.1", 31).message)
还不对：偏大了。（本题要一个数，单位：%，写成百分数，例如 29.6 表示 29.6%）
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable

#: verdict marks; they are the only place the marks are spelled
MARK_OK, MARK_WRONG, MARK_TODO = "✓", "×", "○"      # glyphs of the bundled Noto Sans SC (no emoji font needed)


@dataclass(frozen=True)
class Spec:
    """What an exercise asks for.

    ``decimals``: decimals the notebook displays (answers within half a unit of
    the last displayed digit are right); ``tol``: an absolute tolerance instead;
    ``unit``: the unit named in feedback (元, 天, 分, %); ``percent``: True when
    the expected value is in percent (29.6), False when it is a fraction
    (0.296), None when it is not a share — for True/False the other form is
    accepted too, and the learner is told which one was asked; ``kind``:
    "int", "number", "text", "set" (guessed from the value when None).
    """

    decimals: int | None = None
    tol: float | None = None
    unit: str | None = None
    percent: bool | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Verdict:
    """``ok`` is True/False (None: no answer yet); ``message`` is one line of feedback."""

    ok: bool | None
    message: str


_EXPECTED: dict[str, Callable[..., Any]] = {}
_SPECS: dict[str, Spec] = {}


def expected(exercise: str, **spec: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that computes an exercise's right answer (and its :class:`Spec`)."""
    meta = Spec(**spec)

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _EXPECTED[exercise] = func
        _SPECS[exercise] = meta
        return func
    return register


def feedback(exercise: str, answer: Any, tol: float | None = None, **context: Any) -> Verdict:
    """Judge ``answer`` and say why; never raises because of the answer."""
    if exercise not in _EXPECTED:
        _load_lessons()
    if exercise not in _EXPECTED:
        raise KeyError(f"没有练习 '{exercise}' (no exercise '{exercise}')")
    if answer is None or answer is Ellipsis:
        return Verdict(None, "请先写出你的答案 (write your answer first)")
    spec = _SPECS.get(exercise, Spec())
    if tol is not None and tol > 1e-6:
        spec = Spec(spec.decimals, tol, spec.unit, spec.percent, spec.kind)
    truth = _EXPECTED[exercise](**context)
    try:
        return _judge(answer, truth, spec)
    except Exception as exc:   # an answer object that misbehaves still gets feedback, never a traceback
        kind = spec.kind or _kind_of(truth)
        return Verdict(False, f"类型不对：无法读出你给的{_describe(answer)}（{type(exc).__name__}）。{_wants(kind, spec)}")


def is_correct(exercise: str, answer: Any, tol: float | None = None, **context: Any) -> bool | None:
    """True/False for an answer, None when no answer was given yet."""
    return feedback(exercise, answer, tol, **context).ok


def check(exercise: str, answer: Any, tol: float | None = None, **context: Any) -> None:
    """Print whether ``answer`` is right for ``exercise`` (context = the lesson's data), and why."""
    verdict = feedback(exercise, answer, tol, **context)
    if verdict.ok is None:
        print(f"{MARK_TODO} 练习 {exercise}: {verdict.message}")
    elif verdict.ok:
        note = f" {verdict.message}" if verdict.message else ""
        print(f"{MARK_OK} 练习 {exercise}: 正确！(correct){note}")
    else:
        print(f"{MARK_WRONG} 练习 {exercise}: {verdict.message} 你的答案 (your answer): {_short(answer)}")


# --- judging -----------------------------------------------------------------

def _judge(answer: Any, truth: Any, spec: Spec) -> Verdict:
    kind = spec.kind or _kind_of(truth)
    if kind == "set":
        return _judge_set(answer, truth)
    answer, note = _unwrap(answer) if kind != "other" else (answer, "")
    if isinstance(answer, _Bad):
        return Verdict(False, f"类型不对：{answer.why}{_wants(kind, spec)}")
    if kind in ("int", "number"):
        value = _number(answer)
        if value is None:
            fix = "去掉引号，写成数字。" if _parses(answer) else ""
            return Verdict(False, f"类型不对：你给的是{_describe(answer)}。{fix}{_wants(kind, spec)}")
        verdict = _judge_number(value, float(truth), kind, spec)
    elif kind == "text":
        if not isinstance(answer, str):
            return Verdict(False, f"类型不对：你给的是{_describe(answer)}。{_wants(kind, spec)}")
        ok = answer.strip().casefold() == str(truth).strip().casefold()
        verdict = Verdict(ok, "" if ok else f"还不对。{_wants(kind, spec)}")
    else:
        ok = _safe_equal(answer, truth)
        verdict = Verdict(ok, "" if ok else f"还不对：本题要{_describe(truth)}，你给的是{_describe(answer)}。")
    if note and verdict.ok is not None:
        return Verdict(verdict.ok, f"{verdict.message}{note}".strip())
    return verdict


def _judge_number(value: float, truth: float, kind: str, spec: Spec) -> Verdict:
    if kind == "int":
        if value != int(value):
            return Verdict(False, f"还不对：本题要一个整数，你给的是小数 {value:g}。")
        if value == truth:
            return Verdict(True, "")
        return Verdict(False, f"还不对：{_direction(value, truth, kind)}{_wants(kind, spec)}")
    if _close(value, truth, spec):
        return Verdict(True, "")
    if spec.percent is not None:
        other = truth / 100 if spec.percent else truth * 100
        if _close(value, other, spec):
            asked = "百分数（如 29.6 表示 29.6%）" if spec.percent else "小数（如 0.296 表示 29.6%）"
            return Verdict(True, f"（本题要{asked}；你写的另一种形式也算对）")
    if _within_precision(value, truth, spec):
        return Verdict(False, "还不对：四舍五入得太粗了，请至少保留 3 位有效数字"
                       + (f"（或像笔记本里一样保留 {spec.decimals} 位小数）" if spec.decimals else "") + "。")
    return Verdict(False, f"还不对：{_direction(value, truth, kind)}{_wants(kind, spec)}")


def _direction(value: float, truth: float, kind: str) -> str:
    if truth != 0 and value != 0 and math.isclose(value, -truth, rel_tol=1e-3):
        return "符号反了（正负号）。"
    if truth != 0 and value != 0:
        power = math.log10(abs(value / truth))
        if abs(power - round(power)) < 0.01 and round(power) != 0:
            times = 10 ** abs(round(power))
            hint = "百分数和小数弄混了？" if times == 100 else "单位（元、千元、万元）对吗？"
            return f"差了 {times:,} 倍：{hint}"
    side = "偏大了" if value > truth else "偏小了"
    if truth != 0 and abs(value - truth) <= 0.01 * abs(truth):
        why = "筛选条件的边界（> 还是 >=）" if kind == "int" else "中间步骤的取整"
        return f"{side}，但已很接近（差不到 1%）：检查{why}。"
    return f"{side}。"


def _close(value: float, truth: float, spec: Spec) -> bool:
    if math.isclose(value, truth, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if spec.tol is not None:
        return abs(value - truth) <= spec.tol * (1 + 1e-9)
    shown = spec.decimals is not None and abs(value - truth) <= 0.5 * 10 ** -spec.decimals * (1 + 1e-9)
    precise = _significant(value) >= 3 or (spec.decimals is not None and _decimals(value) >= spec.decimals)
    return precise and (shown or _within_precision(value, truth, spec))


def _within_precision(value: float, truth: float, spec: Spec) -> bool:
    """Does ``value`` equal ``truth`` rounded to the decimals ``value`` was written with?"""
    return abs(value - truth) <= 0.5 * 10 ** -_decimals(value) * (1 + 1e-9) + 1e-12


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text:
        mantissa, exp = text.split("e")
        return max(0, len(mantissa.partition(".")[2].rstrip("0")) - int(exp))
    return len(text.partition(".")[2].rstrip("0"))


def _significant(value: float) -> int:
    text = repr(abs(float(value)))
    if "e" in text:
        text = text.split("e")[0]
    digits = text.replace(".", "").lstrip("0")
    if text.endswith(".0"):   # an integer: trailing zeros are not significant
        digits = text[:-2].lstrip("0").rstrip("0")
    return len(digits)


def _judge_set(answer: Any, truth: Any) -> Verdict:
    truth = set(truth)
    items = _items(answer)
    if isinstance(items, _Bad):
        return Verdict(False, f"类型不对：{items.why}本题要一组值（集合 set，例如 {{'甲公司', '乙公司'}}）。")
    missing, extra = truth - items, items - truth
    if not missing and not extra:
        return Verdict(True, "")
    parts = ([f"少了 {len(missing)} 个"] if missing else []) + \
        ([f"多了 {len(extra)} 个不该有的（例如 {_short(sorted(extra, key=str)[0])}）"] if extra else [])
    return Verdict(False, f"还不对：一共应有 {len(truth)} 个，你的集合{'，'.join(parts)}。")


# --- describing answers ------------------------------------------------------

@dataclass(frozen=True)
class _Bad:
    why: str


def _kind_of(truth: Any) -> str:
    if isinstance(truth, (set, frozenset)):
        return "set"
    if isinstance(truth, str):
        return "text"
    if isinstance(truth, numbers.Integral) and not _is_bool(truth):
        return "int"
    if isinstance(truth, numbers.Real) and not _is_bool(truth):
        return "number"
    return "other"


def _is_bool(value: Any) -> bool:
    return type(value).__name__ in ("bool", "bool_")


def _number(value: Any) -> float | None:
    if isinstance(value, numbers.Real) and not _is_bool(value):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _parses(value: Any) -> bool:
    try:
        float(str(value).replace(",", "").rstrip("%"))
        return isinstance(value, str)
    except ValueError:
        return False


def _unwrap(answer: Any) -> tuple[Any, str]:
    """A one-value Series/array/list becomes its value; a column of True/False is explained."""
    if isinstance(answer, (str, bytes, dict, set, frozenset)) or not hasattr(answer, "__len__"):
        return answer, ""
    if getattr(getattr(answer, "dtype", None), "kind", "") == "b":
        return _Bad(f"你给的是一列真/假值（{len(answer)} 个）：用 .sum() 数出 True 的个数，"
                    "或用它筛选出想要的行（df.loc[条件, '列名']）。"), ""
    try:
        values = list(answer.values.ravel()) if hasattr(answer, "values") else list(answer)
    except TypeError:
        return answer, ""
    if len(values) == 1:
        return values[0], f"（提示：你的答案是只含一个值的{_describe(answer)}，已取出这个值；可以用 .iloc[0] 或 .item() 取值。）"
    return _Bad(f"你给的是{_describe(answer)}，本题只要其中一个值。"), ""


def _items(answer: Any) -> set[Any] | _Bad:
    if isinstance(answer, (set, frozenset)):
        return set(answer)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return _Bad(f"你给的是{_describe(answer)}。")
    if getattr(getattr(answer, "dtype", None), "kind", "") == "b":
        return _Bad("你给的是一列真/假值：先用它筛选出行，再取出名称（df.loc[条件, '列名']）。")
    if hasattr(answer, "columns"):
        return _Bad("你给的是一整张表（DataFrame）：取出其中一列，例如 set(df['customer'])。")
    try:
        return set(answer)
    except TypeError:
        return _Bad(f"你给的是{_describe(answer)}，里面的值不能放进集合。")


def _wants(kind: str, spec: Spec) -> str:
    unit = f"，单位：{spec.unit}" if spec.unit else ""
    form = {True: "，写成百分数，例如 29.6 表示 29.6%", False: "，写成小数，例如 0.296 表示 29.6%"}.get(spec.percent, "")
    what = {"int": "一个整数（个数）", "number": "一个数", "text": "一个名称（文本，两边加引号，例如 '华东'）",
            "set": "一组值（集合 set）"}.get(kind, "一个值")
    return f"（本题要{what}{unit}{form}）"


def _describe(value: Any) -> str:
    name = type(value).__name__
    if _is_bool(value):
        return f"真/假值 {value}"
    if isinstance(value, str):
        return f"文本 {_short(value)}"
    if isinstance(value, numbers.Integral):
        return f"整数 {value}"
    if isinstance(value, numbers.Real):
        return f"数 {value:g}"
    if hasattr(value, "columns"):
        return f"一张表（DataFrame，{len(value)} 行）"
    if name in ("Series", "Index", "ndarray"):
        return f"一列数据（{name}，{len(value)} 个值）"
    return {"set": "集合（set）", "frozenset": "集合（set）", "list": "列表（list）", "tuple": "元组（tuple）",
            "dict": "字典（dict）"}.get(name, f"{name} 类型的值")


def _short(value: Any, width: int = 60) -> str:
    text = repr(sorted(value, key=str)) if isinstance(value, (set, frozenset)) else repr(value)
    text = " ".join(text.split())   # one line, whatever the answer
    return text if len(text) <= width else text[: width - 1] + "…"


def _safe_equal(answer: Any, truth: Any) -> bool:
    try:
        return bool(answer == truth)
    except (TypeError, ValueError):
        return False


def _load_lessons() -> None:
    from cvwork import lesson_answers  # noqa: F401  (registers the checks)

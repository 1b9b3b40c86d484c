"""The exercise checker: displayed roundings accepted, mistakes named, never an exception."""
import numpy as np
import pandas as pd
import pytest

from cvwork import exercises
from cvwork.exercises import MARK_OK, MARK_TODO, MARK_WRONG, expected, feedback


@expected("t.clv", decimals=2, unit="元")
def _clv(**_):
    return 189.75206611570246          # lesson 03.1 prints 189.75


@expected("t.value")
def _value(**_):
    return 2666.666666666666           # lesson 03.2 prints 2666.67 (no spec: the answer's own precision)


@expected("t.share", decimals=3, percent=False)
def _share_fraction(**_):
    return 0.2959558823529412          # printed as 29.6%; the exercise asks for a fraction


@expected("t.share_pct", decimals=1, percent=True, unit="%")
def _share_percent(**_):
    return 29.59558823529412           # the exercise asks for percentage points


@expected("t.repeat")
def _repeat(**_):
    return 0.9613970588235294          # printed 96.1%; no form stated


@expected("t.nps")
def _nps(**_):
    return -0.2


@expected("t.count")
def _count(**_):
    return np.int64(1088)


@expected("t.set")
def _customers(**_):
    return {"甲公司", "乙公司", "丙公司", "丁公司"}


@expected("t.name")
def _name(**_):
    return "华东"


@expected("t.ctx")
def _from_context(sales, **_):
    return int(sales["customer"].nunique())


def verdict(exercise, answer, **ctx):
    return feedback(exercise, answer, **ctx)


@pytest.mark.parametrize("exercise, answer", [
    ("t.clv", 189.75), ("t.clv", 189.8), ("t.clv", 189.752), ("t.clv", np.float64(189.75)),
    ("t.value", 2666.67), ("t.value", 2666.7), ("t.value", 2667), ("t.value", 2666.666666666666),
    ("t.share", 0.296), ("t.share", 0.2960), ("t.share", 0.29596),
    ("t.share_pct", 29.6), ("t.share_pct", 29.596),
    ("t.repeat", 0.961), ("t.repeat", 0.96140), ("t.nps", -0.2), ("t.nps", -0.20),
    ("t.count", 1088), ("t.count", 1088.0), ("t.count", np.int64(1088)),
    ("t.name", "华东"), ("t.name", " 华东 "),
])
def test_each_displayed_rounding_is_accepted(exercise, answer):
    assert verdict(exercise, answer).ok is True


@pytest.mark.parametrize("exercise, answer, hint", [
    ("t.clv", 200.0, "偏大了"), ("t.clv", 150, "偏小了"), ("t.value", 2000.0, "偏小了"),
    ("t.count", 1100, "偏大了"), ("t.count", 1087, "偏小了"), ("t.repeat", 0.9, "偏小了"),
])
def test_wrong_value_refused_with_direction(exercise, answer, hint):
    result = verdict(exercise, answer)
    assert result.ok is False and hint in result.message


def test_near_miss_on_a_count_points_to_the_boundary():
    assert "边界" in verdict("t.count", 1087).message


def test_rounding_too_coarse_is_named_not_accepted():
    for exercise, answer in (("t.clv", 190), ("t.share", 0.3), ("t.repeat", 1.0)):
        result = verdict(exercise, answer)
        assert result.ok is False and "四舍五入" in result.message, (exercise, answer, result)
    assert "2 位小数" in verdict("t.clv", 190).message     # the displayed precision is named


def test_sign_and_factor_mistakes_are_named():
    assert "符号" in verdict("t.nps", 0.2).message
    assert "100 倍" in verdict("t.repeat", 96.1).message and verdict("t.repeat", 96.1).ok is False
    assert "10,000 倍" in verdict("t.clv", 0.018975).message


def test_percent_and_fraction_accepted_when_the_form_is_stated_and_the_learner_is_told():
    other = verdict("t.share", 29.6)                # asks for a fraction, learner wrote a percentage
    assert other.ok is True and "小数" in other.message
    other = verdict("t.share_pct", 0.296)           # asks for a percentage, learner wrote a fraction
    assert other.ok is True and "百分数" in other.message
    assert verdict("t.share", 0.296).message == ""  # the asked form: no note
    assert verdict("t.share_pct", 30.5).ok is False and "百分数" in verdict("t.share_pct", 30.5).message


@pytest.mark.parametrize("exercise, answer, hint", [
    ("t.set", 1, "集合"), ("t.set", "甲公司", "集合"), ("t.set", pd.Series([True, False]), "真/假"),
    ("t.set", pd.DataFrame({"customer": ["甲公司"]}), "DataFrame"),
    ("t.count", pd.Series([True, False, True]), ".sum()"), ("t.count", True, "整数"),
    ("t.count", "1088", "去掉引号"), ("t.count", 1088.5, "整数"), ("t.clv", "189.75", "去掉引号"),
    ("t.clv", [1.0, 2.0], "一个值"), ("t.clv", float("nan"), "一个数"), ("t.clv", {"a": 1}, "字典"),
    ("t.name", 3, "文本"), ("t.name", ["华东", "华北"], "一个值"), ("t.clv", object(), "一个数"),
])
def test_wrong_type_answered_with_a_hint_never_an_exception(exercise, answer, hint):
    result = verdict(exercise, answer)
    assert result.ok is False and hint in result.message, result.message


class _Awkward:
    """An answer whose comparison and length both fail."""

    def __len__(self):
        raise RuntimeError("no length")

    def __eq__(self, other):
        raise RuntimeError("no comparison")

    __hash__ = object.__hash__


@pytest.mark.parametrize("exercise", ["t.clv", "t.count", "t.set", "t.name"])
def test_an_answer_that_misbehaves_still_gets_feedback(exercise):
    result = verdict(exercise, _Awkward())
    assert result.ok is False and ("本题要" in result.message or "集合" in result.message)


def test_set_feedback_counts_missing_and_extra_items():
    missing = verdict("t.set", {"甲公司", "乙公司"})
    assert missing.ok is False and "少了 2 个" in missing.message and "4 个" in missing.message
    extra = verdict("t.set", {"甲公司", "乙公司", "丙公司", "丁公司", "戊公司"})
    assert "多了 1 个" in extra.message and "戊公司" in extra.message and "少了" not in extra.message
    assert verdict("t.set", ["甲公司", "乙公司", "丙公司", "丁公司"]).ok is True     # a list is fine
    assert verdict("t.set", pd.Series(["甲公司", "乙公司", "丙公司", "丁公司", "甲公司"])).ok is True


def test_one_value_series_is_taken_with_a_tip():
    result = verdict("t.clv", pd.Series([189.75]))
    assert result.ok is True and ".iloc[0]" in result.message
    assert verdict("t.name", pd.Series(["华东"])).ok is True


def test_check_prints_one_line_per_verdict_with_marks(capsys):
    sales = pd.DataFrame({"customer": ["a", "b", "a"]})
    exercises.check("t.ctx", 2, sales=sales)
    exercises.check("t.ctx", pd.Series([True, False, True]), sales=sales)
    exercises.check("t.ctx", None, sales=sales)
    exercises.check("t.share", 29.6)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0] == f"{MARK_OK} 练习 t.ctx: 正确！(correct)"
    assert lines[1].startswith(f"{MARK_WRONG} 练习 t.ctx: 类型不对") and "0 True 1 False 2 True" in lines[1]
    assert lines[2].startswith(f"{MARK_TODO} 练习 t.ctx")
    assert lines[3].startswith(f"{MARK_OK} 练习 t.share: 正确！(correct) （本题要小数")


def test_is_correct_and_lesson_registrations_still_work():
    sales = pd.DataFrame({"customer": ["a", "b", "a"], "amount": [1, 2, 3]})
    assert exercises.is_correct("00.2", 2, sales=sales) is True
    assert exercises.is_correct("00.2", 3, sales=sales) is False
    assert exercises.is_correct("00.2", None, sales=sales) is None
    assert exercises.is_correct("03.1", 189.75) is True          # printed as 189.75 in lesson 03
    assert exercises.is_correct("03.2", 2666.67) is True         # printed as 2666.67
    with pytest.raises(KeyError):
        exercises.is_correct("99.9", 1)


def test_marks_are_glyphs_of_the_bundled_font():
    """The marks must render with Noto Sans SC alone (no emoji font on a bare Linux desktop)."""
    from pathlib import Path

    from fontTools.ttLib import TTFont

    font = Path(exercises.__file__).parent / "fonts" / "NotoSansSC-Regular.otf"
    cmap = TTFont(str(font)).getBestCmap()
    missing = [m for m in (MARK_OK, MARK_WRONG, MARK_TODO) for ch in m if ord(ch) not in cmap]
    assert not missing, f"marks the bundled font cannot draw: {missing}"

"""ABC classes at the boundary, zero/negative customers, quadrants."""
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork import abc


def test_boundary_customer_goes_to_higher_class():
    s = pd.DataFrame({"customer": list("abcde"), "amount": [50.0, 30.0, 10.0, 6.0, 4.0]})
    t = abc.abc_analysis(s)
    # before a: 0, before b: 0.5 (<0.8) -> A covering 0.8 exactly; c: 0.8 is not < 0.8 -> B
    assert t["abc_class"].tolist() == ["A", "A", "B", "B", "C"]
    assert t["cum_share"].round(2).tolist() == [0.5, 0.8, 0.9, 0.96, 1.0]
    assert t.loc[t["abc_class"] == "A", "share"].sum() >= 0.8
    assert abc.pareto_point(t) == 0.4
    assert t["grade"].tolist() == ["高", "高", "中", "中", "低"]


def test_crossing_customer_is_a():
    s = pd.DataFrame({"customer": list("xyz"), "amount": [70.0, 20.0, 10.0]})
    assert abc.abc_analysis(s)["abc_class"].tolist() == ["A", "A", "B"]   # y crosses 80% -> A; z crosses 95% -> B


def test_ties_by_customer_and_nonpositive_customers():
    s = pd.DataFrame({"customer": ["b", "a", "c", "c", "d", "e"], "amount": [40, 40, 30, -30, 20, -5]})
    t = abc.abc_analysis(s)
    assert t["customer"].tolist() == ["a", "b", "d", "c", "e"]
    assert t.set_index("customer").loc[["c", "e"], "abc_class"].tolist() == ["C", "C"]
    assert t.loc[t["revenue"] > 0, "share"].sum() == pytest.approx(1.0)
    summary = abc.abc_summary(t)
    assert summary["customers"].sum() == 5


def test_bad_input():
    with pytest.raises(InputError, match="0 < a < b <= 1"):
        abc.abc_analysis(pd.DataFrame({"customer": ["a"], "amount": [1]}), a=0.9, b=0.8)
    with pytest.raises(InputError, match="no customer has positive net revenue"):
        abc.abc_analysis(pd.DataFrame({"customer": ["a"], "amount": [0]}))
    with pytest.raises(InputError, match="missing required column 'amount'"):
        abc.abc_analysis(pd.DataFrame({"customer": ["a"]}))
    with pytest.raises(InputError, match="empty"):
        abc.abc_analysis(pd.DataFrame({"customer": [], "amount": []}))


def test_value_quadrants_by_hand():
    s = pd.DataFrame({"customer": ["grow", "grow", "flat", "flat", "new", "gone"],
                      "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2024-06-01", "2025-06-01", "2025-06-01", "2024-06-01"]),
                      "amount": [100.0, 300.0, 500.0, 500.0, 50.0, 80.0]})
    q = abc.value_quadrants(s, as_of="2026-01-01").set_index("customer")
    assert q["growth"].round(4).to_dict() == {"flat": 0.0, "gone": -1.0, "grow": 0.6667, "new": 1.0}
    # medians: current 175 (300, 500, 50, 0), growth 0.3333
    assert q["quadrant"].to_dict() == {"flat": "成熟客户", "gone": "一般客户", "grow": "明星客户", "new": "潜力客户"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.floats(0.01, 1e6)), min_size=1, max_size=80),
       st.floats(0.05, 0.9))
def test_properties(lines, a):
    s = pd.DataFrame(lines, columns=["customer", "amount"])
    t = abc.abc_analysis(s, a=a, b=min(0.99, a + 0.05))
    assert len(t) == s["customer"].nunique() and set(t["abc_class"]) <= {"A", "B", "C"}
    assert t["share"].sum() == pytest.approx(1.0)
    assert t.loc[t["abc_class"] == "A", "share"].sum() >= a - 1e-9
    assert t["abc_class"].is_monotonic_increasing                     # A..., B..., C...

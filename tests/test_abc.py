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
    s = pd.DataFrame({"customer": ["grow", "grow", "flat", "flat", "dip", "dip", "tiny", "tiny", "new", "gone", "back", "back"],
                      "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2024-06-01", "2025-06-01", "2024-06-01",
                                              "2025-06-01", "2024-06-01", "2025-06-01 18:30", "2025-06-01", "2024-06-01",
                                              "2023-03-01", "2025-06-01"], format="ISO8601"),
                      "amount": [100.0, 300.0, 500.0, 500.0, 400.0, 200.0, 10.0, 12.0, 50.0, 80.0, 70.0, 60.0]})
    q = abc.value_quadrants(s).set_index("customer")                  # as_of = 2025-06-02, the day after
    assert q.attrs["as_of"] == pd.Timestamp("2025-06-02")
    assert q["quadrant"].to_dict() == {"grow": "明星客户", "flat": "成熟客户", "dip": "一般客户", "tiny": "潜力客户",
                                       "new": "新客户", "back": "回流客户", "gone": "流失客户"}
    # among the four comparable customers: current median (12, 200, 300, 500) = 250, growth median
    # (-0.5, 0, 1/6, 2/3) = 1/12; a value equal to a median would be low
    assert q.loc[["grow", "flat", "dip", "tiny"], "growth"].round(4).tolist() == [0.6667, 0.0, -0.5, 0.1667]
    assert q.loc["gone", "growth"] == -1.0 and q.loc["gone", "current_value"] == 0.0
    assert q[["growth"]].loc[["new", "back"]].isna().all().all()       # no comparable base: not +1
    summary = abc.quadrant_summary(q.reset_index())
    assert summary["customers"].sum() == 7 and summary["quadrant"].iloc[-1] == "流失客户"


def test_median_of_zero_does_not_make_everyone_high():
    # 6 customers bought in both windows; 4 of them spent nothing net now (a purchase and its return)
    rows = [(c, "2024-06-01", 100.0) for c in "abcdef"] + [("a", "2025-06-01", 500.0), ("b", "2025-06-01", 300.0)]
    rows += [(c, "2025-05-01", 50.0) for c in "cdef"] + [(c, "2025-05-20", -50.0) for c in "cdef"]
    s = pd.DataFrame(rows, columns=["customer", "date", "amount"]).assign(date=lambda f: pd.to_datetime(f["date"]))
    q = abc.value_quadrants(s, as_of="2025-06-02").set_index("customer")
    assert (q.loc[list("cdef"), "current_value"] == 0).all()          # median current value is 0
    assert not q.loc[list("cdef"), "quadrant"].isin(["明星客户", "成熟客户"]).any()
    assert set(q.loc[["a", "b"], "quadrant"]) <= {"明星客户", "成熟客户"}


def test_cdnow_is_not_all_stars():
    from cvwork.datasets import load_cdnow
    q = abc.value_quadrants(load_cdnow())
    counts = q["quadrant"].value_counts()
    assert counts["流失客户"] == 1537 and counts["明星客户"] == 305           # of 2,349 with a purchase in 2 years
    bought_now = load_cdnow().query("date >= '1997-07-01' and amount > 0")["customer"].nunique()
    assert len(q) - counts["流失客户"] == bought_now                    # independent count of last year's buyers


def test_pareto_curve_is_small_and_exact():
    s = pd.DataFrame({"customer": [f"c{i:05d}" for i in range(100_000)], "amount": 1.0 + (pd.RangeIndex(100_000) % 97)})
    t = abc.abc_analysis(s)
    curve = abc.pareto_curve(t)
    assert len(curve) <= 2004 and curve[["customer_share", "cum_share"]].iloc[0].tolist() == [0.0, 0.0]
    assert curve["cum_share"].iloc[-1] == pytest.approx(1.0) and curve["customer_share"].iloc[-1] == 1.0
    assert curve["cum_share"].is_monotonic_increasing
    a_end = curve.loc[curve["abc_class"] == "A", "customer_share"].max()
    assert a_end == pytest.approx((t["abc_class"] == "A").mean())     # the class boundary is kept exactly


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


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 729), st.sampled_from([0.0, 10.0, 50.0, -10.0, 200.0])),
                min_size=1, max_size=60))
def test_quadrant_properties(lines):
    s = pd.DataFrame(lines, columns=["customer", "day", "amount"])
    s["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(s["day"], unit="D")
    s["customer"] = s["customer"].astype(str)
    try:
        q = abc.value_quadrants(s, as_of="2026-01-01")
    except InputError:
        return                                                            # nobody bought in either window
    assert q["customer"].is_unique and set(q["quadrant"]) <= set(abc.GROUP_ORDER)
    split = q[q["quadrant"].isin(["明星客户", "成熟客户", "潜力客户", "一般客户"])]
    high_now = split["quadrant"].isin(["明星客户", "成熟客户"])
    assert high_now.sum() <= len(split) / 2                              # strictly above the median: never everyone
    assert q.loc[q["quadrant"].isin(["新客户", "回流客户"]), "growth"].isna().all()
    assert (q.loc[q["quadrant"] == "流失客户", "growth"] <= 0).all()

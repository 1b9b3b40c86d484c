"""RFM scores, segment maps and the 8-class model on hand-built tables."""
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork import rfm

LOG = pd.DataFrame({
    "customer": ["a", "a", "a", "b", "c", "c", "d"],
    "order_id": ["1", "1", "2", "3", "4", "5", "6"],
    "date": pd.to_datetime(["2025-12-01", "2025-12-01", "2025-12-20", "2025-06-01", "2025-12-30", "2025-11-01", "2024-01-01"]),
    "amount": [100.0, 50.0, 200.0, 1000.0, 30.0, 30.0, 5.0],
})


def test_rfm_table_by_hand():
    t = rfm.rfm_table(LOG).set_index("customer")
    assert t.attrs["as_of"] == pd.Timestamp("2025-12-31")            # day after the last purchase
    assert t["recency_days"].to_dict() == {"a": 11, "b": 213, "c": 1, "d": 730}
    assert t["frequency"].to_dict() == {"a": 2, "b": 1, "c": 2, "d": 1}   # purchase days
    assert t["monetary"].to_dict() == {"a": 350.0, "b": 1000.0, "c": 60.0, "d": 5.0}
    # R by mid-rank position p = (rank - 0.5) / 4: d .125 -> 1, b .375 -> 2, a .625 -> 4, c .875 -> 5
    assert t["R"].to_dict() == {"a": 4, "b": 2, "c": 5, "d": 1}
    # F: b and d tie at ranks 1-2 (p = .25 -> 2), a and c at ranks 3-4 (p = .75 -> 4)
    assert t["F"].to_dict() == {"a": 4, "b": 2, "c": 4, "d": 2}
    assert t.loc["a", "rfm_code"] == "444" and t.loc["a", "rfm_score"] == 12
    assert t["segment"].to_dict() == {"a": "冠军客户", "b": "冬眠客户", "c": "冠军客户", "d": "冬眠客户"}


def test_same_day_lines_are_one_purchase_day():
    t = pd.DataFrame({"customer": ["a", "a", "a"], "order_id": ["1", "2", "3"], "amount": [10.0, 20.0, 5.0],
                      "date": pd.to_datetime(["2025-03-01 09:15", "2025-03-01 23:59", "2025-03-04 00:01"])})
    out = rfm.rfm_table(t).set_index("customer")
    assert out.attrs["as_of"] == pd.Timestamp("2025-03-05")          # a day, not 00:01 on the 4th
    assert out.loc["a", "frequency"] == 2                             # 2 lines on the 1st = 1 purchase day
    assert out.loc["a", "recency_days"] == 1 and out.loc["a", "monetary"] == 35.0


def test_cancellation_invoice_nets_revenue_but_is_not_activity():
    t = pd.DataFrame({"customer": ["a", "a", "a", "b"], "order_id": ["536365", "536370", "C536391", "536400"],
                      "amount": [100.0, 40.0, -40.0, 10.0],
                      "date": pd.to_datetime(["2025-01-10", "2025-02-01", "2025-06-01", "2025-06-01"])})
    out = rfm.rfm_table(t).set_index("customer")
    assert out.loc["a", "monetary"] == 100.0                          # 100 + 40 - 40
    assert out.loc["a", "frequency"] == 2                             # the C invoice is not an order
    assert out.loc["a", "recency_days"] == (pd.Timestamp("2025-06-02") - pd.Timestamp("2025-02-01")).days
    assert rfm.cancellations(t).tolist() == [False, False, True, False]
    assert rfm.cancellations(pd.DataFrame({"amount": [1.0], "order_id": ["CN-77"]})).tolist() == [False]


def test_all_tied_column_gets_the_middle_score():
    assert rfm.quintile_scores(pd.Series([4.0] * 7)).tolist() == [3] * 7
    assert rfm.quintile_scores(pd.Series([9]), higher_is_better=False).tolist() == [3]
    same_day = pd.DataFrame({"customer": list("abcd"), "amount": [1.0, 2.0, 3.0, 4.0],
                             "date": pd.Timestamp("2025-12-31")})
    t = rfm.rfm_table(same_day)
    assert set(t["R"]) == {3} and set(t["F"]) == {3}                 # everyone bought on the last day, once
    assert not t["segment"].isin(["流失客户", "不能失去"]).any()
    assert set(t["segment"]) == {"需要关注"}                          # R3 x F3


def test_heavy_ties():
    scores = rfm.quintile_scores(pd.Series([1] * 60 + [2] * 30 + [3] * 10))
    # the 60 once-buyers sit at p = 0.3 (score 2), the next 30 at 0.75 (4), the top 10 at 0.95 (5)
    assert set(scores[:60]) == {2} and set(scores[60:90]) == {4} and set(scores[90:]) == {5}


def test_new_customer_segment_needs_a_recent_first_purchase():
    rows = [("new", "2025-12-22"), ("old", "2023-01-05"), ("old", "2025-12-20")]
    rows += [(f"k{i}", f"2025-0{m}-0{i + 1}") for i in range(8) for m in (1, 2, 3)]   # 8 customers, 3 days each
    t = pd.DataFrame(rows, columns=["customer", "date"]).assign(date=lambda f: pd.to_datetime(f["date"]), amount=10.0)
    out = rfm.rfm_table(t, as_of="2026-01-01").set_index("customer")
    assert (out.loc["new", "R"], out.loc["new", "F"]) == (5, 1) == (out.loc["old", "R"], out.loc["old", "F"])
    assert out.loc["new", "segment"] == "新客户"                      # first purchase 10 days ago
    assert out.loc["old", "segment"] == "潜力客户"                    # same cell, first purchase in 2023


@pytest.mark.parametrize("frame, message", [
    (LOG.drop(columns="date"), "missing required column 'date'"),
    (LOG.iloc[:0], "empty"),
    (LOG.assign(amount=0.0), "every amount is zero"),
])
def test_bad_input(frame, message):
    with pytest.raises(InputError, match=message):
        rfm.rfm_table(frame)


def test_future_dates_are_an_error():
    with pytest.raises(InputError, match="on or after as_of.*2025-12-30"):
        rfm.rfm_table(LOG, as_of="2025-12-15")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 700), st.floats(-50, 5000)), min_size=1, max_size=80))
def test_properties(lines):
    t = pd.DataFrame(lines, columns=["customer", "day", "amount"])
    t["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(t["day"], unit="D")
    t["order_id"] = np.arange(len(t)).astype(str)
    if not t["amount"].ne(0).any():
        return
    out = rfm.rfm_table(t)
    assert len(out) == t["customer"].nunique() and out["segment"].notna().all()
    for raw, score, better in (("recency_days", "R", -1), ("frequency", "F", 1), ("monetary", "M", 1)):
        assert out[score].between(1, 5).all()
        ordered = out.sort_values(raw)
        steps = np.diff(ordered[score].to_numpy()) * better
        assert (steps >= 0).all()                                     # monotone in the raw value
        assert (out.groupby(raw)[score].nunique() == 1).all()          # equal values, equal scores


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.booleans())
def test_tie_properties(values, higher):
    v = pd.Series(values, dtype=float)
    s = rfm.quintile_scores(v, higher_is_better=higher)
    assert s.between(1, 5).all()
    assert (s.groupby(v).nunique() == 1).all()                        # equal values share a score
    if v.nunique() == 1:
        assert set(s) == {3}                                          # all tied: the middle score
    key = v if higher else -v
    mid = (key.rank(method="average") - 0.5) / len(v)
    assert (s[s == 1].index.isin(mid[mid < 0.2].index)).all()         # a tie reaches 1 only if its middle is in the bottom fifth
    assert (s[s == 5].index.isin(mid[mid >= 0.8].index)).all()

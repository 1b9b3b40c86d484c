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
    assert t["frequency"].to_dict() == {"a": 2, "b": 1, "c": 2, "d": 1}   # distinct orders
    assert t["monetary"].to_dict() == {"a": 350.0, "b": 1000.0, "c": 60.0, "d": 5.0}
    # R: c best (3 worse -> 1 + floor(15/4) = 4), a (2 worse -> 3), b (1 worse -> 2), d 1
    assert t["R"].to_dict() == {"a": 3, "b": 2, "c": 4, "d": 1}
    assert t["F"].to_dict() == {"a": 3, "b": 1, "c": 3, "d": 1}     # ties share a score
    assert t.loc["a", "rfm_code"] == "333" and t.loc["a", "rfm_score"] == 9


def test_frequency_without_order_ids_counts_days():
    t = rfm.rfm_table(LOG.drop(columns="order_id"), as_of="2026-01-01").set_index("customer")
    assert t.loc["a", "frequency"] == 2 and t.loc["c", "frequency"] == 2


def test_heavy_ties():
    scores = rfm.quintile_scores(pd.Series([1] * 60 + [2] * 30 + [3] * 10))
    assert set(scores[:60]) == {1} and set(scores[60:90]) == {4} and set(scores[90:]) == {5}


def test_segment_map_covers_grid_exactly_once_and_every_segment_is_reachable():
    hits = {}
    for r, f in itertools.product(range(1, 6), repeat=2):
        owners = [name for name, _, (r0, r1), (f0, f1) in rfm.SEGMENTS if r0 <= r <= r1 and f0 <= f <= f1]
        assert len(owners) == 1, f"cell R={r} F={f} belongs to {owners}"
        hits[owners[0]] = hits.get(owners[0], 0) + 1
    assert set(hits) == {s[0] for s in rfm.SEGMENTS}
    assert set(rfm.ACTIONS) == set(hits)


def test_eight_classes_direction():
    t = pd.DataFrame({"recency_days": [5, 300, 5, 300, 5, 300, 5, 300],
                      "frequency": [9, 9, 1, 1, 9, 9, 1, 1],
                      "monetary": [900, 900, 900, 900, 10, 10, 10, 10]})
    got = rfm.eight_classes(t).tolist()
    assert got[0] == "重要价值客户"   # recent, frequent, big
    assert got[1] == "重要保持客户"   # NOT recent but frequent and big: keep them
    assert got == ["重要价值客户", "重要保持客户", "重要发展客户", "重要挽留客户",
                   "一般价值客户", "一般保持客户", "一般发展客户", "一般挽留客户"]
    equal = pd.DataFrame({"recency_days": [10, 10], "frequency": [2, 2], "monetary": [5, 5]})
    assert set(rfm.eight_classes(equal)) == {"一般挽留客户"}   # equal to the mean counts as low


def test_rf_grid_and_summary_reconcile():
    t = rfm.rfm_table(LOG)
    assert rfm.rf_grid(t).to_numpy().sum() == 4
    assert rfm.rf_grid(t, "revenue").to_numpy().sum() == pytest.approx(1415.0)
    s = rfm.segment_summary(t)
    assert s["customers"].sum() == 4 and s["revenue_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("frame, message", [
    (LOG.drop(columns="date"), "missing required column 'date'"),
    (LOG.iloc[:0], "empty"),
    (LOG.assign(amount=0.0), "every amount is zero"),
])
def test_bad_input(frame, message):
    with pytest.raises(InputError, match=message):
        rfm.rfm_table(frame)


def test_future_dates_are_an_error():
    with pytest.raises(InputError, match="after as_of.*2025-12-30"):
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

"""CLV formulas against hand-computed values."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvwork import InputError
from cvwork import clv
from cvwork.lifecycle import retention_rates


def test_discounted_clv_t_starts_at_zero():
    assert clv.discounted_clv([100, 120, 130], [40, 50, 50], 0.10) == pytest.approx(60 + 70 / 1.1 + 80 / 1.21)
    assert clv.discounted_clv(pd.Series([10.0]), pd.Series([4.0]), 0.5) == 6.0   # period 0 undiscounted
    table = clv.clv_schedule([100, 120, 130], [40, 50, 50], 0.10)
    assert table["discount_factor"].round(6).tolist() == [1.0, 0.909091, 0.826446]
    assert table["cumulative_value"].iloc[-1] == pytest.approx(189.752066, abs=1e-6)


def test_vectorised_matches_scalar():
    rev = pd.DataFrame([[100, 120, 130], [50, 60, 0]], index=["a", "b"])
    cost = pd.DataFrame([[40, 50, 50], [10, 10, 10]], index=["a", "b"])
    out = clv.discounted_clv_table(rev, cost, 0.08)
    assert out["a"] == pytest.approx(clv.discounted_clv([100, 120, 130], [40, 50, 50], 0.08))
    assert out["b"] == pytest.approx(40 + 50 / 1.08 - 10 / 1.08 ** 2)
    assert clv.discounted_clv_table(rev, 10, 0.0)["a"] == 320


def test_retention_form_and_its_timing():
    assert clv.retention_clv(1000, 0.8, 0.10) == pytest.approx(2666.6667, abs=1e-3)
    assert clv.retention_clv(1000, 0.8, 0.10, include_now=True) == pytest.approx(1000 + 2666.6667, abs=1e-3)
    # the closed form equals the long explicit sum from t = 1
    explicit = sum(1000 * 0.8 ** t / 1.1 ** t for t in range(1, 400))
    assert clv.retention_clv(1000, 0.8, 0.10) == pytest.approx(explicit)
    assert clv.expected_lifetime(0.75) == 4.0


def test_cac_ratio_payback_contribution():
    assert clv.cac(500_000, 50) == 10_000
    assert clv.ltv_cac_ratio(30_000, 10_000) == 3
    assert clv.payback_months(10_000, 2_000) == 5
    assert clv.payback_months(10_000, 0) == float("inf")
    assert clv.customer_contribution(30_000, 10_000, 6_000) == 14_000


@pytest.mark.parametrize("call, message", [
    (lambda: clv.discounted_clv([1], [1], -1), "must be > -1"),
    (lambda: clv.discounted_clv([1, 2], [1], 0.1), "same number of periods"),
    (lambda: clv.discounted_clv([], [], 0.1), "no periods"),
    (lambda: clv.retention_clv(1, 1.0, 0.1), r"retention must be in \[0, 1\)"),
    (lambda: clv.retention_clv(1, -0.1, 0.1), "retention"),
    (lambda: clv.cac(1, 0), "new customers must be > 0"),
    (lambda: clv.ltv_cac_ratio(1, 0), "CAC must be > 0"),
])
def test_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_historical_clv_by_hand():
    t = pd.DataFrame({"customer": ["a", "a", "a", "b"], "order_id": ["1", "1", "2", "3"],
                      "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2025-01-01", "2025-12-01"]),
                      "amount": [600.0, 400.0, 1000.0, 300.0]})
    out = clv.historical_clv(t, as_of="2026-01-01", margin=0.5, lifespan_years=2).set_index("customer")
    a_years = (pd.Timestamp("2026-01-01") - pd.Timestamp("2024-01-01")).days / 365.25
    assert out.loc["a", "orders"] == 2 and out.loc["a", "aov"] == 1000
    assert out.loc["a", "clv"] == pytest.approx(1000 * 2 / a_years * 2 * 0.5)
    assert out.loc["b", "frequency"] == 1.0                       # a month of tenure counts as a year
    assert out.loc["b", "clv"] == pytest.approx(300 * 1 * 2 * 0.5)
    with pytest.raises(InputError, match="margin"):
        clv.historical_clv(t, margin=0)
    with pytest.raises(InputError, match="missing required column 'date'"):
        clv.historical_clv(t.drop(columns="date"))


def test_historical_clv_whole_days_and_blank_orders():
    """Tenure counts whole days (times of day dropped); a line without an order id is no order."""
    t = pd.DataFrame({"customer": ["a", "a", "a"], "order_id": ["1", "2", None],
                      "date": pd.to_datetime(["2023-06-30 18:00", "2024-06-30 09:00", "2024-12-31 23:00"]),
                      "amount": [100.0, 300.0, -50.0]})
    out = clv.historical_clv(t, margin=1.0, lifespan_years=1).iloc[0]
    days = (pd.Timestamp("2025-01-01") - pd.Timestamp("2023-06-30")).days     # as_of: the day after the last day
    assert out["orders"] == 2 and out["revenue"] == 350.0 and out["aov"] == 175.0
    assert out["tenure_years"] == pytest.approx(days / 365.25) and days == 551
    assert out["clv"] == pytest.approx(350.0 / (days / 365.25))


def test_unit_economics_by_hand():
    table = pd.DataFrame({"customer": list("abcd"), "clv": [300.0, 100.0, 90.0, 999.0],
                          "annual_margin": [120.0, 24.0, 36.0, 1.0], "channel": ["x", "x", "y", "y"],
                          "is_new": [True, True, True, False]})
    out = clv.unit_economics(table, {"x": 100.0, "y": 60.0}).set_index("channel")
    assert out.loc["x", "cac"] == 50 and out.loc["x", "ltv_cac"] == 4          # avg clv 200 / 50
    assert out.loc["y", "cac"] == 60 and out.loc["y", "ltv_cac"] == 1.5        # the old customer d is not counted
    assert out.loc["x", "payback_months"] == pytest.approx(50 / (72 / 12))
    with pytest.raises(InputError, match=r"no acquisition spend for\): y"):
        clv.unit_economics(table, {"x": 1.0})


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=12), st.floats(0, 0.5))
def test_zero_cost_zero_rate_is_plain_sum(values, rate):
    assert clv.discounted_clv(values, [0] * len(values), 0.0) == pytest.approx(sum(values), abs=1e-6)
    # a higher rate never raises the value of a non-negative stream
    positive = [abs(v) for v in values]
    assert clv.discounted_clv(positive, [0] * len(values), rate) <= sum(positive) + 1e-6


def test_retention_rates_by_hand():
    t = pd.DataFrame({"customer": ["a", "b", "c", "a", "b", "a"],
                      "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01", "2025-01-01", "2025-05-01", "2027-01-01"])})
    out = retention_rates(t)
    assert out["period"].tolist() == ["2024", "2025", "2026"]
    assert out["retention"].tolist()[:2] == [2 / 3, 0.0]   # 2026 is empty: nobody from 2025 came back
    assert out["churn"].iloc[0] == pytest.approx(1 / 3)
    assert pd.isna(out["retention"].iloc[2])                 # nobody active in 2026: undefined, not 0
    assert out["retention"].dropna().between(0, 1).all()


def _log():
    # a: 3 purchase days (two lines on 2025-03-01, one at 23:59) and a cancelled invoice; b: one purchase long ago
    return pd.DataFrame({
        "customer": ["a", "a", "a", "a", "b", "c"],
        "order_id": ["1", "2", "3", "C4", "5", "6"],
        "date": pd.to_datetime(["2024-01-01", "2025-03-01 09:00", "2025-03-01 23:59", "2025-12-30", "2024-12-31",
                                "2025-12-31"], format="ISO8601"),
        "amount": [2000.0, 600.0, 400.0, -1000.0, 730.0, 365.25]})


def test_customer_value_survival_by_hand():
    v = clv.customer_value(_log(), margin=0.5, discount_rate=0.1, horizon_years=2, method="survival",
                           retention=0.6).set_index("customer")
    assert v.attrs["as_of"] == pd.Timestamp("2026-01-01") and v.attrs["method"] == "生存加权折现"
    assert v.loc["a", "historical_value"] == 2000.0                    # 2000 + 600 + 400 - 1000
    assert v.loc["a", "frequency"] == 2                                # 2 purchase days; C4 is not one
    assert v.loc["a", "recency_days"] == 306                           # from 2025-03-01, not the return
    factor = 0.6 / 1.1 + 0.36 / 1.21
    # c: bought yesterday (recency 1): alive, first year of tenure counts as a year
    assert v.loc["c", "p_alive"] == 1.0
    assert v.loc["c", "clv"] == pytest.approx(0.5 * 365.25 * factor)
    # b: one purchase 366 days ago, rate 1/366 a day; silent 365 days
    q, stay = 0.6 ** (365 / 365), 0.6 * np.exp(-365 / 366)
    assert v.loc["b", "p_alive"] == pytest.approx(stay / (stay + 1 - q))
    assert v.loc["b", "clv"] == pytest.approx(0.5 * 730 / (366 / 365.25) * v.loc["b", "p_alive"] * factor)
    assert list(v.index) == v.sort_values("clv", ascending=False).index.tolist()


def test_median_customer_both_routes_agree_on_the_survival_method():
    v = clv.customer_value(_log(), margin=0.5, discount_rate=0.1, horizon_years=2, method="survival", retention=0.6)
    med = clv.median_customer(v)
    assert med["customer"] == v.sort_values("clv")["customer"].iloc[1]            # 3 customers: the middle one
    m = med["annual_margin"]
    assert med["formula_value"] == pytest.approx(m * 0.6 / (1 + 0.1 - 0.6))          # the lesson's m r / (1 + i - r)
    assert med["horizon_factor"] == pytest.approx(1 - (0.6 / 1.1) ** 2)
    assert med["route_b"] == pytest.approx(med["clv"])                             # route B = route A
    assert med["implied_retention"] == pytest.approx(0.6)


def test_customer_value_refuses_without_retention():
    short = _log().query("date >= '2025-06-01'")
    with pytest.raises(InputError, match="pass retention"):
        clv.customer_value(short, method="survival")
    with pytest.raises(InputError, match="method must be"):
        clv.customer_value(short, method="magic")


def test_customer_value_auto_falls_back_with_a_reason():
    v = clv.customer_value(_log(), retention=0.6)                       # 3 customers: no model can be fitted
    assert v.attrs["method"] == "生存加权折现" and "预测模型不可用" in v.attrs["reason"]
    assert set(v["method"]) == {"生存加权折现"}


def test_annual_retention_by_hand():
    from cvwork.rfm import purchase_days
    days = purchase_days(_log())
    # bought in [2024-01-01, 2025-01-01): a and b; in the last year: a and c -> 1 of 2 kept
    assert clv.annual_retention(days, pd.Timestamp("2026-01-01")) == 0.5


def test_customer_value_model_route_on_cdnow():
    from cvwork.datasets import load_cdnow
    v = clv.customer_value(load_cdnow(), margin=0.25, discount_rate=0.1, horizon_years=3)
    assert v.attrs["method"].startswith("BG/NBD") and v.attrs["as_of"] == pd.Timestamp("1998-07-01")
    assert len(v) == 2357 and (v["clv"] >= 0).all() and v["p_alive"].between(0, 1).all()
    zero = v[v["frequency"] == 0]                                       # 8 customers whose only lines are $0
    assert len(zero) == 8 and (zero["clv"] == 0).all()
    assert v["historical_value"].sum() == pytest.approx(load_cdnow()["amount"].sum())
    med = clv.median_customer(v)
    assert med["route_b"] == pytest.approx(med["formula_value"] * med["horizon_factor"] * med["p_alive"])
    assert 0 < med["implied_retention"] < 1                             # the model's figure as a retention rate

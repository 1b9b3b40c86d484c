"""NPS worked by hand (with its interval) and lifecycle stages read off a small log."""
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvwork import InputError
from cvwork import lifecycle as lc
from cvwork.nps import nps, nps_by, nps_difference, score_distribution


def test_nps_by_hand():
    r = nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 5, None])
    # promoters 5, passives 2, detractors 3 of n = 10; p = .5, d = .3
    assert (r.promoters, r.passives, r.detractors, r.n, r.missing) == (5, 2, 3, 10, 1)
    assert r.score == pytest.approx(20.0)
    se = 100 * math.sqrt((0.5 + 0.3 - 0.2 ** 2) / 10)           # = 27.5681...
    assert r.se == pytest.approx(se) and r.se == pytest.approx(27.5681, abs=1e-4)
    assert (r.ci_low, r.ci_high) == (pytest.approx(20 - 1.959964 * se), pytest.approx(20 + 1.959964 * se))


def test_nps_extremes_and_errors():
    assert nps([10] * 7).score == 100 and nps([10] * 7).se == 0
    assert nps([0, 0]).score == -100
    with pytest.raises(InputError, match=r"whole numbers 0-10.*7\.5"):
        nps([9, 7.5])
    with pytest.raises(InputError, match="11"):
        nps([11])
    with pytest.raises(InputError, match="'很好'"):
        nps(pd.Series([9, "很好"]))
    with pytest.raises(InputError, match="no valid answers"):
        nps([None, None])


def test_nps_by_and_distribution():
    s = pd.DataFrame({"seg": ["a", "a", "b", "b", "b"], "score": [10, 0, 9, 9, 8]})
    out = nps_by(s, "seg").set_index("seg")
    assert out.loc["a", "nps"] == 0 and out.loc["b", "nps"] == pytest.approx(200 / 3)
    d = score_distribution(s["score"])
    assert d["answers"].sum() == 5 and d.loc[d["score"] == 9, "group"].item() == "推荐者"


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_invariants(scores):
    r = nps(scores)
    assert -100 <= r.score <= 100 and r.ci_low <= r.score <= r.ci_high
    assert r.promoters + r.passives + r.detractors == r.n == len(scores)


LOG = pd.DataFrame({
    "customer": ["new", "active", "active", "silent", "lost", "future"],
    "date": pd.to_datetime(["2025-11-15", "2024-01-10", "2025-10-01", "2025-03-01", "2024-06-01", "2026-02-01"]),
    "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
})


def test_stages_read_off_by_hand():
    out = lc.lifecycle_stages(LOG, "2026-01-01", leads=pd.Series(["潜在甲公司", "new", " n e w ", None]))
    got = dict(zip(out["customer"], out["stage"].astype(str)))
    assert got == {"new": "新客户", "active": "活跃客户", "silent": "沉默客户", "lost": "流失客户", "潜在甲公司": "潜在客户"}
    assert out.set_index("customer").loc["active", "revenue"] == 50.0      # 'future' is after as_of: ignored


def test_stage_edges_are_half_open():
    day = pd.Timestamp("2026-01-01")
    log = pd.DataFrame({"customer": ["a", "a", "b", "b"], "amount": 1.0,
                        "date": [day - pd.Timedelta(days=400), day - pd.Timedelta(days=180),
                                 day - pd.Timedelta(days=400), day - pd.Timedelta(days=365)]})
    got = lc.lifecycle_stages(log, day).set_index("customer")["stage"].astype(str).to_dict()
    assert got == {"a": "沉默客户", "b": "流失客户"}                        # exactly 180 -> silent, 365 -> lost
    with pytest.raises(InputError, match="silent_days < churn_days"):
        lc.lifecycle_stages(log, day, silent_days=400, churn_days=300)


def test_counts_transitions_repeat_and_cohorts():
    counts = lc.stage_counts(LOG, ["2026-01-01"])
    assert counts.loc[pd.Timestamp("2026-01-01")].to_dict() == {"新客户": 1, "活跃客户": 1, "沉默客户": 1, "流失客户": 1}
    moves = lc.stage_transitions(LOG, "2025-06-30", "2026-01-01")
    assert moves.loc["未购买", "新客户"] == 1 and moves.loc["流失客户", "活跃客户"] == 1   # "active" came back
    assert moves.loc["活跃客户", "沉默客户"] == 1 and moves.loc["流失客户", "流失客户"] == 1
    assert moves.to_numpy().sum() == 4
    assert lc.repeat_purchase_rate(LOG) == pytest.approx(1 / 5)
    cohorts = lc.cohort_retention(pd.DataFrame({"customer": ["a", "a", "b"],
                                                "date": pd.to_datetime(["2025-01-05", "2025-03-01", "2025-01-20"])}))
    assert cohorts.loc["2025-01", 0] == 1.0 and cohorts.loc["2025-01", 2] == 0.5


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 900)), min_size=1, max_size=60))
def test_stages_partition_customers(lines):
    log = pd.DataFrame(lines, columns=["customer", "day"])
    log["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(log["day"], unit="D")
    log["amount"] = 1.0
    out = lc.lifecycle_stages(log, "2026-06-30")
    assert out["customer"].is_unique and len(out) == log["customer"].nunique()
    assert out["stage"].notna().all()
    retention = lc.retention_rates(log, "Q")["retention"].dropna()
    assert retention.between(0, 1).all()


def test_nps_difference_by_hand():
    # a: 6 promoters, 4 detractors of 10 -> 20, var = (1 - 0.2^2) / 10; b: -20 with the same variance
    d = nps_difference(nps([10] * 6 + [0] * 4), nps([10] * 4 + [0] * 6))
    se = 100 * math.sqrt(2 * (1 - 0.04) / 10)                    # 43.8178...
    assert d.difference == pytest.approx(40) and d.se == pytest.approx(se)
    assert (d.ci_low, d.ci_high) == (pytest.approx(40 - 1.959964 * se), pytest.approx(40 + 1.959964 * se))
    assert d.p_value == pytest.approx(math.erfc(40 / se / math.sqrt(2))) and not d.excludes_zero


def test_nps_difference_on_the_lesson_survey():
    """Issue 15: 2024 vs 2025 intervals overlap, yet the difference is 13.7 +- 1.96 x 5.3."""
    survey = pd.read_csv(Path(__file__).parents[1] / "data" / "survey.csv", parse_dates=["date"], encoding="utf-8-sig")
    y24 = nps(survey.loc[survey["date"].dt.year == 2024, "score"])
    y25 = nps(survey.loc[survey["date"].dt.year == 2025, "score"])
    # by hand from the counts: se = sqrt(se24^2 + se25^2)
    assert y24.ci_low < y25.ci_high                               # the two intervals overlap
    d = nps_difference(y24, y25)
    assert round(d.difference, 1) == 13.7 and round(d.se, 1) == 5.3
    assert d.se == pytest.approx(math.hypot(y24.se, y25.se))
    assert d.ci_low == pytest.approx(13.653 - 1.959964 * 5.3155, abs=0.01) and d.excludes_zero
    assert 0.005 < d.p_value < 0.015                              # p ~ 0.01


def test_purchase_days_times_and_cancellations():
    t = pd.DataFrame({"customer": ["a", "a", "a", "b", "b", "c", "c"],
                      "order_id": ["1", "2", "3", "4", "C4", "5", "C5"],
                      "amount": [10.0, 20.0, 5.0, 100.0, -100.0, 50.0, -50.0],
                      "date": pd.to_datetime(["2025-03-01 09:00", "2025-03-01 17:00", "2025-03-02 00:01",
                                              "2025-02-01 10:00", "2025-02-01 11:00",
                                              "2025-01-01 10:00", "2025-03-01 23:59"])})
    days = lc.purchase_days(t)
    # a: two lines on 1 March are one day, 00:01 on 2 March another; b: cancelled the same day;
    # c: bought 1 January, cancelled on 1 March -> the cancellation day is no purchase
    assert days.groupby("customer")["purchase"].sum().to_dict() == {"a": 2, "b": 0, "c": 1}
    assert lc.repeat_purchase_rate(t) == pytest.approx(1 / 3)
    st_ = lc.lifecycle_stages(t).set_index("customer")
    assert lc.default_as_of(t["date"]) == pd.Timestamp("2025-03-03")
    assert st_.loc["c", "last_purchase"] == pd.Timestamp("2025-01-01")      # not 1 March
    assert st_.loc["c", "days_since_last"] == 61 and st_.loc["c", "revenue"] == 0.0
    assert pd.isna(st_.loc["b", "last_purchase"]) and st_.loc["b", "stage"] == "流失客户"   # never a purchase
    assert st_["days_since_last"].dtype == "Int64"


def test_owner_of_latest_line():
    t = LOG.assign(owner=["甲", "乙", "丙", "丁", "戊", "己"])
    out = lc.lifecycle_stages(t, "2026-01-01").set_index("customer")
    assert out.loc["active", "owner"] == "丙"                    # the later of 乙 (2024) and 丙 (2025)


def test_owner_rule_skips_blanks_and_breaks_ties_by_name():
    """Same on every engine: lines without an owner are skipped; two owners at the latest time -> the larger name."""
    t = pd.DataFrame({"customer": ["x", "x", "x", "y", "y"], "amount": 1.0,
                      "owner": ["b", "a", None, "c", "d"],
                      "date": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:00", "2025-03-01 00:00",
                                              "2025-02-01 09:00", "2025-02-01 08:00"])})
    owners = lc.customer_dates(t)["owner"].to_dict()
    assert owners == {"x": "b", "y": "c"}        # x: the blank on 03-01 skipped, tie a/b -> b; y: 09:00 beats 08:00


def test_churn_flow_by_hand():
    t = pd.DataFrame({"customer": ["x", "y", "y", "w", "z"], "amount": 1.0,
                      "date": pd.to_datetime(["2024-01-10", "2024-01-05", "2025-05-01", "2024-06-01", "2025-08-15"])})
    assert lc.churn_observable_from(t) == pd.Timestamp("2025-01-04")        # 2024-01-05 + 365 days
    marks = lc.quarter_marks(t)
    assert list(marks) == list(pd.to_datetime(["2025-04-01", "2025-07-01", "2025-08-16"]))
    flow = lc.churn_flow(t)
    # Q2: w (last 2024-06-01) passes 365 days on 2025-06-01 -> churned; y (lost) buys 2025-05-01 -> returned
    # to 2025-08-16: z is new
    assert flow[["new", "churned", "returned"]].values.tolist() == [[0, 1, 1], [1, 0, 0]]
    counts = lc.stage_counts(t, marks)
    at_end = lc.lifecycle_stages(t)["stage"].value_counts()
    assert counts.iloc[-1].to_dict() == {s: int(at_end.get(s, 0)) for s in lc.STAGES[1:]}


def test_cohort_counts_give_sizes():
    t = pd.DataFrame({"customer": ["a", "a", "b", "c"], "amount": [1.0, 1.0, 1.0, -1.0],
                      "date": pd.to_datetime(["2025-01-05", "2025-03-01", "2025-01-20", "2025-02-01"])})
    counts = lc.cohort_counts(t)
    assert counts[0].to_dict() == {"2025-01": 2}                 # c only returned something: no cohort
    assert lc.cohort_retention(t).loc["2025-01", 2] == 0.5


RETAIL = [  # InvoiceNo, InvoiceDate, Customer, Amount -- a retail export with times and C-cancellations
    ("536001", "2024-01-02 10:15", "A", 100), ("581001", "2025-06-30 18:45", "A", 50),
    ("536100", "2024-02-01 09:00", "B", 200), ("C581000", "2025-06-20 11:00", "B", -200),
    ("579001", "2025-05-10 23:59", "C", 80), ("579002", "2025-05-11 00:01", "C", 20),
    ("560001", "2024-10-01 12:00", "D", 300), ("C560001", "2024-10-01 12:30", "D", -300),
    ("565001", "2024-12-01 08:00", "D", 150),
    ("540001", "2024-03-01 14:00", "E", 500), ("555001", "2024-09-15 16:20", "E", 500),
    ("545001", "2024-05-01 11:11", "F", 70),
]


def retail_csv(tmp_path):
    path = tmp_path / "retail.csv"
    pd.DataFrame(RETAIL, columns=["InvoiceNo", "InvoiceDate", "Customer", "Amount"]).to_csv(path, index=False)
    return path


def test_lesson_07_on_a_retail_file_with_times_and_cancellations(tmp_path):
    """Second data set: as_of = 2025-07-01 (day after the last invoice).  By hand:
    A bought on 2025-06-30 -> 活跃 (1 day); B's only purchase is 2024-02-01, the C-invoice of 2025-06-20 is no
    activity -> 516 days, 流失; C first bought 2025-05-10 23:59 -> 新客户, again at 00:01 -> two purchase days, last 51 days ago;
    D's 2024-10-01 order was cancelled the same day, so its purchase day is 2024-12-01 -> 212 days, 沉默;
    E last 2024-09-15 -> 289 days, 沉默 (1,000 of revenue: first call); F 2024-05-01 -> 426 days, 流失.
    Churn is observable from 2024-01-02 + 365 = 2025-01-01: Q1 2025 B goes 沉默 -> 流失; Q2 C is new,
    F churns, A (流失 since 2025-01-01) comes back."""
    import nbformat
    import papermill as pm
    from lesson_cases import outputs_text

    from cvwork.nbtools import retry_kernel_start

    nbs = Path(__file__).resolve().parents[1] / "notebooks"
    out_dir, done = tmp_path / "out", tmp_path / "07.ipynb"
    params = {"input_path": str(retail_csv(tmp_path)), "leads_path": None, "output_dir": str(out_dir)}
    retry_kernel_start(lambda: pm.execute_notebook(str(nbs / "07_lifecycle_stages.ipynb"), str(done), cwd=str(nbs),
                                                   kernel_name="python3", progress_bar=False, parameters=params))
    stages = pd.read_csv(out_dir / "lifecycle_stages.csv", encoding="utf-8-sig").set_index("customer")
    assert stages["stage"].to_dict() == {"A": "活跃客户", "B": "流失客户", "C": "新客户", "D": "沉默客户",
                                         "E": "沉默客户", "F": "流失客户"}
    assert stages["days_since_last"].to_dict() == {"A": 1, "B": 516, "C": 51, "D": 212, "E": 289, "F": 426}
    assert stages.loc["B", "revenue"] == 0 and stages.loc["D", "revenue"] == 150
    flow = pd.read_csv(out_dir / "churn_flow.csv", encoding="utf-8-sig")
    assert flow[["new", "churned", "returned"]].values.tolist() == [[0, 1, 0], [1, 1, 1]]
    text = outputs_text(nbformat.read(done, as_version=4))
    assert "分析日期 2025-07-01（数据最后一天的次日）；客户 6 个" in text
    assert "有 1 个客户在表里的最后一天只有退货或冲销" in text                        # B (C581000)
    assert "“365 天没有购买”最早在 2025-01-01 才可能成立" in text
    assert "2 个期间里新增 1 个客户、流失后回来 1 个、新流失 2 个，净变化 0 个" in text
    assert "活跃客户 1 个，与第 1 节的表一致" in text
    assert "数据里没有销售员一列" in text
    calls = pd.read_csv(out_dir / "call_list.csv", encoding="utf-8-sig")
    assert calls["customer"].tolist() == ["E", "D"]
    assert "✓ 练习 07.1" in text and "✓ 练习 07.3" in text


def _stored_text(name):
    import nbformat
    from lesson_cases import outputs_text
    return outputs_text(nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / name, as_version=4))


def test_stored_lesson_06_readouts_match_the_numbers():
    survey = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "survey.csv", parse_dates=["date"],
                         encoding="utf-8-sig")
    y24, y25 = (nps(survey.loc[survey["date"].dt.year == y, "score"]) for y in (2024, 2025))
    d = nps_difference(y24, y25)
    text = _stored_text("06_nps_and_loyalty.ipynb")
    assert f"差值 {d.difference:.1f} 分，标准误 {d.se:.1f}，95% 区间 13.7 ± 1.96 × 5.3 = [{d.ci_low:.1f}, {d.ci_high:.1f}]" in text
    assert "两个区间有重叠" in text and "两个区间重叠，差值的区间却不包含 0" in text
    assert "intervals overlap" not in text and "有重叠，差别可能只是抽样误差" not in text


def test_stored_lesson_07_readouts_match_the_numbers():
    from cvwork.io import read_sales

    sales = read_sales(Path(__file__).resolve().parents[1] / "data" / "sales_report.xlsx")
    stages = lc.lifecycle_stages(sales)
    active = int((stages["stage"] == "活跃客户").sum())
    text = _stored_text("07_lifecycle_stages.ipynb")
    assert f"活跃客户 {active} 个，与第 1 节的表一致" in text          # the chart's last bar is as_of itself
    flow = lc.churn_flow(sales)
    assert f"新流失 {int(flow['churned'].sum())} 个" in text
    assert int(flow["churned"].sum()) == int((stages["stage"] == "流失客户").sum())   # every churned customer is a flow


def test_as_of_compares_whole_days():
    t = pd.DataFrame({"customer": ["a", "b"], "amount": [1.0, 1.0],
                      "date": pd.to_datetime(["2025-03-01 23:59", "2025-03-02 00:01"])})
    out = lc.lifecycle_stages(t, "2025-03-01").set_index("customer")
    assert list(out.index) == ["a"] and out.loc["a", "days_since_last"] == 0     # 23:59 on as_of counts, 00:01 next day not

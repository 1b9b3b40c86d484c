"""Stage conversion, bottleneck and weighted forecast on small hand-built pipelines."""
import pandas as pd
import pytest

from cvwork import InputError
from cvwork import forecast as fc
from cvwork import funnel

STAGES = ["线索", "方案", "谈判", "赢单"]
PROB = {"线索": 0.1, "方案": 0.4, "谈判": 0.6, "赢单": 1.0}


def history():
    reached = {"o1": 4, "o2": 4, "o3": 3, "o4": 2, "o5": 2, "o6": 1, "o7": 1, "o8": 1, "o9": 2, "o10": 1}
    rows = []
    for oid, depth in reached.items():
        for k in range(depth):
            rows.append((oid, STAGES[k], pd.Timestamp("2025-01-01") + pd.Timedelta(days=10 * k)))
    return pd.DataFrame(rows, columns=["opportunity_id", "stage", "entered"])


def test_stage_conversion_by_hand():
    t = funnel.stage_conversion(history(), STAGES, still_open=["o9", "o10"], min_resolved=1).set_index("stage")
    assert t["entered"].tolist() == [10, 6, 3, 2]
    assert t["advanced"].iloc[:3].tolist() == [6, 3, 2]
    assert t["open"].tolist() == [1, 1, 0, 0]          # o10 still at 线索, o9 at 方案
    assert t["lost"].iloc[:3].tolist() == [3, 2, 1]
    assert t["conversion"].iloc[:3].round(4).tolist() == [0.6, 0.5, 0.6667]
    assert t["resolved_conversion"].iloc[:3].round(4).tolist() == [0.6667, 0.6, 0.6667]   # 6/9, 3/5, 2/3
    assert t["bottleneck"].tolist() == [False, True, False, False]
    assert t["avg_days"].iloc[:3].tolist() == [10.0, 10.0, 10.0]
    overall = funnel.overall_conversion(t.reset_index())
    assert overall == 0.2 == pytest.approx(0.6 * 0.5 * (2 / 3))


def test_counts_and_benchmarks():
    counts = {"线索": 100, "方案": 50, "谈判": 40, "赢单": 10}
    t = funnel.stage_conversion(counts, STAGES, benchmarks={"线索": 0.4, "方案": 0.9, "谈判": 0.3})
    # gaps: +0.10, -0.10, -0.05 -> 方案 is furthest below its benchmark, although 谈判 converts worst
    assert t.loc[t["bottleneck"], "stage"].tolist() == ["方案"]
    assert t["cumulative"].tolist() == [1.0, 0.5, 0.4, 0.1]


def test_skipped_stages_count_as_passed():
    h = pd.DataFrame({"opportunity_id": ["a", "a"], "stage": ["线索", "谈判"]})
    assert funnel.stage_conversion(h, STAGES)["entered"].tolist() == [1, 1, 1, 0]


def test_bad_stage_input():
    h = history()
    h.loc[0, "stage"] = "Proposal"
    with pytest.raises(InputError, match="unknown stage names.*Proposal.*线索 > 方案"):
        funnel.stage_conversion(h, STAGES)
    with pytest.raises(InputError, match="cannot hold more"):
        funnel.stage_conversion({"线索": 1, "方案": 5}, STAGES)


def test_conversion_by_group():
    groups = pd.Series({f"o{i}": ("甲" if i <= 5 else "乙") for i in range(1, 11)}, name="team")
    grid = funnel.conversion_by(history(), STAGES, groups)
    assert grid.loc["甲"].tolist() == [1.0, 0.6, 2 / 3]      # o1..o5 all reach 方案; 3 of 5 reach 谈判
    assert grid.loc["乙", "线索→方案"] == 0.2


def opps():
    d = pd.Timestamp
    return pd.DataFrame({
        "opportunity_id": ["w", "l", "c", "b", "p", "s"], "owner": ["甲", "甲", "乙", "乙", "甲", "乙"],
        "stage": ["赢单", "方案", "谈判", "方案", "线索", "谈判"],
        "amount": [100.0, 50.0, 200.0, 80.0, 40.0, 60.0],
        "created": [d("2025-07-01")] * 6,
        "expected_close": [d("2025-12-01"), d("2025-12-01"), d("2026-02-01"), d("2026-03-01"), d("2026-06-15"), d("2025-11-30")],
        "closed": [d("2025-12-10"), d("2025-11-01"), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
        "outcome": ["赢单", "输单", "进行中", "进行中", "进行中", "进行中"],
    }).assign(probability=lambda f: f["stage"].map(PROB))


def test_categories_and_weighted_forecast():
    o = opps()
    cats = fc.forecast_categories(o, "2026-01-01")
    assert cats.tolist() == ["已成交", "已输单", "承诺", "最佳", "管道", "已忽略"]
    t = fc.weighted_forecast(o, "2026-01-01")
    assert t.loc["2025Q4", "已成交"] == 100
    assert t.loc["2026Q1", "承诺"] == 120 and t.loc["2026Q1", "最佳"] == 32     # 200 x 0.6, 80 x 0.4
    assert t.loc["2026Q2", "管道"] == 4
    assert t.loc["2025Q4", "已忽略"] == 0                                          # shown, not counted
    assert t["合计"].sum() == pytest.approx(100 + 120 + 32 + 4)


def test_rates():
    o = opps()
    assert fc.win_rate(o) == 0.5
    assert fc.coverage(300, quota=250, closed_won=100) == 2.0
    assert fc.coverage(1, quota=10, closed_won=10) == float("inf")
    # 4 open x 100 avg won x 0.5 / 162 days cycle
    assert fc.velocity(o) == pytest.approx(4 * 100 * 0.5 / 162)


def test_validate_pipeline():
    o = opps()
    o.loc[1, "expected_close"] = pd.Timestamp("2025-01-01")
    kept, excluded = fc.validate_pipeline(o, STAGES)
    assert len(kept) == 5 and excluded["opportunity_id"].tolist() == ["l"]
    assert "close date before creation" in excluded["reason"].iloc[0]
    with pytest.raises(InputError, match=r"within \[0, 1\].*c"):
        fc.validate_pipeline(opps().assign(probability=[1, 0.4, 60, 0.4, 0.1, 0.6]), STAGES)


def test_backtest_and_stage_at():
    o = opps()
    h = pd.DataFrame({"opportunity_id": ["w", "w", "c", "c"], "stage": ["线索", "谈判", "线索", "谈判"],
                      "entered": pd.to_datetime(["2025-07-01", "2025-09-15", "2025-07-01", "2025-12-20"])})
    pipe = fc.stage_at(o, h, "2025-10-01", PROB).set_index("opportunity_id")
    assert pipe.loc["w", "stage"] == "谈判" and pipe.loc["c", "stage"] == "线索"   # c moved later
    bt = fc.backtest(o, h, ["2025Q4"], PROB)
    # on 2025-10-01 only w is due in Q4 (c is due in 2026): 100 x 0.6; actual won in Q4: 100
    assert bt[["forecast", "actual", "error"]].iloc[0].tolist() == [60.0, 100.0, -40.0]
    assert fc.empirical_probabilities(funnel.stage_conversion(history(), STAGES))["方案"] == pytest.approx(2 / 6)


def test_weekly_review():
    o = opps()
    h = pd.DataFrame({"opportunity_id": ["c", "b"], "stage": ["谈判", "方案"],
                      "entered": pd.to_datetime(["2025-12-29", "2025-08-01"])})
    r = fc.weekly_review(o, h, "2025-12-31").set_index("owner")
    assert r.loc["乙", "moved"] == 1 and r.loc["乙", "slipped"] == 1     # s expected 11-30, still open
    assert r.loc["乙", "at_risk"] == 2                                     # b unmoved since August, s never moved
    assert r.loc["甲", "won"] == 0 and r.loc["乙", "open"] == 3
    assert r.loc["甲", "at_risk"] == 1                                     # p never moved since July

"""Conversion on entered and on resolved deals, Wilson intervals, outcome labels of
any CRM, the probability check on every path, overdue deals and the backtest
decomposition -- every expected number computed by hand in the comments."""
import pandas as pd
import pytest

from cvwork import InputError
from cvwork import forecast as fc
from cvwork import funnel

STAGES = ["线索", "方案", "谈判", "赢单"]


def four_stage_history():
    """24 deals: 8 stop at 线索 (3 still open), 6 at 方案 (2 open), 6 at 谈判 (5 open), 4 won."""
    plan = [(1, 8, 3), (2, 6, 2), (3, 6, 5), (4, 4, 0)]
    rows, still_open, n = [], [], 0
    for depth, count, n_open in plan:
        for i in range(count):
            n += 1
            oid = f"d{n}"
            if i < n_open:
                still_open.append(oid)
            rows += [(oid, STAGES[k], pd.Timestamp("2025-01-01") + pd.Timedelta(days=7 * k)) for k in range(depth)]
    return pd.DataFrame(rows, columns=["opportunity_id", "stage", "entered"]), still_open


def test_both_conversions_and_loss_rate_by_hand():
    history, still_open = four_stage_history()
    t = funnel.stage_conversion(history, STAGES, still_open=still_open, min_resolved=5).set_index("stage")
    assert t["entered"].tolist() == [24, 16, 10, 4]
    assert t["advanced"].iloc[:3].tolist() == [16, 10, 4]
    assert t["open"].tolist() == [3, 2, 5, 0]
    assert t["lost"].iloc[:3].tolist() == [5, 4, 1]            # entered - advanced - open
    assert t["resolved"].iloc[:3].tolist() == [21, 14, 5]      # advanced + lost
    # on entered: 16/24, 10/16, 4/10; on resolved: 16/21, 10/14, 4/5; loss = lost/entered: 5/24, 4/16, 1/10
    assert t["conversion"].iloc[:3].tolist() == pytest.approx([0.666667, 0.625, 0.4], abs=1e-6)
    assert t["resolved_conversion"].iloc[:3].tolist() == pytest.approx([0.761905, 0.714286, 0.8], abs=1e-6)
    assert t["loss_rate"].iloc[:3].tolist() == pytest.approx([0.208333, 0.25, 0.1], abs=1e-6)
    # 谈判 converts worst on entered deals (0.4) only because 5 of its 10 are still open;
    # on resolved deals 方案 is the weakest step (10/14)
    assert t["bottleneck"].tolist() == [False, True, False, False]
    assert funnel.overall_conversion(t.reset_index()) == pytest.approx(4 / 24)


def test_bottleneck_needs_enough_resolved_deals():
    history, still_open = four_stage_history()
    t = funnel.stage_conversion(history, STAGES, still_open=still_open, min_resolved=15).set_index("stage")
    assert t["bottleneck"].tolist() == [True, False, False, False]      # only 线索 has >= 15 resolved (21)
    assert t.loc["方案", "note"] == "已结束仅 14 个（少于 15），样本太少，不判断瓶颈"
    assert t.loc["谈判", "note"].startswith("已结束仅 5 个") and t.loc["线索", "note"] == ""
    none = funnel.stage_conversion(history, STAGES, still_open=still_open, min_resolved=100)
    assert not none["bottleneck"].any()


def test_empirical_probabilities_use_resolved_deals_only():
    history, still_open = four_stage_history()
    p = fc.empirical_probabilities(funnel.stage_conversion(history, STAGES, still_open=still_open))
    # 4 won; open at or beyond 线索 = 3 + 2 + 5 = 10 -> 4 / (24 - 10); 方案: 4 / (16 - 7); 谈判: 4 / (10 - 5)
    assert p == pytest.approx({"线索": 4 / 14, "方案": 4 / 9, "谈判": 0.8, "赢单": 1.0})


def test_wilson_interval_19_of_47():
    # p = 19/47 = 0.404255, z = 1.959964, z^2 = 3.841459, z^2/n = 0.081733
    # centre = (p + z^2/(2n)) / (1 + z^2/n) = (0.404255 + 0.040867) / 1.081733 = 0.411495
    # half = z / 1.081733 * sqrt(p(1-p)/n + z^2/(4n^2)) = 1.811875 * sqrt(0.005124 + 0.000435) = 0.135091
    # -> [0.2764, 0.5466]
    low, high = funnel.wilson_interval(19, 47)
    assert (round(float(low), 4), round(float(high), 4)) == (0.2764, 0.5466)
    low0, high0 = funnel.wilson_interval(0, 10)         # stays within [0, 1]: [0, z^2/(n+z^2)] = [0, 0.2775]
    assert float(low0) == pytest.approx(0.0, abs=1e-12) and round(float(high0), 4) == 0.2775


def test_conversion_cells_show_counts_and_leave_open_deals_out():
    history, still_open = four_stage_history()
    groups = pd.Series({f"d{i}": ("甲" if i % 2 else "乙") for i in range(1, 25)}, name="region")
    cells = funnel.conversion_cells(history, STAGES, groups, still_open=still_open)
    assert cells.groupby("transition", sort=False)[["advanced", "lost", "open"]].sum().values.tolist() == \
        [[16, 5, 3], [10, 4, 2], [4, 1, 5]]                    # the groups add up to the whole funnel
    grid = funnel.conversion_by(history, STAGES, groups, still_open=still_open)
    resolved = funnel.conversion_by(history, STAGES, groups, still_open=still_open, value="resolved")
    advanced = funnel.conversion_by(history, STAGES, groups, still_open=still_open, value="advanced")
    assert ((advanced / resolved) - grid).abs().max().max() < 1e-12
    assert grid.index.name == "region" and list(grid.columns) == ["线索→方案", "方案→谈判", "谈判→赢单"]


def pipeline(outcomes):
    d = pd.Timestamp
    return pd.DataFrame({
        "opportunity_id": ["w", "l", "c", "b"], "owner": ["甲", "甲", "乙", "乙"],
        "stage": ["赢单", "方案", "谈判", "方案"], "amount": [100.0, 50.0, 200.0, 80.0],
        "probability": [1.0, 0.4, 0.6, 0.4],
        "created": [d("2025-07-01")] * 4,
        "expected_close": [d("2025-12-01"), d("2025-12-01"), d("2026-02-01"), d("2026-03-01")],
        "closed": [d("2025-12-10"), d("2025-11-01"), pd.NaT, pd.NaT],
        "outcome": outcomes})


SPELLINGS = {
    "中文": ["赢单", "输单", "进行中", "跟进中"],
    "Salesforce": ["Closed Won", "Closed Lost", "Open", None],
    "HubSpot": ["closedwon", "closedlost", "", float("nan")],
    "全角/大小写": ["ＷＯＮ", " LOST ", "open", "空"],
    "IsWon 标志": [True, False, False, "false"],        # not won: lost when closed, open otherwise
}


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_outcome_spellings_give_the_same_forecast(name):
    t = fc.weighted_forecast(pipeline(SPELLINGS[name]), "2026-01-01")
    # 2025Q4: w won in full (100); 2026Q1: c commit 200 x 0.6 + b best 80 x 0.4 = 152; l (lost) not counted
    assert t["合计"].to_dict() == {"2025Q4": 100.0, "2026Q1": 152.0}
    assert fc.win_rate(pipeline(SPELLINGS[name])) == 0.5


def test_unknown_outcome_label_is_refused():
    with pytest.raises(InputError, match=r"unknown outcome labels.*'Stalled' \(1 行\).*expected.*Closed Won"):
        fc.weighted_forecast(pipeline(["Closed Won", "Stalled", "Open", "Open"]), "2026-01-01")
    with pytest.raises(InputError, match="pass closed="):
        fc.normalise_outcomes(pd.Series([True, False]))


def test_probability_outside_0_1_refused_on_every_path():
    bad = pipeline(SPELLINGS["中文"]).assign(probability=[1.0, 0.4, 1.7, 0.4])
    with pytest.raises(InputError, match=r"within \[0, 1\].*c=1.7"):
        fc.weighted_forecast(bad, "2026-01-01")
    for call in (lambda: fc.forecast_categories(bad, "2026-01-01"), lambda: fc.forecast_calls(bad, "2026-01-01"),
                 lambda: fc.weekly_review(bad, pd.DataFrame(columns=["opportunity_id", "stage", "entered"]),
                                          "2026-01-01"),
                 lambda: fc.stage_at(bad, pd.DataFrame({"opportunity_id": ["c"], "stage": ["谈判"],
                                                        "entered": [pd.Timestamp("2025-08-01")]}),
                                     "2025-09-01", {"谈判": 1.7})):
        with pytest.raises(InputError, match="probability must be within"):
            call()


def test_categories_calls_and_overdue_list():
    o = pipeline(SPELLINGS["中文"]).assign(expected_close=lambda f: f["expected_close"].where(
        f["opportunity_id"] != "b", pd.Timestamp("2025-10-15")))
    cats = fc.forecast_categories(o, "2026-01-01")
    assert cats.tolist() == ["已成交", "已输单", "承诺", "已忽略"]
    rules = fc.category_rules()
    assert rules.set_index("category").loc[["已输单", "已忽略"], "counted"].tolist() == ["否", "否"]
    calls = fc.forecast_calls(o, "2026-01-01").set_index("call")
    # 2026Q1: nothing won yet; commit c: 200 unweighted, 120 weighted; b is overdue and never counts
    assert calls.loc["承诺", ["amount", "weighted"]].tolist() == [200.0, 120.0]
    assert calls.loc["全部加权", ["amount", "weighted"]].tolist() == [200.0, 120.0]
    late = fc.overdue_deals(o, "2026-01-01")
    assert late[["opportunity_id", "owner", "amount", "days_overdue"]].values.tolist() == [["b", "乙", 80.0, 78]]


def test_backtest_decomposes_the_actual():
    d = pd.Timestamp
    o = pd.DataFrame({
        "opportunity_id": ["a", "b", "c", "e", "x"], "stage": ["赢单", "赢单", "赢单", "赢单", "方案"],
        "amount": [100.0, 50.0, 30.0, 20.0, 999.0], "probability": [1.0] * 4 + [0.4],
        "created": [d("2025-07-01"), d("2025-06-01"), d("2025-11-01"), d("2025-08-01"), d("2025-07-01")],
        "expected_close": [d("2025-11-15"), d("2025-09-01"), d("2025-12-01"), d("2026-03-01"), d("2025-11-01")],
        "closed": [d("2025-11-20"), d("2025-10-20"), d("2025-12-05"), d("2025-12-20"), d("2025-12-01")],
        "outcome": ["赢单", "赢单", "赢单", "赢单", "输单"]})
    h = pd.DataFrame({"opportunity_id": ["a", "b", "e", "x"], "stage": ["方案", "方案", "方案", "方案"],
                      "entered": [d("2025-07-01"), d("2025-06-01"), d("2025-08-01"), d("2025-07-01")]})
    bt = fc.backtest(o, h, ["2025Q4"], {"方案": 0.4, "赢单": 1.0}).iloc[0]
    # on 2025-10-01: a (due 11-15) and x (due 11-01) are open and due -> forecast 0.4 x (100 + 999) = 439.6
    assert bt["forecast"] == pytest.approx(439.6)
    # won in Q4: a 100 (pipeline) + e 20 (pipeline, pulled in from 2026Q1) + b 50 (overdue since 09-01) + c 30 (new)
    assert bt[["actual", "won_pipeline", "won_overdue", "won_new"]].tolist() == [200.0, 120.0, 50.0, 30.0]
    assert bt[["n_pipeline", "n_overdue", "n_new"]].tolist() == [2, 1, 1]
    assert bt["won_pipeline"] + bt["won_overdue"] + bt["won_new"] == bt["actual"]


def test_calibration_before_a_date_sees_only_closed_deals():
    history, still_open = four_stage_history()
    ids = history["opportunity_id"].unique()
    o = pd.DataFrame({"opportunity_id": ids, "outcome": ["进行中" if i in still_open else "x" for i in ids],
                      "closed": pd.NaT})
    depth = funnel.stage_depth(history, STAGES)
    o["outcome"] = [("进行中" if i in still_open else ("赢单" if depth[i] == 3 else "输单")) for i in ids]
    o["closed"] = [pd.NaT if i in still_open else pd.Timestamp("2025-06-01") for i in ids]
    # before 2025-06-01 nothing is closed; after it the 14 resolved deals give 4/14 from 线索 (as above)
    assert fc.calibrated_before(o, history, STAGES, "2025-07-01")["线索"] == pytest.approx(4 / 14)
    assert pd.isna(fc.calibrated_before(o, history, STAGES, "2025-06-01")["线索"])


def test_outcome_from_a_crm_stage_column():
    # Salesforce-style: no outcome column, the stage says Closed Won / Closed Lost
    o = pipeline(SPELLINGS["中文"]).drop(columns="outcome").assign(stage=["Closed Won", "Closed Lost", "谈判", "方案"])
    kept, _ = fc.validate_pipeline(o, ["线索", "方案", "谈判", "Closed Won"])
    assert kept["outcome"].tolist() == ["赢单", "输单", "进行中", "进行中"]
    assert fc.weighted_forecast(kept, "2026-01-01")["合计"].to_dict() == {"2025Q4": 100.0, "2026Q1": 152.0}
    # a "Closed Lost" row in the stage history is an outcome, not a stage: skipped
    h = pd.DataFrame({"opportunity_id": ["a", "a", "b"], "stage": ["线索", "Closed Lost", "线索"]})
    assert funnel.stage_depth(h, STAGES).to_dict() == {"a": 0, "b": 0}


def test_calls_weighted_with_calibrated_probabilities_keep_the_crm_categories():
    o = pipeline(SPELLINGS["中文"])
    calls = fc.forecast_calls(o, "2026-01-01", calibrated={"方案": 0.1, "谈判": 0.2, "赢单": 1.0}).set_index("call")
    # c (commit, 200) and b (best case, 80) keep their categories; weights 0.2 and 0.1 -> 40 and 8
    assert calls.loc["承诺", ["amount", "weighted", "weighted_calibrated"]].tolist() == [200.0, 120.0, 40.0]
    assert calls.loc["最佳情形", ["amount", "weighted", "weighted_calibrated"]].tolist() == [280.0, 152.0, 48.0]

"""Per-lesson alternative papermill runs: inputs other than the defaults and the
numbers the run must show.  A lesson without an entry is still run with
``output_dir`` set."""
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

GBK_LINES = [  # 单据日期, 客户名称, 货品名称, 价税合计 -- a report from another company
    ("2025-01-03", "甲公司", "智能门锁", "6,000.00"), ("2025-02-03", "甲公司", "智能门锁", "4,000.00"),
    ("2025-01-09", "乙公司", "智能门锁", "50,000"), ("2025-03-01", "丙公司", "智能门锁", "3,000"),
    ("2025-03-02", "丁公司", "智能门锁", "250,000"), ("2025-04-02", "丁公司", "智能门锁", "-5,000"),
    ("2025-04-05", "戊公司", "门禁系统", "80,000"), ("", "", "", ""), ("合计", "", "", "388,000"),
]


def gbk_sales(tmp_path):
    path = tmp_path / "另一家公司销售报表.csv"
    rows = ["单据日期,客户名称,货品名称,价税合计"] + [",".join(f'"{c}"' for c in r) for r in GBK_LINES]
    path.write_bytes("\n".join(rows).encode("gbk"))
    return path


def outputs_text(nb):
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@dataclass
class Case:
    parameters: Callable
    verify: Callable


def verify_08(out_dir, nb):
    table = pd.read_csv(out_dir / "revenue_buckets.csv", encoding="utf-8-sig")
    assert table["customers"].tolist() == [1, 1, 1, 0, 1]       # 丙 | 甲(=1万) | 乙(=5万) | - | 丁
    assert table["revenue"].tolist() == [3000, 10000, 50000, 0, 245000]
    assert {"customer_funnel.png", "revenue_buckets_bars.png", "customer_totals.csv"} <= {p.name for p in out_dir.iterdir()}
    text = outputs_text(nb)
    assert "智能门锁：客户 4 个，分段合计 4 个" in text
    assert "严格不等号漏掉了 2 个客户" in text
    assert "默认边界合适：人数最多的一段“1万以下”占 25%" in text              # four customers, one per bucket
    # 7 kept lines: 6,000 + 4,000 + 50,000 + 3,000 + 250,000 - 5,000 + 80,000; the file's 合计 line says 388,000
    assert "保留的明细 388,000.00 + 排除的明细 0.00 = 388,000.00；文件的合计行 388,000.00；相符" in text
    assert "✅ 练习 08.1" in text and "✅ 练习 08.2" in text and "✅ 练习 08.3" in text


def verify_00(out_dir, nb):
    overview = pd.read_csv(out_dir / "data_overview.csv", encoding="utf-8-sig")
    assert overview.iloc[0]["行数 rows"] == 7   # the seven kept lines of the GBK file (blank and 合计 excluded)
    assert (out_dir / "overview_funnel.png").stat().st_size > 10_000


ALT_RUNS = {
    "00": Case(lambda tmp: {"input_path": str(gbk_sales(tmp))}, verify_00),
    "08": Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "product": "智能门锁"}, verify_08),
}


def cdnow_csv(tmp_path):
    """The bundled CDNOW sample in dollars, written as an English-header CSV: another shape of data."""
    from cvwork.datasets import load_cdnow
    path = tmp_path / "cdnow_dollars.csv"
    load_cdnow()[["customer", "date", "amount"]].to_csv(path, index=False)
    return path


def verify_03(out_dir, nb):
    from cvwork.datasets import load_cdnow
    table = pd.read_csv(out_dir / "customer_clv.csv", encoding="utf-8-sig")
    assert len(table) == 2357 and (table["clv"] >= 0).all()
    assert table["clv"].is_monotonic_decreasing                                  # ranked by CLV
    assert abs(table["historical_value"].sum() - load_cdnow()["amount"].sum()) < 0.01   # independent total
    assert not (out_dir / "channel_economics.csv").exists()
    text = outputs_text(nb)
    median = table["clv"].sort_values(kind="stable").iloc[(len(table) - 1) // 2]
    assert f"本课只用一个数：中位数客户的 CLV = {median:,.2f} 美元" in text
    assert "分析日期 1998-07-01，客户 2,357 个" in text                           # the day after 1998-06-30
    assert "跳过渠道分析" in text and "CLV = 60 + 70/1.1 + 80/1.21 = 189.75 千元" in text
    for share in re.findall(r"的 (\d[\d,]*)%", text):                             # no "31663%" sentences
        assert int(share.replace(",", "")) <= 100, share


ALT_RUNS["03"] = Case(lambda tmp: {"input_path": str(cdnow_csv(tmp)), "customers_path": None, "currency": "美元",
                                   "margin": 0.25, "retention_cost_per_year": 5.0}, verify_03)


def verify_04(out_dir, nb):
    from cvwork import load_sample
    sales = load_sample("sales")
    table = pd.read_csv(out_dir / "rfm_table.csv", encoding="utf-8-sig")
    assert len(table) == sales.loc[sales["product"] == "云存储服务", "customer"].nunique()
    assert table[["R", "F", "M"]].isin(range(1, 6)).all().all()
    assert "分析日期 2025-12-31" in outputs_text(nb) or "分析日期 2026-01-01" in outputs_text(nb)


def verify_05(out_dir, nb):
    table = pd.read_csv(out_dir / "abc_table.csv", encoding="utf-8-sig")
    assert table["customer"].tolist() == ["丁公司", "戊公司", "乙公司", "甲公司", "丙公司"]
    assert table["abc_class"].tolist() == ["A", "A", "B", "C", "C"]          # a = 0.7, b = 0.9 by hand
    text = outputs_text(nb)
    assert "40.0% 的客户贡献了 70% 的销售额" in text and "✅ 练习 05.2" in text


ALT_RUNS["04"] = Case(lambda tmp: {"product": "云存储服务", "as_of": None}, verify_04)
ALT_RUNS["05"] = Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "a": 0.7, "b": 0.9}, verify_05)


def other_stage_model(tmp_path):
    """The 4-stage customer funnel of seed 004 with English-free ids, written as files."""
    stages = ["目标市场", "潜在客户", "目标客户", "签约客户"]
    depth = {"A": 4, "B": 3, "C": 2, "D": 2, "E": 1, "F": 1, "G": 1, "H": 4}
    rows = [(o, stages[k], f"2025-0{k + 1}-01") for o, d in depth.items() for k in range(d)]
    hist = tmp_path / "stages.csv"
    pd.DataFrame(rows, columns=["opportunity_id", "stage", "entered"]).to_csv(hist, index=False, encoding="utf-8-sig")
    opp = tmp_path / "opps.csv"
    pd.DataFrame({"opportunity_id": list(depth), "region": ["东", "东", "东", "东", "西", "西", "西", "西"],
                  "outcome": ["赢单", "输单", "输单", "进行中", "输单", "输单", "进行中", "赢单"]}).to_csv(
        opp, index=False, encoding="utf-8-sig")
    return {"opportunities_path": str(opp), "stages_path": str(hist), "stages": stages}


def verify_09(out_dir, nb):
    table = pd.read_csv(out_dir / "stage_conversion.csv", encoding="utf-8-sig")
    assert table["entered"].tolist() == [8, 5, 3, 2]
    assert table["bottleneck"].tolist() == [False, True, False, False]     # 3/5 < 5/8 < 2/3
    assert "总转化率 25.0%" in outputs_text(nb)


ALT_RUNS["09"] = Case(other_stage_model, verify_09)


def verify_10(out_dir, nb):
    forecast = pd.read_csv(out_dir / "weighted_forecast.csv", encoding="utf-8-sig")
    assert "2025Q3" in set(forecast["period"])
    text = outputs_text(nb)
    assert "2025Q3 的加权预测" in text and "指标 2,000,000 元" in text


ALT_RUNS["10"] = Case(lambda tmp: {"as_of": "2025-07-01", "quota": 2000000,
                                   "backtest_quarters": ["2025Q1", "2025Q2"]}, verify_10)


def small_survey(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"respondent": list("abcdef"), "score": [10, 9, 0, 7, None, 10],
                  "date": ["2025-01-05", "2025-02-01", "2025-02-03", "2025-04-01", "2025-04-02", "2025-05-01"],
                  "segment": ["大", "大", "小", "小", "小", "大"]}).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def verify_06(out_dir, nb):
    seg = pd.read_csv(out_dir / "nps_by_segment.csv", encoding="utf-8-sig").set_index("segment")
    assert seg.loc["大", "nps"] == 100 and seg.loc["小", "nps"] == -50      # 小: one detractor, one passive
    text = outputs_text(nb)
    assert "有效答卷 5 份（未作答 1 份）" in text and "NPS = 40.0" in text


def verify_07(out_dir, nb):
    stages = pd.read_csv(out_dir / "lifecycle_stages.csv", encoding="utf-8-sig")
    assert set(stages["stage"]) <= {"新客户", "活跃客户", "沉默客户", "流失客户"}   # no leads given
    assert len(stages) == 5                                                  # the five GBK customers
    assert "潜在客户" not in set(stages["stage"])


ALT_RUNS["06"] = Case(lambda tmp: {"survey_path": str(small_survey(tmp)), "trend_freq": "Q"}, verify_06)
ALT_RUNS["07"] = Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "leads_path": None, "as_of": "2025-12-31",
                                   "compare_from": "2025-03-01"}, verify_07)


def verify_01(out_dir, nb):
    steps = pd.read_csv(out_dir / "screening_steps.csv", encoding="utf-8-sig")
    assert steps["leads"].iloc[0] == steps["leads"].iloc[-1] + steps["lost"].sum()   # nothing disappears
    screened = pd.read_csv(out_dir / "screened_leads.csv", encoding="utf-8-sig")
    assert not screened.loc[screened["status"] == "合格", "industry"].isin(["制造"]).any()   # only 软件 is a target now
    assert "✅ 练习 01.2" in outputs_text(nb)


def verify_02(out_dir, nb):
    ranked = pd.read_csv(out_dir / "opportunity_ranking.csv", encoding="utf-8-sig")
    assert len(ranked) == 720                                           # all opportunities, not only open ones
    need_only = (ranked["need_specificity"] - 1) / 4 * 100
    assert ((ranked["score"] - need_only).abs() < 1e-9).all()           # the weight sits on one criterion
    assert "✅ 练习 02.3" in outputs_text(nb)


ALT_RUNS["01"] = Case(lambda tmp: {"industries": ["软件"], "min_employees": 100}, verify_01)
ALT_RUNS["02"] = Case(lambda tmp: {"only_open": False, "weights": {"need_specificity": 1.0}, "high": 80}, verify_02)


def verify_11(out_dir, nb):
    from cvwork import load_sample
    preds = pd.read_csv(out_dir / "customer_predictions.csv", encoding="utf-8-sig")
    sales = load_sample("sales")
    assert len(preds) == sales.loc[sales["date"] <= "2025-06-30", "customer"].nunique()
    assert preds["p_alive"].between(0, 1).all() and (preds["clv"] >= 0).all()
    assert "✅ 练习 11.2" in outputs_text(nb)


ALT_RUNS["11"] = Case(lambda tmp: {"transactions_path": "../data/sales_report.xlsx", "calibration_end": "2025-06-30",
                                   "holdout_end": "2025-12-31", "split_date": "2025-07-01"}, verify_11)


def verify_12(out_dir, nb):
    names = {p.name for p in out_dir.iterdir()}
    assert {"headline.csv", "revenue_buckets.csv", "abc_summary.csv", "clv_top10.csv"} <= names
    assert "nps.csv" not in names and "forecast.csv" not in names           # optional inputs were absent
    text = "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)
    assert "未提供满意度调查，跳过本节" in text and "未提供商机表，跳过本节" in text


ALT_RUNS["12"] = Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "product": "智能门锁", "as_of": "2025-12-31",
                                   "opportunities_path": None, "survey_path": None}, verify_12)

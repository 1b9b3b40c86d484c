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
    assert "✓ 练习 08.1" in text and "✓ 练习 08.2" in text and "✓ 练习 08.3" in text


def verify_00(out_dir, nb):
    overview = pd.read_csv(out_dir / "data_overview.csv", encoding="utf-8-sig")
    assert overview.iloc[0]["行数"] == 7   # the seven kept lines of the GBK file (blank and 合计 excluded)
    steps = pd.read_csv(out_dir / "funnel_steps.csv", encoding="utf-8-sig").set_index("漏斗层")["数量"]
    assert steps["客户：成交客户"] == 5 and steps["客户：回购客户（2 单以上）"] == 1   # 甲 (2 dates); 丁's return is no order
    assert "销售明细里有 5 家成交客户，其中 1 家买过 2 单以上" in outputs_text(nb)
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


RETAIL_LINES = """InvoiceNo,InvoiceDate,CustomerID,Amount
536365,2025-12-01 08:26,17850,100.00
536366,2025-12-01 15:10,17850,20.00
536500,2025-12-09 09:41,17850,60.00
536501,2025-12-09 10:00,13047,30.00
536502,2025-12-09 23:59,13047,45.00
536380,2025-11-05 11:00,12583,40.00
536390,2025-11-20 11:00,12583,40.00
536503,2025-12-09 12:00,12583,40.00
536504,2025-12-09 13:00,14688,200.00
C536504,2025-12-10 09:00,14688,-50.00
536300,2025-10-01 14:00,15311,90.00
536505,2025-12-09 16:00,15311,90.00
"""


def retail_csv(tmp_path):
    """A small retail export: invoice times, two lines on one day, a cancellation (C...) after the last purchase."""
    path = tmp_path / "online_retail.csv"
    path.write_text(RETAIL_LINES, encoding="utf-8")
    return path


def verify_04(out_dir, nb):
    table = pd.read_csv(out_dir / "rfm_table.csv", encoding="utf-8-sig", dtype={"customer": str}).set_index("customer")
    # by hand: everyone's last purchase day is 2025-12-09; the C invoice on the 10th moves as_of, not recency
    assert (table["recency_days"] == 2).all() and (table["R"] == 3).all()           # all tied -> the middle score
    assert table["frequency"].to_dict() == {"12583": 3, "13047": 1, "14688": 1, "15311": 2, "17850": 2}
    assert table["F"].to_dict() == {"12583": 5, "13047": 2, "14688": 2, "15311": 4, "17850": 4}
    assert table["monetary"].to_dict() == {"12583": 120, "13047": 75, "14688": 150, "15311": 180, "17850": 180}
    assert table["M"].to_dict() == {"12583": 2, "13047": 1, "14688": 3, "15311": 5, "17850": 5}
    assert set(table["segment"]) == {"忠诚客户", "需要关注"}                         # nobody 流失 / 不能失去
    text = outputs_text(nb)
    assert "分析日期 2025-12-11，客户 5 个" in text
    assert "按单据编号数会比购买天数多的客户：2 个" in text and "退货或取消的行：1 行" in text   # 17850 and 13047: 2 invoices a day
    assert "冠军客户 占客户的" not in text and "✓ 练习 04.4" in text
    assert "右上角 R5/F5（最近买过、买得多：最好的客户）：0 个客户，销售额 0 英镑" in text      # in the data's currency


def verify_05(out_dir, nb):
    from cvwork.datasets import load_cdnow
    table = pd.read_csv(out_dir / "abc_table.csv", encoding="utf-8-sig", dtype={"customer": str})
    revenue = load_cdnow().groupby("customer")["amount"].sum().sort_values(ascending=False, kind="stable")
    before = revenue.cumsum() / revenue.sum() - revenue / revenue.sum()
    point = (before < 0.7 - 1e-12).mean()                                         # independent Pareto point
    assert (table["abc_class"] == "A").sum() == (before < 0.7 - 1e-12).sum()
    quads = pd.read_csv(out_dir / "value_quadrants.csv", encoding="utf-8-sig", dtype={"customer": str})
    days = load_cdnow().groupby(["customer", "date"])["amount"].sum().reset_index()
    days = days[days["amount"] > 0]
    now = set(days.loc[days["date"] >= "1997-07-01", "customer"])
    earlier = set(days.loc[(days["date"] >= "1996-07-01") & (days["date"] < "1997-07-01"), "customer"])
    counts = quads["quadrant"].value_counts()
    assert counts["流失客户"] == len(earlier - now) == 1537                        # no purchase in the last year
    assert counts["明星客户"] == 305 and counts["明星客户"] < len(quads) / 2         # not every customer is a star
    assert quads.loc[quads["quadrant"] == "新客户", "growth"].isna().all()           # no growth pinned at +1
    text = outputs_text(nb)
    assert f"{point:.1%} 的客户贡献了 70% 的销售额" in text and "✓ 练习 05.2" in text
    assert "单独成组：流失客户 1,537 个（本窗口没有购买）" in text and "明星 305" in text
    assert "分析日期 1998-07-01" in text and "✓ 练习 05.4" in text


ALT_RUNS["04"] = Case(lambda tmp: {"input_path": str(retail_csv(tmp)), "currency": "英镑"}, verify_04)
ALT_RUNS["05"] = Case(lambda tmp: {"input_path": str(cdnow_csv(tmp)), "a": 0.7, "b": 0.9, "currency": "美元"}, verify_05)


CRM_STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"]
CRM_PROB = {"Prospecting": 10, "Qualification": 20, "Proposal": 50, "Negotiation": 80, "Closed Won": 100, "Closed Lost": 0}
#: (furthest stage reached, deals lost there, deals still open there); then 16 won
CRM_PLAN = [(1, 10, 4), (2, 6, 3), (3, 12, 4), (4, 3, 2)]


def crm_deals():
    """60 deals as a Salesforce-style export would hold them (deterministic, no randomness)."""
    kinds = [(d, "lost") for d, lost, _ in CRM_PLAN for _ in range(lost)]
    kinds += [(d, "open") for d, _, n_open in CRM_PLAN for _ in range(n_open)] + [(5, "won")] * 16
    day = pd.Timedelta(days=1)
    rows, hist = [], []
    for k, (depth, kind) in enumerate(kinds):
        p = (k * 7) % 60                                     # spreads creation dates over the kinds
        created = pd.Timestamp("2024-07-01") + 4 * p * day
        entries = [created + 20 * j * day for j in range(depth)]
        closed = {"won": entries[-1], "lost": entries[-1] + 10 * day, "open": pd.NaT}[kind]
        if kind == "open":
            expected = pd.Timestamp(["2025-05-15", "2025-08-15", "2025-11-30"][p % 3])
        else:
            early = closed - 40 * day                          # a third of the closed deals had slipped
            expected = early if p % 3 == 0 and early >= created else closed
        stage = {"won": "Closed Won", "lost": "Closed Lost", "open": CRM_STAGES[depth - 1]}[kind]
        oid = f"OPP-{k + 1:03d}"
        rows.append({"Opportunity ID": oid, "Opportunity Name": f"Deal {k + 1}", "Account Name": f"Account {p % 11}",
                     "Stage": stage, "Amount": 10_000 * (1 + p % 9), "Probability": CRM_PROB[stage],
                     "Created Date": created.date(), "Close Date": expected.date(),
                     "Actual Close Date": closed.date() if kind != "open" else "",
                     "Opportunity Owner": ["Alice", "Bob", "Chen"][p % 3], "Region": ["East", "West"][k % 2]})
        hist += [{"Opportunity ID": oid, "Stage": CRM_STAGES[j], "Date": e.date()} for j, e in enumerate(entries)]
        if kind == "lost":
            hist.append({"Opportunity ID": oid, "Stage": "Closed Lost", "Date": closed.date()})
    return pd.DataFrame(rows), pd.DataFrame(hist)


def english_crm_pipeline(tmp_path):
    """The 60 deals written as a CRM would export them: English headers, Closed Won / Closed Lost
    in the Stage column (no outcome column), probabilities in percent, a stage history with a
    Closed Lost row for each lost deal."""
    opps, hist = crm_deals()
    paths = tmp_path / "Opportunities.csv", tmp_path / "Opportunity Stage History.csv"
    opps.to_csv(paths[0], index=False)
    hist.to_csv(paths[1], index=False)
    return {"opportunities_path": str(paths[0]), "stages_path": str(paths[1]), "stages": CRM_STAGES}


def verify_09(out_dir, nb):
    table = pd.read_csv(out_dir / "stage_conversion.csv", encoding="utf-8-sig")
    # from CRM_PLAN by hand: entered = everything that got at least that far
    assert table["entered"].tolist() == [60, 46, 37, 21, 16]
    assert table["open"].tolist() == [4, 3, 4, 2, 0] and table["lost"].iloc[:4].tolist() == [10, 6, 12, 3]
    assert table["bottleneck"].tolist() == [False, False, True, False, False]   # 21/33 on resolved deals
    cells = pd.read_csv(out_dir / "conversion_by_group.csv", encoding="utf-8-sig")
    assert cells.groupby("transition", sort=False)["advanced"].sum().tolist() == [46, 37, 21, 16]
    text = outputs_text(nb)
    assert "总转化率 26.7%（各阶段按进入的转化率相乘 = 26.7%）；13 个商机仍在进行中" in text     # 16/60
    # Wilson on 21/33: centre (0.6364 + 0.0582) / 1.1164 = 0.6222, half 1.7556 x sqrt(0.007012 + 0.000882) = 0.1560
    assert ("瓶颈：Proposal → Negotiation。已结束的 33 个商机里 21 个推进，转化率 63.6%（95% 区间 46.6%–77.8%）；"
            "流失 12 个，占进入的 32.4%；按进入算的转化率是 56.8%。") in text
    assert "其他阶段的已结束转化率在 82.1%–86.0% 之间；瓶颈的区间和其他阶段有重叠" in text   # 46/56, 37/43
    assert "不参与瓶颈判断的阶段：Negotiation。" in text                                  # 16 + 3 = 19 < 20
    assert "✓ 练习 09.3" in text or "没有一格" in text


ALT_RUNS["09"] = Case(english_crm_pipeline, verify_09)


def verify_10(out_dir, nb):
    opps, _ = crm_deals()                       # the exported rows, read here without cvwork
    stamp = pd.Timestamp("2025-07-01")
    is_open = ~opps["Stage"].isin(["Closed Won", "Closed Lost"])
    late = opps[is_open & (pd.to_datetime(opps["Close Date"]) < stamp)]
    won = opps[opps["Stage"] == "Closed Won"].assign(closed=lambda f: pd.to_datetime(f["Actual Close Date"]))
    actual = {q: won.loc[won["closed"].dt.to_period("Q") == q, "Amount"].sum() for q in ("2025Q1", "2025Q2")}
    bt = pd.read_csv(out_dir / "backtest.csv", encoding="utf-8-sig").set_index("quarter")
    assert bt["actual"].to_dict() == actual == {"2025Q1": 240_000, "2025Q2": 190_000}
    assert (bt["won_pipeline"] + bt["won_overdue"] + bt["won_new"]).to_dict() == actual
    overdue = pd.read_csv(out_dir / "overdue_deals.csv", encoding="utf-8-sig")
    assert sorted(overdue["opportunity_id"]) == sorted(late["Opportunity ID"]) and len(late) == 4
    text = outputs_text(nb)
    assert "商机 60 个，保留 60 个，排除 0 个（成交日期早于创建日期）；赢单 16、输单 31、进行中 13。" in text
    assert "同一阶段的商机概率相同：Prospecting 10%，Qualification 20%，Proposal 50%，Negotiation 80%" in text
    share = len(late) / is_open.sum()
    assert f"{len(late)} 个进行中的商机预计成交日已过，占进行中商机的 {share:.0%}；金额 {late['Amount'].sum():,.0f} 元" in text
    assert "2025Q3（季度指标 200,000 元）：承诺 70,000 元（不加权）" in text        # the two Negotiation deals due in Q3
    assert "赢单率 34.0%" in text                                                  # 16 / (16 + 31)
    assert "回测期实际赢单 430,000 元：季初管道内的商机 86%，季初已逾期（已忽略）的商机 9%，季内新建的商机 5%。" in text
    assert "逾期商机贡献最多的是 2025Q2：3 单赢单中 1 单在季初已逾期，金额 40,000 元。" in text
    assert "✓ 练习 10.2" in text


ALT_RUNS["10"] = Case(lambda tmp: {**english_crm_pipeline(tmp), "as_of": "2025-07-01", "quota": 200000,
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
    assert "有效答卷 5 份（未作答 1 份，其他原因排除 0 份）" in text and "NPS = 40.0" in text
    assert "调查只覆盖一个年份" in text                                      # all answers are from 2025
    # 大: se 0; 小: p = 0, d = 1/2, se = 100 sqrt((0.5 - 0.25) / 2) = 35.36 -> 150 +- 1.96 x 35.36
    assert "差 150.0 分，差值的 95% 区间 [80.7, 219.3]，不包含 0" in text


def verify_07(out_dir, nb):
    stages = pd.read_csv(out_dir / "lifecycle_stages.csv", encoding="utf-8-sig")
    assert len(stages) == 5 and set(stages["stage"]) == {"沉默客户"}     # five GBK customers, all 270-356 days
    calls = pd.read_csv(out_dir / "call_list.csv", encoding="utf-8-sig")
    # 丁 (245,000 net) bought on 2025-03-02; its return on 2025-04-02 is not activity: 304 days, not 273
    assert calls.loc[0, "customer"] == "丁公司" and calls.loc[0, "days_since_last"] == 304
    text = outputs_text(nb)
    assert "还没有完整的可观察期间：数据不足一年，流失无法判断" in text
    assert "✓ 练习 07.1" in text and "✓ 练习 07.3" in text


ALT_RUNS["06"] = Case(lambda tmp: {"survey_path": str(small_survey(tmp)), "trend_freq": "Q"}, verify_06)
ALT_RUNS["07"] = Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "leads_path": None, "as_of": "2025-12-31",
                                   "compare_from": "2025-03-01"}, verify_07)


CRM_LEADS = [  # 线索编号, 公司名称, 联系人, 手机, 邮箱, 所属行业, 员工人数, 办公地点数, 基础信息化, 财务状况, 线索来源, 区域, 创建时间
    ("X1", "甲软件有限公司", "张三", 13800000001, None, "软件", 150, 3, "是", "良好", "展会", "华东", "2025-01-05 09:30:00"),
    ("X2", "甲软件有限责任公司", "张三", 13800000001, None, "软件", 150, 3, "是", "良好", "官网", "华东", "2025-02-01 10:00:00"),
    ("X3", "乙制造有限公司", "李四", 13800000002, None, "制造", 500, 5, "是", "良好", "展会", "华北", "2025-01-06"),
    ("X4", "丙软件有限公司", "王五", 12345, None, "软件", 300, 3, "是", "良好", "电话营销", "华南", "2025-01-07"),
    ("X5", "丁软件有限公司", "赵六", 13800000004, None, "软件", 50, 2, "是", "良好", "官网", "华东", "2025-01-08"),
    ("X6", "戊软件有限公司", "钱七", None, "qian@wu.com", "软件", 300, 1, "是", "良好", "展会", "华东", "2025-01-09"),
    ("X7", "己软件有限公司", "孙八", 13800000006, None, "软件", None, 4, "是", "良好", "转介绍", "西南", "2025-01-10"),
    ("X8", "庚软件有限公司", "周九", 13800000007, None, "软件", 120, 2, "否", "良好", "展会", "华东", "2025-01-11"),
]


def crm_leads(tmp_path):
    """A CRM export of leads: a title row, Chinese headers, phones stored as numbers."""
    path = tmp_path / "线索导出.xlsx"
    header = ["线索编号", "公司名称", "联系人", "手机", "邮箱", "所属行业", "员工人数", "办公地点数", "基础信息化",
              "财务状况", "线索来源", "区域", "创建时间"]
    rows = [["线索导出（2025年1月）"] + [None] * 12, [None] * 13, header] + [list(r) for r in CRM_LEADS]
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    return str(path)


def verify_01(out_dir, nb):
    steps = pd.read_csv(out_dir / "screening_steps.csv", encoding="utf-8-sig")
    assert steps["leads"].iloc[0] == steps["leads"].iloc[-1] + steps["lost"].sum()   # nothing disappears
    # by hand: X4 invalid (bad phone, no email); X2 duplicates X1 (same name key and phone, later);
    # X3 wrong industry, X5 fewer than 100 staff, X6 one site, X8 no IT basics; X1 and X7 (staff unknown) qualify
    assert steps["leads"].tolist() == [8, 7, 6, 2]
    screened = pd.read_csv(out_dir / "screened_leads.csv", encoding="utf-8-sig", dtype=str).set_index("lead_id")
    assert screened["status"].to_dict() == {"X1": "合格", "X2": "重复", "X3": "不匹配", "X4": "无效", "X5": "不匹配",
                                            "X6": "不匹配", "X7": "合格", "X8": "不匹配"}
    assert screened.loc["X1", "phone"] == "13800000001"                # a phone stored as a number keeps its digits
    text = outputs_text(nb)
    assert "线索 8 条：合格 2，不匹配 4，无效 1，重复 1（合计 8）" in text and "✓ 练习 01.2" in text


def with_authority(tmp_path):
    """The sample opportunities plus a user-defined 1-5 'authority' column (met the decision maker?)."""
    from pathlib import Path
    opps = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "opportunities.csv", encoding="utf-8-sig")
    opps["authority"] = opps["urgency"] % 5 + 1                          # any 1-5 column will do
    # exported from a Chinese CRM: its own header names, GBK, probability in percent
    crm = {"opportunity_id": "商机编号", "customer": "客户名称", "region": "区域", "owner": "负责人", "stage": "销售阶段",
           "amount": "商机金额", "probability": "赢率(%)", "created": "创建日期", "expected_close": "预计成交日期",
           "closed": "关闭日期", "outcome": "结果", "need_specificity": "需求明确度", "urgency": "紧迫度",
           "budget": "客户预算", "past_purchases": "历史购买次数", "interactions_90d": "近90天互动次数",
           "shortlisted_vendors": "入围供应商数"}
    opps["probability"] = (opps["probability"] * 100).round(6)
    path = tmp_path / "商机导出.csv"
    opps.rename(columns=crm).to_csv(path, index=False, encoding="gbk")
    return str(path)


def verify_02(out_dir, nb):
    ranked = pd.read_csv(out_dir / "opportunity_ranking.csv", encoding="utf-8-sig")
    assert len(ranked) == 720                                           # all opportunities, not only open ones
    need, authority = (ranked["need_specificity"] - 1) / 4 * 100, (ranked["authority"] - 1) / 4 * 100
    assert ((ranked["score"] - (need + authority) / 2).abs() < 1e-9).all()   # equal weights on two criteria
    assert ((ranked["expected_value"] - ranked["amount"] * ranked["probability"]).abs() < 1e-6).all()
    stability = pd.read_csv(out_dir / "rank_stability.csv", encoding="utf-8-sig")
    assert "决策权" in set(stability["criterion"]) and len(stability) == 12
    text = outputs_text(nb)
    assert "✓ 练习 02.3" in text and "+ 决策权" in text


ALT_RUNS["01"] = Case(lambda tmp: {"leads_path": crm_leads(tmp), "industries": ["软件"], "min_employees": 100},
                      verify_01)
ALT_RUNS["02"] = Case(lambda tmp: {"opportunities_path": with_authority(tmp), "only_open": False, "high": 80,
                                   "weights": {"need_specificity": 1.0, "authority": 1.0},
                                   "custom_criteria": {"authority": ["决策权", 1, 5]}}, verify_02)


def verify_11(out_dir, nb):
    """The course's B2B file, one year of calibration: the 30% over-prediction and why."""
    from cvwork import load_sample
    preds = pd.read_csv(out_dir / "customer_predictions.csv", encoding="utf-8-sig")
    sales = load_sample("sales")
    day = sales.assign(day=sales["date"].dt.normalize()).groupby(["customer", "day"])["amount"].agg(["sum", "min"])
    bought = day[(day["sum"] > 0) | ((day["sum"] == 0) & (day["min"] == 0))].reset_index()   # returns are not purchases
    first = bought.groupby("customer")["day"].min()
    cohort = first[first <= "2024-12-31"].index
    later = bought[bought["customer"].isin(cohort) & (bought["day"] > "2024-12-31") & (bought["day"] <= "2025-12-31")]
    assert len(preds) == len(cohort) == 740
    assert preds["frequency_holdout"].sum() == len(later) == 6282
    assert preds["p_alive"].between(0, 1).all() and (preds["predictive_clv"] >= 0).all()
    table = pd.read_csv(out_dir / "model_comparison.csv", encoding="utf-8-sig").set_index("model")
    assert (table["holdout_actual"] == 6282).all()
    assert 0.25 < table.loc["BG/NBD", "holdout_error"] < 0.35                  # the ~30% over-prediction
    text = outputs_text(nb)
    assert f"验证期实际购买 6,282 次" in text and f"BG/NBD {table.loc['BG/NBD', 'holdout_error']:+.1%}" in text
    assert "这不是 CDNOW 数据，所以不和论文的数字比较" in text and "单位：元" in text
    assert "结论：校准期拟合得好，偏差出在校准期之后，而且 8 组里有 8 组被高估" in text and "既看不到校准期末的旺季" in text
    assert "未提供对照数据，跳过本节" in text
    assert "⚠️ 复购次数与平均消费额的相关系数为 0.50" in text and "平均客单价也越高" in text   # spend grows with frequency
    assert "✓ 练习 11.2" in text and "✓ 练习 11.4" in text


ALT_RUNS["11"] = Case(lambda tmp: {"transactions_path": "../data/sales_report.xlsx", "calibration_end": "2024-12-31",
                                   "holdout_end": "2025-12-31", "compare_path": None, "split_date": "2025-07-01"},
                      verify_11)


def verify_12(out_dir, nb):
    names = {p.name for p in out_dir.iterdir()}
    assert {"headline.csv", "revenue_buckets.csv", "abc_summary.csv", "clv_top10.csv"} <= names
    assert "nps.csv" not in names and "forecast.csv" not in names           # optional inputs were absent
    text = "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)
    assert "未提供满意度调查，跳过本节" in text and "未提供商机表，跳过本节" in text


ALT_RUNS["12"] = Case(lambda tmp: {"input_path": str(gbk_sales(tmp)), "product": "智能门锁", "as_of": "2025-12-31",
                                   "opportunities_path": None, "survey_path": None}, verify_12)


def verify_13(out_dir, nb):
    """CDNOW in dollars as the seed, three branches: branch 01 is the file itself, so its customers' totals
    are checked against CDNOW read here; every engine must give pandas' customers, scores and segments."""
    from cvwork.datasets import load_cdnow
    cdnow = load_cdnow()
    engines = pd.read_csv(out_dir / "engine_comparison.csv", encoding="utf-8-sig").set_index("engine")
    assert engines.index.tolist() == ["pandas", "Polars", "DuckDB", "Spark"]
    assert (engines["customers"] == 3 * 2357).all() and engines["agrees"].all()
    assert engines["result_type"].tolist() == ["pandas.DataFrame", "polars.LazyFrame", "duckdb.DuckDBPyRelation",
                                               "pyspark.DataFrame"]                 # the kind given comes back
    assert engines["lazy"].tolist() == [False, True, True, True]
    table = pd.read_csv(out_dir / "rfm_table_duckdb.csv", encoding="utf-8-sig", dtype={"customer": str})
    first = table[table["customer"].str.endswith("·01")].set_index("customer")["monetary"]
    first.index = first.index.str[:-3]
    truth = cdnow.groupby("customer")["amount"].sum()
    assert len(first) == 2357 and (first - truth.reindex(first.index)).abs().max() < 1e-6     # the original branch
    # an independent Pareto count on the DuckDB totals: A while the share before a customer is below 80%
    revenue = table["monetary"].round(2).sort_values(ascending=False, kind="stable").clip(lower=0)
    a_count = int((((revenue.cumsum() - revenue) / revenue.sum()) < 0.8 - 1e-12).sum())
    assert (engines["a_customers"] == a_count).all()
    text = outputs_text(nb)
    assert "种子报表 6,919 行、2,357 个客户；复制成 3 家分公司后 20,757 行、7,071 个客户。" in text
    assert "分析日期 1998-07-01" in text and "4 个引擎得到同样的 7,071 个客户、得分和客户群" in text
    assert "完全相同" in text and "完全一致" in text and "✓ 练习 13.1" in text and "✓ 练习 13.2" in text


ALT_RUNS["13"] = Case(lambda tmp: {"input_path": str(cdnow_csv(tmp)), "copies": 3, "seed": 7, "currency": "美元"},
                      verify_13)

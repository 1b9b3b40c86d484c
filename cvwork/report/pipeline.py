"""Pipeline and satisfaction sections of the management report (lessons 09, 10 and 06's functions)."""
from __future__ import annotations

import pandas as pd

from cvwork.report.kpis import Periods
from cvwork.report.sections import Section


def stage_order(opps: pd.DataFrame) -> list[str]:
    """Stages by probability, lowest first (lesson 12's rule), without lost stages."""
    from cvwork import forecast as fc

    order = list(dict.fromkeys(opps.sort_values("probability", kind="stable")["stage"].dropna()))
    lost = fc.is_lost_stage(pd.Series(order, dtype=object))
    return [s for s, gone in zip(order, lost) if not gone]


def _funnel(sec: Section, opps: pd.DataFrame, history: pd.DataFrame | None, stages: list[str]) -> None:
    from cvwork import charts, funnel
    from cvwork import forecast as fc

    still_open = opps.loc[opps["outcome"] == fc.OPEN, "opportunity_id"]
    source = history if history is not None else opps[["opportunity_id", "stage"]].assign(entered=pd.Timestamp("2000-01-01"))
    table = funnel.stage_conversion(source, stages, still_open=still_open)
    sec.sheets["阶段漏斗"] = table
    sec.figures.append(("销售漏斗与阶段转化率", charts.conversion_funnel(table)))
    where = "商机阶段记录" if history is not None else "商机表的当前阶段（没有阶段记录：输单商机算在它最后所处的阶段）"
    neck = table[table["bottleneck"]]
    if len(neck):
        row = neck.iloc[0]
        nxt = stages[stages.index(row["stage"]) + 1]
        sec.text.append(f"阶段转化（按{where}，只算已结束的商机）：瓶颈在 {row['stage']} → {nxt}，已结束的 "
                        f"{int(row['resolved'])} 个商机中推进 {int(row['advanced'])} 个，转化率 {row['resolved_conversion']:.0%}"
                        f"（95% 区间 {row['resolved_low']:.0%}–{row['resolved_high']:.0%}）。")
        sec.facts["bottleneck"] = f"{row['stage']} → {nxt}"
    else:
        sec.text.append(f"阶段转化（按{where}）：已结束的商机太少，不判断瓶颈。")


def _forecast(sec: Section, opps: pd.DataFrame, end: pd.Timestamp, quota: float | None) -> None:
    from cvwork import forecast as fc

    opps = opps.assign(category=fc.forecast_categories(opps, end))
    calls = fc.forecast_calls(opps, end)
    quarter = str(end.to_period("Q"))
    counted = opps["category"].isin(["承诺", "最佳", "管道"])
    due = opps[counted & (opps["expected_close"].dt.to_period("Q") == end.to_period("Q"))]
    won_q = float(opps.loc[(opps["category"] == "已成交") & (opps["closed"].dt.to_period("Q") == end.to_period("Q")),
                           "amount"].sum())
    c = calls.set_index("call")
    line = (f"{quarter} 预测：承诺 {c.loc['承诺', 'amount']:,.0f} 元，最佳情形 {c.loc['最佳情形', 'amount']:,.0f} 元，"
            f"全部加权 {c.loc['全部加权', 'weighted']:,.0f} 元；本季度到期的未关闭管道 {due['amount'].sum():,.0f} 元"
            f"（{len(due)} 个商机），本季度已成交 {won_q:,.0f} 元。")
    if quota:
        calls["attainment"] = calls["amount"] / quota
        cover = fc.coverage(due["amount"].sum(), quota, won_q)
        sec.facts["coverage"] = cover
        line += (f"对照季度指标 {quota:,.0f} 元：承诺完成 {c.loc['承诺', 'amount'] / quota:.0%}，最佳情形 "
                 f"{c.loc['最佳情形', 'amount'] / quota:.0%}；管道覆盖率 {cover:.1f} 倍（一般希望 3 倍左右）。")
    else:
        line += "没有给出 --quota 季度指标，不计算完成率和覆盖率。"
    sec.text.append(line)
    sec.sheets["预测类别"] = calls
    sec.tables.append((f"{quarter} 预测口径", calls))
    sec.facts["quarter"] = quarter


def pipeline_section(opps: pd.DataFrame | None, history: pd.DataFrame | None, end: pd.Timestamp,
                     quota: float | None, scope_note: str) -> Section:
    """Stage funnel and bottleneck, forecast against quota, coverage, overdue and top open deals."""
    from cvwork import forecast as fc

    if opps is None:
        return Section("销售管道", skipped="未提供商机表（--opportunities），跳过本节。")
    sec = Section("销售管道")
    stages = stage_order(opps)
    opps, excluded = fc.validate_pipeline(opps, stages)
    n = opps["outcome"].value_counts().reindex([fc.WON, fc.LOST, fc.OPEN], fill_value=0)
    sec.text.append(f"{scope_note}商机 {len(opps):,} 个（另有 {len(excluded)} 个因日期错误被排除）：赢单 {n[fc.WON]:,}、"
                    f"输单 {n[fc.LOST]:,}、进行中 {n[fc.OPEN]:,}；赢单率 {fc.win_rate(opps):.0%}。")
    _funnel(sec, opps, history, stages)
    _forecast(sec, opps, end, quota)
    late = fc.overdue_deals(opps, end)
    sec.add_list("逾期商机", late, "逾期商机：进行中，预计成交日期已过（金额大的在前）")
    live = opps[opps["outcome"] == fc.OPEN]
    cols = [c for c in ("opportunity_id", "customer", "owner", "stage", "amount", "probability", "expected_close")
            if c in live]
    top = live.sort_values(["amount", "opportunity_id"], ascending=[False, True], kind="stable")[cols]
    top = top[top["expected_close"] >= end].head(20)
    sec.add_list("重点商机", top, "金额最大的未逾期进行中商机")
    if history is not None:
        review = fc.weekly_review(opps, history, (end - pd.Timedelta(days=1)).strftime("%Y-%m-%d"), days=30)
        review = review.rename(columns={"open": "进行中商机", "moved": "近30天推进", "won": "近30天赢单",
                                        "lost": "近30天输单", "slipped": "已逾期商机"})
        sec.sheets["近30天变化"] = review
        sec.tables.append(("近 30 天各销售的管道变化（推进、赢单、输单、逾期）", review))
    return sec


def satisfaction_section(survey: pd.DataFrame | None, p: Periods, owners: pd.Series | None,
                         revenue: pd.Series | None, scope_note: str) -> Section:
    """NPS of this period with its interval, the change against the previous period, by segment; detractors."""
    from cvwork import nps as npsm

    if survey is None:
        return Section("客户满意度", skipped="未提供满意度调查（--survey），跳过本节。")
    sec = Section("客户满意度")
    dated = "date" in survey and survey["date"].notna().any()
    now = survey[(survey["date"] >= p.start) & (survey["date"] < p.end)] if dated else survey
    before = survey[(survey["date"] >= p.previous) & (survey["date"] < p.start)] if dated else survey.iloc[:0]
    if not len(now):
        sec.text.append(f"本期（{p.label()}）没有答卷。")
        return sec
    cur = npsm.nps(now["score"])
    line = (f"{scope_note}本期（{p.label()}）NPS {cur.score:.1f}（95% 区间 {cur.ci_low:.1f} 至 {cur.ci_high:.1f}，"
            f"{cur.n} 份有效答卷）；推荐者 {cur.p_promoters:.0%}，贬损者 {cur.p_detractors:.0%}。")
    rows = [{"period": p.label(), **cur.as_dict()}]
    if len(before):
        prev = npsm.nps(before["score"])
        d = npsm.nps_difference(cur, prev)
        rows.append({"period": p.label("previous"), **prev.as_dict()})
        line += (f"上期 {prev.score:.1f}，变化 {d.difference:+.1f} 分（95% 区间 {d.ci_low:+.1f} 至 {d.ci_high:+.1f}，"
                 + ("区间不含 0，变化可信）。" if d.excludes_zero else "区间含 0，还不能说有变化）。"))
        sec.facts["nps_change"] = d.difference
    sec.text.append(line)
    sec.facts["nps"] = cur.score
    sec.sheets["NPS"] = pd.DataFrame(rows)
    if "segment" in now:
        by = npsm.nps_by(now, "segment")
        sec.sheets["分群 NPS"] = by
        sec.tables.append(("各客户群的 NPS（本期）", by))
    bad = now[now["score"] <= 6]
    cols = [c for c in ("customer", "respondent", "score", "date", "segment", "comment") if c in bad]
    bad = bad[cols].copy()
    if "customer" in bad:
        if owners is not None:
            bad.insert(1, "owner", bad["customer"].map(owners))
        if revenue is not None:
            bad.insert(2, "revenue", bad["customer"].map(revenue))
    keys = [c for c in ("revenue", "score") if c in bad]
    bad = bad.sort_values(keys, ascending=[k == "score" for k in keys], kind="stable") if keys else bad
    sec.add_list("贬损者", bad, "本期的贬损者（0–6 分，销售额大的客户在前）")
    return sec

"""Sections of the management report and the customer-value section.

A :class:`Section` holds what a reader sees (paragraphs, a few table previews, figures) and the
sheets it adds to the workbook; ``lists`` are the sheets people act on (name -> rows), which the
actions section and the text cite.  Every number comes from the package functions the lessons use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cvwork.errors import InputError

#: how many rows of a list the HTML shows (the workbook has them all)
PREVIEW = 10
#: RFM segments counted as "at risk" for A customers (lesson 04)
RISK_SEGMENTS = ("高危客户", "不能失去")


@dataclass
class Section:
    """One report section; ``skipped`` is the one line shown instead when its input is absent."""
    title: str
    text: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[tuple[str, Any]] = field(default_factory=list)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None

    def add_list(self, name: str, frame: pd.DataFrame, caption: str) -> None:
        """A list people act on: a sheet with every row, a preview in the HTML."""
        frame = frame.reset_index(drop=True)
        self.sheets[name] = frame
        self.lists[name] = len(frame)
        if len(frame):
            more = f"（前 {PREVIEW} 个，共 {len(frame)} 个，完整名单见 Excel 工作表“{name}”）" if len(frame) > PREVIEW \
                else f"（共 {len(frame)} 个，见 Excel 工作表“{name}”）"
            self.tables.append((caption + more, frame.head(PREVIEW)))


def _with_owner(frame: pd.DataFrame, owners: pd.Series | None) -> pd.DataFrame:
    """Add the owner (销售员) after the customer column when the data has one."""
    if "owner" in frame:
        return frame[["customer", "owner", *[c for c in frame if c not in ("customer", "owner")]]]
    if owners is None:
        return frame
    out = frame.copy()
    out.insert(1, "owner", out["customer"].map(owners))
    return out


def _overview(sec: Section, upto: pd.DataFrame, scoped: pd.DataFrame, product: str | None) -> tuple:
    """Revenue buckets (lesson 08), ABC and the Pareto curve (lesson 05); returns what the lists need."""
    from cvwork import abc, charts
    from cvwork.buckets import choose_edges
    from cvwork.funnel import customer_buckets, revenue_buckets

    choice = choose_edges(upto, product)
    buckets = revenue_buckets(upto, product=product, edges=choice.edges)
    totals = customer_buckets(upto, product=product, edges=choice.edges)
    abc_table = abc.abc_analysis(scoped)
    crowd = buckets.loc[buckets["customers"].idxmax()]
    rich = buckets.loc[buckets["revenue"].idxmax()]
    n_a = int((abc_table["abc_class"] == "A").sum())
    sec.text.append(f"按全部数据期间的净销售额分段：{int(buckets['customers'].sum()):,} 个客户中“{crowd['bucket']}”人数最多"
                    f"（{int(crowd['customers']):,} 个，{crowd['customer_share']:.0%}），“{rich['bucket']}”贡献的销售额最多"
                    f"（{rich['revenue_share']:.0%}）。{abc.pareto_point(abc_table):.0%} 的客户贡献了 80% 的销售额"
                    f"（A 类 {n_a:,} 个）。")
    sec.figures.append(("各销售额区间的客户数与销售额", charts.buckets_side_by_side(buckets, title="各销售额区间的客户数与销售额")))
    sec.figures.append(("帕累托曲线", charts.pareto_chart(abc_table)))
    sec.sheets["客户分段漏斗"] = buckets
    sec.sheets["ABC 汇总"] = abc.abc_summary(abc_table)
    sec.facts.update(pareto=abc.pareto_point(abc_table), n_a=n_a, crowd=str(crowd["bucket"]))
    return buckets, totals, abc_table


def value_section(sales: pd.DataFrame, product: str | None, end: pd.Timestamp,
                  owners: pd.Series | None) -> Section:
    """Revenue buckets, ABC/Pareto, RFM segments, the value ranking and the customers to act on."""
    from cvwork import clv, rfm
    from cvwork.buckets import push_up_candidates
    from cvwork.funnel import select_product
    from cvwork.lifecycle import lifecycle_stages

    upto = sales[sales["date"] < end]
    scoped = select_product(upto, product)
    sec = Section("客户价值")
    buckets, totals, abc_table = _overview(sec, upto, scoped, product)
    rfm_t = rfm.rfm_table(scoped, as_of=end)
    seg = rfm.segment_summary(rfm_t)
    sec.sheets["RFM 客户群"] = seg
    sec.tables.append(("RFM 客户群", seg))
    try:
        values = clv.customer_value(scoped, as_of=end)
    except InputError as exc:                   # e.g. less than two years of data and no model fit
        sec.text.append(f"客户价值排名跳过：{str(exc).split(' (')[0]}。")
    else:
        top = values.head(20)[["customer", "clv", "historical_value", "p_alive", "recency_days"]]
        sec.add_list("重点客户", _with_owner(top, owners),
                     f"按客户价值（{values.attrs['method'].split('（')[0]}，未来 3 年毛利折现）排名的重点客户")
    activity = lifecycle_stages(upto, end)      # all products: a customer buying another product is not silent
    stage = activity.set_index("customer")
    a_class = abc_table.loc[abc_table["abc_class"] == "A", ["customer", "revenue", "abc_class"]]
    silent = a_class[a_class["customer"].map(stage["stage"]).astype(str) == "沉默客户"].copy()
    silent["days_since_last"] = silent["customer"].map(stage["days_since_last"])
    silent["last_purchase"] = silent["customer"].map(stage["last_purchase"])
    sec.add_list("沉默高价值客户", _with_owner(silent.sort_values(["revenue", "customer"], ascending=[False, True]), owners),
                 "沉默的高价值客户：A 类，已 180–364 天没有购买任何产品")
    risk = rfm_t[rfm_t["segment"].isin(RISK_SEGMENTS)][["customer", "segment", "recency_days", "frequency", "monetary"]]
    risk = a_class.merge(risk, on="customer").sort_values(["revenue", "customer"], ascending=[False, True])
    sec.add_list("高危A类客户", _with_owner(risk, owners), "高危的 A 类客户：RFM 客户群为“高危客户”或“不能失去”")
    push = push_up_candidates(totals, buckets, activity).drop(columns="priority", errors="ignore")
    sec.add_list("升级候选客户", _with_owner(push, owners),
                 f"升级候选：“{sec.facts['crowd']}”中已达到上一段下限八成的客户（活跃的在前）")
    return sec

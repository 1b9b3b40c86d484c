"""The management report of ``cvwork report INPUT``: title block, 摘要, customer value, pipeline,
satisfaction and actions, written as HTML, an Excel workbook (through :mod:`cvwork.export`) and,
on request, a PDF.  The report computes nothing of its own: the numbers come from the functions
the lessons teach (see :mod:`cvwork.report.sections` and :mod:`cvwork.report.pipeline`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cvwork.report import render
from cvwork.report.kpis import headline, periods
from cvwork.report.pipeline import pipeline_section, satisfaction_section
from cvwork.report.sections import Section, value_section

#: the lists people act on, in the order of the actions section: sheet -> what to do
ACTIONS = {
    "高危A类客户": "客户经理本月内逐一联系高危的 A 类客户，找出不满的原因",
    "沉默高价值客户": "唤醒沉默的高价值客户：了解停购原因，给出回购方案",
    "升级候选客户": "推动升级候选客户进入上一个销售额区间（活跃的优先）",
    "重点客户": "为价值最高的客户确认负责人和服务计划",
    "逾期商机": "逐个更新逾期商机：改预计成交日期，或关闭为输单",
    "贬损者": "回访贬损者，记录不满原因并跟进",
}


@dataclass
class Report:
    """Everything the writers need."""
    title: str
    sections: list[Section] = field(default_factory=list)
    headline: pd.DataFrame | None = None

    def sheets(self) -> dict[str, pd.DataFrame]:
        """摘要 first, then every section's sheets in report order."""
        out = {"摘要": self.headline}
        for sec in self.sections:
            out.update(sec.sheets)
        return out

    def lists(self) -> dict[str, int]:
        return {k: v for sec in self.sections for k, v in sec.lists.items()}

    def html(self, extra_css: str = "", csp: str | None = None) -> str:
        parts = [render.section_html(s, "first" if i == 0 else ("summary" if i == 1 else ""))
                 for i, s in enumerate(self.sections)]
        return render.page(self.title, parts, extra_css, **({"csp": csp} if csp is not None else {}))


def _title(sales: pd.DataFrame, product: str | None, end: pd.Timestamp) -> Section:
    from cvwork.io import account_of

    acc = account_of(sales)
    scope = f"产品“{product}”（客户价值各节只看这个产品的销售行）" if product else "全公司（全部产品）"
    rows = [("文件", acc.source), ("范围", scope),
            ("数据期间", f"{sales['date'].min():%Y-%m-%d} 至 {sales['date'].max():%Y-%m-%d}"),
            ("分析日期", f"{end:%Y-%m-%d}（本期 = 分析日期前 365 天，上期 = 再往前 365 天）"),
            ("数据核对", acc.sentence())]
    sec = Section(f"客户价值与销售管理报告：{product or '全公司'}")
    sec.text = [f"{k}：{v}" for k, v in rows]
    sec.sheets["报告信息"] = pd.DataFrame(rows, columns=["item", "content"])
    return sec


def _summary(head: pd.DataFrame, sections: dict[str, Section], end: pd.Timestamp, whole: str = "") -> Section:
    p = periods(end)
    h = head.set_index("metric")
    sec = Section("摘要")
    rev = h.loc["销售额（净额）"]
    sec.text.append(f"本期（{p.label()}）净销售额 {rev['current']:,.0f} 元，比上期"
                    + (f"{'增长' if rev['change'] >= 0 else '下降'} {abs(rev['change']):.1%}。" if rev["change"] == rev["change"]
                       else "无可比数据。"))
    new, lost = h.loc["新客户", "current"], h.loc["流失客户", "current"]
    sec.text.append(f"本期购买客户 {h.loc['购买客户', 'current']:,.0f} 个（上期 {h.loc['购买客户', 'previous']:,.0f} 个）；"
                    f"新客户 {new:,.0f} 个，上期买过、本期没买的流失客户 {lost:,.0f} 个，"
                    + ("新增多于流失。" if new > lost else "流失多于新增，要先守住老客户。" if new < lost else "新增与流失持平。"))
    value = sections["value"].facts
    sec.text.append(f"销售额集中：{value['pareto']:.0%} 的客户贡献 80% 的销售额（A 类 {value['n_a']:,} 个）；"
                    f"高危的 A 类客户 {sections['value'].lists['高危A类客户']:,} 个，沉默的高价值客户 "
                    f"{sections['value'].lists['沉默高价值客户']:,} 个。")
    pipe = sections["pipeline"]
    if not pipe.skipped and "coverage" in pipe.facts:
        cover = pipe.facts["coverage"]
        sec.text.append(f"{whole}{pipe.facts['quarter']} 管道覆盖率 {cover:.1f} 倍" + ("，低于一般希望的 3 倍。" if cover < 3 else "，达到 3 倍。")
                        + (f"瓶颈在 {pipe.facts['bottleneck']}。" if "bottleneck" in pipe.facts else ""))
    sat = sections["satisfaction"]
    if not sat.skipped and "nps_change" in sat.facts:
        sec.text.append(f"{whole}NPS {sat.facts['nps']:.1f}，比上期{'上升' if sat.facts['nps_change'] > 0 else '下降'} "
                        f"{abs(sat.facts['nps_change']):.1f} 分。")
    sec.facts["_html"] = [render.kpi_html(head)]
    return sec


def _actions(sections: list[Section]) -> Section:
    sec = Section("行动建议")
    found = {k: v for s in sections for k, v in s.lists.items()}
    rows = [(text, found[name], name) for name, text in ACTIONS.items() if name in found and found[name]]
    sec.text = [f"{i}. {t}：{n:,} 个，名单见 Excel 工作表“{name}”。" for i, (t, n, name) in enumerate(rows, 1)]
    if not rows:
        sec.text = ["本期没有需要跟进的名单。"]
    sec.sheets["行动清单"] = pd.DataFrame(rows, columns=["action", "count_listed", "list_sheet"])
    return sec


def management_report(sales: pd.DataFrame, product: str | None = None, as_of: str | None = None,
                      opportunities: pd.DataFrame | None = None, stage_history: pd.DataFrame | None = None,
                      survey: pd.DataFrame | None = None, quota: float | None = None) -> Report:
    """Build every section from frames read by :mod:`cvwork.io`: the lines as a pandas frame, or a
    DuckDB relation of them (a big file), or its :class:`~cvwork.report.scale.DayLevel` view."""
    from cvwork.funnel import select_product
    from cvwork.lifecycle import default_as_of
    from cvwork.report.scale import DayLevel, day_level

    average = owners = None
    if not isinstance(sales, (pd.DataFrame, DayLevel)):
        sales = day_level(sales)
    if isinstance(sales, DayLevel):
        sales, owners, average = sales.lines, sales.owners, sales.average
    end = pd.Timestamp(as_of) if as_of else default_as_of(sales["date"])
    scoped = select_product(sales, product)
    if "owner" in sales:
        owners = sales.sort_values("date", kind="stable").groupby("customer")["owner"].last()
    note = f"以下为全公司数字（{'商机表' if opportunities is not None else '调查表'}没有产品列）。" if product else ""
    value = value_section(sales, product, end, owners)
    pipe = pipeline_section(opportunities, stage_history, end, quota, note if product else "")
    revenue = scoped.groupby("customer")["amount"].sum()
    sat = satisfaction_section(survey, periods(end), owners, revenue, note.replace("商机表", "调查表") if product else "")
    head = headline(scoped, end, average=(lambda a, b: average(a, b, product)) if average else None)
    if "coverage" in pipe.facts:
        head.loc[len(head)] = ["管道覆盖率" + ("（全公司）" if product else ""), "倍", pipe.facts["coverage"], float("nan"), float("nan")]
    title = _title(sales, product, end)
    found = {"value": value, "pipeline": pipe, "satisfaction": sat}
    body = [value, pipe, sat]
    return Report(title=title.title, sections=[title, _summary(head, found, end, "全公司" if product else ""), *body, _actions(body)],
                  headline=head)


def write(report: Report, folder: Path, name: str, pdf: bool = False) -> list[Path]:
    """``name.html`` and ``name.xlsx`` (and ``name.pdf``) in ``folder``."""
    from cvwork.export import write_workbook

    html_path = folder / f"{name}.html"
    html_path.write_text(report.html(), encoding="utf-8")
    written = [html_path, write_workbook(report.sheets(), folder / f"{name}.xlsx")]
    if pdf:
        from cvwork.report.pdf import print_pdf

        written.append(print_pdf(report, folder / f"{name}.pdf"))
    return written

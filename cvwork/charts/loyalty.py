"""Loyalty figures: NPS distribution and trend, cohort retention, lifecycle stages (06, 07)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes, _heatmap

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GROUP_COLORS = {"贬损者": PALETTE[4], "被动者": PALETTE[7], "推荐者": PALETTE[5]}
STAGE_COLORS = {"新客户": PALETTE[2], "活跃客户": PALETTE[0], "沉默客户": PALETTE[3], "流失客户": PALETTE[7]}


def score_bars(dist: "pd.DataFrame", *, title: str = "推荐意愿打分分布", ax: "Axes | None" = None) -> "Figure":
    """Answers per score 0-10, coloured by detractor / passive / promoter."""
    fig, ax = _axes(ax)
    for group, color in GROUP_COLORS.items():
        part = dist[dist["group"] == group]
        ax.bar(part["score"], part["answers"], color=color, label=f"{group}")
    ax.set_xticks(range(11))
    ax.set_xlabel("打分（0 = 完全不会推荐，10 = 非常愿意推荐）")
    ax.set_ylabel("答卷数")
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def nps_band(trend: "pd.DataFrame", *, x: str = "period", title: str = "NPS 趋势与 95% 置信区间",
             ax: "Axes | None" = None) -> "Figure":
    """NPS per period as a line, its interval as a band, zero marked."""
    fig, ax = _axes(ax)
    ax.fill_between(trend[x], trend["ci_low"], trend["ci_high"], color=PALETTE[2], alpha=0.35, label="95% 置信区间")
    ax.plot(trend[x], trend["nps"], marker="o", color=PALETTE[0], label="NPS")
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_ylabel("NPS（分）")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.tick_params(axis="x", rotation=45)
    return fig


def cohort_heatmap(matrix: "pd.DataFrame", *, title: str = "按首购月份的留存率", max_age: int = 12,
                   sizes: "pd.Series | None" = None, ax: "Axes | None" = None) -> "Figure":
    """Cohorts (rows) x periods since first purchase (columns), as shares; with
    ``sizes`` (customers per cohort) each row label reads ``2024-01（85 户）``."""
    shown = matrix.loc[:, [c for c in matrix.columns if c <= max_age]]
    if sizes is not None:
        shown = shown.rename(index=lambda c: f"{c}（{int(sizes.get(c, 0))} 户）")
    return _heatmap(shown, title=title, xlabel="首购后第几个月", ylabel="首购月份（客户数）", ax=ax,
                    figsize=(10, 0.32 * len(shown) + 1.5), annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1,
                    cbar=False, annot_kws={"fontsize": 7})


def stage_area(counts: "pd.DataFrame", *, title: str = "各生命周期阶段的客户数", ax: "Axes | None" = None) -> "Figure":
    """Stacked bars of customers per stage at each analysis date (labelled as the date)."""
    fig, ax = _axes(ax, (9, 4.5))
    labels = [f"{d:%Y-%m-%d}" for d in counts.index]
    bottom = None
    for stage in counts.columns:
        ax.bar(labels, counts[stage], bottom=bottom, color=STAGE_COLORS.get(stage, PALETTE[1]), label=stage)
        bottom = counts[stage] if bottom is None else bottom + counts[stage]
    ax.set_ylabel("客户数")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def churn_flow_bars(flow: "pd.DataFrame", *, title: str = "每季度的客户流动", ax: "Axes | None" = None) -> "Figure":
    """New and returning customers up, newly churned customers down, per period of
    :func:`cvwork.lifecycle.churn_flow`, each bar labelled with its count."""
    fig, ax = _axes(ax, (9, 4.5))
    ax.set_title(title)
    if flow.empty:
        ax.text(0.5, 0.5, "数据不足一年，还无法观察流失", ha="center", va="center", transform=ax.transAxes)
        ax.axis("off")
        return fig
    names = [_period_name(a, b) for a, b in zip(flow["period_start"], flow["period_end"])]
    x = range(len(names))
    ax.bar(x, flow["new"], color=STAGE_COLORS["新客户"], label="新增客户")
    ax.bar(x, flow["returned"], bottom=flow["new"], color=STAGE_COLORS["活跃客户"], label="流失后回来")
    ax.bar(x, -flow["churned"], color=PALETTE[4], label="新流失（满一年未购买）")
    for i, row in enumerate(flow.itertuples()):
        ax.text(i, row.new + row.returned, f"+{row.new + row.returned}", ha="center", va="bottom", fontsize=10)
        ax.text(i, -row.churned, f"-{row.churned}", ha="center", va="top", fontsize=10)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(list(x), names)
    ax.set_ylabel("客户数")
    ax.set_title(title)
    low, high = -flow["churned"].max(), (flow["new"] + flow["returned"]).max()
    ax.set_ylim(1.25 * min(low, 0) - 1, 1.5 * max(high, 0) + 1)
    ax.legend(frameon=False, loc="upper center", ncol=3)
    return fig


def _period_name(start: "pd.Timestamp", end: "pd.Timestamp") -> str:
    """2025Q1 for a whole calendar quarter, else the two dates."""
    quarter = start.to_period("Q")
    if start == quarter.start_time.normalize() and end == quarter.end_time.normalize():
        return str(quarter)
    return f"{start:%Y-%m-%d}~{end:%m-%d}"

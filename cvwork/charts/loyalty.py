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
                   ax: "Axes | None" = None) -> "Figure":
    """Cohorts (rows) x periods since first purchase (columns), as shares."""
    shown = matrix.loc[:, [c for c in matrix.columns if c <= max_age]]
    return _heatmap(shown, title=title, xlabel="首购后第几个月", ylabel="首购月份", ax=ax,
                    figsize=(10, 0.32 * len(shown) + 1.5), annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1,
                    cbar=False, annot_kws={"fontsize": 7})


def stage_area(counts: "pd.DataFrame", *, title: str = "各生命周期阶段的客户数", ax: "Axes | None" = None) -> "Figure":
    """Stacked bars of customers per stage at each date."""
    fig, ax = _axes(ax, (9, 4.5))
    labels = [f"{d:%Y-%m}" for d in counts.index]
    bottom = None
    for stage in counts.columns:
        ax.bar(labels, counts[stage], bottom=bottom, color=STAGE_COLORS.get(stage, PALETTE[1]), label=stage)
        bottom = counts[stage] if bottom is None else bottom + counts[stage]
    ax.set_ylabel("客户数")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig

"""Prospect figures: lead screening (01) and opportunity score contributions (02)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes
from cvwork.charts.funnel import funnel_chart

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def screening_funnel(steps: "pd.DataFrame", *, title: str = "线索筛选漏斗", ax: "Axes | None" = None) -> "Figure":
    """Leads left after each screening step, the loss written between steps."""
    losses = [f"减少 {n:,}" for n in steps["lost"].iloc[1:]]
    return funnel_chart(steps["leads"].astype(float), list(steps["step"]), inverse=False, title=title,
                        ax=ax, between=losses)


def rate_bars(table: "pd.DataFrame", *, label: str, rate: str = "qualified_rate", count: str = "leads",
              title: str = "各来源的线索合格率", ax: "Axes | None" = None) -> "Figure":
    """Horizontal bars of a rate per group, with the group size written beside each bar."""
    fig, ax = _axes(ax)
    ordered = table.sort_values(rate)
    bars = ax.barh(ordered[label].astype(str), ordered[rate], color=PALETTE[1])
    for bar, r, n in zip(bars, ordered[rate], ordered[count]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {r:.0%}（{n} 条）", va="center")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlim(0, max(1.0, float(ordered[rate].max()) * 1.2))
    ax.set_title(title)
    return fig


def contribution_bars(scored: "pd.DataFrame", names: "dict[str, str]", *, top: int = 15, id_col: str = "opportunity_id",
                      title: str = "得分构成：前几名商机", ax: "Axes | None" = None) -> "Figure":
    """Stacked horizontal bars: each criterion's contribution to the score of the top opportunities."""
    fig, ax = _axes(ax, (9, 0.35 * top + 1.5))
    head = scored.head(top).iloc[::-1]
    left = None
    for i, (key, name) in enumerate(names.items()):
        values = head[f"contrib_{key}"]
        ax.barh(head[id_col], values, left=left, color=PALETTE[i % len(PALETTE)], label=name)
        left = values if left is None else left + values
    ax.set_xlabel("得分（0-100）")
    ax.set_xlim(0, 100)
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig

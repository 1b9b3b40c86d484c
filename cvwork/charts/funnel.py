"""Funnel-shaped figures: the amFunnel look-alike and bucket bars (lesson 08)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from cvwork.charts import PALETTE, _axes, use_course_style

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def funnel_chart(values: Sequence[float], labels: Sequence[str], *, inverse: bool = True,
                 title: str = "客户漏斗图", ax: "Axes | None" = None,
                 value_format: str = "{:,.0f}", between: Sequence[str] | None = None) -> "Figure":
    """A funnel drawn the way ``rAmCharts::amFunnel`` draws it.

    Slices are stacked top to bottom in the given order, each slice's height
    proportional to its value; ``inverse=True`` (the R example) turns the
    funnel into a pyramid with its point at the top.  Labels ``描述: 数值``
    sit at the right with a leader line; ``between`` (one text per pair of
    neighbouring slices, e.g. the conversion rate) is written at the left of
    each boundary.
    """
    import numpy as np

    fig, ax = _axes(ax, (8, 5))
    vals = np.asarray(values, dtype=float)
    total = vals.sum() or 1.0
    tops = np.r_[0.0, np.cumsum(vals)[:-1]] / total
    bottoms = np.cumsum(vals) / total

    def half_width(depth: np.ndarray) -> np.ndarray:  # depth 0 = top of the chart
        return 0.5 * (depth if inverse else 1.0 - 0.85 * depth)

    label_y = _spread((tops + bottoms) / 2, gap=0.06)
    for i, (top, bottom) in enumerate(zip(tops, bottoms)):
        wt, wb = half_width(np.array([top, bottom]))
        xs, ys = [-wt, wt, wb, -wb], [-top, -top, -bottom, -bottom]
        ax.fill(xs, ys, color=PALETTE[i % len(PALETTE)], edgecolor="white", linewidth=1.5)
        mid = (top + bottom) / 2
        edge = float(half_width(np.array([mid]))[0])
        ax.plot([edge, 0.62, 0.66], [-mid, -label_y[i], -label_y[i]], color="#888888", linewidth=0.8)
        ax.text(0.68, -label_y[i], f"{labels[i]}: {value_format.format(vals[i])}", va="center", fontsize=11)
    for k, text in enumerate(between or []):
        ax.text(-0.5, -bottoms[k], text, ha="right", va="center", fontsize=10, color="#444444")
    ax.set_xlim(-0.85 if between else -0.55, 1.35)
    ax.set_ylim(-1.04, 0.04)
    ax.axis("off")
    ax.set_title(title)
    return fig


def _spread(positions: "np.ndarray", gap: float) -> "np.ndarray":
    """Push label positions apart so that neighbours are at least ``gap`` apart."""
    import numpy as np

    out = np.array(positions, dtype=float)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1] + gap)
    overflow = out[-1] - 1.0 if len(out) else 0.0
    if overflow > 0:
        out -= overflow
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    return out


def bucket_bars(table: "pd.DataFrame", *, value: str = "customers", share: str = "customer_share",
                label: str = "bucket", title: str = "各销售额区间的客户数",
                xlabel: str = "客户数", ax: "Axes | None" = None) -> "Figure":
    """Horizontal bars of a bucket table, each bar labelled with value and share."""
    fig, ax = _axes(ax, (8, 4.5))
    names = list(table[label])[::-1]
    vals = list(table[value])[::-1]
    shares = list(table[share])[::-1]
    bars = ax.barh(names, vals, color=PALETTE[1])
    for bar, v, s in zip(bars, vals, shares):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:,.0f}（{s:.0%}）",
                va="center", fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.set_xlim(0, max(vals or [1]) * 1.25 or 1)
    return fig


def buckets_side_by_side(table: "pd.DataFrame", *, title: str = "") -> "Figure":
    """Customers and revenue per bucket in two panels: who is many, who pays."""
    use_course_style()
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    bucket_bars(table, ax=left, title="客户数 (customers)")
    bucket_bars(table, value="revenue", share="revenue_share", ax=right,
                title="销售额 (revenue, 元)", xlabel="价税合计（元）")
    right.xaxis.set_major_formatter(lambda x, _: f"{x / 10_000:,.0f}万")
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig

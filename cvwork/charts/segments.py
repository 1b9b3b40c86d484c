"""Segment figures: RFM heatmaps and segment bars (04), Pareto and quadrants (05)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes, _heatmap

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def rf_heatmap(grid: "pd.DataFrame", *, title: str, fmt: str = ",.0f",
               ax: "Axes | None" = None) -> "Figure":
    """A 5 x 5 R (rows, 5 at the top) x F (columns) grid of numbers as a heatmap."""
    return _heatmap(grid.sort_index(ascending=False), title=title, xlabel="F 频率得分（右边买得多）",
                    ylabel="R 最近得分（上面买得近）", ax=ax, figsize=(6.5, 5), annot=True, fmt=fmt, cmap="Blues",
                    cbar=False, linewidths=0.5)


def segment_bars(summary: "pd.DataFrame", *, label: str = "segment", title: str = "各客户群的人数与销售额占比",
                 ax: "Axes | None" = None) -> "Figure":
    """Paired horizontal bars: share of customers and share of revenue per segment."""
    import numpy as np

    fig, ax = _axes(ax, (8, 5))
    y = np.arange(len(summary))[::-1]
    ax.barh(y + 0.2, summary["customer_share"], height=0.4, color=PALETTE[2], label="客户数占比")
    ax.barh(y - 0.2, summary["revenue_share"], height=0.4, color=PALETTE[0], label="销售额占比")
    ax.set_yticks(y, summary[label])
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower right")
    return fig


def pareto_chart(table: "pd.DataFrame", *, a: float = 0.8, b: float = 0.95, title: str = "客户帕累托曲线（ABC 分析）",
                 ax: "Axes | None" = None) -> "Figure":
    """Cumulative revenue share against customer share (largest first), the area
    under the curve coloured by ABC class with a legend, the A/B thresholds and
    the equal-share diagonal.  Draws at most ~2,000 points (:func:`cvwork.abc.pareto_curve`),
    so 100,000 customers cost what 2,000 do."""
    from cvwork.abc import pareto_curve

    fig, ax = _axes(ax, (8, 5))
    curve = pareto_curve(table)
    colors = {"A": PALETTE[0], "B": PALETTE[3], "C": PALETTE[7]}
    counts = table["abc_class"].value_counts()
    for cls, color in colors.items():
        part = curve[curve["abc_class"].eq(cls) | curve["abc_class"].shift(-1).eq(cls)]
        if counts.get(cls, 0):
            share = table.loc[table["abc_class"] == cls, "share"].clip(lower=0).sum()
            ax.fill_between(part["customer_share"], 0, part["cum_share"], color=color, alpha=0.35, linewidth=0,
                            label=f"{cls} 类：{counts[cls]:,} 个客户，收入 {share:.1%}")
    ax.plot(curve["customer_share"], curve["cum_share"], color=PALETTE[4], linewidth=2, label="累计收入占比")
    ax.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1, label="人人一样多时")
    for level, name in ((a, "A/B"), (b, "B/C")):
        ax.axhline(level, color="#555555", linestyle="--", linewidth=0.8)
        ax.text(0.99, level, f"{name} 阈值 {level:.0%}", va="bottom", ha="right", fontsize=9, color="#555555")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("客户占比（按收入从高到低累计）")
    ax.set_ylabel("累计收入占比")
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower right", fontsize=9)
    return fig


QUADRANT_COLORS = {"明星客户": PALETTE[4], "成熟客户": PALETTE[0], "潜力客户": PALETTE[3], "一般客户": PALETTE[7]}


def quadrant_scatter(quadrants: "pd.DataFrame", *, title: str = "客户价值象限", currency: str = "元",
                     ax: "Axes | None" = None) -> "Figure":
    """Current value (log x) against growth (y) for the four quadrants, median lines
    of the customers they split.  Customers that cannot be drawn are counted in a
    note on the figure, with the reason: 新客户/回流客户 (no growth), 流失客户 (no
    purchase now) and quadrant customers with net value <= 0 (log axis)."""
    fig, ax = _axes(ax, (9, 5.5))
    split = quadrants[quadrants["quadrant"].isin(list(QUADRANT_COLORS))]
    shown = split[split["current_value"] > 0]
    for name, color in QUADRANT_COLORS.items():
        group = shown[shown["quadrant"] == name]
        ax.scatter(group["current_value"], group["growth"], s=14, alpha=0.7, color=color,
                   label=f"{name}（{len(group):,}）")
    if len(shown):
        ax.set_xscale("log")
        ax.axvline(split["current_value"].median(), color="#555555", linestyle="--", linewidth=0.8)
        ax.axhline(split["growth"].median(), color="#555555", linestyle="--", linewidth=0.8)
    counts = quadrants["quadrant"].value_counts()
    notes = [f"{name} {counts[name]:,} 个（{why}）" for name, why in
             (("新客户", "无上一窗口可比"), ("回流客户", "无上一窗口可比"), ("流失客户", "当前窗口没有购买")) if counts.get(name, 0)]
    if len(split) > len(shown):
        notes.append(f"净额≤0 {len(split) - len(shown):,} 个（对数轴画不出）")
    if notes:
        ax.text(1.02, 0.0, "未画出：\n" + "\n".join(notes), transform=ax.transAxes, va="bottom", fontsize=9)
    ax.set_xlabel(f"当前价值：近一个窗口的净收入（{currency}，对数刻度）")
    ax.set_ylabel("潜力：相对上一个窗口的增长率")
    ax.set_title(f"{title}（图中 {len(shown):,} / 共 {len(quadrants):,} 个客户）")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig

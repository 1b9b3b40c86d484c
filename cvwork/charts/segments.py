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


def pareto_chart(table: "pd.DataFrame", *, a: float = 0.8, b: float = 0.95, title: str = "客户帕累托图（ABC 分析）",
                 ax: "Axes | None" = None) -> "Figure":
    """Revenue bars (largest first), cumulative share line and the A/B thresholds."""
    import numpy as np

    fig, ax = _axes(ax, (9, 4.8))
    x = np.arange(1, len(table) + 1) / len(table)
    colors = table["abc_class"].map({"A": PALETTE[0], "B": PALETTE[3], "C": PALETTE[7]})
    ax.bar(x, table["revenue"], width=1 / len(table), color=colors, align="edge")
    ax.set_ylabel("客户销售额（万元）")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v / 10_000:,.0f}")
    ax.set_xlabel("客户（按销售额从高到低，横轴为客户数占比）")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    line = ax.twinx()
    line.plot(x, table["cum_share"], color=PALETTE[4])
    for level, name in ((a, "A/B"), (b, "B/C")):
        line.axhline(level, color="#555555", linestyle="--", linewidth=0.8)
        line.text(0.5, level, f"{name} 阈值 {level:.0%}", va="bottom", ha="center", fontsize=9, color="#555555")
    line.set_ylim(0, 1.05)
    line.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    line.set_ylabel("累计销售额占比")
    line.spines["right"].set_visible(True)
    ax.set_title(title)
    return fig


def quadrant_scatter(quadrants: "pd.DataFrame", *, title: str = "客户价值象限",
                     ax: "Axes | None" = None) -> "Figure":
    """Current value (log x) against growth (y), coloured by quadrant, median lines drawn."""
    fig, ax = _axes(ax, (8.5, 5.5))
    colors = {"明星客户": PALETTE[4], "成熟客户": PALETTE[0], "潜力客户": PALETTE[3], "一般客户": PALETTE[7]}
    shown = quadrants[quadrants["current_value"] > 0]
    for name, color in colors.items():
        group = shown[shown["quadrant"] == name]
        ax.scatter(group["current_value"], group["growth"], s=14, alpha=0.7, color=color, label=name)
    ax.set_xscale("log")
    ax.axvline(quadrants["current_value"].median(), color="#555555", linestyle="--", linewidth=0.8)
    ax.axhline(quadrants["growth"].median(), color="#555555", linestyle="--", linewidth=0.8)
    ax.set_xlabel("当前价值：近一年销售额（元，对数刻度）")
    ax.set_ylabel("潜力：相对上一年的增长率")
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig

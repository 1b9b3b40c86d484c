"""Value figures: CLV schedule, distribution, sensitivity and LTV:CAC (lesson 03)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def value_schedule_bars(schedule: "pd.DataFrame", *, title: str = "每期现值与累计客户价值",
                        ylabel: str = "金额（元）", ax: "Axes | None" = None) -> "Figure":
    """Bars of each period's margin and present value, line of the running total."""
    fig, ax = _axes(ax)
    t = schedule["t"].to_numpy()
    ax.bar(t - 0.2, schedule["margin"], width=0.4, color=PALETTE[2], label="当期利润 R−C")
    ax.bar(t + 0.2, schedule["present_value"], width=0.4, color=PALETTE[0], label="折现后（现值）")
    ax.plot(t, schedule["cumulative_value"], marker="o", color=PALETTE[4], label="累计现值（CLV）")
    ax.set_xticks(t, [f"第{k}期" for k in t])
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def clv_histogram(clv: "pd.Series", *, title: str = "客户生命周期价值（CLV）分布",
                  ax: "Axes | None" = None) -> "Figure":
    """Histogram of CLV on a log scale (values span several orders of magnitude)."""
    import numpy as np

    fig, ax = _axes(ax)
    values = clv[clv > 0]
    bins = np.logspace(np.log10(values.min()), np.log10(values.max()), 30)
    ax.hist(values, bins=bins, color=PALETTE[1], edgecolor="white")
    ax.set_xscale("log")
    ax.axvline(values.median(), color=PALETTE[4], linestyle="--", label=f"中位数 {values.median():,.0f} 元")
    ax.axvline(values.mean(), color=PALETTE[3], linestyle=":", label=f"平均数 {values.mean():,.0f} 元")
    ax.set_xlabel("CLV（元，对数刻度）")
    ax.set_ylabel("客户数")
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def sensitivity_lines(grid: "pd.DataFrame", *, title: str = "CLV 对折现率和留存率的敏感性",
                      ax: "Axes | None" = None) -> "Figure":
    """One line per retention rate: CLV against the discount rate."""
    fig, ax = _axes(ax)
    for i, retention in enumerate(grid.columns):
        ax.plot(grid.index * 100, grid[retention], marker="o", color=PALETTE[i % len(PALETTE)],
                label=f"留存率 {retention:.0%}")
    ax.set_xlabel("折现率（%）")
    ax.set_ylabel("CLV（元）")
    ax.set_title(title)
    ax.legend(frameon=False, ncol=2)
    return fig


def ltv_cac_bars(table: "pd.DataFrame", *, group: str = "channel", title: str = "各获客渠道的 LTV:CAC",
                 ax: "Axes | None" = None) -> "Figure":
    """LTV:CAC per group with the 3:1 rule-of-thumb line."""
    fig, ax = _axes(ax)
    colors = [PALETTE[0] if v >= 3 else PALETTE[4] for v in table["ltv_cac"]]
    bars = ax.bar(table[group].astype(str), table["ltv_cac"], color=colors)
    for bar, v in zip(bars, table["ltv_cac"]):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{v:.1f}", ha="center", va="bottom")
    ax.axhline(3, color="#555555", linestyle="--", linewidth=1)
    ax.text(len(table) - 0.5, 3, " 3:1 经验线", va="bottom", ha="right", color="#555555")
    ax.set_ylabel("LTV ÷ CAC")
    ax.set_title(title)
    return fig

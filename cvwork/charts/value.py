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


def clv_histogram(clv: "pd.Series", *, title: str = "客户生命周期价值（CLV）分布", currency: str = "元",
                  ax: "Axes | None" = None) -> "Figure":
    """Histogram of CLV on a log scale (values span several orders of magnitude);
    customers with CLV <= 0 cannot sit on a log axis and are counted in the title."""
    import numpy as np

    fig, ax = _axes(ax)
    values = clv[clv > 0]
    bins = np.logspace(np.log10(values.min()), np.log10(values.max()), 30)
    ax.hist(values, bins=bins, color=PALETTE[1], edgecolor="white")
    ax.set_xscale("log")
    ax.axvline(clv.median(), color=PALETTE[4], linestyle="--", label=f"中位数 {clv.median():,.2f} {currency}")
    ax.axvline(clv.mean(), color=PALETTE[3], linestyle=":", label=f"平均数 {clv.mean():,.2f} {currency}")
    ax.set_xlabel(f"CLV（{currency}，对数刻度）")
    ax.set_ylabel("客户数")
    left_out = int((clv <= 0).sum())
    ax.set_title(title + (f"（另有 {left_out:,} 个客户 CLV 为 0，未画出）" if left_out else ""))
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


def _money(value: float, currency: str) -> str:
    """Big yuan amounts in 万元, everything else as it is, with its currency."""
    if currency == "元" and abs(value) >= 100_000:
        return f"{value / 10_000:,.0f} 万元"
    return f"{value:,.0f} {currency}"


def ltv_cac_bars(table: "pd.DataFrame", *, group: str = "channel", title: str = "各获客渠道的 LTV:CAC 与总贡献",
                 currency: str = "元", ax: "Axes | None" = None) -> "Figure":
    """LTV:CAC per group with the 3:1 line, coloured by what the channel leaves:
    ratio >= 3 (blue), below 3 but positive total contribution (amber), total
    contribution <= 0 (red).  ``total_contribution`` is written under each bar."""
    from matplotlib.patches import Patch

    fig, ax = _axes(ax, (8.5, 5))
    total = table["total_contribution"]
    colors = [PALETTE[0] if r >= 3 else (PALETTE[3] if c > 0 else PALETTE[4]) for r, c in zip(table["ltv_cac"], total)]
    bars = ax.bar(table[group].astype(str), table["ltv_cac"], color=colors)
    for bar, v, c in zip(bars, table["ltv_cac"], total):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{v:.1f}\n总贡献 {_money(c, currency)}",
                ha="center", va="bottom", fontsize=9)
    ax.axhline(3, color="#555555", linestyle="--", linewidth=1)
    ax.text(len(table) - 0.5, 3, " 3:1 经验线", va="bottom", ha="right", color="#555555")
    ax.set_ylabel("LTV ÷ CAC")
    ax.set_ylim(0, max(3.5, float(table["ltv_cac"].max()) * 1.3))
    ax.set_title(title)
    ax.legend(handles=[Patch(color=PALETTE[0], label="达到 3:1"), Patch(color=PALETTE[3], label="低于 3:1，但总贡献为正"),
                       Patch(color=PALETTE[4], label="总贡献不为正")], frameon=False, loc="upper right", fontsize=9)
    return fig

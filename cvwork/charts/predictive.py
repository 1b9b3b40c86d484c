"""Predictive figures: BG/NBD matrices, holdout check, win-model calibration (11)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes, _heatmap

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def fr_heatmap(grid: "pd.DataFrame", *, title: str, fmt: str = ".1f", ax: "Axes | None" = None) -> "Figure":
    """Frequency (x) by recency (y, most recent at the top) heatmap."""
    return _heatmap(grid, title=title, xlabel="校准期复购次数（frequency）", ylabel="最近一次购买距首购（周，recency）",
                    ax=ax, figsize=(9, 5.5), cmap="YlGnBu", cbar=True, annot=False)


def holdout_bars(table: "pd.DataFrame", *, title: str = "校准期预测与验证期实际", ax: "Axes | None" = None) -> "Figure":
    """Mean holdout purchases per calibration-frequency group: actual beside predicted."""
    import numpy as np

    fig, ax = _axes(ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"], width=0.4, color=PALETTE[0], label="验证期实际")
    ax.bar(x + 0.2, table["predicted"], width=0.4, color=PALETTE[3], label="BG/NBD 预测")
    ax.set_xticks(x, table["calibration_frequency"])
    ax.set_xlabel("校准期复购次数")
    ax.set_ylabel("验证期平均购买次数")
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def calibration_plot(table: "pd.DataFrame", *, title: str = "赢单概率的校准", ax: "Axes | None" = None) -> "Figure":
    """Mean predicted probability against the observed win rate per group; the diagonal is perfect."""
    fig, ax = _axes(ax, (5.5, 5))
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", linewidth=1, label="完全校准")
    ax.plot(table["predicted"], table["observed"], marker="o", color=PALETTE[4], label="模型")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("预测赢单概率（组平均）")
    ax.set_ylabel("实际赢单率")
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig

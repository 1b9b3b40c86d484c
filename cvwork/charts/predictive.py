"""Predictive figures: BG/NBD matrices, holdout check, fit diagnostics, win-model calibration (11)."""
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


def _paired_bars(table: "pd.DataFrame", x: str, labels: tuple[str, str], xlabel: str, ylabel: str, title: str,
                 ax: "Axes | None") -> "Figure":
    """``actual`` beside ``predicted`` for each value of column ``x``."""
    import numpy as np

    fig, ax = _axes(ax)
    pos = np.arange(len(table))
    ax.bar(pos - 0.2, table["actual"], width=0.4, color=PALETTE[0], label=labels[0])
    ax.bar(pos + 0.2, table["predicted"], width=0.4, color=PALETTE[3], label=labels[1])
    ax.set_xticks(pos, table[x])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def holdout_bars(table: "pd.DataFrame", *, title: str = "校准期预测与验证期实际", model: str = "BG/NBD",
                 ax: "Axes | None" = None) -> "Figure":
    """Mean holdout purchases per calibration-frequency group: actual beside predicted."""
    return _paired_bars(table, "calibration_frequency", ("验证期实际", f"{model} 预测"), "校准期复购次数",
                        "验证期平均购买次数", title, ax)


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


def repeat_count_bars(table: "pd.DataFrame", *, model: str = "BG/NBD", title: str = "校准期复购次数的分布：实际与模型",
                      ax: "Axes | None" = None) -> "Figure":
    """Customers with 0, 1, ..., 7+ repeat purchases in the calibration period: actual beside expected."""
    return _paired_bars(table, "repeat_purchases", ("实际客户数", f"{model} 期望客户数"), "校准期复购次数", "客户数",
                        title, ax)


def tracking_chart(track: "pd.DataFrame", calibration_end, *, model: str = "BG/NBD",
                   title: str = "按周跟踪：复购次数的实际与模型") -> "Figure":
    """Weekly (top) and cumulative (bottom) repeat purchases over calendar time,
    actual against the model, with the calibration end marked."""
    import matplotlib.pyplot as plt
    import pandas as pd

    _axes(None)
    plt.close("all")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True)
    end = pd.Timestamp(calibration_end)
    for ax, actual, predicted, ylabel in ((top, "actual", "predicted", "每周复购次数"),
                                          (bottom, "cumulative_actual", "cumulative_predicted", "累计复购次数")):
        ax.plot(track["period_start"], track[actual], color=PALETTE[0], label="实际")
        ax.plot(track["period_start"], track[predicted], color=PALETTE[4], linestyle="--", label=f"{model} 预测")
        ax.axvline(end, color="#666666", linewidth=1)
        ax.set_ylabel(ylabel)
    top.text(end, top.get_ylim()[1], " 校准期结束", va="top", ha="left", color="#444444")
    top.set_title(title)
    top.legend(frameon=False, loc="upper left")
    bottom.set_xlabel("日期")
    fig.tight_layout()
    return fig

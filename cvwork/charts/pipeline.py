"""Pipeline figures: conversion funnel, conversion by team, forecast and backtest (09, 10)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.charts import PALETTE, _axes, _heatmap
from cvwork.charts.funnel import funnel_chart

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def conversion_funnel(table: "pd.DataFrame", *, title: str = "销售漏斗与阶段转化率",
                      ax: "Axes | None" = None) -> "Figure":
    """Funnel of opportunities entering each stage; between slices the conversion on
    resolved deals (open deals left out) and on all entered deals; the bottleneck marked."""
    notes = []
    for row in table.iloc[:-1].itertuples():
        mark = "  ← 瓶颈" if row.bottleneck else ""
        resolved = getattr(row, "resolved_conversion", row.conversion)
        notes.append(f"已结束中 {resolved:.0%} 推进（按进入 {row.conversion:.0%}）{mark}")
    return funnel_chart(table["entered"].astype(float), [f"{s}" for s in table["stage"]], inverse=False,
                        title=title, ax=ax, between=notes)


def conversion_heatmap(grid: "pd.DataFrame", *, advanced: "pd.DataFrame | None" = None,
                       resolved: "pd.DataFrame | None" = None, title: str = "各团队的阶段转化率",
                       ax: "Axes | None" = None) -> "Figure":
    """Groups x transitions; each cell shows the rate and, given ``advanced`` and
    ``resolved`` grids of the same shape, the counts behind it ("95%\n19/20")."""
    import numpy as np

    annot: "bool | np.ndarray" = True
    if advanced is not None and resolved is not None:
        annot = np.array([[("—" if np.isnan(r) else f"{r:.0%}") + f"\n{int(a)}/{int(n)}"
                           for r, a, n in zip(rr, aa, nn)]
                          for rr, aa, nn in zip(grid.to_numpy(float), advanced.to_numpy(float),
                                                resolved.to_numpy(float))])
    fig = _heatmap(grid, title=title, xlabel="", ylabel="", ax=ax, figsize=(9, 0.75 * len(grid) + 1.8), annot=annot,
                   fmt="" if annot is not True else ".0%", cmap="RdYlGn", vmin=0.3, vmax=1.0, cbar=False,
                   linewidths=0.5)
    fig.axes[0].tick_params(axis="both", rotation=0)
    return fig


def forecast_bars(table: "pd.DataFrame", *, title: str = "按预计成交季度的加权预测", ax: "Axes | None" = None) -> "Figure":
    """Stacked bars per period, one colour per forecast category (the 合计 column is skipped)."""
    fig, ax = _axes(ax, (9, 4.5))
    colors = {"已成交": PALETTE[0], "承诺": PALETTE[5], "最佳": PALETTE[3], "管道": PALETTE[2], "已忽略": PALETTE[7]}
    bottom = None
    for cat in [c for c in table.columns if c in colors]:
        values = table[cat] / 10_000
        ax.bar(table.index, values, bottom=bottom, color=colors[cat], label=cat)
        bottom = values if bottom is None else bottom + values
    ax.set_ylabel("金额（万元）")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def backtest_lines(table: "pd.DataFrame", *, title: str = "预测与实际：回测", ax: "Axes | None" = None) -> "Figure":
    """Forecast made at the start of each quarter against the amount actually won."""
    fig, ax = _axes(ax, (8, 4.5))
    ax.plot(table["quarter"], table["actual"] / 10_000, marker="o", color=PALETTE[0], label="实际赢单")
    for col, color, name in (("forecast", PALETTE[4], "季初加权预测"), ("forecast_calibrated", PALETTE[3], "用历史概率的预测")):
        if col in table:
            ax.plot(table["quarter"], table[col] / 10_000, marker="s", linestyle="--", color=color, label=name)
    ax.set_ylabel("金额（万元）")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def backtest_bars(table: "pd.DataFrame", *, title: str = "每季实际赢单从哪里来", ax: "Axes | None" = None) -> "Figure":
    """Each quarter's actual won amount stacked by origin (pipeline / overdue / new deals),
    with the forecast made on the quarter's first day as a marker."""
    fig, ax = _axes(ax, (8, 4.5))
    parts = (("won_pipeline", PALETTE[0], "季初管道内的商机"), ("won_overdue", PALETTE[7], "季初已逾期（已忽略）的商机"),
             ("won_new", PALETTE[3], "季内新建的商机"))
    bottom = None
    for col, color, name in parts:
        values = table[col] / 10_000
        ax.bar(table["quarter"], values, bottom=bottom, color=color, label=name)
        bottom = values if bottom is None else bottom + values
    for col, color, marker, name in (("forecast", PALETTE[4], "D", "季初加权预测（CRM 概率）"),
                                     ("forecast_calibrated", PALETTE[6], "o", "季初加权预测（历史校准概率）")):
        if col in table:
            ax.plot(table["quarter"], table[col] / 10_000, marker=marker, markersize=8, linestyle="none", color=color,
                    label=name)
    top = max(float(bottom.max()), *(float(table[c].max()) / 10_000 for c in ("forecast", "forecast_calibrated")
                                      if c in table))
    ax.set_ylim(0, top * 1.08)
    ax.set_ylabel("金额（万元）")
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig

"""Funnel-shaped figures: the amFunnel look-alike and bucket bars (lesson 08)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from cvwork.charts import PALETTE, _axes, use_course_style

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def funnel_chart(values: Sequence[float], labels: Sequence[str], *, inverse: bool = True, depth: float = 0,
                 title: str = "客户漏斗图", ax: "Axes | None" = None,
                 value_format: str = "{:,.0f}", between: Sequence[str] | None = None) -> "Figure":
    """A funnel drawn the way ``rAmCharts::amFunnel`` (amCharts ``AmFunnelChart``) draws it.

    The first value sits at the wide end and each slice's height is
    proportional to its value.  ``inverse=True`` (amCharts ``rotate``, the R
    example) is a pyramid: the first row at the wide base, the last at the
    apex.  ``inverse=False`` is a funnel: the first row at the wide top.
    ``depth`` (0-100, as in ``amFunnel(depth = 50)``) adds the 3-D side face
    seen at 40 degrees; it is a share of the width, so it narrows to the apex.
    Labels ``描述: 数值`` sit at the right; ``between`` (one text per pair of
    neighbouring slices) is written at the left of each boundary.  Slice i
    carries the gid ``slice-i``.
    """
    import numpy as np

    if not inverse and not depth:
        return _flat_funnel(values, labels, title=title, ax=ax, value_format=value_format, between=between)
    fig, ax = _axes(ax, (8, 5))
    vals = np.asarray(values, dtype=float)
    total = vals.sum() or 1.0
    taper = 1.0 if inverse else 0.85                             # the funnel keeps a neck, the pyramid is a point
    starts = np.r_[0.0, np.cumsum(vals)[:-1]] / total           # distance from the wide end
    ends = np.cumsum(vals) / total
    ys = (lambda s: s) if inverse else (lambda s: 1.0 - s)       # chart height of a distance
    f = depth / 100.0                                           # depth as a share of the width
    kx, ky = 2 * f * np.cos(np.radians(40)), f * np.sin(np.radians(40))

    def w(s: float) -> float:                                    # half width
        return 0.5 * (1.0 - taper * s)

    for i, (s0, s1) in enumerate(zip(starts, ends)):
        color = PALETTE[i % len(PALETTE)]
        y0, y1, h0, h1 = ys(s0), ys(s1), w(s0), w(s1)
        if f:
            ax.fill([h0, h1, h1 * (1 + kx), h0 * (1 + kx)], [y0, y1, y1 + h1 * ky, y0 + h0 * ky],
                    color=_shade(color, 0.7), edgecolor="white", linewidth=1.0)
        ax.fill([-h0, h0, h1, -h1], [y0, y0, y1, y1], color=color, edgecolor="white",
                linewidth=1.5, gid=f"slice-{i}")
    if f and not inverse:                                        # the wide top shows its upper face
        h, top = w(0.0), ys(0.0)
        ax.fill([-h, h, h * (1 + kx), -h + h * kx], [top, top, top + h * ky, top + h * ky],
                color=_shade(PALETTE[0], 1.3), edgecolor="white", linewidth=1.0)
    right = 0.5 * (1 + kx) + 0.1
    texts = [f"{label}: {value_format.format(v)}" for label, v in zip(labels, vals)]
    _leader_labels(ax, [ys((s0 + s1) / 2) for s0, s1 in zip(starts, ends)],
                   [w((s0 + s1) / 2) * (1 + kx) for s0, s1 in zip(starts, ends)], right, texts)
    for j, text in enumerate(between or []):
        ax.text(-0.52, ys(ends[j]), text, ha="right", va="center", fontsize=10, color="#444444")
    ax.set_xlim(-0.85 if between else -0.55, right + 0.75)
    ax.set_ylim(-0.04, 1.04 + 0.5 * ky)
    ax.axis("off")
    ax.set_title(title)
    return fig


def _flat_funnel(values: Sequence[float], labels: Sequence[str], *, inverse: bool = False,
                 title: str = "客户漏斗图", ax: "Axes | None" = None,
                 value_format: str = "{:,.0f}", between: Sequence[str] | None = None) -> "Figure":
    """The plain (not inverted, no depth) funnel of lessons 00, 01 and 09, drawn as before."""
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
        ax.fill(xs, ys, color=PALETTE[i % len(PALETTE)], edgecolor="white", linewidth=1.5, gid=f"slice-{i}")
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


def _leader_labels(ax: "Axes", mids: list[float], edges: list[float], right: float, texts: list[str]) -> None:
    """Labels at x = ``right``, pushed apart vertically, each joined to its slice by a leader line."""
    import numpy as np

    order = np.argsort(mids)
    spread = np.empty(len(mids))
    spread[order] = _spread(np.asarray(mids)[order], gap=0.07)
    for i, text in enumerate(texts):
        ax.plot([edges[i], right - 0.04, right - 0.02], [mids[i], spread[i], spread[i]], color="#888888", linewidth=0.8)
        ax.text(right, spread[i], text, va="center", fontsize=11)


def _shade(color: str, factor: float) -> tuple[float, float, float]:
    """A darker (factor < 1) or lighter (> 1) version of a hex colour."""
    from matplotlib.colors import to_rgb

    return tuple(min(1.0, c * factor) for c in to_rgb(color))


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
                xlabel: str = "客户数", ax: "Axes | None" = None, first_at_bottom: bool = False) -> "Figure":
    """Horizontal bars of a bucket table, each bar labelled with value and share.

    ``first_at_bottom=True`` puts the first row at the bottom, as in the
    amFunnel pyramid (low buckets below, high above); by default it is on top.
    """
    fig, ax = _axes(ax, (8, 4.5))
    step = 1 if first_at_bottom else -1
    names, vals, shares = list(table[label])[::step], list(table[value])[::step], list(table[share])[::step]
    bars = ax.barh(names, vals, color=PALETTE[1])
    for bar, v, s in zip(bars, vals, shares):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:,.0f}（{s:.0%}）",
                va="center", fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.set_xlim(0, max(vals or [1]) * 1.25 or 1)
    return fig


def buckets_side_by_side(table: "pd.DataFrame", *, title: str = "", first_at_bottom: bool = False,
                         currency: str = "元") -> "Figure":
    """Customers and revenue per bucket in two panels: who is many, who pays."""
    use_course_style()
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    bucket_bars(table, ax=left, title="客户数 (customers)", first_at_bottom=first_at_bottom)
    bucket_bars(table, value="revenue", share="revenue_share", ax=right, first_at_bottom=first_at_bottom,
                title=f"销售额 (revenue, {currency})", xlabel=f"价税合计（{currency}）")
    if currency == "元":
        right.xaxis.set_major_formatter(lambda x, _: f"{x / 10_000:,.0f}万")
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig


def funnel_and_bars(table: "pd.DataFrame", *, depth: float = 50, title: str = "",
                    label: str = "bucket", value: str = "customers", share: str = "customer_share") -> "Figure":
    """The amFunnel pyramid (first row at the base, ``depth`` for 3-D) and a plain bar chart beside it."""
    use_course_style()
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [1.35, 1]})
    funnel_chart(table[value], [f"{b}客户数" for b in table[label]], inverse=True, depth=depth, ax=left,
                 title="漏斗图 amFunnel(inverse = TRUE)")
    bucket_bars(table, value=value, share=share, label=label, ax=right, title="条形图：同样的客户数",
                first_at_bottom=True)
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig

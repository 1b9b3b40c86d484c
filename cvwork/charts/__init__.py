"""Every figure the course draws, in one style, with a CJK font.

The font is Noto Sans SC (SIL Open Font License), shipped inside the package,
so Chinese labels render with no system font, no apt and no network.  Chart
functions call :func:`use_course_style` themselves, after any seaborn theme,
take an optional Axes and return the matplotlib Figure.  They never compute
business numbers: they draw tables made by the computing modules.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular.otf"
FONT_NAME = "Noto Sans SC"
PALETTE = ["#1f5f8b", "#3a8fb7", "#6cb4c9", "#f2a541", "#e4572e", "#7a9e7e", "#9c89b8", "#8d8d8d"]


def use_course_style() -> None:
    """Register the bundled CJK font and apply the course style.

    Safe to call any number of times; call it again after ``sns.set_theme``,
    which resets the font list.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    if FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    mpl.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_NAME, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100, "savefig.dpi": 150, "figure.figsize": (8, 4.5),
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.titlesize": 13, "axes.titleweight": "normal", "axes.labelsize": 11,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "svg.hashsalt": "cvwork", "pdf.fonttype": 42,
    })


def figure_title(fig: "Figure") -> str:
    """The title a person reads on ``fig``: its suptitle, else its axes' titles joined.

    Used as the image's alt text in HTML reports.

    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2); _ = a.set_title("客户数"); _ = b.set_title("销售额")
    >>> figure_title(fig)
    '客户数；销售额'
    >>> _ = fig.suptitle("各区间的客户"); figure_title(fig); plt.close(fig)
    '各区间的客户'
    """
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        return suptitle.get_text().strip()
    titles = [t.get_text().strip() for ax in fig.axes for t in (ax.title, ax._left_title, ax._right_title)]
    return "；".join(dict.fromkeys(t for t in titles if t))


def _axes(ax: "Axes | None", figsize: tuple[float, float] | None = None) -> tuple["Figure", "Axes"]:
    use_course_style()
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _heatmap(table: "pd.DataFrame", *, title: str, xlabel: str, ylabel: str, ax: "Axes | None",
             figsize: tuple[float, float], **options) -> "Figure":
    """The one heatmap recipe: seaborn draws, the course style is re-applied, labels set."""
    import seaborn as sns

    fig, ax = _axes(ax, figsize)
    sns.heatmap(table, ax=ax, **options)
    use_course_style()  # seaborn may reset the font list
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig



from cvwork.charts.funnel import bucket_bars, buckets_side_by_side, funnel_chart  # noqa: E402
from cvwork.charts.value import clv_histogram, ltv_cac_bars, sensitivity_lines, value_schedule_bars  # noqa: E402
from cvwork.charts.segments import pareto_chart, quadrant_scatter, rf_heatmap, segment_bars  # noqa: E402
from cvwork.charts.pipeline import backtest_lines, conversion_funnel, conversion_heatmap, forecast_bars  # noqa: E402
from cvwork.charts.loyalty import cohort_heatmap, nps_band, score_bars, stage_area  # noqa: E402
from cvwork.charts.prospects import contribution_bars, rate_bars, screening_funnel  # noqa: E402
from cvwork.charts.predictive import calibration_plot, fr_heatmap, holdout_bars  # noqa: E402

__all__ = ["use_course_style", "figure_title", "FONT_NAME", "PALETTE", "bucket_bars", "buckets_side_by_side", "funnel_chart",
           "clv_histogram", "ltv_cac_bars", "sensitivity_lines", "value_schedule_bars", "pareto_chart",
           "quadrant_scatter", "rf_heatmap", "segment_bars", "backtest_lines", "conversion_funnel",
           "conversion_heatmap", "forecast_bars", "cohort_heatmap", "nps_band", "score_bars", "stage_area",
           "contribution_bars", "rate_bars", "screening_funnel", "calibration_plot", "fr_heatmap", "holdout_bars"]

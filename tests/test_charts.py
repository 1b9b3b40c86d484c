"""Charts render Chinese with the bundled font, with no missing-glyph warning."""
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from cvwork import charts
from cvwork.funnel import revenue_buckets

TABLE = revenue_buckets(pd.DataFrame({"customer": list("abcde"), "amount": [5e3, 2e4, 6e4, 1.5e5, 3e5]}))


def draw_all():
    figs = [charts.funnel_chart(TABLE["customers"], [f"{b}客户数" for b in TABLE["bucket"]]),
            charts.funnel_chart([5, 3, 1], ["潜在客户", "新客户", "忠实客户"], inverse=False),
            charts.bucket_bars(TABLE), charts.buckets_side_by_side(TABLE, title="客户分段")]
    for fig in figs:
        assert isinstance(fig, Figure)
        fig.canvas.draw()
    return figs


def test_chinese_renders_without_glyph_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_all()
    plt.close("all")


def test_font_survives_seaborn_theme():
    import seaborn as sns
    sns.set_theme()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_all()
    assert plt.rcParams["font.sans-serif"][0] == charts.FONT_NAME
    plt.close("all")


def test_glyph_warning_would_be_caught():
    """The guard above can fail: a font without CJK glyphs does warn."""
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    fig, ax = plt.subplots()
    ax.set_title("客户")
    with pytest.warns(UserWarning, match="missing from font"):
        fig.canvas.draw()
    plt.close("all")
    charts.use_course_style()


def test_chart_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert charts.bucket_bars(TABLE, ax=ax) is fig
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "1万以下"
    plt.close("all")


def drawn_points(fig) -> int:
    """Every vertex the figure draws: line points, filled-area vertices, bars, scatter offsets."""
    total = 0
    for ax in fig.axes:
        total += sum(len(line.get_xdata()) for line in ax.lines)
        for coll in ax.collections:
            total += sum(len(p.vertices) for p in coll.get_paths()) + len(coll.get_offsets())
        total += len(ax.patches)
    return total


def test_the_report_charts_never_draw_one_element_per_customer():
    """The management report's charts cost the same for 100,000 customers as for 1,000."""
    import numpy as np

    from cvwork.abc import abc_analysis

    def sales(n):
        rng = np.random.default_rng(3)
        return pd.DataFrame({"customer": [f"c{i}" for i in range(n)], "amount": rng.lognormal(7, 1.5, n)})

    sizes = {}
    for n in (1_000, 100_000):
        lines = sales(n)
        figs = [charts.pareto_chart(abc_analysis(lines)),
                charts.buckets_side_by_side(revenue_buckets(lines), title="客户分段")]
        sizes[n] = [drawn_points(f) for f in figs]
        plt.close("all")
    assert sizes[1_000][1] == sizes[100_000][1]                  # one bar per bucket
    assert sizes[100_000][0] < 5 * 2_000 + 100                   # the Pareto curve: at most ~2,000 points per artist
    assert sizes[100_000][0] < sizes[1_000][0] * 5

"""What a manager reads: no English column names and no raw numbers in any stored table.

Grep-style over every lesson's stored outputs: each HTML table's header
cells (column names, index names, row labels) must not be a canonical English
column name, and no cell shows ``inf``/``nan`` or a raw six-decimal float.
Tables should go through ``cvwork.labels.show``.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from cvwork import labels

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: English column names that result tables of the course use besides the dictionary's keys
RESULT_COLUMNS = """
qualified_rate qualified ltv_cac cac payback_months channel still_in_top customer_share avg_recency_days
recency_days avg_frequency avg_monetary cum_share share fit_rate kept_share lead_id company contact phone
email industry employees sites missing_info duplicate_of reasons source status unique_valid leads lost step
new_entries weight_change seed_check rank tier criterion weight rfm_class rfm_code rfm_score action strategy
ci_low ci_high se promoters passives detractors missing retention retained churn active period as_of
p_alive expected_spend expected_purchases_39w calibration_frequency frequency_holdout duration_holdout
predicted actual conversion benchmark bottleneck entered won win_rate coverage velocity forecast
count mean std min max
""".split()


def canonical_english() -> set[str]:
    """Every English column name a table might leak: the dictionary's keys and result columns."""
    return set(labels.LABELS) | set(RESULT_COLUMNS)


class _Tables(HTMLParser):
    """Collects the text of header cells (th) and data cells (td) of HTML tables."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._open, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag == self._open:
            (self.headers if tag == "th" else self.cells).append(self._text.strip())
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text += data


def tables_of(path: Path) -> list[tuple[int, _Tables]]:
    """(cell index, parsed tables) for each stored HTML output of a notebook."""
    found = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html:
                parsed = _Tables()
                parsed.feed(html if isinstance(html, str) else "".join(html))
                found.append((index, parsed))
    return found


def test_the_parser_finds_headers_and_cells():
    parsed = _Tables()
    parsed.feed("<table><thead><tr><th>qualified_rate</th><th>客户</th></tr></thead>"
                "<tbody><tr><th>0</th><td>0.295956</td><td>inf</td></tr></tbody></table>")
    assert parsed.headers == ["qualified_rate", "客户", "0"] and parsed.cells == ["0.295956", "inf"]
    assert {"qualified_rate", "ltv_cac", "customer_share", "avg_recency_days", "low", "high"} <= canonical_english()


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_no_stored_table_shows_an_english_column_name(path):
    english = canonical_english()
    leaks = sorted({(i, h) for i, t in tables_of(path) for h in t.headers if h in english})
    assert not leaks, f"{path.name}: English headers (cell, header) {leaks} — show tables with cvwork.labels.show"


RAW = re.compile(r"-?inf|nan|NaN|-?\d+\.\d{5,}")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_no_stored_table_shows_raw_numbers(path):
    raw = sorted({(i, c) for i, t in tables_of(path) for c in t.cells if RAW.fullmatch(c)})
    assert not raw, f"{path.name}: raw values (cell, text) {raw[:8]} — format with cvwork.labels.show"


def test_widget_descriptions_come_from_labels_and_nothing_is_echoed(monkeypatch):
    """What JupyterLab shows under a widget cell: Chinese descriptions, readable width, no ``<function ...>``."""
    from IPython.core.formatters import DisplayFormatter

    from cvwork import widgets

    monkeypatch.setenv("CVWORK_HEADLESS", "0")
    shown = widgets.interact(lambda revenue_share=0.5, rows=5, x=1: None,
                             revenue_share=(0.0, 1.0, 0.1), rows=(3, 20, 1), x=(0, 2, 1), descriptions={"x": "阈值"})
    controls = shown.widget.children[:-1]
    assert [c.description for c in controls] == ["收入占比", "显示行数", "阈值"]
    assert {c.style.description_width for c in controls} == {"initial"}
    assert [c.tooltip for c in controls] == ["revenue_share", "rows", "x"]       # the argument, on hover
    data, _ = DisplayFormatter().format(shown)
    assert data == {} and repr(shown) == ""                                      # the cell's value shows nothing
    monkeypatch.setenv("CVWORK_HEADLESS", "1")
    assert widgets.interact(print, x=(0, 1)) is None

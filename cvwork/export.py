"""The one writer: every table, figure and report file the project writes.

Text that came from data is written so that no spreadsheet runs it: a cell
starting with ``= + - @``, tab or carriage return is neutralised (a leading
``'`` in CSV, as OWASP recommends; a plain string cell in Excel, never a
formula).  Numbers stay numbers, id-like text (``000123``, 19-digit ids) keeps
every digit, and names such as ``NA``, ``None`` or ``null`` stay names.

>>> neutralise("=1+1"), neutralise("客户A"), neutralise(3)
("'=1+1", '客户A', 3)
>>> safe_filename('A4/70g')
'A4_70g_b23b07'
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from cvwork.filenames import SHEET_NAMES, safe_filename, sheet_name

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

#: first characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_ID_LIKE = re.compile(r"^[+-]?0\d|^\d{16,}$")


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to text a spreadsheet would run as a formula (reversible).

    Text that already starts with ``'`` before such a character gets a second
    one, so :func:`unneutralise` gives back exactly what was written.

    >>> neutralise("@SUM(A1)"), neutralise("'=x"), unneutralise(neutralise("'=x"))
    ("'@SUM(A1)", "''=x", "'=x")
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` on text read back from a CSV this module wrote."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def save_table(table: "pd.DataFrame", output_dir: str | Path | None, name: str) -> Path | None:
    """Write ``name.csv`` as UTF-8 with BOM (so Excel in China opens it); no-op without a folder.

    Text cells that a spreadsheet would run as a formula are neutralised; the
    file name is made safe with :func:`safe_filename`.
    """
    if not output_dir:
        return None
    path = Path(output_dir) / f"{safe_filename(name)}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = table.copy()
    for column in safe.columns:
        if not _is_numeric(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")   # RFC 4180; quotes a lone CR
    return path


def read_table_csv(path: str | Path) -> "pd.DataFrame":
    """Read back a CSV written by :func:`save_table`: ids keep their digits,
    ``NA``/``None`` stay text, neutralised cells come back as written, numbers
    and dates as numbers and dates."""
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [unneutralise(c) for c in raw.columns]
    return pd.DataFrame({c: _restore(c, raw[c]) for c in raw.columns})


def _restore(name: str, text: "pd.Series") -> "pd.Series":
    """One CSV column: numeric or date when every value is, text otherwise."""
    import pandas as pd

    from cvwork.labels import unit

    filled = text[text != ""]
    kind = unit(name)
    if kind != "text" and len(filled) and not filled.str.match(_ID_LIKE).any():
        numbers = pd.to_numeric(filled, errors="coerce")
        if numbers.notna().all():
            return pd.to_numeric(text.replace("", None), errors="coerce")
        if kind == "date" or filled.str.match(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$").all():
            return pd.to_datetime(text.replace("", None), errors="coerce")
    return text.map(unneutralise).astype(object).where(text != "", None)


def _is_numeric(series: "pd.Series") -> bool:
    import pandas as pd

    return (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)) \
        or pd.api.types.is_datetime64_any_dtype(series)


def save_figure(fig: "Figure", output_dir: str | Path | None, name: str) -> Path | None:
    """Write ``name.png`` at the course's print resolution; no-op without a folder."""
    if not output_dir:
        return None
    path = Path(output_dir) / f"{safe_filename(name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


#: unit (see cvwork.labels) -> Excel number format
EXCEL_FORMATS = {"money": "#,##0", "money2": "#,##0.00", "pct": "0.0%", "count": "#,##0", "days": "#,##0",
                 "num": "#,##0.00", "score": "0.0", "date": "yyyy-mm-dd"}


def write_workbook(tables: Mapping[str, "pd.DataFrame"], target: str | Path) -> Path | None:
    """One Excel workbook, a sheet per table in the order given: Chinese sheet
    names and headers, number formats by unit, widths, frozen header, no index,
    every text cell a string (never a formula).  Nothing is written without tables."""
    from openpyxl import Workbook

    if not tables:
        return None
    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(sheet_name(name, book.sheetnames))
        _write_sheet(sheet, frame)
    target = Path(target)
    book.save(target)
    return target


def tables_to_workbook(folder: str | Path, target: str | Path, order: list[str] | None = None,
                       first: Mapping[str, "pd.DataFrame"] | None = None) -> Path | None:
    """Collect every CSV a lesson wrote into ``folder`` into one workbook: the
    ``first`` tables (e.g. a 摘要 sheet), then the tables named in ``order``
    (default: the report order of ``SHEET_NAMES``), the rest by name."""
    csvs = {p.stem: p for p in Path(folder).glob("*.csv")}
    rank = {n: i for i, n in enumerate(order or SHEET_NAMES)}
    names = sorted(csvs, key=lambda n: (rank.get(n, len(rank)), n))
    tables = {n: read_table_csv(csvs[n]) for n in names}
    return write_workbook({**(first or {}), **tables} if tables else {}, target)


def _write_sheet(sheet: Any, frame: "pd.DataFrame") -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from cvwork.labels import label

    for j, column in enumerate(frame.columns, 1):
        head = sheet.cell(row=1, column=j)
        _put(head, label(column), None)
        head.font = Font(bold=True)
        kind = _unit_of(column, frame[column])
        widths = [_width(label(column))]
        for i, value in enumerate(frame[column].tolist(), 2):
            shown = _put(sheet.cell(row=i, column=j), value, kind, measure=i < 500)
            if shown:
                widths.append(_width(shown))
        sheet.column_dimensions[get_column_letter(j)].width = min(max(max(widths) + 2, 8), 60)
    sheet.freeze_panes = "A2"


def _unit_of(column: str, values: "pd.Series") -> str | None:
    import numpy as np
    import pandas as pd

    from cvwork.labels import unit

    kind = unit(column)
    if kind:
        return kind
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_float_dtype(values):
        finite = values[np.isfinite(values)]
        return "count" if len(finite) and (finite == finite.round()).all() else "num"   # whole numbers: no .00
    return "date" if pd.api.types.is_datetime64_any_dtype(values) else None


def _put(cell: Any, value: Any, kind: str | None, measure: bool = True) -> str:
    """Write one value; return the text a person sees (for the column width; "" unless ``measure``)."""
    import datetime as dt

    import numpy as np
    import pandas as pd
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from cvwork.labels import format_value

    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        value = "是" if value else "否"
    if isinstance(value, (int, float, np.integer, np.floating)):
        cell.value = value.item() if isinstance(value, np.generic) else value
        cell.number_format = EXCEL_FORMATS.get(kind or "", "General")
        return format_value(value, kind) if measure else ""
    if isinstance(value, (dt.date, np.datetime64)):
        stamp = pd.Timestamp(value).tz_localize(None) if pd.Timestamp(value).tzinfo else pd.Timestamp(value)
        cell.value = stamp.to_pydatetime()
        timed = stamp != stamp.normalize()
        cell.number_format = "yyyy-mm-dd hh:mm" if timed else "yyyy-mm-dd"
        return stamp.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d")
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    cell.value = text
    cell.data_type = "s"                 # a string cell: never a formula, whatever it starts with
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True          # and Excel keeps it text when the cell is edited
    return text


def _width(text: str) -> int:
    """Display width: CJK and other wide characters count twice."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


#: Chinese fonts a manager's computer has (Windows, macOS, Linux), before the generic fallback.
CJK_CSS = """<style>
:root { --jp-content-font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
        "WenQuanYi Micro Hei", system-ui, sans-serif; --jp-ui-font-family: var(--jp-content-font-family); }
body { font-family: var(--jp-content-font-family); }
</style>
"""

#: the exported report runs no script at all: images and styles inline only, nothing fetched
CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; img-src data:; style-src 'unsafe-inline'; "
       "font-src data:\">")


#: what HTML from Markdown cells and table outputs may keep (no script, no event handler, no image)
REPORT_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "div", "em", "h1", "h2",
               "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "style", "sub", "sup",
               "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]


def clean_report_html(element: str | bytes) -> str:
    """nbconvert's ``clean_html`` filter, with an allow-list wide enough for headings and tables.

    (nbconvert's own list escapes ``<h1>``, ``<p>`` and ``<th>``, which shows the markup as text.)

    >>> clean_report_html('<p onclick="x()">a</p><img src=x onerror=y()><script>z()</script>')
    '<p>a</p>z()'
    """
    import bleach

    text = element.decode() if isinstance(element, bytes) else str(element)
    return bleach.clean(text, tags=REPORT_TAGS, protocols=["http", "https", "mailto"], strip=True,
                        attributes={"*": ["class", "id", "title", "colspan", "rowspan"], "a": ["href", "class"]})


def export_html(notebook: str | Path, target: str | Path) -> Path:
    """HTML of an executed notebook without code cells and without the cells
    tagged ``remove_in_report`` (exercises, widgets), images embedded; HTML in
    Markdown and outputs sanitised, scripts forbidden by a Content-Security-Policy."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_in_report", "solution", "exercise"}
    config.TagRemovePreprocessor.enabled = True
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.sanitize_html = True
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
    exporter.register_filter("clean_html", clean_report_html)
    nb = nbformat.read(notebook, as_version=4)
    body, _ = exporter.from_notebook_node(nb)
    body = figure_alt_text(body, nb)
    body = re.sub(r"<head[^>]*>", lambda m: m.group(0) + "\n" + CSP, body, count=1)
    body = body.replace("</head>", CJK_CSS + "</head>", 1)
    target = Path(target)
    target.write_text(body, encoding="utf-8")
    return target


#: alt text of a figure whose output carries no title
NO_TITLE = "图表 (chart)"


def figure_alt_text(body: str, nb: Any) -> str:
    """Give every inline PNG of ``body`` an ``alt`` attribute: the chart's title the report's kernel
    stored in the output's metadata (:func:`cvwork.report.handoff.figure_alt_text`), escaped."""
    import html

    titles = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if data and alt:
                titles[html.escape(data.strip())] = alt

    def add_alt(match: re.Match) -> str:
        alt = titles.get(match.group(1).strip(), NO_TITLE)
        tag = re.sub(r'\salt="[^"]*"', "", match.group(0))            # nbconvert's "No description ..."
        return tag.replace("<img", f'<img alt="{html.escape(alt)}"', 1)

    return re.sub(r'<img\b[^>]*?src="data:image/png;base64,([^"]*)"[^>]*>', add_alt, body)


__all__ = ["FORMULA_PREFIXES", "SHEET_NAMES", "EXCEL_FORMATS", "neutralise", "unneutralise", "safe_filename",
           "sheet_name", "save_table", "read_table_csv", "save_figure", "write_workbook", "tables_to_workbook",
           "export_html", "figure_alt_text", "markdown_text"]


def markdown_text(value: object) -> str:
    """Text from data made safe inside generated Markdown: HTML escaped and the
    characters Markdown would act on (links, emphasis, code) backslash-escaped.

    >>> markdown_text("<script>x</script>"), markdown_text("[点我](javascript:x)")
    ('&lt;script&gt;x&lt;/script&gt;', '\\\\[点我\\\\](javascript:x)')
    """
    import html

    return html.escape(str(value)).translate({ord(c): "\\" + c for c in "\\`*_[]"})

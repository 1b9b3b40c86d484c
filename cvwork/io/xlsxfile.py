"""Sheets of an .xlsx / .xlsm workbook read fast, as a :class:`~cvwork.io.sources.Grid`.

fastexcel (calamine in Rust, straight to Arrow) loads every cell of the sheet's
used range as text, the way a CSV arrives; the sheet's own XML gives what
fastexcel does not: where the used range starts (so every row keeps its Excel
row number) and the merged ranges.  Text is what the cleaning reads best (one
vectorised path for CSV and workbooks); numbers come as fastexcel writes them
(shortest form, at most nine decimals: a billionth of a yuan), dates as
``2024-03-05 10:15:00``, a time-only cell as ``10:15:00``.

Anything unusual (no ``r`` attributes, a binary .xlsb part, fastexcel missing)
returns None and :mod:`cvwork.io.sources` reads the sheet with python-calamine.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:  # pragma: no cover
    from cvwork.io.sources import Grid

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL = re.compile(rb'<c\b([^>]*?)(/?)>')
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?"')
#: a datetime on Excel's day zero is a time of day without a date (1900 and Mac 1904 date systems)
_DAY_ZERO = {False: ("1899-12-3", r"^1899-12-3[01] "), True: ("1904-01-01 ", r"^1904-01-01 ")}
_TIME = r"(\d{2}:\d{2}:\d{2}(?:\.\d+)?)$"


def workbook_layout(path: Path) -> tuple[dict[str, str], bool] | None:
    """(sheet name -> the zip member holding its XML, whether days count from 1904 as in old
    Excel for Mac); sheets stored in binary parts (.xlsb) are left out.  None for an unusual workbook."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if target.endswith(".xml"):
            parts[sheet.get("name")] = target
    pr = book.find(f"{_MAIN}workbookPr")
    return parts, pr is not None and pr.get("date1904", "0").lower() in ("1", "true")


def column_number(letters: bytes) -> int:
    """0-based column of ``A``, ``Z``, ``AA`` ...

    >>> column_number(b"A"), column_number(b"AA")
    (0, 26)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _first_value(xml: bytes, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """(0-based row, column) of the first cell at or after ``start`` that holds a value
    (a ``<v>`` or inline string; empty and style-only cells are not in the used range)."""
    for m in _CELL.finditer(xml, start, len(xml) if end is None else end):
        ref = _REF.search(m.group(1))
        if ref is None:
            raise ValueError("cell without a reference")
        if m.group(2):
            continue
        close = xml.find(b"</c>", m.end())
        if close < 0:
            raise ValueError("cell cut off")
        body = xml[m.end():close]
        if b"<v" in body or b"<is" in body:
            return int(ref.group(2)) - 1, column_number(ref.group(1))
    return None


def _origin(xml: bytes, cells) -> tuple[int, int] | None:
    """Excel (row, column), 0-based, of the grid's top-left cell."""
    first = _first_value(xml)
    if first is None:
        return None
    row0 = first[0]
    filled = cells[0].notna().to_numpy().nonzero()[0] if len(cells.columns) else []
    if not len(filled):
        return None
    at = re.search(rb'<row\b[^>]*?\br="%d"' % (row0 + int(filled[0]) + 1), xml)
    if at is None:
        return None
    end = xml.find(b"</row>", at.end())
    found = _first_value(xml, at.end(), end) if end > 0 else None
    return (row0, found[1]) if found else None


def _head_and_tail(path: Path, part: str, size: int = 1 << 20) -> tuple[bytes, bytes]:
    """The sheet XML's first ``size`` bytes (where the used range starts) and everything
    from ``</sheetData>`` on (the merged ranges), without holding the rows in memory."""
    mark = b"</sheetData>"
    with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
        head = stream.read(size)
        at, carry = head.find(mark), head[-len(mark):]
        tail = head[at:] if at >= 0 else b""
        while at < 0:
            chunk = stream.read(1 << 22)
            if not chunk:
                break
            piece = carry + chunk
            at, carry = piece.find(mark), piece[-len(mark):]
            tail = piece[at:] if at >= 0 else b""
        return head, tail + stream.read()


def merged_ranges(xml: bytes) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The sheet's merged ranges, 0-based ((row, col), (row, col)), from its XML tail."""
    tail = xml[xml.rfind(b"</sheetData>"):]
    out = []
    for m in _MERGE.finditer(tail):
        r0, c0 = int(m.group(2)) - 1, column_number(m.group(1))
        r1, c1 = (int(m.group(4)) - 1, column_number(m.group(3))) if m.group(3) else (r0, c0)
        out.append(((r0, c0), (r1, c1)))
    return out


def open_book(path: Path):
    """fastexcel's reader of the workbook (its shared strings parsed once for every sheet);
    None when fastexcel is missing or cannot open it."""
    try:
        import fastexcel

        return fastexcel.read_excel(str(path))
    except Exception:  # ImportError, CalamineError & co.: python-calamine decides and words the error
        return None


def fast_sheet(path: Path, name: str, part: str, mac: bool, book=None) -> "tuple[Grid, list] | None":
    """The sheet's grid from A1 (text cells; grid row i is Excel row i + 1) and its merged
    ranges; None when it cannot be read this way.  ``part`` and ``mac``: from
    :func:`workbook_layout`; ``book``: from :func:`open_book`."""
    import numpy as np

    book = book or open_book(path)
    if book is None:
        return None
    try:
        head, tail = _head_and_tail(path, part)
        table = book.load_sheet(name, header_row=None, dtypes="string").to_arrow()
    except Exception:  # fastexcel's CalamineError & co.: the slower reader decides and words the error
        return None
    from cvwork.io.sources import Grid

    cells = table.to_pandas()
    cells.columns = range(table.num_columns)
    if len(cells) == 0:
        return None
    try:
        origin = _origin(head, cells)
    except ValueError:
        return None
    if origin is None:
        return None
    prefix, zero = _DAY_ZERO[mac]
    for c in cells.columns:
        col = cells[c]
        col = col.mask(col == "")
        if col.str.startswith(prefix).any():
            col = col.str.replace(zero + _TIME, r"\1", regex=True)
        cells[c] = col
    r0, c0 = origin
    if r0 or c0:                                          # anchored at A1 like every other grid
        import pandas as pd

        cells.index, cells.columns = range(r0, r0 + len(cells)), range(c0, c0 + cells.shape[1])
        cells = cells.reindex(range(r0 + len(cells)))
        for c in range(c0):
            cells.insert(c, c, pd.Series(None, index=cells.index, dtype=object))
    return Grid(name, cells, np.arange(len(cells)) + 1), merged_ranges(tail)

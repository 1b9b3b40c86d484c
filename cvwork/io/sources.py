"""Raw cells from any file a sales team has: the format told by content,
text decoded and split whatever the encoding and delimiter, every sheet of
a workbook with its visibility and merged cells (.xlsx sheets through
fastexcel as text, see :mod:`cvwork.io.xlsxfile`; .xls, .xlsb and .ods
through python-calamine).  Nothing here knows what a
column means; a :class:`Grid` is rows of cells with their line numbers."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

SPREADSHEETS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXTS = {".csv", ".txt", ".tsv", ".tab", ".dat", ""}


@dataclass
class Grid:
    """One sheet (or the one table of a text file) as raw cells."""

    name: str | None
    cells: "pd.DataFrame"                       # object cells, columns 0..n-1
    lines: "np.ndarray"                         # 1-based line / row number of each grid row
    header: list[str] | None = None             # known already (Parquet)
    malformed: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    formulas: Any = None                        # callable(rows, col) -> set of rows holding formulas


@dataclass
class Source:
    """Everything read from one file before any column is interpreted."""

    path: Path
    fmt: str
    grids: list[Grid]
    skipped: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    replaced_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def _fail(path: Path, zh: str, en: str) -> InputError:
    return InputError(f"文件 '{path.name}' {zh} (file '{path.name}': {en})")


def sniff_format(path: Path, head: bytes) -> str:
    """The real format of a file from its first bytes, whatever its extension says."""
    if not head.strip(b"\xef\xbb\xbf\r\n\t "):
        return "empty"
    if head.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
        if "mimetype" in names or "content.xml" in names:
            return "ods"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise _fail(path, "是压缩包而不是 Excel 工作簿", "is a zip archive, not an Excel workbook; 请解压或另存为 .xlsx (unzip it or save it as .xlsx)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            return "encrypted"
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    probe = head[:2048].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")) or b"<table" in probe[:512]:
        return "html"
    return "text"


def open_source(path: str | Path, sheet: str | int | None = None, encoding: str | None = None) -> Source:
    """Read a file's raw cells: one grid per text file, one per sheet of a workbook."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 '{path}' (file not found: '{path}'); 请检查路径 (check the path)")
    if path.is_dir():
        raise InputError(f"'{path}' 是文件夹，不是文件 ('{path}' is a folder, not a file); 请给出文件路径 (give a file)")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEETS | TEXTS | {".parquet", ".pq", ".htm", ".html"}:
        raise InputError(f"'{path.name}': 不支持的文件类型 '{suffix}' (unsupported file type '{suffix}'); "
                         "请使用 .xlsx、.xls、.ods、.csv、.txt 或 .parquet (use .xlsx, .xls, .ods, .csv, .txt or .parquet)")
    fmt = sniff_format(path, head)
    if fmt == "empty":
        raise _fail(path, "是空的", "is empty; 请重新导出 (export it again)")
    if fmt == "encrypted":
        raise _fail(path, "设有打开密码", "is password protected; 请在 Excel 中去掉密码后另存 (remove the password in Excel and save it again)")
    if fmt == "html":
        raise _fail(path, "其实是网页 (HTML)，不是 Excel 表", "is really an HTML page, not a spreadsheet; "
                    "请用 Excel 打开后另存为 .xlsx (open it in Excel and save it as .xlsx)")
    if fmt == "parquet":
        return _parquet(path)
    if fmt in ("xlsx", "xls", "ods"):
        return _workbook(path, fmt, sheet)
    if sheet not in (None, 0, "0"):
        raise _fail(path, f"是文本文件，没有工作表 '{sheet}'", f"is a text file and has no sheet '{sheet}'; 去掉 --sheet (drop --sheet)")
    return read_text(path, encoding)


def _parquet(path: Path) -> Source:
    import numpy as np
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise _fail(path, "无法按 Parquet 读取", f"cannot be read as Parquet: {exc}") from None
    header = [str(c) for c in frame.columns]
    frame.columns = range(len(header))
    return Source(path, "parquet", [Grid(None, frame, np.arange(len(frame)) + 2, header=header)])


# --- workbooks -----------------------------------------------------------------

def _workbook(path: Path, fmt: str, sheet: str | int | None) -> Source:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        with open(path, "rb") as handle:     # by content: an .xls that is really xlsx opens too
            book = CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # CalamineError, PasswordError, ZipError, XmlError
        hint = "password" if "password" in str(exc).lower() else ""
        if hint:
            raise _fail(path, "设有打开密码", "is password protected; 请去掉密码后另存 (remove the password and save again)") from None
        raise _fail(path, "无法作为 Excel 工作簿打开", f"cannot be opened as a workbook: {exc}; "
                    "请确认它是 Excel 文件，或用 Excel 打开后另存为 .xlsx (open it in Excel and save as .xlsx)") from None
    names = list(book.sheet_names)
    visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata}
    chosen = _chosen_sheets(path, names, sheet)
    source = Source(path, fmt, [])
    parts, mac = (workbook_layout(path) or ({}, False)) if fmt == "xlsx" else ({}, False)
    fast = open_book(path) if parts else None
    for name in chosen:
        if sheet is None and not visible.get(name, True):
            source.skipped[name] = "隐藏的工作表 (hidden sheet)"
            continue
        source.grids.append(_sheet_grid(path, fmt, book, name, parts.get(name), mac, fast))
    book.close()
    return source


def _chosen_sheets(path: Path, names: list[str], sheet: str | int | None) -> list[str]:
    listing = ", ".join(names)
    if sheet is None:
        return names
    if isinstance(sheet, str) and sheet.isdigit() and sheet not in names:
        sheet = int(sheet)
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(f"'{path.name}' 中没有第 {sheet} 个工作表 (no sheet number {sheet}); "
                             f"文件中的工作表 (sheets in the file): {listing}")
        return [names[sheet]]
    if sheet not in names:
        raise InputError(f"'{path.name}' 中找不到工作表 '{sheet}' (no sheet named '{sheet}'); "
                         f"文件中的工作表 (sheets in the file): {listing}")
    return [sheet]


def _sheet_grid(path: Path, fmt: str, book, name: str, part: str | None, mac: bool, fast_book=None) -> Grid:
    """One sheet's cells: fast as text for .xlsx (:mod:`cvwork.io.xlsxfile`), else python-calamine's
    values; merged ranges filled, and for .xlsx a way to find formulas Excel never calculated."""
    import numpy as np
    import pandas as pd

    fast = fast_sheet(path, name, part, mac, fast_book) if part and fast_book else None
    if fast is not None:
        grid, merged = fast
    else:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        width = max(map(len, rows), default=0)
        cells = pd.DataFrame(rows, columns=range(width), dtype=object) if rows else pd.DataFrame(columns=range(width))
        grid = Grid(name, cells.replace("", None), np.arange(len(cells)) + 1)
        merged = getattr(sheet, "merged_cell_ranges", None) or []
    filled = _fill_merged(grid.cells, merged)
    if filled:
        grid.notes.append(f"工作表 '{name}' 中 {filled} 个合并单元格已按合并值填充 "
                          f"({filled} merged cells in sheet '{name}' filled from the merged value)")
    if fmt == "xlsx":
        grid.formulas = lambda rows_, col: _formula_rows(path, name, rows_, col)
    return grid


def _fill_merged(cells: "pd.DataFrame", ranges) -> int:
    """Copy a merged range's value into the empty cells it covers; return how many were filled."""
    import numpy as np
    import pandas as pd

    height, width = cells.shape
    fills: dict[int, list] = {}
    for (r0, c0), (r1, c1) in ranges:
        if not (0 <= r0 < height and 0 <= c0 < width) or pd.isna(cells.iat[r0, c0]):
            continue
        for c in range(c0, min(c1, width - 1) + 1):
            fills.setdefault(c, []).append((r0 + (c == c0), min(r1, height - 1) + 1, cells.iat[r0, c0]))
    filled = 0
    for c, spans in fills.items():
        column = cells[c].to_numpy(dtype=object, copy=True)
        empty = pd.isna(column)
        for start, stop, value in spans:
            rows = start + np.flatnonzero(empty[start:stop])
            column[rows] = value
            filled += len(rows)
        cells[c] = pd.Series(column, index=cells.index, dtype=cells[c].dtype)
    return filled


def _formula_rows(path: Path, sheet: str, rows: list[int], col: int) -> set[int]:
    """Grid rows (0-based) whose cell in ``col`` holds a formula with no stored value."""
    import openpyxl

    wanted = set(rows)
    found: set[int] = set()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows_ = book[sheet].iter_rows(min_col=col + 1, max_col=col + 1, max_row=max(wanted) + 1, values_only=True)
        for i, row in enumerate(rows_):
            if i in wanted and isinstance(row[0], str) and row[0].startswith("="):
                found.add(i)
    finally:
        book.close()
    return found


from cvwork.io.textfile import DELIMITERS, detect_encoding, read_text, sniff_delimiter  # noqa: E402,F401
from cvwork.io.xlsxfile import fast_sheet, open_book, workbook_layout  # noqa: E402

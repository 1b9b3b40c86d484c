"""The embedded engine: a sales file scanned where it lies by DuckDB.

``read_sales(path, engine="duckdb")`` (and, for CSV/TXT and Parquet files
larger than :data:`DUCKDB_THRESHOLD`, ``read_sales(path)``) comes here.  The
file is found out exactly as the pandas path does it (encoding, delimiter,
header row, aliases and units with :mod:`cvwork.io.sources` and
:mod:`cvwork.io.headers`), then DuckDB reads every cell as text into a table
of its own (spilling to disk beyond :data:`MEMORY_LIMIT`), and the row rules of
:mod:`cvwork.io.duck_rules` clean it.  Python only ever sees the first lines,
the *distinct* values SQL cannot read unambiguously, and the excluded rows.

GBK/GB18030 and UTF-16 files are transcoded in chunks to a temporary UTF-8
file first (DuckDB reads UTF-8 only).  Files DuckDB's strict CSV parser cannot
split line by line as pandas does (stray quotes, ragged lines, mixed or
old-Mac line endings, space-aligned text) and workbooks are read by the
pandas path and handed over as a relation, with a note in the account.

>>> rel = read_sales_duckdb("big.csv")                 # doctest: +SKIP
>>> rel.aggregate("sum(amount)").fetchall()              # doctest: +SKIP
"""
from __future__ import annotations

import codecs
import csv
import os
import re
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from cvwork.io import headers as H
from cvwork.io.sources import detect_encoding, sniff_delimiter, sniff_format

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

    from cvwork.io.account import ReadAccount

#: CSV/TXT and Parquet files larger than this (bytes) are read through DuckDB by default
DUCKDB_THRESHOLD = 200 * 1024 ** 2
#: DuckDB's memory limit for one read (it spills to its temporary directory beyond it)
MEMORY_LIMIT = "2GB"
_HEAD = 1 << 20
_CHUNK = 16 << 20
_ACCOUNTS: dict[int, tuple[Any, "ReadAccount"]] = {}


def connect() -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection: threads = cores, :data:`MEMORY_LIMIT`,
    spilling to a temporary folder beyond it, file order kept.  DuckDB creates
    the folder only when it spills and removes it on close; the finalizer removes
    it when the connection is garbage collected.  Nothing is made up front, so a
    killed process leaves nothing behind unless it was spilling."""
    import uuid

    import duckdb

    folder = os.path.join(tempfile.gettempdir(), f"cvwork-duckdb-{os.getpid()}-{uuid.uuid4().hex[:12]}")
    con = duckdb.connect(":memory:", config={
        "threads": os.cpu_count() or 1, "memory_limit": MEMORY_LIMIT, "temp_directory": folder,
        "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    weakref.finalize(con, shutil.rmtree, folder, True)
    return con


def remember(relation: Any, account: "ReadAccount") -> Any:
    """Attach ``account`` to a relation (relations take no attributes): see :func:`account_of_relation`."""
    key = id(relation)
    _ACCOUNTS[key] = (weakref.ref(relation, lambda _: _ACCOUNTS.pop(key, None)), account)
    return relation


def account_of_relation(relation: Any) -> "ReadAccount | None":
    """The account :func:`remember` attached to ``relation``, or None."""
    entry = _ACCOUNTS.get(id(relation))
    return entry[1] if entry and entry[0]() is relation else None


def wants_duckdb(path: str | Path, engine: str | None) -> bool:
    """True when ``engine`` asks for DuckDB, or is None/'auto' and the file is
    a text or Parquet file larger than :data:`DUCKDB_THRESHOLD`."""
    from cvwork.errors import InputError

    if engine not in (None, "auto", "pandas", "duckdb"):
        raise InputError(f"未知的引擎 '{engine}' (unknown engine '{engine}'); 请用 'pandas' 或 'duckdb' (use 'pandas' or 'duckdb')")
    if engine in ("pandas", "duckdb"):
        return engine == "duckdb"
    path = Path(path)
    if not path.is_file() or path.stat().st_size <= DUCKDB_THRESHOLD:
        return False
    with open(path, "rb") as handle:
        return sniff_format(path, handle.read(4096)) in ("text", "parquet")


@dataclass
class Layout:
    """What was found out about a file before DuckDB reads it."""

    path: Path                        # the file DuckDB reads (a UTF-8 copy for other encodings)
    source: Path                      # the user's file
    fmt: str                          # 'text' or 'parquet'
    header: list[str]
    skip: int = 0                     # physical lines above the first data line
    width: int = 0
    delimiter: str | None = None
    encoding: str | None = None
    replaced: int = 0
    blanks: list[int] = field(default_factory=list)     # physical numbers of empty data lines
    lines: int = 0                    # physical lines in the file
    notes: list[str] = field(default_factory=list)
    types: dict[int, str] = field(default_factory=dict)  # Parquet: position -> DuckDB type


class Unsuitable(Exception):
    """The file is one DuckDB's strict parser would read differently: use the pandas path."""


def read_sales_duckdb(path: str | Path, columns: Mapping[str, str] | None = None, encoding: str | None = None,
                      header_row: int | None = None, required: Sequence[str] = ("customer", "amount"),
                      sheet: str | int | None = None):
    """Read a sales file into a DuckDB relation of its cleaned lines, with the
    same rules and the same account as the pandas path (``account_of(rel)``).

    Returns a relation with ``date``, ``customer``, ``product``, ``amount``,
    ``quantity``, ``order_id`` (those present), other mapped text columns such
    as ``owner`` and ``region``, and ``customer_raw``; unmapped columns are
    dropped.  It lives on its own connection (see :func:`connect`).
    """
    from cvwork.io.duck_clean import BadUnicode, clean

    path = Path(path)
    fmt = _format(path, sheet)
    con = connect()
    temp: list[Path] = []
    try:
        if fmt == "other":
            raise Unsuitable("工作簿留在 pandas 路径 (workbooks stay on the pandas path)")
        if fmt == "parquet":
            relation, account = clean(con, _parquet_layout(con, path), columns, tuple(required))
        else:
            try:
                relation, account = clean(con, _text_layout(path, encoding, header_row, temp), columns, tuple(required))
            except BadUnicode:
                for table in ("lines", "raw"):
                    con.execute(f"DROP TABLE IF EXISTS {table}")
                layout = _text_layout(path, encoding, header_row, temp, whole=True)
                relation, account = clean(con, layout, columns, tuple(required))
    except Unsuitable as why:
        relation, account = _through_pandas(con, path, sheet, columns, encoding, header_row, required, str(why))
    finally:
        for t in temp:
            t.unlink(missing_ok=True)
    return remember(relation, account)


def _format(path: Path, sheet) -> str:
    """'text', 'parquet' or 'other'; the pandas path's errors for a missing, empty or disguised file."""
    from cvwork.io.sources import open_source

    from cvwork.io.sources import SPREADSHEETS, TEXTS

    if not path.is_file() or path.stat().st_size == 0 or \
            path.suffix.lower() not in SPREADSHEETS | TEXTS | {".parquet", ".pq", ".htm", ".html"}:
        open_source(path)                                   # raises the pandas path's InputError
    with open(path, "rb") as handle:
        fmt = sniff_format(path, handle.read(4096))
    if fmt in ("empty", "html", "encrypted"):
        open_source(path)
    if fmt not in ("text", "parquet") or sheet not in (None, 0, "0"):
        return "other"
    return fmt


def _through_pandas(con, path, sheet, columns, encoding, header_row, required, why: str):
    """Read with the pandas path and hand the frame to DuckDB (small or unusual files)."""
    from cvwork.io.readers import read_kind

    frame = read_kind(path, "sales", sheet=sheet, columns=columns, encoding=encoding, header_row=header_row,
                      required=required)
    account = frame.attrs.pop("account")
    account.notes.append(f"按 pandas 方式读取后交给 DuckDB：{why} (read by the pandas path, then handed to DuckDB: {why})")
    name = f"pandas_{id(frame)}"
    con.register(name + "_df", frame)
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "{name}_df"')
    con.unregister(name + "_df")
    return con.table(name), account


# --- text files -------------------------------------------------------------------

def _text_layout(path: Path, encoding: str | None, header_row: int | None, temp: list[Path],
                 whole: bool = False) -> Layout:
    """Encoding (transcoding to UTF-8 when needed), delimiter, header row, blank lines."""
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
    if len(head) == _HEAD and b"\n" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[:head.rindex(b"\n") + 1]
    name, replaced = (encoding, 0) if encoding else detect_encoding(head)
    target = path
    if whole:                                   # DuckDB met a byte that is not UTF-8 beyond the first MB
        name = encoding or _detect_whole(path)[0]
        target, replaced = _transcode(path, name, temp)
    elif codecs.lookup(name).name not in ("utf-8", "utf-8-sig") or replaced:
        target, replaced = _transcode(path, name, temp)
    with open(target, "rb") as handle:
        text = handle.read(_HEAD).decode("utf-8", errors="replace").lstrip("\ufeff")
    if "\r" in text and "\n" not in text:
        raise Unsuitable("行尾是旧式 Mac 的 CR (old Mac CR line endings)")
    if "\r\n" in text and text.count("\r\n") != text.count("\n"):
        raise Unsuitable("行尾混用 CR LF 与 LF (mixed line endings)")
    lines = text[:200_000].splitlines()[:200]
    delim = sniff_delimiter(lines)
    if delim is None:
        raise Unsuitable("按空格对齐的文本 (space-aligned text)")
    counts = [c for c in (_fields(line, delim) for line in lines if line.strip()) if c > 1] or [1]
    width = max(set(counts), key=lambda c: (counts.count(c), c))
    top = [_cells(line, delim, width) for line in text.splitlines()[:30]]
    at = int(header_row) - 1 if header_row else H.find_header(top, "sales")[0]
    if at >= len(top):
        raise Unsuitable(f"表头在第 {at + 1} 行之后 (header below line 30)")
    header = [(_text(v) or f"列{i + 1}") for i, v in enumerate(top[at])]
    total, blanks = _line_scan(target, at + 1)
    notes = [f"{replaced} 个无法按 {name} 解码的字节已替换为 � ({replaced} bytes that are not valid {name} were "
             "replaced)"] if replaced else []
    return Layout(target, path, "text", header, at + 1, width, delim, name, replaced, blanks, total, notes)


def _fields(line: str, delim: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delim)))
    except (csv.Error, StopIteration):
        return line.count(delim) + 1


def _cells(line: str, delim: str, width: int) -> list:
    try:
        fields = next(csv.reader([line], delimiter=delim), [])
    except csv.Error:
        fields = line.split(delim)
    fields = [f if f != "" else None for f in fields[:width]]
    return fields + [None] * (width - len(fields))


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _detect_whole(path: Path) -> tuple[str, int]:
    """UTF-8 or GB18030, whichever needs fewer replacements over the whole file."""
    best = None
    for name in ("utf-8", "gb18030"):
        decoder, bad = codecs.getincrementaldecoder(name)(errors="replace"), 0
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                bad += decoder.decode(chunk).count("\ufffd")
        bad += decoder.decode(b"", final=True).count("\ufffd")
        if best is None or bad < best[1]:
            best = (name, bad)
    assert best is not None
    return best


def _transcode(path: Path, encoding: str, temp: list[Path]) -> tuple[Path, int]:
    """A UTF-8 copy of ``path`` (chunk by chunk, no BOM); bad bytes replaced and counted."""
    handle, name = tempfile.mkstemp(prefix="cvwork-utf8-", suffix=".csv")
    os.close(handle)
    target = Path(name)
    temp.append(target)
    decoder, replaced, first = codecs.getincrementaldecoder(encoding)(errors="replace"), 0, True
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as out:
        while True:
            chunk = src.read(_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if first and text:
                text, first = (text[1:] if text.startswith("\ufeff") else text), False
            replaced += text.count("\ufffd")
            out.write(text)
            if not chunk:
                break
    return target, replaced


_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)")


def _line_scan(path: Path, skip: int) -> tuple[int, list[int]]:
    """(physical lines, numbers of the empty lines below the first ``skip``):
    DuckDB drops empty lines, the pandas path counts them as blank rows."""
    lines, blanks, prev = 0, [], b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            joined, seen, at_line = prev + chunk, 0, lines
            for match in _EMPTY_LINE.finditer(joined):
                at_line += joined.count(b"\n", seen + 1, match.start() + 1)
                seen = match.start()
                if at_line + 1 > skip:
                    blanks.append(at_line + 1)
            lines += chunk.count(b"\n")
            prev = chunk[-1:]
    if path.stat().st_size and prev != b"\n":
        lines += 1
    return lines, blanks


# --- Parquet ------------------------------------------------------------------------

def _parquet_layout(con, path: Path) -> Layout:
    from cvwork.io.duck_rules import sql_string

    try:
        described = con.sql(f"DESCRIBE SELECT * FROM read_parquet({sql_string(str(path))})").fetchall()
        rows = con.sql(f"SELECT count(*) FROM read_parquet({sql_string(str(path))})").fetchall()[0][0]
    except Exception as exc:  # duckdb.Error: a broken file
        raise Unsuitable(f"DuckDB 无法读取这个 Parquet 文件 (DuckDB cannot read it: {exc})") from None
    header = [str(name) for name, *_ in described]
    types = {i: str(t).upper() for i, (_, t, *__) in enumerate(described)}
    return Layout(path, path, "parquet", header, 1, len(header), types=types, lines=rows + 1)

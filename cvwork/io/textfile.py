"""Text exports (CSV, TSV, semicolon- or space-aligned TXT) as a :class:`~cvwork.io.sources.Grid`:
encoding and delimiter detected, bad bytes replaced and counted, every physical
line accounted for.  Clean files go through pyarrow's CSV reader; a file whose
quotes do not pair up on each line goes through pandas' C parser and, when its
records still disagree with the physical lines, Python's csv module line by line."""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from cvwork.io.sources import Grid, Source

DELIMITERS = (",", "\t", ";", "|")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))


def detect_encoding(raw: bytes) -> tuple[str, int]:
    """(encoding, number of bytes that had to be replaced)."""
    return decode(raw)[:2]


def decode(raw: bytes) -> tuple[str, int, str | None]:
    """(encoding, bytes replaced, the decoded text); the text is None for valid UTF-8
    without a BOM, which is checked by Arrow and never decoded whole."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            text = raw.decode(name, errors="replace")
            return name, text.count("\ufffd"), text
    sample = raw[:4000]
    if sample.count(b"\x00") > len(sample) // 4:
        name = "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
        text = raw.decode(name, errors="replace")
        return name, text.count("\ufffd"), text
    if _valid_utf8(raw):
        return "utf-8", 0, None
    best = None
    for name in ("utf-8", "gb18030"):
        try:
            return name, 0, raw.decode(name)
        except UnicodeDecodeError:
            text = raw.decode(name, errors="replace")
            bad = text.count("\ufffd")
            if best is None or bad < best[1]:
                best = (name, bad, text)
    assert best is not None
    if best[1] > max(20, len(raw) // 1000):
        raise InputError("无法识别文件编码 (cannot detect the file encoding); "
                         "请在 Excel 中另存为 'CSV UTF-8' (save it as 'CSV UTF-8' in Excel)")
    return best


def _valid_utf8(raw: bytes) -> bool:
    """True when the bytes are valid UTF-8 (checked by Arrow, without building a str)."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64).tobytes())
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(raw)]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter most lines use the same number of times; None for aligned text."""
    best, best_score = None, 0
    for delim in DELIMITERS:
        counts = [_split_count(line, delim) for line in lines if line.strip()]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _split_count(line: str, delim: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delim))) - 1
    except (csv.Error, StopIteration):
        return line.count(delim)


def _line_count(text: str | bytes) -> int:
    """Physical lines (\\n, \\r\\n or \\r each end one), of decoded text or of UTF-8 bytes."""
    nl, cr = ("\n", "\r") if isinstance(text, str) else (b"\n", b"\r")
    n = text.count(nl) + text.count(cr) - text.count(cr + nl)
    return n + (1 if text and not text.endswith((nl, cr)) else 0)


def read_text(path: Path, encoding: str | None = None) -> "Source":
    """A text file's one grid, with its encoding, delimiter and replaced bytes.
    A valid UTF-8 file is split straight from its bytes (checked by Arrow, never decoded whole)."""
    import codecs

    from cvwork.io.sources import Source

    raw = path.read_bytes()
    text = None
    if encoding:
        text = raw.decode(encoding, errors="replace")
        replaced = text.count("\ufffd")
    else:
        encoding, replaced, text = decode(raw)
    if not replaced and codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        data = raw.removeprefix(b"\xef\xbb\xbf")
        text = text.removeprefix("\ufeff") if text is not None else None
    else:
        text = (text if text is not None else raw.decode(encoding, errors="replace")).removeprefix("\ufeff")
        data = text.encode("utf-8")
    head = (text if text is not None else data[:1_000_000].decode("utf-8", errors="replace"))[:200_000]
    head = head.splitlines()[:200]
    delim = sniff_delimiter(head)
    source = Source(path, "text", [], encoding=encoding, delimiter=delim or "空白 (whitespace)",
                    replaced_bytes=replaced)
    if replaced:
        source.notes.append(f"{replaced} 个无法按 {encoding} 解码的字节已替换为 � "
                            f"({replaced} bytes that are not valid {encoding} were replaced)")
    if delim is None:
        source.grids.append(_aligned(text if text is not None else data.decode("utf-8")))
        return source
    counts = [c for c in (_split_count(line, delim) + 1 for line in head if line.strip()) if c > 1] or [1]
    width = max(set(counts), key=lambda c: (counts.count(c), c))   # the usual width; longer lines are checked
    lines = _line_count(text if text is not None else data)
    grid = _arrow_csv(data, delim, width, lines) or _fast_csv(path, encoding, delim, width, lines)
    source.grids.append(grid or _careful_csv(text if text is not None else data.decode("utf-8"), delim, width))
    return source


_NOT_BREAK_OR_QUOTE = bytes(b for b in range(256) if b not in b'"\n\r')


def _paired_quotes(data: bytes) -> bool:
    """True when every physical line holds an even number of double quotes
    (then the quotes, taken two by two in order, never straddle a line break).

    Only quotes and line breaks are kept; within one line the quotes are then
    side by side, so removing pairs leaves a quote exactly where a line had an
    odd number.

    >>> _paired_quotes(b'a,"b,c"\\nd,""\\n'), _paired_quotes(b'a,"b\\nc"\\n')
    (True, False)
    """
    if b'"' not in data:
        return True
    return b'"' not in data.translate(None, _NOT_BREAK_OR_QUOTE).replace(b'""', b"")


def _arrow_csv(data: bytes, delim: str, width: int, lines: int) -> "Grid | None":
    """pyarrow's CSV reader on the UTF-8 bytes, every cell as text: lines with
    fewer fields (titles, notes) are put back in place, padded; None when a
    line's quotes do not pair up, a line has more fields than the header, or
    the rows disagree with the physical lines."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not _paired_quotes(data):
        return None
    short: list[tuple[int, str]] = []
    names = [str(i) for i in range(width)]

    def aside(row) -> str:
        short.append((row.number, row.text) if row.actual_columns < width and row.number else (-1, ""))
        return "skip"

    try:
        table = pacsv.read_csv(pa.BufferReader(data), read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
                               parse_options=pacsv.ParseOptions(delimiter=delim, ignore_empty_lines=False,
                                                                invalid_row_handler=aside),
                               convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                                    null_values=[""], strings_can_be_null=True))
    except (pa.ArrowException, ValueError):
        return None
    if any(n < 0 for n, _ in short) or table.num_rows + len(short) != lines:
        return None
    pieces, done = [], 0
    for i, (number, text) in enumerate(sorted(short)):           # back in place: rows before it, then it
        fields = (next(csv.reader([text], delimiter=delim), []) + [None] * width)[:width]
        pieces += [table.slice(done, number - 1 - i - done),
                   pa.table({n: pa.array([v or None], pa.string()) for n, v in zip(names, fields)})]
        done = number - 1 - i
    cells = pa.concat_tables([*pieces, table.slice(done)]).to_pandas() if pieces else table.to_pandas()
    cells.columns = range(width)
    from cvwork.io.sources import Grid

    return Grid(None, cells, np.arange(lines) + 1)


def _fast_csv(path: Path, encoding: str, delim: str, width: int, lines: int) -> "Grid | None":
    """pandas' C parser straight from the file; None when quoting makes its rows
    disagree with the physical lines (then :func:`_careful_csv` decides)."""
    import numpy as np
    import pandas as pd

    from cvwork.io.sources import Grid

    try:
        cells = pd.read_csv(path, sep=delim, header=None, names=range(width), dtype="str", encoding=encoding,
                            encoding_errors="replace", keep_default_na=False, na_values=[""],
                            skip_blank_lines=False, on_bad_lines="skip", engine="c", quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError):
        return None
    if len(cells) != lines:
        return None
    if len(cells) and isinstance(cells.iat[0, 0], str) and cells.iat[0, 0].startswith("\ufeff"):
        cells.iat[0, 0] = cells.iat[0, 0][1:]
    return Grid(None, cells, np.arange(len(cells)) + 1)        # pandas' str columns: vectorised text rules


def _physical(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _one_line(line: str, delim: str, width: int) -> list[str] | None:
    """Split one physical line on its own; an odd number of quotes means a
    stray quote, so the line is split plainly and the quotes dropped.  None
    when the line still has more non-empty fields than the header."""
    if line.count('"') % 2:
        fields = [f.replace('"', "").strip() for f in line.split(delim)]
    else:
        try:
            fields = next(csv.reader([line], delimiter=delim), [])
        except csv.Error:
            return None
    if any(f.strip() for f in fields[width:]):
        return None
    return fields[:width]


def _careful_csv(text: str, delim: str, width: int) -> Grid:
    """Python's csv module with line tracking: a quote that would swallow
    the lines after it is confined to its own line (repaired, noted), a line
    that still does not fit is kept aside as malformed."""
    import numpy as np
    import pandas as pd

    from cvwork.io.sources import Grid

    physical = _physical(text)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    malformed: list[tuple[int, str]] = []
    repaired: list[int] = []
    reader = csv.reader(physical, delimiter=delim)
    start = 1
    for record in reader:
        end = reader.line_num
        span = physical[start - 1:end]
        looks_split = end > start and all(len(l.split(delim)) >= max(2, width - 1) for l in span)
        stray = end == start and span and span[0].count('"') % 2 == 1
        if looks_split or stray or len(record) > width and any(f.strip() for f in record[width:]):
            for offset, line in enumerate(span):
                fields = _one_line(line, delim, width)
                if fields is None:
                    malformed.append((start + offset, line))
                else:
                    rows.append(fields)
                    numbers.append(start + offset)
                    repaired.append(start + offset)
        else:
            rows.append(record[:width] if record else [])
            numbers.append(start)
        start = end + 1
    cells = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=range(width), dtype=object)
    cells = cells.where(cells.map(lambda v: v is not None and str(v).strip() != ""), None)
    grid = Grid(None, cells, np.asarray(numbers, dtype=int), malformed=malformed)
    if repaired:
        shown = ", ".join(map(str, repaired[:10])) + (" ..." if len(repaired) > 10 else "")
        grid.notes.append(f"{len(repaired)} 行含有不成对的引号，已按行拆开 (第 {shown} 行) "
                          f"({len(repaired)} lines with unbalanced quotes were split line by line: {shown})")
    return grid


def _aligned(text: str) -> Grid:
    """Columns aligned with runs of spaces (a printed report saved as text)."""
    import numpy as np
    import pandas as pd

    from cvwork.io.sources import Grid

    physical = _physical(text)
    rows = [[f for f in re.split(r"\s{2,}|\t", line.strip())] if line.strip() else [] for line in physical]
    width = max((len(r) for r in rows), default=1)
    cells = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=range(width), dtype=object)
    return Grid(None, cells.where(cells.notna() & (cells != ""), None), np.arange(len(rows)) + 1)

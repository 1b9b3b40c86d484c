"""Property tests for read_sales (issue 12): random small sales tables written as
CSV or xlsx with title rows above the header, labelled subtotal and grand-total
lines, stray blank lines and random valid spellings of dates and amounts; CSV in five encodings and three delimiters.

Whatever the spelling, the reader must keep exactly the detail rows, their
total to the cent, and account for every other line as blank/total/subtotal.
"""
from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

io = pytest.importorskip("cvwork.io")

NAMES = ["甲公司", "乙公司", "丙贸易有限公司", "Acme Ltd", "北京ABC科技"]
SUB_LABELS = ["小计", "小计：", "小 计", "Subtotal", "SUBTOTAL", "小计:"]
GRAND_LABELS = ["合计", "合计：", "合 计", "合　计", "总计", "总计(元)", "总计（元）", "Total", "Total:",
                "TOTAL", "Grand Total", "合计金额", "合计金额：", "累计"]
TITLES = [["XX公司销售报表 2024年度"], [], ["制表日期: 2024-12-31"], ["单位：元"]]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ spellings
def _money(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _commas(cents: int) -> str:
    return f"{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


POSITIVE = [
    lambda c: _money(c),
    lambda c: _commas(c),
    lambda c: "¥" + _commas(c),
    lambda c: "￥" + _money(c),
    lambda c: _money(c) + "元",
    lambda c: "人民币" + _money(c) + "元",
    lambda c: "$" + _commas(c),
    lambda c: _money(c).translate(FULL),
    lambda c: f"{abs(c) / 1_000_000:.8f}".rstrip("0").rstrip(".") + "万",
]
NEGATIVE = [
    lambda c: "-" + _money(c),
    lambda c: "(" + _commas(c) + ")",
    lambda c: "\u2212" + _money(c),
    lambda c: "-" + _commas(c),
]
DATES = [
    lambda d: (d.strftime("%Y-%m-%d"), False),
    lambda d: (f"{d.year}/{d.month}/{d.day}", False),
    lambda d: (f"{d.year}年{d.month}月{d.day}日", False),
    lambda d: (d.strftime("%Y.%m.%d"), False),
    lambda d: (d.strftime("%Y%m%d"), False),
    lambda d: (d.strftime("%Y-%m-%d") + " 10:15:00.000", True),
]


@st.composite
def tables(draw, excel: bool = False):
    """A list of lines (title rows, header, details, blanks, subtotals, grand total) and the answer."""
    n_sections = draw(st.integers(1, 3))
    lines: list[list] = [list(t) for t in draw(st.lists(st.sampled_from(TITLES), max_size=3, unique_by=tuple))]
    if lines:
        lines.append([])      # a blank line between the title block and the header
    lines.append(["日期", "客户", "产品", "金额"])
    details = []
    grand = 0
    label_col = draw(st.sampled_from([0, 1, 2]))   # where the total label goes: date, customer or product
    since = 0       # detail total since the previous subtotal line
    for _ in range(n_sections):
        section_rows = draw(st.integers(1, 4))
        for _ in range(section_rows):
            cents = draw(st.integers(-5_000_00, 9_999_999_99).filter(lambda c: c != 0))
            assume(cents != since)            # would look like a subtotal of the lines above
            day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2025, 12, 31)))
            name = draw(st.sampled_from(NAMES))
            date_cell, timed = draw(st.sampled_from(DATES))(day)
            stamp = dt.datetime(day.year, day.month, day.day, 10 if timed else 0, 15 if timed else 0)
            amount_cell = draw(st.sampled_from(POSITIVE if cents > 0 else NEGATIVE))(cents)
            if excel and draw(st.booleans()):
                date_cell, amount_cell = stamp, cents / 100
            lines.append([date_cell, name, "A型", amount_cell])
            details.append((name, cents, stamp))
            since += cents
            grand += cents
            if draw(st.integers(0, 5)) == 0:
                lines.append([])              # a stray blank line
        if n_sections > 1 and draw(st.booleans()):
            line = [None, None, None, _money(since) if since >= 0 else "-" + _money(since)]
            label = draw(st.sampled_from(SUB_LABELS + [None]))
            assume(label is not None or section_rows >= 2)   # an unlabelled subtotal: found by its sum
            line[label_col] = label
            lines.append(line)
            since = 0
    stated = None
    last = lines[-1]
    if len(last) == 4 and since == 0 and last[label_col] is None \
            and last[3] == (_money(grand) if grand >= 0 else "-" + _money(grand)):
        # the file ends with an UNLABELLED line equal to every detail line: the spec names only labelled
        # lines as the grand total, a reader may also take this one; both readings reconcile
        stated = "either"
    if draw(st.booleans()):
        line = [None, None, None, _money(grand) if grand >= 0 else "-" + _money(grand)]
        line[label_col] = draw(st.sampled_from(GRAND_LABELS))
        lines.append(line)
        stated = grand
    return lines, details, stated


def _write_csv(path: Path, lines: list[list], encoding: str, delimiter: str) -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n" if encoding == "utf-8" else "\r\n")
        for line in lines:
            cells = ["" if c is None else str(c) for c in line]
            if encoding == "gbk":     # no GBK code for U+2212 or U+00A5: GBK files write '-' and '￥'
                cells = [c.replace("\u2212", "-").replace("¥", "￥") for c in cells]
            writer.writerow(cells)


def _write_xlsx(path: Path, lines: list[list]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in lines:
        ws.append(line)
    wb.save(path)


def _check(path: Path, details, stated) -> None:
    sales = io.read_sales(path)
    acc = io.account_of(sales)
    got = [(raw, round(a * 100), d.to_pydatetime()) for raw, a, d in
           zip(sales["customer_raw"], sales["amount"], sales["date"])]
    assert got == details
    total = sum(c for _, c, _ in details)
    assert round(acc.kept_amount * 100) == total
    assert round(sales["amount"].sum() * 100) == total
    assert acc.rows_kept + len(acc.excluded) == acc.rows_read
    assert set(acc.excluded["code"]) <= {"blank", "total", "subtotal"}
    if stated == "either":
        assert acc.stated_total is None or round(acc.stated_total * 100) == total
    elif stated is None:
        assert acc.stated_total is None
    else:
        assert round(acc.stated_total * 100) == stated
    assert acc.reconciles
    assert acc.replaced_bytes == 0


@SETTINGS
@given(table=tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]),
       delimiter=st.sampled_from([",", "\t", ";"]))
def test_csv_kept_total_is_detail_total(table, encoding, delimiter):
    lines, details, stated = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.csv"
        _write_csv(path, lines, encoding, delimiter)
        _check(path, details, stated)


@SETTINGS
@given(table=tables(excel=True))
def test_xlsx_kept_total_is_detail_total(table):
    lines, details, stated = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.xlsx"
        _write_xlsx(path, lines)
        _check(path, details, stated)


# ------------------------------------------------------------------ rows with one defect each
DEFECTS = {
    "customer": lambda row: [row[0], "", row[2], row[3]],        # no customer
    "amount": lambda row: [row[0], row[1], row[2], "abc"],       # amount not a number
    "amount_range": lambda row: [row[0], row[1], row[2], "inf"],  # infinite amount
    "date": lambda row: [ "下周", row[1], row[2], row[3]],         # not a date
}


@st.composite
def defective_tables(draw):
    """Detail rows, some with exactly one defect; returns lines, the valid rows and {line: code}."""
    titles = draw(st.integers(0, 2))
    lines = [["XX公司销售报表"], []][:titles] + [["日期", "客户", "产品", "金额"]]
    valid, defects, seen = [], {}, []
    for _ in range(draw(st.integers(1, 8))):
        cents = draw(st.integers(1, 9_999_999))
        day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2025, 12, 31)))
        row = [day.isoformat(), draw(st.sampled_from(NAMES)), "A型", _commas(cents)]
        defect = draw(st.sampled_from([None, None, *DEFECTS]))
        if defect == "customer":   # a customer-less line equal to the sum above would be a subtotal
            assume(cents != sum(seen) and cents != sum(c for c, ok in zip(seen, seen) if ok))
        lines.append(DEFECTS[defect](row) if defect else row)
        if defect:
            defects[len(lines)] = defect        # 1-based line number of this row
        else:
            valid.append((row[1], cents))
        seen.append(cents)
    return lines, valid, defects


@SETTINGS
@given(table=defective_tables())
def test_csv_defective_rows_are_excluded_with_their_code(table):
    lines, valid, defects = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "defects.csv"
        _write_csv(path, lines, "utf-8", ",")
        sales = io.read_sales(path)
    acc = io.account_of(sales)
    assert [(raw, round(a * 100)) for raw, a in zip(sales["customer_raw"], sales["amount"])] == valid
    got = dict(zip(acc.excluded["row"].astype(int), acc.excluded["code"]))
    assert got == defects
    assert acc.rows_kept + len(acc.excluded) == acc.rows_read == len(valid) + len(defects)
    assert round(acc.kept_amount * 100) == sum(c for _, c in valid)
    assert acc.reconciles


# ------------------------------------------------------------------ line and quote counting
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='a,"\r\n客', max_size=40))
def test_line_and_quote_counts_match_their_definition(text):
    """Physical lines end at \\n, \\r\\n or \\r; quotes pair up when every such line has an even number."""
    import re

    from cvwork.io.textfile import _line_count, _paired_quotes

    data = text.encode("utf-8")
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines = lines[:-1]
    assert _line_count(data) == _line_count(text) == len(lines)
    assert _paired_quotes(data) == all(line.count('"') % 2 == 0 for line in lines)

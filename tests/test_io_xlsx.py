"""The fast .xlsx reader (fastexcel text + the sheet's XML) against python-calamine's
values: same rows, same Excel row numbers, same merged fills, same account."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

import cvwork.io.sources as sources
from cvwork.io import account_of, open_source, read_sales
from cvwork.io.xlsxfile import _head_and_tail, column_number, fast_sheet, merged_ranges, workbook_layout


def _book(path, offset: bool = True):
    """A report placed at B3 (title, blank row, header at row 5), the customer merged
    down over its lines, a time-only cell, an Excel error, a date-formatted serial,
    a hidden sheet before it and a total line."""
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "模板"
    hidden.sheet_state = "hidden"
    hidden.append(["日期", "客户", "金额"])
    hidden.append(["2020-01-01", "旧客户", 999])
    ws = wb.create_sheet("销售明细")
    col = 2 if offset else 1
    top = 3 if offset else 1
    ws.cell(top, col, "华东公司销售报表 2024年度")
    rows = [
        ["日期", "客户名称", "产品", "价税合计", "备注"],
        [dt.datetime(2024, 3, 5, 10, 15), "甲公司", "A型", 1234.5, "0012"],
        [dt.date(2024, 3, 6), None, "B型", 0.1 + 0.2, None],          # customer merged from the line above
        ["2024年3月7日", None, "A型", 1e3, "#N/A"],
        [dt.time(9, 30), "乙公司", "A型", 170, None],                  # a time without a date
        [45360, "乙公司", "B型", "¥1,200.00", None],                   # an Excel day number
        [None, "丙公司", "B型", 99.99 * 7, None],                      # no date
        ["合计", None, None, 1234.5 + 0.3 + 1000 + 170 + 1200 + 699.93, None],
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(top + 2 + i, col + j, value)
    ws.cell(top + 2 + 6, col, 45361.25).number_format = "yyyy-mm-dd hh:mm"
    ws.cell(top + 2 + 6, col + 1).value = "丙公司"
    ws.merge_cells(start_row=top + 3, start_column=col + 1, end_row=top + 5, end_column=col + 1)
    wb.save(path)
    return path


def _calamine_only(monkeypatch):
    monkeypatch.setattr(sources, "fast_sheet", lambda *a, **k: None)


@pytest.mark.parametrize("offset", [True, False])
def test_fast_reader_matches_calamine(tmp_path, monkeypatch, offset):
    path = _book(tmp_path / "report.xlsx", offset)
    calls = []
    real = sources.fast_sheet
    monkeypatch.setattr(sources, "fast_sheet", lambda *a: calls.append(a) or real(*a))
    fast = read_sales(path)
    assert calls and real(*calls[0]) is not None                   # the fast path was taken
    _calamine_only(monkeypatch)
    slow = read_sales(path)
    canonical = ["date", "customer", "product", "amount"]
    pd.testing.assert_frame_equal(fast[canonical], slow[canonical])
    fa, sa = account_of(fast), account_of(slow)
    for field in ("rows_read", "rows_kept", "title_rows", "header_row", "kept_amount", "detail_amount",
                  "stated_total", "sheets_read", "sheets_skipped", "columns", "notes"):
        assert getattr(fa, field) == getattr(sa, field), field
    cols = ["row", "code", "amount"]
    pd.testing.assert_frame_equal(fa.excluded[cols], sa.excluded[cols])
    # hand-checked: 甲公司 fills two merged cells; the time-only line and the total are out
    top = 3 if offset else 1
    assert fast["customer"].tolist() == ["甲公司", "甲公司", "甲公司", "乙公司", "丙公司"]
    assert fast["amount"].round(2).tolist() == [1234.5, 0.3, 1000.0, 1200.0, 699.93]
    assert fast["date"].tolist() == [pd.Timestamp("2024-03-05 10:15"), pd.Timestamp("2024-03-06"),
                                     pd.Timestamp("2024-03-07"), pd.Timestamp("2024-03-09"),
                                     pd.Timestamp("2024-03-10 06:00")]
    reasons = dict(zip(fa.excluded["row"], fa.excluded["code"]))
    assert reasons == {top + 6: "time_only", top + 9: "total"}
    assert fa.header_row == top + 2 and fa.title_rows == top + 1
    assert "模板" in fa.sheets_skipped and fa.sheets_read == ["销售明细"]
    assert any("2 个合并单元格" in n for n in fa.notes)


def test_grid_is_anchored_at_a1(tmp_path):
    path = _book(tmp_path / "report.xlsx")
    parts, mac = workbook_layout(path)
    assert list(parts) == ["模板", "销售明细"] and not mac
    grid, merged = fast_sheet(path, "销售明细", parts["销售明细"], mac)
    assert grid.cells.shape == (12, 6)                             # rows 1..12, columns A..F
    assert grid.cells.iloc[:2].isna().all().all() and grid.cells[0].isna().all()
    assert grid.cells.iat[2, 1] == "华东公司销售报表 2024年度"
    assert grid.cells.iat[5, 1] == "2024-03-05 10:15:00" and grid.cells.iat[8, 1] == "09:30:00"
    assert grid.cells.iat[5, 5] == "0012"                         # text keeps its leading zeros
    assert merged == [((5, 2), (7, 2))]
    assert list(grid.lines[:3]) == [1, 2, 3]


def test_workbook_without_cell_references_falls_back(tmp_path, monkeypatch):
    """Writers may omit r="A1" on a dense sheet (the format allows it): python-calamine reads it."""
    wb = openpyxl.Workbook()
    for row in (["日期", "客户", "金额"], ["2024-03-05", "甲公司", 800], ["2024-03-06", "乙公司", 900],
                ["合计", "-", 1700]):
        wb.active.append(row)
    path = tmp_path / "dense.xlsx"
    wb.save(path)
    stripped = tmp_path / "no_refs.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c\b[^>]*?) r="[A-Z]+[0-9]+"', rb"\1", data)
            dst.writestr(item, data)
    name = wb.active.title
    assert fast_sheet(path, name, workbook_layout(path)[0][name], False) is not None
    assert fast_sheet(stripped, name, workbook_layout(stripped)[0][name], False) is None
    got = read_sales(stripped)
    assert got["customer"].tolist() == ["甲公司", "乙公司"] and got["amount"].tolist() == [800.0, 900.0]
    assert account_of(got).excluded["row"].tolist() == [4]


def test_time_only_cells_in_a_mac_1904_workbook(tmp_path):
    """Day zero is 1904-01-01 there: a time cell is still a time without a date."""
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for row in (["日期", "客户", "金额"], [dt.time(10, 15), "甲公司", 100], [dt.datetime(2024, 3, 5, 9), "乙公司", 200],
                [dt.date(1904, 1, 2), "丙公司", 300]):
        wb.active.append(row)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert workbook_layout(path)[1]
    frame = read_sales(path)
    assert frame["customer"].tolist() == ["乙公司", "丙公司"]
    assert frame["date"].tolist() == [pd.Timestamp("2024-03-05 09:00"), pd.Timestamp("1904-01-02")]
    assert account_of(frame).excluded[["row", "code"]].values.tolist() == [[2, "time_only"]]


def test_sheet_xml_read_by_its_ends(tmp_path):
    """Only the start (used range) and the part after the rows (merged ranges) are kept."""
    path = _book(tmp_path / "report.xlsx")
    part = workbook_layout(path)[0]["销售明细"]
    with zipfile.ZipFile(path) as zf:
        full = zf.read(part)
    for size in (50, 200, 1 << 20):
        head, tail = _head_and_tail(path, part, size=size)
        assert full.startswith(head) and len(head) == min(size, len(full))
        assert tail == full[full.find(b"</sheetData>"):] and merged_ranges(tail) == [((5, 2), (7, 2))]


def test_sheet_xml_helpers():
    assert [column_number(c) for c in (b"A", b"Z", b"AA", b"AZ", b"XFD")] == [0, 25, 26, 51, 16383]
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
           b'<mergeCells count="2"><mergeCell ref="B2:B4"/><mergeCell ref="AA10:AC10"/></mergeCells></worksheet>')
    assert merged_ranges(xml) == [((1, 1), (3, 1)), ((9, 26), (9, 28))]


def test_xlsb_and_ods_keep_the_calamine_reader(monkeypatch):
    """Binary parts have no XML to read merges from: python-calamine reads them."""
    calls = []
    monkeypatch.setattr(sources, "fast_sheet", lambda *a: calls.append(a))
    open_source("tests/messy/files/f02_libreoffice.ods")
    open_source("tests/messy/files/f01_legacy_biff8.xls")
    assert calls == []


# ------------------------------------------------------------------ random workbooks, both readers
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELLS = st.one_of(
    st.integers(1, 10**9).map(lambda c: c / 100),                                   # money as numbers
    st.floats(0.001, 1e9, allow_nan=False),                                          # any float
    st.integers(-10**6, 10**6),
    st.sampled_from(["¥1,200.00", "1.2万", "(300.00)", "5台", "0012", "合计", "小计", "  ", "abc"]),
    st.none(),
)
DATES = st.one_of(
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.integers(36526, 47000),                                                       # Excel day numbers
    st.times().map(lambda t: t.replace(microsecond=0)),                              # time-only cells
    st.sampled_from(["2024年3月5日", "20240305", "2024/3/5 10:15", "下周"]),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(top=st.integers(0, 3), left=st.integers(0, 3), data=st.data(),
       rows=st.lists(st.tuples(DATES, st.sampled_from(["甲公司", "乙公司", None]), CELLS), min_size=1, max_size=12))
def test_random_workbooks_read_alike(tmp_path, monkeypatch, top, left, data, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    if top:
        ws.cell(1, left + 1, "销售报表")
    for j, name in enumerate(["日期", "客户", "金额"]):
        ws.cell(top + 1, left + 1 + j, name)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(top + 2 + i, left + 1 + j, value)
    for start in sorted(data.draw(st.sets(st.integers(0, len(rows) - 1), max_size=3))):
        stop = min(start + data.draw(st.integers(1, 3)), len(rows) - 1)
        if stop > start and not any(r in ws.merged_cells for r in (f"{chr(66 + left)}{top + 2 + k}"
                                                                   for k in range(start, stop + 1))):
            ws.merge_cells(start_row=top + 2 + start, start_column=left + 2, end_row=top + 2 + stop,
                           end_column=left + 2)
    path = tmp_path / "random.xlsx"
    wb.save(path)

    def read():
        try:
            frame = read_sales(path)
        except Exception as exc:            # InputError: both readers must refuse alike
            return type(exc).__name__, str(exc)
        acc = account_of(frame)
        return (frame[["date", "customer"]].to_dict("list"), acc.rows_read, acc.title_rows,
                acc.excluded[["row", "code"]].to_dict("list"),
                [frame["amount"].tolist(), acc.excluded["amount"].tolist(), [acc.kept_amount]])

    fast = read()
    _calamine_only(monkeypatch)
    slow = read()
    monkeypatch.undo()
    if isinstance(fast[0], str) or isinstance(slow[0], str):
        assert fast == slow
        return
    assert fast[:-1] == slow[:-1]
    # numbers arrive as fastexcel writes them: nine decimals at most (a billionth of a yuan)
    for a, b in zip(fast[-1], slow[-1]):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-9, nan_ok=True)

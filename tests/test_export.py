"""The one writer: CSV and Excel safe against formula injection, ids and NA-like
names kept, Chinese sheets and headers, safe file names."""
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cvwork.export import (neutralise, read_table_csv, safe_filename, save_table, sheet_name,
                           tables_to_workbook, unneutralise, write_workbook)

FORMULAS = ['=HYPERLINK("http://example.com","点击查看")', "=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3",
            "\t=1", "\r=1"]
NAMES = [*FORMULAS,  # 14 names
         "NA", "None", "null", "000123", "1234567890123456789", "正常客户", "'=already quoted"]


def hostile_table():
    n = len(NAMES)
    return pd.DataFrame({"customer": NAMES, "order_id": ["000123", "1234567890123456789"] * (n // 2),
                         "revenue": np.arange(n) * 1000.5 - 3000, "customers": np.arange(n),
                         "revenue_share": np.linspace(0, 1, n), "high": [np.inf] + [5.0] * (n - 1),
                         "first_purchase": pd.date_range("2025-01-01", periods=n)})


def test_neutralise_each_prefix_and_round_trip():
    for text in FORMULAS:
        assert neutralise(text) == "'" + text and unneutralise(neutralise(text)) == text
    for text in ["正常", "NA", "000123", "a=b", "'quoted"]:
        assert neutralise(text) == text == unneutralise(text)
    assert neutralise(-5) == -5 and neutralise(None) is None
    assert unneutralise(neutralise("'=x")) == "'=x"            # an apostrophe in the data survives


def test_csv_neutralised_and_read_back_exactly(tmp_path):
    table = hostile_table()
    path = save_table(table, tmp_path, "t")
    raw = path.read_text(encoding="utf-8-sig")
    for text in FORMULAS[:5]:
        assert ("'" + text.replace('"', '""')) in raw      # no cell starts with a formula character
    assert "\n-2+3" not in raw and "\n=1+1" not in raw
    back = read_table_csv(path)
    assert back["customer"].tolist() == NAMES                 # ids keep zeros and 19 digits, NA/None/null stay
    assert back["order_id"].tolist() == table["order_id"].tolist()
    assert back["revenue"].tolist() == table["revenue"].tolist()      # negatives stay numbers
    assert back["customers"].dtype.kind == "i" and back["first_purchase"].dtype.kind == "M"


def test_workbook_has_no_formula_and_keeps_ids(tmp_path):
    save_table(hostile_table(), tmp_path, "revenue_buckets")
    save_table(pd.DataFrame({"segment": ["=1+1"], "customers": [3]}), tmp_path, "rfm_segments")
    save_table(pd.DataFrame({"指标": ["x", "y"], "数值": [1.5, 2.0], "整数": [1088.0, np.inf]}), tmp_path, "headline")
    save_table(pd.DataFrame({"a": [1]}), tmp_path, "zz_extra")
    book = openpyxl.load_workbook(tables_to_workbook(tmp_path, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["头条数字", "客户分段漏斗", "RFM 客户群", "zz_extra"]   # report order, Chinese
    sheet = book["客户分段漏斗"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["客户", "单据编号", "收入", "客户数", "收入占比"]
    column = {h: [c.value for c in sheet[col][1:]] for h, col in zip(header, "ABCDEFG")}
    xml_names = [n.replace("\r", "\n") for n in NAMES]       # XML reads a carriage return back as a newline
    assert column["客户"] == xml_names and column["单据编号"][0] == "000123"
    assert column["收入"][0] == -3000 and sheet["C2"].number_format == "#,##0"
    assert sheet["E2"].number_format == "0.0%" and sheet["G2"].number_format == "yyyy-mm-dd"
    assert column["上限"][0] is None and 5.0 in column["上限"]     # inf is a blank cell, not "inf"
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width >= 10
    assert sheet["A2"].quotePrefix
    head = book["头条数字"]
    assert head["B2"].number_format == "#,##0.00" and head["C2"].number_format == "#,##0"   # whole numbers: no .00


def test_workbook_from_frames_in_given_order(tmp_path):
    tables = {"b": pd.DataFrame({"x": [1]}), "a:b/c?": pd.DataFrame({"x": [2]}), "a_b_c_": pd.DataFrame({"x": [3]})}
    book = openpyxl.load_workbook(write_workbook(tables, tmp_path / "w.xlsx"))
    assert book.sheetnames == ["b", "a_b_c_", "a_b_c_ (2)"]
    assert write_workbook({}, tmp_path / "none.xlsx") is None and not (tmp_path / "none.xlsx").exists()


def test_sheet_names_legal_and_unique():
    long = "很长的表名" * 10
    first = sheet_name(long)
    assert len(first) == 31 and len(second := sheet_name(long, [first])) <= 31 and second != first


@pytest.mark.parametrize("name", ["A4/70g", "a/b", "[]:*?", '<>":*?|', "CON", "nul.txt", "com1", "报告. ",
                                  "tab\there", "..", "", "产品" * 80, "x" * 300])
def test_safe_filename_is_legal_everywhere(tmp_path, name):
    safe = safe_filename(name)
    assert safe and not set(safe) & set('<>:"/\\|?*') and not any(ord(c) < 32 for c in safe)
    assert not safe.endswith((".", " ")) and safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1"}
    assert len(safe.encode()) <= 120
    (tmp_path / safe).mkdir()                     # the file system takes it


def test_safe_filename_keeps_readable_names_and_never_collides():
    assert safe_filename("智能门锁 Pro") == "智能门锁 Pro"
    assert safe_filename("a/b") != safe_filename("a_b") != safe_filename("a:b")
    long_a, long_b = "产品" * 80 + "甲", "产品" * 80 + "乙"
    assert safe_filename(long_a) != safe_filename(long_b)
    assert safe_filename(long_a).startswith("产品产品")
    assert len(safe_filename("产品" * 80, max_len=40).encode()) <= 40


def test_every_inline_image_gets_its_escaped_title_as_alt_text():
    import nbformat

    from cvwork.export import NO_TITLE, figure_alt_text

    title = '<img src=x onerror="alert(1)">各区间 & "客户"'
    out = nbformat.v4.new_output("display_data", data={"image/png": "AAAA\n", "text/plain": "<Figure>"},
                                 metadata={"image/png": {"alt": title}})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", outputs=[out])])
    body = ('<div><img alt="No description has been provided for this image" class="" '
            'src="data:image/png;base64,AAAA"/></div><p><img src="data:image/png;base64,BBBB"></p>')
    page = figure_alt_text(body, nb)
    alts = re.findall(r'<img alt="([^"]*)"[^>]*src="data:image/png;base64,(\w+)"', page)
    assert alts == [("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;各区间 &amp; &quot;客户&quot;", "AAAA"),
                    (NO_TITLE, "BBBB")]                  # an image with no title still gets an alt
    assert len(re.findall(r"<img\b", page)) == 2 and "No description" not in page

"""Write the catalogue of messy input files (issue 12) into tests/messy/files/.

Every file is small and written byte by byte from the literal rows below, so
that the hand-written answers in ``tests/messy/cases.py`` can be checked
against what is really in the file.  Run from the repository root::

    .venv/bin/python tests/messy/make_catalogue.py

Generation needs three dev-only packages that are NOT project dependencies:
``xlwt`` (legacy .xls), ``odfpy`` (.ods) and ``msoffcrypto-tool`` (a
password-protected .xlsx); install them with ``.venv/bin/pip install xlwt
odfpy msoffcrypto-tool``.  The tests only read the committed files.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "files"
D = dt.datetime
FIXED = dt.datetime(2024, 12, 31, 12, 0, 0)   # workbook metadata time: no wall clock


# ---------------------------------------------------------------- writers
def text(name: str, lines: list[str], encoding: str = "utf-8", newline: str = "\n",
         bom: bytes = b"") -> None:
    """Write *lines* exactly (no quoting added) with a final newline."""
    data = newline.join(lines) + newline
    (OUT / name).write_bytes(bom + data.encode(encoding))


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip (xlsx/ods) with fixed member times so regeneration is stable."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=(2024, 12, 31, 12, 0, 0))
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename in ("docProps/core.xml", "meta.xml"):   # creation/modification stamps
                data = re.sub(rb"(<(dcterms:modified|dcterms:created|meta:creation-date|dc:date)[^>]*>)[^<]*",
                              rb"\g<1>2024-12-31T12:00:00Z", data)
            dst.writestr(new, data)
    path.write_bytes(buf.getvalue())


def workbook(sheets: list[dict]):
    """An openpyxl workbook; each sheet dict: title, rows, hidden, merges, formats."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec["title"])
        for row in spec["rows"]:
            ws.append(list(row))
        for cell_range in spec.get("merges", ()):
            ws.merge_cells(cell_range)
        if spec.get("hidden"):
            ws.sheet_state = "veryHidden" if spec["hidden"] == "veryHidden" else "hidden"
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = ("yyyy-mm-dd hh:mm" if cell.value.hour or cell.value.minute
                                          else "yyyy-mm-dd")
                elif isinstance(cell.value, dt.time):
                    cell.number_format = "hh:mm:ss"
    wb.properties.created = wb.properties.modified = FIXED
    return wb


def xlsx(name: str, sheets: list[dict], content_type: str | None = None) -> Path:
    path = OUT / name
    workbook(sheets).save(path)
    if content_type:   # e.g. a real macro-enabled workbook part type for .xlsm
        _replace_in_zip(path, "[Content_Types].xml",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        content_type)
    _fix_zip_times(path)
    return path


def _replace_in_zip(path: Path, member: str, old: str, new: str) -> None:
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = data.decode("utf-8").replace(old, new).encode("utf-8")
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def sheet(title: str, rows: list, **kw) -> dict:
    return {"title": title, "rows": rows, **kw}


HDR = ["日期", "客户", "产品", "金额"]


# ---------------------------------------------------------------- totals
def totals() -> None:
    text("t01_heji.csv", [
        "日期,客户,产品,金额",
        "2024-01-05,甲公司,A型,1000",
        "2024-01-09,乙公司,B型,2500.50",
        "2024-02-11,丙公司,A型,300",
        "2024-02-20,甲公司,C型,1200",
        ",合计,,5000.50",
    ])
    text("t02_heji_colon_nodate.csv", [
        "客户,产品,数量,金额",
        "甲公司,A型,2,800",
        "乙公司,B型,1,450",
        "丙公司,A型,5,2000",
        "合计：,,8,3250",
    ])
    xlsx("t03_he_ji_space.xlsx", [sheet("Sheet1", [
        ["日期", "客户名称", "产品", "销售额"],
        [D(2024, 3, 1), "甲公司", "A型", 1500],
        [D(2024, 3, 2), "乙公司", "B型", 900],
        [D(2024, 3, 5), "丁公司", "A型", 2000],
        ["合 计", None, None, 4400],
    ])])
    text("t04_benye_heji_gbk.csv", [
        "单据日期,客户名称,货品名称,价税合计",
        "2024-04-01,甲公司,A型,1000",
        "2024-04-02,乙公司,B型,2000",
        ",本页合计,,3000",
        "单据日期,客户名称,货品名称,价税合计",
        "2024-04-03,丙公司,A型,1500",
        "2024-04-05,丁公司,C型,700",
        ",本页合计,,2200",
        ",合计,,5200",
    ], encoding="gbk", newline="\r\n")
    xlsx("t05_zongji_yuan_nodate.xlsx", [sheet("销售", [
        ["客户", "产品", "金额"],
        ["甲公司", "A型", 1200],
        ["乙公司", "B型", 3400],
        ["丙公司", "C型", 560.25],
        ["总计(元)", None, 5160.25],
    ])])
    text("t06_leiji.csv", [
        "日期,客户,产品,金额",
        "2024-05-01,甲公司,A型,100",
        "2024-05-03,乙公司,B型,250",
        "2024-05-08,丙公司,A型,80",
        "累计,,,430",
    ])
    text("t07_total_colon_en.csv", [
        "Order Date,Customer Name,Product,Amount",
        "2024-06-01,Acme Ltd,Widget,1200",
        "2024-06-02,Beta Co,Gadget,800",
        "2024-06-04,Acme Ltd,Gadget,450",
        ",Total:,,2450",
    ])
    text("t08_TOTAL_in_product.csv", [
        "日期,客户,产品,金额",
        "2024-06-10,甲公司,A型,600",
        "2024-06-11,乙公司,B型,900",
        "2024-06-12,丙公司,C型,1600",
        ",,TOTAL,3100",
    ])
    xlsx("t09_subtotal_grand_total_en.xlsx", [sheet("Report", [
        ["Region", "Customer", "Product", "Amount"],
        ["East", "Acme", "Widget", 1000],
        ["East", "Beta", "Gadget", 500],
        ["East", "Subtotal", None, 1500],
        ["West", "Gamma", "Widget", 2000],
        ["West", "Delta", "Widget", 250],
        ["West", "Subtotal", None, 2250],
        [None, "Grand Total", None, 3750],
    ])])
    xlsx("t10_xiaoji_repeats_customer.xlsx", [sheet("明细", [
        HDR,
        [D(2024, 7, 1), "甲公司", "A型", 1000],
        [D(2024, 7, 5), "甲公司", "B型", 500],
        [None, "甲公司", "小计", 1500],
        [D(2024, 7, 2), "乙公司", "A型", 2000],
        [D(2024, 7, 9), "乙公司", "C型", 300],
        [None, "乙公司", "小计", 2300],
        [None, "合计", None, 3800],
    ])])
    text("t11_xiaoji_in_customer_cell.csv", [
        "客户,产品,金额",
        "甲公司,A型,1000",
        "甲公司,B型,700",
        "甲公司 小计,,1700",
        "乙公司,A型,400",
        "乙公司,B型,600",
        "乙公司 小计,,1000",
    ])
    text("t12_heji_jine.csv", [
        "日期,客户,产品,金额",
        "2024-08-01,甲公司,A型,320",
        "2024-08-02,乙公司,A型,480",
        "2024-08-03,丙公司,B型,1000",
        "合计金额：,,,1800",
    ])
    text("t13_unlabelled_subtotals.csv", [
        "日期,客户,产品,金额",
        "2024-09-01,甲公司,A型,100",
        "2024-09-02,乙公司,B型,200",
        "2024-09-03,丙公司,A型,350",
        ",,,650",
        "2024-09-04,丁公司,B型,50",
        "2024-09-05,甲公司,C型,70",
        ",,,120",
    ])
    text("t14_total_mismatch.csv", [
        "日期,客户,产品,金额",
        "2024-10-01,甲公司,A型,1000",
        "2024-10-02,乙公司,B型,2000",
        "2024-10-03,丙公司,C型,4000",
        ",合计,,7500",
    ])
    xlsx("t16_heji_merged_label.xlsx", [sheet("Sheet1", [
        HDR,
        [D(2024, 12, 1), "甲公司", "A型", 900],
        [D(2024, 12, 2), "乙公司", "B型", 1100],
        [D(2024, 12, 3), "丙公司", "C型", 260],
        ["合计:", None, None, 2260],
    ], merges=["A5:C5"])])
    text("t17_subtotal_spellings.csv", [
        "日期,客户,产品,金额",
        "2024-01-02,甲公司,A型,100",
        "2024-01-03,乙公司,B型,250",
        ",小计:,,350",
        "2024-01-04,丙公司,A型,40",
        "2024-01-05,丁公司,C型,75",
        ",【小计】,,115",
        "2024-01-06,戊公司,A型,500",
        "2024-01-07,甲公司,B型,20",
        ",Sub-total,,520",
        "2024-01-08,乙公司,A型,33",
        "2024-01-09,丙公司,C型,67",
        ",sub total,,100",
        "2024-01-10,丁公司,A型,8",
        "2024-01-11,戊公司,B型,90",
        ",小计（元）,,98",
        ",合计（元）,,1183",
    ])
    text("t18_en_page_totals.csv", [
        "Date,Customer,Product,Amount",
        "2024-02-01,Acme,Widget,120",
        "2024-02-02,Beta,Gadget,80.5",
        ",Page Total,,200.5",
        "2024-02-03,Gamma,Widget,300",
        ",Page Total,,300",
        ",Grand total,,500.5",
    ])
    text("t19_benyue_heji_bennian_leiji.csv", [
        "日期,客户,产品,金额",
        "2024-01-05,甲公司,A型,100",
        "2024-01-18,乙公司,B型,200",
        ",本月合计,,300",
        ",本年累计,,300",
        "2024-02-03,丙公司,A型,150",
        "2024-02-20,甲公司,C型,50",
        ",本月合计,,200",
        ",本年累计,,500",
    ])
    text("t20_traditional_labels.csv", [
        "日期,客户,产品,金额",
        "2024-03-01,甲公司,A型,300",
        "2024-03-02,乙公司,B型,450",
        ",小計,,750",
        "2024-03-03,丙公司,A型,125",
        ",總計,,875",
    ])
    text("t21_heji_with_count.csv", [
        "日期,客户,产品,金额",
        "2024-04-01,甲公司,A型,1000",
        "2024-04-02,乙公司,B型,2000",
        "2024-04-03,丙公司,C型,500",
        "合计（共3笔）,,,3500",
    ])
    xlsx("t22_footer_after_total.xlsx", [sheet("Sheet1", [
        HDR,
        [D(2024, 12, 5), "甲公司", "A型", 1600],
        [D(2024, 12, 6), "乙公司", "B型", 2400],
        [None, "合计", None, 4000],
        [],
        ["制表人：张三    审核：李四"],
        ["打印时间：2024-12-31 10:00"],
    ])])
    text("t23_customer_named_total.csv", [
        "Order Date,Customer Name,Product,Amount",
        "2024-06-01,TotalEnergies China,Lubricant,1200",
        "2024-06-02,Total Solutions Ltd,Service,800",
        "2024-06-03,Acme Ltd,Widget,450",
        ",Total:,,2450",
    ])
    text("t24_customer_names_with_labels.csv", [
        "日期,客户,产品,金额",
        "2024-06-01,小计餐饮管理有限公司,A型,1200",
        "2024-06-02,合计通物流有限公司,B型,800",
        "2024-06-03,甲公司,C型,450",
        ",合计,,2450",
    ])
    text("t25_detail_equals_sum_above.csv", [
        "日期,客户,产品,金额",
        "2024-06-01,甲公司,A型,100",
        "2024-06-02,乙公司,B型,200",
        "2024-06-03,丙公司,C型,300",
        "2024-06-04,丁公司,A型,600",
    ])
    text("t26_total_first_row.csv", [
        "日期,客户,产品,金额",
        ",合计,,650",
        "2024-06-01,甲公司,A型,100",
        "2024-06-02,乙公司,B型,250",
        "2024-06-03,丙公司,C型,300",
    ])
    xlsx("t15_zongji_fullwidth.xlsx", [sheet("Sheet1", [
        HDR,
        [D(2024, 11, 1), "甲公司", "A型", 800],
        [D(2024, 11, 2), "乙公司", "B型", 1250],
        [D(2024, 11, 3), "丙公司", "C型", 430],
        [None, "总　计：", None, 2480],
    ])])


# ---------------------------------------------------------------- sheets
def sheets() -> None:
    xlsx("s01_hidden_first_sheet.xlsx", [
        sheet("旧数据", [HDR, [D(2023, 1, 1), "旧客户", "A型", 99999]], hidden=True),
        sheet("销售明细", [HDR, [D(2024, 1, 3), "甲公司", "A型", 1000],
                          [D(2024, 1, 4), "乙公司", "B型", 2000]]),
    ])
    xlsx("s02_one_sheet_per_month.xlsx", [
        sheet("1月", [HDR, [D(2024, 1, 5), "甲公司", "A型", 100], [D(2024, 1, 20), "乙公司", "B型", 200]]),
        sheet("2月", [HDR, [D(2024, 2, 3), "甲公司", "A型", 300], [None, None, None, None],
                     [D(2024, 2, 25), "丙公司", "C型", 400]]),
        sheet("3月", [HDR, [D(2024, 3, 1), "乙公司", "A型", 500], [D(2024, 3, 9), "丁公司", "B型", 250]]),
    ])
    xlsx("s02b_monthly_with_sheet_totals.xlsx", [
        sheet("1月", [HDR, [D(2024, 1, 5), "甲公司", "A型", 100], [D(2024, 1, 20), "乙公司", "B型", 200],
                     [None, "合计", None, 300]]),
        sheet("2月", [HDR, [D(2024, 2, 3), "甲公司", "A型", 350], [D(2024, 2, 25), "丙公司", "C型", 400],
                     [None, "合计", None, 750]]),
    ])
    xlsx("s05_summary_sheet_first.xlsx", [
        sheet("汇总", [["月份", "销售额"], ["1月", 300], ["2月", 750]]),
        sheet("1月", [HDR, [D(2024, 1, 5), "甲公司", "A型", 100], [D(2024, 1, 20), "乙公司", "B型", 200]]),
        sheet("2月", [HDR, [D(2024, 2, 3), "丙公司", "A型", 350], [D(2024, 2, 25), "丁公司", "C型", 400]]),
    ])
    xlsx("s06_very_hidden_template.xlsx", [
        sheet("1月", [HDR, [D(2024, 1, 8), "甲公司", "A型", 640]]),
        sheet("模板", [HDR, [D(2000, 1, 1), "示例客户", "示例", 12345]], hidden="veryHidden"),
        sheet("2月", [HDR, [D(2024, 2, 8), "乙公司", "B型", 360]]),
    ])
    xlsx("s07_monthly_columns_moved.xlsx", [
        sheet("1月", [HDR, [D(2024, 1, 5), "甲公司", "A型", 100], [D(2024, 1, 20), "乙公司", "B型", 200]]),
        sheet("2月", [["2月销售明细"], ["客户", "日期", "金额", "产品"],
                     ["丙公司", D(2024, 2, 3), 350, "A型"], ["丁公司", D(2024, 2, 25), 400, "C型"]]),
    ])
    xlsx("s08_default_empty_sheets.xlsx", [
        sheet("Sheet1", [HDR, [D(2024, 1, 2), "甲公司", "A型", 100], [D(2024, 1, 3), "乙公司", "B型", 250]]),
        sheet("Sheet2", []), sheet("Sheet3", []),
    ])
    xlsx("s09_detail_plus_customer_summary.xlsx", [
        sheet("明细", [HDR, [D(2024, 1, 2), "甲公司", "A型", 100], [D(2024, 1, 3), "乙公司", "B型", 250],
                      [D(2024, 1, 4), "甲公司", "B型", 50]]),
        sheet("按客户汇总", [["客户", "金额"], ["甲公司", 150], ["乙公司", 250]]),
    ])
    xlsx("s03_no_sales_sheet.xlsx", [
        sheet("封面", [["XX公司2024年度经营报告"], ["编制: 财务部"]]),
        sheet("说明", [["项目", "说明"], ["口径", "含税"], ["币种", "人民币"]]),
    ])
    xlsx("s04_two_regions.xlsx", [
        sheet("华东", [HDR, [D(2024, 2, 1), "甲公司", "A型", 1000], [D(2024, 2, 2), "乙公司", "B型", 2000]]),
        sheet("华南", [HDR, [D(2024, 2, 3), "丙公司", "A型", 300], [D(2024, 2, 4), "丁公司", "B型", 400],
                      [D(2024, 2, 5), "戊公司", "C型", 500]]),
    ])


# ---------------------------------------------------------------- text files
ENC_ROWS = [
    "日期,客户,产品,金额",
    "2024-04-01,华东甲公司,A型,1000",
    "2024-04-02,乙公司,B型,2000.5",
    "2024-04-03,丙公司,C型,300",
]


def csvs() -> None:
    amounts = [110, 220, 340, 470, 530, 610, 780, 890, 920, 1050]
    names = ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司", "己公司", "庚公司", "辛公司", "壬公司", "癸公司"]
    lines = ["单号,日期,客户,产品,金额"]
    for i, (amount, name) in enumerate(zip(amounts, names), start=1):
        product = "A型"
        if i == 2:
            product = '"B型'       # stray opening quote: swallows the lines below
        if i == 6:
            product = 'C型"'       # stray quote that closes the swallowed field
        lines.append(f"SO{i:02d},2024-01-{i + 1:02d},{name},{product},{amount}")
    text("c01_stray_quotes.csv", lines)
    text("c02_bad_quoting.csv", [
        "日期,客户,产品,金额",
        "2024-02-01,甲公司,A型,500",
        "2024-02-02,乙公司,B型,1,200",          # unquoted thousands separator: 5 fields
        "2024-02-03,丙公司,A型,300",
        '2024-02-04,"丁公司,C型,450',          # quote never closed before end of file
    ])
    (OUT / "c03_empty.csv").write_bytes(b"")
    text("c04_header_only.csv", ["日期,客户,产品,金额"])
    text("c05_tab.tsv", [
        "日期\t客户\t产品\t金额",
        "2024-03-01\t甲公司\tA型\t1,200.00",
        "2024-03-02\t乙公司\tB型\t3,450.50",
        "2024-03-03\t丙公司\tA型\t99.5",
    ])
    text("c06_semicolon.csv", [
        "日期;客户;产品;金额",
        "2024-03-04;甲公司;A型,加长;1200.50",
        "2024-03-05;乙公司;B型;800",
        "2024-03-06;丙公司;C型;310",
    ])
    text("c07_whitespace_aligned.txt", [
        "日期        客户      产品   金额",
        "2024-03-07  甲公司    A型    1500",
        "2024-03-08  乙公司    B型    250.75",
        "2024-03-09  丙公司    C型    4000",
    ])
    text("c08_utf8.csv", ENC_ROWS)
    text("c09_utf8_bom.csv", ENC_ROWS, encoding="utf-8-sig")
    text("c10_gbk.csv", ENC_ROWS, encoding="gbk", newline="\r\n")
    text("c11_gb18030.csv", ENC_ROWS[:3] + ["2024-04-03,𠮷野家,C型,300"], encoding="gb18030",
         newline="\r\n")
    tab = [line.replace(",", "\t") for line in ENC_ROWS]
    text("c12_utf16le_unicode_text.txt", tab, encoding="utf-16-le", newline="\r\n", bom=b"\xff\xfe")
    text("c13_utf16be.txt", tab, encoding="utf-16-be", newline="\r\n", bom=b"\xfe\xff")
    good = "\r\n".join(ENC_ROWS).encode("gbk") + b"\r\n"
    bad = good.replace("B型".encode("gbk"), "B型".encode("gbk") + b"\xff")
    assert bad.count(b"\xff") == 1
    (OUT / "c14_gbk_one_bad_byte.csv").write_bytes(bad)
    text("c16_multiline_quoted_cell.csv", [
        "日期,客户,产品,金额",
        "2024-06-01,甲公司,A型,100",
        '2024-06-02,乙公司,"A型',
        '加长版",250',
        "2024-06-03,丙公司,C型,375",
    ])
    text("c17_trailing_delimiter.csv", [
        "日期,客户,产品,金额,",
        "2024-06-04,甲公司,A型,500,",
        "2024-06-05,乙公司,B型,620,",
    ])
    text("c18_pipe.txt", [
        "日期|客户|产品|金额",
        "2024-06-06|甲公司|A型|1,000.00",
        "2024-06-07|乙公司|B型|2,500.00",
    ])
    text("c19_excel_csv_utf8_all_quoted.csv", [
        '"日期","客户","产品","金额"',
        '"2024-06-08","甲公司","A型","1,234.50"',
        '"2024-06-09","乙公司","B型","765.50"',
    ], encoding="utf-8-sig", newline="\r\n")
    text("c20_fixed_width_spaces_in_names.txt", [
        "日期          客户              产品     金额",
        "2024-03-07    Acme Ltd          Widget   1500",
        "2024-03-08    Beta Trading Co   Gadget   250.75",
        "2024-03-09    甲公司            A型      4000",
    ])
    text("c21_excel_text_formula_ids.csv", [
        "单号,日期,客户,金额",
        '="00123",2024-05-01,甲公司,100',
        '="00124",2024-05-02,乙公司,250',
    ])
    (OUT / "c22_bom_only.csv").write_bytes(b"\xef\xbb\xbf")
    (OUT / "c23_mac_cr_line_endings.csv").write_bytes(
        "日期,客户,产品,金额\r2024-06-10,甲公司,A型,150\r2024-06-11,乙公司,B型,275\r".encode("utf-8"))
    text("c24_comma_space.csv", [
        "Date, Customer, Amount",
        "2024-06-01, Acme Ltd, 100",
        "2024-06-02, Beta Co, 250",
    ])
    one = ["单号,日期,客户,产品,金额"]
    for i in range(1, 11):
        product = '"B型 6寸' if i == 3 else "A型"     # one stray quote: would swallow every line below
        one.append(f"SO{i:02d},2024-01-{i + 1:02d},客户{i},{product},{i * 100 + 7}")
    text("c25_one_stray_quote_to_eof.csv", one)
    text("c15_commas.txt", [
        "日期,客户,产品,金额",
        "2024-05-01,甲公司,A型,640",
        "2024-05-02,乙公司,B型,1000",
    ])


# ---------------------------------------------------------------- headers
def headers() -> None:
    xlsx("h01_title_rows.xlsx", [sheet("销售报表", [
        ["XX公司销售报表 2024年度"],
        [],
        ["制表日期: 2024-12-31"],
        ["日期", "客户", "产品", "金额", "数量"],
        [D(2024, 1, 10), "甲公司", "A型", 1000, 2],
        [D(2024, 1, 11), "乙公司", "B型", 1500, 3],
        [D(2024, 1, 12), "丙公司", "A型", 700, 1],
        [None, "合计", None, 3200, 6],
    ])])
    text("h02_title_rows_gbk.csv", [
        "XX公司销售报表 2024年度",
        "",
        "制表日期: 2024-12-31",
        "日期,客户,产品,金额",
        "2024-02-10,甲公司,A型,2000",
        "2024-02-11,乙公司,B型,1800.25",
        "2024-02-12,丙公司,A型,600",
    ], encoding="gbk", newline="\r\n")
    text("h03_repeated_headers.csv", [
        "日期,客户,产品,金额",
        "2024-05-01,甲公司,A型,100",
        "2024-05-02,乙公司,B型,200",
        "",
        "日期,客户,产品,金额",
        "2024-05-03,丙公司,A型,330",
        "2024-05-04,甲公司,C型,400",
        "日期,客户,产品,金额",
        "2024-05-05,丁公司,A型,500",
    ])
    xlsx("h04_amount_yuan.xlsx", [sheet("Sheet1", [
        ["日期", "客户", "金额（元）"],
        [D(2024, 6, 1), "甲公司", 1234.56],
        [D(2024, 6, 2), "乙公司", 100],
        [D(2024, 6, 3), "丙公司", 65.44],
    ])])
    text("h05_amount_wanyuan.csv", [
        "日期,客户,金额（万元）",
        "2024-06-01,甲公司,1.2",
        "2024-06-02,乙公司,0.35",
        "2024-06-03,丙公司,2",
    ])
    text("h14_amount_qianyuan.csv", [
        "日期,客户,金额（千元）",
        "2024-06-01,甲公司,1.5",
        "2024-06-02,乙公司,2",
        "2024-06-03,丙公司,0.25",
    ])
    xlsx("h06_messy_header_cells.xlsx", [sheet("Sheet1", [
        ["日　期", "客户\n名称", " 产品名称 ", "金　额\n(元)", "ＱＴＹ"],
        [D(2024, 7, 1), "甲公司", "A型", 500, 2],
        [D(2024, 7, 2), "乙公司", "B型", 1500, 3],
        [D(2024, 7, 3), "丙公司", "C型", 2500.5, 1],
    ])])
    xlsx("h08_merged_title.xlsx", [sheet("台账", [
        ["XX公司2024年销售台账", None, None, None],
        HDR,
        [D(2024, 8, 5), "甲公司", "A型", 700],
        [D(2024, 8, 6), "乙公司", "B型", 1300],
    ], merges=["A1:D1"])])
    xlsx("h09_table_offset_b2.xlsx", [sheet("Sheet1", [
        [],
        [None] + HDR,
        [None, D(2024, 8, 7), "甲公司", "A型", 800],
        [None, D(2024, 8, 8), "乙公司", "B型", 900],
        [None, None, "合计", None, 1700],
    ])])
    text("h10_title_rows_one_sale.csv", [
        "XX公司销售报表 2024年度",
        "",
        "制表日期: 2024-12-31",
        "",
        "日期,客户,产品,金额",
        "2024-12-30,甲公司,A型,1234.50",
    ])
    text("h11_xuhao_column.csv", [
        "序号,日期,客户,产品,金额",
        "1,2024-05-01,甲公司,A型,100",
        "2,2024-05-02,乙公司,B型,250",
        "3,2024-05-03,丙公司,C型,380",
        "合计,,,,730",
    ])
    text("h12_required_star_headers.csv", [
        "日期*,客户名称*,产品,金额*",
        "2024-05-04,甲公司,A型,610",
        "2024-05-05,乙公司,B型,390",
    ])
    text("h13_query_conditions.csv", [
        "销售明细表",
        "日期：,2024-01-01 至 2024-12-31",
        "客户：,全部",
        "日期,客户,产品,金额",
        "2024-01-02,甲公司,A型,100",
        "2024-01-03,乙公司,B型,250",
    ])
    text("h07_summary_block_above.csv", [
        "汇总",
        "客户数,3",
        "金额,4200",
        "",
        "日期,客户,产品,金额",
        "2024-08-01,甲公司,A型,1000",
        "2024-08-02,乙公司,B型,1200",
        "2024-08-03,丙公司,C型,2000",
    ])


# ---------------------------------------------------------------- formats
def xls(name: str, title: str, rows: list, before: tuple = ()) -> None:
    """A legacy BIFF8 workbook written with xlwt (dev-only dependency); *before* is a list of
    (title, rows) written as hidden sheets ahead of the visible one."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for sheet_title, sheet_rows, hidden in [(t, r, True) for t, r in before] + [(title, rows, False)]:
        ws = book.add_sheet(sheet_title)
        if hidden:
            ws.visibility = 1
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write(r, c, value, date_style)
                elif value is not None:
                    ws.write(r, c, value)
    if before:
        book.active_sheet = len(before)
    book.save(str(OUT / name))


def formats() -> None:
    xls("f01_legacy_biff8.xls", "销售", [
        ["日期", "客户名称", "货品名称", "价税合计", "数量"],
        [D(2024, 2, 1), "甲公司", "A型", 1200, 2],
        [D(2024, 2, 2), "乙公司", "B型", 3400.8, 4],
        [D(2024, 2, 3), "丙公司", "C型", 50, 1],
        [None, "合计", None, 4650.8, 7]])
    xls("f10_legacy_erp_export.xls", "销售明细", [
        ["XX公司销售明细表"],
        [],
        ["单据日期", "客户名称", "货品名称", "价税合计"],
        [D(2024, 9, 2), "甲公司", "A型", 300],
        [D(2024, 9, 3), "甲公司", "B型", 450],
        [None, "甲公司", "小计", 750],
        [D(2024, 9, 4), "乙公司", "A型", 1000],
        [None, "乙公司", "小计", 1000],
        [None, "合计", None, 1750]])
    xls("f11_xls_hidden_sheet.xls", "明细", [HDR, [D(2024, 9, 9), "甲公司", "A型", 420],
                                           [D(2024, 9, 10), "乙公司", "B型", 580]],
        before=[("旧数据", [HDR, [D(2023, 1, 1), "旧客户", "A型", 99999]])])
    text("f08_really_tsv.xls", [
        "单据日期\t客户名称\t货品名称\t价税合计",
        "2024-09-05\t甲公司\tA型\t880",
        "2024-09-06\t乙公司\tB型\t1,320.50",
    ], encoding="gbk", newline="\r\n")
    text("f09_really_csv.xlsx", [
        "日期,客户,产品,金额",
        "2024-09-07,甲公司,A型,66",
        "2024-09-08,乙公司,B型,99",
    ])

    import pandas as pd
    frame = pd.DataFrame({"日期": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
                          "客户": ["甲公司", "乙公司", "丙公司"], "产品": ["A型", "B型", "C型"],
                          "金额": [10.0, 20.5, 30.0]})
    frame.to_excel(OUT / "f02_libreoffice.ods", engine="odf", index=False)
    _fix_zip_times(OUT / "f02_libreoffice.ods")

    xlsx("f03_macro_enabled.xlsm", [sheet("Sheet1", [
        HDR, [D(2024, 4, 1), "甲公司", "A型", 700], [D(2024, 4, 2), "乙公司", "B型", 800]])],
        content_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    xlsx("f04_really_xlsx.xls", [sheet("Sheet1", [
        HDR, [D(2024, 4, 3), "甲公司", "A型", 111], [D(2024, 4, 4), "乙公司", "B型", 222]])])
    html = ("<html><head><meta charset=\"utf-8\"><title>销售明细</title></head><body>"
            "<table><tr><th>日期</th><th>客户</th><th>金额</th></tr>"
            "<tr><td>2024-04-05</td><td>甲公司</td><td>100</td></tr></table></body></html>")
    (OUT / "f05_really_html.xls").write_bytes(html.encode("utf-8"))

    if (OUT / "f06_password.xlsx").exists():   # the encryption salt is random: keep the committed file
        pass                                   # (delete it to write a new one)
    else:
        _encrypted_xlsx()
    (OUT / "f07_unsupported.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")


def _encrypted_xlsx() -> None:
    import msoffcrypto.format.ooxml as ooxml
    plain = xlsx("f06_plain_tmp.xlsx", [sheet("Sheet1", [HDR, [D(2024, 4, 6), "甲公司", "A型", 100]])])
    with open(plain, "rb") as src, open(OUT / "f06_password.xlsx", "wb") as dst:
        ooxml.OOXMLFile(src).encrypt("secret", dst)
    plain.unlink()


# ---------------------------------------------------------------- values
def values() -> None:
    xlsx("v01_dates_mixed.xlsx", [sheet("Sheet1", [
        HDR,
        [45356, "甲公司", "A型", 100],                        # Excel serial number 2024-03-05
        ["2024年3月5日", "乙公司", "A型", 110],
        ["2024/3/5", "丙公司", "A型", 120],
        ["2024.03.05", "丁公司", "A型", 130],
        ["20240305", "戊公司", "A型", 140],
        [D(2024, 3, 5, 10, 15), "己公司", "A型", 150],          # a real datetime cell
        ["2024-03-05 10:15:00.000", "庚公司", "A型", 160],      # SQL/ERP text datetime
        [dt.time(10, 15), "辛公司", "A型", 170],                # a time-only cell
        ["10:15:00", "壬公司", "A型", 180],                     # time-only text
        ["下周", "癸公司", "A型", 190],                         # not a date
    ])])
    text("v02_dates_mixed.csv", [
        "日期,客户,产品,金额",
        "2024-03-05,甲公司,A型,100",
        "2024年3月5日,乙公司,A型,110",
        "2024/3/5,丙公司,A型,120",
        "2024.03.05,丁公司,A型,130",
        "20240305,戊公司,A型,140",
        "2024-03-05 10:15:00.000,己公司,A型,150",
        "2024/3/5 10:15,庚公司,A型,160",
        "10:15:00,辛公司,A型,170",
        "明天,壬公司,A型,180",
        "2024-3-5,癸公司,A型,190",
    ])
    text("v03_amount_spellings.csv", [
        "客户,产品,金额",
        '甲公司,A型,"¥1,200"',
        "乙公司,A型,1300元",
        "丙公司,A型,人民币1400元",
        '丁公司,A型,"$1,500"',
        '戊公司,A型,"1,600.00"',
        '己公司,A型,"(1,700.00)"',
        "庚公司,A型,\u22121800",
        "辛公司,A型,１９００",
        "壬公司,A型,1.2万",
        '癸公司,A型," 2 100 "',
        '子公司,A型,"￥ 2,200.50"',
        "丑公司,A型,-300",
    ])
    text("v04_amount_range.csv", [
        "客户,产品,金额",
        "甲公司,A型,100",
        "乙公司,A型,inf",
        "丙公司,A型,nan",
        "丁公司,A型,1e308",
        "戊公司,A型,-inf",
        "己公司,A型,1e15",
        "庚公司,A型,abc",
        "辛公司,A型,",
        "壬公司,A型,250",
        "癸公司,A型,999999999999.99",
    ])
    text("v05_quantity_units.csv", [
        "日期,客户,产品,数量,金额",
        "2024-05-01,甲公司,A型,5台,1000",
        "2024-05-02,乙公司,B型,10 件,2000",
        "2024-05-03,丙公司,A型,２台,500",
        "2024-05-04,丁公司,C型,若干,700",
        "2024-05-05,戊公司,A型,3,650",
    ])
    xlsx("v06_formula_no_cached_value.xlsx", [sheet("Sheet1", [
        ["日期", "客户", "产品", "单价", "数量", "金额"],
        [D(2024, 5, 6), "甲公司", "A型", 100, 2, 200],
        [D(2024, 5, 7), "乙公司", "B型", 50, 4, "=D3*E3"],
        [D(2024, 5, 8), "丙公司", "C型", 30, 10, 300],
    ])])
    xlsx("v08_numbers_as_text.xlsx", [sheet("Sheet1", [
        HDR,
        ["2024/6/1", "甲公司", "A型", "1,200.00"],
        ["2024/6/2", "乙公司", "B型", "¥300"],
        ["2024/6/3", "丙公司", "C型", "(50.00)"],
    ])])
    text("v09_datetime_spellings.csv", [
        "日期,客户,产品,金额",
        "2024-03-05T10:15:00,甲公司,A型,100",
        "2024-03-05 10:15:00.123456,乙公司,A型,120",
        "2024/03/05 10:15:00,丙公司,A型,140",
        "2024年3月5日 10:15,丁公司,A型,160",
    ])
    text("v10_returns_and_zero.csv", [
        "日期,客户,产品,金额",
        "2024-07-01,甲公司,A型,500",
        "2024-07-02,甲公司,A型退货,-200",
        "2024-07-03,乙公司,赠品,0",
        "2024-07-04,丙公司,B型,310",
    ])
    xlsx("v11_yyyymmdd_numbers.xlsx", [sheet("Sheet1", [
        HDR, [20240305, "甲公司", "A型", 100], [20240306, "乙公司", "B型", 200]])])
    text("v12_amount_more_spellings.csv", [
        "客户,金额",
        "甲公司,1.3万元",
        '乙公司,"RMB 1,400"',
        "丙公司,CNY1500",
        "丁公司,1600.00 元",
        "戊公司,+1700",
        "己公司,１，８００．００",
        '庚公司,"-¥1,900"',
        '辛公司,"¥-2,000"',
    ])
    mac = workbook([sheet("Sheet1", [HDR, [D(2024, 3, 5), "甲公司", "A型", 310],
                                     [D(2024, 3, 6), "乙公司", "B型", 420]])])
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    mac.epoch = CALENDAR_MAC_1904
    mac.save(OUT / "v13_mac_1904_dates.xlsx")
    _fix_zip_times(OUT / "v13_mac_1904_dates.xlsx")
    xlsx("v14_excel_error_values.xlsx", [sheet("Sheet1", [
        HDR,
        [D(2024, 6, 1), "甲公司", "A型", 100],
        [D(2024, 6, 2), "乙公司", "B型", "#N/A"],
        [D(2024, 6, 3), "丙公司", "C型", "#DIV/0!"],
        [D(2024, 6, 4), "丁公司", "A型", 250],
    ])])
    text("v15_amount_yuanzheng.csv", [
        "日期,客户,金额",
        "2024-07-01,甲公司,1200元整",
        "2024-07-02,乙公司,\"人民币1,500.00元整\"",
        "2024-07-03,丙公司,300",
    ])
    xlsx("v07_merged_customer.xlsx", [sheet("Sheet1", [
        ["客户", "日期", "产品", "金额"],
        ["甲公司", D(2024, 6, 1), "A型", 100],
        [None, D(2024, 6, 2), "B型", 250],
        [None, D(2024, 6, 3), "C型", 75],
        ["乙公司", D(2024, 6, 4), "A型", 400],
        [None, D(2024, 6, 5), "B型", 60],
    ], merges=["A2:A4", "A5:A6"])])


# ---------------------------------------------------------------- customers and columns
def customers_and_columns() -> None:
    xlsx("k01_spellings_abc.xlsx", [sheet("Sheet1", [
        ["客户", "金额"],
        ["ＡＢＣ科技", 100], ["ABC科技", 200], ["ABC 科技", 310], ["abc科技", 420],
        ["XYZ科技（上海）", 530], ["XYZ科技(上海)", 640],
    ])])
    text("k02_spellings_zero_width_suffix.csv", [
        "客户,金额",
        "DEF\u200b贸易,150",
        "DEF贸易,260",
        "华信精密机械有限责任公司,370",
        "华信精密机械有限公司,480",
    ])
    text("k03_latin_case_width.csv", [
        "客户,金额",
        "Acme Ltd,100",
        "ACME LTD,200",
        "Acme  Ltd,330",
        "Ａｃｍｅ Ltd,440",
        "Beta Co,550",
    ])
    text("m07_english_invoice.csv", [
        "Invoice Date,Client,Item,Revenue,Qty",
        "2024-10-01,Acme Ltd,Widget,1500,3",
        "2024-10-02,Beta Co,Gadget,250.25,1",
    ])
    text("m08_kingdee_headers.csv", [
        "开票日期,购货单位,商品名称,含税金额,销售数量",
        "2024-10-03,甲公司,A型,2260,2",
        "2024-10-04,乙公司,B型,1130,1",
    ])
    text("m09_yonyou_headers.csv", [
        "单据日期,单据编号,往来单位,存货名称,数量,本币价税合计",
        "2024-11-01,XS0001,甲公司,A型,2,2260",
        "2024-11-02,XS0002,乙公司,B型,1,1130",
    ])
    text("m11_cn_crm_headers.csv", [
        "成交日期,客户全称,商品,订单金额",
        "2024-11-03,甲公司,A型,500",
        "2024-11-04,乙公司,B型,700",
    ])
    xlsx("m12_numeric_codes.xlsx", [sheet("Sheet1", [
        ["日期", "单号", "客户编号", "金额"],
        [D(2024, 1, 2), 20240001, 1001, 100],
        [D(2024, 1, 3), 20240002, 1002, 250],
    ])])
    text("m10_missing_customer.csv", [
        "日期,产品,金额",
        "2024-10-05,A型,100",
    ])
    text("m01_code_and_name.csv", [
        "日期,客户编码,客户名称,金额",
        "2024-01-02,C001,甲公司,1000",
        "2024-01-03,C002,乙公司,2100",
        "2024-01-04,C001,甲公司,500",
    ])
    text("m02_two_kehu_columns.csv", [
        "日期,客户,客户,产品,金额",
        "2024-01-02,C001,甲公司,A型,1000",
        "2024-01-03,C002,乙公司,B型,2100",
        "2024-01-04,C001,甲公司,A型,500",
    ])
    text("m03_net_and_gross.csv", [
        "日期,客户,金额,税额,价税合计",
        "2024-02-01,甲公司,1000,130,1130",
        "2024-02-02,乙公司,2000,260,2260",
    ])
    text("m04_crm_english.csv", [
        "Order Date,CustomerID,Customer Name,Product,Amount,Owner",
        "2024-07-01,C-01,Acme Ltd,Widget,1200.5,Li",
        "2024-07-02,C-02,Beta Co,Gadget,300,Wang",
        "2024-07-03,C-01,acme ltd,Widget,99.5,Li",
    ])
    text("m05_unknown_headers.csv", [
        "日期,客户简称,含税总额",
        "2024-08-01,甲公司,100",
        "2024-08-02,乙公司,200",
        "2024-08-03,丙公司,450",
    ])
    text("m06_missing_amount.csv", [
        "日期,客户,产品,备注",
        "2024-08-01,甲公司,A型,首单",
    ])


# ---------------------------------------------------------------- other readers
def other_readers() -> None:
    text("o01_opportunities_crm.csv", [
        "Opportunity Name,Account Name,Stage,Amount,Probability,Close Date,Outcome",
        '华东项目A,甲公司,Closed,"120,000",100%,2024-03-31,Closed Won',
        "华南项目B,乙公司,Closed,80000,0%,2024-04-15,Closed Lost",
        "西部项目C,丙公司,Proposal,50000,30%,2024-06-30,",
        "北方项目D,丁公司,Negotiation,20000,60%,2024-07-15,",
    ])
    xlsx("o05_opportunities_cn.xlsx", [sheet("商机", [
        ["商机名称", "客户名称", "销售阶段", "金额", "赢率", "预计成交日期"],
        ["宁波扩产项目", "甲公司", "方案报价", 300000, 30, D(2024, 9, 30)],
        ["杭州改造项目", "乙公司", "商务谈判", 150000, 60, D(2024, 10, 31)],
        ["苏州新线项目", "丙公司", "需求确认", 90000, "10%", D(2024, 12, 15)],
    ])])
    text("o06_survey_messy_scores.csv", [
        "客户,评分,日期",
        "甲公司,9分,2024-05-01",
        "乙公司,１０,2024-05-02",
        "丙公司,N/A,2024-05-03",
        "丁公司,11,2024-05-04",
        "戊公司,7 分,2024-05-05",
    ])
    text("o07_opportunities_won_closed_flags.csv", [
        "Opportunity Name,Account Name,Stage,Amount,Probability (%),Close Date,Won,Closed",
        "A单,Acme,Closed Won,10000,100,2024-03-31,TRUE,TRUE",
        "B单,Beta,Closed Lost,5000,0,2024-04-15,FALSE,TRUE",
        "C单,Gamma,Proposal/Price Quote,8000,75,2024-06-30,FALSE,FALSE",
    ])
    xlsx("o08_survey_wjx_style.xlsx", [sheet("Sheet1", [
        ["序号", "提交答卷时间", "客户名称", "推荐意愿得分"],
        [1, D(2024, 5, 1, 10, 0), "甲公司", 9],
        [2, "2024/5/2 14:30:00", "乙公司", 6],
    ])])
    text("o02_survey_cn.csv", [
        "客户,推荐意愿得分,日期,备注",
        "甲公司,9,2024-05-01,服务好",
        "乙公司,6,2024-05-02,",
        "丙公司,10,2024-05-03,会推荐",
        "丁公司,3,2024-05-04,交付慢",
    ])
    xlsx("o03_survey_pingfen.xlsx", [sheet("问卷", [
        ["客户名称", "评分", "日期"],
        ["甲公司", 8, D(2024, 6, 1)],
        ["乙公司", 10, D(2024, 6, 2)],
        ["丙公司", 4, D(2024, 6, 3)],
    ])])
    text("o04_leads_cn.csv", [
        "公司名称,联系人,手机,来源",
        "宁波华信精密机械有限公司,张三,13800138000,展会",
        "上海GHI贸易有限公司,李四,0571-88886666,官网",
        "苏州JKL科技有限公司,王五,13912345678,转介绍",
    ])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.name != "f06_password.xlsx":
            old.unlink()
    for step in (totals, sheets, csvs, headers, formats, values, customers_and_columns, other_readers):
        step()
    print(f"{len(list(OUT.iterdir()))} files in {OUT}")


if __name__ == "__main__":
    main()

"""Hand-written answers for the messy-file catalogue (issue 12).

One entry per file (a file read with two option sets has two entries).  The
numbers are written by hand from the rows in ``make_catalogue.py``, not from
any reader: they are the independent check of ``cvwork.io``.

Conventions (from /work/notes/io_spec.md):
- ``row`` is the 1-based line number in a text file / row number in a sheet as
  Excel shows it (the header is row 1 unless there are title rows).
- ``kept`` lists ``(customer_raw, amount)`` in file order; in ``flex`` cases it
  lists ``(row, customer_raw, amount)`` so that a flex row may be either kept
  (repaired) or excluded as ``malformed``.
- ``excluded`` lists ``(row, code, amount)`` or ``(row, code, amount, sheet)``;
  ``amount`` None means NaN (nothing parsable), ``SKIP`` means not asserted.
  A code written ``"subtotal|total"`` accepts either where the spec does not say
  which (the case comment says why).
- ``true_detail`` is the hand-computed sum of the parsable amounts of every line
  that is not a total/subtotal line: the file's true detail total.
- ``stated`` is the expected ``stated_total`` (None: no grand-total line; ANY:
  not asserted, the spec is silent).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SKIP = "skip"
ANY = "any"
T = pd.Timestamp


@dataclass
class Case:
    file: str
    kept: list
    kept_total: float
    true_detail: float
    rows_read: int
    excluded: list = field(default_factory=list)
    stated: object = None
    reconciles: bool = True
    options: dict = field(default_factory=dict)
    header_row: int | None = 1
    title_rows: int | None = 0
    encoding: tuple | None = None       # acceptable codec names (codecs.lookup(...).name)
    delimiter: str | None = None
    flex: tuple = ()                    # rows that may be repaired (kept) or excluded as malformed
    dates: list | None = None
    quantities: list | None = None
    products: list | None = None
    order_ids: list | None = None
    sheets: list | None = None          # expected `sheet` column; [] = no sheet column
    sheets_read: list | None = None
    sheets_skipped: dict | None = None  # sheet -> substring of the reason
    notes: tuple = ()                   # each entry: alternatives, one must occur in some note
    distinct_customers: int | None = None
    merged_groups: list | None = None   # list of sets of spellings merged into one customer
    replaced_bytes: int | None = 0
    difference: float | None = None
    comment: str = ""

    @property
    def id(self) -> str:
        suffix = "-".join(f"{k}={v}" for k, v in self.options.items())
        return self.file + (f"[{suffix}]" if suffix else "")


@dataclass
class Refused:
    file: str
    substrings: list          # each entry: tuple of alternatives, one must be in the message
    options: dict = field(default_factory=dict)
    comment: str = ""

    @property
    def id(self) -> str:
        suffix = "-".join(f"{k}={v}" for k, v in self.options.items())
        return self.file + (f"[{suffix}]" if suffix else "")


UTF8 = ("utf-8",)
GBK = ("gbk", "gb18030")
ENC_KEPT = [("华东甲公司", 1000.0), ("乙公司", 2000.5), ("丙公司", 300.0)]
D5 = [T("2024-04-01"), T("2024-04-02"), T("2024-04-03")]

CASES: list[Case] = [
    # ------------------------------------------------------------ totals and subtotals
    Case("t01_heji.csv", [("甲公司", 1000), ("乙公司", 2500.5), ("丙公司", 300), ("甲公司", 1200)],
         5000.5, 5000.5, 5, [(6, "total", 5000.5)], stated=5000.5, encoding=UTF8, delimiter=",",
         dates=[T("2024-01-05"), T("2024-01-09"), T("2024-02-11"), T("2024-02-20")]),
    Case("t02_heji_colon_nodate.csv", [("甲公司", 800), ("乙公司", 450), ("丙公司", 2000)],
         3250, 3250, 4, [(5, "total", 3250)], stated=3250, quantities=[2, 1, 5],
         comment="no date column: the 合计： line must not become a customer"),
    Case("t03_he_ji_space.xlsx", [("甲公司", 1500), ("乙公司", 900), ("丁公司", 2000)],
         4400, 4400, 4, [(5, "total", 4400)], stated=4400,
         comment="label '合 计' (inner space) in the date column, customer blank"),
    Case("t04_benye_heji_gbk.csv", [("甲公司", 1000), ("乙公司", 2000), ("丙公司", 1500), ("丁公司", 700)],
         5200, 5200, 8,
         [(4, "subtotal|total", 3000), (5, "header", None), (8, "subtotal|total", 2200), (9, "total", 5200)],
         stated=5200, encoding=GBK,
         comment="本页合计 is a page total: our reading is subtotal (it covers part of the file), the spec "
                 "lists it among total labels without a code, so either code is accepted; the grand total "
                 "is the last 合计 line (5200) and the page totals must not become stated_total"),
    Case("t05_zongji_yuan_nodate.xlsx", [("甲公司", 1200), ("乙公司", 3400), ("丙公司", 560.25)],
         5160.25, 5160.25, 4, [(5, "total", 5160.25)], stated=5160.25),
    Case("t06_leiji.csv", [("甲公司", 100), ("乙公司", 250), ("丙公司", 80)],
         430, 430, 4, [(5, "total", 430)], stated=430,
         comment="累计 at the bottom is the file's own grand total (code total)"),
    Case("t07_total_colon_en.csv", [("Acme Ltd", 1200), ("Beta Co", 800), ("Acme Ltd", 450)],
         2450, 2450, 4, [(5, "total", 2450)], stated=2450),
    Case("t08_TOTAL_in_product.csv", [("甲公司", 600), ("乙公司", 900), ("丙公司", 1600)],
         3100, 3100, 4, [(5, "total", 3100)], stated=3100),
    Case("t09_subtotal_grand_total_en.xlsx", [("Acme", 1000), ("Beta", 500), ("Gamma", 2000), ("Delta", 250)],
         3750, 3750, 7, [(4, "subtotal", 1500), (7, "subtotal", 2250), (8, "total", 3750)], stated=3750),
    Case("t10_xiaoji_repeats_customer.xlsx",
         [("甲公司", 1000), ("甲公司", 500), ("乙公司", 2000), ("乙公司", 300)],
         3800, 3800, 7, [(4, "subtotal", 1500), (7, "subtotal", 2300), (8, "total", 3800)], stated=3800,
         comment="小计 lines repeat the customer name in the customer column"),
    Case("t11_xiaoji_in_customer_cell.csv", [("甲公司", 1000), ("甲公司", 700), ("乙公司", 400), ("乙公司", 600)],
         2700, 2700, 6, [(4, "subtotal", 1700), (7, "subtotal", 1000)], stated=None,
         comment="'甲公司 小计' in the customer cell; also caught by the sum rule (1700 = 1000 + 700); "
                 "no grand total line, so stated_total is None"),
    Case("t12_heji_jine.csv", [("甲公司", 320), ("乙公司", 480), ("丙公司", 1000)],
         1800, 1800, 4, [(5, "total", 1800)], stated=1800),
    Case("t13_unlabelled_subtotals.csv",
         [("甲公司", 100), ("乙公司", 200), ("丙公司", 350), ("丁公司", 50), ("甲公司", 70)],
         770, 770, 7, [(5, "subtotal|total", 650), (8, "subtotal|total", 120)], stated=None,
         comment="no label, customer blank, amount = sum of the detail lines since the previous total; "
                 "our reading: only a labelled line is the grand total, so stated_total is None "
                 "(120 is not the file total)"),
    Case("t14_total_mismatch.csv", [("甲公司", 1000), ("乙公司", 2000), ("丙公司", 4000)],
         7000, 7000, 4, [(5, "total", 7500)], stated=7500, reconciles=False, difference=-500,
         comment="the file's own 合计 is 500 too high: reconciles False, difference = detail - stated"),
    Case("t15_zongji_fullwidth.xlsx", [("甲公司", 800), ("乙公司", 1250), ("丙公司", 430)],
         2480, 2480, 4, [(5, "total", 2480)], stated=2480,
         comment="'总　计：' with an ideographic space and a full-width colon"),
    Case("t16_heji_merged_label.xlsx", [("甲公司", 900), ("乙公司", 1100), ("丙公司", 260)],
         2260, 2260, 4, [(5, "total", 2260)], stated=2260,
         comment="'合计:' (ASCII colon) in a cell merged over A5:C5, as hand-made Excel reports do"),
    Case("t17_subtotal_spellings.csv",
         [("甲公司", 100), ("乙公司", 250), ("丙公司", 40), ("丁公司", 75), ("戊公司", 500), ("甲公司", 20),
          ("乙公司", 33), ("丙公司", 67), ("丁公司", 8), ("戊公司", 90)], 1183, 1183, 16,
         [(4, "subtotal", 350), (7, "subtotal", 115), (10, "subtotal", 520), (13, "subtotal", 100),
          (16, "subtotal", 98), (17, "total", 1183)], stated=1183,
         comment="subtotal spellings 小计: / 【小计】 / Sub-total / sub total / 小计（元）, grand total 合计（元）"),
    Case("t18_en_page_totals.csv", [("Acme", 120), ("Beta", 80.5), ("Gamma", 300)], 500.5, 500.5, 6,
         [(4, "subtotal|total", 200.5), (6, "subtotal|total", 300), (7, "total", 500.5)], stated=500.5,
         comment="'Page Total' is the English 本页合计 (either code, see t04); 'Grand total' in lower case"),
    Case("t19_benyue_heji_bennian_leiji.csv", [("甲公司", 100), ("乙公司", 200), ("丙公司", 150), ("甲公司", 50)],
         500, 500, 8,
         [(4, "subtotal|total", 300), (5, "subtotal|total", 300), (8, "subtotal|total", 200), (9, "total", 500)],
         stated=500,
         comment="用友-style 本月合计 / 本年累计 after each month: the first 本年累计 is a running total "
                 "(either code); the last 本年累计 is the file's grand total (500)"),
    Case("t20_traditional_labels.csv", [("甲公司", 300), ("乙公司", 450), ("丙公司", 125)], 875, 875, 5,
         [(4, "subtotal", 750), (6, "total", 875)], stated=875,
         comment="traditional-character labels 小計 / 總計 (Hong Kong / Taiwan templates)"),
    Case("t21_heji_with_count.csv", [("甲公司", 1000), ("乙公司", 2000), ("丙公司", 500)], 3500, 3500, 4,
         [(5, "total", 3500)], stated=3500, comment="'合计（共3笔）': a total label followed by a record count"),
    Case("t22_footer_after_total.xlsx", [("甲公司", 1600), ("乙公司", 2400)], 4000, 4000, 6,
         [(4, "total", 4000), (5, "blank", None), (6, "customer|amount|date", None),
          (7, "customer|amount|date", None)], stated=4000,
         comment="footer lines after the total (制表人/审核, 打印时间): excluded with no amount; the spec has "
                 "no 'footer' code, so any of customer/amount/date is accepted"),
    Case("t23_customer_named_total.csv",
         [("TotalEnergies China", 1200), ("Total Solutions Ltd", 800), ("Acme Ltd", 450)], 2450, 2450, 4,
         [(5, "total", 2450)], stated=2450,
         comment="customers whose names start with 'Total' are customers: a label is the whole cell"),
    Case("t24_customer_names_with_labels.csv",
         [("小计餐饮管理有限公司", 1200), ("合计通物流有限公司", 800), ("甲公司", 450)], 2450, 2450, 4,
         [(5, "total", 2450)], stated=2450,
         comment="company names that begin with 小计 / 合计 are customers, not total lines"),
    Case("t25_detail_equals_sum_above.csv", [("甲公司", 100), ("乙公司", 200), ("丙公司", 300), ("丁公司", 600)],
         1200, 1200, 4, stated=None,
         comment="300 = 100 + 200 and 600 = 100 + 200 + 300, but these lines have a customer, a date and a "
                 "product: detail lines, never subtotals (the sum rule is for lines without a customer)"),
    Case("t26_total_first_row.csv", [("甲公司", 100), ("乙公司", 250), ("丙公司", 300)], 650, 650, 4,
         [(2, "total", 650)], stated=650,
         comment="the 合计 line right under the header (reports that show the total first): it is the "
                 "file's only, hence last, 合计 line, so stated_total = 650 (spec: 'the last 合计 line')"),
    # ------------------------------------------------------------ sheets
    Case("s01_hidden_first_sheet.xlsx", [("甲公司", 1000), ("乙公司", 2000)], 3000, 3000, 2,
         sheets=[], sheets_read=["销售明细"], sheets_skipped={"旧数据": "隐藏"},
         comment="the hidden first sheet (stale 99999) is skipped and named; one sheet read: no sheet column"),
    Case("s02_one_sheet_per_month.xlsx",
         [("甲公司", 100), ("乙公司", 200), ("甲公司", 300), ("丙公司", 400), ("乙公司", 500), ("丁公司", 250)],
         1750, 1750, 7, [(3, "blank", None, "2月")],
         sheets=["1月", "1月", "2月", "2月", "3月", "3月"], sheets_read=["1月", "2月", "3月"]),
    Case("s02b_monthly_with_sheet_totals.xlsx", [("甲公司", 100), ("乙公司", 200), ("甲公司", 350), ("丙公司", 400)],
         1050, 1050, 6, [(4, "total", 300, "1月"), (4, "total", 750, "2月")], stated=ANY,
         sheets=["1月", "1月", "2月", "2月"], sheets_read=["1月", "2月"],
         comment="each sheet has its own 合计 that matches the sheet: the book is consistent, so it must "
                 "reconcile. The spec is silent on stated_total for several sheets (our reading: the sum "
                 "of the sheet totals, 1050, never just the last sheet's 750), so it is not asserted"),
    Case("s05_summary_sheet_first.xlsx", [("甲公司", 100), ("乙公司", 200), ("丙公司", 350), ("丁公司", 400)],
         1050, 1050, 4, sheets=["1月", "1月", "2月", "2月"], sheets_read=["1月", "2月"],
         sheets_skipped={"汇总": ""},
         comment="the first sheet 汇总 (月份/销售额) has an amount-like header but no customer: skipped and named"),
    Case("s06_very_hidden_template.xlsx", [("甲公司", 640), ("乙公司", 360)], 1000, 1000, 2,
         sheets=["1月", "2月"], sheets_read=["1月", "2月"], sheets_skipped={"模板": "隐藏"},
         comment="a veryHidden template sheet between two months (same header, sample row 12345)"),
    Case("s07_monthly_columns_moved.xlsx", [("甲公司", 100), ("乙公司", 200), ("丙公司", 350), ("丁公司", 400)],
         1050, 1050, 4, sheets=["1月", "1月", "2月", "2月"], sheets_read=["1月", "2月"], title_rows=None,
         products=["A型", "B型", "A型", "C型"],
         dates=[T("2024-01-05"), T("2024-01-20"), T("2024-02-03"), T("2024-02-25")],
         comment="the 2月 sheet has a title row and its columns in another order: combined by header name; "
                 "title_rows for several sheets is not asserted (spec silent)"),
    Case("s08_default_empty_sheets.xlsx", [("甲公司", 100), ("乙公司", 250)], 350, 350, 2, sheets=[],
         sheets_read=["Sheet1"], comment="Excel's default empty Sheet2/Sheet3 are not an error"),
    Case("s09_detail_plus_customer_summary.xlsx", [("甲公司", 100), ("乙公司", 250), ("甲公司", 50)], 400, 400, 3,
         sheets=[], sheets_read=["明细"], sheets_skipped={"按客户汇总": ""},
         comment="a per-customer summary sheet (客户, 金额) also has customer and amount, but not the detail "
                 "header: combining it would count every sale twice; skipped and named"),
    Case("s04_two_regions.xlsx", [("丙公司", 300), ("丁公司", 400), ("戊公司", 500)], 1200, 1200, 3,
         options={"sheet": "华南"}, sheets=[], sheets_read=["华南"]),
    Case("s04_two_regions.xlsx", [("甲公司", 1000), ("乙公司", 2000)], 3000, 3000, 2,
         options={"sheet": 0}, sheets=[], sheets_read=["华东"]),
    Case("s04_two_regions.xlsx",
         [("甲公司", 1000), ("乙公司", 2000), ("丙公司", 300), ("丁公司", 400), ("戊公司", 500)], 4200, 4200, 5,
         sheets=["华东", "华东", "华南", "华南", "华南"], sheets_read=["华东", "华南"]),
    # ------------------------------------------------------------ text files
    Case("c01_stray_quotes.csv",
         [(2, "甲公司", 110), (3, "乙公司", 220), (4, "丙公司", 340), (5, "丁公司", 470), (6, "戊公司", 530),
          (7, "己公司", 610), (8, "庚公司", 780), (9, "辛公司", 890), (10, "壬公司", 920), (11, "癸公司", 1050)],
         5920, 5920, 10, flex=(3, 4, 5, 6, 7),
         comment="a stray quote on line 3 and one on line 7 swallow lines 3-7 in a CSV parser; each physical "
                 "line must be either kept (repaired) or excluded as malformed, never lost; a malformed "
                 "line whose amount is not recorded means the file total is not reached: reconciles False"),
    Case("c02_bad_quoting.csv", [(2, "甲公司", 500), (4, "丙公司", 300), (5, "丁公司", 450)],
         1250, 1250, 4, [(3, "malformed", None)], flex=(5,),
         comment="line 3 has 5 fields (unquoted 1,200): malformed, its amount is unknowable (NaN, not 1 or "
                 "200); line 5 opens a quote never closed: repaired (kept, 450) or malformed"),
    Case("c04_header_only.csv", [], 0, 0, 0, stated=None),
    Case("c05_tab.tsv", [("甲公司", 1200), ("乙公司", 3450.5), ("丙公司", 99.5)], 4750, 4750, 3,
         delimiter="\t"),
    Case("c06_semicolon.csv", [("甲公司", 1200.5), ("乙公司", 800), ("丙公司", 310)], 2310.5, 2310.5, 3,
         delimiter=";", products=["A型,加长", "B型", "C型"]),
    Case("c07_whitespace_aligned.txt", [("甲公司", 1500), ("乙公司", 250.75), ("丙公司", 4000)],
         5750.75, 5750.75, 3, dates=[T("2024-03-07"), T("2024-03-08"), T("2024-03-09")]),
    Case("c08_utf8.csv", ENC_KEPT, 3300.5, 3300.5, 3, encoding=UTF8, delimiter=",", dates=D5),
    Case("c09_utf8_bom.csv", ENC_KEPT, 3300.5, 3300.5, 3, encoding=("utf-8-sig",), delimiter=",", dates=D5),
    Case("c10_gbk.csv", ENC_KEPT, 3300.5, 3300.5, 3, encoding=GBK, delimiter=",", dates=D5),
    Case("c11_gb18030.csv", ENC_KEPT[:2] + [("𠮷野家", 300.0)], 3300.5, 3300.5, 3, encoding=("gb18030",),
         delimiter=",", comment="𠮷 (U+20BB7) is not in GBK: the file must be decoded as GB18030"),
    Case("c12_utf16le_unicode_text.txt", ENC_KEPT, 3300.5, 3300.5, 3, encoding=("utf-16", "utf-16-le"),
         delimiter="\t", dates=D5, comment="Excel 'Unicode text' export: UTF-16 LE with BOM, tabs, CRLF"),
    Case("c13_utf16be.txt", ENC_KEPT, 3300.5, 3300.5, 3, encoding=("utf-16", "utf-16-be"), delimiter="\t"),
    Case("c14_gbk_one_bad_byte.csv", ENC_KEPT, 3300.5, 3300.5, 3, encoding=GBK, replaced_bytes=1,
         notes=(("替换", "replace"),), comment="one 0xFF byte after 'B型' on line 3: replaced and counted"),
    Case("c16_multiline_quoted_cell.csv", [("甲公司", 100), ("乙公司", 250), ("丙公司", 375)], 725, 725, 3,
         delimiter=",",
         comment="a properly quoted cell with a line break (Alt+Enter in Excel) is ONE row, not a stray "
                 "quote: our reading is rows_read 3 (records), nothing excluded"),
    Case("c17_trailing_delimiter.csv", [("甲公司", 500), ("乙公司", 620)], 1120, 1120, 2, delimiter=",",
         comment="every line ends with a comma (an empty unnamed last column)"),
    Case("c18_pipe.txt", [("甲公司", 1000), ("乙公司", 2500)], 3500, 3500, 2, delimiter="|",
         comment="pipe-separated: not in the spec's list (comma, tab, semicolon, whitespace) but a common "
                 "bank/ERP export; our reading is that it is read"),
    Case("c19_excel_csv_utf8_all_quoted.csv", [("甲公司", 1234.5), ("乙公司", 765.5)], 2000, 2000, 2,
         encoding=("utf-8-sig",), delimiter=",", comment="Excel 'CSV UTF-8': BOM, CRLF, every field quoted"),
    Case("c20_fixed_width_spaces_in_names.txt",
         [("Acme Ltd", 1500), ("Beta Trading Co", 250.75), ("甲公司", 4000)], 5750.75, 5750.75, 3,
         comment="fixed-width print: columns separated by two or more spaces, a single space inside a "
                 "value belongs to the value (our reading)"),
    Case("c21_excel_text_formula_ids.csv", [("甲公司", 100), ("乙公司", 250)], 350, 350, 2,
         order_ids=["00123", "00124"],
         comment='ERP CSV writes ids as ="00123" so Excel keeps the leading zeros: the id is 00123'),
    Case("c23_mac_cr_line_endings.csv", [("甲公司", 150), ("乙公司", 275)], 425, 425, 2, delimiter=",",
         comment="old 'CSV (Macintosh)' export: lines end with a bare CR"),
    Case("c24_comma_space.csv", [("Acme Ltd", 100), ("Beta Co", 250)], 350, 350, 2,
         comment="', ' between fields: the space after the comma is not part of the value (our reading)"),
    Case("c25_one_stray_quote_to_eof.csv", [(i + 1, f"客户{i}", i * 100 + 7) for i in range(1, 11)],
         5570, 5570, 10, flex=tuple(range(4, 12)),
         comment="ONE stray quote on line 4 would swallow every line to the end of the file"),
    Case("c15_commas.txt", [("甲公司", 640), ("乙公司", 1000)], 1640, 1640, 2, delimiter=","),
    # ------------------------------------------------------------ title rows and headers
    Case("h01_title_rows.xlsx", [("甲公司", 1000), ("乙公司", 1500), ("丙公司", 700)], 3200, 3200, 4,
         [(8, "total", 3200)], stated=3200, header_row=4, title_rows=3, quantities=[2, 3, 1]),
    Case("h02_title_rows_gbk.csv", [("甲公司", 2000), ("乙公司", 1800.25), ("丙公司", 600)], 4400.25, 4400.25, 3,
         header_row=4, title_rows=3, encoding=GBK),
    Case("h03_repeated_headers.csv",
         [("甲公司", 100), ("乙公司", 200), ("丙公司", 330), ("甲公司", 400), ("丁公司", 500)], 1530, 1530, 8,
         [(4, "blank", None), (5, "header", None), (8, "header", None)],
         comment="page breaks of an ERP export: a blank line and the header repeated twice"),
    Case("h04_amount_yuan.xlsx", [("甲公司", 1234.56), ("乙公司", 100), ("丙公司", 65.44)], 1400, 1400, 3),
    Case("h05_amount_wanyuan.csv", [("甲公司", 12000), ("乙公司", 3500), ("丙公司", 20000)], 35500, 35500, 3,
         notes=(("万元",),), comment="金额（万元）: every amount x 10,000, and the account says so"),
    Case("h14_amount_qianyuan.csv", [("甲公司", 1500), ("乙公司", 2000), ("丙公司", 250)], 3750, 3750, 3,
         notes=(("千元", "千"),),
         comment="金额（千元）, the finance reports' unit: x 1,000 and said so. The spec names only 万元; our "
                 "reading is that 千元 follows the same rule (refusing is safe, but mapping it with --columns "
                 "would then be 1,000 times too small)"),
    Case("h06_messy_header_cells.xlsx", [("甲公司", 500), ("乙公司", 1500), ("丙公司", 2500.5)], 4500.5, 4500.5, 3,
         quantities=[2, 3, 1], products=["A型", "B型", "C型"],
         dates=[T("2024-07-01"), T("2024-07-02"), T("2024-07-03")],
         comment="headers '日　期', '客户\\n名称', ' 产品名称 ', '金　额\\n(元)', 'ＱＴＹ'"),
    Case("h09_table_offset_b2.xlsx", [("甲公司", 800), ("乙公司", 900)], 1700, 1700, 3, [(5, "total", 1700)],
         stated=1700, header_row=2, title_rows=1,
         comment="the table starts at B2 (row 1 and column A empty): row numbers stay Excel's"),
    Case("h10_title_rows_one_sale.csv", [("甲公司", 1234.5)], 1234.5, 1234.5, 1, header_row=5, title_rows=4,
         delimiter=",", comment="found by the property test: two title lines, blank lines, then a header and "
                                "ONE sale (fewer comma lines than title lines)"),
    Case("h11_xuhao_column.csv", [("甲公司", 100), ("乙公司", 250), ("丙公司", 380)], 730, 730, 4,
         [(5, "total", 730)], stated=730, comment="a leading 序号 column; the total label sits in it"),
    Case("h12_required_star_headers.csv", [("甲公司", 610), ("乙公司", 390)], 1000, 1000, 2,
         comment="headers from an ERP import template mark required fields with '*' (日期*, 客户名称*, 金额*)"),
    Case("h13_query_conditions.csv", [("甲公司", 100), ("乙公司", 250)], 350, 350, 2, header_row=4, title_rows=3,
         comment="ERP query conditions above the header ('日期：,2024-01-01 至 2024-12-31', '客户：,全部')"),
    Case("h07_summary_block_above.csv", [("甲公司", 1000), ("乙公司", 1200), ("丙公司", 2000)], 4200, 4200, 3,
         header_row=5, title_rows=4, comment="a small summary block (客户数/金额) above the real header"),
    Case("h07_summary_block_above.csv", [("甲公司", 1000), ("乙公司", 1200), ("丙公司", 2000)], 4200, 4200, 3,
         options={"header_row": 5}, header_row=5, title_rows=4),
    # ------------------------------------------------------------ formats
    Case("f01_legacy_biff8.xls", [("甲公司", 1200), ("乙公司", 3400.8), ("丙公司", 50)], 4650.8, 4650.8, 4,
         [(5, "total", 4650.8)], stated=4650.8, quantities=[2, 4, 1],
         dates=[T("2024-02-01"), T("2024-02-02"), T("2024-02-03")]),
    Case("f02_libreoffice.ods", [("甲公司", 10), ("乙公司", 20.5), ("丙公司", 30)], 60.5, 60.5, 3,
         dates=[T("2024-03-01"), T("2024-03-02"), T("2024-03-03")]),
    Case("f03_macro_enabled.xlsm", [("甲公司", 700), ("乙公司", 800)], 1500, 1500, 2),
    Case("f04_really_xlsx.xls", [("甲公司", 111), ("乙公司", 222)], 333, 333, 2,
         comment="xlsx bytes under an .xls name: chosen by content"),
    Case("f08_really_tsv.xls", [("甲公司", 880), ("乙公司", 1320.5)], 2200.5, 2200.5, 2, encoding=GBK,
         delimiter="\t", comment="ERP 'Excel export' that is GBK tab-separated text under an .xls name: "
                                  "chosen by content, read as text"),
    Case("f09_really_csv.xlsx", [("甲公司", 66), ("乙公司", 99)], 165, 165, 2, delimiter=",",
         comment="a CSV saved under an .xlsx name: chosen by content"),
    Case("f10_legacy_erp_export.xls", [("甲公司", 300), ("甲公司", 450), ("乙公司", 1000)], 1750, 1750, 6,
         [(6, "subtotal", 750), (8, "subtotal", 1000), (9, "total", 1750)], stated=1750, header_row=3,
         title_rows=2, comment="BIFF8 with a title, a blank row, 小计 lines repeating the customer, 合计"),
    Case("h08_merged_title.xlsx", [("甲公司", 700), ("乙公司", 1300)], 2000, 2000, 2, header_row=2, title_rows=1,
         comment="the title is merged over A1:D1"),
    Case("f11_xls_hidden_sheet.xls", [("甲公司", 420), ("乙公司", 580)], 1000, 1000, 2, sheets=[],
         sheets_read=["明细"], sheets_skipped={"旧数据": "隐藏"}, comment="a hidden sheet in a BIFF8 workbook"),
    # ------------------------------------------------------------ values
    Case("v01_dates_mixed.xlsx",
         [("甲公司", 100), ("乙公司", 110), ("丙公司", 120), ("丁公司", 130), ("戊公司", 140), ("己公司", 150),
          ("庚公司", 160)], 910, 1450, 10,
         [(9, "time_only", 170), (10, "time_only", 180), (11, "date", 190)],
         dates=[T("2024-03-05")] * 5 + [T("2024-03-05 10:15")] * 2,
         comment="serial 45356, 2024年3月5日, 2024/3/5, 2024.03.05, '20240305', a datetime cell, "
                 "'2024-03-05 10:15:00.000'; a time cell and '10:15:00' are time_only; '下周' is not a date"),
    Case("v02_dates_mixed.csv",
         [("甲公司", 100), ("乙公司", 110), ("丙公司", 120), ("丁公司", 130), ("戊公司", 140), ("己公司", 150),
          ("庚公司", 160), ("癸公司", 190)], 1100, 1450, 10, [(9, "time_only", 170), (10, "date", 180)],
         dates=[T("2024-03-05")] * 5 + [T("2024-03-05 10:15")] * 2 + [T("2024-03-05")]),
    Case("v03_amount_spellings.csv",
         [("甲公司", 1200), ("乙公司", 1300), ("丙公司", 1400), ("丁公司", 1500), ("戊公司", 1600),
          ("己公司", -1700), ("庚公司", -1800), ("辛公司", 1900), ("壬公司", 12000), ("癸公司", 2100),
          ("子公司", 2200.5), ("丑公司", -300)], 21400.5, 21400.5, 12,
         comment="¥1,200 / 1300元 / 人民币1400元 / $1,500 / 1,600.00 / (1,700.00) / U+2212 1800 / １９００ / "
                 "1.2万 / ' 2 100 ' / ￥ 2,200.50 / -300"),
    Case("v04_amount_range.csv", [("甲公司", 100), ("壬公司", 250), ("癸公司", 999999999999.99)],
         1000000000349.99, 1000000000349.99, 10,
         [(3, "amount_range", SKIP), (4, "amount_range", SKIP), (5, "amount_range", SKIP),
          (6, "amount_range", SKIP), (7, "amount_range", SKIP), (8, "amount", None), (9, "amount", None)],
         comment="inf, nan, 1e308, -inf, 1e15 are amount_range: their value is not asserted in the "
                 "excluded table but must not count in any total (detail stays finite and exact); "
                 "'abc' and an empty cell are amount (NaN)"),
    Case("v05_quantity_units.csv", [("甲公司", 1000), ("乙公司", 2000), ("丙公司", 500), ("戊公司", 650)],
         4150, 4850, 5, [(5, "quantity", 700)], quantities=[5, 10, 2, 3]),
    Case("v06_formula_no_cached_value.xlsx", [("甲公司", 200), ("丙公司", 300)], 500, 500, 3,
         [(3, "formula", None)], comment="=D3*E3 saved by openpyxl without a cached value"),
    Case("v07_merged_customer.xlsx",
         [("甲公司", 100), ("甲公司", 250), ("甲公司", 75), ("乙公司", 400), ("乙公司", 60)], 885, 885, 5,
         notes=(("合并", "merged"),), comment="A2:A4 and A5:A6 merged: three cells filled from the merge"),
    Case("v08_numbers_as_text.xlsx", [("甲公司", 1200), ("乙公司", 300), ("丙公司", -50)], 1450, 1450, 3,
         dates=[T("2024-06-01"), T("2024-06-02"), T("2024-06-03")],
         comment="amounts and dates stored as text cells in xlsx"),
    Case("v09_datetime_spellings.csv", [("甲公司", 100), ("乙公司", 120), ("丙公司", 140), ("丁公司", 160)],
         520, 520, 4,
         dates=[T("2024-03-05 10:15"), T("2024-03-05 10:15:00.123456"), T("2024-03-05 10:15"),
                T("2024-03-05 10:15")]),
    Case("v10_returns_and_zero.csv", [("甲公司", 500), ("甲公司", -200), ("乙公司", 0), ("丙公司", 310)], 610, 610, 4,
         comment="a return (negative) and a zero-amount gift line are ordinary detail lines"),
    # ------------------------------------------------------------ customers
    Case("k01_spellings_abc.xlsx",
         [("ＡＢＣ科技", 100), ("ABC科技", 200), ("ABC 科技", 310), ("abc科技", 420), ("XYZ科技（上海）", 530),
          ("XYZ科技(上海)", 640)], 2200, 2200, 6, distinct_customers=2,
         merged_groups=[{"ＡＢＣ科技", "ABC科技", "ABC 科技", "abc科技"}, {"XYZ科技（上海）", "XYZ科技(上海)"}]),
    Case("k02_spellings_zero_width_suffix.csv",
         [("DEF\u200b贸易", 150), ("DEF贸易", 260), ("华信精密机械有限责任公司", 370), ("华信精密机械有限公司", 480)],
         1260, 1260, 4, distinct_customers=2,
         merged_groups=[{"DEF\u200b贸易", "DEF贸易"}, {"华信精密机械有限责任公司", "华信精密机械有限公司"}]),
    Case("v11_yyyymmdd_numbers.xlsx", [("甲公司", 100), ("乙公司", 200)], 300, 300, 2,
         dates=[T("2024-03-05"), T("2024-03-06")],
         comment="8-digit numbers in a date column are yyyymmdd (as Excel serials they would be year ~57000)"),
    Case("v12_amount_more_spellings.csv",
         [("甲公司", 13000), ("乙公司", 1400), ("丙公司", 1500), ("丁公司", 1600), ("戊公司", 1700),
          ("己公司", 1800), ("庚公司", -1900), ("辛公司", -2000)], 17100, 17100, 8,
         comment="1.3万元 / RMB 1,400 / CNY1500 / '1600.00 元' / +1700 / １，８００．００ / -¥1,900 / ¥-2,000"),
    Case("v13_mac_1904_dates.xlsx", [("甲公司", 310), ("乙公司", 420)], 730, 730, 2,
         dates=[T("2024-03-05"), T("2024-03-06")],
         comment="a Mac workbook with the 1904 date system: serials are 1462 days smaller"),
    Case("v14_excel_error_values.xlsx", [("甲公司", 100), ("丁公司", 250)], 350, 350, 4,
         [(3, "amount", None), (4, "amount", None)],
         comment="cached Excel errors #N/A and #DIV/0! in the amount column: 金额无法解析 (a stored result "
                 "that is an error, not a formula without a stored value)"),
    Case("v15_amount_yuanzheng.csv", [("甲公司", 1200), ("乙公司", 1500), ("丙公司", 300)], 3000, 3000, 3,
         comment="'1200元整' / '人民币1,500.00元整': 元整 (\"yuan, exactly\") as written on Chinese receipts"),
    Case("k03_latin_case_width.csv",
         [("Acme Ltd", 100), ("ACME LTD", 200), ("Acme  Ltd", 330), ("Ａｃｍｅ Ltd", 440), ("Beta Co", 550)],
         1620, 1620, 5, distinct_customers=2,
         merged_groups=[{"Acme Ltd", "ACME LTD", "Acme  Ltd", "Ａｃｍｅ Ltd"}]),
    # ------------------------------------------------------------ column choice
    Case("m01_code_and_name.csv", [("甲公司", 1000), ("乙公司", 2100), ("甲公司", 500)], 3600, 3600, 3,
         notes=(("客户名称",),)),
    Case("m02_two_kehu_columns.csv", [("甲公司", 1000), ("乙公司", 2100), ("甲公司", 500)], 3600, 3600, 3,
         comment="two columns named 客户: codes then names; the names are taken"),
    Case("m03_net_and_gross.csv", [("甲公司", 1130), ("乙公司", 2260)], 3390, 3390, 2, notes=(("价税合计",),)),
    Case("m04_crm_english.csv", [("Acme Ltd", 1200.5), ("Beta Co", 300), ("acme ltd", 99.5)], 1600, 1600, 3,
         distinct_customers=2, comment="CustomerID and Customer Name: the name is taken"),
    Case("m05_unknown_headers.csv", [("甲公司", 100), ("乙公司", 200), ("丙公司", 450)], 750, 750, 3,
         options={"columns": {"客户简称": "customer", "含税总额": "amount"}}),
    Case("m05_unknown_headers.csv", [("甲公司", 100), ("乙公司", 200), ("丙公司", 450)], 750, 750, 3,
         options={"columns": {"customer": "客户简称", "amount": "含税总额"}}),
    Case("m05_unknown_headers.csv", [("甲公司", 100), ("乙公司", 200), ("丙公司", 450)], 750, 750, 3,
         options={"columns": {"客户": "客户简称", "金额": "含税总额"}}),
    Case("m12_numeric_codes.xlsx", [("1001", 100), ("1002", 250)], 350, 350, 2,
         order_ids=["20240001", "20240002"],
         comment="numeric customer codes and order numbers in xlsx are text ids: '1001', not '1001.0'"),
    Case("m07_english_invoice.csv", [("Acme Ltd", 1500), ("Beta Co", 250.25)], 1750.25, 1750.25, 2,
         quantities=[3, 1], products=["Widget", "Gadget"],
         comment="Invoice Date / Client / Item / Revenue / Qty"),
    Case("m08_kingdee_headers.csv", [("甲公司", 2260), ("乙公司", 1130)], 3390, 3390, 2, quantities=[2, 1],
         dates=[T("2024-10-03"), T("2024-10-04")], comment="开票日期 / 购货单位 / 商品名称 / 含税金额 / 销售数量"),
    Case("m09_yonyou_headers.csv", [("甲公司", 2260), ("乙公司", 1130)], 3390, 3390, 2, quantities=[2, 1],
         order_ids=["XS0001", "XS0002"],
         comment="用友 U8 export headers: 单据日期 / 单据编号 / 往来单位 / 存货名称 / 数量 / 本币价税合计"),
    Case("m11_cn_crm_headers.csv", [("甲公司", 500), ("乙公司", 700)], 1200, 1200, 2,
         dates=[T("2024-11-03"), T("2024-11-04")], comment="成交日期 / 客户全称 / 商品 / 订单金额"),
]

REFUSED: list[Refused] = [
    Refused("s03_no_sales_sheet.xlsx", [("s03_no_sales_sheet.xlsx",), ("封面",), ("说明",), ("--sheet", "--columns")]),
    Refused("c03_empty.csv", [("c03_empty.csv",), ("空",), ("empty",), ("导出", "export")]),
    Refused("c22_bom_only.csv", [("c22_bom_only.csv",), ("空",), ("empty",)],
            comment="three BOM bytes and nothing else: as empty as a 0-byte file"),
    Refused("f05_really_html.xls", [("f05_really_html.xls",), ("HTML", "html", "网页"), (".xlsx",)],
            comment="spec: refused, saying it is an HTML page and to open and save it as .xlsx"),
    Refused("f06_password.xlsx", [("f06_password.xlsx",), ("密码",), ("password",),
                                  ("去掉密码", "取消密码", "删除密码", "remove the password", "without a password")]),
    Refused("f07_unsupported.pdf", [("f07_unsupported.pdf",), ("xlsx", "csv")]),
    Refused("f08_does_not_exist.csv", [("f08_does_not_exist.csv",), ("找不到", "不存在"),
                                       ("not found", "does not exist", "no such")],
            comment="not generated on purpose: a missing file"),
    Refused("m10_missing_customer.csv", [("m10_missing_customer.csv",), ("customer",), ("--columns",),
                                         ("日期, 产品, 金额",)], comment="the message lists the columns found"),
    Refused("s04_two_regions.xlsx", [("s04_two_regions.xlsx",), ("华北",), ("华东",), ("华南",)],
            options={"sheet": "华北"}, comment="a sheet that does not exist: the message lists the sheets"),
    Refused("t01_heji.csv", [("t01_heji.csv",), ("50",)], options={"header_row": 50},
            comment="a header row below the end of the file"),
    Refused("m05_unknown_headers.csv", [("m05_unknown_headers.csv",), ("不存在的列",)],
            options={"columns": {"客户简称": "customer", "不存在的列": "amount"}},
            comment="--columns names a column the file does not have"),
    Refused("m06_missing_amount.csv", [("m06_missing_amount.csv",), ("amount",), ("--columns",),
                                       ("日期, 客户, 产品, 备注",)], comment="the message lists the columns found"),
]

# Five readable files run through `python -m cvwork.cli check FILE`.
CLI_READABLE = ["t04_benye_heji_gbk.csv", "s02_one_sheet_per_month.xlsx", "c12_utf16le_unicode_text.txt",
                "v01_dates_mixed.xlsx", "h01_title_rows.xlsx"]

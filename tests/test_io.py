"""read_sales on small hand-made files with hand-computed answers."""
import pandas as pd
import pytest

from cvwork import InputError, account_of, read_sales
from cvwork.io import canonical_columns, parse_amounts, parse_dates

ROWS = [  # 日期, 客户, 货品名称, 价税合计
    ("2024-01-05", "甲公司", "XX产品", "12,345.00"),
    ("2024/2/3", "乙公司", "XX产品", "￥1,200"),
    ("", "", "", ""),                       # blank line
    ("2024-03-01", "", "XX产品", "500"),      # no customer
    ("2024年3月9日", "丙公司", "XX产品", "abc"),  # amount not a number
    ("not a date", "丁公司", "XX产品", "70"),   # bad date
    ("2024-04-01", "甲公司", "XX产品", "-2,345"),  # a return
]


def write_csv(path, rows=ROWS, encoding="utf-8", header=("日期", "客户", "货品名称", "价税合计")):
    text = "\n".join([",".join(header)] + [",".join(f'"{c}"' if "," in c else c for c in r) for r in rows])
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected_and_rows_accounted(tmp_path, encoding):
    sales = read_sales(write_csv(tmp_path / "s.csv", encoding=encoding))
    assert list(sales.columns[:4]) == ["date", "customer", "product", "amount"]
    assert sales["customer"].tolist() == ["甲公司", "乙公司", "甲公司"]
    assert sales["amount"].tolist() == [12345.0, 1200.0, -2345.0]
    acc = account_of(sales)
    assert (acc.rows_read, acc.rows_kept) == (7, 3)
    assert acc.excluded["row"].tolist() == [4, 5, 6, 7]   # spreadsheet rows, header = 1
    assert acc.excluded["reason"].str.contains("blank|customer|amount|date").all()
    assert acc.excluded["amount"].tolist()[1:] == [500.0, pytest.approx(float("nan"), nan_ok=True), 70.0]
    assert acc.file_amount == pytest.approx(12345 + 1200 + 500 + 70 - 2345)
    assert acc.kept_amount == pytest.approx(11200.0)
    assert acc.reconciles


def test_returns_net_against_customer():
    from cvwork.io import clean_sales
    raw = pd.DataFrame({"客户": ["甲", "甲"], "金额": ["10,000", "-2,000"]})
    assert clean_sales(raw).groupby("customer")["amount"].sum()["甲"] == 8000.0


def test_missing_column_is_one_bilingual_line(tmp_path):
    path = write_csv(tmp_path / "s.csv", header=("日期", "客户", "货品名称", "备注"))
    with pytest.raises(InputError) as err:
        read_sales(path)
    msg = str(err.value)
    assert "缺少必需列 'amount'" in msg and "missing required column 'amount'" in msg
    assert "日期, 客户, 货品名称, 备注" in msg and "\n" not in msg


def test_columns_override_maps_unknown_header(tmp_path):
    path = write_csv(tmp_path / "s.csv", header=("日期", "客户", "货品名称", "含税总额"))
    sales = read_sales(path, columns={"含税总额": "amount"})
    assert sales["amount"].sum() == pytest.approx(11200.0)


def xlsx(tmp_path):
    path = tmp_path / "s.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"说明": ["封面"]}).to_excel(w, sheet_name="封面", index=False)
        pd.DataFrame({"单据日期": pd.to_datetime(["2024-01-01", "2024-01-02"]), "客户名称": ["甲", "乙"],
                      "产品": ["XX产品", "YY"], "销售额": [100.5, 200], "数量": [1, 2]}).to_excel(w, sheet_name="明细", index=False)
    return path


def test_xlsx_sheet_by_name_and_index(tmp_path):
    path = xlsx(tmp_path)
    for sheet in ("明细", 1):
        sales = read_sales(path, sheet=sheet)
        assert sales["amount"].tolist() == [100.5, 200.0]
        assert sales["date"].dt.day.tolist() == [1, 2]
        assert sales["quantity"].tolist() == [1.0, 2.0]
    sales = read_sales(path)   # the cover page is skipped: the one sheet with sales columns is read
    assert sales["amount"].tolist() == [100.5, 200.0] and account_of(sales).sheets_read == ["明细"]
    assert "封面" in account_of(sales).sheets_skipped
    with pytest.raises(InputError, match="缺少必需列 'customer'"):
        read_sales(path, sheet="封面")
    with pytest.raises(InputError, match="找不到工作表 '汇总'.*封面, 明细"):
        read_sales(path, sheet="汇总")
    with pytest.raises(InputError, match="no sheet number 5"):
        read_sales(path, sheet=5)


def test_parquet(tmp_path):
    path = tmp_path / "s.parquet"
    pd.DataFrame({"customer": ["a", "b"], "amount": [1.0, 2.0], "product": ["p", "p"]}).to_parquet(path)
    assert read_sales(path)["amount"].sum() == 3.0


def test_total_row_is_excluded_with_reason():
    from cvwork.io import clean_sales
    raw = pd.DataFrame({"日期": ["2024-01-01", "2024-01-02", "合计"], "客户": ["甲", "乙", None],
                        "价税合计": [100, 200, 300]})
    sales = clean_sales(raw)
    acc = account_of(sales)
    assert len(sales) == 2 and acc.excluded["reason"].tolist() == ["合计行 (total row)"]
    assert acc.excluded["amount"].tolist() == [300.0]


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="找不到文件"):
        read_sales(tmp_path / "nope.xlsx")
    (tmp_path / "x.doc").write_text("x")
    with pytest.raises(InputError, match="unsupported file type"):
        read_sales(tmp_path / "x.doc")
    (tmp_path / "broken.xlsx").write_text("not a zip")
    with pytest.raises(InputError, match="无法打开 Excel"):
        read_sales(tmp_path / "broken.xlsx")


def test_parsers():
    assert parse_amounts(pd.Series(["１,２００", " 3 元", "(1.5)", "RMB 10", None])).tolist()[:4] == [1200, 3, -1.5, 10]
    d = parse_dates(pd.Series(["2024-3-5", "2024/03/06", "2024年3月7日", "2024.03.08", "x"]))
    assert d.dt.day.tolist()[:4] == [5, 6, 7, 8] and pd.isna(d.iloc[4])
    # 价税合计 (tax-inclusive) beats 金额 and the English 'Amount'; the others keep their names
    assert canonical_columns(["客户 名称", "Amount", "金额", "价税合计"]) == {
        "客户 名称": "customer", "Amount": "Amount", "金额": "金额", "价税合计": "amount"}


def test_account_summary_reconciles_on_sample():
    from cvwork import load_sample
    acc = account_of(load_sample("sales"))
    table = acc.summary()
    assert table.loc["读取 (read)", "行数 (rows)"] == acc.rows_read
    assert table["行数 (rows)"].iloc[1:].sum() == acc.rows_read
    assert acc.reconciles


# --- fast paths (issue 12's speed work) give what the general rules give ----------------------

def test_plain_customer_keys_equal_normalise_company():
    """The at-once key of plain names (ASCII letters/digits and Han characters) is
    normalise_company's, including the suffix rules and their order."""
    import random

    from cvwork.identify import normalise_company
    from cvwork.io.customers import customer_keys

    rng = random.Random(12)
    parts = list("ABCabcXz09科技上海（）() 　·.,，、ＡＢ１\u200bİ") + ["有限责任公司", "股份有限公司", "集团", "（集团）",
                                                              "(集团)", "有限公司"]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    keys = customer_keys(pd.Series(names * 2 + [None], dtype="str"))        # > 1000 cells: once per spelling
    want = [normalise_company(n.replace("\u200b", "")) for n in names * 2]
    assert keys.tolist()[:-1] == want and keys.isna().tolist()[-1]
    assert customer_keys(pd.Series(["ABC集团有限责任公司", "股份有限公司Ab"] * 600, dtype="str"))[:2].tolist() == \
        ["abc有限公司", "有限公司ab"]


def test_text_fast_paths_equal_general_parsers():
    """Plain ISO dates and plain decimals converted at once equal the general parsers' values."""
    from cvwork.parsing import _amounts, _from_text

    dates = ["2024-01-05 10:11:12", "2024-02-30", "2024-01-05", "2024-01-05T08:00", "2024-3-5", "2024-01-05 10:11:12.250"]
    fast = parse_dates(pd.Series(dates * 300, dtype="str")).head(len(dates))
    slow = _from_text(pd.Series(dates, dtype="str"))
    pd.testing.assert_series_equal(fast, slow, check_names=False)
    assert fast.isna().tolist() == [False, True, False, False, False, False]
    money = ["1,234.50", "-0.00", "007", "12345678901234567.25", "1,2,3", "(300)", "¥1,200", "1.2万"]
    fast = parse_amounts(pd.Series(money * 200, dtype="str")).head(len(money))
    slow = _amounts(pd.Series(money, dtype=object))
    pd.testing.assert_series_equal(fast, slow, check_names=False)
    assert fast.tolist()[:3] == [1234.5, 0.0, 7.0] and fast.tolist()[-3:] == [-300.0, 1200.0, 12000.0]


def test_arrow_and_pandas_csv_readers_agree():
    """Title, blank, space-only and short lines put back in place, quoted delimiters and
    doubled quotes: pyarrow's reader gives pandas' cells, line for line."""
    from cvwork.io.textfile import _arrow_csv, _fast_csv

    text = ('销售报表 2024\n\n日期,客户,金额,备注\n2024-01-02,甲公司,"1,200.50",a\n   \n'
            '2024-01-03,"乙""公司",300,"x,y"\n短行\n2024-01-04,丙公司,,\n合计,,"1,500.50",\n')
    data = text.encode("utf-8")
    fast = _arrow_csv(data, ",", 4, text.count("\n"))
    assert fast is not None and fast.lines.tolist() == list(range(1, 10))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(data)
        plain = _fast_csv(path, "utf-8", ",", 4, text.count("\n"))
    pd.testing.assert_frame_equal(fast.cells, plain.cells)
    assert fast.cells.iat[5, 1] == '乙"公司' and fast.cells.iat[6, 0] == "短行" and fast.cells.iat[4, 0] == "   "
    assert _arrow_csv(b'a,b\n1,"2\n3,4\n', ",", 2, 3) is None          # a stray quote: the careful readers decide

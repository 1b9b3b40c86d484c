"""read_sales through DuckDB gives what the pandas path gives: the same kept
lines, the same excluded rows and reasons, the same totals (issue 19)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cvwork.io.duck as duck
from cvwork.errors import InputError
from cvwork.io import account_of, read_sales

FILES = Path(__file__).parent / "messy" / "files"
#: text files of the messy catalogue that read as sales data
TEXT = sorted(p.name for p in FILES.iterdir() if p.suffix in (".csv", ".txt", ".tsv")
              and not p.name.startswith(("o02", "o04", "o06", "m06", "m10", "c03", "c22")))
#: files DuckDB's strict parser cannot split line by line as pandas does: read by pandas, handed over
ROUTED = {"c01_stray_quotes.csv", "c02_bad_quoting.csv", "c07_whitespace_aligned.txt", "c16_multiline_quoted_cell.csv",
          "c20_fixed_width_spaces_in_names.txt", "c23_mac_cr_line_endings.csv", "c25_one_stray_quote_to_eof.csv"}
ACCOUNT = ("rows_read", "rows_kept", "header_row", "title_rows", "encoding", "delimiter", "replaced_bytes",
           "reconciles", "columns", "stated_total")


def _kept(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame[columns].copy()
    for c in columns:
        if c == "date":
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c in ("amount", "quantity"):
            out[c] = out[c].astype("float64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    key = [c for c in ("customer_raw", "date", "amount", "order_id", "product") if c in columns]
    return out.sort_values(key, kind="stable").reset_index(drop=True)


def assert_same(path: Path, **options) -> tuple:
    """Read ``path`` both ways and compare everything the account and the frame say."""
    frame = read_sales(path, engine="pandas", **options)
    rel = read_sales(path, engine="duckdb", **options)
    assert type(rel).__name__ == "DuckDBPyRelation"
    got = rel.df()
    columns = list(got.columns)
    assert set(columns) <= set(frame.columns)
    pd.testing.assert_frame_equal(_kept(got, columns), _kept(frame, columns), check_dtype=False, rtol=1e-9)
    a, b = account_of(frame), account_of(rel)
    for name in ACCOUNT:
        assert getattr(b, name) == getattr(a, name), name
    for name in ("detail_amount", "kept_amount", "excluded_amount", "totals_amount"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-12, abs=1e-6), name
    cols = ["row", "code", "reason", "amount", "value"]
    pd.testing.assert_frame_equal(b.excluded[cols].reset_index(drop=True), a.excluded[cols].reset_index(drop=True),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(b.merged_spellings.reset_index(drop=True) if b.merged_spellings is not None
                                  else pd.DataFrame(), a.merged_spellings.reset_index(drop=True), check_dtype=False)
    return frame, rel, a, b


@pytest.mark.parametrize("name", TEXT)
def test_catalogue_file_reads_the_same_both_ways(name):
    _, _, _, b = assert_same(FILES / name)
    routed = any("pandas 方式" in n for n in b.notes)
    assert routed == (name in ROUTED)


def test_the_catalogue_covers_totals_titles_encodings_and_delimiters():
    _, _, _, b = assert_same(FILES / "t13_unlabelled_subtotals.csv")
    assert set(b.excluded["code"]) >= {"subtotal"}
    _, _, _, b = assert_same(FILES / "h02_title_rows_gbk.csv")
    assert b.title_rows > 0 and b.encoding in ("gb18030", "gbk")
    _, _, _, b = assert_same(FILES / "c05_tab.tsv")
    assert b.delimiter == "\t"
    assert len(TEXT) >= 60


def test_column_overrides_and_header_row_pass_through():
    assert_same(FILES / "h02_title_rows_gbk.csv", header_row=4)
    assert_same(FILES / "m02_two_kehu_columns.csv", columns={"客户": "customer"})


def _messy_lines(n: int, seed: int = 19) -> tuple[str, float]:
    """A generated export: title rows, blank lines, subtotals with and without a
    label, odd amounts and dates, a grand total; returns (text, true detail total)."""
    rng = np.random.default_rng(seed)
    lines = ["XX公司销售明细 2024年度", "", "单据日期,客户名称,货品名称,价税合计,数量,单据编号"]
    names = ["ABC科技", "ＡＢＣ科技", "宁波华信精密机械有限责任公司", "宁波华信精密机械有限公司", "星河物流", " 星河物流 "]
    detail, block = 0.0, 0.0
    for i in range(n):
        amount = round(float(rng.gamma(2.0, 400.0)), 2)
        shown = [f"{amount:.2f}", f"{amount:,.2f}", f"¥{amount:,.2f}", f"{amount / 1e4:.6f}万"][i % 4]
        if i % 4 == 3:
            amount = round(amount / 1e4, 6) * 1e4
        day = [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"2024/{1 + i % 12}/{1 + i % 28}",
               f"2024年{1 + i % 12}月{1 + i % 28}日", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:15:00.000"][i % 4 if i % 7 else 0]
        lines.append(f'{day},{names[i % len(names)]},"产品{i % 5}","{shown}",{1 + i % 3}台,SO{i:07d}')
        detail += amount
        block += amount
        if i % 997 == 996:
            lines.append(f",{'小计' if i % 2 else ''},,{block:.2f},,")
            block = 0.0
        if i % 1499 == 10:
            lines += ["", f"2024-13-45,坏日期客户,,100,1,X{i}", f"10:15,只有时间,,50,1,Y{i}", f"2024-01-01,,,70,1,Z{i}",
                      f"2024-01-01,没金额,,abc,1,W{i}"]
            detail += 100 + 50 + 70
            block += 100 + 50                 # detail lines for the subtotal rule: they have a customer
    lines += ["2024-12-31,超大,,1e300,1,V0", f"合计,,,{detail:.2f},,"]     # out of range: no amount, no subtotal
    return "\n".join(lines) + "\n", detail


def test_a_generated_large_file_reads_the_same_both_ways(tmp_path):
    text, detail = _messy_lines(30_000)
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    frame, rel, a, b = assert_same(path)
    assert b.detail_amount == pytest.approx(detail, abs=0.05)       # an independent total
    assert b.reconciles and b.rows_read == text.count("\n") - 3
    assert set(b.excluded["code"]) >= {"blank", "subtotal", "total", "date", "time_only", "customer", "amount",
                                       "amount_range"}
    assert len(b.merged_spellings) == 2            # " 星河物流 " is the same spelling once stripped
    gbk = tmp_path / "big_gbk.csv"
    gbk.write_bytes(text.encode("gb18030"))
    assert_same(gbk)


def test_parquet_reads_the_same_both_ways(tmp_path):
    frame = pd.DataFrame({"日期": pd.to_datetime(["2024-01-02", "2024-01-03", None, "2024-02-01"]),
                          "客户": ["甲公司", "乙公司", "甲公司", "合计"], "金额（万元）": [1.5, 2.0, 3.0, 6.5],
                          "数量": [1, 2, 3, 6]})
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    _, rel, _, b = assert_same(path)
    assert b.kept_amount == pytest.approx(35000.0) and b.stated_total == pytest.approx(65000.0)
    assert list(b.excluded["code"]) == ["date", "total"]


def test_engine_choice_and_threshold(monkeypatch, tmp_path):
    path = FILES / "t01_heji.csv"
    assert isinstance(read_sales(path), pd.DataFrame)
    monkeypatch.setattr(duck, "DUCKDB_THRESHOLD", 10)
    assert type(read_sales(path)).__name__ == "DuckDBPyRelation"
    assert isinstance(read_sales(path, engine="pandas"), pd.DataFrame)
    assert isinstance(read_sales(FILES / "h01_title_rows.xlsx"), pd.DataFrame)     # workbooks stay on pandas
    rel = read_sales(FILES / "h01_title_rows.xlsx", engine="duckdb")
    assert account_of(rel).rows_kept == len(rel.df())
    with pytest.raises(InputError, match="engine"):
        read_sales(path, engine="spark")
    with pytest.raises(InputError, match="缺少必需列"):
        read_sales(FILES / "m06_missing_amount.csv", engine="duckdb")
    with pytest.raises(InputError, match="空"):
        read_sales(FILES / "c03_empty.csv", engine="duckdb")

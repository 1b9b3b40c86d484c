"""Time the reading layer on generated sales exports, beside the plain readers.

For each size (default 100,000 and 1,000,000 lines) it writes, into a temporary
folder, a sales export shaped like an ERP's (title row, Chinese headers, dates
with times, money with thousands separators, a 合计 line at the bottom):

- CSV in UTF-8 and in GBK;
- XLSX with Excel-style shared strings (written by openpyxl), skipped above
  ``--xlsx-max`` lines because writing it takes minutes.

and times, median of ``--repeat`` runs, on those and on the course's own
``data/sales_report.xlsx``:

- ``read_sales(path)`` end to end (format sniffing, header search, cleaning, account);
- ``open_source(path)``: the same file split into raw cells only (no cleaning), so
  that ``read_sales - open_source`` is the cost of the cleaning and the account;
- ``pandas.read_csv(path)`` / ``pandas.read_excel(path, engine="calamine")`` (no cleaning);
- XLSX only: the same two with every sheet read by python-calamine (the cell reader before
  fastexcel), ``fastexcel`` alone loading the sheet as text into Arrow (no cleaning) and
  ``pandas.read_excel(path, engine="openpyxl")`` (what the first reader used).

    .venv/bin/python benchmarks/bench_read.py [--lines 100000 1000000] [--repeat 5] [--xlsx-max 100000]

Not a test: nothing is asserted; the figures go into the issue note.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import fastexcel
import numpy as np
import pandas as pd

from cvwork.io import account_of, open_source, read_sales


def generate(lines: int, seed: int = 0) -> pd.DataFrame:
    """Sales lines with 1/10 as many customers, 8 products, two years of timestamps."""
    rng = np.random.default_rng(seed)
    customers = np.array([f"客户{i:06d}科技有限公司" for i in range(max(lines // 10, 1))])
    stamp = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, lines), unit="s")
    amount = np.round(rng.lognormal(8, 1.2, lines), 2)
    return pd.DataFrame({
        "单据日期": stamp.strftime("%Y-%m-%d %H:%M:%S"),
        "单据编号": [f"XS{i:09d}" for i in range(lines)],
        "客户名称": customers[rng.integers(0, len(customers), lines)],
        "货品名称": np.array([f"产品{k}" for k in range(8)])[rng.integers(0, 8, lines)],
        "数量": rng.integers(1, 20, lines),
        "价税合计": amount,
        "销售员": np.array(["张伟", "王芳", "李娜", "刘洋"])[rng.integers(0, 4, lines)],
    })


def write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> Path:
    text = frame.assign(价税合计=frame["价税合计"].map("{:,.2f}".format))
    with open(path, "w", encoding=encoding, newline="") as handle:
        handle.write("瀚海协同科技销售报表 2024-2025年度\n\n")
        text.to_csv(handle, index=False)
        handle.write(f"合计,,,,,\"{frame['价税合计'].sum():,.2f}\",\n")
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """openpyxl in write-only mode: strings go to the shared-strings table, as Excel writes them."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("销售明细")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    book.save(path)
    return path


def _calamine_cells(func, path: Path):
    """``func(path)`` with every sheet read by python-calamine (the reader before fastexcel)."""
    import cvwork.io.sources as sources

    fast, sources.fast_sheet = sources.fast_sheet, lambda *a: None
    try:
        return func(path)
    finally:
        sources.fast_sheet = fast


def xlsx_runs(path: Path) -> dict:
    return {"read_sales (cvwork: fastexcel)": lambda: read_sales(path),
            "open_source (cells only)": lambda: open_source(path),
            "read_sales, python-calamine cells": lambda: _calamine_cells(read_sales, path),
            "open_source, python-calamine": lambda: _calamine_cells(open_source, path),
            "fastexcel alone, text to Arrow": lambda: fastexcel.read_excel(str(path)).load_sheet(
                0, header_row=None, dtypes="string").to_arrow(),
            "pandas.read_excel calamine": lambda: pd.read_excel(path, engine="calamine"),
            "pandas.read_excel openpyxl": lambda: pd.read_excel(path, engine="openpyxl")}


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--xlsx-max", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{'file':<28}{'reader':<34}{'median s':>10}")
    sample = Path(__file__).resolve().parents[1] / "data" / "sales_report.xlsx"     # the course's own workbook
    for name, func in xlsx_runs(sample).items():
        print(f"{sample.name:<28}{name:<34}{median_time(func, args.repeat):>10.3f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for lines in args.lines:
            frame = generate(lines)
            for enc in ("utf-8", "gbk"):
                path = write_csv(frame, Path(tmp) / f"sales_{lines}_{enc}.csv", enc)
                sales = read_sales(path)
                acc = account_of(sales)
                assert acc.rows_kept == lines and acc.reconciles, acc    # the benchmark reads right first
                runs = {"read_sales (cvwork)": lambda: read_sales(path),
                        "open_source (cells only)": lambda: open_source(path),
                        "pandas.read_csv(path)": lambda: pd.read_csv(path, encoding=enc, skiprows=2)}
                for name, func in runs.items():
                    print(f"{path.name:<28}{name:<34}{median_time(func, args.repeat):>10.2f}", flush=True)
            if lines <= args.xlsx_max:
                path = write_xlsx(frame, Path(tmp) / f"sales_{lines}.xlsx")
                assert account_of(read_sales(path)).rows_kept == lines
                runs = xlsx_runs(path)
                for name, func in runs.items():
                    repeat = 1 if "openpyxl" in name and lines > 100_000 else args.repeat
                    print(f"{path.name:<28}{name:<34}{median_time(func, repeat):>10.2f}", flush=True)


if __name__ == "__main__":
    main()

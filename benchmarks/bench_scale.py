"""read_sales + rfm_table + abc_analysis at 1M, 10M and 50M generated sales
lines (CSV and Parquet), through the pandas path and through DuckDB (issue 19).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1M,10M,50M] [--formats csv,parquet]
        [--engines pandas,duckdb] [--repeat 3] [--pandas-max 10M] [--dir /tmp/cvwork-scale] [--keep]

Each run is a child process (a fresh interpreter) that prints its wall times and
its own peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``); the table gives the
median of ``--repeat`` runs (one run at 50M).  ``pandas.read_csv(path)`` alone is
timed beside it for CSV.  The pandas path is skipped above ``--pandas-max``
lines (the frame alone would not fit).  Files are generated with a fixed seed
(10 lines per customer, two years, 2% returns) into ``--dir`` and deleted after
each size unless ``--keep``.  Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

AS_OF = "2025-01-01"
CHUNK = 1_000_000
HEADER = ["单据日期", "客户名称", "货品名称", "价税合计", "数量", "单据编号"]


def _size(text: str) -> int:
    text = text.strip().upper()
    return int(float(text[:-1]) * 1_000_000) if text.endswith("M") else int(text)


def generate(lines: int, folder: Path, seed: int = 19) -> tuple[Path, Path]:
    """``sales_<n>.csv`` and ``sales_<n>.parquet`` with the same lines, written chunk by chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    csv_path, pq_path = folder / f"sales_{lines}.csv", folder / f"sales_{lines}.parquet"
    if csv_path.exists() and pq_path.exists():
        return csv_path, pq_path
    rng = np.random.default_rng(seed)
    customers = max(lines // 10, 1)
    products = pa.array([f"产品{k:02d}" for k in range(20)])
    start = np.datetime64("2023-01-01T00:00:00", "s")
    schema = pa.schema([(HEADER[0], pa.timestamp("s")), (HEADER[1], pa.string()), (HEADER[2], pa.string()),
                        (HEADER[3], pa.float64()), (HEADER[4], pa.int64()), (HEADER[5], pa.string())])
    options = pacsv.WriteOptions(quoting_style="needed")
    with pacsv.CSVWriter(csv_path, schema, write_options=options) as cw, pq.ParquetWriter(pq_path, schema) as pw:
        for first in range(0, lines, CHUNK):
            n = min(CHUNK, lines - first)
            who = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, customers, n)), pa.string()), width=7, padding="0")
            amount = np.round(rng.gamma(2.0, 600.0, n), 2) * np.where(rng.random(n) < 0.02, -1, 1)
            table = pa.Table.from_arrays([
                pa.array(start + rng.integers(0, 730 * 86400, n).astype("timedelta64[s]")),
                pc.binary_join_element_wise("客户", who, ""),
                products.take(pa.array(rng.integers(0, 20, n))),
                pa.array(amount), pa.array(rng.integers(1, 10, n)),
                pc.binary_join_element_wise("SO", pc.cast(pa.array(np.arange(first, first + n)), pa.string()), "")],
                schema=schema)
            cw.write_table(table)
            pw.write_table(table)
    return csv_path, pq_path


def _drain(result) -> int:
    """Compute a result fully (a relation is streamed, not kept) and return its row count."""
    if hasattr(result, "fetch_record_batch"):
        reader, rows = result.fetch_record_batch(), 0
        for batch in reader:
            rows += batch.num_rows
        return rows
    return len(result)


def child(engine: str, path: str) -> None:
    """One run, in this (fresh) process: prints a JSON line."""
    import resource

    import duckdb  # noqa: F401  (imports are not timed)
    import pandas as pd

    from cvwork.abc import abc_analysis
    from cvwork.io import account_of, read_sales
    from cvwork.rfm import rfm_table

    out: dict = {}
    t0 = time.perf_counter()
    if engine == "read_csv":
        out["rows"] = len(pd.read_csv(path))
        out["read"] = time.perf_counter() - t0
    else:
        sales = read_sales(path, engine=engine)
        out["rows"] = account_of(sales).rows_kept
        t1 = time.perf_counter()
        out["customers"] = _drain(rfm_table(sales, as_of=AS_OF))
        t2 = time.perf_counter()
        _drain(abc_analysis(sales))
        t3 = time.perf_counter()
        out.update(read=t1 - t0, rfm=t2 - t1, abc=t3 - t2)
    out["total"] = time.perf_counter() - t0
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load"] = os.getloadavg()[0]                 # other work on the machine during the run
    print(json.dumps(out))


def run(engine: str, path: Path, repeat: int) -> dict | None:
    results = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--child", engine, str(path)], capture_output=True, text=True)
        if proc.returncode:
            print(f"  {engine} {path.name}: failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            return None
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M,50M")
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--engines", default="pandas,duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-max", default="10M")
    parser.add_argument("--dir", default="/tmp/cvwork-scale")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"))
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print("| lines | file | engine | runs | read_sales s | rfm_table s | abc_analysis s | total s | peak RSS MB | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        lines = _size(size)
        free = shutil.disk_usage(folder).free / 1e9
        t = time.perf_counter()
        paths = dict(zip(("csv", "parquet"), generate(lines, folder)))
        print(f"<!-- {size}: generated in {time.perf_counter() - t:.0f} s, "
              f"{paths['csv'].stat().st_size / 1e6:,.0f} MB CSV, {paths['parquet'].stat().st_size / 1e6:,.0f} MB "
              f"Parquet; {free:,.0f} GB free before -->", flush=True)
        repeat = 1 if lines > 10_000_000 else args.repeat
        for fmt in args.formats.split(","):
            engines = (["read_csv"] if fmt == "csv" else []) + args.engines.split(",")
            for engine in engines:
                if engine in ("pandas", "read_csv") and lines > _size(args.pandas_max):
                    print(f"| {size} | {fmt} | {engine} | 0 | skipped: the whole frame in memory (> --pandas-max) "
                          "| | | | |", flush=True)
                    continue
                r = run(engine, paths[fmt], repeat)
                if r is None:
                    print(f"| {size} | {fmt} | {engine} | {repeat} | failed | | | | |", flush=True)
                    continue
                print(f"| {size} | {fmt} | {engine} | {repeat} | {r['read']:.2f} | {r.get('rfm', 0):.2f} | "
                      f"{r.get('abc', 0):.2f} | {r['total']:.2f} | {r['rss_mb']:,.0f} | {r['load']:.1f} |", flush=True)
        if not args.keep:
            for p in paths.values():
                p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

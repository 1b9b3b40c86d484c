"""Time rfm_table end to end on 1,000,000 lines / 100,000 customers / two years
(times of day, 2% cancellation invoices), beside a plain pandas groupby of the
same three figures on purchase days, in the same run; then value_quadrants and
abc_analysis + pareto_curve (what the Pareto chart draws) on the same lines.

    .venv/bin/python benchmarks/bench_rfm.py [--lines N] [--customers N] [--repeat K]
    .venv/bin/python benchmarks/bench_rfm.py --engine duckdb [--lines N]   # polars, polars-lazy, duckdb, spark

With ``--engine`` other than pandas the lines are written once to a temporary
Parquet file that the engine scans natively, and rfm_table / abc_analysis +
pareto_curve are timed end to end (the lazy result collected to pandas).
Prints the median of K runs of each and their ratio.  Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from cvwork.abc import abc_analysis, pareto_curve, value_quadrants
from cvwork.rfm import rfm_table


def generate(lines: int, customers: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0, 1.5, customers)
    extra = rng.choice(customers, lines - customers, p=weight / weight.sum())
    cust = rng.permutation(np.r_[np.arange(customers), extra])  # every customer buys at least once
    minutes = rng.integers(0, 730 * 24 * 60, lines)
    cancel = rng.random(lines) < 0.02
    amount = rng.lognormal(8, 1, lines).round(2)
    return pd.DataFrame({
        "customer": pd.Index([f"C{i:06d}" for i in range(customers)])[cust],
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(minutes, unit="min"),
        "amount": np.where(cancel, -amount, amount),
        "order_id": [("C" if c else "") + f"{i:07d}" for c, i in zip(cancel, rng.integers(0, lines // 2, lines))],
    })


def plain_groupby(t: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    sales = t[t["amount"] > 0].assign(day=t["date"].dt.normalize())
    g = sales.groupby("customer")
    return pd.DataFrame({"recency_days": (as_of - g["day"].max()).dt.days,
                         "frequency": g["day"].nunique(), "monetary": t.groupby("customer")["amount"].sum()})


def median_seconds(func, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def engine_run(t: pd.DataFrame, engine: str, repeat: int) -> None:
    """rfm_table and abc_analysis + pareto_curve on ``engine``, reading a Parquet copy of ``t``."""
    import tempfile
    from pathlib import Path

    from cvwork.frames import local_spark, to_pandas

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.parquet"
        t.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
        spark = local_spark() if engine == "spark" else None
        if engine in ("polars", "polars-lazy"):
            import polars as pl

            read = (lambda: pl.scan_parquet(path)) if engine == "polars-lazy" else (lambda: pl.read_parquet(path))
        elif engine == "duckdb":
            import duckdb

            read = lambda: duckdb.connect().read_parquet(str(path))  # noqa: E731
        else:
            read = lambda: spark.read.parquet(str(path))  # noqa: E731
        full = median_seconds(lambda: to_pandas(rfm_table(read(), as_of="2026-01-01")), repeat)
        curve = median_seconds(lambda: to_pandas(pareto_curve(abc_analysis(read()))), repeat)
        print(f"{args_line(t)}, engine {engine} (Parquet scan, result collected), median of {repeat}")
        print(f"rfm_table: {full:.3f} s; abc_analysis + pareto_curve: {curve:.3f} s")
        if spark is not None:
            spark.stop()


def args_line(t: pd.DataFrame) -> str:
    return f"{len(t):,} lines, {t['customer'].nunique():,} customers"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--engine", default="pandas",
                        choices=["pandas", "polars", "polars-lazy", "duckdb", "spark"])
    args = parser.parse_args()
    t = generate(args.lines, args.customers)
    if args.engine != "pandas":
        engine_run(t, args.engine, args.repeat)
        return
    as_of = pd.Timestamp("2026-01-01")
    full = median_seconds(lambda: rfm_table(t, as_of=as_of), args.repeat)
    plain = median_seconds(lambda: plain_groupby(t, as_of), args.repeat)
    tracemalloc.start()
    rfm_table(t, as_of=as_of)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{args.lines:,} lines, {t['customer'].nunique():,} customers, median of {args.repeat}")
    print(f"rfm_table (scores + segments): {full:.3f} s, peak extra memory {peak:.0f} MiB")
    print(f"plain pandas groupby (R, F, M only): {plain:.3f} s")
    print(f"ratio rfm_table / groupby: {full / plain:.2f}")
    quads = median_seconds(lambda: value_quadrants(t, as_of=as_of), args.repeat)
    table = abc_analysis(t)
    curve = median_seconds(lambda: pareto_curve(abc_analysis(t)), args.repeat)
    print(f"value_quadrants: {quads:.3f} s; abc_analysis + pareto_curve: {curve:.3f} s "
          f"({len(pareto_curve(table)):,} points drawn for {len(table):,} customers)")


if __name__ == "__main__":
    main()

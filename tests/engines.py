"""Test support for the engine tests: one pandas frame in every engine.

``as_engine(frame, engine, spark)`` gives the same data as a pandas, Polars
(eager or lazy), DuckDB or Spark frame; ``ENGINES`` lists them.  The ``spark``
fixture (``conftest.py``) starts one local Spark session per test process and
skips, saying why, where Java is missing.

``big_sales(lines)`` generates a seeded sales table (times of day, returns,
cancellation invoices, several products); ``write_parquet`` stores it so that
``read_engine(path, engine, spark)`` lets each engine scan the file natively
(``pl.scan_parquet``, DuckDB ``read_parquet``, ``spark.read.parquet``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ENGINES = ["pandas", "polars", "polars-lazy", "duckdb", "spark"]


def as_engine(frame: pd.DataFrame, engine: str, spark=None):
    """``frame`` converted to ``engine`` (the data unchanged; dates stay naive UTC)."""
    if engine == "pandas":
        return frame.copy()
    if engine in ("polars", "polars-lazy"):
        import polars as pl

        out = pl.from_pandas(frame)
        return out.lazy() if engine == "polars-lazy" else out
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        return con.from_df(frame)
    if engine == "spark":
        assert spark is not None, "the spark fixture is needed for the Spark engine"
        plain = frame.copy()
        plain.attrs = {}  # a read account in attrs is not for Spark (it would warn)
        return spark.createDataFrame(plain)
    raise ValueError(engine)


def big_sales(lines: int = 1_000_000, customers: int = 100_000, seed: int = 20261125) -> pd.DataFrame:
    """Seeded sales lines over two years: ``customer``, ``date`` (with times of day),
    ``amount`` (cents; 2% cancellation invoices ``C...`` with negative amounts, a
    few plain returns), ``order_id`` and ``product`` (5 products).  Every customer
    has at least one line; spend per customer is skewed (log-normal)."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0, 1.5, customers)
    extra = rng.choice(customers, lines - customers, p=weight / weight.sum())
    cust = rng.permutation(np.r_[np.arange(customers), extra])
    minutes = rng.integers(0, 730 * 24 * 60, lines)
    cancel = rng.random(lines) < 0.02
    returned = ~cancel & (rng.random(lines) < 0.005)
    amount = (rng.lognormal(7, 1.2, lines) * 100).round() / 100
    order = rng.integers(0, lines // 2, lines).astype(str)
    names = np.char.add("K", np.char.zfill(np.arange(customers).astype(str), 6))
    return pd.DataFrame({
        "customer": pd.array(names[cust], dtype="str"),
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(minutes, unit="min"),
        "amount": np.where(cancel | returned, -amount, amount),
        "order_id": pd.array(np.where(cancel, np.char.add("C", order), order), dtype="str"),
        "product": pd.array(np.array(["P1", "P2", "P3", "P4", "P5"])[rng.integers(0, 5, lines)], dtype="str"),
    })


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as Parquet that every engine reads (microsecond timestamps, no index)."""
    frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
    return path


def read_engine(path: Path, engine: str, spark=None):
    """The Parquet file at ``path`` as a frame of ``engine``, read (or scanned) natively."""
    if engine == "pandas":
        return pd.read_parquet(path)
    if engine == "polars":
        import polars as pl

        return pl.read_parquet(path)
    if engine == "polars-lazy":
        import polars as pl

        return pl.scan_parquet(path)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        return con.read_parquet(str(path))
    if engine == "spark":
        assert spark is not None, "the spark fixture is needed for the Spark engine"
        return spark.read.parquet(str(path))
    raise ValueError(engine)

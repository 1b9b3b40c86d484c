"""Test support for the engine tests: one pandas frame in every engine.

``as_engine(frame, engine, spark)`` gives the same data as a pandas, Polars
(eager or lazy), DuckDB or Spark frame; ``ENGINES`` lists them.  The ``spark``
fixture (``conftest.py``) starts one local Spark session per test process and
skips, saying why, where Java is missing.
"""
from __future__ import annotations

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
        return spark.createDataFrame(frame)
    raise ValueError(engine)

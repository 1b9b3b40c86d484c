"""One compute path for every engine: the frame a user has, through narwhals.

The course's compute functions take a pandas DataFrame (the course), a Polars
DataFrame or LazyFrame, a DuckDB relation (files beyond memory) or a PySpark
DataFrame (the warehouse) and return the kind of frame they were given: eager
stays eager, lazy stays lazy.  They do it through `narwhals
<https://narwhals-dev.github.io/narwhals/>`_ (no dependencies of its own; the
layer Altair, Plotly and scikit-lego use), not through a layer written here.

Helpers:

- :func:`engine_of` names the engine of a frame (or refuses an unknown object);
- :func:`nw_frame` wraps it for narwhals; ``result.to_native()`` unwraps;
- :func:`to_pandas` brings a *small* result (a summary, a chart's points) home;
- :func:`scalars` collects one row of aggregates (a total, the last date) as Python values;
- :func:`require` checks required columns on any engine (without computing the frame);
- :func:`day_number` turns a date/datetime expression into whole days since 1970-01-01
  (integer day arithmetic that every engine does the same way);
- :func:`date_expr` reads a date column as datetimes; :func:`line_facts` checks rows and
  customers in one small query; :func:`finish` unwraps a result (eager ones sorted);
- :func:`round_even` rounds halves to even on every engine (as pandas does);
- :func:`like` hands a small pandas result back as the kind of frame the user gave;
- :func:`local_spark` starts a quiet local Spark session (lessons, tests).

>>> import pandas as pd
>>> engine_of(pd.DataFrame({"a": [1]}))
'pandas'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError

#: The sentence every engine-aware docstring points to.
ENGINES = "pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame"

_KINDS = (  # (module prefix of the native type, class name, engine)
    ("pandas", "DataFrame", "pandas"),
    ("polars", "DataFrame", "polars"),
    ("polars", "LazyFrame", "polars-lazy"),
    ("duckdb", "DuckDBPyRelation", "duckdb"),
    ("_duckdb", "DuckDBPyRelation", "duckdb"),
    ("pyspark", "DataFrame", "spark"),
)


def engine_of(frame: Any) -> str:
    """``'pandas'``, ``'polars'``, ``'polars-lazy'``, ``'duckdb'`` or ``'spark'``.

    Raises :class:`~cvwork.errors.InputError` for anything else (a list, a
    Series, a file name), naming what was given.
    """
    cls = type(frame)
    module = cls.__module__.split(".")[0]
    for prefix, name, engine in _KINDS:
        if module == prefix and cls.__name__ == name:
            return engine
    raise InputError(f"不支持的数据类型 {cls.__module__}.{cls.__name__} (unsupported table type); 请传入 pandas、Polars、"
                     f"DuckDB 或 Spark 的数据表 (pass a pandas, Polars, DuckDB or Spark frame)")


def is_lazy(frame: Any) -> bool:
    """True for engines that compute on demand (Polars LazyFrame, DuckDB, Spark)."""
    return engine_of(frame) in ("polars-lazy", "duckdb", "spark")


def nw_frame(frame: Any):
    """The narwhals wrapper of ``frame`` (a narwhals ``DataFrame`` or ``LazyFrame``).

    >>> import pandas as pd
    >>> type(nw_frame(pd.DataFrame({"a": [1]}))).__name__
    'DataFrame'
    """
    import narwhals as nw

    engine_of(frame)
    return nw.from_native(frame)


def columns_of(frame: Any) -> list[str]:
    """Column names of any supported frame, without computing it."""
    return list(nw_frame(frame).collect_schema().names())


def require(frame: Any, columns, what: str = "表") -> None:
    """:func:`cvwork.errors.require_columns` on any engine (reads the schema only)."""
    from types import SimpleNamespace

    from cvwork.errors import require_columns

    require_columns(SimpleNamespace(columns=columns_of(frame)), columns, what)


def scalars(data: Any, *exprs) -> dict:
    """One row of aggregate expressions, computed where the data lives, as Python values.

    ``data`` is a native frame or a narwhals frame; timestamps come back as
    naive ``pandas.Timestamp`` (Spark's UTC zone dropped), missing values as None.

    >>> import narwhals as nw, pandas as pd
    >>> scalars(pd.DataFrame({"a": [1, 2]}), nw.col("a").sum().alias("total"), nw.len())
    {'total': 3, 'len': 2}
    """
    import narwhals as nw
    import pandas as pd

    frame = data if isinstance(data, (nw.DataFrame, nw.LazyFrame)) else nw_frame(data)
    row = frame.select(*exprs)
    if isinstance(row, nw.LazyFrame):
        row = row.collect()
    out = {}
    for name, value in row.rows(named=True)[0].items():
        if value is not None and hasattr(value, "year") and hasattr(value, "hour"):
            value = pd.Timestamp(value)
            value = value.tz_convert("UTC").tz_localize(None) if value.tz is not None else value
        elif value is not None and hasattr(value, "as_integer_ratio") and not isinstance(value, (int, float)):
            value = float(value)  # DuckDB's DECIMAL sums
        elif value is not None and hasattr(value, "item"):
            value = value.item()
        out[name] = None if value is not None and value != value else value
    return out


def day_number(expr, cast: bool = True):
    """Whole days since 1970-01-01 of a date or datetime narwhals expression (time of day dropped).

    Built from year and day of year, so pandas, Polars, DuckDB and Spark count alike.  With
    ``cast=False`` year and day are not cast to Int64, so a missing day stays missing on
    pandas too (the cast refuses NaT there).

    >>> import narwhals as nw, pandas as pd
    >>> d = pd.DataFrame({"d": pd.to_datetime(["1970-01-02 00:00", "2024-03-01 18:00"])})
    >>> nw.from_native(d).select(day_number(nw.col("d"))).to_native()["d"].tolist()
    [1, 19783]
    """
    import narwhals as nw

    y, day = expr.dt.year(), expr.dt.ordinal_day()
    if cast:
        y, day = y.cast(nw.Int64), day.cast(nw.Int64)
    leaps = (y - 1969) // 4 - (y - 1901) // 100 + (y - 1601) // 400  # leap days in 1970 .. y-1
    return (y - 1970) * 365 + leaps + day - 1


def date_expr(frame, date: str, widen: bool = True):
    """Column ``date`` of the narwhals ``frame`` as a datetime expression: text parsed by the
    engine; a plain date widened to a datetime (left a date with ``widen=False``).

    >>> import narwhals as nw, pandas as pd
    >>> f = nw.from_native(pd.DataFrame({"d": ["2025-03-01 18:00"]}))
    >>> f.select(date_expr(f, "d").dt.truncate("1d")).to_native()["d"].tolist()
    [Timestamp('2025-03-01 00:00:00')]
    """
    import narwhals as nw

    dtype = frame.collect_schema()[date]
    col = nw.col(date)
    if dtype == nw.String:
        return col.str.to_datetime()
    return col.cast(nw.Datetime()) if widen and dtype == nw.Date else col


def round_even(expr, decimals: int = 0):
    """``expr`` rounded to ``decimals`` the way pandas/NumPy do (``rint(x * 10**d) / 10**d``:
    halves to even), on every engine; SQL's ``round`` sends halves away from zero.

    >>> import narwhals as nw, pandas as pd
    >>> d = pd.DataFrame({"x": [389.25, 0.125, -2.5, 2.5, 1.26]})
    >>> nw.from_native(d).select(round_even(nw.col("x"), 1)).to_native()["x"].tolist()
    [389.2, 0.1, -2.5, 2.5, 1.3]
    """
    import narwhals as nw

    scale = 10.0 ** decimals
    y = expr * scale
    low = y.floor()
    rest = y - low
    even = nw.when(rest > 0.5).then(low + 1).when(rest < 0.5).then(low).otherwise(low + (low % 2).abs())
    return even / scale


def day_of(stamp) -> int:
    """Days since 1970-01-01 of a timestamp (the Python side of :func:`day_number`)."""
    import pandas as pd

    return int((pd.Timestamp(stamp).normalize() - pd.Timestamp("1970-01-01")).days)


def line_facts(lines: Any, customer: str, *exprs, empty_ok: bool = False) -> dict:
    """:func:`scalars` of ``rows``, ``no_customer`` (lines without a customer) and the named
    ``exprs``, in one small query.  Refuses lines without a customer and, unless ``empty_ok``,
    an empty table (:class:`~cvwork.errors.InputError`).

    >>> import narwhals as nw, pandas as pd
    >>> line_facts(pd.DataFrame({"customer": ["a", "b"], "x": [1, 5]}), "customer", nw.col("x").max())
    {'rows': 2, 'no_customer': 0, 'x': 5}
    """
    import narwhals as nw

    from cvwork.errors import require_rows

    facts = scalars(lines, nw.len().alias("rows"), nw.col(customer).null_count().alias("no_customer"), *exprs)
    if not empty_ok:
        require_rows(range(int(facts["rows"])))
    if facts["no_customer"]:
        n = int(facts["no_customer"])  # DuckDB counts as a DECIMAL sum
        raise InputError(f"'{customer}' 列有 {n} 行为空 ({n} rows have no customer); "
                         f"请补上或删除这些行 (fill or drop them)")
    return facts


def finish(out, sort: "list[str] | None" = None, descending: "bool | list[bool]" = False, ns: bool = True):
    """The native frame of the narwhals result ``out``: eager results sorted by ``sort`` (lazy
    ones unsorted: their order is the engine's business until collected); pandas gets a
    fresh index and its datetime columns in ns (unless ``ns=False``).

    >>> import narwhals as nw, pandas as pd
    >>> finish(nw.from_native(pd.DataFrame({"a": [2, 1]}, index=[5, 6])), ["a"])["a"].to_dict()
    {0: 1, 1: 2}
    """
    import narwhals as nw

    if isinstance(out, nw.DataFrame) and sort:
        out = out.sort(sort, descending=descending)
    native = out.to_native()
    if engine_of(native) == "pandas":
        native = native.reset_index(drop=True)
        for col in native.columns if ns else ():
            if str(native[col].dtype).startswith("datetime64"):
                native[col] = native[col].astype("datetime64[ns]")
    return native


def like(result: "pd.DataFrame", frame: Any):
    """A small pandas ``result`` as the kind of frame ``frame`` is (pandas, Polars eager/lazy,
    DuckDB relation, Spark DataFrame).  For results of a few rows (a per-stage table)."""
    engine = engine_of(frame)
    if engine == "pandas":
        return result
    if engine in ("polars", "polars-lazy"):
        import polars as pl

        out = pl.from_pandas(result)
        return out.lazy() if engine == "polars-lazy" else out
    if engine == "duckdb":
        import duckdb

        return duckdb.from_arrow(__import__("pyarrow").Table.from_pandas(result, preserve_index=False))
    return frame.sparkSession.createDataFrame(result)


def to_pandas(frame: Any) -> "pd.DataFrame":
    """A small result as a pandas DataFrame (collects a lazy frame first).

    Meant for summaries and chart points, not for the lines of a big file.
    """
    import narwhals as nw

    if engine_of(frame) == "pandas":
        return frame
    data = nw.from_native(frame)
    if isinstance(data, nw.LazyFrame):
        data = data.collect()
    out = data.to_pandas()
    for col in out.columns:  # Spark hands back timestamps in UTC; the course's dates are naive
        if getattr(out[col].dtype, "tz", None) is not None:
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def local_spark(cores: int = 2, memory: str = "2g"):
    """A local Spark session (``local[cores]``) set up for the course.

    UTC session time zone (dates stay the dates in the file), no web UI,
    few shuffle partitions (small data on one machine), Arrow transfers on,
    and only errors in the log.  Needs Java 17 or newer on the machine.
    """
    import os
    import shutil
    import warnings

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise InputError("找不到 Java (Java not found); Spark 需要 Java 17+，请安装（Debian: apt install "
                         "openjdk-17-jre-headless）(install Java 17 or newer)")
    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(f"local[{cores}]").appName("cvwork")
             .config("spark.driver.memory", memory)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", str(2 * cores))
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


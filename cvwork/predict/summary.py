"""From a transaction log to the per-customer summary the models need, and
back to calendar time for tracking charts.

Rules (stated once, used everywhere in this package):

* time is counted in purchase **days**: the time of day is dropped, and all
  lines of one customer on one day are one purchase with their amounts summed;
* a day whose lines net to a negative amount, or to zero with a negative
  line among them (a return, a cancellation), is not a purchase and not
  activity; a day of zero-amount lines only (free goods) is a purchase;
* ``calibration_end`` and ``holdout_end`` are whole days: a purchase at 23:59
  on the calibration end day is in the calibration period, one at 00:01 the
  next day in the holdout.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def purchase_days(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                  amount: str = "amount") -> "pd.DataFrame":
    """One row per customer and purchase day (``customer``, ``date``, ``amount``), see the module rules.

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given (eager results sorted by customer and day).

    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer": ["a", "a", "a"], "amount": [5.0, 7.0, -3.0],
    ...                     "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-05 10:00"])})
    >>> purchase_days(log).to_dict("records")
    [{'customer': 'a', 'date': Timestamp('2024-01-01 00:00:00'), 'amount': 12.0}]
    """
    from cvwork.frames import finish
    from cvwork.lifecycle import _lines

    lines = _lines(transactions, (customer, date, amount))
    return finish(_days(lines, customer, date, amount), [customer, date], ns=False)


def _days(lines, customer: str, date: str, amount: str):
    """narwhals frame of purchase days: ``customer``, ``date`` (the day), ``amount`` (the day's net)."""
    import narwhals as nw

    days = (lines.select(nw.col(customer), nw.col(date).dt.truncate("1d"), nw.col(amount).cast(nw.Float64))
            .group_by(customer, date).agg(nw.col(amount).sum(), nw.col(amount).min().alias("_lowest")))
    net = nw.col(amount)
    return days.filter((net > 0) | ((net == 0) & (nw.col("_lowest") == 0))).drop("_lowest")


def rfm_summary(transactions: "pd.DataFrame", calibration_end: str, holdout_end: str | None = None,
                customer: str = "customer", date: str = "date", amount: str = "amount",
                unit_days: float = 7.0) -> "pd.DataFrame":
    """Transaction log -> frequency / recency / T / monetary (calibration) and
    holdout purchases, one row per customer whose first purchase day is on or
    before ``calibration_end`` (see the module rules).  ``monetary`` is the
    mean of the repeat purchase days; ``first_purchase`` the first day.

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given (eager results sorted by customer).  An eager
    table without a purchase by ``calibration_end`` is refused; a lazy one gives no rows.

    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer": ["a", "a", "a"], "amount": [5.0, 7.0, 9.0],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-12"])})
    >>> rfm_summary(log, "2024-01-29", "2024-02-26")[["frequency", "recency", "T", "frequency_holdout"]].values.tolist()
    [[1.0, 2.0, 4.0, 1.0]]
    """
    import narwhals as nw

    from cvwork.frames import day_number, day_of, finish
    from cvwork.lifecycle import _lines

    end = day_of(calibration_end)
    stop = day_of(holdout_end) if holdout_end is not None else None
    if stop is not None and stop <= end:
        raise InputError(f"验证期结束日 {_day_text(stop)} 必须晚于校准期结束日 {_day_text(end)} "
                         f"(holdout_end must be after calibration_end); 请改日期 (fix the dates)")
    lines = _lines(transactions, (customer, date, amount))
    days = _days(lines, customer, date, amount).with_columns(_d=day_number(nw.col(date)))
    days = days.with_columns(_first=nw.col("_d").min().over(customer)).filter(nw.col("_first") <= end)
    if isinstance(days, nw.DataFrame) and len(days) == 0:
        raise InputError(f"校准期结束日 {_day_text(end)} 之前没有任何购买 (no purchase on or before the calibration end "
                         f"{_day_text(end)}); 请改晚校准期结束日 (move the calibration end later)")
    day, cal = nw.col("_d"), nw.col("_d") <= end       # one pass over the days: calibration and holdout together
    held = (day > end) & (day <= stop) if stop is not None else nw.lit(False)
    out = (days.with_columns(_cal=cal.cast(nw.Int64), _last=nw.when(cal).then(day), _held=held.cast(nw.Int64),
                             _repeat=nw.when(cal & (day > nw.col("_first"))).then(nw.col(amount)))
           .group_by(customer).agg(nw.col("_cal").sum(), nw.col("_last").max(), nw.col("_first").min(),
                                   nw.col("_repeat").mean().alias("monetary"), nw.col("_held").sum(),
                                   nw.col(date).min().alias("first_purchase"))
           .with_columns(frequency=(nw.col("_cal") - 1).cast(nw.Int64),
                         recency=(nw.col("_last") - nw.col("_first")) / unit_days,
                         T=(end - nw.col("_first")) / unit_days, monetary=nw.col("monetary").fill_null(0.0),
                         frequency_holdout=nw.col("_held").cast(nw.Int64),
                         duration_holdout=nw.lit((stop - end) / unit_days if stop is not None else 0.0)))
    cols = [customer, "frequency", "recency", "T", "monetary", "first_purchase"]
    cols += ["frequency_holdout", "duration_holdout"] if stop is not None else []
    return finish(out.select(cols), [customer], ns=False)


def _day_text(day: int) -> str:
    """A day number (days since 1970-01-01) as ``YYYY-MM-DD``."""
    import pandas as pd

    return f"{pd.Timestamp('1970-01-01') + pd.Timedelta(days=day):%Y-%m-%d}"


def tracking(transactions: "pd.DataFrame", summary: "pd.DataFrame", model, end: str,
             customer: str = "customer", date: str = "date", amount: str = "amount",
             unit_days: float = 7.0) -> "pd.DataFrame":
    """Repeat purchases per week over calendar time, actual and expected.

    Actual: purchase days after each summary customer's first.  Expected:
    sum over customers of the model's E[X(t)] for a new customer, t counted
    from the customer's first purchase (what the model says the cohort would
    do with no knowledge of its history).  Columns ``period_start``,
    ``actual``, ``predicted``, ``cumulative_actual``, ``cumulative_predicted``.

    Engines: pandas only.
    """
    import numpy as np
    import pandas as pd

    days = purchase_days(transactions, customer, date, amount)
    firsts = summary.set_index(customer)["first_purchase"]
    days = days[days[customer].isin(firsts.index)]
    days = days[days[date] > days[customer].map(firsts)]
    start, stop = firsts.min(), pd.Timestamp(end).normalize()
    edges = pd.date_range(start, stop + pd.Timedelta(days=1), freq=f"{int(unit_days)}D")  # whole periods only
    actual = np.histogram(days[date].to_numpy(dtype="datetime64[ns]").astype("int64"),
                          bins=edges.to_numpy(dtype="datetime64[ns]").astype("int64"))[0]
    cohort = firsts.value_counts()
    offsets = np.array([(e - cohort.index).days.to_numpy() for e in edges[1:]]) / unit_days
    zero = np.zeros(1)
    unconditional = {t: float(model.expected_purchases(t, zero, zero, zero)[0]) for t in np.unique(offsets[offsets > 0])}
    cum = np.array([[unconditional.get(t, 0.0) for t in row] for row in offsets]) @ cohort.to_numpy()
    predicted = np.diff(cum, prepend=0.0)
    return pd.DataFrame({"period_start": edges[:-1], "actual": actual, "predicted": predicted,
                         "cumulative_actual": np.cumsum(actual), "cumulative_predicted": cum})

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

from cvwork.errors import InputError, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def purchase_days(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                  amount: str = "amount") -> "pd.DataFrame":
    """One row per customer and purchase day (``customer``, ``date``, ``amount``), see the module rules.

    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer": ["a", "a", "a"], "amount": [5.0, 7.0, -3.0],
    ...                     "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-05 10:00"])})
    >>> purchase_days(log).to_dict("records")
    [{'customer': 'a', 'date': Timestamp('2024-01-01 00:00:00'), 'amount': 12.0}]
    """
    import pandas as pd

    require_columns(transactions, (customer, date, amount))
    day = pd.to_datetime(transactions[date]).dt.normalize()
    frame = pd.DataFrame({customer: transactions[customer].to_numpy(), date: day.to_numpy(),
                          amount: pd.to_numeric(transactions[amount]).to_numpy()})
    grouped = frame.groupby([customer, date], observed=True)[amount]
    days = grouped.sum().reset_index()
    lowest = grouped.min().to_numpy()
    keep = (days[amount] > 0) | ((days[amount] == 0) & (lowest == 0))
    return days[keep.to_numpy()].reset_index(drop=True)


def rfm_summary(transactions: "pd.DataFrame", calibration_end: str, holdout_end: str | None = None,
                customer: str = "customer", date: str = "date", amount: str = "amount",
                unit_days: float = 7.0) -> "pd.DataFrame":
    """Transaction log -> frequency / recency / T / monetary (calibration) and
    holdout purchases, one row per customer whose first purchase day is on or
    before ``calibration_end`` (see the module rules).  ``monetary`` is the
    mean of the repeat purchase days; ``first_purchase`` the first day.
    """
    import pandas as pd

    end = pd.Timestamp(calibration_end).normalize()
    days = purchase_days(transactions, customer, date, amount)
    first = days.groupby(customer)[date].transform("min")
    days = days[first <= end].assign(first=first[first <= end])
    if days.empty:
        raise InputError(f"校准期结束日 {end.date()} 之前没有任何购买 (no purchase on or before the calibration end "
                         f"{end.date()}); 请改晚校准期结束日 (move the calibration end later)")
    cal = days[days[date] <= end]
    g = cal.groupby(customer)
    out = pd.DataFrame({"frequency": g.size() - 1,
                        "recency": (g[date].max() - g["first"].min()).dt.days / unit_days,
                        "T": (end - g["first"].min()).dt.days / unit_days})
    repeat = cal[cal[date] > cal["first"]]
    out["monetary"] = repeat.groupby(customer)[amount].mean().reindex(out.index).fillna(0.0)
    out["first_purchase"] = g["first"].min()
    if holdout_end is not None:
        stop = pd.Timestamp(holdout_end).normalize()
        if stop <= end:
            raise InputError(f"验证期结束日 {stop.date()} 必须晚于校准期结束日 {end.date()} "
                             f"(holdout_end must be after calibration_end); 请改日期 (fix the dates)")
        later = days[(days[date] > end) & (days[date] <= stop)]
        out["frequency_holdout"] = later.groupby(customer).size().reindex(out.index, fill_value=0)
        out["duration_holdout"] = (stop - end).days / unit_days
    return out.rename_axis(customer).reset_index()


def tracking(transactions: "pd.DataFrame", summary: "pd.DataFrame", model, end: str,
             customer: str = "customer", date: str = "date", amount: str = "amount",
             unit_days: float = 7.0) -> "pd.DataFrame":
    """Repeat purchases per week over calendar time, actual and expected.

    Actual: purchase days after each summary customer's first.  Expected:
    sum over customers of the model's E[X(t)] for a new customer, t counted
    from the customer's first purchase (what the model says the cohort would
    do with no knowledge of its history).  Columns ``period_start``,
    ``actual``, ``predicted``, ``cumulative_actual``, ``cumulative_predicted``.
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

"""Headline figures of the management report: this period against the previous period of the same length.

The periods end at the analysis date (exclusive) and are ``days`` long; the customer counts come from
:func:`cvwork.abc.value_quadrants` (the lesson 05 windows), so a lesson and the report count alike.

>>> import pandas as pd
>>> s = pd.DataFrame({"customer": ["a", "b", "b"], "amount": [10.0, 5.0, 7.0], "order_id": ["1", "2", "3"],
...                   "date": pd.to_datetime(["2024-06-01", "2024-06-01", "2025-06-01"])})
>>> k = headline(s, pd.Timestamp("2026-01-01"))
>>> k.set_index("metric").loc["购买客户", ["current", "previous"]].tolist()
[1.0, 2.0]
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cvwork.errors import InputError

#: headline rows in order: (metric, unit word)
METRICS = [("销售额（净额）", "元"), ("购买客户", "个"), ("新客户", "个"), ("流失客户", "个"), ("平均订单金额", "元")]


@dataclass(frozen=True)
class Periods:
    """This period [start, end) and the previous one [previous, start)."""
    previous: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp

    def label(self, which: str = "current") -> str:
        lo, hi = (self.start, self.end) if which == "current" else (self.previous, self.start)
        return f"{lo:%Y-%m-%d} 至 {hi - pd.Timedelta(days=1):%Y-%m-%d}"


def periods(end: pd.Timestamp, days: int = 365) -> Periods:
    """The two windows of ``days`` before ``end``."""
    span = pd.Timedelta(days=days)
    return Periods(previous=end - 2 * span, start=end - span, end=end)


def _groups(sales: pd.DataFrame, end: pd.Timestamp, days: int) -> pd.Series | None:
    """value_quadrants' group per customer at ``end`` (None when nobody bought in the two windows)."""
    from cvwork.abc import value_quadrants

    try:
        return value_quadrants(sales[sales["date"] < end], as_of=end, window_days=days)
    except InputError:
        return None


def average_order(sales: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Positive revenue / orders in [start, end) (lesson 12's definition; orders by order_id, else by day)."""
    lines = sales[(sales["date"] >= start) & (sales["date"] < end) & (sales["amount"] > 0)]
    key = "order_id" if "order_id" in lines else "date"
    orders = lines.groupby(["customer", key]).ngroups
    return float(lines["amount"].sum() / orders) if orders else float("nan")


def headline(sales: pd.DataFrame, end: pd.Timestamp, days: int = 365, average=None) -> pd.DataFrame:
    """metric, unit, current, previous, change (relative; NaN without a base).

    ``average(start, end)`` replaces :func:`average_order` on ``sales`` (a big file's day-level
    view has no orders: :meth:`cvwork.report.scale.DayLevel.average` counts them on its lines)."""
    p = periods(end, days)
    average = average or (lambda start, stop: average_order(sales, start, stop))
    now, before = _groups(sales, end, days), _groups(sales, p.start, days)
    nan = float("nan")

    def count(frame, group=None, negate=False):
        if frame is None:
            return nan
        hit = frame["quadrant"] == (group or "流失客户")
        return float((~hit if negate else hit).sum())

    rows = [
        (now["current_value"].sum() if now is not None else nan, now["previous_value"].sum() if now is not None else nan),
        (count(now, negate=True), count(before, negate=True)),
        (count(now, "新客户"), count(before, "新客户")),
        (count(now), count(before)),
        (average(p.start, p.end), average(p.previous, p.start)),
    ]
    if sales["date"].min() > p.previous - (p.start - p.previous):   # no window before the previous one:
        rows[2], rows[3] = (rows[2][0], nan), (rows[3][0], nan)        # its new/churned counts mean nothing
    out = pd.DataFrame([(m, u, float(c), float(b)) for (m, u), (c, b) in zip(METRICS, rows)],
                       columns=["metric", "unit_word", "current", "previous"])
    base = out["previous"].where(out["previous"].abs() > 0)
    out["change"] = (out["current"] - out["previous"]) / base.abs()
    return out

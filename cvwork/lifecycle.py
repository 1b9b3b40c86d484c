"""Customer lifecycle: who stays from one period to the next (retention, churn)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns


def retention_rates(transactions: "pd.DataFrame", freq: str = "Y", customer: str = "customer",
                    date: str = "date") -> "pd.DataFrame":
    """Period-to-period retention: of the customers who bought in one period,
    the share who bought again in the next.

    One row per period that has a next period: ``period``, ``active``,
    ``retained``, ``retention`` (within [0, 1]) and ``churn = 1 - retention``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": list("abcab"),
    ...                   "date": pd.to_datetime(["2024-01-01"] * 3 + ["2025-02-01"] * 2)})
    >>> retention_rates(t)[["active", "retained", "retention"]].values.tolist()
    [[3, 2, 0.6666666666666666]]
    """
    import pandas as pd

    require_columns(transactions, (customer, date))
    periods = transactions[date].dt.to_period(freq)
    seen = {p: set(group) for p, group in transactions.groupby(periods)[customer]}
    span = pd.period_range(periods.min(), periods.max(), freq=freq)
    active = [(p, seen.get(p, set())) for p in span]
    rows = []
    for (p, now), (_, nxt) in zip(active, active[1:]):
        kept = len(now & nxt)
        rows.append((str(p), len(now), kept, kept / len(now) if now else float("nan")))
    out = pd.DataFrame(rows, columns=["period", "active", "retained", "retention"])
    out["churn"] = 1 - out["retention"]
    return out

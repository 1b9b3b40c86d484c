"""Customer lifetime value (CLV), acquisition cost (CAC) and their ratios.

Two ways to value a customer:

* :func:`discounted_clv` — the seed's formula for a known cash-flow path,
  ``CLV = sum_{t=0}^{n} (R_t - C_t) / (1 + r)^t``; period 0 is today and is
  not discounted.
* :func:`retention_clv` — a steady margin ``m`` that continues each period
  with probability ``retention``: ``m * retention / (1 + rate - retention)``.
  Timing: the first margin arrives one period from now and only if the
  customer is still there, so nothing is counted for today.  Counting today's
  margin too (the t = 0 convention above) adds exactly ``m``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns, require_rows


def _check_rate(rate: float) -> None:
    if not rate > -1:
        raise InputError(f"折现率必须大于 -1 (discount rate must be > -1), 收到 (got) {rate}")


def discount_factors(n_periods: int, rate: float) -> "pd.Series":
    """``1 / (1 + rate)^t`` for t = 0 .. n_periods - 1."""
    import numpy as np
    import pandas as pd

    _check_rate(rate)
    t = np.arange(n_periods)
    return pd.Series(1.0 / (1.0 + rate) ** t, index=pd.Index(t, name="t"), name="discount_factor")


def discounted_clv(revenue: Sequence[float], cost: Sequence[float], rate: float) -> float:
    """Present value of ``revenue - cost`` per period, period 0 undiscounted.

    >>> round(discounted_clv([100, 120, 130], [40, 50, 50], 0.10), 4)   # 60 + 70/1.1 + 80/1.21
    189.7521
    """
    return float(clv_schedule(revenue, cost, rate)["present_value"].sum())


def clv_schedule(revenue: Sequence[float], cost: Sequence[float], rate: float) -> "pd.DataFrame":
    """One row per period: ``revenue``, ``cost``, ``margin``, ``discount_factor``,
    ``present_value`` and the running ``cumulative_value`` (the teaching table)."""
    import numpy as np
    import pandas as pd

    rev, cst = np.asarray(revenue, dtype=float), np.asarray(cost, dtype=float)
    if rev.ndim != 1 or rev.shape != cst.shape:
        raise InputError(f"收入和成本的期数必须相同 (revenue and cost need the same number of periods): "
                         f"{rev.size} 对 (vs) {cst.size}")
    if rev.size == 0:
        raise InputError("没有任何一期的数据 (no periods given); 至少需要一期 (give at least one period)")
    factor = discount_factors(rev.size, rate).to_numpy()
    out = pd.DataFrame({"t": np.arange(rev.size), "revenue": rev, "cost": cst, "margin": rev - cst,
                        "discount_factor": factor})
    out["present_value"] = out["margin"] * factor
    out["cumulative_value"] = out["present_value"].cumsum()
    return out


def discounted_clv_table(revenue: "pd.DataFrame", cost: "pd.DataFrame | float", rate: float) -> "pd.Series":
    """Vectorised CLV: rows = customers, columns = periods 0..n (in order).

    ``cost`` is a table of the same shape or one number per cell.

    >>> import pandas as pd
    >>> r = pd.DataFrame([[100, 120, 130], [50, 50, 50]], index=["a", "b"])
    >>> discounted_clv_table(r, pd.DataFrame([[40, 50, 50], [0, 0, 0]], index=["a", "b"]), 0.1).round(2).tolist()
    [189.75, 136.78]
    """
    import pandas as pd

    if not isinstance(cost, pd.DataFrame):
        cost = revenue * 0 + cost
    if revenue.shape != cost.shape:
        raise InputError(f"收入表和成本表形状不同 (revenue and cost tables differ in shape): "
                         f"{revenue.shape} 对 (vs) {cost.shape}")
    if revenue.shape[1] == 0:
        raise InputError("没有任何一期的数据 (no periods given)")
    factor = discount_factors(revenue.shape[1], rate).to_numpy()
    margin = revenue.to_numpy(dtype=float) - cost.to_numpy(dtype=float)
    return pd.Series(margin @ factor, index=revenue.index, name="clv")


def retention_clv(margin: float, retention: float, rate: float, include_now: bool = False) -> float:
    """Value of a margin kept with probability ``retention`` each period.

    ``m r / (1 + i - r)``; with ``include_now=True`` today's margin is added
    (``m (1 + i) / (1 + i - r)``), the t = 0 convention of :func:`discounted_clv`.

    >>> round(retention_clv(1000, 0.8, 0.1), 2)
    2666.67
    """
    _check_rate(rate)
    if not 0 <= retention < 1:
        raise InputError(f"留存率必须在 [0, 1) 之间 (retention must be in [0, 1)), 收到 (got) {retention}")
    value = margin * retention / (1 + rate - retention)
    return float(value + margin if include_now else value)


def expected_lifetime(retention: float) -> float:
    """Expected number of periods a customer stays: ``1 / (1 - retention)``."""
    if not 0 <= retention < 1:
        raise InputError(f"留存率必须在 [0, 1) 之间 (retention must be in [0, 1)), 收到 (got) {retention}")
    return 1.0 / (1.0 - retention)


def cac(acquisition_spend: float, new_customers: int) -> float:
    """Customer acquisition cost: spend / customers won with it."""
    if new_customers <= 0:
        raise InputError(f"新客户数必须大于 0 (new customers must be > 0), 收到 (got) {new_customers}")
    return float(acquisition_spend) / new_customers


def ltv_cac_ratio(ltv: float, acquisition_cost: float) -> float:
    """LTV:CAC; about 3 is the common rule of thumb for a healthy business."""
    if acquisition_cost <= 0:
        raise InputError(f"获客成本必须大于 0 (CAC must be > 0), 收到 (got) {acquisition_cost}")
    return float(ltv) / acquisition_cost


def payback_months(acquisition_cost: float, monthly_margin: float) -> float:
    """Months of margin needed to earn the acquisition cost back (undiscounted)."""
    if monthly_margin <= 0:
        return float("inf")
    return float(acquisition_cost) / monthly_margin


def customer_contribution(value: float, acquisition_cost: float, retention_cost: float) -> float:
    """The seed's net contribution: value minus the cost to win and to keep."""
    return float(value) - float(acquisition_cost) - float(retention_cost)


def historical_clv(transactions: "pd.DataFrame", as_of: str | None = None, margin: float = 0.3,
                   lifespan_years: float = 3.0, min_tenure_years: float = 1.0,
                   customer: str = "customer", date: str = "date", amount: str = "amount",
                   order: str | None = "order_id") -> "pd.DataFrame":
    """The traditional CLV from a transaction log, one row per customer.

    ``clv = average order value x orders per year x lifespan_years x margin``.
    Orders are distinct ``order`` ids (distinct purchase dates when there is
    no order column).  Orders per year divide by the customer's tenure up to
    ``as_of`` but by at least ``min_tenure_years``, so a newcomer's few weeks
    are not annualised into a huge frequency.  Returns are netted.

    Returns ``revenue``, ``orders``, ``aov``, ``first_purchase``,
    ``tenure_years``, ``frequency`` (orders/year), ``annual_margin`` and
    ``clv``, sorted by clv (largest first, ties by customer).
    """
    import pandas as pd

    if not 0 < margin <= 1:
        raise InputError(f"毛利率必须在 (0, 1] 之间 (margin must be in (0, 1]), 收到 (got) {margin}")
    require_columns(transactions, (customer, date, amount))
    require_rows(transactions)
    stamp = pd.Timestamp(as_of) if as_of is not None else transactions[date].max() + pd.Timedelta(days=1)
    key = order if order and order in transactions.columns else date
    g = transactions.groupby(customer)
    out = pd.DataFrame({"revenue": g[amount].sum(), "orders": g[key].nunique(), "first_purchase": g[date].min()})
    out["aov"] = out["revenue"] / out["orders"]
    out["tenure_years"] = (stamp - out["first_purchase"]).dt.days / 365.25
    out["frequency"] = out["orders"] / out["tenure_years"].clip(lower=min_tenure_years)
    out["annual_margin"] = out["aov"] * out["frequency"] * margin
    out["clv"] = out["annual_margin"] * lifespan_years
    out = out.rename_axis(customer).reset_index()
    cols = [customer, "revenue", "orders", "aov", "first_purchase", "tenure_years", "frequency", "annual_margin", "clv"]
    return out[cols].sort_values(["clv", customer], ascending=[False, True], kind="stable").reset_index(drop=True)


def unit_economics(clv_table: "pd.DataFrame", spend: "dict[str, float]", group: str = "channel",
                   new: str = "is_new") -> "pd.DataFrame":
    """CAC, average CLV, LTV:CAC and payback per group (e.g. acquisition channel).

    ``clv_table`` has one row per customer with ``clv``, ``annual_margin``,
    the ``group`` column and a boolean ``new`` column (won in the period the
    spend paid for).  ``spend`` maps each group to its acquisition spend.
    """
    import pandas as pd

    missing = sorted(set(clv_table[group].dropna()) - set(spend))
    if missing:
        raise InputError(f"缺少这些渠道的获客花费 (no acquisition spend for): {', '.join(map(str, missing))}; "
                         f"请在 spend 中补上 (add them to spend)")
    won = clv_table[clv_table[new]]
    g = won.groupby(group)
    out = pd.DataFrame({"new_customers": g.size(), "avg_clv": g["clv"].mean(),
                        "monthly_margin": g["annual_margin"].mean() / 12})
    out["spend"] = pd.Series(spend, dtype=float).reindex(out.index)
    out["cac"] = out["spend"] / out["new_customers"]
    out["ltv_cac"] = out["avg_clv"] / out["cac"]
    out["payback_months"] = out["cac"] / out["monthly_margin"]
    return out.sort_values("ltv_cac", ascending=False).reset_index()


def clv_sensitivity(margin: float, retentions: Sequence[float], rates: Sequence[float]) -> "pd.DataFrame":
    """:func:`retention_clv` on a grid: rows = discount rates, columns = retention rates."""
    import pandas as pd

    grid = {r: [retention_clv(margin, r, i) for i in rates] for r in retentions}
    out = pd.DataFrame(grid, index=pd.Index(list(rates), name="rate"))
    out.columns.name = "retention"
    return out

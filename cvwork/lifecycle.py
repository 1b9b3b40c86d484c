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
    >>> retention_rates(t)[["active", "retained"]].values.tolist(), retention_rates(t)["retention"].round(4).tolist()
    ([[3, 2]], [0.6667])
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


STAGES = ["潜在客户", "新客户", "活跃客户", "沉默客户", "流失客户"]
STRATEGIES = {
    "潜在客户": "筛选与培育：按第 01 课的标准筛选，持续提供行业内容，约见需求明确的",
    "新客户": "做好首单交付和上线，30 天内回访，推动第二单",
    "活跃客户": "定期业务回顾，交叉销售和升级，邀请参与案例和转介绍",
    "沉默客户": "按过去价值排序逐个联系，了解原因，给出针对性的方案",
    "流失客户": "做流失访谈找原因；价值高的由管理层出面挽回，其余转入市场培育",
}


def customer_dates(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                   amount: str = "amount") -> "pd.DataFrame":
    """First and last purchase date and net revenue per customer."""
    import pandas as pd

    g = transactions.groupby(customer)
    return pd.DataFrame({"first_purchase": g[date].min(), "last_purchase": g[date].max(),
                         "revenue": g[amount].sum() if amount in transactions else float("nan")})


def lifecycle_stages(transactions: "pd.DataFrame", as_of: str, leads: "pd.Series | None" = None,
                     new_days: int = 90, silent_days: int = 180, churn_days: int = 365,
                     customer: str = "customer", date: str = "date", amount: str = "amount") -> "pd.DataFrame":
    """Every customer, and every lead that never bought, in exactly one stage.

    Rules at ``as_of`` (only purchases on or before it count), in this order:
    a lead with no purchase is 潜在客户; first purchase less than ``new_days``
    ago: 新客户; last purchase less than ``silent_days`` ago: 活跃客户; less
    than ``churn_days`` ago: 沉默客户; otherwise 流失客户.  The defaults fit a
    B2B buying cycle: a business customer orders every few months, so half a
    year without an order is a warning and a full year without one means the
    budget went elsewhere.  ``leads`` are company names; they are matched to
    customers with :func:`cvwork.identify.normalise_company`.
    """
    import pandas as pd

    if not (0 < new_days and 0 < silent_days < churn_days):
        raise InputError(f"需要 new_days > 0 且 0 < silent_days < churn_days (need new_days > 0 and "
                         f"0 < silent_days < churn_days), 收到 (got) {new_days}, {silent_days}, {churn_days}")
    require_columns(transactions, (customer, date))
    stamp = pd.Timestamp(as_of)
    past = transactions[transactions[date] <= stamp]
    info = customer_dates(past, customer, date, amount)
    first_age = (stamp - info["first_purchase"]).dt.days
    last_age = (stamp - info["last_purchase"]).dt.days
    stage = pd.Series("流失客户", index=info.index)
    stage[last_age < churn_days] = "沉默客户"
    stage[last_age < silent_days] = "活跃客户"
    stage[first_age < new_days] = "新客户"
    out = info.assign(days_since_last=last_age, stage=stage).rename_axis(customer).reset_index()
    if leads is not None:
        out = pd.concat([out, _prospects(leads, out[customer], customer)], ignore_index=True)
    out["stage"] = pd.Categorical(out["stage"], categories=STAGES)
    return out


def _prospects(leads: "pd.Series", customers: "pd.Series", customer: str) -> "pd.DataFrame":
    """Leads whose company never bought, one per normalised name (first spelling kept)."""
    import pandas as pd

    from cvwork.identify import normalise_company

    bought = set(customers.map(normalise_company))
    names = pd.Series(leads.dropna().unique())
    keys = names.map(normalise_company)
    fresh = names[~keys.isin(bought) & ~keys.duplicated()]
    return pd.DataFrame({customer: fresh.to_numpy(), "stage": "潜在客户"})


def stage_counts(transactions: "pd.DataFrame", dates: "list[str] | pd.DatetimeIndex", **rules) -> "pd.DataFrame":
    """Customers per lifecycle stage at each date (rows = dates, columns = stages)."""
    import pandas as pd

    rows = {pd.Timestamp(d): lifecycle_stages(transactions, d, **rules)["stage"].value_counts()
            for d in dates}
    out = pd.DataFrame(rows).T.reindex(columns=STAGES[1:], fill_value=0).fillna(0).astype(int)
    return out.rename_axis("as_of")


def stage_transitions(transactions: "pd.DataFrame", start: str, end: str, **rules) -> "pd.DataFrame":
    """Crosstab of each customer's stage at ``start`` (rows) and at ``end`` (columns);
    customers who had not bought yet at ``start`` appear as 未购买."""
    import pandas as pd

    before = lifecycle_stages(transactions, start, **rules).set_index("customer")["stage"].astype(str)
    after = lifecycle_stages(transactions, end, **rules).set_index("customer")["stage"].astype(str)
    before = before.reindex(after.index).fillna("未购买")
    table = pd.crosstab(before.rename(f"{start} 的阶段"), after.rename(f"{end} 的阶段"))
    rows = [s for s in ["未购买", *STAGES[1:]] if s in table.index]
    return table.reindex(index=rows, columns=[s for s in STAGES[1:] if s in table.columns])


def repeat_purchase_rate(transactions: "pd.DataFrame", customer: str = "customer", order: str = "order_id",
                         date: str = "date") -> float:
    """Share of customers with two or more orders (distinct purchase days without an order column)."""
    key = order if order in transactions.columns else date
    orders = transactions.groupby(customer)[key].nunique()
    return float((orders >= 2).mean())


def cohort_retention(transactions: "pd.DataFrame", freq: str = "M", customer: str = "customer",
                     date: str = "date") -> "pd.DataFrame":
    """Share of each first-purchase cohort buying again k periods later (column 0 = 100%)."""
    import pandas as pd

    period = transactions[date].dt.to_period(freq)
    first = period.groupby(transactions[customer]).transform("min")
    age = (period - first).map(lambda off: off.n)
    active = pd.DataFrame({"cohort": first.astype(str), "age": age, "c": transactions[customer]}).drop_duplicates()
    counts = active.pivot_table(index="cohort", columns="age", values="c", aggfunc="count")
    return counts.div(counts[0], axis=0)

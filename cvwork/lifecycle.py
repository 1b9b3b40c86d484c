"""Customer lifecycle: who stays from one period to the next (retention, churn).

Time rule (issue 15): every method works on purchase *days*.  Times of day
are dropped, a customer's lines on one day are netted, and the day counts as
a purchase when the net amount is positive.  Returns and cancellations lower
revenue but are not activity: a day with only a credit note does not make a
customer active again.  ``as_of`` defaults to the day after the data's last
date.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError
from cvwork.frames import date_expr, day_number, day_of, engine_of, finish, line_facts, nw_frame, require, to_pandas
from cvwork.rfm import _days
from cvwork.rfm import purchase_days as _rfm_days


def default_as_of(dates: "pd.Series") -> "pd.Timestamp":
    """The day after the last date in ``dates`` (times of day dropped).

    Engines: pandas only.

    >>> import pandas as pd
    >>> default_as_of(pd.Series(pd.to_datetime(["2025-03-01 23:59", "2025-12-31 08:30"])))
    Timestamp('2026-01-01 00:00:00')
    """
    import pandas as pd

    return pd.Timestamp(dates.max()).normalize() + pd.Timedelta(days=1)


def purchase_days(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                  amount: str = "amount", order: str = "order_id") -> "pd.DataFrame":
    """One row per customer and calendar day: ``day``, ``net`` amount and ``purchase``.

    This is :func:`cvwork.rfm.purchase_days` (one rule, one implementation): ``purchase``
    is True when the day's net amount is positive and the day has a line that is
    not a return or cancellation (amount < 0, or an invoice number ``C`` + digit,
    as in retail exports).  Without an amount column every day is a purchase.
    Eager results are sorted by customer and day.

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "a", "a"], "amount": [100.0, 50.0, -150.0, -20.0],
    ...                   "date": pd.to_datetime(["2025-01-02 09:00", "2025-01-02 17:00",
    ...                                           "2025-02-01 10:00", "2025-03-01 00:00"])})
    >>> purchase_days(t)[["net", "purchase"]].values.tolist()   # one day of two lines, two return days
    [[150.0, True], [-150.0, False], [-20.0, False]]
    """
    import narwhals as nw

    lines = _lines(transactions, (customer, date))
    if amount not in lines.collect_schema().names():  # no money column: each line counts 1, every day a purchase
        transactions = lines.with_columns(nw.lit(1.0).alias(amount)).to_native()
    return _rfm_days(transactions, customer, date, amount, order)


# --- engine helpers: narwhals on every engine (cvwork.frames has the shared ones) ------------------

def _lines(transactions, required):
    """``transactions`` wrapped by narwhals, after checking the ``required`` columns (nothing computed);
    text dates in ``required[1]`` parsed by the engine."""
    require(transactions, required)
    lines = nw_frame(transactions)
    return lines.with_columns(date_expr(lines, required[1], widen=False))


def _checked(lines, customer: str, date: str, as_of) -> int:
    """The day number of ``as_of`` (default: the day after the last day).  The lines are checked
    (rows, customers) whenever that costs no extra pass: with the default, or on an eager frame."""
    import narwhals as nw

    if as_of is None:
        return day_of(line_facts(lines, customer, nw.col(date).max().alias("last"))["last"]) + 1
    if isinstance(lines, nw.DataFrame):
        line_facts(lines, customer)
    return day_of(as_of)


def retention_rates(transactions: "pd.DataFrame", freq: str = "Y", customer: str = "customer",
                    date: str = "date", amount: str = "amount") -> "pd.DataFrame":
    """Period-to-period retention: of the customers who bought in one period,
    the share who bought again in the next (purchase days, see the module note).

    One row per period that has a next period: ``period``, ``active``,
    ``retained``, ``retention`` (within [0, 1]) and ``churn = 1 - retention``.

    Engines: pandas only.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": list("abcab"),
    ...                   "date": pd.to_datetime(["2024-01-01"] * 3 + ["2025-02-01"] * 2)})
    >>> retention_rates(t)[["active", "retained"]].values.tolist(), retention_rates(t)["retention"].round(4).tolist()
    ([[3, 2]], [0.6667])
    """
    import pandas as pd

    days = purchase_days(transactions, customer, date, amount)
    days = days[days["purchase"]]
    periods = days["day"].dt.to_period(freq)
    seen = {p: set(group) for p, group in days.groupby(periods)[customer]}
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
                   amount: str = "amount", owner: str = "owner") -> "pd.DataFrame":
    """Per customer: first and last purchase day, net revenue (returns included)
    and, when the data has an ``owner`` column, the owner of the latest line
    (lines without an owner skipped; two owners at the same latest time: the
    larger name, so every engine gives the same answer).

    A customer whose lines are all returns has no purchase day (NaT).  A pandas
    frame gives one row per customer indexed by ``customer``; the other engines
    give the same rows with a ``customer`` column, sorted by customer.

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given.
    """
    out = finish(_customer_dates(_lines(transactions, (customer, date)), customer, date, amount, owner), [customer])
    return out.set_index(customer) if type(out).__module__.startswith("pandas") else out


def _customer_dates(lines, customer: str, date: str, amount: str, owner: str):
    """narwhals frame: ``customer``, ``first_purchase``, ``last_purchase``, ``revenue`` [, ``owner``]."""
    import narwhals as nw

    names = lines.collect_schema().names()
    days = _days(lines if amount in names else lines.with_columns(nw.lit(1.0).alias(amount)),
                 customer, date, amount, "order_id")
    out = (days.with_columns(_buy=nw.when(nw.col("purchase")).then(nw.col("day")))
           .group_by(customer).agg(nw.col("_buy").min().alias("first_purchase"),
                                   nw.col("_buy").max().alias("last_purchase"), nw.col("net").sum().alias("revenue")))
    if amount not in names:
        out = out.with_columns(revenue=nw.lit(None, nw.Float64))
    if owner in names:
        known = lines.select(customer, owner, _t=nw.when(~nw.col(owner).is_null()).then(nw.col(date)))
        latest = (known.filter(nw.col("_t") == nw.col("_t").max().over(customer))
                  .group_by(customer).agg(nw.col(owner).max()))
        out = out.join(latest, on=customer, how="left")
    return out


def lifecycle_stages(transactions: "pd.DataFrame", as_of: "str | pd.Timestamp | None" = None,
                     leads: "pd.Series | None" = None, new_days: int = 90, silent_days: int = 180,
                     churn_days: int = 365, customer: str = "customer", date: str = "date",
                     amount: str = "amount") -> "pd.DataFrame":
    """Every customer, and every lead that never bought, in exactly one stage.

    Rules at ``as_of`` (default: the day after the last date; only lines on or
    before it count), on purchase days, in this order: a lead with no purchase
    is 潜在客户; first purchase less than ``new_days`` ago: 新客户; last
    purchase less than ``silent_days`` ago: 活跃客户; less than ``churn_days``
    ago: 沉默客户; otherwise (or no purchase day at all, only returns)
    流失客户.  The defaults fit a B2B buying cycle: a business customer orders
    every few months, so half a year without an order is a warning and a
    full year without one means the budget went elsewhere.  ``leads`` are
    company names, matched with :func:`cvwork.identify.normalise_company`.
    ``days_since_last`` is a whole number of days (nullable integer).

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given (``stage`` is categorical on pandas, text elsewhere).
    The default ``as_of`` costs one aggregate (the last date); the lines are never collected.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [10.0, -10.0, 5.0],
    ...                   "date": pd.to_datetime(["2025-01-01 00:00", "2025-12-30 00:00", "2025-12-01 18:00"])})
    >>> # the credit note on 2025-12-30 nets revenue to 0 but is no purchase: a is silent, not active
    >>> lifecycle_stages(t)[["customer", "days_since_last", "stage"]].astype(str).values.tolist()
    [['a', '364', '沉默客户'], ['b', '30', '新客户']]
    """
    import narwhals as nw
    import pandas as pd

    if not (0 < new_days and 0 < silent_days < churn_days):
        raise InputError(f"需要 new_days > 0 且 0 < silent_days < churn_days (need new_days > 0 and "
                         f"0 < silent_days < churn_days), 收到 (got) {new_days}, {silent_days}, {churn_days}")
    lines = _lines(transactions, (customer, date))
    today = _checked(lines, customer, date, as_of)
    if as_of is not None:                          # whole days: a line at 23:59 on as_of counts
        lines = lines.filter(day_number(nw.col(date), cast=False) <= today)
    info = _customer_dates(lines, customer, date, amount, "owner")
    first_age = today - day_number(nw.col("first_purchase"), cast=False)
    last_age = today - day_number(nw.col("last_purchase"), cast=False)
    stage = (nw.when(first_age < new_days).then(nw.lit("新客户")).when(last_age < silent_days).then(nw.lit("活跃客户"))
             .when(last_age < churn_days).then(nw.lit("沉默客户")).otherwise(nw.lit("流失客户")))
    out = finish(info.with_columns(days_since_last=last_age, stage=stage), [customer])
    if leads is not None:
        out = _with_prospects(out, leads, customer)
    if isinstance(out, pd.DataFrame):
        out["days_since_last"] = out["days_since_last"].astype("Int64")
        out["stage"] = pd.Categorical(out["stage"], categories=STAGES)
    return out


def _with_prospects(out, leads: "pd.Series", customer: str):
    """``out`` (a native stage table) with the leads that never bought appended as 潜在客户."""
    import narwhals as nw
    import pandas as pd

    if isinstance(out, pd.DataFrame):
        return pd.concat([out, _prospects(leads, out[customer], customer)], ignore_index=True)
    fresh = _prospects(leads, to_pandas(nw.from_native(out).select(customer).to_native())[customer], customer)
    engine = engine_of(out)
    if engine == "spark":
        extra = out.sparkSession.createDataFrame(fresh.astype(object)) if len(fresh) else None
    elif engine == "duckdb":
        extra = out.query("_stages", "SELECT * FROM fresh")   # DuckDB finds the local pandas frame by name
    else:
        import polars as pl

        extra = pl.from_pandas(fresh)
        extra = extra.lazy() if engine == "polars-lazy" else extra
    if extra is None:
        return out
    return nw.concat([nw.from_native(out), nw.from_native(extra)], how="diagonal").to_native()


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
    """Customers per lifecycle stage at each date (rows = dates, columns = stages).

    Engines: pandas only.
    """
    import pandas as pd

    rows = {pd.Timestamp(d): lifecycle_stages(transactions, d, **rules)["stage"].value_counts()
            for d in dates}
    out = pd.DataFrame(rows).T.reindex(columns=STAGES[1:], fill_value=0).fillna(0).astype(int)
    return out.rename_axis("as_of")


def churn_observable_from(transactions: "pd.DataFrame", churn_days: int = 365, date: str = "date") -> "pd.Timestamp":
    """First date at which 流失 (``churn_days`` without a purchase) can be seen in full:
    the first day of the data plus ``churn_days``.  Before it, a customer who last
    bought before the data starts is invisible, so churn counts start from zero by construction.

    Engines: pandas only.

    >>> import pandas as pd
    >>> churn_observable_from(pd.DataFrame({"date": pd.to_datetime(["2024-01-01 10:00", "2025-06-01 00:00"])}))
    Timestamp('2024-12-31 00:00:00')
    """
    import pandas as pd

    return pd.Timestamp(transactions[date].min()).normalize() + pd.Timedelta(days=churn_days)


def quarter_marks(transactions: "pd.DataFrame", as_of: "str | pd.Timestamp | None" = None, churn_days: int = 365,
                  date: str = "date") -> "pd.DatetimeIndex":
    """Analysis dates for a stage chart: the day after each quarter end from the first one
    where churn is observable (see :func:`churn_observable_from`) up to ``as_of``, which is
    always the last mark, so the chart's last bar is the stage table at ``as_of``.

    Engines: pandas only.
    """
    import pandas as pd

    stamp = default_as_of(transactions[date]) if as_of is None else pd.Timestamp(as_of)
    start = churn_observable_from(transactions, churn_days, date)
    marks = pd.date_range(start.to_period("Q").start_time, stamp, freq="QS")
    marks = marks[(marks >= start) & (marks < stamp)]
    return marks.append(pd.DatetimeIndex([stamp]))


def churn_flow(transactions: "pd.DataFrame", as_of: "str | pd.Timestamp | None" = None, **rules) -> "pd.DataFrame":
    """Moves per quarter, between consecutive :func:`quarter_marks`: ``new`` (first purchase),
    ``churned`` (became 流失), ``returned`` (流失 at the start, bought again), and ``active_start``.

    Only periods where churn is observable are returned, so a churn count is a real flow,
    not the build-up of a stock that starts at zero with the data.

    Engines: pandas only.
    """
    import pandas as pd

    marks = quarter_marks(transactions, as_of, rules.get("churn_days", 365))
    stages = [lifecycle_stages(transactions, m, **rules).set_index("customer")["stage"].astype(str) for m in marks]
    rows = []
    for (m0, s0), (m1, s1) in zip(zip(marks, stages), zip(marks[1:], stages[1:])):
        before = s0.reindex(s1.index)
        rows.append({"period_start": m0, "period_end": m1 - pd.Timedelta(days=1),
                     "active_start": int(s0.isin(["新客户", "活跃客户"]).sum()),
                     "new": int(before.isna().sum()),
                     "churned": int(((before != "流失客户") & before.notna() & (s1 == "流失客户")).sum()),
                     "returned": int(((before == "流失客户") & (s1 != "流失客户")).sum())})
    return pd.DataFrame(rows, columns=["period_start", "period_end", "active_start", "new", "churned", "returned"])


def stage_transitions(transactions: "pd.DataFrame", start: str, end: str, **rules) -> "pd.DataFrame":
    """Crosstab of each customer's stage at ``start`` (rows) and at ``end`` (columns);
    customers who had not bought yet at ``start`` appear as 未购买.

    Engines: pandas only.
    """
    import pandas as pd

    before = lifecycle_stages(transactions, start, **rules).set_index("customer")["stage"].astype(str)
    after = lifecycle_stages(transactions, end, **rules).set_index("customer")["stage"].astype(str)
    before = before.reindex(after.index).fillna("未购买")
    table = pd.crosstab(before.rename(f"{start} 的阶段"), after.rename(f"{end} 的阶段"))
    rows = [s for s in ["未购买", *STAGES[1:]] if s in table.index]
    return table.reindex(index=rows, columns=[s for s in STAGES[1:] if s in table.columns])


def repeat_purchase_rate(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                         amount: str = "amount") -> float:
    """Share of customers with two or more purchase days (see the module note: two orders on
    one day are one purchase, a return is none).  Customers with no purchase day count as not repeating.

    Engines: pandas only.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "b", "b"], "amount": [5.0, 5.0, 5.0, -5.0],
    ...                   "date": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 15:00",
    ...                                           "2025-01-01 00:00", "2025-02-01 00:00"])})
    >>> repeat_purchase_rate(t)
    0.0
    """
    days = purchase_days(transactions, customer, date, amount)
    counts = days["purchase"].groupby(days[customer]).sum()
    return float((counts >= 2).mean())


def cohort_counts(transactions: "pd.DataFrame", freq: str = "M", customer: str = "customer",
                  date: str = "date", amount: str = "amount") -> "pd.DataFrame":
    """Customers of each first-purchase cohort (rows) buying k periods later (columns);
    column 0 is the cohort size.  Purchase days only (returns are not activity).

    Engines: pandas only.
    """
    days = purchase_days(transactions, customer, date, amount)
    days = days[days["purchase"]]
    period = days["day"].dt.to_period(freq)
    first = period.groupby(days[customer]).transform("min")
    age = (period - first).map(lambda off: off.n)
    active = days.assign(cohort=first.astype(str), age=age)[["cohort", "age", customer]].drop_duplicates()
    return active.pivot_table(index="cohort", columns="age", values=customer, aggfunc="count")


def cohort_retention(transactions: "pd.DataFrame", freq: str = "M", customer: str = "customer",
                     date: str = "date", amount: str = "amount") -> "pd.DataFrame":
    """Share of each first-purchase cohort buying again k periods later (column 0 = 100%);
    the cohort sizes are ``cohort_counts(...)[0]``.

    Engines: pandas only.
    """
    counts = cohort_counts(transactions, freq, customer, date, amount)
    return counts.div(counts[0], axis=0)

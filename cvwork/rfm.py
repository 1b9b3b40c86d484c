"""RFM: recency, frequency, monetary value per customer, scores and segments.

Time rule (shared by :mod:`cvwork.clv` and :mod:`cvwork.abc`, see
:func:`purchase_days`): everything works on purchase *days*.  Times of day are
dropped; all lines of one customer on one day make one day.  A line is a
*cancellation* when its amount is negative or its order id is ``C`` followed
by a digit (``C536379``, the retail convention).  Cancellations and returns
net against revenue but are neither orders nor activity: a purchase day is a
day whose net is positive and that has at least one line that is not a
cancellation.  ``frequency`` counts purchase days; recency runs from the last
purchase day; ``monetary`` is the net of every line.

Scoring rule (:func:`quintile_scores`): each customer sits at the *middle* of
the group of customers with the same value, at position
``p = (mid-rank - 0.5) / n`` in (0, 1); the score is ``1 + floor(5 p)``.
Equal values always share a score, a better value never gets a lower score,
and a tie is placed where its middle falls: a column where everyone is equal
gives everyone the middle score 3, and when 60% of customers bought once they
share score 2 (their middle sits at the 30th percentile), not the worst score
1.  Scores run from 1 to 5, 5 best; for recency fewer days is better.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import narwhals as nw
    import pandas as pd

from cvwork.errors import InputError
from cvwork.frames import (date_expr, day_number, day_of, engine_of, finish, line_facts, nw_frame, require,
                            round_even, scalars)

#: (Chinese name, English name, R range, F range); ranges are inclusive and
#: together cover the 5 x 5 R x F grid exactly once (tested).
SEGMENTS = [
    ("冠军客户", "Champions", (4, 5), (4, 5)),
    ("忠诚客户", "Loyal", (3, 3), (4, 5)),
    ("潜力客户", "Potential loyalists", (4, 5), (2, 3)),
    ("新客户", "New customers", (4, 5), (1, 1)),
    ("需要关注", "Need attention", (3, 3), (2, 3)),
    ("即将沉睡", "About to sleep", (3, 3), (1, 1)),
    ("高危客户", "At risk", (2, 2), (4, 5)),
    ("不能失去", "Cannot lose them", (1, 1), (4, 5)),
    ("冬眠客户", "Hibernating", (1, 2), (2, 3)),
    ("流失客户", "Lost", (1, 2), (1, 1)),
]

ACTIONS = {
    "冠军客户": "邀请参加新品试用和案例共建，请他们转介绍；保持高层联系",
    "忠诚客户": "提供年度框架协议和增值服务，推荐升级产品",
    "潜力客户": "推荐配套产品、安排培训，把偶尔购买变成固定采购",
    "新客户": "做好首单交付和上线辅导，30 天内回访",
    "需要关注": "限时方案或组合报价，了解采购计划",
    "即将沉睡": "销售主动拜访，了解是否有未满足的需求",
    "高危客户": "客户经理立即联系，找出不满的原因并给出补救方案",
    "不能失去": "管理层出面沟通，必要时给出挽留条件",
    "冬眠客户": "低成本触达：行业资讯、线上活动，观察是否回应",
    "流失客户": "不再投入销售人力，保留在营销名单里即可",
}

EIGHT_CLASSES = {  # (R high, F high, M high) -> class
    (True, True, True): "重要价值客户", (False, True, True): "重要保持客户",
    (True, False, True): "重要发展客户", (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户", (False, True, False): "一般保持客户",
    (True, False, False): "一般发展客户", (False, False, False): "一般挽留客户",
}


def _score(values: "nw.Expr", n: "nw.Expr", higher_is_better: bool = True) -> "nw.Expr":
    """The scoring rule as one narwhals expression; ``n`` is the number of rows ranked."""
    import narwhals as nw

    v = values if higher_is_better else -values
    position = (v.rank(method="average") - 0.5) / n  # in (0, 1): the floor is 0..4 below 2.5e9 rows
    return (5 * position + 1e-9).floor().cast(nw.Int64) + 1  # no clip: SQL engines would rank twice


def quintile_scores(values: "pd.Series", higher_is_better: bool = True) -> "pd.Series":
    """Scores 1-5 from the mid-rank position of each value (see module doc).

    Engines: a pandas or Polars Series (returns the same kind); on a whole
    table :func:`rfm_table` applies the same rule on every engine.

    >>> import pandas as pd
    >>> quintile_scores(pd.Series([1, 1, 1, 2, 5])).tolist()   # the tie sits at p = 0.3
    [2, 2, 2, 4, 5]
    >>> quintile_scores(pd.Series([7, 7, 7])).tolist()         # all tied: the middle score
    [3, 3, 3]
    """
    import narwhals as nw

    series = nw.from_native(values, series_only=True)
    scores = series.alias("v").to_frame().select(_score(nw.col("v"), nw.len(), higher_is_better).alias("v"))["v"]
    if nw.get_native_namespace(series).__name__ == "pandas":
        return values.__class__(scores.to_numpy().astype("int64"), index=values.index, name=values.name)
    return scores.alias(series.name).to_native()


def _cancel_expr(amount: str, order: str | None, columns: list[str]) -> "nw.Expr":
    """The cancellation rule (module doc) as a narwhals expression."""
    import narwhals as nw

    flag = (nw.col(amount) < 0).fill_null(False)
    if order and order in columns:
        flag = flag | nw.col(order).cast(nw.String).str.contains(r"^[Cc]\d").fill_null(False)
    return flag


def cancellations(transactions: "pd.DataFrame", amount: str = "amount",
                  order: str | None = "order_id") -> "pd.Series":
    """True for return/cancellation lines: amount < 0, or an order id ``C`` + digit.

    Engines: pandas or Polars DataFrame (a Series of the same kind).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"amount": [5.0, -2.0, 3.0], "order_id": ["536365", "536366", "C536367"]})
    >>> cancellations(t).tolist()
    [False, True, True]
    """
    lines = nw_frame(transactions)
    flag = lines.select(_cancel_expr(amount, order, lines.columns).alias("cancellation"))["cancellation"]
    if engine_of(transactions) == "pandas":
        return transactions[amount].__class__(flag.to_numpy(), index=transactions.index, name="cancellation")
    return flag.to_native()


def _days(lines: "nw.LazyFrame | nw.DataFrame", customer: str, date: str, amount: str,
          order: str | None) -> "nw.LazyFrame | nw.DataFrame":
    """:func:`purchase_days` on a narwhals frame, unchecked and unsorted."""
    import narwhals as nw

    sale = (~_cancel_expr(amount, order, lines.columns)).cast(nw.Int8)
    return (lines.select(nw.col(customer), date_expr(lines, date).dt.truncate("1d").alias("day"),
                         nw.col(amount).cast(nw.Float64).alias("net"), sale.alias("_sale"))
            .group_by(customer, "day").agg(nw.col("net").sum(), nw.col("_sale").max())
            .with_columns(((nw.col("net") > 0) & (nw.col("_sale") > 0)).alias("purchase"))
            .drop("_sale"))


def purchase_days(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                  amount: str = "amount", order: str | None = "order_id") -> "pd.DataFrame":
    """One row per customer and calendar day: ``customer``, ``day``, ``net``
    (all lines netted) and ``purchase`` (net > 0 with a line that is not a
    cancellation).  The day-level view every RFM/CLV/ABC method works on.

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind; eager results sorted by customer and day).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "a"], "amount": [10.0, 5.0, -4.0],
    ...                   "date": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 17:30", "2025-01-03 00:00"])})
    >>> purchase_days(t)[["net", "purchase"]].values.tolist()    # two lines, one day; a return day
    [[15.0, True], [-4.0, False]]
    """
    require(transactions, (customer, date, amount))
    lines = nw_frame(transactions)
    line_facts(lines, customer, empty_ok=True)
    return finish(_days(lines, customer, date, amount, order), [customer, "day"])


def segment_of(r: int, f: int) -> str:
    """The named segment of one R x F cell (plain numbers; :func:`rfm_table` applies it on every engine)."""
    for name, _, (r_lo, r_hi), (f_lo, f_hi) in SEGMENTS:
        if r_lo <= r <= r_hi and f_lo <= f <= f_hi:
            return name
    raise InputError(f"R={r}, F={f} 不在 1-5 之间 (scores must be 1-5)")


def rfm_table(transactions: "pd.DataFrame", as_of: str | None = None, customer: str = "customer",
              date: str = "date", amount: str = "amount", order: str | None = "order_id",
              new_days: int = 90) -> "pd.DataFrame":
    """One row per customer: ``recency_days``, ``frequency`` (purchase days),
    ``monetary`` (net revenue), ``first_purchase``, scores ``R``, ``F``, ``M``
    (1-5, 5 best), ``rfm_code`` ("543"), ``rfm_score`` (R + F + M) and
    ``segment``.  Days, returns and cancellations follow the module's time rule.

    ``as_of`` defaults to the day after the last date and is stored in
    ``.attrs["as_of"]`` (pandas).  新客户 are the R 4-5 / F 1 cell *and* a first
    purchase less than ``new_days`` before ``as_of`` (lesson 07's rule); the
    rest of that cell bought recently after a long gap and go to 潜力客户.  A
    customer with no purchase day at all (returns only) has frequency 0 and
    recency from their last line.

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind; lazy stays
    lazy, only the last date is collected; eager results sorted by customer).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [5.0, 5.0, 8.0],
    ...                   "date": pd.to_datetime(["2025-03-01 08:00", "2025-03-01 18:00", "2025-02-01 00:00"])})
    >>> rfm_table(t)[["customer", "recency_days", "frequency", "monetary"]].values.tolist()
    [['a', 1, 1, 10.0], ['b', 29, 1, 8.0]]
    """
    import narwhals as nw

    require(transactions, (customer, date, amount))
    lines = nw_frame(transactions)
    spark = engine_of(transactions) == "spark"
    # the last date's day is taken in Python, so Parquet statistics can answer the query
    facts = line_facts(lines, customer, (nw.col(amount) != 0).fill_null(False).any().alias("nonzero"),
                       date_expr(lines, date).max().alias("last"),
                       *([nw.col(customer).n_unique().alias("customers")] if spark else []))
    if not facts["nonzero"]:
        raise InputError(f"'{amount}' 列全是 0 (every amount is zero); 请检查金额列 (check the amount column)")
    days = _days(lines, customer, date, amount, order)
    stamp = _check_as_of(days, facts["last"], as_of)
    out = _per_customer(days, customer, day_of(stamp))
    # Spark pays for a window over the whole table just to count it; a distinct count up front is cheaper
    n = nw.lit(facts["customers"], nw.Int64) if spark else nw.len()
    score = lambda name, better=True: _score(nw.col(name), n, better)  # noqa: E731
    out = out.with_columns(score("recency_days", False).alias("R"), score("frequency").alias("F"),
                           score("monetary").alias("M"))
    out = out.with_columns((nw.col("R") * 100 + nw.col("F") * 10 + nw.col("M")).cast(nw.String).alias("rfm_code"),
                           (nw.col("R") + nw.col("F") + nw.col("M")).alias("rfm_score"),
                           _segment_expr(nw.col("R"), nw.col("F"), nw.col("_first_day") <= day_of(stamp) - new_days))
    out = finish(out.drop("_first_day"), [customer])
    if engine_of(transactions) == "pandas":
        out["rfm_code"] = out["rfm_code"].astype(str)
        out["segment"] = out["segment"].astype(str)
        out.attrs["as_of"] = stamp
    return out


def _per_customer(days, customer: str, stamp_day: int):
    """Recency, frequency, monetary and first purchase per customer from :func:`_days`."""
    import narwhals as nw

    bought = lambda col: nw.when(nw.col("purchase")).then(nw.col(col))  # noqa: E731
    per = (days.with_columns(_dn=day_number(nw.col("day")))
           .with_columns(_bought_dn=bought("_dn"), _bought_day=bought("day"), _n=nw.col("purchase").cast(nw.Int64))
           .group_by(customer)
           .agg(nw.col("_bought_dn").max().alias("_last"), nw.col("_dn").max().alias("_last_any"),
                nw.col("_bought_dn").min().alias("_first_day"), nw.col("_dn").min().alias("_first_any"),
                nw.col("_bought_day").min().alias("first_purchase"), nw.col("day").min().alias("_first_line"),
                nw.col("_n").sum().alias("frequency"), nw.col("net").sum().alias("monetary")))
    return per.select(
        nw.col(customer),
        (stamp_day - nw.col("_last").fill_null(nw.col("_last_any"))).cast(nw.Int64).alias("recency_days"),
        nw.col("frequency"), nw.col("monetary"),
        nw.col("first_purchase").fill_null(nw.col("_first_line")).alias("first_purchase"),
        nw.col("_first_day").fill_null(nw.col("_first_any")).alias("_first_day"))


def _segment_expr(r: "nw.Expr", f: "nw.Expr", old: "nw.Expr") -> "nw.Expr":
    """The named segment of each R x F cell; 新客户 whose first purchase is ``old`` become 潜力客户."""
    import narwhals as nw

    expr = nw.when((r >= 4) & (f == 1) & old).then(nw.lit("潜力客户"))
    for name, _, (r_lo, r_hi), (f_lo, f_hi) in SEGMENTS:
        expr = expr.when(r.is_between(r_lo, r_hi) & f.is_between(f_lo, f_hi)).then(nw.lit(name))
    return expr.alias("segment")


def _check_as_of(days, last: "pd.Timestamp", as_of: "str | pd.Timestamp | None") -> "pd.Timestamp":
    """``as_of`` as a day (default: the day after ``last``); customer-days on or after it are an error."""
    import narwhals as nw
    import pandas as pd

    last = pd.Timestamp(last).normalize()
    stamp = pd.Timestamp(as_of).normalize() if as_of is not None else last + pd.Timedelta(days=1)
    if last >= stamp:
        n = scalars(days, (day_number(nw.col("day")) >= day_of(stamp)).cast(nw.Int64).sum().alias("n"))["n"]
        raise InputError(f"有 {n} 天的交易不早于分析日期 {stamp:%Y-%m-%d} ({n} customer-days are on "
                         f"or after as_of), 最晚 (latest) {last:%Y-%m-%d}; 请调整 as_of 或删除这些行 "
                         f"(move as_of or drop them)")
    return stamp


def _as_of(days: "pd.Series", as_of: "str | pd.Timestamp | None") -> "pd.Timestamp":
    """``as_of`` as a day; by default the day after the last day.  Later lines are an error.

    ``days`` is the ``day`` column of :func:`purchase_days` (pandas)."""
    import pandas as pd

    return _check_as_of(nw_frame(pd.DataFrame({"day": days})), days.max(), as_of)


def eight_classes(table: "pd.DataFrame") -> "pd.Series":
    """The Chinese 8-class model from raw values compared with their means.

    R is *high* when ``recency_days`` is below its mean (bought more recently
    than average); F and M are high when above their means.  A value exactly
    equal to the mean counts as low.  Raw values, not scores, are compared.

    Engines: pandas, Polars, DuckDB, Spark.  An eager table gives a Series
    ``rfm_class`` of the same kind (pandas: aligned with the table's index); a
    lazy one (which has no Series) gives the table with ``rfm_class`` added.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"recency_days": [5, 50], "frequency": [4, 1], "monetary": [900.0, 100.0]})
    >>> eight_classes(t).tolist()
    ['重要价值客户', '一般挽留客户']
    """
    import narwhals as nw

    data = nw_frame(table)
    highs = (nw.col("recency_days") < nw.col("recency_days").mean(), nw.col("frequency") > nw.col("frequency").mean(),
             nw.col("monetary") > nw.col("monetary").mean())
    expr = None
    for (r, f, m), name in EIGHT_CLASSES.items():
        cond = (highs[0] if r else ~highs[0]) & (highs[1] if f else ~highs[1]) & (highs[2] if m else ~highs[2])
        expr = nw.when(cond).then(nw.lit(name)) if expr is None else expr.when(cond).then(nw.lit(name))
    expr = expr.alias("rfm_class")
    if isinstance(data, nw.LazyFrame):
        return data.with_columns(expr).to_native()
    values = data.select(expr)["rfm_class"]
    if engine_of(table) == "pandas":
        return table["recency_days"].__class__(values.to_list(), index=table.index, name="rfm_class")
    return values.to_native()


def segment_summary(table: "pd.DataFrame", by: str = "segment") -> "pd.DataFrame":
    """Customers, revenue and their shares per segment, with the suggested action.

    Sorted by revenue, largest first (ties by ``by``).  Engines: pandas, Polars,
    DuckDB, Spark (returns the same kind; lazy stays lazy).
    """
    import narwhals as nw

    out = (nw_frame(table).group_by(by)
           .agg(nw.len().alias("customers"), nw.col("monetary").sum().alias("revenue"),
                nw.col("recency_days").mean().alias("avg_recency_days"), nw.col("frequency").mean().alias("avg_frequency"))
           .with_columns(round_even(nw.col("avg_recency_days"), 1), round_even(nw.col("avg_frequency"), 2),
                         (nw.col("customers") / nw.col("customers").sum()).alias("customer_share"),
                         (nw.col("revenue") / nw.col("revenue").sum()).alias("revenue_share")))
    if by == "segment":
        action = nw.when(nw.col(by) == next(iter(ACTIONS))).then(nw.lit(ACTIONS[next(iter(ACTIONS))]))
        for name, text in list(ACTIONS.items())[1:]:
            action = action.when(nw.col(by) == name).then(nw.lit(text))
        out = out.with_columns(action.otherwise(nw.lit("")).alias("action"))
    return finish(out.sort(["revenue", by], descending=[True, False]))


def rf_grid(table: "pd.DataFrame", value: str = "customers") -> "pd.DataFrame":
    """5 x 5 R x F table of customer counts (``value="customers"``) or revenue (``"revenue"``).

    Engines: pandas only (a display grid; run it on ``cvwork.frames.to_pandas`` of a lazy RFM table,
    which has one row per customer)."""
    import pandas as pd

    if value not in ("customers", "revenue"):
        raise InputError(f"value 只能是 'customers' 或 'revenue' (value must be 'customers' or 'revenue'), 收到 (got) {value!r}")
    g = table.groupby(["R", "F"])
    cells = g.size() if value == "customers" else g["monetary"].sum()
    full = pd.MultiIndex.from_product([range(1, 6), range(1, 6)], names=["R", "F"])
    return cells.reindex(full, fill_value=0).unstack("F")

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
    import numpy as np
    import pandas as pd

from cvwork.errors import InputError, require_columns, require_rows

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


def quintile_scores(values: "pd.Series", higher_is_better: bool = True) -> "pd.Series":
    """Scores 1-5 from the mid-rank position of each value (see module doc).

    >>> import pandas as pd
    >>> quintile_scores(pd.Series([1, 1, 1, 2, 5])).tolist()   # the tie sits at p = 0.3
    [2, 2, 2, 4, 5]
    >>> quintile_scores(pd.Series([7, 7, 7])).tolist()         # all tied: the middle score
    [3, 3, 3]
    """
    import numpy as np

    v = values if higher_is_better else -values
    position = (v.rank(method="average").to_numpy() - 0.5) / len(v)
    scores = np.clip(1 + np.floor(5 * position + 1e-9).astype(int), 1, 5)
    return values.__class__(scores, index=values.index, name=values.name)


def cancellations(transactions: "pd.DataFrame", amount: str = "amount",
                  order: str | None = "order_id") -> "pd.Series":
    """True for return/cancellation lines: amount < 0, or an order id ``C`` + digit.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"amount": [5.0, -2.0, 3.0], "order_id": ["536365", "536366", "C536367"]})
    >>> cancellations(t).tolist()
    [False, True, True]
    """
    flag = transactions[amount] < 0
    if order and order in transactions.columns:
        flag = flag | transactions[order].astype("string").str.match(r"^[Cc]\d").fillna(False).astype(bool)
    return flag.rename("cancellation")


def purchase_days(transactions: "pd.DataFrame", customer: str = "customer", date: str = "date",
                  amount: str = "amount", order: str | None = "order_id") -> "pd.DataFrame":
    """One row per customer and calendar day: ``customer``, ``day``, ``net``
    (all lines netted) and ``purchase`` (net > 0 with a line that is not a
    cancellation).  The day-level view every RFM/CLV/ABC method works on.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "a"], "amount": [10.0, 5.0, -4.0],
    ...                   "date": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 17:30", "2025-01-03 00:00"])})
    >>> purchase_days(t)[["net", "purchase"]].values.tolist()    # two lines, one day; a return day
    [[15.0, True], [-4.0, False]]
    """
    import numpy as np
    import pandas as pd

    codes, names = pd.factorize(transactions[customer], sort=True)
    if (codes < 0).any():
        raise InputError(f"'{customer}' 列有 {int((codes < 0).sum())} 行为空 ({int((codes < 0).sum())} rows have no "
                         f"customer); 请补上或删除这些行 (fill or drop them)")
    day = pd.to_datetime(transactions[date]).dt.normalize().to_numpy().astype("datetime64[D]").astype(np.int64)
    first, span = int(day.min()), int(day.max() - day.min()) + 1
    keys, inverse = np.unique(codes.astype(np.int64) * span + (day - first), return_inverse=True)
    sale = (~cancellations(transactions, amount, order)).to_numpy()
    net = np.bincount(inverse, weights=transactions[amount].to_numpy(dtype=float), minlength=len(keys))
    out = pd.DataFrame({customer: names[keys // span],
                        "day": (keys % span + first).astype("datetime64[D]").astype("datetime64[ns]"), "net": net})
    out["purchase"] = (net > 0) & (np.bincount(inverse, weights=sale, minlength=len(keys)) > 0)
    return out


def segment_of(r: int, f: int) -> str:
    """The named segment of one R x F cell."""
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
    ``.attrs["as_of"]``.  新客户 are the R 4-5 / F 1 cell *and* a first
    purchase less than ``new_days`` before ``as_of`` (lesson 07's rule); the
    rest of that cell bought recently after a long gap and go to 潜力客户.  A
    customer with no purchase day at all (returns only) has frequency 0 and
    recency from their last line.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [5.0, 5.0, 8.0],
    ...                   "date": pd.to_datetime(["2025-03-01 08:00", "2025-03-01 18:00", "2025-02-01 00:00"])})
    >>> rfm_table(t)[["customer", "recency_days", "frequency", "monetary"]].values.tolist()
    [['a', 1, 1, 10.0], ['b', 29, 1, 8.0]]
    """
    import numpy as np
    import pandas as pd

    require_columns(transactions, (customer, date, amount))
    require_rows(transactions)
    if not transactions[amount].ne(0).any():
        raise InputError(f"'{amount}' 列全是 0 (every amount is zero); 请检查金额列 (check the amount column)")
    days = purchase_days(transactions, customer, date, amount, order)
    stamp = _as_of(days["day"], as_of)
    bought = days[days["purchase"]]
    g, gb = days.groupby(customer, sort=True), bought.groupby(customer, sort=True)
    last = gb["day"].max().reindex(g.size().index).fillna(g["day"].max())
    first = gb["day"].min().reindex(last.index).fillna(g["day"].min())
    out = pd.DataFrame({"recency_days": (stamp - last).dt.days, "frequency": gb.size().reindex(last.index, fill_value=0),
                        "monetary": g["net"].sum(), "first_purchase": first})
    out["R"] = quintile_scores(out["recency_days"], higher_is_better=False)
    out["F"] = quintile_scores(out["frequency"])
    out["M"] = quintile_scores(out["monetary"])
    out["rfm_code"] = (out["R"] * 100 + out["F"] * 10 + out["M"]).astype(str)
    out["rfm_score"] = out["R"] + out["F"] + out["M"]
    seg = _segment_lookup(out["R"].to_numpy(), out["F"].to_numpy())
    old = (seg == "新客户") & ((stamp - out["first_purchase"]).dt.days.to_numpy() >= new_days)
    out["segment"] = np.where(old, "潜力客户", seg)
    out = out.rename_axis(customer).reset_index()
    out.attrs["as_of"] = stamp
    return out


def _as_of(days: "pd.Series", as_of: "str | pd.Timestamp | None") -> "pd.Timestamp":
    """``as_of`` as a day; by default the day after the last day.  Later lines are an error."""
    import pandas as pd

    stamp = pd.Timestamp(as_of).normalize() if as_of is not None else days.max() + pd.Timedelta(days=1)
    if days.max() >= stamp:
        late = days[days >= stamp]
        raise InputError(f"有 {len(late)} 天的交易不早于分析日期 {stamp:%Y-%m-%d} ({len(late)} customer-days are on "
                         f"or after as_of), 最晚 (latest) {late.max():%Y-%m-%d}; 请调整 as_of 或删除这些行 "
                         f"(move as_of or drop them)")
    return stamp


def _segment_lookup(r: "np.ndarray", f: "np.ndarray") -> "np.ndarray":
    import numpy as np

    grid = np.empty((6, 6), dtype=object)
    for ri in range(1, 6):
        for fi in range(1, 6):
            grid[ri, fi] = segment_of(ri, fi)
    return grid[r, f]


def eight_classes(table: "pd.DataFrame") -> "pd.Series":
    """The Chinese 8-class model from raw values compared with their means.

    R is *high* when ``recency_days`` is below its mean (bought more recently
    than average); F and M are high when above their means.  A value exactly
    equal to the mean counts as low.  Raw values, not scores, are compared.
    """
    r_high = table["recency_days"] < table["recency_days"].mean()
    f_high = table["frequency"] > table["frequency"].mean()
    m_high = table["monetary"] > table["monetary"].mean()
    keys = zip(r_high, f_high, m_high)
    return table["recency_days"].__class__([EIGHT_CLASSES[k] for k in keys], index=table.index, name="rfm_class")


def segment_summary(table: "pd.DataFrame", by: str = "segment") -> "pd.DataFrame":
    """Customers, revenue and their shares per segment, with the suggested action."""
    import pandas as pd

    g = table.groupby(by)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["monetary"].sum(),
                        "avg_recency_days": g["recency_days"].mean().round(1),
                        "avg_frequency": g["frequency"].mean().round(2)})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    if by == "segment":
        out["action"] = [ACTIONS.get(s, "") for s in out.index]
    return out.sort_values("revenue", ascending=False).reset_index()


def rf_grid(table: "pd.DataFrame", value: str = "customers") -> "pd.DataFrame":
    """5 x 5 R x F table of customer counts (``value="customers"``) or revenue (``"revenue"``)."""
    import pandas as pd

    if value not in ("customers", "revenue"):
        raise InputError(f"value 只能是 'customers' 或 'revenue' (value must be 'customers' or 'revenue'), 收到 (got) {value!r}")
    g = table.groupby(["R", "F"])
    cells = g.size() if value == "customers" else g["monetary"].sum()
    full = pd.MultiIndex.from_product([range(1, 6), range(1, 6)], names=["R", "F"])
    return cells.reindex(full, fill_value=0).unstack("F")

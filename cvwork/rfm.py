"""RFM: recency, frequency, monetary value per customer, scores and segments.

Scoring rule (``quintile_scores``): a customer's score is 1 plus the number of
whole fifths of all customers whose value is strictly worse than theirs,
``score = 1 + floor(5 * share_strictly_worse)``.  Equal raw values therefore
always get equal scores, the score never decreases as the value improves, and
heavy ties are handled honestly: when 60% of customers bought once, all of
them share the lowest frequency score 1, and the next score used is 4 (the
customers who beat three fifths).  Scores run from 1 to 5, 5 best; for
recency fewer days is better.
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
    """Scores 1-5 by the share of customers strictly worse (see module doc).

    >>> import pandas as pd
    >>> quintile_scores(pd.Series([1, 1, 1, 2, 5])).tolist()
    [1, 1, 1, 4, 5]
    """
    import numpy as np

    v = values if higher_is_better else -values
    worse = v.rank(method="min").to_numpy() - 1          # customers strictly worse
    scores = 1 + np.floor(5 * worse / len(v)).astype(int)
    return values.__class__(scores, index=values.index, name=values.name)


def segment_of(r: int, f: int) -> str:
    """The named segment of one R x F cell."""
    for name, _, (r_lo, r_hi), (f_lo, f_hi) in SEGMENTS:
        if r_lo <= r <= r_hi and f_lo <= f <= f_hi:
            return name
    raise InputError(f"R={r}, F={f} 不在 1-5 之间 (scores must be 1-5)")


def rfm_table(transactions: "pd.DataFrame", as_of: str | None = None, customer: str = "customer",
              date: str = "date", amount: str = "amount", order: str | None = "order_id") -> "pd.DataFrame":
    """One row per customer: ``recency_days``, ``frequency``, ``monetary``,
    scores ``R``, ``F``, ``M`` (1-5, 5 best), ``rfm_code`` ("543"),
    ``rfm_score`` (R + F + M) and ``segment``.

    ``frequency`` counts distinct ``order`` ids; without an order column it
    counts distinct purchase days.  ``monetary`` is net revenue (returns
    netted).  ``as_of`` defaults to the day after the last transaction and is
    stored in ``.attrs["as_of"]``.
    """
    import numpy as np
    import pandas as pd

    require_columns(transactions, (customer, date, amount))
    require_rows(transactions)
    if not transactions[amount].ne(0).any():
        raise InputError(f"'{amount}' 列全是 0 (every amount is zero); 请检查金额列 (check the amount column)")
    stamp = pd.Timestamp(as_of) if as_of is not None else transactions[date].max().normalize() + pd.Timedelta(days=1)
    if transactions[date].max() > stamp:
        late = transactions.loc[transactions[date] > stamp, date]
        raise InputError(f"有 {len(late)} 行日期晚于分析日期 {stamp:%Y-%m-%d} ({len(late)} rows are after as_of), "
                         f"最晚 (latest) {late.max():%Y-%m-%d}; 请调整 as_of 或删除这些行 (move as_of or drop them)")
    key = order if order and order in transactions.columns else date
    codes, names = pd.factorize(transactions[customer], sort=True)
    pairs = pd.DataFrame({"c": codes, "k": pd.factorize(transactions[key])[0]}).drop_duplicates()
    last = pd.Series(transactions[date].to_numpy()).groupby(codes).max()
    out = pd.DataFrame({
        "recency_days": (stamp - last).dt.days.to_numpy(),
        "frequency": np.bincount(pairs["c"].to_numpy(), minlength=len(names)),
        "monetary": np.bincount(codes, weights=transactions[amount].to_numpy(dtype=float), minlength=len(names)),
    }, index=pd.Index(names, name=customer))
    out["R"] = quintile_scores(out["recency_days"], higher_is_better=False)
    out["F"] = quintile_scores(out["frequency"])
    out["M"] = quintile_scores(out["monetary"])
    out["rfm_code"] = (out["R"] * 100 + out["F"] * 10 + out["M"]).astype(str)
    out["rfm_score"] = out["R"] + out["F"] + out["M"]
    out["segment"] = _segment_lookup(out["R"].to_numpy(), out["F"].to_numpy())
    out = out.reset_index()
    out.attrs["as_of"] = stamp
    return out


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

"""ABC (Pareto) analysis, customer grades and the value quadrant.

Class rule: customers are sorted by net revenue (largest first, ties by
customer id).  A customer belongs to A while the revenue *before* them is
still below ``a`` of the total, so the customer who crosses the threshold is
in A and class A always covers at least ``a``; B likewise up to ``b``; the
rest are C.  Customers whose net revenue is zero or negative (returns exceed
purchases) are always C; shares are taken of the positive revenue, so for
them ``share <= 0`` and the shares of A, B and C customers with positive
revenue sum to 1.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns, require_rows

GRADES = {"A": "高", "B": "中", "C": "低"}
QUADRANTS = {  # (current high, potential high) -> (name, strategy)
    (True, True): ("明星客户", "重点投入：专属团队、联合规划，争取更大份额"),
    (True, False): ("成熟客户", "稳住基本盘：保证服务质量，控制服务成本，防止流失"),
    (False, True): ("潜力客户", "培育增长：方案升级、交叉销售，把增长变成规模"),
    (False, False): ("一般客户", "标准化服务：线上渠道、标准套餐，降低服务成本"),
}


def abc_analysis(sales: "pd.DataFrame", a: float = 0.8, b: float = 0.95,
                 customer: str = "customer", amount: str = "amount") -> "pd.DataFrame":
    """Customers sorted by revenue with ``revenue``, ``share``, ``cum_share``,
    ``abc_class`` and ``grade`` (A/B/C = 高/中/低).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": list("wxyz"), "amount": [70, 20, 6, 4]})
    >>> abc_analysis(s)["abc_class"].tolist()   # x crosses 80% and stays in A
    ['A', 'A', 'B', 'C']
    """
    import numpy as np
    import pandas as pd

    if not 0 < a < b <= 1:
        raise InputError(f"阈值需满足 0 < a < b <= 1 (thresholds need 0 < a < b <= 1), 收到 (got) a={a}, b={b}")
    require_columns(sales, (customer, amount))
    require_rows(sales, "销售表")
    revenue = sales.groupby(customer)[amount].sum().round(2)
    positive = revenue[revenue > 0].sum()
    if positive <= 0:
        raise InputError("没有任何客户的净销售额大于 0 (no customer has positive net revenue); "
                         "请检查金额列 (check the amount column)")
    out = pd.DataFrame({customer: revenue.index, "revenue": revenue.to_numpy()})
    out = out.sort_values(["revenue", customer], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["share"] = out["revenue"] / positive
    out["cum_share"] = out["share"].clip(lower=0).cumsum()
    before = out["cum_share"] - out["share"].clip(lower=0)
    cls = np.where(before < a - 1e-12, "A", np.where(before < b - 1e-12, "B", "C"))
    out["abc_class"] = np.where(out["revenue"] > 0, cls, "C")
    out["grade"] = out["abc_class"].map(GRADES)
    return out


def abc_summary(table: "pd.DataFrame") -> "pd.DataFrame":
    """Per class: customers, their share, revenue, its share."""
    import pandas as pd

    g = table.groupby("abc_class")
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum()}).reindex(["A", "B", "C"], fill_value=0)
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / table.loc[table["revenue"] > 0, "revenue"].sum()
    out["grade"] = [GRADES[c] for c in out.index]
    return out.reset_index()


def pareto_point(table: "pd.DataFrame", level: float = 0.8) -> float:
    """Share of customers needed (largest first) to reach ``level`` of revenue.

    >>> import pandas as pd
    >>> pareto_point(abc_analysis(pd.DataFrame({"customer": list("wxyz"), "amount": [70, 20, 6, 4]})))
    0.5
    """
    before = table["cum_share"] - table["share"].clip(lower=0)
    return float((before < level - 1e-12).sum() / len(table))


def value_quadrants(sales: "pd.DataFrame", as_of: str, window_days: int = 365, customer: str = "customer",
                    date: str = "date", amount: str = "amount") -> "pd.DataFrame":
    """Current value x potential value, one row per customer active in either window.

    Current value = net revenue in the last ``window_days`` before ``as_of``.
    Potential value is proxied by the growth rate against the window before,
    ``(current - previous) / max(current, previous)``: -1 for a customer who
    stopped buying, +1 for a new one, 0 when flat (or both zero).  The sales
    log is all we are sure to have, and a customer who buys more each year is
    the clearest sign of unused potential; a rate, not a difference, so that
    potential does not simply repeat size.  When company size or share of
    wallet is known, use that instead.
    Both axes are split at their medians (a value equal to the median is high).
    """
    import pandas as pd

    require_columns(sales, (customer, date, amount))
    end = pd.Timestamp(as_of)
    start, prev = end - pd.Timedelta(days=window_days), end - pd.Timedelta(days=2 * window_days)
    recent = sales[(sales[date] >= start) & (sales[date] < end)].groupby(customer)[amount].sum()
    earlier = sales[(sales[date] >= prev) & (sales[date] < start)].groupby(customer)[amount].sum()
    out = pd.concat({"current_value": recent, "previous_value": earlier}, axis=1).fillna(0.0)
    require_rows(out, "分析窗口内的销售")
    base = out[["current_value", "previous_value"]].max(axis=1)
    out["growth"] = ((out["current_value"] - out["previous_value"]) / base.where(base > 0)).fillna(0.0).clip(-1, 1)
    high_now = out["current_value"] >= out["current_value"].median()
    high_pot = out["growth"] >= out["growth"].median()
    keys = list(zip(high_now, high_pot))
    out["quadrant"] = [QUADRANTS[k][0] for k in keys]
    out["strategy"] = [QUADRANTS[k][1] for k in keys]
    return out.rename_axis(customer).reset_index().sort_values(["quadrant", customer]).reset_index(drop=True)

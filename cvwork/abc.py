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
    import narwhals as nw
    import pandas as pd

from cvwork.errors import InputError, require_columns, require_rows
from cvwork.frames import engine_of, like, nw_frame, require, scalars

GRADES = {"A": "高", "B": "中", "C": "低"}
QUADRANTS = {  # (current high, potential high) -> (name, strategy)
    (True, True): ("明星客户", "重点投入：专属团队、联合规划，争取更大份额"),
    (True, False): ("成熟客户", "稳住基本盘：保证服务质量，控制服务成本，防止流失"),
    (False, True): ("潜力客户", "培育增长：方案升级、交叉销售，把增长变成规模"),
    (False, False): ("一般客户", "标准化服务：线上渠道、标准套餐，降低服务成本"),
}
#: groups outside the 2 x 2 split: no comparable previous window, or no purchase now
OTHER_GROUPS = {
    "新客户": "做好首单交付和上线辅导，争取尽快第二次购买；增长率对他们没有意义",
    "回流客户": "问清为什么回来、以前为什么离开，按新客户的节奏建立固定联系",
    "流失客户": "近一个窗口没有购买：过去贡献大的由客户经理挽回，其余交给市场部低成本触达",
}
GROUP_ORDER = ["明星客户", "成熟客户", "潜力客户", "一般客户", "新客户", "回流客户", "流失客户"]


def abc_analysis(sales: "pd.DataFrame", a: float = 0.8, b: float = 0.95,
                 customer: str = "customer", amount: str = "amount") -> "pd.DataFrame":
    """Customers sorted by revenue with ``revenue``, ``share``, ``cum_share``,
    ``abc_class`` and ``grade`` (A/B/C = 高/中/低).

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind; lazy stays
    lazy, only the positive total is collected; eager results sorted by revenue,
    largest first, ties by customer).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": list("wxyz"), "amount": [70, 20, 6, 4]})
    >>> abc_analysis(s)["abc_class"].tolist()   # x crosses 80% and stays in A
    ['A', 'A', 'B', 'C']
    """
    import narwhals as nw

    if not 0 < a < b <= 1:
        raise InputError(f"阈值需满足 0 < a < b <= 1 (thresholds need 0 < a < b <= 1), 收到 (got) a={a}, b={b}")
    require(sales, (customer, amount))
    revenue = (nw_frame(sales).group_by(customer).agg(nw.col(amount).sum())
               .select(nw.col(customer), nw.col(amount).round(2).alias("revenue")))
    rev = nw.col("revenue")
    facts = scalars(revenue, nw.len().alias("n"), nw.when(rev > 0).then(rev).sum().alias("positive"))
    require_rows(range(facts["n"]), "销售表")
    positive = facts["positive"] or 0
    if positive <= 0:
        raise InputError("没有任何客户的净销售额大于 0 (no customer has positive net revenue); "
                         "请检查金额列 (check the amount column)")
    share = nw.col("share").clip(lower_bound=0)
    out = (revenue.with_columns((rev / positive).alias("share"), (-rev).alias("_neg"))
           .with_columns(share.cum_sum().over(order_by=["_neg", customer]).alias("cum_share"))
           .with_columns((nw.col("cum_share") - share).alias("_before")))
    cls = (nw.when(rev <= 0).then(nw.lit("C")).when(nw.col("_before") < a - 1e-12).then(nw.lit("A"))
           .when(nw.col("_before") < b - 1e-12).then(nw.lit("B")).otherwise(nw.lit("C")))
    out = out.with_columns(cls.alias("abc_class")).with_columns(_grade_expr(nw.col("abc_class")))
    out = out.drop("_neg", "_before")
    if isinstance(out, nw.DataFrame):
        out = out.sort(["revenue", customer], descending=[True, False])
    return _native(out, sales)


def _grade_expr(cls: "nw.Expr") -> "nw.Expr":
    import narwhals as nw

    expr = nw.when(cls == "A").then(nw.lit(GRADES["A"]))
    for key in ("B", "C"):
        expr = expr.when(cls == key).then(nw.lit(GRADES[key]))
    return expr.alias("grade")


def _native(out, like_frame):
    """Unwrap a narwhals result; pandas gets a fresh 0..n-1 index and ``str`` text columns."""
    native = out.to_native()
    if engine_of(like_frame) == "pandas":
        native = native.reset_index(drop=True)
        for col in native.columns:
            if native[col].dtype == "string" or native[col].dtype == object:
                native[col] = native[col].astype(str)
    return native


def abc_summary(table: "pd.DataFrame") -> "pd.DataFrame":
    """Per class: customers, their share, revenue, its share.

    Engines: pandas, Polars, DuckDB, Spark (a three-row result of the same kind;
    the counts and sums are computed where the table lives)."""
    import narwhals as nw
    import pandas as pd

    cls, rev = nw.col("abc_class"), nw.col("revenue")
    sums = scalars(table, nw.when(rev > 0).then(rev).sum().alias("positive"),
                   *[(cls == c).cast(nw.Int64).sum().alias(f"n_{c}") for c in "ABC"],
                   *[nw.when(cls == c).then(rev).sum().alias(f"r_{c}") for c in "ABC"])
    out = pd.DataFrame({"abc_class": list("ABC"), "customers": [int(sums[f"n_{c}"] or 0) for c in "ABC"],
                        "revenue": [float(sums[f"r_{c}"] or 0) for c in "ABC"]})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / (sums["positive"] or 0)
    out["grade"] = [GRADES[c] for c in out["abc_class"]]
    return like(out, table)


def pareto_point(table: "pd.DataFrame", level: float = 0.8) -> float:
    """Share of customers needed (largest first) to reach ``level`` of revenue.

    Engines: pandas, Polars, DuckDB, Spark (a number; one aggregate is collected).

    >>> import pandas as pd
    >>> pareto_point(abc_analysis(pd.DataFrame({"customer": list("wxyz"), "amount": [70, 20, 6, 4]})))
    0.5
    """
    import narwhals as nw

    before = nw.col("cum_share") - nw.col("share").clip(lower_bound=0)
    got = scalars(table, (before < level - 1e-12).cast(nw.Int64).sum().alias("k"), nw.len().alias("n"))
    return float(got["k"] / got["n"])


def pareto_curve(table: "pd.DataFrame", max_points: int = 2000) -> "pd.DataFrame":
    """Points of the Pareto (Lorenz-style) curve of an :func:`abc_analysis` table:
    ``customer_share`` (customers so far, largest first), ``cum_share`` and the
    ``abc_class`` of the customer at each point, starting at (0, 0).  At most
    ``max_points`` evenly spaced customers (plus every class boundary) are
    kept, so a chart of 100,000 customers stays cheap.

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind, sorted by
    ``customer_share``; the order is rebuilt from ``cum_share`` and ``share``).

    >>> import pandas as pd
    >>> pareto_curve(abc_analysis(pd.DataFrame({"customer": list("wxyz"), "amount": [70, 20, 6, 4]})))["cum_share"].round(6).tolist()
    [0.0, 0.7, 0.9, 0.96, 1.0]
    """
    import narwhals as nw
    import numpy as np

    data = nw_frame(table)
    n = scalars(data, nw.len().alias("n"))["n"]
    even = np.linspace(0, n - 1, min(n, max_points)).round().astype(int).tolist()
    ranked = (data.with_columns((-nw.col("share")).alias("_neg"))
              .with_row_index("_i", order_by=["cum_share", "_neg"])
              .with_columns(nw.col("abc_class").shift(-1).over(order_by="_i").alias("_next")))
    boundary = (nw.col("abc_class") != nw.col("_next")).fill_null(True) | nw.col("_next").is_null()
    points = ranked.filter(nw.col("_i").is_in(even) | boundary).select(
        ((nw.col("_i") + 1) / n).alias("customer_share"), nw.col("cum_share"), nw.col("abc_class"))
    start = ranked.filter(nw.col("_i") == 0).select(
        nw.lit(0.0).alias("customer_share"), nw.lit(0.0).alias("cum_share"), nw.col("abc_class"))
    return _native(nw.concat([start, points]).sort("customer_share"), table)


def value_quadrants(sales: "pd.DataFrame", as_of: str | None = None, window_days: int = 365,
                    customer: str = "customer", date: str = "date", amount: str = "amount",
                    order: str | None = "order_id") -> "pd.DataFrame":
    """Current value x potential value for every customer with a purchase in
    the current or the previous window (``window_days`` each, before ``as_of``;
    default the day after the last date).  Days, returns and cancellations
    follow :mod:`cvwork.rfm`'s time rule.

    ``current_value`` / ``previous_value`` = net revenue in each window;
    ``growth = (current - previous) / max(current, previous)``.  Groups:

    * 流失客户: no purchase day in the current window (growth -1 or below);
    * 新客户: first purchase inside the current window; 回流客户: bought now and
      before the previous window but not in it.  Growth has no comparable base
      for these two and is left empty (NaN), not pinned at +1;
    * the rest (a purchase in both windows) are split at *their own* medians:
      high means strictly above the median, so a median shared by many
      customers (e.g. 0) never makes them all high.

    Engines: pandas only.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [1.0, 2.0, 5.0],
    ...                   "date": pd.to_datetime(["2024-03-01", "2025-03-01", "2024-03-01"])})
    >>> value_quadrants(s, as_of="2026-01-01")["quadrant"].tolist()
    ['一般客户', '流失客户']
    """
    import numpy as np
    import pandas as pd

    from cvwork.rfm import _as_of, purchase_days

    require_columns(sales, (customer, date, amount))
    require_rows(sales, "销售表")
    days = purchase_days(sales, customer, date, amount, order)
    end = _as_of(days["day"], as_of)
    start, prev = end - pd.Timedelta(days=window_days), end - pd.Timedelta(days=2 * window_days)
    codes, names = pd.factorize(days[customer])
    now, before = (days["day"] >= start).to_numpy(), ((days["day"] >= prev) & (days["day"] < start)).to_numpy()
    net, bought = days["net"].to_numpy(), days["purchase"].to_numpy()
    total = lambda mask, w: np.bincount(codes[mask], weights=w[mask], minlength=len(names))  # noqa: E731
    first_day = days["day"].where(days["purchase"]).groupby(codes).min().to_numpy()
    out = pd.DataFrame({"current_value": total(now, net), "previous_value": total(before, net),
                        "bought_now": total(now & bought, np.ones(len(net))) > 0,
                        "bought_before": total(before & bought, np.ones(len(net))) > 0,
                        "first": first_day}, index=pd.Index(names, name=customer))
    out = out[out["bought_now"] | out["bought_before"]].copy()
    require_rows(out, "分析窗口内的购买")
    first = out.pop("first")
    base = out[["current_value", "previous_value"]].max(axis=1)
    out["growth"] = ((out["current_value"] - out["previous_value"]) / base.where(base > 0)).clip(-1, 1)
    now_ok, before_ok = out.pop("bought_now").to_numpy(), out.pop("bought_before").to_numpy()
    group = np.where(~now_ok, "流失客户", np.where((first >= start).to_numpy(), "新客户", np.where(~before_ok, "回流客户", "")))
    out.loc[group == "流失客户", "growth"] = out["growth"].fillna(-1.0)
    out.loc[np.isin(group, ["新客户", "回流客户"]), "growth"] = np.nan
    both = group == ""
    cur, gro = out["current_value"], out["growth"]
    high_now = cur > cur[both].median()
    high_pot = gro > gro[both].median()
    names = [QUADRANTS[(h, p)][0] if k == "" else k for k, h, p in zip(group, high_now, high_pot)]
    out["quadrant"] = names
    out["strategy"] = [dict(QUADRANTS.values()).get(n) or OTHER_GROUPS[n] for n in names]
    out["group_order"] = out["quadrant"].map(GROUP_ORDER.index)
    out = out.rename_axis(customer).reset_index().sort_values(["group_order", customer], kind="stable")
    out.attrs.update(as_of=end, window_days=window_days)
    return out.drop(columns="group_order").reset_index(drop=True)


def quadrant_summary(quadrants: "pd.DataFrame", customer: str = "customer") -> "pd.DataFrame":
    """Per group (the four quadrants, then 新客户, 回流客户, 流失客户): customers,
    current and previous net revenue, share of current revenue, strategy.  Engines: pandas only."""
    import pandas as pd

    g = quadrants.groupby("quadrant")
    out = pd.DataFrame({"customers": g.size(), "current_value": g["current_value"].sum(),
                        "previous_value": g["previous_value"].sum(), "strategy": g["strategy"].first()})
    out = out.reindex([q for q in GROUP_ORDER if q in out.index])
    out["revenue_share"] = out["current_value"] / out["current_value"].clip(lower=0).sum()
    return out.rename_axis("quadrant").reset_index()[["quadrant", "customers", "current_value", "previous_value",
                                                      "revenue_share", "strategy"]]

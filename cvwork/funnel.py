"""Funnel computations: revenue buckets of customers (lesson 08).

Buckets are half-open, ``[low, high)``, and the first and last are open-ended,
so every customer lands in exactly one bucket: a customer whose total is
exactly 10,000 is in 1-5万, not lost between two strict comparisons.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns

DEFAULT_EDGES = (10_000, 50_000, 100_000, 200_000)


def _wan(value: float) -> str:
    """10000 -> '1', 15000 -> '1.5' (in 万, ten thousands)."""
    return f"{value / 10_000:g}"


def bucket_labels(edges: Sequence[float]) -> list[str]:
    """Chinese labels for buckets cut at ``edges`` (in yuan).

    >>> bucket_labels((10_000, 50_000, 100_000, 200_000))
    ['1万以下', '1-5万', '5-10万', '10-20万', '20万以上']
    """
    inner = [f"{_wan(lo)}-{_wan(hi)}万" for lo, hi in zip(edges[:-1], edges[1:])]
    return [f"{_wan(edges[0])}万以下", *inner, f"{_wan(edges[-1])}万以上"]


def _check_edges(edges: Sequence[float], labels: Sequence[str] | None) -> list[str]:
    edges = list(edges)
    if not edges or any(b <= a for a, b in zip(edges[:-1], edges[1:])):
        raise InputError(f"分段边界必须严格递增 (bucket edges must be strictly increasing): {edges}")
    labels = bucket_labels(edges) if labels is None else list(labels)
    if len(labels) != len(edges) + 1:
        raise InputError(f"标签数应为边界数加一 (need {len(edges) + 1} labels for {len(edges)} edges), "
                         f"收到 (got) {len(labels)}: {labels}")
    return labels


def select_product(sales: "pd.DataFrame", product: str | None, product_col: str = "product") -> "pd.DataFrame":
    """The lines of one product; a clear error listing the products when absent."""
    if product is None:
        return sales
    if product_col not in sales.columns:
        raise InputError(f"缺少产品列 '{product_col}' (missing product column '{product_col}'); "
                         f"表中的列 (columns): {', '.join(map(str, sales.columns))}")
    lines = sales[sales[product_col] == product]
    if lines.empty:
        found = sales[product_col].dropna().value_counts().index.tolist()
        shown = ", ".join(map(str, found[:20])) + (" ..." if len(found) > 20 else "")
        raise InputError(f"找不到产品 '{product}' (product '{product}' not found); "
                         f"文件中的产品 (products in the file): {shown}")
    return lines


def customer_buckets(sales: "pd.DataFrame", product: str | None = None,
                     edges: Sequence[float] = DEFAULT_EDGES, labels: Sequence[str] | None = None,
                     customer: str = "customer", amount: str = "amount",
                     product_col: str = "product") -> "pd.DataFrame":
    """One row per customer: net ``revenue`` (returns netted) and its ``bucket``.

    Sorted by revenue, largest first; ties by customer name.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [12_000, -2_000, 60_000]})
    >>> customer_buckets(s)[["customer", "revenue", "bucket"]].values.tolist()
    [['b', 60000.0, '5-10万'], ['a', 10000.0, '1-5万']]
    """
    import numpy as np
    import pandas as pd

    labels = _check_edges(edges, labels)
    require_columns(sales, (customer, amount))
    lines = select_product(sales, product, product_col)
    totals = lines.groupby(customer, sort=False)[amount].sum().astype("float64").round(2)
    bins = [-np.inf, *edges, np.inf]
    bucket = pd.cut(totals, bins=bins, labels=labels, right=False)
    out = pd.DataFrame({customer: totals.index, "revenue": totals.to_numpy(), "bucket": bucket.array})
    return out.sort_values(["revenue", customer], ascending=[False, True], kind="stable").reset_index(drop=True)


def revenue_buckets(sales: "pd.DataFrame", product: str | None = None,
                    edges: Sequence[float] = DEFAULT_EDGES, labels: Sequence[str] | None = None,
                    customer: str = "customer", amount: str = "amount",
                    product_col: str = "product") -> "pd.DataFrame":
    """Customers and revenue per revenue bucket, low to high (the R funnel example).

    Parameters
    ----------
    sales : sales lines with ``customer``, ``amount`` (and ``product`` when filtering)
    product : keep only this product's lines (``None`` = all products)
    edges : bucket edges in yuan; buckets are ``[edge_i, edge_{i+1})``
    labels : one label per bucket (``len(edges) + 1``), default 1万以下, 1-5万, ...

    Returns
    -------
    DataFrame with ``bucket``, ``low``, ``high``, ``customers``, ``revenue``,
    ``customer_share`` and ``revenue_share``; customers sum to the product's
    distinct customers and revenue to the product's total.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a", "b", "c"], "amount": [9_999.99, 10_000, 50_000]})
    >>> revenue_buckets(s)["customers"].tolist()
    [1, 1, 1, 0, 0]
    """
    import numpy as np
    import pandas as pd

    per_customer = customer_buckets(sales, product, edges, labels, customer, amount, product_col)
    labels = list(per_customer["bucket"].cat.categories)
    grouped = per_customer.groupby("bucket", observed=False)["revenue"]
    out = pd.DataFrame({"bucket": labels, "low": [-np.inf, *edges], "high": [*edges, np.inf],
                        "customers": grouped.size().reindex(labels).to_numpy(),
                        "revenue": grouped.sum().reindex(labels).to_numpy().round(2)})
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else 0.0
    out["revenue_share"] = out["revenue"] / total if total else 0.0
    return out

"""Helpers around revenue buckets (lesson 08): edges that fit the data, the
"push up one bucket" list with recency, and how a funnel's area misleads.

The bucket table itself is :func:`cvwork.funnel.revenue_buckets`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError
from cvwork.frames import scalars
from cvwork.funnel import DEFAULT_EDGES, _bucket_counts, bucket_labels, customer_buckets

#: quantile levels used when the default edges do not fit: half of the
#: customers below the first edge, 20% above the second, 5% above the third, 1% above the last
QUANTILE_LEVELS = (0.5, 0.8, 0.95, 0.99)
#: the default edges "fit" when no bucket holds more than this share of the customers
MAX_SHARE = 0.8
#: customers not yet recently active: flagged in the push-up list
INACTIVE = ("沉默客户", "流失客户")


def nice_number(x: float) -> float:
    """``x`` rounded to the nearest (in ratio) of 1, 2, 2.5, 5 x 10^k.

    >>> nice_number(37), nice_number(0.3), nice_number(180_000), nice_number(13)
    (50.0, 0.25, 200000.0, 10.0)
    """
    if not x > 0 or math.isinf(x):
        raise InputError(f"取整的数必须为正数 (the number to round must be positive), 收到 (got) {x}")
    power = 10.0 ** math.floor(math.log10(x))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    return float(min(steps, key=lambda s: abs(math.log(s / x))))


def edges_from_data(totals: "pd.Series", levels: Sequence[float] = QUANTILE_LEVELS,
                    column: str = "revenue") -> tuple[float, ...]:
    """Edges at the quantiles ``levels`` of customer totals, rounded with :func:`nice_number`.

    Non-positive quantiles are skipped and equal rounded edges merged, so the
    result may have fewer edges than ``levels``.  Quantiles are linear
    (pandas' default), computed where the totals live.

    Engines: a pandas or Polars Series of totals, or a frame of any engine
    (pandas, Polars, DuckDB, Spark) whose ``column`` holds them, e.g. a
    :func:`cvwork.funnel.customer_buckets` table (returns a tuple).

    >>> import pandas as pd
    >>> edges_from_data(pd.Series(range(1, 101)))
    (50.0, 100.0)
    """
    import narwhals as nw

    data = nw.from_native(totals, allow_series=True)
    if isinstance(data, nw.Series):
        data, column = data.alias("v").to_frame(), "v"
    got = scalars(data, *[nw.col(column).quantile(float(q), interpolation="linear").alias(f"q{i}")
                          for i, q in enumerate(levels)])
    qs = [float(got[f"q{i}"]) for i in range(len(levels)) if got[f"q{i}"] is not None and got[f"q{i}"] > 0]
    edges = sorted({nice_number(q) for q in qs})
    if not edges:
        raise InputError("没有销售额为正的客户，无法按数据选择分段边界 (no customer has a positive total, "
                         "so edges cannot follow the data); 请检查金额列或直接给出 edges (check the amount column or pass edges)")
    return tuple(edges)


@dataclass(frozen=True)
class EdgeChoice:
    """The edges used, where they came from (``given``/``default``/``data``) and why, in Chinese."""
    edges: tuple[float, ...]
    source: str
    note: str


def choose_edges(sales: "pd.DataFrame", product: str | None = None, edges: Sequence[float] | None = None,
                 currency: str = "元", max_share: float = MAX_SHARE, **columns) -> EdgeChoice:
    """Edges given by the user, else the defaults when they fit, else edges from the data.

    The defaults (1万/5万/10万/20万) fit when no bucket holds more than
    ``max_share`` of the customers.  Otherwise (dollar data puts everyone in
    1万以下) the edges are the 50/80/95/99% quantiles of the customer totals
    rounded to 1, 2, 2.5 or 5 x 10^k.

    Engines: pandas, Polars, DuckDB, Spark (the bucket counts and quantiles are
    computed where the lines live; returns an :class:`EdgeChoice`).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": list("abcd"), "amount": [20.0, 40, 60, 900]})
    >>> choice = choose_edges(s, currency="美元")
    >>> choice.edges, choice.source
    ((50.0, 500.0, 1000.0), 'data')
    """
    if edges is not None:
        return EdgeChoice(tuple(float(e) for e in edges), "given", "按参数 edges 给定的边界。")
    per = customer_buckets(sales, product, DEFAULT_EDGES, currency=currency, **columns)
    labels = bucket_labels(DEFAULT_EDGES, currency)
    counts = _bucket_counts(per, labels)[0]
    top = max(range(len(labels)), key=lambda i: (counts[i], -i))  # the most crowded; ties: the lowest bucket
    crowded, share = labels[top], counts[top] / sum(counts)
    if share <= max_share:
        return EdgeChoice(tuple(float(e) for e in DEFAULT_EDGES), "default",
                          f"默认边界合适：人数最多的一段“{crowded}”占 {share:.0%}，不超过 {max_share:.0%}。")
    found = edges_from_data(per)
    shown = "、".join(bucket_labels(found, currency)[1:-1] or bucket_labels(found, currency))
    levels = "、".join(f"{q:.0%}" for q in QUANTILE_LEVELS)
    note = (f"默认边界（1万、5万、10万、20万）把 {share:.0%} 的客户放进了同一段“{crowded}”，分不出层次；"
            f"改用客户销售额的 {levels} 分位数，取整到 1、2、2.5、5 乘 10 的整数次方："
            f"{', '.join(f'{e:,g}' for e in found)} {currency}（中间各段：{shown}）。")
    return EdgeChoice(found, "data", note)


def push_up_candidates(per_customer: "pd.DataFrame", table: "pd.DataFrame", activity: "pd.DataFrame",
                       bucket: str | None = None, reach: float = 0.8, customer: str = "customer") -> "pd.DataFrame":
    """Customers of ``bucket`` (default: the most crowded) who already reach ``reach`` of the next
    bucket's lower edge, with their lifecycle stage; ``priority`` is False for 沉默/流失 customers.

    ``per_customer`` is :func:`customer_buckets`, ``table`` :func:`revenue_buckets` and ``activity``
    :func:`cvwork.lifecycle.lifecycle_stages` (``stage``, ``days_since_last``, optional ``owner``).
    Priority customers first, then by revenue.  Empty when ``bucket`` is the last one.
    Engines: pandas only (the tables of one product's customers).
    """
    labels = list(table["bucket"])
    bucket = bucket if bucket is not None else table.loc[table["customers"].idxmax(), "bucket"]
    pos = labels.index(bucket)
    keep = [c for c in (customer, "stage", "days_since_last", "owner") if c in activity.columns]
    if pos + 1 >= len(labels):
        return per_customer.iloc[:0].merge(activity[keep], on=customer, how="left").assign(gap=[], priority=[])
    next_low = float(table["low"].iloc[pos + 1])
    near = per_customer[(per_customer["bucket"] == bucket) & (per_customer["revenue"] >= reach * next_low)]
    out = near.merge(activity[keep], on=customer, how="left")
    out["gap"] = (next_low - out["revenue"]).round(2)
    out["priority"] = ~out["stage"].astype(str).isin(INACTIVE)
    return out.sort_values(["priority", "revenue", customer], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


def funnel_area_shares(values: Sequence[float]) -> list[float]:
    """Share of a triangular funnel's area taken by each slice when slice heights are
    proportional to ``values`` and the first slice sits at the wide end (the amFunnel pyramid).

    >>> [round(a, 2) for a in funnel_area_shares([1, 1])]
    [0.75, 0.25]
    """
    total = float(sum(values)) or 1.0
    out, start = [], 0.0
    for v in values:
        end = start + float(v) / total
        out.append((1 - start) ** 2 - (1 - end) ** 2)
        start = end
    return out

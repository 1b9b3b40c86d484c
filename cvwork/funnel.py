"""Funnel computations: revenue buckets of customers (lesson 08).

Buckets are half-open, ``[low, high)``, and the first and last are open-ended,
so every customer lands in exactly one bucket: a customer whose total is
exactly 10,000 is in 1-5万, not lost between two strict comparisons.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
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


#: Stage models found in the seeds (lesson 09); any ordered list works.
STAGE_MODELS = {
    "四阶段客户漏斗": ["目标市场", "潜在客户", "目标客户", "签约客户"],
    "大客户五阶段": ["潜在客户开发", "需求了解与分析", "产品演示与方案制定", "商务谈判与签约", "售后服务与持续跟进"],
    "六阶段销售漏斗": ["线索", "初步接触", "需求确认", "方案报价", "商务谈判", "赢单"],
}


def check_stages(values: "pd.Series", stages: Sequence[str]) -> None:
    """A clear error listing stage names that are not in the model."""
    unknown = sorted(set(values.dropna().astype(str)) - set(stages))
    if unknown:
        raise InputError(f"未知的阶段名 (unknown stage names): {', '.join(unknown)}; "
                         f"阶段模型 (stage model): {' > '.join(stages)}; 请统一阶段名称或传入 stages= (fix the names or pass stages=)")


def stage_depth(history: "pd.DataFrame", stages: Sequence[str], opportunity: str = "opportunity_id",
                stage: str = "stage") -> "pd.Series":
    """Index of the furthest stage each opportunity reached (skipped stages count as passed)."""
    check_stages(history[stage], stages)
    order = {s: i for i, s in enumerate(stages)}
    return history[stage].map(order).groupby(history[opportunity]).max()


def stage_conversion(data: "pd.DataFrame | pd.Series | dict", stages: Sequence[str], *,
                     opportunity: str = "opportunity_id", stage: str = "stage", entered: str = "entered",
                     still_open: Sequence[str] = (), benchmarks: "dict[str, float] | None" = None) -> "pd.DataFrame":
    """Entered, advanced and lost per stage, conversions and the bottleneck.

    ``data`` is either a stage history (one row per opportunity and stage
    reached, with the date ``entered``) or plain counts per stage (a dict or
    Series ``{stage: count}``).  ``still_open`` lists opportunity ids that
    are still in progress: they are neither advanced nor lost.

    Returns one row per stage: ``entered``, ``advanced`` (reached the next
    stage), ``lost``, ``open``, ``conversion`` (advanced / entered),
    ``loss_rate``, ``cumulative`` (share of the first stage that got this far),
    ``avg_days`` in the stage (history only) and ``bottleneck`` (True on the
    transition with the lowest conversion, or, given ``benchmarks`` per stage,
    the one furthest below its benchmark).  The last stage has no transition.
    Overall conversion = product of the stage conversions = last / first.

    >>> stage_conversion({"线索": 100, "商机": 40, "赢单": 10}, ["线索", "商机", "赢单"])["conversion"].tolist()
    [0.4, 0.25, nan]
    """
    import numpy as np
    import pandas as pd

    stages = list(stages)
    if isinstance(data, (dict, pd.Series)):
        counts = pd.Series(data, dtype=float)
        check_stages(pd.Series(counts.index), stages)
        entered_n = counts.reindex(stages, fill_value=0).to_numpy()
        open_n, days = np.zeros(len(stages)), np.full(len(stages), np.nan)
    else:
        require_columns(data, (opportunity, stage))
        depth = stage_depth(data, stages, opportunity, stage)
        entered_n = np.array([(depth >= k).sum() for k in range(len(stages))], dtype=float)
        is_open = depth.index.isin(list(still_open))
        open_n = np.array([((depth == k) & is_open).sum() for k in range(len(stages))], dtype=float)
        days = _days_in_stage(data, stages, opportunity, stage, entered)
    if np.any(np.diff(entered_n) > 0):
        raise InputError(f"后一阶段的数量不能多于前一阶段 (a later stage cannot hold more than the one before): "
                         f"{dict(zip(stages, entered_n.astype(int)))}")
    advanced = np.r_[entered_n[1:], np.nan]
    out = pd.DataFrame({"stage": stages, "entered": entered_n, "advanced": advanced,
                        "open": open_n, "avg_days": days})
    out["lost"] = out["entered"] - out["advanced"] - out["open"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["conversion"] = out["advanced"] / out["entered"]
        out["cumulative"] = out["entered"] / entered_n[0] if entered_n[0] else np.nan
    out["loss_rate"] = 1 - out["conversion"]
    out["benchmark"] = [np.nan if benchmarks is None else benchmarks.get(s, np.nan) for s in stages]
    gap = out["conversion"] - out["benchmark"] if benchmarks else out["conversion"]
    out["bottleneck"] = out.index == gap.idxmin() if gap.notna().any() else False
    for col in ("entered", "advanced", "lost", "open"):
        out[col] = out[col].astype("Int64")
    cols = ["stage", "entered", "advanced", "lost", "open", "conversion", "loss_rate", "cumulative",
            "avg_days", "benchmark", "bottleneck"]
    return out[cols]


def _days_in_stage(history: "pd.DataFrame", stages: list[str], opportunity: str, stage: str,
                   entered: str) -> "np.ndarray":
    """Mean days between entering a stage and entering the next, over those that advanced."""
    import numpy as np

    if entered not in history.columns:
        return np.full(len(stages), np.nan)
    wide = history.pivot_table(index=opportunity, columns=stage, values=entered, aggfunc="min")
    wide = wide.reindex(columns=stages)
    spans = [(wide[b] - wide[a]).dt.days.mean() for a, b in zip(stages[:-1], stages[1:])]
    return np.array([*spans, np.nan], dtype=float)


def overall_conversion(table: "pd.DataFrame") -> float:
    """Share of the first stage that reached the last: the product of stage conversions."""
    return float(table["entered"].iloc[-1] / table["entered"].iloc[0]) if table["entered"].iloc[0] else float("nan")


def conversion_by(history: "pd.DataFrame", stages: Sequence[str], groups: "pd.Series",
                  opportunity: str = "opportunity_id", stage: str = "stage") -> "pd.DataFrame":
    """Stage-to-stage conversion per group (owner, region, ...): rows = groups,
    columns = transitions "A→B"; ``groups`` maps opportunity id to group."""
    import pandas as pd

    depth = stage_depth(history, stages, opportunity, stage)
    group_of = depth.index.map(groups)
    rows = {}
    for name, d in depth.groupby(group_of):
        entered = [(d >= k).sum() for k in range(len(stages))]
        rows[name] = [entered[k + 1] / entered[k] if entered[k] else float("nan") for k in range(len(stages) - 1)]
    cols = [f"{a}→{b}" for a, b in zip(stages[:-1], stages[1:])]
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols).rename_axis(groups.name or "group")


# The pipeline forecast (lesson 10) lives in cvwork.forecast; it is reachable from here too.
from cvwork.forecast import weighted_forecast  # noqa: E402,F401

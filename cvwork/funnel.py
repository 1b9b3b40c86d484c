"""Funnel computations: revenue buckets of customers (lesson 08).

Buckets are half-open, ``[low, high)``, and the first and last are open-ended,
so every customer lands in exactly one bucket: a customer whose total is
exactly 10,000 is in 1-5万, not lost between two strict comparisons.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import narwhals as nw
    import numpy as np
    import pandas as pd

from cvwork.errors import InputError
from cvwork.frames import columns_of, day_number, engine_of, like, nw_frame, require, scalars, to_pandas

DEFAULT_EDGES = (10_000, 50_000, 100_000, 200_000)


def _plain(value: float) -> str:
    """1500 -> '1,500', 2.5 -> '2.5', 1e6 -> '1,000,000' (no exponent)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _wan(value: float) -> str:
    """10000 -> '1', 15000 -> '1.5' (in 万, ten thousands)."""
    return _plain(value / 10_000)


def bucket_labels(edges: Sequence[float], currency: str = "元") -> list[str]:
    """Labels for buckets cut at ``edges``, in the data's ``currency``.

    Yuan edges of 1,000 and more are written in 万 (ten thousands); any other
    currency, or yuan edges below 1,000, as plain numbers with the currency.

    >>> bucket_labels((10_000, 50_000, 100_000, 200_000))
    ['1万以下', '1-5万', '5-10万', '10-20万', '20万以上']
    >>> bucket_labels((50, 100, 1_000), currency="美元")
    ['50美元以下', '50-100美元', '100-1,000美元', '1,000美元以上']
    """
    edges = list(edges)
    wan = currency == "元" and min(edges) >= 1_000
    fmt, unit = (_wan, "万") if wan else (_plain, currency)
    inner = [f"{fmt(lo)}-{fmt(hi)}{unit}" for lo, hi in zip(edges[:-1], edges[1:])]
    return [f"{fmt(edges[0])}{unit}以下", *inner, f"{fmt(edges[-1])}{unit}以上"]


def _check_edges(edges: Sequence[float], labels: Sequence[str] | None, currency: str = "元") -> list[str]:
    edges = list(edges)
    if not edges or any(b <= a for a, b in zip(edges[:-1], edges[1:])):
        raise InputError(f"分段边界必须严格递增 (bucket edges must be strictly increasing): {edges}; "
                         f"请按从小到大给出 (list them from small to large)")
    labels = bucket_labels(edges, currency) if labels is None else list(labels)
    if len(labels) != len(edges) + 1:
        raise InputError(f"标签数应为边界数加一 (need {len(edges) + 1} labels for {len(edges)} edges), "
                         f"收到 (got) {len(labels)}: {labels}")
    return labels


def select_product(sales: "pd.DataFrame", product: str | None, product_col: str = "product") -> "pd.DataFrame":
    """The lines of one product; a clear error listing the products when absent.

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind; a count of the
    kept lines is collected to check that the product exists)."""
    import narwhals as nw

    if product is None:
        return sales
    columns = columns_of(sales)
    if product_col not in columns:
        raise InputError(f"缺少产品列 '{product_col}' (missing product column '{product_col}'); "
                         f"表中的列 (columns): {', '.join(map(str, columns))}")
    data = nw_frame(sales)
    lines = data.filter(nw.col(product_col) == product)
    if not scalars(lines, nw.len().alias("n"))["n"]:
        counts = (data.filter(~nw.col(product_col).is_null()).group_by(product_col).agg(nw.len().alias("_n"))
                  .sort(["_n", product_col], descending=[True, False]))
        found = to_pandas(counts.to_native())[product_col].tolist()
        shown = ", ".join(map(str, found[:20])) + (" ..." if len(found) > 20 else "")
        raise InputError(f"找不到产品 '{product}' (product '{product}' not found); "
                         f"文件中的产品 (products in the file): {shown}")
    return lines.to_native()


def _bucket_expr(revenue: "nw.Expr", edges: Sequence[float], labels: Sequence[str]) -> "nw.Expr":
    """The bucket label of each revenue: ``[edge_i, edge_{i+1})``, open at both ends."""
    import narwhals as nw

    expr = nw.when(revenue < float(edges[0])).then(nw.lit(labels[0]))
    for edge, label in zip(edges[1:], labels[1:-1]):
        expr = expr.when(revenue < float(edge)).then(nw.lit(label))
    return expr.otherwise(nw.lit(labels[-1])).alias("bucket")


def customer_buckets(sales: "pd.DataFrame", product: str | None = None,
                     edges: Sequence[float] = DEFAULT_EDGES, labels: Sequence[str] | None = None,
                     customer: str = "customer", amount: str = "amount",
                     product_col: str = "product", currency: str = "元") -> "pd.DataFrame":
    """One row per customer: net ``revenue`` (returns netted) and its ``bucket``.

    Sorted by revenue, largest first; ties by customer name.  On pandas
    ``bucket`` is an ordered categorical of all labels; elsewhere it is text.

    Engines: pandas, Polars, DuckDB, Spark (returns the same kind; lazy stays lazy).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a", "a", "b"], "amount": [12_000, -2_000, 60_000]})
    >>> customer_buckets(s)[["customer", "revenue", "bucket"]].values.tolist()
    [['b', 60000.0, '5-10万'], ['a', 10000.0, '1-5万']]
    """
    import narwhals as nw
    import pandas as pd

    labels = _check_edges(edges, labels, currency)
    require(sales, (customer, amount))
    lines = nw_frame(select_product(sales, product, product_col))
    out = (lines.group_by(customer).agg(nw.col(amount).sum())
           .select(nw.col(customer), nw.col(amount).cast(nw.Float64).round(2).alias("revenue"))
           .with_columns(_bucket_expr(nw.col("revenue"), list(edges), labels)))
    if isinstance(out, nw.DataFrame):
        out = out.sort(["revenue", customer], descending=[True, False])
    native = out.to_native()
    if engine_of(sales) == "pandas":
        native = native.reset_index(drop=True)
        native["bucket"] = pd.Categorical(native["bucket"], categories=labels, ordered=True)
    return native


def _bucket_counts(per_customer, labels: Sequence[str]) -> "tuple[list[int], list[float]]":
    """Customers and revenue in each bucket of a :func:`customer_buckets` table (one small query)."""
    import narwhals as nw

    bucket, revenue = nw.col("bucket"), nw.col("revenue")
    got = scalars(per_customer, *[(bucket == label).cast(nw.Int64).sum().alias(f"n{i}") for i, label in enumerate(labels)],
                  *[nw.when(bucket == label).then(revenue).sum().alias(f"r{i}") for i, label in enumerate(labels)])
    return ([int(got[f"n{i}"] or 0) for i in range(len(labels))],
            [float(got[f"r{i}"] or 0.0) for i in range(len(labels))])


def revenue_buckets(sales: "pd.DataFrame", product: str | None = None,
                    edges: Sequence[float] = DEFAULT_EDGES, labels: Sequence[str] | None = None,
                    customer: str = "customer", amount: str = "amount",
                    product_col: str = "product", currency: str = "元") -> "pd.DataFrame":
    """Customers and revenue per revenue bucket, low to high (the R funnel example).

    Parameters
    ----------
    sales : sales lines with ``customer``, ``amount`` (and ``product`` when filtering)
    product : keep only this product's lines (``None`` = all lines, e.g. single-product data)
    edges : bucket edges in the data's currency; buckets are ``[edge_i, edge_{i+1})``;
        :func:`cvwork.buckets.choose_edges` picks edges that fit the data
    labels : one label per bucket (``len(edges) + 1``), default 1万以下, 1-5万, ...
    currency : the unit of the amounts, used in the default labels (元 -> 万 labels)

    Returns
    -------
    DataFrame with ``bucket``, ``low``, ``high``, ``customers``, ``revenue``,
    ``customer_share`` and ``revenue_share``; customers sum to the product's
    distinct customers and revenue to the product's total.

    Engines: pandas, Polars, DuckDB, Spark (a table of one row per bucket, of the
    same kind; the counts and sums are computed where the lines live).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"customer": ["a", "b", "c"], "amount": [9_999.99, 10_000, 50_000]})
    >>> revenue_buckets(s)["customers"].tolist()
    [1, 1, 1, 0, 0]
    """
    import numpy as np
    import pandas as pd

    labels = _check_edges(edges, labels, currency)
    per_customer = customer_buckets(sales, product, edges, labels, customer, amount, product_col, currency)
    counts, sums = _bucket_counts(per_customer, labels)
    out = pd.DataFrame({"bucket": labels, "low": [-np.inf, *edges], "high": [*edges, np.inf],
                        "customers": np.array(counts, dtype="int64"), "revenue": np.array(sums).round(2)})
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else 0.0
    out["revenue_share"] = out["revenue"] / total if total else 0.0
    return like(out, sales)


#: Stage models found in the seeds (lesson 09); any ordered list works.
STAGE_MODELS = {
    "四阶段客户漏斗": ["目标市场", "潜在客户", "目标客户", "签约客户"],
    "大客户五阶段": ["潜在客户开发", "需求了解与分析", "产品演示与方案制定", "商务谈判与签约", "售后服务与持续跟进"],
    "六阶段销售漏斗": ["线索", "初步接触", "需求确认", "方案报价", "商务谈判", "赢单"],
    "CRM (English)": ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"],
}
#: z for a 95% interval
Z95 = 1.959963984540054


def check_stages(values: "pd.Series", stages: Sequence[str]) -> None:
    """A clear error listing stage names that are not in the model.  Engines: a pandas Series of names."""
    unknown = sorted(set(values.dropna().astype(str)) - set(stages))
    if unknown:
        raise InputError(f"未知的阶段名 (unknown stage names): {', '.join(unknown)}; "
                         f"阶段模型 (stage model): {' > '.join(stages)}; 请统一阶段名称或传入 stages= (fix the names or pass stages=)")


def wilson_interval(successes: "float | np.ndarray", trials: "float | np.ndarray",
                    z: float = Z95) -> "tuple[np.ndarray, np.ndarray]":
    """Wilson score interval of a rate ``successes / trials`` (95% by default).

    Unlike ``p +- z*sqrt(p(1-p)/n)`` it stays within [0, 1] and is honest for
    small counts; ``trials == 0`` gives NaN.

    >>> [round(float(x), 4) for x in wilson_interval(19, 47)]
    [0.2764, 0.5466]
    """
    import numpy as np

    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _depths(history, stages: Sequence[str], opportunity: str, stage: str):
    """A narwhals frame ``opportunity``, ``depth``: the furthest stage index each opportunity reached.

    Only the distinct stage names are collected (to check them and to spot lost outcomes)."""
    import narwhals as nw

    from cvwork.forecast import is_lost_stage

    data = nw_frame(history)
    known = data.filter(~nw.col(stage).is_null())
    names = to_pandas(known.select(nw.col(stage)).unique().to_native())[stage]
    lost = names[is_lost_stage(names).to_numpy()].tolist()
    check_stages(names[~names.isin(lost)], stages)
    if lost:
        known = known.filter(~nw.col(stage).is_in(lost))
    index = nw.when(nw.col(stage) == stages[0]).then(nw.lit(0))
    for k, name in enumerate(stages[1:], start=1):
        index = index.when(nw.col(stage) == name).then(nw.lit(k))
    return (known.with_columns(index.cast(nw.Int64).alias("_k"))
            .group_by(opportunity).agg(nw.col("_k").max().alias("depth")))


def stage_depth(history: "pd.DataFrame", stages: Sequence[str], opportunity: str = "opportunity_id",
                stage: str = "stage") -> "pd.Series":
    """Index of the furthest stage each opportunity reached (skipped stages count as passed).

    Rows whose stage is a lost outcome (a CRM's "Closed Lost") are not stages of the model and are skipped.

    Engines: pandas (a Series indexed by opportunity, named ``stage``), Polars,
    DuckDB, Spark (a frame of the same kind with ``opportunity`` and the depth
    in column ``stage``; lazy stays lazy)."""
    import narwhals as nw
    import pandas as pd

    depth = _depths(history, stages, opportunity, stage)
    if isinstance(depth, nw.DataFrame):
        depth = depth.sort(opportunity)
    if engine_of(history) == "pandas":
        d = depth.to_native()
        return pd.Series(d["depth"].to_numpy(), index=pd.Index(d[opportunity], name=opportunity), name=stage)
    return depth.rename({"depth": stage}).to_native()


def _stage_counts(data: "pd.DataFrame | pd.Series | dict", stages: list[str], opportunity: str, stage: str,
                  entered: str, still_open: Sequence[str]) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
    """Entered and open counts per stage, and mean days in each stage."""
    import narwhals as nw
    import numpy as np
    import pandas as pd

    if isinstance(data, (dict, pd.Series)):
        counts = pd.Series(data, dtype=float)
        check_stages(pd.Series(counts.index), stages)
        return counts.reindex(stages, fill_value=0).to_numpy(), np.zeros(len(stages)), np.full(len(stages), np.nan)
    require(data, (opportunity, stage))
    depth, is_open = nw.col("depth"), nw.col(opportunity).is_in(list(still_open))
    got = scalars(_depths(data, stages, opportunity, stage),
                  *[(depth >= k).cast(nw.Int64).sum().alias(f"e{k}") for k in range(len(stages))],
                  *[((depth == k) & is_open).cast(nw.Int64).sum().alias(f"o{k}") for k in range(len(stages))])
    entered_n = np.array([got[f"e{k}"] or 0 for k in range(len(stages))], dtype=float)
    open_n = np.array([got[f"o{k}"] or 0 for k in range(len(stages))], dtype=float)
    return entered_n, open_n, _days_in_stage(data, stages, opportunity, stage, entered)


def stage_conversion(data: "pd.DataFrame | pd.Series | dict", stages: Sequence[str], *,
                     opportunity: str = "opportunity_id", stage: str = "stage", entered: str = "entered",
                     still_open: Sequence[str] = (), benchmarks: "dict[str, float] | None" = None,
                     min_resolved: int = 20) -> "pd.DataFrame":
    """Entered, advanced, lost and open per stage, both conversions, intervals and the bottleneck.

    ``data`` is either a stage history (one row per opportunity and stage
    reached, with the date ``entered``) or plain counts per stage (a dict or
    Series ``{stage: count}``).  Engines: pandas, Polars, DuckDB, Spark for the
    history (the per-stage counts are computed where it lives; the one-row-per-
    stage result comes back as the same kind of frame).  ``still_open`` lists opportunity ids still in
    progress: they sit at the stage they reached, neither advanced nor lost.

    Per stage: ``entered``; ``advanced`` (reached the next stage); ``open``;
    ``lost`` = entered - advanced - open; ``resolved`` = advanced + lost;
    ``conversion`` = advanced / entered (open deals count as not advanced);
    ``resolved_conversion`` = advanced / resolved (open deals left out: the
    rate the deals that finished the stage achieved); ``loss_rate`` = lost /
    entered; ``*_low``/``*_high`` the 95% Wilson interval of each rate;
    ``cumulative`` = entered / first stage; ``avg_days`` in the stage.
    ``bottleneck`` marks the transition with the lowest resolved conversion
    (or furthest below its ``benchmarks`` value) among those with at least
    ``min_resolved`` resolved deals; ``note`` says when a stage is too small to
    judge.  Overall conversion = last / first.

    >>> t = stage_conversion({"线索": 100, "商机": 40, "赢单": 10}, ["线索", "商机", "赢单"])
    >>> t["conversion"].tolist(), t["bottleneck"].tolist()
    ([0.4, 0.25, nan], [False, True, False])
    """
    import numpy as np
    import pandas as pd

    stages = list(stages)
    entered_n, open_n, days = _stage_counts(data, stages, opportunity, stage, entered, still_open)
    if np.any(np.diff(entered_n) > 0):
        raise InputError(f"后一阶段的数量不能多于前一阶段 (a later stage cannot hold more than the one before): "
                         f"{dict(zip(stages, entered_n.astype(int)))}")
    out = pd.DataFrame({"stage": stages, "entered": entered_n, "advanced": np.r_[entered_n[1:], np.nan],
                        "open": open_n})
    out["lost"] = out["entered"] - out["advanced"] - out["open"]
    out["resolved"] = out["advanced"] + out["lost"]
    for name, k, n in (("conversion", "advanced", "entered"), ("resolved_conversion", "advanced", "resolved"),
                       ("loss_rate", "lost", "entered")):
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = out[k] / out[n].where(out[n] > 0)
        prefix = name.replace("_rate", "").replace("_conversion", "")
        out[f"{prefix}_low"], out[f"{prefix}_high"] = wilson_interval(out[k], out[n])
    out["cumulative"] = out["entered"] / entered_n[0] if entered_n[0] else np.nan
    out["avg_days"] = days
    out["benchmark"] = [np.nan if benchmarks is None else benchmarks.get(s, np.nan) for s in stages]
    out = _mark_bottleneck(out, benchmarks is not None, min_resolved)
    return out if isinstance(data, (dict, pd.Series)) else like(out, data)


def _mark_bottleneck(out: "pd.DataFrame", benchmarked: bool, min_resolved: int) -> "pd.DataFrame":
    """Bottleneck on resolved conversion among stages with enough resolved deals; a note on the others."""
    gap = out["resolved_conversion"] - out["benchmark"] if benchmarked else out["resolved_conversion"]
    enough = out["resolved"] >= min_resolved
    judged = gap.where(enough)
    out["bottleneck"] = (out.index == judged.idxmin()) if judged.notna().any() else False
    small = out["resolved"].notna() & ~enough
    out["note"] = ""
    out.loc[small, "note"] = [f"已结束仅 {int(n)} 个（少于 {min_resolved}），样本太少，不判断瓶颈"
                              for n in out.loc[small, "resolved"]]
    for col in ("entered", "advanced", "lost", "open", "resolved"):
        out[col] = out[col].astype("Int64")
    cols = ["stage", "entered", "advanced", "lost", "open", "resolved", "conversion", "conversion_low",
            "conversion_high", "resolved_conversion", "resolved_low", "resolved_high", "loss_rate", "loss_low",
            "loss_high", "cumulative", "avg_days", "benchmark", "bottleneck", "note"]
    return out[cols]


def _days_in_stage(history: "pd.DataFrame", stages: list[str], opportunity: str, stage: str,
                   entered: str) -> "np.ndarray":
    """Mean whole days between entering a stage and entering the next, over those that advanced."""
    import narwhals as nw
    import numpy as np

    if entered not in columns_of(history):
        return np.full(len(stages), np.nan)
    t = nw.col(entered)
    seconds = (day_number(t) * 86400 + t.dt.hour() * 3600 + t.dt.minute() * 60 + t.dt.second()
               + t.dt.microsecond() / 1e6)
    firsts = (nw_frame(history).with_columns(*[nw.when(nw.col(stage) == s).then(seconds).alias(f"_s{i}")
                                               for i, s in enumerate(stages)])
              .group_by(opportunity).agg(*[nw.col(f"_s{i}").min() for i in range(len(stages))]))
    spans = [((nw.col(f"_s{i + 1}") - nw.col(f"_s{i}")) / 86400).floor().mean().alias(f"d{i}")
             for i in range(len(stages) - 1)]
    got = scalars(firsts, *spans) if spans else {}
    return np.array([*(np.nan if got[f"d{i}"] is None else got[f"d{i}"] for i in range(len(stages) - 1)), np.nan],
                    dtype=float)


def overall_conversion(table: "pd.DataFrame") -> float:
    """Share of the first stage that reached the last (last entered / first entered).

    Engines: pandas, Polars, DuckDB, Spark (a :func:`stage_conversion` table of any kind; a number)."""
    entered = to_pandas(table)["entered"]
    return float(entered.iloc[-1] / entered.iloc[0]) if entered.iloc[0] else float("nan")


def conversion_cells(history: "pd.DataFrame", stages: Sequence[str], groups: "pd.Series", *,
                     still_open: Sequence[str] = (), opportunity: str = "opportunity_id",
                     stage: str = "stage") -> "pd.DataFrame":
    """One row per group and transition "A→B": advanced, lost, open, resolved,
    ``rate`` = advanced / resolved (open deals left out) and its Wilson interval.
    ``groups`` maps opportunity id to group (owner, region, ...).  Engines: pandas only."""
    import pandas as pd

    depth = stage_depth(history, stages, opportunity, stage)
    is_open = depth.index.isin(list(still_open))
    frame = pd.DataFrame({"depth": depth.to_numpy(), "open": is_open, "group": depth.index.map(groups)})
    rows = []
    for name, d in frame.groupby("group", sort=True):
        for k, (a, b) in enumerate(zip(stages[:-1], stages[1:])):
            entered, advanced = int((d["depth"] >= k).sum()), int((d["depth"] >= k + 1).sum())
            still = int(((d["depth"] == k) & d["open"]).sum())
            rows.append((name, f"{a}→{b}", entered, advanced, entered - advanced - still, still))
    out = pd.DataFrame(rows, columns=["group", "transition", "entered", "advanced", "lost", "open"])
    out["resolved"] = out["advanced"] + out["lost"]
    out["rate"] = out["advanced"] / out["resolved"].where(out["resolved"] > 0)
    out["rate_low"], out["rate_high"] = wilson_interval(out["advanced"], out["resolved"])
    return out


def conversion_by(history: "pd.DataFrame", stages: Sequence[str], groups: "pd.Series",
                  opportunity: str = "opportunity_id", stage: str = "stage", *,
                  still_open: Sequence[str] = (), value: str = "rate") -> "pd.DataFrame":
    """Groups x transitions grid of one column of :func:`conversion_cells`
    (``rate`` by default; ``advanced`` and ``resolved`` give the counts behind it).  Engines: pandas only."""
    cells = conversion_cells(history, stages, groups, still_open=still_open, opportunity=opportunity, stage=stage)
    cols = [f"{a}→{b}" for a, b in zip(stages[:-1], stages[1:])]
    grid = cells.pivot(index="group", columns="transition", values=value).reindex(columns=cols)
    return grid.rename_axis(index=groups.name or "group", columns=None)


# The pipeline forecast (lesson 10) lives in cvwork.forecast; it is reachable from here too.
from cvwork.forecast import weighted_forecast  # noqa: E402,F401

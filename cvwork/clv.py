"""Customer lifetime value (CLV), acquisition cost (CAC) and their ratios.

Two ways to value a customer:

* :func:`discounted_clv` — the seed's formula for a known cash-flow path,
  ``CLV = sum_{t=0}^{n} (R_t - C_t) / (1 + r)^t``; period 0 is today and is
  not discounted.
* :func:`retention_clv` — a steady margin ``m`` that continues each period
  with probability ``retention``: ``m * retention / (1 + rate - retention)``.
  Timing: the first margin arrives one period from now and only if the
  customer is still there, so nothing is counted for today.  Counting today's
  margin too (the t = 0 convention above) adds exactly ``m``.

The value that ranks customers for action is :func:`customer_value`:
forward-looking (BG/NBD purchases x spend through :mod:`cvwork.predict`, or a
survival-weighted fallback, :func:`survival_value`), discounted, recency-aware,
on purchase days; :func:`median_customer` checks it against the retention
formula.  Historical revenue (``historical_value``, 历史收入) is kept beside it
and is never called CLV.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns, require_rows


def _check_rate(rate: float) -> None:
    if not rate > -1:
        raise InputError(f"折现率必须大于 -1 (discount rate must be > -1), 收到 (got) {rate}")


def discount_factors(n_periods: int, rate: float) -> "pd.Series":
    """``1 / (1 + rate)^t`` for t = 0 .. n_periods - 1.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    import pandas as pd

    _check_rate(rate)
    t = np.arange(n_periods)
    return pd.Series(1.0 / (1.0 + rate) ** t, index=pd.Index(t, name="t"), name="discount_factor")


def discounted_clv(revenue: Sequence[float], cost: Sequence[float], rate: float) -> float:
    """Present value of ``revenue - cost`` per period, period 0 undiscounted.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> round(discounted_clv([100, 120, 130], [40, 50, 50], 0.10), 4)   # 60 + 70/1.1 + 80/1.21
    189.7521
    """
    return float(clv_schedule(revenue, cost, rate)["present_value"].sum())


def clv_schedule(revenue: Sequence[float], cost: Sequence[float], rate: float) -> "pd.DataFrame":
    """One row per period: ``revenue``, ``cost``, ``margin``, ``discount_factor``,
    ``present_value`` and the running ``cumulative_value`` (the teaching table).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    import pandas as pd

    rev, cst = np.asarray(revenue, dtype=float), np.asarray(cost, dtype=float)
    if rev.ndim != 1 or rev.shape != cst.shape:
        raise InputError(f"收入和成本的期数必须相同 (revenue and cost need the same number of periods): "
                         f"{rev.size} 对 (vs) {cst.size}")
    if rev.size == 0:
        raise InputError("没有任何一期的数据 (no periods given); 至少需要一期 (give at least one period)")
    factor = discount_factors(rev.size, rate).to_numpy()
    out = pd.DataFrame({"t": np.arange(rev.size), "revenue": rev, "cost": cst, "margin": rev - cst,
                        "discount_factor": factor})
    out["present_value"] = out["margin"] * factor
    out["cumulative_value"] = out["present_value"].cumsum()
    return out


def discounted_clv_table(revenue: "pd.DataFrame", cost: "pd.DataFrame | float", rate: float) -> "pd.Series":
    """Vectorised CLV: rows = customers, columns = periods 0..n (in order).

    ``cost`` is a table of the same shape or one number per cell.

    Engines: pandas only.

    >>> import pandas as pd
    >>> r = pd.DataFrame([[100, 120, 130], [50, 50, 50]], index=["a", "b"])
    >>> discounted_clv_table(r, pd.DataFrame([[40, 50, 50], [0, 0, 0]], index=["a", "b"]), 0.1).round(2).tolist()
    [189.75, 136.78]
    """
    import pandas as pd

    if not isinstance(cost, pd.DataFrame):
        cost = revenue * 0 + cost
    if revenue.shape != cost.shape:
        raise InputError(f"收入表和成本表形状不同 (revenue and cost tables differ in shape): "
                         f"{revenue.shape} 对 (vs) {cost.shape}")
    if revenue.shape[1] == 0:
        raise InputError("没有任何一期的数据 (no periods given)")
    factor = discount_factors(revenue.shape[1], rate).to_numpy()
    margin = revenue.to_numpy(dtype=float) - cost.to_numpy(dtype=float)
    return pd.Series(margin @ factor, index=revenue.index, name="clv")


def retention_clv(margin: float, retention: float, rate: float, include_now: bool = False) -> float:
    """Value of a margin kept with probability ``retention`` each period.

    ``m r / (1 + i - r)``; with ``include_now=True`` today's margin is added
    (``m (1 + i) / (1 + i - r)``), the t = 0 convention of :func:`discounted_clv`.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> round(retention_clv(1000, 0.8, 0.1), 2)
    2666.67
    """
    _check_rate(rate)
    if not 0 <= retention < 1:
        raise InputError(f"留存率必须在 [0, 1) 之间 (retention must be in [0, 1)), 收到 (got) {retention}")
    value = margin * retention / (1 + rate - retention)
    return float(value + margin if include_now else value)


def expected_lifetime(retention: float) -> float:
    """Expected number of periods a customer stays: ``1 / (1 - retention)``.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if not 0 <= retention < 1:
        raise InputError(f"留存率必须在 [0, 1) 之间 (retention must be in [0, 1)), 收到 (got) {retention}")
    return 1.0 / (1.0 - retention)


def cac(acquisition_spend: float, new_customers: int) -> float:
    """Customer acquisition cost: spend / customers won with it.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if new_customers <= 0:
        raise InputError(f"新客户数必须大于 0 (new customers must be > 0), 收到 (got) {new_customers}")
    return float(acquisition_spend) / new_customers


def ltv_cac_ratio(ltv: float, acquisition_cost: float) -> float:
    """LTV:CAC; about 3 is the common rule of thumb for a healthy business.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if acquisition_cost <= 0:
        raise InputError(f"获客成本必须大于 0 (CAC must be > 0), 收到 (got) {acquisition_cost}")
    return float(ltv) / acquisition_cost


def payback_months(acquisition_cost: float, monthly_margin: float) -> float:
    """Months of margin needed to earn the acquisition cost back (undiscounted).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if monthly_margin <= 0:
        return float("inf")
    return float(acquisition_cost) / monthly_margin


def customer_contribution(value: float, acquisition_cost: float, retention_cost: float) -> float:
    """The seed's net contribution: value minus the cost to win and to keep.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    return float(value) - float(acquisition_cost) - float(retention_cost)


def historical_clv(transactions: "pd.DataFrame", as_of: str | None = None, margin: float = 0.3,
                   lifespan_years: float = 3.0, min_tenure_years: float = 1.0,
                   customer: str = "customer", date: str = "date", amount: str = "amount",
                   order: str | None = "order_id") -> "pd.DataFrame":
    """The traditional CLV from a transaction log, one row per customer.

    Undiscounted and blind to recency (a customer silent for two years keeps
    their old frequency): use it to teach the formula, never to rank customers
    for action; :func:`customer_value` is the ranking value.

    ``clv = average order value x orders per year x lifespan_years x margin``.
    Orders are distinct ``order`` ids (distinct purchase dates when there is
    no order column; lines without an order id are not orders).  Orders per
    year divide by the customer's tenure in whole days from the first
    purchase day to ``as_of`` (default: the day after the last date), but by
    at least ``min_tenure_years``, so a newcomer's few weeks are not
    annualised into a huge frequency.  Returns are netted.

    Returns ``revenue``, ``orders``, ``aov``, ``first_purchase``,
    ``tenure_years``, ``frequency`` (orders/year), ``annual_margin`` and
    ``clv``, sorted by clv (largest first, ties by customer).

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given.  The default ``as_of`` costs one aggregate
    (the last date); the lines are never collected.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "a"], "order_id": ["1", "2"], "amount": [100.0, 300.0],
    ...                   "date": pd.to_datetime(["2024-10-01", "2024-12-01"])})
    >>> historical_clv(t, as_of="2025-01-01", margin=0.5)[["orders", "aov", "frequency", "clv"]].values.tolist()
    [[2.0, 200.0, 2.0, 600.0]]
    """
    import narwhals as nw

    from cvwork.frames import day_number, finish
    from cvwork.lifecycle import _checked, _lines

    if not 0 < margin <= 1:
        raise InputError(f"毛利率必须在 (0, 1] 之间 (margin must be in (0, 1]), 收到 (got) {margin}")
    lines = _lines(transactions, (customer, date, amount))
    today = _checked(lines, customer, date, as_of)
    key = order if order and order in lines.collect_schema().names() else date
    per = (lines.with_columns(_none=nw.col(key).is_null().cast(nw.Int64))
           .group_by(customer).agg(nw.col(amount).sum().alias("revenue"), nw.col(key).n_unique().alias("orders"),
                                   nw.col("_none").max(), nw.col(date).min().alias("first_purchase")))
    tenure = (today - day_number(nw.col("first_purchase"))) / 365.25
    per = per.with_columns(orders=nw.col("orders") - nw.col("_none"), tenure_years=tenure)
    per = per.with_columns(aov=nw.col("revenue") / nw.col("orders"),
                           frequency=nw.col("orders") / nw.col("tenure_years").clip(lower_bound=min_tenure_years))
    per = per.with_columns(annual_margin=nw.col("aov") * nw.col("frequency") * margin)
    per = per.with_columns(clv=nw.col("annual_margin") * lifespan_years)
    cols = [customer, "revenue", "orders", "aov", "first_purchase", "tenure_years", "frequency", "annual_margin", "clv"]
    return finish(per.select(cols), ["clv", customer], descending=[True, False])


def unit_economics(clv_table: "pd.DataFrame", spend: "dict[str, float]", group: str = "channel",
                   new: str = "is_new", value: str = "clv", retention_cost: float = 0.0) -> "pd.DataFrame":
    """CAC, average value, LTV:CAC, payback, contribution and the 3:1 CAC cap per group.

    ``clv_table`` has one row per customer with ``value`` (e.g. ``clv``),
    ``annual_margin``, the ``group`` column and a boolean ``new`` column (won in
    the period the spend paid for).  ``spend`` maps each group to its
    acquisition spend; ``retention_cost`` is the cost to keep one customer over
    the horizon.  ``net_contribution`` = avg value - CAC - retention cost per
    customer, ``total_contribution`` = that x new customers, ``cac_cap`` = avg
    value / 3.  Sorted by LTV:CAC, best first.

    Engines: pandas only.
    """
    import pandas as pd

    missing = sorted(set(clv_table[group].dropna()) - set(spend))
    if missing:
        raise InputError(f"缺少这些渠道的获客花费 (no acquisition spend for): {', '.join(map(str, missing))}; "
                         f"请在 spend 中补上 (add them to spend)")
    won = clv_table[clv_table[new]]
    g = won.groupby(group)
    out = pd.DataFrame({"new_customers": g.size(), "avg_clv": g[value].mean(),
                        "monthly_margin": g["annual_margin"].mean() / 12})
    out["spend"] = pd.Series(spend, dtype=float).reindex(out.index)
    out["cac"] = out["spend"] / out["new_customers"]
    out["ltv_cac"] = out["avg_clv"] / out["cac"]
    out["payback_months"] = out["cac"] / out["monthly_margin"]
    out["net_contribution"] = out["avg_clv"] - out["cac"] - retention_cost
    out["total_contribution"] = out["net_contribution"] * out["new_customers"]
    out["cac_cap"] = out["avg_clv"] / 3
    return out.sort_values("ltv_cac", ascending=False).reset_index()


def clv_sensitivity(margin: float, retentions: Sequence[float], rates: Sequence[float]) -> "pd.DataFrame":
    """:func:`retention_clv` on a grid: rows = discount rates, columns = retention rates.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import pandas as pd

    grid = {r: [retention_clv(margin, r, i) for i in rates] for r in retentions}
    out = pd.DataFrame(grid, index=pd.Index(list(rates), name="rate"))
    out.columns.name = "retention"
    return out


# --- one forward-looking value per customer ---------------------------------------------------

def annual_retention(days: "pd.DataFrame", as_of: "pd.Timestamp", customer: str = "customer") -> float | None:
    """Share of the customers who bought in the calendar year before last that bought again in the last year.

    ``days`` is :func:`cvwork.rfm.purchase_days` output; None when nobody bought in the earlier year.

    Engines: pandas only.
    """
    import pandas as pd

    bought = days[days["purchase"]]
    year = pd.DateOffset(years=1)
    earlier = set(bought.loc[(bought["day"] >= as_of - 2 * year) & (bought["day"] < as_of - year), customer])
    if not earlier:
        return None
    recent = set(bought.loc[bought["day"] >= as_of - year, customer])
    return len(earlier & recent) / len(earlier)


def customer_history(days: "pd.DataFrame", as_of: "pd.Timestamp", margin: float,
                     customer: str = "customer") -> "pd.DataFrame":
    """Per customer from purchase days: ``historical_value`` (历史收入, net of returns),
    ``frequency`` (purchase days), ``first_purchase``, ``last_purchase``,
    ``recency_days``, ``tenure_years`` and ``annual_margin`` = margin x
    historical value / max(tenure, 1 year), never below 0.  A customer with no
    purchase day (returns only) is dated by their lines.

    ``days`` is :func:`cvwork.rfm.purchase_days` output (``day``, ``net``, ``purchase``).

    Engines: pandas, Polars (DataFrame or LazyFrame), DuckDB relation, PySpark DataFrame;
    returns the kind of frame it was given: pandas indexed by customer, the others with a
    ``customer`` column (eager ones sorted by customer).

    >>> import pandas as pd
    >>> days = pd.DataFrame({"customer": ["a", "a"], "day": pd.to_datetime(["2025-03-01", "2025-09-01"]),
    ...                      "net": [100.0, 300.0], "purchase": [True, True]})
    >>> customer_history(days, pd.Timestamp("2026-01-01"), 0.5)[["frequency", "recency_days", "annual_margin"]].values.tolist()
    [[2.0, 122.0, 200.0]]
    """
    import narwhals as nw

    from cvwork.frames import day_number, day_of, finish
    from cvwork.lifecycle import _lines

    today = day_of(as_of)
    buy = nw.when(nw.col("purchase")).then(nw.col("day"))
    out = (_lines(days, (customer, "day", "net", "purchase"))
           .with_columns(_buy=buy, _n=nw.col("purchase").cast(nw.Int64))
           .group_by(customer).agg(nw.col("net").sum().alias("historical_value"), nw.col("_n").sum().alias("frequency"),
                                   nw.col("_buy").min().alias("_first"), nw.col("_buy").max().alias("_last"),
                                   nw.col("day").min(), nw.col("day").max().alias("_latest"))
           .with_columns(frequency=nw.col("frequency").cast(nw.Int64),      # DuckDB sums to a 128-bit integer
                         first_purchase=nw.col("_first").fill_null(nw.col("day")),
                         last_purchase=nw.col("_last").fill_null(nw.col("_latest"))))
    tenure = (today - day_number(nw.col("first_purchase"))) / 365.25
    out = out.with_columns(recency_days=(today - day_number(nw.col("last_purchase"))).cast(nw.Int64),
                           tenure_years=tenure)
    yearly = margin * nw.col("historical_value") / nw.col("tenure_years").clip(lower_bound=1.0)
    out = out.with_columns(annual_margin=yearly.clip(lower_bound=0.0))
    cols = ["historical_value", "frequency", "first_purchase", "last_purchase", "recency_days", "tenure_years",
            "annual_margin"]
    out = finish(out.select(customer, *cols), [customer])
    return out.set_index(customer) if type(out).__module__.startswith("pandas") else out


def survival_value(annual_margin, recency_days, retention: float, rate: float, horizon_years: int,
                   purchase_rate=0.0):
    """Survival-weighted discounted value ``m * p_alive * sum_{t=1..H} (retention / (1 + rate))^t``.

    ``p_alive`` weighs a customer's silence ``s = recency_days - 1`` days (recency 1 =
    bought on the last day before ``as_of``): before looking at purchases, a customer
    is still there with probability ``q = retention ** (s / 365)``; one still there
    buying ``purchase_rate`` times a day would have bought in ``s`` days except with
    probability ``e^(-rate s)``, so ``p_alive = q e^(-rate s) / (q e^(-rate s) + 1 - q)``.
    A frequent buyer who fell silent is much less likely alive than a rare one.  With
    ``s = 0`` and ``H -> inf`` the value is :func:`retention_clv`.  Returns ``(value, p_alive)``.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> v, p = survival_value(1000.0, 1, 0.8, 0.1, 2)       # 1000 (0.8/1.1 + 0.64/1.21)
    >>> round(float(v), 2), float(p)
    (1256.2, 1.0)
    >>> round(float(survival_value(1000.0, 366, 0.5, 0.1, 1)[1]), 3)   # silent a year, rate 0: q = 0.5
    0.5
    """
    import numpy as np

    _check_rate(rate)
    if not 0 <= retention < 1:
        raise InputError(f"留存率必须在 [0, 1) 之间 (retention must be in [0, 1)), 收到 (got) {retention}")
    factor = sum((retention / (1 + rate)) ** t for t in range(1, int(horizon_years) + 1))
    silent = np.clip(np.asarray(recency_days, dtype=float) - 1, 0, None)
    q = retention ** (silent / 365)
    stay = q * np.exp(-np.asarray(purchase_rate, dtype=float) * silent)
    p_alive = np.where(silent > 0, stay / np.maximum(stay + 1 - q, 1e-300), 1.0)
    return np.asarray(annual_margin, dtype=float) * p_alive * factor, p_alive


def _model_value(days: "pd.DataFrame", hist: "pd.DataFrame", as_of: "pd.Timestamp", margin: float,
                 rate: float, horizon_years: int, customer: str) -> "tuple[pd.DataFrame, str]":
    """BG/NBD purchases x Gamma-Gamma spend through :mod:`cvwork.predict`; raises when unusable."""
    import numpy as np

    from cvwork import predict

    bought = days[days["purchase"]].rename(columns={"day": "date", "net": "amount"})
    end = as_of - _timedelta(1)
    summary = predict.rfm_summary(bought, calibration_end=f"{end:%Y-%m-%d}", customer=customer)
    summary = summary.set_index(customer)
    if (summary["frequency"] > 0).sum() < 20:
        raise ValueError("fewer than 20 repeat buyers")
    x, tx, big_t = summary["frequency"], summary["recency"], summary["T"]
    hist = hist.reindex(summary.index)              # customers with a purchase day; the rest are worth 0
    bg = predict.fit_bgnbd(x, tx, big_t)
    spend, note = hist["historical_value"].clip(lower=0) / hist["frequency"].clip(lower=1), "客户自己的平均每次消费"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gg = predict.fit_gamma_gamma(x, summary["monetary"])
        if caught:      # e.g. spend correlates with frequency: the model's assumption fails, keep observed spend
            note += f"（未用 Gamma-Gamma：{str(caught[0].message).split(' (')[0]}）"
        elif 0 < gg.p < 1000 and gg.q > 1:
            spend, note = np.asarray(predict.expected_spend(gg, x, summary["monetary"])), "Gamma-Gamma 消费额"
    except Exception as exc:  # noqa: BLE001 - a spend model that cannot be fitted falls back to observed spend
        note += f"（Gamma-Gamma 拟合失败：{str(exc).split(' (')[0][:80]}）"
    month, total, before = 30.4375 / 7, 0.0, 0.0
    for k in range(1, 12 * horizon_years + 1):
        now = np.asarray(predict.expected_purchases(bg, k * month, x, tx, big_t), dtype=float)
        total, before = total + (now - before) / (1 + rate) ** (k / 12), now
    out = hist.copy()
    out["p_alive"] = np.asarray(predict.prob_alive(bg, x, tx, big_t), dtype=float)
    out["expected_purchases"] = before
    out["clv"] = margin * np.asarray(spend, dtype=float) * total
    if not np.isfinite(out[["clv", "p_alive", "expected_purchases"]].to_numpy()).all() or (out["clv"] < 0).any():
        raise ValueError("non-finite or negative predictions")
    return out, f"BG/NBD 预测购买次数 × {note}"


def _with_non_buyers(out: "pd.DataFrame", hist: "pd.DataFrame") -> "pd.DataFrame":
    """Customers with returns or zero lines only (no purchase day) get clv 0 and p_alive 0."""
    full = out.reindex(hist.index)
    missing = full["clv"].isna()
    full.loc[missing, hist.columns] = hist.loc[missing]
    full.loc[missing, ["clv", "p_alive", "expected_purchases"]] = 0.0
    return full.astype({"frequency": int, "recency_days": int})


def _timedelta(n_days: int) -> "pd.Timedelta":
    import pandas as pd
    return pd.Timedelta(days=n_days)


def customer_value(transactions: "pd.DataFrame", as_of: str | None = None, margin: float = 0.3,
                   discount_rate: float = 0.1, horizon_years: int = 3, currency: str = "元",
                   method: str = "auto", retention: float | None = None, customer: str = "customer",
                   date: str = "date", amount: str = "amount", order: str | None = "order_id") -> "pd.DataFrame":
    """The one customer value that ranks customers for action: forward-looking,
    recency-aware margin over ``horizon_years``, discounted at ``discount_rate``
    a year, in the data's ``currency``.

    ``method="auto"`` tries the predictive route (BG/NBD purchases x Gamma-Gamma
    spend via :mod:`cvwork.predict`, on purchase days, monthly discounting) and
    falls back to :func:`survival_value` with the data's annual retention when
    the model cannot be fitted or predicts nonsense; ``"survival"`` forces the
    fallback.  ``.attrs`` holds ``method``, ``reason``, ``retention``,
    ``currency``, ``as_of`` and the inputs; the ``method`` column repeats it.

    Columns: ``customer``, ``clv``, ``historical_value`` (历史收入, never called
    CLV), ``annual_margin``, ``p_alive``, ``expected_purchases`` (model route
    only), ``frequency`` (purchase days), ``recency_days``, ``first_purchase``,
    ``last_purchase``, ``tenure_years``, ``method``; largest clv first.

    Engines: pandas only.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"customer": ["a", "b"], "amount": [1000.0, 1000.0],
    ...                   "date": pd.to_datetime(["2025-12-31", "2024-12-31"])})
    >>> v = customer_value(t, margin=1.0, horizon_years=1, method="survival", retention=0.5)
    >>> v["clv"].round(2).tolist(), v.attrs["method"]     # b: one purchase, then silent for 365 days
    ([454.55, 122.24], '生存加权折现')
    """
    from cvwork.rfm import _as_of, purchase_days

    if not 0 < margin <= 1:
        raise InputError(f"毛利率必须在 (0, 1] 之间 (margin must be in (0, 1]), 收到 (got) {margin}")
    if method not in ("auto", "survival"):
        raise InputError(f"method 只能是 'auto' 或 'survival' (method must be 'auto' or 'survival'), 收到 (got) {method!r}")
    _check_rate(discount_rate)
    require_columns(transactions, (customer, date, amount))
    require_rows(transactions)
    days = purchase_days(transactions, customer, date, amount, order)
    stamp = _as_of(days["day"], as_of)
    hist = customer_history(days, stamp, margin, customer)
    kept = retention if retention is not None else annual_retention(days, stamp, customer)
    out, name, reason = None, "生存加权折现", "按要求使用生存加权折现 (method='survival')"
    if method == "auto":
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out, name = _model_value(days, hist, stamp, margin, discount_rate, int(horizon_years), customer)
                out = _with_non_buyers(out, hist)
            notes = sorted({str(w.message).split(" (")[0] for w in caught})
            reason = "BG/NBD 拟合成功，预测值有限且非负" + "".join(f"；提醒：{n}" for n in notes)
        except Exception as exc:  # noqa: BLE001 - any failure of the model falls back, with its reason
            reason = f"预测模型不可用，改用生存加权折现 (model unusable: {type(exc).__name__}: {str(exc)[:120]})"
    if out is None:
        if kept is None:
            raise InputError("数据不足两年，无法估计年留存率 (less than two years of data: no annual retention); "
                             "请传入 retention=0.7 之类的假设 (pass retention=...)")
        out = hist.copy()
        daily = hist["frequency"] / (hist["tenure_years"] * 365.25).clip(lower=365)
        out["clv"], out["p_alive"] = survival_value(hist["annual_margin"], hist["recency_days"], kept,
                                                    discount_rate, int(horizon_years), daily)
    out["method"] = name
    out = out.rename_axis(customer).reset_index()
    out = out.sort_values(["clv", customer], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.attrs.update(method=name, reason=reason, retention=kept, currency=currency, as_of=stamp, margin=margin,
                     discount_rate=discount_rate, horizon_years=int(horizon_years))
    return out


def median_customer(values: "pd.DataFrame", customer: str = "customer") -> dict:
    """The median customer of a :func:`customer_value` table, valued by two routes.

    Route A is the table's ``clv``.  Route B is the retention formula
    :func:`retention_clv` ``m r / (1 + i - r)`` with the customer's annual margin
    and the data's retention, cut to the horizon (x ``1 - (r / (1 + i))^H``) and
    weighted by the customer's ``p_alive``; on the survival method A = B exactly.
    ``implied_retention`` is the annual retention that makes route B equal A
    (None when no retention below 1 does).

    Engines: pandas only.
    """
    from scipy.optimize import brentq

    a = values.attrs
    ordered = values.sort_values(["clv", customer], kind="stable").reset_index(drop=True)
    row = ordered.iloc[(len(ordered) - 1) // 2]
    r, i, h = a["retention"], a["discount_rate"], a["horizon_years"]
    m, alive = float(row["annual_margin"]), float(row["p_alive"])
    out = {"customer": row[customer], "clv": float(row["clv"]), "annual_margin": m, "p_alive": alive,
           "retention": r, "discount_rate": i, "horizon_years": h, "method": a["method"],
           "formula_value": None, "horizon_factor": None, "route_b": None, "implied_retention": None}
    if r is not None:
        out["formula_value"] = retention_clv(m, r, i)
        out["horizon_factor"] = 1 - (r / (1 + i)) ** h
        out["route_b"] = out["formula_value"] * out["horizon_factor"] * alive
    gap = lambda k: m * alive * sum((k / (1 + i)) ** t for t in range(1, h + 1)) - out["clv"]  # noqa: E731
    if m > 0 and alive > 0 and gap(0.0) <= 0 <= gap(0.9999):
        out["implied_retention"] = float(brentq(gap, 0.0, 0.9999, xtol=1e-12))
    return out

"""Predictive customer value: BG/NBD purchases, Gamma-Gamma spend, expected CLV.

Notation (Fader, Hardie and Lee 2005): for each customer, ``frequency`` x is
the number of repeat purchases in the calibration period, ``recency`` t_x the
time of the last purchase and ``T`` the time since the first purchase, both
measured from the first purchase in the same unit (weeks for CDNOW).  Models
are fitted by maximum likelihood with scipy on log-parameters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

from cvwork.errors import InputError, require_columns


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float


def _arrays(frequency, recency, T) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    import numpy as np

    x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    if (x < 0).any():
        raise InputError(f"购买次数不能为负 (frequency must be >= 0): 第 {int(np.argmax(x < 0))} 项 (item)")
    if (tx > t + 1e-9).any() or (tx < 0).any():
        i = int(np.argmax((tx > t + 1e-9) | (tx < 0)))
        raise InputError(f"recency 必须在 0 与 T 之间 (recency must be within [0, T]): 第 {i} 项 recency={tx[i]}, T={t[i]}")
    if ((x == 0) & (tx != 0)).any():
        raise InputError("没有复购的客户 recency 必须为 0 (recency must be 0 when frequency is 0)")
    return x, tx, t


def bgnbd_log_likelihood(params: BGNBD, frequency, recency, T) -> "np.ndarray":
    """Per-customer log-likelihood of the BG/NBD model."""
    import numpy as np
    from scipy.special import betaln, gammaln

    x, tx, t = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + t)
    dead = np.where(x > 0, betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + tx), -np.inf)
    return common + np.logaddexp(alive, dead)


def _fit(neg_ll, start: list[float]) -> "np.ndarray":
    import numpy as np
    from scipy.optimize import minimize

    res = minimize(neg_ll, np.log(start), method="Nelder-Mead",
                   options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20_000, "maxfev": 40_000})
    res = minimize(neg_ll, res.x, method="BFGS")
    return np.exp(res.x)


def fit_bgnbd(frequency, recency, T) -> BGNBD:
    """Maximum-likelihood r, alpha, a, b."""
    import numpy as np

    x, tx, t = _arrays(frequency, recency, T)
    est = _fit(lambda p: -bgnbd_log_likelihood(BGNBD(*np.exp(p)), x, tx, t).sum(), [0.5, 5.0, 0.5, 2.0])
    return BGNBD(*map(float, est))


def prob_alive(params: BGNBD, frequency, recency, T) -> "np.ndarray":
    """P(still active | x, t_x, T); 1 for customers with no repeat purchase."""
    import numpy as np

    x, tx, t = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    odds = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + t) / (alpha + tx)) ** (r + x), 0.0)
    return 1.0 / (1.0 + odds)


def expected_purchases(params: BGNBD, t: float, frequency, recency, T) -> "np.ndarray":
    """Expected number of purchases in the next ``t`` time units (conditional expectation)."""
    from scipy.special import hyp2f1

    x, tx, big_t = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return head * body * prob_alive(params, x, tx, big_t)


def fit_gamma_gamma(frequency, monetary) -> GammaGamma:
    """Maximum-likelihood p, q, v (γ) from repeat buyers' average spend per repeat purchase."""
    import numpy as np
    from scipy.special import gammaln

    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    keep = x > 0
    if (m[keep] <= 0).any():
        n_bad = int((m[keep] <= 0).sum())
        raise InputError(f"有 {n_bad} 个复购客户的平均消费额不大于 0，多为退货所致；请先排除他们 "
                         f"({n_bad} repeat buyers have monetary <= 0, usually returns: monetary must be > 0, drop them first)")
    x, m = x[keep], m[keep]

    def neg_ll(logp):
        p, q, v = np.exp(logp)
        ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m)
              + p * x * np.log(x) - (p * x + q) * np.log(v + x * m))
        return -ll.sum()

    return GammaGamma(*map(float, _fit(neg_ll, [1.0, 1.0, 1.0])))


def expected_spend(params: GammaGamma, frequency, monetary) -> "np.ndarray":
    """E[average spend | x, m]; for x = 0 the population mean p v / (q - 1)."""
    import numpy as np

    x, m = np.asarray(frequency, dtype=float), np.nan_to_num(np.asarray(monetary, dtype=float))
    p, q, v = params.p, params.q, params.v
    return (p * (v + x * m)) / (p * x + q - 1)


def expected_clv(bg: BGNBD, gg: GammaGamma, frequency, recency, T, monetary, months: int = 12,
                 monthly_discount: float = 0.01, units_per_month: float = 30.4375 / 7) -> "np.ndarray":
    """Discounted value of the purchases expected in each of the next ``months``
    months times the expected spend per purchase."""
    import numpy as np

    if monthly_discount <= -1:
        raise InputError(f"折现率必须大于 -1 (discount rate must be > -1), 收到 (got) {monthly_discount}")
    spend = expected_spend(gg, frequency, monetary)
    total, previous = 0.0, 0.0
    for k in range(1, months + 1):
        cumulative = expected_purchases(bg, k * units_per_month, frequency, recency, T)
        total = total + (cumulative - previous) / (1 + monthly_discount) ** k
        previous = cumulative
    return np.asarray(total) * spend


def rfm_summary(transactions: "pd.DataFrame", calibration_end: str, holdout_end: str | None = None,
                customer: str = "customer", date: str = "date", amount: str = "amount",
                unit_days: float = 7.0) -> "pd.DataFrame":
    """Transaction log -> frequency / recency / T / monetary (calibration) and
    holdout purchases, one row per customer whose first purchase is on or
    before ``calibration_end``.  Purchases on the same day count as one, with
    their amounts summed; ``monetary`` is the mean of the repeat purchases."""
    import pandas as pd

    require_columns(transactions, (customer, date, amount))
    end = pd.Timestamp(calibration_end)
    days = transactions.groupby([customer, date], as_index=False)[amount].sum()
    first = days.groupby(customer)[date].transform("min")
    days = days[first <= end].assign(first=first[first <= end])
    cal = days[days[date] <= end]
    g = cal.groupby(customer)
    out = pd.DataFrame({"frequency": g.size() - 1,
                        "recency": (g[date].max() - g["first"].min()).dt.days / unit_days,
                        "T": (end - g["first"].min()).dt.days / unit_days})
    repeat = cal[cal[date] > cal["first"]]
    out["monetary"] = repeat.groupby(customer)[amount].mean().reindex(out.index).fillna(0.0)
    if holdout_end is not None:
        stop = pd.Timestamp(holdout_end)
        later = days[(days[date] > end) & (days[date] <= stop)]
        out["frequency_holdout"] = later.groupby(customer).size().reindex(out.index, fill_value=0)
        out["duration_holdout"] = (stop - end).days / unit_days
    return out.rename_axis(customer).reset_index()


FEATURES = ["need_specificity", "urgency", "budget_fit", "past_purchases", "interactions_90d"]


def win_model_backtest(opps: "pd.DataFrame", split: str, won: str = "赢单", lost: str = "输单") -> dict:
    """Logistic regression on the lesson-02 inputs, trained on opportunities
    closed before ``split`` and tested on those closed on or after it, beside
    the rule-based score of :func:`cvwork.prioritize.score_opportunities`.

    Returns ``test`` (the holdout with ``p_model`` and ``rule_score``),
    ``auc_model``, ``auc_rule``, ``n_train``, ``n_test``, ``coefficients``
    and ``calibration`` (mean predicted against observed win rate per decile
    of the model's probability).
    """
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from cvwork.prioritize import scaled_criteria, score_opportunities

    require_columns(opps, ("outcome", "closed", "opportunity_id"), "商机表")
    closed = opps[opps["outcome"].isin([won, lost])].copy()
    scaled = scaled_criteria(closed)[FEATURES].add_prefix("x_")
    closed = closed.join(scaled)
    closed["y"] = (closed["outcome"] == won).astype(int)
    cols = list(scaled.columns)
    cut = pd.Timestamp(split)
    train, test = closed[closed["closed"] < cut], closed[closed["closed"] >= cut].copy()
    if train["y"].nunique() < 2 or test["y"].nunique() < 2:
        raise InputError(f"切分日期 {split} 两侧都需要既有赢单又有输单 (both sides of the split need wins and losses)")
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(train[cols], train["y"])
    test["p_model"] = model.predict_proba(test[cols])[:, 1]
    rule = score_opportunities(test).set_index("opportunity_id")["score"]
    test["rule_score"] = test["opportunity_id"].map(rule)
    bins = pd.qcut(test["p_model"].rank(method="first"), 5, labels=False)
    calibration = test.groupby(bins).agg(predicted=("p_model", "mean"), observed=("y", "mean"), n=("y", "size"))
    coef = model[-1].coef_[0]
    return {"test": test, "auc_model": float(roc_auc_score(test["y"], test["p_model"])),
            "auc_rule": float(roc_auc_score(test["y"], test["rule_score"])), "n_train": len(train),
            "n_test": len(test), "coefficients": pd.Series(coef, index=FEATURES).sort_values(ascending=False),
            "calibration": calibration.reset_index(drop=True), "base_rate": float(np.mean(train["y"]))}


def frequency_recency_grid(params: BGNBD, T: float, t: float = 39.0, max_frequency: int = 20,
                           steps: int = 20, what: str = "purchases") -> "pd.DataFrame":
    """Expected purchases in the next ``t`` (``what="purchases"``) or P(alive)
    (``"alive"``) for customers observed for ``T``: rows = recency (most recent
    at the top), columns = frequency 0..max_frequency."""
    import numpy as np
    import pandas as pd

    if what not in ("purchases", "alive"):
        raise InputError(f"what 只能是 'purchases' 或 'alive' (what must be 'purchases' or 'alive'), 收到 (got) {what!r}")
    recencies = np.linspace(0, T, steps + 1)[::-1]
    grid = {}
    for x in range(max_frequency + 1):
        tx = recencies if x > 0 else np.zeros_like(recencies)
        xs, ts = np.full_like(recencies, x), np.full_like(recencies, T)
        grid[x] = (expected_purchases(params, t, xs, tx, ts) if what == "purchases" else prob_alive(params, xs, tx, ts))
    return pd.DataFrame(grid, index=pd.Index(recencies.round(1), name="recency")).rename_axis(columns="frequency")


def holdout_comparison(summary: "pd.DataFrame", params: BGNBD, max_frequency: int = 7) -> "pd.DataFrame":
    """Mean holdout purchases, actual against predicted, by calibration frequency (max_frequency+ pooled)."""
    import pandas as pd

    require_columns(summary, ("frequency", "recency", "T", "frequency_holdout", "duration_holdout"), "汇总表")
    predicted = expected_purchases(params, float(summary["duration_holdout"].iloc[0]),
                                   summary["frequency"], summary["recency"], summary["T"])
    group = summary["frequency"].clip(upper=max_frequency)
    out = pd.DataFrame({"group": group, "actual": summary["frequency_holdout"], "predicted": predicted})
    table = out.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    table.index = [f"{i}+" if i == max_frequency else str(i) for i in table.index]
    return table.rename_axis("calibration_frequency").reset_index()

"""Gamma-Gamma spend per purchase (Fader and Hardie's note, 2013) and the
predictive CLV that multiplies it with a purchase model.

The CLV here is lesson 03's sum of (R - C)/(1 + r)^t with the revenue of
month k taken as the expected purchases in month k times the expected spend,
``R - C = margin x revenue`` and t = k / 12 years at the annual ``discount_rate``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvwork.errors import InputError
from cvwork.predict.core import FitResult, ModelWarning, fit_model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

#: |Pearson correlation| between frequency and average spend above which the
#: Gamma-Gamma independence assumption is called into question
SPEND_CORRELATION_LIMIT = 0.3


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma parameters p, q and v (gamma in the papers)."""

    p: float
    q: float
    v: float
    fit: FitResult | None = field(default=None, compare=False, repr=False)


def spend_frequency_correlation(frequency, monetary) -> float:
    """Pearson correlation of frequency and average spend among repeat buyers.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> round(spend_frequency_correlation([1, 2, 3, 0], [10.0, 20.0, 30.0, 0.0]), 3)
    1.0
    """
    import numpy as np

    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    keep = x > 0
    if keep.sum() < 3 or np.ptp(x[keep]) == 0 or np.ptp(m[keep]) == 0:
        return float("nan")
    return float(np.corrcoef(x[keep], m[keep])[0, 1])


def _spend_data(frequency, monetary):
    import numpy as np

    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    keep = x > 0
    if not keep.any():
        raise InputError("没有复购客户，无法拟合 Gamma-Gamma (no repeat buyers: cannot fit Gamma-Gamma); "
                         "请延长校准期 (lengthen the calibration period)")
    if (m[keep] <= 0).any():
        n_bad = int((m[keep] <= 0).sum())
        raise InputError(f"有 {n_bad} 个复购客户的平均消费额不大于 0，多为退货所致；请先排除他们 "
                         f"({n_bad} repeat buyers have monetary <= 0, usually returns: monetary must be > 0, drop them first)")
    if np.ptp(m[keep]) == 0:
        raise InputError(f"所有复购客户的平均消费额都相同（{m[keep][0]:g}），Gamma-Gamma 无从估计差异 "
                         f"(constant spend {m[keep][0]:g}: Gamma-Gamma cannot be fitted); 直接用这个金额即可 (use the amount itself)")
    return x[keep], m[keep]


def fit_gamma_gamma(frequency, monetary) -> GammaGamma:
    """Maximum-likelihood p, q, v from repeat buyers' average spend per repeat purchase.

    Warns (:class:`ModelWarning`) when frequency and spend correlate beyond
    ``SPEND_CORRELATION_LIMIT``: the model assumes they are independent.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork import load_sample
    >>> from cvwork.predict import rfm_summary
    >>> s = rfm_summary(load_sample("cdnow_sample"), "1997-09-30")
    >>> gg = fit_gamma_gamma(s["frequency"], s["monetary"])
    >>> round(gg.p, 2), round(gg.q, 2), round(gg.v, 2), gg.fit.n
    (6.25, 3.74, 15.44, 946)
    """
    import numpy as np
    from scipy.special import digamma, gammaln

    x, m = _spend_data(frequency, monetary)
    rho = spend_frequency_correlation(x, m)
    if abs(rho) > SPEND_CORRELATION_LIMIT:
        warnings.warn(f"复购次数与平均消费额的相关系数为 {rho:.2f}，超过 ±{SPEND_CORRELATION_LIMIT}，Gamma-Gamma 的独立假设不成立 "
                      f"(frequency and spend correlate at {rho:.2f}, beyond ±{SPEND_CORRELATION_LIMIT}: "
                      "the Gamma-Gamma independence assumption fails)", ModelWarning, stacklevel=2)
    c = float(np.mean(m))
    ms = m / c

    lm, lx = np.log(ms), np.log(x)

    def neg_ll(z):
        p, q, v = np.exp(z)
        px, lv = p * x, np.log(v + x * ms)
        ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * lm + px * lx - (px + q) * lv
        dpq = digamma(px + q)
        grad = np.array([(x * (dpq - digamma(px) + lm + lx - lv)).sum() * p,
                         (dpq - digamma(q) + np.log(v) - lv).sum() * q,
                         (q / v - (px + q) / (v + x * ms)).sum() * v])
        return -float(ll.sum()), -grad

    result = fit_model("Gamma-Gamma", ["p", "q", "v"], neg_ll, [1.0, 2.0, 1.0], len(x), with_grad=True,
                       scale={"v": c}, ll_offset=-len(x) * np.log(c))
    return GammaGamma(**result.params, fit=result)


def expected_spend(params: GammaGamma, frequency, monetary) -> "np.ndarray":
    """E[average spend | x, m]; for x = 0 the population mean p v / (q - 1).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> round(float(expected_spend(GammaGamma(6.25, 3.74, 15.44), [0], [0.0])[0]), 2)
    35.22
    """
    import numpy as np

    x, m = np.asarray(frequency, dtype=float), np.nan_to_num(np.asarray(monetary, dtype=float))
    p, q, v = params.p, params.q, params.v
    return (p * (v + x * m)) / (p * x + q - 1)


def monthly_purchases(model, frequency, recency, T, months: int, units_per_month: float) -> "np.ndarray":
    """Expected purchases in each of the next ``months`` months: shape (months, customers).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    cumulative = np.array([model.expected_purchases(k * units_per_month, frequency, recency, T)
                           for k in range(1, months + 1)])
    return np.diff(cumulative, axis=0, prepend=0.0)


def expected_clv(bg, gg: GammaGamma, frequency, recency, T, monetary, months: int = 12,
                 monthly_discount: float = 0.01, units_per_month: float = 30.4375 / 7,
                 margin: float = 1.0) -> "np.ndarray":
    """Sum over months k of margin x E[purchases in month k] x E[spend] / (1 + d)^k.

    ``bg`` is any fitted purchase model (BG/NBD, MBG/NBD, Pareto/NBD).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    if monthly_discount <= -1:
        raise InputError(f"折现率必须大于 -1 (discount rate must be > -1), 收到 (got) {monthly_discount}")
    if not 0 < margin <= 1:
        raise InputError(f"毛利率必须在 0 与 1 之间 (margin must be in (0, 1]), 收到 (got) {margin}")
    per_month = monthly_purchases(bg, frequency, recency, T, months, units_per_month)
    factors = 1 / (1 + monthly_discount) ** np.arange(1, months + 1)
    return margin * (factors @ per_month) * expected_spend(gg, frequency, monetary)


def predicted_clv(model, gg: GammaGamma, frequency, recency, T, monetary, months: int = 12,
                  margin: float = 0.3, discount_rate: float = 0.1, unit_days: float = 7.0) -> "np.ndarray":
    """Predictive CLV in the data's currency, consistent with lesson 03:
    sum_k margin x revenue_k / (1 + discount_rate)^(k/12), k = 1..months.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork.predict.bgnbd import BGNBD
    >>> bg, gg = BGNBD(0.243, 4.414, 0.793, 2.426), GammaGamma(6.25, 3.74, 15.44)
    >>> round(float(predicted_clv(bg, gg, [2], [30.43], [38.86], [29.0], margin=1.0, discount_rate=0.0)[0]), 2)
    47.08
    """
    if discount_rate <= -1:
        raise InputError(f"折现率必须大于 -1 (discount rate must be > -1), 收到 (got) {discount_rate}")
    monthly = (1 + discount_rate) ** (1 / 12) - 1
    return expected_clv(model, gg, frequency, recency, T, monetary, months=months, monthly_discount=monthly,
                        units_per_month=30.4375 / unit_days, margin=margin)

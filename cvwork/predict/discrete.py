"""Discrete-time models: BG/BB for repeat transactions at fixed opportunities
(Fader, Hardie and Shang 2010) and the shifted-beta-geometric (sBG) for
contract renewals (Fader and Hardie 2007).

BG/BB: at each opportunity an active customer transacts with probability
p ~ Beta(alpha, beta) and, before the next one, drops out with probability
theta ~ Beta(gamma, delta).  sBG: each period a contract is cancelled with
probability theta ~ Beta(alpha, beta).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvwork.errors import InputError
from cvwork.predict.core import FitResult, fit_model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True)
class BGBB:
    alpha: float
    beta: float
    gamma: float
    delta: float
    fit: FitResult | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SBG:
    alpha: float
    beta: float
    fit: FitResult | None = field(default=None, compare=False, repr=False)


def _bgbb_ll(alpha, beta, gamma, delta, x, tx, n):
    """Per-cell BG/BB log-likelihood (FHS 2010, eq. 5)."""
    import numpy as np
    from scipy.special import betaln

    base = betaln(alpha, beta) + betaln(gamma, delta)
    terms = [betaln(alpha + x, beta + n - x) + betaln(gamma, delta + n)]
    for i in range(int(np.max(n - tx))):
        term = betaln(alpha + x, beta + tx - x + i) + betaln(gamma + 1, delta + tx + i)
        terms.append(np.where(i <= n - tx - 1, term, -np.inf))
    return np.logaddexp.reduce(np.array(terms), axis=0) - base


def _check_bgbb(x, tx, n, w):
    import numpy as np

    if len(x) == 0 or w.sum() == 0:
        raise InputError("没有客户，无法拟合 BG/BB (no customers: cannot fit BG/BB); 请检查数据 (check the data)")
    if (x < 0).any() or (x > n).any() or (tx > n).any() or (tx < x).any() or ((x > 0) & (tx == 0)).any():
        raise InputError("BG/BB 数据须满足 0 <= x <= t_x <= n (BG/BB data need 0 <= x <= t_x <= n, t_x > 0 when x > 0); "
                         "请检查 frequency、recency、n 列 (check the frequency, recency and n columns)")
    if not (x[w > 0] > 0).any():
        raise InputError("所有客户的交易次数都是 0，无法拟合 BG/BB (all frequencies are zero: cannot fit BG/BB)")


def fit_bgbb(frequency, recency, n, weights=None) -> BGBB:
    """Maximum-likelihood BG/BB from x (transactions), t_x (last opportunity
    with a transaction) and n (opportunities), one row per customer or per
    (x, t_x, n) cell with ``weights`` = the number of customers.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> m = fit_bgbb([0, 1, 1, 2, 2, 3], [0, 1, 3, 2, 3, 3], [3] * 6, weights=[50, 10, 12, 9, 14, 20])
    >>> m.fit.n, round(m.fit.log_likelihood, 2)
    (115, -199.13)
    """
    import numpy as np

    x, tx, n_ = (np.asarray(v, dtype=float) for v in (frequency, recency, n))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    _check_bgbb(x, tx, n_, w)

    def f(z):
        return -float(w @ _bgbb_ll(*np.exp(z), x, tx, n_))

    result = fit_model("BG/BB", ["alpha", "beta", "gamma", "delta"], f, [1.0, 1.0, 1.0, 1.0], int(w.sum()))
    return BGBB(**result.params, fit=result)


def bgbb_expected(params: BGBB, horizon: int, frequency, recency, n) -> "np.ndarray":
    """Expected transactions in the next ``horizon`` opportunities given x, t_x, n (FHS 2010, eq. 13).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> m = BGBB(1.204, 0.750, 0.657, 2.783)
    >>> bgbb_expected(m, 5, [6, 0], [6, 0], [6, 6]).round(2).tolist()
    [3.75, 0.07]
    """
    import numpy as np
    from scipy.special import betaln, gammaln

    x, tx, n_ = (np.asarray(v, dtype=float) for v in (frequency, recency, n))
    a, b, g, d = params.alpha, params.beta, params.gamma, params.delta
    log_lik = _bgbb_ll(a, b, g, d, x, tx, n_)
    head = betaln(a + x + 1, b + n_ - x) - betaln(a, b) + gammaln(g + d) - gammaln(1 + d)
    now = np.exp(gammaln(1 + d + n_) - gammaln(g + d + n_))
    later = np.exp(gammaln(1 + d + n_ + horizon) - gammaln(g + d + n_ + horizon))
    return np.exp(head - log_lik) * d * (now - later) / (g - 1)


def _sbg_counts(survivors) -> "np.ndarray":
    import numpy as np

    s = np.asarray(survivors, dtype=float)
    if s.ndim != 1 or len(s) < 2 or s[0] <= 0 or (np.diff(s) > 0).any() or (s < 0).any():
        raise InputError("sBG 需要逐期仍在的客户数，从期初人数开始、不增加 (sBG needs survivors per period, "
                         "starting with the cohort size and never increasing), 例如 (e.g.) [1000, 631, 468]")
    if s[-1] == s[0]:
        raise InputError("没有客户流失，无法拟合 sBG (nobody churned: cannot fit sBG); 请用更长的观察期 (observe longer)")
    return s


def fit_sbg(survivors) -> SBG:
    """Maximum-likelihood sBG from the number of customers still under
    contract at the start and after each period.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> m = fit_sbg([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> round(m.alpha, 3), round(m.beta, 3)
    (0.668, 3.806)
    """
    import numpy as np
    from scipy.special import betaln

    s = _sbg_counts(survivors)
    t = np.arange(1, len(s))
    lost = -np.diff(s)

    def f(z):
        a, b = np.exp(z)
        churn = betaln(a + 1, b + t - 1) - betaln(a, b)
        return -float(lost @ churn + s[-1] * (betaln(a, b + t[-1]) - betaln(a, b)))

    result = fit_model("sBG", ["alpha", "beta"], f, [1.0, 1.0], int(s[0]))
    return SBG(**result.params, fit=result)


def sbg_survival(params: SBG, periods: int) -> "np.ndarray":
    """S(t) = B(alpha, beta + t) / B(alpha, beta) for t = 0..periods.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> sbg_survival(SBG(1.0, 1.0), 3).round(3).tolist()
    [1.0, 0.5, 0.333, 0.25]
    """
    import numpy as np
    from scipy.special import betaln

    t = np.arange(periods + 1)
    return np.exp(betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta))

"""BG/NBD (Fader, Hardie and Lee 2005) and the modified MBG/NBD (Batislam,
Denizel and Filiztekin 2007) in one vectorised likelihood with its gradient.

Both say: while active a customer buys as a Poisson process with rate
lambda ~ Gamma(r, alpha); at each purchase she drops out with probability
p ~ Beta(a, b).  BG/NBD lets her drop out only after a repeat purchase, MBG/NBD
also right after the first one (``shift`` = 0 and 1 below), so MBG/NBD can
say that a one-time buyer has left.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvwork.predict.core import FitResult, check_fittable, check_summary, compress, fit_model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

NAMES = ["r", "alpha", "a", "b"]


@dataclass(frozen=True)
class BGNBD:
    """BG/NBD parameters; ``fit`` holds the :class:`FitResult` when estimated."""

    r: float
    alpha: float
    a: float
    b: float
    fit: FitResult | None = field(default=None, compare=False, repr=False)
    shift = 0
    label = "BG/NBD"

    def prob_alive(self, frequency, recency, T) -> "np.ndarray":
        return _prob_alive(self, *check_summary(frequency, recency, T))

    def expected_purchases(self, t: float, frequency, recency, T) -> "np.ndarray":
        return _expected(self, t, *check_summary(frequency, recency, T))


@dataclass(frozen=True)
class MBGNBD(BGNBD):
    """Modified BG/NBD parameters (same names as BG/NBD)."""

    shift = 1
    label = "MBG/NBD"


def two_branch_ll(z: "np.ndarray", x, tx, t, w, shift: int, with_grad: bool = True, distinct=None):
    """Weighted log-likelihood and its gradient in log-parameters z = log(r, alpha, a, b).

    Terms that depend only on the integer x are computed once per distinct x
    (``distinct`` = ``np.unique(x, return_inverse=True)``, computed when not given).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    from scipy.special import digamma

    r, alpha, a, b = np.exp(z)
    ux, inv = distinct if distinct is not None else np.unique(x, return_inverse=True)
    ll, branch_a, la, lb = _branches(z, x, tx, t, shift, ux, inv)
    total = float(w @ ll)
    if not with_grad:
        return total, None
    uxs = ux + shift
    wa = np.exp(branch_a - ll)
    wb = 1 - wa
    ab = (digamma(a + b) - digamma(a + b + uxs))[inv]
    d_r = (digamma(r + ux) - digamma(r))[inv] + np.log(alpha) - wa * la - wb * lb
    d_alpha = r / alpha - (r + x) * (wa / (alpha + t) + wb / (alpha + tx))
    d_a = ab + wb / a
    d_b = ab - digamma(b) + wa * digamma(b + uxs)[inv] + wb * digamma(b + np.maximum(uxs, 1) - 1)[inv]
    grad = np.array([w @ d_r, w @ d_alpha, w @ d_a, w @ d_b]) * np.array([r, alpha, a, b])
    return total, grad


def fit_two_branch(cls, frequency, recency, T, weights=None) -> BGNBD:
    """Fit BG/NBD or MBG/NBD on (optionally weighted) x, t_x, T.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    x, tx, t = check_summary(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    check_fittable(x[w > 0], t[w > 0], cls.label)
    c = float(np.median(t[t > 0]))
    (ux, utx, ut, uw0), uw = compress(x, tx / c, t / c, w)
    uw = uw * uw0
    distinct = np.unique(ux, return_inverse=True)

    def f(z):
        total, grad = two_branch_ll(z, ux, utx, ut, uw, cls.shift, distinct=distinct)
        return -total, -grad

    result = fit_model(cls.label, NAMES, f, [0.5, 1.0, 0.8, 2.5], int(w.sum()), with_grad=True,
                       scale={"alpha": c}, ll_offset=-float(w @ x) * np.log(c))
    return cls(**result.params, fit=result)


def fit_bgnbd(frequency, recency, T, weights=None) -> BGNBD:
    """Maximum-likelihood BG/NBD r, alpha, a, b (``.fit`` has SEs, LL, convergence).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork import load_sample
    >>> from cvwork.predict import rfm_summary
    >>> s = rfm_summary(load_sample("cdnow_sample"), "1997-09-30")
    >>> m = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    >>> round(m.r, 3), round(m.alpha, 3), round(m.fit.log_likelihood, 1), m.fit.converged
    (0.243, 4.414, -9582.4, True)
    """
    return fit_two_branch(BGNBD, frequency, recency, T, weights)


def fit_mbgnbd(frequency, recency, T, weights=None) -> MBGNBD:
    """Maximum-likelihood modified BG/NBD (MBG/NBD) r, alpha, a, b.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    return fit_two_branch(MBGNBD, frequency, recency, T, weights)


def bgnbd_log_likelihood(params: BGNBD, frequency, recency, T) -> "np.ndarray":
    """Per-customer log-likelihood of the BG/NBD (or MBG/NBD) model.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    x, tx, t = check_summary(frequency, recency, T)
    return _branches(np.log([params.r, params.alpha, params.a, params.b]), x, tx, t, params.shift)[0]


def _branches(z, x, tx, t, shift: int, ux=None, inv=None):
    """Per-customer log-likelihood, the 'active' branch, log(alpha + T) and log(alpha + t_x)."""
    import numpy as np
    from scipy.special import betaln, gammaln

    if ux is None:
        ux, inv = np.unique(x, return_inverse=True)
    r, alpha, a, b = np.exp(z)
    uxs = ux + shift
    common = (gammaln(r + ux) - gammaln(r) - betaln(a, b))[inv] + r * np.log(alpha)
    la, lb = np.log(alpha + t), np.log(alpha + tx)
    branch_a = common + betaln(a, b + uxs)[inv] - (r + x) * la
    beta_b = np.where(uxs > 0, betaln(a + 1, b + np.maximum(uxs, 1) - 1), -np.inf)[inv]
    branch_b = common + beta_b - (r + x) * lb
    return np.logaddexp(branch_a, branch_b), branch_a, la, lb


def _prob_alive(m: BGNBD, x, tx, t) -> "np.ndarray":
    import numpy as np
    from scipy.special import expit

    xs = x + m.shift
    log_odds = (np.log(m.a) - np.log(m.b + np.maximum(xs, 1) - 1)
                + (m.r + x) * (np.log(m.alpha + t) - np.log(m.alpha + tx)))
    return np.where(xs > 0, expit(-log_odds), 1.0)


def _expected(m: BGNBD, horizon: float, x, tx, t) -> "np.ndarray":
    """E[Y(horizon) | x, t_x, T]; a new customer is x = t_x = T = 0."""
    import numpy as np
    from scipy.special import hyp2f1

    r, alpha, a, b, s = m.r, m.alpha, m.a, m.b, m.shift
    z = horizon / (alpha + t + horizon)
    head = (a + b + x + s - 1) / (a - 1)
    body = 1 - ((alpha + t) / (alpha + t + horizon)) ** (r + x) * hyp2f1(r + x, b + x + s, a + b + x + s - 1, z)
    return head * body * _prob_alive(m, x, tx, t)


def prob_alive(params: BGNBD, frequency, recency, T) -> "np.ndarray":
    """P(still active | x, t_x, T) for any fitted model (BG/NBD: 1 for x = 0).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> float(prob_alive(BGNBD(0.243, 4.414, 0.793, 2.426), [0], [0], [30])[0])
    1.0
    """
    return params.prob_alive(frequency, recency, T)


def expected_purchases(params: BGNBD, t: float, frequency, recency, T) -> "np.ndarray":
    """Expected purchases in the next ``t`` time units, for any fitted model.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> round(float(expected_purchases(BGNBD(0.243, 4.414, 0.793, 2.426), 39, [2], [30.43], [38.86])[0]), 3)
    1.226
    """
    return params.expected_purchases(t, frequency, recency, T)

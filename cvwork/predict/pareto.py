"""Pareto/NBD (Schmittlein, Morrison and Colombo 1987), with the likelihood in
the form of Fader, Hardie and Lee's note "A note on deriving the Pareto/NBD
model and related expressions" (2005).

While active a customer buys as a Poisson process with rate
lambda ~ Gamma(r, alpha); her lifetime is exponential with rate
mu ~ Gamma(s, beta), so she can leave at any moment, not only at a purchase.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvwork.predict.core import FitResult, check_fittable, check_summary, compress, fit_model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

NAMES = ["r", "alpha", "s", "beta"]


@dataclass(frozen=True)
class ParetoNBD:
    """Pareto/NBD parameters; ``fit`` holds the :class:`FitResult` when estimated."""

    r: float
    alpha: float
    s: float
    beta: float
    fit: FitResult | None = field(default=None, compare=False, repr=False)
    label = "Pareto/NBD"

    def prob_alive(self, frequency, recency, T) -> "np.ndarray":
        from scipy.special import expit

        x, tx, t = check_summary(frequency, recency, T)
        return expit(-_log_odds_dead(self.r, self.alpha, self.s, self.beta, x, tx, t))

    def expected_purchases(self, t: float, frequency, recency, T) -> "np.ndarray":
        """E[Y(t) | x, t_x, T] = (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)."""
        x, tx, big_t = check_summary(frequency, recency, T)
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        head = (r + x) * (beta + big_t) / ((alpha + big_t) * (s - 1))
        return head * (1 - ((beta + big_t) / (beta + big_t + t)) ** (s - 1)) * self.prob_alive(x, tx, big_t)


def _log_term(r, alpha, s, beta, x, u):
    """log of 2F1(r+s+x, b1; r+s+x+1; |alpha-beta|/(m+u)) / (m+u)^(r+s+x), m = max(alpha, beta)."""
    import numpy as np
    from scipy.special import hyp2f1

    rsx = r + s + x
    m, b1 = (alpha, s + 1) if alpha >= beta else (beta, r + x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(hyp2f1(rsx, b1, rsx + 1, abs(alpha - beta) / (m + u))) - rsx * np.log(m + u)


def _unique_pairs(x, u):
    """Distinct (x, u) pairs and the index back: the costly 2F1 is evaluated once per pair."""
    import numpy as np

    pairs, inv = np.unique(np.column_stack([x, u]), axis=0, return_inverse=True)
    return pairs[:, 0], pairs[:, 1], inv.ravel()


def _log_a0(r, alpha, s, beta, x, tx, t, pairs=None):
    """log A0 of the FHL note; -inf when t_x = T (then A0 = 0)."""
    import numpy as np

    (x1, u1, i1), (x2, u2, i2) = pairs or (_unique_pairs(x, tx), _unique_pairs(x, t))
    first = _log_term(r, alpha, s, beta, x1, u1)[i1]
    second = _log_term(r, alpha, s, beta, x2, u2)[i2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return first + np.log1p(-np.exp(np.minimum(second - first, 0.0)))


def _log_odds_dead(r, alpha, s, beta, x, tx, t):
    """log of (s/(r+s+x)) (alpha+T)^(r+x) (beta+T)^s A0: the odds that the customer has left."""
    import numpy as np

    return (np.log(s / (r + s + x)) + (r + x) * np.log(alpha + t) + s * np.log(beta + t)
            + _log_a0(r, alpha, s, beta, x, tx, t))


def pareto_log_likelihood(params: ParetoNBD, frequency, recency, T) -> "np.ndarray":
    """Per-customer Pareto/NBD log-likelihood.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    x, tx, t = check_summary(frequency, recency, T)
    return _ll(params.r, params.alpha, params.s, params.beta, x, tx, t)


def _ll(r, alpha, s, beta, x, tx, t, pairs=None):
    import numpy as np
    from scipy.special import gammaln

    alive_term = -(r + x) * np.log(alpha + t) - s * np.log(beta + t)
    dead_term = np.log(s / (r + s + x)) + _log_a0(r, alpha, s, beta, x, tx, t, pairs)
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.logaddexp(alive_term, dead_term)


def fit_pareto_nbd(frequency, recency, T, weights=None) -> ParetoNBD:
    """Maximum-likelihood Pareto/NBD r, alpha, s, beta (``.fit`` has SEs, LL, convergence).

    The gradient is numerical (central differences) on the distinct
    (x, t_x, T) rows, so repeated customers cost nothing.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork import load_sample
    >>> from cvwork.predict import rfm_summary
    >>> s = rfm_summary(load_sample("cdnow_sample"), "1997-09-30")
    >>> m = fit_pareto_nbd(s["frequency"], s["recency"], s["T"])
    >>> round(m.r, 2), round(m.alpha, 2), round(m.s, 2), round(m.beta, 2), round(m.fit.log_likelihood, 1)
    (0.55, 10.58, 0.61, 11.67, -9595.0)
    """
    import numpy as np

    x, tx, t = check_summary(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    check_fittable(x[w > 0], t[w > 0], "Pareto/NBD")
    c = float(np.median(t[t > 0]))
    (ux, utx, ut, uw0), uw = compress(x, tx / c, t / c, w)
    uw = uw * uw0
    pairs = (_unique_pairs(ux, utx), _unique_pairs(ux, ut))

    def f(z):
        r, alpha, s, beta = np.exp(z)
        total = float(uw @ _ll(r, alpha, s, beta, ux, utx, ut, pairs))
        return -total if np.isfinite(total) else 1e300  # hyp2f1 overflow far from the optimum

    result = fit_model("Pareto/NBD", NAMES, f, [0.5, 0.3, 0.5, 0.3], int(w.sum()),
                       scale={"alpha": c, "beta": c}, ll_offset=-float(w @ x) * np.log(c))
    return ParetoNBD(**result.params, fit=result)

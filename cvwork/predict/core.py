"""One fitting routine and one result type for every purchase model.

Each model supplies a negative log-likelihood on log-parameters (optionally
with its gradient); :func:`fit_model` maximises it with L-BFGS-B inside wide
bounds, computes the Hessian by finite differences of the gradient and turns
it into standard errors on the natural scale (delta method:
``se(theta) = theta * se(log theta)``).  Parameters that run out of the
plausible range are reported with a :class:`ModelWarning`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: plausible log-parameter range of the (internally rescaled) problems: 1e-4 .. 1e4
LOG_BOUND = 9.21


class ModelWarning(UserWarning):
    """A fit that ran but should not be trusted as it is (a bound, a correlation)."""


@dataclass(frozen=True)
class FitResult:
    """What every maximum-likelihood fit returns.

    >>> r = FitResult("demo", {"a": 2.0}, -10.0, {"a": 0.5}, True, "ok", 100)
    >>> r.intervals().round(2).to_dict("records")
    [{'parameter': 'a', 'estimate': 2.0, 'se': 0.5, 'lower': 1.02, 'upper': 2.98}]
    """

    model: str
    params: dict[str, float]
    log_likelihood: float
    se: dict[str, float]
    converged: bool
    message: str
    n: int
    at_bound: tuple[str, ...] = ()
    cov_log: "np.ndarray | None" = field(default=None, repr=False, compare=False)

    @property
    def k(self) -> int:
        return len(self.params)

    @property
    def bic(self) -> float:
        import math
        return -2 * self.log_likelihood + self.k * math.log(max(self.n, 1))

    @property
    def aic(self) -> float:
        return -2 * self.log_likelihood + 2 * self.k

    def intervals(self, level: float = 0.95) -> "pd.DataFrame":
        """Estimate, standard error and the Wald interval ``estimate ± z se``."""
        import pandas as pd
        from scipy.stats import norm

        z = norm.ppf(0.5 + level / 2)
        rows = [{"parameter": k, "estimate": v, "se": self.se[k], "lower": v - z * self.se[k],
                 "upper": v + z * self.se[k]} for k, v in self.params.items()]
        return pd.DataFrame(rows)


def hessian(grad: Callable, z: "np.ndarray", step: float = 1e-5) -> "np.ndarray":
    """Symmetric Hessian from central differences of a gradient.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    k = len(z)
    h = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        h[i] = (grad(z + e) - grad(z - e)) / (2 * step)
    return (h + h.T) / 2


def numeric_grad(f: Callable, z: "np.ndarray", step: float = 1e-6) -> "np.ndarray":
    """Central-difference gradient of a scalar function.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    out = np.empty(len(z))
    for i in range(len(z)):
        e = np.zeros(len(z))
        e[i] = step
        out[i] = (f(z + e) - f(z - e)) / (2 * step)
    return out


def fit_model(name: str, names: list[str], neg_ll: Callable, start: list[float], n: int,
              with_grad: bool = False, scale: dict[str, float] | None = None, ll_offset: float = 0.0) -> FitResult:
    """Maximise a log-likelihood given as ``neg_ll(log_params)``.

    The search is unconstrained in log-parameters; an estimate that runs
    beyond 1e-4 .. 1e4 (on the rescaled data) is clipped there, flagged in
    ``at_bound`` and warned about.

    With ``with_grad`` the function returns ``(value, gradient)``.  ``scale``
    maps a parameter to the factor the data were divided by before fitting
    (time or money units); estimates and standard errors are returned on the
    caller's scale and ``ll_offset`` puts the log-likelihood back on it too.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    from scipy.optimize import minimize

    fun = neg_ll if with_grad else (lambda v: (neg_ll(v), numeric_grad(neg_ll, v)))
    with _one_blas_thread():
        res = minimize(fun, np.log(start), jac=True, method="L-BFGS-B",
                       options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-7})
    z = np.clip(res.x, -LOG_BOUND, LOG_BOUND)
    at_bound = tuple(k for k, v in zip(names, res.x) if abs(v) >= LOG_BOUND)
    with np.errstate(all="ignore"):
        if at_bound:
            cov = None
        elif with_grad:
            cov = _inverse(hessian(lambda v: neg_ll(v)[1], z))
        else:
            cov = _inverse(hessian(lambda v: numeric_grad(neg_ll, v, 1e-4), z, 1e-4))
    theta = np.exp(z) * np.array([(scale or {}).get(k, 1.0) for k in names])
    se_log = np.sqrt(np.diag(cov)) if cov is not None else np.full(len(z), np.nan)
    if at_bound:
        warnings.warn(f"{name} 参数 {', '.join(at_bound)} 跑到了边界，估计不可信；数据可能不适合这个模型 "
                      f"({name} parameter(s) {', '.join(at_bound)} ran to a bound: do not trust this fit)",
                      ModelWarning, stacklevel=3)
    return FitResult(name, dict(zip(names, map(float, theta))), float(-res.fun + ll_offset), dict(zip(names, map(float, theta * se_log))),
                     bool(res.success) and not at_bound, str(res.message), int(n), at_bound, cov)


def _one_blas_thread():
    """BLAS threads only spin on a problem of 2-4 parameters: measured 15 ms per
    L-BFGS-B step on a busy 2-core machine, against microseconds with one thread.
    threadpoolctl comes with scikit-learn; without it nothing is limited."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1)


def _inverse(h: "np.ndarray") -> "np.ndarray | None":
    import numpy as np

    try:
        cov = np.linalg.inv(h)
    except np.linalg.LinAlgError:
        return None
    return cov if np.all(np.diag(cov) > 0) else None


def draw_params(fit: FitResult, draws: int, seed: int = 0) -> "np.ndarray":
    """Parameter vectors drawn from the asymptotic normal of the log-parameters
    (a parametric bootstrap of the estimates): one row per draw.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    if fit.cov_log is None:
        raise InputError(f"{fit.model} 的拟合没有可用的协方差矩阵，不能给出区间 "
                         f"({fit.model} fit has no usable covariance: no intervals); 请先检查拟合 (check the fit)")
    rng = np.random.default_rng(seed)
    z = np.log(np.array(list(fit.params.values())))
    return np.exp(rng.multivariate_normal(z, fit.cov_log, size=draws))


def check_summary(frequency, recency, T) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Validated float arrays x, t_x, T for the continuous-time models.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np

    x, tx, t = (np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T))
    if not (len(x) == len(tx) == len(t)):
        raise InputError(f"frequency、recency、T 长度不同 (lengths differ): {len(x)}, {len(tx)}, {len(t)}")
    if (x < 0).any():
        raise InputError(f"购买次数不能为负 (frequency must be >= 0): 第 {int(np.argmax(x < 0))} 项 (item)")
    if (tx > t + 1e-9).any() or (tx < 0).any():
        i = int(np.argmax((tx > t + 1e-9) | (tx < 0)))
        raise InputError(f"recency 必须在 0 与 T 之间 (recency must be within [0, T]): 第 {i} 项 recency={tx[i]}, T={t[i]}")
    if ((x == 0) & (tx != 0)).any():
        raise InputError("没有复购的客户 recency 必须为 0 (recency must be 0 when frequency is 0)")
    return x, tx, t


def check_fittable(x: "np.ndarray", t: "np.ndarray", model: str) -> None:
    """Refuse data a purchase model cannot be fitted to (lifetimes raises too).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if len(x) == 0:
        raise InputError(f"没有客户，无法拟合 {model} (no customers: cannot fit {model}); 请检查校准期日期和数据 "
                         "(check the calibration dates and the data)")
    if not (x > 0).any():
        raise InputError(f"所有客户的复购次数都是 0，无法拟合 {model} (all frequencies are zero: cannot fit {model}); "
                         "请延长校准期或换数据 (lengthen the calibration period or use other data)")
    if not (t > 0).any():
        raise InputError(f"所有客户的观察期 T 都是 0，无法拟合 {model} (all T are zero: cannot fit {model}); "
                         "校准期结束日要晚于首购日 (the calibration end must follow the first purchases)")


def compress(*columns: "np.ndarray") -> tuple[list["np.ndarray"], "np.ndarray"]:
    """Distinct rows of the given columns and how often each occurs (the weights).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> import numpy as np
    >>> rows, counts = compress(np.array([1.0, 0.0, 1.0]), np.array([2.0, 5.0, 2.0]))
    >>> [r.tolist() for r in rows], counts.tolist()
    ([[0.0, 1.0], [5.0, 2.0]], [1.0, 2.0])
    """
    import numpy as np

    order = np.lexsort(columns[::-1])
    ordered = [np.asarray(c)[order] for c in columns]
    if len(order) == 0:
        return ordered, np.zeros(0)
    change = np.zeros(len(order), dtype=bool)
    change[0] = True
    for c in ordered:
        change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, len(order)))
    return [c[starts] for c in ordered], counts.astype(float)

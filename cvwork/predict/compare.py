"""Model comparison on a calibration/holdout split, and intervals from
parameter uncertainty.

Intervals are a parametric bootstrap of the estimates: parameter vectors
are drawn from the asymptotic normal distribution of the log-parameters
(mean = the estimate, covariance = the inverse Hessian), every quantity is
recomputed per draw and the 2.5% and 97.5% points are reported.  They show
how uncertain the *expectation* is; the count a single customer will
actually make varies far more (Poisson noise is not included).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from cvwork.errors import InputError, require_columns
from cvwork.predict.bgnbd import fit_bgnbd, fit_mbgnbd
from cvwork.predict.core import draw_params
from cvwork.predict.pareto import fit_pareto_nbd

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: the continuous-time purchase models, by the name a lesson shows
MODELS: dict[str, Callable] = {"BG/NBD": fit_bgnbd, "MBG/NBD": fit_mbgnbd, "Pareto/NBD": fit_pareto_nbd}


def fit_models(summary: "pd.DataFrame", names: list[str] | None = None) -> dict:
    """Fit each named model (default: all of :data:`MODELS`) on a summary table.

    Engines: pandas only.
    """
    require_columns(summary, ("frequency", "recency", "T"), "汇总表")
    unknown = [n for n in (names or []) if n not in MODELS]
    if unknown:
        raise InputError(f"未知模型 {unknown} (unknown model); 可选 (choose from): {', '.join(MODELS)}")
    return {n: MODELS[n](summary["frequency"], summary["recency"], summary["T"]) for n in (names or MODELS)}


def compare_models(summary: "pd.DataFrame", models: dict) -> "pd.DataFrame":
    """One row per fitted model: calibration fit (LL, BIC) and holdout accuracy.

    ``holdout_error`` is predicted total / actual total - 1; ``mae`` and
    ``rmse`` are per-customer errors of the holdout purchase counts.

    Engines: pandas only.
    """
    import numpy as np
    import pandas as pd

    require_columns(summary, ("frequency", "recency", "T", "frequency_holdout", "duration_holdout"), "汇总表")
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    horizon = float(summary["duration_holdout"].iloc[0])
    rows = []
    for name, m in models.items():
        pred = m.expected_purchases(horizon, summary["frequency"], summary["recency"], summary["T"])
        rows.append({"model": name, "parameters": m.fit.k, "log_likelihood": m.fit.log_likelihood, "bic": m.fit.bic,
                     "holdout_actual": actual.sum(), "holdout_predicted": float(pred.sum()),
                     "holdout_error": float(pred.sum() / actual.sum() - 1) if actual.sum() else float("nan"),
                     "mae": float(np.abs(pred - actual).mean()), "rmse": float(np.sqrt(((pred - actual) ** 2).mean())),
                     "converged": m.fit.converged})
    return pd.DataFrame(rows)


def _redraw(model, draws: int, seed: int) -> list:
    return [type(model)(*row) for row in draw_params(model.fit, draws, seed)]


def purchase_intervals(model, t: float, frequency, recency, T, draws: int = 200, level: float = 0.95,
                       seed: int = 0) -> "pd.DataFrame":
    """Per customer: expected purchases in the next ``t`` and its interval
    (``lower``, ``upper``) from the parameter uncertainty of a fitted model.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    import pandas as pd

    sims = np.array([m.expected_purchases(t, frequency, recency, T) for m in _redraw(model, draws, seed)])
    lo, hi = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return pd.DataFrame({"expected": model.expected_purchases(t, frequency, recency, T), "lower": lo, "upper": hi})


def total_intervals(model, gg, summary: "pd.DataFrame", t: float, clv: Callable | None = None,
                    draws: int = 200, level: float = 0.95, seed: int = 0) -> "pd.DataFrame":
    """Total expected purchases in the next ``t`` (and total CLV when ``clv(model, gg)``
    returns per-customer values) with their intervals; both models are redrawn.

    Engines: pandas only.
    """
    import numpy as np
    import pandas as pd

    args = (summary["frequency"], summary["recency"], summary["T"])
    models, spends = _redraw(model, draws, seed), _redraw(gg, draws, seed + 1) if clv else [None] * draws
    rows = {"purchases": (model.expected_purchases(t, *args).sum(),
                          [m.expected_purchases(t, *args).sum() for m in models])}
    if clv is not None:
        rows["clv"] = (clv(model, gg).sum(), [clv(m, g).sum() for m, g in zip(models, spends)])
    out = []
    for name, (point, sims) in rows.items():
        lo, hi = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2])
        out.append({"quantity": name, "estimate": float(point), "lower": float(lo), "upper": float(hi)})
    return pd.DataFrame(out)


def model_to_dict(model) -> dict:
    """A fitted model as plain JSON-ready data (kind, parameters, fit summary).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork.predict import BGNBD
    >>> model_to_dict(BGNBD(0.243, 4.414, 0.793, 2.426))["params"]
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    """
    from dataclasses import fields

    params = {f.name: getattr(model, f.name) for f in fields(model) if f.name != "fit"}
    out = {"kind": type(model).__name__, "params": params}
    if model.fit is not None:
        out["fit"] = {k: getattr(model.fit, k) for k in ("model", "log_likelihood", "se", "converged", "n")}
        out["fit"]["cov_log"] = None if model.fit.cov_log is None else model.fit.cov_log.tolist()
    return out


def model_from_dict(data: dict):
    """Rebuild a model saved with :func:`model_to_dict` (standard errors and intervals included).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> from cvwork.predict import BGNBD
    >>> model_from_dict(model_to_dict(BGNBD(0.243, 4.414, 0.793, 2.426))) == BGNBD(0.243, 4.414, 0.793, 2.426)
    True
    """
    import numpy as np

    from cvwork.predict import BGBB, BGNBD, MBGNBD, SBG, GammaGamma, ParetoNBD
    from cvwork.predict.core import FitResult

    kinds = {c.__name__: c for c in (BGNBD, MBGNBD, ParetoNBD, BGBB, SBG, GammaGamma)}
    if data.get("kind") not in kinds:
        raise InputError(f"未知的模型类型 {data.get('kind')!r} (unknown model kind); 可选 (choose from): {', '.join(kinds)}")
    fit = data.get("fit")
    result = None if fit is None else FitResult(
        fit["model"], dict(data["params"]), fit["log_likelihood"], fit["se"], fit["converged"], "loaded", fit["n"],
        (), None if fit["cov_log"] is None else np.array(fit["cov_log"]))
    return kinds[data["kind"]](**data["params"], fit=result)

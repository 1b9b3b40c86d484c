"""Predictive customer value: purchase models (BG/NBD, MBG/NBD, Pareto/NBD;
BG/BB and sBG in discrete time), Gamma-Gamma spend, predictive CLV, model
comparison, intervals and diagnostics; plus the win-probability model.

Notation (Fader, Hardie and Lee 2005): for each customer, ``frequency`` x is
the number of repeat purchases in the calibration period, ``recency`` t_x the
time of the last purchase and ``T`` the time since the first purchase, both
measured from the first purchase in the same unit (weeks by default).  Every
model is fitted by maximum likelihood with scipy through
:func:`cvwork.predict.core.fit_model` and carries a
:class:`~cvwork.predict.core.FitResult` (estimates, log-likelihood, standard
errors, convergence) in ``.fit``.
"""
from cvwork.predict.bgnbd import (BGNBD, MBGNBD, bgnbd_log_likelihood, expected_purchases, fit_bgnbd,
                                  fit_mbgnbd, prob_alive)
from cvwork.predict.compare import (MODELS, compare_models, fit_models, model_from_dict, model_to_dict, purchase_intervals,
                                    total_intervals)
from cvwork.predict.core import FitResult, ModelWarning, fit_model
from cvwork.predict.diagnostics import (count_probabilities, frequency_recency_grid, holdout_comparison,
                                        repeat_count_table, tracking_errors)
from cvwork.predict.discrete import BGBB, SBG, bgbb_expected, fit_bgbb, fit_sbg, sbg_survival
from cvwork.predict.pareto import ParetoNBD, fit_pareto_nbd, pareto_log_likelihood
from cvwork.predict.spend import (SPEND_CORRELATION_LIMIT, GammaGamma, expected_clv, expected_spend,
                                  fit_gamma_gamma, predicted_clv, spend_frequency_correlation)
from cvwork.predict.summary import purchase_days, rfm_summary, tracking
from cvwork.predict.win import FEATURES, win_model_backtest

__all__ = [
    "BGNBD", "MBGNBD", "ParetoNBD", "BGBB", "SBG", "GammaGamma", "FitResult", "ModelWarning", "MODELS", "FEATURES",
    "SPEND_CORRELATION_LIMIT", "fit_model", "fit_bgnbd", "fit_mbgnbd", "fit_pareto_nbd", "fit_bgbb", "fit_sbg",
    "fit_gamma_gamma", "fit_models", "bgnbd_log_likelihood", "pareto_log_likelihood", "prob_alive",
    "expected_purchases", "expected_spend", "expected_clv", "predicted_clv", "spend_frequency_correlation",
    "bgbb_expected", "sbg_survival", "rfm_summary", "purchase_days", "tracking", "compare_models",
    "purchase_intervals", "total_intervals", "model_to_dict", "model_from_dict", "frequency_recency_grid", "holdout_comparison",
    "count_probabilities", "repeat_count_table", "tracking_errors", "win_model_backtest",
]

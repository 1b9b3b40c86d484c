"""Win probability of an opportunity: logistic regression against the lesson-02 rule."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.errors import InputError, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FEATURES = ["need_specificity", "urgency", "budget_fit", "past_purchases", "interactions_90d"]


def win_model_backtest(opps: "pd.DataFrame", split: str, won: str = "赢单", lost: str = "输单") -> dict:
    """Logistic regression on the lesson-02 inputs, trained on opportunities
    closed before ``split`` and tested on those closed on or after it, beside
    the rule-based score of :func:`cvwork.prioritize.score_opportunities`.

    Returns ``test`` (the holdout with ``p_model`` and ``rule_score``),
    ``auc_model``, ``auc_rule``, ``n_train``, ``n_test``, ``coefficients``
    and ``calibration`` (mean predicted against observed win rate per decile
    of the model's probability).

    Engines: pandas only.
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

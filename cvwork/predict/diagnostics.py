"""Fit diagnostics for the continuous-time purchase models: the
frequency-by-recency grid, the holdout check by calibration frequency and the
distribution of repeat purchases (actual against expected)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.errors import InputError, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd


def frequency_recency_grid(params, T: float, t: float = 39.0, max_frequency: int = 20,
                           steps: int = 20, what: str = "purchases") -> "pd.DataFrame":
    """Expected purchases in the next ``t`` (``what="purchases"``) or P(alive)
    (``"alive"``) for customers observed for ``T``: rows = recency (most recent
    at the top), columns = frequency 0..max_frequency.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    import pandas as pd

    if what not in ("purchases", "alive"):
        raise InputError(f"what 只能是 'purchases' 或 'alive' (what must be 'purchases' or 'alive'), 收到 (got) {what!r}")
    recencies = np.linspace(0, T, steps + 1)[::-1]
    grid = {}
    for x in range(max_frequency + 1):
        tx = recencies if x > 0 else np.zeros_like(recencies)
        xs, ts = np.full_like(recencies, x), np.full_like(recencies, T)
        grid[x] = params.expected_purchases(t, xs, tx, ts) if what == "purchases" else params.prob_alive(xs, tx, ts)
    return pd.DataFrame(grid, index=pd.Index(recencies.round(1), name="recency")).rename_axis(columns="frequency")


def _group_labels(index, max_frequency: int) -> list[str]:
    return [f"{i}+" if i == max_frequency else str(i) for i in index]


def holdout_comparison(summary: "pd.DataFrame", params, max_frequency: int = 7) -> "pd.DataFrame":
    """Mean holdout purchases, actual against predicted, by calibration frequency (max_frequency+ pooled).

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(summary, ("frequency", "recency", "T", "frequency_holdout", "duration_holdout"), "汇总表")
    predicted = params.expected_purchases(float(summary["duration_holdout"].iloc[0]),
                                          summary["frequency"], summary["recency"], summary["T"])
    group = summary["frequency"].clip(upper=max_frequency)
    out = pd.DataFrame({"group": group, "actual": summary["frequency_holdout"], "predicted": predicted})
    table = out.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    table.index = _group_labels(table.index, max_frequency)
    return table.rename_axis("calibration_frequency").reset_index()


def count_probabilities(params, T, max_count: int = 7, draws: int = 200, seed: int = 0) -> "np.ndarray":
    """P(X(T_i) = k) for k = 0..max_count-1 and the rest pooled: shape (customers, max_count + 1).

    Closed form for BG/NBD and MBG/NBD; for Pareto/NBD the shares of ``draws``
    seeded simulations per customer.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import numpy as np
    from scipy.special import betaln, gammaln, xlogy

    t = np.asarray(T, dtype=float)[:, None]
    if not hasattr(params, "shift"):
        return _simulated_counts(params, t[:, 0], max_count, draws, seed)
    r, alpha, a, b, s = params.r, params.alpha, params.a, params.b, params.shift
    k = np.arange(max_count)[None, :]
    log_nb = gammaln(r + k) - gammaln(r) - gammaln(k + 1) + r * np.log(alpha / (alpha + t)) + xlogy(k, t / (alpha + t))
    nb = np.exp(log_nb)
    at_least = 1 - np.cumsum(nb, axis=1) + nb                     # P(N(t) >= k)
    alive = np.exp(betaln(a, b + k + s) - betaln(a, b)) * nb
    dead = np.where(k + s > 0, np.exp(betaln(a + 1, b + np.maximum(k + s, 1) - 1) - betaln(a, b)), 0.0) * at_least
    probs = alive + dead
    return np.column_stack([probs, 1 - probs.sum(axis=1)])


def _simulated_counts(params, t, max_count, draws, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(t)
    lam = rng.gamma(params.r, 1 / params.alpha, (draws, n))
    life = rng.exponential(1 / rng.gamma(params.s, 1 / params.beta, (draws, n)))
    counts = rng.poisson(lam * np.minimum(life, t[None, :]))
    return np.stack([(np.minimum(counts, max_count) == k).mean(axis=0) for k in range(max_count + 1)], axis=1)


def repeat_count_table(summary: "pd.DataFrame", params, max_count: int = 7) -> "pd.DataFrame":
    """Number of customers with 0, 1, ..., max_count+ calibration repeat purchases: actual and expected.

    Engines: pandas only.
    """
    import numpy as np
    import pandas as pd

    require_columns(summary, ("frequency", "T"), "汇总表")
    expected = count_probabilities(params, summary["T"].to_numpy(), max_count).sum(axis=0)
    actual = np.bincount(np.minimum(summary["frequency"].to_numpy(dtype=int), max_count), minlength=max_count + 1)
    return pd.DataFrame({"repeat_purchases": _group_labels(range(max_count + 1), max_count),
                         "actual": actual, "predicted": expected})


def tracking_errors(track: "pd.DataFrame", calibration_end, window: int = 13) -> dict:
    """Read a :func:`cvwork.predict.tracking` table around the calibration end.

    Returns ``calibration_error`` and ``holdout_error`` (predicted / actual - 1
    over the whole periods before and after the end), ``last_window_excess``
    (actual / predicted - 1 over the last ``window`` calibration periods) and
    the mean actual per period in that window (``before``) and in the first
    ``window`` holdout periods (``after``).

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(track, ("period_start", "actual", "predicted"), "跟踪表")
    span = track["period_start"].diff().median() if len(track) > 1 else pd.Timedelta(days=7)
    cal = track[track["period_start"] + span <= pd.Timestamp(calibration_end) + pd.Timedelta(days=1)]
    hold = track.iloc[len(cal):]
    if cal.empty or hold.empty or cal["actual"].sum() == 0 or hold["actual"].sum() == 0:
        raise InputError("跟踪表的校准期或验证期没有购买 (no purchases before or after the calibration end); "
                         "请检查日期 (check the dates)")
    last = cal.tail(window)
    return {"calibration_error": float(cal["predicted"].sum() / cal["actual"].sum() - 1),
            "holdout_error": float(hold["predicted"].sum() / hold["actual"].sum() - 1),
            "last_window_excess": float(last["actual"].sum() / last["predicted"].sum() - 1),
            "before": float(last["actual"].mean()), "after": float(hold.head(window)["actual"].mean())}

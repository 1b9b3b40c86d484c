"""Opportunity scoring and ranking (lesson 02).

Each criterion is scaled to 0-100 by a stated rule (``CRITERIA``), the
weighted average of the scaled values is the score (0-100), and each
criterion's contribution ``weight_i / sum(weights) x scaled_i`` is kept, so
the contributions of a row add up to its score.  Ranks are 1..n with ties
broken by opportunity id; tiers are 高 (score >= high), 中 (>= medium), 低.

Default weights: need specificity 0.25 and budget fit 0.25 (without a clear
need and money there is no deal), urgency 0.20 (decides *when*), past
purchases and recent interactions 0.15 each (signs of a relationship, not of
this deal).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns

#: criterion -> (Chinese name, the seed's heading, how it is scaled to 0-100)
CRITERIA = {
    "need_specificity": ("需求明确度", "需求评估", "1-5 分线性换算：1 -> 0，5 -> 100"),
    "urgency": ("紧迫性", "需求评估", "1-5 分线性换算：1 -> 0，5 -> 100"),
    "budget_fit": ("预算匹配", "预算分析", "预算 ÷ 商机金额，封顶 1，再乘 100"),
    "past_purchases": ("过去购买", "购买可能性", "过去购买次数，5 次及以上为 100"),
    "interactions_90d": ("近期互动", "购买可能性", "近 90 天互动次数，10 次及以上为 100"),
}
DEFAULT_WEIGHTS = {"need_specificity": 0.25, "urgency": 0.20, "budget_fit": 0.25,
                   "past_purchases": 0.15, "interactions_90d": 0.15}
SCALES = {"need_specificity": (1, 5), "urgency": (1, 5)}


def _criteria(custom: "Mapping[str, tuple[str, float, float]] | None") -> dict[str, tuple[str, str, str]]:
    """The built-in criteria plus user-defined ones ``{column: (中文名, low, high)}``."""
    out = dict(CRITERIA)
    for col, spec in (custom or {}).items():
        if len(spec) != 3 or not spec[2] > spec[1]:
            raise InputError(f"自定义评分项 '{col}' 需写成 (中文名, 最低分, 最高分) (custom criterion needs "
                             f"(label, low, high) with high > low), 收到 (got) {spec!r}")
        out[col] = (spec[0], "自定义", f"{spec[1]:g}-{spec[2]:g} 分线性换算：{spec[1]:g} -> 0，{spec[2]:g} -> 100")
    return out


def criteria(custom: "Mapping[str, tuple[str, float, float]] | None" = None) -> dict[str, str]:
    """Chinese name of every criterion in use: the built-in five plus ``custom``.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> list(criteria({"authority": ("决策权", 1, 5)}).values())[-2:]
    ['近期互动', '决策权']
    """
    return {k: v[0] for k, v in _criteria(custom).items()}


def _check_range(opps: "pd.DataFrame", col: str, lo: float, hi: float) -> None:
    bad = opps[col].isna() | ~opps[col].between(lo, hi)
    if bad.any():
        i = bad.idxmax()
        raise InputError(f"'{col}' 必须在 {lo:g}-{hi:g} 之间 (must be within {lo:g}-{hi:g}): 第 {i} 行是 {opps.at[i, col]!r} "
                         f"(row {i} is {opps.at[i, col]!r}); 请更正 (fix it)")


def _numbers(opps: "pd.DataFrame", cols: "Sequence[str]") -> "pd.DataFrame":
    """The columns as numbers (a reader may hand them over as text); text that is not a number is an error."""
    import pandas as pd

    out = opps.copy()
    for col in cols:
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() & out[col].notna()
        if bad.any():
            i = bad.idxmax()
            raise InputError(f"'{col}' 不是数字 (not a number): 第 {i} 行是 {out.at[i, col]!r} (row {i}); 请更正 (fix it)")
        out[col] = values
    return out


def scaled_criteria(opps: "pd.DataFrame", custom: "Mapping[str, tuple[str, float, float]] | None" = None) -> "pd.DataFrame":
    """The criteria on a 0-100 scale, one column each (validated).

    ``custom`` adds user-defined criteria, e.g. ``{"authority": ("决策权", 1, 5)}``:
    the column is scaled linearly from ``low`` (0) to ``high`` (100).

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(opps, ("need_specificity", "urgency", "budget", "amount", "past_purchases", "interactions_90d",
                           *(custom or {})), "商机表")
    opps = _numbers(opps, ("need_specificity", "urgency", "budget", "amount", "past_purchases", "interactions_90d",
                           *(custom or {})))
    for col, (lo, hi) in {**SCALES, **{c: (s[1], s[2]) for c, s in (custom or {}).items()}}.items():
        _check_range(opps, col, lo, hi)
    for col in ("budget", "amount", "past_purchases", "interactions_90d"):
        bad = opps[col].isna() | (opps[col] < 0)
        if bad.any():
            i = bad.idxmax()
            raise InputError(f"'{col}' 不能为空或负数 (must be a number >= 0): 第 {i} 行是 {opps.at[i, col]!r} (row {i})")
    amount = opps["amount"].where(opps["amount"] > 0)
    out = pd.DataFrame({
        "need_specificity": (opps["need_specificity"] - 1) / 4 * 100,
        "urgency": (opps["urgency"] - 1) / 4 * 100,
        "budget_fit": (opps["budget"] / amount).clip(upper=1).fillna(0) * 100,
        "past_purchases": opps["past_purchases"].clip(upper=5) / 5 * 100,
        "interactions_90d": opps["interactions_90d"].clip(upper=10) / 10 * 100,
    }, index=opps.index)
    for col, (_, lo, hi) in (custom or {}).items():
        out[col] = (opps[col] - lo) / (hi - lo) * 100
    return out


def _normalised(weights: Mapping[str, float] | None, criteria: Mapping[str, object] = CRITERIA) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(criteria))
    if unknown:
        raise InputError(f"未知的评分项 (unknown criteria): {', '.join(unknown)}; 可用 (known): {', '.join(criteria)}; "
                         f"新评分项请用 custom= 定义 (define new ones with custom=)")
    if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise InputError(f"权重必须非负且不能全为 0 (weights must be >= 0 and not all zero), 收到 (got) {w}")
    total = sum(w.values())
    return {k: w.get(k, 0.0) / total for k in criteria}


def score_opportunities(opps: "pd.DataFrame", weights: Mapping[str, float] | None = None,
                        high: float = 70, medium: float = 40, id_col: str = "opportunity_id",
                        custom: "Mapping[str, tuple[str, float, float]] | None" = None) -> "pd.DataFrame":
    """Score, rank and tier opportunities; returns them sorted by rank with
    ``contrib_<criterion>`` columns that add up to ``score``.

    ``custom`` adds criteria of your own (see :func:`scaled_criteria`); give
    them a weight in ``weights``.  When the table has ``probability`` (checked
    to lie in [0, 1]), ``expected_value`` = amount x probability is added
    beside the score: the score says how good a deal looks, the expected
    value how much it is worth.

    Engines: pandas only.

    >>> import pandas as pd
    >>> o = pd.DataFrame({"opportunity_id": ["a"], "need_specificity": [5], "urgency": [3], "budget": [100],
    ...                   "amount": [100], "past_purchases": [0], "interactions_90d": [10]})
    >>> float(score_opportunities(o)["score"].iloc[0])   # 25 + 10 + 25 + 0 + 15
    75.0
    >>> float(score_opportunities(o.assign(authority=[5]), {"need_specificity": 1, "authority": 1},
    ...                           custom={"authority": ("决策权", 1, 5)})["score"].iloc[0])
    100.0
    """
    if not 0 <= medium <= high <= 100:
        raise InputError(f"档位阈值需满足 0 <= medium <= high <= 100 (need 0 <= medium <= high <= 100), "
                         f"收到 (got) high={high}, medium={medium}")
    criteria = _criteria(custom)
    w = _normalised(weights, criteria)
    scaled = scaled_criteria(opps, custom)
    out = _with_probability(opps, id_col)
    for k in criteria:
        out[f"contrib_{k}"] = scaled[k] * w[k]
    out["score"] = sum(out[f"contrib_{k}"] for k in criteria)
    if "probability" in out:
        out["expected_value"] = out["amount"] * out["probability"]
    out = out.sort_values(["score", id_col], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    out["tier"] = ["高" if s >= high else ("中" if s >= medium else "低") for s in out["score"]]
    return out


def _with_probability(opps: "pd.DataFrame", id_col: str) -> "pd.DataFrame":
    """A copy; a probability column present is validated like every pipeline path."""
    from cvwork.forecast import validate_pipeline

    if "probability" not in opps:
        return opps.copy()
    ids = opps[id_col] if id_col in opps else opps.index.to_series()
    checked = validate_pipeline(opps.assign(opportunity_id=ids.to_numpy()), required=(), exclude=False)[0]
    checked.index = opps.index
    return checked if "opportunity_id" in opps else checked.drop(columns="opportunity_id")


def seed_check_detail(opps: "pd.DataFrame", as_of: str, max_vendors: int = 3, min_probability: float = 0.5,
                      months: int = 3) -> "pd.DataFrame":
    """Seed 004's opportunity test, one column per condition: ``few_vendors``
    (shortlisted among at most ``max_vendors``), ``likely`` (probability >=
    ``min_probability``), ``in_window`` (as_of <= expected close <= as_of +
    ``months``; an overdue close date fails), ``overdue`` and ``passes`` (all three).

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(opps, ("shortlisted_vendors", "probability", "expected_close"), "商机表")
    frame = _with_probability(_numbers(opps, ("shortlisted_vendors",)), "opportunity_id")
    stamp = pd.Timestamp(as_of)
    close = pd.to_datetime(frame["expected_close"])
    out = pd.DataFrame({"few_vendors": frame["shortlisted_vendors"] <= max_vendors,
                        "likely": frame["probability"] >= min_probability,
                        "in_window": (close >= stamp) & (close <= stamp + pd.DateOffset(months=months)),
                        "overdue": close < stamp}, index=opps.index)
    out["passes"] = out["few_vendors"] & out["likely"] & out["in_window"]
    return out


def meets_seed_check(opps: "pd.DataFrame", as_of: str, max_vendors: int = 3, min_probability: float = 0.5,
                     months: int = 3) -> "pd.Series":
    """Seed 004's third opportunity review: shortlisted among at most three
    vendors and at least 50% likely to sign within three months, i.e.
    ``as_of <= expected_close <= as_of + months`` (an overdue deal fails).

    Engines: pandas only.
    """
    return seed_check_detail(opps, as_of, max_vendors, min_probability, months)["passes"].rename("seed_check")


def rank_stability(opps: "pd.DataFrame", weights: Mapping[str, float] | None = None, top: int = 10,
                   change: float = 0.2, id_col: str = "opportunity_id",
                   custom: "Mapping[str, tuple[str, float, float]] | None" = None) -> "pd.DataFrame":
    """How many of the top ``top`` stay in the top when one weight moves by +-``change``.

    Engines: pandas only.
    """
    import pandas as pd

    base_w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    base = set(score_opportunities(opps, base_w, id_col=id_col, custom=custom)[id_col].head(top))
    criteria = _criteria(custom)
    rows = []
    for k in criteria:
        for sign in (+1, -1):
            moved = {**base_w, k: base_w.get(k, 0.0) * (1 + sign * change)}
            now = set(score_opportunities(opps, moved, id_col=id_col, custom=custom)[id_col].head(top))
            rows.append((criteria[k][0], f"{sign * change:+.0%}", len(base & now), sorted(now - base)))
    return pd.DataFrame(rows, columns=["criterion", "weight_change", "still_in_top", "new_entries"])

"""Weighted pipeline forecast, forecast categories, backtest and the weekly review.

Expected revenue of an open opportunity is ``amount x probability`` of its
stage.  Forecast categories (rules, checked in this order, at ``as_of``):

* 已成交 Closed  - won on or before ``as_of``;
* 已忽略 Omitted - open but its expected close date has already passed (it
  slipped: the owner must update it before it counts again);
* 承诺 Commit    - open, probability >= 50% and expected to close within
  three months (the seed's test: at least 50% likely to sign within three
  months);
* 最佳 Best case - open, probability >= 25% and expected within three months;
* 管道 Pipeline  - every other open opportunity.

Lost opportunities, and won ones closed after ``as_of``, are 已关闭 (closed,
not in the forecast).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns

WON, LOST, OPEN = "赢单", "输单", "进行中"
CATEGORIES = ["已成交", "承诺", "最佳", "管道", "已忽略"]
REQUIRED = ("opportunity_id", "stage", "amount", "created", "expected_close", "outcome")


#: outcome spellings of common CRMs -> the three constants.  Keys are compared
#: after NFKC, casefold and removing spaces, ``_`` and ``-`` (see :func:`_outcome_key`).
OUTCOME_ALIASES = {
    WON: ("赢单", "赢", "成交", "已成交", "签约", "已签约", "成功", "won", "win", "closedwon", "iswon=true", "true", "1",
          "是"),
    LOST: ("输单", "输", "丢单", "已丢单", "失败", "丢失", "已丢失", "lost", "lose", "closedlost", "iswon=false"),
    OPEN: ("进行中", "跟进中", "未关闭", "open", "inprogress", "pending", "空", "", "nan", "none", "null"),
}
_OUTCOME_LOOKUP = {k: v for v, keys in OUTCOME_ALIASES.items() for k in keys}
#: IsWon=False / 0 / 否 says "not won": lost only once the deal is closed.
_NOT_WON = ("false", "0", "否")


def _outcome_key(value: object) -> str:
    """NFKC, casefold, no spaces/underscores/hyphens: ' Closed_Won ' and 'ＣＬＯＳＥＤ　ＷＯＮ' -> 'closedwon'."""
    import unicodedata

    import pandas as pd

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "_-")


def normalise_outcomes(values: "pd.Series", closed: "pd.Series | None" = None) -> "pd.Series":
    """Map any CRM's outcome label to 赢单 / 输单 / 进行中 (``WON``, ``LOST``, ``OPEN``).

    Accepted spellings are in ``OUTCOME_ALIASES`` (case-, space- and
    width-insensitive); blank, None and NaN mean open.  ``False``/``0``/否
    (an ``IsWon`` flag) only says "not won": it is lost when ``closed`` (a
    boolean IsClosed flag or a close date) says the deal is closed, and open
    otherwise; without ``closed`` it is refused as ambiguous.  Any other label
    raises :class:`InputError` naming it.

    >>> import pandas as pd
    >>> normalise_outcomes(pd.Series(["Closed Won", "closed_lost", None, "ＷＯＮ", True])).tolist()
    ['赢单', '输单', '进行中', '赢单', '赢单']
    """
    import pandas as pd

    keys = values.map(_outcome_key)
    out = keys.map(_OUTCOME_LOOKUP)
    not_won = keys.isin(_NOT_WON)
    if not_won.any():
        if closed is None:
            raise InputError("结果为 False/0/否 时无法区分输单和进行中 (outcome False/0 means 'not won': lost or still "
                             "open?); 请同时提供是否关闭 (pass closed= with IsClosed or the close date)")
        is_closed = closed.map(lambda v: _outcome_key(v) not in ("", *_NOT_WON))
        out = out.mask(not_won, is_closed.map({True: LOST, False: OPEN}))
    unknown = values[out.isna()]
    if len(unknown):
        found = ", ".join(f"'{v}' ({n} 行)" for v, n in unknown.astype(str).value_counts().head(10).items())
        raise InputError(f"无法识别的商机结果 (unknown outcome labels): {found}; 可用 (expected): "
                         f"赢单/成交/won/Closed Won, 输单/丢单/lost/Closed Lost, 进行中/open/空白 (blank); "
                         f"请统一结果名称 (rename them to one of these)")
    return pd.Series(out.to_numpy(dtype=object), index=values.index, name=values.name)


def _dates(frame: "pd.DataFrame", cols: Sequence[str]) -> "pd.DataFrame":
    """Date columns as datetime64; a value that is not a date is an error naming it."""
    import pandas as pd

    for col in [c for c in cols if c in frame and not pd.api.types.is_datetime64_any_dtype(frame[c])]:
        parsed = pd.to_datetime(frame[col], errors="coerce")
        bad = parsed.isna() & frame[col].notna() & (frame[col].astype(str).str.strip() != "")
        if bad.any():
            raise InputError(f"'{col}' 列有无法识别的日期 (unparsable dates in '{col}'): "
                             f"{', '.join(frame.loc[bad, col].astype(str).head(5))}; 请改成 2025-01-31 这样的日期 (fix them)")
        frame[col] = parsed
    return frame


def _check_probability(frame: "pd.DataFrame", prob: "pd.Series") -> None:
    bad = prob.isna() | ~prob.between(0, 1)
    if bad.any():
        rows = ", ".join(f"{i}={p}" for i, p in zip(frame.loc[bad, "opportunity_id"].astype(str).head(5), prob[bad].head(5)))
        raise InputError(f"成交概率必须在 0 到 1 之间 (probability must be within [0, 1]); 出错的商机 (rows): {rows}; "
                         f"百分数请除以 100，空白请补上 (divide percentages by 100, fill blanks)")


def validate_pipeline(opps: "pd.DataFrame", stages: Sequence[str] | None = None,
                      probabilities: Mapping[str, float] | None = None, *, required: Sequence[str] = REQUIRED,
                      need_probability: bool = True, exclude: bool = True) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Check an opportunity table; return ``(kept, excluded)`` with reasons.

    Every public function of this module runs it first.  ``outcome`` is
    normalised with :func:`normalise_outcomes` (any CRM spelling, unknown
    labels refused); unknown stage names (when ``stages`` is given) and
    probabilities outside [0, 1] or blank are errors (they would silently
    distort every number); date columns are parsed.  With ``exclude`` a close
    date before the creation date moves that row to ``excluded`` with its
    reason; without it the row is kept (nothing silently disappears).

    >>> import pandas as pd
    >>> o = pd.DataFrame({"opportunity_id": ["a"], "stage": ["谈判"], "amount": [10.0], "created": ["2025-01-01"],
    ...                   "expected_close": ["2025-03-01"], "outcome": ["Closed Won"], "probability": [0.6]})
    >>> validate_pipeline(o)[0]["outcome"].tolist()
    ['赢单']
    """
    import pandas as pd
    from cvwork.funnel import check_stages

    require_columns(opps, required, "商机表")
    frame = _dates(opps.copy(), ("created", "expected_close", "closed"))
    if stages is not None:
        check_stages(frame["stage"], stages)
    if "outcome" in frame:
        frame["outcome"] = normalise_outcomes(frame["outcome"], frame["closed"] if "closed" in frame else None)
    prob = frame["stage"].map(probabilities) if probabilities else frame.get("probability")
    if prob is None and need_probability:
        raise InputError("缺少成交概率 (no probability): 请提供 probability 列或 probabilities= (give a column or a mapping)")
    if prob is not None:
        prob = pd.to_numeric(prob, errors="coerce")
        _check_probability(frame, prob)
        frame["probability"] = prob.astype(float)
    closed = frame["closed"] if "closed" in frame else pd.Series(pd.NaT, index=frame.index)
    backwards = ((frame["expected_close"] < frame["created"]) | (closed < frame["created"])
                 if exclude and {"created", "expected_close"} <= set(frame) else pd.Series(False, index=frame.index))
    excluded = frame.loc[backwards, ["opportunity_id", "amount"]].assign(
        reason="成交日期早于创建日期 (close date before creation)")
    return frame.loc[~backwards].reset_index(drop=True), excluded.reset_index(drop=True)


def _valid(opps: "pd.DataFrame", *required: str, need_probability: bool = False) -> "pd.DataFrame":
    """:func:`validate_pipeline` for the compute functions: same checks, no row dropped, index kept."""
    frame = validate_pipeline(opps, required=("opportunity_id", *required), need_probability=need_probability,
                              exclude=False)[0]
    frame.index = opps.index
    return frame


def stage_at(opps: "pd.DataFrame", history: "pd.DataFrame", as_of: str,
             probabilities: Mapping[str, float]) -> "pd.DataFrame":
    """The pipeline as it stood on ``as_of``: opportunities created by then and
    not closed before it, each with the stage it had reached and its probability."""
    import pandas as pd

    stamp = pd.Timestamp(as_of)
    alive = opps[(opps["created"] <= stamp) & ~(opps["closed"] <= stamp)]
    reached = history[history["entered"] <= stamp].sort_values("entered", kind="stable")
    last = reached.groupby("opportunity_id")["stage"].last()
    out = alive.assign(stage=alive["opportunity_id"].map(last), outcome=OPEN)
    out = out[out["stage"].notna()]
    return out.assign(probability=out["stage"].map(probabilities).astype(float))


def forecast_categories(opps: "pd.DataFrame", as_of: str, horizon_months: int = 3) -> "pd.Series":
    """One category per opportunity by the rules in the module doc."""
    import numpy as np
    import pandas as pd

    stamp = pd.Timestamp(as_of)
    soon = opps["expected_close"] <= stamp + pd.DateOffset(months=horizon_months)
    is_open = opps["outcome"] == OPEN
    won = (opps["outcome"] == WON) & (opps["closed"] <= stamp)
    choices = [won, is_open & (opps["expected_close"] < stamp),
               is_open & (opps["probability"] >= 0.5) & soon,
               is_open & (opps["probability"] >= 0.25) & soon, is_open]
    labels = ["已成交", "已忽略", "承诺", "最佳", "管道"]
    return pd.Series(np.select(choices, labels, default="已关闭"), index=opps.index, name="category")


def weighted_forecast(opps: "pd.DataFrame", as_of: str, period: str = "Q", horizon_months: int = 3) -> "pd.DataFrame":
    """Expected revenue by expected-close period and forecast category.

    Open opportunities count ``amount x probability``; Closed ones count in
    full in the period they closed.  Omitted (slipped) ones are shown with an
    expected value of 0 so that nothing disappears.
    """
    frame = opps.assign(category=forecast_categories(opps, as_of, horizon_months))
    frame = frame[frame["category"] != "已关闭"]
    when = frame["closed"].where(frame["category"] == "已成交", frame["expected_close"])
    weight = frame["probability"].where(frame["category"].isin(["承诺", "最佳", "管道"]), 0.0)
    weight = weight.where(frame["category"] != "已成交", 1.0)
    frame = frame.assign(period=when.dt.to_period(period).astype(str), expected=frame["amount"] * weight)
    table = frame.pivot_table(index="period", columns="category", values="expected", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=[c for c in CATEGORIES if c in table.columns])
    table["合计"] = table.sum(axis=1)
    return table


def win_rate(opps: "pd.DataFrame") -> float:
    """won / (won + lost) among closed opportunities."""
    won, lost = (opps["outcome"] == WON).sum(), (opps["outcome"] == LOST).sum()
    return float(won / (won + lost)) if won + lost else float("nan")


def coverage(open_amount: float, quota: float, closed_won: float = 0.0) -> float:
    """Pipeline coverage: open pipeline / what is still needed to reach the quota."""
    gap = quota - closed_won
    return float("inf") if gap <= 0 else float(open_amount / gap)


def velocity(opps: "pd.DataFrame") -> float:
    """Pipeline velocity per day: open deals x average won deal x win rate / average cycle (days)."""
    won = opps[opps["outcome"] == WON]
    if won.empty:
        return 0.0
    cycle = (won["closed"] - won["created"]).dt.days.mean()
    n_open = (opps["outcome"] == OPEN).sum()
    return float(n_open * won["amount"].mean() * win_rate(opps) / max(cycle, 1))


def backtest(opps: "pd.DataFrame", history: "pd.DataFrame", quarters: Sequence[str],
             probabilities: Mapping[str, float]) -> "pd.DataFrame":
    """For each quarter: the weighted forecast made on its first day against what was won in it.

    The forecast only knows the opportunities open on that day; deals created
    and won inside the quarter are in ``actual`` but could not be forecast.
    """
    import pandas as pd

    rows = []
    for q in quarters:
        period = pd.Period(q, freq="Q")
        start, end = period.start_time, period.end_time
        pipe = stage_at(opps, history, start, probabilities)
        due = pipe[(pipe["expected_close"] >= start) & (pipe["expected_close"] <= end)]
        won = opps[(opps["outcome"] == WON) & (opps["closed"] >= start) & (opps["closed"] <= end)]
        rows.append((str(period), float((due["amount"] * due["probability"]).sum()), float(won["amount"].sum()),
                     int((won["created"] < start).sum()), len(won)))
    out = pd.DataFrame(rows, columns=["quarter", "forecast", "actual", "won_from_pipeline", "won_total"])
    out["error"] = out["forecast"] - out["actual"]
    out["error_pct"] = out["error"] / out["actual"].where(out["actual"] != 0)
    return out


def weekly_review(opps: "pd.DataFrame", history: "pd.DataFrame", as_of: str, days: int = 7,
                  stale_days: int = 60, owner: str = "owner") -> "pd.DataFrame":
    """What a manager reads on Monday, per owner: open pipeline, what moved,
    what closed, what slipped (expected close passed) and what is at risk
    (no stage change for ``stale_days``; one never moved counts from its creation)."""
    import pandas as pd

    stamp = pd.Timestamp(as_of)
    week = (stamp - pd.Timedelta(days=days), stamp)
    moved_ids = history.loc[(history["entered"] > week[0]) & (history["entered"] <= week[1]), "opportunity_id"]
    last_move = history.groupby("opportunity_id")["entered"].max()
    frame = opps.assign(moved=opps["opportunity_id"].isin(moved_ids),
                        last_move=opps["opportunity_id"].map(last_move).fillna(opps["created"]))
    is_open = frame["outcome"] == OPEN
    in_week = (frame["closed"] > week[0]) & (frame["closed"] <= week[1])
    frame = frame.assign(
        open_amount=frame["amount"].where(is_open, 0.0),
        weighted=(frame["amount"] * frame["probability"]).where(is_open, 0.0),
        won_week=(frame["outcome"] == WON) & in_week, lost_week=(frame["outcome"] == LOST) & in_week,
        slipped=is_open & (frame["expected_close"] < stamp),
        at_risk=is_open & (frame["last_move"] < stamp - pd.Timedelta(days=stale_days)))
    g = frame.groupby(owner)
    out = pd.DataFrame({"open": g["outcome"].apply(lambda s: int((s == OPEN).sum())),
                        "open_amount": g["open_amount"].sum(), "weighted": g["weighted"].sum(),
                        "moved": g["moved"].sum(), "won": g["won_week"].sum(), "lost": g["lost_week"].sum(),
                        "slipped": g["slipped"].sum(), "at_risk": g["at_risk"].sum()})
    return out.sort_values("weighted", ascending=False).reset_index()


def empirical_probabilities(conversion: "pd.DataFrame") -> dict[str, float]:
    """Win probability from each stage as observed: won / entered that stage.

    ``conversion`` is a :func:`cvwork.funnel.stage_conversion` table whose last
    stage is the won stage.
    """
    won = float(conversion["entered"].iloc[-1])
    return {s: (won / float(n) if n else 0.0) for s, n in zip(conversion["stage"], conversion["entered"])}

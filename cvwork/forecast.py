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


def validate_pipeline(opps: "pd.DataFrame", stages: Sequence[str],
                      probabilities: Mapping[str, float] | None = None) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Check an opportunity table; return ``(kept, excluded)`` with reasons.

    Unknown stage names and probabilities outside [0, 1] are errors (they
    would silently distort every number); a close date before the creation
    date excludes that row with its reason.
    """
    import pandas as pd
    from cvwork.funnel import check_stages

    require_columns(opps, REQUIRED, "商机表")
    check_stages(opps["stage"], stages)
    prob = opps["stage"].map(probabilities) if probabilities else opps.get("probability")
    if prob is None:
        raise InputError("缺少成交概率 (no probability): 请提供 probability 列或 probabilities= (give a column or a mapping)")
    bad = ~prob.between(0, 1)
    if bad.any():
        ids = ", ".join(opps.loc[bad, "opportunity_id"].astype(str).head(5))
        raise InputError(f"成交概率必须在 0 到 1 之间 (probability must be within [0, 1]); 出错的商机 (rows): {ids}; "
                         f"百分数请除以 100 (divide percentages by 100)")
    frame = opps.assign(probability=prob.astype(float))
    closed = frame["closed"] if "closed" in frame else pd.Series(pd.NaT, index=frame.index)
    backwards = (frame["expected_close"] < frame["created"]) | (closed < frame["created"])
    excluded = frame.loc[backwards, ["opportunity_id", "amount"]].assign(
        reason="成交日期早于创建日期 (close date before creation)")
    return frame.loc[~backwards].reset_index(drop=True), excluded.reset_index(drop=True)


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

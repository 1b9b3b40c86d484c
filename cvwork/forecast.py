"""Weighted pipeline forecast, forecast categories, backtest and the weekly review.

Expected revenue of an open opportunity is ``amount x probability`` of its
stage.  Forecast categories are assigned at ``as_of`` by the rules of
:func:`category_rules` (已成交, 已输单, 已忽略, 承诺, 最佳, 管道; the first that
matches): lost and overdue deals are shown but never counted.  Every public
function first runs :func:`validate_pipeline`: outcome labels of any CRM are
normalised (:func:`normalise_outcomes`), probabilities outside [0, 1] refused.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Sequence

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

    Engines: pandas only.

    >>> import pandas as pd
    >>> normalise_outcomes(pd.Series(["Closed Won", "closed_lost", None, "ＷＯＮ", True])).tolist()
    ['赢单', '输单', '进行中', '赢单', '赢单']
    """
    import pandas as pd

    import numpy as np

    codes, uniques = pd.factorize(values, use_na_sentinel=True)      # each distinct label is looked at once
    if len(codes) and codes.min() >= 0 and set(uniques) <= {WON, LOST, OPEN}:
        return values.copy()                                           # already normalised (checked again downstream)
    keys = [_outcome_key(v) for v in uniques] + [""]                  # code -1 (missing) -> blank -> open
    found = np.array([_OUTCOME_LOOKUP.get(k) for k in keys], dtype=object)[codes]
    not_won = np.isin(np.array(keys, dtype=object)[codes], _NOT_WON)
    if not_won.any():
        if closed is None:
            raise InputError("结果为 False/0/否 时无法区分输单和进行中 (outcome False/0 means 'not won': lost or still "
                             "open?); 请在表中加入关闭日期或是否关闭列，或传入 closed= (add a close-date or IsClosed "
                             "column, or pass closed=)")
        is_closed = closed.notna() & ~closed.astype(str).str.strip().str.casefold().isin(["", *_NOT_WON, "nat"])
        found[not_won] = np.where(is_closed.to_numpy()[not_won], LOST, OPEN)
    out = pd.Series(found, index=values.index, name=values.name)
    unknown = values[out.isna()]
    if len(unknown):
        found = ", ".join(f"'{v}' ({n} 行)" for v, n in unknown.astype(str).value_counts().head(10).items())
        raise InputError(f"无法识别的商机结果 (unknown outcome labels): {found}; 可用 (expected): "
                         f"赢单/成交/won/Closed Won, 输单/丢单/lost/Closed Lost, 进行中/open/空白 (blank); "
                         f"请统一结果名称 (rename them to one of these)")
    return pd.Series(out.to_numpy(dtype=object), index=values.index, name=values.name)


def outcome_of(opps: "pd.DataFrame", stages: Sequence[str] | None = None) -> "pd.Series":
    """Outcome of each opportunity as 赢单/输单/进行中.

    From the ``outcome`` column when there is one (:func:`normalise_outcomes`);
    otherwise from the stage, as CRMs such as Salesforce and HubSpot export
    it: a stage spelled like an outcome (Closed Won, closedlost, 赢单, ...) or
    the last stage of ``stages`` is closed, any other stage is open.

    Engines: pandas only.

    >>> import pandas as pd
    >>> outcome_of(pd.DataFrame({"stage": ["Proposal", "Closed Won", "Closed Lost"]})).tolist()
    ['进行中', '赢单', '输单']
    """
    if "outcome" in opps:
        return normalise_outcomes(opps["outcome"], opps["closed"] if "closed" in opps else None)
    require_columns(opps, ("stage",), "商机表")
    derived = opps["stage"].map(lambda v: _OUTCOME_LOOKUP.get(_outcome_key(v)))
    derived = derived.where(derived.isin([WON, LOST]), OPEN)
    if stages:
        derived = derived.mask(opps["stage"] == stages[-1], WON)
    return derived.astype(object).rename("outcome")


def is_lost_stage(values: "pd.Series") -> "pd.Series":
    """True where a stage name is really a lost outcome (Closed Lost, 输单, ...): not a stage of the model.

    Engines: pandas only.
    """
    return values.map(lambda v: _OUTCOME_LOOKUP.get(_outcome_key(v)) == LOST).astype(bool)


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
    labels refused), or derived from the stage when the table has no outcome
    column (:func:`outcome_of`; a "Closed Lost" stage is accepted as lost);
    unknown stage names (when ``stages`` is given) and
    probabilities outside [0, 1] or blank are errors (they would silently
    distort every number); date columns are parsed.  With ``exclude`` a close
    date before the creation date moves that row to ``excluded`` with its
    reason; without it the row is kept (nothing silently disappears).

    Engines: pandas only.

    >>> import pandas as pd
    >>> o = pd.DataFrame({"opportunity_id": ["a"], "stage": ["谈判"], "amount": [10.0], "created": ["2025-01-01"],
    ...                   "expected_close": ["2025-03-01"], "outcome": ["Closed Won"], "probability": [0.6]})
    >>> validate_pipeline(o)[0]["outcome"].tolist()
    ['赢单']
    """
    import pandas as pd
    from cvwork.funnel import check_stages

    require_columns(opps, [c for c in required if c != "outcome" or "stage" not in opps], "商机表")
    frame = _dates(opps.copy(), ("created", "expected_close", "closed"))
    if stages is not None:
        check_stages(frame["stage"][~is_lost_stage(frame["stage"])], stages)
    if "outcome" in frame or ("stage" in frame and "outcome" in required):
        frame["outcome"] = outcome_of(frame, stages)
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
    excluded = frame.loc[backwards, [c for c in ("opportunity_id", "amount") if c in frame]].assign(
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
    not closed before it, each with the stage it had reached and its probability.

    Engines: pandas only.
    """
    import pandas as pd

    opps = _valid(opps, "created", "closed")
    stamp = pd.Timestamp(as_of)
    alive = opps[(opps["created"] <= stamp) & ~(opps["closed"] <= stamp)]
    reached = history[history["entered"] <= stamp].sort_values("entered", kind="stable")
    last = reached.groupby("opportunity_id")["stage"].last()
    out = alive.assign(stage=alive["opportunity_id"].map(last), outcome=OPEN)
    out = out[out["stage"].notna()]
    prob = out["stage"].map(probabilities).astype(float)
    _check_probability(out, prob)
    return out.assign(probability=prob)


def category_rules(horizon_months: int = 3, commit: float = 0.5, best: float = 0.25) -> "pd.DataFrame":
    """The forecast categories in one table: the rule (checked top to bottom) and
    whether and how the category counts in the forecast.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    import pandas as pd

    h = f"{horizon_months} 个月内"
    return pd.DataFrame([
        ("已成交", "预测日之前已赢单", "是", "按金额全额"),
        ("已输单", "预测日之前已输单", "否", "只列出，不计入"),
        ("已忽略", "未关闭，但预计成交日已过（日期失效）", "否", "只列出，销售更新日期后才计入"),
        ("承诺", f"未关闭，成交概率 ≥ {commit:.0%}，预计{h}成交", "是", "金额 × 概率；另报不加权金额"),
        ("最佳", f"未关闭，成交概率 ≥ {best:.0%}，预计{h}成交", "是", "金额 × 概率；另报不加权金额"),
        ("管道", "其余未关闭的商机", "是", "金额 × 概率"),
        ("预测日后关闭", "预测日之后才赢单或输单（回看历史时）", "否", "不计入"),
    ], columns=["category", "rule", "counted", "how"])


def forecast_categories(opps: "pd.DataFrame", as_of: str, horizon_months: int = 3,
                        commit: float = 0.5, best: float = 0.25) -> "pd.Series":
    """One category per opportunity by :func:`category_rules` (first rule that matches).

    Engines: pandas only.
    """
    import numpy as np
    import pandas as pd

    opps = _valid(opps, "outcome", "expected_close", "closed", need_probability=True)
    stamp = pd.Timestamp(as_of)
    soon = opps["expected_close"] <= stamp + pd.DateOffset(months=horizon_months)
    is_open = opps["outcome"] == OPEN
    choices = [(opps["outcome"] == WON) & (opps["closed"] <= stamp), (opps["outcome"] == LOST) & (opps["closed"] <= stamp),
               is_open & (opps["expected_close"] < stamp), is_open & (opps["probability"] >= commit) & soon,
               is_open & (opps["probability"] >= best) & soon, is_open]
    labels = ["已成交", "已输单", "已忽略", "承诺", "最佳", "管道"]
    return pd.Series(np.select(choices, labels, default="预测日后关闭"), index=opps.index, name="category")


def weighted_forecast(opps: "pd.DataFrame", as_of: str, period: str = "Q", horizon_months: int = 3) -> "pd.DataFrame":
    """Expected revenue by expected-close period and forecast category.

    Open opportunities count ``amount x probability``; Closed ones count in
    full in the period they closed.  Omitted (slipped) ones are shown with an
    expected value of 0 so that nothing disappears; lost ones are left out.

    Engines: pandas only.
    """
    opps = _valid(opps, "amount", "outcome", "expected_close", "closed", need_probability=True)
    frame = opps.assign(category=forecast_categories(opps, as_of, horizon_months))
    frame = frame[frame["category"].isin(CATEGORIES)]
    when = frame["closed"].where(frame["category"] == "已成交", frame["expected_close"])
    weight = frame["probability"].where(frame["category"].isin(["承诺", "最佳", "管道"]), 0.0)
    weight = weight.where(frame["category"] != "已成交", 1.0)
    frame = frame.assign(period=when.dt.to_period(period).astype(str), expected=frame["amount"] * weight)
    table = frame.pivot_table(index="period", columns="category", values="expected", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=[c for c in CATEGORIES if c in table.columns])
    table["合计"] = table.sum(axis=1)
    return table


def forecast_calls(opps: "pd.DataFrame", as_of: str, period: str = "Q", horizon_months: int = 3,
                   calibrated: Mapping[str, float] | None = None) -> "pd.DataFrame":
    """The three numbers a manager reports for the period containing ``as_of``,
    each unweighted (``amount``) and weighted (``weighted``, amount x probability):

    承诺 (commit) = won in the period so far + commit deals due in the period;
    最佳情形 (best case) = commit + best-case deals; 全部加权 (all) = + pipeline.
    Won deals count in full in both columns; overdue and lost deals never count.
    Given ``calibrated`` stage probabilities, ``weighted_calibrated`` weighs the
    same deals with them (the categories stay those of the CRM probabilities).

    Engines: pandas only.
    """
    import pandas as pd

    opps = _valid(opps, "amount", "outcome", "expected_close", "closed", need_probability=True)
    cats = forecast_categories(opps, as_of, horizon_months)
    span = pd.Timestamp(as_of).to_period(period)
    won = (cats == "已成交") & (opps["closed"].dt.to_period(period) == span)
    due = opps["expected_close"].dt.to_period(period) == span
    won_amount = float(opps["amount"][won].sum())
    other = opps["stage"].map(calibrated) if calibrated is not None else None
    if other is not None:
        _check_probability(opps[due & cats.isin(["承诺", "最佳", "管道"])], other[due & cats.isin(["承诺", "最佳", "管道"])])
    rows = []
    for name, counted in (("承诺", ["承诺"]), ("最佳情形", ["承诺", "最佳"]), ("全部加权", ["承诺", "最佳", "管道"])):
        part = cats.isin(counted) & due
        row = [name, "已成交 + " + " + ".join(counted), str(span), int(won.sum() + part.sum()),
               won_amount + float(opps["amount"][part].sum()),
               won_amount + float((opps["amount"] * opps["probability"])[part].sum())]
        if other is not None:
            row.append(won_amount + float((opps["amount"] * other)[part].sum()))
        rows.append(row)
    cols = ["call", "includes", "period", "deals", "amount", "weighted"]
    return pd.DataFrame(rows, columns=cols + (["weighted_calibrated"] if other is not None else []))


def overdue_deals(opps: "pd.DataFrame", as_of: str, owner: str = "owner") -> "pd.DataFrame":
    """The 已忽略 deals (open, expected close already passed), largest first,
    with owner, amount and how many days overdue.

    Engines: pandas only.
    """
    import pandas as pd

    opps = _valid(opps, "amount", "outcome", "expected_close", owner)
    stamp = pd.Timestamp(as_of)
    late = opps[(opps["outcome"] == OPEN) & (opps["expected_close"] < stamp)]
    cols = [c for c in ("opportunity_id", "customer", owner, "stage", "amount", "probability", "expected_close")
            if c in late]
    out = late[cols].assign(days_overdue=(stamp - late["expected_close"]).dt.days)
    return out.sort_values(["amount", "opportunity_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def win_rate(opps: "pd.DataFrame") -> float:
    """won / (won + lost) among closed opportunities.

    Engines: pandas only.
    """
    opps = _valid(opps, "outcome")
    won, lost = (opps["outcome"] == WON).sum(), (opps["outcome"] == LOST).sum()
    return float(won / (won + lost)) if won + lost else float("nan")


def coverage(open_amount: float, quota: float, closed_won: float = 0.0) -> float:
    """Pipeline coverage: open pipeline / what is still needed to reach the quota (same period for all three).

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).
    """
    if not quota > 0:
        raise InputError(f"销售指标必须大于 0 (quota must be > 0), 收到 (got) {quota}")
    gap = quota - closed_won
    return float("inf") if gap <= 0 else float(open_amount / gap)


def velocity(opps: "pd.DataFrame") -> float:
    """Pipeline velocity per day: open deals x average won deal x win rate / average cycle (days).

    Engines: pandas only.
    """
    opps = _valid(opps, "amount", "outcome", "created", "closed")
    won = opps[opps["outcome"] == WON]
    if won.empty:
        return 0.0
    cycle = (won["closed"] - won["created"]).dt.days.mean()
    n_open = (opps["outcome"] == OPEN).sum()
    return float(n_open * won["amount"].mean() * win_rate(opps) / max(cycle, 1))


def backtest(opps: "pd.DataFrame", history: "pd.DataFrame", quarters: Sequence[str],
             probabilities: "Mapping[str, float] | Callable[[pd.Timestamp], Mapping[str, float]]") -> "pd.DataFrame":
    """For each quarter: the weighted forecast made on its first day against what was won in it.

    The forecast counts deals open on that day whose expected close falls in
    the quarter.  ``actual`` is decomposed (the three parts sum to it):
    ``won_pipeline`` deals open at the start and not overdue, ``won_overdue``
    deals open at the start whose expected close had already passed (the 已忽略
    rule leaves them out of the forecast), ``won_new`` deals created inside the
    quarter.  ``probabilities`` may be a function of the quarter's first day
    (to calibrate only on what was known then).

    Engines: pandas only.
    """
    import pandas as pd

    opps = _valid(opps, "amount", "outcome", "created", "expected_close", "closed")
    rows = []
    for q in quarters:
        period = pd.Period(q, freq="Q")
        start, end = period.start_time, period.end_time
        probs = probabilities(start) if callable(probabilities) else probabilities
        pipe = stage_at(opps, history, start, probs)
        due = pipe[(pipe["expected_close"] >= start) & (pipe["expected_close"] <= end)]
        won = opps[(opps["outcome"] == WON) & (opps["closed"] >= start) & (opps["closed"] <= end)]
        new = won["created"] >= start
        late = ~new & (won["expected_close"] < start)
        parts = [won["amount"][~new & ~late].sum(), won["amount"][late].sum(), won["amount"][new].sum()]
        rows.append((str(period), float((due["amount"] * due["probability"]).sum()), float(won["amount"].sum()),
                     *map(float, parts), int((~new & ~late).sum()), int(late.sum()), int(new.sum())))
    out = pd.DataFrame(rows, columns=["quarter", "forecast", "actual", "won_pipeline", "won_overdue", "won_new",
                                      "n_pipeline", "n_overdue", "n_new"])
    out["error"] = out["forecast"] - out["actual"]
    out["error_pct"] = out["error"] / out["actual"].where(out["actual"] != 0)
    return out


def weekly_review(opps: "pd.DataFrame", history: "pd.DataFrame", as_of: str, days: int = 7,
                  stale_days: int = 60, owner: str = "owner") -> "pd.DataFrame":
    """What a manager reads on Monday, per owner: open pipeline, what moved,
    what closed, what slipped (expected close passed) and what is at risk
    (no stage change for ``stale_days``; one never moved counts from its creation).

    Engines: pandas only.
    """
    import pandas as pd

    opps = _valid(opps, "amount", "outcome", "created", "expected_close", "closed", owner, need_probability=True)
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
    """Win probability from each stage as observed on resolved deals only:
    won / (entered that stage - still open at or beyond it).

    ``conversion`` is a :func:`cvwork.funnel.stage_conversion` table (with its
    ``open`` column) whose last stage is the won stage.  Open deals have no
    outcome yet; counting them as failures would bias every probability low.

    Engines: pandas only.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"stage": ["线索", "赢单"], "entered": [10, 3], "open": [2, 0]})
    >>> empirical_probabilities(t)
    {'线索': 0.375, '赢单': 1.0}
    """
    entered = conversion["entered"].astype(float).to_numpy()
    still = conversion["open"].fillna(0).astype(float).to_numpy()[::-1].cumsum()[::-1]
    won = entered[-1]
    return {s: (float(won / (n - o)) if n - o > 0 else float("nan")) for s, n, o in zip(conversion["stage"], entered, still)}


def calibrated_before(opps: "pd.DataFrame", history: "pd.DataFrame", stages: Sequence[str],
                      when: "pd.Timestamp | str", fallback: Mapping[str, float] | None = None) -> dict[str, float]:
    """:func:`empirical_probabilities` from the deals closed before ``when`` only
    (what a forecaster could have known that day); a stage with no resolved
    deal yet takes its ``fallback`` value (NaN without one).

    Engines: pandas only.
    """
    import pandas as pd
    from cvwork.funnel import stage_conversion

    opps = _valid(opps, "outcome", "closed")
    done = opps.loc[(opps["outcome"] != OPEN) & (opps["closed"] < pd.Timestamp(when)), "opportunity_id"]
    found = empirical_probabilities(stage_conversion(history[history["opportunity_id"].isin(done)], stages))
    return {s: (p if p == p or fallback is None else float(fallback.get(s, p))) for s, p in found.items()}

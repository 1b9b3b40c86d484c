"""Net Promoter Score (NPS) with its standard error and 95% interval.

NPS = share of promoters (9-10) minus share of detractors (0-6), times 100.
With p and d the two shares among n answers, the variance of p - d is
``[p + d - (p - d)^2] / n`` (a multinomial difference), so
``se = 100 * sqrt(that)`` in NPS points and the interval is
``score +- 1.96 se``.  For a small sample the interval is wide: with 30
answers it easily spans 40 points, so two teams' scores that differ by 10
points are not evidence that one is better.

To compare two independent surveys, use the interval of the *difference*
(:func:`nps_difference`): ``se_diff = sqrt(se_a^2 + se_b^2)``.  Two
intervals that overlap do not show "no change": the difference interval is
narrower than the sum of the two half-widths, so it can exclude 0 while the
two intervals still overlap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError, require_columns

Z95 = 1.959963984540054


@dataclass(frozen=True)
class NPSResult:
    """Counts, shares, the score and its 95% interval; ``missing`` answers were excluded."""
    score: float
    n: int
    promoters: int
    passives: int
    detractors: int
    missing: int
    se: float
    ci_low: float
    ci_high: float

    @property
    def p_promoters(self) -> float:
        return self.promoters / self.n

    @property
    def p_detractors(self) -> float:
        return self.detractors / self.n

    @property
    def p_passives(self) -> float:
        return self.passives / self.n

    def as_dict(self) -> dict:
        return {"nps": self.score, "n": self.n, "promoters": self.promoters, "passives": self.passives,
                "detractors": self.detractors, "missing": self.missing, "se": self.se,
                "ci_low": self.ci_low, "ci_high": self.ci_high}


def _valid_scores(scores: "pd.Series") -> "pd.Series":
    import pandas as pd

    values = pd.to_numeric(pd.Series(scores), errors="coerce")
    raw = pd.Series(scores)
    unparsable = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    bad = unparsable | ~(values.isna() | (values.between(0, 10) & (values == values.round())))
    if bad.any():
        pos = bad.idxmax()
        raise InputError(f"打分必须是 0 到 10 的整数 (scores must be whole numbers 0-10): "
                         f"第 {pos} 项是 {raw[pos]!r} (item {pos} is {raw[pos]!r}); 请更正或删除该答卷 (fix or drop it)")
    return values


def nps(scores: "Iterable[float] | pd.Series") -> NPSResult:
    """NPS of 0-10 answers; blanks are excluded and counted in ``missing``.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 5])
    >>> r.score, r.n, round(r.se, 2)
    (20.0, 10, 27.57)
    """
    values = _valid_scores(list(scores) if not hasattr(scores, "index") else scores)
    answered = values.dropna()
    n = len(answered)
    if n == 0:
        raise InputError("没有有效答卷 (no valid answers); 请检查打分列 (check the score column)")
    pro, det = int((answered >= 9).sum()), int((answered <= 6).sum())
    p, d = pro / n, det / n
    se = 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    score = 100 * (p - d)
    return NPSResult(score=score, n=n, promoters=pro, passives=n - pro - det, detractors=det,
                     missing=int(values.isna().sum()), se=se, ci_low=score - Z95 * se, ci_high=score + Z95 * se)


@dataclass(frozen=True)
class NPSDifference:
    """``a - b`` in NPS points, its standard error, 95% interval and two-sided p-value."""
    difference: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float

    @property
    def excludes_zero(self) -> bool:
        """True when the 95% interval of the difference does not contain 0."""
        return self.ci_low > 0 or self.ci_high < 0


def nps_difference(a: NPSResult, b: NPSResult) -> NPSDifference:
    """Difference of two NPS from independent samples, with SE and 95% interval.

    ``se = sqrt(se_a^2 + se_b^2)``; interval ``difference +- 1.96 se``; ``z =
    difference / se`` and the normal two-sided p-value.

    Engines: not a table function (numbers and arrays; a pandas Series works as an array).

    >>> d = nps_difference(nps([10] * 6 + [0] * 4), nps([10] * 4 + [0] * 6))
    >>> round(d.difference, 1), round(d.se, 2), d.excludes_zero
    (40.0, 43.82, False)
    """
    diff = a.score - b.score
    se = math.sqrt(a.se ** 2 + b.se ** 2)
    z = diff / se if se else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    p_value = math.erfc(abs(z) / math.sqrt(2))
    return NPSDifference(difference=diff, se=se, ci_low=diff - Z95 * se, ci_high=diff + Z95 * se,
                         z=z, p_value=p_value)


def nps_by(survey: "pd.DataFrame", by: str, score: str = "score") -> "pd.DataFrame":
    """NPS with interval per group, one row each, largest group first.

    Engines: pandas only.
    """
    import pandas as pd

    require_columns(survey, (by, score), "调查表")
    rows = {name: nps(group[score]).as_dict() for name, group in survey.groupby(by, sort=True)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(by).sort_values("n", ascending=False).reset_index()


def nps_trend(survey: "pd.DataFrame", freq: str = "M", date: str = "date", score: str = "score") -> "pd.DataFrame":
    """NPS with interval per calendar period, in time order.

    Engines: pandas only.
    """
    require_columns(survey, (date, score), "调查表")
    frame = survey.assign(period=survey[date].dt.to_period(freq).astype(str))
    return nps_by(frame, "period", score).sort_values("period").reset_index(drop=True)


def score_distribution(scores: "pd.Series") -> "pd.DataFrame":
    """Answers per score 0..10 with the group each score belongs to.

    Engines: pandas only.
    """
    import pandas as pd

    values = _valid_scores(scores).dropna().astype(int)
    counts = values.value_counts().reindex(range(11), fill_value=0)
    group = ["贬损者" if s <= 6 else ("被动者" if s <= 8 else "推荐者") for s in range(11)]
    return pd.DataFrame({"score": range(11), "answers": counts.to_numpy(), "group": group})

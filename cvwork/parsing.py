"""Cell parsers shared by the readers: money strings and dates as Chinese
spreadsheets write them."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def parse_amounts(values: "pd.Series") -> "pd.Series":
    """Parse money strings such as ``"12,345.00"``, ``"¥1,200"`` or ``"(300)"``.

    Numbers pass through; anything unparsable becomes NaN.

    >>> import pandas as pd
    >>> parse_amounts(pd.Series(["¥1,200", "(300)", "abc", 5])).tolist()
    [1200.0, -300.0, nan, 5.0]
    """
    import pandas as pd

    numeric = pd.to_numeric(values, errors="coerce")
    todo = numeric.isna() & values.notna()
    if todo.any():
        text = values[todo].astype(str).map(lambda s: unicodedata.normalize("NFKC", s))
        text = text.str.replace(r"[\s,¥元]|RMB|CNY", "", regex=True)
        negative = text.str.match(r"^\(.*\)$")
        text = text.str.strip("()")
        parsed = pd.to_numeric(text, errors="coerce")
        numeric[todo] = parsed.where(~negative, -parsed)
    return numeric.astype("float64")


def parse_dates(values: "pd.Series") -> "pd.Series":
    """Parse dates written as 2024-03-05, 2024/3/5, 2024年3月5日 or datetimes."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    is_stamp = values.map(lambda v: hasattr(v, "year"))
    if is_stamp.any():
        out[is_stamp] = pd.to_datetime(values[is_stamp].astype(object))
    rest = values.notna() & ~is_stamp
    text = values[rest].astype(str).str.strip()
    text = text.str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    out[rest] = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    again = rest & out.isna()
    if again.any():
        out[again] = pd.to_datetime(text[again], format="mixed", errors="coerce")
    return out

"""Cell parsers shared by the readers: money, dates and quantities as Chinese
(and other) spreadsheets write them.  Vectorised: a million cells parse in
about a second; slow paths run only on the cells the fast path could not read.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: a value this large is a broken cell (1e308, an overflow), not money
AMOUNT_LIMIT = 1e15

_CURRENCY = r"人民币|RMB|CNY|USD|US\$|HK\$|HKD|EUR|[¥￥$€£元圆]"
_UNIT = {"万": 1e4, "亿": 1e8}
_NUMBER = re.compile(r"^([-+]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([-+]?\d+))?(万|亿)?(-)?$")


def is_text(values: "pd.Series") -> bool:
    """True for pandas' text dtype (what CSV files give), where each distinct value can be parsed once."""
    import pandas as pd

    return isinstance(values.dtype, pd.StringDtype)


def as_text(values: "pd.Series") -> "pd.Series":
    """An object column that holds only strings (a workbook's text column) as pandas' text dtype."""
    import pandas as pd

    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string":
        return values.astype("str")
    return values


def per_distinct(values: "pd.Series", func) -> "pd.Series":
    """``func(values)`` computed once per distinct value (NaN included) and spread back.

    Worth it for text columns that repeat (customers, products, dates without a
    time); other columns go to ``func`` as they are.

    >>> import pandas as pd
    >>> per_distinct(pd.Series(["a", "b", "a"] * 400, dtype="str"), lambda s: s.str.upper()).head(3).tolist()
    ['A', 'B', 'A']
    """
    import pandas as pd

    if len(values) < 1000 or not is_text(values):
        return func(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) > len(values) // 2:
        return func(values)
    done = func(pd.Series(uniques, dtype=values.dtype))
    out = done.iloc[codes]
    out.index = values.index
    return out.rename(values.name)


def nfkc(text: "pd.Series") -> "pd.Series":
    """NFKC normal form of text cells; ASCII cells (already normal) are left alone.

    >>> import pandas as pd
    >>> nfkc(pd.Series(["１２", "ab", None], dtype="str")).tolist()
    ['12', 'ab', nan]
    """
    wide = ~text.str.isascii().fillna(True).astype(bool)
    if not wide.any():
        return text
    out = text.copy()
    out[wide] = text[wide].str.normalize("NFKC")
    return out


def _texts(values: "pd.Series") -> "pd.Series":
    """Cells as NFKC text without spaces or thousands separators."""
    text = nfkc(values.astype(str))
    text = text.str.replace("\u2212", "-", regex=False).str.replace("\u2013", "-", regex=False)
    text = text.str.replace(r'^="(.*)"$', r"\1", regex=True)          # Excel's ="1200" text trick
    return text.str.replace(r"[\s,\u200b-\u200f\ufeff']", "", regex=True)


def parse_amounts(values: "pd.Series") -> "pd.Series":
    """Parse money cells such as ``"12,345.00"``, ``"¥1,200"``, ``"(300)"``,
    ``"人民币1200元"``, ``"$1,200"``, ``"−1200"`` (U+2212), ``"１２００"``, ``"1.2万"``.

    Numbers pass through; anything unparsable becomes NaN.  ``inf`` stays
    ``inf`` so that :func:`amount_out_of_range` can name it.

    >>> import pandas as pd
    >>> parse_amounts(pd.Series(["¥1,200", "(300)", "abc", 5, "1.2万", "−50", "1200-"])).tolist()
    [1200.0, -300.0, nan, 5.0, 12000.0, -50.0, -1200.0]
    """
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    values = as_text(values)
    return _amounts_of_text(values) if is_text(values) else _amounts(values)


def _amounts_of_text(values: "pd.Series") -> "pd.Series":
    """Text cells: plain numbers (``-1,234.50``) converted at once by pyarrow,
    the rest parsed once per distinct spelling."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    out = pd.Series(np.nan, index=values.index)
    plain = values.str.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?").fillna(False).astype(bool)
    if plain.any():
        digits = pa.array(values[plain].str.replace(",", "", regex=False))
        out[plain] = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    rest = ~plain & values.notna()
    if rest.any():
        out[rest] = per_distinct(values[rest], _amounts)
    return out


def _amounts(values: "pd.Series") -> "pd.Series":
    import numpy as np
    import pandas as pd

    text_only = pd.api.types.infer_dtype(values, skipna=True) == "string"
    numeric = (pd.Series(np.nan, index=values.index) if text_only
               else pd.to_numeric(values, errors="coerce").astype("float64"))
    todo = numeric.isna() & values.notna()
    if todo.any():                     # fast path: thousands separators only
        plain = values[todo].astype(str).str.replace(",", "", regex=False).str.strip()
        numeric[todo] = pd.to_numeric(plain, errors="coerce").astype("float64")
        todo = numeric.isna() & values.notna()
    if todo.any():
        text = _texts(values[todo])
        negative = text.str.match(r"^[-+]?\(.*\)$")
        text = text.str.replace(r"[()]", "", regex=True).str.replace(_CURRENCY, "", regex=True, flags=re.I)
        text = text.str.replace(r"整$", "", regex=True)                      # 1200元整
        parts = text.str.extract(_NUMBER)
        base = pd.to_numeric(parts[1], errors="coerce") * 10.0 ** pd.to_numeric(parts[2], errors="coerce").fillna(0)
        scale = parts[3].map(_UNIT).fillna(1.0)
        sign = np.where((parts[0] == "-") ^ (parts[4] == "-") ^ negative, -1.0, 1.0)
        parsed = base * scale * sign
        words = text.str.lower().str.replace(r"^[-+]", "", regex=True)
        parsed[words.isin(["inf", "infinity", "∞"])] = np.inf
        numeric[todo] = parsed
    return numeric


def amount_out_of_range(values: "pd.Series", raw: "pd.Series | None" = None) -> "pd.Series":
    """True where an amount is infinite, ``nan`` written as text, or absurdly large."""
    import numpy as np

    bad = ~np.isfinite(values.fillna(0.0)) | (values.abs() >= AMOUNT_LIMIT)
    if raw is not None:
        bad |= values.isna() & raw.astype(str).str.strip().str.lower().isin(["nan", "-nan", "na n"])
    return bad


def parse_quantities(values: "pd.Series") -> "pd.Series":
    """Quantities such as ``5``, ``"5台"``, ``"1,200 pcs"``, ``"３件"``.

    >>> import pandas as pd
    >>> parse_quantities(pd.Series(["5台", "1,200 pcs", 3, "x"])).tolist()
    [5.0, 1200.0, 3.0, nan]
    """
    import pandas as pd

    numeric = parse_amounts(values)
    todo = numeric.isna() & values.notna()
    if todo.any():
        head = _texts(values[todo]).str.extract(r"^([-+]?\d+(?:\.\d+)?)\D{0,6}$")[0]
        numeric[todo] = pd.to_numeric(head, errors="coerce")
    return numeric


_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T\s]*(上午|下午|AM|PM)?\s*(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d+))?秒?)?\s*(AM|PM)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?$", re.I)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2}):?(\d{2}))?$")
TIME_ONLY = re.compile(r"^(上午|下午)?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(AM|PM)?$", re.I)
#: Excel day numbers of 1954-10-02 .. 2119-02-08: a plausible business date
_SERIAL = (20000, 80000)


def parse_dates(values: "pd.Series") -> "pd.Series":
    """Parse dates as spreadsheets write them, mixed in one column.

    ``2024-03-05``, ``2024/3/5``, ``2024.03.05``, ``2024年3月5日``, ``20240305``,
    ``2024-03-05 10:15:00.000``, ``2024/3/5 下午 3:15``, Excel serial numbers
    (45356 is 2024-03-05) and date/datetime objects.  Time-only cells and anything else
    become NaT (see :func:`time_only`).

    >>> import pandas as pd
    >>> parse_dates(pd.Series(["2024年3月5日", "20240306", 45358, "2024-03-08 10:15:00.000", "10:15"])).dt.strftime("%m-%d").tolist()
    ['03-05', '03-06', '03-07', '03-08', nan]
    """
    import datetime as dt

    import numpy as np
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return out.astype("datetime64[ns]")
    values = as_text(values)
    if is_text(values):
        return _dates_of_text(values)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):      # text only: no type checks
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        rest = values.notna()
        if rest.any():
            out[rest] = _from_text(nfkc(values[rest].astype(str)).str.strip())
        return out
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    kinds = values.map(type)
    stamps = kinds.map(lambda k: issubclass(k, (dt.date, pd.Timestamp, np.datetime64))
                       and not issubclass(k, dt.time))
    if stamps.any():
        out[stamps] = pd.to_datetime(values[stamps].astype(object), errors="coerce").astype("datetime64[ns]")
    numbers = kinds.map(lambda k: issubclass(k, (int, float, np.number)) and not issubclass(k, bool))
    if numbers.any():
        out[numbers] = _from_numbers(pd.to_numeric(values[numbers], errors="coerce"))
    rest = values.notna() & ~stamps & ~numbers & ~kinds.map(lambda k: issubclass(k, dt.time))
    if rest.any():
        out[rest] = _from_text(nfkc(values[rest].astype(str)).str.strip())
    return out


_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"


def _dates_of_text(values: "pd.Series") -> "pd.Series":
    """Text cells: plain ISO dates and datetimes converted at once, the rest
    parsed once per distinct spelling."""
    import pandas as pd

    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    iso = values.str.fullmatch(_ISO).fillna(False).astype(bool)
    if iso.any():
        out[iso] = pd.to_datetime(values[iso], format="ISO8601", errors="coerce").astype("datetime64[ns]")
    rest = out.isna() & values.notna()
    if rest.any():
        out[rest] = per_distinct(values[rest], lambda v: _from_text(nfkc(v).str.strip()))
    return out


def _from_numbers(numbers: "pd.Series") -> "pd.Series":
    """Excel serial day numbers and yyyymmdd integers."""
    import pandas as pd

    serial = numbers.between(*_SERIAL)
    out = pd.to_datetime(numbers.where(serial), unit="D", origin="1899-12-30", errors="coerce")
    compact = numbers.between(19000101, 21001231) & (numbers % 1 == 0)
    if compact.any():
        out[compact] = pd.to_datetime(numbers[compact].astype("int64").astype(str), format="%Y%m%d", errors="coerce")
    return out.astype("datetime64[ns]")


def _from_text(text: "pd.Series") -> "pd.Series":
    import pandas as pd

    out = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    out = out.astype("datetime64[ns]")
    todo = out.isna()
    if todo.any():
        out[todo] = _from_patterns(text[todo])
    todo = out.isna()
    todo[todo] = text[todo].str.fullmatch(r"\d{5}(\.\d+)?").fillna(False).astype(bool)
    if todo.any():
        out[todo] = _from_numbers(pd.to_numeric(text[todo], errors="coerce"))
    return out


def _from_patterns(text: "pd.Series") -> "pd.Series":
    import pandas as pd

    parts = text.str.extract(_DATE)
    compact = text.str.extract(_COMPACT)
    use = parts[0].isna() & compact[0].notna()
    for i, j in ((0, 0), (1, 1), (2, 2), (4, 3), (5, 4), (6, 5)):
        parts.loc[use, i] = compact.loc[use, j]
    num = {k: pd.to_numeric(parts[k], errors="coerce") for k in range(9) if k not in (3, 8)}
    hour = num[4].fillna(0)
    meridiem = parts[3].fillna(parts[8]).fillna("").str.upper()
    hour = hour.where(~(meridiem.isin(["下午", "PM"]) & (hour < 12)), hour + 12)
    hour = hour.where(~(meridiem.isin(["上午", "AM"]) & (hour == 12)), 0)
    frac = pd.to_numeric(("0." + parts[7].fillna("0")), errors="coerce").fillna(0)
    frame = pd.DataFrame({"year": num[0], "month": num[1], "day": num[2], "hour": hour,
                          "minute": num[5].fillna(0), "second": num[6].fillna(0)})
    ok = frame[["year", "month", "day"]].notna().all(axis=1)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if ok.any():
        stamp = pd.to_datetime(frame[ok], errors="coerce")
        out[ok] = stamp + pd.to_timedelta(frac[ok], unit="s")
    return out


def time_only(values: "pd.Series") -> "pd.Series":
    """True for cells that hold a time of day but no date (``10:15``, a time object)."""
    import datetime as dt

    is_time = values.map(lambda v: isinstance(v, dt.time))
    text = nfkc(values.astype(str)).str.strip()
    return is_time | (values.notna() & text.str.fullmatch(TIME_ONLY))

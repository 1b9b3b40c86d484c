"""Customer names: one comparison key per spelling and one display spelling
per customer (the most common one), the file's own spelling kept beside it."""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from cvwork.parsing import as_text, is_text, per_distinct

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_ZERO_WIDTH_CHARS = "[\u200b-\u200f\u2060\ufeff\u00ad]"       # real characters: pyarrow's regex takes them too
_ZERO_WIDTH = re.compile(_ZERO_WIDTH_CHARS)

#: names of ASCII letters and digits and CJK unified ideographs only: NFKC, the space and
#: bracket rules leave them alone, so their key is the suffix rules and lower case
_PLAIN_NAME = "[0-9A-Za-z一-鿿]+"


def customer_keys(names: "pd.Series") -> "pd.Series":
    """One comparison key per spelling: full width, case, inner spaces, zero-width
    characters, bracket widths and company-suffix variants do not matter
    (:func:`cvwork.identify.normalise_company`, at once for plain names).

    >>> import pandas as pd
    >>> customer_keys(pd.Series(["ＡＢＣ科技", "abc 科技", "ABC科技有限责任公司", None])).tolist()
    ['abc科技', 'abc科技', 'abc科技有限公司', nan]
    """
    import numpy as np
    import pandas as pd

    from cvwork.identify import _SUFFIXES, normalise_company

    def keys(values: "pd.Series") -> "pd.Series":
        plain = values.str.fullmatch(_PLAIN_NAME).fillna(False).astype(bool) if is_text(values) else None
        if plain is None or not plain.any():
            cells = values.tolist()
            known = {u: normalise_company(_ZERO_WIDTH.sub("", str(u))) for u in set(cells) if u is not None and u == u}
            return pd.Series([known.get(u, np.nan) for u in cells], index=values.index, dtype=values.dtype)
        out = values.copy()
        text = values[plain]
        for old, new in _SUFFIXES:                  # the rules of normalise_company, in its order
            text = text.str.replace(unicodedata.normalize("NFKC", old), new, regex=False)
        out[plain] = text.str.lower()
        if not plain.all():
            out[~plain] = keys(values[~plain].astype(object))
        return out

    return per_distinct(as_text(names), keys)


def canonical_customers(frame: "pd.DataFrame") -> "tuple[pd.DataFrame, pd.DataFrame]":
    """``customer`` becomes the most common spelling of its key, ``customer_raw``
    keeps the file's spelling; returns the frame and the merged spellings."""
    import numpy as np
    import pandas as pd

    raw = frame["customer"]
    codes, spellings = pd.factorize(raw)                                 # each spelling once, in file order
    spelling = pd.Series(spellings, dtype=raw.dtype if is_text(raw) else object)
    key = customer_keys(spelling)
    counts = pd.DataFrame({"key": key, "raw": spelling, "rows": np.bincount(codes[codes >= 0],
                                                                            minlength=len(spelling))})
    counts = counts[key.notna()].sort_values("rows", ascending=False, kind="stable")
    display = counts.drop_duplicates("key").set_index("key")["raw"]
    shown = key.map(display).astype("str").array.take(codes, allow_fill=True)
    frame = frame.assign(customer=pd.Series(shown, index=frame.index), customer_raw=raw)
    several = counts[counts.duplicated("key", keep=False)]                # keys written more than one way
    merged = several.groupby("key", sort=False).agg(spellings=("raw", lambda s: " / ".join(sorted(s))),
                                                    rows=("rows", "sum"))
    merged = merged.assign(customer=lambda m: m.index.map(display))
    return frame, merged[["customer", "spellings", "rows"]].reset_index(drop=True)

"""Row rules shared by every reader: what is a blank line, a repeated header,
a total or subtotal line (labelled in any spelling, or unlabelled but equal
to the lines above it), and which cell makes a row unusable."""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_TOTAL_ZH = re.compile(r"^.{0,24}?(合计|总计|总合计|小计|累计|汇总|总额|页计|合計|總計|小計|累計|彙總|匯總|總額|頁計)"
                       r"(金额|金額|数|數)?$")
_TOTAL_EN = re.compile(r"^(grand|sub|page|report|overall)?totals?(amount|sales|revenue|\d{4})?$")
_SUB = re.compile(r"小计|小計|subtotal|本页|本頁|页计|頁計|page")
_LABEL_HINT = r"[计总汇計總彙匯]|total"


def _label_key(text: str) -> str:
    """``本页合计：`` / ``总计(元)`` / ``Total:`` / ``合 计`` -> a comparable key."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    key = re.sub(r"[(\[{（【]\s*(元|万元|人民币|rmb|¥|\$|usd|cny|共?\s*\d+\s*(笔|条|行|项|单|个|户|家|"
                 r"records?|rows?|items?|lines?))\s*[)\]}）】]", "", key)
    key = re.sub(r"[\s:：.。,，\-_*#=()\[\]{}（）【】]", "", key)
    return re.sub(r"(元|人民币|人民幣|rmb|金额|金額)$", "", key) if len(key) > 2 else key


def total_label(text: object) -> str | None:
    """'total', 'subtotal' or None for one cell.

    >>> [total_label(t) for t in ["合计：", "本页合计", "总计(元)", "Grand Total", "ABC科技 小计", "【小计】", "合计科技", 12]]
    ['total', 'subtotal', 'total', 'total', 'subtotal', 'subtotal', None, None]
    """
    if not isinstance(text, str):
        return None
    key = _label_key(text)
    if not key or not (_TOTAL_ZH.match(key) or _TOTAL_EN.match(key)):
        return None
    return "subtotal" if _SUB.search(key) else "total"


def labelled_totals(frame: "pd.DataFrame", skip: tuple[str, ...]) -> "pd.Series":
    """Per row: 'total' / 'subtotal' when any text cell is a total label, else None.
    Each distinct cell value is looked at once."""
    import pandas as pd

    found = pd.Series(None, index=frame.index, dtype=object)
    hint = re.compile(_LABEL_HINT, re.I)
    for name in frame.columns:
        if name in skip:
            continue
        col = frame[name]
        if pd.api.types.infer_dtype(col, skipna=True) == "string":          # vectorised first look for text
            col = col[col.astype("str").str.contains(_LABEL_HINT, case=False, regex=True).fillna(False)]
        labels = {u: total_label(u) for u in pd.unique(col.dropna()) if isinstance(u, str) and hint.search(u)}
        labels = {u: k for u, k in labels.items() if k}
        if labels:
            kinds = col[col.isin(list(labels))].map(labels)
            kinds = kinds[found[kinds.index].isna()]
            found[kinds.index] = kinds
    return found


def blank_rows(frame: "pd.DataFrame", maybe: "pd.Series") -> "pd.Series":
    """Rows whose every cell is empty; only rows in ``maybe`` are examined."""
    import pandas as pd

    out = pd.Series(False, index=frame.index)
    sub = frame.loc[maybe]
    if len(sub):
        empty = sub.apply(lambda c: c.isna() | c.map(lambda v: isinstance(v, str) and not v.strip()))
        out[sub.index] = empty.all(axis=1)
    return out


def repeated_headers(frame: "pd.DataFrame", header: list[str]) -> "pd.Series":
    """Rows that repeat the header (page breaks in an ERP export)."""
    import pandas as pd

    from cvwork.io.headers import norm_header

    keys = [norm_header(h) for h in header]
    first = frame.iloc[:, 0]
    text = first.astype("str")
    hint = text.str.lower().str.contains(re.escape(keys[0][:1]), regex=True).fillna(False)   # cheap first look
    text = text[hint].str.normalize("NFKC").str.lower().str.replace(r"[\s_\-.:()\[\]{}【】*#/]", "", regex=True)
    maybe = text.eq(keys[0]).reindex(frame.index, fill_value=False).fillna(False).astype(bool) & first.notna()
    out = pd.Series(False, index=frame.index)
    for i in frame.index[maybe]:
        cells = [norm_header(v) for v in frame.loc[i] if v is not None and v == v]
        out[i] = sum(c in keys for c in cells) >= max(2, len(cells) // 2)
    return out


def unlabelled_totals(amount: "pd.Series", detail: "pd.Series", candidate: "pd.Series",
                      labelled: "pd.Series") -> "pd.Series":
    """Rows (among ``candidate``) whose amount equals the detail lines above
    them since the previous subtotal ('subtotal') or since the previous grand
    total ('total').  ``labelled`` marks the labelled totals (boundaries)."""
    import numpy as np
    import pandas as pd

    out = pd.Series(None, index=amount.index, dtype=object)
    pos = np.flatnonzero(candidate.to_numpy() | labelled.notna().to_numpy())
    if not candidate.any():
        return out
    values = np.where(detail.to_numpy(), amount.fillna(0).to_numpy(), 0.0)
    cum = np.concatenate([[0.0], np.cumsum(values)])
    count = np.concatenate([[0], np.cumsum(detail.to_numpy())])
    sub_start = grand_start = 0
    kinds = labelled.where(labelled.notna(), None).to_numpy(dtype=object)
    flags = candidate.to_numpy()
    amounts = amount.to_numpy()
    for p in pos:
        kind = kinds[p] if isinstance(kinds[p], str) else None
        if kind is None and flags[p]:
            since_sub, since_grand = cum[p] - cum[sub_start], cum[p] - cum[grand_start]
            grand = count[p] > count[grand_start] and abs(amounts[p] - since_grand) < 0.005
            last = count[-1] == count[p + 1]          # no detail line after it
            if grand and last:
                kind = "total"
            elif count[p] > count[sub_start] and abs(amounts[p] - since_sub) < 0.005:
                kind = "subtotal"
            elif grand:
                kind = "total"
            if kind:
                out.iat[p] = kind
        if kind == "subtotal":
            sub_start = p + 1
        elif kind == "total":
            sub_start = grand_start = p + 1
    return out


def stated_total(amount: "pd.Series", code: "pd.Series", detail_sum: float) -> float | None:
    """The file's own grand total: a total line after the last detail line, or
    any total line when none follows the detail (a total printed on top); the
    one equal to the detail sum when there are several."""
    import numpy as np

    is_total = code.eq("total").to_numpy()
    is_detail = (amount.notna() & ~code.isin(["total", "subtotal"])).to_numpy()    # footers carry no amount
    if not is_total.any():
        return None
    last_detail = np.flatnonzero(is_detail).max() if is_detail.any() else -1
    trailing = [i for i in np.flatnonzero(is_total) if i > last_detail] or list(np.flatnonzero(is_total))
    values = [float(amount.iat[i]) for i in trailing if amount.iat[i] == amount.iat[i]]
    if not values:
        return None
    matching = [v for v in values if abs(v - detail_sum) < 0.01]
    return matching[-1] if matching else values[-1]

"""Apply the row rules and cell parsers to one sheet, then combine sheets
into one frame with its account."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cvwork.io import rows as R
from cvwork.io.customers import _ZERO_WIDTH, _ZERO_WIDTH_CHARS, canonical_customers
from cvwork.io.account import REASONS, ReadAccount
from cvwork.parsing import (amount_out_of_range, as_text, is_text, parse_amounts, parse_dates, parse_quantities,
                             time_only)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from cvwork.io.readers import Spec
    from cvwork.io.sources import Grid, Source

_SOLID = r"[0-9A-Za-z\p{Han}]"                                  # never blank, never stripped away
#: a cell that may change when cleaned: an edge that is not a letter, digit or Han character, or a zero-width one
_UNTIDY = rf"^$|^[^0-9A-Za-z\p{{Han}}]|[^0-9A-Za-z\p{{Han}}]$|{_ZERO_WIDTH_CHARS}"
TEXT_COLUMNS = ("customer", "product", "owner", "region", "stage", "company", "segment", "source", "industry")
ID_COLUMNS = ("order_id", "opportunity_id", "lead_id", "respondent", "phone", "customer_code")


def _show(v) -> str:
    return "" if v is None or v != v else str(v)


#: what pandas.api.types.infer_dtype calls a column that holds no text at all
_NO_TEXT = {"empty", "integer", "floating", "mixed-integer-float", "decimal", "boolean", "datetime", "datetime64",
            "date", "time", "timedelta", "timedelta64"}


def _is_missing(col: "pd.Series") -> "pd.Series":
    """Empty cells: NaN/None or text of only spaces and zero-width characters."""
    import pandas as pd

    col = as_text(col)
    if is_text(col):                       # only cells without a letter, digit or Han character can be empty
        maybe = ~col.str.contains(_SOLID, regex=True).fillna(True).astype(bool)
        blank = col[maybe].str.replace(_ZERO_WIDTH_CHARS, "", regex=True).str.strip().eq("")
        return col.isna() | blank.reindex(col.index, fill_value=False).astype(bool)
    if pd.api.types.infer_dtype(col, skipna=True) == "string":          # vectorised (pyarrow) for text
        text = col.astype("str").str.replace(_ZERO_WIDTH_CHARS, "", regex=True).str.strip()
        return col.isna() | text.eq("").fillna(False)
    if pd.api.types.infer_dtype(col, skipna=True) in _NO_TEXT:
        return col.isna()
    blanks = [u for u in pd.unique(col.dropna()) if isinstance(u, str) and not _ZERO_WIDTH.sub("", u).strip()]
    return col.isna() | (col.isin(blanks) if blanks else False)


def _missing_where(col: "pd.Series", rows: "pd.Series") -> "pd.Series":
    """:func:`_is_missing`, looked at only in ``rows`` (False elsewhere)."""
    import pandas as pd

    out = pd.Series(False, index=col.index)
    if rows.any():
        out[rows] = _is_missing(col[rows])
    return out


def _apply_rules(frame, lines, grid: "Grid", spec: "Spec", header, scale):
    import numpy as np
    import pandas as pd

    code = pd.Series(None, index=frame.index, dtype=object)
    value = pd.Series(None, index=frame.index, dtype=object)

    def flag(mask, c, raw):
        m = (mask & code.isna()).to_numpy()
        if m.any():
            code[m] = c
            value[m] = raw[m].map(_show)

    first = frame.iloc[:, 0] if frame.shape[1] else pd.Series("", index=frame.index)
    amt = spec.amount if spec.amount in frame else None
    amount = parse_amounts(frame[amt]) * scale.get(amt, 1.0) if amt else pd.Series(np.nan, index=frame.index)
    keys = [c for c in spec.required if c in frame] or list(frame.columns[:1])
    missing = {c: _is_missing(frame[c]) for c in keys}
    maybe = pd.concat(missing.values(), axis=1).any(axis=1) if missing else pd.Series(True, index=frame.index)
    flag(R.blank_rows(frame, maybe), "blank", pd.Series("", index=frame.index))
    flag(R.repeated_headers(frame, header), "header", first)
    totals = R.labelled_totals(frame, (amt, "quantity", "price"))
    totals[code.notna()] = None
    if amt:
        no_customer = missing.get("customer", pd.Series(False, index=frame.index))
        usable = code.isna() & totals.isna() & amount.notna()
        found = R.unlabelled_totals(amount, usable & ~no_customer, usable & no_customer, totals)
        totals = totals.where(totals.notna(), found)
    for kind in ("total", "subtotal"):
        flag(totals.eq(kind), kind, first.where(first.notna(), frame[amt] if amt else first))
    for c, miss in missing.items():
        if c != spec.amount:
            flag(miss, {"customer": "customer", "score": "no_answer"}.get(c, "key"), frame[c])
    if amt:
        _flag_amounts(frame, amt, amount, grid, flag, lines, code.isna())
    _parse_columns(frame, spec, flag)
    bad = code.notna()
    is_total = code.isin(["total", "subtotal"])
    finite = amount.where(np.isfinite(amount.fillna(0)) & ~amount_out_of_range(amount))
    detail = float(finite[~is_total].sum())
    stated = R.stated_total(finite, code, detail) if amt else None
    excluded = [{"sheet": grid.name, "row": int(lines[i]), "code": code.iat[i], "reason": REASONS[code.iat[i]],
                 "amount": finite.iat[i], "value": value.iat[i]} for i in np.flatnonzero(bad.to_numpy())]
    header_line = int(lines[0]) - 1 if len(lines) else 0
    for line, text in grid.malformed:
        if line > header_line:
            excluded.append({"sheet": grid.name, "row": line, "code": "malformed", "reason": REASONS["malformed"],
                             "amount": np.nan, "value": text})
    kept = frame.loc[~bad.to_numpy()].copy()
    if amt:
        kept[amt] = amount[~bad.to_numpy()]
    rows_read = len(frame) + sum(1 for line, _ in grid.malformed if line > header_line)
    return kept.reset_index(drop=True), excluded, detail, stated, rows_read


def _flag_amounts(frame, amt, amount, grid: "Grid", flag, lines, open_rows) -> None:
    """Out-of-range amounts; empty cells that hold a formula Excel never
    calculated (read with openpyxl, only when such cells exist); the rest."""
    import pandas as pd

    flag(amount_out_of_range(amount, frame[amt]), "amount_range", frame[amt])
    empty = (amount.isna() & frame[amt].isna() & open_rows).to_numpy()
    if empty.any() and grid.formulas is not None:
        column = frame.attrs.get("positions", list(range(frame.shape[1])))[list(frame.columns).index(amt)]
        sheet_rows = [int(n) - 1 for n in lines[empty]]
        with_formula = grid.formulas(sheet_rows, int(column))
        formula = pd.Series([int(n) - 1 in with_formula for n in lines], index=frame.index)
        flag(formula, "formula", pd.Series("(公式 formula)", index=frame.index))
    flag(amount.isna(), "amount", frame[amt])


_FLAGS = {"true", "false", "1", "0", "是", "否", "yes", "no", "y", "n"}


def _is_flag(col: "pd.Series") -> bool:
    """A TRUE/FALSE column (Salesforce's Closed, Won): not dates, not numbers."""
    values = col.dropna()
    return len(values) > 0 and values.map(lambda v: str(v).strip().lower() in _FLAGS).all()


def _parse_columns(frame, spec: "Spec", flag) -> None:

    if "closed" in frame and "is_closed" not in frame and _is_flag(frame["closed"]):
        frame["is_closed"] = frame.pop("closed")

    for name, required in spec.dates.items():
        if name not in frame:
            continue
        raw = frame[name]
        parsed = parse_dates(raw)
        unparsed = parsed.isna() & raw.notna()
        if unparsed.any():
            flag(time_only(raw[unparsed]).reindex(raw.index, fill_value=False), "time_only", raw)
        flag(parsed.isna() & (required | ~_missing_where(raw, parsed.isna())), "date", raw)
        frame[name] = parsed
    if "quantity" in frame:
        qty = parse_quantities(frame["quantity"])
        flag(qty.isna() & ~_missing_where(frame["quantity"], qty.isna()), "quantity", frame["quantity"])
        frame["quantity"] = qty
    if "probability" in frame:
        frame["probability"] = _probabilities(frame["probability"], flag)
    if "score" in frame:
        score = parse_quantities(frame["score"])                             # '9分' is 9
        flag(score.isna() | ~score.between(0, 10), "score", frame["score"])
        frame["score"] = score
    if "outcome" in frame:
        from cvwork.forecast import normalise_outcomes

        closed = frame["closed"] if "closed" in frame else frame.get("is_closed")
        frame["outcome"] = normalise_outcomes(frame["outcome"], closed=closed)
    for name in TEXT_COLUMNS + ID_COLUMNS:
        if name in frame:
            frame[name] = _clean_text(frame[name], zero_width=name != "customer")


def _probabilities(raw: "pd.Series", flag) -> "pd.Series":
    """0.3, 30, '30%' -> 0.3; a column with any value above 1 is in percent."""
    text = raw.astype(str)
    percent = text.str.contains("%", regex=False)
    values = parse_amounts(raw.where(~percent, text.str.replace("%", "", regex=False)))
    if (values[~percent] > 1).any():
        percent = percent | values.notna()
    values = values.where(~percent, values / 100)
    flag(values.notna() & ~values.between(0, 1), "probability", raw)
    return values


def _clean_text(col: "pd.Series", zero_width: bool = True) -> "pd.Series":
    """Strings stripped, numbers from Excel without '.0', Excel's ="00123" unwrapped;
    zero-width characters dropped unless the spelling is to be kept (customers)."""
    col = as_text(col)
    if is_text(col):                       # only untidy cells go through the rules
        untidy = col.str.contains(_UNTIDY, regex=True).fillna(False).astype(bool)
        out = col.copy()
        if untidy.any():
            out[untidy] = _tidy(col[untidy], zero_width)
        return out
    return _tidy(col, zero_width)


def _tidy(col: "pd.Series", zero_width: bool) -> "pd.Series":
    import pandas as pd

    if pd.api.types.infer_dtype(col, skipna=True) == "string":
        text = col.astype("str")
    else:
        numbers = col.map(lambda v: isinstance(v, float) and v.is_integer())
        text = col.where(~numbers, col[numbers].map(lambda v: str(int(v)))).astype("str")
    if zero_width:
        text = text.str.replace(_ZERO_WIDTH_CHARS, "", regex=True)
    text = text.str.strip().str.replace(r'^="(.*)"$', r"\1", regex=True)
    blank = text.str.replace(_ZERO_WIDTH_CHARS, "", regex=True).str.strip().eq("")
    return text.where(~blank & col.notna())


def _infer_numbers(frame: "pd.DataFrame", spec: "Spec") -> "pd.DataFrame":
    """Other columns whose every value is a number become numbers (as
    ``pandas.read_csv`` would do); names, ids, dates and text stay as they are."""
    import pandas as pd

    fixed = set(TEXT_COLUMNS + ID_COLUMNS) | set(spec.dates) | {"customer_raw", "sheet", "outcome"}
    for name in frame.columns:
        col = frame[name]
        if name in fixed or pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col) \
                or not col.notna().any():
            continue
        numbers = pd.to_numeric(col, errors="coerce")
        if numbers.notna().sum() == col.notna().sum():
            frame[name] = numbers
    return frame


def _combine(source: "Source", spec: "Spec", parts, skipped) -> "pd.DataFrame":
    import pandas as pd

    frames = []
    for grid, part in parts:
        kept = part.kept
        if len(parts) > 1:
            kept = kept.assign(sheet=grid.name)
        frames.append(kept)
    kept = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    merged = None
    if "customer" in kept:
        kept, merged = canonical_customers(kept)
    first = [c for c in spec.first if c in kept.columns]
    kept = _infer_numbers(kept[first + [c for c in kept.columns if c not in first]], spec)
    excluded = pd.DataFrame([row for _, p in parts for row in p.excluded],
                            columns=["sheet", "row", "code", "reason", "amount", "value"])
    excluded["amount"] = excluded["amount"].astype("float64")
    notes = list(source.notes) + [n for _, p in parts for n in p.notes]
    if merged is not None and len(merged):
        notes.append(f"{len(merged)} 位客户有多种写法，已合并 ({len(merged)} customers written in several ways were "
                     "merged; see merged_spellings)")
    stated = [p.stated for _, p in parts]
    amount = spec.amount if spec.amount in kept else None
    account = ReadAccount(
        source=source.path.name, rows_read=sum(p.rows_read for _, p in parts), rows_kept=len(kept),
        excluded=excluded, detail_amount=sum(p.detail for _, p in parts),
        kept_amount=float(kept[amount].sum()) if amount else 0.0,
        columns={k: v for _, p in parts for k, v in p.columns.items()},
        sheets_read=[g.name for g, _ in parts if g.name is not None], sheets_skipped=skipped,
        header_row=parts[0][1].header_row, title_rows=parts[0][1].title_rows, encoding=source.encoding,
        delimiter=source.delimiter, replaced_bytes=source.replaced_bytes, notes=notes,
        stated_total=sum(stated) if stated and all(s is not None for s in stated) else None,
        merged_spellings=merged, has_amount=amount is not None)
    kept.attrs["account"] = account
    return kept

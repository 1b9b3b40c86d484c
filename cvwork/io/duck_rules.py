"""The reading rules of :mod:`cvwork.io.clean` in SQL, for :mod:`cvwork.io.duck`.

Values whose meaning is unambiguous (plain decimals with thousands
separators, ISO dates) are read by SQL; every other *distinct* value goes
through the pandas path's own parsers (:func:`~cvwork.parsing.parse_amounts`,
:func:`~cvwork.parsing.parse_dates`, :func:`~cvwork.io.rows.total_label`,
:func:`~cvwork.io.customers.customer_keys`, ...) and is joined back, so both paths
give the same answer.  Row rules, in the pandas path's order: blank line,
repeated header, total/subtotal (labelled, or unlabelled: equal to the detail
lines above it), missing customer or key, amount out of range, amount,
time only, date, quantity.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvwork.io import headers as H
from cvwork.io import rows as R
from cvwork.io.clean import _clean_text
from cvwork.io.customers import customer_keys
from cvwork.parsing import amount_out_of_range, parse_amounts, parse_dates, parse_quantities, time_only

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from cvwork.io.duck import Layout

_WS = r"\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_ZW = r"\x{200b}-\x{200f}\x{2060}\x{feff}\x{ad}"
_NUM = r"[-+]?[0-9][0-9,]{0,20}(\.[0-9]{1,12})?"
_ISO = r"(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?"
_SIMPLE = r"[0-9A-Za-z\u4e00-\u9fff]+"
_MACROS = (
    "CREATE OR REPLACE TEMP MACRO cv_simple(x) AS regexp_full_match(x, '[0-9A-Za-z\\x{4e00}-\\x{9fff}]+')",
    # cvwork.identify.normalise_company on such a name: the suffix rules, then lower case
    "CREATE OR REPLACE TEMP MACRO cv_key(x) AS lower(replace(replace(replace(x, '有限责任公司', '有限公司'), "
    "'股份有限公司', '有限公司'), '集团', ''))",
    f"CREATE OR REPLACE TEMP MACRO cv_empty(x) AS x IS NULL OR regexp_full_match(x, '[{_WS}]*')",
    f"CREATE OR REPLACE TEMP MACRO cv_missing(x) AS x IS NULL OR regexp_full_match(x, '[{_WS}{_ZW}]*')",
    f"CREATE OR REPLACE TEMP MACRO cv_unwrap(x) AS regexp_replace(regexp_replace(regexp_replace(x, '[{_ZW}]', '', "
    f"'g'), '^[{_WS}]+|[{_WS}]+$', '', 'g'), '^=\"(.*)\"$', '\\1')",
    f"CREATE OR REPLACE TEMP MACRO cv_clean(x) AS CASE WHEN x IS NULL OR x = '' THEN NULL "
    f"WHEN regexp_matches(x, '^[{_WS}=]|[{_WS}]$|[{_ZW}]') THEN "
    "CASE WHEN cv_missing(cv_unwrap(x)) THEN NULL ELSE cv_unwrap(x) END ELSE x END",
    f"CREATE OR REPLACE TEMP MACRO cv_num(x) AS CASE WHEN regexp_full_match(x, '{_NUM}') "
    "THEN TRY_CAST(replace(x, ',', '') AS DOUBLE) END",
    f"CREATE OR REPLACE TEMP MACRO cv_iso(x) AS CASE WHEN regexp_full_match(x, '{_ISO}') "
    "THEN TRY_CAST(x AS TIMESTAMP) END",
)
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE", "DECIMAL")


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Frame:
    """The raw table in DuckDB: columns ``c0..`` (``cols[k]`` is the k-th kept
    column), the row index ``i``; ``types`` by kept column (Parquet)."""

    def __init__(self, con, layout: "Layout"):
        self.con, self.layout = con, layout
        self.types: dict[int, str] = {}
        self.cols: list[int] = []

    def sql(self, query: str):
        return self.con.sql(query)

    def sql_exec(self, query: str) -> None:
        self.con.execute(query)

    def col(self, k: int) -> str:
        return f"raw.c{self.cols[k]}"

    def text(self, k: int) -> str:
        """Column ``k`` as text (a typed Parquet column cast to VARCHAR, whole floats without '.0')."""
        t, c = self.types.get(k, "VARCHAR"), self.col(k)
        if t.startswith(("FLOAT", "DOUBLE")):
            return (f"(CASE WHEN {c} = trunc({c}) AND abs({c}) < 1e15 THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
                    f"ELSE CAST({c} AS VARCHAR) END)")
        return c if t == "VARCHAR" else f"CAST({c} AS VARCHAR)"

    def shown(self, k: int) -> str:
        """Column ``k`` as the pandas path shows a cell of an excluded row."""
        return self.col(k) if self.is_text(k) else f"CAST({self.col(k)} AS VARCHAR)"

    def is_text(self, k: int) -> bool:
        return self.types.get(k, "VARCHAR") == "VARCHAR"

    def is_number(self, k: int) -> bool:
        return self.types.get(k, "VARCHAR").startswith(_NUMERIC)

    def is_time(self, k: int) -> bool:
        return self.types.get(k, "VARCHAR").startswith(("DATE", "TIMESTAMP"))

    def distinct(self, expr: str, where: str) -> list:
        return [r[0] for r in self.sql(f"SELECT DISTINCT {expr} AS v FROM raw WHERE {where}").fetchall()]

    def register(self, name: str, frame: "pd.DataFrame") -> str:
        self.con.register(name, frame)
        return name


def value_maps(frame: Frame, pos: dict[str, int], scale: dict[str, float]) -> dict[str, tuple[str, str]]:
    """For amount, date, quantity and customer: the distinct values SQL does not
    read, parsed in Python, registered as tables; returns name -> (table, raw expr)."""
    import pandas as pd

    maps: dict[str, tuple[str, str]] = {}
    if "amount" in pos and not frame.is_number(pos["amount"]):
        expr = frame.text(pos["amount"])
        values = pd.Series(frame.distinct(expr, f"{expr} IS NOT NULL AND cv_num({expr}) IS NULL"), dtype="str")
        parsed = parse_amounts(values) * scale.get("amount", 1.0)
        if len(values):
            maps["amount"] = (frame.register("m_amount", pd.DataFrame(
                {"raw": values, "v": parsed, "bad": amount_out_of_range(parsed, values)})), expr)
    if "date" in pos and not frame.is_time(pos["date"]):
        expr = frame.text(pos["date"])
        values = pd.Series(frame.distinct(expr, f"{expr} IS NOT NULL AND cv_iso({expr}) IS NULL"), dtype="str")
        if len(values):
            maps["date"] = (frame.register("m_date", pd.DataFrame(
                {"raw": values, "v": parse_dates(values), "tonly": time_only(values.astype(object)).astype(bool)})),
                expr)
    if "quantity" in pos and not frame.is_number(pos["quantity"]):
        expr = frame.text(pos["quantity"])
        values = pd.Series(frame.distinct(expr, f"{expr} IS NOT NULL AND cv_num({expr}) IS NULL"), dtype="str")
        if len(values):
            maps["quantity"] = (frame.register("m_quantity", pd.DataFrame(
                {"raw": values, "v": parse_quantities(values)})), expr)
    if "customer" in pos:            # names of letters, digits and CJK ideographs: clean already, key in SQL
        expr = frame.text(pos["customer"])
        values = pd.Series(frame.distinct(expr, f"{expr} IS NOT NULL AND NOT cv_simple({expr})"), dtype="str")
        clean = _clean_text(values, zero_width=False)
        keys = customer_keys(clean)
        if len(values):
            maps["customer"] = (frame.register("m_customer", pd.DataFrame({"raw": values, "clean": clean})), expr)
        odd = clean.notna() & ~clean.str.fullmatch(_SIMPLE).fillna(False)
        frame.con.register("m_keys_df", pd.DataFrame({"clean": clean[odd], "key": keys[odd]}).drop_duplicates())
        frame.con.execute("CREATE TABLE m_keys AS SELECT * FROM m_keys_df")
        frame.con.unregister("m_keys_df")
    return maps


def total_labels(frame: Frame, names: list[str]) -> str:
    """SQL for the labelled total kind of a row: the first text column (in file
    order) whose cell is a total label ('total' / 'subtotal'), else NULL."""
    parts = []
    skip = ("amount", "quantity", "price")
    for p, name in enumerate(names):
        if name in skip or not frame.is_text(p):
            continue
        values = frame.distinct(frame.col(p), f"regexp_matches({frame.col(p)}, '(?i)[计总汇計總彙匯]|total')")
        kinds = {v: R.total_label(v) for v in values}
        cases = [f"WHEN {frame.col(p)} IN ({', '.join(sql_string(v) for v, k in kinds.items() if k == kind)}) THEN '{kind}'"
                 for kind in ("total", "subtotal") if kind in kinds.values()]
        if cases:
            parts.append(f"CASE {' '.join(cases)} END")
    return f"coalesce({', '.join(parts)})" if len(parts) > 1 else (parts[0] if parts else "NULL")


def repeated_headers(frame: Frame, header: list[str], width: int) -> list[int]:
    """Row indexes ``i`` of lines that repeat the header (the pandas path's rule)."""
    import pandas as pd

    keys = [H.norm_header(h) for h in header]
    first = frame.text(0)
    values = pd.Series(frame.distinct(first, f"contains(lower({first}), {sql_string(keys[0][:1])})"), dtype="str")
    norm = values.str.normalize("NFKC").str.lower().str.replace(r"[\s_\-.:()\[\]{}【】*#/]", "", regex=True)
    hits = values[norm.eq(keys[0]).fillna(False)].tolist()
    if not hits:
        return []
    cols = ", ".join(frame.text(p) for p in range(width))
    rows = frame.sql(f"SELECT raw.i, {cols} FROM raw WHERE {first} IN ({', '.join(map(sql_string, hits))})").fetchall()
    found = []
    for i, *cells in rows:
        cells = [H.norm_header(v) for v in cells if v is not None]
        if sum(c in keys for c in cells) >= max(2, len(cells) // 2):
            found.append(i)
    return found


def unlabelled_totals(con) -> dict[int, str]:
    """Rows without a customer whose amount equals the detail lines above them
    (see :func:`cvwork.io.rows.unlabelled_totals`), found with window sums."""
    usable = "(code IS NULL OR code NOT IN ('blank', 'header')) AND label IS NULL AND amount IS NOT NULL"
    if not con.sql(f"SELECT count(*) FROM lines WHERE {usable} AND cmiss").fetchall()[0][0]:
        return {}
    rows = con.sql(f"""
        WITH u AS (SELECT i, label, amount, {usable} AND cmiss AS cand,
                          CASE WHEN {usable} AND NOT cmiss THEN 1 ELSE 0 END AS det FROM lines)
        SELECT i, label, amount, cand, coalesce(sum(det * amount) OVER w, 0), coalesce(sum(det) OVER w, 0)
        FROM u WINDOW w AS (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        QUALIFY cand OR label IS NOT NULL ORDER BY i""").fetchall()
    total_detail = con.sql(f"SELECT count(*) FROM lines WHERE {usable} AND NOT cmiss").fetchall()[0][0]
    out: dict[int, str] = {}
    sub = grand = (0.0, 0)                          # (cumulative sum, count) at the last boundary
    for i, label, amount, cand, cum, count in rows:
        kind = label
        if kind is None and cand:
            since_sub, since_grand = cum - sub[0], cum - grand[0]
            is_grand = count > grand[1] and abs(amount - since_grand) < 0.005
            if is_grand and count == total_detail:
                kind = "total"
            elif count > sub[1] and abs(amount - since_sub) < 0.005:
                kind = "subtotal"
            elif is_grand:
                kind = "total"
            if kind:
                out[i] = kind
        if kind == "subtotal":
            sub = (cum, count)
        elif kind == "total":
            sub = grand = (cum, count)
    return out


def stated_total(con, detail: float) -> float | None:
    """The file's own grand total (see :func:`cvwork.io.rows.stated_total`)."""
    totals = con.sql("SELECT i, famount FROM lines WHERE code = 'total' ORDER BY i").fetchall()
    if not totals:
        return None
    last = con.sql("SELECT max(i) FROM lines WHERE famount IS NOT NULL AND (code IS NULL OR code NOT IN "
                   "('total', 'subtotal'))").fetchall()[0][0]
    last = -1 if last is None else last
    trailing = [t for t in totals if t[0] > last] or totals
    values = [float(v) for _, v in trailing if v is not None]
    if not values:
        return None
    matching = [v for v in values if abs(v - detail) < 0.01]
    return matching[-1] if matching else values[-1]


def display_names(con) -> "tuple[bool, pd.DataFrame]":
    """(whether a ``display`` table (spelling -> display spelling) was made,
    merged spellings), as :func:`cvwork.io.clean.canonical_customers` chooses:
    the most common spelling of a key, ties by first appearance."""
    counts = con.sql("""
        WITH g AS (SELECT customer_raw AS raw, count(*) AS rows, min(i) AS first FROM lines
                   WHERE code IS NULL AND customer_raw IS NOT NULL GROUP BY 1),
             c AS (SELECT raw, coalesce(m_keys.key, cv_key(raw)) AS key, rows, first
                   FROM g LEFT JOIN m_keys ON m_keys.clean = g.raw)
        SELECT * FROM c WHERE key IN (SELECT key FROM c GROUP BY key HAVING count(*) > 1)""").df()
    counts = counts.sort_values(["rows", "first"], ascending=[False, True], kind="stable")
    display = counts.drop_duplicates("key").set_index("key")["raw"]
    merged = counts.groupby("key", sort=False).agg(spellings=("raw", lambda s: " / ".join(sorted(s))),
                                                   rows=("rows", "sum"))
    merged = merged.assign(customer=merged.index.map(display))[["customer", "spellings", "rows"]]
    change = counts.assign(display=counts["key"].map(display))
    change = change[change["raw"] != change["display"]]
    if len(change):
        con.register("m_display", change[["raw", "display"]])
        con.execute("CREATE TABLE display AS SELECT * FROM m_display")
        con.unregister("m_display")
    merged["rows"] = merged["rows"].astype("int64")
    return bool(len(change)), merged.reset_index(drop=True)

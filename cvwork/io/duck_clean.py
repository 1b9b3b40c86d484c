"""Put the SQL reading rules of :mod:`cvwork.io.duck_rules` together: raw
table -> column plan -> one ``lines`` table with every row's parsed values and
exclusion code -> the kept relation and its :class:`ReadAccount`."""
from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Sequence

from cvwork.io import duck_rules as D
from cvwork.io import headers as H
from cvwork.io.account import REASONS, ReadAccount
from cvwork.io.clean import ID_COLUMNS, TEXT_COLUMNS
from cvwork.io.readers import SALES_COLUMNS, _column_names, _missing

if TYPE_CHECKING:  # pragma: no cover
    from cvwork.io.duck import Layout


class BadUnicode(Exception):
    """DuckDB met bytes that are not UTF-8: transcode the file and read again."""


def clean(con, layout: "Layout", columns, required: Sequence[str]):
    """(kept relation, account) for one file; see :func:`cvwork.io.duck.read_sales_duckdb`."""
    for macro in D._MACROS:
        con.execute(macro)
    frame = _load(con, layout)
    header = [layout.header[p] for p in frame.cols]
    sample = frame.sql(f"SELECT {', '.join(frame.text(k) for k in range(len(header)))} FROM raw "
                       f"LIMIT {200 - sum(b <= layout.skip + 200 for b in layout.blanks)}").df()
    sample.columns = range(len(header))
    overrides = H.normalise_overrides("sales", columns, header, layout.source.name)
    plan = H.plan_columns("sales", header, sample, overrides)
    names = _column_names(header, plan.mapping)
    for need in required:
        if need not in names:
            raise _missing(SimpleNamespace(path=layout.source), SimpleNamespace(name=None), need, header)
    pos = {n: k for k, n in enumerate(names)}
    _lines(frame, layout, names, header, pos, plan.scale, required)
    found = D.unlabelled_totals(con)
    if found:
        import pandas as pd

        con.register("m_unlabelled", pd.DataFrame({"i": list(found), "kind": list(found.values())}))
        con.execute("UPDATE lines SET code = m_unlabelled.kind FROM m_unlabelled WHERE lines.i = m_unlabelled.i")
    return _result(frame, layout, names, header, pos, plan, required)


def _load(con, layout: "Layout") -> D.Frame:
    import duckdb

    frame = D.Frame(con, layout)
    path = D.sql_string(str(layout.path))
    if layout.fmt == "parquet":
        cols = ", ".join(f"{D._q(h)} AS c{k}" for k, h in enumerate(layout.header))
        con.execute(f"CREATE VIEW raw AS SELECT file_row_number + 1 AS i, {cols} "
                    f"FROM read_parquet({path}, file_row_number = true)")
        frame.cols = list(range(len(layout.header)))
        frame.types = dict(layout.types)
        return frame
    spec = ", ".join(f"'c{k}': 'VARCHAR'" for k in range(layout.width))
    try:
        con.execute(f"""CREATE TABLE raw AS SELECT row_number() OVER () AS i, * FROM read_csv({path},
            auto_detect = false, header = false, skip = {layout.skip}, delim = {D.sql_string(layout.delimiter)},
            quote = '"', escape = '"', columns = {{{spec}}}, null_padding = true, strict_mode = true,
            max_line_size = 16777216)""")
    except duckdb.Error as exc:
        from cvwork.io.duck import Unsuitable

        if "unicode" in str(exc).lower():
            raise BadUnicode(str(exc)) from None
        raise Unsuitable("DuckDB 的严格 CSV 解析与逐行读取不一致 (DuckDB's strict CSV parser refused a line: "
                         f"{str(exc).splitlines()[0][:120]})") from None
    rows = con.sql("SELECT count(*) FROM raw").fetchall()[0][0]
    if rows + len(layout.blanks) != layout.lines - layout.skip:
        from cvwork.io.duck import Unsuitable

        raise Unsuitable("记录数与物理行数不一致，可能有跨行的引号单元格 (records do not match physical lines: "
                         "a quoted cell spans lines)")
    unnamed = [k for k, h in enumerate(layout.header) if h.startswith("列")]
    empty = set()
    if unnamed:
        counts = con.sql(f"SELECT {', '.join(f'count(c{k})' for k in unnamed)} FROM raw").fetchall()[0]
        empty = {k for k, n in zip(unnamed, counts) if n == 0}
    frame.cols = [k for k in range(layout.width) if k not in empty]
    return frame


def _lines(frame: D.Frame, layout, names, header, pos, scale, required) -> None:
    """CREATE TABLE lines: row index, parsed values, flags and the exclusion code.
    Three layers: cells read once (fast SQL path and the Python maps), values, code."""
    maps = D.value_maps(frame, pos, scale)
    text = frame.text
    joins = [f"LEFT JOIN {table} ON {table}.raw = {expr}" for table, expr in maps.values()]
    mapped = {name: table for name, (table, _) in maps.items()}

    def m(name: str, column: str, default: str = "NULL") -> str:
        return f"{mapped[name]}.{column}" if name in mapped else default

    base, mid = ["raw.i AS i"], ["*"]
    empty = f"({' AND '.join(f'cv_empty({text(k)})' for k in range(len(names)))})"
    base.append(f"CASE WHEN cv_missing({text(pos['customer'])}) THEN {empty} ELSE false END AS blank"
                if "customer" in pos else f"{empty} AS blank")
    hdr = D.repeated_headers(frame, header, len(names))
    base.append(f"raw.i IN ({', '.join(map(str, hdr))}) AS hdr" if hdr else "false AS hdr")
    base.append(f"{D.total_labels(frame, names)} AS label0")
    base.append(f"cv_missing({text(pos['customer'])}) AS cmiss" if "customer" in pos else "false AS cmiss")
    keys = [c for c in required if c in pos and c not in ("customer", "amount")]
    base += [f"cv_missing({text(pos[c])}) AS {D._q('miss_' + c)}" for c in keys]
    if "amount" in pos:
        a, s = pos["amount"], scale.get("amount", 1.0)
        if frame.is_number(a):
            base.append(f"CAST({frame.col(a)} AS DOUBLE) * {s!r} AS anum")
            mid.append("anum IS NULL OR isnan(anum) OR isinf(anum) OR abs(anum) >= 1e15 AS arange")
            mid.append("CASE WHEN isnan(anum) THEN NULL ELSE anum END AS amount0")
        else:
            base += [f"cv_num({text(a)}) * {s!r} AS anum", f"{m('amount', 'v')} AS amap",
                     f"{m('amount', 'bad', 'false')} AS abad"]
            mid.append("CASE WHEN anum IS NOT NULL THEN abs(anum) >= 1e15 ELSE coalesce(abad, false) END AS arange")
            mid.append("coalesce(anum, CASE WHEN isnan(amap) THEN NULL ELSE amap END) AS amount0")
    else:
        mid += ["CAST(NULL AS DOUBLE) AS amount0", "false AS arange"]
    if "date" in pos:
        d = pos["date"]
        if frame.is_time(d):
            base += [f"CAST({frame.col(d)} AS TIMESTAMP) AS date", "false AS tonly0"]
        else:
            base += [f"coalesce(cv_iso({text(d)}), {m('date', 'v')}) AS date",
                     f"coalesce({m('date', 'tonly')}, false) AS tonly0"]
    if "quantity" in pos:
        q = pos["quantity"]
        base += [(f"CAST({frame.col(q)} AS DOUBLE)" if frame.is_number(q)
                  else f"coalesce(cv_num({text(q)}), {m('quantity', 'v')})") + " AS qnum",
                 f"cv_missing({text(q)}) AS qmiss"]
        mid.append("CASE WHEN isnan(qnum) THEN NULL ELSE qnum END AS quantity")
    if "customer" in pos:
        c = text(pos["customer"])
        base.append(f"CASE WHEN cv_simple({c}) THEN {c} ELSE {m('customer', 'clean')} END AS customer_raw")
    for k, name in enumerate(names):
        if name in TEXT_COLUMNS + ID_COLUMNS and name != "customer":
            base.append(f"cv_clean({text(k)}) AS {D._q(name)}")
    code = ["WHEN blank THEN 'blank'", "WHEN hdr THEN 'header'", "WHEN label0 IS NOT NULL THEN label0"]
    for c in required:
        if c == "customer" and "customer" in pos:
            code.append("WHEN cmiss THEN 'customer'")
        elif c in keys:
            code.append(f"WHEN {D._q('miss_' + c)} THEN 'key'")
    code += ["WHEN arange THEN 'amount_range'", "WHEN amount IS NULL THEN 'amount'"] if "amount" in pos else []
    code += ["WHEN tonly0 AND date IS NULL THEN 'time_only'", "WHEN date IS NULL THEN 'date'"] if "date" in pos else []
    code += ["WHEN quantity IS NULL AND NOT qmiss THEN 'quantity'"] if "quantity" in pos else []
    keep = ["i", "cmiss", "amount"] + [c for c in ("date", "quantity", "customer_raw") if c in pos or
                                        (c == "customer_raw" and "customer" in pos)]
    keep += [D._q(n) for n in names if n in TEXT_COLUMNS + ID_COLUMNS and n != "customer"]
    frame.sql_exec(f"""CREATE TABLE lines AS SELECT {', '.join(keep)},
            CASE WHEN blank OR hdr THEN NULL ELSE label0 END AS label,
            CASE WHEN NOT arange THEN amount END AS famount,
            CASE {' '.join(code)} END AS code
        FROM (SELECT *, CASE WHEN arange AND amount0 IS NULL THEN NULL ELSE amount0 END AS amount FROM (
              SELECT {', '.join(mid)} FROM (SELECT {', '.join(base)} FROM raw {' '.join(joins)})))""")
    for table, _ in maps.values():
        frame.con.unregister(table)


def _result(frame: D.Frame, layout, names, header, pos, plan, required):
    import pandas as pd

    con = frame.con
    kept_rows, kept_amount, detail = con.sql(
        "SELECT count(*) FILTER (WHERE code IS NULL), coalesce(sum(amount) FILTER (WHERE code IS NULL), 0), "
        "coalesce(sum(famount) FILTER (WHERE code IS NULL OR code NOT IN ('total', 'subtotal')), 0) FROM lines"
    ).fetchall()[0]
    has_amount = "amount" in pos
    stated = D.stated_total(con, detail) if has_amount else None
    excluded = _excluded(frame, layout, pos, required)
    rows_read = con.sql("SELECT count(*) FROM raw").fetchall()[0][0] + len(layout.blanks)
    merged, notes = None, list(layout.notes) + list(plan.notes)
    customer = "customer_raw"
    if "customer" in pos:
        changed, merged = D.display_names(con)
        if changed:
            customer = "coalesce(display.display, lines.customer_raw)"
        if len(merged):
            notes.append(f"{len(merged)} 位客户有多种写法，已合并 ({len(merged)} customers written in several ways "
                         "were merged; see merged_spellings)")
    out = [c for c in SALES_COLUMNS if c in pos] + [n for n in names if n in TEXT_COLUMNS + ID_COLUMNS
                                                   and n not in SALES_COLUMNS]
    cols = [(f"{customer} AS customer" if c == "customer" else f"lines.{D._q(c)}") for c in out]
    cols += ["lines.customer_raw"] if "customer" in pos else []
    join = "LEFT JOIN display ON display.raw = lines.customer_raw" if customer != "customer_raw" else ""
    relation = con.sql(f"SELECT {', '.join(cols)} FROM lines {join} WHERE lines.code IS NULL")
    if layout.fmt != "parquet":
        con.execute("DROP TABLE raw")
    account = ReadAccount(
        source=layout.source.name, rows_read=rows_read, rows_kept=kept_rows, excluded=excluded,
        detail_amount=float(detail), kept_amount=float(kept_amount),
        columns={header[p]: c for p, c in plan.mapping.items() if header[p] != c},
        header_row=layout.skip if layout.fmt != "parquet" else 1,
        title_rows=layout.skip - 1 if layout.fmt != "parquet" else 0, encoding=layout.encoding,
        delimiter=layout.delimiter, replaced_bytes=layout.replaced, notes=notes, stated_total=stated,
        merged_spellings=merged, has_amount=has_amount)
    return relation, account


def _excluded(frame: D.Frame, layout, pos, required):
    """The excluded rows (few), with their line numbers and the cell shown for each reason."""
    import numpy as np
    import pandas as pd

    shown = frame.shown
    first = shown(0)
    amount = shown(pos["amount"]) if "amount" in pos else "NULL"
    value = {"header": first, "total": f"coalesce({first}, {amount})", "subtotal": f"coalesce({first}, {amount})",
             "amount": amount, "amount_range": amount}
    if "customer" in pos:
        value["customer"] = shown(pos["customer"])
    if "date" in pos:
        value["date"] = value["time_only"] = shown(pos["date"])
    if "quantity" in pos:
        value["quantity"] = shown(pos["quantity"])
    keys = [c for c in required if c in pos and c not in ("customer", "amount")]
    if keys:
        value["key"] = "coalesce(" + ", ".join(f"CASE WHEN cv_missing({frame.text(pos[c])}) THEN {shown(pos[c])} END"
                                               for c in keys) + ")"
    cases = " ".join(f"WHEN {D.sql_string(c)} THEN {v}" for c, v in value.items())
    rows = frame.sql(f"SELECT lines.i, lines.code, lines.famount, coalesce(CASE lines.code {cases} END, '') "
                     "FROM lines JOIN raw ON raw.i = lines.i WHERE lines.code IS NOT NULL ORDER BY lines.i").df()
    rows.columns = ["i", "code", "amount", "value"]
    i = rows["i"].to_numpy(dtype="int64")
    if layout.fmt == "parquet":
        line = i + 1
    else:
        blanks = np.asarray(layout.blanks, dtype="int64")
        before = blanks - layout.skip - 1 - np.arange(len(blanks))        # data rows above each empty line
        line = layout.skip + i + np.searchsorted(before, i, side="left")
    out = pd.DataFrame({"sheet": None, "row": line, "code": rows["code"], "amount": rows["amount"],
                        "value": rows["value"]})
    blank = pd.DataFrame({"sheet": None, "row": np.asarray(layout.blanks, dtype="int64"), "code": "blank",
                          "amount": np.nan, "value": ""})
    out = pd.concat([out, blank], ignore_index=True) if len(blank) else out
    out = out.sort_values("row", kind="stable").reset_index(drop=True)
    out["row"] = out["row"].astype(int)
    out["reason"] = out["code"].map(REASONS)
    out["amount"] = out["amount"].astype("float64")
    return out[["sheet", "row", "code", "reason", "amount", "value"]]

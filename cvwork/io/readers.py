"""The readers: one pipeline for every kind of input (sales lines, leads,
opportunities, stage history, survey, customers).

file -> :mod:`sources` (raw cells per sheet) -> header row and columns
(:mod:`headers`) -> row rules (:mod:`rows`) and cell parsers
(:mod:`cvwork.parsing`) -> a frame with canonical columns and its
:class:`~cvwork.io.account.ReadAccount`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from cvwork.errors import InputError
from cvwork.io import headers as H
from cvwork.io.sources import SPREADSHEETS, Grid, Source, open_source

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SALES_COLUMNS = ("date", "customer", "product", "amount", "quantity", "order_id")


@dataclass(frozen=True)
class Spec:
    """What one kind of input needs: required columns, date columns (and
    whether a row without one is unusable), the money column."""

    kind: str
    required: tuple[str, ...]
    dates: dict[str, bool] = field(default_factory=dict)
    amount: str | None = None
    first: tuple[str, ...] = ()


SPECS = {
    "sales": Spec("sales", ("customer", "amount"), {"date": True}, "amount", SALES_COLUMNS),
    "opportunities": Spec("opportunities", ("stage",), {"created": False, "expected_close": False, "closed": False},
                          "amount", ("opportunity_id", "customer", "stage", "amount", "probability", "created",
                                     "expected_close", "closed", "outcome", "owner")),
    "stage_history": Spec("stage_history", ("opportunity_id", "stage", "entered"), {"entered": True}),
    "leads": Spec("leads", ("company",), {"created": False}),
    "survey": Spec("survey", ("score",), {"date": False}, None, ("respondent", "customer", "score", "date")),
    "customers": Spec("customers", ("customer",), {"first_purchase": False, "last_active": False}),
}


@dataclass
class _Part:
    """One sheet's result before sheets are combined."""

    kept: "pd.DataFrame"
    excluded: list[dict]
    detail: float
    stated: float | None
    rows_read: int
    header_row: int
    title_rows: int
    columns: dict[str, str]
    notes: list[str]


def read_kind(path: str | Path, kind: str, sheet: str | int | None = None,
              columns: Mapping[str, str] | None = None, encoding: str | None = None,
              header_row: int | None = None, required: Sequence[str] | None = None) -> "pd.DataFrame":
    """Read any supported file as ``kind`` (see :data:`SPECS`), with its account."""
    spec = SPECS[kind]
    if required is not None:
        spec = Spec(spec.kind, tuple(required), spec.dates, spec.amount, spec.first)
    source = open_source(path, sheet=sheet, encoding=encoding)
    try:
        parts, skipped = _read_grids(source, spec, columns, header_row, explicit=sheet is not None)
    except InputError as exc:
        if source.fmt == "text" and source.path.suffix.lower() in SPREADSHEETS:
            raise InputError(f"无法打开 Excel 文件 '{source.path.name}'：内容是文本而不是工作簿 (cannot open the Excel "
                             f"file '{source.path.name}': its content is text, not a workbook); {exc}") from None
        raise
    return _combine(source, spec, parts, skipped)


def clean_frame(raw: "pd.DataFrame", kind: str = "sales", columns: Mapping[str, str] | None = None,
                required: Sequence[str] | None = None, source: str = "<DataFrame>") -> "pd.DataFrame":
    """Apply the reading rules to a frame already in memory (headers as its columns)."""
    import numpy as np

    spec = SPECS[kind]
    if required is not None:
        spec = Spec(spec.kind, tuple(required), spec.dates, spec.amount, spec.first)
    header = [str(c) for c in raw.columns]
    cells = raw.copy()
    cells.columns = range(len(header))
    src = Source(Path(source), "frame", [Grid(None, cells.astype(object), np.arange(len(cells)) + 2, header=header)])
    parts, skipped = _read_grids(src, spec, columns, None, explicit=True)
    return _combine(src, spec, parts, skipped)


def _read_grids(source: Source, spec: Spec, columns, header_row, explicit: bool):
    parts: list[tuple[Grid, _Part]] = []
    skipped = dict(source.skipped)
    problems: list[tuple[Grid, InputError]] = []
    for grid in source.grids:
        try:
            parts.append((grid, _read_grid(source, grid, spec, columns, header_row)))
        except InputError as exc:
            problems.append((grid, exc))
    if not parts:
        if len(problems) == 1 or explicit:
            raise problems[0][1]
        listing = ", ".join(f"{g.name}" for g, _ in problems) + "".join(f", {n} ({w})" for n, w in skipped.items())
        raise InputError(f"'{source.path.name}' 中没有一张工作表像{_WHAT[spec.kind]} (no sheet in '{source.path.name}' "
                         f"has the columns {', '.join(spec.required)}); 文件中的工作表 (sheets): {listing}; "
                         "用 --sheet 指定工作表、--columns 指定列 (pick one with --sheet, map columns with --columns)")
    first = set(parts[0][1].kept.columns) & set(SPECS[spec.kind].first or spec.required)
    chosen = []
    for grid, part in parts:
        if set(part.kept.columns) & set(SPECS[spec.kind].first or spec.required) == first:
            chosen.append((grid, part))
        else:
            skipped[grid.name] = "表头与第一张明细表不同 (its header differs from the first data sheet)"
    for grid, exc in problems:
        skipped[grid.name] = f"不像{_WHAT[spec.kind]} (not {spec.kind} data)"
    return chosen, skipped


_WHAT = {"sales": "销售明细", "opportunities": "商机表", "stage_history": "阶段记录", "leads": "线索表",
         "survey": "调查表", "customers": "客户表"}


def _read_grid(source: Source, grid: Grid, spec: Spec, columns, header_row) -> _Part:
    header, data, lines, title_rows, header_line, positions = _split_header(source, grid, spec, header_row)
    overrides = H.normalise_overrides(spec.kind, columns, header, source.path.name)
    sample = data.head(200)
    plan = H.plan_columns(spec.kind, header, sample, overrides)
    names = _column_names(header, plan.mapping)
    frame = data.copy()
    frame.columns = names
    for need in spec.required:
        if need not in frame.columns:
            if need == "opportunity_id" and "opportunity" in frame.columns:
                continue
            raise _missing(source, grid, need, header)
    if spec.kind == "opportunities" and "opportunity_id" not in frame.columns:
        if "opportunity" not in frame.columns:
            raise _missing(source, grid, "opportunity_id", header)
        frame["opportunity_id"] = frame["opportunity"]
    frame.attrs["positions"] = positions
    kept, excluded, detail, stated, rows_read = _apply_rules(frame, lines, grid, spec, header, plan.scale)
    return _Part(kept, excluded, detail, stated, rows_read, header_line, title_rows,
                 {header[p]: c for p, c in plan.mapping.items() if header[p] != c}, grid.notes + plan.notes)


def _split_header(source: Source, grid: Grid, spec: Spec, header_row: int | None):
    if grid.header is not None:
        return grid.header, grid.cells, grid.lines, 0, 1, list(range(len(grid.header)))
    cells = grid.cells
    if header_row is not None:
        hits = [i for i, n in enumerate(grid.lines) if n == int(header_row)]
        if not hits:
            raise InputError(f"'{source.path.name}' 没有第 {header_row} 行 (no row {header_row}); 请检查 --header-row")
        at = hits[0]
    else:
        top = cells.head(30).to_numpy().tolist()
        at, _ = H.find_header(top, spec.kind)
    header = [(_text(v) or f"列{i + 1}") for i, v in enumerate(cells.iloc[at])] if len(cells) else []
    data = cells.iloc[at + 1:]
    keep = [i for i, h in enumerate(header) if not (h.startswith("列") and data[i].isna().all())]
    data = data[keep]
    header = [header[i] for i in keep]
    data.columns = range(len(header))
    header_line = int(grid.lines[at]) if len(grid.lines) else 1
    return header, data.reset_index(drop=True), grid.lines[at + 1:], at, header_line, keep


def _text(value) -> str:
    if value is None or value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _column_names(header: list[str], mapping: dict[int, str]) -> list[str]:
    """Canonical names where mapped; other headers kept, made unique ('客户 (2)')."""
    out: list[str] = []
    reserved = set(mapping.values())
    for pos, h in enumerate(header):
        name = mapping.get(pos)
        if name is None:
            name, k = h, 2
            while name in out or name in reserved:
                name, k = f"{h} ({k})", k + 1
        out.append(name)
    return out


def _missing(source: Source, grid: Grid, need: str, header: Sequence[str]) -> InputError:
    from cvwork.labels import label

    where = f"'{source.path.name}'" + (f" 的工作表 '{grid.name}'" if grid.name else "")
    found = ", ".join(map(str, header)) or "(无 none)"
    return InputError(f"{where} 缺少必需列 '{need}'（{label(need)}） (missing required column '{need}'); "
                      f"文件中的列 (columns in the file): {found}; 用 --columns {label(need)}=文件列名 指定 "
                      f"(map one with --columns {label(need)}=<file column>, or columns={{'<file column>': '{need}'}})")


from cvwork.io.clean import _apply_rules, _combine  # noqa: E402  (kept apart: the row rules)

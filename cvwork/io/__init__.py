"""The one reading layer: every input a lesson, the report or an analyst
reads goes through here.

Formats are told by content (xlsx, xlsm, xls, ods, csv/txt/tsv in any common
encoding and delimiter, Parquet); the header row is found; column names in
Chinese, English or a CRM's spelling are mapped to canonical names; title
rows, blank lines, repeated headers, totals and subtotals, hidden sheets and
merged cells are handled; every row read is kept or excluded with a reason,
and the :class:`ReadAccount` says so (see :func:`account_of`).

>>> from cvwork.io import read_sales, account_of               # doctest: +SKIP
>>> sales = read_sales("销售报表.xlsx")                         # doctest: +SKIP
>>> print(account_of(sales).describe())                         # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from cvwork.io.account import REASONS, ReadAccount
from cvwork.io.account import account_of as _frame_account
from cvwork.io.headers import ALIASES, plan_columns
from cvwork.io.readers import SALES_COLUMNS, SPECS, clean_frame, read_kind
from cvwork.io.sources import open_source
from cvwork.parsing import parse_amounts, parse_dates

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["read_sales", "read_leads", "read_opportunities", "read_stage_history", "read_survey", "read_customers",
           "account_of", "ReadAccount", "clean_sales", "canonical_columns", "parse_amounts", "parse_dates",
           "ALIASES", "REASONS", "SALES_COLUMNS", "SPECS", "open_source"]


def read_sales(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
               encoding: str | None = None, header_row: int | None = None,
               required: Sequence[str] = ("customer", "amount"), engine: str | None = None) -> "pd.DataFrame":
    """Read a sales report (one line per sale) into canonical columns.

    Parameters
    ----------
    path : .xlsx / .xlsm / .xls / .ods / .csv / .txt / .parquet, format told by content
    sheet : a sheet name or 0-based index; default every visible sheet with
        the sales header (one per month or region), combined with a ``sheet`` column
    columns : overrides of the alias table, either ``{"客户简称": "customer"}``
        (file header -> canonical) or ``{"客户": "客户简称"}`` (canonical or its
        Chinese label -> file header)
    encoding : force a text encoding instead of detecting it
    header_row : 1-based row of the header; default: found among the first 30 rows
    required : canonical columns that must be present
    engine : ``"pandas"`` (a DataFrame in memory), ``"duckdb"`` (a DuckDB
        relation: the file is scanned where it lies, see :mod:`cvwork.io.duck`),
        or None: DuckDB for CSV/TXT and Parquet files larger than
        :data:`cvwork.io.duck.DUCKDB_THRESHOLD` (200 MB), pandas otherwise.
        Both apply the same rules and give the same account.

    Returns
    -------
    DataFrame with ``date``, ``customer`` (one spelling per customer; the file's
    own in ``customer_raw``), ``product``, ``amount`` (价税合计), ``quantity``,
    ``order_id`` first, other columns kept; the :class:`ReadAccount` in
    ``.attrs["account"]``.  Through DuckDB: a relation with the canonical
    columns (and other mapped ones such as ``owner``, plus ``customer_raw``);
    ``account_of(relation)`` gives its account.

    Examples
    --------
    >>> sales = read_sales("data/sales_report.xlsx")        # doctest: +SKIP
    >>> account_of(sales).reconciles                         # doctest: +SKIP
    True
    """
    from cvwork.io.duck import read_sales_duckdb, wants_duckdb

    if wants_duckdb(path, engine):
        return read_sales_duckdb(path, columns=columns, encoding=encoding, header_row=header_row, required=required,
                                 sheet=sheet)
    return read_kind(path, "sales", sheet=sheet, columns=columns, encoding=encoding, header_row=header_row,
                     required=required)


def account_of(frame) -> ReadAccount:
    """Return the :class:`ReadAccount` a reader attached to ``frame`` (a pandas
    DataFrame, or the DuckDB relation ``read_sales(..., engine="duckdb")`` returned)."""
    from cvwork.io.duck import account_of_relation

    found = account_of_relation(frame) if type(frame).__module__.startswith(("duckdb", "_duckdb")) else None
    return found if found is not None else _frame_account(frame)


def read_opportunities(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
                       encoding: str | None = None, header_row: int | None = None) -> "pd.DataFrame":
    """Read an opportunity (商机) export: ``opportunity_id``, ``customer``, ``stage``,
    ``amount``, ``probability`` (0-1; ``30%`` and ``30`` read as 0.3), dates,
    ``outcome`` normalised to 赢单/输单/进行中 from any CRM's spelling."""
    return read_kind(path, "opportunities", sheet, columns, encoding, header_row)


def read_stage_history(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
                       encoding: str | None = None, header_row: int | None = None) -> "pd.DataFrame":
    """Read a stage history: one row per opportunity and stage entered (``entered`` date)."""
    return read_kind(path, "stage_history", sheet, columns, encoding, header_row)


def read_leads(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
               encoding: str | None = None, header_row: int | None = None) -> "pd.DataFrame":
    """Read a lead (线索) list: ``company``, ``contact``, ``phone`` (as text), ``email``, ..."""
    return read_kind(path, "leads", sheet, columns, encoding, header_row)


def read_survey(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
                encoding: str | None = None, header_row: int | None = None) -> "pd.DataFrame":
    """Read a satisfaction survey: ``score`` 0-10 (others excluded with a reason), ``customer``, ``date``, ..."""
    return read_kind(path, "survey", sheet, columns, encoding, header_row)


def read_customers(path: str | Path, sheet: str | int | None = None, columns: Mapping[str, str] | None = None,
                   encoding: str | None = None, header_row: int | None = None) -> "pd.DataFrame":
    """Read a customer master table (``customer``, ``owner``, ``channel``, ``first_purchase``, ...)."""
    return read_kind(path, "customers", sheet, columns, encoding, header_row)


def clean_sales(raw: "pd.DataFrame", columns: Mapping[str, str] | None = None,
                required: Sequence[str] = ("customer", "amount"), source: str = "<DataFrame>") -> "pd.DataFrame":
    """The reading rules applied to sales cells already in a frame (headers as its columns)."""
    return clean_frame(raw, "sales", columns=columns, required=required, source=source)


def canonical_columns(headers: Sequence[object], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map sales-file headers to canonical names; unknown (or second-choice) headers map to themselves.

    >>> canonical_columns(["单据日期", "客户名称", "价税合计", "金额", "备注"])
    {'单据日期': 'date', '客户名称': 'customer', '价税合计': 'amount', '金额': '金额', '备注': '备注'}
    """
    from cvwork.io.headers import normalise_overrides

    names = [str(h) for h in headers]
    plan = plan_columns("sales", names, None, normalise_overrides("sales", overrides, names))
    return {h: plan.mapping.get(i, h) for i, h in enumerate(names)}

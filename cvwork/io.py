"""Read sales files into canonical columns and account for every row.

``read_sales`` accepts CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected
automatically), XLSX and Parquet.  Headers are mapped to canonical names
(``date``, ``customer``, ``product``, ``amount``, ``quantity``, ``order_id``)
through one alias table; other columns are kept as they are.

Every row read is either kept or listed in the :class:`ReadAccount` with the
reason it was excluded and the amount it held, so that
``kept_amount + excluded_amount == file_amount``.
"""
from __future__ import annotations

import io as _stdio
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError
from cvwork.parsing import parse_amounts, parse_dates  # noqa: F401  (part of the io API)

SALES_COLUMNS = ("date", "customer", "product", "amount", "quantity", "order_id")

#: canonical name -> header spellings found in the wild (compared after
#: normalisation: NFKC, lower case, no spaces, underscores or brackets).
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "日期", "单据日期", "开票日期", "订单日期", "销售日期",
             "交易日期", "orderdate", "invoicedate"),
    "customer": ("customer", "客户", "客户名称", "客户名", "购买方", "购货单位",
                 "customername", "client"),
    "product": ("product", "产品", "产品名称", "货品名称", "货品", "商品名称",
                "商品", "productname", "item"),
    "amount": ("amount", "价税合计", "金额", "销售额", "销售金额", "含税金额",
               "revenue", "sales", "total"),
    "quantity": ("quantity", "数量", "销售数量", "qty"),
    "order_id": ("order_id", "单据编号", "订单号", "订单编号", "单号", "orderid",
                 "invoiceno", "invoice"),
    "region": ("region", "区域", "地区", "大区"),
    "owner": ("owner", "销售员", "业务员", "销售代表", "salesrep"),
}

REASONS = {
    "blank": "空行 (blank line)",
    "total": "合计行 (total row)",
    "customer": "缺少客户 (no customer)",
    "amount": "金额无法解析 (amount is not a number)",
    "date": "日期无法解析 (unparsable date)",
    "quantity": "数量无法解析 (quantity is not a number)",
}


@dataclass(eq=False)
class ReadAccount:
    """Where every row of a file went.

    Attributes
    ----------
    source : file name that was read
    rows_read : data rows in the file (header excluded)
    rows_kept : rows in the returned DataFrame
    excluded : DataFrame with ``row`` (spreadsheet row number, header = 1),
        ``reason``, ``amount`` (NaN when it could not be parsed) and the raw
        ``value`` that caused the exclusion
    file_amount, kept_amount, excluded_amount : sums of parsable amounts
    """

    source: str
    rows_read: int
    rows_kept: int
    excluded: "pd.DataFrame"
    file_amount: float
    kept_amount: float
    excluded_amount: float
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        """True when kept + excluded amounts equal the file total (to 0.01)."""
        return abs(self.kept_amount + self.excluded_amount - self.file_amount) < 0.01

    def summary(self) -> "pd.DataFrame":
        """One table a notebook can show: counts and amounts by outcome."""
        import pandas as pd

        rows = [("读取 (read)", self.rows_read, self.file_amount),
                ("保留 (kept)", self.rows_kept, self.kept_amount)]
        by_reason = self.excluded.groupby("reason", sort=True)["amount"]
        for reason, amounts in by_reason:
            rows.append((f"排除: {reason}", len(amounts), float(amounts.sum())))
        out = pd.DataFrame(rows, columns=["项目 (item)", "行数 (rows)", "金额 (amount)"])
        return out.set_index("项目 (item)")

    def __repr__(self) -> str:
        return (f"ReadAccount({self.source}: read {self.rows_read}, kept {self.rows_kept}, "
                f"excluded {len(self.excluded)}; amount {self.file_amount:,.2f} = "
                f"{self.kept_amount:,.2f} kept + {self.excluded_amount:,.2f} excluded)")


def account_of(frame: "pd.DataFrame") -> ReadAccount:
    """Return the :class:`ReadAccount` attached to a frame by a reader."""
    try:
        return frame.attrs["account"]
    except KeyError:
        raise InputError("这个表不是由 read_sales 读入的，没有行账 "
                         "(this frame was not made by read_sales and carries no account)") from None


def _norm_header(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    for ch in " _-()（）[]【】\t\n":
        text = text.replace(ch, "")
    return text


def canonical_columns(headers: Sequence[object],
                      overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map file headers to canonical names; unknown headers map to themselves.

    >>> canonical_columns(["单据日期", "客户名称", "价税合计", "备注"])
    {'单据日期': 'date', '客户名称': 'customer', '价税合计': 'amount', '备注': '备注'}
    """
    lookup = {_norm_header(a): canon for canon, names in ALIASES.items() for a in names}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    overrides = dict(overrides or {})
    for header in headers:
        key = str(header)
        canon = overrides.get(key) or lookup.get(_norm_header(header))
        if canon is None or canon in taken:
            canon = key
        mapping[key] = canon
        taken.add(canon)
    return mapping


def _decode_csv(raw: bytes, encoding: str | None) -> str:
    if encoding:
        return raw.decode(encoding)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码，请另存为 UTF-8 或 GBK "
                     "(cannot detect the file encoding; save it as UTF-8 or GBK)")


def read_table(path: str | Path, sheet: str | int | None = None,
               encoding: str | None = None) -> "pd.DataFrame":
    """Read a CSV, XLSX or Parquet file as raw cells, headers untouched."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 '{path}' (file not found: '{path}'); 请检查路径 (check the path)")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        text = _decode_csv(path.read_bytes(), encoding)
        return pd.read_csv(_stdio.StringIO(text), dtype=object, keep_default_na=False,
                           na_values=[""], skip_blank_lines=False)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise InputError(f"不支持的文件类型 '{suffix}' (unsupported file type '{suffix}'); "
                     "请使用 .csv、.xlsx 或 .parquet (use .csv, .xlsx or .parquet)")


def _read_xlsx(path: Path, sheet: str | int | None) -> "pd.DataFrame":
    import pandas as pd

    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ...
        raise InputError(f"无法打开 Excel 文件 '{path.name}' (cannot open the Excel file: {exc}); "
                         "请确认它是 .xlsx 格式 (check that it is a real .xlsx file)") from None
    with book:
        names = book.sheet_names
        sheet = 0 if sheet is None else sheet
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise InputError(f"工作表序号 {sheet} 不存在 (no sheet number {sheet}); "
                             f"文件中的工作表 (sheets in the file): {', '.join(names)}")
        if isinstance(sheet, str) and sheet not in names:
            raise InputError(f"找不到工作表 '{sheet}' (no sheet named '{sheet}'); "
                             f"文件中的工作表 (sheets in the file): {', '.join(names)}")
        return pd.read_excel(book, sheet_name=sheet, dtype=object)


def read_sales(path: str | Path, sheet: str | int | None = None,
               columns: Mapping[str, str] | None = None, encoding: str | None = None,
               required: Sequence[str] = ("customer", "amount")) -> "pd.DataFrame":
    """Read a sales report into canonical columns, accounting for every row.

    Parameters
    ----------
    path : a .csv (UTF-8 / UTF-8-BOM / GBK detected), .xlsx or .parquet file
    sheet : sheet name or 0-based index for XLSX (first sheet by default)
    columns : ``{file header: canonical name}`` overriding the alias table
    encoding : force a CSV encoding instead of detecting it
    required : canonical columns that must be present

    Returns
    -------
    DataFrame with canonical columns first, extra columns kept, and the
    :class:`ReadAccount` in ``.attrs["account"]`` (see :func:`account_of`).

    Examples
    --------
    >>> sales = read_sales("data/sales_report.xlsx")        # doctest: +SKIP
    >>> account_of(sales).summary()                          # doctest: +SKIP
    """
    raw = read_table(path, sheet=sheet, encoding=encoding)
    return clean_sales(raw, columns=columns, required=required, source=Path(path).name)


def _missing_column_error(missing: str, headers: Sequence[object]) -> InputError:
    found = ", ".join(str(h) for h in headers)
    return InputError(f"缺少必需列 '{missing}' (missing required column '{missing}'); "
                      f"文件中的列 (columns in the file): {found}; "
                      f"可用 columns={{'文件列名': '{missing}'}} 指定 (map one with columns=)")


def _total_rows(frame: "pd.DataFrame") -> "pd.Series":
    """Rows a spreadsheet adds at the bottom: no real customer, and '合计' /
    '总计' / 'Total' in a text cell."""
    import pandas as pd

    marks = {"合计", "总计", "小计", "total", "subtotal", "grandtotal"}
    hit = pd.Series(False, index=frame.index)
    if "customer" not in frame:
        return hit
    cust = frame["customer"]
    maybe = cust.isna() | cust.astype(str).str.len().le(4)
    sub = frame.loc[maybe, [c for c in frame.columns if c not in ("amount", "quantity")]]
    for name in sub.columns:
        col = sub[name].dropna().astype(str).map(_norm_header)
        hit[col.index[col.isin(marks)]] = True
    return hit


def clean_sales(raw: "pd.DataFrame", columns: Mapping[str, str] | None = None,
                required: Sequence[str] = ("customer", "amount"),
                source: str = "<DataFrame>") -> "pd.DataFrame":
    """Validate and normalise raw sales cells; see :func:`read_sales`."""
    import numpy as np
    import pandas as pd

    mapping = canonical_columns(list(raw.columns), columns)
    frame = raw.rename(columns=mapping)
    for name in required:
        if name not in frame.columns:
            raise _missing_column_error(name, list(raw.columns))
    frame = frame.reset_index(drop=True)
    row_no = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    blank = frame.apply(lambda col: col.isna() | (col.astype(str).str.strip() == "")).all(axis=1)

    amount = parse_amounts(frame["amount"]) if "amount" in frame else pd.Series(np.nan, index=frame.index)
    reason = pd.Series(None, index=frame.index, dtype=object)
    value = pd.Series(None, index=frame.index, dtype=object)

    def flag(mask: "pd.Series", key: str, raw_values: "pd.Series") -> None:
        mask = mask & reason.isna()
        reason[mask] = REASONS[key]
        value[mask] = raw_values[mask].map(lambda v: "" if v is None or v != v else str(v))

    flag(blank, "blank", pd.Series("", index=frame.index))
    flag(_total_rows(frame), "total", frame.iloc[:, 0] if len(frame.columns) else amount)
    if "customer" in frame:
        customer = frame["customer"].astype("string").str.strip()
        flag(customer.isna() | (customer == ""), "customer", frame["customer"])
        frame["customer"] = customer
    if "amount" in frame:
        flag(amount.isna(), "amount", frame["amount"])
        frame["amount"] = amount
    if "date" in frame:
        dates = parse_dates(frame["date"])
        flag(dates.isna(), "date", frame["date"])
        frame["date"] = dates
    if "quantity" in frame:
        qty = parse_amounts(frame["quantity"])
        flag(qty.isna() & frame["quantity"].notna(), "quantity", frame["quantity"])
        frame["quantity"] = qty
    for name in ("product", "order_id"):
        if name in frame:
            frame[name] = frame[name].astype("string").str.strip()

    bad = reason.notna()
    excluded = pd.DataFrame({"row": row_no[bad], "reason": reason[bad],
                             "amount": amount[bad], "value": value[bad]}).reset_index(drop=True)
    kept = frame.loc[~bad].reset_index(drop=True)
    order = [c for c in SALES_COLUMNS if c in kept.columns]
    kept = kept[order + [c for c in kept.columns if c not in order]]
    kept.attrs["account"] = ReadAccount(
        source=source, rows_read=len(frame), rows_kept=len(kept), excluded=excluded,
        file_amount=float(amount.sum()), kept_amount=float(kept["amount"].sum()) if "amount" in kept else 0.0,
        excluded_amount=float(excluded["amount"].sum()),
        columns={k: v for k, v in mapping.items() if k != v})
    return kept

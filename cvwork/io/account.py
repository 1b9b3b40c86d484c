"""The row account every reader returns: where each row of a file went."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: exclusion code -> reason shown to people
REASONS = {
    "blank": "空行 (blank line)",
    "header": "重复的表头行 (repeated header row)",
    "total": "合计行 (total row)",
    "subtotal": "小计行 (subtotal row)",
    "customer": "缺少客户 (no customer)",
    "key": "缺少必需值 (required value missing)",
    "amount": "金额无法解析 (amount is not a number)",
    "amount_range": "金额超出范围 (amount out of range: inf, nan or too large)",
    "formula": "公式没有保存计算结果 (formula without a stored value; open and save the file in Excel)",
    "date": "日期无法解析 (unparsable date)",
    "time_only": "只有时间没有日期 (a time without a date)",
    "quantity": "数量无法解析 (quantity is not a number)",
    "probability": "概率不在 0-100% 之间 (probability outside 0-100%)",
    "score": "评分不在 0-10 之间 (score outside 0-10)",
    "no_answer": "未作答 (no score given)",
    "malformed": "行格式错误 (malformed line: stray quote or too many fields)",
}
TOTAL_CODES = ("total", "subtotal")


@dataclass(eq=False)
class ReadAccount:
    """Where every row of a file went.

    ``rows_read`` counts every data row below the header (blank and total
    lines too); each row is either kept or listed in ``excluded`` with its
    ``sheet``, ``row`` (line or spreadsheet row number as Excel shows it),
    ``code``, ``reason``, ``amount`` and raw ``value``.  Amounts: ``detail_amount``
    is the sum over all rows that are not total/subtotal lines; it equals
    ``kept_amount + excluded_amount``, and the file's own grand total line
    (``stated_total``) when the file has one.
    """

    source: str
    rows_read: int
    rows_kept: int
    excluded: "pd.DataFrame"
    detail_amount: float
    kept_amount: float
    columns: dict[str, str] = field(default_factory=dict)
    sheets_read: list[str] = field(default_factory=list)
    sheets_skipped: dict[str, str] = field(default_factory=dict)
    header_row: int = 1
    title_rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    replaced_bytes: int = 0
    notes: list[str] = field(default_factory=list)
    stated_total: float | None = None
    merged_spellings: "pd.DataFrame | None" = None
    has_amount: bool = True

    @property
    def _detail_excluded(self) -> "pd.DataFrame":
        return self.excluded[~self.excluded["code"].isin(TOTAL_CODES)]

    @property
    def excluded_amount(self) -> float:
        """Parsable amounts of excluded rows that are not total/subtotal lines."""
        return float(self._detail_excluded["amount"].sum())

    @property
    def totals_amount(self) -> float:
        """Sum of the file's own total and subtotal lines (not counted anywhere)."""
        return float(self.excluded.loc[self.excluded["code"].isin(TOTAL_CODES), "amount"].sum())

    @property
    def file_amount(self) -> float:
        """The file's detail total (alias of ``detail_amount``)."""
        return self.detail_amount

    @property
    def difference(self) -> float | None:
        """Detail total minus the file's stated grand total, when it states one."""
        return None if self.stated_total is None else round(self.detail_amount - self.stated_total, 2)

    @property
    def reconciles(self) -> bool:
        """Rows: kept + excluded = read.  Amounts: kept + excluded detail = the
        detail total = the file's own grand total line (when present), to 0.01.
        A malformed line's amount is unknowable: it is listed, with no amount."""
        rows_ok = self.rows_kept + len(self.excluded) == self.rows_read
        amount_ok = abs(self.kept_amount + self.excluded_amount - self.detail_amount) < 0.01
        stated_ok = self.stated_total is None or abs(self.detail_amount - self.stated_total) < 0.01
        return rows_ok and amount_ok and stated_ok

    def summary(self) -> "pd.DataFrame":
        """One table for a notebook: rows and amounts by outcome."""
        import pandas as pd

        rows = [("读取 (read)", self.rows_read, self.detail_amount),
                ("保留 (kept)", self.rows_kept, self.kept_amount)]
        for code, part in self.excluded.groupby("code", sort=False):
            rows.append((f"排除: {REASONS.get(code, code)}", len(part), float(part["amount"].sum())))
        if self.stated_total is not None:
            rows.append(("文件自带合计行 (the file's own total line)", None, self.stated_total))
        out = pd.DataFrame(rows, columns=["项目 (item)", "行数 (rows)", "金额 (amount)"])
        return out.set_index("项目 (item)")

    def sentence(self) -> str:
        """The account in one sentence (Chinese), for a report's title block."""
        if not self.has_amount:
            return (f"读取 {self.rows_read:,} 行，保留 {self.rows_kept:,} 行，排除 {len(self.excluded):,} 行"
                    + ("；账目相符。" if self.reconciles else "；账目不符，请核对。"))
        text = (f"读取 {self.rows_read:,} 行，保留 {self.rows_kept:,} 行（金额 {self.kept_amount:,.2f}），"
                f"排除 {len(self.excluded):,} 行")
        if len(self._detail_excluded):
            text += f"（其中明细 {len(self._detail_excluded):,} 行，金额 {self.excluded_amount:,.2f}）"
        if self.stated_total is not None:
            text += f"；文件合计行 {self.stated_total:,.2f}"
            if self.difference:
                text += f"，与明细相差 {self.difference:,.2f}"
        return text + ("；账目相符。" if self.reconciles else "；账目不符，请核对。")

    def describe(self) -> str:
        """Several lines for the command line: the file, what was assumed, every exclusion reason."""
        lines = [f"文件 (file): {self.source}"]
        if self.sheets_read:
            lines.append(f"读取的工作表 (sheets read): {', '.join(self.sheets_read)}")
        for name, why in self.sheets_skipped.items():
            lines.append(f"跳过工作表 (sheet skipped) '{name}': {why}")
        if self.encoding:
            lines.append(f"编码 (encoding): {self.encoding}; 分隔符 (delimiter): {self.delimiter!r}")
        lines.append(f"表头在第 {self.header_row} 行，上方 {self.title_rows} 行标题 "
                     f"(header on row {self.header_row}, {self.title_rows} title rows above)")
        lines.append("列 (columns): " + ", ".join(f"{k} -> {v}" for k, v in self.columns.items()))
        lines.extend(f"说明 (note): {n}" for n in self.notes)
        lines.append(self.sentence())
        for code, part in self.excluded.groupby("code", sort=False):
            rows = ", ".join(map(str, part["row"].head(8))) + (" ..." if len(part) > 8 else "")
            lines.append(f"  排除 {len(part)} 行 {REASONS.get(code, code)}: 第 {rows} 行, 金额 {part['amount'].sum():,.2f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"ReadAccount({self.source}: read {self.rows_read}, kept {self.rows_kept}, "
                f"excluded {len(self.excluded)}; detail {self.detail_amount:,.2f} = "
                f"{self.kept_amount:,.2f} kept + {self.excluded_amount:,.2f} excluded"
                + (f"; stated total {self.stated_total:,.2f}" if self.stated_total is not None else "") + ")")


def account_of(frame: "pd.DataFrame") -> ReadAccount:
    """Return the :class:`ReadAccount` a reader attached to ``frame``."""
    try:
        return frame.attrs["account"]
    except KeyError:
        raise InputError("这个表不是由 cvwork.io 的读取函数读入的，没有行账 "
                         "(this frame was not made by a cvwork.io reader and carries no account)") from None

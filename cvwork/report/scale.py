"""The management report on a DuckDB relation (what :func:`cvwork.io.read_sales` returns for big files).

Every customer-value method of the report works on the day-level view (lines netted per customer
and calendar day, :func:`cvwork.rfm.purchase_days`).  So DuckDB nets the lines per customer, product
and day where the file lies, and only that comes home as a pandas frame of ``customer``, ``product``,
``date``, ``amount`` and an ``order_id`` that carries the day's purchase flag through the
cancellation rule (``C0`` on the rows of a day that is not a purchase).  Everything the report then
computes from it (RFM, ABC, buckets, value, lifecycle, new and churned customers) equals what the
lines give.  The two things that need lines (orders per period, each customer's latest owner)
are computed in DuckDB too.

>>> import duckdb, pandas as pd
>>> from math import nan
>>> lines = pd.DataFrame({"customer": ["a", "a", "a", "b"], "product": ["x", "y", "x", "x"],
...                       "date": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 10:00", "2025-01-02 00:00", "2025-01-02 00:00"]),
...                       "amount": [10.0, 5.0, 8.0, -3.0], "order_id": ["1", "1", "C2", "3"]})
>>> big = day_level(duckdb.from_df(lines))
>>> big.lines[["customer", "product", "amount", "order_id"]].values.tolist()
[['a', 'x', 10.0, nan], ['a', 'y', 5.0, nan], ['a', 'x', 8.0, 'C0'], ['b', 'x', -3.0, 'C0']]
>>> big.average(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-03"))   # 23 over orders 1 and C2 of a
11.5
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: the relation's name inside the report's queries (not a name the reader's own queries use)
VIEW = "cvwork_report_lines"


@dataclass
class DayLevel:
    """The day-level lines (pandas, with the relation's account) and the line-level facts."""
    lines: "pd.DataFrame"
    owners: "pd.Series | None"
    relation: Any

    def average(self, start: "pd.Timestamp", end: "pd.Timestamp", product: str | None = None) -> float:
        """:func:`cvwork.report.kpis.average_order` computed on the lines (of ``product``) in DuckDB."""
        key = "order_id" if "order_id" in self.relation.columns else "CAST(date AS VARCHAR)"
        only = "" if product is None else "AND product = '" + str(product).replace("'", "''") + "'"
        row = self.relation.query(VIEW, f"""
            SELECT sum(amount), count(DISTINCT customer || chr(0) || CAST({key} AS VARCHAR)) FROM {VIEW}
            WHERE amount > 0 AND date >= TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}'
              AND date < TIMESTAMP '{end:%Y-%m-%d %H:%M:%S}' {only}""").fetchall()[0]
        return float(row[0] / row[1]) if row[1] else float("nan")


def _days_sql(columns: list[str]) -> str:
    """Rows per customer, product and day; ``order_id`` ``C0`` unless that row alone is a purchase
    day (net > 0 with a line that is not a cancellation), plus a zero-amount row without product
    on a day that is a purchase day only across products: product and whole-company views both exact."""
    product = "product, " if "product" in columns else ""
    cancel = "amount < 0" + (r" OR regexp_matches(CAST(order_id AS VARCHAR), '^[Cc]\d')" if "order_id" in columns else "")
    return f"""
        WITH d AS (
            SELECT customer, {product}date_trunc('day', CAST(date AS TIMESTAMP)) AS date,
                   coalesce(sum(CAST(amount AS DOUBLE)), 0) AS amount,
                   max(CASE WHEN {cancel} THEN 0 ELSE 1 END) AS sale
            FROM {VIEW} GROUP BY ALL),
        p AS (
            SELECT *, amount > 0 AND sale > 0 AS ok, sum(amount) OVER w > 0 AND max(sale) OVER w > 0 AS day_ok,
                   bool_or(amount > 0 AND sale > 0) OVER w AS any_ok
            FROM d WINDOW w AS (PARTITION BY customer, date))
        SELECT customer, {product}date, amount, CASE WHEN ok THEN NULL ELSE 'C0' END AS order_id FROM p
        UNION ALL
        SELECT DISTINCT customer, {'NULL, ' if product else ''}date, 0.0, NULL FROM p WHERE day_ok AND NOT any_ok
        ORDER BY customer, date{', product NULLS LAST' if product else ''}"""


def day_level(relation: Any) -> DayLevel:
    """Net a DuckDB relation of sales lines per customer, product and day; bring that home."""
    import pandas as pd

    from cvwork.io import account_of

    columns = list(relation.columns)
    lines = relation.query(VIEW, _days_sql(columns)).df()
    lines["date"] = lines["date"].astype("datetime64[ns]")
    for column in ("customer", "product", "order_id"):
        if column in lines:
            lines[column] = lines[column].astype(pd.StringDtype(na_value=float("nan")))
    try:
        lines.attrs["account"] = account_of(relation)
    except Exception:  # noqa: BLE001 - a relation made elsewhere carries no account; the title says so
        lines.attrs.pop("account", None)
    owners = None
    if "owner" in columns:
        owners = relation.query(VIEW, "SELECT customer, arg_max(owner, date) FILTER (WHERE owner IS NOT NULL) AS owner "
                                         f"FROM {VIEW} GROUP BY customer").df().set_index("customer")["owner"]
    return DayLevel(lines, owners, relation)

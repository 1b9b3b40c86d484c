"""Sample data sets: ``load_sample(name)`` and the command that writes ``data/``.

Regenerate every file byte for byte with::

    python -m cvwork.datasets            # writes into ./data
    python -m cvwork.datasets OUT_DIR    # writes elsewhere (the test does this)
"""
from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from cvwork.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FILES = {"sales": "sales_report.xlsx", "leads": "leads.csv", "opportunities": "opportunities.csv",
         "opportunity_stages": "opportunity_stages.csv", "survey": "survey.csv",
         "customers": "customers.csv"}
DATES = {"leads": ["created"], "opportunities": ["created", "expected_close", "closed"],
         "opportunity_stages": ["entered"], "survey": ["date"],
         "customers": ["first_purchase", "last_active"]}
SALES_HEADERS = {"date": "日期", "order_id": "单据编号", "customer": "客户", "product": "货品名称",
                 "quantity": "数量", "amount": "价税合计", "region": "区域", "owner": "销售员"}
FROZEN = (2026, 1, 1, 0, 0, 0)


CDNOW = {"cdnow_sample": ("CDNOW_sample.txt", ["customer", "sample_id", "date", "cds", "amount"]),
         "cdnow_master": ("CDNOW_master.txt", ["customer", "date", "cds", "amount"])}


def load_cdnow(name: str = "cdnow_sample") -> "pd.DataFrame":
    """The CDNOW purchase logs (1997-01 to 1998-06): ``customer``, ``date``,
    ``cds``, ``amount`` (US dollars); the sample adds its 1..2357 ``sample_id``."""
    import pandas as pd

    file, cols = CDNOW[name]
    frame = pd.read_csv(DATA_DIR / file, sep=r"\s+", header=None, names=cols, dtype={"date": str, "customer": str},
                        skiprows=1 if name == "cdnow_master" else 0)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def load_sample(name: str = "sales") -> "pd.DataFrame":
    """Return a sample data set as a DataFrame with canonical columns.

    ``name`` is one of ``sales``, ``leads``, ``opportunities``,
    ``opportunity_stages``, ``survey``, ``customers``, or the real CDNOW logs
    ``cdnow_sample`` / ``cdnow_master`` (see :func:`load_cdnow`).  Sales go through
    :func:`cvwork.io.read_sales`, so the row account is attached.

    >>> load_sample("sales").columns[:4].tolist()     # doctest: +SKIP
    ['date', 'customer', 'product', 'amount']
    """
    import pandas as pd

    if name in CDNOW:
        return load_cdnow(name)
    if name not in FILES:
        raise InputError(f"没有名为 '{name}' 的样例数据 (no sample named '{name}'); "
                         f"可选 (choose one of): {', '.join([*FILES, *CDNOW])}")
    path = DATA_DIR / FILES[name]
    if name == "sales":
        from cvwork.io import read_sales
        return read_sales(path)
    return pd.read_csv(path, parse_dates=DATES.get(name, []), encoding="utf-8-sig",
                       dtype={"phone": "string"} if name == "leads" else None)


def sample_frames() -> dict[str, "pd.DataFrame"]:
    """Generate every sample table in memory (seeded; identical on every run)."""
    from cvwork import samplegen as g

    cust = g.customers()
    opp, stages = g.opportunities(cust)
    master = cust.drop(columns=["size"])
    master["size"] = cust["size"].round(4)
    return {"sales": g.sales_lines(cust), "leads": g.leads(cust), "opportunities": opp,
            "opportunity_stages": stages, "survey": g.survey(cust), "customers": master}


def write_samples(out_dir: str | Path = DATA_DIR) -> list[Path]:
    """Write every sample file into ``out_dir`` and return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sample_frames().items():
        path = out_dir / FILES[name]
        if name == "sales":
            _write_sales_xlsx(frame, path)
        else:
            frame.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d",
                         float_format="%.4f" if name == "customers" else None, lineterminator="\n")
        written.append(path)
    return written


def _write_sales_xlsx(lines: "pd.DataFrame", path: Path) -> None:
    """The R example's layout, plus the dirt a real export carries: a blank row,
    a row whose customer was left empty, and a 合计 row at the bottom."""
    import pandas as pd

    sheet = lines[list(SALES_HEADERS)].rename(columns=SALES_HEADERS)
    blank = pd.DataFrame([[None] * len(sheet.columns)], columns=sheet.columns)
    orphan = sheet.iloc[[len(sheet) // 3]].copy()
    orphan["客户"] = None
    mid = len(sheet) // 2
    sheet = pd.concat([sheet.iloc[:mid], blank, orphan, sheet.iloc[mid:]], ignore_index=True)
    total = pd.DataFrame([["合计", None, None, None, sheet["数量"].sum(),
                           round(sheet["价税合计"].sum(), 2), None, None]], columns=sheet.columns)
    sheet = pd.concat([sheet, total], ignore_index=True)
    sheet["日期"] = sheet["日期"].astype(object).where(sheet["日期"].notna(), None)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        sheet.to_excel(writer, sheet_name="销售明细", index=False)
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Make an xlsx byte-stable: fixed entry times and document dates."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    stamp = "2026-01-01T00:00:00Z"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", rf"\g<1>{stamp}", data.decode())
                data = text.encode()
            info = zipfile.ZipInfo(name, date_time=FROZEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


if __name__ == "__main__":  # pragma: no cover
    for p in write_samples(sys.argv[1] if len(sys.argv) > 1 else DATA_DIR):
        print(p)

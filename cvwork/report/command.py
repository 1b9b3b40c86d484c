"""``cvwork report INPUT`` without ``--lesson``: the management report, one folder per scope
(the whole company, ``--product X`` or every product with ``--all-products``), written in a
temporary folder beside the target and renamed into place (:mod:`cvwork.filenames`)."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from cvwork.errors import InputError
from cvwork.filenames import TMP_PREFIX, check_out, check_replaceable, make_dirs, publish, safe_filename, \
    shielded, write_marker

#: report folder name (then _产品)
NAME = "管理报告"


def _inputs(args: argparse.Namespace) -> dict:
    """Read every file given; the sales file with the user's reading options."""
    from cvwork import io
    from cvwork.cli import given_files, read_options

    if getattr(args, "param", None):
        raise InputError("--param 只用于 --lesson NN (--param is not a settable parameter of the management report; "
                         "use it with --lesson)")
    files = given_files(args)
    if "sales" not in files:
        raise InputError("没有给出销售报表 INPUT (no sales file given); 用法 (usage): cvwork report 销售报表.xlsx "
                         "[--opportunities 商机.csv] [--survey 调查.csv] [--quota 4000000]")
    if "stage_history" in files and "opportunities" not in files:
        raise InputError("--stage-history 需要和 --opportunities 一起给出 (--stage-history needs --opportunities)")
    readers = {"opportunities": io.read_opportunities, "stage_history": io.read_stage_history, "survey": io.read_survey}
    out = {"sales": io.read_sales(files["sales"], **read_options(args), **_engine(files["sales"]))}
    if not isinstance(out["sales"], pd.DataFrame):       # a big file, scanned by DuckDB: its day-level view
        from cvwork.report.scale import day_level

        out["sales"] = day_level(out["sales"])
    for kind, reader in readers.items():
        out[kind] = reader(files[kind]) if kind in files else None
    return out


#: a Parquet file with more lines than this is scanned by DuckDB (a small file on disk can hold many lines)
MANY_LINES = 2_000_000


def _engine(path: str) -> dict:
    """``engine="duckdb"`` for a Parquet file of many lines; otherwise the reader's own choice (by size)."""
    import pyarrow.parquet as pq

    try:
        lines = pq.ParquetFile(path).metadata.num_rows
    except Exception:  # noqa: BLE001 - not Parquet (or unreadable: the reader says why)
        return {}
    return {"engine": "duckdb"} if lines > MANY_LINES else {}


def _scopes(args: argparse.Namespace, sales) -> list:
    from cvwork.runreport import product_list, requested_products

    return requested_products(args, product_list(getattr(sales, "lines", sales))) or [None]


def run(args: argparse.Namespace) -> int:
    """Check everything, then write one report folder per scope."""
    from cvwork.report.build import management_report, write

    if args.quota is not None and not args.quota > 0:
        raise InputError(f"--quota 必须大于 0 (--quota must be > 0), 收到 (got) {args.quota}")
    if args.format not in ("html", "pdf"):
        raise InputError("管理报告的格式是 html 或 pdf (the management report is html or pdf); ipynb 只用于 --lesson")
    out_root = check_out(Path(args.out))
    data = _inputs(args)
    scopes = _scopes(args, data["sales"])
    names = {p: safe_filename(f"{NAME}_{p}" if p else NAME) for p in scopes}
    if args.overwrite:
        for name in names.values():
            check_replaceable(out_root / name)
    os.environ.setdefault("MPLBACKEND", "Agg")
    created = make_dirs(out_root)
    try:
        for product, name in names.items():
            report = management_report(data["sales"], product=product, as_of=args.as_of,
                                       opportunities=data["opportunities"], stage_history=data["stage_history"],
                                       survey=data["survey"], quota=args.quota)
            work = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out_root))
            try:
                mask = os.umask(0)
                os.umask(mask)
                work.chmod(0o777 & ~mask)
                write(report, work, name, pdf=args.format == "pdf")
                write_marker(work)
                folder = publish(work, out_root, name, args.overwrite)
            finally:
                with shielded():
                    if work.exists():
                        shutil.rmtree(work)
            files = ", ".join(sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")))
            print(f"已生成 (written) {folder}: {files}", file=sys.stdout)
    except BaseException:
        with shielded():
            for folder in reversed(created):
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()
        raise
    return 0

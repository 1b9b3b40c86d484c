"""``cvwork report``: run a lesson on the user's files into a new report folder, safely.

The command never deletes or overwrites a file it did not create in this run:
each report is built in a temporary folder beside the target (same file
system) and renamed into place at the end; an existing name gets ``_2``,
``_3`` ...; ``--overwrite`` replaces only a folder whose marker file shows that
cvwork wrote everything in it.  Ctrl-C and SIGTERM leave neither a partial
report nor the temporary folder.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from cvwork.cli import (INLINE, MANY_PRODUCTS, declared, given_files, lesson_path, match_inputs,
                        read_options)
from cvwork.errors import InputError
from cvwork.filenames import (TMP_PREFIX, check_out, check_replaceable, make_dirs, publish, safe_filename,
                              shielded, write_marker)

#: lessons about one product: on a file with several products the user says which (or --all-products)
PER_PRODUCT = {"08"}


def report(args: argparse.Namespace) -> int:
    """The ``report`` command: check everything, then run each report."""
    lesson = lesson_path(args.lesson)
    params = declared(lesson)
    files = given_files(args)
    inputs = match_inputs(lesson, params, files, args.sample)
    out_root = check_out(Path(args.out))
    read_from = files if not args.sample else _sample_files(lesson, params)
    sales = _read(args, read_from)
    args.sources = {n: str(Path(read_from["sales"]).resolve()) for n in ("input_path", "transactions_path")
                    if n in params and "sales" in read_from}
    targets = choose_products(lesson, params, args, sales)
    names = {p: _folder_name(lesson, p) for p in targets}
    if args.overwrite:
        for name in names.values():
            check_replaceable(out_root / name)
    _kernel_environment()
    scratch = Path(tempfile.mkdtemp(prefix="cvwork-input-"))
    created: list[Path] = []
    try:
        base = _base_parameters(params, args, inputs, sales, scratch)
        created = make_dirs(out_root)
        with quiet_terminal() as term:
            failures = run_batch(lesson, base, names, out_root, args, term)
    finally:
        with shielded():
            shutil.rmtree(scratch, ignore_errors=True)
            for folder in reversed(created):           # folders made for this run and left empty
                with contextlib.suppress(OSError):
                    folder.rmdir()
    for product, message in failures:
        print(f"失败 (failed) {product}: {message}", file=sys.stderr)
    return 1 if failures else 0


def run_batch(lesson: Path, base: dict, names: dict, out_root: Path, args: argparse.Namespace,
              term) -> list[tuple[str, str]]:
    """One report per product; a failing product is recorded and the batch goes on."""
    from tqdm import tqdm

    batch = len(names) > 1 or args.all_products
    bar = tqdm(total=len(names), file=term, desc="报告 (reports)", dynamic_ncols=True, disable=not batch)
    failures = []
    for product, name in names.items():
        if batch:
            bar.set_postfix_str(str(product)[:40], refresh=True)
        else:
            print(f"正在生成 (running) {lesson.stem} …", file=term, flush=True)
        try:
            folder = run_one(lesson, {**base, **({"product": product} if "product" in base else {})},
                             name, out_root, args)
        except (InputError, OSError) as exc:
            if not batch:
                raise
            failures.append((product, " ".join(str(exc).split())))
        else:
            files = ", ".join(sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")))
            (bar.write if batch else print)(f"已生成 (written) {folder}: {files}", file=sys.stdout)
        bar.update(1)
    bar.close()
    return failures


def run_one(lesson: Path, parameters: dict, name: str, out_root: Path, args: argparse.Namespace) -> Path:
    """Build one report in a temporary folder beside the target, then rename it into place."""
    from cvwork.export import export_html, tables_to_workbook
    from cvwork.report.handoff import restore_inputs

    work = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out_root))
    try:
        mask = os.umask(0)
        os.umask(mask)
        work.chmod(0o777 & ~mask)                 # an ordinary folder once published, not mkdtemp's 0700
        executed = work / f"{name}.ipynb"
        execute(lesson, executed, {**parameters, "output_dir": str(work)})
        restore_inputs(executed, getattr(args, "sources", {}))
        if args.format == "html":
            export_html(executed, work / f"{name}.html")
            executed.unlink()
        shown = {**parameters, **getattr(args, "sources", {})}       # the user's file names, not the hand-off copy
        tables_to_workbook(work, work / f"{name}.xlsx", first={"summary": summary_table(lesson, shown)})
        write_marker(work)
        return publish(work, out_root, name, args.overwrite)
    finally:
        with shielded():
            if work.exists():
                shutil.rmtree(work)


def summary_table(lesson: Path, parameters: dict) -> "object":
    """The workbook's first sheet (摘要): which lesson, on which files, with which choices."""
    import nbformat
    import pandas as pd

    from cvwork.cli import INPUT_PARAMS, KINDS

    title = nbformat.read(lesson, as_version=4).cells[0].source.splitlines()[0].lstrip("# ").strip()
    rows = [("报告 (report)", title)]
    for key, value in parameters.items():
        if key in INPUT_PARAMS:
            rows.append((KINDS[INPUT_PARAMS[key]][1], Path(value).name if value else "未提供 (not given)"))
        elif key == "product":
            rows.append(("产品 (product)", "全部产品 (all)" if value is None else str(value)))
        elif key != "output_dir" and value is not None:
            rows.append((key, str(value)))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def execute(lesson: Path, executed: Path, parameters: dict) -> None:
    """Run the lesson with papermill (or the engine named by ``CVWORK_REPORT_ENGINE``)."""
    hook = os.environ.get("CVWORK_REPORT_ENGINE")
    if hook:
        import importlib

        module, _, function = hook.partition(":")
        engine: Callable = getattr(importlib.import_module(module), function)
        engine(lesson, executed, parameters, lesson.parent)
        return
    import nbformat
    import papermill as pm

    from cvwork.nbtools import retry_kernel_start
    from cvwork.report.handoff import inject, is_prepared

    prepared = next((value for value in parameters.values() if is_prepared(value)), None)
    notebook = inject(nbformat.read(lesson, as_version=4), prepared)
    try:
        retry_kernel_start(lambda: pm.execute_notebook(
            copy.deepcopy(notebook), str(executed), parameters=parameters, cwd=str(lesson.parent),
            kernel_name="python3", progress_bar=False, log_output=False))
    except pm.PapermillExecutionError as exc:
        if exc.ename in ("InputError", "KeyboardInterrupt"):
            raise InputError(exc.evalue) from None
        raise InputError(f"第 {lesson.stem[:2]} 课运行出错 (lesson {lesson.stem} failed): "
                         f"{exc.ename}: {exc.evalue}") from None


def _read(args: argparse.Namespace, files: dict) -> "object | None":
    """Read the sales file once with the user's options (fails fast, lists products)."""
    if "sales" not in files:
        if args.sheet or args.columns or args.header_row:
            raise InputError("--sheet/--columns/--header-row 只用于销售报表 INPUT "
                             "(these options apply to the sales file INPUT)")
        return None
    import pandas as pd

    from cvwork.io import read_sales

    if sys.stderr.isatty():                       # something on screen at once, even for a big file
        print(f"正在读取 (reading) {Path(files['sales']).name} …", file=sys.stderr, flush=True)
    sales = read_sales(files["sales"], **read_options(args))
    if not isinstance(sales, pd.DataFrame):          # a big file scanned by DuckDB: the lessons compute in pandas
        from cvwork.io import account_of

        account, sales = account_of(sales), sales.df()
        sales.attrs["account"] = account
    return sales


def _sample_files(lesson: Path, params: dict) -> dict:
    """With ``--sample``: the lesson's own default sales file (to list its products)."""
    import ast

    if "input_path" not in params:
        return {}
    return {"sales": str(lesson.parent / ast.literal_eval(params["input_path"]["default"]))}


def product_list(sales) -> list:
    """The file's products, sorted; empty without a product column (or without a file)."""
    return sorted(map(str, sales["product"].dropna().unique())) if sales is not None and "product" in sales else []


def requested_products(args: argparse.Namespace, products: list) -> list | None:
    """The products ``--product`` / ``--all-products`` ask for, checked against the
    file's; None when neither option was given."""
    if args.product and args.all_products:
        raise InputError("--product 和 --all-products 只能选一个 (use either --product or --all-products)")
    if (args.product or args.all_products) and not products:
        raise InputError("文件里没有产品列，无法按产品出报告 (no product column: cannot use --product/--all-products)")
    if args.product:
        if args.product not in products:
            raise InputError(f"找不到产品 '{args.product}' (product '{args.product}' not found); "
                             f"文件中的产品 (products): {_few(products)}")
        return [args.product]
    return _capped(products, args) if args.all_products else None


def choose_products(lesson: Path, params: dict, args: argparse.Namespace, sales) -> list:
    """The products to report on: [None] means the lesson's whole file."""
    products = product_list(sales)
    number = lesson.stem[:2]
    if (args.product or args.all_products) and "product" not in params and not (args.product and args.all_products):
        raise InputError(f"第 {number} 课不按产品分析，去掉 --product/--all-products (lesson {number} has no product)")
    chosen = requested_products(args, products)
    if chosen is not None:
        return chosen
    if "product" in params and len(products) > 1 \
            and (number in PER_PRODUCT or not params["product"]["inferred_type_name"].startswith("Optional")):
        raise InputError(f"文件里有 {len(products)} 个产品 ({_few(products)}); 第 {number} 课一次分析一个产品: "
                         f"用 --product 名称 选一个，或 --all-products 每个产品一份报告 "
                         f"(the file has {len(products)} products: choose one with --product or use --all-products)")
    return [None]


def _capped(products: list, args: argparse.Namespace) -> list:
    if args.max_products is not None:
        if args.max_products < 1:
            raise InputError("--max-products 至少为 1 (--max-products must be at least 1)")
        return products[:args.max_products]
    if len(products) > MANY_PRODUCTS and not args.yes:
        raise InputError(f"文件里有 {len(products)} 个产品，超过 {MANY_PRODUCTS} 个 (more than {MANY_PRODUCTS} products); "
                         f"用 --max-products N 只做前 N 个，或 --yes 全部生成 (use --max-products N or --yes)")
    return products


def _few(products: list, n: int = 5) -> str:
    return ", ".join(products[:n]) + (f" … 共 {len(products)} 个 (of {len(products)})" if len(products) > n else "")


def _base_parameters(params: dict, args: argparse.Namespace, inputs: dict, sales, scratch: Path) -> dict:
    """Parameters every report of this run shares (the product is set per report).

    The sales file the command has read is handed to the lesson as read (lines
    and account, :mod:`cvwork.report.handoff`), so it is read once per run and
    the reading options already apply; other reading options go to the lesson.
    """
    from cvwork.cli import extra_parameters

    base = {**extra_parameters(args.param, params), **inputs}
    name = next((n for n in ("input_path", "transactions_path") if inputs.get(n)), None)
    if args.sample and "input_path" in params:
        name = "input_path"
    if sales is not None and name is not None:       # (without a sales file no reading option is accepted)
        from cvwork.report.handoff import write_prepared

        base[name] = str(write_prepared(sales, scratch))
        base.update({key: None for key in ("sheet", "columns", "header_row") if key in params})
    if args.as_of is not None and "as_of" in params:
        base["as_of"] = args.as_of
    if "product" in params:
        base["product"] = None
    return base


def _folder_name(lesson: Path, product: str | None) -> str:
    return safe_filename(f"{lesson.stem}_{product}" if product is not None else lesson.stem)


def _kernel_environment() -> None:
    """The kernel draws inline whatever MPLBACKEND says, runs headless and keeps warnings out of the report."""
    os.environ["MPLBACKEND"] = INLINE
    os.environ["CVWORK_HEADLESS"] = "1"
    os.environ["PYTHONWARNINGS"] = "ignore"


@contextlib.contextmanager
def quiet_terminal() -> Iterator:
    """Children (the kernel) write their stderr to /dev/null; ``yield`` a stream to the real terminal."""
    sys.stderr.flush()
    saved = os.dup(2)
    term = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    previous, sys.stderr = sys.stderr, term
    try:
        yield term
    finally:
        sys.stderr = previous
        term.flush()
        os.dup2(saved, 2)
        os.close(saved)
        term.close()

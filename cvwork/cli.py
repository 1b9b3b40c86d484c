"""The ``cvwork`` command: run a lesson as a report, check an input file, list lessons.

    cvwork report 销售报表.xlsx --product XX产品 --out 报告/
    cvwork report 销售报表.xlsx --all-products --yes
    cvwork report --lesson 09 --opportunities 商机.csv --stage-history 阶段.csv
    cvwork report --lesson 12 --sample            # the bundled sample data, on purpose
    cvwork check 销售报表.xlsx --columns 客户=客户简称,金额=含税金额
    cvwork lessons

Inputs: INPUT is a sales report; the other files have their own options.  A
lesson gets every file the user gave and nothing else: an input it needs that
was not given is refused (never replaced by the bundled sample), an optional one
is left out (the lesson skips that section).  ``--sample`` runs on the bundled
sample data and cannot be mixed with files.

Test hook: ``CVWORK_REPORT_ENGINE=module:function`` replaces the notebook
execution by ``function(lesson, executed_path, parameters, cwd)`` (the batch
tests use it to run sixty products without sixty kernels).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from cvwork.errors import InputError

CAPSTONE = "12"
MANY_PRODUCTS = 50
INLINE = "module://matplotlib_inline.backend_inline"

#: lesson parameter -> kind of input file
INPUT_PARAMS = {"input_path": "sales", "transactions_path": "sales", "leads_path": "leads",
                "opportunities_path": "opportunities", "stages_path": "stage_history",
                "survey_path": "survey", "customers_path": "customers"}
#: kind -> (command-line option, Chinese name)
KINDS = {"sales": ("INPUT", "销售报表"), "leads": ("--leads", "线索表"),
         "opportunities": ("--opportunities", "商机表"), "stage_history": ("--stage-history", "商机阶段记录"),
         "survey": ("--survey", "满意度调查"), "customers": ("--customers", "客户主数据")}
#: optional parameters whose None means "the bundled sample", so the command treats them as required
SAMPLE_WHEN_NONE = {"transactions_path"}


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake on one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"错误 (error): {message}; 用 {self.prog} -h 查看用法 (see {self.prog} -h)", file=sys.stderr)
        sys.exit(2)


def lesson_path(number: str) -> Path:
    from cvwork.nbtools import lesson_paths

    found = [p for p in lesson_paths() if p.name.startswith(f"{int(number):02d}_")] if number.isdigit() else []
    if not found:
        names = ", ".join(p.stem for p in lesson_paths())
        raise InputError(f"没有第 {number} 课 (no lesson {number}); 可选 (lessons): {names}")
    return found[0]


def declared(lesson: Path) -> dict:
    import papermill as pm

    return pm.inspect_notebook(str(lesson))


def lesson_inputs(params: dict) -> dict[str, tuple[str, bool]]:
    """Input parameters of a lesson: parameter -> (kind, required)."""
    out = {}
    for name, kind in INPUT_PARAMS.items():
        if name in params:
            optional = params[name]["inferred_type_name"].startswith("Optional") and name not in SAMPLE_WHEN_NONE
            out[name] = (kind, not optional)
    return out


def given_files(args: argparse.Namespace) -> dict[str, str]:
    """kind -> path for every file on the command line (checked to exist)."""
    files = {"sales": args.input, "leads": args.leads, "opportunities": args.opportunities,
             "stage_history": args.stage_history, "survey": args.survey, "customers": args.customers}
    files = {k: v for k, v in files.items() if v}
    for path in files.values():
        if not Path(path).is_file():
            what = "是一个文件夹 (is a folder)" if Path(path).is_dir() else "找不到 (file not found)"
            raise InputError(f"输入文件 '{path}' {what}; 请检查路径 (check the path)")
    return files


def match_inputs(lesson: Path, params: dict, files: dict[str, str], sample: bool) -> dict[str, str | None]:
    """Parameter -> path for this lesson, or a one-line refusal naming what it needs."""
    inputs = lesson_inputs(params)
    if sample:
        if files:
            raise InputError("--sample 不能和数据文件一起用 (--sample cannot be combined with input files)")
        return {}
    needs = " ".join(f"{KINDS[k][0]} {KINDS[k][1]}" for k, req in inputs.values() if req)
    if not files:
        raise InputError(f"没有给出数据文件 (no input file given); 第 {lesson.stem[:2]} 课需要 (lesson needs): {needs}; "
                         f"只想看示例数据时用 --sample (use --sample for the bundled sample)")
    kinds = {k for k, _ in inputs.values()}
    for kind in files:
        if kind not in kinds:
            raise InputError(f"第 {lesson.stem[:2]} 课不使用{KINDS[kind][1]} {KINDS[kind][0]} "
                             f"(lesson {lesson.stem} does not take a {kind} file); 它需要 (it needs): {needs}")
    chosen: dict[str, str | None] = {}
    for name, (kind, required) in inputs.items():
        if kind in files:
            chosen[name] = str(Path(files[kind]).resolve())
        elif required:
            raise InputError(f"第 {lesson.stem[:2]} 课还需要{KINDS[kind][1]}，请用 {KINDS[kind][0]} 给出 "
                             f"(lesson {lesson.stem} also needs {KINDS[kind][0]} FILE; it never uses the sample "
                             f"when you gave a file)")
        else:
            chosen[name] = None          # an optional input not given: the lesson skips it
    return chosen


def parse_columns(text: str | None) -> dict[str, str] | None:
    """``客户=客户简称,金额=含税金额`` -> ``{"客户简称": "customer", "含税金额": "amount"}``.

    The left side is a canonical name or its Chinese label, the right side the
    header in the file; the result uses the file-header -> canonical direction.
    """
    from cvwork.labels import LABELS

    if not text:
        return None
    by_label = {lab: name for name, (lab, _) in LABELS.items()}
    out = {}
    for pair in text.replace("，", ",").split(","):
        key, sep, header = (s.strip() for s in pair.partition("="))
        canonical = key if key in LABELS else by_label.get(key)
        if not sep or not header or canonical is None:
            raise InputError(f"--columns 无法理解 '{pair}' (cannot parse '{pair}'); 写法 (form): "
                             f"客户=文件列名,金额=文件列名; 左边可用 (left side): 客户 金额 日期 产品 ...")
        out[header] = canonical
    return out


def read_options(args: argparse.Namespace) -> dict:
    """Keyword arguments for ``read_sales`` from the command line (feature-detected)."""
    import inspect

    from cvwork.io import read_sales

    accepted = inspect.signature(read_sales).parameters
    options = {"sheet": _sheet(args.sheet), "columns": parse_columns(args.columns),
               "header_row": args.header_row}
    for key, value in options.items():
        if value is not None and key not in accepted:
            raise InputError(f"这个版本的 read_sales 还不支持 --{key.replace('_', '-')} "
                             f"(read_sales does not support --{key.replace('_', '-')} yet)")
    return {k: v for k, v in options.items() if v is not None}


def extra_parameters(pairs: list[str], params: dict) -> dict:
    """``--param name=value`` for a declared, non-file parameter; the value is JSON when it parses."""
    import json

    out = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in params or name in INPUT_PARAMS or name == "output_dir":
            allowed = ", ".join(n for n in params if n not in INPUT_PARAMS and n != "output_dir")
            raise InputError(f"--param '{pair}' 不是这一课可设置的参数 (not a settable parameter of this lesson); "
                             f"可设置 (settable): {allowed}")
        try:
            out[name] = json.loads(text)
        except ValueError:
            out[name] = text
    return out


def _sheet(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def check(args: argparse.Namespace) -> int:
    """Read one file as the report would and describe what was read; exit 1
    when its rows or amounts do not reconcile (for scripts that check files first)."""
    from cvwork.io import account_of, read_sales

    given_files(args)
    sales = read_sales(args.input, **read_options(args))
    account = account_of(sales)
    print(account.describe())
    products = _products(sales)
    print(f"产品 (products): {len(products)}" + (f" — {', '.join(products[:10])}" if products else ""))
    return 0 if account.reconciles else 1


def _products(sales) -> list[str]:
    """The distinct products of the lines read, on whatever engine read them (a DuckDB relation for big files)."""
    import narwhals as nw

    from cvwork.frames import columns_of, nw_frame, to_pandas

    if "product" not in columns_of(sales):
        return []
    names = nw_frame(sales).select(nw.col("product")).drop_nulls().unique().to_native()
    return sorted(map(str, to_pandas(names)["product"]))


def lessons(_: argparse.Namespace) -> int:
    from cvwork.nbtools import lesson_paths

    for path in lesson_paths():
        params = declared(path)
        needs = ", ".join(f"{KINDS[k][0]}{'' if req else ' (可选 optional)'}"
                          for k, req in lesson_inputs(params).values())
        print(f"{path.stem}    输入 (inputs): {needs}")
        for name, p in params.items():
            print(f"    {name}: {p['inferred_type_name']} = {p['default']}    # {p['help']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="cvwork", description="客户价值评估工作簿：把课程当作报表运行 (run lessons as reports)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    rep = sub.add_parser("report", help="运行一课并导出报告 (run a lesson and export a report)",
                         description="INPUT 是销售报表，其他文件用各自的选项。课程需要而没有给出的文件会被拒绝，"
                                     "不会换成示例数据；可选的文件没给就跳过那一节；--sample 只用示例数据。"
                                     "每份报告写到新的文件夹，不删除、不覆盖已有的文件。")
    rep.add_argument("input", nargs="?", help="销售报表 (sales report): .xlsx .xls .ods .csv .parquet")
    _reading_options(rep)
    rep.add_argument("--lesson", help="课号；不给时生成管理报告 (lesson number; without it: the management report)")
    rep.add_argument("--quota", type=float, help="本季度销售指标（元），管理报告用 (quarter quota for the management report)")
    rep.add_argument("--product", help="只分析这个产品 (one product)")
    rep.add_argument("--all-products", action="store_true", help="每个产品一份报告 (one report per product)")
    rep.add_argument("--max-products", type=int, help="最多生成多少个产品的报告 (at most N product reports)")
    rep.add_argument("--yes", action="store_true", help=f"超过 {MANY_PRODUCTS} 个产品也全部生成 (no limit)")
    rep.add_argument("--as-of", help="分析日期 YYYY-MM-DD (analysis date)")
    for option, (_, name) in list(KINDS.items())[1:]:
        rep.add_argument(f"--{option.replace('_', '-')}", help=f"{name} (file)")
    rep.add_argument("--param", "-p", action="append", default=[], metavar="名称=值",
                     help="其他课程参数，值可写成 JSON (another lesson parameter, value as JSON or text)")
    rep.add_argument("--sample", action="store_true", help="用自带的示例数据 (run on the bundled sample data)")
    rep.add_argument("--out", default="output", help="输出文件夹 (output folder), 默认 output")
    rep.add_argument("--overwrite", action="store_true",
                     help="替换 cvwork 以前写的同名报告文件夹 (replace a report folder cvwork wrote before)")
    rep.add_argument("--format", choices=["html", "ipynb", "pdf"], default="html",
                     help="报告格式；pdf 只用于管理报告 (report format; pdf: management report only)")
    rep.set_defaults(func=_report)
    chk = sub.add_parser("check", help="检查输入文件，说明读到了什么 (check an input file)")
    chk.add_argument("input", help="销售报表 (sales report)")
    _reading_options(chk)
    chk.set_defaults(func=check, leads=None, opportunities=None, stage_history=None, survey=None, customers=None)
    les = sub.add_parser("lessons", help="列出各课的输入和参数 (list lessons, their inputs and parameters)")
    les.set_defaults(func=lessons)
    return parser


def _reading_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--sheet", help="工作表名或序号 (sheet name or 0-based number)")
    sub.add_argument("--columns", help="列名对应 (column mapping), 如 客户=客户简称,金额=含税金额")
    sub.add_argument("--header-row", type=int, help="表头所在行号，从 1 开始 (1-based header row)")


def _report(args: argparse.Namespace) -> int:
    if args.lesson is None and not args.sample and args.format != "ipynb":   # the management report (issue 16)
        from cvwork.report.command import run

        return run(args)
    args.lesson = args.lesson or CAPSTONE
    if args.format == "pdf":
        raise InputError("--format pdf 只用于管理报告，去掉 --lesson (--format pdf is for the management report)")
    from cvwork.runreport import report

    return report(args)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command; every failure is one line on stderr and a non-zero exit, never a traceback."""
    _quiet_libraries()
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"错误 (error): {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断，没有留下未完成的报告 (interrupted; no partial report left)", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" '{exc.filename}'" if exc.filename else ""
        print(f"错误 (error): 文件操作失败{where} (file system error{where}): {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the command never shows a traceback
        print(f"内部错误 (internal error): {type(exc).__name__}: {_one_line(exc)}; "
              f"请把这一行报告给维护者 (please report this line)", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quiet_libraries() -> None:
    """No library warning or log line reaches the user's terminal (papermill, traitlets, jupyter)."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    for name in ("papermill", "traitlets", "nbclient", "jupyter_client", "asyncio", "nbconvert"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``cvwork`` command: run a lesson as a report, list lessons.

    cvwork report 销售报表.xlsx --product XX产品 --out 报告/
    cvwork report 销售报表.xlsx --all-products
    cvwork report 销售报表.xlsx --lesson 08 --format ipynb
    cvwork lessons
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from cvwork.errors import InputError

CAPSTONE = "12"


def lesson_path(number: str) -> Path:
    from cvwork.nbtools import lesson_paths

    found = [p for p in lesson_paths() if p.name.startswith(f"{int(number):02d}_")] if number.isdigit() else []
    if not found:
        names = ", ".join(p.stem for p in lesson_paths())
        raise InputError(f"没有第 {number} 课 (no lesson {number}); 可选 (lessons): {names}")
    return found[0]


def _parameters(lesson: Path, args: argparse.Namespace, product: str | None, out_dir: Path) -> dict:
    """Map command-line options onto the parameters this lesson declares."""
    import papermill as pm

    declared = pm.inspect_notebook(str(lesson))
    wanted = {"input_path": str(Path(args.input).resolve()), "sheet": args.sheet, "product": product,
              "as_of": args.as_of, "output_dir": str(out_dir),
              "opportunities_path": args.opportunities and str(Path(args.opportunities).resolve()),
              "survey_path": args.survey and str(Path(args.survey).resolve())}
    chosen = {}
    for key, value in wanted.items():
        if key not in declared:
            continue
        optional = declared[key]["inferred_type_name"].startswith("Optional")
        if value is not None or optional:   # an absent optional input means "none", not the sample file
            chosen[key] = value
    return chosen


def _precheck(args: argparse.Namespace) -> list:
    """Read the input once so a bad file fails fast with its own message; return the products."""
    from cvwork.funnel import select_product
    from cvwork.io import read_sales

    for path in (args.input, args.opportunities, args.survey):
        if path and not Path(path).exists():
            raise InputError(f"找不到文件 '{path}' (file not found: '{path}'); 请检查路径 (check the path)")
    sales = read_sales(args.input, sheet=args.sheet)
    if args.product:
        select_product(sales, args.product)
    return sorted(sales["product"].dropna().unique()) if "product" in sales else []


def run_one(lesson: Path, args: argparse.Namespace, product: str | None, out_root: Path) -> Path:
    """Execute one report into a temporary folder, then move it into place: a
    failed run leaves nothing that looks like a finished report."""
    import os

    import papermill as pm

    from cvwork.report import export_html, tables_to_workbook

    name = f"{lesson.stem}" + (f"_{product}" if product else "")
    final = out_root / name
    with tempfile.TemporaryDirectory(prefix="cvwork-") as tmp:
        work = Path(tmp) / name
        work.mkdir()
        os.environ["CVWORK_HEADLESS"] = "1"
        executed = work / f"{name}.ipynb"
        try:
            pm.execute_notebook(str(lesson), str(executed), parameters=_parameters(lesson, args, product, work),
                                cwd=str(lesson.parent), kernel_name="python3", progress_bar=False)
        except pm.PapermillExecutionError as exc:
            raise InputError(exc.evalue if exc.ename == "InputError" else f"{exc.ename}: {exc.evalue}") from None
        if args.format == "html":
            export_html(executed, work / f"{name}.html")
            executed.unlink()
        tables_to_workbook(work, work / f"{name}.xlsx")
        if final.exists():
            shutil.rmtree(final)
        out_root.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work), str(final))
    return final


def report(args: argparse.Namespace) -> int:
    lesson = lesson_path(args.lesson)
    products = _precheck(args)
    out_root = Path(args.out)
    targets = products if args.all_products else [args.product]
    if args.all_products and not products:
        raise InputError("文件里没有产品列，无法按产品出报告 (no product column: cannot use --all-products)")
    from tqdm import tqdm

    for product in tqdm(targets, desc="报告 (reports)", disable=len(targets) < 2, file=sys.stderr):
        folder = run_one(lesson, args, product, out_root)
        files = ", ".join(sorted(p.name for p in folder.iterdir()))
        print(f"已生成 (written) {folder}: {files}")
    return 0


def lessons(_: argparse.Namespace) -> int:
    import papermill as pm

    from cvwork.nbtools import lesson_paths

    for path in lesson_paths():
        print(path.stem)
        for name, p in pm.inspect_notebook(str(path)).items():
            print(f"    {name}: {p['inferred_type_name']} = {p['default']}    # {p['help']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvwork", description="客户价值评估工作簿：把课程当作报表运行 (run lessons as reports)")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="运行一课并导出报告 (run a lesson and export a report)")
    rep.add_argument("input", help="销售报表：.xlsx / .csv（UTF-8 或 GBK）/ .parquet")
    rep.add_argument("--product", help="只分析这个产品 (one product)")
    rep.add_argument("--all-products", action="store_true", help="每个产品一份报告 (one report per product)")
    rep.add_argument("--as-of", help="分析日期 YYYY-MM-DD (analysis date)")
    rep.add_argument("--sheet", help="Excel 工作表名 (sheet name)")
    rep.add_argument("--opportunities", help="商机表 CSV (opportunities file)")
    rep.add_argument("--survey", help="满意度调查 CSV (survey file)")
    rep.add_argument("--lesson", default=CAPSTONE, help="课号，默认 12 综合报告 (lesson number, default 12)")
    rep.add_argument("--out", default="output", help="输出文件夹 (output folder), 默认 output")
    rep.add_argument("--format", choices=["html", "ipynb"], default="html", help="报告格式 (report format)")
    rep.set_defaults(func=report)
    les = sub.add_parser("lessons", help="列出各课及其参数 (list lessons and their parameters)")
    les.set_defaults(func=lessons)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"错误 (error): {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

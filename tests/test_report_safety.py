"""cvwork report is safe to open, share and rerun (issue 13): no script from the
data runs in the HTML, no formula from the data in the Excel file, no user file
touched, no report on the wrong data, every error one line without a traceback."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from cvwork import cli
from cvwork.filenames import MARKER, safe_filename
from lesson_cases import ALT_RUNS

ROOT = Path(__file__).resolve().parent.parent
PWN = "document.body.setAttribute('data-pwned','1')"
SCRIPT = f"<script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
FORMULAS = ['=HYPERLINK("http://example.com","点击查看")', "=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1"]
IDS = ["000123", "1234567890123456789"]
TOP10 = [SCRIPT, IMG, *FORMULAS, *IDS]                       # the ten most valuable customers
OTHERS = ["NA", "None", "null", 'a/b:c*?"<>|', "普通客户"]
BAD_PRODUCT = 'A4/70g:*?"<>|' + "很长的产品名" * 20


def cvwork(*args, env=None, cwd=None, **kw):
    full = {**os.environ, "PYTHONPATH": str(ROOT / "tests"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "cvwork.cli", *map(str, args)], capture_output=True, text=True,
                          env=full, cwd=cwd, **kw)


def one_line(run, code=2):
    """Every error path: one line on stderr, a non-zero exit, no traceback (progress lines aside)."""
    progress = ("正在生成 (running)", "报告 (reports)")
    lines = [l for l in run.stderr.splitlines() if l.strip() and not l.lstrip().startswith(progress)]
    assert run.returncode == code, run.stderr
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def hostile_sales(path, product_column=True):
    rows = []
    for i, name in enumerate(TOP10 + OTHERS):
        amount = 1_000_000 - i * 50_000 if name in TOP10 else 1_000 + i
        for k in range(2):
            row = {"日期": f"2025-0{k + 3}-1{i % 9}", "单据编号": f"00{i}{k}", "客户": name, "价税合计": amount / 2}
            if product_column:
                row["货品名称"] = [IMG, SCRIPT, BAD_PRODUCT][i % 3]
            rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def chromium_dom(html, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium not installed (.ci/run installs Debian's chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=3000"]
    return subprocess.run([chromium, *flags, "--dump-dom", Path(html).as_uri()], capture_output=True, text=True,
                          timeout=120).stdout


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """Lesson 12 on hostile names, with MPLBACKEND=Agg, into a folder that already holds the user's files."""
    tmp = tmp_path_factory.mktemp("hostile")
    data = hostile_sales(tmp / "sales.csv")
    out = tmp / "out"
    taken = out / safe_filename(f"12_capstone_report_{IMG}")
    taken.mkdir(parents=True)
    (taken / "我的笔记.txt").write_text("用户自己的文件", encoding="utf-8")
    (out / "别动.xlsx").write_bytes(b"user bytes")
    run = cvwork("report", data, "--lesson", "12", "--product", IMG, "--out", out, "--as-of", "2025-06-01",
                 env={"MPLBACKEND": "Agg"})
    assert run.returncode == 0, run.stderr
    return out, taken, run


def test_user_files_untouched_and_report_in_new_folder(hostile_report):
    out, taken, run = hostile_report
    assert sorted(p.name for p in taken.iterdir()) == ["我的笔记.txt"]
    assert (taken / "我的笔记.txt").read_text(encoding="utf-8") == "用户自己的文件"
    assert (out / "别动.xlsx").read_bytes() == b"user bytes"
    new = Path(f"{taken}_2")
    assert new.is_dir() and (new / MARKER).is_file() and str(new) in run.stdout
    assert not [p for p in out.iterdir() if p.name.startswith(".cvwork-tmp")]
    assert "WARNING" not in run.stderr and "TCP" not in run.stderr       # no kernel noise on the terminal


def test_no_script_runs_in_the_html(hostile_report, tmp_path):
    out, taken, _ = hostile_report
    html = next(Path(f"{taken}_2").glob("*.html"))
    text = html.read_text(encoding="utf-8")
    assert "script-src 'none'" in text and SCRIPT not in text and IMG not in text
    control = tmp_path / "control.html"                # the same payloads unescaped do run: the probe works
    control.write_text(f"<html><body>{SCRIPT}{IMG}</body></html>", encoding="utf-8")
    assert re.search(r"<body[^>]*data-pwned", chromium_dom(control, tmp_path))
    dom = chromium_dom(html, tmp_path)
    assert "客户价值排行" in dom and not re.search(r"<body[^>]*data-pwned", dom)
    assert not re.search(r"&lt;/?(h\d|p|th|td|table|style)\b", dom)          # sanitised, not shown as markup
    assert re.search(r"<h2[^>]*>方法", dom) and "<th " in dom
    assert "&lt;script&gt;document.body" in dom                       # the name is shown, as text
    assert "&lt;img src=x onerror" in dom


def test_every_figure_inline_despite_mplbackend_agg(hostile_report):
    _, taken, _ = hostile_report
    folder = Path(f"{taken}_2")
    text = next(folder.glob("*.html")).read_text(encoding="utf-8")
    pngs = list(folder.glob("*.png"))
    assert len(pngs) == 3 and len(re.findall(r'<img[^>]+src="data:image/png;base64,', text)) == len(pngs)


def test_every_figure_has_its_chart_title_as_alt_text(hostile_report):
    from cvwork.export import NO_TITLE

    _, taken, _ = hostile_report
    text = next(Path(f"{taken}_2").glob("*.html")).read_text(encoding="utf-8")
    images = re.findall(r"<img\b[^>]*>", text)
    alts = [re.search(r'\balt="([^"]*)"', tag) for tag in images]
    assert len(images) == 3 and all(alts), images
    titles = [a.group(1) for a in alts]
    assert NO_TITLE not in titles and len(set(titles)) == 3 and all(titles)
    assert any("&lt;img src=x onerror=" in t for t in titles)      # the product in a title, escaped


def test_excel_has_no_formula_and_ids_keep_digits(hostile_report):
    _, taken, _ = hostile_report
    folder = Path(f"{taken}_2")
    book = openpyxl.load_workbook(next(folder.glob("*.xlsx")))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert book.sheetnames[:4] == ["摘要", "数据与对账", "头条数字", "客户分段漏斗"]
    summary = {r[0].value: r[1].value for r in book["摘要"].iter_rows(min_row=2)}
    assert summary["销售报表"] == "sales.csv" and summary["产品 (product)"] == IMG
    assert summary["满意度调查"] == "未提供 (not given)" and summary["as_of"] == "2025-06-01"
    top = book["客户价值前十"]
    assert top["A1"].value == "客户"
    read_as = [n.strip() for n in TOP10]                    # the reader trims spaces and tabs around names
    assert [r[0].value for r in top.iter_rows(min_row=2)] == read_as       # in value order, every digit kept
    headline = {r[0].value: r[1].value for r in book["头条数字"].iter_rows(min_row=2)}
    assert headline["客户数"] == len(TOP10 + OTHERS)                         # NA/None/null are customers
    csv = (folder / "clv_top10.csv").read_text(encoding="utf-8-sig")
    assert "\n'=1+1," in csv.replace("\r\n", "\n") and "\n=1+1," not in csv.replace("\r\n", "\n")


def test_product_column_absent_runs_on_the_users_numbers(tmp_path):
    data = hostile_sales(tmp_path / "no_product.csv", product_column=False)
    run = cvwork("report", data, "--out", tmp_path / "out", "--format", "ipynb", "--as-of", "2025-06-01")
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "12_capstone_report"
    headline = pd.read_csv(folder / "headline.csv", encoding="utf-8-sig")
    expected = pd.read_csv(data, encoding="utf-8-sig")["价税合计"].sum()
    assert headline["数值"][0] == pytest.approx(expected)        # the user's file, not the sample
    nb = nbformat.read(folder / "12_capstone_report.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["product"] is None


def test_lesson_with_matching_inputs_uses_them(tmp_path):
    files = ALT_RUNS["09"].parameters(tmp_path)
    run = cvwork("report", "--lesson", "09", "--opportunities", files["opportunities_path"], "--stage-history",
                 files["stages_path"], "-p", "stages=" + json.dumps(files["stages"], ensure_ascii=False),
                 "--format", "ipynb", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "09_funnel_conversion"
    ALT_RUNS["09"].verify(folder, nbformat.read(folder / "09_funnel_conversion.ipynb", as_version=4))


MISMATCHED = [("00", ["--leads", "L"], "--leads"), ("01", ["S"], "--leads"), ("02", ["S"], "--opportunities"),
              ("03", ["S", "--survey", "V"], "--survey"), ("04", ["--opportunities", "O"], "INPUT"),
              ("05", ["S", "--leads", "L"], "--leads"), ("06", ["S"], "--survey"),
              ("07", ["S", "--survey", "V"], "--survey"), ("08", ["--survey", "V"], "INPUT"),
              ("09", ["S"], "--opportunities"), ("10", ["--opportunities", "O"], "--stage-history"),
              ("11", ["--opportunities", "O"], "INPUT"), ("12", ["S", "--leads", "L"], "--leads")]


@pytest.mark.parametrize("lesson, args, needs", MISMATCHED, ids=[m[0] for m in MISMATCHED])
def test_each_lesson_refuses_a_mismatched_input(tmp_path, capsys, lesson, args, needs):
    for name in "SLOV":
        (tmp_path / name).write_text("x")
    files = [str(tmp_path / a) if a in "SLOV" else a for a in args]
    code = cli.main(["report", *files, "--lesson", lesson, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and needs in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def small_sales(path, products=("甲产品", "乙产品")):
    pd.DataFrame({"客户": ["c1", "c2", "c3", "c4"], "货品名称": [products[i % len(products)] for i in range(4)],
                  "价税合计": [100.0, 200.0, 300.0, 400.0], "日期": "2025-01-01"}).to_csv(path, index=False,
                                                                                 encoding="utf-8-sig")
    return path


def error_cases(tmp):
    small = small_sales(tmp / "small.csv")
    (tmp / "a_file.txt").write_text("x")
    (tmp / "broken.xlsx").write_text("not a zip")
    many = tmp / "many.csv"
    pd.DataFrame({"客户": [f"c{i}" for i in range(60)], "货品名称": [f"p{i:02d}" for i in range(60)],
                  "价税合计": 100.0, "日期": "2025-01-01"}).to_csv(many, index=False, encoding="utf-8-sig")
    return [
        (["report", small, "--out", tmp / "a_file.txt"], "is a file, not a folder"),
        (["report", small, "--out", tmp / "a_file.txt" / "sub"], "a parent of --out is a file"),
        (["report", tmp / "missing.xlsx"], "file not found"),
        (["report", tmp], "is a folder"),
        (["report", tmp / "broken.xlsx"], "broken.xlsx"),
        (["report", small, "--lesson", "08"], "--product"),
        (["report", small, "--product", "不存在"], "product '不存在' not found"),
        (["report", small, "--lesson", "99"], "no lesson 99"),
        (["report", small, "--lesson", "05", "--product", "甲产品"], "has no product"),
        (["report", many, "--all-products", "--lesson", "08"], "--max-products"),
        (["report", small, "--columns", "随便=x"], "--columns"),
        (["report", small, "--param", "nope=1"], "not a settable parameter"),
        (["report", "--lesson", "12"], "--sample"),
        (["report", small, "--sample"], "--sample"),
        (["report", small, "--bogus"], "unrecognized arguments"),
        (["check", tmp / "broken.xlsx"], "broken.xlsx"),
    ]


def test_every_error_path_is_one_line_without_traceback(tmp_path, capsys, monkeypatch):
    """In process for speed (a traceback would fail the test just the same), one case as a real command."""
    monkeypatch.chdir(tmp_path)
    for args, message in error_cases(tmp_path):
        try:
            code = cli.main(list(map(str, args)))
        except SystemExit as exc:                      # argparse
            code = exc.code
        run = subprocess.CompletedProcess(args, code, "", capsys.readouterr().err)
        assert message in one_line(run), (args, run.stderr)
        assert not (tmp_path / "output").exists()
    run = cvwork("report", tmp_path / "small.csv", "--lesson", "08", cwd=tmp_path)
    assert "乙产品, 甲产品" in one_line(run) and "--product" in run.stderr and "XX产品" not in run.stderr


STUB = '''
import nbformat, pandas as pd
from cvwork.errors import InputError
from cvwork.export import save_table

def engine(lesson, executed, parameters, cwd):
    product = parameters.get("product")
    if product == "p13":
        raise InputError("这个产品的数据不对 (bad data for p13)")
    if product == "boom":
        raise RuntimeError("unexpected")
    save_table(pd.DataFrame({"customer": ["=1+1"], "n": [1]}), parameters["output_dir"], "t")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(str(product))])
    nbformat.write(nb, executed)
'''


def stub_env(tmp_path):
    (tmp_path / "stub_engine.py").write_text(STUB, encoding="utf-8")
    return {"CVWORK_REPORT_ENGINE": "stub_engine:engine", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT / 'tests'}"}


def test_sixty_products_with_a_bad_name_and_a_failing_one(tmp_path):
    names = [f"p{i:02d}" for i in range(59)] + [BAD_PRODUCT]
    data = tmp_path / "sixty.csv"
    pd.DataFrame({"客户": [f"c{i}" for i in range(60)], "货品名称": names, "价税合计": 100.0,
                  "日期": "2025-01-01"}).to_csv(data, index=False, encoding="utf-8-sig")
    out = tmp_path / "out"
    run = cvwork("report", data, "--lesson", "08", "--all-products", "--format", "ipynb", "--out", out,
                 env=stub_env(tmp_path))
    assert "--max-products" in one_line(run) and not out.exists()       # above 50: asks first
    run = cvwork("report", data, "--lesson", "08", "--all-products", "--yes", "--format", "ipynb", "--out", out,
                 env=stub_env(tmp_path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    failed = [l for l in run.stderr.splitlines() if l.startswith("失败")]
    assert failed == ["失败 (failed) p13: 这个产品的数据不对 (bad data for p13)"]    # reported once, at the end
    assert "p58" in run.stderr                                         # the bar names the product
    folders = sorted(p.name for p in out.iterdir())
    assert len(folders) == 59 and "08_revenue_bucket_funnel_p13" not in folders
    assert safe_filename(f"08_revenue_bucket_funnel_{BAD_PRODUCT}") in folders
    book = openpyxl.load_workbook(out / "08_revenue_bucket_funnel_p00" / "08_revenue_bucket_funnel_p00.xlsx")
    assert book.sheetnames == ["摘要", "t"]
    assert book["t"]["A2"].value == "=1+1" and book["t"]["A2"].data_type == "s"
    capped = cvwork("report", data, "--lesson", "08", "--all-products", "--max-products", "3", "--format", "ipynb",
                    "--out", tmp_path / "capped", env=stub_env(tmp_path))
    assert capped.returncode == 0 and len(list((tmp_path / "capped").iterdir())) == 3


def test_overwrite_only_replaces_a_cvwork_folder(tmp_path, capsys, monkeypatch):
    for key, value in stub_env(tmp_path).items():               # in process, with the stub engine
        monkeypatch.setenv(key, value)
    for key in ("MPLBACKEND", "CVWORK_HEADLESS", "PYTHONWARNINGS"):   # restored after the test
        monkeypatch.setenv(key, os.environ.get(key, ""))
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "out"
    data = small_sales(tmp_path / "small.csv")
    args = ["report", str(data), "--lesson", "08", "--product", "甲产品", "--format", "ipynb", "--out", str(out)]
    assert cli.main(args) == 0
    folder = out / "08_revenue_bucket_funnel_甲产品"
    first = (folder / MARKER).stat().st_ino
    assert cli.main([*args, "--overwrite"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [folder.name]           # replaced, not _2
    assert (folder / MARKER).stat().st_ino != first
    (folder / "用户的文件.txt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    code = cli.main([*args, "--overwrite"])
    assert code == 2 and "--overwrite" in one_line(subprocess.CompletedProcess([], code, "", capsys.readouterr().err))
    assert (folder / "用户的文件.txt").read_text(encoding="utf-8") == "mine"
    assert cli.main(args) == 0 and (out / f"{folder.name}_2").is_dir()


def test_internal_error_is_one_line(tmp_path):
    data = tmp_path / "boom.csv"
    pd.DataFrame({"客户": ["c"], "货品名称": ["boom"], "价税合计": [1.0]}).to_csv(data, index=False)
    run = cvwork("report", data, "--lesson", "08", "--product", "boom", "--format", "ipynb", "--out",
                 tmp_path / "out", env=stub_env(tmp_path))
    assert one_line(run, code=1).startswith("内部错误 (internal error): RuntimeError: unexpected")
    assert not (tmp_path / "out").exists()


def test_read_only_output_folder(tmp_path, capsys, monkeypatch):
    """One line, nothing deleted.  Root ignores file modes, so there the check sees the
    folder as read-only through os.access (what a normal user's run gets from chmod)."""
    out = tmp_path / "out"
    old = out / "08_revenue_bucket_funnel_甲产品"
    old.mkdir(parents=True)
    (old / "旧报告.html").write_text("old", encoding="utf-8")
    (old / MARKER).write_text(json.dumps({"files": ["旧报告.html"]}), encoding="utf-8")
    data = small_sales(tmp_path / "small.csv")
    old.chmod(0o555)
    out.chmod(0o555)
    try:
        if os.access(out, os.W_OK):                      # root: the mode does not stop it
            real = os.access
            monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == out else real(p, mode))
        code = cli.main(["report", str(data), "--lesson", "08", "--product", "甲产品", "--out", str(out), "--overwrite"])
        err = capsys.readouterr().err
        assert code == 2 and "not writable" in one_line(subprocess.CompletedProcess([], code, "", err))
        assert (old / "旧报告.html").read_text(encoding="utf-8") == "old"
        assert sorted(p.name for p in out.iterdir()) == [old.name]
    finally:
        out.chmod(0o755)
        old.chmod(0o755)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_leaves_no_partial_report(tmp_path, sig):
    out = tmp_path / "out"
    data = small_sales(tmp_path / "small.csv")
    proc = subprocess.Popen([sys.executable, "-m", "cvwork.cli", "report", str(data), "--lesson", "08",
                             "--product", "甲产品", "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and any(p.name.startswith(".cvwork-tmp") for p in out.iterdir())):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert not out.exists() or not list(out.iterdir())


OPEN_COUNTER = '''
import os, sys
_target = os.environ.get("CVWORK_COUNT_OPENS")
if _target:
    _log = os.environ["CVWORK_COUNT_OPENS_LOG"]

    def _count(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)) \\
                and os.path.abspath(os.fsdecode(args[0])) == _target:
            with open(_log, "a") as handle:
                handle.write(f"{os.getpid()}\\n")

    sys.addaudithook(_count)
'''


def opens_of(data, tmp_path, *args):
    """How often ``data`` is opened (every process: the command, the lesson's kernel) while running ``args``."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(OPEN_COUNTER, encoding="utf-8")
    log = tmp_path / f"opens{len(list(tmp_path.glob('opens*')))}.log"
    env = {"PYTHONPATH": f"{site}{os.pathsep}{ROOT / 'tests'}", "CVWORK_COUNT_OPENS": str(Path(data).resolve()),
           "CVWORK_COUNT_OPENS_LOG": str(log)}
    if args[0] == "-c":
        run = subprocess.run([sys.executable, *args], capture_output=True, text=True, env={**os.environ, **env})
    else:
        run = cvwork(*args, env=env)
    assert run.returncode == 0, run.stderr
    return (log.read_text().splitlines() if log.exists() else []), run


def messy_sales(path):
    """Lines the reader excludes (no customer, bad date), a total line, a return: an account worth checking."""
    rows = [("2025-01-0%d" % (i % 9 + 1), f"客户{i % 7}", "甲产品" if i % 2 else "乙产品", 100.0 + i) for i in range(40)]
    rows += [("2025-02-01", "", "甲产品", 55.0), ("不是日期", "客户1", "甲产品", 66.0), ("2025-02-02", "客户2", "甲产品", -30.0)]
    frame = pd.DataFrame(rows, columns=["日期", "客户", "货品名称", "价税合计"])
    total = pd.DataFrame([("合计", None, None, frame["价税合计"].sum())], columns=frame.columns)
    pd.concat([frame, total]).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_the_users_file_is_read_once_and_its_account_is_shown(tmp_path):
    from cvwork.io import account_of, read_sales

    data = messy_sales(tmp_path / "销售.csv")
    once, _ = opens_of(data, tmp_path, "-c", f"from cvwork.io import read_sales; read_sales({str(data)!r})")
    assert len(once) >= 1                               # the counter sees the reader's opens
    opens, run = opens_of(data, tmp_path, "report", data, "--lesson", "00", "--format", "ipynb",
                          "--out", tmp_path / "out")
    assert len(opens) == len(once) and len(set(opens)) == 1      # one read, in the command's own process
    account = account_of(read_sales(data))
    assert (account.rows_read, account.rows_kept, len(account.excluded)) == (44, 41, 3)
    folder = tmp_path / "out" / "00_overview"
    nb = nbformat.read(folder / "00_overview.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "读取 44 行，保留 41 行，排除 3 行" in printed          # the user's file's account, not the copy's
    assert nb.metadata.papermill.parameters["input_path"] == str(data.resolve())   # reruns on the user's file
    assert not [c for c in nb.cells if "cvwork-handoff" in c.metadata.get("tags", [])]
    summary = pd.read_excel(folder / "00_overview.xlsx", sheet_name=0)
    assert "销售.csv" in set(summary.iloc[:, 1]) and "input.parquet" not in set(summary.iloc[:, 1])
    overview = pd.read_csv(folder / "data_overview.csv", encoding="utf-8-sig").set_index("数据")
    assert overview.loc["销售明细 sales", "行数"] == account.rows_kept      # the lines of the user's file

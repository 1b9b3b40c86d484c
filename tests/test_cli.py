"""The cvwork command end to end: reports on two differently shaped files, bad
input, and the HTML opened in headless Chromium."""
import base64
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cvwork.errors import InputError

from lesson_cases import gbk_sales

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sales_report.xlsx"


def cvwork(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cvwork.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    run = cvwork("report", SAMPLE, "--lesson", "12", "--product", "XX产品", "--out", out,
                 "--opportunities", ROOT / "data" / "opportunities.csv", "--survey", ROOT / "data" / "survey.csv")
    assert run.returncode == 0, run.stderr
    return out / "12_capstone_report_XX产品", run


def test_report_on_sample(sample_report):
    folder, run = sample_report
    assert str(folder) in run.stdout
    html = (folder / "12_capstone_report_XX产品.html").read_text(encoding="utf-8")
    assert "客户分段漏斗" in html and "NPS" in html and "销售预测" in html
    assert "练习" not in html and "check(" not in html and "import pandas" not in html   # no code, no exercises
    book = pd.read_excel(folder / "12_capstone_report_XX产品.xlsx", sheet_name=None)
    buckets = book["客户分段漏斗"]
    assert buckets["客户数"].tolist() == [156, 379, 137, 97, 53]          # lesson 08's numbers
    assert list(book)[:8] == ["摘要", "数据与对账", "头条数字", "客户分段漏斗", "ABC 汇总", "RFM 客户群", "客户价值前十", "NPS"]
    assert "销售预测" in book


def test_report_on_gbk_csv_with_other_products(tmp_path):
    data = gbk_sales(tmp_path)
    run = cvwork("report", data, "--lesson", "12", "--product", "智能门锁", "--out", tmp_path / "out", "--as-of", "2025-12-31")
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "12_capstone_report_智能门锁"
    html = (folder / "12_capstone_report_智能门锁.html").read_text(encoding="utf-8")
    assert "未提供满意度调查，跳过本节" in html and "未提供商机表，跳过本节" in html
    buckets = pd.read_excel(folder / "12_capstone_report_智能门锁.xlsx", sheet_name="客户分段漏斗")
    assert buckets["客户数"].tolist() == [1, 1, 1, 0, 1]


def test_all_products_and_other_lesson(tmp_path):
    data = gbk_sales(tmp_path)
    run = cvwork("report", data, "--all-products", "--lesson", "08", "--format", "ipynb", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "智能门锁" in run.stderr and "门禁系统" in run.stderr        # the bar names the product
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["08_revenue_bucket_funnel_智能门锁", "08_revenue_bucket_funnel_门禁系统"]
    assert (tmp_path / "out" / names[0] / f"{names[0]}.ipynb").exists()


@pytest.mark.parametrize("args, message", [
    (["report", "missing.xlsx"], "file not found"),
    (["report", "broken.xlsx"], "broken.xlsx"),
    (["report", SAMPLE, "--sheet", "汇总"], "no sheet named '汇总'"),
    (["report", SAMPLE, "--product", "不存在"], "product '不存在' not found"),
    (["report", SAMPLE, "--lesson", "99"], "no lesson 99"),
])
def test_bad_input_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch, args, message):
    from cvwork import cli

    (tmp_path / "broken.xlsx").write_text("not a zip")
    monkeypatch.chdir(tmp_path)                     # in process: fast, and a traceback would fail it too
    code = cli.main([*map(str, args), "--out", str(tmp_path / "out")])
    run = subprocess.CompletedProcess(args, code, "", capsys.readouterr().err)
    assert run.returncode == 2
    lines = [l for l in run.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_lessons_lists_parameters():
    run = cvwork("lessons")
    assert run.returncode == 0
    assert "08_revenue_bucket_funnel    输入 (inputs): INPUT" in run.stdout
    assert "09_funnel_conversion    输入 (inputs): --opportunities, --stage-history" in run.stdout


def test_html_in_headless_chromium(sample_report, tmp_path):
    """The page renders, every image is a loadable PNG, no code cell shows; the screenshot is kept."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium not installed (.ci/run installs Debian's chromium)")
    import matplotlib.image as mpimg

    folder, _ = sample_report
    html = folder / "12_capstone_report_XX产品.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "客户价值排行" in dom and not re.search(r"&lt;/?(h\d|p|th|td|table|style)\b", dom)   # markup renders
    assert not re.search(r'class="[^"]*\b(jp-InputArea-editor|jp-CodeMirrorEditor)\b', dom)   # no code cell is shown
    images = re.findall(r'<img[^>]+src="data:image/png;base64,([^"]+)"', dom)
    assert len(images) == len(list(folder.glob("*.png"))) == 4     # every figure the report drew
    for data in images:
        assert mpimg.imread(io.BytesIO(base64.b64decode(data))).shape[0] > 100
    shot = ROOT / "build" / "report_screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run([chromium, *flags, "--window-size=1280,5200", f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (5200, 1280) and pixels.std() > 0.05   # not a blank page


def odd_headers(tmp_path):
    path = tmp_path / "odd.csv"
    pd.DataFrame({"买方": ["甲", "乙", "甲"], "成交值": [100.0, 250.0, 50.0], "日期": "2025-01-01",
                  "货品名称": ["A", "A", "B"]}).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_check_reads_with_the_users_columns(tmp_path, capsys):
    from cvwork import cli

    path = odd_headers(tmp_path)
    assert cli.main(["check", str(path)]) == 2                       # 买方/成交值 are not known names
    assert "--columns" in capsys.readouterr().err
    assert cli.main(["check", str(path), "--columns", "客户=买方,金额=成交值"]) == 0
    out = capsys.readouterr().out
    assert "产品 (products): 2 — A, B" in out and "odd.csv" in out


def test_check_describes_a_file_read_by_duckdb(tmp_path, capsys, monkeypatch):
    """A file above the size threshold is read by DuckDB (a relation): check still lists its products."""
    from cvwork import cli
    from cvwork.io import duck

    path = tmp_path / "big.csv"
    pd.DataFrame({"客户": ["甲", "乙", "甲", "丙"], "金额": [100.0, 250.0, 50.0, 5.0], "日期": "2025-01-01",
                  "产品": ["A", "B", "B", None]}).to_csv(path, index=False)
    monkeypatch.setattr(duck, "DUCKDB_THRESHOLD", 0)
    assert cli.main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "产品 (products): 2 — A, B" in out and "保留 4 行" in out


def test_parse_columns_accepts_labels_and_canonical_names():
    from cvwork.cli import parse_columns

    assert parse_columns("客户=客户简称，amount=含税金额") == {"客户简称": "customer", "含税金额": "amount"}
    assert parse_columns(None) is None
    with pytest.raises(InputError, match="--columns"):
        parse_columns("客户")


def test_reading_options_a_lesson_lacks_give_it_a_clean_copy(tmp_path):
    """Lesson 08 declares no ``columns``: it gets the file as the command read it, not the raw file."""
    from cvwork import cli, runreport

    path = odd_headers(tmp_path)
    args = cli.build_parser().parse_args(["report", str(path), "--lesson", "08", "--product", "A",
                                          "--columns", "客户=买方,金额=成交值"])
    lesson = cli.lesson_path("08")
    params = cli.declared(lesson)
    inputs = cli.match_inputs(lesson, params, cli.given_files(args), False)
    sales = runreport._read(args, {"sales": str(path)})
    base = runreport._base_parameters(params, args, inputs, sales, tmp_path)
    copy = pd.read_parquet(base["input_path"])
    assert base["input_path"] != str(path.resolve()) and copy["amount"].sum() == 400.0
    assert set(copy["customer"]) == {"甲", "乙"} and "columns" not in base
    assert runreport.choose_products(lesson, params, args, sales) == ["A"]


def test_sample_only_on_request_and_with_its_own_products(tmp_path, capsys):
    from cvwork import cli, runreport

    assert cli.main(["report", "--lesson", "08", "--out", str(tmp_path / "o")]) == 2
    assert "--sample" in capsys.readouterr().err and not (tmp_path / "o").exists()
    args = cli.build_parser().parse_args(["report", "--sample", "--lesson", "08"])
    lesson = cli.lesson_path("08")
    params = cli.declared(lesson)
    assert cli.match_inputs(lesson, params, {}, True) == {}            # the lesson's own defaults
    sales = runreport._read(args, runreport._sample_files(lesson, params))
    with pytest.raises(InputError, match="XX产品"):                     # the sample's products, listed
        runreport.choose_products(lesson, params, args, sales)

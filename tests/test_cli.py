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

from lesson_cases import gbk_sales

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sales_report.xlsx"


def cvwork(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cvwork.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    run = cvwork("report", SAMPLE, "--product", "XX产品", "--out", out,
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
    run = cvwork("report", data, "--product", "智能门锁", "--out", tmp_path / "out", "--as-of", "2025-12-31")
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
def test_bad_input_is_one_line_and_leaves_nothing(tmp_path, args, message):
    (tmp_path / "broken.xlsx").write_text("not a zip")
    run = cvwork(*args, "--out", tmp_path / "out", cwd=tmp_path)
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
    assert "客户价值排行" in dom
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

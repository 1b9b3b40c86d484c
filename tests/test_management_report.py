"""`cvwork report INPUT` as a management report (issue 16): headline numbers against plain pandas,
product scope, every list the text mentions is a sheet with that many rows, Chinese Excel, safe HTML, PDF."""
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cvwork.cli import build_parser
from cvwork.io import read_opportunities, read_sales, read_survey
from cvwork.report.command import run

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
AS_OF = pd.Timestamp("2026-01-01")
START, PREVIOUS = AS_OF - pd.Timedelta(days=365), AS_OF - pd.Timedelta(days=730)
FULL = ["--opportunities", str(DATA / "opportunities.csv"), "--stage-history", str(DATA / "opportunity_stages.csv"),
        "--survey", str(DATA / "survey.csv")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def report(tmp: Path, *argv: str, quota: float | None = None, fmt: str = "html") -> Path:
    """Run the management report; return its folder."""
    args = build_parser().parse_args(["report", *argv, "--out", str(tmp), "--as-of", "2026-01-01"])
    args.lesson, args.quota, args.format = None, quota, fmt
    assert run(args) == 0
    (folder,) = [p for p in tmp.iterdir() if p.is_dir()]
    return folder


def sheets(folder: Path) -> dict[str, pd.DataFrame]:
    (book,) = folder.glob("*.xlsx")
    return pd.read_excel(book, sheet_name=None, engine="openpyxl")


def text_of(folder: Path) -> str:
    (page,) = folder.glob("*.html")
    return page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sales():
    return read_sales(DATA / "sales_report.xlsx")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return report(tmp_path_factory.mktemp("company"), str(DATA / "sales_report.xlsx"), *FULL, quota=4_000_000)


def expected_headline(lines: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Plain pandas: revenue, buying customers, new and churned customers, this period and the previous."""
    def window(lo, hi):
        return lines[(lines["date"] >= lo) & (lines["date"] < hi)]
    now, before = window(START, AS_OF), window(PREVIOUS, START)
    buyers_now, buyers_before = set(now.loc[now["amount"] > 0, "customer"]), set(before.loc[before["amount"] > 0, "customer"])
    first = lines[lines["amount"] > 0].groupby("customer")["date"].min()
    return {"销售额（净额）": (now["amount"].sum(), before["amount"].sum()),
            "购买客户": (len(buyers_now), len(buyers_before)),
            "新客户": (int(((first >= START) & (first < AS_OF)).sum()), None),
            "流失客户": (len(buyers_before - buyers_now), None)}


def check_headline(folder: Path, lines: pd.DataFrame) -> None:
    summary = sheets(folder)["摘要"].set_index("指标")
    for metric, (now, before) in expected_headline(lines).items():
        assert summary.loc[metric, "本期"] == pytest.approx(now), metric
        if before is not None:
            assert summary.loc[metric, "上期"] == pytest.approx(before), metric
        else:       # the sample starts with the previous period: nothing before it to compare with
            assert pd.isna(summary.loc[metric, "上期"])


def check_lists(folder: Path) -> dict[str, int]:
    """Every "N 个，名单见 Excel 工作表“X”" in the text: sheet X exists with N rows."""
    found = sheets(folder)
    cited = dict((name, int(n.replace(",", ""))) for n, name in re.findall(r"([\d,]+) 个，名单见 Excel 工作表“([^”]+)”",
                                                                         text_of(folder)))
    assert cited
    for name, n in cited.items():
        assert name in found and len(found[name]) == n, name
    return cited


def test_company_headline_lists_and_sections(company, sales):
    check_headline(company, sales)
    page = text_of(company)
    revenue = sales.loc[(sales["date"] >= START) & (sales["date"] < AS_OF), "amount"].sum()
    assert f"净销售额 {revenue:,.0f} 元" in page
    cited = check_lists(company)
    assert {"高危A类客户", "沉默高价值客户", "升级候选客户", "逾期商机", "贬损者"} <= set(cited)
    opps = read_opportunities(DATA / "opportunities.csv")
    overdue = ((opps["outcome"] == "进行中") & (opps["expected_close"] < AS_OF)).sum()
    assert cited["逾期商机"] == overdue
    survey = read_survey(DATA / "survey.csv")
    now = survey[(survey["date"] >= START) & (survey["date"] < AS_OF)]
    assert cited["贬损者"] == (now["score"] <= 6).sum()
    silent = sheets(company)["沉默高价值客户"]
    assert silent["距上次购买（天）"].between(180, 364).all() and silent["销售员"].notna().all()
    assert silent["收入"].is_monotonic_decreasing
    order = [m.start() for m in map(lambda t: re.search(f"<h2>{t}</h2>", page), ["摘要", "客户价值", "销售管道", "客户满意度", "行动建议"])]
    assert order == sorted(order)
    assert "完成率" in sheets(company)["预测类别"].columns and "管道覆盖率" in set(sheets(company)["摘要"]["指标"])


def test_excel_is_chinese_and_formatted(company):
    (path,) = company.glob("*.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[0] == "摘要"
    assert book.sheetnames.index("客户分段漏斗") < book.sheetnames.index("阶段漏斗") < book.sheetnames.index("贬损者")
    for ws in book.worksheets:
        heads = [c.value for c in ws[1]]
        assert all(CJK.search(str(h)) or h in ("NPS",) for h in heads), (ws.title, heads)
        assert ws.freeze_panes == "A2"
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.lower() in ("inf", "-inf", "nan"))
                if isinstance(cell.value, float):
                    assert cell.number_format != "General", (ws.title, cell.coordinate)


def test_html_has_no_code_and_no_lesson_chrome(company):
    page = text_of(company)
    assert "script-src 'none'" in page and "<script" not in page
    for chrome in ("ipynb", "In&nbsp;[", "学习目标", "小结", "jp-InputArea"):
        assert chrome not in page
    assert "max-width: 100%" in page and "overflow-x: auto" in page and "Noto Sans SC" in page
    assert "<a " not in page and "href=" not in page                        # no links (to lessons or elsewhere)


def test_product_scope_differs_and_plain_report(tmp_path, sales):
    one = report(tmp_path / "a", str(DATA / "sales_report.xlsx"), "--product", "XX产品")
    two = report(tmp_path / "b", str(DATA / "sales_report.xlsx"), "--product", "协同办公软件")
    check_headline(one, sales[sales["product"] == "XX产品"])
    first, second = sheets(one), sheets(two)
    for name in ("客户分段漏斗", "ABC 汇总", "RFM 客户群", "重点客户"):
        assert not first[name].equals(second[name]), name
    assert len(first["升级候选客户"]) == 44          # lesson 08's readout on the same product
    page = text_of(one)
    assert "产品“XX产品”" in page and "未提供商机表" in page and "未提供满意度调查" in page
    assert "逾期商机" not in first and "贬损者" not in first
    check_lists(one)


def test_pipeline_without_quota_or_history(tmp_path):
    folder = report(tmp_path, str(DATA / "sales_report.xlsx"), "--product", "XX产品",
                    "--opportunities", str(DATA / "opportunities.csv"))
    page = text_of(folder)
    assert "没有给出 --quota" in page and "商机表的当前阶段" in page and "以下为全公司数字" in page
    assert "管道覆盖率" not in set(sheets(folder)["摘要"]["指标"])
    check_lists(folder)


def small_file(path: Path, evil: str) -> Path:
    """A differently shaped file: Chinese headers of another system, no product, no owner."""
    rows = []
    for i in range(40):
        name = evil if i == 0 else f"客户{i:02d}"
        for k in range(8 if i == 0 else 1 + i % 5):
            day = pd.Timestamp("2023-07-01") + pd.Timedelta(days=(i * 37 + k * 113) % 900)
            rows.append({"单据日期": day.strftime("%Y-%m-%d"), "客户名称": name, "价税合计": (90000.0 if i == 0 else 1000.0 * (1 + i % 7)) + 10 * k})
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs the Debian chromium package")
def test_second_data_set_safe_html_and_pdf(tmp_path):
    evil = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    data = small_file(tmp_path / "销售.csv", evil)
    lines = read_sales(data)
    folder = report(tmp_path / "out", str(data), fmt="pdf")
    check_headline(folder, lines)
    check_lists(folder)
    page = folder / "管理报告.html"
    assert "&lt;img src=x onerror=" in page.read_text(encoding="utf-8")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "客户价值" in dom and "data-pwned=\"1\"" not in dom and "<img src=\"x\"" not in dom
    pdf = folder / "管理报告.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 1
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows)        # every font embedded (emb column)


class _Page:
    """Stands in for a Report: text only in the bundled font, falling back to a serif font when it fails."""

    def html(self, extra_css: str = "", csp: str = "") -> str:
        return (f"<html><head><meta charset='utf-8'>{csp}{extra_css}</head><body>"
                "<p style='font-family: \"Noto Sans SC\", serif'>客户价值 Report 2026</p></body></html>")


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdffonts")), reason="needs chromium and poppler")
def test_pdf_uses_the_bundled_font_under_the_report_csp(tmp_path):
    from cvwork.report.pdf import print_pdf

    pdf = print_pdf(_Page(), tmp_path / "f.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert fonts.count("\n") > 2 and "Liberation" not in fonts and "DejaVu" not in fonts   # no serif fallback


def test_refusals_are_one_line(tmp_path):
    from cvwork.errors import InputError

    data = small_file(tmp_path.parent / "small.csv", "客户00")
    for quota, argv, words in ((0, [], "--quota"), (None, ["--stage-history", str(DATA / "opportunity_stages.csv")],
                                                    "--stage-history"), (None, ["--product", "不存在"], "no product column"),
                               (None, [], "missing required column 'amount'")):
        args = build_parser().parse_args(["report", str(data if words != "missing required column 'amount'" else
                                                         DATA / "survey.csv"), *argv, "--out", str(tmp_path)])
        args.lesson, args.quota, args.format = None, quota, "html"
        with pytest.raises(InputError, match=re.escape(words)):
            run(args)
    assert not any(tmp_path.iterdir())                 # nothing written for a refused run


def test_cvwork_report_input_without_lesson_is_the_management_report(tmp_path, capsys):
    from cvwork import cli

    data = small_file(tmp_path / "s.csv", "客户00")
    assert cli.main(["report", str(data), "--out", str(tmp_path / "out"), "--quota", "50000"]) == 0
    assert (tmp_path / "out" / "管理报告" / "管理报告.xlsx").is_file()
    assert cli.main(["report", str(data), "--lesson", "08", "--format", "pdf", "--out", str(tmp_path / "x")]) == 2
    assert "--format pdf is for the management report" in capsys.readouterr().err


def test_three_months_of_data_still_give_a_report(tmp_path):
    days = pd.date_range("2025-10-01", periods=90, freq="D")
    lines = pd.DataFrame({"日期": days, "客户": [f"客户{i % 12}" for i in range(90)], "金额": 100.0 + pd.Series(range(90))})
    lines.to_csv(tmp_path / "q.csv", index=False, encoding="utf-8-sig")
    folder = report(tmp_path / "out", str(tmp_path / "q.csv"))
    assert "客户价值排名跳过" in text_of(folder) and "重点客户" not in sheets(folder)
    assert sheets(folder)["摘要"].set_index("指标").loc["销售额（净额）", "本期"] == pytest.approx(lines["金额"].sum())


def test_every_figure_carries_its_title_as_alt_text(sales):
    import html

    from cvwork.charts import figure_title
    from cvwork.report.build import management_report

    rep = management_report(sales, as_of="2026-01-01", opportunities=read_opportunities(DATA / "opportunities.csv"))
    titles = [figure_title(fig) for sec in rep.sections for _, fig in sec.figures]
    page = rep.html()
    alts = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,', page)
    assert len(re.findall(r"<img\b", page)) == len(alts) == len(titles) == 3
    assert all(titles) and alts == [html.escape(t) for t in titles]


@pytest.mark.parametrize("product", [None, "XX产品"])
def test_a_duckdb_relation_gives_the_same_report(sales, product):
    """A big file is scanned by DuckDB and netted per customer, product and day there; every sheet and
    sentence of the report equals the one computed from the pandas lines."""
    from cvwork.report.build import management_report
    from cvwork.report.scale import day_level

    relation = read_sales(DATA / "sales_report.xlsx", engine="duckdb")
    big = day_level(relation)
    assert len(big.lines) < len(sales) and big.lines.attrs["account"].rows_read == 24_484
    base = management_report(sales, product=product, as_of="2026-01-01")
    scaled = management_report(big, product=product, as_of="2026-01-01")
    assert [t for s in scaled.sections for t in s.text] == [t for s in base.sections for t in s.text]
    mine, theirs = scaled.sheets(), base.sheets()
    assert list(mine) == list(theirs)
    for name, frame in theirs.items():
        pd.testing.assert_frame_equal(mine[name].reset_index(drop=True), frame.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, obj=name)

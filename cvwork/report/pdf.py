"""``--format pdf``: the report's HTML printed by headless Chromium (the Debian ``chromium`` package)
on A4, one section per page, with the bundled Noto Sans SC embedded (so the PDF shows Chinese on a
machine without Chinese fonts).  Chromium runs with a throw-away profile and no network services."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cvwork.errors import InputError
from cvwork.export import CSP

FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular.otf"
#: Chromium flags: headless, no sandbox (containers), and nothing that talks to the network
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-extensions", "--allow-file-access-from-files", "--disable-default-apps", "--mute-audio"]


def chromium() -> str:
    """Path of the Chromium binary, or a one-line refusal saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise InputError("找不到 Chromium，无法生成 PDF (Chromium not found: cannot print a PDF); "
                     "安装 (install): apt-get install chromium，或改用 --format html")


def font_css() -> str:
    """@font-face for the bundled Noto Sans SC by file URL (only in the copy Chromium prints: a data URI
    of the 8 MB font is longer than the 2 MB Chromium accepts for a URL, and the font silently falls back)."""
    return ("<style>@font-face { font-family: \"Noto Sans SC\"; font-weight: normal; "
            f"src: url({FONT.as_uri()}) format(\"opentype\"); }}</style>\n")


def print_pdf(report: Any, target: Path, timeout: float = 120) -> Path:
    """Write ``target`` (A4 PDF) from ``report.html()``; a Chromium failure is one line, never a traceback."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="cvwork-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        csp = CSP.replace("font-src data:", "font-src data: file:")
        page.write_text(report.html(extra_css=font_css(), csp=csp), encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        cmd = [binary, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}", page.as_uri()]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium 超过 {timeout:.0f} 秒没有完成 PDF (Chromium timed out printing the PDF); "
                             "请改用 --format html") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise InputError("Chromium 没有生成 PDF (Chromium wrote no PDF); 请改用 --format html 再试")
        shutil.move(str(out), target)
    return Path(target)

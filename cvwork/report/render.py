"""The management report as one self-contained HTML file: no script (a Content-Security-Policy forbids
it), images inline, data text escaped, tables scroll sideways on a phone, one section per printed page."""
from __future__ import annotations

import base64
import html
import io
from typing import Any, Iterable

from cvwork.charts import figure_title
from cvwork.export import CSP

FONTS = '"Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", ' \
        '"WenQuanYi Micro Hei", system-ui, sans-serif'

STYLE = """<style>
body { font-family: %s; color: #1f2933; margin: 0 auto; max-width: 980px; padding: 12px 16px; line-height: 1.6; }
h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.25em; border-bottom: 2px solid #2b6cb0; padding-bottom: 2px; }
p { margin: 0.4em 0; } .skip { color: #666; font-style: italic; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.3em 0 1em; }
table { border-collapse: collapse; font-size: 0.85em; white-space: nowrap; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; } th { background: #eef2f7; }
td { text-align: right; } td:first-child { text-align: left; }
img { max-width: 100%%; height: auto; display: block; margin: 0.4em 0; }
.caption { font-weight: bold; margin-top: 0.8em; break-after: avoid; page-break-after: avoid; }
.kpis { display: flex; flex-wrap: wrap; gap: 8px; margin: 0.6em 0; }
.kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; min-width: 130px; flex: 1; }
.kpi .v { font-size: 1.3em; font-weight: bold; } .kpi .d { font-size: 0.85em; color: #555; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { max-width: none; padding: 0; } section { break-before: page; }
  section.first, section.summary { break-before: auto; } img { break-inside: avoid; } .scroll { overflow: visible; }
  table { white-space: normal; font-size: 0.75em; } thead { display: table-header-group; } tr { break-inside: avoid; } }
</style>
""" % FONTS


def text(value: Any) -> str:
    """Data or generated text, HTML-escaped."""
    return html.escape(str(value))


def table_html(frame: Any) -> str:
    """A table with Chinese headers and formatted numbers (cvwork.labels.show escapes every cell)."""
    from cvwork.labels import show

    return f'<div class="scroll">{show(frame, uuid="r").to_html()}</div>'


def figure_html(fig: Any, alt: str) -> str:
    """A matplotlib figure as an inline PNG (closed afterwards)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{text(alt)}" src="data:image/png;base64,{data}">'


def kpi_html(headline: Any) -> str:
    """The headline figures as cards: value, previous value and change."""
    from cvwork.labels import format_value

    cards = []
    for _, row in headline.iterrows():
        kind = "num" if row["unit_word"] == "倍" else "money"
        value = format_value(row["current"], kind) if row["current"] == row["current"] else "—"
        if row["previous"] == row["previous"]:
            change = f"，{row['change']:+.1%}" if row["change"] == row["change"] else ""
            delta = f"上期 {format_value(row['previous'], kind)}{change}"
        else:
            delta = "上期无可比数据"
        cards.append(f'<div class="kpi"><div>{text(row["metric"])}</div><div class="v">{text(value)} '
                     f'<small>{text(row["unit_word"])}</small></div><div class="d">{text(delta)}</div></div>')
    return '<div class="kpis">' + "".join(cards) + "</div>"


def section_html(sec: Any, css_class: str = "") -> str:
    """One section: heading, paragraphs, tables and figures (or the one line saying why it is skipped)."""
    parts = [f'<section class="{css_class}"><h2>{text(sec.title)}</h2>']
    if sec.skipped:
        parts.append(f'<p class="skip">{text(sec.skipped)}</p></section>')
        return "".join(parts)
    parts += list(sec.facts.get("_html", []))          # the headline cards come before the sentences
    parts += [f"<p>{text(p)}</p>" for p in sec.text]
    for caption, fig in sec.figures:
        parts.append(figure_html(fig, figure_title(fig) or caption))     # alt text: the chart's own title
    for caption, frame in sec.tables:
        parts.append(f'<p class="caption">{text(caption)}</p>' + table_html(frame))
    return "".join(parts) + "</section>"


def page(title: str, sections: Iterable[str], extra_css: str = "", csp: str = CSP) -> str:
    """The whole document."""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n" + csp +
            '\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{text(title)}</title>\n{extra_css}{STYLE}</head><body>\n" + "\n".join(sections) +
            "\n</body></html>\n")

"""Write a notebook's key tables and figures to an output folder."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure


def save_table(table: "pd.DataFrame", output_dir: str | Path | None, name: str) -> Path | None:
    """Write ``name.csv`` as UTF-8 with BOM (so Excel in China opens it); no-op without a folder."""
    if not output_dir:
        return None
    path = Path(output_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def save_figure(fig: "Figure", output_dir: str | Path | None, name: str) -> Path | None:
    """Write ``name.png`` at the course's print resolution; no-op without a folder."""
    if not output_dir:
        return None
    path = Path(output_dir) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


def tables_to_workbook(folder: str | Path, target: str | Path) -> Path | None:
    """Collect every CSV a lesson wrote into ``folder`` into one Excel workbook, a sheet per table."""
    import pandas as pd

    csvs = sorted(Path(folder).glob("*.csv"))
    if not csvs:
        return None
    target = Path(target)
    with pd.ExcelWriter(target, engine="openpyxl") as book:
        for csv in csvs:
            pd.read_csv(csv, encoding="utf-8-sig").to_excel(book, sheet_name=csv.stem[:31], index=False)
    return target


#: Chinese fonts a manager's computer has (Windows, macOS, Linux), before the generic fallback.
CJK_CSS = """<style>
:root { --jp-content-font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
        "WenQuanYi Micro Hei", system-ui, sans-serif; --jp-ui-font-family: var(--jp-content-font-family); }
body { font-family: var(--jp-content-font-family); }
</style>
"""


def export_html(notebook: str | Path, target: str | Path) -> Path:
    """HTML of an executed notebook without code cells and without the cells
    tagged ``remove_in_report`` (exercises, widgets), images embedded."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_in_report", "solution", "exercise"}
    config.TagRemovePreprocessor.enabled = True
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    body = body.replace("</head>", CJK_CSS + "</head>", 1)
    target = Path(target)
    target.write_text(body, encoding="utf-8")
    return target

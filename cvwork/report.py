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

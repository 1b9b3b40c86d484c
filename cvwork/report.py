"""Kept for the notebooks' ``from cvwork.report import save_table, save_figure``:
the writers live in :mod:`cvwork.export`, the one writer."""
from cvwork.export import export_html, save_figure, save_table, tables_to_workbook

__all__ = ["save_table", "save_figure", "export_html", "tables_to_workbook"]

"""Reports: the lessons' writers (kept for ``from cvwork.report import save_table, save_figure``; they live
in :mod:`cvwork.export`, the one writer) and the management report of ``cvwork report INPUT``
(:func:`cvwork.report.build.management_report`)."""
from cvwork.export import export_html, save_figure, save_table, tables_to_workbook

__all__ = ["save_table", "save_figure", "export_html", "tables_to_workbook", "management_report"]


def management_report(*args, **kwargs):
    """See :func:`cvwork.report.build.management_report` (imported on first use)."""
    from cvwork.report.build import management_report as build

    return build(*args, **kwargs)

"""Read the user's sales file once per ``cvwork report --lesson NN`` run.

The command reads the file through :mod:`cvwork.io` (to fail fast and list its
products) and hands the lesson that very result: the cleaned lines as a
Parquet file in the run's private temporary folder, the
:class:`~cvwork.io.ReadAccount` of the *user's* file pickled beside it.  A cell
injected after the lesson's parameters (like papermill's own) calls
:func:`use_prepared`, so the lesson's unchanged ``read_sales(input_path)``
returns those lines with that account instead of reading a file again.

>>> import pandas as pd, tempfile
>>> from cvwork.io import clean_sales
>>> sales = clean_sales(pd.DataFrame({"客户": ["甲", "乙", None], "价税合计": [1.0, 2.0, 3.0]}))
>>> path = write_prepared(sales, tempfile.mkdtemp())
>>> again = load_prepared(path)
>>> list(again["customer"]), again.attrs["account"].rows_read, len(again.attrs["account"].excluded)
(['甲', '乙'], 3, 1)
"""
from __future__ import annotations

import functools
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from cvwork.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: the prepared copy's name in the run's temporary folder (the account sits beside it)
PREPARED = "input.parquet"
ACCOUNT_SUFFIX = ".account.pickle"
#: tag of the injected cell (removed from the HTML report with the other non-report cells)
TAG = "cvwork-handoff"


def write_prepared(sales: "pd.DataFrame", folder: str | Path) -> Path:
    """Write the lines read by :func:`cvwork.io.read_sales` and their account into ``folder``.

    Parquet keeps every canonical dtype; a frame Parquet cannot hold (a column of
    mixed numbers and text) is pickled whole instead.  Returns the path to hand on.
    """
    from cvwork.io import account_of

    account = account_of(sales)
    lines = sales.copy(deep=False)
    lines.attrs = {}
    path = Path(folder) / PREPARED
    try:
        lines.to_parquet(path, index=False)
    except Exception:  # noqa: BLE001 - pyarrow's ArrowInvalid/ArrowTypeError on mixed object columns
        path.unlink(missing_ok=True)
        path = path.with_suffix(".pickle")
        lines.to_pickle(path)
    with open(f"{path}{ACCOUNT_SUFFIX}", "wb") as handle:
        pickle.dump(account, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load_prepared(path: str | Path, required: Sequence[str] = ("customer", "amount")) -> "pd.DataFrame":
    """The frame :func:`write_prepared` wrote, with the user's file's account in ``.attrs``."""
    import pandas as pd

    path = Path(path)
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_pickle(path)
    with open(f"{path}{ACCOUNT_SUFFIX}", "rb") as handle:   # written by this run, in its private folder
        account = pickle.load(handle)  # noqa: S301
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"'{account.source}' 缺少必需列 '{missing[0]}' (missing required column '{missing[0]}'); "
                         f"文件中的列 (columns): {', '.join(map(str, account.columns)) or ', '.join(frame.columns)}")
    frame.attrs["account"] = account
    return frame


def is_prepared(path: Any) -> bool:
    """Whether ``path`` is a copy :func:`write_prepared` made (its account beside it)."""
    try:
        return Path(f"{path}{ACCOUNT_SUFFIX}").is_file()
    except (TypeError, ValueError):
        return False


def use_prepared(path: str | Path) -> None:
    """In the report's kernel: ``read_sales(path)`` returns the prepared lines.

    Any other path, or any reading option, goes to the real reader.
    """
    import cvwork.io as io

    target = Path(path).resolve()
    real = getattr(io.read_sales, "__wrapped__", io.read_sales)

    @functools.wraps(real)
    def read_sales(source, *args, **kwargs):
        options = [v for k, v in kwargs.items() if k != "required"]
        if not args and all(v is None for v in options) and isinstance(source, (str, Path)) \
                and Path(source).resolve() == target:
            return load_prepared(target, kwargs.get("required", ("customer", "amount")))
        return real(source, *args, **kwargs)

    io.read_sales = read_sales


def figure_alt_text() -> None:
    """In the report's kernel: every figure's PNG output carries the chart's title as ``alt``
    metadata (:func:`cvwork.export.export_html` writes it into the ``<img>``)."""
    import matplotlib.pyplot as plt

    plt.switch_backend(plt.get_backend())   # the inline backend registers its PNG formatter now, not at the first figure
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from cvwork.charts import figure_title

    shell = get_ipython()
    png = shell.display_formatter.formatters["image/png"] if shell is not None else None
    try:
        draw = png.lookup_by_type(Figure)
    except (AttributeError, KeyError):
        return
    if getattr(draw, "with_alt", False):
        return

    def with_alt(fig):
        data = draw(fig)
        title = figure_title(fig)
        return (data, {"alt": title}) if data is not None and title else data

    with_alt.with_alt = True
    png.for_type(Figure, with_alt)


def prepare_kernel(prepared: str | Path | None = None) -> None:
    """What the injected cell runs: figure titles as alt text, and the prepared sales lines."""
    figure_alt_text()
    if prepared is not None:
        use_prepared(prepared)


def handoff_cell(prepared: str | Path | None) -> Any:
    """The code cell the command injects after the lesson's parameters."""
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "# 由 cvwork report 插入：图表标题写进网页图片的替代文字；课程读取的是命令已经读过的销售报表（同一份数据和行账）\n"
        "# injected by cvwork report: chart titles become the images' alt text; read_sales(input_path) returns\n"
        "# the lines (and account) of the file the command already read\n"
        f"from cvwork.report.handoff import prepare_kernel\nprepare_kernel({None if prepared is None else str(prepared)!r})")
    cell.metadata["tags"] = [TAG, "remove_in_report"]
    return cell


def inject(notebook: Any, prepared: str | Path | None) -> Any:
    """A copy of ``notebook`` with :func:`handoff_cell` right after its ``parameters`` cell."""
    import copy

    nb = copy.deepcopy(notebook)
    at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
    nb.cells.insert(at + 1, handoff_cell(prepared))
    return nb


def restore_inputs(executed: str | Path, sources: dict[str, str]) -> None:
    """In an executed notebook the user keeps (``--format ipynb``): the input parameters name the
    user's files again (the outputs came from them) and the injected cell is dropped, so the
    notebook reruns after the run's temporary folder is gone."""
    import json

    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    swap = {name: path for name, path in sources.items() if is_prepared(params.get(name))}
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            for name, path in swap.items():
                cell.source = cell.source.replace(f"{name} = {json.dumps(params[name])}", f"{name} = {json.dumps(path)}")
    params.update(swap)
    nbformat.write(nb, executed)

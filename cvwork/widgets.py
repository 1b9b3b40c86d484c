"""Interactive controls that work in JupyterLab and do nothing when headless.

Tests and the output-refresh command set ``CVWORK_HEADLESS=1``; papermill
reports should too.  Then widget cells print nothing, so stored notebook
outputs stay stable.

In JupyterLab :func:`interact` shows the controls and their output, and
nothing else: no ``<function explore ...>`` line under the cell.  Each
control is described in Chinese, from :mod:`cvwork.labels` when the argument
is a canonical column, or from ``descriptions``, and the description is
given the room it needs instead of being cut off.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping

HEADLESS_ENV = "CVWORK_HEADLESS"
#: width of a control with its description and read-out
CONTROL_WIDTH = "520px"


def is_headless() -> bool:
    """True when running under tests, refresh or a report (no one to click)."""
    return os.environ.get(HEADLESS_ENV, "") not in ("", "0")


class Shown:
    """What :func:`interact` returns in JupyterLab: the live control, displaying nothing more.

    ``widget`` is the ``ipywidgets.interactive`` box (controls + output), for
    code that wants to read or move a control.
    """

    def __init__(self, widget: Any) -> None:
        self.widget = widget

    def _ipython_display_(self) -> None:   # the control is already on screen
        return None

    def __repr__(self) -> str:
        return ""


def describe(name: str, descriptions: Mapping[str, str] | None = None) -> str:
    """The Chinese description of a control: ``descriptions``, else the label dictionary.

    >>> describe("revenue_share"), describe("rows", {"rows": "显示行数"}), describe("x")
    ('收入占比', '显示行数', 'x')
    """
    from cvwork.labels import label

    return (descriptions or {}).get(name) or label(name)


def interact(func: Callable[..., Any], *, descriptions: Mapping[str, str] | None = None,
             **controls: Any) -> Shown | None:
    """``ipywidgets.interactive`` shown when a person is looking, nothing when headless.

    Controls use ipywidgets' abbreviations: ``(min, max, step)`` for a slider,
    a list for a dropdown, True/False for a check box.  ``descriptions`` maps
    argument names to Chinese descriptions for names the label dictionary
    does not know.

    >>> interact(print, x=(0, 10, 1), descriptions={"x": "数量"})   # doctest: +SKIP
    """
    if is_headless():
        return None
    import ipywidgets
    from IPython.display import display

    box = ipywidgets.interactive(func, **controls)
    for control in box.children[:-1]:
        name = getattr(control, "description", "")
        control.description = describe(name, descriptions)
        control.tooltip = name
        control.style.description_width = "initial"
        control.layout.width = CONTROL_WIDTH
    display(box)
    return Shown(box)

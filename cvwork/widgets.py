"""Interactive controls that work in JupyterLab and do nothing when headless.

Tests and the output-refresh command set ``CVWORK_HEADLESS=1``; papermill
reports should too.  Then widget cells print nothing, so stored notebook
outputs stay stable.
"""
from __future__ import annotations

import os
from typing import Any, Callable

HEADLESS_ENV = "CVWORK_HEADLESS"


def is_headless() -> bool:
    """True when running under tests, refresh or a report (no one to click)."""
    return os.environ.get(HEADLESS_ENV, "") not in ("", "0")


def interact(func: Callable[..., Any], **controls: Any) -> Any:
    """``ipywidgets.interact`` when a person is looking, nothing when headless.

    Controls use ipywidgets' abbreviations: ``(min, max, step)`` for a slider,
    a list for a dropdown.

    >>> interact(print, x=(0, 10, 1))   # doctest: +SKIP
    """
    if is_headless():
        return None
    import ipywidgets

    return ipywidgets.interact(func, **controls)

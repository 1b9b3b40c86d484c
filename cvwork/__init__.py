"""cvwork: customer value along the sales funnel (客户价值评估工作簿).

Importing the package is cheap: pandas, matplotlib, seaborn and ipywidgets are
imported only when a function that needs them is called.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "read_sales": "cvwork.io",
    "account_of": "cvwork.io",
    "load_sample": "cvwork.datasets",
    "InputError": "cvwork.errors",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cvwork' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

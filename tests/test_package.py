"""Light import, exercise checks, widgets off when headless, output writers."""
import subprocess
import sys

import pandas as pd
import pytest

from cvwork import exercises, widgets
from cvwork.report import save_figure, save_table


def test_import_is_light():
    code = ("import sys, cvwork; heavy = [m for m in ('pandas', 'matplotlib', 'seaborn', 'ipywidgets', 'numpy')"
            " if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_check_prints_verdicts(capsys):
    sales = pd.DataFrame({"customer": ["a", "b", "a"], "amount": [1, 2, 3]})
    exercises.check("00.2", 2, sales=sales)
    exercises.check("00.2", 3, sales=sales)
    exercises.check("00.2", None, sales=sales)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✓") and out[1].startswith("×") and out[2].startswith("○")
    assert exercises.is_correct("00.2", 2, sales=sales) is True


def test_widgets_do_nothing_when_headless(monkeypatch):
    monkeypatch.setenv("CVWORK_HEADLESS", "1")
    assert widgets.interact(print, x=(0, 1)) is None
    monkeypatch.setenv("CVWORK_HEADLESS", "0")
    assert not widgets.is_headless()
    seen = []
    live = widgets.interact(lambda x: seen.append(x), x=(0, 10, 2))   # what JupyterLab gets: a real control
    control = live.widget
    assert type(control).__name__ == "interactive" and control.children[0].max == 10 and seen == [4]


def test_outputs_written_only_with_folder(tmp_path):
    import matplotlib.pyplot as plt
    table = pd.DataFrame({"分段": ["1万以下"], "客户数": [3]})
    assert save_table(table, None, "t") is None
    path = save_table(table, tmp_path / "out", "t")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert pd.read_csv(path, encoding="utf-8-sig").equals(table)
    fig, _ = plt.subplots()
    assert save_figure(fig, tmp_path, "f").read_bytes()[:4] == b"\x89PNG"
    plt.close("all")


def test_a_kernel_that_dies_before_starting_is_started_again():
    """Two kernels starting together can be handed the same free port: the loser dies before running
    anything, and only that failure is retried."""
    from cvwork.nbtools import KERNEL_START, retry_kernel_start

    tries = []

    def flaky():
        tries.append(1)
        if len(tries) < 3:
            raise RuntimeError(KERNEL_START)
        return "ran"

    assert retry_kernel_start(flaky) == "ran" and len(tries) == 3
    tries.clear()
    with pytest.raises(RuntimeError, match="kernel_info"):      # gives up after ``attempts``
        retry_kernel_start(flaky, attempts=2)
    assert len(tries) == 2

    def broken():
        tries.append(1)
        raise RuntimeError("Kernel died")       # died while running cells: never run twice

    tries.clear()
    with pytest.raises(RuntimeError):
        retry_kernel_start(broken)
    assert len(tries) == 1

"""Keep the course notebooks' stored outputs fresh, and make the student edition.

    python -m cvwork.nbtools refresh [NOTEBOOK ...]   # re-run, store outputs
    python -m cvwork.nbtools student [OUT_DIR]        # solutions removed

Refresh runs headless (``CVWORK_HEADLESS=1``) with ``cwd = notebooks/``, keeps
no timings and fixes the notebook metadata, so running it twice changes
nothing.
"""
from __future__ import annotations

import copy
import os
import re
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT_DIR = ROOT / "student"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
STUB = "# 在这里写下你的答案 (write your answer here)\nanswer = None\n"


def lesson_paths() -> list[Path]:
    """Every numbered lesson, in course order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def normalise(nb):
    """Fixed metadata, no timings: what makes two runs byte-identical."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            cell.outputs = _coalesce_streams(cell.get("outputs", []))
            for out in cell.outputs:
                out.get("metadata", {}).pop("execution", None)
                _mask_addresses(out)
    return nb


def _coalesce_streams(outputs: list) -> list:
    """Join neighbouring stdout (or stderr) chunks: how a print is split into
    messages depends on timing, what it printed does not."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def _mask_addresses(output) -> None:
    """'<Styler at 0x7f..>' differs per run: store it as '0x0' (sanitize.cfg does the same)."""
    plain = output.get("data", {}).get("text/plain")
    if isinstance(plain, str):
        output["data"]["text/plain"] = re.sub(r" at 0x[0-9a-f]+", " at 0x0", plain)


#: jupyter_client gives a kernel a free port and the kernel binds it a moment later; when another
#: kernel starting at the same time takes that port first, this kernel dies before running anything
KERNEL_START = "Kernel died before replying to kernel_info"


def retry_kernel_start(run: Callable, attempts: int = 3):
    """``run()``, started again (up to ``attempts`` times) when its kernel died before starting:
    no cell had run, so nothing is done twice.

    >>> retry_kernel_start(lambda: 42)
    42
    """
    for attempt in range(attempts):
        try:
            return run()
        except RuntimeError as exc:
            if KERNEL_START not in str(exc) or attempt == attempts - 1:
                raise
    return None  # pragma: no cover - attempts >= 1


def execute(nb, cwd: Path = NOTEBOOKS, timeout: int = 600):
    """Run a notebook headless in ``cwd`` and return it normalised."""
    import nbclient

    os.environ["CVWORK_HEADLESS"] = "1"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    retry_kernel_start(lambda: nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                                       resources={"metadata": {"path": str(cwd)}}).execute())
    return normalise(nb)


def refresh(paths: list[Path] | None = None) -> list[Path]:
    """Re-execute lessons in place and store their outputs."""
    import nbformat

    done = []
    for path in paths or lesson_paths():
        nb = execute(nbformat.read(path, as_version=4), cwd=Path(path).resolve().parent)
        nbformat.write(nb, path)
        done.append(Path(path))
    return done


def student_edition(nb):
    """A copy of a lesson with each ``solution`` cell reduced to a stub and its check."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "solution" not in cell.metadata.get("tags", []):
            continue
        lines = cell.source.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("check(")), len(lines))
        cell.source = STUB + "\n".join(lines[start:])
        cell.outputs, cell.execution_count = [], None
        cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "solution"] + ["exercise"]
    return nb


def write_student(out_dir: Path = STUDENT_DIR) -> list[Path]:
    """Write the student edition of every lesson into ``out_dir``."""
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lesson_paths():
        target = out_dir / path.name
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("refresh", "student"):
        print(__doc__)
        return 2
    if argv[0] == "refresh":
        for p in refresh([Path(a) for a in argv[1:]] or None):
            print(f"已刷新 (refreshed) {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    else:
        for p in write_student(Path(argv[1]) if len(argv) > 1 else STUDENT_DIR):
            print(f"学生版 (student edition) {p}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

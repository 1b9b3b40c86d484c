"""Safe names and safe places: file and folder names every operating system accepts, legal
Excel sheet names, and report folders that never replace what the user made.

>>> safe_filename("智能门锁"), safe_filename("A4/70g")
('智能门锁', 'A4_70g_b23b07')
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import unicodedata
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from cvwork.errors import InputError

#: table name -> Chinese sheet name, in report order (the capstone report's sections)
SHEET_NAMES: dict[str, str] = {
    "summary": "摘要",
    "data_account": "数据与对账",
    "headline": "头条数字",
    "revenue_buckets": "客户分段漏斗",
    "abc_summary": "ABC 汇总",
    "rfm_segments": "RFM 客户群",
    "clv_top10": "客户价值前十",
    "nps": "NPS",
    "nps_by_segment": "分群 NPS",
    "forecast": "销售预测",
}

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}
_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def safe_filename(name: object, max_len: int = 120) -> str:
    """A file or folder name that Linux, macOS and Windows all accept, still readable.

    Characters Windows forbids (``<>:"/\\|?*`` and control characters) become
    ``_``; trailing dots and spaces go; reserved device names (CON, NUL, COM1 ...)
    get a leading ``_``; the result is at most ``max_len`` UTF-8 bytes.  Whenever
    the name had to change, a short hash of the original is appended, so two
    different names never end up as the same file name.

    >>> safe_filename("智能门锁"), safe_filename("CON"), safe_filename("a/b") != safe_filename("a_b")
    ('智能门锁', '_CON_7679a0', True)
    >>> len(safe_filename("很长的产品名" * 40).encode()) <= 120
    True
    """
    original = str(name)
    text = unicodedata.normalize("NFC", original)
    text = _ILLEGAL.sub("_", text).strip().rstrip(". ")
    if not text:
        text = "_"
    if text.split(".")[0].upper().rstrip() in _WINDOWS_RESERVED:
        text = "_" + text
    if text == original and len(text.encode("utf-8")) <= max_len:
        return text
    suffix = "_" + hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    room = max(max_len - len(suffix.encode()), 1)
    cut = text.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return (cut or "_") + suffix


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A Chinese, legal (<= 31 characters, no ``[]:*?/\\``), unique sheet name for a table.

    >>> sheet_name("revenue_buckets"), sheet_name("a/b:c", taken=["a_b_c"])
    ('客户分段漏斗', 'a_b_c (2)')
    """
    base = _SHEET_ILLEGAL.sub("_", SHEET_NAMES.get(name) or name).strip("'") or "表"
    lowered = {t.lower() for t in taken}
    candidate, i = base[:31], 1
    while candidate.lower() in lowered:
        i += 1
        candidate = f"{base[:31 - len(f' ({i})')]} ({i})"
    return candidate


#: a report folder cvwork wrote carries this file, listing what it wrote
MARKER = ".cvwork-report"
#: temporary folders (made beside the target) start with this
TMP_PREFIX = ".cvwork-tmp-"


def free_folder(root: Path, name: str) -> Path:
    """``root/name``, or ``name_2``, ``name_3`` ... when that exists: never an existing folder.

    >>> from pathlib import Path; import tempfile
    >>> tmp = Path(tempfile.mkdtemp()); (tmp / "r").mkdir()
    >>> free_folder(tmp, "r").name, free_folder(tmp, "s").name
    ('r_2', 's')
    """
    candidate, i = root / name, 1
    while candidate.exists() or candidate.is_symlink():
        i += 1
        candidate = root / f"{name}_{i}"
    return candidate


def written_by_cvwork(folder: Path) -> bool:
    """True when ``folder`` holds cvwork's marker and nothing the marker does not list."""
    import json

    try:
        listed = set(json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all(p.name in listed or p.name == MARKER for p in folder.iterdir())


def write_marker(folder: Path) -> None:
    """Mark ``folder`` as written by cvwork, listing its files."""
    import json

    files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    (folder / MARKER).write_text(json.dumps({"cvwork": "report", "files": files}, ensure_ascii=False),
                                 encoding="utf-8")


def publish(work: Path, out_root: Path, name: str, overwrite: bool) -> Path:
    """Rename the finished folder into place: a free name, or over a folder cvwork wrote (``--overwrite``)."""
    target = out_root / name
    if overwrite and target.is_dir() and written_by_cvwork(target):
        old = out_root / f"{TMP_PREFIX}old-{uuid.uuid4().hex[:8]}"
        with shielded():
            os.rename(target, old)
            os.rename(work, target)
            shutil.rmtree(old)
        return target
    target = free_folder(out_root, name)
    os.rename(work, target)
    return target


def check_out(out: Path) -> Path:
    """The output folder, checked before any work: not a file, writable (or creatable)."""
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise InputError(f"--out '{out}' 是一个文件，不是文件夹 (--out is a file, not a folder); "
                         f"请指定一个文件夹 (give a folder)")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"--out '{out}' 的上级 '{existing}' 是一个文件 (a parent of --out is a file)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"没有权限写入文件夹 '{existing}' (folder not writable: '{existing}'); "
                         f"请用 --out 指定可写的文件夹 (choose a writable folder with --out)")
    return out


def make_dirs(out: Path) -> list[Path]:
    """Create the output folder (and missing parents); return the ones created."""
    missing = []
    folder = out
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir()
    return list(reversed(missing))


def check_replaceable(target: Path) -> None:
    if target.exists() and not (target.is_dir() and written_by_cvwork(target)):
        raise InputError(f"--overwrite 不会替换 '{target}'：它不是 cvwork 写的，或里面有别的文件 "
                         f"(--overwrite replaces only a folder cvwork wrote, with no other files in it); "
                         f"去掉 --overwrite 会写到新的文件夹 (without --overwrite a new folder is used)")


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a cleanup or a rename runs, then deliver them."""
    pending = []
    handlers = {s: signal.signal(s, lambda n, f: pending.append(n)) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        if pending:
            raise KeyboardInterrupt

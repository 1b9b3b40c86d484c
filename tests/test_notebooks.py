"""Every numbered lesson: template structure, papermill runs, reproducible outputs,
student edition.  A new notebook is picked up with no edit here; lesson-specific
parameters and expected numbers live in ``lesson_cases.py``."""
import ast
import re

import nbformat
import papermill as pm
import pytest

from cvwork import nbtools
from cvwork.nbtools import retry_kernel_start
from lesson_cases import ALT_RUNS

LESSONS = nbtools.lesson_paths()
IDS = [p.stem for p in LESSONS]
CJK = re.compile(r"[\u4e00-\u9fff]")


def read(path):
    return nbformat.read(path, as_version=4)


def tagged(nb, tag):
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_template(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ") and CJK.search(first.source.splitlines()[0])
    assert "学习目标" in first.source
    params = tagged(nb, "parameters")
    assert len(params) == 1 and nb.cells.index(params[0]) == 1
    tree = ast.parse(params[0].source)
    assigned = [n for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
    assert assigned and all(isinstance(n, ast.AnnAssign) for n in assigned), "parameters need type hints"
    names = [n.target.id for n in assigned]
    assert "output_dir" in names
    for line in params[0].source.splitlines():
        assert not line.strip() or "#" in line, f"parameter without a comment: {line}"
    assert list(pm.inspect_notebook(str(path))) == names, "papermill must see every parameter"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("## 方法", "## 实操", "## 交互探索", "## 管理建议", "## 练习", "## 小结"):
        assert heading in text, f"missing section {heading}"
    solutions = tagged(nb, "solution")
    assert len(solutions) >= 2 and all("\ncheck(" in c.source for c in solutions)


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_stored_outputs_are_clean(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "run `make refresh` to store outputs"
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", c.source
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text
        ignored = "nbval-ignore-output" in c.metadata.get("tags", [])
        assert ignored == ("interact(" in c.source), "only widget cells may ignore their output"
    for c in tagged(nb, "solution"):
        assert any("✓" in o.get("text", "") for o in c.outputs), "stored solution is not correct"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_links_point_to_existing_lessons(path):
    text = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([^)]+\.ipynb)\)", text):
        assert (path.parent / target).exists(), f"broken link {target}"


@pytest.mark.parametrize("path", LESSONS[:-1], ids=IDS[:-1])
def test_summary_links_to_next_lesson(path):
    """The 小结 of every lesson but the last links to the next one."""
    nxt = LESSONS[LESSONS.index(path) + 1].name
    assert f"]({nxt})" in read(path).cells[-1].source


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_refresh_reproduces_stored_notebook(path):
    """Running the refresh on a copy gives the very notebook that is stored."""
    fresh = nbtools.execute(read(path), cwd=path.parent)
    assert nbformat.writes(fresh) == nbformat.writes(read(path)), "outputs are stale or not deterministic"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_papermill_defaults(path, tmp_path):
    retry_kernel_start(lambda: pm.execute_notebook(str(path), str(tmp_path / path.name), cwd=str(path.parent),
                                                   kernel_name="python3", progress_bar=False))


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_papermill_other_parameters(path, tmp_path):
    """Each lesson run with output_dir set (and lesson-specific inputs): files and numbers checked."""
    case = ALT_RUNS.get(path.stem[:2])
    params = {"output_dir": str(tmp_path / "out")}
    params.update(case.parameters(tmp_path) if case else {})
    out = tmp_path / path.name
    retry_kernel_start(lambda: pm.execute_notebook(str(path), str(out), parameters=params, cwd=str(path.parent),
                                                   kernel_name="python3", progress_bar=False))
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written, "output_dir was set but nothing was written"
    if case:
        case.verify(tmp_path / "out", read(out))


def test_student_edition_runs(tmp_path):
    written = nbtools.write_student(tmp_path / "student")
    assert len(written) == len(LESSONS)
    for path in written:
        nb = read(path)
        assert not tagged(nb, "solution")
        stubs = tagged(nb, "exercise")
        assert stubs and all(c.source.startswith(nbtools.STUB) for c in stubs)
        done = nbtools.execute(nb, cwd=LESSONS[0].parent)
        for c in tagged(done, "exercise"):
            assert "请先写出你的答案" in c.outputs[0]["text"]

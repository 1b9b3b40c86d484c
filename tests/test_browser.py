"""The course in a real browser: JupyterLab driven by Playwright with Debian's Chromium.

One JupyterLab server (widgets on: CVWORK_HEADLESS=0) and one page run every
lesson with Run All (two lessons at a time), then check what a learner sees:
no error output and no red stderr, no "Error displaying widget", no stray
``<function ...>`` echo, Chinese table headers and widget descriptions; the
first slider of each 交互探索 cell is moved and its output must change.  Screenshots go to ``build/browser/`` (kept by CI as artefacts).

The notebooks are opened from the repository itself with autosave off and
are never saved; a test at the end checks that no lesson file changed.
No browser is downloaded: the test skips when /usr/bin/chromium is missing.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_labels import canonical_english

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "browser"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LESSON_TIMEOUT = 480      # seconds for Run All of one lesson (lesson 13 starts a local Spark)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed "
                                "(apt-get install chromium); the browser test never downloads one")

# settings a learner's JupyterLab would have, minus what would write files or reach the network
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server at the repository root; yields its base URL and token."""
    home = tmp_path_factory.mktemp("lab")
    for name, value in SETTINGS.items():
        target = home / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "CVWORK_HEADLESS": "0", "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.expose_app_in_browser=True",
           f"--LabApp.user_settings_dir={home / 'settings'}",
           f"--LabApp.workspaces_dir={home / 'workspaces'}", "--ServerApp.port_retries=0"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (home / "server.log").read_text(errors="replace")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start in 60 s: " + (home / "server.log").read_text(errors="replace"))
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        tab.goto(f"{base}/lab?token={token}")
        tab.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=120_000)
        tab.evaluate("() => window.jupyterapp.started")
        yield tab
        browser.close()


OPEN_AND_RUN = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  window.cvwork = window.cvwork || {};
  window.cvwork[path] = {panel, done: false};
  app.commands.execute('notebook:run-all-cells').then(() => { window.cvwork[path].done = true; },
                                                       () => { window.cvwork[path].done = true; });
  return panel.content.model.cells.length;
}"""

STATE = """(path) => {
  const {panel, done} = window.cvwork[path];
  const code = Array.from(panel.content.model.cells).filter(c => c.type === 'code');
  const errors = code.map(c => c.outputs.toJSON()).flat().filter(o => o.output_type === 'error')
                     .map(o => o.ename + ': ' + o.evalue);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {done, status: kernel ? kernel.status : 'none', errors,
          pending: code.filter(c => c.executionCount === null).length};
}"""

INSPECT = """(path) => {
  const panel = window.cvwork[path].panel;
  window.jupyterapp.shell.activateById(panel.id);
  const texts = [];
  const widgetCells = [];
  const checkCells = [];
  const stderr = [];
  Array.from(panel.content.model.cells).forEach((c, i) => {
    if (c.type !== 'code') return;
    if (c.sharedModel.getSource().includes('interact(')) widgetCells.push(i);
    if (c.sharedModel.getSource().includes('\\ncheck(')) checkCells.push(i);
    for (const o of c.outputs.toJSON()) {
      if (o.text) texts.push([i, [].concat(o.text).join('')]);
      if (o.name === 'stderr') stderr.push([i, [].concat(o.text).join('')]);
      if (o.data && o.data['text/plain']) texts.push([i, [].concat(o.data['text/plain']).join('')]);
    }
  });
  const headers = Array.from(panel.node.querySelectorAll('.jp-OutputArea-output table thead th'))
                       .map(th => th.textContent.trim()).filter(t => t);
  return {texts, widgetCells, checkCells, stderr, headers, html: panel.node.innerText};
}"""


def _mark(page, path: str, index: int, name: str) -> None:
    page.evaluate("""([path, i, name]) => {
      const node = window.cvwork[path].panel.content.widgets[i].node;
      node.setAttribute('data-cvwork', name);
      node.scrollIntoView({block: 'start'});
    }""", [path, index, name])


def _close(page, path: str) -> bool:
    """Shut the lesson's kernel and close it unsaved; True if it was still unsaved (never written)."""
    return page.evaluate("""async (path) => {
      const panel = window.cvwork[path].panel;
      const unsaved = panel.context.model.dirty;
      panel.context.model.dirty = false;
      await panel.sessionContext.shutdown();
      panel.dispose();
      delete window.cvwork[path];
      return unsaved;
    }""", path)


def _wait(page, path: str) -> dict:
    deadline = time.monotonic() + LESSON_TIMEOUT
    while True:
        state = page.evaluate(STATE, path)
        if state["errors"] or (state["done"] and state["pending"] == 0 and state["status"] == "idle"):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"{path}: Run All not finished in {LESSON_TIMEOUT} s ({state})")
        time.sleep(1)


def _move_first_slider(page, stem: str) -> tuple[str, str] | None:
    cell = page.locator("[data-cvwork=widget]").last
    sliders = cell.locator(".widget-slider .noUi-target, .widget-hslider .noUi-target")
    if sliders.count() == 0:
        return None
    output = cell.locator(".widget-interact .widget-output, .widget-interact .jp-OutputArea").first
    output.wait_for(state="attached", timeout=30_000)
    time.sleep(1.0)
    before = output.inner_html()
    track = sliders.first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    handle = track.locator(".noUi-handle").first.bounding_box()
    start_x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    target_x = box["x"] + box["width"] * (0.25 if start_x > box["x"] + box["width"] * 0.6 else 0.8)
    page.mouse.move(start_x, y)
    page.mouse.down()
    page.mouse.move(target_x, y, steps=8)
    page.mouse.up()
    after = before
    for _ in range(60):
        time.sleep(0.5)
        after = output.inner_html()
        if after != before and "jp-OutputArea-output" in after:
            break
    page.screenshot(path=str(SHOTS / f"{stem}_widget.png"))
    return before, after


def _check(page, path: str, state: dict) -> list[str]:
    """What a learner would see wrong in one finished lesson; leaves screenshots behind."""
    name, stem = Path(path).name, Path(path).stem[:2]
    problems = [f"{name}: error output {state['errors'][:2]}"] if state["errors"] else []
    seen = page.evaluate(INSPECT, path)
    problems += [f"{name} cell {i}: stray {t.strip()[:60]!r}" for i, t in seen["texts"] if "<function " in t]
    problems += [f"{name} cell {i}: red stderr output {t.strip()[:80]!r}" for i, t in seen["stderr"]]
    if "Error displaying widget" in seen["html"]:
        problems.append(f"{name}: Error displaying widget")
    english = sorted({h for h in seen["headers"] if h in canonical_english()})
    if english:
        problems.append(f"{name}: English table headers {english[:6]}")
    page.evaluate("""([path, stem]) => window.cvwork[path].panel.node.setAttribute('data-cvwork-lesson', stem)""",
                  [path, stem])
    tables = page.locator(f"[data-cvwork-lesson='{stem}'] .jp-OutputArea-output table")
    if tables.count():
        tables.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{stem}_table.png"))
    if seen["checkCells"]:                      # the exercise feedback as a learner sees it
        _mark(page, path, seen["checkCells"][0], "check")
        page.screenshot(path=str(SHOTS / f"{stem}_check.png"))
    if not seen["widgetCells"]:
        return problems + [f"{name}: no 交互探索 widget cell"]
    _mark(page, path, seen["widgetCells"][0], "widget")
    names = page.locator("[data-cvwork=widget] .widget-interact .widget-label").all_inner_texts()
    english = [n for n in names if n.strip("\u200b \n\t") and not re.search(r"[\u4e00-\u9fff]", n)]
    if english:
        problems.append(f"{name}: widget descriptions not in Chinese {english}")
    moved = _move_first_slider(page, stem)
    if moved is None:
        page.screenshot(path=str(SHOTS / f"{stem}_widget.png"))
    elif moved[0] == moved[1]:
        problems.append(f"{name}: moving the first slider did not change the output")
    return problems


def test_every_lesson_runs_in_jupyterlab(page):
    """Two lessons run at a time (two kernels), each checked and closed as soon as it is done."""
    problems: list[str] = []
    paths = [f"notebooks/{p.name}" for p in LESSONS]
    running = []
    for path in paths[:2]:
        page.evaluate(OPEN_AND_RUN, path)
        running.append((path, time.monotonic()))
    queue = paths[2:]
    while running:
        path, started = running.pop(0)
        state = _wait(page, path)
        problems += _check(page, path, state)
        if not _close(page, path):
            problems.append(f"{path}: the notebook was saved during the browser run (autosave?)")
        print(f"{path}: {time.monotonic() - started:.0f} s")
        if queue:
            page.evaluate(OPEN_AND_RUN, queue[0])
            running.append((queue.pop(0), time.monotonic()))
    assert not problems, "\n".join(problems)

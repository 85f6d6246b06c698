"""The Binder path: a plain Jupyter server (as in the Binder image), configured by
``runback configure-jupyter`` (what ``binder/postBuild`` runs), under a JupyterHub-style
base URL, serving Voila pages and JupyterLab.

Checks what a runner on a phone and a student in JupyterLab would notice: the
dashboards draw; plotly's 5 MB widget code comes once from the server instead of
inside every figure's widget state (10-16 MB per page over the websocket without
it, measured here); Voila uses the runback page template; JupyterLab draws the
figures of a notebook run there through the same shim.

The server runs on a copy of the notebooks in a temporary folder, so nothing a
JupyterLab session saves can touch the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from runback_widgets.voila import bundle
from runback_widgets.voila.serverext import configure

from .harness import NOTEBOOKS, DashboardPage, Server, free_port

pytestmark = pytest.mark.browser

PREFIX = "/user/binder-test/"
TOKEN = "binder-test-token"
#: Most a page may receive over its websocket (widget state and messages); one copy
#: of plotly's widget code in a figure's state is about 5 MB.
WS_LIMIT_BYTES = 2_000_000


class HubServer(Server):
    def url(self, notebook: str, query: str = "") -> str:
        name = notebook if notebook.endswith(".ipynb") else f"{notebook}.ipynb"
        q = "&".join(p for p in (query.lstrip("?"), f"token={TOKEN}") if p)
        return f"{self.base_url}{PREFIX}voila/render/notebooks/{name}?{q}"

    def lab_url(self, notebook: str) -> str:
        return f"{self.base_url}{PREFIX}lab/tree/notebooks/{notebook}.ipynb?token={TOKEN}"

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, not Ctrl-C: on a first SIGINT Jupyter Server asks "Shutdown this Jupyter
        server (y/[n])?" and carries on, so ``Server.stop`` waited its whole timeout and sent a
        second one (25 s of every suite run). SIGTERM stops it at once, kernels included."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("binder")
    prefix = tmp / "prefix"
    configure(prefix)  # what binder/postBuild runs, into a private prefix
    root = tmp / "home"
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    log_path = tmp / "jupyter-server.log"
    env = dict(os.environ)
    env.pop(bundle.ENV, None)
    env["JUPYTER_CONFIG_PATH"] = str(prefix / "etc" / "jupyter")
    env["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    # A fresh JupyterLab user: no workspace restored from an earlier run (it reopened old
    # tabs and asked "Select Kernel"), no saved settings, own runtime files.
    for var, sub in (
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
    ):
        env[var] = str(tmp / sub)
    cmd = [
        str(Path(sys.executable).with_name("jupyter-server")),
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.base_url={PREFIX}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with open(log_path, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=str(root))
    server = HubServer(proc=proc, port=port, host="127.0.0.1", log_path=log_path, token=TOKEN)
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            pytest.fail(f"jupyter server exited with {proc.returncode}:\n{server.log()}")
        try:
            urllib.request.urlopen(f"{server.base_url}{PREFIX}api/status?token={TOKEN}", timeout=5)
            break
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                pytest.fail(f"jupyter server did not start:\n{server.log()}")
            time.sleep(0.3)
    yield server
    server.stop()


def _open(browser, url: str, viewport=None) -> tuple[DashboardPage, dict]:
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
    page = context.new_page()
    dp = DashboardPage(page=page, context=context)
    seen = {"ws_bytes": 0, "requests": []}
    page.on("console", lambda m: dp.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: dp.page_errors.append(str(e)))
    page.on("request", lambda r: (seen["requests"].append(r.url), dp.requests.append(r.url)))
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda payload: seen.__setitem__("ws_bytes", seen["ws_bytes"] + len(payload))
        ),
    )
    page.goto(url, timeout=90_000)
    return dp, seen


def test_server_extension_is_loaded(hub_server):
    log = hub_server.log()
    assert "runback_widgets.voila.serverext | extension was successfully loaded" in log, log[-3000:]
    # The route serves exactly one file.
    with urllib.request.urlopen(f"{hub_server.base_url}{PREFIX}runback/static/widgetbundle.js") as r:
        assert r.status == 200 and len(r.read()) > 1_000_000
    for other in ("plotly.min.js", "..%2F..%2Fbasewidget.py", "widgetbundle.js.map"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{hub_server.base_url}{PREFIX}runback/static/{other}")
        assert err.value.code in (403, 404)


@pytest.mark.parametrize("notebook", ["03-run-load-simulator", "01-spine-and-si-anatomy"])
def test_voila_on_binder_loads_plotly_once(browser, hub_server, notebook):
    dp, seen = _open(browser, hub_server.url(notebook), viewport={"width": 375, "height": 812})
    try:
        dp.wait_rendered()
        assert dp.wait_plots() >= 3
        bundle_requests = [u for u in seen["requests"] if "/runback/static/widgetbundle.js" in u]
        assert bundle_requests and all(u.startswith(f"{hub_server.base_url}{PREFIX}") for u in bundle_requests)
        assert seen["ws_bytes"] < WS_LIMIT_BYTES, f"{seen['ws_bytes'] / 1e6:.1f} MB over the websocket"
        # No plotly mime-renderer extension on a Voila page (FigureWidget draws it all).
        assert not [u for u in seen["requests"] if "jupyterlab-plotly" in u]
        # The equations of the lesson text are typeset by the MathJax bundled with the
        # page (Voila's server extension would fetch it from a CDN; offline, raw $$).
        if notebook == "03-run-load-simulator":
            dp.page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=30_000)
        # The runback page template: the page is the main landmark.
        assert dp.page.evaluate("document.querySelector('#rendered_cells').getAttribute('role')") == "main"
        assert dp.page_errors == []
        assert dp.console_errors() == [], (dp.console_errors(), dp.external_requests("127.0.0.1"))
        assert dp.external_requests("127.0.0.1") == []
        assert dp.error_text_on_page() == []
    finally:
        dp.close()
    print(f"\n[binder] {notebook}: {seen['ws_bytes'] / 1e6:.2f} MB over the websocket")


def test_jupyterlab_runs_a_dashboard_notebook(browser, hub_server):
    """A student opens the notebook in JupyterLab on Binder and runs it: the figures draw
    through the same served plotly code (the shim finds the server under the hub prefix)."""
    dp, seen = _open(browser, hub_server.lab_url("02-symptom-explorer"), viewport={"width": 1400, "height": 1000})
    try:
        page = dp.page
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # The notebook's kernel is up (status bar "... | Idle") before "Run All Cells".
        page.wait_for_function(
            "() => { const bar = document.querySelector('#jp-main-statusbar');"
            " return !!bar && /\\|\\s*Idle\\b/.test(bar.innerText); }",
            timeout=90_000,
        )
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(
                "() => { const f = Array.from(document.querySelectorAll('.js-plotly-plot'));"
                " return f.length >= 2 && f.every(e => e.data && e.data.length > 0 && e._fullLayout); }",
                timeout=120_000,
            )
        except Exception:
            shot = hub_server.log_path.with_name("jupyterlab-timeout.png")
            page.screenshot(path=str(shot))
            state = page.evaluate(
                "() => ({prompts: Array.from(document.querySelectorAll('.jp-InputPrompt')).map(e => e.innerText.trim()),"
                " status: (document.querySelector('.jp-Notebook-ExecutionIndicator') || {}).title || null,"
                " dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(e => e.innerText.slice(0, 200)),"
                " figures: document.querySelectorAll('.js-plotly-plot').length})"
            )
            pytest.fail(f"figures not drawn in JupyterLab: {state}; console {dp.console[-10:]}; screenshot {shot}")
        assert [u for u in seen["requests"] if f"{PREFIX}runback/static/widgetbundle.js" in u]
        assert seen["ws_bytes"] < WS_LIMIT_BYTES, f"{seen['ws_bytes'] / 1e6:.1f} MB over the websocket"
        assert dp.page_errors == []
    finally:
        dp.close()

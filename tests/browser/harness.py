"""Browser test harness: the real ``runback serve`` driven by Debian's Chromium.

Playwright cannot download a browser here, so we launch the binary of
Debian's ``chromium`` package (override with ``RUNBACK_CHROMIUM``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Console errors that are expected offline, each with why it is harmless.
CONSOLE_ALLOW = [
    # (Voila's lab template links Font Awesome from a CDN, which fails offline; the
    # runback template drops that link, so no such error is allowed any more: a page
    # makes no request beyond its server, see DashboardPage.external_requests.)
    # Voila 0.5's bundled JupyterLab 4.2 packages vs the widget extensions built
    # against newer 4.x: webpack module-federation version notices (warnings in
    # Chromium, but some builds log them as errors).
    re.compile(r"Unsatisfied version .* of shared singleton module"),
    re.compile(r"No satisfying version .* of shared module"),
]


def chromium_executable() -> str | None:
    env = os.environ.get("RUNBACK_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for cand in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"):
        if Path(cand).exists():
            return cand
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def runback_executable() -> list[str]:
    """The installed console script ``runback`` (the real entry point), next to this Python."""
    exe = Path(sys.executable).with_name("runback")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("runback")
    if found:
        return [found]
    return [sys.executable, "-m", "runback_widgets.cli"]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    host: str
    log_path: Path
    token: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, notebook: str, query: str = "") -> str:
        name = notebook if notebook.endswith(".ipynb") else f"{notebook}.ipynb"
        params = [p for p in (query.lstrip("?"), f"token={self.token}" if self.token else "") if p]
        return f"{self.base_url}/voila/render/{name}" + ("?" + "&".join(params) if params else "")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        return self.proc.returncode


def start_server(
    log_dir: Path,
    args: list[str] = (),
    host: str = "127.0.0.1",
    env: dict | None = None,
    wait_url: bool = True,
    timeout: float = 90.0,
) -> Server:
    """Start ``runback serve`` on a free port and wait until it answers."""
    port = free_port()
    log_path = log_dir / f"runback-serve-{port}.log"
    fh = open(log_path, "w")
    full_env = dict(os.environ)
    full_env.update(env or {})
    args = list(args)
    if not any(a.startswith("--max-kernels-per-visitor") for a in args):
        # Every test page comes from 127.0.0.1, like a class behind one NAT address (the
        # instructor guide's case for this option): the per-visitor cap would refuse the
        # suite's ninth page. test_serve_attacks tests the cap with its own value.
        args.append("--max-kernels-per-visitor=0")
    cmd = runback_executable() + ["serve", "--no-browser", f"--port={port}", f"--host={host}", *args]
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=full_env, cwd=str(ROOT))
    server = Server(proc=proc, port=port, host=host, log_path=log_path)
    deadline = time.monotonic() + timeout
    token = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"runback serve exited with {proc.returncode}:\n{server.log()}")
        text = server.log()
        m = re.search(r"token=([A-Za-z0-9_\-]+)", text)
        if m:
            token = m.group(1)
        if "Voil" in text and "running at" in text:
            server.token = token
            if not wait_url:
                return server
            try:
                urllib.request.urlopen(server.base_url + "/" + (f"?token={token}" if token else ""), timeout=5)
                return server
            except Exception:
                pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"runback serve did not start within {timeout} s:\n{server.log()}")


#: axe-core impacts that fail a browser test; "moderate" and "minor" are reported.
AXE_BLOCKING_IMPACTS = frozenset({"serious", "critical"})
#: Moderate rules that fail too, once fixed: "region" (all content inside a landmark;
#: the runback Voila template makes the rendered page the main landmark).
AXE_BLOCKING_RULES = frozenset({"region"})


def axe_check(page) -> tuple[list[str], list[tuple]]:
    """Run axe-core on ``page``: (blocking violations as readable lines, the others as
    (rule, impact, node count))."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING_IMPACTS or v["id"] in AXE_BLOCKING_RULES]
    others = [(v["id"], v.get("impact"), len(v["nodes"])) for v in violations if v not in blocking]
    lines = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:5]]}" for v in blocking]
    return lines, others


def notebook_names() -> list[str]:
    """Every dashboard notebook in notebooks/ (new notebooks are covered automatically)."""
    return sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def is_allowed_console_error(text: str) -> bool:
    return any(p.search(text) for p in CONSOLE_ALLOW)


@dataclass
class DashboardPage:
    """A dashboard opened in its own browser context, with what it logged."""

    page: object
    context: object
    console: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def external_requests(self, host: str) -> list[str]:
        """Requests that went anywhere but ``host`` (the server): none are expected; the
        kit works offline and sends no visitor's browser to a third party."""
        from urllib.parse import urlparse

        return [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname != host
        ]

    def console_errors(self) -> list[str]:
        return [t for (kind, t) in self.console if kind == "error" and not is_allowed_console_error(t)]

    def wait_rendered(self, timeout_ms: int = 90_000) -> None:
        """Voila has executed every cell and shown the page."""
        self.page.wait_for_function(
            "() => { const r = document.querySelector('#rendered_cells');"
            " return r && getComputedStyle(r).display !== 'none'; }",
            timeout=timeout_ms,
        )
        self.wait_settled()

    def wait_settled(self, quiet_polls: int = 15, timeout_ms: int = 60_000) -> None:
        """Widget views (and plotly FigureWidgets) render asynchronously after Voila
        shows the page: wait until the number of rendered widget/plot elements has
        stayed the same for ``quiet_polls`` consecutive 100 ms polls. Polls, not
        wall-clock time: while the page parses plotly's bundle (seconds on a busy
        machine) no poll runs, so a long busy spell does not count as quiet; and
        never while an anywidget view (FigureWidget) is still an empty placeholder.
        On timeout, carry on: the caller's own assertions then say what is missing."""
        try:
            self.page.wait_for_function(
                "(quiet) => { const all = document.querySelectorAll('.lm-Widget, .js-plotly-plot');"
                " const n = all.length;"
                # an anywidget view (plotly FigureWidget) waiting for its JS is a bare, empty div.lm-Widget
                " const pending = Array.from(all).filter(e => e.className === 'lm-Widget' && e.children.length === 0).length;"
                " if (window.__rbSettleN !== n || pending) { window.__rbSettleN = n; window.__rbSettleK = 0; return false; }"
                " window.__rbSettleK += 1; return n > 0 && window.__rbSettleK >= quiet; }",
                arg=quiet_polls,
                polling=100,
                timeout=timeout_ms,
            )
        except Exception:  # noqa: BLE001 - playwright TimeoutError; see docstring
            pass

    def wait_plots(self, timeout_ms: int = 60_000) -> int:
        """Wait until every plotly figure on the page has drawn data; return how many."""
        self.page.wait_for_function(
            "() => { const f = Array.from(document.querySelectorAll('.js-plotly-plot'));"
            " return f.length > 0 && f.every(e => e.data && e.data.length > 0 && e._fullLayout); }",
            timeout=timeout_ms,
        )
        return self.page.evaluate("document.querySelectorAll('.js-plotly-plot').length")

    def plot_data(self, index: int = 0):
        """The data (traces) of the ``index``-th plotly figure as the browser holds it."""
        return self.page.evaluate(
            "(i) => { const f = document.querySelectorAll('.js-plotly-plot')[i];"
            " return f && f.data ? JSON.parse(JSON.stringify(f.data)) : null; }",
            index,
        )

    def error_text_on_page(self) -> list[str]:
        """Python error output or tracebacks visible in the page."""
        return self.page.evaluate(
            "() => Array.from(document.querySelectorAll("
            "'.jp-RenderedText[data-mime-type=\"application/vnd.jupyter.stderr\"], .jp-OutputArea-output pre'))"
            ".map(e => e.innerText).filter(t => /Traceback|Error|Exception/.test(t))"
        ) + self.page.evaluate(
            "() => /Traceback \\(most recent call last\\)/.test(document.body.innerText) ? ['Traceback in body text'] : []"
        )

    def close(self) -> None:
        self.context.close()


#: Init script for test pages: wraps ``WebSocket`` (the kernel's channel) to record the
#: traffic, so a test can wait for a kernel round trip to finish instead of sleeping a fixed
#: time (see ``wait_kernel_quiet``). The socket itself behaves exactly as before.
WS_PROBE_JS = r"""
(() => {
  if (window.__rbWs) return;
  const st = window.__rbWs = {sent: 0, recv: 0, last: performance.now(), sentAt: 0, idleAt: 0, busyAt: 0};
  const seen = (data) => {
    st.recv += 1; st.last = performance.now();
    // A status message is small: look at the first 4 kB only (figure data can be megabytes).
    let text = '';
    if (typeof data === 'string') text = data.slice(0, 4096);
    else if (data instanceof ArrayBuffer) {
      try { text = new TextDecoder().decode(new Uint8Array(data, 0, Math.min(data.byteLength, 4096))); } catch (e) {}
    }
    const m = /"execution_state"\s*:\s*"(\w+)"/.exec(text);
    if (m && m[1] === 'idle') st.idleAt = performance.now();
    else if (m) st.busyAt = performance.now();
  };
  const Native = window.WebSocket;
  class ProbedWebSocket extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', (ev) => seen(ev.data)); }
    send(data) { st.sent += 1; st.last = st.sentAt = performance.now(); return super.send(data); }
  }
  window.WebSocket = ProbedWebSocket;
})();
"""

#: JS for ``wait_kernel_quiet``: true once the page has sent something since ``sent0``, the
#: kernel's last status is "idle" (after the page's last send), no message went either way for
#: ``quiet`` ms, and the figures' geometry has not changed for ``quiet`` ms either.
KERNEL_QUIET_JS = r"""
([sent0, quiet]) => {
  const st = window.__rbWs, now = performance.now();
  const geo = Array.from(document.querySelectorAll('.js-plotly-plot, .lm-Widget')).map(e => {
    const r = e.getBoundingClientRect(); return `${Math.round(r.left)},${Math.round(r.width)},${Math.round(r.height)}`;
  }).join(';');
  if (window.__rbGeo !== geo) { window.__rbGeo = geo; window.__rbGeoAt = now; }
  if (!st || st.sent <= sent0) return false;
  // (every request the page sends makes the kernel report busy, then idle)
  const idle = st.idleAt > st.busyAt && st.idleAt > st.sentAt;
  return idle && now - st.last >= quiet && now - window.__rbGeoAt >= quiet;
}
"""


def ws_sent(page) -> int:
    """How many messages the page has sent on its websockets (-1: no probe on this page)."""
    return page.evaluate("() => window.__rbWs ? window.__rbWs.sent : -1")


def wait_kernel_quiet(page, sent0: int, quiet_ms: int = 600, timeout_ms: int = 30_000, fallback_ms: int = 2500) -> bool:
    """After an action that talks to the kernel (``sent0 = ws_sent(page)`` taken before it):
    wait until the page has sent its message, the kernel is idle again, nothing has moved on
    the websocket or in the widgets' geometry for ``quiet_ms``. Polls, so a busy machine
    waits longer rather than checking too early. Without the probe (``sent0 == -1``) wait
    ``fallback_ms``. Returns False on timeout (the caller's assertions then run as they are)."""
    if sent0 < 0:
        page.wait_for_timeout(fallback_ms)
        return False
    try:
        page.wait_for_function(KERNEL_QUIET_JS, arg=[sent0, quiet_ms], polling=100, timeout=timeout_ms)
        return True
    except Exception:  # noqa: BLE001 - playwright TimeoutError; see docstring
        return False


def open_dashboard(
    browser, server: Server, notebook: str, viewport=None, query: str = "", wait: bool = True, timeout_ms: int = 90_000
) -> DashboardPage:
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
    context.add_init_script(WS_PROBE_JS)
    page = context.new_page()
    dp = DashboardPage(page=page, context=context)
    page.on("console", lambda m: dp.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: dp.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: dp.failed_requests.append(r.url))
    page.on("request", lambda r: dp.requests.append(r.url))
    page.goto(server.url(notebook, query), timeout=timeout_ms)
    if wait:
        dp.wait_rendered(timeout_ms)
    return dp


def start_classroom(base: Path, notebook: str, timeout: float = 300.0) -> Server:
    """``runback serve --classroom=1 --focus=<notebook>`` on a copy of that page and the index
    (2 pre-heated kernels in all: light), returned once the pool is warm."""
    folder = base / "notebooks"
    folder.mkdir()
    for name in ("index.ipynb", f"{notebook}.ipynb"):
        shutil.copy(NOTEBOOKS / name, folder / name)
    srv = start_server(base, args=[f"--notebooks={folder}", "--classroom=1", f"--focus={notebook}"], timeout=timeout)
    deadline = time.monotonic() + timeout
    while "runback: ready" not in srv.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    if "runback: ready" not in srv.log():
        srv.stop()
        raise RuntimeError(f"the --classroom pool did not get warm:\n{srv.log()[-2000:]}")
    return srv

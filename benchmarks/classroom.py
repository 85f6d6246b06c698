"""A class clicking the link at once, measured as a class.

``make bench-classroom`` (``python benchmarks/classroom.py``) starts
``runback serve --classroom N`` (no ``--focus``: the server is not told which
page the class opens) and, in the same run, plain ``voila`` on the same
notebooks. For each dashboard in turn, N **protocol visitors** arrive evenly
over ``--over`` seconds, all opening that dashboard; each does to the server
what a browser does (GET the page, kernel websocket with the v1 subprotocol,
the widget ``request_states`` handshake, one control moved, a figure's update
awaited; see ``protocol_visit``), and one **real Chromium** arrives among them
as a probe. A class's browsers run on the students' devices, not on the
server: 30 Chromiums on the server's 2 cores would measure Chromium.

Printed per server and dashboard: control answered p50 / p95 (from arrival),
lost dashboards (a page served without its widget output), the probe's time
to first plot against the same on the idle server, peak memory (PSS and RSS of
the server and its kernels, via psutil), CPU seconds, and server-log
tracebacks and IOPub timeouts. ``--validate`` compares one protocol visit
with one Chromium visit per dashboard on an idle server; ``--visitor browser``
is the earlier all-Chromium run (N browser contexts on this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import CHROMIUM_FLAGS, chromium_executable, is_allowed_console_error  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
BASELINE = ROOT / "benchmarks" / "baseline.ipynb"

#: A cheap signature of every plotly figure on the page: changes when a control
#: changes what a figure shows (trace data samples, visibility, colours, title,
#: shapes/annotations).
PLOT_SIG_JS = r"""
() => {
  const s = a => {
    if (a === undefined || a === null) return '';
    if (a.bdata) { const b = a.bdata, m = Math.floor(b.length / 2); return 'b' + b.length + b.slice(0, 24) + b.slice(m, m + 24) + b.slice(-24); }
    if (typeof a !== 'object' || a.length === undefined) return String(a);
    const n = a.length, g = i => { const v = a[i]; return (v && typeof v === 'object') ? JSON.stringify(v).slice(0, 40) : String(v); };
    if (n === 0) return '0';
    const idx = [0, 1, 2, Math.floor(n / 3), Math.floor(n / 2), Math.floor(2 * n / 3), n - 2, n - 1].filter(i => i >= 0 && i < n);
    return n + ':' + idx.map(g).join(',');
  };
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => {
    const d = (e.data || []).map(t => [t.type, t.visible, t.name, s(t.x), s(t.y), s(t.z), s(t.values), s(t.r), s(t.theta), s(t.text),
      t.marker ? s(t.marker.color) + s(t.marker.size) : '', t.line ? String(t.line.color) + String(t.line.width) : '', t.opacity, t.fillcolor].join(';')).join('|');
    const l = e.layout || {};
    const lt = [JSON.stringify(l.shapes || []).length, JSON.stringify(l.annotations || []).slice(0, 2000), l.title ? JSON.stringify(l.title).slice(0, 200) : '',
      l.xaxis ? JSON.stringify(l.xaxis.range || '') : '', l.yaxis ? JSON.stringify(l.yaxis.range || '') : ''].join(';');
    return d + '@' + lt;
  }).join('#');
}
"""

FIRST_PLOT_JS = (
    "() => { const e = document.querySelector('.js-plotly-plot');"
    " return !!(e && e.data && e.data.length > 0 && e._fullLayout); }"
)
RENDERED_JS = (
    "() => { const r = document.querySelector('#rendered_cells');"
    " return !!(r && getComputedStyle(r).display !== 'none'); }"
)


#: How to operate "a control" on each dashboard: CSS selectors tried in order;
#: the first present one is used. Sliders are moved with the keyboard (as a
#: student using keys would); checkboxes and toggle buttons clicked; selects
#: changed to another option.
def _first_symptom():
    """The symptom explorer's first symptom (ticking it changes the chart and the body map; the
    page's other controls, the detail toggle, change only text, so a visitor that moved one of
    those would wait for ever for a figure). Its ticks are one anywidget per symptom group
    (``ui/checks.py``: ``options``, ``value`` = the ticked ids)."""
    from runback_widgets.symptoms import SYMPTOMS

    return next(iter(SYMPTOMS.values()))


#: A control per dashboard that changes a figure: (model name, option id) for protocol
#: visitors; CSS selectors for the Chromium probe (CONTROLS).
#: What helps: the evidence view's topic ("Show" dropdown) redraws its chart; the other
#: controls belong to views whose charts are made only when those views are opened.
PREFERRED_CONTROL = {
    "02-symptom-explorer.ipynb": ("AnyModel", _first_symptom().id),
    "04-what-helps.ipynb": ("DropdownModel", "Show"),
}

CONTROLS = {
    "04-what-helps.ipynb": ['.widget-dropdown:has-text("Show") select'],
    "02-symptom-explorer.ipynb": [f'label:has-text("{_first_symptom().plain[:30]}") input[type=checkbox]'],
    "default": [
        ".widget-slider .noUi-handle",
        ".widget-checkbox input[type=checkbox]",
        ".widget-dropdown select",
        ".widget-toggle-button",
        ".widget-toggle-buttons button",
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


# --- servers ---------------------------------------------------------------------------------


@dataclass
class RunningServer:
    name: str
    proc: subprocess.Popen
    port: int
    log_path: Path
    started: float
    ready_s: float = 0.0

    def url(self, notebook: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


def prepare_notebooks(tmp: Path, only: list[str] | None = None) -> tuple[Path, list[str]]:
    """A folder with the dashboards to serve (and index.ipynb, which runback needs);
    ``only`` restricts it to those dashboards."""
    folder = tmp / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    dashboards = sorted(
        p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name != "index.ipynb" and not p.name.startswith(".")
    )
    if only:
        wanted = {o if o.endswith(".ipynb") else o + ".ipynb" for o in only}
        dashboards = [d for d in dashboards if d in wanted]
    for name in dashboards + ["index.ipynb"]:
        shutil.copy(NOTEBOOKS / name, folder / name)
    if not dashboards:
        shutil.copy(BASELINE, folder / BASELINE.name)
        dashboards = [BASELINE.name]
    return folder, dashboards


def start(
    name: str,
    cmd: list[str],
    port: int,
    log_dir: Path,
    ready_pattern: str,
    timeout: float = 600.0,
    env: dict | None = None,
) -> RunningServer:
    log_path = log_dir / f"{name}-{port}.log"
    fh = open(log_path, "w")
    full_env = dict(os.environ)
    full_env.update(env or {})
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=str(ROOT), env=full_env)
    srv = RunningServer(name=name, proc=proc, port=port, log_path=log_path, started=t0)
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{srv.log()[-3000:]}")
        if re.search(ready_pattern, srv.log()):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                srv.ready_s = time.monotonic() - t0
                return srv
            except Exception:  # noqa: BLE001 - not answering yet
                pass
        time.sleep(0.3)
    srv.stop()
    raise RuntimeError(f"{name} not ready within {timeout:.0f} s:\n{srv.log()[-3000:]}")


def run_help() -> str:
    """``runback serve --help`` (which options this version has)."""
    exe = Path(sys.executable).with_name("runback")
    res = subprocess.run([str(exe) if exe.exists() else "runback", "serve", "--help"], capture_output=True, text=True)
    return res.stdout


def start_runback(
    folder: Path, visitors: int, log_dir: Path, extra: list[str] = (), env: dict | None = None
) -> RunningServer:
    port = free_port()
    exe = Path(sys.executable).with_name("runback")
    cmd = [str(exe) if exe.exists() else "runback", "serve", "--no-browser", f"--port={port}", f"--notebooks={folder}"]
    # Every simulated student comes from this one machine (127.0.0.1): the
    # per-address kernel cap (a real student has their own address) is lifted.
    if "--max-kernels-per-visitor" in run_help():
        cmd.append("--max-kernels-per-visitor=0")
    if visitors:
        cmd.append(f"--classroom={visitors}")
    cmd += list(extra)
    pattern = r"runback: ready" if visitors else r"Voil.* is running at"
    return start("runback", cmd, port, log_dir, pattern, env=env)


def start_plain_voila(folder: Path, log_dir: Path) -> RunningServer:
    """Plain ``voila <folder>`` with its defaults (only port, no browser, no token prompt)."""
    port = free_port()
    exe = Path(sys.executable).with_name("voila")
    cmd = [str(exe) if exe.exists() else "voila", str(folder), f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1"]
    return start("voila", cmd, port, log_dir, r"Voil.* is running at")


# --- memory -----------------------------------------------------------------------------------


def memory(pid: int) -> dict:
    """RSS and PSS (MB) of a server process and of its kernels (its descendants)."""
    import psutil

    def mem(p):
        try:
            full = p.memory_full_info()
            return full.rss, getattr(full, "pss", full.rss)
        except (psutil.Error, OSError):
            try:
                r = p.memory_info().rss
                return r, r
            except psutil.Error:
                return 0, 0

    try:
        root = psutil.Process(pid)
        kids = root.children(recursive=True)
    except psutil.Error:
        return {"server_rss": 0, "server_pss": 0, "kernels": 0, "kernels_rss": 0, "kernels_pss": 0}
    s_rss, s_pss = mem(root)
    kernels = [k for k in kids if _is_kernel(k)]
    for other in kids:  # the server's other processes (runback's kernel parent) count as the server's
        if not _is_kernel(other):
            o_rss, o_pss = mem(other)
            s_rss, s_pss = s_rss + o_rss, s_pss + o_pss
    k = [mem(p) for p in kernels]
    mb = 1024 * 1024
    return {
        "server_rss": s_rss / mb,
        "server_pss": s_pss / mb,
        "kernels": len(kernels),
        "kernels_rss": sum(r for r, _ in k) / mb,
        "kernels_pss": sum(p for _, p in k) / mb,
    }


def _is_kernel(p) -> bool:
    try:
        return "ipykernel" in " ".join(p.cmdline())
    except Exception:  # noqa: BLE001 - process gone
        return False


def cpu_snapshot(server_pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every process involved: the server, its kernels, and
    the browser side (this script's other descendants: Playwright, Chromium)."""
    import psutil

    snap: dict[int, tuple[str, float]] = {}

    def add(p, group):
        try:
            t = p.cpu_times()
            snap[p.pid] = (group, t.user + t.system)
        except psutil.Error:
            pass

    try:
        server = psutil.Process(server_pid)
        add(server, "server")
        server_tree = {server_pid}
        for k in server.children(recursive=True):
            server_tree.add(k.pid)
            add(k, "kernels" if _is_kernel(k) else "server")
    except psutil.Error:
        server_tree = {server_pid}
    for c in psutil.Process(os.getpid()).children(recursive=True):
        if c.pid not in server_tree:
            add(c, "browser")
    # This script: the protocol visitors (on a class's own devices in a real class).
    add(psutil.Process(os.getpid()), "visitors")
    return snap


def cpu_delta(before: dict, after: dict) -> dict[str, float]:
    out = {"server": 0.0, "kernels": 0.0, "browser": 0.0, "visitors": 0.0}
    for pid, (group, t) in after.items():
        out[group] = out.get(group, 0.0) + t - before.get(pid, (group, 0.0))[1]
    return out


def kernel_pids(pid: int) -> list[int]:
    import psutil

    try:
        return [k.pid for k in psutil.Process(pid).children(recursive=True) if _is_kernel(k)]
    except psutil.Error:
        return []


# --- visitors ---------------------------------------------------------------------------------


@dataclass
class Visit:
    index: int
    notebook: str
    ok: bool = False
    error: str = ""
    t_html: float = float("nan")
    t_rendered: float = float("nan")
    t_plot: float = float("nan")
    t_interactive: float = float("nan")
    page_errors: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    lost: bool = False  # the page came without its dashboard
    kind: str = "browser"


async def operate_control(page, notebook: str) -> str:
    """Operate the first control found; return the selector used."""
    for sel in CONTROLS.get(notebook, []) + CONTROLS["default"]:
        loc = page.locator(sel)
        if await loc.count() == 0:
            continue
        el = loc.first
        if "noUi-handle" in sel:
            await el.focus()
            for _ in range(3):
                await page.keyboard.press("ArrowRight")
        elif sel.endswith("select"):
            n = await el.evaluate("e => e.options.length")
            cur = await el.evaluate("e => e.selectedIndex")
            await el.select_option(index=(cur + 1) % max(n, 1))
        else:
            await el.click()
        return sel
    raise RuntimeError("no control found on the page")


async def visit(
    browser,
    server: RunningServer,
    v: Visit,
    at: float,
    t0: float,
    timeout_s: float,
    viewport: dict,
    keep_open: asyncio.Event | None = None,
    contexts: list | None = None,
    query: str = "",
) -> Visit:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + at - loop.time()))
    ctx = await browser.new_context(viewport=viewport)
    if contexts is not None:
        contexts.append(ctx)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: v.page_errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            v.console_errors.append(m.text) if m.type == "error" and not is_allowed_console_error(m.text) else None
        ),
    )
    start = loop.time()
    ms = int(timeout_s * 1000)
    try:
        await page.goto(server.url(v.notebook, query), wait_until="commit", timeout=ms)
        v.t_html = loop.time() - start
        await page.wait_for_function(RENDERED_JS, timeout=ms, polling=100)
        v.t_rendered = loop.time() - start
        await page.wait_for_function(FIRST_PLOT_JS, timeout=ms, polling=100)
        v.t_plot = loop.time() - start
        before = await page.evaluate(PLOT_SIG_JS)
        await operate_control(page, v.notebook)
        await page.wait_for_function(f"(b) => ({PLOT_SIG_JS})() !== b", arg=before, timeout=ms, polling=100)
        v.t_interactive = loop.time() - start
        v.ok = not v.page_errors
        if v.page_errors:
            v.error = "page error: " + v.page_errors[0][:200]
    except Exception as exc:  # noqa: BLE001 - a failure of this visitor, reported
        v.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    if keep_open is not None:
        await keep_open.wait()
    if contexts is None:
        await ctx.close()
    return v


# --- protocol visitors ---------------------------------------------------------------------------
#
# What a browser does to the server, without the browser (as hubtraf and
# jupyterhub-simulator do): on a 2-core server 30 real Chromiums would measure
# Chromium (each page costs ~4.5 CPU-s of it), not the server. Each visitor:
# GET the page (Voila runs the notebook and streams the HTML), open the kernel
# websocket with the v1 subprotocol, kernel_info, the widget manager's handshake
# (comm "jupyter.widget.control", request_states -> update_states), then move
# one control (a comm "update", as a slider drag sends) and wait for a figure's
# update. ``--validate`` compares one such visit with one real Chromium visit.

WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CONTROL_PROTOCOL = "1.0.0"  # ipywidgets 8's widget control comm


def _is_figure(state: dict) -> bool:
    """plotly's FigureWidget (an anywidget model with plotly's _py2js_* traits)."""
    return state.get("_model_name") == "AnyModel" and "_py2js_restyle" in state


#: Widget models a visitor moves, in the order the benchmark prefers them.
CONTROL_KINDS = (
    "FloatSliderModel",
    "IntSliderModel",
    "DropdownModel",
    "ToggleButtonsModel",
    "RadioButtonsModel",
    "CheckboxModel",
    "ToggleButtonModel",
)


def pick_control(states: dict, notebook: str = "") -> tuple[str, dict] | None:
    """A control to move and the state that moves it (one step / the next option / a toggle):
    the dashboard's preferred control (``PREFERRED_CONTROL``) if it has one."""
    if notebook in PREFERRED_CONTROL:
        kind, option = PREFERRED_CONTROL[notebook]
        for mid, m in states.items():
            st = m["state"]
            if m["model_name"] != kind:
                continue
            if kind == "DropdownModel" and st.get("description") == option and st.get("_options_labels"):
                return mid, {"index": ((st.get("index") or 0) + 1) % len(st["_options_labels"])}
            if kind == "AnyModel" and option in (st.get("options") or []):
                ticked = list(st.get("value") or [])
                return mid, {"value": [v for v in ticked if v != option] if option in ticked else ticked + [option]}
    for kind in CONTROL_KINDS:
        for mid, m in states.items():
            st = m["state"]
            if m["model_name"] != kind or st.get("disabled"):
                continue
            if kind.endswith("SliderModel"):
                step = st.get("step") or 1
                if st["value"] + step <= st["max"]:
                    return mid, {"value": st["value"] + step}
                if st["value"] - step >= st["min"]:
                    return mid, {"value": st["value"] - step}
            elif "index" in st and st.get("_options_labels"):
                n = len(st["_options_labels"])
                if n > 1 and st["index"] is not None:
                    return mid, {"index": (st["index"] + 1) % n}
            elif "value" in st:
                return mid, {"value": not st["value"]}
    return None


def pick_random_control(states: dict, rng) -> tuple[str, dict] | None:
    """A random control and a random new state for it (a soak visitor's move)."""
    ids = [mid for mid, m in states.items() if m["model_name"] in CONTROL_KINDS and not m["state"].get("disabled")]
    if not ids:
        return None
    mid = rng.choice(ids)
    st, kind = states[mid]["state"], states[mid]["model_name"]
    if kind.endswith("SliderModel"):
        step = st.get("step") or 1
        n = int(round((st["max"] - st["min"]) / step))
        value = st["min"] + step * rng.randint(0, max(n, 0))
        return mid, {"value": int(value) if kind == "IntSliderModel" else round(value, 10)}
    if "_options_labels" in st and st.get("_options_labels"):
        return mid, {"index": rng.randrange(len(st["_options_labels"]))}
    return mid, {"value": not st.get("value")}


class KernelSocket:
    """A kernel websocket speaking the v1 protocol (jupyter_server's own (de)serializers)."""

    def __init__(self, ws, session: str):
        self.ws, self.session = ws, session

    def send(self, channel: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        import datetime
        import uuid

        from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "username": "visitor",
            "session": self.session,
            "msg_type": msg_type,
            "version": "5.4",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        parts = [json.dumps(x).encode() for x in (header, {}, metadata or {}, content)]
        self.ws.write_message(serialize_msg_to_ws_v1(parts, channel), binary=True)
        return msg_id

    async def recv(self, timeout: float) -> tuple[str, dict, dict, dict]:
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

        raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        if raw is None:
            raise ConnectionError("kernel websocket closed")
        channel, parts = deserialize_msg_from_ws_v1(raw)
        header, parent, _meta, content = (json.loads(p) for p in parts[:4])
        return channel, header, parent, content

    async def until(self, pred, deadline: float):
        loop = asyncio.get_running_loop()
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("no answer from the kernel in time")
            msg = await self.recv(left)
            if pred(*msg):
                return msg


@dataclass
class OpenPage:
    """A dashboard opened at the protocol level: its kernel socket and widget states."""

    socket: KernelSocket
    states: dict
    figures: set
    lost: bool = False


async def open_page(
    server: RunningServer, notebook: str, deadline: float, marks: dict | None = None, token: str = ""
) -> OpenPage:
    """GET the page, connect to its kernel and do the widget manager's handshake.
    ``marks`` gets loop times: "html" (page received), "states" (widget states received)."""

    from tornado.httpclient import AsyncHTTPClient

    loop = asyncio.get_running_loop()
    marks = marks if marks is not None else {}
    q = f"?token={token}" if token else ""
    # One client per visitor, as each student has their own browser (a shared
    # tornado client queues beyond 10 requests: that would be measured instead).
    client = AsyncHTTPClient(force_instance=True, max_clients=16)
    try:
        return await _open_page(server, notebook, deadline, marks, token, q, client, loop)
    finally:
        client.close()


async def _open_page(server, notebook, deadline, marks, token, q, client, loop) -> OpenPage:
    import uuid

    from tornado.websocket import websocket_connect

    resp = await client.fetch(
        server.url(notebook) + q, request_timeout=max(1.0, deadline - loop.time()), raise_error=False
    )
    if resp.code != 200:
        raise RuntimeError(f"HTTP {resp.code}")
    html = resp.body.decode("utf-8", "replace")
    marks["html"] = loop.time()
    m = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
    if not m:
        raise RuntimeError("no kernel id in the page")
    if html.count(WIDGET_VIEW) == 0:
        raise LostDashboard("page served without its dashboard (no widget output)")
    # The page's own scripts and stylesheets, as a fresh browser fetches them
    # (voila.js then loads its chunks and the widget extensions: not replayed).
    assets = sorted(set(re.findall(r'(?:src|href)="(/[^"#][^"]*\.(?:js|css)(?:\?[^"]*)?)"', html)))
    await asyncio.gather(
        *[
            client.fetch(
                f"http://127.0.0.1:{server.port}{a}",
                raise_error=False,
                request_timeout=max(1.0, deadline - loop.time()),
            )
            for a in assets
        ]
    )
    session = uuid.uuid4().hex
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{m.group(1)}/channels?session_id={session}" + (
        f"&token={token}" if token else ""
    )
    ws = await asyncio.wait_for(websocket_connect(url, subprotocols=[WS_PROTOCOL]), max(1.0, deadline - loop.time()))
    k = KernelSocket(ws, session)
    try:
        info = k.send("shell", "kernel_info_request", {})
        await k.until(lambda ch, h, p, c: h["msg_type"] == "kernel_info_reply" and p.get("msg_id") == info, deadline)
        control = uuid.uuid4().hex
        opened = k.send(
            "shell",
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": CONTROL_PROTOCOL},
        )
        await k.until(
            lambda ch, h, p, c: (
                h["msg_type"] == "status" and p.get("msg_id") == opened and c.get("execution_state") == "idle"
            ),
            deadline,
        )
        k.send("shell", "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        _, _, _, c = await k.until(
            lambda ch, h, p, c: (
                h["msg_type"] == "comm_msg"
                and c.get("comm_id") == control
                and c["data"].get("method") == "update_states"
            ),
            deadline,
        )
    except BaseException:
        ws.close()
        raise
    marks["states"] = loop.time()
    states = c["data"]["states"]
    return OpenPage(k, states, {mid for mid, st in states.items() if _is_figure(st["state"])})


class LostDashboard(RuntimeError):
    """The page came without its widget output."""


async def protocol_visit(
    server: RunningServer,
    v: Visit,
    at: float,
    t0: float,
    timeout_s: float,
    keep_open: asyncio.Event | None = None,
    token: str = "",
) -> Visit:
    """One visitor at the protocol level (times from arrival, as for a browser visit):
    t_html page received, t_rendered widget states received, t_plot = t_rendered
    when a figure is among them, t_interactive a figure updated after the control moved.
    A page whose HTML carries no widget view lost its dashboard (``v.lost``)."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + at - loop.time()))
    start = loop.time()
    deadline = start + timeout_s
    page = None
    marks: dict = {}
    try:
        page = await open_page(server, v.notebook, deadline, marks, token)
        v.t_html, v.t_rendered = marks["html"] - start, marks["states"] - start
        if not page.figures:
            raise RuntimeError("no figure among the widgets")
        v.t_plot = v.t_rendered
        pick = pick_control(page.states, v.notebook)
        if pick is None:
            raise RuntimeError("no control to move")
        mid, new_state = pick
        page.socket.send(
            "shell", "comm_msg", {"comm_id": mid, "data": {"method": "update", "state": new_state, "buffer_paths": []}}
        )
        await page.socket.until(
            lambda ch, h, p, c: (
                h["msg_type"] == "comm_msg" and c.get("comm_id") in page.figures and c["data"].get("method") == "update"
            ),
            deadline,
        )
        v.t_interactive = loop.time() - start
        v.ok = True
    except LostDashboard as exc:
        v.lost = True
        v.t_html = marks.get("html", float("nan")) - start
        v.error = f"lost dashboard: {exc}"
    except Exception as exc:  # noqa: BLE001 - a failure of this visitor, reported
        v.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    if keep_open is not None:
        await keep_open.wait()
    if page is not None:
        page.socket.ws.close()
    return v


async def sample_class(server: RunningServer, tasks: list, visits: list[Visit], t0: float) -> tuple[dict, dict]:
    """Peak memory (sampled every second) and CPU seconds until every visitor is measured."""
    loop = asyncio.get_running_loop()
    cpu0 = cpu_snapshot(server.proc.pid)
    peak = memory(server.proc.pid)
    while not all(t.done() for t in tasks) and not _all_measured(visits):
        await asyncio.sleep(1.0)
        m = memory(server.proc.pid)
        if m["server_pss"] + m["kernels_pss"] > peak["server_pss"] + peak["kernels_pss"]:
            peak = m
    cpu = cpu_delta(cpu0, cpu_snapshot(server.proc.pid))
    cpu["wall"] = loop.time() - t0
    return peak, cpu


async def run_class(
    server: RunningServer,
    dashboards: list[str],
    visitors: int,
    over_s: float,
    timeout_s: float,
    viewport: dict | None = None,
    chromium: str | None = None,
) -> tuple[list[Visit], dict]:
    """N visitors arrive evenly over ``over_s`` seconds; all stay until the last is measured."""
    from playwright.async_api import async_playwright

    viewport = viewport or {"width": 1366, "height": 900}
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium or chromium_executable(), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            loop = asyncio.get_running_loop()
            t0 = loop.time() + 0.5
            gap = over_s / max(visitors - 1, 1) if visitors > 1 else 0.0
            keep = asyncio.Event()
            contexts: list = []
            visits = [Visit(index=i, notebook=dashboards[i % len(dashboards)]) for i in range(visitors)]
            tasks = [
                asyncio.create_task(visit(browser, server, v, i * gap, t0, timeout_s, viewport, keep, contexts))
                for i, v in enumerate(visits)
            ]
            # Peak memory: sample while the class is on the pages.
            peak, cpu = await sample_class(server, tasks, visits, t0)
            keep.set()
            await asyncio.gather(*tasks)
            m = memory(server.proc.pid)
            if m["server_pss"] + m["kernels_pss"] > peak["server_pss"] + peak["kernels_pss"]:
                peak = m
            for c in contexts:
                await c.close()
        finally:
            await browser.close()
    peak["cpu"] = cpu
    return visits, peak


async def run_protocol_class(
    server: RunningServer,
    notebook: str,
    visitors: int,
    over_s: float,
    timeout_s: float,
    probe: bool = True,
    chromium: str | None = None,
) -> tuple[list[Visit], Visit | None, dict]:
    """N protocol visitors open ``notebook`` over ``over_s`` s; one real Chromium arrives
    among them (in the middle) as a probe. Peak memory sampled while they are on the page."""
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5
    gap = over_s / max(visitors - 1, 1) if visitors > 1 else 0.0
    keep = asyncio.Event()
    visits = [Visit(index=i, notebook=notebook, kind="protocol") for i in range(visitors)]
    tasks = [asyncio.create_task(protocol_visit(server, v, i * gap, t0, timeout_s, keep)) for i, v in enumerate(visits)]
    probe_visit = None
    pw = browser = None
    if probe:
        from playwright.async_api import async_playwright

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(
            executable_path=chromium or chromium_executable(), args=CHROMIUM_FLAGS, headless=True
        )
        probe_visit = Visit(index=visitors, notebook=notebook)
        tasks.append(
            asyncio.create_task(
                visit(browser, server, probe_visit, over_s / 2, t0, timeout_s, {"width": 1366, "height": 900}, keep, [])
            )
        )
    try:
        peak, cpu = await sample_class(server, tasks, visits + ([probe_visit] if probe_visit else []), t0)
        keep.set()
        await asyncio.gather(*tasks)
    finally:
        keep.set()
        if browser is not None:
            await browser.close()
        if pw is not None:
            await pw.stop()
    peak["cpu"] = cpu
    return visits, probe_visit, peak


async def idle_probe(server: RunningServer, notebook: str, timeout_s: float, chromium: str | None = None) -> Visit:
    """One real Chromium visit on the idle server: the yardstick for the probe among the class."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium or chromium_executable(), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            v = Visit(index=-1, notebook=notebook)
            loop = asyncio.get_running_loop()
            return await visit(browser, server, v, 0.0, loop.time(), timeout_s, {"width": 1366, "height": 900})
        finally:
            await browser.close()


async def validate(server: RunningServer, notebooks: list[str], timeout_s: float) -> list[dict]:
    """One real Chromium visit and one protocol visit per dashboard, one after the other on an
    idle server: both must get the control answered; compares times and server+kernel CPU."""
    rows = []
    loop = asyncio.get_running_loop()
    for nb in notebooks:
        row = {"notebook": nb}
        for kind in ("browser", "protocol"):
            before = cpu_snapshot(server.proc.pid)
            if kind == "browser":
                v = await idle_probe(server, nb, timeout_s)
            else:
                v = await protocol_visit(
                    server, Visit(index=0, notebook=nb, kind="protocol"), 0.0, loop.time(), timeout_s
                )
            d = cpu_delta(before, cpu_snapshot(server.proc.pid))
            row[kind] = {
                "ok": v.ok,
                "error": v.error,
                "html_s": v.t_html,
                "answered_s": v.t_interactive,
                "server_cpu_s": d["server"],
                "kernels_cpu_s": d["kernels"],
            }
            await asyncio.sleep(2.0)
        rows.append(row)
    return rows


def summarize_protocol(
    name: str,
    visits: list[Visit],
    probe: Visit | None,
    idle: Visit | None,
    mem_idle: dict,
    mem_peak: dict,
    mem_after: dict | None,
    ready_s: float,
) -> dict:
    ok = [v for v in visits if v.ok]
    answered = [v.t_interactive for v in ok]
    return {
        "server": name,
        "notebook": visits[0].notebook if visits else "",
        "visitors": len(visits),
        "ok": len(ok),
        "lost_dashboards": sum(v.lost for v in visits),
        "failures": len(visits) - len(ok),
        "answered_p50": statistics.median(answered) if answered else float("nan"),
        "answered_p95": pct(answered, 95),
        "answered_max": max(answered) if answered else float("nan"),
        "html_p50": statistics.median([v.t_html for v in ok]) if ok else float("nan"),
        "probe_plot_s": probe.t_plot if probe else float("nan"),
        "probe_error": probe.error if probe else "",
        "idle_plot_s": idle.t_plot if idle else float("nan"),
        "ready_s": ready_s,
        "mem_idle": mem_idle,
        "mem_peak": mem_peak,
        "mem_after": mem_after,
        "errors": [f"#{v.index}: {v.error}" for v in visits if not v.ok][:8],
        # Per visitor, in arrival order: page HTML, widget states, control answered (s from arrival).
        "timeline": [[round(v.t_html, 2), round(v.t_rendered, 2), round(v.t_interactive, 2)] for v in visits],
    }


def report_protocol(s: dict) -> str:
    ratio = (
        s["probe_plot_s"] / s["idle_plot_s"]
        if s["idle_plot_s"] == s["idle_plot_s"] and s["idle_plot_s"]
        else float("nan")
    )
    peak = s["mem_peak"]
    lines = [
        f"== {s['server']} | {s['visitors']} protocol visitors on {s['notebook']} (server ready after {s['ready_s']:.0f} s)",
        f"   control answered p50 {s['answered_p50']:.1f} s  p95 {s['answered_p95']:.1f} s  max {s['answered_max']:.1f} s"
        f"   (page HTML p50 {s['html_p50']:.1f} s); {s['ok']}/{s['visitors']} answered, {s['lost_dashboards']} lost dashboards",
        f"   Chromium probe among them: first plot {s['probe_plot_s']:.1f} s vs {s['idle_plot_s']:.1f} s idle ({ratio:.1f}x)"
        + (f"  [probe: {s['probe_error']}]" if s["probe_error"] else ""),
        f"   peak memory {(peak['server_pss'] + peak['kernels_pss']) / 1024:.2f} GB PSS, "
        f"{(peak['server_rss'] + peak['kernels_rss']) / 1024:.2f} GB RSS ({peak['kernels']} kernels)",
        "   CPU seconds while the class arrived ({wall:.0f} s wall): server {server:.0f}, kernels {kernels:.0f}, "
        "Chromium probe {browser:.0f}, protocol visitors {visitors:.0f}".format(
            **{"wall": 0, "server": 0, "kernels": 0, "browser": 0, "visitors": 0, **peak.get("cpu", {})}
        ),
        f"   memory idle {fmt_mem(s['mem_idle'])}",
        f"   memory after {fmt_mem(s['mem_after'])}",
    ]
    lines += [f"   failure {e}" for e in s["errors"]]
    return "\n".join(lines)


def _pss(m: dict) -> float:
    return m.get("server_pss", 0) + m.get("kernels_pss", 0)


def bench_protocol(kind: str, folder: Path, notebook: str, args, log_dir: Path) -> dict:
    srv = start_runback(folder, args.visitors, log_dir) if kind == "runback" else start_plain_voila(folder, log_dir)
    try:
        time.sleep(2.0)
        idle_mem = memory(srv.proc.pid)
        idle = asyncio.run(idle_probe(srv, notebook, args.timeout)) if args.probe else None
        # The yardstick visit took a kernel; let the server settle (and a pool refill) first.
        time.sleep(args.settle)
        visits, probe, peak = asyncio.run(
            run_protocol_class(srv, notebook, args.visitors, args.over, args.timeout, probe=args.probe)
        )
        time.sleep(args.settle)
        after = memory(srv.proc.pid)
        # The class is still there after it arrived (its kernels, the pools refilled): the
        # class's peak is the larger of the two.
        if after and peak and _pss(after) > _pss(peak):
            peak = {**after, "cpu": peak.get("cpu")}
        name = f"runback serve --classroom {args.visitors}" if kind == "runback" else "plain voila"
        s = summarize_protocol(name, visits, probe, idle, idle_mem, peak, after, srv.ready_s)
        s["server_tracebacks"] = srv.log().count("Traceback (most recent call last)")
        s["iopub_timeouts"] = srv.log().count("Timeout waiting for IOPub output")
        return s
    finally:
        srv.stop()


def _all_measured(visits: list[Visit]) -> bool:
    return all(v.ok or v.error for v in visits)


def summarize(
    name: str, visits: list[Visit], mem_idle: dict, mem_peak: dict, mem_after: dict | None, ready_s: float
) -> dict:
    ok = [v for v in visits if v.ok]
    tti = [v.t_interactive for v in ok]
    phase = {
        k: statistics.median([getattr(v, k) for v in ok]) if ok else float("nan")
        for k in ("t_html", "t_rendered", "t_plot", "t_interactive")
    }
    return {
        "server": name,
        "visitors": len(visits),
        "ok": len(ok),
        "failures": len(visits) - len(ok),
        "tti_median": statistics.median(tti) if tti else float("nan"),
        "tti_p95": pct(tti, 95),
        "tti_max": max(tti) if tti else float("nan"),
        "phase_medians": phase,
        "ready_s": ready_s,
        "mem_idle": mem_idle,
        "mem_peak": mem_peak,
        "mem_after": mem_after,
        "errors": [f"#{v.index} {v.notebook}: {v.error}" for v in visits if not v.ok][:10],
        "console_errors": sorted({e[:160] for v in visits for e in v.console_errors})[:5],
        "per_notebook": {
            nb: statistics.median([v.t_interactive for v in ok if v.notebook == nb])
            if any(v.notebook == nb for v in ok)
            else None
            for nb in sorted({v.notebook for v in visits})
        },
    }


def fmt_mem(m: dict | None) -> str:
    if not m:
        return "n/a"
    return (
        f"server {m['server_rss']:.0f} MB RSS; {m['kernels']} kernels {m['kernels_rss']:.0f} MB RSS / "
        f"{m['kernels_pss']:.0f} MB PSS (total PSS {m['server_pss'] + m['kernels_pss']:.0f} MB)"
    )


def report(s: dict) -> str:
    ph = s["phase_medians"]
    lines = [
        f"== {s['server']}: {s['ok']}/{s['visitors']} interactive, {s['failures']} failures (server ready after {s['ready_s']:.1f} s)",
        f"   time-to-interactive  median {s['tti_median']:.1f} s   p95 {s['tti_p95']:.1f} s   max {s['tti_max']:.1f} s",
        f"   phase medians: HTML {ph['t_html']:.1f} s, cells shown {ph['t_rendered']:.1f} s, first plot {ph['t_plot']:.1f} s, control answered {ph['t_interactive']:.1f} s",
        "   per notebook median: "
        + ", ".join(f"{k} {v:.1f} s" if v is not None else f"{k} -" for k, v in s["per_notebook"].items()),
        "   CPU seconds while the class arrived ({wall:.0f} s wall, {n} cores): server {server:.0f}, kernels {kernels:.0f}, "
        "browser (Chromium, all visitors) {browser:.0f}".format(
            n=os.cpu_count(), **s["mem_peak"].get("cpu", {"wall": 0, "server": 0, "kernels": 0, "browser": 0})
        ),
        f"   memory idle:  {fmt_mem(s['mem_idle'])}",
        f"   memory peak:  {fmt_mem(s['mem_peak'])}",
        f"   memory after: {fmt_mem(s['mem_after'])}",
    ]
    for e in s["errors"]:
        lines.append(f"   failure {e}")
    for e in s["console_errors"]:
        lines.append(f"   console error: {e}")
    return "\n".join(lines)


def _dashboard_named(name: str, dashboards: list[str]) -> str:
    """``--dashboard`` as typed: a notebook name, or any unique start of one ("01", "03-run")."""
    hits = [d for d in dashboards if d == name or d.startswith(name)]
    if len(hits) != 1:
        raise SystemExit(f"--dashboard {name!r}: expected one of {', '.join(dashboards)} (or a unique start of one)")
    return hits[0]


def bench_one(kind: str, folder: Path, dashboards: list[str], args, log_dir: Path) -> dict:
    if kind == "runback":
        srv = start_runback(folder, args.visitors, log_dir)
    else:
        srv = start_plain_voila(folder, log_dir)
    try:
        time.sleep(2.0)
        idle = memory(srv.proc.pid)
        visits, peak = asyncio.run(run_class(srv, dashboards, args.visitors, args.over, args.timeout))
        time.sleep(args.settle)
        after = memory(srv.proc.pid)
        summary = summarize(
            kind if kind != "runback" else f"runback serve --classroom {args.visitors}",
            visits,
            idle,
            peak,
            after,
            srv.ready_s,
        )
        tb = srv.log().count("Traceback (most recent call last)")
        summary["server_tracebacks"] = tb
        return summary
    finally:
        srv.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visitors", "-n", type=int, default=30, help="visitors (default 30)")
    ap.add_argument("--over", type=float, default=10.0, help="seconds over which they arrive (default 10)")
    ap.add_argument("--timeout", type=float, default=240.0, help="per-visitor timeout in seconds (default 240)")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds to settle before and after the class")
    ap.add_argument("--only", choices=["runback", "voila"], help="run one server only")
    ap.add_argument(
        "--visitor",
        choices=["protocol", "browser"],
        default="protocol",
        help="protocol visitors + one Chromium probe (default), or every visitor a Chromium",
    )
    ap.add_argument(
        "--dashboard",
        action="append",
        help="the dashboard the whole class opens (repeatable; default: each dashboard in turn)",
    )
    ap.add_argument(
        "--no-probe", dest="probe", action="store_false", help="no Chromium probe among the protocol visitors"
    )
    ap.add_argument(
        "--validate",
        action="store_true",
        help="compare one protocol visit with one Chromium visit per dashboard on an idle server, then stop",
    )
    ap.add_argument("--json", help="also write the summaries to this JSON file")
    args = ap.parse_args(argv)

    if (args.visitor == "browser" or args.probe or args.validate) and not chromium_executable():
        print("classroom: Chromium not found (install Debian's chromium or set RUNBACK_CHROMIUM)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="runback-classroom-"))
    folder, dashboards = prepare_notebooks(tmp)
    results = []
    if args.validate:
        srv = start_runback(folder, 0, tmp)
        try:
            rows = asyncio.run(validate(srv, dashboards, args.timeout))
        finally:
            srv.stop()
        for r in rows:
            b, p = r["browser"], r["protocol"]
            print(
                f"validate {r['notebook']}: Chromium ok={b['ok']} answered {b['answered_s']:.1f} s, server+kernel CPU "
                f"{b['server_cpu_s'] + b['kernels_cpu_s']:.2f} s | protocol ok={p['ok']} answered {p['answered_s']:.1f} s, "
                f"server+kernel CPU {p['server_cpu_s'] + p['kernels_cpu_s']:.2f} s"
                + (f" | errors: {b['error']} {p['error']}" if b["error"] or p["error"] else ""),
                flush=True,
            )
        results = rows
    elif args.visitor == "browser":
        print(
            f"classroom: {args.visitors} Chromium visitors over {args.over:.0f} s, rotating over {', '.join(dashboards)}; "
            f"{os.cpu_count()} CPU cores; logs in {tmp}",
            flush=True,
        )
        for kind in ("runback", "voila"):
            if args.only and kind != args.only:
                continue
            s = bench_one(kind, folder, dashboards, args, tmp)
            results.append(s)
            print(report(s), flush=True)
            print(f"   server log tracebacks: {s['server_tracebacks']}", flush=True)
    else:
        wanted = [_dashboard_named(d, dashboards) for d in (args.dashboard or dashboards)]
        print(
            f"classroom: {args.visitors} protocol visitors over {args.over:.0f} s, the whole class on one dashboard "
            f"({', '.join(wanted)} in turn), {'one Chromium probe among them; ' if args.probe else ''}"
            f"{os.cpu_count()} CPU cores; logs in {tmp}",
            flush=True,
        )
        for nb in wanted:
            for kind in ("runback", "voila"):
                if args.only and kind != args.only:
                    continue
                s = bench_protocol(kind, folder, nb, args, tmp)
                results.append(s)
                print(report_protocol(s), flush=True)
                print(
                    f"   server log: {s['server_tracebacks']} tracebacks, {s['iopub_timeouts']} IOPub timeouts",
                    flush=True,
                )
        rb = [r for r in results if r["server"].startswith("runback")]
        met = rb and all(
            r["answered_p95"] <= 2.0
            and (not args.probe or r["probe_plot_s"] <= 2.0 * r["idle_plot_s"])
            and r["lost_dashboards"] == 0
            and r["failures"] == 0
            and r["mem_peak"]["server_pss"] + r["mem_peak"]["kernels_pss"] <= 3 * 1024
            for r in rb
        )
        print(
            f"classroom: target (runback: control answered p95 <= 2 s, 0 lost, probe <= 2x idle, peak <= 3 GB) "
            f"{'MET' if met else 'NOT met'}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

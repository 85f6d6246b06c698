"""A class clicking the link at once: time-to-interactive for N visitors.

``make bench-classroom`` (or ``python benchmarks/classroom.py --visitors 30 --over 10``)
starts ``runback serve --classroom N`` and, in the same run, plain ``voila`` on
the same notebooks. For each server, N visitors arrive evenly over ``--over``
seconds; each is a fresh Chromium context (one browser, many contexts, driven
concurrently with Playwright's asyncio API) that opens a dashboard (rotating
over the dashboards in notebooks/, or benchmarks/baseline.ipynb when there are
none), waits until its first plotly figure is drawn, then operates a control
and waits until a figure changes. Time-to-interactive runs from navigation to
that change.

Printed per server: median / p95 / max time-to-interactive, phase medians
(HTML arrived, cells rendered, first plot, control answered), failures, and
memory of the server process and its kernels (RSS and PSS, via psutil) when
idle, at the peak and after the visitors left.
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
CONTROLS = {
    "default": [".widget-slider .noUi-handle", ".widget-checkbox input[type=checkbox]", ".widget-dropdown select",
                ".widget-toggle-button", ".widget-toggle-buttons button"],
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
    dashboards = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name != "index.ipynb" and not p.name.startswith("."))
    if only:
        wanted = {o if o.endswith(".ipynb") else o + ".ipynb" for o in only}
        dashboards = [d for d in dashboards if d in wanted]
    for name in dashboards + ["index.ipynb"]:
        shutil.copy(NOTEBOOKS / name, folder / name)
    if not dashboards:
        shutil.copy(BASELINE, folder / BASELINE.name)
        dashboards = [BASELINE.name]
    return folder, dashboards


def start(name: str, cmd: list[str], port: int, log_dir: Path, ready_pattern: str, timeout: float = 600.0,
          env: dict | None = None) -> RunningServer:
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


def start_runback(folder: Path, visitors: int, log_dir: Path, extra: list[str] = (), env: dict | None = None) -> RunningServer:
    port = free_port()
    exe = Path(sys.executable).with_name("runback")
    cmd = [str(exe) if exe.exists() else "runback", "serve", "--no-browser", f"--port={port}", f"--notebooks={folder}"]
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
    k = [mem(p) for p in kernels]
    mb = 1024 * 1024
    return {
        "server_rss": s_rss / mb, "server_pss": s_pss / mb, "kernels": len(kernels),
        "kernels_rss": sum(r for r, _ in k) / mb, "kernels_pss": sum(p for _, p in k) / mb,
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
    return snap


def cpu_delta(before: dict, after: dict) -> dict[str, float]:
    out = {"server": 0.0, "kernels": 0.0, "browser": 0.0}
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


async def visit(browser, server: RunningServer, v: Visit, at: float, t0: float, timeout_s: float,
                viewport: dict, keep_open: asyncio.Event | None = None, contexts: list | None = None,
                query: str = "") -> Visit:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + at - loop.time()))
    ctx = await browser.new_context(viewport=viewport)
    if contexts is not None:
        contexts.append(ctx)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: v.page_errors.append(str(e)))
    page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" and not is_allowed_console_error(m.text) else None)
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


async def run_class(server: RunningServer, dashboards: list[str], visitors: int, over_s: float, timeout_s: float,
                    viewport: dict | None = None, chromium: str | None = None) -> tuple[list[Visit], dict]:
    """N visitors arrive evenly over ``over_s`` seconds; all stay until the last is measured."""
    from playwright.async_api import async_playwright

    viewport = viewport or {"width": 1366, "height": 900}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium or chromium_executable(), args=CHROMIUM_FLAGS, headless=True)
        try:
            loop = asyncio.get_running_loop()
            t0 = loop.time() + 0.5
            gap = over_s / max(visitors - 1, 1) if visitors > 1 else 0.0
            keep = asyncio.Event()
            contexts: list = []
            visits = [Visit(index=i, notebook=dashboards[i % len(dashboards)]) for i in range(visitors)]
            tasks = [asyncio.create_task(visit(browser, server, v, i * gap, t0, timeout_s, viewport, keep, contexts))
                     for i, v in enumerate(visits)]
            # Peak memory: sample while the class is on the pages.
            cpu0 = cpu_snapshot(server.proc.pid)
            peak = memory(server.proc.pid)
            while not all(t.done() for t in tasks) and not _all_measured(visits):
                await asyncio.sleep(1.0)
                m = memory(server.proc.pid)
                if m["server_pss"] + m["kernels_pss"] > peak["server_pss"] + peak["kernels_pss"]:
                    peak = m
            cpu = cpu_delta(cpu0, cpu_snapshot(server.proc.pid))
            cpu["wall"] = loop.time() - t0
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


def _all_measured(visits: list[Visit]) -> bool:
    return all(v.ok or v.error for v in visits)


def summarize(name: str, visits: list[Visit], mem_idle: dict, mem_peak: dict, mem_after: dict | None, ready_s: float) -> dict:
    ok = [v for v in visits if v.ok]
    tti = [v.t_interactive for v in ok]
    phase = {k: statistics.median([getattr(v, k) for v in ok]) if ok else float("nan")
             for k in ("t_html", "t_rendered", "t_plot", "t_interactive")}
    return {
        "server": name, "visitors": len(visits), "ok": len(ok), "failures": len(visits) - len(ok),
        "tti_median": statistics.median(tti) if tti else float("nan"), "tti_p95": pct(tti, 95), "tti_max": max(tti) if tti else float("nan"),
        "phase_medians": phase, "ready_s": ready_s,
        "mem_idle": mem_idle, "mem_peak": mem_peak, "mem_after": mem_after,
        "errors": [f"#{v.index} {v.notebook}: {v.error}" for v in visits if not v.ok][:10],
        "console_errors": sorted({e[:160] for v in visits for e in v.console_errors})[:5],
        "per_notebook": {nb: statistics.median([v.t_interactive for v in ok if v.notebook == nb]) if any(v.notebook == nb for v in ok) else None
                         for nb in sorted({v.notebook for v in visits})},
    }


def fmt_mem(m: dict | None) -> str:
    if not m:
        return "n/a"
    return (f"server {m['server_rss']:.0f} MB RSS; {m['kernels']} kernels {m['kernels_rss']:.0f} MB RSS / "
            f"{m['kernels_pss']:.0f} MB PSS (total PSS {m['server_pss'] + m['kernels_pss']:.0f} MB)")


def report(s: dict) -> str:
    ph = s["phase_medians"]
    lines = [
        f"== {s['server']}: {s['ok']}/{s['visitors']} interactive, {s['failures']} failures (server ready after {s['ready_s']:.1f} s)",
        f"   time-to-interactive  median {s['tti_median']:.1f} s   p95 {s['tti_p95']:.1f} s   max {s['tti_max']:.1f} s",
        f"   phase medians: HTML {ph['t_html']:.1f} s, cells shown {ph['t_rendered']:.1f} s, first plot {ph['t_plot']:.1f} s, control answered {ph['t_interactive']:.1f} s",
        f"   per notebook median: " + ", ".join(f"{k} {v:.1f} s" if v is not None else f"{k} -" for k, v in s["per_notebook"].items()),
        "   CPU seconds while the class arrived ({wall:.0f} s wall, {n} cores): server {server:.0f}, kernels {kernels:.0f}, "
        "browser (Chromium, all visitors) {browser:.0f}".format(n=os.cpu_count(), **s["mem_peak"].get("cpu", {"wall": 0, "server": 0, "kernels": 0, "browser": 0})),
        f"   memory idle:  {fmt_mem(s['mem_idle'])}",
        f"   memory peak:  {fmt_mem(s['mem_peak'])}",
        f"   memory after: {fmt_mem(s['mem_after'])}",
    ]
    for e in s["errors"]:
        lines.append(f"   failure {e}")
    for e in s["console_errors"]:
        lines.append(f"   console error: {e}")
    return "\n".join(lines)


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
        summary = summarize(kind if kind != "runback" else f"runback serve --classroom {args.visitors}", visits, idle, peak, after, srv.ready_s)
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
    ap.add_argument("--settle", type=float, default=3.0, help="seconds after the class left before measuring memory")
    ap.add_argument("--only", choices=["runback", "voila"], help="run one server only")
    ap.add_argument("--json", help="also write the summaries to this JSON file")
    args = ap.parse_args(argv)

    if not chromium_executable():
        print("classroom: Chromium not found (install Debian's chromium or set RUNBACK_CHROMIUM)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="runback-classroom-"))
    folder, dashboards = prepare_notebooks(tmp)
    print(f"classroom: {args.visitors} visitors over {args.over:.0f} s, rotating over {', '.join(dashboards)}; "
          f"{os.cpu_count()} CPU cores; logs in {tmp}", flush=True)
    results = []
    for kind in ("runback", "voila"):
        if args.only and kind != args.only:
            continue
        print(f"classroom: running {kind} ...", flush=True)
        s = bench_one(kind, folder, dashboards, args, tmp)
        results.append(s)
        print(report(s), flush=True)
        print(f"   server log tracebacks: {s['server_tracebacks']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    target_ok = all(r["failures"] == 0 for r in results if r["server"].startswith("runback")) and all(
        r["tti_p95"] <= 10.0 for r in results if r["server"].startswith("runback"))
    print(f"classroom: target (runback p95 <= 10 s, 0 failures) {'MET' if target_ok else 'NOT met'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

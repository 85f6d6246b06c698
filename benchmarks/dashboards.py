"""Dashboard benchmarks (``make bench``): figures, not timed tests.

Starts the real ``runback serve`` on a temporary copy of ``notebooks/`` plus
``benchmarks/baseline.ipynb`` (a one-slider FigureWidget notebook), drives
Debian's Chromium through Playwright and measures, for every page in one run:

* time to first plot: from navigation start (the page's ``performance``
  clock) to the first moment every plotly figure on the page holds drawn data;
  median and max of ``--runs`` loads, each in a fresh browser context (so a
  fresh kernel). Pages without a figure report only "rendered" (Voila done).
* layer toggle (anatomy): click on a layer checkbox to the first painted frame
  showing the 3D figure's new visibility (target <= 300 ms median; median and p95),
  and to the last redraw of that figure (a kernel echo included); with the plotly
  calls the clicks caused (what reached the figure) and the load average;
* slider latency: key press (ArrowRight/Left on the first visible ipywidgets
  slider handle) to the next ``plotly_afterplot`` of any figure on the page
  (falling back to the last DOM mutation inside a figure); median and p95 of
  ``--moves`` moves.

Prints a table with ratios against the baseline and the targets as pass/fail
(time to first plot <= 1.5x baseline; slider median <= 100 ms). Nothing is
asserted. Results also go to ``benchmarks/results/dashboards-<time>.json``.

    python benchmarks/dashboards.py [--runs 5] [--moves 20] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import CHROMIUM_FLAGS, chromium_executable, start_server  # noqa: E402

BASELINE = "baseline"
BASELINE_SERVED = "baseline-served-bundle"
TTI_RATIO_TARGET = 1.5
SLIDER_MEDIAN_TARGET_MS = 100.0
VIEWPORT = {"width": 1366, "height": 900}

JS_RENDERED = """() => { const r = document.querySelector('#rendered_cells');
  return !!(r && getComputedStyle(r).display !== 'none'); }"""

JS_PLOTS_DRAWN = """() => { const f = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return f.length > 0 && f.every(e => e.data && e.data.length > 0 && e._fullLayout); }"""

#: Installed before any page script: records on the page's clock (ms since
#: navigation start) when Voila finished rendering, when the first figure held
#: drawn data, and when every figure did.
JS_MARKS = """(() => {
  if (window.top !== window) return;
  const m = window.__benchMarks = {};
  const drawn = e => e.data && e.data.length > 0 && e._fullLayout;
  const tick = () => {
    const now = performance.now();
    const r = document.querySelector('#rendered_cells');
    if (!m.rendered && r && getComputedStyle(r).display !== 'none') m.rendered = now;
    const f = Array.from(document.querySelectorAll('.js-plotly-plot'));
    if (!m.first_plot && f.some(drawn)) m.first_plot = now;
    if (m.rendered && f.length > 0 && f.every(drawn)) { if (!m.all_plots || f.length > m.figures) { m.all_plots = now; m.figures = f.length; } }
    if (!m.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""

SLIDER_HANDLE = ".widget-slider .noUi-handle:visible"

#: Arms a promise: the time from the next keydown to the next plotly_afterplot
#: (or, failing that, to the last mutation inside a figure after 300 ms of quiet).
JS_ARM = """(timeoutMs) => {
  const figs = Array.from(document.querySelectorAll('.js-plotly-plot'));
  window.__benchResult = new Promise((resolve) => {
    let t0 = null, tMut = null, done = false, quiet = null;
    const finish = (ms, how) => { if (done) return; done = true; cleanup(); resolve({ms, how}); };
    const onKey = () => { if (t0 === null) t0 = performance.now(); };
    const onPlot = () => { if (t0 !== null) finish(performance.now() - t0, 'afterplot'); };
    const mo = new MutationObserver(() => {
      if (t0 === null) return;
      tMut = performance.now();
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(tMut - t0, 'mutation'), 300);
    });
    document.addEventListener('keydown', onKey, true);
    figs.forEach(f => { if (f.on) f.on('plotly_afterplot', onPlot); });
    figs.forEach(f => mo.observe(f, {subtree: true, childList: true, attributes: true, characterData: true}));
    const timer = setTimeout(() => finish(null, 'timeout'), timeoutMs);
    function cleanup() {
      clearTimeout(timer); clearTimeout(quiet); mo.disconnect();
      document.removeEventListener('keydown', onKey, true);
      figs.forEach(f => { if (f.removeListener) f.removeListener('plotly_afterplot', onPlot); });
    }
  });
  return true;
}"""


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def prepare_notebooks(dest: Path, only: list[str] | None) -> list[str]:
    """Copy notebooks/ and the baseline into ``dest``; return the pages to measure, baseline first."""
    shutil.copytree(
        ROOT / "notebooks", dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"), dirs_exist_ok=True
    )
    shutil.copy2(ROOT / "benchmarks" / f"{BASELINE}.ipynb", dest / f"{BASELINE}.ipynb")
    pages = sorted(p.stem for p in dest.glob("*.ipynb") if p.stem != BASELINE)
    if only:
        pages = [p for p in pages if p in only]
    # The same baseline, but loading plotly's widget code from the server as
    # the dashboards do under runback serve (runback_widgets.voila.bundle),
    # so the ratios can be read both ways.
    import nbformat

    nb = nbformat.read(str(dest / f"{BASELINE}.ipynb"), as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source = "from runback_widgets.voila.bundle import use_served_bundle\nuse_served_bundle()\n" + code.source
    nbformat.write(nb, str(dest / f"{BASELINE_SERVED}.ipynb"))
    return [BASELINE, BASELINE_SERVED] + pages


def load_once(browser, server, page_name: str, timeout_ms: int = 120_000) -> dict:
    """One navigation in a fresh context: ms (page clock) to rendered, first plot, all plots."""
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        ctx.add_init_script(JS_MARKS)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url(page_name), wait_until="commit", timeout=timeout_ms)
        page.wait_for_function("() => window.__benchMarks && window.__benchMarks.rendered", timeout=timeout_ms)
        try:  # widget views (and so figures) may appear just after Voila's "rendered"
            page.wait_for_selector(".js-plotly-plot", state="attached", timeout=3000)
        except Exception:
            pass
        n_figs = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        if n_figs:
            page.wait_for_function("() => window.__benchMarks.all_plots", timeout=timeout_ms)
            page.wait_for_timeout(300)  # a late figure would move all_plots
        marks = page.evaluate("() => { window.__benchMarks.stop = true; return window.__benchMarks; }")
        return {
            "rendered_ms": marks.get("rendered"),
            "plot_ms": marks.get("first_plot"),
            "all_plots_ms": marks.get("all_plots"),
            "figures": marks.get("figures", 0),
            "page_errors": errors,
        }
    finally:
        ctx.close()


def slider_latency(browser, server, page_name: str, moves: int, timeout_ms: int = 120_000) -> dict:
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        page.goto(server.url(page_name), timeout=timeout_ms)
        page.wait_for_function(JS_RENDERED, timeout=timeout_ms)
        try:  # figures draw after Voila's "rendered"; seconds later on a busy machine
            page.wait_for_selector(".js-plotly-plot", state="attached", timeout=30_000)
        except Exception:
            pass
        if not page.evaluate("document.querySelectorAll('.js-plotly-plot').length"):
            return {"note": "no figure"}
        page.wait_for_function(JS_PLOTS_DRAWN, timeout=timeout_ms)
        handles = page.locator(SLIDER_HANDLE)
        if handles.count() == 0:
            return {"note": "no slider"}
        handle = handles.first
        handle.scroll_into_view_if_needed()
        label = handle.evaluate(
            "h => { const s = h.closest('.widget-slider'); const l = s && s.querySelector('label');"
            " return l ? l.innerText.trim() : ''; }"
        )
        page.wait_for_timeout(500)  # let the page settle after the first draw
        samples, hows, direction = [], {}, "ArrowRight"
        for _ in range(moves):
            now, vmax, vmin = handle.evaluate(
                "h => [h.getAttribute('aria-valuenow'), h.getAttribute('aria-valuemax'), h.getAttribute('aria-valuemin')]"
            )
            if now == vmax:
                direction = "ArrowLeft"
            elif now == vmin:
                direction = "ArrowRight"
            handle.focus()
            page.evaluate(JS_ARM, 5000)
            page.keyboard.press(direction)
            res = page.evaluate("() => window.__benchResult")
            hows[res["how"]] = hows.get(res["how"], 0) + 1
            if res["ms"] is not None:
                samples.append(res["ms"])
            page.wait_for_timeout(150)  # one change at a time
        out = {"slider": label, "moves": moves, "how": hows}
        if samples:
            out.update(median_ms=statistics.median(samples), p95_ms=percentile(samples, 0.95), samples_ms=samples)
        else:
            out["note"] = "slider did not redraw a figure"
        return out
    finally:
        ctx.close()


#: Clicks one layer checkbox of the anatomy page and resolves with
#: ``view``: ms from the click to the first frame painted after the 3D figure's data shows the
#: new visibility, and ``settled``: ms from the click to the last redraw of that figure
#: (``plotly_afterplot``/``plotly_restyle``, e.g. an echo from the kernel) before 2.5 s of quiet.
JS_LAYER_TOGGLE = """async ([label, layer]) => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find(
      g => g.data && g.data.some(t => t.type === 'mesh3d'));
  const idx = gd.data.map((t, i) => t.legendgroup === layer ? i : -1).filter(i => i >= 0);
  const input = Array.from(document.querySelectorAll('.rb-checks input[type=checkbox], .rb-layer-toggles input[type=checkbox]'))
      .find(i => i.parentElement.textContent.trim() === label);
  const want = !input.checked;
  let last = null;
  const mark = () => { last = performance.now(); };
  gd.on('plotly_afterplot', mark); gd.on('plotly_restyle', mark);
  const t0 = performance.now();
  input.click();
  const view = await new Promise((resolve, reject) => {
    const check = () => {
      if (idx.every(i => (gd.data[i].visible !== false) === want))
        return requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      if (performance.now() - t0 > 30000) return reject(new Error('no change within 30 s'));
      requestAnimationFrame(check);
    };
    check();
  });
  let seen = last;
  while (true) {
    await new Promise(r => setTimeout(r, 2500));
    if (last === seen) break;
    seen = last;
  }
  gd.removeListener('plotly_afterplot', mark); gd.removeListener('plotly_restyle', mark);
  return {view, settled: Math.max(view, (last || t0) - t0)};
}"""

#: Counts the plotly.js calls that redraw a figure (a restyle is what a kernel message about
#: a trace becomes): what a layer click actually sends to the 3D scene.
JS_COUNT_PLOTLY_CALLS = """() => {
  const P = window.Plotly; window.__rbPlotlyCalls = {};
  for (const name of ['restyle', 'relayout', 'update', 'react', 'newPlot', 'redraw']) {
    const orig = P[name]; if (typeof orig !== 'function') continue;
    window.__rbPlotlyCalls[name] = 0;
    P[name] = function () { window.__rbPlotlyCalls[name] += 1; return orig.apply(this, arguments); };
  }
}"""

ANATOMY = "01-spine-and-si-anatomy"
LAYER_TOGGLE_TARGET_MS = 300.0


def layer_toggle_latency(browser, server, clicks: int = 10, timeout_ms: int = 120_000) -> dict:
    """Anatomy page: click the Muscles layer box ``clicks`` times; click-to-view and settled times."""
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        page.goto(server.url(ANATOMY), timeout=timeout_ms)
        page.wait_for_function(JS_RENDERED, timeout=timeout_ms)
        page.wait_for_function(JS_PLOTS_DRAWN, timeout=timeout_ms)
        page.wait_for_timeout(1500)
        page.evaluate(JS_COUNT_PLOTLY_CALLS)
        load = os.getloadavg()[0]
        views, settled = [], []
        for _ in range(clicks):
            r = page.evaluate(JS_LAYER_TOGGLE, ["Muscles", "muscles"])
            views.append(r["view"])
            settled.append(r["settled"])
        calls = page.evaluate("() => window.__rbPlotlyCalls")
        return {
            "clicks": clicks,
            "view_median_ms": statistics.median(views),
            "view_p95_ms": percentile(views, 0.95),
            "view_max_ms": max(views),
            "settled_median_ms": statistics.median(settled),
            "settled_p95_ms": percentile(settled, 0.95),
            "settled_max_ms": max(settled),
            "view_ms": views,
            "settled_ms": settled,
            "plotly_calls": calls,
            "load_average": [load, os.getloadavg()[0]],
        }
    finally:
        ctx.close()


def fmt(v, unit="", digits=0):
    if v is None:
        return "-"
    return f"{v:.{digits}f}{unit}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="page loads per page (fresh context each)")
    ap.add_argument("--moves", type=int, default=20, help="slider moves per page")
    ap.add_argument("--clicks", type=int, default=20, help="anatomy layer-box clicks")
    ap.add_argument("--only", nargs="*", help="measure only these notebooks (stems) besides the baseline")
    args = ap.parse_args(argv)

    chromium = chromium_executable()
    if not chromium:
        print("bench: Chromium not found (install Debian's `chromium` or set RUNBACK_CHROMIUM)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="runback-bench-"))
    nbdir = work / "notebooks"
    pages = prepare_notebooks(nbdir, args.only)
    print(
        f"bench: pages {', '.join(pages)}; {args.runs} loads each, {args.moves} slider moves;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    # Short culling so the kernels of closed benchmark tabs do not pile up.
    server = start_server(work, args=["--notebooks", str(nbdir), "--cull-idle-timeout=20"])
    results = {p: {"loads": []} for p in pages}
    t_start = time.monotonic()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
            try:
                load_once(browser, server, BASELINE)  # warm-up (imports, static files), not counted
                for run in range(args.runs):  # round-robin so load drift hits every page alike
                    for p in pages:
                        try:
                            r = load_once(browser, server, p)
                        except Exception as exc:  # report, keep measuring the rest
                            r = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
                        results[p]["loads"].append(r)
                        print(
                            f"  load {run + 1}/{args.runs} {p}: "
                            f"{fmt(r.get('plot_ms') or r.get('rendered_ms'), ' ms')} {r.get('error', '')}",
                            flush=True,
                        )
                for p in pages:
                    try:
                        results[p]["slider"] = slider_latency(browser, server, p, args.moves)
                    except Exception as exc:
                        results[p]["slider"] = {"note": f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}"}
                    print(
                        f"  slider {p}: {results[p]['slider'].get('median_ms', results[p]['slider'].get('note'))}",
                        flush=True,
                    )
                if ANATOMY in pages:
                    try:
                        toggle = layer_toggle_latency(browser, server, args.clicks)
                    except Exception as exc:
                        toggle = {"note": f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}"}
                    results[ANATOMY]["layer_toggle"] = toggle
            finally:
                browser.close()
    finally:
        server.stop()
        log = server.log()
        shutil.rmtree(work, ignore_errors=True)

    # Summaries.
    for p in pages:
        r = results[p]
        ok = [x for x in r["loads"] if "error" not in x]
        plots = [x["plot_ms"] for x in ok if x.get("plot_ms") is not None]
        rend = [x["rendered_ms"] for x in ok if x.get("rendered_ms") is not None]
        r["rendered_median_ms"] = statistics.median(rend) if rend else None
        r["plot_median_ms"] = statistics.median(plots) if plots else None
        r["plot_max_ms"] = max(plots) if plots else None
        alls = [x["all_plots_ms"] for x in ok if x.get("all_plots_ms") is not None]
        r["all_plots_median_ms"] = statistics.median(alls) if alls else None
        r["errors"] = [x["error"] for x in r["loads"] if "error" in x]
    base = results[BASELINE]["plot_median_ms"]
    base_served = results[BASELINE_SERVED]["plot_median_ms"]

    head = (
        f"{'page':<28} {'rendered':>9} {'1st plot':>9} {'max':>8} {'all':>8} {'x base':>7} {'TTI':>5} {'x srv':>6}"
        f" {'slider med':>10} {'p95':>7} {'<=100':>5}  slider / note"
    )
    print("\n" + head)
    print("-" * len(head))
    for p in pages:
        r = results[p]
        s = r.get("slider", {})
        ratio = (r["plot_median_ms"] / base) if (base and r["plot_median_ms"]) else None
        r["tti_ratio"] = ratio
        r["tti_ratio_served_baseline"] = ratio_s = (
            (r["plot_median_ms"] / base_served) if (base_served and r["plot_median_ms"]) else None
        )
        tti_ok = (
            "-"
            if ratio is None or p in (BASELINE, BASELINE_SERVED)
            else ("pass" if ratio <= TTI_RATIO_TARGET else "FAIL")
        )
        med = s.get("median_ms")
        sl_ok = "-" if med is None else ("pass" if med <= SLIDER_MEDIAN_TARGET_MS else "FAIL")
        note = s.get("slider") or s.get("note", "")
        if s.get("how"):
            note += f" ({', '.join(f'{k} {v}' for k, v in s['how'].items())})"
        if r["errors"]:
            note += f" [{len(r['errors'])} load errors: {r['errors'][0]}]"
        print(
            f"{p:<28} {fmt(r['rendered_median_ms'] and r['rendered_median_ms'] / 1000, ' s', 2):>9}"
            f" {fmt(r['plot_median_ms'] and r['plot_median_ms'] / 1000, ' s', 2):>9}"
            f" {fmt(r['plot_max_ms'] and r['plot_max_ms'] / 1000, ' s', 2):>8}"
            f" {fmt(r['all_plots_median_ms'] and r['all_plots_median_ms'] / 1000, ' s', 2):>8}"
            f" {fmt(ratio, 'x', 2):>7} {tti_ok:>5} {fmt(ratio_s, 'x', 2):>6} {fmt(med, ' ms'):>10} {fmt(s.get('p95_ms'), ' ms'):>7} {sl_ok:>5}  {note}"
        )
    toggle = results.get(ANATOMY, {}).get("layer_toggle")
    if toggle:
        if "view_median_ms" in toggle:
            ok = "pass" if toggle["view_median_ms"] <= LAYER_TOGGLE_TARGET_MS else "FAIL"
            calls = ", ".join(f"{k} {v}" for k, v in (toggle.get("plotly_calls") or {}).items() if v) or "none"
            print(
                f"\nanatomy layer toggle (Muscles box, {toggle['clicks']} clicks): click to painted view median"
                f" {toggle['view_median_ms']:.0f} ms, p95 {toggle['view_p95_ms']:.0f} ms (max {toggle['view_max_ms']:.0f})"
                f" {ok} (median <= {LAYER_TOGGLE_TARGET_MS:.0f} ms);"
                f" settled (last redraw, kernel echo included) median {toggle['settled_median_ms']:.0f} ms,"
                f" p95 {toggle['settled_p95_ms']:.0f} ms; plotly calls during the clicks: {calls};"
                f" load average {toggle['load_average'][0]:.1f} -> {toggle['load_average'][1]:.1f}"
                f" on {os.cpu_count()} cores"
            )
        else:
            print(f"\nanatomy layer toggle: {toggle['note']}")
    print(
        f"\ntargets (not asserted): time to first plot <= {TTI_RATIO_TARGET}x baseline"
        f" ({fmt(base and base * TTI_RATIO_TARGET / 1000, ' s', 2)}); slider->plot median <= {SLIDER_MEDIAN_TARGET_MS:.0f} ms."
        f" 'x srv': against the baseline loading plotly's widget code from the server as the dashboards do."
        f" Bench took {time.monotonic() - t_start:.0f} s; load average now {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} cores (other work on the machine inflates every number)."
    )
    if "Traceback (most recent call last)" in log:
        tb = log[log.rindex("Traceback (most recent call last)") :].splitlines()
        tb = tb[: next((i for i, line in enumerate(tb) if i and line.startswith("[")), 25)][:25]
        print("bench: the server logged a traceback during the run; the last one:\n  " + "\n  ".join(tb))

    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"dashboards-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"runs": args.runs, "moves": args.moves, "results": results}, indent=1))
    print(f"bench: results written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

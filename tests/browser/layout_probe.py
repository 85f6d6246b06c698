"""What a page looks like to its three users, measured in the browser.

Shared by tests/browser/test_layout*.py and runnable on its own to print the
numbers for every page and viewport (phone 375x812, laptop 1366x900, projector
1920x1080 with ``--present``) and save screenshots:

    .venv/bin/python -m tests.browser.layout_probe [--out DIR] [--pages index,01-...]

Each probe is one JavaScript function evaluated in the page; the Python
wrappers return plain dicts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}

#: A control a visitor operates (ipywidgets' classes), not the skip link or a text link.
CONTROL_SELECTOR = (
    ".widget-slider, .widget-checkbox, .widget-dropdown, .widget-button, .widget-text, .widget-radio-box,"
    " .widget-toggle-buttons, .widget-select-multiple, .widget-inline-hbox.widget-text, .widget-select,"
    " .widget-hslider, .widget-toggle-button"
)

FIRST_CONTROL_JS = r"""
(sel) => {
  const quiz = e => e.closest('.rb-quiz');
  let best = null;
  for (const e of document.querySelectorAll(sel)) {
    if (quiz(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const sc = document.querySelector('#rendered_cells');
    const top = r.top + window.scrollY + (sc ? sc.scrollTop : 0);
    if (best === null || top < best.top) best = {top: Math.round(top), cls: String(e.className).split(/\s+/).filter(c => c.startsWith('widget-')).join('.'),
      text: (e.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 40)};
  }
  return best;
}
"""

#: Elements whose right edge passes the viewport and that are not clipped by an ancestor
#: that scrolls or hides its overflow (those are "inside their own box").
OVERFLOW_JS = r"""
() => {
  const W = document.documentElement.clientWidth;
  const clippedBy = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible') {
        const r = p.getBoundingClientRect();
        if (r.right <= W + 1) return p;
      }
    }
    return null;
  };
  const desc = e => {
    const cls = (typeof e.className === 'string' ? e.className : (e.className && e.className.baseVal) || '').split(/\s+/)
      .filter(c => c && !c.startsWith('lm-') && !c.startsWith('p-')).slice(0, 3).join('.');
    const r = e.getBoundingClientRect();
    const label = (e.getAttribute('aria-label') || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${e.tagName.toLowerCase()}${cls ? '.' + cls : ''} [${Math.round(r.left)}..${Math.round(r.right)}] "${label}"`;
  };
  const out = [];
  const cut = [];
  const sideways = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const st = getComputedStyle(e);
    if (st.visibility === 'hidden' || st.position === 'fixed' || st.display === 'none') continue;
    if (e.closest('mjx-assistive-mml')) continue;
    if (r.right < 0) continue;  // parked off-screen on purpose (plotly's text measurer)
    if (r.right > W + 1 || r.left < -1) {
      const p = e.parentElement && e.parentElement.getBoundingClientRect();
      const top = !p || (p.right <= W + 1 && p.left >= -1);
      if (!top) continue;
      const c = clippedBy(e);
      if (!c) { out.push(desc(e)); continue; }
      const cs = getComputedStyle(c);
      // Clipped with no way to see the rest: hidden overflow (cut off).
      if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') cut.push(desc(e));
      // Running text (a list, a paragraph) that only a sideways scroll shows in full: wide
      // tables and equations may scroll inside their box, sentences must wrap.
      else if (e.matches('p, li, ol, ul') || (e.querySelector('p, li') && !e.querySelector('table, mjx-container, svg, canvas')))
        sideways.push(desc(e));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: W, wider: out.slice(0, 12), n_wider: out.length,
          cut: cut.slice(0, 12), n_cut: cut.length, sideways_text: sideways.slice(0, 12), n_sideways_text: sideways.length};
}
"""

#: Every plotly figure: drawn width vs its container, visibility, smallest text.
FIGURES_JS = r"""
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((f, i) => {
  const r = f.getBoundingClientRect();
  const visible = r.width > 0 && r.height > 0 && f.offsetParent !== null;
  // The box the figure is laid out in: its parent's content box.
  const c = f.parentElement;
  const cs = c ? getComputedStyle(c) : null;
  const cw = c ? Math.round(c.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)) : 0;
  const fl = f._fullLayout || {};
  const texts = Array.from(f.querySelectorAll('text')).filter(t => { const b = t.getBoundingClientRect(); return b.width > 0 && t.textContent.trim(); });
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) || parseFloat(t.style.fontSize) || 0).filter(s => s > 0);
  const small = texts.filter(t => (parseFloat(getComputedStyle(t).fontSize) || 0) < 18).map(t => t.textContent.trim().slice(0, 20)).slice(0, 6);
  const svg = f.querySelector('.main-svg');
  return {i, visible, width: Math.round(r.width), drawn: svg ? Math.round(svg.getBoundingClientRect().width) : null,
          layout_width: fl.width || null, container: cw, left: Math.round(r.left), right: Math.round(r.right),
          height: Math.round(r.height), font: fl.font ? fl.font.size : null,
          min_text: sizes.length ? Math.min(...sizes) : null, small,
          modebar: !!f.querySelector('.modebar-container') && getComputedStyle(f.querySelector('.modebar-container')).display !== 'none'};
})
"""

#: Radio/checkbox labels whose boxes overlap a sibling's (text printed over text).
LABEL_OVERLAP_JS = r"""
() => {
  const out = [];
  for (const box of document.querySelectorAll('.widget-radio-box, .widget-checkbox, .rb-quiz-question')) {
    const labels = Array.from(box.querySelectorAll('label')).filter(l => l.getBoundingClientRect().height > 0);
    for (let i = 0; i + 1 < labels.length; i++) {
      const a = labels[i], b = labels[i + 1];
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      // text taller than its box (overflow) or the next label starting above this one's end
      const overflow = a.scrollHeight > a.clientHeight + 2;
      if (overflow || rb.top < ra.bottom - 1) out.push(a.textContent.trim().slice(0, 40));
    }
  }
  return out;
}
"""


#: Inside each visible plotly figure: titles, axis titles and legend titles whose boxes overlap
#: (two headings printed on top of each other, as the What helps chart's were on a phone).
FIGURE_TITLE_OVERLAP_JS = r"""
() => {
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    if (!plot.offsetParent) return;
    const els = Array.from(plot.querySelectorAll('.gtitle, .g-gtitle text, [class*="title"] > text, .legendtitletext'))
      .filter((e, k, a) => a.indexOf(e) === k && e.textContent.trim());
    const boxes = els.map(e => ({t: e.textContent.trim().slice(0, 40), r: e.getBoundingClientRect()}))
      .filter(b => b.r.width > 0 && b.r.height > 0);
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
      const A = boxes[a].r, B = boxes[b].r;
      if (A.left < B.right - 1 && B.left < A.right - 1 && A.top < B.bottom - 1 && B.top < A.bottom - 1)
        out.push(`figure ${i}: "${boxes[a].t}" over "${boxes[b].t}"`);
    }
  });
  return out;
}
"""


def figure_title_overlaps(page) -> list[str]:
    return page.evaluate(FIGURE_TITLE_OVERLAP_JS)


#: The landing page's dashboard cards: their boxes (rounded px).
CARDS_JS = r"""
() => Array.from(document.querySelectorAll('.rb-card')).map(c => { const r = c.getBoundingClientRect();
  return {left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width)}; })
"""


def cards(page) -> list[dict]:
    return page.evaluate(CARDS_JS)


#: Text elements whose colour against their effective background falls under WCAG AA
#: (4.5:1, or 3:1 for large text: >= 24 px, or >= 18.66 px bold). Backgrounds are walked up
#: the ancestors (first opaque one); text over images or gradients is skipped.
CONTRAST_JS = r"""
() => {
  const parse = c => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : null; };
  const lum = rgb => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
  const bgOf = e => {
    for (let p = e; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = parse(s.backgroundColor);
      if (c && (c.length < 4 || c[3] > 0.9)) return c;
    }
    return [255, 255, 255];
  };
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!e || seen.has(e) || !n.textContent.trim()) continue;
    seen.add(e);
    if (e.closest('svg, script, style, mjx-assistive-mml, .rb-skip, [aria-hidden="true"]')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
    const fg = parse(s.color), bg = bgOf(e);
    if (!fg || !bg) continue;
    const a = fg.length > 3 ? fg[3] : 1;
    const mix = [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a));
    const L1 = lum(mix), L2 = lum(bg);
    const ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) out.push({text: n.textContent.trim().slice(0, 50), ratio: Math.round(ratio * 100) / 100, color: s.color,
      bg: `rgb(${bg.slice(0, 3).join(',')})`, cls: String(e.className).slice(0, 40)});
  }
  return out;
}
"""


def low_contrast(page) -> list[dict]:
    return page.evaluate(CONTRAST_JS)


def first_control(page) -> dict | None:
    return page.evaluate(FIRST_CONTROL_JS, CONTROL_SELECTOR)


def overflow(page) -> dict:
    return page.evaluate(OVERFLOW_JS)


def figures(page) -> list[dict]:
    return page.evaluate(FIGURES_JS)


def label_overlaps(page) -> list[str]:
    return page.evaluate(LABEL_OVERLAP_JS)


#: Voila's lab template scrolls #rendered_cells, not the document.
SCROLLER_JS = "document.querySelector('#rendered_cells') || document.scrollingElement"


def page_length(page) -> int:
    return page.evaluate(f"Math.max(document.documentElement.scrollHeight, ({SCROLLER_JS}).scrollHeight)")


def scroll_to(page, y: int) -> None:
    page.evaluate(f"(y) => {{ ({SCROLLER_JS}).scrollTop = y; window.scrollTo(0, y); }}", y)


def scroll_top(page) -> int:
    return page.evaluate(f"Math.max(window.scrollY, ({SCROLLER_JS}).scrollTop)")


def axe_violations(page, rules: tuple[str, ...] = ()) -> list[dict]:
    """axe-core violations (all rules, or only ``rules``) as (id, impact, nodes, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    opts = {"runOnly": {"type": "rule", "values": list(rules)}} if rules else None
    resp = Axe().run(page, options=opts).response if opts else Axe().run(page).response
    rows = [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"][:6]],
            "summary": [n.get("failureSummary", "")[:160] for n in v["nodes"][:3]],
        }
        for v in resp["violations"]
    ]
    # colour pairs axe could not decide (text over an image or a gradient) are listed, not failed
    rows += [
        {
            "id": "incomplete:" + v["id"],
            "impact": None,
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"][:6]],
            "summary": [],
        }
        for v in resp.get("incomplete", [])
        if v["id"] == "color-contrast"
    ]
    return rows


def too_wide_figures(page) -> list[dict]:
    """Visible figures drawn wider than their container (or past the viewport's right edge)."""
    W = page.evaluate("document.documentElement.clientWidth")
    return [
        f
        for f in figures(page)
        if f["visible"] and f["drawn"] and (f["drawn"] > f["container"] + 1 or f["right"] > W + 1)
    ]


def cycle_views(page, settle_ms: int = 2500) -> list[dict]:
    """Press every button of every toggle-button group outside the quiz (views, cameras), and
    after each press list the figures drawn wider than their container. Ends on each group's
    first button again.

    After a press, wait for the kernel's round trip to end (its "idle", then nothing on the
    websocket and no widget or figure moving for 600 ms; harness.wait_kernel_quiet) rather
    than a fixed ``settle_ms``; pages opened without the harness's websocket probe still wait
    ``settle_ms``."""
    from .harness import wait_kernel_quiet, ws_sent

    found = []
    groups = page.locator(".widget-toggle-buttons:not(.rb-quiz .widget-toggle-buttons)")
    for g in range(groups.count()):
        buttons = groups.nth(g).locator("button")
        n = buttons.count()
        for b in list(range(1, n)) + [0]:
            btn = buttons.nth(b)
            if not btn.is_visible():
                continue
            btn.scroll_into_view_if_needed()
            label = btn.inner_text().strip()
            sent0 = ws_sent(page)
            btn.click()
            wait_kernel_quiet(page, sent0, fallback_ms=settle_ms)
            for f in too_wide_figures(page):
                found.append({"after": label, "drawn": f["drawn"], "container": f["container"], "right": f["right"]})
    return found


def measure(dp, viewport: dict, present: bool = False, axe: bool = False, views: bool = False) -> dict:
    page = dp.page
    n = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    if n:
        try:
            dp.wait_plots()
        except Exception:  # noqa: BLE001 - report what is there
            pass
    page.wait_for_timeout(500)
    out = {
        "viewport": f"{viewport['width']}x{viewport['height']}" + (" present" if present else ""),
        "page_length": page_length(page),
        "first_control": first_control(page),
        "overflow": overflow(page),
        "figures": figures(page),
        "label_overlaps": label_overlaps(page),
        "lang": page.evaluate("document.documentElement.lang"),
        "low_contrast": low_contrast(page),
    }
    if axe:
        out["axe"] = axe_violations(page)
    if views:
        out["after_views"] = cycle_views(page)
    return out


def _main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    from .harness import CHROMIUM_FLAGS, chromium_executable, notebook_names, open_dashboard, start_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="folder for screenshots and layout.json")
    ap.add_argument("--pages", default="", help="comma-separated notebook names (default: all)")
    ap.add_argument("--views", default="phone,laptop,present")
    args = ap.parse_args(argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="rb-layout-"))
    out.mkdir(parents=True, exist_ok=True)
    pages = [p for p in args.pages.split(",") if p] or notebook_names()
    views = args.views.split(",")
    results = []
    log_dir = Path(tempfile.mkdtemp(prefix="rb-layout-serve-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS, headless=True)
        servers = {}
        try:
            for view in views:
                present = view == "present"
                vp = {"phone": PHONE, "laptop": LAPTOP, "present": PROJECTOR}[view]
                key = "present" if present else "plain"
                if key not in servers:
                    servers[key] = start_server(log_dir, args=["--present"] if present else [])
                for name in pages:
                    t0 = time.monotonic()
                    dp = open_dashboard(browser, servers[key], name, viewport=vp)
                    try:
                        res = measure(dp, vp, present=present, axe=present)
                        res["page"] = name
                        res["load_s"] = round(time.monotonic() - t0, 1)
                        scroll_to(dp.page, 0)
                        dp.page.wait_for_timeout(300)
                        dp.page.screenshot(path=str(out / f"{view}-{name}-top.png"))
                        fc = res["first_control"]
                        if fc:
                            scroll_to(dp.page, max(0, fc["top"] - 80))
                            dp.page.wait_for_timeout(300)
                            dp.page.screenshot(path=str(out / f"{view}-{name}-control.png"))
                        if view == "phone":
                            res["after_views"] = cycle_views(dp.page)
                        results.append(res)
                        print(summary_line(res), flush=True)
                    finally:
                        dp.close()
        finally:
            for s in servers.values():
                s.stop()
            browser.close()
    (out / "layout.json").write_text(json.dumps(results, indent=1))
    print(f"screenshots and layout.json in {out}")
    return 0


def summary_line(res: dict) -> str:
    figs = res["figures"]
    vis = [f for f in figs if f["visible"]]
    too_wide = [f for f in vis if f["drawn"] and f["drawn"] > f["container"] + 1]
    fonts = [f["min_text"] for f in vis if f["min_text"]]
    fc = res["first_control"]
    parts = [
        f"{res['page']:<26} {res['viewport']:<18}",
        f"len={res['page_length']:>6}",
        f"first_control={fc['top'] if fc else '-':>6}",
        f"scrollW={res['overflow']['scrollWidth']}",
        f"wider={res['overflow']['n_wider']} cut={res['overflow']['n_cut']}",
        f"figs={len(vis)}/{len(figs)} too_wide={len(too_wide)} ({[(f['drawn'], f['container']) for f in too_wide][:4]})",
        f"min_fig_text={min(fonts) if fonts else '-'}",
        f"label_overlaps={len(res['label_overlaps'])}",
        f"lang={res['lang']!r}",
        f"low_contrast={len(res.get('low_contrast', []))}",
    ]
    if "after_views" in res:
        parts.append(
            f"too_wide_after_views={[(v['after'], v['drawn'], v['container']) for v in res['after_views']][:4]}"
        )
    if "axe" in res:
        parts.append("axe=" + ",".join(f"{v['id']}:{v['nodes']}" for v in res["axe"]))
    return " ".join(parts)


if __name__ == "__main__":
    sys.exit(_main())


def screenshot_tool(page, path) -> bool:
    """Screenshot of the tool itself: the first figure at the bottom of the viewport, with the
    controls just above it (False when the page has no figure)."""
    found = page.evaluate(
        "() => { const f = document.querySelector('.js-plotly-plot'); if (!f) return false;"
        " f.scrollIntoView({block: f.getBoundingClientRect().height > innerHeight ? 'start' : 'end'}); return true; }"
    )
    if found:
        page.wait_for_timeout(600)
        page.screenshot(path=str(path))
    return found

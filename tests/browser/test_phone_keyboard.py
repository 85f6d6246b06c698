"""Every screen, every student: each dashboard at phone width (375x812) and
operated by keyboard alone.

Parametrised over the dashboards in notebooks/ (index excluded from the
keyboard test: it has no figure). On failure the message names the elements
that stick out, so the dashboard's owner can fix them.
"""

from __future__ import annotations

import pytest

from .harness import notebook_names

pytestmark = pytest.mark.browser

DASHBOARDS = [n for n in notebook_names() if n != "index"]
PHONE = {"width": 375, "height": 812}

#: Elements wider than the viewport (the ones whose parent still fits), described.
OVERFLOW_JS = r"""
() => {
  const W = window.innerWidth;
  const desc = e => {
    const cls = (typeof e.className === 'string' ? e.className : '').split(/\s+/).filter(c => c && !c.startsWith('lm-') && !c.startsWith('p-')).slice(0, 4).join('.');
    const label = (e.getAttribute('aria-label') || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls ? '.' + cls : ''} [${Math.round(e.getBoundingClientRect().left)}..${Math.round(e.getBoundingClientRect().right)}px] "${label}"`;
  };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const st = getComputedStyle(e);
    if (st.visibility === 'hidden' || st.position === 'fixed') continue;
    if (r.right > W + 1 || r.left < -1) {
      const p = e.parentElement && e.parentElement.getBoundingClientRect();
      if (!p || (p.right <= W + 1 && p.left >= -1)) out.push(desc(e));
    }
  }
  return out.slice(0, 15);
}
"""

#: Controls a student must reach: visible, inside the viewport horizontally, not tiny.
CONTROLS_JS = r"""
() => {
  const W = window.innerWidth;
  const sel = 'input, select, button, textarea, .noUi-handle, [role=slider], [role=checkbox], [role=button]';
  const bad = [];
  let n = 0;
  for (const e of document.querySelectorAll(sel)) {
    const r = e.getBoundingClientRect();
    const st = getComputedStyle(e);
    if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
    if (e.closest('.jp-OutputArea-output') === null && e.closest('.jupyter-widgets') === null) continue;
    n += 1;
    if (r.right > W + 1 || r.left < -1 || r.width < 10 || r.height < 10)
      bad.push(`${e.tagName.toLowerCase()} ${e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30) || e.type || ''} [${Math.round(r.left)}..${Math.round(r.right)} x ${Math.round(r.height)}px]`);
  }
  return {n, bad: bad.slice(0, 15)};
}
"""


@pytest.mark.skipif(not DASHBOARDS, reason="no dashboard notebook yet")
@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_phone_width_no_horizontal_scroll(dashboard, notebook):
    dp = dashboard(notebook, viewport=PHONE)
    dp.wait_plots()
    page = dp.page
    page.wait_for_timeout(500)
    scroll_w, inner_w = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    offenders = page.evaluate(OVERFLOW_JS)
    assert scroll_w <= inner_w, (
        f"{notebook} scrolls sideways at 375 px (scrollWidth {scroll_w}); sticking out: {offenders}"
    )

    figs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => {"
        " const r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right), Math.round(r.height)]; })"
    )
    assert figs, f"{notebook}: no figure"
    too_wide = [f for f in figs if f[1] > inner_w + 1 or f[0] < -1]
    assert not too_wide, f"{notebook}: figures wider than the phone (left, right, height): {too_wide}"
    assert all(f[2] >= 150 for f in figs), f"{notebook}: a figure is squashed below 150 px high: {figs}"

    controls = page.evaluate(CONTROLS_JS)
    assert controls["n"] > 0, f"{notebook}: no controls found"
    assert not controls["bad"], f"{notebook}: controls outside the screen or too small at 375 px: {controls['bad']}"
    assert dp.page_errors == []


def _plot_signature(page) -> str:
    from benchmarks.classroom import PLOT_SIG_JS

    return page.evaluate(PLOT_SIG_JS)


#: What the focused element is, and whether it is a control we know how to operate.
FOCUS_JS = r"""
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {kind: 'none'};
  const inWidget = !!e.closest('.jupyter-widgets, .widget-container, .widget-box, .jp-OutputArea-output');
  if (!inWidget) return {kind: 'outside', tag: e.tagName};
  if (e.classList.contains('noUi-handle')) return {kind: 'slider', name: e.getAttribute('aria-label') || ''};
  if (e.tagName === 'INPUT' && e.type === 'checkbox') return {kind: 'checkbox', name: (e.closest('label') || e.parentElement).textContent.trim().slice(0, 40)};
  if (e.tagName === 'SELECT') return {kind: 'select', name: e.getAttribute('aria-label') || ''};
  if (e.tagName === 'BUTTON') return {kind: 'button', name: e.textContent.trim().slice(0, 40)};
  return {kind: 'other', tag: e.tagName};
}
"""


@pytest.mark.skipif(not DASHBOARDS, reason="no dashboard notebook yet")
@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_keyboard_alone_reaches_and_operates_a_control(dashboard, notebook):
    """Tab from the top of the page to the first slider, checkbox or select that
    changes a figure; operate it with keys; the figure changes."""
    dp = dashboard(notebook)
    dp.wait_plots()
    page = dp.page
    page.locator("body").click(position={"x": 2, "y": 2})
    seen = []
    for _ in range(250):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_JS)
        if f["kind"] not in ("slider", "checkbox", "select"):
            continue
        seen.append(f)
        before = _plot_signature(page)
        if f["kind"] == "slider":
            for _ in range(3):
                page.keyboard.press("ArrowRight")
        elif f["kind"] == "checkbox":
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ArrowDown")
        try:
            page.wait_for_function(
                "(b) => (" + __import__("benchmarks.classroom", fromlist=["PLOT_SIG_JS"]).PLOT_SIG_JS + ")() !== b",
                arg=before,
                timeout=8_000,
            )
            break
        except Exception:  # noqa: BLE001 - this control does not change a figure; keep tabbing
            continue
    else:
        pytest.fail(f"{notebook}: tabbing reached no control that changes a figure by keyboard; reached: {seen[:10]}")
    assert dp.page_errors == []

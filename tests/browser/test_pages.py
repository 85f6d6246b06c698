"""Every notebook in notebooks/, opened as a Voila dashboard in a real browser.

Parametrised from the folder, so a new notebook is covered without editing
this file. Dashboards add their own interaction checks in their own files,
using the ``dashboard`` fixture from conftest.py.
"""

from __future__ import annotations

import json

import pytest

from .harness import axe_check, notebook_names

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook", notebook_names())
def test_dashboard_renders_cleanly(dashboard, notebook, screenshot_dir, runback_server, record_property):
    dp = dashboard(notebook)
    page = dp.page

    # Every plotly figure on the page has drawn data.
    n_figs = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    if notebook != "index":
        assert n_figs > 0, f"{notebook}: no plotly figure on the page"
    if n_figs:
        assert dp.wait_plots() == n_figs
    # Widgets rendered (not a page of raw text).
    assert page.evaluate("document.querySelectorAll('.jupyter-widgets, .widget-html, .lm-Widget').length") > 0

    # No Python error output or traceback on the page, no page errors, no
    # console errors beyond the commented allow-list.
    assert dp.error_text_on_page() == []
    assert dp.page_errors == []
    assert dp.console_errors() == [], dp.console_errors()
    # Nothing is fetched from beyond the server (works offline; no third parties).
    assert dp.external_requests(runback_server.host) == []

    # Accessibility: no serious/critical axe-core violations (nor "region"); other moderate ones reported.
    blocking, others = axe_check(page)
    record_property("axe_non_blocking", json.dumps(others))
    print(f"\n[axe] {notebook}: blocking={len(blocking)} others={others}")
    assert not blocking, "\n".join(blocking)
    # Links in the page's text look like links: underlined or in a colour of their own (axe's
    # link-in-text-block only checks links it can measure; Jupyter's base CSS unsets both).
    plain = page.evaluate(
        """() => [...document.querySelectorAll('.widget-html-content a[href]')].filter(a => {
             const cs = getComputedStyle(a), ps = getComputedStyle(a.parentElement);
             return a.offsetParent !== null && !cs.textDecorationLine.includes('underline') && cs.color === ps.color;
           }).map(a => a.textContent.trim().slice(0, 60))"""
    )
    assert plain == [], f"{notebook}: links that read as plain text: {plain[:8]}"

    # Screenshot for the README: the dashboard itself (the output holding the
    # first figure, scrolled to the top of the 1366x900 viewport), not the
    # lesson text above it.
    if n_figs:
        page.evaluate(
            "() => { const f = document.querySelector('.js-plotly-plot');"
            " const app = f.closest('.jp-OutputArea-output') || f; app.scrollIntoView({block: 'start'});"
            " const r = f.getBoundingClientRect();"  # the whole first figure, with what fits above it
            " if (r.bottom > innerHeight) f.scrollIntoView({block: r.height > innerHeight ? 'start' : 'end'}); }"
        )
        page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / f"{notebook}.png"), full_page=False)

    # The server logged no traceback while rendering this page.
    assert "Traceback (most recent call last)" not in runback_server.log()

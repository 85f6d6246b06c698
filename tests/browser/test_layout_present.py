"""An instructor at a projector (1920x1080, ``runback serve --present``): axe-core finds no
violation at all, colour contrast included; every text passes WCAG AA by our own measure;
figure text is at least 18 px; figures span their column; no button label is cut; and the
page prints as a handout (no controls; figures, claims and references kept).

One ``--present`` server for the module. With ``RUNBACK_UPDATE_SCREENSHOTS=1`` the projector
screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import pytest

from . import layout_probe as probe
from .harness import notebook_names, open_dashboard, start_server

pytestmark = pytest.mark.browser

PAGES = notebook_names()


@pytest.fixture(scope="module")
def present_server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("present-layout"), args=["--present"])
    yield srv
    srv.stop()


@pytest.mark.parametrize("notebook", PAGES)
def test_projector_readable(browser, present_server, notebook, screenshot_dir):
    dp = open_dashboard(browser, present_server, notebook, viewport=probe.PROJECTOR)
    try:
        page = dp.page
        n = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        if n:
            dp.wait_plots()
        page.wait_for_timeout(800)
        assert page.evaluate("document.documentElement.lang") == "en"

        violations = [v for v in probe.axe_violations(page) if not v["id"].startswith("incomplete:")]
        assert violations == [], f"{notebook}: axe violations at the projector: {violations}"
        low = probe.low_contrast(page)
        assert low == [], f"{notebook}: text under WCAG AA contrast: {low[:8]}"

        for f in probe.figures(page):
            if not f["visible"]:
                continue
            assert f["min_text"] is None or f["min_text"] >= 18, (
                f"{notebook}: figure {f['i']} text {f['min_text']} px: {f['small']}"
            )
            assert f["drawn"] >= f["container"] - 40, (
                f"{notebook}: figure {f['i']} uses {f['drawn']} of {f['container']} px"
            )

        cut = page.evaluate(
            "() => Array.from(document.querySelectorAll('.widget-button, .widget-toggle-button'))"
            ".filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.trim())"
        )
        assert cut == [], f"{notebook}: button labels cut off: {cut}"
        page.screenshot(path=str(screenshot_dir / f"projector-{notebook}.png"))
        probe.screenshot_tool(page, screenshot_dir / f"projector-{notebook}-tool.png")

        # Print: a handout without controls.
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        printed = page.evaluate(
            "() => ({controls: Array.from(document.querySelectorAll('.widget-slider, .widget-dropdown, .widget-button, .widget-toggle-buttons, .rb-share-row, a.rb-download'))"
            ".filter(e => e.getBoundingClientRect().height > 0).length,"
            " figures: Array.from(document.querySelectorAll('.js-plotly-plot')).filter(e => e.getBoundingClientRect().height > 0).length,"
            " claims: Array.from(document.querySelectorAll('[data-claim-id]')).filter(e => e.getBoundingClientRect().height > 0).length,"
            " refs: /References/.test(document.body.innerText)})"
        )
        assert printed["controls"] == 0, f"{notebook}: controls on the printed page: {printed}"
        if notebook != "index":
            assert printed["figures"] > 0 and printed["claims"] > 0 and printed["refs"], (
                f"{notebook}: printed page lost content: {printed}"
            )
        page.emulate_media(media="screen")
        assert dp.page_errors == []
    finally:
        dp.close()

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

        assert probe.figure_title_overlaps(page) == [], f"{notebook}: {probe.figure_title_overlaps(page)}"
        # Issue 14: tick boxes a room can see; toggle buttons in the same type as the other
        # buttons; notes at least 18 px; no light panel on the dark page (the "What to do" box).
        small_boxes = page.evaluate(
            "() => Array.from(document.querySelectorAll('input[type=checkbox]')).filter(e => e.offsetParent)"
            ".map(e => Math.round(e.getBoundingClientRect().width)).filter(w => w < 24)"
        )
        assert small_boxes == [], f"{notebook}: tick boxes under 24 px: {small_boxes}"
        sizes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.widget-button, .widget-toggle-button'))"
            ".filter(b => b.offsetParent).map(b => parseFloat(getComputedStyle(b).fontSize))"
        )
        assert len(set(sizes)) <= 1, f"{notebook}: buttons in different type sizes: {sizes}"
        notes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.rb-src, .rb-sx-help, .rb-src-ids, .rb-care-help'))"
            ".filter(e => e.offsetParent && e.textContent.trim())"
            ".map(e => [e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)])"
            ".filter(([, px]) => px < 18)"
        )
        assert notes == [], f"{notebook}: notes under 18 px: {notes}"
        light = page.evaluate(
            "() => Array.from(document.querySelectorAll('.rb-urg, .rb-safety, .rb-consider, .rb-claim, .rb-note'))"
            ".filter(e => e.offsetParent).filter(e => { const m = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number);"
            " return (m.length < 4 || m[3] > 0.5) && (m[0] + m[1] + m[2]) / 3 > 128; })"
            ".map(e => e.className)"
        )
        assert light == [], f"{notebook}: light panels on the dark page: {light}"
        if notebook == "index":
            cards = probe.cards(page)
            assert len(cards) >= 4 and len({c["top"] for c in cards}) == 1, f"cards not in one row: {cards}"
            assert max(c["width"] for c in cards) - min(c["width"] for c in cards) <= 1, cards

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

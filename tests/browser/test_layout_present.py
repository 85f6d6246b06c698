"""An instructor at a projector (1920x1080, ``runback serve --present``): axe-core finds no
violation at all, colour contrast included; every text passes WCAG AA by our own measure;
figure text is at least 18 px; figures span their column; no button label is cut; and the
page prints as a handout (no controls; figures, claims and references kept).

Also the presenter frame (formerly tests/browser/test_classroom_present.py): dark high-contrast
page, large type, plotly figures follow, no sideways scrolling, the app fits the frame's width,
axe-core clean.

One ``--present`` server for the session (conftest.py). Both tests look at the same projector
page of a dashboard: it is opened once per dashboard and the two tests run on it in turn
(``projector_page``, module-scoped and parametrised, so pytest runs both tests of one dashboard
before it opens the next); the presenter-frame test runs first and only reads the page. With
``RUNBACK_UPDATE_SCREENSHOTS=1`` the projector screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import pytest

from . import layout_probe as probe
from .harness import ROOT, axe_check, notebook_names, open_dashboard

pytestmark = pytest.mark.browser

PROJECTOR = probe.PROJECTOR
SCREENSHOTS = ROOT / "docs" / "screenshots"  # where ``make screenshots`` writes (conftest.py)
PAGES = notebook_names()


@pytest.fixture(scope="module", params=PAGES)
def projector_page(request, browser, present_server):
    """(notebook, its page at 1920x1080 on the --present server), shared by this module's tests."""
    dp = open_dashboard(browser, present_server, request.param, viewport=PROJECTOR)
    yield request.param, dp
    dp.close()


def _luminance(rgb: str) -> float:
    import re

    hexm = re.fullmatch(r"#([0-9a-fA-F]{6})", rgb.strip())
    if hexm:
        nums = [float(int(hexm.group(1)[i : i + 2], 16)) for i in (0, 2, 4)]
    else:
        nums = [float(x) for x in re.findall(r"[\d.]+", rgb)[:3]]
    if len(nums) < 3:
        return 1.0

    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in nums)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_presenter_mode_projector_frame(projector_page, screenshot_dir, tmp_path):
    notebook, dp = projector_page
    page = dp.page
    n_figs = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    if n_figs:
        dp.wait_plots()
    page.wait_for_timeout(500)

    # Dark page, light large text.
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    fg = page.evaluate("getComputedStyle(document.body).color")
    assert _luminance(bg) < 0.05, f"presenter background is not dark: {bg}"
    assert _luminance(fg) > 0.7, f"presenter text is not light: {fg}"
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#rendered_cells p, #rendered_cells li, .widget-label, .widget-html-content'))"
        ".filter(e => e.offsetParent && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes, "no text found"
    sizes.sort()
    assert sizes[len(sizes) // 2] >= 20, f"presenter text too small (median {sizes[len(sizes) // 2]} px)"

    # Plotly follows: dark paper, large font.
    for i in range(n_figs):
        lay = page.evaluate(
            "(i) => { const f = document.querySelectorAll('.js-plotly-plot')[i]._fullLayout;"
            " return {bg: f.paper_bgcolor, font: f.font.size, color: f.font.color}; }",
            i,
        )
        assert _luminance(lay["bg"]) < 0.05, f"figure {i} background not dark: {lay}"
        assert lay["font"] >= 18, f"figure {i} font too small for the back of the room: {lay}"

    # No sideways scrolling; the app and its figures fit the frame's width.
    scroll_w, inner_w = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_w <= inner_w, f"{notebook}: horizontal scrollbar at 1920x1080 (scrollWidth {scroll_w})"
    figs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => { const r = e.getBoundingClientRect();"
        " return [Math.round(r.left), Math.round(r.right), Math.round(r.height)]; })"
    )
    assert all(f[1] <= inner_w and f[0] >= 0 for f in figs), f"figure outside the frame: {figs}"
    assert all(f[2] <= PROJECTOR["height"] for f in figs), f"a figure is taller than the frame: {figs}"
    scrollers = page.evaluate(
        "() => Array.from(document.querySelectorAll('#rendered_cells *')).filter(e => {"
        " const s = getComputedStyle(e); return (s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1; })"
        ".map(e => ({cls: e.className.toString().slice(0, 60), app: !!e.querySelector('.jupyter-widgets') || !!e.closest('.jupyter-widgets'),"
        " text: e.textContent.trim().slice(0, 60)}))"
    )
    # The main view (the app's widgets) must not scroll sideways; lesson text that
    # does (e.g. a wide equation) is reported for its owner.
    in_app = [x for x in scrollers if x["app"]]
    assert not in_app, f"{notebook}: parts of the app with their own horizontal scrollbar at 1920x1080: {in_app[:5]}"
    for x in scrollers:
        if not x["app"]:
            print(f"\n[present] {notebook}: lesson text scrolls sideways at 1920x1080: {x}")

    blocking, _others = axe_check(page)
    assert not blocking, "\n".join(blocking)
    # (``make screenshots`` never wrote these to docs/screenshots/: they stay out of it)
    shots = tmp_path if screenshot_dir == SCREENSHOTS else screenshot_dir
    page.screenshot(path=str(shots / f"present-{notebook}.png"))
    assert dp.page_errors == []
    assert dp.error_text_on_page() == []


def test_projector_readable(projector_page, screenshot_dir):
    notebook, dp = projector_page
    page = dp.page
    n = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    if n:
        dp.wait_plots()
    page.wait_for_timeout(800)
    assert page.evaluate("document.documentElement.lang") == "en"
    # The quiz's feedback, right and wrong, is on the page too (its colours on the dark page).
    if page.locator(".rb-quiz-question").count():
        from runback_widgets import content

        qs = content.quiz_questions(notebook)
        boxes = page.locator(".rb-quiz-question")
        wrong = next(i for i in range(len(qs[0]["options"])) if i != qs[0]["correct"])
        boxes.nth(0).locator("label", has_text=qs[0]["options"][wrong]).first.click()
        boxes.nth(1).locator("label", has_text=qs[1]["options"][qs[1]["correct"]]).first.click()
        page.locator(".rb-quiz-right").first.wait_for(timeout=10_000)
        assert page.locator(".rb-quiz-wrong").count() == 1

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

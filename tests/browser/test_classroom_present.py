"""Presenter mode (``runback serve --present``) on a 1920x1080 projector frame:
dark high-contrast page, large type, plotly figures follow, no sideways
scrolling, the app fits the frame's width, axe-core clean.

One ``--present`` server for the module.
"""

from __future__ import annotations

import pytest

from .harness import axe_check, notebook_names, open_dashboard, start_server

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
PAGES = notebook_names()


@pytest.fixture(scope="module")
def present_server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("present"), args=["--present"])
    yield srv
    srv.stop()


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


@pytest.mark.parametrize("notebook", PAGES)
def test_presenter_mode_projector_frame(browser, present_server, notebook, screenshot_dir):
    dp = open_dashboard(browser, present_server, notebook, viewport=PROJECTOR)
    try:
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
        assert not in_app, (
            f"{notebook}: parts of the app with their own horizontal scrollbar at 1920x1080: {in_app[:5]}"
        )
        for x in scrollers:
            if not x["app"]:
                print(f"\n[present] {notebook}: lesson text scrolls sideways at 1920x1080: {x}")

        blocking, _others = axe_check(page)
        assert not blocking, "\n".join(blocking)
        page.screenshot(path=str(screenshot_dir / f"present-{notebook}.png"))
        assert dp.page_errors == []
        assert dp.error_text_on_page() == []
    finally:
        dp.close()

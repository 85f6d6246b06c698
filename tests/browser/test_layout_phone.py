"""A runner on a phone (375x812, touch screen): every dashboard opens with the tool, nothing
sticks out sideways, every figure fits its column (also after switching views), a swipe over a
figure scrolls the page, and quiz answers do not print over each other.

Parametrised over notebooks/ (a new dashboard is covered without editing this file). With
``RUNBACK_UPDATE_SCREENSHOTS=1`` the phone screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import pytest

from . import layout_probe as probe
from .harness import notebook_names, open_dashboard

pytestmark = pytest.mark.browser

DASHBOARDS = [n for n in notebook_names() if n != "index"]


def _open_phone(browser, server, notebook):
    from .harness import WS_PROBE_JS, DashboardPage

    context = browser.new_context(viewport=probe.PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    context.add_init_script(WS_PROBE_JS)
    page = context.new_page()
    dp = DashboardPage(page=page, context=context)
    page.on("pageerror", lambda e: dp.page_errors.append(str(e)))
    page.goto(server.url(notebook), timeout=90_000)
    dp.wait_rendered()
    dp.wait_plots()
    page.wait_for_timeout(800)
    return dp


def _swipe_scrolls(page, fig_index: int, dy: int = 250) -> tuple[int, int]:
    """Swipe up over the middle of figure ``fig_index`` with real touch events (CDP
    Input.dispatchTouchEvent); return the page's scroll position before and after."""
    box = page.evaluate(
        "(i) => { const f = document.querySelectorAll('.js-plotly-plot')[i]; f.scrollIntoView({block: 'center'});"
        " const r = f.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }",
        fig_index,
    )
    page.wait_for_timeout(300)
    before = probe.scroll_top(page)
    cdp = page.context.new_cdp_session(page)
    x, y = box
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    steps = 8
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - dy * k / steps}]})
        page.wait_for_timeout(16)  # a finger, not a teleport: the compositor sees a gesture
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(600)
    after = probe.scroll_top(page)
    cdp.detach()
    return before, after


@pytest.mark.skipif(not DASHBOARDS, reason="no dashboard notebook yet")
@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_phone_tool_first_and_fits(browser, runback_server, notebook, screenshot_dir):
    dp = _open_phone(browser, runback_server, notebook)
    try:
        page = dp.page
        H = probe.PHONE["height"]
        # The tool comes first: its first control within 1.5 screens of the top.
        fc = probe.first_control(page)
        assert fc, f"{notebook}: no control found"
        assert fc["top"] <= 1.5 * H, f"{notebook}: first control at {fc['top']} px (> {1.5 * H} px): {fc}"
        # The quiz does not tell a touch screen about Tab and the arrow keys.
        keys = page.locator(".rb-quiz-keys").first
        keys.wait_for(state="attached", timeout=30_000)
        assert not keys.is_visible(), f"{notebook}: the quiz's keyboard hint shows on a phone"
        page.screenshot(path=str(screenshot_dir / f"phone-{notebook}.png"))
        probe.screenshot_tool(page, screenshot_dir / f"phone-{notebook}-tool.png")

        # Nothing sticks out past the right edge; wide tables/equations scroll inside their box.
        ov = probe.overflow(page)
        assert ov["scrollWidth"] <= ov["width"], f"{notebook}: page scrolls sideways: {ov}"
        assert ov["n_wider"] == 0, f"{notebook}: elements past the viewport: {ov['wider']}"
        assert ov["n_cut"] == 0, f"{notebook}: content cut off with no way to scroll to it: {ov['cut']}"
        assert ov["n_sideways_text"] == 0, f"{notebook}: text wider than the screen: {ov['sideways_text']}"

        # No two titles print over each other inside a figure (issue 14: What helps).
        assert probe.figure_title_overlaps(page) == [], f"{notebook}: {probe.figure_title_overlaps(page)}"
        # Figures fit their column, now and after every view switch.
        assert probe.too_wide_figures(page) == [], probe.figures(page)
        after = probe.cycle_views(page)
        assert after == [], f"{notebook}: figures wider than their column after switching views: {after}"

        # Quiz (and tick-box) labels do not overlap.
        assert probe.label_overlaps(page) == [], (
            f"{notebook}: labels printed over each other: {probe.label_overlaps(page)}"
        )

        # The result sentence stays in sight while the controls are used: right under them, or
        # floating at the top of the screen while it has scrolled away.
        if page.evaluate("document.querySelectorAll('.rb-headline').length"):
            probe.scroll_to(page, max(0, fc["top"] - 40))
            page.wait_for_timeout(700)
            seen = page.evaluate(
                "() => { const h = document.querySelector('.rb-headline'); const r = h.getBoundingClientRect();"
                " if (r.top >= 0 && r.bottom <= innerHeight) return 'in view';"
                " const f = document.querySelector('.rb-float-headline');"
                " return f && !f.hidden && f.getBoundingClientRect().height > 0 && f.textContent.trim() === h.innerText.trim()"
                "   ? 'floating' : 'lost'; }"
            )
            assert seen in ("in view", "floating"), (
                f"{notebook}: the result sentence is out of sight next to the controls"
            )

        # Plotly's toolbar is hidden on a phone (it sat on the figure titles).
        shown = [f["i"] for f in probe.figures(page) if f["visible"] and f["modebar"]]
        assert shown == [], f"{notebook}: plotly toolbar shown at 375 px on figures {shown}"

        # A swipe over any figure scrolls the page (figures do not trap touch scrolling).
        n = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        for i in range(n):
            if not page.evaluate("(i) => document.querySelectorAll('.js-plotly-plot')[i].offsetParent !== null", i):
                continue
            before, after_y = _swipe_scrolls(page, i)
            assert after_y > before + 50, (
                f"{notebook}: a swipe over figure {i} did not scroll the page ({before} -> {after_y})"
            )
        assert dp.page_errors == []
    finally:
        dp.close()


@pytest.mark.skipif(not DASHBOARDS, reason="no dashboard notebook yet")
def test_phone_tap_hands_the_figure_the_touches(browser, runback_server):
    """After a tap on a figure it takes touches (turn/zoom); a tap elsewhere gives them back."""
    notebook = DASHBOARDS[0]
    dp = _open_phone(browser, runback_server, notebook)
    try:
        page = dp.page
        assert page.evaluate("document.documentElement.classList.contains('rb-touch')")
        fig = page.locator(".js-plotly-plot").first
        fig.scroll_into_view_if_needed()
        box = fig.bounding_box()
        pe = "() => getComputedStyle(document.querySelector('.js-plotly-plot .svg-container')).pointerEvents"
        assert page.evaluate(pe) == "none"
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
        assert page.evaluate(pe) != "none"
        page.touchscreen.tap(5, 5)
        page.wait_for_timeout(300)
        assert page.evaluate(pe) == "none"
    finally:
        dp.close()


def test_phone_landing_cards_one_even_column(browser, runback_server):
    """The dashboard cards stack in one column of equal widths at 375 px (issue 14)."""
    dp = open_dashboard(browser, runback_server, "index", viewport=probe.PHONE)
    try:
        cards = probe.cards(dp.page)
        assert len(cards) >= 4, cards
        assert len({c["width"] for c in cards}) == 1 and len({c["left"] for c in cards}) == 1, cards
    finally:
        dp.close()

"""Run load simulator in a real browser: preset picker and a slider change the plotted data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "03-run-load-simulator"


def _index_y(dp):
    data = dp.plot_data(0)  # first figure on the page: the lumbar load index
    assert data, "no plot data"
    y = data[0]["y"]
    if isinstance(y, dict):  # a typed array, serialised as {"0": ..., "1": ...}
        y = [y[k] for k in sorted(y, key=int)]
    return y


#: The y data of every trace of every figure, as one string (to see that *something* was redrawn).
_SNAPSHOT = (
    "() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".map(f => (f.data || []).map(t => t.y)))"
)


def _snapshot(dp) -> str:
    return dp.page.evaluate(_SNAPSHOT)


def _wait_changed(dp, before, timeout_ms=20_000):
    dp.page.wait_for_function("(b) => (" + _SNAPSHOT + ")() !== b", arg=before, timeout=timeout_ms)


def test_preset_and_slider_update_plots(dashboard):
    dp = dashboard(NOTEBOOK)
    assert dp.wait_plots() >= 3
    page = dp.page
    assert "By minute 52 your lower back has taken over" in page.inner_text("body")  # weak glutes, the default
    assert "Shaded band" in page.inner_text("body")
    # the uncertainty band (traces 3 and 4 of the index chart) is drawn, with the run inside it
    band = page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[0].data.slice(3).map(t => t.y ? Object.keys(t.y).length : 0)"
    )
    assert band[0] > 10 and band[1] > 10, band
    before = _index_y(dp)
    snap = _snapshot(dp)

    # pick a preset: the plots and the sentence change
    label = "Returning after time off, too hard too soon"
    page.locator("select").filter(has_text=label).first.select_option(label=label)
    # the sentence first (one message), then every figure's data (several; slow on a loaded machine)
    page.wait_for_function(
        "() => document.body.innerText.includes('By minute 34 your lower back has taken over')", timeout=40_000
    )
    _wait_changed(dp, snap, timeout_ms=40_000)
    after = _index_y(dp)
    snap = _snapshot(dp)
    assert max(after) > max(before)

    # move a slider with the keyboard: hip abductor strength down. The weaker hips lean on the
    # trunk more, so the load-share chart (second figure) changes.
    shares_before = dp.plot_data(1)
    slider = page.locator(".widget-slider", has_text="Hip abductor strength").locator(".noUi-handle").first
    assert slider.get_attribute("aria-label") == "Hip abductor strength (glute med)"
    slider.focus()
    shares_js = "() => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[1].data.map(t => t.y))"
    shares_snap = page.evaluate(shares_js)
    for _ in range(8):
        slider.press("ArrowLeft")
    _wait_changed(dp, snap)
    # figures update one message at a time: wait for the load-share chart itself
    page.wait_for_function(f"(b) => ({shares_js})() !== b", arg=shares_snap, timeout=20_000)
    assert dp.plot_data(1) != shares_before
    page.wait_for_function(
        "() => document.body.innerText.includes('Custom (your own settings)') || "
        "Array.from(document.querySelectorAll('select')).some(s => s.value && "
        "s.options[s.selectedIndex].text.startsWith('Custom'))",
        timeout=20_000,
    )

    # the cohort view creates its histogram on first visit, and it draws
    n_before = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    page.get_by_role("button", name="Class cohort").click()
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length > {n_before}", timeout=30_000)
    dp.wait_plots()
    page.wait_for_function("() => document.body.innerText.includes('runners drawn around this runner')", timeout=20_000)

    assert dp.page_errors == []
    assert dp.console_errors() == [], dp.console_errors()
    assert dp.error_text_on_page() == []


def test_phone_width_no_horizontal_scroll(dashboard):
    dp = dashboard(NOTEBOOK, viewport={"width": 375, "height": 800})
    dp.wait_plots()
    dp.page.wait_for_timeout(1000)
    widths = dp.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[2] + 1 and widths[1] <= widths[2] + 1, widths
    # every plot fits the screen
    plot_widths = dp.page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => e.getBoundingClientRect().right)"
    )
    assert all(w <= 376 for w in plot_widths), plot_widths

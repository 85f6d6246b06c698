"""Run load simulator in a real browser: preset picker and a slider change the plotted data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "03-run-load-simulator"


def _index_y(dp):
    data = dp.plot_data(0)  # first figure on the page: the lumbar load index
    assert data, "no plot data"
    return data[0]["y"]


def _wait_changed(dp, before, timeout_ms=20_000):
    dp.page.wait_for_function(
        "(b) => { const f = document.querySelectorAll('.js-plotly-plot')[0];"
        " return f && f.data && JSON.stringify(f.data[0].y) !== b; }",
        arg=before, timeout=timeout_ms)


def test_preset_and_slider_update_plots(dashboard):
    import json

    dp = dashboard(NOTEBOOK)
    assert dp.wait_plots() >= 3
    page = dp.page
    assert "At minute 25 your lower back starts doing the glutes" in page.inner_text("body")
    before = _index_y(dp)

    # pick a preset: the plots and the sentence change
    page.locator("select").filter(has_text="Well-conditioned runner").first.select_option(label="Well-conditioned runner")
    _wait_changed(dp, json.dumps(before))
    after = _index_y(dp)
    assert max(after) < max(before)
    page.wait_for_function("() => document.body.innerText.includes('hips keep carrying more')", timeout=20_000)

    # move a slider with the keyboard: hip abductor strength down
    slider = page.locator(".widget-slider", has_text="Hip abductor strength").locator(".noUi-handle").first
    slider.focus()
    for _ in range(8):
        slider.press("ArrowLeft")
    _wait_changed(dp, json.dumps(after))
    moved = _index_y(dp)
    assert max(moved) > max(after)

    assert dp.page_errors == []
    assert dp.console_errors() == [], dp.console_errors()
    assert dp.error_text_on_page() == []

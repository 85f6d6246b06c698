"""What helps (04-what-helps) in a real browser: renders without errors, passes axe,
fits a phone, works by keyboard, downloads plans that open, and runs in presenter mode."""

from __future__ import annotations

import csv
import io

import pytest

from .harness import axe_check, open_dashboard
from .test_phone_keyboard import OVERFLOW_JS

pytestmark = pytest.mark.browser

NOTEBOOK = "04-what-helps"
PHONE = {"width": 375, "height": 812}


def _check_clean(dp):
    assert dp.page_errors == []
    assert dp.console_errors() == [], dp.console_errors()
    assert dp.error_text_on_page() == []


def _show(dp, name: str):
    dp.page.get_by_role("button", name=name, exact=True).click()


def test_renders_evidence_chart_and_passes_axe(dashboard, runback_server):
    dp = dashboard(NOTEBOOK)
    assert dp.wait_plots() >= 1
    data = dp.plot_data(0)
    assert sum(len(t["x"]) for t in data) >= 12  # one dot per care option
    body = dp.page.inner_text("body")
    assert "Educational model, not a diagnosis" in body
    assert "Recommended first" in body and "Paracetamol on its own" in body
    # Each option's name sits just above its own dot, not half-way to the row above (issue 14).
    rows = dp.page.evaluate(
        """() => { const plot = document.querySelector('.js-plotly-plot');
          const dots = Array.from(plot.querySelectorAll('.scatterlayer path.point')).map(p => {
            const r = p.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
          return Array.from(plot.querySelectorAll('.annotation-text')).map(a => {
            const r = a.getBoundingClientRect();
            const below = dots.filter(y => y > r.bottom).map(y => y - r.bottom);
            const above = dots.filter(y => y < r.top).map(y => r.top - y);
            return {t: a.textContent, below: Math.min(...below), above: above.length ? Math.min(...above) : null}; }); }"""
    )
    assert len(rows) >= 12, rows
    for r in rows:
        assert r["below"] < 20 and (r["above"] is None or 2 * r["below"] < r["above"]), (
            f"option name not next to its own dot: {r}"
        )
    blocking, _ = axe_check(dp.page)
    assert blocking == [], blocking
    assert dp.external_requests(runback_server.host) == []
    _check_clean(dp)


def test_exercise_filter_and_planner_by_keyboard_and_downloads(dashboard, tmp_path):
    dp = dashboard(NOTEBOOK)
    page = dp.page
    dp.wait_plots()
    # keyboard: focus the 'Exercises' view button and press Enter
    page.get_by_role("button", name="Exercises", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=30_000)
    dp.wait_plots()
    select = page.locator("select").filter(has_text="Bending forwards hurts").first
    select.focus()
    select.select_option(label="Bending forwards hurts")
    page.wait_for_function("() => document.body.innerText.includes('10 of 12 exercises match')", timeout=20_000)
    assert "Trains (simulator groups)" in page.inner_text("body")
    link = page.locator("a.rb-care-simlink")
    assert "03-run-load-simulator.ipynb?" in link.get_attribute("href") and "strength_weeks=8" in link.get_attribute(
        "href"
    )

    # the return-to-run planner: a plan, its chart, and two downloads that open
    _show(dp, "Back to running")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=30_000)
    dp.wait_plots()
    csv_link = page.locator("a.rb-download-csv").first
    with page.expect_download() as dl:
        csv_link.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert path.name == "return-to-running.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and rows[0]["week"] == "1" and "date" in rows[0]
    with page.expect_download() as dl:
        page.locator("a.rb-download-ics").first.click()
    ics = tmp_path / dl.value.suggested_filename
    dl.value.save_as(ics)
    from icalendar import Calendar

    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == len(rows)

    # the explorer says 'see a doctor': the planner refuses and the downloads disappear
    urg = page.locator("select").filter(has_text="Self-care (no warning signs)").first
    urg.select_option(label="See a doctor")
    page.wait_for_function("() => document.querySelector('.rb-care-refused') !== null", timeout=20_000)
    page.wait_for_function("() => document.querySelector('.rb-care-downloads-return a') === null", timeout=20_000)
    _check_clean(dp)


def test_link_from_the_explorer_opens_the_refusal(dashboard):
    dp = dashboard(NOTEBOOK, query="urgency=emergency&view=return")
    dp.page.wait_for_function("() => document.querySelector('.rb-care-refused') !== null", timeout=30_000)
    assert "emergency department" in dp.page.inner_text(".rb-care-refused")
    _check_clean(dp)


@pytest.mark.parametrize("view", ["Evidence", "Exercises", "Back to running", "Build a base"])
def test_phone_width_has_no_horizontal_overflow(dashboard, view):
    dp = dashboard(NOTEBOOK, viewport=PHONE)
    dp.wait_plots()
    if view != "Evidence":
        _show(dp, view)
        dp.page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=30_000)
        dp.wait_plots()
        dp.wait_settled()
    page = dp.page
    scroll_w = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_w <= PHONE["width"], f"scrolls sideways ({scroll_w} px); sticking out: {page.evaluate(OVERFLOW_JS)}"
    figs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(e => e.offsetParent !== null)"
        ".map(e => { const r = e.getBoundingClientRect(); const s = e.querySelector('svg.main-svg');"
        " const w = s ? s.getBoundingClientRect() : r; return [Math.round(r.left), Math.round(Math.max(r.right, w.right))]; })"
    )
    assert figs, "no visible figure"
    assert all(left >= -1 and right <= PHONE["width"] + 1 for left, right in figs), (
        f"figure wider than the phone: {figs}"
    )
    # every control of the view is inside the screen (tables scroll sideways inside their own region)
    bad = page.evaluate(
        "() => Array.from(document.querySelectorAll('.rb-care select, .rb-care input, .rb-care button, .rb-care a'))"
        ".filter(e => e.offsetParent !== null && !e.closest('[role=region]')).map(e => e.getBoundingClientRect())"
        ".filter(r => r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1)).length"
    )
    assert bad == 0
    _check_clean(dp)


def test_present_mode_renders_and_passes_axe(browser, present_server):
    dp = open_dashboard(browser, present_server, NOTEBOOK, viewport={"width": 1920, "height": 1080})
    try:
        dp.wait_plots()
        bg = dp.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg in ("rgb(17, 17, 17)", "rgba(17, 17, 17, 1)") or "17" in bg
        blocking, _ = axe_check(dp.page)
        assert blocking == [], blocking
        _check_clean(dp)
    finally:
        dp.close()

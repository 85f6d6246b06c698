"""The symptom explorer in a real browser: a red flag shows the banner first;
the checkboxes are reachable and operable with the keyboard; the chart follows."""

from __future__ import annotations

import pytest

from .harness import axe_check

pytestmark = pytest.mark.browser

NB = "02-symptom-explorer"
BANNER = "[role=alert].rb-redflag"


def _bars(dp):
    """x values of the score chart (first plotly figure on the page)."""
    return dp.plot_data(0)[0]["x"]


def test_red_flag_shows_banner_first(dashboard):
    dp = dashboard(NB)
    dp.wait_plots()
    page = dp.page
    assert page.locator(BANNER).count() == 0
    page.get_by_label("Pain beside the spine on one side").check()
    page.get_by_label("Muscle spasms in the lower back").check()
    page.wait_for_function("() => document.body.innerText.includes('Self-care first')", timeout=20_000)
    page.get_by_label("Numbness or tingling around the genitals").check()
    banner = page.locator(BANNER)
    banner.wait_for(state="visible", timeout=20_000)
    text = banner.inner_text()
    assert "Go to an emergency department now" in text
    assert "cauda equina" in text.lower()
    # First in the results: above the leading-type sentence and the chart.
    box_banner = banner.bounding_box()
    lead = page.locator(".rb-lead").first.bounding_box()
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert box_banner["y"] < lead["y"] < chart["y"]
    # Unticking removes it again.
    page.get_by_label("Numbness or tingling around the genitals").uncheck()
    page.wait_for_function(f"() => !document.querySelector('{BANNER}')", timeout=20_000)
    assert dp.console_errors() == [] and dp.page_errors == []


def test_shared_link_with_red_flag_shows_banner(dashboard):
    dp = dashboard(NB, query="symptoms=pain_one_side,both_legs&age=40")
    dp.wait_plots()
    page = dp.page
    page.locator(BANNER).wait_for(state="visible", timeout=30_000)
    assert "cauda equina" in page.locator(BANNER).inner_text().lower()
    assert page.get_by_label("New pain, numbness, pins and needles or weakness in both legs").is_checked()
    assert dp.console_errors() == [] and dp.page_errors == []


def test_checkboxes_keyboard_operable(dashboard):
    dp = dashboard(NB)
    dp.wait_plots()
    page = dp.page
    first = page.get_by_label("Pain beside the spine on one side")
    first.focus()
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => { const f = document.querySelectorAll('.js-plotly-plot')[0]; return f && f.data[0].x[0] > 0; }",
        timeout=20_000,
    )
    assert first.is_checked()
    assert _bars(dp)[0] == pytest.approx(0.5)

    # Tab walks through every checkbox of the form, in order; Space ticks the focused one.
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement; const l = e.closest('label');"
            " return [e.tagName, e.type || '', l ? l.innerText.trim() : (e.getAttribute('aria-label') || '')]; }"
        )
        if info[1] == "checkbox":
            seen.append(info[2])
        if info[2].startswith("Numbness or tingling around the genitals"):
            page.keyboard.press("Space")
            break
    assert any(s.startswith("Muscle spasms") for s in seen)
    assert any(s.startswith("Numbness or tingling around the genitals") for s in seen)
    page.locator(BANNER).wait_for(state="visible", timeout=20_000)
    assert "cauda equina" in page.locator(BANNER).inner_text().lower()
    # Every checkbox has an accessible name.
    unnamed = page.evaluate(
        "() => Array.from(document.querySelectorAll('input[type=checkbox]'))"
        ".filter(e => !(e.closest('label') && e.closest('label').innerText.trim()) && !e.getAttribute('aria-label')).length"
    )
    assert unnamed == 0


def test_leg_pain_updates_chart_and_body_map(dashboard):
    dp = dashboard(NB, viewport={"width": 375, "height": 900})
    dp.wait_plots()
    page = dp.page
    page.get_by_label("Pain that shoots below the knee").check()
    page.wait_for_function(
        "() => { const f = document.querySelectorAll('.js-plotly-plot')[0]; return f && f.data[0].x[2] > 0.7; }",
        timeout=20_000,
    )
    # v2 (N14): sciatica without weakness is "see a doctor soon", with the safety net.
    assert "See a doctor or physiotherapist soon" in page.locator("body").inner_text()
    body = dp.plot_data(1)
    calf = next(t for t in body if t.get("name", "").startswith("calf"))
    assert calf["line"]["width"] == 4
    # No horizontal scroll at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert dp.console_errors() == [] and dp.page_errors == []


def test_tick_to_chart_latency(dashboard, record_property):
    """Click a checkbox -> the bar chart holds the new score (measured on the page's clock).
    Target: median <= 100 ms on an idle machine; asserted loosely (shared CI cores)."""
    dp = dashboard(NB)
    dp.wait_plots()
    page = dp.page
    box = page.get_by_label("Muscle spasms in the lower back")
    times = []
    for i in range(8):
        want = 0.6 if i % 2 == 0 else 0.0
        page.evaluate("() => { window.__t0 = performance.now(); }")
        box.click()
        ms = page.wait_for_function(
            "(want) => { const f = document.querySelectorAll('.js-plotly-plot')[0];"
            " return f && Math.abs(f.data[0].x[0] - want) < 1e-9 ? performance.now() - window.__t0 : false; }",
            arg=want,
            polling="raf",
            timeout=20_000,
        ).json_value()
        times.append(ms)
    times.sort()
    median = times[len(times) // 2]
    record_property("tick_to_chart_median_ms", median)
    print(f"\n[latency] 02 tick->chart: median {median:.0f} ms, all {[round(t) for t in times]}")
    assert median < 1000


def test_leg_pain_draws_safety_net_and_consider_list(dashboard, screenshot_dir):
    """Issue 12: a leg-pain case shows the cauda equina safety net and the
    "consider" list on screen, right under the result and above the chart."""
    dp = dashboard(NB)
    dp.wait_plots()
    page = dp.page
    assert page.locator(".rb-safety").count() == 0
    page.get_by_label("Pain that shoots below the knee").check()
    page.get_by_label("Leg pain or heavy legs when you walk").check()
    safety = page.locator(".rb-safety")
    safety.wait_for(state="visible", timeout=20_000)
    text = safety.inner_text().lower()
    assert "emergency department" in text and "both legs" in text and "genitals" in text
    consider = page.locator(".rb-consider")
    consider.wait_for(state="visible", timeout=20_000)
    assert "spinal stenosis" in consider.inner_text().lower()
    assert "see a doctor or physiotherapist soon" in consider.inner_text().lower()
    # Drawn next to the result: below the urgency box, above the score chart.
    urg = page.locator(".rb-urg").first.bounding_box()
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert urg["y"] < safety.bounding_box()["y"] < consider.bounding_box()["y"] < chart["y"]
    page.screenshot(path=str(screenshot_dir / "symptoms-safety-net.png"), full_page=False)
    # The new boxes pass axe-core like the rest of the page.
    blocking, _ = axe_check(page)
    assert not blocking, blocking
    assert dp.console_errors() == [] and dp.page_errors == []

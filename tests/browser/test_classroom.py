"""Shareable scenario links in a real browser, with pre-heated kernels
(``runback serve --classroom``) and without (the session's plain server).

A pre-heated kernel executed the notebook before the visitor arrived; the
scenario in the visitor's link must still be applied (ui/share.py waits for
Voila's request info), and a hostile link gives a visible, escaped note.
"""

from __future__ import annotations

import pytest

from .harness import NOTEBOOKS, open_dashboard, start_classroom

pytestmark = pytest.mark.browser

NB = "03-run-load-simulator"
GOOD = "speed_m_s=4.5&duration_min=45"
HOSTILE = "speed_m_s=NaN&bogus=1&%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E=2&duration_min=" + "9" * 3000

pytest.importorskip("runback_widgets.loadsim.widget")
if not (NOTEBOOKS / f"{NB}.ipynb").exists():  # pragma: no cover
    pytest.skip(f"{NB} not there yet", allow_module_level=True)


@pytest.fixture(scope="module")
def classroom_server(tmp_path_factory):
    """--classroom with the pool on one dashboard (2 kernels in all: light)."""
    srv = start_classroom(tmp_path_factory.mktemp("classroom"), NB)
    yield srv
    srv.stop()


def _link(dp) -> str:
    loc = dp.page.locator("input.rb-share-url")
    loc.wait_for(state="attached", timeout=60_000)
    return loc.input_value()


def _check_restored(dp):
    dp.wait_plots()
    link = _link(dp)
    assert "speed_m_s=4.5" in link and "duration_min=45" in link, link
    assert "token=" not in link
    assert dp.page.locator(".rb-share-note").count() == 0 or not dp.page.locator(".rb-share-note").is_visible()


def _check_hostile(dp):
    dp.wait_plots()
    note = dp.page.locator(".rb-share-note")
    note.wait_for(state="visible", timeout=60_000)
    text = note.inner_text()
    assert "bogus" in text and "<script>" in text  # shown as text, escaped
    assert dp.page.evaluate("window.__pwned === undefined")
    assert dp.page.evaluate(
        "Array.from(document.querySelectorAll('#rendered_cells script')).every(s => !s.textContent.includes('__pwned'))"
    )
    link = _link(dp)
    assert "bogus" not in link and "NaN" not in link and "9999" not in link
    assert dp.error_text_on_page() == []


def test_link_restores_scenario_with_preheated_kernel(browser, classroom_server):
    dp = open_dashboard(browser, classroom_server, NB, query=GOOD)
    try:
        _check_restored(dp)
        assert "Using pre-heated kernel" in classroom_server.log()
        assert dp.page_errors == []
    finally:
        dp.close()


def test_hostile_link_with_preheated_kernel(browser, classroom_server):
    dp = open_dashboard(browser, classroom_server, NB, query=HOSTILE)
    try:
        _check_hostile(dp)
    finally:
        dp.close()


def test_a_pooled_page_draws_updates_and_grows(browser, classroom_server):
    """A pre-heated kernel kept its widgets' messages to itself until this page connected
    (voila/quiet.py): the page still gets every widget with its current state, a control
    changes the sentence and the figures, and a view made after the page connected (the
    cohort histogram) draws."""
    from benchmarks.classroom import PLOT_SIG_JS

    dp = open_dashboard(browser, classroom_server, NB)
    try:
        page = dp.page
        assert dp.wait_plots() >= 2
        body = page.inner_text("body")
        assert "By minute 52 your lower back has taken over" in body  # the default runner's sentence
        assert "Shaded band" in body
        sig = page.evaluate(PLOT_SIG_JS)
        label = "Returning after time off, too hard too soon"
        page.locator("select").filter(has_text=label).first.select_option(label=label)
        page.wait_for_function(
            "() => document.body.innerText.includes('By minute 34 your lower back has taken over')", timeout=40_000
        )
        page.wait_for_function(f"(b) => ({PLOT_SIG_JS})() !== b", arg=sig, timeout=40_000)
        n = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        page.get_by_role("button", name="Class cohort").click()
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length > {n}", timeout=30_000)
        page.wait_for_function(
            "() => document.body.innerText.includes('runners drawn around this runner')", timeout=20_000
        )
        assert "Using pre-heated kernel" in classroom_server.log()
        assert dp.page_errors == [] and dp.error_text_on_page() == []
    finally:
        dp.close()


def test_link_restores_scenario_without_pool(dashboard):
    dp = dashboard(NB, query=GOOD)
    _check_restored(dp)
    assert dp.page_errors == []


def test_ctrl_c_on_a_classroom_server_prints_no_traceback(classroom_server):
    """Last in this module: it stops the module's server. At Ctrl-C the pooled kernels are
    still waiting in their page's last cell for a visitor's link; their replies then went to
    shell sockets the shutdown had closed, one ``ZMQError: Socket operation on non-socket``
    traceback per pooled kernel on the instructor's console (zygote.tolerate_closed_sockets)."""
    log = classroom_server.log()
    assert "Kernel pool of" in log or "pre-heated" in log, log[-2000:]  # a pool was waiting
    rc = classroom_server.stop()
    log = classroom_server.log()
    assert rc == 0, log[-2000:]
    assert "runback: stopped." in log
    after = log.split("Stopping", 1)[-1]
    assert "Traceback (most recent call last)" not in after, after[-3000:]
    assert "Traceback (most recent call last)" not in log, log[-3000:]

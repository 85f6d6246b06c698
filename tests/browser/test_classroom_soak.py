"""Short soak (the long one is ``make soak``): 5 visitors x 30 s of random
interactions on a ``runback serve --classroom`` server with a 10 s culling
timeout, then everyone leaves.

Checks: no page/console errors, no error text on pages, no traceback in the
server log, kernels back to the pool size within the culling window, memory
back near its level before the class.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_short_soak(chromium_path, tmp_path):
    from benchmarks.soak import report_text, soak

    r = soak(
        visitors=5,
        seconds=30,
        pool=2,
        cull_timeout=10,
        arrive_over=5,
        log_dir=tmp_path,
        only=["02-symptom-explorer"],
        focus="02-symptom-explorer",
    )
    print("\n" + report_text(r))
    assert r["page_loads"] >= 5 and r["interactions"] > 0
    # anywidget gives a model 2 s to initialise in the page and reports a miss as a page
    # error; with five Chromiums sharing two cores that timer fires although the widget
    # draws (the single-page browser tests keep this message an error). Server health is
    # what the soak checks; every other page error still fails it.
    slow_init = "[anywidget] Failed to initialize model."
    assert [e for e in r["page_errors"] if slow_init not in e] == []
    assert r["console_errors"] == []
    assert r["error_text"] == []
    assert r["load_failures"] == []
    assert r["server_tracebacks"] == 0, r["traceback_excerpt"]
    assert r["returned_to_pool"], (
        f"kernels {r['kernels_after']} != pool {r['pool_kernels']} after {r['settle_s']:.0f} s"
    )
    m0, m1 = r["mem_before"], r["mem_after"]
    before = m0["server_pss"] + m0["kernels_pss"]
    after = m1["server_pss"] + m1["kernels_pss"]
    # Kernels are back to the pool; the server process may keep a little heap.
    assert after <= before * 1.25 + 100, f"memory did not return near its start: {before:.0f} -> {after:.0f} MB PSS"

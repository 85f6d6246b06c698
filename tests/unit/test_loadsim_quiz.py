"""Every machine-checkable quiz answer for the run load simulator holds in the model."""

from __future__ import annotations

import pytest

from runback_widgets import content
from runback_widgets.loadsim import PRESETS, simulate_run
from runback_widgets.ui.quiz import validate_question

QUESTIONS = content.quiz_questions("03-run-load-simulator")


def test_enough_reasoning_questions_all_valid_and_cite_claims():
    assert len(QUESTIONS) >= 5
    claims = content.claims()
    for q in QUESTIONS:
        validate_question(q)
        assert q["claims"] and all(c in claims for c in q["claims"])
    assert sum(1 for q in QUESTIONS if "check" in q) >= 5


@pytest.mark.parametrize("q", [q for q in QUESTIONS if "check" in q], ids=lambda q: q["id"])
def test_quiz_check_holds_in_model(q):
    c = q["check"]
    kind = c["kind"]
    if kind == "preset_takeover":
        t = simulate_run(*PRESETS[c["preset"]]).takeover_min
        assert t is not None and c["min_minute"] <= t <= c["max_minute"], t
    elif kind == "preset_no_takeover":
        assert simulate_run(*PRESETS[c["preset"]]).takeover_min is None
    elif kind == "compare_peak_index":
        a, b = simulate_run(*PRESETS[c["a"]]), simulate_run(*PRESETS[c["b"]])
        assert c["expect"] == "a_higher" and a.peak_lumbar_load_index > b.peak_lumbar_load_index
        if c.get("b_takeover") == "never":
            assert b.takeover_min is None
    elif kind == "lumbar_force_increase":
        ref, weak = simulate_run(*PRESETS[c["reference"]]), simulate_run(*PRESETS[c["preset"]])
        pct = 100 * (weak.lumbar_extensor_force[-1] / ref.lumbar_extensor_force[-1] - 1)
        assert c["min_percent"] <= pct <= c["max_percent"], pct
    elif kind == "training_weeks_lowers_index":
        runner, plan = PRESETS[c["preset"]]
        low = simulate_run(runner.replace(training_weeks=c["low_weeks"]), plan)
        high = simulate_run(runner.replace(training_weeks=c["high_weeks"]), plan)
        assert high.peak_lumbar_load_index < low.peak_lumbar_load_index
    elif kind == "speed_raises_index":
        runner, plan = PRESETS[c["preset"]]
        slow = simulate_run(runner, type(plan)(plan.duration_min, c["slow"]))
        fast = simulate_run(runner, type(plan)(plan.duration_min, c["fast"]))
        assert fast.peak_lumbar_load_index > slow.peak_lumbar_load_index
        assert fast.takeover_min is None
    else:
        pytest.fail(f"unknown check kind {kind!r}")

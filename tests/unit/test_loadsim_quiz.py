"""Every machine-checkable quiz answer for the run load simulator holds in the model."""

from __future__ import annotations

import numpy as np
import pytest

from runback_widgets import content
from runback_widgets.loadsim import PRESETS, RunPlan, simulate_cohort, simulate_run
from runback_widgets.loadsim.model import endurance_hold, sample_cohort, uncertainty_band
from runback_widgets.ui.quiz import validate_question

QUESTIONS = content.quiz_questions("03-run-load-simulator")


def test_enough_reasoning_questions_all_valid_and_cite_claims():
    assert len(QUESTIONS) >= 5
    claims = content.claims()
    for q in QUESTIONS:
        validate_question(q)
        assert q["claims"] and all(c in claims for c in q["claims"])
    assert sum(1 for q in QUESTIONS if "check" in q) >= 5


def test_correct_answers_vary_in_position_and_length():
    """The right option is not given away: longest in at most 40 % of questions, at most 50 % in one position."""
    n = len(QUESTIONS)
    longest = sum(1 for q in QUESTIONS if len(q["options"][q["correct"]]) == max(len(o) for o in q["options"]))
    assert longest <= 0.4 * n, longest
    for pos in range(max(len(q["options"]) for q in QUESTIONS)):
        assert sum(1 for q in QUESTIONS if q["correct"] == pos) <= 0.5 * n, pos


@pytest.mark.parametrize("q", [q for q in QUESTIONS if "check" in q], ids=lambda q: q["id"])
def test_quiz_check_holds_in_model(q):
    c = q["check"]
    kind = c["kind"]
    if kind == "preset_takeover":
        t = simulate_run(*PRESETS[c["preset"]]).takeover_min
        assert t is not None and c["min_minute"] <= t <= c["max_minute"], t
    elif kind == "preset_no_takeover":
        assert simulate_run(*PRESETS[c["preset"]]).takeover_min is None
    elif kind == "preset_builds_then_takes_over":
        res, ref = simulate_run(*PRESETS[c["preset"]]), simulate_run(*PRESETS[c["reference"]])
        assert res.takeover_min is not None and c["min_minute"] <= res.takeover_min <= c["max_minute"]
        assert res.lumbar_load_index[0] > ref.lumbar_load_index[0]
        assert res.lumbar_load_index[-1] - res.lumbar_load_index[0] >= c["min_rise"]
        assert (res.hip_back_ratio > 1.0).all()  # "the hips still carry more load than the back at every step"
    elif kind == "compare_peak_index":
        a, b = simulate_run(*PRESETS[c["a"]]), simulate_run(*PRESETS[c["b"]])
        assert c["expect"] == "a_higher" and a.peak_lumbar_load_index > b.peak_lumbar_load_index
        assert (a.lumbar_load_index > b.lumbar_load_index).all()
        if c.get("b_takeover") == "never":
            assert b.takeover_min is None
    elif kind == "lumbar_force_increase_at_start":
        ref, weak = simulate_run(*PRESETS[c["reference"]]), simulate_run(*PRESETS[c["preset"]])
        pct = 100 * (weak.lumbar_extensor_force[0] / ref.lumbar_extensor_force[0] - 1)
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
        assert fast.takeover_min is None and (fast.hip_back_ratio > 1.0).all()
    elif kind == "hold_endurance":
        et = endurance_hold(c["target_load"], c["row"]).endurance_s
        assert c["min_s"] <= et <= c["max_s"], et
    else:
        pytest.fail(f"unknown check kind {kind!r}")


def test_feedback_numbers_match_the_model():
    """Numbers quoted in feedback and task answers (about 7 % / 18 %, about 11 %, about 140 s, about 11 minutes,
    the takeover minutes, band and cohort fractions) hold."""
    weak, ref = simulate_run(*PRESETS["weak_glutes"]), simulate_run(*PRESETS["well_conditioned"])
    assert 0.05 <= weak.lumbar_load_index[0] / ref.lumbar_load_index[0] - 1 <= 0.09
    assert 1.16 <= weak.peak_lumbar_load_index <= 1.20
    dc = simulate_run(*PRESETS["deep_core_weakness"])
    assert 0.09 <= dc.lumbar_extensor_force[0] / ref.lumbar_extensor_force[0] - 1 <= 0.13
    assert 130 <= endurance_hold(0.5, "trunk").endurance_s <= 150
    assert 10 * 60 <= endurance_hold(0.2, "trunk").endurance_s <= 12 * 60
    ret = simulate_run(*PRESETS["returning_after_break"])
    assert 33 < ret.takeover_min <= 34  # "by about minute 34"
    ratio_one = ret.time_min[np.argmax(ret.hip_back_ratio <= 1.0)]
    assert (ret.hip_back_ratio <= 1.0).any() and 43 < ratio_one <= 44  # "by minute 44 ... as much load as both hips"
    assert 51 < weak.takeover_min <= 52 and weak.hip_back_ratio.min() >= 1.39  # "about minute 52", "below 1.39"
    # the weak-glutes runner at the end of the hour: abductors lose about 25 %, against 17 % (loadsim.toml task 1)
    assert round(weak.fatigue["hip_abductors"][-1], 2) == 0.25 and round(ref.fatigue["hip_abductors"][-1], 2) == 0.17
    # well-conditioned at 5 m/s: takeover only at about minute 58, the hip : back ratio above 1.5 (task 3)
    fast = simulate_run(PRESETS["well_conditioned"][0], RunPlan(60, 5.0))
    assert 57 < fast.takeover_min <= 58 and fast.hip_back_ratio.min() > 1.5
    assert round(fast.peak_lumbar_load_index, 2) == 1.37
    # uncertainty band: about three draws in five (weak glutes), about nine in ten (returning runner)
    assert 0.55 <= uncertainty_band(*PRESETS["weak_glutes"]).takeover_fraction <= 0.65
    assert 0.85 <= uncertainty_band(*PRESETS["returning_after_break"]).takeover_fraction <= 0.95
    # class cohort of the weak-glutes runner (500 runners, spread 0.15, the dashboard's seed): about one in six never
    kw = sample_cohort(PRESETS["weak_glutes"][0], n=500, spread=0.15, seed=0)
    never = 1.0 - simulate_cohort(plan=PRESETS["weak_glutes"][1], **kw).fraction_taken_over
    assert 0.13 <= never <= 0.21, never

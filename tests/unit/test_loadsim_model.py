"""Run load simulator model: API, parameter table, validation of every exported helper, presets, band."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from runback_widgets import content
from runback_widgets.loadsim import PRESETS, Runner, RunPlan, simulate_cohort, simulate_run
from runback_widgets.loadsim.model import (
    GROUPS,
    SHARE_KEYS,
    endurance_hold,
    endurance_time_closed_form,
    fatigue_curve,
    pace_min_per_km,
    sample_cohort,
    sample_parameters,
    stride_setup,
    uncertainty_band,
    with_training,
)
from runback_widgets.loadsim.params import FREY_LAW_2012_ROWS, PARAMETERS, parameter_rows, ranged_names, resolve, value

MODEL_SOURCE = __import__("runback_widgets.loadsim.model", fromlist=["x"]).__file__


def run(name, **kw):
    return simulate_run(*PRESETS[name], **kw)


# --------------------------------------------------------------------------- API and parameter table


def test_public_api_names_and_result_fields():
    res = simulate_run(Runner(), RunPlan(duration_min=60.0, speed_m_s=3.0))
    assert res.time_s[0] == 0 and res.time_s[-1] == pytest.approx(3600.0)
    assert set(res.fatigue) == set(GROUPS) and set(res.load_share) == set(SHARE_KEYS)
    assert res.lumbar_load_index.shape == res.hip_back_ratio.shape == res.time_s.shape
    assert res.takeover_min is None or isinstance(res.takeover_min, float)


def test_index_is_one_for_the_reference_runner_at_minute_zero():
    res = simulate_run(
        Runner(body_mass_kg=value("run.reference_mass"), training_weeks=value("run.reference_training_weeks")),
        RunPlan(30, value("run.reference_speed")),
    )
    assert res.lumbar_load_index[0] == pytest.approx(1.0, abs=1e-12)
    # load shares in the reference run are the table's shares
    assert res.hip_share[0] == pytest.approx(value("output.share_hip_abductors") + value("output.share_hip_extensors"))


def test_every_parameter_is_documented_sourced_and_ranged():
    refs = content.references()
    for row in parameter_rows():
        assert set(row) >= {"name", "value", "unit", "source", "range", "note"}
        assert row["note"].strip(), row["name"]
        assert row["source"] == "assumption" or row["source"] in refs, row
        if row["range"] is not None:
            lo, hi = row["range"]
            assert lo <= row["value"] <= hi, row["name"]
    assert FREY_LAW_2012_ROWS["general"] == (0.00970, 0.00091) and FREY_LAW_2012_ROWS["trunk"] == (0.00755, 0.00075)
    assert (value("run.grf_slow"), value("run.grf_slow_speed"), value("run.grf_fast"), value("run.grf_fast_speed")) == (
        1.2,
        1.5,
        2.5,
        6.0,
    )
    assert PARAMETERS["fatigue.calibration_loss"]["source"] == "riazati_2020"
    shares = ("output.share_hip_abductors", "output.share_hip_extensors", "output.share_lumbar")
    assert sum(value(k) for k in shares) == pytest.approx(1.0)


def test_no_bare_model_numbers_in_code():
    """Every model number lives in params.py: the only float literals in model.py (outside the input
    LIMITS) are structural: 0, 1/2, 1, the median (50th percentile), 60 s per minute, 1000 m per km and a rounding guard."""
    import ast

    tree = ast.parse(open(MODEL_SOURCE, encoding="utf-8").read())
    limits = next(
        n for n in ast.walk(tree) if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "LIMITS"
    )
    skip = {id(n) for n in ast.walk(limits)}
    floats = {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float and id(n) not in skip
    }
    assert floats <= {0.0, 0.5, 1.0, 50.0, 60.0, 1000.0, 1e-9}, floats


def test_edited_table_changes_the_result_and_is_validated():
    base = run("weak_glutes")
    edited = run("weak_glutes", params={"compensation.transfer_gain": 0.9})
    assert edited.peak_lumbar_load_index > base.peak_lumbar_load_index
    assert (
        run("weak_glutes", params={"fatigue.calibration_loss": 0.15}).fatigue["hip_abductors"][-1]
        > base.fatigue["hip_abductors"][-1]
    )
    for bad, words in [
        ({"nope": 1.0}, ["unknown parameter"]),
        ({"fatigue.dose_exponent": 9.0}, ["1.5", "2.5"]),
        ({"fatigue.dose_exponent": float("nan")}, ["fatigue.dose_exponent"]),
        ({"fatigue.dose_exponent": "2"}, ["fatigue.dose_exponent"]),
        ({"run.reference_speed": 3.5}, ["definition"]),
        ([1, 2], ["mapping"]),
    ]:
        with pytest.raises(ValueError) as err:
            run("weak_glutes", params=bad)
        for w in words:
            assert w in str(err.value)


def test_every_ranged_parameter_edge_runs():
    runner, plan = PRESETS["returning_after_break"]
    for name in ranged_names():
        for end in PARAMETERS[name]["range"]:
            res = simulate_run(runner, plan, params={name: end})
            assert np.isfinite(res.lumbar_load_index).all(), name


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(body_mass_kg=float("nan")), ["body_mass_kg", "35", "160"]),
        (dict(body_mass_kg=-70), ["body_mass_kg", "35", "160"]),
        (dict(body_mass_kg="70"), ["body_mass_kg", "35", "160"]),
        (dict(body_mass_kg=10**400), ["body_mass_kg", "35", "160"]),
        (dict(strength={"glutes": 1.0}), ["unknown muscle group", "hip_abductors"]),
        (dict(strength={"deep_core": 2.0}), ["deep_core", "0.3", "1.5"]),
        (dict(strength={"deep_core": float("inf")}), ["deep_core", "0.3", "1.5"]),
        (dict(strength={"deep_core": -(10**309)}), ["deep_core", "0.3", "1.5"]),
        (dict(strength=[1, 2]), ["strength", "mapping"]),
        (dict(training_weeks=-1), ["training_weeks", "0", "104"]),
        (dict(training_weeks=True), ["training_weeks", "0", "104"]),
    ],
)
def test_invalid_runner_raises_valueerror_naming_parameter_and_range(kwargs, words):
    with pytest.raises(ValueError) as err:
        Runner(**kwargs)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(duration_min=0), ["duration_min", "1", "240"]),
        (dict(duration_min=float("nan")), ["duration_min"]),
        (dict(speed_m_s=0.5), ["speed_m_s", "1.5", "6"]),
        (dict(speed_m_s=10**400), ["speed_m_s", "1.5", "6"]),
        (dict(cadence_spm=50), ["cadence_spm", "120", "230"]),
    ],
)
def test_invalid_plan_raises_valueerror_naming_parameter_and_range(kwargs, words):
    with pytest.raises(ValueError) as err:
        RunPlan(**kwargs)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: endurance_time_closed_form(float("nan"), 0.01, 0.001), ["target_load"]),
        (lambda: endurance_time_closed_form(0.5, 0.0, 0.001), ["F"]),
        (lambda: endurance_time_closed_form(0.5, 0.01, "x"), ["R"]),
        (lambda: endurance_time_closed_form(10**400, 0.01, 0.001), ["target_load"]),
        (lambda: fatigue_curve(0.3, 60.0, 0.01, 0.001, step_s=1e-9), ["step_s"]),
        (lambda: fatigue_curve(0.3, 7200.0, 0.01, 0.001, step_s=0.002), ["step_s", "steps"]),
        (lambda: fatigue_curve(0.3, float("inf"), 0.01, 0.001), ["duration_s"]),
        (lambda: fatigue_curve(0.3, 60.0, 0.01, 0.001, duty=0), ["duty"]),
        (lambda: fatigue_curve(None, 60.0, 0.01, 0.001), ["target_load"]),
        (lambda: pace_min_per_km(0), ["speed_m_s"]),
        (lambda: pace_min_per_km(float("nan")), ["speed_m_s"]),
        (lambda: pace_min_per_km("3"), ["speed_m_s"]),
        (lambda: stride_setup(0.0), ["speed_m_s"]),
        (lambda: stride_setup(3.0, cadence_spm=float("nan")), ["cadence_spm"]),
        (lambda: sample_cohort(Runner(), n=0), ["n", "100000"]),
        (lambda: sample_cohort(Runner(), n=2.5), ["n"]),
        (lambda: sample_cohort(Runner(), spread=float("nan")), ["spread"]),
        (lambda: sample_cohort(Runner(), spread=10**400), ["spread"]),
        (lambda: sample_cohort(Runner(), seed=-1), ["seed"]),
        (lambda: sample_cohort("runner"), ["runner"]),
        (lambda: sample_parameters(n=0), ["n"]),
        (lambda: endurance_hold(0.5, row="hip"), ["row", "trunk"]),
        (lambda: endurance_hold(1.5), ["target_load"]),
        (lambda: simulate_run({"body_mass_kg": 70}, RunPlan()), ["runner"]),
        (lambda: simulate_run(Runner(), None), ["plan"]),
        (lambda: simulate_cohort({"deep_core": [0.1]}, RunPlan()), ["strength", "0.3", "1.5"]),
        (lambda: simulate_cohort({"glutes": [1.0]}, RunPlan()), ["unknown muscle group"]),
        (lambda: simulate_cohort([["a", 1, 1, 1]], RunPlan()), ["strength"]),
        (lambda: simulate_cohort([[1, 1, 1, 1]], RunPlan(), body_mass_kg="heavy"), ["body_mass_kg"]),
        (
            lambda: simulate_cohort(
                [[1, 1, 1, 1]] * 3, RunPlan(), params={"fatigue.dose_exponent": np.array([2.0, 2.1])}
            ),
            ["one per runner"],
        ),
    ],
)
def test_exported_helpers_reject_bad_input_with_clear_valueerror(call, words):
    with pytest.raises(ValueError) as err:
        call()
    for w in words:
        assert w in str(err.value)


def test_helpers_accept_good_input():
    assert pace_min_per_km(3.0) == pytest.approx(1000 / 180)
    s = stride_setup(3.0)
    assert s["cadence"] == pytest.approx(170.0) and s["grf_bw"] == pytest.approx(1.8 + 0.7 / 4, rel=1e-4)
    assert stride_setup(3.0, cadence_spm=190)["hip_abductors"] < s["hip_abductors"]  # shorter steps, less per step
    t, mf = fatigue_curve(0.3, 600, *FREY_LAW_2012_ROWS["trunk"], step_s=1.0)
    assert t.size == 601 and (np.diff(mf) >= 0).all()


# --------------------------------------------------------------------------- invariants, presets


@pytest.mark.parametrize("name", list(PRESETS))
def test_shares_non_negative_sum_to_one_and_fatigue_in_bounds(name):
    res = run(name)
    assert_allclose(sum(res.load_share[k] for k in SHARE_KEYS), 1.0, atol=1e-12)
    for k in SHARE_KEYS:
        assert (res.load_share[k] >= 0).all()
    for g in GROUPS:
        assert ((res.fatigue[g] >= 0) & (res.fatigue[g] <= value("fatigue.max_loss"))).all()
    assert np.isfinite(res.lumbar_load_index).all() and (res.lumbar_load_index > 0).all()


def test_presets_have_realistic_deficits():
    for name, (runner, _) in PRESETS.items():
        if name == "strong_after_strength_training":  # the weak-glutes runner after training
            continue
        weak = [s for s in runner.strength.values() if s < 1.0]
        assert all(0.7 <= s <= 0.9 for s in weak), runner.strength


def test_preset_story_too_much_too_soon_takes_over_late_realistic_weakness_builds():
    """The numbers the teaching text uses (content/loadsim.toml, quiz 03): the well-conditioned runner's
    back does not take over in the easy hour; realistic hip weakness (0.75/0.8) takes over late in it and its
    back load builds; too much too soon takes over after about half an hour; eight weeks of strength training
    move the weak-glutes runner's takeover past the end of the hour."""
    assert run("well_conditioned").takeover_min is None
    weak = run("weak_glutes")
    assert 45.0 <= weak.takeover_min <= 58.0, weak.takeover_min
    assert weak.peak_lumbar_load_index > run("well_conditioned").peak_lumbar_load_index + 0.05
    assert weak.lumbar_load_index[-1] > weak.lumbar_load_index[0] + 0.05
    for name in ("new_runner_too_fast", "returning_after_break"):
        t = run(name).takeover_min
        assert t is not None and 30.0 <= t <= 40.0, (name, t)
    trained = run("strong_after_strength_training")
    assert trained.takeover_min is None and trained.peak_lumbar_load_index < weak.peak_lumbar_load_index
    assert run("deep_core_weakness").takeover_min is None


def test_takeover_definition_handover_reaches_threshold_there():
    """The takeover minute is where the running total of the hips' work handed to the back reaches its
    threshold (``output.takeover_handover``): the total is the integral of the moved fraction of the hip demand."""
    runner, plan = PRESETS["returning_after_break"]
    res = simulate_run(runner, plan)
    t = res.takeover_min
    thr = value("output.takeover_handover")
    h = res.handover_min
    assert h[0] == 0.0 and np.all(np.diff(h) > 0)
    assert (h[res.time_min < t - 1e-9] < thr).all() and (h[res.time_min > t + 1e-9] >= thr).all()
    assert np.interp(t, res.time_min, h) == pytest.approx(thr, abs=1e-9)
    # the moved fraction lies between 0 and the largest fraction trunk lean can move
    assert 0.0 < h[1] / res.time_min[1] < value("compensation.max_fraction")
    # a well-conditioned runner also hands a little over from the first step, so reaches it late (about 80 min)
    ref = simulate_run(Runner(), RunPlan(180, value("run.reference_speed")))
    assert 70.0 <= ref.takeover_min <= 90.0, ref.takeover_min


def test_deep_core_weakness_hands_work_to_the_lumbar_extensors_at_once():
    base, weak = run("well_conditioned"), run("deep_core_weakness")
    assert weak.lumbar_extensor_force[0] > base.lumbar_extensor_force[0] * 1.05
    assert weak.load_share["deep_core"][0] < base.load_share["deep_core"][0]


def test_prevention_training_lowers_index():
    runner, plan = PRESETS["weak_glutes"]
    before = simulate_run(runner, plan)
    after = simulate_run(with_training(runner, strength_training_weeks=8, base_weeks=8), plan)
    assert after.peak_lumbar_load_index < before.peak_lumbar_load_index
    with pytest.raises(ValueError, match="strength_training_weeks"):
        with_training(runner, strength_training_weeks=-3)


def test_faster_cadence_lowers_the_load():
    runner, plan = PRESETS["weak_glutes"]
    slow = simulate_run(runner, RunPlan(60, 3.0, cadence_spm=160))
    quick = simulate_run(runner, RunPlan(60, 3.0, cadence_spm=185))
    assert quick.peak_lumbar_load_index < slow.peak_lumbar_load_index


# --------------------------------------------------------------------------- cohort and uncertainty band


def test_cohort_reports_runners_who_never_take_over():
    kw = sample_cohort(PRESETS["weak_glutes"][0], n=300, spread=0.15, seed=1)
    res = simulate_cohort(plan=PRESETS["weak_glutes"][1], **kw)
    never = ~np.isfinite(res.takeover_min)
    assert 0 < never.sum() < res.n
    assert (res.final_handover_min[never] < value("output.takeover_handover")).all()
    assert (res.final_handover_min[~never] >= value("output.takeover_handover")).all()


def test_uncertainty_band_brackets_the_default_run_and_widens_with_time():
    runner, plan = PRESETS["weak_glutes"]
    band = uncertainty_band(runner, plan, n=200, seed=0)
    res = simulate_run(runner, plan)
    assert band.time_s[-1] == pytest.approx(res.time_s[-1])
    assert (band.low <= band.median).all() and (band.median <= band.high).all()
    run_on_band = np.interp(band.time_s, res.time_s, res.lumbar_load_index)
    assert (band.low <= run_on_band + 1e-9).mean() > 0.95 and (run_on_band <= band.high + 1e-9).mean() > 0.95
    assert band.high[-1] - band.low[-1] > band.high[0] - band.low[0] > 0
    # every conclusion the quiz draws about weak hips survives the band at minute 60: the back load is up
    base = uncertainty_band(PRESETS["well_conditioned"][0], plan, n=200, seed=0)
    assert band.median[-1] > base.median[-1]


def test_sample_parameters_cover_the_ranges():
    draws = sample_parameters(n=500, seed=3)
    for name in ranged_names():
        lo, hi = PARAMETERS[name]["range"]
        assert draws[name].min() >= lo and draws[name].max() <= hi
        assert draws[name].max() - draws[name].min() > 0.8 * (hi - lo)
    resolve(draws)  # valid as an edited table


# --------------------------------------------------------------------------- sustained holds


@pytest.mark.parametrize("row", ["general", "trunk", "knee", "ankle"])
@pytest.mark.parametrize("target", [0.2, 0.3, 0.5, 0.7, 0.9])
def test_sustained_load_curve_reproduces_closed_form_endurance_time(row, target):
    F, R = FREY_LAW_2012_ROWS[row]
    et = endurance_time_closed_form(target, F, R)
    step = max(0.05, et / 2000)
    t, mf = fatigue_curve(target, duration_s=min(7200.0, 1.5 * et), F=F, R=R, duty=1.0, step_s=step)
    failed = t[(1.0 - mf) < target]
    assert failed.size and failed[0] == pytest.approx(et, rel=0.01, abs=2 * step)


def test_closed_form_no_failure_below_threshold_and_hand_value():
    F, R = FREY_LAW_2012_ROWS["trunk"]
    assert endurance_time_closed_form(0.08, F, R) == math.inf
    F, R = FREY_LAW_2012_ROWS["general"]
    assert endurance_time_closed_form(0.5, F, R) == pytest.approx(-math.log(1 - 0.00091 / 0.0097) / 0.00091, rel=1e-12)


def test_endurance_hold_trace():
    hold = endurance_hold(0.4, "trunk")
    assert hold.active[0] == 0 and hold.active.max() == pytest.approx(0.4, abs=0.01)
    assert (np.diff(hold.fatigued) >= -1e-12).all()
    assert endurance_hold(0.05, "trunk", duration_s=600).endurance_s == math.inf


def test_reference_hip_back_ratio_is_the_documented_value():
    res = simulate_run(Runner(), RunPlan(60, value("run.reference_speed")))
    assert res.hip_back_ratio[0] == pytest.approx(1.86, abs=0.005)  # model docstring and notebook quote 1.86


def test_beyond_capacity_flag_marks_runs_the_runner_could_not_hold():
    easy = simulate_run(Runner(), RunPlan(60, 3.0))
    assert easy.beyond_capacity_min is None
    weak = {"hip_abductors": 0.3, "hip_extensors": 0.3, "deep_core": 0.3, "lumbar_extensors": 0.5}
    hard = simulate_run(Runner(110, weak, 0), RunPlan(180, 5.5))
    assert hard.beyond_capacity_min is not None and 0.0 <= hard.beyond_capacity_min <= 180.0
    i = int(np.searchsorted(hard.time_min, hard.beyond_capacity_min))
    assert max(hard.effort[g][i] / (1.0 - hard.fatigue[g][i]) for g in GROUPS) > 1.0


def test_deep_core_tires_more_slowly_than_the_superficial_lumbar_extensors():
    res = simulate_run(Runner(), RunPlan(60, 3.0))
    assert 0.0 < res.fatigue["deep_core"][-1] < res.fatigue["lumbar_extensors"][-1]

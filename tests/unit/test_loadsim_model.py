"""Run load simulator model: API, validation, calibration, monotonicity, sustained loads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from runback_widgets.loadsim import PRESETS, Runner, RunPlan, simulate_cohort, simulate_run
from runback_widgets.loadsim.model import (
    GROUPS,
    SHARE_KEYS,
    endurance_time_closed_form,
    fatigue_curve,
    sample_cohort,
    with_training,
)
from runback_widgets.loadsim.params import FREY_LAW_2012_ROWS, PARAMETERS, parameter_rows, value
from runback_widgets import content


def run(name):
    return simulate_run(*PRESETS[name])


# --------------------------------------------------------------------------- API and parameter table


def test_public_api_names_and_result_fields():
    res = simulate_run(Runner(body_mass_kg=70.0, strength={"hip_abductors": 1.0}, training_weeks=12),
                       RunPlan(duration_min=60.0, speed_m_s=3.0))
    assert res.time_s.ndim == 1 and res.time_s[0] == 0 and res.time_s[-1] == pytest.approx(3600.0)
    assert set(res.fatigue) == set(GROUPS)
    assert set(res.load_share) == set(SHARE_KEYS)
    assert res.lumbar_load_index.shape == res.time_s.shape
    assert res.takeover_min is None or isinstance(res.takeover_min, float)


def test_missing_strength_keys_default_to_one():
    r = Runner(strength={"deep_core": 0.5})
    assert dict(r.strength) == {"hip_abductors": 1.0, "hip_extensors": 1.0, "deep_core": 0.5, "lumbar_extensors": 1.0}


def test_every_parameter_is_documented_and_sourced():
    refs = content.references()
    for row in parameter_rows():
        assert set(row) >= {"name", "value", "unit", "source", "note"}
        assert row["note"].strip(), row["name"]
        assert row["source"] == "assumption" or row["source"] in refs, row
    # the published numbers, exactly as in Frey-Law et al. 2012 and Xia & Frey-Law 2008
    assert FREY_LAW_2012_ROWS["general"] == (0.00970, 0.00091)
    assert FREY_LAW_2012_ROWS["trunk"] == (0.00755, 0.00075)
    assert (value("hip_abductors.F"), value("hip_abductors.R")) == FREY_LAW_2012_ROWS["general"]
    assert (value("lumbar_extensors.F"), value("lumbar_extensors.R")) == FREY_LAW_2012_ROWS["trunk"]
    assert value("fatigue.LD") == value("fatigue.LR") == 10.0
    assert value("fatigue.rest_multiplier") == 15.0
    assert PARAMETERS["run.grf_at_6ms"]["value"] == 2.5 and PARAMETERS["run.grf_at_6ms"]["source"] == "keller_1996"
    assert sum(value(f"{g}.share") for g in GROUPS) == pytest.approx(1.0)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(body_mass_kg=float("nan")), ["body_mass_kg", "35", "160"]),
        (dict(body_mass_kg=-70), ["body_mass_kg", "35", "160"]),
        (dict(body_mass_kg="70"), ["body_mass_kg", "35", "160"]),
        (dict(strength={"glutes": 1.0}), ["unknown muscle group", "hip_abductors"]),
        (dict(strength={"deep_core": 2.0}), ["deep_core", "0.3", "1.5"]),
        (dict(strength={"deep_core": float("inf")}), ["deep_core", "0.3", "1.5"]),
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
        (dict(speed_m_s=10), ["speed_m_s", "1.5", "6"]),
        (dict(cadence_spm=50), ["cadence_spm", "120", "230"]),
    ],
)
def test_invalid_plan_raises_valueerror_naming_parameter_and_range(kwargs, words):
    with pytest.raises(ValueError) as err:
        RunPlan(**kwargs)
    for w in words:
        assert w in str(err.value)


def test_simulate_run_rejects_wrong_types():
    with pytest.raises(ValueError):
        simulate_run({"body_mass_kg": 70}, RunPlan())
    with pytest.raises(ValueError):
        simulate_run(Runner(), None)


# --------------------------------------------------------------------------- invariants and calibration


@pytest.mark.parametrize("name", list(PRESETS))
def test_shares_non_negative_sum_to_one_and_fatigue_in_bounds(name):
    res = run(name)
    total = sum(res.load_share[k] for k in SHARE_KEYS)
    assert_allclose(total, 1.0, atol=1e-12)
    for k in SHARE_KEYS:
        assert (res.load_share[k] >= 0).all()
    for g in GROUPS:
        assert ((res.fatigue[g] >= 0) & (res.fatigue[g] <= 1)).all()
    assert np.isfinite(res.lumbar_load_index).all() and (res.lumbar_load_index > 0).all()


def test_index_is_one_for_well_conditioned_runner_at_start_of_easy_run():
    res = simulate_run(Runner(training_weeks=104), RunPlan(duration_min=30, speed_m_s=3.0))
    assert res.lumbar_load_index[0] == pytest.approx(1.0, abs=0.01)


def test_calibration_weak_glutes_takes_over_mid_run_well_conditioned_never():
    assert run("well_conditioned").takeover_min is None
    t = run("weak_glutes").takeover_min
    assert t is not None and 15.0 <= t <= 40.0, t
    assert run("strong_after_strength_training").takeover_min is None
    # too much, too soon (A04): both the new and the returning runner take over within their run
    for name in ("new_runner_too_fast", "returning_after_break"):
        t = run(name).takeover_min
        assert t is not None and 5.0 <= t <= PRESETS[name][1].duration_min, (name, t)


def test_takeover_definition_back_exceeds_hips_from_that_minute():
    res = run("weak_glutes")
    t = res.takeover_min
    before = res.time_min < t - 1e-9
    after = res.time_min > t + 1e-9
    assert (res.back_share[before] <= res.hip_share[before] + 1e-12).all()
    assert res.back_share[after][0] > res.hip_share[after][0]


def test_deep_core_weakness_lumbar_compensation_of_the_order_raabe_chaudhari():
    base = run("well_conditioned")
    weak = run("deep_core_weakness")
    increase = weak.lumbar_extensor_force[-1] / base.lumbar_extensor_force[-1] - 1.0
    assert 0.15 <= increase <= 0.45, increase


def test_reference_demand_follows_keller_line():
    slow = simulate_run(Runner(), RunPlan(duration_min=10, speed_m_s=3.0)).demand
    fast = simulate_run(Runner(), RunPlan(duration_min=10, speed_m_s=6.0)).demand
    assert slow == pytest.approx(1.0)
    assert fast == pytest.approx(2.5 / 1.75)


# --------------------------------------------------------------------------- monotonicity


def test_weaker_hips_earlier_takeover_and_higher_index():
    strengths = np.round(np.arange(0.3, 1.51, 0.05), 2)
    takeovers, peaks = [], []
    for s in strengths:
        res = simulate_run(Runner(strength={"hip_abductors": s, "hip_extensors": s}, training_weeks=26), RunPlan(60, 3.0))
        takeovers.append(math.inf if res.takeover_min is None else res.takeover_min)
        peaks.append(res.peak_lumbar_load_index)
    assert all(a <= b + 1e-9 for a, b in zip(takeovers, takeovers[1:])), takeovers
    assert all(a >= b - 1e-12 for a, b in zip(peaks, peaks[1:])), peaks
    assert peaks[0] > peaks[-1]
    assert math.isfinite(takeovers[0]) and not math.isfinite(takeovers[-1])


def test_longer_run_more_fatigue():
    runner = PRESETS["weak_glutes"][0]
    finals = []
    for minutes in (10, 20, 30, 45, 60, 90):
        res = simulate_run(runner, RunPlan(duration_min=minutes, speed_m_s=3.0))
        finals.append(np.array([res.fatigue[g][-1] for g in GROUPS]))
    for a, b in zip(finals, finals[1:]):
        assert (b >= a - 1e-12).all()
    assert (finals[-1] > finals[0]).all()


@pytest.mark.parametrize("name", list(PRESETS))
def test_more_training_weeks_lower_index(name):
    runner, plan = PRESETS[name]
    prev = None
    for weeks in (0, 2, 4, 8, 16, 32, 104):
        res = simulate_run(runner.replace(training_weeks=weeks), plan)
        cur = (res.peak_lumbar_load_index, float(res.lumbar_load_index.mean()))
        if prev is not None:
            assert cur[0] <= prev[0] + 1e-12 and cur[1] <= prev[1] + 1e-12, (weeks, cur, prev)
        prev = cur


@pytest.mark.parametrize("name", list(PRESETS))
def test_stronger_core_lower_index(name):
    runner, plan = PRESETS[name]
    prev = None
    for s in (0.3, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5):
        res = simulate_run(runner.replace(strength={"deep_core": s}), plan)
        cur = float(res.lumbar_load_index.mean())
        if prev is not None:
            assert cur <= prev + 1e-12
        prev = cur


def test_prevention_training_lowers_index_and_delays_takeover():
    runner, plan = PRESETS["weak_glutes"]
    before = simulate_run(runner, plan)
    after = simulate_run(with_training(runner, strength_training_weeks=8, base_weeks=8), plan)
    assert after.peak_lumbar_load_index < before.peak_lumbar_load_index
    assert after.takeover_min is None or after.takeover_min > before.takeover_min
    with pytest.raises(ValueError, match="strength_training_weeks"):
        with_training(runner, strength_training_weeks=-3)


# --------------------------------------------------------------------------- cohort path == scalar path


def test_cohort_matches_single_runs():
    pairs = [PRESETS[n][0] for n in PRESETS]
    plan = RunPlan(duration_min=60, speed_m_s=3.0)
    S = np.array([[r.strength[g] for g in GROUPS] for r in pairs])
    cohort = simulate_cohort(S, plan, body_mass_kg=[r.body_mass_kg for r in pairs],
                             training_weeks=[r.training_weeks for r in pairs])
    for i, r in enumerate(pairs):
        single = simulate_run(r, plan)
        assert_allclose(cohort.final_fatigue[i], [single.fatigue[g][-1] for g in GROUPS], atol=1e-12)
        assert_allclose(cohort.final_share[i], [single.load_share[k][-1] for k in SHARE_KEYS], atol=1e-12)
        assert cohort.peak_lumbar_load_index[i] == pytest.approx(single.peak_lumbar_load_index, abs=1e-12)
        if single.takeover_min is None:
            assert np.isnan(cohort.takeover_min[i])
        else:
            assert cohort.takeover_min[i] == pytest.approx(single.takeover_min, abs=1e-9)


def test_cohort_mapping_input_and_validation():
    cohort = simulate_cohort({"hip_abductors": [0.4, 1.0], "hip_extensors": [0.4, 1.0]}, RunPlan(60, 3.0))
    assert cohort.n == 2 and np.isfinite(cohort.takeover_min[0]) and np.isnan(cohort.takeover_min[1])
    with pytest.raises(ValueError, match="unknown muscle group"):
        simulate_cohort({"glutes": [1.0]}, RunPlan())
    with pytest.raises(ValueError, match="strength must be between 0.3 and 1.5"):
        simulate_cohort({"deep_core": [0.1]}, RunPlan())
    kw = sample_cohort(PRESETS["weak_glutes"][0], n=300, spread=0.15, seed=1)
    res = simulate_cohort(plan=RunPlan(60, 3.0), **kw)
    assert 0.0 < res.fraction_taken_over < 1.0


# --------------------------------------------------------------------------- sustained loads: closed form


@pytest.mark.parametrize("row", ["general", "trunk", "knee", "ankle"])
@pytest.mark.parametrize("target", [0.2, 0.3, 0.5, 0.7, 0.9])
def test_sustained_load_reproduces_closed_form_endurance_time(row, target):
    F, R = FREY_LAW_2012_ROWS[row]
    et = endurance_time_closed_form(target, F, R)
    assert math.isfinite(et)
    step = max(0.05, et / 2000)
    t, mf = fatigue_curve(target, duration_s=1.5 * et, F=F, R=R, duty=1.0, step_s=step)
    failed = t[(1.0 - mf) < target]
    assert failed.size, "task never failed"
    assert failed[0] == pytest.approx(et, rel=0.01, abs=2 * step)


def test_closed_form_no_failure_below_threshold():
    F, R = FREY_LAW_2012_ROWS["trunk"]
    assert endurance_time_closed_form(0.08, F, R) == math.inf
    # hand-computed: TL = 0.5, general row: -ln(1 - 0.00091*0.5/(0.0097*0.5))/0.00091
    F, R = FREY_LAW_2012_ROWS["general"]
    assert endurance_time_closed_form(0.5, F, R) == pytest.approx(-math.log(1 - 0.00091 / 0.0097) / 0.00091, rel=1e-12)

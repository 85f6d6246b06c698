"""Issue 11 acceptance checks A1-A9 for the run load simulator v2, each with its basis.

A6 and A7 are grid scans (vectorised: one cohort per speed, duration and body
mass over hip strength 0.30-1.00 by 0.01).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from runback_widgets.loadsim import PRESETS, Runner, RunPlan, simulate_cohort, simulate_run, with_training
from runback_widgets.loadsim.model import GROUPS, endurance_hold, endurance_time_closed_form, gluteal_activation
from runback_widgets.loadsim.params import FREY_LAW_2012_RMS_S, FREY_LAW_2012_ROWS, value

REFERENCE = Runner(body_mass_kg=value("run.reference_mass"), training_weeks=value("run.reference_training_weeks"))
HIPS = np.round(np.arange(0.30, 1.0001, 0.01), 2)
SPEEDS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
DURATIONS = (10.0, 30.0, 60.0, 90.0, 120.0)
MASSES = (50.0, 70.0, 90.0)
MODES = ("both hips", "hip_abductors", "hip_extensors")


def _hip_strengths(mode):
    S = np.ones((HIPS.size, 4))
    cols = (0, 1) if mode == "both hips" else (GROUPS.index(mode),)
    for c in cols:
        S[:, c] = HIPS
    return S


@pytest.fixture(scope="module")
def grid():
    """{(mode, speed, duration, mass): CohortResult} over the hip-strength axis."""
    out = {}
    for mode in MODES:
        S = _hip_strengths(mode)
        for v in SPEEDS:
            for d in DURATIONS:
                for m in MASSES:
                    out[mode, v, d, m] = simulate_cohort(S, RunPlan(d, v), body_mass_kg=m, training_weeks=12)
    return out


def test_A1_endurance_hold_reproduces_frey_law_2012_endurance_times():
    """A1. Basis: Frey-Law, Looft & Heitsman 2012 fitted F, R per joint so that the three-compartment
    model's sustained-hold endurance times match the intensity-endurance curves with mean RMS errors of
    9.3 s (trunk), 6.7 s (knee) and 11.2 s (ankle). The endurance-hold panel integrates the full
    equations; its endurance times must equal the model's closed form within those errors (or 1 % for the
    longest holds, where the controller's 0.1 % lag, which the closed form ignores, adds up), 10-90 % MVC."""
    for row, rms in FREY_LAW_2012_RMS_S.items():
        F, R = FREY_LAW_2012_ROWS[row]
        for target in np.arange(0.1, 0.91, 0.1):
            expected = endurance_time_closed_form(float(target), F, R)
            if not math.isfinite(expected):
                continue
            got = endurance_hold(float(target), row).endurance_s
            assert abs(got - expected) <= max(rms, 0.01 * expected), (row, target, got, expected)
    # a plank-like trunk hold at 50 % of maximum lasts a couple of minutes, at 20 % about 11 minutes
    assert 120 <= endurance_hold(0.5, "trunk").endurance_s <= 160
    assert 600 <= endurance_hold(0.2, "trunk").endurance_s <= 720


def test_A2_reference_runner_strength_loss_matches_prolonged_running_data():
    """A2. Basis: Riazati et al. 2020: hip and knee strength fell by 10.6 % after a moderate continuous run
    of 26-32 min (12 % after high-intensity intervals). Reference runner, 60 min at 3 m/s: hip loss 5-20 %,
    no group above 25 %, and hip loss still rising from 60 to 180 min."""
    r60 = simulate_run(REFERENCE, RunPlan(60, 3.0))
    r180 = simulate_run(REFERENCE, RunPlan(180, 3.0))
    for g in ("hip_abductors", "hip_extensors"):
        assert 0.05 <= r60.fatigue[g][-1] <= 0.20, (g, r60.fatigue[g][-1])
        assert r180.fatigue[g][-1] > r60.fatigue[g][-1] + 0.05
        assert np.all(np.diff(r180.fatigue[g]) > 0)
    assert max(r60.fatigue[g][-1] for g in GROUPS) <= 0.25


def test_A2b_strength_loss_levels_off_in_long_runs():
    """A2b. Basis: knee-extensor strength fell 23.5 ± 14.9 % after a 30-km race at racing pace (189 min; Millet
    et al. 2003) and 26 ± 14 % after a marathon (Nicol et al. 1991): an easy 3-hour run at 3 m/s costs the
    reference runner's hips at most 30 %, and the loss slows down (less gained from 120 to 180 min than in the
    first hour)."""
    r = simulate_run(REFERENCE, RunPlan(180, 3.0))
    i60, i120 = (int(np.searchsorted(r.time_s, 60.0 * m)) for m in (60, 120))
    for g in ("hip_abductors", "hip_extensors"):
        f = r.fatigue[g]
        assert f[-1] <= 0.30, (g, f[-1])
        assert f[-1] - f[i120] < f[i60], g


def test_fatigue_calibration_hits_both_anchors():
    """The calibration reproduces its own targets with the full model (compensation and effort feedback
    included): the reference runner's two hip groups lose on average Riazati et al.'s 10.6 % (a mean over hip
    and knee measures) after 29 min at 3.45 m/s, within 0.5 %, and Millet et al.'s 23.5 % after 189 min at the
    reference speed, within 1.5 %."""
    for minutes, speed, target, tol in (
        (
            value("fatigue.calibration_minutes"),
            value("fatigue.calibration_speed"),
            value("fatigue.calibration_loss"),
            0.005,
        ),
        (value("fatigue.long_run_minutes"), value("run.reference_speed"), value("fatigue.long_run_loss"), 0.015),
    ):
        r = simulate_run(REFERENCE, RunPlan(minutes, speed))
        mean = 0.5 * (r.fatigue["hip_abductors"][-1] + r.fatigue["hip_extensors"][-1])
        assert abs(mean - target) <= tol, (minutes, speed, mean, target)


def test_A3_walking_pace_barely_tires_the_deep_core():
    """A3. Basis: walking is a low trunk demand (Keller et al. 1996: 1.2 BW peak force at 1.5 m/s against 1.6 BW
    at 3 m/s; Saunders et al. 2004 and 2005 recorded trunk muscle activity rising from walking to running).
    Issue 11 criterion: an hour at 1.5 m/s costs the deep group at most 5 % of its capacity."""
    res = simulate_run(REFERENCE, RunPlan(60, 1.5))
    assert res.fatigue["deep_core"][-1] <= 0.05
    # every group, and walking costs the hips far less than running (Keller: slow jogging > 50 % above walking)
    assert max(res.fatigue[g][-1] for g in GROUPS) <= 0.05
    run = simulate_run(REFERENCE, RunPlan(60, 3.0))
    for g in ("hip_abductors", "hip_extensors"):
        assert res.fatigue[g][-1] <= 0.3 * run.fatigue[g][-1], g


def test_A4_weak_deep_core_raises_back_load_from_the_first_minute():
    """A4. Basis: Raabe & Chaudhari 2018 weakened the deep core (multifidus, quadratus lumborum, psoas, deep
    erector spinae) in running simulations without fatigue: superficial muscles compensated at once (up to
    45 ± 10 % more force), spinal compression rose up to 15 % and shear up to 19 %. Deep core at 0.5: back load
    +10 to +60 % vs the reference at minute 0."""
    base = simulate_run(REFERENCE, RunPlan(60, 3.0))
    weak = simulate_run(REFERENCE.replace(strength={"deep_core": 0.5}), RunPlan(60, 3.0))
    rise = weak.lumbar_load_index[0] / base.lumbar_load_index[0] - 1.0
    assert 0.10 <= rise <= 0.60, rise
    # a very weak deep core (0.3) stays within Raabe & Chaudhari's largest figure (+45 % compensating force)
    weaker = simulate_run(REFERENCE.replace(strength={"deep_core": 0.3}), RunPlan(60, 3.0))
    assert weaker.lumbar_load_index[0] / base.lumbar_load_index[0] - 1.0 <= 0.45


def test_lower_back_strength_never_lowers_the_lower_back_load():
    """The index counts the lower back's muscles (deep core and lumbar extensors) and passive tissue: weaker
    lumbar extensors or deep core never lower it, and training the trunk groups (claim A14) lowers it."""
    levels = np.round(np.arange(0.3, 1.5001, 0.05), 2)
    for g in ("deep_core", "lumbar_extensors"):
        S = np.ones((levels.size, 4))
        S[:, GROUPS.index(g)] = levels
        for v in (2.0, 3.0, 4.5):
            res = simulate_cohort(S, RunPlan(60, v), body_mass_kg=70.0, training_weeks=12)
            assert np.all(np.diff(res.lumbar_load_index[:, 0]) <= 1e-12), (g, v)
            assert np.all(np.diff(res.peak_lumbar_load_index) <= 1e-12), (g, v)
    runner = PRESETS["weak_glutes"][0]
    trained = with_training(runner, strength_training_weeks=8)
    trunk_only = runner.replace(strength={g: trained.strength[g] for g in ("deep_core", "lumbar_extensors")})
    plan = RunPlan(60, 3.0)
    assert simulate_run(trunk_only, plan).peak_lumbar_load_index < simulate_run(runner, plan).peak_lumbar_load_index


def test_A5_reference_runner_back_load_builds_only_a_little_in_an_hour():
    """A5. Basis: a trained runner loses about a tenth of hip strength in half an hour (Riazati et al. 2020),
    so the back's extra work over an easy hour is modest: back load rises over 60 min, by at most 15 %."""
    res = simulate_run(REFERENCE, RunPlan(60, 3.0))
    idx = res.lumbar_load_index
    assert idx[-1] > idx[0] and np.all(np.diff(idx) >= 0)
    assert idx.max() / idx[0] - 1.0 <= 0.15


def test_A6_monotone_on_the_grid(grid):
    """A6. Basis: more work (longer, faster, heavier) can only add load; more strength or base can only take
    it away. Index non-decreasing in time, speed and mass; peak non-increasing in hip strength (both hips and
    each alone) and in training base."""
    for key, res in grid.items():
        assert np.all(np.diff(res.lumbar_load_index, axis=1) >= -1e-12), key
        assert np.all(np.diff(res.peak_lumbar_load_index) <= 1e-12), key
    for mode in MODES:
        for d in DURATIONS:
            for m in MASSES:
                by_speed = np.array([grid[mode, v, d, m].peak_lumbar_load_index for v in SPEEDS])
                assert np.all(np.diff(by_speed, axis=0) >= -1e-12), (mode, d, m)
            for v in SPEEDS:
                by_mass = np.array([grid[mode, v, d, m].peak_lumbar_load_index for m in MASSES])
                assert np.all(np.diff(by_mass, axis=0) >= -1e-12), (mode, v, d)
    weeks = np.array([0, 1, 2, 4, 8, 12, 26, 52, 104], dtype=float)
    for runner, plan in PRESETS.values():
        S = np.tile([runner.strength[g] for g in GROUPS], (weeks.size, 1))
        peaks = simulate_cohort(S, plan, runner.body_mass_kg, weeks).peak_lumbar_load_index
        assert np.all(np.diff(peaks) <= 1e-12)


def test_A7_smooth_no_knife_edges(grid):
    """A7. Basis: the issue's scan of v1 found steps of 0.038 per 0.01 of hip strength, 0.32 within a minute
    and a takeover jumping from minute 27 to 'never'. Peak index moves <= 0.02 per 0.01 of hip strength and
    <= 0.02 per minute after minute 5; in a 60-min run the takeover only disappears after minute 50.

    The takeover minute's step per 0.01 of strength is checked in the next test."""
    for key, res in grid.items():
        assert np.abs(np.diff(res.peak_lumbar_load_index)).max() <= 0.02, key
        t = res.time_s / 60.0
        late = t[1:] > 5.0
        if late.any():
            rate = np.diff(res.lumbar_load_index, axis=1)[:, late] / np.diff(t)[late]
            assert rate.max() <= 0.02, key
        tk = res.takeover_min
        fin = np.isfinite(tk)
        # taking over never comes back once it has gone (stronger hips)
        gone = fin[:-1] & ~fin[1:]
        assert not np.any(fin[1:] & ~fin[:-1]), key
        if key[2] == 60.0:
            assert np.all(tk[:-1][gone] >= 50.0), (key, tk[:-1][gone])


def test_A8_realistic_weakness_shows_and_training_helps():
    """A8. Basis: realistic hip weakness in runners is a deficit of 15-30 %, not 50 %. Hips at 0.75 raise the
    peak by > 0.03 and the back load builds during the run (>= +0.02 from minute 5 to 60); hips at 1.2 lower
    it; strength training of the hips only lowers it (claim A14)."""
    plan = RunPlan(60, 3.0)
    base = simulate_run(REFERENCE, plan)
    weak_runner = REFERENCE.replace(strength={"hip_abductors": 0.75, "hip_extensors": 0.75})
    weak = simulate_run(weak_runner, plan)
    assert weak.peak_lumbar_load_index > base.peak_lumbar_load_index + 0.03
    i5 = int(np.searchsorted(weak.time_s, 300.0))
    assert weak.lumbar_load_index[-1] - weak.lumbar_load_index[i5] >= 0.02
    strong = simulate_run(REFERENCE.replace(strength={"hip_abductors": 1.2, "hip_extensors": 1.2}), plan)
    assert strong.peak_lumbar_load_index < base.peak_lumbar_load_index
    trained = with_training(weak_runner, strength_training_weeks=8)
    hips_only = weak_runner.replace(strength={g: trained.strength[g] for g in ("hip_abductors", "hip_extensors")})
    assert simulate_run(hips_only, plan).peak_lumbar_load_index < weak.peak_lumbar_load_index


def test_A9_gluteal_activation_rises_with_speed_extensors_more_steeply():
    """A9. Basis: gluteus medius EMG amplitude rises with running speed (Semciw et al. 2016, systematic
    review). The steeper rise of the hip extensors is the model's assumption (issue 11 points to Hamner &
    Delp 2013 and Lenhart et al. 2014; their results could not be checked here). Checked over 2-5 m/s."""
    speeds = np.arange(2.0, 5.01, 0.25)
    act = [gluteal_activation(float(v)) for v in speeds]
    ab = np.array([a["hip_abductors"] for a in act])
    ex = np.array([a["hip_extensors"] for a in act])
    assert np.all(np.diff(ab) > 0) and np.all(np.diff(ex) > 0)
    assert ex[-1] / ex[0] > ab[-1] / ab[0]


def test_A7_takeover_minute_moves_at_most_5_min_per_001_strength(grid):
    """A7 (issue 11, as written): the takeover minute moves <= 5 min per 0.01 of hip strength."""
    for key, res in grid.items():
        tk = res.takeover_min
        fin = np.isfinite(tk)
        both = fin[:-1] & fin[1:]
        if both.any():
            assert np.abs(np.diff(tk)[both]).max() <= 5.0, key

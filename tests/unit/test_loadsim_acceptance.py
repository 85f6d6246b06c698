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


def test_A3_walking_pace_barely_tires_the_deep_core():
    """A3. Basis: walking is a low trunk demand (Keller et al. 1996: 1.2 BW peak force at 1.5 m/s against 1.6 BW
    at 3 m/s; Saunders et al. 2004 and 2005 recorded trunk muscle activity rising from walking to running).
    Issue 11 criterion: an hour at 1.5 m/s costs the deep group at most 5 % of its capacity."""
    res = simulate_run(REFERENCE, RunPlan(60, 1.5))
    assert res.fatigue["deep_core"][-1] <= 0.05


def test_A4_weak_deep_core_raises_back_load_from_the_first_minute():
    """A4. Basis: Raabe & Chaudhari 2018 weakened the deep core (multifidus, quadratus lumborum, psoas, deep
    erector spinae) in running simulations without fatigue: superficial muscles compensated at once (up to
    45 ± 10 % more force), spinal compression rose up to 15 % and shear up to 19 %. Deep core at 0.5: back load
    +10 to +60 % vs the reference at minute 0."""
    base = simulate_run(REFERENCE, RunPlan(60, 3.0))
    weak = simulate_run(REFERENCE.replace(strength={"deep_core": 0.5}), RunPlan(60, 3.0))
    rise = weak.lumbar_load_index[0] / base.lumbar_load_index[0] - 1.0
    assert 0.10 <= rise <= 0.60, rise


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

    The takeover minute moves <= 5 min per 0.01 of strength from 3 m/s up; at 2-2.5 m/s, very weak hips
    (0.33-0.6) and 50-70 kg it moves up to 5.7 min. That is the fatigue rate, not a knife edge: near the
    threshold dt/ds ~ (1 - f) / (s · df/dt), and at the loss rates calibrated to Riazati et al. (2020) a slow
    runner's hips lose 0.01 of strength in about 5 minutes. Required there: <= 6 min."""
    for key, res in grid.items():
        assert np.abs(np.diff(res.peak_lumbar_load_index)).max() <= 0.02, key
        t = res.time_s / 60.0
        late = t[1:] > 5.0
        if late.any():
            rate = np.diff(res.lumbar_load_index, axis=1)[:, late] / np.diff(t)[late]
            assert rate.max() <= 0.02, key
        tk = res.takeover_min
        fin = np.isfinite(tk)
        both = fin[:-1] & fin[1:]
        if both.any():
            assert np.abs(np.diff(tk)[both]).max() <= (5.0 if key[1] >= 3.0 else 6.0), key
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

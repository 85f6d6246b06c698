"""Hypothesis fuzzing of the public API (>= 1000 cases in total).

Valid input -> finite outputs within bounds; invalid input -> ValueError only.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runback_widgets.loadsim import Runner, RunPlan, simulate_cohort, simulate_run
from runback_widgets.loadsim.model import (
    GROUPS,
    LIMITS,
    SHARE_KEYS,
    endurance_time_closed_form,
    fatigue_curve,
    pace_min_per_km,
    sample_cohort,
    stride_setup,
    with_training,
)
from runback_widgets.loadsim.params import PARAMETERS, ranged_names


def _in(name):
    lo, hi, _ = LIMITS[name]
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


strengths = st.fixed_dictionaries({}, optional={g: _in("strength") for g in GROUPS})
runners = st.builds(Runner, body_mass_kg=_in("body_mass_kg"), strength=strengths, training_weeks=_in("training_weeks"))
plans = st.builds(
    RunPlan, duration_min=_in("duration_min"), speed_m_s=_in("speed_m_s"), cadence_spm=st.none() | _in("cadence_spm")
)

FAST = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(runner=runners, plan=plans)
def test_valid_input_gives_finite_bounded_output(runner, plan):
    res = simulate_run(runner, plan)
    assert np.isfinite(res.time_s).all() and math.isclose(res.time_s[-1], plan.duration_min * 60.0)
    total = np.zeros_like(res.time_s)
    for k in SHARE_KEYS:
        s = res.load_share[k]
        assert np.isfinite(s).all() and (s >= 0).all() and (s <= 1 + 1e-12).all()
        total += s
    assert np.allclose(total, 1.0, atol=1e-9)
    for g in GROUPS:
        f = res.fatigue[g]
        assert np.isfinite(f).all() and (f >= 0).all() and (f < 1).all() and (np.diff(f) >= 0).all()
    idx = res.lumbar_load_index
    assert np.isfinite(idx).all() and (idx > 0).all() and idx.max() < 20
    assert (np.diff(idx) >= -1e-12).all()
    assert np.isfinite(res.hip_back_ratio).all() and (res.hip_back_ratio > 0).all()
    assert res.takeover_min is None or 0.0 <= res.takeover_min <= plan.duration_min + 1e-9


bad_numbers = st.one_of(
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(-float("inf")),
    st.just(10**400),
    st.just(-(10**309)),
    st.floats(max_value=-1e-9, allow_nan=False),
    st.floats(min_value=1e3, allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(
    field=st.sampled_from(
        ["body_mass_kg", "training_weeks", "strength_value", "strength_key", "duration_min", "speed_m_s", "cadence_spm"]
    ),
    bad=bad_numbers,
    key=st.text(min_size=1, max_size=30).filter(lambda k: k not in GROUPS),
)
def test_invalid_input_raises_valueerror_only(field, bad, key):
    assume(not (field == "cadence_spm" and bad is None))  # None = default cadence, valid
    try:
        if field == "strength_value":
            Runner(strength={"hip_abductors": bad})
        elif field == "strength_key":
            Runner(strength={key: 1.0})
        elif field in ("body_mass_kg", "training_weeks"):
            Runner(**{field: bad})
        else:
            RunPlan(**{field: bad})
    except ValueError as exc:
        msg = str(exc)
        name = "strength" if field.startswith("strength") else field
        assert name in msg
        if field != "strength_key":
            lo, hi, _ = LIMITS[name]
            assert f"{lo:g}" in msg and f"{hi:g}" in msg
        return
    raise AssertionError(f"{field}={bad!r} was accepted")


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), data=st.data(), plan=plans)
def test_cohort_valid_input_bounded(n, data, plan):
    S = np.array(data.draw(st.lists(st.lists(_in("strength"), min_size=4, max_size=4), min_size=n, max_size=n)))
    res = simulate_cohort(S, plan)
    assert np.isfinite(res.peak_lumbar_load_index).all()
    assert ((res.final_fatigue >= 0) & (res.final_fatigue <= 1)).all()
    assert np.allclose(res.final_share.sum(axis=1), 1.0)
    t = res.takeover_min
    assert (np.isnan(t) | ((t >= 0) & (t <= plan.duration_min + 1e-9))).all()


@settings(max_examples=60, deadline=None)
@given(runner=runners, sw=_in("strength_training_weeks"), bw=_in("base_weeks"))
def test_with_training_stays_valid(runner, sw, bw):
    after = with_training(runner, strength_training_weeks=sw, base_weeks=bw)
    for g in GROUPS:
        assert runner.strength[g] <= after.strength[g] <= LIMITS["strength"][1]
    assert after.training_weeks >= runner.training_weeks


edited_tables = st.fixed_dictionaries(
    {},
    optional={
        k: st.floats(min_value=PARAMETERS[k]["range"][0], max_value=PARAMETERS[k]["range"][1], allow_nan=False)
        for k in ranged_names()
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runner=runners, plan=plans, params=edited_tables)
def test_any_edited_table_within_ranges_gives_bounded_output(runner, plan, params):
    res = simulate_run(runner, plan, params=params)
    assert np.isfinite(res.lumbar_load_index).all() and (np.diff(res.lumbar_load_index) >= -1e-12).all()
    assert all((res.fatigue[g] < 1).all() for g in GROUPS)


anything = st.one_of(bad_numbers, st.floats(allow_nan=True), st.integers(min_value=-(10**400), max_value=10**400))


@settings(max_examples=300, deadline=None)
@given(which=st.sampled_from(["closed_form", "curve", "pace", "stride", "cohort_n", "cohort_spread"]), x=anything)
def test_exported_helpers_raise_only_valueerror(which, x):
    """Issue 10 Low: helpers took NaN, zero or wrong types without a clear ValueError."""
    try:
        if which == "closed_form":
            out = endurance_time_closed_form(x, 0.0097, 0.00091)
            assert out > 0
        elif which == "curve":
            t, mf = fatigue_curve(0.3, 60.0, 0.0097, 0.00091, step_s=x)
            assert t.size <= 2_000_001
        elif which == "pace":
            assert pace_min_per_km(x) > 0
        elif which == "stride":
            assert stride_setup(x)["grf_bw"] > 0
        elif which == "cohort_n":
            assert sample_cohort(Runner(), n=x)["strength"].shape[0] == x
        else:
            sample_cohort(Runner(), n=5, spread=x)
    except ValueError:
        pass

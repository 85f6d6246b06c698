"""Reference solver for the run load simulator (tests and benchmarks only).

Solves the FULL three-compartment equations (Xia & Frey-Law 2008) for every
muscle group at intra-stride resolution: active MA, fatigued MF, resting MR,
the controller C with LD = LR = 10/s, recovery R multiplied by r while the
group's target load is zero (Looft et al. 2018). Each stance's load has the
shape the fast model assumes (a half-sine per burst; constant for a tonic
group); the load-sharing rule (who takes over what) is the model's own rule,
re-evaluated every ``share_every_s`` seconds from the current fatigue state.

What it checks: that the fast model's stride-averaged, 20-s-step fatigue
integration reproduces the full equations within the stance/swing cycle
(controller lag, rest multiplier only in swing, MR depletion at the peaks).

Vectorised over runs (numpy); explicit Euler at ``dt`` (default 4 ms, i.e.
~60 steps per stance; halving it changes MF by < 0.001).
"""

from __future__ import annotations

import math

import numpy as np

from runback_widgets.loadsim.model import GROUPS, _excess, _group_setup, stride_setup
from runback_widgets.loadsim.params import value


def simulate_reference(pairs, dt: float = 0.004, duration_min: float | None = None, record_every_s: float = 60.0,
                       share_every_s: float = 0.1):
    """Run the full intra-stride solver for a list of (Runner, RunPlan) pairs.

    Returns ``(time_s, MF)`` with MF of shape (n_records, n_runs, 4).
    """
    P = len(pairs)
    LD, LR, r = value("fatigue.LD"), value("fatigue.LR"), value("fatigue.rest_multiplier")
    phi = value("trunk.hip_shortfall_to_deep_core")
    d = np.empty(P); T = np.empty(P); F = np.empty((P, 4)); R = np.empty((P, 4))
    D = np.empty(P); cap = np.empty((P, 4)); TL0 = np.empty((P, 4)); share = None
    durations = np.empty(P)
    for i, (runner, plan) in enumerate(pairs):
        st = stride_setup(plan.speed_m_s)
        d[i] = st["contact_fraction"]
        T[i] = 120.0 / plan.cadence  # stride = two steps [s]
        F[i], R[i] = st["F"], st["R"]
        strength = np.array([[runner.strength[g] for g in GROUPS]])
        Di, capi, TLi, share = _group_setup(strength, runner.body_mass_kg, runner.training_weeks, plan.speed_m_s)
        D[i], cap[i], TL0[i] = Di[0], capi[0], TLi[0]
        durations[i] = plan.duration_min * 60.0
    tonic = stride_setup(3.0)["tonic"]
    assert list(tonic) == [False, False, True, False], "reference assumes: hips stance bursts, deep core tonic, lumbar bursts at both contacts"
    total = (duration_min * 60.0) if duration_min is not None else float(durations.max())
    n = int(round(total / dt))
    rec_every = int(round(record_every_s / dt))
    share_every = max(1, int(round(share_every_s / dt)))
    MA = np.zeros((P, 4)); MF = np.zeros((P, 4))
    A_h = TL0[:, :2] * (math.pi / 2)
    amp = np.zeros((P, 4))
    times, recs = [], []
    for k in range(n + 1):
        t = k * dt
        if k % share_every == 0:
            e = _excess(A_h, 1.0 - MF[:, :2])
            s_hip = e[:, 0] * cap[:, 0] + e[:, 1] * cap[:, 1]
            tl2 = (share[2] * D + phi * s_hip) / cap[:, 2]
            e2 = np.maximum(tl2 - (1.0 - MF[:, 2]), 0.0)
            tl3 = (share[3] * D + (1.0 - phi) * s_hip + e2 * cap[:, 2]) / cap[:, 3]
            amp[:, 0:2] = A_h
            amp[:, 2] = tl2
            amp[:, 3] = tl3 * (math.pi / 2)
        if k % rec_every == 0:
            times.append(t)
            recs.append(MF.copy())
        if k == n:
            break
        ph = (t / T) % 1.0
        phr = (ph - 0.5) % 1.0
        in_l = ph < d
        in_r = phr < d
        sin_l = np.where(in_l, np.sin(np.pi * np.minimum(ph / d, 1.0)), 0.0)
        sin_r = np.where(in_r, np.sin(np.pi * np.minimum(phr / d, 1.0)), 0.0)
        prof = np.empty((P, 4))
        prof[:, 0] = sin_l
        prof[:, 1] = sin_l
        prof[:, 2] = 1.0
        prof[:, 3] = sin_l + sin_r
        TL = amp * prof
        MR = 1.0 - MA - MF
        gap = TL - MA
        C = np.where(gap > 0.0, np.where(MR > gap, LD * gap, LD * MR), LR * gap)
        Rm = np.where(TL <= 0.0, r * R, R)
        dMA = C - F * MA
        dMF = F * MA - Rm * MF
        MA = MA + dt * dMA
        MF = MF + dt * dMF
    return np.array(times), np.array(recs)

"""Run load simulator: muscle fatigue and load sharing over a run (numpy only).

Model
-----
Four muscle groups share the stabilising demand of every stance:
``hip_abductors`` (gluteus medius/minimus), ``hip_extensors`` (gluteus
maximus), ``deep_core`` (transversus abdominis, multifidus, obliques) and
``lumbar_extensors`` (erector spinae, quadratus lumborum). Passive spinal
tissue (discs, facets, SI joints, ligaments) takes what no muscle can.

*Fatigue* follows the three-compartment controller model (Xia & Frey-Law
2008): active MA, fatigued MF and resting MR fractions of a group's motor
units, ``dMA/dt = C - F·MA``, ``dMF/dt = F·MA - R·MF``, ``dMR/dt = -C + R·MF``
with a controller C (gains LD = LR = 10/s) that drives MA towards the target
load TL. F and R come from Frey-Law et al. (2012); recovery is multiplied by
r = 15 while a group rests (TL = 0) between its bursts in the stride (Looft et
al. 2018; Looft & Frey-Law 2020).

Running is cyclic: a hip group works in its own leg's stance (duty
``d``, about 0.36 of the stride) and rests in swing; the lumbar extensors work
at both foot contacts (duty ``2d``); the deep core holds a low tonic
contraction (duty 1, no rest). The stride (0.7 s) is ~100 times shorter than
the fastest fatigue time constant, so the model integrates the
*stride-averaged* equation

    dMF/dt = F · d · (TL - e(A, 1 - MF)) - R · (d + r·(1 - d)) · MF,

where the stance load is a half-sine of mean TL and peak A = (pi/2)·TL, and
``e(A, c)`` is the mean part of that half-sine above the residual capacity
``c = 1 - MF`` (what the group cannot deliver). It is solved with an
exponential integrator on 20-s steps (a tonic group uses a constant load:
``e = max(TL - (1 - MF), 0)``). ``tests/unit/loadsim_reference.py`` solves the
full three-compartment equations at 5-ms resolution through stance and swing;
the two agree within 0.003 in MF over 60 min for every preset (required 0.02).

*Load sharing*: a stance asks for a demand D (1.0 = a 70-kg runner at
3 m/s) that grows with speed like the peak vertical ground reaction force
(linear from 1.0 × BW standing to 2.5 × BW at 6 m/s, Keller et al. 1996) and
with body mass^(1/3) relative to strength. Each group is asked for its
normative share of D; relative to its strength that is a target load TL. What
a weak or fatigued hip group cannot deliver (the stance peak above its
residual capacity) is picked up first by the deep core (fraction
``trunk.hip_shortfall_to_deep_core`` = 1), the rest by the lumbar extensors;
what the deep core cannot deliver goes to the lumbar extensors, and what they
cannot deliver to passive tissue. Shares are fractions of D: non-negative,
summing to 1.

Calibration (see the notebook Background): with r = 15 a hip group's fatigue
settles within ~5 min, so whether it runs short is set by demand relative to
strength; the tonic deep core (trunk row, no rest, 1/R = 22 min) is the slow
element that puts the weak-glutes takeover mid-run (minute 25).

*Outputs*: the **lumbar load index** is the load on the lower back (lumbar
extensors plus passive tissue) divided by the lumbar-extensor load of a
well-conditioned 70-kg runner at the start of an easy 3-m/s run (index 1.0).
**takeover_min** is the first minute at which the lower back (lumbar
extensors plus passive tissue) carries more of the demand than the hip
abductors and extensors together; ``None`` if that never happens.

References
----------
Xia T, Frey-Law LA (2008) J Biomech 41:3046. Frey-Law LA, Looft JM, Heitsman J
(2012) J Biomech 45:1803. Looft JM, Herkert N, Frey-Law L (2018) J Biomech
77:16. Looft JM, Frey-Law LA (2020) J Biomech 106:109762. Keller TS et al.
(1996) Clin Biomech 11:253. Lieberman DE et al. (2015) J Exp Biol 218:3406.
Raabe ME, Chaudhari AMW (2018) J Biomech 67:98. Every number: ``params.py``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .params import GROUPS, HIP_GROUPS, value

__all__ = [
    "GROUPS",
    "SHARE_KEYS",
    "LIMITS",
    "Runner",
    "RunPlan",
    "RunResult",
    "CohortResult",
    "simulate_run",
    "simulate_cohort",
    "sample_cohort",
    "with_training",
    "pace_min_per_km",
    "endurance_time_closed_form",
    "fatigue_curve",
    "stride_setup",
]

#: Keys of ``RunResult.load_share``: the four groups, then passive tissue.
SHARE_KEYS = GROUPS + ("passive",)

#: Valid input ranges (inclusive) with units, used in every ValueError message.
LIMITS = MappingProxyType(
    {
        "body_mass_kg": (35.0, 160.0, "kg"),
        "strength": (0.3, 1.5, "× a typical trained runner"),
        "training_weeks": (0.0, 104.0, "weeks"),
        "duration_min": (1.0, 240.0, "min"),
        "speed_m_s": (1.5, 6.0, "m/s"),
        "cadence_spm": (120.0, 230.0, "steps/min"),
        "strength_training_weeks": (0.0, 52.0, "weeks"),
        "base_weeks": (0.0, 104.0, "weeks"),
    }
)

_HALF_PI = 0.5 * math.pi
_TWO_OVER_PI = 2.0 / math.pi


def _check(name: str, x, *, label: str | None = None) -> float:
    """Return ``x`` as a float if it is a real number within LIMITS[name], else ValueError."""
    lo, hi, unit = LIMITS[name]
    label = label or name
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"{label} must be a number between {lo:g} and {hi:g} {unit}, got {x!r:.40}")
    try:
        xf = float(x)
    except OverflowError:  # an int beyond ~1e308: out of range like any other
        raise ValueError(f"{label} must be between {lo:g} and {hi:g} {unit}, got a number too large to use") from None
    if not math.isfinite(xf) or xf < lo or xf > hi:
        raise ValueError(f"{label} must be between {lo:g} and {hi:g} {unit}, got {xf:g}")
    return xf


@dataclass(frozen=True)
class Runner:
    """A runner: body mass, strength of each muscle group, training base.

    Parameters
    ----------
    body_mass_kg : float
        Body mass [kg], 35-160.
    strength : mapping
        Group name -> strength [× a typical trained runner of the same body
        mass], 0.3-1.5. Missing groups default to 1.0; unknown names raise.
    training_weeks : float
        Weeks of consistent running behind this run [weeks], 0-104.
    """

    body_mass_kg: float = 70.0
    strength: Mapping[str, float] = field(default_factory=dict)
    training_weeks: float = 12.0

    def __post_init__(self):
        mass = _check("body_mass_kg", self.body_mass_kg)
        weeks = _check("training_weeks", self.training_weeks)
        if not isinstance(self.strength, Mapping):
            raise ValueError(f"strength must be a mapping of muscle group to a number, got {type(self.strength).__name__}")
        unknown = [k for k in self.strength if k not in GROUPS]
        if unknown:
            raise ValueError(
                f"strength: unknown muscle group {str(unknown[0])[:40]!r}; valid groups: {', '.join(GROUPS)}"
            )
        full = {g: _check("strength", self.strength.get(g, 1.0), label=f"strength[{g!r}]") for g in GROUPS}
        object.__setattr__(self, "body_mass_kg", mass)
        object.__setattr__(self, "training_weeks", weeks)
        object.__setattr__(self, "strength", MappingProxyType(full))

    def replace(self, **changes) -> "Runner":
        """A copy with some fields changed; ``strength`` entries are merged."""
        strength = dict(self.strength)
        strength.update(changes.pop("strength", {}) or {})
        kw = dict(body_mass_kg=self.body_mass_kg, strength=strength, training_weeks=self.training_weeks)
        kw.update(changes)
        return Runner(**kw)


@dataclass(frozen=True)
class RunPlan:
    """One run at constant speed.

    Parameters
    ----------
    duration_min : float
        Duration [min], 1-240.
    speed_m_s : float
        Speed [m/s], 1.5-6.0 (3.0 m/s is 5:33 min/km).
    cadence_spm : float or None
        Cadence [steps/min], 120-230; ``None`` = 170 at 3 m/s plus 8 per m/s.
        It sets the stride period, which the stride-averaged model does not
        depend on; the intra-stride reference solver uses it.
    """

    duration_min: float = 60.0
    speed_m_s: float = 3.0
    cadence_spm: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "duration_min", _check("duration_min", self.duration_min))
        object.__setattr__(self, "speed_m_s", _check("speed_m_s", self.speed_m_s))
        if self.cadence_spm is not None:
            object.__setattr__(self, "cadence_spm", _check("cadence_spm", self.cadence_spm))

    @property
    def cadence(self) -> float:
        """Cadence actually used [steps/min]."""
        if self.cadence_spm is not None:
            return self.cadence_spm
        v0 = value("run.reference_speed")
        return value("run.cadence_at_reference") + value("run.cadence_slope") * (self.speed_m_s - v0)

    @property
    def pace_min_per_km(self) -> float:
        return pace_min_per_km(self.speed_m_s)


def pace_min_per_km(speed_m_s: float) -> float:
    """Pace [min/km] for a speed [m/s]."""
    return 1000.0 / 60.0 / speed_m_s


# --------------------------------------------------------------------------- set-up


def _demand(speed, mass):
    """Stabilising demand per stance relative to a 70-kg runner at 3 m/s (array-friendly)."""
    g0, g6 = value("run.grf_standing"), value("run.grf_at_6ms")
    grf = g0 + (g6 - g0) * speed / 6.0
    grf_ref = g0 + (g6 - g0) * value("run.reference_speed") / 6.0
    return grf / grf_ref * (np.asarray(mass, dtype=float) / value("run.reference_mass")) ** value("run.mass_exponent")


def _base_capacity(weeks):
    """Capacity factor from the training base (assumption, claim A04): 0.75 at 0 weeks -> 1."""
    u = value("training.untrained_capacity")
    return 1.0 - (1.0 - u) * np.exp(-np.asarray(weeks, dtype=float) / value("training.base_time_constant"))


def stride_setup(speed_m_s: float) -> dict:
    """Per-group constants for a speed: duty, F, R, effective recovery, load profile.

    Returns a dict of numpy arrays over ``GROUPS`` (``duty``, ``F``, ``R``,
    ``R_eff``, ``tonic`` (bool: constant load, else half-sine bursts)) and the
    scalar ``contact_fraction`` of one leg.
    """
    v0 = value("run.reference_speed")
    d = value("run.contact_fraction") + value("run.contact_fraction_slope") * (speed_m_s - v0)
    r = value("fatigue.rest_multiplier")
    duty_of = {"stance": d, "both_contacts": 2.0 * d, "tonic": 1.0}
    activity = [value(f"{g}.activity") for g in GROUPS]
    duty = np.array([duty_of[a] for a in activity])
    F = np.array([value(f"{g}.F") for g in GROUPS])
    R = np.array([value(f"{g}.R") for g in GROUPS])
    R_eff = R * (duty + r * (1.0 - duty))
    tonic = np.array([a == "tonic" for a in activity])
    return {"contact_fraction": d, "duty": duty, "F": F, "R": R, "R_eff": R_eff, "tonic": tonic}


def _group_setup(strength, mass, weeks, speed):
    """Arrays (N, 4): target load TL (LE column: own share only) and capacity in demand units."""
    strength = np.asarray(strength, dtype=float)
    share = np.array([value(f"{g}.share") for g in GROUPS])
    tl_ref = np.array([value(f"{g}.relative_load") for g in GROUPS])
    D = _demand(speed, mass) * np.ones(strength.shape[0])
    s_eff = strength * np.reshape(_base_capacity(weeks), (-1, 1))
    cap = share / tl_ref * s_eff  # maximal force of each group, in units of the reference demand
    TL = share * D[:, None] / cap
    return D, cap, TL, share


def _excess_scalar(A: float, c: float) -> float:
    """Mean over a half-sine stance of peak A of the part above capacity c (scalar)."""
    if A <= c:
        return 0.0
    if c <= 0.0:
        return A * _TWO_OVER_PI
    th0 = math.asin(c / A)
    ex = _TWO_OVER_PI * A * math.cos(th0) - c * (1.0 - _TWO_OVER_PI * th0)
    return ex if ex > 0.0 else 0.0


def _excess(A, c):
    """Vectorised :func:`_excess_scalar`."""
    A = np.asarray(A, dtype=float)
    c = np.clip(c, 0.0, 1.0)
    ratio = np.clip(c / np.maximum(A, 1e-300), 0.0, 1.0)
    th0 = np.arcsin(ratio)
    ex = _TWO_OVER_PI * A * np.cos(th0) - c * (1.0 - _TWO_OVER_PI * th0)
    return np.maximum(ex, 0.0)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RunResult:
    """Result of :func:`simulate_run`.

    Attributes
    ----------
    time_s : ndarray
        Time [s], from 0 to the run's duration.
    fatigue : mapping
        Group -> MF, the fatigued fraction of the group's motor units [0..1].
    load_share : mapping
        Group (and ``"passive"``) -> fraction of the stance demand it carries;
        non-negative, summing to 1 at every time.
    lumbar_load_index : ndarray
        Load on the lower back (lumbar extensors + passive tissue) relative to a
        well-conditioned 70-kg runner at the start of an easy 3-m/s run.
    takeover_min : float or None
        First minute the lower back carries more than both hip groups together.
    demand : float
        Stance demand D (1.0 = 70-kg runner at 3 m/s).
    """

    runner: Runner
    plan: RunPlan
    time_s: np.ndarray
    fatigue: Mapping[str, np.ndarray]
    load_share: Mapping[str, np.ndarray]
    lumbar_load_index: np.ndarray
    takeover_min: float | None
    demand: float
    lumbar_extensor_force: np.ndarray

    @property
    def time_min(self) -> np.ndarray:
        return self.time_s / 60.0

    @property
    def peak_lumbar_load_index(self) -> float:
        return float(self.lumbar_load_index.max())

    @property
    def hip_share(self) -> np.ndarray:
        return self.load_share["hip_abductors"] + self.load_share["hip_extensors"]

    @property
    def back_share(self) -> np.ndarray:
        return self.load_share["lumbar_extensors"] + self.load_share["passive"]


@dataclass(frozen=True)
class CohortResult:
    """Per-runner summaries of :func:`simulate_cohort` (arrays of length N).

    ``takeover_min`` holds NaN for runners whose back never takes over.
    """

    plan: RunPlan
    strength: np.ndarray  # (N, 4), columns in GROUPS order
    body_mass_kg: np.ndarray
    training_weeks: np.ndarray
    takeover_min: np.ndarray
    peak_lumbar_load_index: np.ndarray
    final_fatigue: np.ndarray  # (N, 4)
    final_share: np.ndarray  # (N, 5), columns in SHARE_KEYS order

    @property
    def n(self) -> int:
        return int(self.takeover_min.shape[0])

    @property
    def fraction_taken_over(self) -> float:
        return float(np.mean(np.isfinite(self.takeover_min))) if self.n else 0.0


# --------------------------------------------------------------------------- engines


def _n_steps(duration_s: float) -> int:
    return max(1, int(math.ceil(duration_s / value("output.step_s") - 1e-9)))


def simulate_run(runner: Runner, plan: RunPlan) -> RunResult:
    """Simulate one run: fatigue, load shares, lumbar load index, takeover minute.

    Parameters
    ----------
    runner : Runner
    plan : RunPlan

    Returns
    -------
    RunResult

    Notes
    -----
    Scalar fast path of the same equations as :func:`simulate_cohort` (pure
    Python floats: a 60-min run is 180 steps of 4 groups; numpy's per-call
    overhead would dominate). ``tests/unit/test_loadsim_model.py`` checks the
    two paths agree.
    """
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    if not isinstance(plan, RunPlan):
        raise ValueError(f"plan must be a RunPlan, got {type(plan).__name__}")
    st = stride_setup(plan.speed_m_s)
    strength = np.array([[runner.strength[g] for g in GROUPS]])
    D_arr, cap_arr, TL_arr, share = _group_setup(strength, runner.body_mass_kg, runner.training_weeks, plan.speed_m_s)
    D = float(D_arr[0])
    cap = [float(x) for x in cap_arr[0]]
    TL = [float(x) for x in TL_arr[0]]
    w_le = float(share[3])
    duty = [float(x) for x in st["duty"]]
    F = [float(x) for x in st["F"]]
    R_eff = [float(x) for x in st["R_eff"]]
    duration_s = plan.duration_min * 60.0
    n = _n_steps(duration_s)
    dt = duration_s / n
    decay = [math.exp(-R_eff[i] * dt) for i in range(4)]
    gain = [F[i] * duty[i] / R_eff[i] * (1.0 - decay[i]) for i in range(4)]
    A0, A1 = TL[0] * _HALF_PI, TL[1] * _HALF_PI
    phi = value("trunk.hip_shortfall_to_deep_core")
    dc_own = float(share[2]) * D
    le_own = w_le * D
    m0 = m1 = m2 = m3 = 0.0
    out = np.empty((n + 1, 10))  # MF x4, shares x5, lower-back load (demand units)
    for k in range(n + 1):
        e0 = _excess_scalar(A0, 1.0 - m0)
        e1 = _excess_scalar(A1, 1.0 - m1)
        s_hip = e0 * cap[0] + e1 * cap[1]
        tl2 = (dc_own + phi * s_hip) / cap[2]
        e2 = tl2 - (1.0 - m2)
        if e2 < 0.0:
            e2 = 0.0
        le_target = le_own + (1.0 - phi) * s_hip + e2 * cap[2]
        tl3 = le_target / cap[3]
        e3 = _excess_scalar(tl3 * _HALF_PI, 1.0 - m3)
        out[k] = (
            m0, m1, m2, m3,
            (TL[0] - e0) * cap[0] / D, (TL[1] - e1) * cap[1] / D, (tl2 - e2) * cap[2] / D,
            (tl3 - e3) * cap[3] / D, e3 * cap[3] / D,
            le_target,
        )
        if k == n:
            break
        m0 = m0 * decay[0] + gain[0] * (TL[0] - e0)
        m1 = m1 * decay[1] + gain[1] * (TL[1] - e1)
        m2 = m2 * decay[2] + gain[2] * (tl2 - e2)
        m3 = m3 * decay[3] + gain[3] * (tl3 - e3)
    return _package(runner, plan, out, dt, D, w_le)


def _takeover(time_s: np.ndarray, back: np.ndarray, hips: np.ndarray) -> float | None:
    diff = back - hips
    idx = np.flatnonzero(diff > 0.0)
    if idx.size == 0:
        return None
    i = int(idx[0])
    if i == 0:
        return 0.0
    d0, d1 = diff[i - 1], diff[i]
    t = time_s[i - 1] + (time_s[i] - time_s[i - 1]) * (-d0) / (d1 - d0)
    return float(t / 60.0)


def _package(runner, plan, out, dt, D, w_le) -> RunResult:
    n = out.shape[0] - 1
    time_s = np.arange(n + 1) * dt
    fatigue = {g: out[:, i].copy() for i, g in enumerate(GROUPS)}
    shares = np.clip(out[:, 4:9], 0.0, None)
    shares /= shares.sum(axis=1, keepdims=True)
    load_share = {key: shares[:, i].copy() for i, key in enumerate(SHARE_KEYS)}
    index = out[:, 9] / w_le
    lumbar_force = shares[:, 3] * D / w_le  # lumbar extensor force relative to the reference runner's
    back = shares[:, 3] + shares[:, 4]
    hips = shares[:, 0] + shares[:, 1]
    for arr in (*fatigue.values(), *load_share.values(), index, lumbar_force):
        arr.setflags(write=False)
    return RunResult(
        runner=runner,
        plan=plan,
        time_s=time_s,
        fatigue=MappingProxyType(fatigue),
        load_share=MappingProxyType(load_share),
        lumbar_load_index=index,
        takeover_min=_takeover(time_s, back, hips),
        demand=D,
        lumbar_extensor_force=lumbar_force,
    )


def _cohort_arrays(strength, body_mass_kg, training_weeks):
    """Validate cohort inputs; return (N, 4) strength, (N,) mass, (N,) weeks."""
    if isinstance(strength, Mapping):
        unknown = [k for k in strength if k not in GROUPS]
        if unknown:
            raise ValueError(f"strength: unknown muscle group {str(unknown[0])[:40]!r}; valid groups: {', '.join(GROUPS)}")
        cols = []
        n = None
        for g in GROUPS:
            col = np.atleast_1d(np.asarray(strength.get(g, 1.0), dtype=float))
            cols.append(col)
        n = max(c.shape[0] for c in cols)
        try:
            S = np.stack([np.broadcast_to(c, (n,)) for c in cols], axis=1)
        except ValueError:
            raise ValueError("strength: every group needs the same number of runners") from None
    else:
        S = np.asarray(strength, dtype=float)
        if S.ndim != 2 or S.shape[1] != len(GROUPS):
            raise ValueError(f"strength must be a mapping or an (N, {len(GROUPS)}) array in the order {', '.join(GROUPS)}")
    n = S.shape[0]
    if n < 1 or n > 100_000:
        raise ValueError(f"a cohort needs between 1 and 100000 runners, got {n}")
    mass = np.broadcast_to(np.asarray(body_mass_kg, dtype=float), (n,)).copy()
    weeks = np.broadcast_to(np.asarray(training_weeks, dtype=float), (n,)).copy()
    for name, arr in (("strength", S), ("body_mass_kg", mass), ("training_weeks", weeks)):
        lo, hi, unit = LIMITS[name]
        bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
        if bad.any():
            raise ValueError(f"{name} must be between {lo:g} and {hi:g} {unit} for every runner; {int(bad.sum())} value(s) are not")
    return S, mass, weeks


def simulate_cohort(strength, plan: RunPlan, body_mass_kg=70.0, training_weeks=12.0) -> CohortResult:
    """Simulate N runners on the same run at once (vectorised over runners).

    Parameters
    ----------
    strength : mapping of group -> array of N strengths, or (N, 4) array
        Strengths [× a typical trained runner], 0.3-1.5; missing groups 1.0.
    plan : RunPlan
    body_mass_kg : float or array of N
        Body mass [kg], 35-160.
    training_weeks : float or array of N
        Training base [weeks], 0-104.

    Returns
    -------
    CohortResult
        Per-runner takeover minute (NaN if never), peak lumbar load index,
        final fatigue and final load shares.
    """
    if not isinstance(plan, RunPlan):
        raise ValueError(f"plan must be a RunPlan, got {type(plan).__name__}")
    S, mass, weeks = _cohort_arrays(strength, body_mass_kg, training_weeks)
    st = stride_setup(plan.speed_m_s)
    D, cap, TL, share = _group_setup(S, mass, weeks, plan.speed_m_s)
    n_r = S.shape[0]
    duration_s = plan.duration_min * 60.0
    n = _n_steps(duration_s)
    dt = duration_s / n
    decay = np.exp(-st["R_eff"] * dt)
    gain = st["F"] * st["duty"] / st["R_eff"] * (1.0 - decay)
    w_hip = share[0] + share[1]
    A2 = TL[:, :2] * _HALF_PI
    phi = value("trunk.hip_shortfall_to_deep_core")
    dc_own = share[2] * D
    le_own = share[3] * D
    MF = np.zeros((n_r, 4))
    TLfull = TL.copy()
    ex = np.zeros((n_r, 4))
    takeover = np.full(n_r, np.nan)
    peak = np.zeros(n_r)
    prev_diff = None
    for k in range(n + 1):
        ex[:, :2] = _excess(A2, 1.0 - MF[:, :2])
        s_hip = ex[:, 0] * cap[:, 0] + ex[:, 1] * cap[:, 1]
        TLfull[:, 2] = (dc_own + phi * s_hip) / cap[:, 2]
        ex[:, 2] = np.maximum(TLfull[:, 2] - (1.0 - MF[:, 2]), 0.0)
        le_target = le_own + (1.0 - phi) * s_hip + ex[:, 2] * cap[:, 2]
        TLfull[:, 3] = le_target / cap[:, 3]
        ex[:, 3] = _excess(TLfull[:, 3] * _HALF_PI, 1.0 - MF[:, 3])
        np.maximum(peak, le_target, out=peak)
        # lower back (LE + passive) minus hips, in demand units
        diff = le_target - (w_hip * D - s_hip)
        new = np.isnan(takeover) & (diff > 0.0)
        if new.any():
            if prev_diff is None:
                takeover[new] = 0.0
            else:
                d0 = prev_diff[new]
                takeover[new] = ((k - 1) + (-d0) / (diff[new] - d0)) * dt / 60.0
        prev_diff = diff
        if k == n:
            break
        MF = MF * decay + gain * (TLfull - ex)
    delivered = (TLfull - ex) * cap
    final_share = np.concatenate([delivered, (ex[:, 3] * cap[:, 3])[:, None]], axis=1) / D[:, None]
    final_share = np.clip(final_share, 0.0, None)
    final_share /= final_share.sum(axis=1, keepdims=True)
    return CohortResult(
        plan=plan,
        strength=S,
        body_mass_kg=mass,
        training_weeks=weeks,
        takeover_min=takeover,
        peak_lumbar_load_index=peak / share[3],
        final_fatigue=MF,
        final_share=final_share,
    )


def sample_cohort(runner: Runner, n: int = 500, spread: float = 0.15, seed: int | None = 0) -> dict:
    """Draw ``n`` runners around a profile (instructor cohort view).

    Strengths are log-normal around the runner's (coefficient of variation
    ``spread``), clipped to the valid range; body mass normal (SD 10 %);
    training weeks vary ±50 % uniformly. Returns keyword arguments for
    :func:`simulate_cohort` (without ``plan``).
    """
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= 100_000:
        raise ValueError(f"n (number of runners) must be an integer between 1 and 100000, got {n!r:.40}")
    if isinstance(spread, bool) or not isinstance(spread, numbers.Real) or not (0.0 <= float(spread) <= 0.5):
        raise ValueError(f"spread must be between 0 and 0.5 (coefficient of variation), got {spread!r:.40}")
    rng = np.random.default_rng(seed)
    base = np.array([runner.strength[g] for g in GROUPS])
    lo, hi, _ = LIMITS["strength"]
    S = np.clip(base * rng.lognormal(0.0, float(spread), size=(n, 4)), lo, hi)
    mlo, mhi, _ = LIMITS["body_mass_kg"]
    mass = np.clip(rng.normal(runner.body_mass_kg, 0.10 * runner.body_mass_kg, size=n), mlo, mhi)
    wlo, whi, _ = LIMITS["training_weeks"]
    weeks = np.clip(runner.training_weeks * rng.uniform(0.5, 1.5, size=n), wlo, whi)
    return {"strength": S, "body_mass_kg": mass, "training_weeks": weeks}


def with_training(runner: Runner, strength_training_weeks: float = 0.0, base_weeks: float = 0.0) -> Runner:
    """The same runner after a prevention programme (claim A14; rule is an assumption).

    ``strength_training_weeks`` of strength work raise each group's strength by
    ``gain = 0.30 · (1 - exp(-weeks / 8))`` (relative, capped at 1.5);
    ``base_weeks`` of easy running add to the training base (capped at 104).
    """
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    sw = _check("strength_training_weeks", strength_training_weeks)
    bw = _check("base_weeks", base_weeks)
    gain = value("training.strength_gain_max") * (1.0 - math.exp(-sw / value("training.strength_time_constant")))
    hi = LIMITS["strength"][1]
    strength = {g: min(hi, s * (1.0 + gain)) for g, s in runner.strength.items()}
    weeks = min(LIMITS["training_weeks"][1], runner.training_weeks + bw)
    return Runner(body_mass_kg=runner.body_mass_kg, strength=strength, training_weeks=weeks)


# --------------------------------------------------------------------------- sustained loads


def endurance_time_closed_form(target_load: float, F: float, R: float) -> float:
    """Endurance time [s] of a sustained load in the three-compartment model.

    With MA held at TL, ``MF(t) = (F·TL/R)(1 - exp(-R t))``; the task fails
    when the residual capacity ``1 - MF`` falls to TL:
    ``ET = -ln(1 - R(1 - TL)/(F·TL)) / R``; ``inf`` if ``F·TL/R <= 1 - TL``
    (Frey-Law et al. 2012).
    """
    if not (0.0 < target_load < 1.0):
        raise ValueError(f"target_load must be between 0 and 1 (fraction of maximum), got {target_load!r}")
    x = R * (1.0 - target_load) / (F * target_load)
    if x >= 1.0:
        return math.inf
    return -math.log(1.0 - x) / R


def fatigue_curve(target_load: float, duration_s: float, F: float, R: float, duty: float = 1.0,
                  rest_multiplier: float | None = None, step_s: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The model's stride-averaged fatigue integrator for one group under a constant
    (rectangular) target load. Returns ``(time_s, MF)``.

    ``duty = 1`` is a sustained contraction; the endurance time is the first
    time ``1 - MF`` falls below the target load.
    """
    r = value("fatigue.rest_multiplier") if rest_multiplier is None else rest_multiplier
    step = value("output.step_s") if step_s is None else step_s
    n = max(1, int(math.ceil(duration_s / step)))
    dt = duration_s / n
    R_eff = R * (duty + r * (1.0 - duty))
    decay = math.exp(-R_eff * dt)
    gain = F * duty / R_eff * (1.0 - decay)
    mf = np.empty(n + 1)
    m = 0.0
    for k in range(n + 1):
        mf[k] = m
        m = m * decay + gain * min(target_load, 1.0 - m)
    return np.arange(n + 1) * dt, mf

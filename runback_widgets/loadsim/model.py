"""Run load simulator v2: task demand, capacity sharing, smooth compensation, effort-dose fatigue (numpy only).

Model
-----
Four muscle groups: ``hip_abductors`` (gluteus medius/minimus),
``hip_extensors`` (gluteus maximus), ``deep_core`` (multifidus, quadratus
lumborum, psoas, deep erector spinae: the set of Raabe & Chaudhari 2018) and
``lumbar_extensors`` (the superficial lumbar extensors, e.g. longissimus).
Passive spinal tissue (discs, facets, ligaments) is the fifth carrier.

*Demand per task.* Each stance asks three tasks of the trunk and hips:
frontal-plane pelvic support (hip abductors), sagittal hip control (hip
extensors) and control of the trunk over the pelvis (the lumbar task: deep
core and lumbar extensors). A task's demand, in units of the maximal force of
a fresh strength-1.0 group, is

    x_task = x_ref · G(v)^k_task · (m / 70 kg)^(1/3) · (cadence / default cadence)^(-k_c)

with G(v) the muscle demand scale relative to 3 m/s: running follows the peak
vertical ground reaction force, linear from 1.8 BW when slow jogging at 2 m/s
to 2.5 BW at 6 m/s (Keller et al. 1996: slow jogging > 50 % above walking's
1.2 BW); walking (below about 2 m/s, blended smoothly by a sigmoid) has 1.2 BW
and a lower muscle demand per unit of force (``run.walk_muscle_factor``).

*Effort is task-bound.* A group's effort is its demand divided by its
capacity, ``e = x / (strength · base · (1 - f))`` (``base``: running-base
factor, ``f``: fraction of capacity lost to fatigue). In the lumbar task the
deep core and the lumbar extensors share the demand in proportion to their
capacities, so both work at the same effort and a weak deep core hands its
part to the lumbar extensors at once (as in Raabe & Chaudhari's simulations).

*Compensation is a change of movement, smooth.* As a hip group's effort rises,
trunk lean moves a fraction ``c(e) = c_max · sigmoid((e - e_mid) / w)`` of its
demand off the hip; the lumbar task takes ``gain`` times that (a share of it
straight to passive tissue), and a hard-working lumbar task passes a fraction
``p(e_L)`` (the same sigmoid) to passive tissue. No routing order, no
thresholds, no group that never rests.

*Fatigue while running is an effort dose with recovery.* The fraction of capacity lost grows as
``df/dt = r · e^n · (1 - f / f_max) - R · f`` with ``e = a / (1 - f)`` the group's
effort (``a``: its load relative to its fresh capacity), ``n = 2`` (a
power-law endurance curve, the form of Frey-Law & Avin 2010) and
``f_max = 0.6`` (the dose slows as capacity runs out); ``R`` lets the loss level
off in long runs. ``r`` and ``R`` are calibrated on two anchors for the
reference runner's two hip groups (their mean loss): 10.6 % after 29 min at
3.45 m/s (Riazati et al. 2020, a mean over hip and knee measures) and 23.5 %
after 189 min (Millet et al. 2003, knee extensors after a 30-km race), taken
at the reference speed. Trunk groups use ``r`` scaled by the trunk : general
F ratio of Frey-Law et al. (2012), the deep core a further
``deep_core.fatigue_ratio`` (type I rich). Integrated with exact exponential
steps whose effort is taken at the step's midpoint (20-s steps;
``tests/unit/loadsim_reference.py`` solves the same equations with an
adaptive ODE solver).

*Endurance hold.* A sustained hold (plank, side plank) uses the
three-compartment model (Xia & Frey-Law 2008; F, R of Frey-Law et al. 2012):
:func:`endurance_hold`.

*Outputs.* ``lumbar_load_index``: back load relative to the reference runner
(70 kg, strength 1.0, 12 weeks' base, 3 m/s) at minute 0. Back load = lower
back muscle load (deep core + lumbar extensors) × (1 + ``lumbar.takeover_cost``
× the part of a typical deep core's capacity that is missing, weak or tired,
and taken over by the superficial muscles; Raabe & Chaudhari 2018) +
``passive.load_weight`` × passive tissue load. So weaker or more tired trunk
muscles raise it and stronger ones lower it. ``fatigue[g]``: fraction of
capacity lost (0..1). ``load_share``: shares of the total stance load.
``hip_back_ratio``: hip load over back load (1.86 for the reference runner).
``handover_min``: the running total, in minutes of the hips' work, of what trunk
lean has handed to the lower back (the integral of the fraction ``u`` of the hip
demand moved off the hips; the reference runner hands over about 9 % from the
first step). ``takeover_min``: first minute that total reaches
``output.takeover_handover`` (8 min; ``None`` if it never does in the run).

*Why a dose, not the ratio, defines the takeover.* A threshold crossing of any
quantity q that depends on hip strength s and hip fatigue f through the hip
capacity s(1 - f) moves by dt*/ds = -q_s/q_t = ((1 - f) - s f_s)/(s f_t) per
unit of strength, whatever the shape of q: late in a run, when f levels off
(f_t about 0.0004/min for the reference runner after 90 min, A2), that is
some 20 min per 0.01 of strength, so no threshold on the hip : back ratio
(fixed, or relative to the runner's start) can meet A7. A dose D(t) = ∫ u dt
keeps growing at D_t = u > 0 (u never vanishes, it only levels off), so
dt*/ds = -D_s/u(t*) ≈ t* · |∂ ln u/∂s|, bounded because u is a sigmoid of
the hip effort. ``beyond_capacity_min``: first minute a group's load exceeds its
remaining capacity (``None`` if never). Every number is in ``params.py``;
``simulate_run(..., params={...})`` runs an edited table.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .params import FREY_LAW_2012_ROWS, GROUPS, HIP_GROUPS, PARAMETERS, ranged_names, resolve, value

__all__ = [
    "GROUPS",
    "HIP_GROUPS",
    "SHARE_KEYS",
    "LIMITS",
    "Runner",
    "RunPlan",
    "RunResult",
    "CohortResult",
    "Band",
    "HoldResult",
    "simulate_run",
    "simulate_cohort",
    "sample_cohort",
    "sample_parameters",
    "uncertainty_band",
    "with_training",
    "pace_min_per_km",
    "endurance_time_closed_form",
    "endurance_hold",
    "fatigue_curve",
    "stride_setup",
    "gluteal_activation",
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
        "target_load": (0.01, 0.99, "fraction of maximal force"),
        "hold_duration_s": (1.0, 7200.0, "s"),
        "rate_per_s": (1e-6, 1.0, "1/s"),
        "duty": (0.01, 1.0, "fraction of the time"),
        "rest_multiplier": (1.0, 100.0, "×"),
        "step_s": (0.001, 60.0, "s"),
        "cohort_n": (1, 100_000, "runners"),
        "spread": (0.0, 0.5, "coefficient of variation"),
    }
)
_MAX_STEPS = 2_000_000  # no helper allocates more than this many time points


def _check(name: str, x, *, label: str | None = None) -> float:
    """Return ``x`` as a float if it is a real number within LIMITS[name], else ValueError."""
    lo, hi, unit = LIMITS[name]
    label = label or name
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"{label} must be a number between {lo:g} and {hi:g} {unit}, got {x!r:.40}")
    try:
        xf = float(x)
    except (OverflowError, ValueError):
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

    body_mass_kg: float = value("run.reference_mass")
    strength: Mapping[str, float] = field(default_factory=dict)
    training_weeks: float = value("run.reference_training_weeks")

    def __post_init__(self):
        mass = _check("body_mass_kg", self.body_mass_kg)
        weeks = _check("training_weeks", self.training_weeks)
        if not isinstance(self.strength, Mapping):
            raise ValueError(
                f"strength must be a mapping of muscle group to a number, got {type(self.strength).__name__}"
            )
        unknown = [k for k in self.strength if k not in GROUPS]
        if unknown:
            raise ValueError(
                f"strength: unknown muscle group {str(unknown[0])[:40]!r}; valid groups: {', '.join(GROUPS)}"
            )
        full = {g: _check("strength", self.strength.get(g, 1.0), label=f"strength[{g!r}]") for g in GROUPS}
        object.__setattr__(self, "body_mass_kg", mass)
        object.__setattr__(self, "training_weeks", weeks)
        object.__setattr__(self, "strength", MappingProxyType(full))

    def replace(self, **changes) -> Runner:
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
        Cadence [steps/min], 120-230; ``None`` = the default cadence for the
        speed (170 at 3 m/s plus 8 per m/s). A higher cadence than the default
        lowers the per-step demand (``run.cadence_exponent``).
    """

    duration_min: float = 60.0
    speed_m_s: float = value("run.reference_speed")
    cadence_spm: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "duration_min", _check("duration_min", self.duration_min))
        object.__setattr__(self, "speed_m_s", _check("speed_m_s", self.speed_m_s))
        if self.cadence_spm is not None:
            object.__setattr__(self, "cadence_spm", _check("cadence_spm", self.cadence_spm))

    @property
    def cadence(self) -> float:
        """Cadence actually used [steps/min]."""
        return self.cadence_spm if self.cadence_spm is not None else _default_cadence(self.speed_m_s, resolve())

    @property
    def pace_min_per_km(self) -> float:
        return pace_min_per_km(self.speed_m_s)


def pace_min_per_km(speed_m_s: float) -> float:
    """Pace [min/km] for a speed [m/s] (1.5-6 m/s)."""
    return 1000.0 / 60.0 / _check("speed_m_s", speed_m_s)


# --------------------------------------------------------------------------- set-up (array-friendly)


def _default_cadence(speed, P):
    return P["run.cadence_at_reference"] + P["run.cadence_slope"] * (
        np.asarray(speed, dtype=float) - P["run.reference_speed"]
    )


def _grf(speed, P):
    """Peak vertical ground reaction force [× BW]: walking, blended smoothly into Keller et al.'s running line."""
    v = np.asarray(speed, dtype=float)
    v0, v1 = P["run.grf_jog_speed"], P["run.grf_fast_speed"]
    g0, g1 = P["run.grf_jog"], P["run.grf_fast"]
    running = g0 + (g1 - g0) * (v - v0) / (v1 - v0)
    w = 1.0 / (1.0 + np.exp((P["run.walk_run_speed"] - v) / P["run.walk_run_width"]))
    return P["run.grf_slow"] + w * (running - P["run.grf_slow"])


def _gait_scale(speed, P):
    """Muscle demand scale [× the reference run]: peak force, with walking's lower muscle demand per unit force."""
    v = np.asarray(speed, dtype=float)
    w = 1.0 / (1.0 + np.exp((P["run.walk_run_speed"] - v) / P["run.walk_run_width"]))
    walking = P["run.walk_muscle_factor"] * P["run.grf_slow"]
    return (walking + w * (_grf(v, P) - walking)) / _grf(P["run.reference_speed"], P)


def _base_capacity(weeks, P):
    """Capacity factor from the training base (assumption, claim A04)."""
    u = P["training.untrained_capacity"]
    return 1.0 - (1.0 - u) * np.exp(-np.asarray(weeks, dtype=float) / P["training.base_time_constant"])


def _demands(speed, mass, cadence, P):
    """Task demands (x_HA, x_HE, x_L) in units of a fresh strength-1 group's maximal force."""
    G = _gait_scale(speed, P)
    scale = (np.asarray(mass, dtype=float) / P["run.reference_mass"]) ** P["run.mass_exponent"]
    cad = (np.asarray(cadence, dtype=float) / _default_cadence(speed, P)) ** (-P["run.cadence_exponent"])
    common = scale * cad
    return (
        P["hip_abductors.effort_ref"] * G ** P["hip_abductors.speed_exponent"] * common,
        P["hip_extensors.effort_ref"] * G ** P["hip_extensors.speed_exponent"] * common,
        P["lumbar.effort_ref"] * G ** P["lumbar.speed_exponent"] * common,
    )


def _anchor_loads(P, speed):
    """Hip groups' loads relative to fresh capacity for the reference runner at minute 0 (compensation included)."""
    cad = _default_cadence(speed, P)
    c = _consts_base(np.ones((1, 4)), P["run.reference_mass"], P["run.reference_training_weeks"], speed, cad, P)
    out = _loads(tuple(c[k] for k in _CONST_KEYS), 0.0, 0.0, 0.0, 0.0, np.exp)
    return out[7], out[8]


def _anchor_loss(r, R, loads, minutes, target, n, fm):
    """Mean hip loss of a constant-load run under df/dt = r e^n (1 - f/fm) - R f (closed form).

    The effort feedback e = a / (1 - f) is taken at the run's mean loss (three fixed-point rounds)."""
    T = minutes * 60.0
    total = 0.0
    for a in loads:
        mean = 0.5 * target
        for _ in range(3):  # effort feedback taken at the run's mean loss (fixed point)
            A = r * (a / (1.0 - mean)) ** n
            k = A / fm + R
            decay = np.exp(-k * T)
            mean = A / k * (1.0 - (1.0 - decay) / (k * T))
        total = total + A / k * (1.0 - decay)
    return total / len(loads)


_RATES_CACHE: dict = {}


def _dose_rates(P):
    """Dose coefficient r (hip, trunk) and recovery rate R [1/s], calibrated on two anchors.

    The hip groups' mean loss is fitted to Riazati et al. 2020 (``fatigue.calibration_*``: 29 min at
    3.45 m/s) and to Millet et al. 2003 (``fatigue.long_run_*``, at the reference speed), for the
    reference runner with the model's own compensation at minute 0 (nested bisection on the closed form
    of the constant-load equation; ``tests/unit/test_loadsim_model.py`` checks the full model hits both).
    """
    keys = [k for k in P if k.startswith(("run.", "hip_", "compensation.", "training.", "fatigue."))]
    scalar = not any(isinstance(P[k], np.ndarray) for k in keys)
    if scalar:
        key = tuple(float(P[k]) for k in sorted(keys))
        if key in _RATES_CACHE:
            return _RATES_CACHE[key]
    n, fm = P["fatigue.dose_exponent"], P["fatigue.max_loss"]
    l1, t1 = P["fatigue.calibration_loss"], P["fatigue.calibration_minutes"]
    l2, t2 = P["fatigue.long_run_loss"], P["fatigue.long_run_minutes"]
    a1 = _anchor_loads(P, P["fatigue.calibration_speed"])
    a2 = _anchor_loads(P, P["run.reference_speed"])
    shape = np.broadcast(*(np.asarray(x) for x in (n, fm, l1, t1, l2, t2, *a1, *a2))).shape

    def r_for(R):  # bisection in r (0 .. 1/s): the first anchor's loss rises with r
        lo, hi = np.zeros(shape), np.ones(shape)
        for _ in range(P["fatigue.solver_iterations"]):
            mid = 0.5 * (lo + hi)
            high = _anchor_loss(mid, R, a1, t1, l1, n, fm) > l1
            hi, lo = np.where(high, mid, hi), np.where(high, lo, mid)
        return 0.5 * (lo + hi)

    if scalar:
        # bisection in R (0 .. 1/60 s): with r refitted to the first anchor, the second anchor's loss falls with R
        lo, hi = np.zeros(shape), np.full(shape, 1.0 / 60.0)
        for _ in range(P["fatigue.solver_iterations"]):
            mid = 0.5 * (lo + hi)
            high = _anchor_loss(r_for(mid), mid, a2, t2, l2, n, fm) > l2
            lo, hi = np.where(high, mid, lo), np.where(high, hi, mid)
        R = 0.5 * (lo + hi)
        r_hip = r_for(R)
    else:
        # many tables at once (the band): Newton steps in (log r, log R) from the default table's solution
        r0, _, R0 = _dose_rates(resolve())
        x = np.stack(np.broadcast_arrays(np.log(r0), np.log(R0), np.zeros(shape))[:2])

        def resid(x):
            r, R = np.exp(x[0]), np.exp(x[1])
            return np.stack(
                [
                    _anchor_loss(r, R, a1, t1, l1, n, fm) / l1 - 1.0,
                    _anchor_loss(r, R, a2, t2, l2, n, fm) / l2 - 1.0,
                ]
            )

        h = P["fatigue.solver_log_step"]
        for _ in range(P["fatigue.newton_steps"]):
            g = resid(x)
            J0 = (resid(x + np.array([h, 0.0]).reshape(2, *([1] * len(shape)))) - g) / h
            J1 = (resid(x + np.array([0.0, h]).reshape(2, *([1] * len(shape)))) - g) / h
            det = J0[0] * J1[1] - J1[0] * J0[1]
            dx = np.stack([(J1[1] * g[0] - J1[0] * g[1]) / det, (J0[0] * g[1] - J0[1] * g[0]) / det])
            x = x - np.clip(np.nan_to_num(dx), -1.0, 1.0)  # damped: at most a factor e per step
            x[1] = np.clip(x[1], np.log(P["fatigue.solver_min_recovery"]), np.log(1.0 / 60.0))
        r_hip, R = np.exp(x[0]), np.exp(x[1])
        bad = np.flatnonzero(np.abs(resid(x)).max(axis=0).ravel() > P["fatigue.solver_tolerance"])
        for i in bad:  # the rare table Newton does not settle: the scalar bisection
            Pi = {k: (float(np.ravel(v)[i]) if isinstance(v, np.ndarray) and v.size > 1 else v) for k, v in P.items()}
            r_hip.ravel()[i], _, R.ravel()[i] = _dose_rates(Pi)
    r_hip = r_for(R)
    out = (r_hip, r_hip * P["fatigue.trunk_F"] / P["fatigue.hip_F"], R)
    if scalar:
        out = tuple(float(np.ravel(x)[0]) for x in out)
        _RATES_CACHE[key] = out
    return out


def stride_setup(speed_m_s: float, cadence_spm: float | None = None, params=None) -> dict:
    """Per-speed constants for the default runner (70 kg): cadence, ground reaction force and task demands.

    Returns a dict of floats: ``cadence`` [steps/min], ``grf_bw`` [× BW] and
    the demands ``hip_abductors``, ``hip_extensors``, ``lumbar`` (fraction of a
    fresh strength-1.0 group's maximal force).
    """
    v = _check("speed_m_s", speed_m_s)
    P = resolve(params)
    cad = _default_cadence(v, P) if cadence_spm is None else _check("cadence_spm", cadence_spm)
    xa, xe, xl = _demands(v, P["run.reference_mass"], cad, P)
    return {
        "cadence": float(cad),
        "grf_bw": float(_grf(v, P)),
        "hip_abductors": float(xa),
        "hip_extensors": float(xe),
        "lumbar": float(xl),
    }


def gluteal_activation(speed_m_s: float, params=None) -> dict:
    """Effort (fraction of maximal force) of a fresh, typical 70-kg runner's gluteals at a speed (claim check A9)."""
    s = stride_setup(speed_m_s, params=params)
    P = resolve(params)
    b = float(_base_capacity(P["run.reference_training_weeks"], P))
    return {"hip_abductors": s["hip_abductors"] / b, "hip_extensors": s["hip_extensors"] / b}


def _consts(S, mass, weeks, speed, cadence, P):
    """Everything a run needs, as arrays over runners (S: (N, 4) strengths), fatigue rates included."""
    c = _consts_base(S, mass, weeks, speed, cadence, P)
    r_hip, r_trunk, R = _dose_rates(P)
    n = c["xa"].shape[0]

    def col(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()

    c.update(
        n=col(P["fatigue.dose_exponent"]),
        rh=col(r_hip),
        rt=col(r_trunk),
        rd=col(r_trunk * P["deep_core.fatigue_ratio"]),
        rec=col(R),
        fmax=col(P["fatigue.max_loss"]),
    )
    return c


def _consts_base(S, mass, weeks, speed, cadence, P):
    """Loads' constants as arrays over runners (no fatigue rates)."""
    S = np.asarray(S, dtype=float)
    xa, xe, xl = _demands(speed, mass, cadence, P)
    b = _base_capacity(weeks, P)
    wd = P["deep_core.lumbar_weight"]
    n = max([S.shape[0]] + [np.size(v) for v in P.values() if isinstance(v, np.ndarray)])

    def col(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()

    return {
        "xa": col(xa),
        "xe": col(xe),
        "xl": col(xl),
        "ca": col(S[:, 0] * b),
        "ce": col(S[:, 1] * b),
        "cd": col(wd * S[:, 2] * b),
        "cl": col((1.0 - wd) * S[:, 3] * b),
        "cmax": col(P["compensation.max_fraction"]),
        "mid": col(P["compensation.effort_mid"]),
        "width": col(P["compensation.effort_width"]),
        "gain": col(P["compensation.transfer_gain"]),
        "pf": col(P["compensation.passive_fraction"]),
        "pmax": col(P["passive.max_fraction"]),
        "cdref": col(wd * b),
        "kt": col(P["lumbar.takeover_cost"]),
        "wp": col(P["passive.load_weight"]),
    }


_CONST_KEYS = (
    "xa",
    "xe",
    "xl",
    "ca",
    "ce",
    "cd",
    "cl",
    "cmax",
    "mid",
    "width",
    "gain",
    "pf",
    "pmax",
    "cdref",
    "kt",
    "wp",
)


def _loads(c, f0, f1, f2, f3, exp):
    """Loads for the current fatigue state (floats or arrays; ``exp`` is math.exp or np.exp).

    ``c`` holds the constants in ``_CONST_KEYS`` order. Returns (HA, HE, DC,
    LE, passive) delivered loads, the lumbar-side total (x_L + moved load),
    the back load (lumbar muscles with the take-over cost, plus weighted
    passive load), and the four groups' loads relative to their fresh capacity.
    """
    xa, xe, xl, ca0, ce0, cd0, cl0, cmax, mid, width, gain, pf, pmax, cdref, kt, wp = c
    ca, ce = ca0 * (1.0 - f0), ce0 * (1.0 - f1)
    ua = cmax / (1.0 + exp((mid - xa / ca) / width))
    ue = cmax / (1.0 + exp((mid - xe / ce) / width))
    ha, he = xa * (1.0 - ua), xe * (1.0 - ue)
    moved = gain * (ua * xa + ue * xe)
    lumbar = xl + moved * (1.0 - pf)
    cd, cl = cd0 * (1.0 - f2), cl0 * (1.0 - f3)
    cap = cd + cl
    p = pmax / (1.0 + exp((mid - lumbar / cap) / width))
    muscle = lumbar * (1.0 - p) / cap  # effort of the lumbar task (deep core and lumbar extensors alike)
    short = 1.0 - cd / cdref  # part of a typical deep core's capacity missing (weak or tired): taken over
    passive = moved * pf + lumbar * p
    back = lumbar * (1.0 - p) * (1.0 + kt * 0.5 * (short + abs(short))) + wp * passive
    return (
        ha,
        he,
        muscle * cd,
        muscle * cl,
        passive,
        xl + moved,
        back,
        ha / ca0,
        he / ce0,
        muscle * (1.0 - f2),
        muscle * (1.0 - f3),
    )


_DEFAULT_REFERENCE: list = []


def _reference_loads(P, default: bool = False):
    """Loads of the reference runner at minute 0 under table P (arrays of length 1 or N).

    ``default=True``: P is the unedited table, whose result is computed once and kept.
    """
    if default:
        if not _DEFAULT_REFERENCE:
            _DEFAULT_REFERENCE.append(_reference_loads(P))
        return _DEFAULT_REFERENCE[0]
    ref_speed = P["run.reference_speed"]
    c = _consts(
        np.ones((1, 4)),
        P["run.reference_mass"],
        P["run.reference_training_weeks"],
        ref_speed,
        _default_cadence(ref_speed, P),
        P,
    )
    ha, he, dc, le, passive, lumbar_total, back, *_ = _loads(
        tuple(c[k] for k in _CONST_KEYS), 0.0, 0.0, 0.0, 0.0, np.exp
    )
    return ha, he, back, lumbar_total


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RunResult:
    """Result of :func:`simulate_run`.

    Attributes
    ----------
    time_s : ndarray
        Time [s], from 0 to the run's duration.
    fatigue : mapping
        Group -> fraction of that group's capacity lost to fatigue [0..1].
    load_share : mapping
        Group (and ``"passive"``) -> fraction of the total stance load it
        carries; non-negative, summing to 1 at every time.
    lumbar_load_index : ndarray
        Back load (deep core + lumbar extensors with the take-over cost, plus weighted passive tissue) relative to the
        reference runner (70 kg, strength 1.0, 12 weeks, 3 m/s) at minute 0.
    hip_back_ratio : ndarray
        Load on both hip groups over load on the back (reference runner: 1.86).
    takeover_min : float or None
        First minute by which trunk lean has handed the lower back ``output.takeover_handover``
        (8) minutes of the hips' work in all (``handover_min`` reaches it); ``None`` if not in this run.
    effort : mapping
        Group -> load relative to the group's fresh capacity.
    lumbar_extensor_force : ndarray
        Superficial lumbar extensors' load relative to the reference back load.
    beyond_capacity_min : float or None
        First minute a group's load exceeds its remaining capacity (effort
        above 1: this runner could not hold the pace that long; the model's
        numbers after it are outside what it can describe); ``None`` if never.
    handover_min : ndarray
        Running total of the hips' work handed to the lower back by trunk lean [minutes of the hips'
        work]: the time integral of the fraction of the hip demand moved off the hips.
    """

    runner: Runner
    plan: RunPlan
    time_s: np.ndarray
    fatigue: Mapping[str, np.ndarray]
    load_share: Mapping[str, np.ndarray]
    lumbar_load_index: np.ndarray
    hip_back_ratio: np.ndarray
    takeover_min: float | None
    effort: Mapping[str, np.ndarray]
    lumbar_extensor_force: np.ndarray
    beyond_capacity_min: float | None = None
    handover_min: np.ndarray | None = None

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
        return self.load_share["deep_core"] + self.load_share["lumbar_extensors"] + self.load_share["passive"]


@dataclass(frozen=True)
class CohortResult:
    """Per-runner results of :func:`simulate_cohort` (arrays with N rows).

    ``takeover_min`` holds NaN for runners whose handover never reaches the
    threshold in this run; ``final_handover_min`` says how close they came.
    """

    plan: RunPlan
    strength: np.ndarray  # (N, 4), columns in GROUPS order
    body_mass_kg: np.ndarray
    training_weeks: np.ndarray
    time_s: np.ndarray
    takeover_min: np.ndarray
    peak_lumbar_load_index: np.ndarray
    lumbar_load_index: np.ndarray  # (N, T)
    min_hip_back_ratio: np.ndarray
    final_fatigue: np.ndarray  # (N, 4)
    final_share: np.ndarray  # (N, 5), columns in SHARE_KEYS order
    final_handover_min: np.ndarray | None = None  # handover at the end of the run [minutes of the hips' work]

    @property
    def n(self) -> int:
        return int(self.takeover_min.shape[0])

    @property
    def fraction_taken_over(self) -> float:
        return float(np.mean(np.isfinite(self.takeover_min))) if self.n else 0.0


# --------------------------------------------------------------------------- engines


def _n_steps(duration_s: float, P) -> int:
    return max(1, int(math.ceil(duration_s / P["output.step_s"] - 1e-9)))


def _crossing(t0: float, t1: float, r0, r1, thr):
    return t0 + (t1 - t0) * (r0 - thr) / (r0 - r1)


def simulate_run(runner: Runner, plan: RunPlan, params=None) -> RunResult:
    """Simulate one run: fatigue, load shares, lumbar load index, hip : back ratio, takeover minute.

    Parameters
    ----------
    runner : Runner
    plan : RunPlan
    params : mapping, optional
        Edited parameter values ``{name: number}`` (see ``params.PARAMETERS``;
        each must stay within its plausible range).

    Notes
    -----
    Scalar path (Python floats: a 60-min run is 180 steps; numpy's per-call
    overhead would dominate) of the same step function :func:`simulate_cohort`
    uses on arrays.
    """
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    if not isinstance(plan, RunPlan):
        raise ValueError(f"plan must be a RunPlan, got {type(plan).__name__}")
    P = resolve(params)
    S = np.array([[runner.strength[g] for g in GROUPS]])
    cad = plan.cadence_spm if plan.cadence_spm is not None else _default_cadence(plan.speed_m_s, P)
    c = {
        k: float(v[0])
        for k, v in _consts(S, runner.body_mass_kg, runner.training_weeks, plan.speed_m_s, cad, P).items()
    }
    consts = tuple(c[k] for k in _CONST_KEYS)
    duration_s = plan.duration_min * 60.0
    n = _n_steps(duration_s, P)
    dt = duration_s / n
    fm, ne, rec = c["fmax"], c["n"], c["rec"]
    rh, rd, rt = c["rh"], c["rd"], c["rt"]
    exp = math.exp
    f0 = f1 = f2 = f3 = 0.0
    rows = []
    hdt = 0.5 * dt
    for k in range(n + 1):
        row = _loads(consts, f0, f1, f2, f3, exp)
        rows.append((f0, f1, f2, f3) + row)
        if k == n:
            break
        # exact step of df/dt = A (1 - f/fm) - R f with the dose A = r e^n held; midpoint rule:
        # the effort at the half-step state sets the whole step's dose
        a0, a1, a2, a3 = row[7:]
        A0, A1 = rh * (a0 / (1.0 - f0)) ** ne, rh * (a1 / (1.0 - f1)) ** ne
        A2, A3 = rd * (a2 / (1.0 - f2)) ** ne, rt * (a3 / (1.0 - f3)) ** ne
        k0, k1, k2, k3 = A0 / fm + rec, A1 / fm + rec, A2 / fm + rec, A3 / fm + rec
        h0 = A0 / k0 - (A0 / k0 - f0) * exp(-k0 * hdt)
        h1 = A1 / k1 - (A1 / k1 - f1) * exp(-k1 * hdt)
        h2 = A2 / k2 - (A2 / k2 - f2) * exp(-k2 * hdt)
        h3 = A3 / k3 - (A3 / k3 - f3) * exp(-k3 * hdt)
        a0, a1, a2, a3 = _loads(consts, h0, h1, h2, h3, exp)[7:]
        A0, A1 = rh * (a0 / (1.0 - h0)) ** ne, rh * (a1 / (1.0 - h1)) ** ne
        A2, A3 = rd * (a2 / (1.0 - h2)) ** ne, rt * (a3 / (1.0 - h3)) ** ne
        k0, k1, k2, k3 = A0 / fm + rec, A1 / fm + rec, A2 / fm + rec, A3 / fm + rec
        f0 = A0 / k0 - (A0 / k0 - f0) * exp(-k0 * dt)
        f1 = A1 / k1 - (A1 / k1 - f1) * exp(-k1 * dt)
        f2 = A2 / k2 - (A2 / k2 - f2) * exp(-k2 * dt)
        f3 = A3 / k3 - (A3 / k3 - f3) * exp(-k3 * dt)
    out = np.array(rows)
    return _package(runner, plan, out, dt, P, params is None, c["xa"] + c["xe"])


def _shares(P):
    """The output shares (hip abductors, hip extensors, lumbar task), renormalised to sum to 1."""
    sa, se, sl = P["output.share_hip_abductors"], P["output.share_hip_extensors"], P["output.share_lumbar"]
    total = sa + se + sl
    return sa / total, se / total, sl / total


def _handover_crossing(t0_min, dt_min, d0, d1, thr):
    """Minute at which the handover dose passes ``thr`` within a step (linear in the step)."""
    return t0_min + dt_min * (thr - d0) / (d1 - d0)


def _package(runner, plan, out, dt, P, default, hip_demand) -> RunResult:
    n = out.shape[0] - 1
    time_s = np.arange(n + 1) * dt
    ref_ha, ref_he, ref_back, ref_lumbar = (float(np.asarray(x).ravel()[0]) for x in _reference_loads(P, default))
    sa, se, sl = _shares(P)
    units = np.array([sa / ref_ha, se / ref_he] + [sl / ref_lumbar] * 3)
    u_back = sl / ref_back
    common = out[:, 4:9] * units
    shares = common / common.sum(axis=1, keepdims=True)
    back = out[:, 10]
    index = back / ref_back
    ratio = (common[:, 0] + common[:, 1]) / (back * u_back)
    le_force = out[:, 7] / ref_back
    fatigue = {g: out[:, i].copy() for i, g in enumerate(GROUPS)}
    effort = {g: out[:, 11 + i].copy() for i, g in enumerate(GROUPS)}
    over = np.flatnonzero((out[:, 11:15] / (1.0 - out[:, 0:4])).max(axis=1) > 1.0)
    beyond = float(time_s[over[0]] / 60.0) if over.size else None
    load_share = {key: shares[:, i].copy() for i, key in enumerate(SHARE_KEYS)}
    for arr in (*fatigue.values(), *effort.values(), *load_share.values(), index, ratio, le_force):
        arr.setflags(write=False)
    # handover: running total (trapezoid rule) of the fraction of the hip demand moved off the hips
    moved = 1.0 - (out[:, 4] + out[:, 5]) / hip_demand
    dt_min = dt / 60.0
    handover = np.empty(n + 1)
    handover[0] = 0.0
    np.cumsum(0.5 * dt_min * (moved[1:] + moved[:-1]), out=handover[1:])
    handover.setflags(write=False)
    thr = P["output.takeover_handover"]
    idx = np.flatnonzero(handover >= thr)
    takeover = None
    if idx.size:
        i = int(idx[0])
        takeover = float(_handover_crossing((i - 1) * dt_min, dt_min, handover[i - 1], handover[i], thr))
    return RunResult(
        runner=runner,
        plan=plan,
        time_s=time_s,
        fatigue=MappingProxyType(fatigue),
        load_share=MappingProxyType(load_share),
        lumbar_load_index=index,
        hip_back_ratio=ratio,
        takeover_min=takeover,
        effort=MappingProxyType(effort),
        lumbar_extensor_force=le_force,
        beyond_capacity_min=beyond,
        handover_min=handover,
    )


def _cohort_arrays(strength, body_mass_kg, training_weeks):
    """Validate cohort inputs; return (N, 4) strength, (N,) mass, (N,) weeks."""
    if isinstance(strength, Mapping):
        unknown = [k for k in strength if k not in GROUPS]
        if unknown:
            raise ValueError(
                f"strength: unknown muscle group {str(unknown[0])[:40]!r}; valid groups: {', '.join(GROUPS)}"
            )
        try:
            cols = [np.atleast_1d(np.asarray(strength.get(g, 1.0), dtype=float)) for g in GROUPS]
        except (TypeError, ValueError, OverflowError):
            raise ValueError("strength values must be numbers between 0.3 and 1.5") from None
        if any(c.ndim != 1 for c in cols):
            raise ValueError("strength: each group needs a number or a 1-D list of numbers")
        n = max(c.shape[0] for c in cols)
        try:
            S = np.stack([np.broadcast_to(c, (n,)) for c in cols], axis=1)
        except ValueError:
            raise ValueError("strength: every group needs the same number of runners") from None
    else:
        try:
            S = np.asarray(strength, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"strength must be a mapping or an (N, {len(GROUPS)}) array of numbers") from None
        if S.ndim != 2 or S.shape[1] != len(GROUPS):
            raise ValueError(
                f"strength must be a mapping or an (N, {len(GROUPS)}) array in the order {', '.join(GROUPS)}"
            )
    n = S.shape[0]
    if n < 1 or n > 100_000:
        raise ValueError(f"a cohort needs between 1 and 100000 runners, got {n}")
    try:
        mass = np.broadcast_to(np.asarray(body_mass_kg, dtype=float), (n,)).copy()
        weeks = np.broadcast_to(np.asarray(training_weeks, dtype=float), (n,)).copy()
    except (TypeError, ValueError, OverflowError):
        raise ValueError("body_mass_kg and training_weeks must be numbers (or one per runner)") from None
    for name, arr in (("strength", S), ("body_mass_kg", mass), ("training_weeks", weeks)):
        lo, hi, unit = LIMITS[name]
        bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
        if bad.any():
            raise ValueError(
                f"{name} must be between {lo:g} and {hi:g} {unit} for every runner; {int(bad.sum())} value(s) are not"
            )
    return S, mass, weeks


def simulate_cohort(
    strength,
    plan: RunPlan,
    body_mass_kg=value("run.reference_mass"),
    training_weeks=value("run.reference_training_weeks"),
    params=None,
) -> CohortResult:
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
    params : mapping, optional
        Edited parameters; a value may be an array of N (one per runner),
        which is how :func:`uncertainty_band` draws the parameter ranges.

    Returns
    -------
    CohortResult
        Per-runner takeover minute (NaN if never), index over time, peak
        index, smallest hip : back ratio, final fatigue and final load shares.
    """
    if not isinstance(plan, RunPlan):
        raise ValueError(f"plan must be a RunPlan, got {type(plan).__name__}")
    S, mass, weeks = _cohort_arrays(strength, body_mass_kg, training_weeks)
    return _simulate_cohort(S, mass, weeks, plan, resolve(params), params is None)


def _simulate_cohort(S, mass, weeks, plan, P, default) -> CohortResult:
    """:func:`simulate_cohort` on validated arrays and a resolved table ``P``."""
    for k, v in P.items():
        if isinstance(v, np.ndarray) and v.shape not in ((S.shape[0],), ()):
            raise ValueError(f"params: {k} must be one number or one per runner ({S.shape[0]})")
    cad = plan.cadence_spm if plan.cadence_spm is not None else _default_cadence(plan.speed_m_s, P)
    c = _consts(S, mass, weeks, plan.speed_m_s, cad, P)
    consts = tuple(c[k] for k in _CONST_KEYS)
    n_r = S.shape[0]
    duration_s = plan.duration_min * 60.0
    n = _n_steps(duration_s, P)
    dt = duration_s / n
    ref_ha, ref_he, ref_back, ref_lumbar = _reference_loads(P, default)
    sa, se, sl = _shares(P)
    u_ha, u_he, u_l, u_b = sa / ref_ha, se / ref_he, sl / ref_lumbar, sl / ref_back
    thr = P["output.takeover_handover"]
    hip_demand = c["xa"] + c["xe"]
    dt_min = dt / 60.0
    # fatigue state as rows (group, runner): contiguous rows, no stacking per step
    fm, rec = c["fmax"], c["rec"]
    rates = np.stack([c["rh"], c["rh"], c["rd"], c["rt"]])
    ne = c["n"]
    ne = float(ne[0]) if np.all(ne == ne[0]) else ne

    def step(F, A, FF, h):
        """Exact step of df/dt = r e^n (1 - f/fm) - R f with the effort e = A / (1 - FF) held."""
        e = A / (1.0 - FF)
        D = rates * (e * e if isinstance(ne, float) and ne == 2 else e**ne)  # squaring is faster than a power
        k = D / fm + rec
        ss = D / k
        return ss - (ss - F) * np.exp(-k * h)

    F = np.zeros((4, n_r))
    index = np.empty((n_r, n + 1))
    takeover = np.full(n_r, np.nan)
    min_ratio = np.full(n_r, np.inf)
    dose = np.zeros(n_r)
    prev = None
    for k in range(n + 1):
        ha, he, dc, le, pas, _, back, a0, a1, a2, a3 = _loads(consts, F[0], F[1], F[2], F[3], np.exp)
        index[:, k] = back / ref_back
        ratio = (ha * u_ha + he * u_he) / (back * u_b)
        np.minimum(min_ratio, ratio, out=min_ratio)
        moved = 1.0 - (ha + he) / hip_demand
        if prev is not None:  # the handover dose, as in _package (trapezoid rule, same order of sums)
            new_dose = dose + 0.5 * dt_min * (moved + prev)
            new = np.isnan(takeover) & (new_dose >= thr)
            if new.any():
                takeover[new] = _handover_crossing((k - 1) * dt_min, dt_min, dose[new], new_dose[new], thr)
            dose = new_dose
        prev = moved
        if k == n:
            break
        A = np.array((a0, a1, a2, a3))
        H = step(F, A, F, 0.5 * dt)  # midpoint rule
        F = step(F, np.array(_loads(consts, H[0], H[1], H[2], H[3], np.exp)[7:]), H, dt)
    F = F.T
    common = np.stack([ha * u_ha, he * u_he, dc * u_l, le * u_l, pas * u_l], axis=1)
    final_share = common / common.sum(axis=1, keepdims=True)
    return CohortResult(
        plan=plan,
        strength=S,
        body_mass_kg=mass,
        training_weeks=weeks,
        time_s=np.arange(n + 1) * dt,
        takeover_min=takeover,
        peak_lumbar_load_index=index.max(axis=1),
        lumbar_load_index=index,
        min_hip_back_ratio=min_ratio,
        final_fatigue=F,
        final_share=final_share,
        final_handover_min=dose,
    )


def _check_count(n, name="n") -> int:
    lo, hi, unit = LIMITS["cohort_n"]
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not lo <= n <= hi:
        raise ValueError(f"{name} must be an integer between {lo} and {hi} ({unit}), got {n!r:.40}")
    return int(n)


def _check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r:.40}")
    return seed


def sample_cohort(
    runner: Runner, n: int = 500, spread: float = value("cohort.default_spread"), seed: int | None = 0
) -> dict:
    """Draw ``n`` runners around a profile (instructor cohort view).

    Strengths are log-normal around the runner's (coefficient of variation
    ``spread``), clipped to the valid range; body mass normal (CV
    ``cohort.mass_cv``); training weeks vary uniformly by ±``cohort.weeks_spread``.
    Returns keyword arguments for :func:`simulate_cohort` (without ``plan``).
    """
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    n = _check_count(n)
    spread = _check("spread", spread)
    rng = np.random.default_rng(_check_seed(seed))
    base = np.array([runner.strength[g] for g in GROUPS])
    lo, hi, _ = LIMITS["strength"]
    S = np.clip(base * rng.lognormal(0.0, spread, size=(n, 4)), lo, hi)
    mlo, mhi, _ = LIMITS["body_mass_kg"]
    mass = np.clip(rng.normal(runner.body_mass_kg, value("cohort.mass_cv") * runner.body_mass_kg, size=n), mlo, mhi)
    wlo, whi, _ = LIMITS["training_weeks"]
    w = value("cohort.weeks_spread")
    weeks = np.clip(runner.training_weeks * rng.uniform(1.0 - w, 1.0 + w, size=n), wlo, whi)
    return {"strength": S, "body_mass_kg": mass, "training_weeks": weeks}


def sample_parameters(n: int | None = None, seed: int | None = 0) -> dict:
    """Draw every ranged parameter uniformly from its plausible range: ``{name: array of n}``."""
    n = int(value("band.draws")) if n is None else _check_count(n)
    rng = np.random.default_rng(_check_seed(seed))
    return {k: rng.uniform(*PARAMETERS[k]["range"], size=n) for k in ranged_names()}


@dataclass(frozen=True)
class Band:
    """The lumbar load index under parameter uncertainty: percentiles over draws, per time."""

    time_s: np.ndarray
    low: np.ndarray
    median: np.ndarray
    high: np.ndarray
    takeover_fraction: float  # fraction of draws in which the back takes over

    @property
    def time_min(self) -> np.ndarray:
        return self.time_s / 60.0


def uncertainty_band(runner: Runner, plan: RunPlan, n: int | None = None, seed: int | None = 0) -> Band:
    """The index band from the parameter ranges: ``n`` (default 200) draws of every ranged parameter,
    on ``band.step_s`` steps (its own time grid: ``Band.time_s``)."""
    if not isinstance(runner, Runner):
        raise ValueError(f"runner must be a Runner, got {type(runner).__name__}")
    if not isinstance(plan, RunPlan):
        raise ValueError(f"plan must be a RunPlan, got {type(plan).__name__}")
    draws = sample_parameters(n, seed)
    m = next(iter(draws.values())).shape[0]
    S = np.tile([runner.strength[g] for g in GROUPS], (m, 1))
    P = resolve(draws)
    P["output.step_s"] = value("band.step_s")  # the midpoint rule keeps 60-s steps within 0.002 of 20-s steps
    res = _simulate_cohort(S, np.full(m, runner.body_mass_kg), np.full(m, runner.training_weeks), plan, P, False)
    lo, hi = value("band.low_percentile"), value("band.high_percentile")
    low, med, high = np.percentile(res.lumbar_load_index, [lo, 50.0, hi], axis=0)
    return Band(time_s=res.time_s, low=low, median=med, high=high, takeover_fraction=res.fraction_taken_over)


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


# --------------------------------------------------------------------------- sustained holds (three-compartment model)


def endurance_time_closed_form(target_load: float, F: float, R: float) -> float:
    """Endurance time [s] of a sustained load in the three-compartment model.

    With MA held at TL, ``MF(t) = (F·TL/R)(1 - exp(-R t))``; the task fails
    when the residual capacity ``1 - MF`` falls to TL:
    ``ET = -ln(1 - R(1 - TL)/(F·TL)) / R``; ``inf`` if ``F·TL/R <= 1 - TL``
    (Frey-Law et al. 2012).
    """
    tl = _check("target_load", target_load)
    F = _check("rate_per_s", F, label="F")
    R = _check("rate_per_s", R, label="R")
    x = R * (1.0 - tl) / (F * tl)
    if x >= 1.0:
        return math.inf
    return -math.log1p(-x) / R


def fatigue_curve(
    target_load: float,
    duration_s: float,
    F: float,
    R: float,
    duty: float = 1.0,
    rest_multiplier: float = 1.0,
    step_s: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stride-averaged three-compartment fatigue MF under a constant (rectangular) target load.

    ``duty = 1`` is a sustained contraction; with ``duty < 1`` the group rests
    in between, recovering ``rest_multiplier`` times faster (Looft et al.
    2018). Returns ``(time_s, MF)``; the endurance time of a sustained hold is
    the first time ``1 - MF`` falls below the target load.
    """
    tl = _check("target_load", target_load)
    dur = _check("hold_duration_s", duration_s, label="duration_s")
    F = _check("rate_per_s", F, label="F")
    R = _check("rate_per_s", R, label="R")
    duty = _check("duty", duty)
    r = _check("rest_multiplier", rest_multiplier)
    step = value("hold.step_s") if step_s is None else _check("step_s", step_s)
    n = max(1, int(math.ceil(dur / step)))
    if n > _MAX_STEPS:
        raise ValueError(f"step_s is too small for duration_s: {n} steps (at most {_MAX_STEPS}); use a larger step_s")
    dt = dur / n
    R_eff = R * (duty + r * (1.0 - duty))
    decay = math.exp(-R_eff * dt)
    gain = F * duty / R_eff * (1.0 - decay)
    mf = np.empty(n + 1)
    m = 0.0
    for k in range(n + 1):
        mf[k] = m
        m = m * decay + gain * min(tl, 1.0 - m)
    return np.arange(n + 1) * dt, mf


@dataclass(frozen=True)
class HoldResult:
    """A sustained hold to exhaustion (three-compartment model)."""

    target_load: float
    row: str
    time_s: np.ndarray
    active: np.ndarray  # MA
    fatigued: np.ndarray  # MF
    endurance_s: float  # first time 1 - MF <= target load (inf if never within the duration)


def endurance_hold(target_load: float, row: str = "trunk", duration_s: float | None = None) -> HoldResult:
    """Hold ``target_load`` (fraction of maximal force) until exhaustion: full three-compartment equations.

    ``dMA/dt = C - F·MA``, ``dMF/dt = F·MA - R·MF``, ``MR = 1 - MA - MF``,
    controller C with gains LD, LR (Xia & Frey-Law 2008); F and R of the
    Frey-Law et al. (2012) ``row`` ("trunk" for a plank or side plank).
    Integrated with an exponential step per regime of the controller (``hold.step_s``) up
    to ``duration_s`` (default 1.5 × the closed-form endurance time, at most 2 h).
    """
    tl = _check("target_load", target_load)
    if row not in FREY_LAW_2012_ROWS:
        raise ValueError(f"row must be one of {', '.join(FREY_LAW_2012_ROWS)}, got {str(row)[:40]!r}")
    F, R = FREY_LAW_2012_ROWS[row]
    et = endurance_time_closed_form(tl, F, R)
    hi = LIMITS["hold_duration_s"][1]
    dur = (
        min(hi, value("hold.display_factor") * et)
        if duration_s is None
        else _check("hold_duration_s", duration_s, label="duration_s")
    )
    LD, LR, step = value("hold.LD"), value("hold.LR"), value("hold.step_s")
    n = max(1, int(math.ceil(dur / step)))
    dt = dur / n
    ma = np.empty(n + 1)
    mf = np.empty(n + 1)
    a = m = 0.0

    k_on, k_off = LD + F, LR + F
    e_on, e_off, e_rec = math.exp(-k_on * dt), math.exp(-k_off * dt), math.exp(-R * dt)
    for k in range(n + 1):
        ma[k], mf[k] = a, m
        if k == n:
            break
        # The controller is linear in MA within each regime: step MA exactly (stable for any step),
        # then MF exactly for the step's mean MA.
        gap, rest = tl - a, 1.0 - a - m
        if gap > 0.0 and rest > gap:  # recruiting towards the target
            target, decay = LD * tl / k_on, e_on
        elif gap > 0.0:  # recruitment limited by the resting pool MR
            target, decay = LD * (1.0 - m) / k_on, e_on
        else:  # relaxing towards the target
            target, decay = LR * tl / k_off, e_off
        a_new = target + (a - target) * decay
        m = m * e_rec + F * 0.5 * (a + a_new) / R * (1.0 - e_rec)
        a = a_new
    t = np.arange(n + 1) * dt
    failed = np.flatnonzero(1.0 - mf <= tl)
    if failed.size:
        i = int(failed[0])
        e = t[i] if i == 0 else _crossing(t[i - 1], t[i], 1.0 - mf[i - 1], 1.0 - mf[i], tl)
    else:
        e = math.inf
    for arr in (t, ma, mf):
        arr.setflags(write=False)
    return HoldResult(target_load=tl, row=row, time_s=t, active=ma, fatigued=mf, endurance_s=float(e))

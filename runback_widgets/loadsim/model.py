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

with G(v) the peak vertical ground reaction force relative to 3 m/s, linear
from 1.2 BW at 1.5 m/s to 2.5 BW at 6 m/s (Keller et al. 1996).

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

*Fatigue while running is an effort dose.* The fraction of capacity lost grows as
``df/dt = r · e^n · (1 - f / f_max)`` with ``e = a / (1 - f)`` the group's
effort (``a``: its load relative to its fresh capacity), ``n = 2`` (a
power-law endurance curve, the form of Frey-Law & Avin 2010) and
``f_max = 0.9`` (the dose slows as capacity runs out). ``r`` is calibrated so that the hip abductors of the
reference runner lose 10.6 % after 29 min at 3.45 m/s (Riazati et al. 2020);
trunk groups use ``r`` scaled by the trunk : general F ratio of Frey-Law et
al. (2012). Integrated with exponential steps whose dose is taken at the
step's midpoint (20-s steps; ``tests/unit/loadsim_reference.py`` solves the
same equations with an adaptive ODE solver: max difference 0.0002).

*Endurance hold.* A sustained hold (plank, side plank) uses the
three-compartment model (Xia & Frey-Law 2008; F, R of Frey-Law et al. 2012):
:func:`endurance_hold`.

*Outputs.* ``lumbar_load_index``: back load (lumbar extensors + passive
tissue) relative to the reference runner (70 kg, strength 1.0, 12 weeks'
base, 3 m/s) at minute 0. ``fatigue[g]``: fraction of capacity lost (0..1).
``load_share``: shares of the total stance load. ``hip_back_ratio``: hip load
over back load (1.81 for the reference runner). ``takeover_min``: first
minute that ratio falls to 1.0 (``None`` if it never does). Every number is in
``params.py``; ``simulate_run(..., params={...})`` runs an edited table.
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
    """Peak vertical ground reaction force [× BW], Keller et al.'s straight line."""
    v0, v1 = P["run.grf_slow_speed"], P["run.grf_fast_speed"]
    g0, g1 = P["run.grf_slow"], P["run.grf_fast"]
    return g0 + (g1 - g0) * (np.asarray(speed, dtype=float) - v0) / (v1 - v0)


def _base_capacity(weeks, P):
    """Capacity factor from the training base (assumption, claim A04)."""
    u = P["training.untrained_capacity"]
    return 1.0 - (1.0 - u) * np.exp(-np.asarray(weeks, dtype=float) / P["training.base_time_constant"])


def _demands(speed, mass, cadence, P):
    """Task demands (x_HA, x_HE, x_L) in units of a fresh strength-1 group's maximal force."""
    G = _grf(speed, P) / _grf(P["run.reference_speed"], P)
    scale = (np.asarray(mass, dtype=float) / P["run.reference_mass"]) ** P["run.mass_exponent"]
    cad = (np.asarray(cadence, dtype=float) / _default_cadence(speed, P)) ** (-P["run.cadence_exponent"])
    common = scale * cad
    return (
        P["hip_abductors.effort_ref"] * G ** P["hip_abductors.speed_exponent"] * common,
        P["hip_extensors.effort_ref"] * G ** P["hip_extensors.speed_exponent"] * common,
        P["lumbar.effort_ref"] * G ** P["lumbar.speed_exponent"] * common,
    )


def _dose_rates(P):
    """Dose coefficients r (hip, trunk) [1/s], calibrated to Riazati et al. 2020 (constant-load approximation)."""
    n = P["fatigue.dose_exponent"]
    x_cal, _, _ = _demands(
        P["fatigue.calibration_speed"], P["run.reference_mass"], _default_cadence(P["fatigue.calibration_speed"], P), P
    )
    a_cal = x_cal / _base_capacity(P["run.reference_training_weeks"], P)
    loss, fmax = P["fatigue.calibration_loss"], P["fatigue.max_loss"]
    # df/dt = r (a / (1 - f))^n (1 - f / fmax) for a constant load a: exact without the effort feedback,
    # whose mean over the run is (1 - loss / 2)^-n (midpoint approximation, error < 1 % of the loss)
    r_hip = (
        -fmax * np.log1p(-loss / fmax) * (1.0 - 0.5 * loss) ** n / (a_cal**n * P["fatigue.calibration_minutes"] * 60.0)
    )
    return r_hip, r_hip * P["fatigue.trunk_F"] / P["fatigue.hip_F"]


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
    """Everything a run needs, as arrays over runners (S: (N, 4) strengths)."""
    S = np.asarray(S, dtype=float)
    xa, xe, xl = _demands(speed, mass, cadence, P)
    b = _base_capacity(weeks, P)
    r_hip, r_trunk = _dose_rates(P)
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
        "n": col(P["fatigue.dose_exponent"]),
        "rh": col(r_hip),
        "rt": col(r_trunk),
        "fmax": col(P["fatigue.max_loss"]),
    }


_CONST_KEYS = ("xa", "xe", "xl", "ca", "ce", "cd", "cl", "cmax", "mid", "width", "gain", "pf", "pmax")


def _loads(c, f0, f1, f2, f3, exp):
    """Loads for the current fatigue state (floats or arrays; ``exp`` is math.exp or np.exp).

    ``c`` holds the constants in ``_CONST_KEYS`` order. Returns (HA, HE, DC,
    LE, passive) delivered loads, the lumbar-side total (x_L + moved load),
    and the four groups' loads relative to their fresh capacity.
    """
    xa, xe, xl, ca0, ce0, cd0, cl0, cmax, mid, width, gain, pf, pmax = c
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
    return (
        ha,
        he,
        muscle * cd,
        muscle * cl,
        moved * pf + lumbar * p,
        xl + moved,
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
    ha, he, dc, le, passive, lumbar_total, *_ = _loads(tuple(c[k] for k in _CONST_KEYS), 0.0, 0.0, 0.0, 0.0, np.exp)
    return ha, he, le + passive, lumbar_total


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
        Back load (lumbar extensors + passive tissue) relative to the
        reference runner (70 kg, strength 1.0, 12 weeks, 3 m/s) at minute 0.
    hip_back_ratio : ndarray
        Load on both hip groups over load on the back (reference runner: 1.81).
    takeover_min : float or None
        First minute the hip : back ratio falls to ``output.takeover_ratio`` (1.0).
    effort : mapping
        Group -> load relative to the group's fresh capacity.
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
    """Per-runner results of :func:`simulate_cohort` (arrays with N rows).

    ``takeover_min`` holds NaN for runners whose hip : back ratio never falls
    to the threshold; ``min_hip_back_ratio`` says how close they came.
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
    fm, ne = c["fmax"], c["n"]
    rh, rt = c["rh"] * dt / fm, c["rt"] * dt / fm
    hh, ht = 0.5 * rh, 0.5 * rt
    exp = math.exp
    f0 = f1 = f2 = f3 = 0.0
    rows = []
    for k in range(n + 1):
        row = _loads(consts, f0, f1, f2, f3, exp)
        rows.append((f0, f1, f2, f3) + row)
        if k == n:
            break
        # midpoint rule: loads at the half-step state set the whole step's dose
        a0, a1, a2, a3 = row[6:]
        h0 = fm - (fm - f0) * exp(-hh * (a0 / (1.0 - f0)) ** ne)
        h1 = fm - (fm - f1) * exp(-hh * (a1 / (1.0 - f1)) ** ne)
        h2 = fm - (fm - f2) * exp(-ht * (a2 / (1.0 - f2)) ** ne)
        h3 = fm - (fm - f3) * exp(-ht * (a3 / (1.0 - f3)) ** ne)
        a0, a1, a2, a3 = _loads(consts, h0, h1, h2, h3, exp)[6:]
        f0 = fm - (fm - f0) * exp(-rh * (a0 / (1.0 - h0)) ** ne)
        f1 = fm - (fm - f1) * exp(-rh * (a1 / (1.0 - h1)) ** ne)
        f2 = fm - (fm - f2) * exp(-rt * (a2 / (1.0 - h2)) ** ne)
        f3 = fm - (fm - f3) * exp(-rt * (a3 / (1.0 - h3)) ** ne)
    out = np.array(rows)
    return _package(runner, plan, out, dt, P, params is None)


def _package(runner, plan, out, dt, P, default) -> RunResult:
    n = out.shape[0] - 1
    time_s = np.arange(n + 1) * dt
    ref_ha, ref_he, ref_back, ref_lumbar = (float(np.asarray(x).ravel()[0]) for x in _reference_loads(P, default))
    units = np.array(
        [P["output.share_hip_abductors"] / ref_ha, P["output.share_hip_extensors"] / ref_he]
        + [P["output.share_lumbar"] / ref_lumbar] * 3
    )
    common = out[:, 4:9] * units
    shares = common / common.sum(axis=1, keepdims=True)
    back = out[:, 7] + out[:, 8]
    index = back / ref_back
    ratio = (common[:, 0] + common[:, 1]) / (common[:, 3] + common[:, 4])
    le_force = out[:, 7] / ref_back
    fatigue = {g: out[:, i].copy() for i, g in enumerate(GROUPS)}
    effort = {g: out[:, 10 + i].copy() for i, g in enumerate(GROUPS)}
    load_share = {key: shares[:, i].copy() for i, key in enumerate(SHARE_KEYS)}
    for arr in (*fatigue.values(), *effort.values(), *load_share.values(), index, ratio, le_force):
        arr.setflags(write=False)
    thr = P["output.takeover_ratio"]
    idx = np.flatnonzero(ratio <= thr)
    takeover = None
    if idx.size:
        i = int(idx[0])
        takeover = 0.0 if i == 0 else float(_crossing(time_s[i - 1], time_s[i], ratio[i - 1], ratio[i], thr) / 60.0)
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
    u_ha, u_he = P["output.share_hip_abductors"] / ref_ha, P["output.share_hip_extensors"] / ref_he
    u_l = P["output.share_lumbar"] / ref_lumbar
    thr = P["output.takeover_ratio"]
    # fatigue state as rows (group, runner): contiguous rows, no stacking per step
    fm = c["fmax"]
    rates = np.stack([c["rh"], c["rh"], c["rt"], c["rt"]]) / fm
    half, full = rates * (0.5 * dt), rates * dt
    ne = c["n"]
    ne = float(ne[0]) if np.all(ne == ne[0]) else ne

    def dose(A, F):
        e = A / (1.0 - F)
        return e * e if isinstance(ne, float) and ne == 2 else e**ne  # squaring is faster than a power

    F = np.zeros((4, n_r))
    index = np.empty((n_r, n + 1))
    takeover = np.full(n_r, np.nan)
    min_ratio = np.full(n_r, np.inf)
    prev = None
    for k in range(n + 1):
        ha, he, dc, le, pas, _, a0, a1, a2, a3 = _loads(consts, F[0], F[1], F[2], F[3], np.exp)
        back = le + pas
        index[:, k] = back / ref_back
        ratio = (ha * u_ha + he * u_he) / (back * u_l)
        np.minimum(min_ratio, ratio, out=min_ratio)
        new = np.isnan(takeover) & (ratio <= thr)
        if new.any():
            if prev is None:
                takeover[new] = 0.0
            else:
                takeover[new] = _crossing((k - 1) * dt, k * dt, prev[new], ratio[new], thr) / 60.0
        prev = ratio
        if k == n:
            break
        H = fm - (fm - F) * np.exp(-half * dose(np.array((a0, a1, a2, a3)), F))  # midpoint rule
        F = fm - (fm - F) * np.exp(-full * dose(np.array(_loads(consts, H[0], H[1], H[2], H[3], np.exp)[6:]), H))
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

"""Every number the run load simulator uses, in ONE documented table.

``PARAMETERS`` maps a dotted name to a record with

* ``value``  the number used by :mod:`runback_widgets.loadsim.model`;
* ``unit``   its unit (``"1"`` for dimensionless);
* ``source`` a reference id from ``content/references.toml``, or
  ``"assumption"`` where no paper gives the number (then ``note`` says why
  this value; the notebook labels it an assumption);
* ``range``  ``(low, high)``: the values we consider plausible. The
  uncertainty band draws every ranged parameter from its range, and an edited
  table (``simulate_run(..., params={...})``) must stay inside it;
  ``None`` for definitions (e.g. who the reference runner is);
* ``note``   one sentence: what the number is and why this value.

Nothing here imports plotly or ipywidgets. The notebook renders this table
from the data (``parameter_rows()``), so text and code cannot drift apart.

Which Frey-Law et al. (2012) rows
---------------------------------
The paper fits the three-compartment parameters F and R per joint region and
a ``general`` row across all of them; there is **no hip row**. The hip groups
use the ``general`` row, the deep core and lumbar extensors the ``trunk``
row (fitted to sustained trunk-extension endurance data). In the running
model only the *ratio* of the F values is used (how much faster one group
tires than another under the same relative load); the endurance-hold panel
uses F and R directly.
"""

from __future__ import annotations

import numbers
from types import MappingProxyType

import numpy as np

__all__ = [
    "GROUPS",
    "HIP_GROUPS",
    "FREY_LAW_2012_ROWS",
    "FREY_LAW_2012_RMS_S",
    "PARAMETERS",
    "value",
    "parameter_rows",
    "resolve",
    "ranged_names",
]

#: Muscle groups, in the order used by every array in the model.
GROUPS = ("hip_abductors", "hip_extensors", "deep_core", "lumbar_extensors")
#: The two hip groups (their sum is compared with the lower back in the hip : back ratio; the takeover
#: counts the part of their demand trunk lean hands to the back).
HIP_GROUPS = ("hip_abductors", "hip_extensors")

#: Frey-Law, Looft & Heitsman 2012, Table 2: fatigue F and recovery R [1/s]
#: (abstract: F from 0.00589 (ankle) to 0.0182 (shoulder), R from 0.00058 to 0.00168).
FREY_LAW_2012_ROWS = MappingProxyType(
    {
        "trunk": (0.00755, 0.00075),
        "knee": (0.01500, 0.00149),
        "ankle": (0.00589, 0.00058),
        "general": (0.00970, 0.00091),
    }
)
#: Mean RMS error [s] of the fitted endurance-time curves, Frey-Law et al. 2012 abstract
#: (trunk 9.3 s, knee 6.7 s, ankle 11.2 s).
FREY_LAW_2012_RMS_S = MappingProxyType({"trunk": 9.3, "knee": 6.7, "ankle": 11.2})


def _p(value, unit, source, note, rng=None):
    return MappingProxyType({"value": value, "unit": unit, "source": source, "range": rng, "note": note})


_F_GEN = FREY_LAW_2012_ROWS["general"][0]
_F_TRUNK = FREY_LAW_2012_ROWS["trunk"][0]

PARAMETERS = MappingProxyType(
    {
        # --- the reference runner (definitions: index = 1.0) -------------------------------
        "run.reference_speed": _p(
            3.0, "m/s", "assumption", "Definition: the reference run is an easy 3 m/s (5:33 min/km)."
        ),
        "run.reference_mass": _p(70.0, "kg", "assumption", "Definition: the reference runner weighs 70 kg."),
        "run.reference_training_weeks": _p(
            12.0, "weeks", "assumption", "Definition: the reference runner has 12 weeks of regular running behind them."
        ),
        # --- running mechanics -------------------------------------------------------------
        "run.cadence_at_reference": _p(
            170.0,
            "steps/min",
            "lieberman_2015",
            "Runners at 3.0 m/s had a metabolically optimal stride frequency of about 85 strides/min (170 steps/min).",
            (160.0, 180.0),
        ),
        "run.cadence_slope": _p(
            8.0, "steps/min per m/s", "assumption", "Default cadence rises modestly with speed.", (4.0, 12.0)
        ),
        "run.cadence_exponent": _p(
            0.5,
            "1",
            "assumption",
            "Per-step hip and trunk demand scales with (cadence / default cadence)^-k: shorter "
            "steps load each stance less (direction and size assumed).",
            (0.2, 1.0),
        ),
        "run.grf_slow": _p(
            1.2,
            "× BW",
            "keller_1996",
            "Peak vertical ground reaction force when walking at 1.5 m/s, the start of Keller et al.'s rise; "
            "the model keeps walking at this value (walking's peak force changes little with speed: assumption).",
            (1.1, 1.3),
        ),
        "run.grf_slow_speed": _p(1.5, "m/s", "keller_1996", "Speed of that walking point (1.5 m/s)."),
        "run.grf_jog": _p(
            1.8,
            "× BW",
            "keller_1996",
            "Peak vertical ground reaction force of slow jogging at 2 m/s: Keller et al. found slow jogging "
            "more than 50 % above walking (1.5 × 1.2 BW); start of the running line.",
            (1.7, 2.0),
        ),
        "run.grf_jog_speed": _p(2.0, "m/s", "keller_1996", "Speed of that slow-jogging point (2.0 m/s)."),
        "run.grf_fast": _p(
            2.5,
            "× BW",
            "keller_1996",
            "Peak vertical ground reaction force about 2.5 × BW at 6.0 m/s (end of the linear rise).",
            (2.3, 2.7),
        ),
        "run.grf_fast_speed": _p(6.0, "m/s", "keller_1996", "Speed of that second point (6.0 m/s)."),
        "run.walk_run_speed": _p(
            2.0,
            "m/s",
            "assumption",
            "Centre of the walk-to-run change: below it the demand follows walking, above it the running "
            "line (a smooth blend; people switch gait at about 2 m/s, and overground mix both gaits over a "
            "range of speeds).",
            (1.9, 2.2),
        ),
        "run.walk_muscle_factor": _p(
            0.6,
            "1",
            "assumption",
            "Hip and trunk muscle demand per unit of peak force when walking, relative to running: walking "
            "vaults over a nearly straight leg, running lands on a bent one whose hip and knee muscles hold "
            "the body up; gluteal activity is far lower in walking. Size assumed.",
            (0.4, 0.8),
        ),
        "run.walk_run_width": _p(
            0.08,
            "m/s",
            "assumption",
            "Width of that blend (sigmoid): 2 widths take the blend from 27 % to 73 % running.",
            (0.05, 0.15),
        ),
        "run.contact_fraction": _p(
            0.36,
            "1",
            "assumption",
            "One leg's ground contact as a fraction of the stride at the reference speed (0.25 s "
            "of a 0.71 s stride); typical for recreational running. Not used by the run model "
            "(which works per stance); the anatomy dashboard's gait view uses it.",
        ),
        "run.mass_exponent": _p(
            1.0 / 3.0,
            "1",
            "assumption",
            "Demand grows with body mass (exponent 1), strength with mass^(2/3) (geometric "
            "similarity), so relative demand grows with mass^(1/3). Strengths are × a typical "
            "trained runner of the same body mass.",
            (0.15, 0.5),
        ),
        # --- demand per task: effort of a fresh, strength-1.0 group, reference run ------------
        "hip_abductors.effort_ref": _p(
            0.35,
            "1",
            "assumption",
            "Mean stance effort (fraction of maximal force) of the hip abductors holding the "
            "pelvis level in the frontal plane, reference run. Of the order of running EMG "
            "amplitudes; not a measured number.",
            (0.25, 0.45),
        ),
        "hip_extensors.effort_ref": _p(
            0.30,
            "1",
            "assumption",
            "Mean stance effort of the hip extensors (sagittal hip and trunk control), reference run.",
            (0.2, 0.4),
        ),
        "lumbar.effort_ref": _p(
            0.20,
            "1",
            "assumption",
            "Mean effort of the lumbar task (deep core and lumbar extensors together control the "
            "trunk over the pelvis), reference run.",
            (0.12, 0.28),
        ),
        "hip_abductors.speed_exponent": _p(
            1.0,
            "1",
            "assumption",
            "Abductor demand ∝ (peak ground reaction force)^k. Gluteus medius EMG amplitude "
            "rises with running speed (Semciw et al. 2016); the size k is assumed.",
            (0.6, 1.4),
        ),
        "hip_extensors.speed_exponent": _p(
            1.6,
            "1",
            "assumption",
            "Extensor demand rises more steeply with speed than abductor demand (assumed: "
            "the hip extensors' part in propulsion grows with speed); k assumed.",
            (1.2, 2.2),
        ),
        "lumbar.speed_exponent": _p(
            1.0,
            "1",
            "assumption",
            "Lumbar demand ∝ (peak ground reaction force)^k: abdominal and superficial multifidus EMG "
            "rose with speed from walking to running at 5 m/s (Saunders et al. 2005); k assumed.",
            (0.6, 1.4),
        ),
        # --- sharing within the lumbar task ---------------------------------------------------
        "deep_core.lumbar_weight": _p(
            0.35,
            "1",
            "assumption",
            "Fraction of the lumbar task a strength-1 deep core (multifidus, quadratus "
            "lumborum, psoas, deep erector spinae, the set of Raabe & Chaudhari 2018) carries; "
            "the superficial lumbar extensors carry the rest. Synergists share by capacity, so "
            "a weaker deep core hands its part to the lumbar extensors at once.",
            (0.25, 0.45),
        ),
        "deep_core.fatigue_ratio": _p(
            0.75,
            "1",
            "assumption",
            "Deep core's fatigue dose rate relative to the superficial lumbar extensors' (trunk row): the deep "
            "multifidus and deep erector spinae are rich in type I (fatigue-resistant) fibres; size assumed.",
            (0.5, 1.0),
        ),
        "lumbar.takeover_cost": _p(
            0.3,
            "1",
            "raabe_chaudhari_2018",
            "Extra lower back muscle load per unit of the deep core's part taken over by the superficial "
            "muscles (a deep core weaker or more tired than a typical runner's). With the deep core "
            "completely weak, Raabe & Chaudhari 2018 found compensating muscle force up to 45 ± 10 % higher "
            "and upper-lumbar compression up to 15 % higher: the value sits between the two.",
            (0.15, 0.45),
        ),
        "passive.load_weight": _p(
            1.5,
            "1",
            "assumption",
            "Weight of load carried by passive tissue (discs, facets, ligaments) in the lower back load "
            "index, against 1 for muscle: a moment held by passive tissue means a spine nearer end range, "
            "with more shear and tissue strain; so weaker or more tired trunk muscles raise the index.",
            (1.0, 2.0),
        ),
        # --- compensation: a change of movement (smooth, no thresholds) ----------------------
        "compensation.max_fraction": _p(
            0.5,
            "1",
            "assumption",
            "Largest fraction of a hip group's demand that trunk lean (compensated "
            "Trendelenburg, forward lean) can move off the hip.",
            (0.3, 0.7),
        ),
        "compensation.effort_mid": _p(
            0.65,
            "1",
            "assumption",
            "Hip effort at which half of that largest fraction is moved (sigmoid midpoint).",
            (0.5, 0.8),
        ),
        "compensation.effort_width": _p(
            0.2,
            "1",
            "assumption",
            "Width of the sigmoid (effort change from 27 % to 73 % of its range is 2 widths).",
            (0.1, 0.22),
        ),
        "compensation.transfer_gain": _p(
            0.5,
            "1",
            "assumption",
            "Lumbar effort per unit of hip effort moved by trunk lean (the trunk muscles "
            "have shorter lever arms than the gluteals, so moving work costs them more, "
            "but lean also lowers the total moment).",
            (0.3, 0.9),
        ),
        "compensation.passive_fraction": _p(
            0.3,
            "1",
            "assumption",
            "Part of the moved load taken by passive tissue (discs, facets, ligaments) rather than the lumbar muscles.",
            (0.15, 0.45),
        ),
        "passive.max_fraction": _p(
            0.3,
            "1",
            "assumption",
            "Largest fraction of the lumbar task passed to passive tissue when the lumbar muscles "
            "work hard (same sigmoid midpoint and width).",
            (0.15, 0.45),
        ),
        # --- fatigue while running: an effort dose -------------------------------------------
        "fatigue.dose_exponent": _p(
            2.0,
            "1",
            "assumption",
            "Capacity lost per second ∝ effort^n, effort = load / remaining capacity: endurance "
            "time then falls like a power of intensity, the form Frey-Law & Avin 2010 found "
            "fits static endurance data best; n = 2 is assumed.",
            (1.5, 2.5),
        ),
        "fatigue.max_loss": _p(
            0.6,
            "1",
            "assumption",
            "Largest fraction of capacity the model lets a group lose while running (the dose "
            "slows as this is approached); runners stop long before (30 % after an ultramarathon).",
            (0.5, 0.8),
        ),
        "fatigue.calibration_loss": _p(
            0.106,
            "1",
            "riazati_2020",
            "Mean loss of strength (10.6 %) over all the hip AND knee measures after a moderate continuous "
            "run in master runners; the model fits the mean loss of its two hip groups to it (the knee is "
            "not modelled, so this is the nearest like-for-like).",
            (0.06, 0.15),
        ),
        "fatigue.calibration_minutes": _p(
            29.0,
            "min",
            "riazati_2020",
            "Length of that run: 32 min (women) and 26 min (men), mean about 29 min.",
            (26.0, 32.0),
        ),
        "fatigue.calibration_speed": _p(
            3.45, "m/s", "riazati_2020", "Speed of that run: 3.3 m/s (women) and 3.6 m/s (men).", (3.3, 3.6)
        ),
        "fatigue.long_run_loss": _p(
            0.235,
            "1",
            "millet_2003",
            "Second anchor: isometric knee-extensor MVC fell 23.5 ± 14.9 % in 12 trained runners after a 30-km race "
            "(188.7 min, so about 2.65 m/s) at racing pace (Millet et al. 2003; 26 ± 14 % after a marathon, Nicol "
            "et al. 1991). The hip groups' mean loss is fitted to it at the reference speed: the recovery term "
            "makes loss level off.",
            (0.18, 0.3),
        ),
        "fatigue.long_run_minutes": _p(
            189.0, "min", "millet_2003", "Length of that race: 188.7 ± 27.0 min.", (160.0, 215.0)
        ),
        "fatigue.solver_iterations": _p(
            40, "1", "assumption", "Bisection steps of the two-anchor calibration (each halves the bracket)."
        ),
        "fatigue.newton_steps": _p(
            6, "1", "assumption", "Newton steps of the same calibration when many tables are fitted at once (the band)."
        ),
        "fatigue.solver_log_step": _p(
            1e-4, "1", "assumption", "Step of the finite-difference slopes in those Newton steps (in log r and log R)."
        ),
        "fatigue.solver_min_recovery": _p(
            1e-9, "1/s", "assumption", "Smallest recovery rate the Newton steps try (a run with almost no recovery)."
        ),
        "fatigue.solver_tolerance": _p(
            1e-4, "1", "assumption", "Relative miss of either anchor above which a table is refitted by bisection."
        ),
        "fatigue.hip_F": _p(
            _F_GEN,
            "1/s",
            "freylaw_2012",
            "General-row fatigue rate F: sets how fast the hip groups tire relative to the trunk "
            "groups (only the ratio is used while running).",
        ),
        "fatigue.trunk_F": _p(
            _F_TRUNK, "1/s", "freylaw_2012", "Trunk-row fatigue rate F (deep core, lumbar extensors)."
        ),
        # --- endurance hold (three-compartment model, sustained contraction) ----------------
        "hold.LD": _p(10.0, "1/s", "xia_freylaw_2008", "Controller gain while muscle is recruited (development)."),
        "hold.LR": _p(10.0, "1/s", "xia_freylaw_2008", "Controller gain while muscle is de-recruited (relaxation)."),
        "hold.step_s": _p(0.5, "s", "assumption", "Time step for the endurance-hold integration."),
        "hold.display_factor": _p(
            1.5, "1", "assumption", "A hold is drawn to this multiple of its endurance time (to show the failure)."
        ),
        # --- training base and strength training (claims A04, A14) --------------------------
        "training.base_time_constant": _p(
            6.0,
            "weeks",
            "assumption",
            "Weeks of consistent running for the running-specific capacity to adapt (63 % of the way).",
            (3.0, 12.0),
        ),
        "training.untrained_capacity": _p(
            0.75,
            "1",
            "assumption",
            "Capacity with no running base, relative to a fully adapted runner (new or returning runners: claim A04).",
            (0.6, 0.9),
        ),
        "training.strength_gain_max": _p(
            0.30,
            "1",
            "assumption",
            "Largest relative strength gain from a strength programme (order of novices' gains in 8-12 weeks).",
            (0.15, 0.4),
        ),
        "training.strength_time_constant": _p(
            8.0, "weeks", "assumption", "Weeks of strength training for 63 % of that gain (claim A14).", (4.0, 12.0)
        ),
        # --- outputs -----------------------------------------------------------------------
        "output.takeover_handover": _p(
            8.0,
            "min",
            "assumption",
            "Definition: the back 'takes over' at the first minute by which trunk lean has handed the lower back, "
            "in all, this many minutes of the hips' work (the running total of the fraction of the hip demand "
            "moved off the hips). A dose keeps growing while the hips level off, so the minute moves smoothly "
            "with strength (acceptance check A7); at 8 min the reference runner reaches it after about 80 min "
            "of an easy 3 m/s run.",
        ),
        "output.share_hip_abductors": _p(
            0.35,
            "1",
            "assumption",
            "Share of the total stance load the hip abductors carry in the reference run "
            "(fixes the common unit of the load shares; the three shares are renormalised to sum to 1).",
            (0.25, 0.45),
        ),
        "output.share_hip_extensors": _p(0.30, "1", "assumption", "As above, hip extensors.", (0.2, 0.4)),
        "output.share_lumbar": _p(
            0.35,
            "1",
            "assumption",
            "As above, the lumbar task (deep core and lumbar extensors together).",
            (0.25, 0.45),
        ),
        "output.step_s": _p(20.0, "s", "assumption", "Time step of the run model; 60 min = 180 steps."),
        # --- cohort and uncertainty band ----------------------------------------------------
        "cohort.default_spread": _p(
            0.15, "1", "assumption", "Default spread of strengths in a drawn class (coefficient of variation)."
        ),
        "cohort.mass_cv": _p(
            0.10, "1", "assumption", "Spread of body mass in a drawn class (coefficient of variation)."
        ),
        "cohort.weeks_spread": _p(
            0.5, "1", "assumption", "Training base in a drawn class varies uniformly by ± this fraction."
        ),
        "band.draws": _p(200, "runs", "assumption", "Parameter draws behind the uncertainty band."),
        "band.step_s": _p(
            60.0,
            "s",
            "assumption",
            "Time step for the band's draws (3 × the run's step: the band costs a third; the midpoint "
            "rule keeps it within 0.002 of 20-s steps).",
        ),
        "band.low_percentile": _p(5.0, "%", "assumption", "Lower edge of the band."),
        "band.high_percentile": _p(95.0, "%", "assumption", "Upper edge of the band."),
    }
)


def value(name: str) -> float:
    """The default value of one parameter by dotted name, e.g. ``value("fatigue.dose_exponent")``."""
    return PARAMETERS[name]["value"]


def ranged_names() -> tuple[str, ...]:
    """Names of the parameters that have a plausible range (drawn for the uncertainty band)."""
    return tuple(k for k, v in PARAMETERS.items() if v["range"] is not None)


def parameter_rows() -> list[dict]:
    """The table as a list of rows (name, value, unit, source, range, note), e.g. for the notebook."""
    return [{"name": k, **dict(v)} for k, v in PARAMETERS.items()]


def resolve(params=None) -> dict:
    """The table's values with edits applied: ``{name: value}``.

    ``params`` maps parameter names to numbers (or, for the vectorised
    cohort, to arrays of numbers, one per runner). Unknown names, values
    that are not finite real numbers, parameters without a range (definitions)
    and values outside a parameter's plausible range raise ValueError naming
    the parameter and its range.
    """
    out = {k: v["value"] for k, v in PARAMETERS.items()}
    if params is None:
        return out
    if not hasattr(params, "items"):
        raise ValueError(f"params must be a mapping of parameter name to number, got {type(params).__name__}")
    for name, new in params.items():
        if name not in PARAMETERS:
            raise ValueError(
                f"params: unknown parameter {str(name)[:60]!r}; see runback_widgets.loadsim.params.PARAMETERS"
            )
        rng = PARAMETERS[name]["range"]
        if rng is None:
            raise ValueError(f"params: {name} is a definition, not an uncertain number; it cannot be edited")
        lo, hi = rng
        if isinstance(new, bool) or (not isinstance(new, numbers.Real) and not isinstance(new, np.ndarray)):
            raise ValueError(f"params: {name} must be a number between {lo:g} and {hi:g}, got {new!r:.40}")
        try:
            arr = np.asarray(new, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"params: {name} must be a number between {lo:g} and {hi:g}") from None
        if not np.all(np.isfinite(arr)) or np.any(arr < lo) or np.any(arr > hi):
            raise ValueError(f"params: {name} must be between {lo:g} and {hi:g} ({PARAMETERS[name]['unit']})")
        out[name] = float(arr) if arr.ndim == 0 else arr
    return out

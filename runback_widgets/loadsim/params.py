"""Every number the run load simulator uses, in ONE documented table.

Modelled on pvlib's ``TEMPERATURE_MODEL_PARAMETERS``: module-level data, each
value traceable. ``PARAMETERS`` maps a dotted name to a record with

* ``value``  the number used by :mod:`runback_widgets.loadsim.model`;
* ``unit``   its unit (``"1"`` for dimensionless);
* ``source`` a reference id from ``content/references.toml``, or
  ``"assumption"`` where no paper gives the number (then ``note`` says why the
  value was chosen, and the notebook labels it an assumption);
* ``note``   one sentence: what the number is and why this value.

Nothing here imports plotly or ipywidgets. The notebook renders this table
from the data (``parameter_rows()``), so text and code cannot drift apart.

Choice of the Frey-Law et al. (2012) rows
-----------------------------------------
The paper fits F and R per joint region (shoulder, elbow, grip, trunk, knee,
ankle) and a ``general`` row across all of them; there is **no hip row**.
The hip abductors and extensors use the ``general`` row: the hip muscles are
large, mixed-fibre lower-limb muscles whose endurance lies between the knee
(fastest-fatiguing lower-limb row) and the ankle (slowest) rows, and the
general row is the fitted compromise rather than a guess between them.
The deep core and lumbar extensors use the ``trunk`` row, which was fitted to
sustained trunk-extension endurance data, i.e. to these very muscles.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["GROUPS", "HIP_GROUPS", "FREY_LAW_2012_ROWS", "PARAMETERS", "value", "parameter_rows"]

#: Muscle groups, in the order used by every array in the model.
GROUPS = ("hip_abductors", "hip_extensors", "deep_core", "lumbar_extensors")
#: The two hip groups (their sum is compared with the lower back for the takeover).
HIP_GROUPS = ("hip_abductors", "hip_extensors")

#: Frey-Law, Looft & Heitsman 2012, Table 2: fatigue F and recovery R [1/s].
FREY_LAW_2012_ROWS = MappingProxyType(
    {
        "trunk": (0.00755, 0.00075),
        "knee": (0.01500, 0.00149),
        "ankle": (0.00589, 0.00058),
        "general": (0.00970, 0.00091),
    }
)


def _p(value, unit, source, note):
    return MappingProxyType({"value": value, "unit": unit, "source": source, "note": note})


_F_GEN, _R_GEN = FREY_LAW_2012_ROWS["general"]
_F_TRUNK, _R_TRUNK = FREY_LAW_2012_ROWS["trunk"]

PARAMETERS = MappingProxyType(
    {
        # --- three-compartment fatigue model ---------------------------------------------
        "fatigue.LD": _p(10.0, "1/s", "xia_freylaw_2008",
                         "Controller gain while muscle is recruited (development); 10/s as in the original model."),
        "fatigue.LR": _p(10.0, "1/s", "xia_freylaw_2008",
                         "Controller gain while muscle is de-recruited (relaxation); 10/s as in the original model."),
        "fatigue.rest_multiplier": _p(15.0, "1", "looft_freylaw_2020",
                                      "Recovery R is multiplied by r while the target load is zero (Looft et al. 2018); "
                                      "r = 15 was the value fitted for ankle, knee and elbow. Applied while a group rests "
                                      "between its bursts of activity within each stride."),
        # --- per muscle group: fatigue row -------------------------------------------------
        "hip_abductors.F": _p(_F_GEN, "1/s", "freylaw_2012", "General row (no hip row exists; see module docstring)."),
        "hip_abductors.R": _p(_R_GEN, "1/s", "freylaw_2012", "General row."),
        "hip_extensors.F": _p(_F_GEN, "1/s", "freylaw_2012", "General row (no hip row exists; see module docstring)."),
        "hip_extensors.R": _p(_R_GEN, "1/s", "freylaw_2012", "General row."),
        "deep_core.F": _p(_F_TRUNK, "1/s", "freylaw_2012", "Trunk row: fitted to trunk muscle endurance data."),
        "deep_core.R": _p(_R_TRUNK, "1/s", "freylaw_2012", "Trunk row."),
        "lumbar_extensors.F": _p(_F_TRUNK, "1/s", "freylaw_2012", "Trunk row: fitted to trunk-extension endurance data."),
        "lumbar_extensors.R": _p(_R_TRUNK, "1/s", "freylaw_2012", "Trunk row."),
        # --- per muscle group: activity pattern in the stride ----------------------------
        "hip_abductors.activity": _p("stance", "-", "assumption",
                                     "Works in the stance of its own leg and rests in swing (the glutes rest during "
                                     "swing, DESIGN.md): duty = contact fraction, rest multiplier in swing."),
        "hip_extensors.activity": _p("stance", "-", "assumption", "As the hip abductors."),
        "deep_core.activity": _p("tonic", "-", "assumption",
                                 "Deep trunk muscles (transversus abdominis, multifidus) hold a low, continuous "
                                 "stiffening contraction through the whole stride: duty 1, no rest, constant load. "
                                 "This is what makes the model's slow, mid-run fatigue (trunk row, 1/R = 22 min)."),
        "lumbar_extensors.activity": _p("both_contacts", "-", "assumption",
                                        "Bursts at every foot contact, left and right: duty = 2 × contact fraction, "
                                        "rest multiplier in between."),
        "trunk.hip_shortfall_to_deep_core": _p(1.0, "1", "assumption",
                                               "Fraction of what the hip muscles cannot deliver that the deep core "
                                               "picks up first (it stiffens the lumbopelvic region); the rest, and "
                                               "whatever the deep core cannot deliver, goes to the lumbar extensors, "
                                               "and what they cannot deliver to passive tissue. 1.0: the deep core "
                                               "first, the lumbar extensors once it tires."),
        # --- per muscle group: load sharing --------------------------------------------------
        "hip_abductors.share": _p(0.30, "1", "assumption",
                                  "Normative share of the stance stabilising demand (pelvis in the frontal plane). "
                                  "Shares are not measured quantities; chosen so the hip muscles of a well-conditioned "
                                  "runner carry a little over half the demand."),
        "hip_extensors.share": _p(0.25, "1", "assumption", "Normative share (hip and trunk in the sagittal plane)."),
        "deep_core.share": _p(0.15, "1", "assumption", "Normative share (segmental stiffness of the lumbar spine)."),
        "lumbar_extensors.share": _p(0.30, "1", "assumption",
                                     "Normative share of the lumbar extensors; they also receive what the other "
                                     "groups cannot deliver (claim A09)."),
        "hip_abductors.relative_load": _p(0.45, "1", "assumption",
                                          "Mean stance load as a fraction of maximal voluntary force for a "
                                          "well-conditioned runner at the reference speed. Calibrated: high enough that "
                                          "a weak group runs short within a run, low enough that a strength-1.0 group "
                                          "never does below 4.5 m/s (see notebook Background)."),
        "hip_extensors.relative_load": _p(0.40, "1", "assumption", "As the hip abductors, a little lower."),
        "deep_core.relative_load": _p(0.065, "1", "assumption",
                                      "Continuous low-level activity of the deep trunk muscles, fraction of maximum. "
                                      "The trunk row holds a sustained load indefinitely only below TL ≈ 0.09 "
                                      "(F·TL/R = 1 - TL); 0.065 leaves a well-conditioned runner some reserve."),
        "lumbar_extensors.relative_load": _p(0.15, "1", "assumption",
                                             "Lumbar extensor activity of a well-conditioned runner, fraction of maximum."),
        # --- running mechanics ---------------------------------------------------------------
        "run.reference_speed": _p(3.0, "m/s", "lieberman_2015",
                                  "An easy run (5:33 min/km); the speed at which Lieberman et al. report ~170 steps/min."),
        "run.reference_mass": _p(70.0, "kg", "assumption", "Body mass of the reference runner (index = 1.0)."),
        "run.cadence_at_reference": _p(170.0, "steps/min", "lieberman_2015", "Cadence about 170 steps/min at 3 m/s."),
        "run.cadence_slope": _p(8.0, "steps/min per m/s", "assumption",
                                "Cadence rises modestly with speed; only sets the stride period, which the "
                                "stride-averaged model does not depend on (shown by the reference test)."),
        "run.grf_standing": _p(1.0, "× BW", "keller_1996", "Vertical force standing still is body weight."),
        "run.grf_at_6ms": _p(2.5, "× BW", "keller_1996",
                             "Peak vertical ground reaction force about 2.5 × BW at 6 m/s; the model draws a straight "
                             "line from 1.0 × BW at rest to this point (Keller et al. report a roughly linear rise)."),
        "run.contact_fraction": _p(0.36, "1", "assumption",
                                   "Stance of one leg as a fraction of the stride at the reference speed (0.25 s of a "
                                   "0.71 s stride); typical for recreational running."),
        "run.contact_fraction_slope": _p(-0.03, "1 per m/s", "assumption",
                                         "Ground contact gets relatively shorter as speed rises."),
        "run.stance_peak_to_mean": _p(1.5707963267948966, "1", "assumption",
                                      "Stance load is taken as a half-sine (like the vertical force of running); its "
                                      "peak is pi/2 × its mean. A group runs short when the peak exceeds its residual "
                                      "capacity."),
        "run.mass_exponent": _p(1.0 / 3.0, "1", "assumption",
                                "Demand grows with body mass (exponent 1) and strength with mass^(2/3) (geometric "
                                "similarity), so relative load grows with mass^(1/3). Strengths are × a typical trained "
                                "runner of the same body mass."),
        # --- training base and strength training (claims A04, A14) ---------------------------
        "training.base_time_constant": _p(6.0, "weeks", "assumption",
                                          "Weeks of consistent running for the muscles' running-specific capacity to "
                                          "adapt (63 % of the way). No paper gives this number for these muscles."),
        "training.untrained_capacity": _p(0.75, "1", "assumption",
                                          "Capacity of a runner with no running base, relative to a fully adapted one "
                                          "(new runners, or returning after a long break: claim A04)."),
        "training.strength_gain_max": _p(0.30, "1", "assumption",
                                         "Largest relative strength gain from a strength programme (order of the gains "
                                         "reported for novices in 8-12 weeks)."),
        "training.strength_time_constant": _p(8.0, "weeks", "assumption",
                                              "Weeks of strength training for 63 % of that gain (claim A14)."),
        # --- outputs -----------------------------------------------------------------------
        "output.step_s": _p(20.0, "s", "assumption",
                            "Time step of the stride-averaged model (exponential integrator); 60 min = 180 steps."),
    }
)


def value(name: str) -> float:
    """The value of one parameter by dotted name, e.g. ``value("fatigue.LD")``."""
    return PARAMETERS[name]["value"]


def parameter_rows() -> list[dict]:
    """The table as a list of rows (name, value, unit, source, note), e.g. for the notebook."""
    return [{"name": k, **dict(v)} for k, v in PARAMETERS.items()]

"""The pelvis and hip muscles in a running stride (numpy only).

Every number of the gait model is in :data:`GAIT_PARAMETERS`, with a source
(an id in ``content/references.toml``) or marked ``"assumption"``. The stance
fraction is the load simulator's (``loadsim.params`` ``run.contact_fraction``),
so the two dashboards tell the same stride.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from ..loadsim.params import value as _loadsim_value
from .posture import check_number

__all__ = [
    "GAIT_GROUPS",
    "GAIT_PARAMETERS",
    "GaitState",
    "gait_state",
    "STANCE_FRACTION",
    "PELVIC_DROP_NORMAL",
    "PELVIC_DROP_EXTRA",
    "TRENDELENBURG_THRESHOLD",
    "SI_AMPLITUDE",
]

#: The load simulator's muscle groups (runback_widgets.loadsim) and the structures in each.
GAIT_GROUPS = {
    "hip_abductors": ("gluteus_medius",),
    "hip_extensors": ("gluteus_maximus", "hamstrings_origin"),
    # The simulator's deep group is Raabe & Chaudhari's (2018): multifidus, quadratus
    # lumborum, psoas and the deep erector spinae; the superficial erector spinae is
    # its "lumbar extensors".
    "deep_core": ("multifidus", "quadratus_lumborum", "iliopsoas"),
    "lumbar_extensors": ("erector_spinae",),
}

#: name -> (value, unit, source or "assumption", why). Read the numbers below from here.
GAIT_PARAMETERS = MappingProxyType(
    {
        "stance_fraction": (
            _loadsim_value("run.contact_fraction"),
            "1 of the stride",
            "assumption",
            "One leg's ground contact as a fraction of the stride: the load simulator's "
            "run.contact_fraction at its reference speed (one source for both dashboards). Running "
            "has a flight phase, so stance is under half the stride (novacheck_1998).",
        ),
        "pelvic_drop_normal": (
            4.0,
            "deg",
            "assumption",
            "Contralateral pelvic drop at mid-stance with normal hip abductors; of the order "
            "seen in healthy runners (bramah_2018 measured it in injured and healthy runners).",
        ),
        "pelvic_drop_extra": (
            9.0,
            "deg",
            "assumption",
            "Extra drop with no abductor reserve; illustrative size. More drop was the variable "
            "most linked to injury in bramah_2018.",
        ),
        "trendelenburg_threshold": (
            8.0,
            "deg",
            "assumption",
            "Drop above which the model labels a Trendelenburg-type (positive) sign.",
        ),
        "si_amplitude": (
            1.5,
            "deg",
            "vleeming_2012",
            "Sacroiliac nutation / counter-nutation over a stride: a few degrees or less (N06).",
        ),
    }
)

#: Running gait cycle from right foot strike: right stance, flight, left stance, flight (fractions).
STANCE_FRACTION = GAIT_PARAMETERS["stance_fraction"][0]
#: Contralateral pelvic drop at mid-stance with normal hip abductors, and the extra drop
#: with no abductor reserve [deg].
PELVIC_DROP_NORMAL = GAIT_PARAMETERS["pelvic_drop_normal"][0]
PELVIC_DROP_EXTRA = GAIT_PARAMETERS["pelvic_drop_extra"][0]
#: Pelvic drop [deg] above which the model labels a Trendelenburg-type (positive) sign.
TRENDELENBURG_THRESHOLD = GAIT_PARAMETERS["trendelenburg_threshold"][0]
#: Amplitude of sacroiliac nutation / counter-nutation over a stride [deg].
SI_AMPLITUDE = GAIT_PARAMETERS["si_amplitude"][0]


@dataclass(frozen=True)
class GaitState:
    """What the pelvis and muscles do at one instant of the running stride.

    Attributes
    ----------
    phase : fraction of the stride, 0 = right foot strike
    stance_side, swing_side : "right"/"left" ("" for both in flight)
    pelvic_drop : drop of the swing-side pelvis [deg] (0 in flight)
    trendelenburg : True when the drop exceeds ``TRENDELENBURG_THRESHOLD``
    effort : group -> relative effort 0..1 (loadsim group names)
    working : structure ids working hardest now
    si_rotation : {"left": deg, "right": deg} sacroiliac rotation (nutation +)
    """

    phase: float
    stance_side: str
    swing_side: str
    pelvic_drop: float
    trendelenburg: bool
    effort: dict
    working: tuple
    si_rotation: dict


def gait_state(phase: float, abductor_strength: float = 1.0) -> GaitState:
    """Pelvis and muscle state at ``phase`` (0..1 of a running stride).

    Parameters
    ----------
    phase : float
        Fraction of the stride from right foot strike: right stance until
        ``STANCE_FRACTION`` (the load simulator's contact fraction), then flight, left stance from 0.5, then flight.
    abductor_strength : float
        Hip-abductor strength relative to a well-conditioned runner (0.2..1).

    Notes
    -----
    Mid-stance demand on the stance-side hip abductors holds the opposite
    (swing-side) pelvis up. What weak abductors cannot carry shows as extra
    pelvic drop on the swing side and extra work for the lumbar extensors and
    quadratus lumborum (A09; bramah_2018). Illustrative, not fitted to data:
    every number is in ``GAIT_PARAMETERS`` with its source or marked an assumption.
    """
    ph = check_number("Gait phase", phase, 0.0, 1.0) % 1.0
    s = check_number("Hip-abductor strength", abductor_strength, 0.2, 1.0)
    if ph < STANCE_FRACTION:
        stance, swing, local = "right", "left", ph / STANCE_FRACTION
    elif 0.5 <= ph < 0.5 + STANCE_FRACTION:
        stance, swing, local = "left", "right", (ph - 0.5) / STANCE_FRACTION
    else:
        stance, swing, local = "", "", None
    demand = 0.0 if local is None else math.sin(math.pi * local)
    deficit = demand * (1.0 - s)
    drop = 0.0 if local is None else demand * (PELVIC_DROP_NORMAL + PELVIC_DROP_EXTRA * (1.0 - s) / 0.8)
    loading = 0.0 if local is None else math.sin(math.pi * min(local / 0.6, 1.0))
    effort = {
        "hip_abductors": round(min(demand * 0.6 / s, 1.0), 3) if local is not None else 0.05,
        "hip_extensors": round(0.15 + 0.6 * loading, 3) if local is not None else 0.3,
        "deep_core": round(0.25 + 0.15 * demand, 3),
        "lumbar_extensors": round(min(0.2 + 0.2 * demand + 1.2 * deficit, 1.0), 3),
    }
    working: list[str] = []
    if stance:
        working += [
            f"gluteus_medius_{stance}",
            f"gluteus_maximus_{stance}",
            f"hamstrings_origin_{stance}",
            "multifidus_left",
            "multifidus_right",
            f"quadratus_lumborum_{swing}",
            f"erector_spinae_{swing}",
        ]
    else:
        working += [
            "hamstrings_origin_left",
            "hamstrings_origin_right",
            "iliopsoas_left",
            "iliopsoas_right",
            "multifidus_left",
            "multifidus_right",
        ]
    rot = SI_AMPLITUDE * math.sin(2 * math.pi * ph)
    return GaitState(
        phase=ph,
        stance_side=stance,
        swing_side=swing,
        pelvic_drop=round(drop, 3),
        trendelenburg=drop > TRENDELENBURG_THRESHOLD,
        effort=effort,
        working=tuple(working),
        si_rotation={"right": round(rot, 3), "left": round(-rot, 3)},
    )

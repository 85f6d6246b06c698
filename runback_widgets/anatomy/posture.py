"""Posture: the sagittal angles of the pelvis and lumbar spine (numpy only).

Posture rule (documented modelling choice): pelvic incidence PI is fixed
(bone shape), PI = PT + SS (Legaye et al. 1998). A pelvic-tilt change ``tilt``
(anterior positive) gives SS = SS0 + tilt and PT = PT0 - tilt. Unless set
directly, the lordosis follows one-for-one, LL = LL0 + (SS - SS0), which keeps
the upper lumbar spine (and so the trunk) upright: the spine compensates the
pelvis. Muscle tightness moves the pelvis in the textbook direction
(neumann_kinesiology; clinical note N03): tight hamstrings -> posterior tilt,
tight hip flexors -> anterior tilt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import dimensions as dim

__all__ = ["Posture", "posture", "tilt_from_muscles", "check_number", "MUSCLE_TILT_MAX"]


@dataclass(frozen=True)
class Posture:
    """Sagittal lumbopelvic angles [deg].

    Attributes
    ----------
    tilt : change of pelvic tilt from neutral standing, anterior positive [deg]
    pelvic_incidence, pelvic_tilt, sacral_slope : PI, PT, SS [deg]; PI = PT + SS
    lordosis : L1-S1 lordosis [deg]
    segment_angles : lordosis per segment (L1_L2 ... L5_S1) [deg]
    """

    tilt: float
    pelvic_incidence: float
    pelvic_tilt: float
    sacral_slope: float
    lordosis: float
    segment_angles: dict = field(hash=False, compare=False)


def check_number(name: str, value, lo: float, hi: float) -> float:
    try:
        v = float(value)
    except OverflowError:  # an int beyond ~1e308
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got a number too large to use") from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r:.40}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number")
    if not lo - 1e-9 <= v <= hi + 1e-9:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {v:g}")
    return v


def posture(tilt: float = 0.0, lordosis: float | None = None) -> Posture:
    """Sagittal angles for a pelvic-tilt change ``tilt`` [deg, anterior +].

    Parameters
    ----------
    tilt : float
        Pelvic-tilt change from neutral standing [deg], within ``dimensions.TILT_LIMITS``.
    lordosis : float, optional
        L1-S1 lordosis [deg]; by default it follows the sacral slope one-for-one.
    """
    t = check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    pi = dim.PELVIS["pelvic_incidence"]
    ss = dim.PELVIS["sacral_slope"] + t
    pt = pi - ss
    if lordosis is None:
        ll = dim.LORDOSIS_NEUTRAL + (ss - dim.PELVIS["sacral_slope"])
    else:
        ll = check_number("Lordosis", lordosis, *dim.LORDOSIS_LIMITS)
    seg = {k: ll * w for k, w in dim.LORDOSIS_SHARE.items()}
    return Posture(tilt=t, pelvic_incidence=pi, pelvic_tilt=pt, sacral_slope=ss, lordosis=ll, segment_angles=seg)


#: Pelvic tilt [deg] produced by fully tight hamstrings or hip flexors (illustrative size).
MUSCLE_TILT_MAX = 10.0


def tilt_from_muscles(hamstrings: float = 0.0, hip_flexors: float = 0.0, tilt: float = 0.0) -> float:
    """Pelvic-tilt change [deg, anterior +] with muscle tightness added to ``tilt``.

    ``hamstrings`` and ``hip_flexors`` are tightness fractions 0..1. Tight
    hamstrings pull the ischial tuberosity down (posterior tilt); tight hip
    flexors pull the front of the pelvis and lumbar spine down and forward
    (anterior tilt) (neumann_kinesiology; N03). The sum is clipped to the
    model's tilt limits.
    """
    h = check_number("Hamstring tightness", hamstrings, 0.0, 1.0)
    f = check_number("Hip-flexor tightness", hip_flexors, 0.0, 1.0)
    t = check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    total = t + MUSCLE_TILT_MAX * (f - h)
    return float(np.clip(total, *dim.TILT_LIMITS))

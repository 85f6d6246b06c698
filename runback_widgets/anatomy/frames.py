"""Small frame helpers shared by the meshes and the sagittal view (numpy only).

Coordinates [mm]: x = the body's left, y = anterior, z = superior. An end plate
tilted ``phi`` degrees has its anterior edge lower for ``phi > 0``.
"""

from __future__ import annotations

import math

import numpy as np

from . import dimensions as dim

__all__ = ["normal", "along", "frame", "local_to_world", "facet_point", "S1_DEPTH", "S1_WIDTH"]

#: Depth and width of the S1 end plate [mm] (rounded, between L5's and the sacrum's; see dimensions).
S1_DEPTH = 36.0
S1_WIDTH = 50.0


def normal(phi: float) -> np.ndarray:
    """Unit normal of an end plate tilted ``phi`` deg (anterior edge lower for phi > 0)."""
    a = math.radians(phi)
    return np.array([0.0, math.sin(a), math.cos(a)])


def along(phi: float) -> np.ndarray:
    """Unit vector along an end plate, pointing anteriorly."""
    a = math.radians(phi)
    return np.array([0.0, math.cos(a), -math.sin(a)])


def frame(phi: float) -> np.ndarray:
    """Rotation local (x, anterior, up-along-body) -> world."""
    return np.column_stack([np.array([1.0, 0.0, 0.0]), along(phi), normal(phi)])


def local_to_world(frames: dict, level: str, p) -> np.ndarray:
    """A point given in a vertebra's local frame, in world coordinates."""
    f = frames[level]
    return f["center"] + f["rotation"] @ np.asarray(p, dtype=float)


def facet_point(c_disc, phi_m, depth, seg, side_sign):
    """World centre of a facet joint behind a disc."""
    f = dim.FACET[seg]
    canal = 17.0
    return (
        c_disc
        + side_sign * f["half_spacing"] * np.array([1.0, 0, 0])
        + (-depth / 2 - canal * 0.95) * along(phi_m)
        + 4.0 * normal(phi_m)
    )

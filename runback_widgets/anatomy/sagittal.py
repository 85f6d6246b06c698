"""The sagittal (side) view: the built model projected on the body's midplane (numpy only)."""

from __future__ import annotations

import numpy as np

from . import dimensions as dim
from .frames import S1_DEPTH, along, normal
from .geometry import rotation_x
from .meshes import build_model
from .pelvis import sacrum_profile
from .structures import SEGMENTS

__all__ = ["sagittal_outline"]


def sagittal_outline(tilt: float = 0.0, lordosis: float | None = None) -> dict:
    """2D (y, z) outlines for the sagittal view [mm].

    Returns a dict: ``bodies`` {level: (4, 2) corners}, ``discs`` {seg: (4, 2)},
    ``sacrum`` (K, 2), ``pelvis`` (K, 2), ``femur`` (K, 2), points ``hip``,
    ``ischial_tuberosity``, ``asis``, ``psis``, ``s1_post``, ``s1_ant``,
    ``lesser_trochanter``, ``knee``, ``l3_front`` and ``posture``.
    """
    m = build_model(tilt, lordosis)
    out: dict = {"posture": m.posture, "bodies": {}, "discs": {}}

    def yz(p):
        return np.array([p[1], p[2]])

    for lvl in dim.LEVELS:
        f = m.frames[lvl]
        hw, hd, hh = f["half_size"]
        R = f["rotation"]
        corners = [f["center"] + R @ np.array([0, a, b]) for a, b in ((hd, hh), (-hd, hh), (-hd, -hh), (hd, -hh))]
        out["bodies"][lvl] = np.array([yz(c) for c in corners])
    for seg in SEGMENTS:
        f = m.frames[f"disc_{seg}"]
        hd = f["half_size"][1]
        (c0, p0), (c1, p1) = f["plate_low"], f["plate_up"]
        pts = [c1 + hd * along(p1), c1 - hd * along(p1), c0 - hd * along(p0), c0 + hd * along(p0)]
        out["discs"][seg] = np.array([yz(p) for p in pts])
    Rp = rotation_x(m.posture.tilt)
    ts = np.linspace(0, 1, 9)
    a, b, w, d = sacrum_profile(ts)
    c_s1 = m.landmarks["s1_center"]
    ss = m.posture.sacral_slope
    front = [c_s1 + (a[i] + d[i] / 2 * 0.8) * along(ss) + b[i] * normal(ss) for i in range(ts.size)]
    back = [c_s1 + (a[i] - d[i] / 2) * along(ss) + b[i] * normal(ss) for i in range(ts.size)]
    out["sacrum"] = np.array([yz(p) for p in front + back[::-1]])
    lm = m.landmarks
    hip = lm["hip_center_left"]
    pelvis_pts = [
        lm["psis_left"],
        lm["crest_top_left"],
        lm["asis_left"],
        lm["aiis_left"],
        (np.array([90.0, 30.0, 10.0]) @ Rp.T),
        lm["pubic_symphysis"] + np.array([0, 4.0, 10.0]),
        lm["pubic_symphysis"] - np.array([0, 0, 14.0]),
        lm["ischial_tuberosity_left"] + np.array([0, 10.0, -6.0]),
        lm["ischial_tuberosity_left"] - np.array([0, 8.0, 0.0]),
        (np.array([70.0, -48.0, -20.0]) @ Rp.T),
        lm["sciatic_notch_left"],
        lm["piis_left"],
    ]
    out["pelvis"] = np.array([yz(p) for p in pelvis_pts])
    out["hip"] = yz(hip)
    out["ischial_tuberosity"] = yz(lm["ischial_tuberosity_left"])
    out["asis"] = yz(lm["asis_left"])
    out["psis"] = yz(lm["psis_left"])
    out["s1_post"] = yz(c_s1 - S1_DEPTH / 2 * along(ss))
    out["s1_ant"] = yz(c_s1 + S1_DEPTH / 2 * along(ss))
    out["s1_center"] = yz(c_s1)
    out["femur"] = np.array([[hip[1], hip[2]], [6.0, -220.0], [8.0, -420.0]])
    out["knee"] = np.array([4.0, -430.0])
    out["lesser_trochanter"] = np.array([0.0, -62.0])
    l3 = m.frames["L3"]
    out["l3_front"] = yz(l3["center"] + l3["half_size"][1] * l3["rotation"][:, 1])
    out["l1_top_plate"] = (yz(lm["l1_top"]), float(lm["l1_top_angle"][0]))
    return out

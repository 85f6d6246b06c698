"""The pelvis in neutral standing: sacrum, coccyx, SI joint, hip bone, thigh bone (numpy only).

Left side built, right mirrored later; the whole pelvis is rotated by the
pelvic-tilt change when the model is assembled (:mod:`.meshes`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import dimensions as dim
from .frames import S1_DEPTH, S1_WIDTH, along, facet_point, frame, normal
from .geometry import Mesh, loft, merge, skin, superellipsoid, thick_sheet, tube

__all__ = ["sacrum_profile", "pelvis_neutral_cached", "femur_left"]


def sacrum_profile(t):
    """Centre line (a, b) in the S1 frame, width and depth of the sacrum at fraction t (0 top, 1 apex)."""
    t = np.asarray(t, dtype=float)
    length = dim.PROPORTIONS["sacrum_length"]
    b = -length * t
    a = -4.0 - 14.0 * t + 38.0 * t**2
    w = np.where(
        t < 0.3,
        dim.PROPORTIONS["sacrum_width"] * (1 - 0.1 * t / 0.3),
        dim.PROPORTIONS["sacrum_width"] * 0.9 - (t - 0.3) / 0.7 * (dim.PROPORTIONS["sacrum_width"] * 0.9 - 24),
    )
    d = 44.0 - 28.0 * t
    return a, b, w, d


def _neutral_s1() -> tuple[np.ndarray, float]:
    r = dim.PROPORTIONS["pelvic_radius"]
    pt = math.radians(dim.PELVIS["pelvic_tilt"])
    return np.array([0.0, -r * math.sin(pt), r * math.cos(pt)]), dim.PELVIS["sacral_slope"]


def _sacral_point(x, a, b) -> np.ndarray:
    c, ss = _neutral_s1()
    return c + x * np.array([1.0, 0, 0]) + a * along(ss) + b * normal(ss)


def _pelvis_neutral() -> tuple[dict, dict]:
    """Pelvic structures (left built, right mirrored) and landmarks in neutral standing."""
    c_s1, ss = _neutral_s1()
    R = frame(ss)
    parts: dict[str, list] = {}
    lm: dict[str, np.ndarray] = {"s1_center": c_s1}

    # Sacrum: lofted shield from the S1 end plate (with alae) to the apex.
    ts = np.linspace(0.0, 1.0, 11)
    a, b, w, d = sacrum_profile(ts)
    th = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    rings = []
    for i in range(ts.size):
        # Cross-section: wide, flatter behind; the S1 body bulges in front at the top.
        xs = 0.5 * w[i] * np.sign(np.cos(th)) * np.abs(np.cos(th)) ** 0.55
        ys = 0.5 * d[i] * np.sign(np.sin(th)) * np.abs(np.sin(th)) ** 0.8
        body = np.exp(-((xs / (S1_WIDTH * 0.5)) ** 4))
        thin = 0.55 + 0.45 * body
        ys = np.where(ys > 0, ys * (thin if ts[i] < 0.45 else 1.0), ys * (0.7 + 0.3 * body))
        pts = np.stack([xs, a[i] + ys, np.full_like(xs, b[i])], axis=1)
        rings.append(c_s1 + pts @ R.T)
    sacrum = skin(np.array(rings))
    crest = tube(
        [_sacral_point(0, a[k] - 0.5 * d[k] * 0.75, b[k]) for k in (1, 3, 5, 7)], [4.5, 4.0, 3.5, 3.0], n=6, n_around=6
    )
    sap = []
    for sgn in (1, -1):
        j = facet_point(
            c_s1 + 5.5 * normal(ss - dim.LORDOSIS_NEUTRAL * dim.LORDOSIS_SHARE["L5_S1"] / 2),
            ss - 9.0,
            S1_DEPTH,
            "L5_S1",
            sgn,
        )
        base = _sacral_point(sgn * 24.0, -S1_DEPTH / 2 - 10.0, -8.0)
        sap.append(tube([base, j + sgn * np.array([3.5, 0, 0]) + np.array([0, 0, 1.0])], [6.0, 5.0], n=4, n_around=8))
    parts["sacrum"] = [("sacrum", merge(sacrum, crest, *sap))]
    lm["sacral_apex"] = _sacral_point(0, a[-1], b[-1])

    # Coccyx: four shrinking segments curving forward.
    seg_pts = []
    ta, tb = a[-1], b[-1]
    coccyx = []
    for r, step in ((9.0, 0.0), (7.5, 11.0), (6.0, 9.5), (4.5, 8.0)):
        ta += step * 0.55
        tb -= step * 0.8
        p = _sacral_point(0, ta, tb - 6)
        seg_pts.append(p)
        coccyx.append(superellipsoid(p, (r * 1.4, r, r * 0.75), n_around=10, n_up=6))
    parts["coccyx"] = [("coccyx", merge(*coccyx))]
    lm["coccyx_tip"] = seg_pts[-1]

    # Left SI joint: thin ear-shaped (auricular) band on the side of the sacrum.
    ear_ab = [(14, -6), (0, -8), (-11, -15), (-12, -30), (-5, -44), (7, -50)]
    ear = []
    for aa, bb in ear_ab:
        t = -bb / dim.PROPORTIONS["sacrum_length"]
        wt = float(sacrum_profile(t)[2])
        ear.append(_sacral_point(wt / 2 + 1.0, aa, bb))
    si = tube(ear, 2.2, n=12, n_around=8, up=(1.0, 0.0, 0.0), flatten=3.2)
    parts["si_joint_left"] = [("si_joint", si)]
    lm["si_joint_left"] = np.mean(ear, axis=0)

    # Left hip bone: iliac wing (crest to acetabulum), acetabular rim, ischium, pubis.
    crest_pts = np.array(
        [(42, -84, 104), (72, -76, 138), (112, -44, 160), (132, 2, 150), (126, 36, 120), (118, 47, 96)], dtype=float
    )
    low_pts = np.array(
        [(52, -66, 66), (62, -46, 48), (80, -22, 36), (92, 4, 36), (104, 30, 46), (110, 40, 60)], dtype=float
    )
    nu, nv = 16, 7
    uu = np.linspace(0, 1, crest_pts.shape[0])
    ug = np.linspace(0, 1, nu)
    C = np.stack([np.interp(ug, uu, crest_pts[:, i]) for i in range(3)], axis=1)
    B = np.stack([np.interp(ug, uu, low_pts[:, i]) for i in range(3)], axis=1)
    vg = np.linspace(0, 1, nv)
    grid = (1 - vg)[None, :, None] * C[:, None, :] + vg[None, :, None] * B[:, None, :]
    bulge = 7.0 * np.sin(np.pi * vg)[None, :] * np.sin(np.pi * np.clip(ug, 0.15, 1))[:, None]
    grid[..., 0] += bulge
    thick = (6.0 + 16.0 * np.exp(-((ug / 0.18) ** 2)))[:, None] * (0.8 + 0.6 * vg)[None, :]
    wing = thick_sheet(grid, thick)
    crest_rim = tube(C, 5.0, n=nu, n_around=6)
    head_c = np.array([dim.PROPORTIONS["hip_half_spacing"], 0.0, 0.0])
    axis = np.array([1.0, 0.45, -0.7])
    axis /= np.linalg.norm(axis)
    e1 = np.cross(axis, [0, 0, 1.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(axis, e1)
    ang = np.linspace(0, 2 * np.pi, 14)
    rim_pts = head_c + 8.0 * axis + 27.0 * (np.cos(ang)[:, None] * e1 + np.sin(ang)[:, None] * e2)
    rim = loft(rim_pts[:-1], 6.0, 6.0, up=axis, n_around=6, caps=False)
    rim = Mesh(rim.vertices, np.vstack([rim.faces, _close_ring(13, 6)]))
    ischium = tube(
        [(80, -22, -18), (72, -34, -52), (63, -38, -78), (48, -26, -94), (30, 5, -86), (12, 36, -56)],
        [9.0, 9.5, 13.0, 8.0, 6.0, 6.0],
        n=14,
        n_around=8,
    )
    pubis = tube([(90, 22, -6), (62, 40, -14), (28, 44, -26), (10, 41, -36)], [8.0, 6.5, 6.5, 7.0], n=8, n_around=8)
    pubic_body = superellipsoid((9.0, 41.0, -42.0), (7.0, 9.0, 16.0), n_around=10, n_up=7)
    parts["ilium_left"] = [("ilium", merge(wing, crest_rim, rim, ischium, pubis, pubic_body))]
    lm.update(
        {
            "asis_left": crest_pts[-1],
            "psis_left": crest_pts[0],
            "crest_top_left": crest_pts[2],
            "ischial_tuberosity_left": np.array([63.0, -38.0, -82.0]),
            "pubic_symphysis": np.array([0.0, 42.0, -42.0]),
            "piis_left": low_pts[0],
            "sciatic_notch_left": np.array([64.0, -52.0, 34.0]),
            "aiis_left": low_pts[-1],
        }
    )
    lm["_wing_grid_left"] = grid
    return parts, lm


def _close_ring(n_path: int, n_around: int) -> np.ndarray:
    """Faces joining the last ring of a loft to its first (closes a torus)."""
    last = (n_path - 1) * n_around
    f = []
    for c in range(n_around):
        c2 = (c + 1) % n_around
        a, b, d, e = last + c, last + c2, c, c2
        f.append((a, b, e))
        f.append((a, e, d))
    return np.array(f, dtype=np.int64)


@functools.lru_cache(maxsize=1)
def pelvis_neutral_cached():
    return _pelvis_neutral()


@functools.lru_cache(maxsize=1)
def femur_left() -> Mesh:
    r = dim.PROPORTIONS["femoral_head_radius"]
    hx = dim.PROPORTIONS["hip_half_spacing"]
    head = superellipsoid((hx, 0.0, 0.0), (r, r, r), n_around=16, n_up=10)
    neck = tube([(hx, 0, 0), (hx + 20, -2, -18), (hx + 34, -4, -34)], [14.0, 13.0, 15.0], n=5, n_around=10)
    troch = superellipsoid((hx + 44, -8, -36), (12.0, 14.0, 22.0), n_around=10, n_up=7)
    shaft = tube([(hx + 38, -2, -50), (hx + 32, 4, -130), (hx + 26, 8, -210)], [16.0, 14.0, 13.5], n=6, n_around=10)
    lesser = superellipsoid((hx + 20, -12, -68), (7.0, 7.0, 9.0), n_around=8, n_up=5)
    return merge(head, neck, troch, shaft, lesser)

"""The lumbopelvic model: posture, 3D structures, sagittal outline, gait (numpy only).

Coordinates [mm]: x = the body's left, y = anterior, z = superior; origin at
the midpoint between the two hip-joint centres (the axis the pelvis tilts
about). The pelvis (sacrum, coccyx, hip bones, SI joints) is built in neutral
standing and rotated about that axis by the pelvic-tilt change; the lumbar
spine is then stacked on the S1 end plate, so tilting the pelvis changes the
sacral slope and the lordosis together. Femora stay fixed (the thighs are
vertical), so muscles between pelvis and thigh stretch or slacken.

Posture rule (documented modelling choice): pelvic incidence PI is fixed
(bone shape), PI = PT + SS (Legaye et al. 1998). A pelvic-tilt change ``tilt``
(anterior positive) gives SS = SS0 + tilt and PT = PT0 - tilt. Unless set
directly, the lordosis follows one-for-one, LL = LL0 + (SS - SS0), which keeps
the upper lumbar spine (and so the trunk) upright: the spine compensates the
pelvis. Muscle tightness moves the pelvis in the textbook direction
(neumann_kinesiology; clinical note N03): tight hamstrings -> posterior tilt,
tight hip flexors -> anterior tilt.

References
----------
See :mod:`runback_widgets.anatomy.dimensions` for every dimension and its source.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from . import dimensions as dim
from .geometry import Mesh, loft, merge, mirror_x, resample, rotation_x, rotation_z, skin, superellipsoid, thick_sheet, tube

__all__ = [
    "LAYERS",
    "STRUCTURE_IDS",
    "Posture",
    "Structure",
    "LumbopelvicModel",
    "posture",
    "tilt_from_muscles",
    "build_model",
    "layer_of",
    "sagittal_outline",
    "GaitState",
    "gait_state",
    "GAIT_GROUPS",
    "nerve_root_at_disc",
]

LAYERS = ("bones", "discs", "joints", "nerves", "muscles")

_SEGMENTS = ("L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1")
_SIDES = ("left", "right")
_MUSCLES = ("erector_spinae", "multifidus", "quadratus_lumborum", "gluteus_maximus", "gluteus_medius",
            "hamstrings_origin", "iliopsoas")


def _structure_ids() -> dict[str, str]:
    ids: dict[str, str] = {}
    for lvl in dim.LEVELS:
        ids[lvl] = "bones"
    for b in ("sacrum", "coccyx", "ilium_left", "ilium_right", "femoral_head_left", "femoral_head_right"):
        ids[b] = "bones"
    for seg in _SEGMENTS:
        ids[f"disc_{seg}"] = "discs"
    for seg in _SEGMENTS:
        for s in _SIDES:
            ids[f"facet_{seg}_{s}"] = "joints"
    for s in _SIDES:
        ids[f"si_joint_{s}"] = "joints"
    for root in ("L4", "L5", "S1"):
        for s in _SIDES:
            ids[f"nerve_root_{root}_{s}"] = "nerves"
    for s in _SIDES:
        ids[f"sciatic_nerve_{s}"] = "nerves"
    for m in _MUSCLES:
        for s in _SIDES:
            ids[f"{m}_{s}"] = "muscles"
    ids["abdominal_wall"] = "muscles"
    return ids


#: Every structure id -> its layer, in drawing order.
STRUCTURE_LAYERS: dict[str, str] = _structure_ids()
STRUCTURE_IDS: tuple[str, ...] = tuple(STRUCTURE_LAYERS)


def layer_of(structure_id: str) -> str:
    if structure_id not in STRUCTURE_LAYERS:
        raise ValueError(f"unknown structure {structure_id!r}")
    return STRUCTURE_LAYERS[structure_id]


# --------------------------------------------------------------------------- posture

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


def _check_number(name: str, value, lo: float, hi: float) -> float:
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
    t = _check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    pi = dim.PELVIS["pelvic_incidence"]
    ss = dim.PELVIS["sacral_slope"] + t
    pt = pi - ss
    if lordosis is None:
        ll = dim.LORDOSIS_NEUTRAL + (ss - dim.PELVIS["sacral_slope"])
    else:
        ll = _check_number("Lordosis", lordosis, *dim.LORDOSIS_LIMITS)
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
    h = _check_number("Hamstring tightness", hamstrings, 0.0, 1.0)
    f = _check_number("Hip-flexor tightness", hip_flexors, 0.0, 1.0)
    t = _check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    total = t + MUSCLE_TILT_MAX * (f - h)
    return float(np.clip(total, *dim.TILT_LIMITS))


# --------------------------------------------------------------------------- frames

def _n(phi: float) -> np.ndarray:
    """Unit normal of an end plate tilted ``phi`` deg (anterior edge lower for phi > 0)."""
    a = math.radians(phi)
    return np.array([0.0, math.sin(a), math.cos(a)])


def _u(phi: float) -> np.ndarray:
    """Unit vector along an end plate, pointing anteriorly."""
    a = math.radians(phi)
    return np.array([0.0, math.cos(a), -math.sin(a)])


def _frame(phi: float) -> np.ndarray:
    """Rotation local (x, anterior, up-along-body) -> world."""
    return np.column_stack([np.array([1.0, 0.0, 0.0]), _u(phi), _n(phi)])


@dataclass(frozen=True)
class Structure:
    """One named structure: id, layer, side, and its mesh parts ``((part, Mesh), ...)``."""

    id: str
    layer: str
    parts: tuple

    @property
    def mesh(self) -> Mesh:
        return merge(*(m for _, m in self.parts))


@dataclass(frozen=True)
class LumbopelvicModel:
    """A built model: posture, structures by id, vertebral frames and landmarks."""

    posture: Posture
    structures: dict
    frames: dict            # id -> dict(center, rotation, half_size) for vertebral bodies and discs
    landmarks: dict         # name -> (3,) world point [mm]


# --------------------------------------------------------------------------- pelvis (neutral)

S1_DEPTH = 36.0
S1_WIDTH = 50.0


def _sacrum_profile(t):
    """Centre line (a, b) in the S1 frame, width and depth of the sacrum at fraction t (0 top, 1 apex)."""
    t = np.asarray(t, dtype=float)
    length = dim.PROPORTIONS["sacrum_length"]
    b = -length * t
    a = -4.0 - 14.0 * t + 38.0 * t ** 2
    w = np.where(t < 0.3, dim.PROPORTIONS["sacrum_width"] * (1 - 0.1 * t / 0.3),
                 dim.PROPORTIONS["sacrum_width"] * 0.9 - (t - 0.3) / 0.7 * (dim.PROPORTIONS["sacrum_width"] * 0.9 - 24))
    d = 44.0 - 28.0 * t
    return a, b, w, d


def _neutral_s1() -> tuple[np.ndarray, float]:
    r = dim.PROPORTIONS["pelvic_radius"]
    pt = math.radians(dim.PELVIS["pelvic_tilt"])
    return np.array([0.0, -r * math.sin(pt), r * math.cos(pt)]), dim.PELVIS["sacral_slope"]


def _sacral_point(x, a, b) -> np.ndarray:
    c, ss = _neutral_s1()
    return c + x * np.array([1.0, 0, 0]) + a * _u(ss) + b * _n(ss)


def _facet_point(c_disc, phi_m, depth, seg, side_sign):
    """World centre of a facet joint behind a disc."""
    f = dim.FACET[seg]
    canal = 17.0
    return (c_disc + side_sign * f["half_spacing"] * np.array([1.0, 0, 0])
            + (-depth / 2 - canal * 0.95) * _u(phi_m) + 4.0 * _n(phi_m))


def _pelvis_neutral() -> tuple[dict, dict]:
    """Pelvic structures (left built, right mirrored) and landmarks in neutral standing."""
    c_s1, ss = _neutral_s1()
    R = _frame(ss)
    parts: dict[str, list] = {}
    lm: dict[str, np.ndarray] = {"s1_center": c_s1}

    # Sacrum: lofted shield from the S1 end plate (with alae) to the apex.
    ts = np.linspace(0.0, 1.0, 11)
    a, b, w, d = _sacrum_profile(ts)
    th = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    rings = []
    for i in range(ts.size):
        # Cross-section: wide, flatter behind; the S1 body bulges in front at the top.
        xs = 0.5 * w[i] * np.sign(np.cos(th)) * np.abs(np.cos(th)) ** 0.55
        ys = 0.5 * d[i] * np.sign(np.sin(th)) * np.abs(np.sin(th)) ** 0.8
        body = np.exp(-(xs / (S1_WIDTH * 0.5)) ** 4)
        thin = 0.55 + 0.45 * body
        ys = np.where(ys > 0, ys * (thin if ts[i] < 0.45 else 1.0), ys * (0.7 + 0.3 * body))
        pts = np.stack([xs, a[i] + ys, np.full_like(xs, b[i])], axis=1)
        rings.append(c_s1 + pts @ R.T)
    sacrum = skin(np.array(rings))
    crest = tube([_sacral_point(0, a[k] - 0.5 * d[k] * 0.75, b[k]) for k in (1, 3, 5, 7)], [4.5, 4.0, 3.5, 3.0], n=6,
                 n_around=6)
    sap = []
    for sgn in (1, -1):
        j = _facet_point(c_s1 + 5.5 * _n(ss - dim.LORDOSIS_NEUTRAL * dim.LORDOSIS_SHARE["L5_S1"] / 2), ss - 9.0,
                         S1_DEPTH, "L5_S1", sgn)
        base = _sacral_point(sgn * 24.0, -S1_DEPTH / 2 - 10.0, -8.0)
        sap.append(tube([base, j + sgn * np.array([3.5, 0, 0]) + np.array([0, 0, 1.0])], [6.0, 5.0], n=4,
                        n_around=8))
    parts["sacrum"] = [("sacrum", merge(sacrum, crest, *sap))]
    lm["sacral_apex"] = _sacral_point(0, a[-1], b[-1])

    # Coccyx: four shrinking segments curving forward.
    seg_pts = []
    ta, tb = a[-1], b[-1]
    coccyx = []
    for k, (r, step) in enumerate(((9.0, 0.0), (7.5, 11.0), (6.0, 9.5), (4.5, 8.0))):
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
        wt = float(_sacrum_profile(t)[2])
        ear.append(_sacral_point(wt / 2 + 1.0, aa, bb))
    si = tube(ear, 2.2, n=12, n_around=8, up=(1.0, 0.0, 0.0), flatten=3.2)
    parts["si_joint_left"] = [("si_joint", si)]
    lm["si_joint_left"] = np.mean(ear, axis=0)

    # Left hip bone: iliac wing (crest to acetabulum), acetabular rim, ischium, pubis.
    crest_pts = np.array([(42, -84, 104), (72, -76, 138), (112, -44, 160), (132, 2, 150), (126, 36, 120), (118, 47, 96)],
                         dtype=float)
    low_pts = np.array([(52, -66, 66), (62, -46, 48), (80, -22, 36), (92, 4, 36), (104, 30, 46), (110, 40, 60)],
                       dtype=float)
    nu, nv = 16, 7
    uu = np.linspace(0, 1, crest_pts.shape[0])
    ug = np.linspace(0, 1, nu)
    C = np.stack([np.interp(ug, uu, crest_pts[:, i]) for i in range(3)], axis=1)
    B = np.stack([np.interp(ug, uu, low_pts[:, i]) for i in range(3)], axis=1)
    vg = np.linspace(0, 1, nv)
    grid = (1 - vg)[None, :, None] * C[:, None, :] + vg[None, :, None] * B[:, None, :]
    bulge = 7.0 * np.sin(np.pi * vg)[None, :] * np.sin(np.pi * np.clip(ug, 0.15, 1))[:, None]
    grid[..., 0] += bulge
    thick = (6.0 + 16.0 * np.exp(-(ug / 0.18) ** 2))[:, None] * (0.8 + 0.6 * vg)[None, :]
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
    ischium = tube([(80, -22, -18), (72, -34, -52), (63, -38, -78), (48, -26, -94), (30, 5, -86), (12, 36, -56)],
                   [9.0, 9.5, 13.0, 8.0, 6.0, 6.0], n=14, n_around=8)
    pubis = tube([(90, 22, -6), (62, 40, -14), (28, 44, -26), (10, 41, -36)], [8.0, 6.5, 6.5, 7.0], n=8, n_around=8)
    pubic_body = superellipsoid((9.0, 41.0, -42.0), (7.0, 9.0, 16.0), n_around=10, n_up=7)
    parts["ilium_left"] = [("ilium", merge(wing, crest_rim, rim, ischium, pubis, pubic_body))]
    lm.update({
        "asis_left": crest_pts[-1], "psis_left": crest_pts[0], "crest_top_left": crest_pts[2],
        "ischial_tuberosity_left": np.array([63.0, -38.0, -82.0]), "pubic_symphysis": np.array([0.0, 42.0, -42.0]),
        "piis_left": low_pts[0], "sciatic_notch_left": np.array([64.0, -52.0, 34.0]), "aiis_left": low_pts[-1],
    })
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
def _pelvis_cached():
    return _pelvis_neutral()


@functools.lru_cache(maxsize=1)
def _femur_left() -> Mesh:
    r = dim.PROPORTIONS["femoral_head_radius"]
    hx = dim.PROPORTIONS["hip_half_spacing"]
    head = superellipsoid((hx, 0.0, 0.0), (r, r, r), n_around=16, n_up=10)
    neck = tube([(hx, 0, 0), (hx + 20, -2, -18), (hx + 34, -4, -34)], [14.0, 13.0, 15.0], n=5, n_around=10)
    troch = superellipsoid((hx + 44, -8, -36), (12.0, 14.0, 22.0), n_around=10, n_up=7)
    shaft = tube([(hx + 38, -2, -50), (hx + 32, 4, -130), (hx + 26, 8, -210)], [16.0, 14.0, 13.5], n=6, n_around=10)
    lesser = superellipsoid((hx + 20, -12, -68), (7.0, 7.0, 9.0), n_around=8, n_up=5)
    return merge(head, neck, troch, shaft, lesser)


# --------------------------------------------------------------------------- spine

def _vertebra_local(level: str, j_up: np.ndarray | None, j_down: np.ndarray, seg_up: str | None,
                    seg_down: str) -> Mesh:
    """One lumbar vertebra in its local frame (x, anterior, up); ``j_up``/``j_down``: facet-joint
    centres (left side, local coordinates) above and below."""
    v = dim.VERTEBRA[level]
    W, D, H = v["body_width"], v["body_depth"], v["body_height"]
    pw, cw, cd = v["pedicle_width"], v["canal_width"], v["canal_depth"]
    # Body: rounded cylinder with a concave back wall (kidney shape) and a waist.
    body = superellipsoid((0, 0, 0), (W / 2, D / 2, H / 2), n_around=22, n_up=9, e_around=0.8, e_up=0.25)
    vb = body.vertices.copy()
    xr = np.clip(vb[:, 0] / (W / 2), -1, 1)
    back = vb[:, 1] < 0
    vb[back, 1] += 5.0 * (1 - xr[back] ** 2) * np.clip(-vb[back, 1] / (D / 2), 0, 1)
    waist = 1 - 0.07 * (1 - np.clip(vb[:, 2] / (H / 2), -1, 1) ** 2)
    vb[:, 0] *= waist
    vb[:, 1] *= waist
    body = Mesh(vb, body.faces)
    ap = -D / 2 + 4.0        # back wall (after the concavity)
    xp = cw / 2 + pw / 2
    lp = cd * 0.55
    bp = 0.12 * H
    parts = [body]
    for sgn in (1, -1):
        ped = tube([(sgn * xp, ap + 2, bp), (sgn * xp, ap - lp, bp)], [7.5, 7.5], n=3, n_around=8,
                   up=(0, 0, 1), flatten=(pw / 2) / 7.5)
        lam = tube([(sgn * xp, ap - lp, bp - 1), (sgn * xp * 0.5, ap - cd + 1, bp - 5), (0, ap - cd - 3, bp - 6)],
                   [10.0, 10.0, 9.0], n=4, n_around=8, up=(0, 0, 1), flatten=0.35)
        tp_len = v["tp_span"] / 2
        tpr = 7.0 if level == "L5" else 5.0
        tp = tube([(sgn * (xp + pw / 2 - 2), ap - lp + 1, bp + 1), (sgn * tp_len * 0.75, ap - lp - 5, bp + 2.5),
                   (sgn * tp_len, ap - lp - 7, bp + (5 if level == "L5" else 3))], [tpr, tpr * 0.85, tpr * 0.65],
                  n=5, n_around=8, up=(0, 0, 1), flatten=0.75)
        jd = j_down * np.array([sgn, 1, 1])
        iap = tube([(sgn * cw * 0.42, ap - cd * 0.9, bp - 7), jd + np.array([-sgn * 3.5, -1.0, -1.0]),
                    jd + np.array([-sgn * 3.5, -1.5, -7.0])], [6.0, 5.5, 4.5], n=5, n_around=8, up=(0, 0, 1),
                   flatten=0.8)
        parts += [ped, lam, tp, iap]
        if j_up is not None:
            ju = j_up * np.array([sgn, 1, 1])
            sap = tube([(sgn * xp, ap - lp - 1, bp + 3), ju + np.array([sgn * 3.5, 0.5, -2.0]),
                        ju + np.array([sgn * 3.5, 0.0, 5.0])], [6.5, 5.5, 4.5], n=5, n_around=8, up=(0, 0, 1),
                       flatten=0.8)
            parts.append(sap)
    sl = v["spinous_length"]
    sph = 10.0 if level != "L5" else 8.0
    spin = tube([(0, ap - cd - 1, bp - 5), (0, ap - cd - sl * 0.6, bp - 7), (0, ap - cd - sl, bp - 9)],
                [sph, sph * 1.05, sph * 0.95], n=5, n_around=8, up=(0, 0, 1), flatten=0.33)
    parts.append(spin)
    return merge(*parts)


def _disc_mesh(c0, phi0, c1, phi1, W, D) -> tuple[Mesh, Mesh]:
    """Annulus (wedge between two end plates, bulging) and nucleus."""
    th = np.linspace(0, 2 * np.pi, 22, endpoint=False)
    xs = 0.5 * W * np.sign(np.cos(th)) * np.abs(np.cos(th)) ** 0.8
    ys = 0.5 * D * np.sign(np.sin(th)) * np.abs(np.sin(th)) ** 0.8
    ys = np.where(ys < 0, ys + 4.0 * (1 - (xs / (W / 2)) ** 2) * (-ys / (D / 2)), ys)
    rings = []
    ex = np.array([1.0, 0, 0])
    for s in np.linspace(0, 1, 5):
        grow = 1.0 + 0.05 * math.sin(math.pi * s)
        p0 = c0[None, :] + xs[:, None] * ex + ys[:, None] * _u(phi0)
        p1 = c1[None, :] + xs[:, None] * ex + ys[:, None] * _u(phi1)
        p = (1 - s) * p0 + s * p1
        mid = (1 - s) * c0 + s * c1
        rings.append(mid + (p - mid) * grow)
    annulus = skin(np.array(rings))
    cm = 0.5 * (c0 + c1)
    phim = 0.5 * (phi0 + phi1)
    h = float(np.linalg.norm(c1 - c0))
    nucleus = superellipsoid((0, 0, 0), (0.3 * W, 0.27 * D, 0.36 * h), n_around=12, n_up=7)
    nucleus = nucleus.transformed(_frame(phim), cm - 0.08 * D * _u(phim))
    return annulus, nucleus


def _spine(c_s1: np.ndarray, ss: float, seg_angles: dict) -> tuple[dict, dict, dict]:
    """Stack discs and vertebrae on the S1 end plate (world coordinates)."""
    structures: dict[str, list] = {}
    frames: dict[str, dict] = {}
    lm: dict[str, np.ndarray] = {}
    c_low, phi_low = c_s1, ss
    order = list(reversed(dim.LEVELS))          # L5 first
    below = "S1"
    disc_info = {}
    vert_frames = {}
    for level in order:
        seg = f"{level}_{below}"
        v = dim.VERTEBRA[level]
        dv_below = dim.VERTEBRA.get(below, dict(body_width=S1_WIDTH, body_depth=S1_DEPTH))
        h = dim.DISC_HEIGHT[seg]
        theta = seg_angles[seg]
        phi_up = phi_low - theta
        phi_m = 0.5 * (phi_low + phi_up)
        c_up = c_low + h * _n(phi_m)
        Wd = 0.5 * (v["body_width"] + dv_below["body_width"])
        Dd = 0.5 * (v["body_depth"] + dv_below["body_depth"])
        annulus, nucleus = _disc_mesh(c_low, phi_low, c_up, phi_up, Wd, Dd)
        structures[f"disc_{seg}"] = [("annulus", annulus), ("nucleus", nucleus)]
        c_disc = 0.5 * (c_low + c_up)
        frames[f"disc_{seg}"] = dict(center=c_disc, rotation=_frame(phi_m), half_size=np.array([Wd / 2, Dd / 2, h / 2]),
                                     plate_low=(c_low, phi_low), plate_up=(c_up, phi_up))
        disc_info[seg] = (c_disc, phi_m, Dd)
        c_body = c_up + 0.5 * v["body_height"] * _n(phi_up)
        vert_frames[level] = (c_body, phi_up)
        frames[level] = dict(center=c_body, rotation=_frame(phi_up),
                             half_size=np.array([v["body_width"] / 2, v["body_depth"] / 2, v["body_height"] / 2]))
        c_low = c_up + v["body_height"] * _n(phi_up)
        phi_low = phi_up
        below = level
    # A virtual joint above L1 (with T12) so L1 gets superior articular processes.
    v1 = dim.VERTEBRA["L1"]
    c_t12 = c_low + 4.0 * _n(phi_low)
    disc_info["T12_L1"] = (c_t12, phi_low, v1["body_depth"])
    lm["l1_top"] = c_low
    lm["l1_top_angle"] = np.array([phi_low])

    # Facet joints and vertebra meshes.
    ex = np.array([1.0, 0, 0])
    joint_world = {}
    for seg, (c_disc, phi_m, Dd) in disc_info.items():
        fseg = seg if seg in dim.FACET else "L1_L2"
        joint_world[seg] = _facet_point(c_disc, phi_m, Dd, fseg, 1)
        if seg in dim.FACET:
            for side, sgn in (("left", 1), ("right", -1)):
                jw = _facet_point(c_disc, phi_m, Dd, seg, sgn)
                R = _frame(phi_m) @ rotation_z(sgn * dim.FACET[seg]["angle"])
                cap = superellipsoid((0, 0, 0), (1.8, 7.0, 8.5), n_around=12, n_up=7).transformed(R, jw)
                structures[f"facet_{seg}_{side}"] = [("facet", cap)]
                lm[f"facet_{seg}_{side}"] = jw
    for i, level in enumerate(dim.LEVELS):
        c_body, phi = vert_frames[level]
        R = _frame(phi)
        up_seg = "T12_L1" if level == "L1" else f"{dim.LEVELS[i - 1]}_{level}"
        down_seg = f"{level}_{dim.LEVELS[i + 1]}" if i + 1 < len(dim.LEVELS) else "L5_S1"
        j_up = R.T @ (joint_world[up_seg] - c_body)
        j_down = R.T @ (joint_world[down_seg] - c_body)
        mesh = _vertebra_local(level, j_up, j_down, up_seg, down_seg).transformed(R, c_body)
        structures[level] = [("vertebra", mesh)]
        lm[f"{level}_center"] = c_body
        lm[f"{level}_angle"] = np.array([phi])
    del ex
    return structures, frames, lm


def _local_to_world(frames: dict, level: str, p) -> np.ndarray:
    f = frames[level]
    return f["center"] + f["rotation"] @ np.asarray(p, dtype=float)


# --------------------------------------------------------------------------- whole model

def _grid_between(c0: np.ndarray, c1: np.ndarray, nv: int, bulge=None) -> np.ndarray:
    """Surface grid between two curves (nu, 3) with ``nv`` steps; optional bulge vector per v."""
    v = np.linspace(0, 1, nv)
    g = (1 - v)[None, :, None] * c0[:, None, :] + v[None, :, None] * c1[:, None, :]
    if bulge is not None:
        g = g + np.sin(np.pi * v)[None, :, None] * np.asarray(bulge, dtype=float)[None, None, :]
    return g


def _mirror_parts(parts):
    return [(name, mirror_x(m)) for name, m in parts]


@functools.lru_cache(maxsize=16)
def _build(tilt: float, lordosis: float | None) -> LumbopelvicModel:
    pos = posture(tilt, lordosis)
    Rp = rotation_x(pos.tilt)

    def P(p):
        """A point fixed to the pelvis (neutral coordinates) -> world."""
        return np.asarray(p, dtype=float) @ Rp.T

    pelvis_parts, pelvis_lm = _pelvis_cached()
    structures: dict[str, list] = {}
    for sid, parts in pelvis_parts.items():
        structures[sid] = [(n, m.transformed(Rp)) for n, m in parts]
    structures["ilium_right"] = _mirror_parts(structures["ilium_left"])
    structures["si_joint_right"] = _mirror_parts(structures["si_joint_left"])
    landmarks = {k: P(v) for k, v in pelvis_lm.items() if not k.startswith("_")}
    for k in list(landmarks):
        if k.endswith("_left"):
            landmarks[k[:-5] + "_right"] = landmarks[k] * np.array([-1.0, 1, 1])
    femur = _femur_left()
    structures["femoral_head_left"] = [("femur", femur)]
    structures["femoral_head_right"] = [("femur", mirror_x(femur))]
    landmarks["hip_center_left"] = np.array([dim.PROPORTIONS["hip_half_spacing"], 0.0, 0.0])
    landmarks["hip_center_right"] = np.array([-dim.PROPORTIONS["hip_half_spacing"], 0.0, 0.0])

    c_s1 = landmarks["s1_center"]
    spine_structs, frames, spine_lm = _spine(c_s1, pos.sacral_slope, pos.segment_angles)
    structures.update(spine_structs)
    landmarks.update(spine_lm)

    ss = pos.sacral_slope

    def S(x, a, b):
        """Point in the (tilted) sacral frame."""
        return c_s1 + x * np.array([1.0, 0, 0]) + a * _u(ss) + b * _n(ss)

    def V(level, p):
        return _local_to_world(frames, level, p)

    def dims(level):
        v = dim.VERTEBRA[level]
        return v["body_width"], v["body_depth"], v["body_height"], v["canal_width"], v["canal_depth"], v["pedicle_width"]

    # ---- nerves (left built, right mirrored)
    nerves = {}
    for root, (start_lvl, start_b, fora_lvl) in {"L4": ("L4", 0.3, "L4"), "L5": ("L4", -0.2, "L5")}.items():
        W, D, H, cw, cd, pw = dims(fora_lvl)
        Ws, Ds, Hs, cws, cds, _ = dims(start_lvl)
        pts = [V(start_lvl, (6.0, -Ds / 2 - cds * 0.45, start_b * Hs)),
               V(start_lvl, (10.0, -Ds / 2 - cds * 0.3, -0.45 * Hs)) if root == "L5" else None,
               V(fora_lvl, (cw / 2 + 2, -D / 2 - 1, -0.55 * H)),
               V(fora_lvl, (cw / 2 + pw + 6, -D / 2 + 3, -0.75 * H)),
               V(fora_lvl, (W / 2 + 14, 2.0, -H - 6)),
               S(42.0 if root == "L4" else 36.0, 22.0, -30.0),
               S(44.0, 18.0, -52.0)]
        nerves[f"nerve_root_{root}_left"] = tube([p for p in pts if p is not None], [2.6, 2.8, 3.0, 3.2, 3.4],
                                                 n=14, n_around=7)
    W5, D5, H5, cw5, cd5, pw5 = dims("L5")
    s1_pts = [V("L5", (7.0, -D5 / 2 - cd5 * 0.45, 0.2 * H5)), V("L5", (11.0, -D5 / 2 - cd5 * 0.3, -0.6 * H5)),
              S(14.0, -S1_DEPTH / 2 - 6, -14.0), S(22.0, -6.0, -24.0), S(28.0, 22.0, -30.0), S(44.0, 20.0, -54.0)]
    nerves["nerve_root_S1_left"] = tube(s1_pts, [3.0, 3.2, 3.4], n=12, n_around=7)
    notch = landmarks["sciatic_notch_left"]
    hip = landmarks["hip_center_left"]
    sciatic_pts = [S(44.0, 18.0, -52.0), notch + np.array([2.0, 4.0, 0.0]),
                   np.array([hip[0] + 6.0, -42.0, -40.0]), np.array([hip[0] + 8, -46.0, -110.0]),
                   np.array([hip[0] + 10, -40.0, -215.0])]
    nerves["sciatic_nerve_left"] = tube(sciatic_pts, [6.5, 7.0, 7.0, 6.5], n=16, n_around=8)
    for sid, m in nerves.items():
        structures[sid] = [("nerve", m)]
        structures[sid.replace("_left", "_right")] = [("nerve", mirror_x(m))]

    # ---- muscles (left built, right mirrored)
    muscles = {}
    # Erector spinae: column lateral to the spinous processes, from the ribs to the sacrum and iliac crest.
    es = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        es.append(V(lvl, (36.0, -D / 2 - cd - 10, 0.0)))
    top = es[0] + 45.0 * _n(float(landmarks["L1_angle"][0]))
    es = [top] + es + [S(34.0, -S1_DEPTH / 2 - 30, -25.0), P((48.0, -96.0, 96.0))]
    muscles["erector_spinae_left"] = tube(es, [15.0, 17.0, 18.0, 18.0, 17.0, 15.0, 12.0, 9.0], n=16, n_around=10,
                                          up=(1.0, 0, 0), flatten=0.8)
    mf = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        mf.append(V(lvl, (13.0, -D / 2 - cd - 6, -0.2 * H)))
    mf = [mf[0] + 22.0 * _n(float(landmarks["L1_angle"][0]))] + mf + [S(16.0, -S1_DEPTH / 2 - 14, -30.0),
                                                                       S(14.0, -S1_DEPTH / 2 - 8, -58.0)]
    muscles["multifidus_left"] = tube(mf, [5.0, 7.0, 8.0, 9.0, 10.0, 10.0, 8.0, 5.0], n=16, n_around=8,
                                      up=(1.0, 0, 0), flatten=1.2)
    # Quadratus lumborum: sheet from the iliac crest up to the 12th rib and the transverse processes.
    med = []
    for lvl in ("L1", "L2", "L3", "L4"):
        W, D, H, cw, cd, pw = dims(lvl)
        med.append(V(lvl, (dim.VERTEBRA[lvl]["tp_span"] / 2 + 2, -D / 2 - cd * 0.3, 2.0)))
    med = [med[0] + 30.0 * _n(float(landmarks["L1_angle"][0])) + np.array([0, 4.0, 0])] + med + [P((70.0, -60.0, 140.0))]
    lat = [med[0] + np.array([55.0, 10.0, -10.0]), P((112.0, -40.0, 158.0))]
    medc = resample(med, 8)
    latc = resample(lat, 8)
    muscles["quadratus_lumborum_left"] = thick_sheet(_grid_between(medc, latc, 4), 11.0)
    # Gluteus maximus: thick sheet from the back of the ilium, sacrum and coccyx to the femur.
    o = resample([P((62, -90, 128)), P((42, -104, 96)), P((24, -100, 56)), P((12, -84, 18))], 8)
    ins = resample([(138.0, -18.0, -30.0), (136.0, -22.0, -62.0), (130.0, -18.0, -96.0),
                           (124.0, -12.0, -128.0)], 8)
    muscles["gluteus_maximus_left"] = thick_sheet(_grid_between(o, ins, 7, bulge=(6.0, -42.0, 0.0)), 20.0)
    # Gluteus medius: fan from the outer iliac wing below the crest to the greater trochanter.
    wing = np.asarray(pelvis_lm["_wing_grid_left"])
    org = wing[2:15, 1] + np.array([9.0, 0.0, -4.0])
    org = np.array([P(p) for p in org])
    gt = resample([(128.0, -18.0, -22.0), (134.0, -6.0, -16.0), (130.0, 6.0, -20.0)], org.shape[0])
    muscles["gluteus_medius_left"] = thick_sheet(_grid_between(org, gt, 6, bulge=(10.0, 0.0, 0.0)), 15.0)
    # Hamstrings (origin and upper bellies): from the ischial tuberosity down the back of the thigh.
    isch = landmarks["ischial_tuberosity_left"]
    muscles["hamstrings_origin_left"] = tube([isch + np.array([0, -4.0, -6.0]), (74.0, -52.0, -130.0),
                                              (86.0, -54.0, -200.0)], [9.0, 20.0, 22.0], n=10, n_around=10)
    # Iliopsoas: psoas from the sides of L1-L5 over the pelvic brim to the lesser trochanter.
    ps = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        ps.append(V(lvl, (W / 2 + 6 + 3 * dim.LEVELS.index(lvl), -4.0, 0.0)))
    ps = ps + [P((62.0, 18.0, 58.0)), P((74.0, 34.0, 22.0)), np.array([82.0, 34.0, -8.0]), np.array([104.0, 0.0, -62.0])]
    muscles["iliopsoas_left"] = tube(ps, [7.0, 10.0, 13.0, 16.0, 18.0, 18.0, 16.0, 12.0, 7.0], n=18, n_around=10)
    for sid, m in muscles.items():
        structures[sid] = [("muscle", m)]
        structures[sid.replace("_left", "_right")] = [("muscle", mirror_x(m))]
    # Abdominal wall: curved sheet in front, from the pubis and iliac crests up to the ribs.
    l1 = landmarks["L1_center"]
    thetas = np.radians(np.linspace(-20, 200, 14))
    z_top = l1[2] + 55.0
    rows = []
    for s in np.linspace(0, 1, 7):
        row = []
        for th in thetas:
            side = abs(math.cos(th))
            z_bot = float(P((0, 44.0, -30.0))[2]) + (165.0 + 30.0) * side ** 1.4
            z = z_bot + s * (z_top - z_bot)
            yc = l1[1] * 0.6 + 20.0
            row.append((150.0 * math.cos(th), yc + 118.0 * math.sin(th) - 20.0 * side, z))
        rows.append(row)
    structures["abdominal_wall"] = [("muscle", thick_sheet(np.array(rows).transpose(1, 0, 2), 9.0))]

    ordered = {sid: Structure(sid, STRUCTURE_LAYERS[sid], tuple(structures[sid])) for sid in STRUCTURE_IDS}
    return LumbopelvicModel(posture=pos, structures=ordered, frames=frames, landmarks=landmarks)


def build_model(tilt: float = 0.0, lordosis: float | None = None) -> LumbopelvicModel:
    """Build every structure for a pelvic-tilt change ``tilt`` [deg, anterior +].

    Cached: repeated calls with the same (rounded to 0.5 deg) parameters return
    the same object. Raises ``ValueError`` (plain words) outside the limits.
    """
    t = _check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    ll = None if lordosis is None else _check_number("Lordosis", lordosis, *dim.LORDOSIS_LIMITS)
    t = round(t * 2) / 2
    ll = None if ll is None else round(ll * 2) / 2
    return _build(t, ll)


# --------------------------------------------------------------------------- sagittal outline

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
    for seg in _SEGMENTS:
        f = m.frames[f"disc_{seg}"]
        hd = f["half_size"][1]
        (c0, p0), (c1, p1) = f["plate_low"], f["plate_up"]
        pts = [c1 + hd * _u(p1), c1 - hd * _u(p1), c0 - hd * _u(p0), c0 + hd * _u(p0)]
        out["discs"][seg] = np.array([yz(p) for p in pts])
    Rp = rotation_x(m.posture.tilt)
    ts = np.linspace(0, 1, 9)
    a, b, w, d = _sacrum_profile(ts)
    c_s1 = m.landmarks["s1_center"]
    ss = m.posture.sacral_slope
    front = [c_s1 + (a[i] + d[i] / 2 * 0.8) * _u(ss) + b[i] * _n(ss) for i in range(ts.size)]
    back = [c_s1 + (a[i] - d[i] / 2) * _u(ss) + b[i] * _n(ss) for i in range(ts.size)]
    out["sacrum"] = np.array([yz(p) for p in front + back[::-1]])
    lm = m.landmarks
    hip = lm["hip_center_left"]
    pelvis_pts = [lm["psis_left"], lm["crest_top_left"], lm["asis_left"], lm["aiis_left"],
                  (np.array([90.0, 30.0, 10.0]) @ Rp.T), lm["pubic_symphysis"] + np.array([0, 4.0, 10.0]),
                  lm["pubic_symphysis"] - np.array([0, 0, 14.0]), lm["ischial_tuberosity_left"] + np.array([0, 10.0, -6.0]),
                  lm["ischial_tuberosity_left"] - np.array([0, 8.0, 0.0]),
                  (np.array([70.0, -48.0, -20.0]) @ Rp.T), lm["sciatic_notch_left"], lm["piis_left"]]
    out["pelvis"] = np.array([yz(p) for p in pelvis_pts])
    out["hip"] = yz(hip)
    out["ischial_tuberosity"] = yz(lm["ischial_tuberosity_left"])
    out["asis"] = yz(lm["asis_left"])
    out["psis"] = yz(lm["psis_left"])
    out["s1_post"] = yz(c_s1 - S1_DEPTH / 2 * _u(ss))
    out["s1_ant"] = yz(c_s1 + S1_DEPTH / 2 * _u(ss))
    out["s1_center"] = yz(c_s1)
    out["femur"] = np.array([[hip[1], hip[2]], [6.0, -220.0], [8.0, -420.0]])
    out["knee"] = np.array([4.0, -430.0])
    out["lesser_trochanter"] = np.array([0.0, -62.0])
    l3 = m.frames["L3"]
    out["l3_front"] = yz(l3["center"] + l3["half_size"][1] * l3["rotation"][:, 1])
    l1 = m.frames["L1"]
    out["l1_top_plate"] = (yz(lm["l1_top"]), float(lm["l1_top_angle"][0]))
    return out


# --------------------------------------------------------------------------- nerve roots

def nerve_root_at_disc(disc_id: str, where: str = "posterolateral") -> str:
    """The nerve root a herniation of ``disc_id`` usually irritates (N04, spine_text).

    A posterolateral herniation (the common kind) presses on the root that
    crosses the disc on its way down: L4-L5 -> L5 root, L5-S1 -> S1 root. A
    far-lateral (foraminal) herniation catches the root exiting at that level:
    L4-L5 -> L4 root.
    """
    seg = disc_id.removeprefix("disc_")
    if seg not in _SEGMENTS:
        raise ValueError(f"unknown disc {disc_id!r}")
    upper, lower = seg.split("_")
    root = lower if where == "posterolateral" else upper
    if where not in ("posterolateral", "far_lateral"):
        raise ValueError("where must be 'posterolateral' or 'far_lateral'")
    return f"nerve_root_{root}"


# --------------------------------------------------------------------------- gait

#: The load simulator's muscle groups (runback_widgets.loadsim) and the structures in each.
GAIT_GROUPS = {
    "hip_abductors": ("gluteus_medius",),
    "hip_extensors": ("gluteus_maximus", "hamstrings_origin"),
    "deep_core": ("multifidus", "abdominal_wall"),
    "lumbar_extensors": ("erector_spinae", "quadratus_lumborum"),
}

#: Running gait cycle from right foot strike: right stance, flight, left stance, flight (fractions).
STANCE_FRACTION = 0.38
#: Contralateral pelvic drop at mid-stance with normal hip abductors, and the extra drop
#: with no abductor reserve [deg] (illustrative sizes; more drop is linked to injury, bramah_2018).
PELVIC_DROP_NORMAL = 4.0
PELVIC_DROP_EXTRA = 9.0
#: Pelvic drop [deg] above which the model labels a Trendelenburg-type (positive) sign.
TRENDELENBURG_THRESHOLD = 8.0
#: Amplitude of sacroiliac nutation / counter-nutation over a stride [deg] (a few degrees or
#: less; vleeming_2012, N06).
SI_AMPLITUDE = 1.5


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
        ``STANCE_FRACTION``, then flight, left stance from 0.5, then flight.
    abductor_strength : float
        Hip-abductor strength relative to a well-conditioned runner (0.2..1).

    Notes
    -----
    Mid-stance demand on the stance-side hip abductors holds the opposite
    (swing-side) pelvis up. What weak abductors cannot carry shows as extra
    pelvic drop on the swing side and extra work for the lumbar extensors and
    quadratus lumborum (A09; bramah_2018). Illustrative, not fitted to data.
    """
    ph = _check_number("Gait phase", phase, 0.0, 1.0) % 1.0
    s = _check_number("Hip-abductor strength", abductor_strength, 0.2, 1.0)
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
        working += [f"gluteus_medius_{stance}", f"gluteus_maximus_{stance}", f"hamstrings_origin_{stance}",
                    "multifidus_left", "multifidus_right", f"quadratus_lumborum_{swing}", f"erector_spinae_{swing}"]
    else:
        working += ["hamstrings_origin_left", "hamstrings_origin_right", "iliopsoas_left", "iliopsoas_right",
                    "multifidus_left", "multifidus_right"]
    rot = SI_AMPLITUDE * math.sin(2 * math.pi * ph)
    return GaitState(phase=ph, stance_side=stance, swing_side=swing, pelvic_drop=round(drop, 3),
                     trendelenburg=drop > TRENDELENBURG_THRESHOLD, effort=effort, working=tuple(working),
                     si_rotation={"right": round(rot, 3), "left": round(-rot, 3)})

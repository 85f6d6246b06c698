"""The whole 3D model: pelvis tilted, spine stacked, nerves and muscles attached (numpy only)."""

from __future__ import annotations

import functools
import math

import numpy as np

from . import dimensions as dim
from .frames import S1_DEPTH, along, local_to_world, normal
from .geometry import mirror_x, resample, rotation_x, thick_sheet, tube
from .pelvis import femur_left, pelvis_neutral_cached
from .posture import check_number, posture
from .spine import spine
from .structures import STRUCTURE_IDS, STRUCTURE_LAYERS, LumbopelvicModel, Structure

__all__ = ["build_model"]


def _grid_between(c0: np.ndarray, c1: np.ndarray, nv: int, bulge=None) -> np.ndarray:
    """Surface grid between two curves (nu, 3) with ``nv`` steps; optional bulge vector per v."""
    v = np.linspace(0, 1, nv)
    g = (1 - v)[None, :, None] * c0[:, None, :] + v[None, :, None] * c1[:, None, :]
    if bulge is not None:
        g = g + np.sin(np.pi * v)[None, :, None] * np.asarray(bulge, dtype=float)[None, None, :]
    return g


def _mirror_parts(parts):
    return [(name, mirror_x(m)) for name, m in parts]


class _Place:
    """Where things go once the pelvis is tilted and the spine stacked: point helpers."""

    def __init__(
        self,
        tilt_rotation: np.ndarray,
        c_s1: np.ndarray,
        sacral_slope: float,
        frames: dict,
        landmarks: dict,
        pelvis_landmarks: dict,
    ):
        self.R, self.c_s1, self.ss = tilt_rotation, c_s1, sacral_slope
        self.frames, self.landmarks, self.pelvis_landmarks = frames, landmarks, pelvis_landmarks

    def P(self, p) -> np.ndarray:
        """A point fixed to the pelvis (neutral coordinates) -> world."""
        return np.asarray(p, dtype=float) @ self.R.T

    def S(self, x, a, b) -> np.ndarray:
        """A point in the (tilted) sacral frame."""
        return self.c_s1 + x * np.array([1.0, 0, 0]) + a * along(self.ss) + b * normal(self.ss)

    def V(self, level, p) -> np.ndarray:
        """A point in a vertebra's local frame."""
        return local_to_world(self.frames, level, p)

    @staticmethod
    def dims(level):
        v = dim.VERTEBRA[level]
        return (
            v["body_width"],
            v["body_depth"],
            v["body_height"],
            v["canal_width"],
            v["canal_depth"],
            v["pedicle_width"],
        )


def _nerves(pl: _Place) -> dict:
    """Nerve roots L4, L5, S1 and the sciatic nerve (left built, right mirrored)."""
    S, V, dims, landmarks = pl.S, pl.V, pl.dims, pl.landmarks
    structures: dict[str, list] = {}
    nerves = {}
    for root, (start_lvl, start_b, fora_lvl) in {"L4": ("L4", 0.3, "L4"), "L5": ("L4", -0.2, "L5")}.items():
        W, D, H, cw, cd, pw = dims(fora_lvl)
        Ws, Ds, Hs, cws, cds, _ = dims(start_lvl)
        pts = [
            V(start_lvl, (6.0, -Ds / 2 - cds * 0.45, start_b * Hs)),
            V(start_lvl, (10.0, -Ds / 2 - cds * 0.3, -0.45 * Hs)) if root == "L5" else None,
            V(fora_lvl, (cw / 2 + 2, -D / 2 - 1, -0.55 * H)),
            V(fora_lvl, (cw / 2 + pw + 6, -D / 2 + 3, -0.75 * H)),
            V(fora_lvl, (W / 2 + 14, 2.0, -H - 6)),
            S(42.0 if root == "L4" else 36.0, 22.0, -30.0),
            S(44.0, 18.0, -52.0),
        ]
        nerves[f"nerve_root_{root}_left"] = tube(
            [p for p in pts if p is not None], [2.6, 2.8, 3.0, 3.2, 3.4], n=14, n_around=7
        )
    W5, D5, H5, cw5, cd5, pw5 = dims("L5")
    s1_pts = [
        V("L5", (7.0, -D5 / 2 - cd5 * 0.45, 0.2 * H5)),
        V("L5", (11.0, -D5 / 2 - cd5 * 0.3, -0.6 * H5)),
        S(14.0, -S1_DEPTH / 2 - 6, -14.0),
        S(22.0, -6.0, -24.0),
        S(28.0, 22.0, -30.0),
        S(44.0, 20.0, -54.0),
    ]
    nerves["nerve_root_S1_left"] = tube(s1_pts, [3.0, 3.2, 3.4], n=12, n_around=7)
    notch = landmarks["sciatic_notch_left"]
    hip = landmarks["hip_center_left"]
    sciatic_pts = [
        S(44.0, 18.0, -52.0),
        notch + np.array([2.0, 4.0, 0.0]),
        np.array([hip[0] + 6.0, -42.0, -40.0]),
        np.array([hip[0] + 8, -46.0, -110.0]),
        np.array([hip[0] + 10, -40.0, -215.0]),
    ]
    nerves["sciatic_nerve_left"] = tube(sciatic_pts, [6.5, 7.0, 7.0, 6.5], n=16, n_around=8)
    for sid, m in nerves.items():
        structures[sid] = [("nerve", m)]
        structures[sid.replace("_left", "_right")] = [("nerve", mirror_x(m))]

    return structures


def _muscles(pl: _Place) -> dict:
    """The muscles around the lumbar spine and hip (left built, right mirrored) and the abdominal wall."""
    P, S, V, dims, landmarks, pelvis_lm = pl.P, pl.S, pl.V, pl.dims, pl.landmarks, pl.pelvis_landmarks
    structures: dict[str, list] = {}
    muscles = {}
    # Erector spinae: column lateral to the spinous processes, from the ribs to the sacrum and iliac crest.
    es = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        es.append(V(lvl, (36.0, -D / 2 - cd - 10, 0.0)))
    top = es[0] + 45.0 * normal(float(landmarks["L1_angle"][0]))
    es = [top] + es + [S(34.0, -S1_DEPTH / 2 - 30, -25.0), P((48.0, -96.0, 96.0))]
    muscles["erector_spinae_left"] = tube(
        es, [15.0, 17.0, 18.0, 18.0, 17.0, 15.0, 12.0, 9.0], n=16, n_around=10, up=(1.0, 0, 0), flatten=0.8
    )
    mf = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        mf.append(V(lvl, (13.0, -D / 2 - cd - 6, -0.2 * H)))
    mf = (
        [mf[0] + 22.0 * normal(float(landmarks["L1_angle"][0]))]
        + mf
        + [S(16.0, -S1_DEPTH / 2 - 14, -30.0), S(14.0, -S1_DEPTH / 2 - 8, -58.0)]
    )
    muscles["multifidus_left"] = tube(
        mf, [5.0, 7.0, 8.0, 9.0, 10.0, 10.0, 8.0, 5.0], n=16, n_around=8, up=(1.0, 0, 0), flatten=1.2
    )
    # Quadratus lumborum: sheet from the iliac crest up to the 12th rib and the transverse processes.
    med = []
    for lvl in ("L1", "L2", "L3", "L4"):
        W, D, H, cw, cd, pw = dims(lvl)
        med.append(V(lvl, (dim.VERTEBRA[lvl]["tp_span"] / 2 + 2, -D / 2 - cd * 0.3, 2.0)))
    med = (
        [med[0] + 30.0 * normal(float(landmarks["L1_angle"][0])) + np.array([0, 4.0, 0])]
        + med
        + [P((70.0, -60.0, 140.0))]
    )
    lat = [med[0] + np.array([55.0, 10.0, -10.0]), P((112.0, -40.0, 158.0))]
    medc = resample(med, 8)
    latc = resample(lat, 8)
    muscles["quadratus_lumborum_left"] = thick_sheet(_grid_between(medc, latc, 4), 11.0)
    # Gluteus maximus: thick sheet from the back of the ilium, sacrum and coccyx to the femur.
    o = resample([P((62, -90, 128)), P((42, -104, 96)), P((24, -100, 56)), P((12, -84, 18))], 8)
    ins = resample([(138.0, -18.0, -30.0), (136.0, -22.0, -62.0), (130.0, -18.0, -96.0), (124.0, -12.0, -128.0)], 8)
    muscles["gluteus_maximus_left"] = thick_sheet(_grid_between(o, ins, 7, bulge=(6.0, -42.0, 0.0)), 20.0)
    # Gluteus medius: fan from the outer iliac wing below the crest to the greater trochanter.
    wing = np.asarray(pelvis_lm["_wing_grid_left"])
    org = wing[2:15, 1] + np.array([9.0, 0.0, -4.0])
    org = np.array([P(p) for p in org])
    gt = resample([(128.0, -18.0, -22.0), (134.0, -6.0, -16.0), (130.0, 6.0, -20.0)], org.shape[0])
    muscles["gluteus_medius_left"] = thick_sheet(_grid_between(org, gt, 6, bulge=(10.0, 0.0, 0.0)), 15.0)
    # Hamstrings (origin and upper bellies): from the ischial tuberosity down the back of the thigh.
    isch = landmarks["ischial_tuberosity_left"]
    muscles["hamstrings_origin_left"] = tube(
        [isch + np.array([0, -4.0, -6.0]), (74.0, -52.0, -130.0), (86.0, -54.0, -200.0)],
        [9.0, 20.0, 22.0],
        n=10,
        n_around=10,
    )
    # Iliopsoas: psoas from the sides of L1-L5 over the pelvic brim to the lesser trochanter.
    ps = []
    for lvl in dim.LEVELS:
        W, D, H, cw, cd, pw = dims(lvl)
        ps.append(V(lvl, (W / 2 + 6 + 3 * dim.LEVELS.index(lvl), -4.0, 0.0)))
    ps = ps + [
        P((62.0, 18.0, 58.0)),
        P((74.0, 34.0, 22.0)),
        np.array([82.0, 34.0, -8.0]),
        np.array([104.0, 0.0, -62.0]),
    ]
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
            z_bot = float(P((0, 44.0, -30.0))[2]) + (165.0 + 30.0) * side**1.4
            z = z_bot + s * (z_top - z_bot)
            yc = l1[1] * 0.6 + 20.0
            row.append((150.0 * math.cos(th), yc + 118.0 * math.sin(th) - 20.0 * side, z))
        rows.append(row)
    structures["abdominal_wall"] = [("muscle", thick_sheet(np.array(rows).transpose(1, 0, 2), 9.0))]

    return structures


#: Models for every tilt the controls can reach: ``build_model`` rounds to half a degree within
#: ``dimensions.TILT_LIMITS`` (53 tilts, ~0.7 MB each), so all of them stay cached.
TILT_STEPS = round((dim.TILT_LIMITS[1] - dim.TILT_LIMITS[0]) * 2) + 1


@functools.lru_cache(maxsize=TILT_STEPS + 8)
def _build(tilt: float, lordosis: float | None) -> LumbopelvicModel:
    pos = posture(tilt, lordosis)
    Rp = rotation_x(pos.tilt)

    pelvis_parts, pelvis_lm = pelvis_neutral_cached()
    structures: dict[str, list] = {}
    for sid, parts in pelvis_parts.items():
        structures[sid] = [(n, m.transformed(Rp)) for n, m in parts]
    structures["ilium_right"] = _mirror_parts(structures["ilium_left"])
    structures["si_joint_right"] = _mirror_parts(structures["si_joint_left"])
    landmarks = {k: v @ Rp.T for k, v in pelvis_lm.items() if not k.startswith("_")}
    for k in list(landmarks):
        if k.endswith("_left"):
            landmarks[k[:-5] + "_right"] = landmarks[k] * np.array([-1.0, 1, 1])
    femur = femur_left()
    structures["femoral_head_left"] = [("femur", femur)]
    structures["femoral_head_right"] = [("femur", mirror_x(femur))]
    landmarks["hip_center_left"] = np.array([dim.PROPORTIONS["hip_half_spacing"], 0.0, 0.0])
    landmarks["hip_center_right"] = np.array([-dim.PROPORTIONS["hip_half_spacing"], 0.0, 0.0])

    c_s1 = landmarks["s1_center"]
    spine_structs, frames, spine_lm = spine(c_s1, pos.sacral_slope, pos.segment_angles)
    structures.update(spine_structs)
    landmarks.update(spine_lm)

    pl = _Place(Rp, c_s1, pos.sacral_slope, frames, landmarks, pelvis_lm)
    structures.update(_nerves(pl))
    structures.update(_muscles(pl))
    ordered = {sid: Structure(sid, STRUCTURE_LAYERS[sid], tuple(structures[sid])) for sid in STRUCTURE_IDS}
    return LumbopelvicModel(posture=pos, structures=ordered, frames=frames, landmarks=landmarks)


def build_model(tilt: float = 0.0, lordosis: float | None = None) -> LumbopelvicModel:
    """Build every structure for a pelvic-tilt change ``tilt`` [deg, anterior +].

    Cached: repeated calls with the same (rounded to 0.5 deg) parameters return
    the same object. Raises ``ValueError`` (plain words) outside the limits.
    """
    t = check_number("Pelvic tilt", tilt, *dim.TILT_LIMITS)
    ll = None if lordosis is None else check_number("Lordosis", lordosis, *dim.LORDOSIS_LIMITS)
    t = round(t * 2) / 2
    ll = None if ll is None else round(ll * 2) / 2
    return _build(t, ll)


def every_tilt() -> tuple[LumbopelvicModel, ...]:
    """The model at every tilt the controls can reach (0.5-deg steps over the tilt limits),
    built once and cached: ``TILT_STEPS`` models, lowest tilt first."""
    lo = dim.TILT_LIMITS[0]
    return tuple(build_model(lo + k / 2) for k in range(TILT_STEPS))


def build_every_tilt() -> int:
    """Build (and cache) the model at every tilt the controls can reach; returns how many.

    A classroom server's kernel parent does this once (``voila/zygote.py``), so every page
    forked from it moves the pelvis without building geometry (~40 ms per tilt)."""
    return len(every_tilt())

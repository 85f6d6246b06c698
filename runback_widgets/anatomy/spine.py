"""The lumbar spine: vertebrae, discs and facet joints stacked on the S1 end plate (numpy only)."""

from __future__ import annotations

import math

import numpy as np

from . import dimensions as dim
from .frames import S1_DEPTH, S1_WIDTH, along, facet_point, frame, normal
from .geometry import Mesh, merge, rotation_z, skin, superellipsoid, tube

__all__ = ["spine"]


def _vertebra_local(level: str, j_up: np.ndarray | None, j_down: np.ndarray, seg_up: str | None, seg_down: str) -> Mesh:
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
    ap = -D / 2 + 4.0  # back wall (after the concavity)
    xp = cw / 2 + pw / 2
    lp = cd * 0.55
    bp = 0.12 * H
    parts = [body]
    for sgn in (1, -1):
        ped = tube(
            [(sgn * xp, ap + 2, bp), (sgn * xp, ap - lp, bp)],
            [7.5, 7.5],
            n=3,
            n_around=8,
            up=(0, 0, 1),
            flatten=(pw / 2) / 7.5,
        )
        lam = tube(
            [(sgn * xp, ap - lp, bp - 1), (sgn * xp * 0.5, ap - cd + 1, bp - 5), (0, ap - cd - 3, bp - 6)],
            [10.0, 10.0, 9.0],
            n=4,
            n_around=8,
            up=(0, 0, 1),
            flatten=0.35,
        )
        tp_len = v["tp_span"] / 2
        tpr = 7.0 if level == "L5" else 5.0
        tp = tube(
            [
                (sgn * (xp + pw / 2 - 2), ap - lp + 1, bp + 1),
                (sgn * tp_len * 0.75, ap - lp - 5, bp + 2.5),
                (sgn * tp_len, ap - lp - 7, bp + (5 if level == "L5" else 3)),
            ],
            [tpr, tpr * 0.85, tpr * 0.65],
            n=5,
            n_around=8,
            up=(0, 0, 1),
            flatten=0.75,
        )
        jd = j_down * np.array([sgn, 1, 1])
        iap = tube(
            [
                (sgn * cw * 0.42, ap - cd * 0.9, bp - 7),
                jd + np.array([-sgn * 3.5, -1.0, -1.0]),
                jd + np.array([-sgn * 3.5, -1.5, -7.0]),
            ],
            [6.0, 5.5, 4.5],
            n=5,
            n_around=8,
            up=(0, 0, 1),
            flatten=0.8,
        )
        parts += [ped, lam, tp, iap]
        if j_up is not None:
            ju = j_up * np.array([sgn, 1, 1])
            sap = tube(
                [
                    (sgn * xp, ap - lp - 1, bp + 3),
                    ju + np.array([sgn * 3.5, 0.5, -2.0]),
                    ju + np.array([sgn * 3.5, 0.0, 5.0]),
                ],
                [6.5, 5.5, 4.5],
                n=5,
                n_around=8,
                up=(0, 0, 1),
                flatten=0.8,
            )
            parts.append(sap)
    sl = v["spinous_length"]
    sph = 10.0 if level != "L5" else 8.0
    spin = tube(
        [(0, ap - cd - 1, bp - 5), (0, ap - cd - sl * 0.6, bp - 7), (0, ap - cd - sl, bp - 9)],
        [sph, sph * 1.05, sph * 0.95],
        n=5,
        n_around=8,
        up=(0, 0, 1),
        flatten=0.33,
    )
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
        p0 = c0[None, :] + xs[:, None] * ex + ys[:, None] * along(phi0)
        p1 = c1[None, :] + xs[:, None] * ex + ys[:, None] * along(phi1)
        p = (1 - s) * p0 + s * p1
        mid = (1 - s) * c0 + s * c1
        rings.append(mid + (p - mid) * grow)
    annulus = skin(np.array(rings))
    cm = 0.5 * (c0 + c1)
    phim = 0.5 * (phi0 + phi1)
    h = float(np.linalg.norm(c1 - c0))
    nucleus = superellipsoid((0, 0, 0), (0.3 * W, 0.27 * D, 0.36 * h), n_around=12, n_up=7)
    nucleus = nucleus.transformed(frame(phim), cm - 0.08 * D * along(phim))
    return annulus, nucleus


def spine(c_s1: np.ndarray, ss: float, seg_angles: dict) -> tuple[dict, dict, dict]:
    """Stack discs and vertebrae on the S1 end plate (world coordinates)."""
    structures: dict[str, list] = {}
    frames: dict[str, dict] = {}
    lm: dict[str, np.ndarray] = {}
    c_low, phi_low = c_s1, ss
    order = list(reversed(dim.LEVELS))  # L5 first
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
        c_up = c_low + h * normal(phi_m)
        Wd = 0.5 * (v["body_width"] + dv_below["body_width"])
        Dd = 0.5 * (v["body_depth"] + dv_below["body_depth"])
        annulus, nucleus = _disc_mesh(c_low, phi_low, c_up, phi_up, Wd, Dd)
        structures[f"disc_{seg}"] = [("annulus", annulus), ("nucleus", nucleus)]
        c_disc = 0.5 * (c_low + c_up)
        frames[f"disc_{seg}"] = dict(
            center=c_disc,
            rotation=frame(phi_m),
            half_size=np.array([Wd / 2, Dd / 2, h / 2]),
            plate_low=(c_low, phi_low),
            plate_up=(c_up, phi_up),
        )
        disc_info[seg] = (c_disc, phi_m, Dd)
        c_body = c_up + 0.5 * v["body_height"] * normal(phi_up)
        vert_frames[level] = (c_body, phi_up)
        frames[level] = dict(
            center=c_body,
            rotation=frame(phi_up),
            half_size=np.array([v["body_width"] / 2, v["body_depth"] / 2, v["body_height"] / 2]),
        )
        c_low = c_up + v["body_height"] * normal(phi_up)
        phi_low = phi_up
        below = level
    # A virtual joint above L1 (with T12) so L1 gets superior articular processes.
    v1 = dim.VERTEBRA["L1"]
    c_t12 = c_low + 4.0 * normal(phi_low)
    disc_info["T12_L1"] = (c_t12, phi_low, v1["body_depth"])
    lm["l1_top"] = c_low
    lm["l1_top_angle"] = np.array([phi_low])

    # Facet joints and vertebra meshes.
    ex = np.array([1.0, 0, 0])
    joint_world = {}
    for seg, (c_disc, phi_m, Dd) in disc_info.items():
        fseg = seg if seg in dim.FACET else "L1_L2"
        joint_world[seg] = facet_point(c_disc, phi_m, Dd, fseg, 1)
        if seg in dim.FACET:
            for side, sgn in (("left", 1), ("right", -1)):
                jw = facet_point(c_disc, phi_m, Dd, seg, sgn)
                R = frame(phi_m) @ rotation_z(sgn * dim.FACET[seg]["angle"])
                cap = superellipsoid((0, 0, 0), (1.8, 7.0, 8.5), n_around=12, n_up=7).transformed(R, jw)
                structures[f"facet_{seg}_{side}"] = [("facet", cap)]
                lm[f"facet_{seg}_{side}"] = jw
    for i, level in enumerate(dim.LEVELS):
        c_body, phi = vert_frames[level]
        R = frame(phi)
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

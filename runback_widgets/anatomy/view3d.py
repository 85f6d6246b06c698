"""The 3D view's geometry, computed where it can be tested: scene box, camera fit, label placement.

Plotly draws a ``scene`` with fixed axis ranges and ``aspectmode="manual"`` as a box centred
at the origin whose sides are the ``aspectratio`` values; the camera looks from ``eye`` at
``center`` (both in that box's units) with a perspective of 45° vertical field of view, the
viewport's width/height as aspect. :func:`project` repeats that, so the layout can be checked
without a browser (tests/unit/test_anatomy_view3d.py).

* :func:`scene_box`: axis ranges fixed to the model's extent over every tilt and layer (the
  model never jumps when a layer or the tilt changes, and the box holds nothing but model);
* :func:`fit_distance`: how far the eye must sit so the model fills a viewport of a given
  aspect (the camera presets become "direction + fitted distance");
* :func:`place_labels`: text labels for one camera, none overlapping: a structure hidden behind
  another one from this camera (L1-L5 from above) is not labelled, a left/right pair seen
  edge-on gets one label, each label sits beside its structure on screen and in front of the
  model (so the bones cannot hide it).

Numpy only (the figures layer turns this into plotly dicts).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import dimensions as dim
from .meshes import build_model
from .structures import LumbopelvicModel

__all__ = [
    "FOVY",
    "SceneBox",
    "scene_box",
    "project",
    "view_basis",
    "fit_distance",
    "distance_table",
    "FIT_ASPECTS",
    "Label",
    "label_candidates",
    "place_labels",
    "label_boxes",
]

#: plotly's (gl-plot3d's) perspective: vertical field of view [rad].
FOVY = math.pi / 4
#: Part of the viewport the model may use in its limiting direction (the rest: a thin margin).
FILL = 0.94
#: Viewport aspects (width / height) the fitted distances are tabulated for (phone portrait
#: to a projector's wide column); the browser interpolates (runback-layout.js).
FIT_ASPECTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.4, 2.8, 3.4)


@dataclass(frozen=True)
class SceneBox:
    """Fixed axis ranges [mm] and the matching ``aspectratio`` (box sides, largest 1)."""

    ranges: tuple  # ((x0, x1), (y0, y1), (z0, z1))
    aspect: tuple  # (ax, ay, az)
    points: np.ndarray  # (n, 3) vertices the camera fits to: the layers shown by default, every tilt [mm]
    front_points: np.ndarray  # (m, 3) the same, thinner (labels go in front of them)

    def normalize(self, p) -> np.ndarray:
        """Data coordinates [mm] -> the scene box's units (origin at the box centre)."""
        p = np.asarray(p, dtype=float)
        lo = np.array([r[0] for r in self.ranges])
        hi = np.array([r[1] for r in self.ranges])
        return (p - (lo + hi) / 2) / (hi - lo) * np.array(self.aspect)

    def denormalize(self, q) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        lo = np.array([r[0] for r in self.ranges])
        hi = np.array([r[1] for r in self.ranges])
        return q / np.array(self.aspect) * (hi - lo) + (lo + hi) / 2

    def layout(self) -> dict:
        """The plotly ``scene`` keys for this box."""
        return dict(
            aspectmode="manual",
            aspectratio=dict(zip("xyz", (float(a) for a in self.aspect))),
            xaxis=dict(range=list(self.ranges[0]), autorange=False),
            yaxis=dict(range=list(self.ranges[1]), autorange=False),
            zaxis=dict(range=list(self.ranges[2]), autorange=False),
        )


def _vertices(built: LumbopelvicModel, skip_layers=()) -> np.ndarray:
    return np.vstack(
        [m.vertices for st in built.structures.values() if st.layer not in skip_layers for _, m in st.parts]
    )


@functools.lru_cache(maxsize=1)
def scene_box(pad: float = 6.0) -> SceneBox:
    """The box holding the model at every pelvic tilt the dashboard allows, every layer on.

    The camera is fitted to the layers shown by default (the skeleton, discs, joints and
    nerves): switched on, the muscles (the abdominal wall in front, most of all) may reach
    past the plot's edge rather than shrink the skeleton for everyone.
    """
    models = [build_model(t) for t in (dim.TILT_LIMITS[0], 0.0, dim.TILT_LIMITS[1])]
    every = np.vstack([_vertices(b) for b in models])
    pts = np.vstack([_vertices(b, skip_layers=("muscles",)) for b in models])
    lo, hi = every.min(axis=0) - pad, every.max(axis=0) + pad
    ranges = tuple((float(a), float(b)) for a, b in zip(lo.round(1), hi.round(1)))
    size = hi - lo
    aspect = tuple(float(s) for s in size / size.max())
    # A sample is enough for fitting (every 5th vertex, plus each axis' extremes).
    idx = np.unique(np.r_[np.arange(0, len(pts), 5), pts.argmin(axis=0), pts.argmax(axis=0)])
    return SceneBox(ranges=ranges, aspect=aspect, points=pts[idx], front_points=pts[::9])


def view_basis(eye, up, center=(0.0, 0.0, 0.0)):
    """Right, true-up and forward unit vectors (box units) of a camera."""
    eye, up, center = (np.asarray(v, dtype=float) for v in (eye, up, center))
    fwd = center - eye
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, fwd)
    return right, true_up, fwd


def _camera_coords(q: np.ndarray, eye, up, center) -> np.ndarray:
    """Points in box units -> (x right, y up, depth along the view) relative to the eye."""
    right, true_up, fwd = view_basis(eye, up, center)
    d = np.atleast_2d(q) - np.asarray(eye, dtype=float)
    return np.c_[d @ right, d @ true_up, d @ fwd]


def project(points, box: SceneBox, camera: Mapping, width: float, height: float) -> np.ndarray:
    """Data points [mm] -> screen pixels ``(n, 2)`` (x right, y down) in a ``width`` x ``height`` plot."""
    eye, up, center = (_xyz(camera[k]) for k in ("eye", "up", "center"))
    c = _camera_coords(box.normalize(points), eye, up, center)
    t = math.tan(FOVY / 2)
    aspect = width / height
    ndc_x = c[:, 0] / (c[:, 2] * t * aspect)
    ndc_y = c[:, 1] / (c[:, 2] * t)
    return np.c_[(ndc_x + 1) / 2 * width, (1 - ndc_y) / 2 * height]


def _xyz(v) -> np.ndarray:
    if isinstance(v, Mapping):
        return np.array([float(v.get(k, 0.0)) for k in "xyz"])
    return np.asarray(v, dtype=float)


def fit_distance(box: SceneBox, direction, up, center, aspect: float, fill: float = FILL) -> float:
    """Eye distance from ``center`` (box units) along ``direction`` at which the model just fills
    ``fill`` of the viewport (``aspect`` = width / height) in its limiting direction."""
    direction = np.asarray(direction, dtype=float)
    direction = direction / np.linalg.norm(direction)
    center = np.asarray(center, dtype=float)
    right, true_up, fwd = view_basis(center + direction, up, center)
    q = box.normalize(box.points) - center
    # Depth of a point seen from an eye at center + d * direction is d + q.fwd (fwd = -direction).
    x, y, z = q @ right, q @ true_up, q @ fwd
    t = math.tan(FOVY / 2) * fill
    need = np.maximum(np.abs(y) / t, np.abs(x) / (t * aspect)) - z
    return float(need.max())


def fit_center(box: SceneBox, direction=None, up=None, aspect: float = 1.67) -> np.ndarray:
    """The camera's ``center`` (box units): the middle of the model's extent, then (given a
    direction) moved across the view to where the eye can come nearest, so the model fills
    the most of the plot (seen in perspective, its near end looks bigger than its far end)."""
    q = box.normalize(box.points)
    center = (q.min(axis=0) + q.max(axis=0)) / 2
    if direction is None:
        return center
    direction = np.asarray(direction, dtype=float)
    direction = direction / np.linalg.norm(direction)
    right, true_up, _ = view_basis(center + direction, up, center)
    best = fit_distance(box, direction, up, center, aspect)
    step = 0.1
    while step > 5e-4:  # pattern search over the two directions across the view
        moved = False
        for v in (right, -right, true_up, -true_up):
            c = center + step * v
            d = fit_distance(box, direction, up, c, aspect)
            if d < best - 1e-9:
                center, best, moved = c, d, True
                break
        if not moved:
            step /= 2
    return center


def distance_table(box: SceneBox, direction, up, center) -> list[float]:
    """Fitted eye distances for :data:`FIT_ASPECTS`."""
    return [round(fit_distance(box, direction, up, center, a), 4) for a in FIT_ASPECTS]


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    """A label candidate: its text, the point it names [mm], a pair key (left/right twins share
    one), the text shown once for a pair seen edge-on, and the structure's half-width [mm] (the
    label goes just beside it)."""

    text: str
    anchor: tuple
    pair: str = ""
    pair_text: str = ""
    offset: float = 20.0


def label_candidates(built: LumbopelvicModel) -> list[Label]:
    """L1-L5 (at their vertebral bodies) and the two SI joints."""
    out = [
        Label(lvl, tuple(built.frames[lvl]["center"]), offset=dim.VERTEBRA[lvl]["body_width"] / 2 + 6)
        for lvl in ("L1", "L2", "L3", "L4", "L5")
    ]
    for side in ("left", "right"):
        out.append(Label("SI joint", tuple(built.landmarks[f"si_joint_{side}"]), "si", "SI joints", 14.0))
    return out


def label_boxes(texts: Sequence[str], xy: np.ndarray, font: float) -> np.ndarray:
    """Screen boxes ``(n, 4)`` = x0, y0, x1, y1 of centred text labels of ``font`` px."""
    w = np.array([0.62 * font * len(t) + 4 for t in texts])
    h = 1.3 * font
    xy = np.atleast_2d(xy)
    return np.c_[xy[:, 0] - w / 2, xy[:, 1] - h / 2, xy[:, 0] + w / 2, xy[:, 1] + h / 2]


def _overlap(a, b, gap: float) -> bool:
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1])


def place_labels(
    candidates: Sequence[Label],
    box: SceneBox,
    views: Sequence[tuple[Mapping, float, float]],
    font: float,
    gap: float = 4.0,
    hidden_mm: float = 25.0,
    model_points: np.ndarray | None = None,
    prefer_clear: bool = False,
) -> tuple[np.ndarray, list[str], list[str]]:
    """Label positions [mm] ``(n, 3)`` and texts for one camera direction, no two overlapping in
    any of ``views`` (``(camera, width, height)``: the same direction fitted to several plot sizes).

    Nearest structures first. A structure whose point lies within ``hidden_mm`` (across the
    line of sight) of a nearer one is behind it from here (L2-L5 under L1 from above): no label; if it is the other of a left/right pair, the kept label names both ("SI joints").
    Each label goes just beside its structure on the screen's right (or, if that overlaps or
    leaves the plot, its left). With ``prefer_clear`` (a page colour that does not read on bone:
    the projector's white), it moves farther out until no part of the model (``model_points``,
    the layers shown by default) is drawn under it. The third list says what each label stands
    on: "clear" (the page), "solid" (the model under all of it) or "mixed". It sits nearer the
    eye than what is drawn under it, so no bone hides it.
    """
    camera, width, height = views[0]
    eye, up, center = (_xyz(camera[k]) for k in ("eye", "up", "center"))
    right, _, fwd = view_basis(eye, up, center)
    anchors = np.array([c.anchor for c in candidates], dtype=float)
    depth = _camera_coords(box.normalize(anchors), eye, up, center)[:, 2]
    # Across the line of sight [mm]: how far apart two points look from this direction.
    look = _data_direction(box, fwd)
    across = anchors - np.outer(anchors @ look, look)
    kept: list[int] = []
    texts: dict[int, str] = {}
    seen: list[int] = []
    for i in (int(j) for j in np.argsort(depth)):
        front = next((k for k in seen if np.linalg.norm(across[i] - across[k]) < hidden_mm), None)
        seen.append(i)
        if front is None:
            kept.append(i)
            texts[i] = candidates[i].text
        elif front in kept and candidates[i].pair and candidates[i].pair == candidates[front].pair:
            texts[front] = candidates[front].pair_text or candidates[front].text
    kept.sort()  # top to bottom in the list (L1 first): the order the labels are tried in
    a_scr = project(anchors, box, camera, width, height)
    solid = box.front_points if model_points is None else np.asarray(model_points, dtype=float)
    m_scr = [project(solid, box, cam, w, h) for cam, w, h in views]
    m_depth = _camera_coords(box.normalize(solid), eye, up, center)[:, 2]
    mm = max(box.ranges[k][1] - box.ranges[k][0] for k in range(3))  # box units -> mm (uniform)
    t = math.tan(FOVY / 2)
    placed_pos: list[np.ndarray] = []
    placed_txt: list[str] = []
    placed_over: list[str] = []
    placed_box: list[list[np.ndarray]] = [[] for _ in views]
    for i in kept:
        c = candidates[i]
        px_per_mm = height / (2 * depth[i] * t * mm)
        half_w = label_boxes([texts[i]], np.zeros((1, 2)), font)[0][2]
        found: dict[str, tuple] = {}
        # Beside the structure, then farther out: the first place clear of the model (on the
        # page's background), else the first with the model under the whole label, else the
        # first free one ("clear", "solid", "mixed": what the label's colour must read against).
        for extra in (0.0, 12.0, 24.0, 40.0, 60.0, 90.0):
            for side in (1.0, -1.0):
                sx, sy = a_scr[i, 0] + side * (c.offset * px_per_mm + half_w + 4 + extra), a_scr[i, 1]
                bx0 = label_boxes([texts[i]], np.array([[sx, sy]]), font)[0]
                p = _label_point(sx, sy, bx0, m_scr[0], m_depth, depth[i], box, camera, width, height)
                if p is None:
                    continue
                boxes = [label_boxes([texts[i]], project(p[None], box, cam, w, h), font)[0] for cam, w, h in views]
                ok = all(
                    bx[0] >= 0
                    and bx[2] <= w
                    and bx[1] >= 0
                    and bx[3] <= h
                    and not any(_overlap(bx, o, gap) for o in prev)
                    for bx, prev, (_, w, h) in zip(boxes, placed_box, views)
                )
                if not ok:
                    continue
                if not any(_covers(bx, ms, 2.0).any() for bx, ms in zip(boxes, m_scr)):
                    state = "clear"
                elif all(_solid(bx, ms) for bx, ms in zip(boxes, m_scr)):
                    state = "solid"
                else:
                    state = "mixed"
                found.setdefault(state, (p, boxes, state))
            if "clear" in found or (found and not prefer_clear):
                break
        pick = found.get("clear") or found.get("solid") or found.get("mixed")
        if pick is None:
            continue
        p, boxes, state = pick
        placed_pos.append(p)
        placed_txt.append(texts[i])
        placed_over.append(state)
        for prev, bx in zip(placed_box, boxes):
            prev.append(bx)
    pos = np.array(placed_pos) if placed_pos else np.zeros((0, 3))
    return pos, placed_txt, placed_over


def _solid(bx, pts_xy: np.ndarray, reach: float = 3.0) -> bool:
    """Whether the model is drawn under the whole box (a grid of spots in it, each with a model
    point within ``reach`` px): dark text there reads on bone everywhere."""
    near = pts_xy[_covers(bx, pts_xy, reach)]
    if not len(near):
        return False
    gx, gy = np.meshgrid(np.linspace(bx[0], bx[2], 6), np.linspace(bx[1], bx[3], 3))
    spots = np.c_[gx.ravel(), gy.ravel()]
    d = np.hypot(spots[:, None, 0] - near[None, :, 0], spots[:, None, 1] - near[None, :, 1])
    return bool((d.min(axis=1) <= reach).all())


def _covers(bx, pts_xy: np.ndarray, pad: float) -> np.ndarray:
    """Which screen points fall inside box ``bx`` grown by ``pad`` px."""
    return (
        (pts_xy[:, 0] >= bx[0] - pad)
        & (pts_xy[:, 0] <= bx[2] + pad)
        & (pts_xy[:, 1] >= bx[1] - pad)
        & (pts_xy[:, 1] <= bx[3] + pad)
    )


def _data_direction(box: SceneBox, v) -> np.ndarray:
    """A direction in the box's units as a unit direction in data units [mm]."""
    lo = np.array([r[0] for r in box.ranges])
    hi = np.array([r[1] for r in box.ranges])
    d = np.asarray(v, dtype=float) * (hi - lo) / np.array(box.aspect)
    return d / np.linalg.norm(d)


def _label_point(sx, sy, bx, m_scr, m_depth, anchor_depth, box, camera, width, height):
    """The data point [mm] drawn at screen pixel (sx, sy), nearer the eye than any part of the
    model drawn under the label's box (so no bone hides it) and inside the axis ranges (plotly
    clips what is outside); None when no such point exists."""
    under = _covers(bx, m_scr, 6.0)
    limit = float(m_depth[under].min()) if under.any() else math.inf
    want = min(limit * 0.97, anchor_depth)
    eye, up, center = (_xyz(camera[k]) for k in ("eye", "up", "center"))
    right, true_up, fwd = view_basis(eye, up, center)
    t = math.tan(FOVY / 2)
    nx, ny = sx / width * 2 - 1, 1 - sy / height * 2
    ray = right * nx * t * (width / height) + true_up * ny * t + fwd  # point at depth D: eye + D * ray
    half = np.array(box.aspect) / 2 * 0.995
    enter, leave = 0.0, math.inf
    for k in range(3):
        if abs(ray[k]) < 1e-12:
            if abs(eye[k]) > half[k]:
                return None
            continue
        t1, t2 = (-half[k] - eye[k]) / ray[k], (half[k] - eye[k]) / ray[k]
        enter, leave = max(enter, min(t1, t2)), min(leave, max(t1, t2))
    d = max(want, enter * 1.001)
    if d > leave or d >= limit:
        return None
    return box.denormalize(eye + d * ray)

"""Procedural mesh primitives (numpy only).

Every primitive returns a :class:`Mesh`: vertices ``(N, 3)`` in millimetres and
triangular faces ``(M, 3)`` of vertex indices. The anatomy model composes
them (lofted cross-sections along a path, superellipsoids, thick curved
sheets) into vertebrae, discs, pelvis, nerves and muscles. Nothing here knows
about anatomy, plotly or widgets.

Coordinate system used by the model: x = the body's left [mm], y = anterior
[mm], z = superior [mm]; origin at the midpoint between the hip-joint centres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Mesh",
    "merge",
    "rotation_x",
    "rotation_y",
    "rotation_z",
    "superellipsoid",
    "loft",
    "tube",
    "thick_sheet",
    "mirror_x",
    "skin",
]


@dataclass(frozen=True)
class Mesh:
    """A triangle mesh: ``vertices`` (N, 3) [mm] and ``faces`` (M, 3) int indices."""

    vertices: np.ndarray
    faces: np.ndarray

    def transformed(self, rotation: np.ndarray | None = None, translation=(0.0, 0.0, 0.0)) -> Mesh:
        """Rotate (3x3 matrix, about the origin) then translate."""
        v = self.vertices if rotation is None else self.vertices @ np.asarray(rotation).T
        return Mesh(v + np.asarray(translation, dtype=float), self.faces)

    @property
    def n_vertices(self) -> int:
        return int(self.vertices.shape[0])

    def face_areas(self) -> np.ndarray:
        a, b, c = (self.vertices[self.faces[:, i]] for i in range(3))
        return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.vertices.min(axis=0), self.vertices.max(axis=0)


def merge(*meshes: Mesh) -> Mesh:
    """One mesh from several (faces re-indexed)."""
    verts, faces, offset = [], [], 0
    for m in meshes:
        verts.append(m.vertices)
        faces.append(m.faces + offset)
        offset += m.vertices.shape[0]
    return Mesh(np.vstack(verts), np.vstack(faces).astype(np.int64))


def mirror_x(mesh: Mesh) -> Mesh:
    """Mirror across the mid-sagittal plane (x -> -x), keeping faces outward."""
    v = mesh.vertices * np.array([-1.0, 1.0, 1.0])
    return Mesh(v, mesh.faces[:, ::-1].copy())


def rotation_x(angle_deg: float) -> np.ndarray:
    """Rotation about the x (left-right) axis; positive turns +z towards +y."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, s], [0.0, -s, c]])


def rotation_y(angle_deg: float) -> np.ndarray:
    """Rotation about the y (antero-posterior) axis; positive turns +z towards +x."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rotation_z(angle_deg: float) -> np.ndarray:
    """Rotation about the vertical axis; positive turns +x towards +y."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _spow(x: np.ndarray, p: float) -> np.ndarray:
    return np.sign(x) * np.abs(x) ** p


def _grid_faces(n_rows: int, n_cols: int, wrap_cols: bool, offset: int = 0) -> np.ndarray:
    """Two triangles per quad of an (n_rows x n_cols) vertex grid."""
    cols = n_cols if wrap_cols else n_cols - 1
    r, c = np.meshgrid(np.arange(n_rows - 1), np.arange(cols), indexing="ij")
    c2 = (c + 1) % n_cols
    a, b = r * n_cols + c, r * n_cols + c2
    d, e = (r + 1) * n_cols + c, (r + 1) * n_cols + c2
    f1 = np.stack([a, b, e], axis=-1).reshape(-1, 3)
    f2 = np.stack([a, e, d], axis=-1).reshape(-1, 3)
    return (np.stack([f1, f2], axis=1).reshape(-1, 3) + offset).astype(np.int64)


def superellipsoid(
    center=(0.0, 0.0, 0.0),
    radii=(1.0, 1.0, 1.0),
    n_around: int = 16,
    n_up: int = 9,
    e_around: float = 1.0,
    e_up: float = 1.0,
) -> Mesh:
    """Closed superellipsoid (exponents < 1 give a rounded box, 1 an ellipsoid).

    Parameters
    ----------
    center : (3,) [mm]
    radii : (3,) semi-axes along x, y, z [mm]
    n_around, n_up : resolution (around the vertical axis, pole to pole)
    e_around, e_up : shape exponents in the horizontal plane and vertically
    """
    theta = np.linspace(0.0, 2 * np.pi, n_around, endpoint=False)
    phi = np.linspace(-np.pi / 2, np.pi / 2, n_up)[1:-1]
    cp, sp = np.cos(phi)[:, None], np.sin(phi)[:, None]
    ct, st = np.cos(theta)[None, :], np.sin(theta)[None, :]
    x = radii[0] * _spow(cp, e_up) * _spow(ct, e_around)
    y = radii[1] * _spow(cp, e_up) * _spow(st, e_around)
    z = radii[2] * _spow(sp, e_up) * np.ones_like(ct)
    ring = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    bottom = np.array([[0.0, 0.0, -radii[2]]])
    top = np.array([[0.0, 0.0, radii[2]]])
    verts = np.vstack([ring, bottom, top]) + np.asarray(center, dtype=float)
    n_rings = phi.size
    faces = [_grid_faces(n_rings, n_around, wrap_cols=True)]
    b_idx, t_idx = n_rings * n_around, n_rings * n_around + 1
    caps = []
    for c in range(n_around):
        c2 = (c + 1) % n_around
        caps.append((b_idx, c2, c))
        top0 = (n_rings - 1) * n_around
        caps.append((t_idx, top0 + c, top0 + c2))
    faces.append(np.array(caps, dtype=np.int64))
    return Mesh(verts, np.vstack(faces))


def _frames(path: np.ndarray, up_hint) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tangent and two normals per path point; ``up_hint`` is (3,) or (K, 3)."""
    t = np.gradient(path, axis=0)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    up = np.broadcast_to(np.asarray(up_hint, dtype=float), path.shape).copy()
    # Make "up" orthogonal to the tangent (fallback if nearly parallel).
    dot = np.sum(up * t, axis=1, keepdims=True)
    a = up - dot * t
    bad = np.linalg.norm(a, axis=1) < 1e-6
    if np.any(bad):
        alt = np.where(np.abs(t[:, [0]]) < 0.9, np.array([[1.0, 0, 0]]), np.array([[0, 1.0, 0]]))
        a[bad] = (alt - np.sum(alt * t, axis=1, keepdims=True) * t)[bad]
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = np.cross(t, a)
    return t, a, b


def loft(
    path, half_a, half_b, up=(0.0, 0.0, 1.0), n_around: int = 10, exponent: float = 1.0, caps: bool = True
) -> Mesh:
    """Sweep a superellipse cross-section along ``path``.

    Parameters
    ----------
    path : (K, 3) points [mm], K >= 2
    half_a : float or (K,) semi-axis along the ``up`` direction [mm]
    half_b : float or (K,) semi-axis along the third direction (tangent x up) [mm]
    up : (3,) or (K, 3) orientation hint for the ``half_a`` axis
    exponent : 1 = ellipse, < 1 = rounded rectangle
    caps : close both ends
    """
    path = np.asarray(path, dtype=float)
    k = path.shape[0]
    ha = np.broadcast_to(np.asarray(half_a, dtype=float), (k,))
    hb = np.broadcast_to(np.asarray(half_b, dtype=float), (k,))
    _, a, b = _frames(path, up)
    th = np.linspace(0.0, 2 * np.pi, n_around, endpoint=False)
    ca, sb = _spow(np.cos(th), exponent), _spow(np.sin(th), exponent)
    ring = (
        path[:, None, :]
        + ha[:, None, None] * ca[None, :, None] * a[:, None, :]
        + hb[:, None, None] * sb[None, :, None] * b[:, None, :]
    )
    verts = ring.reshape(-1, 3)
    faces = [_grid_faces(k, n_around, wrap_cols=True)]
    if caps:
        verts = np.vstack([verts, path[0], path[-1]])
        faces.append(_cap_faces(k, n_around))
    return Mesh(verts, np.vstack(faces))


def _cap_faces(k: int, n: int) -> np.ndarray:
    """Triangle fans closing both ends of a (k rings x n points) tube whose two
    cap centres are appended after the rings (vertex ``k*n`` and ``k*n + 1``)."""
    start, end, last = k * n, k * n + 1, (k - 1) * n
    c = np.arange(n)
    c2 = (c + 1) % n
    first = np.stack([np.full(n, start), c2, c], axis=1)
    second = np.stack([np.full(n, end), last + c, last + c2], axis=1)
    # interleaved as before: (start fan, end fan) per column
    return np.stack([first, second], axis=1).reshape(-1, 3).astype(np.int64)


def resample(points, n: int) -> np.ndarray:
    """``n`` points evenly spaced (by arc length) along a polyline."""
    p = np.asarray(points, dtype=float)
    seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0.0, s[-1], n)
    return np.stack([np.interp(t, s, p[:, i]) for i in range(3)], axis=1)


def tube(points, radius, n: int = 12, n_around: int = 8, up=(0.0, 0.0, 1.0), flatten: float = 1.0) -> Mesh:
    """A round (or flattened) tube through control points, resampled to ``n`` rings.

    ``radius`` may be a scalar or a sequence interpolated along the tube.
    """
    path = resample(points, n)
    r = np.asarray(radius, dtype=float)
    if r.ndim:
        r = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, r.size), r)
    return loft(path, r, r * flatten, up=up, n_around=n_around)


def thick_sheet(grid, thickness) -> Mesh:
    """A closed slab from a surface grid ``(nu, nv, 3)``, offset ±thickness/2 along its normals.

    ``thickness`` is a scalar or an (nu, nv) array [mm].
    """
    g = np.asarray(grid, dtype=float)
    nu, nv, _ = g.shape
    du = np.gradient(g, axis=0)
    dv = np.gradient(g, axis=1)
    nrm = np.cross(du, dv)
    nrm /= np.maximum(np.linalg.norm(nrm, axis=2, keepdims=True), 1e-9)
    th = np.broadcast_to(np.asarray(thickness, dtype=float), (nu, nv))[..., None]
    top = (g + 0.5 * th * nrm).reshape(-1, 3)
    bot = (g - 0.5 * th * nrm).reshape(-1, 3)
    n = nu * nv
    verts = np.vstack([top, bot])
    f_top = _grid_faces(nu, nv, wrap_cols=False)
    f_bot = _grid_faces(nu, nv, wrap_cols=False, offset=n)[:, ::-1]
    # Side walls around the border.
    border = (
        [(0, j) for j in range(nv)]
        + [(i, nv - 1) for i in range(1, nu)]
        + [(nu - 1, j) for j in range(nv - 2, -1, -1)]
        + [(i, 0) for i in range(nu - 2, 0, -1)]
    )
    idx = [i * nv + j for i, j in border]
    walls = []
    for q in range(len(idx)):
        a, b = idx[q], idx[(q + 1) % len(idx)]
        walls.append((a, b, b + n))
        walls.append((a, b + n, a + n))
    return Mesh(verts, np.vstack([f_top, f_bot, np.array(walls, dtype=np.int64)]))


def skin(rings, caps: bool = True) -> Mesh:
    """Close a surface through ``rings`` (K, n, 3) of matching points; caps at both ends."""
    r = np.asarray(rings, dtype=float)
    k, n, _ = r.shape
    verts = r.reshape(-1, 3)
    faces = [_grid_faces(k, n, wrap_cols=True)]
    if caps:
        verts = np.vstack([verts, r[0].mean(axis=0), r[-1].mean(axis=0)])
        faces.append(_cap_faces(k, n))
    return Mesh(verts, np.vstack(faces))

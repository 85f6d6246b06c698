"""The model's named structures: ids, layers, and which nerve root a disc herniation meets."""

from __future__ import annotations

from dataclasses import dataclass

from . import dimensions as dim
from .geometry import Mesh, merge
from .posture import Posture

__all__ = [
    "LAYERS",
    "SEGMENTS",
    "SIDES",
    "STRUCTURE_LAYERS",
    "STRUCTURE_IDS",
    "Structure",
    "LumbopelvicModel",
    "layer_of",
    "nerve_root_at_disc",
]

LAYERS = ("bones", "discs", "joints", "nerves", "muscles")

SEGMENTS = ("L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1")
SIDES = ("left", "right")
_MUSCLES = ("erector_spinae", "multifidus", "quadratus_lumborum", "gluteus_maximus", "gluteus_medius", "hamstrings_origin", "iliopsoas")  # fmt: skip


def _structure_ids() -> dict[str, str]:
    ids: dict[str, str] = {}
    for lvl in dim.LEVELS:
        ids[lvl] = "bones"
    for b in ("sacrum", "coccyx", "ilium_left", "ilium_right", "femoral_head_left", "femoral_head_right"):
        ids[b] = "bones"
    for seg in SEGMENTS:
        ids[f"disc_{seg}"] = "discs"
    for seg in SEGMENTS:
        for s in SIDES:
            ids[f"facet_{seg}_{s}"] = "joints"
    for s in SIDES:
        ids[f"si_joint_{s}"] = "joints"
    for root in ("L4", "L5", "S1"):
        for s in SIDES:
            ids[f"nerve_root_{root}_{s}"] = "nerves"
    for s in SIDES:
        ids[f"sciatic_nerve_{s}"] = "nerves"
    for m in _MUSCLES:
        for s in SIDES:
            ids[f"{m}_{s}"] = "muscles"
    ids["abdominal_wall"] = "muscles"
    return ids


#: Every structure id -> its layer, in drawing order.
STRUCTURE_LAYERS: dict[str, str] = _structure_ids()
STRUCTURE_IDS: tuple[str, ...] = tuple(STRUCTURE_LAYERS)


def layer_of(structure_id: str) -> str:
    """The layer (bones, discs, joints, nerves, muscles) a structure id belongs to."""
    if not isinstance(structure_id, str) or structure_id not in STRUCTURE_LAYERS:
        raise ValueError(
            f"structure_id must be one of the model's {len(STRUCTURE_IDS)} structure ids "
            f"(e.g. 'L3', 'si_joint_left'), got {structure_id!r:.60}"
        )
    return STRUCTURE_LAYERS[structure_id]


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
    frames: dict  # id -> dict(center, rotation, half_size) for vertebral bodies and discs
    landmarks: dict  # name -> (3,) world point [mm]


def nerve_root_at_disc(disc_id: str, where: str = "posterolateral") -> str:
    """The nerve root a herniation of ``disc_id`` usually irritates (N04, spine_text).

    A posterolateral herniation (the common kind) presses on the root that
    crosses the disc on its way down: L4-L5 -> L5 root, L5-S1 -> S1 root. A
    far-lateral (foraminal) herniation catches the root exiting at that level:
    L4-L5 -> L4 root.
    """
    discs = [f"disc_{s}" for s in SEGMENTS]
    if not isinstance(disc_id, str) or disc_id.removeprefix("disc_") not in SEGMENTS:
        raise ValueError(f"disc_id must be one of {', '.join(discs)}, got {disc_id!r:.60}")
    if not isinstance(where, str) or where not in ("posterolateral", "far_lateral"):
        raise ValueError(f"where must be 'posterolateral' or 'far_lateral', got {where!r:.60}")
    upper, lower = disc_id.removeprefix("disc_").split("_")
    return f"nerve_root_{lower if where == 'posterolateral' else upper}"

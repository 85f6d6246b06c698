"""The lumbopelvic model (numpy only): one import for the pieces in their own modules.

* :mod:`.structures`: structure ids, layers, ``layer_of``, ``nerve_root_at_disc``;
* :mod:`.posture`: pelvic tilt, sacral slope, lordosis (``posture``, ``tilt_from_muscles``);
* :mod:`.pelvis`, :mod:`.spine`, :mod:`.meshes`: the 3D meshes (``build_model``);
* :mod:`.sagittal`: the side-view projection (``sagittal_outline``);
* :mod:`.gait`: the pelvis in a running stride (``gait_state``), numbers in ``GAIT_PARAMETERS``;
* :mod:`.frames`: end-plate frames shared by the meshes and the side view;
* :mod:`.view3d`: the 3D view's fixed scene box, camera fit and label placement (used by the figures).

Coordinates [mm]: x = the body's left, y = anterior, z = superior; origin at
the midpoint between the two hip-joint centres (the axis the pelvis tilts
about). The pelvis is built in neutral standing and rotated about that axis by
the pelvic-tilt change; the lumbar spine is stacked on the S1 end plate, so
tilting the pelvis changes the sacral slope and the lordosis together. Femora
stay fixed (the thighs are vertical). Dimensions and their sources:
:mod:`runback_widgets.anatomy.dimensions`.
"""

from __future__ import annotations

from .gait import (  # noqa: F401
    GAIT_GROUPS,
    GAIT_PARAMETERS,
    PELVIC_DROP_EXTRA,
    PELVIC_DROP_NORMAL,
    SI_AMPLITUDE,
    STANCE_FRACTION,
    TRENDELENBURG_THRESHOLD,
    GaitState,
    gait_state,
)
from .meshes import build_every_tilt, build_model, every_tilt  # noqa: F401
from .posture import MUSCLE_TILT_MAX, Posture, posture, tilt_from_muscles  # noqa: F401
from .sagittal import sagittal_outline  # noqa: F401
from .structures import (  # noqa: F401
    LAYERS,
    SEGMENTS,
    SIDES,
    STRUCTURE_IDS,
    STRUCTURE_LAYERS,
    LumbopelvicModel,
    Structure,
    layer_of,
    nerve_root_at_disc,
)

__all__ = [
    "LAYERS",
    "STRUCTURE_IDS",
    "STRUCTURE_LAYERS",
    "Posture",
    "Structure",
    "LumbopelvicModel",
    "posture",
    "tilt_from_muscles",
    "build_every_tilt",
    "every_tilt",
    "build_model",
    "layer_of",
    "sagittal_outline",
    "GaitState",
    "gait_state",
    "GAIT_GROUPS",
    "GAIT_PARAMETERS",
    "nerve_root_at_disc",
]

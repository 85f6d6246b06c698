"""Spine and SI-joint anatomy: a procedural 3D lumbopelvic model.

``model`` and ``geometry`` use numpy only; ``figures`` (plotly) and ``widget``
(ipywidgets) are imported lazily so that importing this package stays light.
"""

from .model import (  # noqa: F401
    LAYERS,
    STRUCTURE_IDS,
    build_model,
    gait_state,
    posture,
    sagittal_outline,
    tilt_from_muscles,
)


def AnatomyDashboard(**kwargs):
    """The dashboard widget (imports ipywidgets and plotly on first use)."""
    from .widget import AnatomyDashboard as _App

    return _App(**kwargs)

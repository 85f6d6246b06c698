"""Symptom-to-pain-type explorer (dashboard ``02-symptom-explorer``).

``from runback_widgets.symptoms import assess, SYMPTOMS`` gives the rule model
(no plotly or ipywidgets imported here; the figures and the widget are
imported lazily: ``from runback_widgets.symptoms.widget import SymptomExplorer``).
"""

from .model import (
    PAIN_TYPES,
    SYMPTOMS,
    URGENCY_LEVELS,
    Assessment,
    Consider,
    Evidence,
    NextStep,
    Rule,
    SafetyNetLine,
    Symptom,
    assess,
)

__all__ = [
    "assess",
    "SYMPTOMS",
    "PAIN_TYPES",
    "URGENCY_LEVELS",
    "Assessment",
    "Consider",
    "Evidence",
    "NextStep",
    "Rule",
    "SafetyNetLine",
    "Symptom",
]

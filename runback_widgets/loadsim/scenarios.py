"""Presets: the classic cases, as (Runner, RunPlan) pairs.

Strengths are × a typical trained runner (1.0). Deficits are the size seen
in runners (0.7-0.85 of typical), not caricatures. The takeover minute and
peak lumbar load index each preset gives are checked in
``tests/unit/test_loadsim_model.py`` and listed in the notebook.
"""

from __future__ import annotations

from types import MappingProxyType

from .model import Runner, RunPlan, with_training

__all__ = ["PRESETS", "PRESET_LABELS", "DEFAULT_PRESET"]


def _on_slider_grid(runner: Runner) -> Runner:
    """Round strengths to the dashboard's slider step (0.05) so a preset is exactly reproducible there."""
    return runner.replace(strength={g: round(s * 20) / 20 for g, s in runner.strength.items()})


_WEAK_GLUTES = {"hip_abductors": 0.75, "hip_extensors": 0.8}

PRESETS = MappingProxyType(
    {
        "well_conditioned": (
            Runner(body_mass_kg=70.0, strength={}, training_weeks=52),
            RunPlan(duration_min=60.0, speed_m_s=3.0),
        ),
        "weak_glutes": (
            Runner(body_mass_kg=70.0, strength=_WEAK_GLUTES, training_weeks=26),
            RunPlan(duration_min=60.0, speed_m_s=3.0),
        ),
        "new_runner_too_fast": (
            Runner(
                body_mass_kg=78.0,
                strength={"hip_abductors": 0.75, "hip_extensors": 0.8, "deep_core": 0.85, "lumbar_extensors": 0.9},
                training_weeks=2,
            ),
            RunPlan(duration_min=50.0, speed_m_s=3.3),
        ),
        "returning_after_break": (
            Runner(
                body_mass_kg=72.0,
                strength={"hip_abductors": 0.8, "hip_extensors": 0.8, "deep_core": 0.85, "lumbar_extensors": 0.9},
                training_weeks=1,
            ),
            RunPlan(duration_min=60.0, speed_m_s=3.5),
        ),
        "deep_core_weakness": (
            Runner(body_mass_kg=70.0, strength={"deep_core": 0.7}, training_weeks=52),
            RunPlan(duration_min=60.0, speed_m_s=3.0),
        ),
        "strong_after_strength_training": (
            _on_slider_grid(
                with_training(
                    Runner(body_mass_kg=70.0, strength=_WEAK_GLUTES, training_weeks=26), strength_training_weeks=8
                )
            ),
            RunPlan(duration_min=60.0, speed_m_s=3.0),
        ),
    }
)

#: Plain-words names for the preset picker.
PRESET_LABELS = MappingProxyType(
    {
        "well_conditioned": "Well-conditioned runner",
        "weak_glutes": "Weak glutes and hips",
        "new_runner_too_fast": "New runner, ramping up too fast",
        "returning_after_break": "Returning after time off, too hard too soon",
        "deep_core_weakness": "Weak deep core",
        "strong_after_strength_training": "Weak glutes after 8 weeks of strength training",
    }
)

DEFAULT_PRESET = "weak_glutes"

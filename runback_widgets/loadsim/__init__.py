"""Run load simulator (dashboard ``03-run-load-simulator``).

``from runback_widgets.loadsim import Runner, RunPlan, simulate_run, simulate_cohort, PRESETS``
gives the model (numpy only; no plotly or ipywidgets is imported here). The
figures and the dashboard are imported lazily:
``from runback_widgets.loadsim.widget import RunLoadSimulator``.
"""

from .model import (
    GROUPS,
    SHARE_KEYS,
    CohortResult,
    Runner,
    RunPlan,
    RunResult,
    sample_cohort,
    simulate_cohort,
    simulate_run,
    with_training,
)
from .params import PARAMETERS
from .scenarios import PRESETS

__all__ = [
    "Runner",
    "RunPlan",
    "RunResult",
    "CohortResult",
    "simulate_run",
    "simulate_cohort",
    "sample_cohort",
    "with_training",
    "PRESETS",
    "PARAMETERS",
    "GROUPS",
    "SHARE_KEYS",
]

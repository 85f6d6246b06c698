"""Plotly figures for the run load simulator (no ipywidgets imported here).

Each chart owns one ``go.FigureWidget`` built once with all its traces; its
``update(...)`` only replaces y (and x) arrays inside ``fig.batch_update()``,
so a slider move sends one small message per chart. Colours are the kit's
semantic colours (``ui.theme.COLORS``) and every group also differs by dash
style or fill pattern, never by colour alone.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..ui.theme import COLORS, DASHES, configure_figure, figure_layout
from .model import GROUPS, SHARE_KEYS, CohortResult, RunResult

__all__ = [
    "GROUP_LABELS",
    "SharesChart",
    "FatigueChart",
    "IndexChart",
    "CompareChart",
    "CohortChart",
    "PreventionChart",
    "takeover_text",
]

#: Plain names (with the anatomical term) for legends and summaries.
GROUP_LABELS = {
    "hip_abductors": "Hip abductors (glute med/min)",
    "hip_extensors": "Hip extensors (glute max)",
    "deep_core": "Deep core",
    "lumbar_extensors": "Lower back muscles",
    "passive": "Passive tissue (discs, ligaments)",
}
_PATTERNS = {"hip_abductors": "", "hip_extensors": "/", "deep_core": ".", "lumbar_extensors": "x", "passive": "-"}
_HEIGHT = 380


def _layout(title: str, ytitle: str, top: int = 80, **kw) -> dict:
    """Shared layout; ``top`` [px] leaves room for the legend rows under the title."""
    return figure_layout(
        title=dict(text=title, x=0.01, xanchor="left", y=0.98, yanchor="top"),
        height=_HEIGHT,
        # Legend above the plot, under the title; axis titles keep their own margins.
        margin=dict(l=60, r=10, t=top, b=50),
        xaxis=dict(title=dict(text="Minute of the run", standoff=8), rangemode="tozero", automargin=True),
        yaxis=dict(title=dict(text=ytitle, standoff=6), automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left"),
        **kw,
    )


def _minutes(result: RunResult) -> np.ndarray:
    return np.round(result.time_min, 3)


def _takeover_shape(minute: float | None) -> list:
    if minute is None:
        return []
    return [dict(type="line", xref="x", yref="paper", x0=minute, x1=minute, y0=0, y1=1,
                 line=dict(color=COLORS["danger"], width=2, dash="dash"))]


def takeover_text(minute: float | None) -> str:
    """'minute 24' style rounding used in every sentence (first whole minute at or after)."""
    return "never" if minute is None else f"minute {int(math.floor(minute)) + (0 if minute == int(minute) else 1)}"


class SharesChart:
    """Stacked load shares over the run (who carries the stance demand)."""

    def __init__(self, result: RunResult):
        x = _minutes(result)
        traces = []
        for key in SHARE_KEYS:
            traces.append(go.Scatter(
                x=x, y=result.load_share[key], name=GROUP_LABELS[key], mode="lines", stackgroup="share",
                line=dict(color=COLORS[key], width=1),
                # the band's colour under its pattern (plotly draws a pattern over a transparent
                # background otherwise: on the projector only the plain band looked filled)
                fillcolor=COLORS[key],
                fillpattern=dict(shape=_PATTERNS[key], bgcolor=COLORS[key], fgcolor="#1A1A1A", size=8, solidity=0.2) if _PATTERNS[key] else None,
                hovertemplate="%{y:.0%} at minute %{x:.0f}<extra>" + GROUP_LABELS[key] + "</extra>",
            ))
        self.fig = configure_figure(go.FigureWidget(data=traces, layout=_layout("Who carries the load", "Share of stance demand", top=120,
                                                               yaxis_tickformat=".0%", yaxis_range=[0, 1])))
        self.update(result)

    def update(self, result: RunResult) -> None:
        x = _minutes(result)
        with self.fig.batch_update():
            for trace, key in zip(self.fig.data, SHARE_KEYS):
                trace.x = x
                trace.y = result.load_share[key]
            self.fig.layout.shapes = _takeover_shape(result.takeover_min)


class FatigueChart:
    """Fatigued fraction MF of each muscle group over the run."""

    def __init__(self, result: RunResult):
        x = _minutes(result)
        traces = [
            go.Scatter(x=x, y=result.fatigue[g], name=GROUP_LABELS[g], mode="lines",
                       line=dict(color=COLORS[g], width=3, dash=DASHES[i]),
                       hovertemplate="%{y:.0%} fatigued at minute %{x:.0f}<extra>" + GROUP_LABELS[g] + "</extra>")
            for i, g in enumerate(GROUPS)
        ]
        self.fig = configure_figure(go.FigureWidget(data=traces, layout=_layout("How tired each muscle group gets", "Fatigued fraction",
                                                               yaxis_tickformat=".0%", yaxis_range=[0, 1])))

    def update(self, result: RunResult) -> None:
        x = _minutes(result)
        with self.fig.batch_update():
            for trace, g in zip(self.fig.data, GROUPS):
                trace.x = x
                trace.y = result.fatigue[g]


class IndexChart:
    """Lumbar load index over the run, the reference level 1.0, and the takeover marked."""

    def __init__(self, result: RunResult):
        x = _minutes(result)
        self.fig = configure_figure(go.FigureWidget(
            data=[
                go.Scatter(x=x, y=result.lumbar_load_index, name="Your lower back", mode="lines",
                           line=dict(color=COLORS["lumbar_extensors"], width=4),
                           hovertemplate="index %{y:.2f} at minute %{x:.0f}<extra></extra>"),
                go.Scatter(x=[x[0], x[-1]], y=[1.0, 1.0], name="Well-conditioned runner, start of an easy run", mode="lines",
                           line=dict(color=COLORS["passive"], width=2, dash="dot"), hoverinfo="skip"),
                go.Scatter(x=[], y=[], name="Back takes over", mode="markers",
                           marker=dict(symbol="x", size=14, color=COLORS["danger"], line=dict(width=2)),
                           hovertemplate="takeover at minute %{x:.0f}<extra></extra>"),
            ],
            layout=_layout("Load on the lower back", "Load index (1 = reference)", yaxis_rangemode="tozero"),
        ))
        self.update(result)

    def update(self, result: RunResult) -> None:
        x = _minutes(result)
        t = result.takeover_min
        with self.fig.batch_update():
            self.fig.data[0].x = x
            self.fig.data[0].y = result.lumbar_load_index
            self.fig.data[1].x = [x[0], x[-1]]
            if t is None:
                self.fig.data[2].x, self.fig.data[2].y = [], []
            else:
                self.fig.data[2].x = [t]
                self.fig.data[2].y = [float(np.interp(t * 60.0, result.time_s, result.lumbar_load_index))]
            self.fig.layout.shapes = _takeover_shape(t)


class CompareChart:
    """Runner A vs runner B: lumbar load index and hip share side by side on one axis set."""

    def __init__(self, a: RunResult, b: RunResult, label_a: str = "A", label_b: str = "B"):
        self.fig = configure_figure(go.FigureWidget(
            data=[
                go.Scatter(name=f"A: {label_a}", mode="lines", line=dict(color=COLORS["lumbar_extensors"], width=4)),
                go.Scatter(name=f"B: {label_b}", mode="lines", line=dict(color=COLORS["bone"], width=4, dash="dash")),
                go.Scatter(name="A takes over", mode="markers", marker=dict(symbol="x", size=14, color=COLORS["danger"])),
                go.Scatter(name="B takes over", mode="markers", marker=dict(symbol="diamond-open", size=14, color=COLORS["danger"])),
            ],
            layout=_layout("Lower back load: A vs B", "Lumbar load index", yaxis_rangemode="tozero"),
        ))
        self.update(a, b, label_a, label_b)

    def update(self, a: RunResult, b: RunResult, label_a: str | None = None, label_b: str | None = None) -> None:
        with self.fig.batch_update():
            for i, res in enumerate((a, b)):
                self.fig.data[i].x = _minutes(res)
                self.fig.data[i].y = res.lumbar_load_index
                mark = self.fig.data[2 + i]
                t = res.takeover_min
                mark.x = [] if t is None else [t]
                mark.y = [] if t is None else [float(np.interp(t * 60.0, res.time_s, res.lumbar_load_index))]
            if label_a is not None:
                self.fig.data[0].name = f"A: {label_a}"
            if label_b is not None:
                self.fig.data[1].name = f"B: {label_b}"


class CohortChart:
    """Histogram of takeover minutes in a cohort (runners whose back never takes over are counted apart)."""

    def __init__(self, cohort: CohortResult):
        self.fig = configure_figure(go.FigureWidget(
            data=[go.Histogram(x=[], xbins=dict(start=0, size=5), name="Runners",
                               marker=dict(color=COLORS["lumbar_extensors"], line=dict(color="#1A1A1A", width=1),
                                           pattern=dict(shape="/")),
                               hovertemplate="%{y} runners: takeover in minutes %{x}<extra></extra>")],
            layout=_layout("When does the back take over? (class cohort)", "Number of runners", bargap=0.05),
        ))
        self.update(cohort)

    def update(self, cohort: CohortResult) -> None:
        t = cohort.takeover_min
        finite = t[np.isfinite(t)]
        with self.fig.batch_update():
            self.fig.data[0].x = finite
            self.fig.layout.xaxis.range = [0, cohort.plan.duration_min]
            self.fig.layout.xaxis.title.text = "Minute the back takes over"


class PreventionChart:
    """The same run before and after a prevention programme (claim A14)."""

    def __init__(self, before: RunResult, after: RunResult):
        self.fig = configure_figure(go.FigureWidget(
            data=[
                go.Scatter(name="Today", mode="lines", line=dict(color=COLORS["lumbar_extensors"], width=4)),
                go.Scatter(name="After the programme", mode="lines", line=dict(color=COLORS["hip_extensors"], width=4, dash="dash")),
            ],
            layout=_layout("Prevention what-if: the same run", "Lumbar load index", yaxis_rangemode="tozero"),
        ))
        self.update(before, after)

    def update(self, before: RunResult, after: RunResult) -> None:
        with self.fig.batch_update():
            for trace, res in zip(self.fig.data, (before, after)):
                trace.x = _minutes(res)
                trace.y = res.lumbar_load_index

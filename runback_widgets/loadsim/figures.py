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

from .. import content
from ..ui.theme import COLORS, DASHES, configure_figure, figure_layout, presenter_mode
from .model import GROUPS, SHARE_KEYS, Band, CohortResult, HoldResult, RunResult

__all__ = [
    "GROUP_LABELS",
    "SharesChart",
    "FatigueChart",
    "IndexChart",
    "CompareChart",
    "CohortChart",
    "PreventionChart",
    "HoldChart",
    "takeover_text",
    "duration_text",
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


def _title(key: str) -> str:
    return content.load_toml("loadsim.toml")["figures"][key]


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def _layout(title: str, ytitle: str, top: int = 80, title_in_legend: bool = False, **kw) -> dict:
    """Shared layout; ``top`` [px] leaves room for the legend rows under the title.

    ``title_in_legend``: the title is the legend's own title, so title and legend are one block
    that plotly measures and makes room for: no fixed ``top`` sized for a phone's three legend
    rows leaving a gap under the title on a laptop's one row. (Only for figures whose legend is
    always shown.)"""
    legend = dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left")
    if title_in_legend:
        legend["title"] = dict(text=title, side="top", font=dict(size=(22 if presenter_mode() else 14) + 3))
        return figure_layout(
            height=_HEIGHT,
            showlegend=True,
            margin=dict(l=60, r=10, t=16, b=50),
            xaxis=dict(title=dict(text="Minute of the run", standoff=8), rangemode="tozero", automargin=True),
            yaxis=dict(title=dict(text=ytitle, standoff=6), automargin=True),
            legend=legend,
            **kw,
        )
    return figure_layout(
        title=dict(text=title, x=0.01, xanchor="left", y=0.98, yanchor="top"),
        height=_HEIGHT,
        # Legend above the plot, under the title; axis titles keep their own margins.
        margin=dict(l=60, r=10, t=top, b=50),
        xaxis=dict(title=dict(text="Minute of the run", standoff=8), rangemode="tozero", automargin=True),
        yaxis=dict(title=dict(text=ytitle, standoff=6), automargin=True),
        legend=legend,
        **kw,
    )


def _minutes(result: RunResult) -> np.ndarray:
    return np.round(result.time_min, 3)


def _takeover_shape(minute: float | None) -> list:
    if minute is None:
        return []
    return [
        dict(
            type="line",
            xref="x",
            yref="paper",
            x0=minute,
            x1=minute,
            y0=0,
            y1=1,
            line=dict(color=COLORS["danger"], width=2, dash="dash"),
        )
    ]


def takeover_text(minute: float | None) -> str:
    """'minute 24' style rounding used in every sentence (first whole minute at or after)."""
    return "never" if minute is None else f"minute {int(math.floor(minute)) + (0 if minute == int(minute) else 1)}"


def duration_text(seconds: float) -> str:
    """'2 min 20 s' style (rounded to 10 s above a minute)."""
    if not math.isfinite(seconds):
        return "never"
    if seconds < 60:
        return f"{seconds:.0f} s"
    s = int(round(seconds / 10.0)) * 10
    return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"


def _takeover_xy(result: RunResult) -> dict:
    t = result.takeover_min
    if t is None:
        return {"x": [], "y": []}
    return {"x": [t], "y": [float(np.interp(t * 60.0, result.time_s, result.lumbar_load_index))]}


def _band_xy(band: Band | None, edge: str) -> dict:
    if band is None:
        return {"x": [], "y": []}
    return {"x": np.round(band.time_min, 3), "y": getattr(band, edge)}


class SharesChart:
    """Stacked load shares over the run (who carries the stance demand)."""

    def __init__(self, result: RunResult):
        x = _minutes(result)
        traces = []
        for key in SHARE_KEYS:
            traces.append(
                go.Scatter(
                    x=x,
                    y=result.load_share[key],
                    name=GROUP_LABELS[key],
                    mode="lines",
                    stackgroup="share",
                    line=dict(color=COLORS[key], width=1),
                    # the band's colour under its pattern (plotly draws a pattern over a transparent
                    # background otherwise: on the projector only the plain band looked filled)
                    fillcolor=COLORS[key],
                    fillpattern=dict(shape=_PATTERNS[key], bgcolor=COLORS[key], fgcolor="#1A1A1A", size=8, solidity=0.2)
                    if _PATTERNS[key]
                    else None,
                    hovertemplate="%{y:.0%} at minute %{x:.0f}<extra>" + GROUP_LABELS[key] + "</extra>",
                )
            )
        self.fig = configure_figure(
            go.FigureWidget(
                data=traces,
                layout=_layout(
                    _title("shares"),
                    "Share of stance load",
                    top=120,
                    yaxis_tickformat=".0%",
                    yaxis_range=[0, 1],
                    shapes=_takeover_shape(result.takeover_min),
                ),
            )
        )

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
            go.Scatter(
                x=x,
                y=result.fatigue[g],
                name=GROUP_LABELS[g],
                mode="lines",
                line=dict(color=COLORS[g], width=3, dash=DASHES[i]),
                hovertemplate="%{y:.0%} of capacity lost at minute %{x:.0f}<extra>" + GROUP_LABELS[g] + "</extra>",
            )
            for i, g in enumerate(GROUPS)
        ]
        self.fig = configure_figure(
            go.FigureWidget(
                data=traces,
                layout=_layout(_title("fatigue"), "Capacity lost", top=120, yaxis_tickformat=".0%", yaxis_range=[0, 1]),
            )
        )

    def update(self, result: RunResult) -> None:
        x = _minutes(result)
        with self.fig.batch_update():
            for trace, g in zip(self.fig.data, GROUPS):
                trace.x = x
                trace.y = result.fatigue[g]


class IndexChart:
    """Lumbar load index over the run, the reference level 1.0, the takeover marked, and the
    uncertainty band (traces 3 and 4: upper edge, then lower edge filled up to it)."""

    def __init__(self, result: RunResult, band: Band | None = None):
        x = _minutes(result)
        self.fig = configure_figure(
            go.FigureWidget(
                data=[
                    go.Scatter(
                        x=x,
                        y=result.lumbar_load_index,
                        name="Your lower back",
                        mode="lines",
                        line=dict(color=COLORS["lumbar_extensors"], width=4),
                        hovertemplate="index %{y:.2f} at minute %{x:.0f}<extra></extra>",
                    ),
                    go.Scatter(
                        x=[x[0], x[-1]],
                        y=[1.0, 1.0],
                        name="Well-conditioned runner, start of an easy run",
                        mode="lines",
                        line=dict(color=COLORS["passive"], width=2, dash="dot"),
                        hoverinfo="skip",
                    ),
                    go.Scatter(
                        **_takeover_xy(result),
                        name="Back takes over",
                        mode="markers",
                        marker=dict(symbol="x", size=14, color=COLORS["danger"], line=dict(width=2)),
                        hovertemplate="takeover at minute %{x:.0f}<extra></extra>",
                    ),
                    go.Scatter(
                        **_band_xy(band, "high"),
                        mode="lines",
                        line=dict(width=0, color=COLORS["lumbar_extensors"]),
                        showlegend=False,
                        hovertemplate="upper edge %{y:.2f}<extra></extra>",
                    ),
                    go.Scatter(
                        **_band_xy(band, "low"),
                        name="Model uncertainty (5-95 %)",
                        mode="lines",
                        fill="tonexty",
                        # on the projector's near-black page the 18 % vermillion tint was a dark
                        # brown; a light orange tint reads as a band, still darker than the line
                        fillcolor=_rgba("#FFB27A", 0.42)
                        if presenter_mode()
                        else _rgba(COLORS["lumbar_extensors"], 0.18),
                        line=dict(width=0, color=COLORS["lumbar_extensors"]),
                        hovertemplate="lower edge %{y:.2f}<extra></extra>",
                    ),
                ],
                layout=_layout(
                    _title("index"),
                    "Load index (1 = reference)",
                    title_in_legend=True,
                    yaxis_rangemode="tozero",
                    shapes=_takeover_shape(result.takeover_min),
                ),
            )
        )
        # All data is in the constructor: updates sent before the browser view exists can be lost.

    def update(self, result: RunResult, band: Band | None = None) -> None:
        x = _minutes(result)
        t = result.takeover_min
        with self.fig.batch_update():
            self.fig.data[0].x = x
            self.fig.data[0].y = result.lumbar_load_index
            self.fig.data[1].x = [x[0], x[-1]]
            marker = _takeover_xy(result)
            self.fig.data[2].x, self.fig.data[2].y = marker["x"], marker["y"]
            if band is not None:
                for i, edge in ((3, "high"), (4, "low")):
                    xy = _band_xy(band, edge)
                    self.fig.data[i].x, self.fig.data[i].y = xy["x"], xy["y"]
            self.fig.layout.shapes = _takeover_shape(t)


class CompareChart:
    """Runner A vs runner B: lumbar load index and hip share side by side on one axis set."""

    def __init__(self, a: RunResult, b: RunResult, label_a: str = "A", label_b: str = "B"):
        self.fig = configure_figure(
            go.FigureWidget(
                data=[
                    go.Scatter(
                        x=_minutes(a),
                        y=a.lumbar_load_index,
                        name=f"A: {label_a}",
                        mode="lines",
                        line=dict(color=COLORS["lumbar_extensors"], width=4),
                    ),
                    go.Scatter(
                        x=_minutes(b),
                        y=b.lumbar_load_index,
                        name=f"B: {label_b}",
                        mode="lines",
                        line=dict(color=COLORS["bone"], width=4, dash="dash"),
                    ),
                    go.Scatter(
                        **_takeover_xy(a),
                        name="A takes over",
                        mode="markers",
                        marker=dict(symbol="x", size=14, color=COLORS["danger"]),
                    ),
                    go.Scatter(
                        **_takeover_xy(b),
                        name="B takes over",
                        mode="markers",
                        marker=dict(symbol="diamond-open", size=14, color=COLORS["danger"]),
                    ),
                ],
                layout=_layout("Lower back load: A vs B", "Lumbar load index", yaxis_rangemode="tozero"),
            )
        )

    def update(self, a: RunResult, b: RunResult, label_a: str | None = None, label_b: str | None = None) -> None:
        with self.fig.batch_update():
            for i, res in enumerate((a, b)):
                self.fig.data[i].x = _minutes(res)
                self.fig.data[i].y = res.lumbar_load_index
                mark, xy = self.fig.data[2 + i], _takeover_xy(res)
                mark.x, mark.y = xy["x"], xy["y"]
            if label_a is not None:
                self.fig.data[0].name = f"A: {label_a}"
            if label_b is not None:
                self.fig.data[1].name = f"B: {label_b}"


class CohortChart:
    """Histogram of takeover minutes in a cohort; the runners who never reach it get their own bar."""

    def __init__(self, cohort: CohortResult):
        t = cohort.takeover_min
        d = cohort.plan.duration_min
        self.fig = configure_figure(
            go.FigureWidget(
                data=[
                    go.Histogram(
                        x=t[np.isfinite(t)],
                        xbins=dict(start=0, size=5),
                        name="Back takes over at this minute",
                        marker=dict(
                            color=COLORS["lumbar_extensors"],
                            line=dict(color="#1A1A1A", width=1),
                            pattern=dict(shape="/"),
                        ),
                        hovertemplate="%{y} runners: takeover in minutes %{x}<extra></extra>",
                    ),
                    go.Bar(
                        x=[d + 7.5],
                        y=[int((~np.isfinite(t)).sum())],
                        name="Never in this run",
                        width=5,
                        marker=dict(color=COLORS["hip_extensors"], line=dict(color="#1A1A1A", width=1)),
                        hovertemplate="%{y} runners never reach it<extra></extra>",
                    ),
                ],
                layout=_layout(_title("cohort"), "Number of runners", bargap=0.05, **self._axis(d)),
            )
        )

    @staticmethod
    def _axis(d: float) -> dict:
        ticks = list(np.arange(0, d + 1e-9, 10 if d <= 120 else 30))
        return {
            "xaxis_range": [0, d + 10],
            "xaxis_tickmode": "array",
            "xaxis_tickvals": ticks + [d + 7.5],
            "xaxis_ticktext": [f"{v:g}" for v in ticks] + ["never"],
            "xaxis_title_text": "Minute the back takes over",
        }

    def update(self, cohort: CohortResult) -> None:
        t = cohort.takeover_min
        finite = t[np.isfinite(t)]
        never = int(t.size - finite.size)
        d = cohort.plan.duration_min
        with self.fig.batch_update():
            self.fig.data[0].x = finite
            self.fig.data[1].x = [d + 7.5]
            self.fig.data[1].y = [never]
            self.fig.update_layout(**self._axis(d))


class PreventionChart:
    """The same run before and after a prevention programme (claim A14)."""

    def __init__(self, before: RunResult, after: RunResult):
        self.fig = configure_figure(
            go.FigureWidget(
                data=[
                    go.Scatter(
                        x=_minutes(before),
                        y=before.lumbar_load_index,
                        name="Today",
                        mode="lines",
                        line=dict(color=COLORS["lumbar_extensors"], width=4),
                    ),
                    go.Scatter(
                        x=_minutes(after),
                        y=after.lumbar_load_index,
                        name="After the programme",
                        mode="lines",
                        line=dict(color=COLORS["hip_extensors"], width=4, dash="dash"),
                    ),
                ],
                layout=_layout("Prevention what-if: the same run", "Lumbar load index", yaxis_rangemode="tozero"),
            )
        )

    def update(self, before: RunResult, after: RunResult) -> None:
        with self.fig.batch_update():
            for trace, res in zip(self.fig.data, (before, after)):
                trace.x = _minutes(res)
                trace.y = res.lumbar_load_index


class HoldChart:
    """Endurance hold (three-compartment model): active fraction, capacity left, the target, the failure."""

    def __init__(self, hold: HoldResult):
        xy = self._xy(hold)
        self.fig = configure_figure(
            go.FigureWidget(
                data=[
                    go.Scatter(
                        **xy[0],
                        name="Capacity left (1 - fatigued)",
                        mode="lines",
                        line=dict(color=COLORS["deep_core"], width=4),
                        hovertemplate="%{y:.0%} of capacity left at %{x:.0f} s<extra></extra>",
                    ),
                    go.Scatter(
                        **xy[1],
                        name="Target load",
                        mode="lines",
                        line=dict(color=COLORS["passive"], width=2, dash="dot"),
                        hoverinfo="skip",
                    ),
                    go.Scatter(
                        **xy[2],
                        name="Active (working) units",
                        mode="lines",
                        line=dict(color=COLORS["lumbar_extensors"], width=3, dash="dash"),
                        hovertemplate="%{y:.0%} active at %{x:.0f} s<extra></extra>",
                    ),
                    go.Scatter(
                        **xy[3],
                        name="Gives out",
                        mode="markers",
                        marker=dict(symbol="x", size=14, color=COLORS["danger"], line=dict(width=2)),
                        hovertemplate="gives out at %{x:.0f} s<extra></extra>",
                    ),
                ],
                layout=_layout(
                    _title("hold"),
                    "Fraction of maximal force",
                    yaxis_tickformat=".0%",
                    yaxis_range=[0, 1.02],
                    xaxis_title_text="Seconds of the hold",
                ),
            )
        )

    @staticmethod
    def _xy(hold: HoldResult) -> list[dict]:
        step = max(1, hold.time_s.size // 400)  # at most ~400 points per line
        x = np.round(hold.time_s[::step], 1)
        e = hold.endurance_s
        return [
            {"x": x, "y": 1.0 - hold.fatigued[::step]},
            {"x": [x[0], x[-1]], "y": [hold.target_load, hold.target_load]},
            {"x": x, "y": hold.active[::step]},
            {"x": [e], "y": [hold.target_load]} if math.isfinite(e) else {"x": [], "y": []},
        ]

    def update(self, hold: HoldResult) -> None:
        with self.fig.batch_update():
            for trace, xy in zip(self.fig.data, self._xy(hold)):
                trace.x, trace.y = xy["x"], xy["y"]

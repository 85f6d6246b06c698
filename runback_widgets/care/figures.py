"""Plotly figures for the What helps dashboard (no ipywidgets imported here).

* :class:`EvidenceChart`: every care option on one evidence scale (read in
  ten seconds: one dot per option, best evidence at the top; each rating has
  its own colour AND marker shape, and the rating is written beside the dot).
* :func:`evidence_summary`: the same information as short text.
* :class:`PositionChart`: a stick figure of an exercise's position, drawn
  from the exercise's joint angles (``model.stick_figure``), no images.
* :class:`PlanChart`: a plan's weekly running minutes (recovery weeks
  hatched, walking weeks marked, the target as a dashed line).
"""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go

from ..ui.theme import COLORS, OKABE_ITO, figure_layout, presenter_mode
from .model import Exercise, Option, Plan, ratings, stick_figure

__all__ = ["EvidenceChart", "evidence_summary", "PositionChart", "PlanChart", "RATING_STYLE"]

#: rating id -> (colour, marker symbol): colour is never the only cue.
RATING_STYLE = {
    "recommended": (OKABE_ITO["bluish_green"], "star"),
    "helps": (OKABE_ITO["blue"], "circle"),
    "may_help": (OKABE_ITO["orange"], "diamond"),
    "little_evidence": (OKABE_ITO["grey"], "square"),
    "not_recommended": (COLORS["danger"], "x"),
}
_SHORT = {4: "Recommended", 3: "Helps", 2: "May help", 1: "Little evidence", 0: "Doesn't help"}


def _wrap(text: str, width: int = 26) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def evidence_summary(options: list[Option]) -> list[tuple[str, list[str]]]:
    """[(rating label, [option names])], best rating first, empty ratings left out."""
    scale = sorted(ratings().items(), key=lambda kv: -int(kv[1]["rank"]))
    out = []
    for rid, r in scale:
        names = [o.name for o in options if o.rating == rid]
        if names:
            out.append((r["label"], names))
    return out


class EvidenceChart:
    """Options (rows) on the evidence scale (x = rating rank 0-4).

    Each row is the option's name (written across the full width, so it fits a
    phone) above a dot at its rating; the rating is written beside the dot.
    ``update(options)`` redraws the rows (e.g. one topic only). The first rows
    are part of the figure's initial state: trace additions sent before the
    figure is on the page would never reach the browser.
    """

    def __init__(self, options: list[Option], title: str, axis_title: str | None = None):
        # One title: ``title`` names the chart; the scale's words (No ... Best) are its axis, so
        # an axis title above them printed a second heading (on top of the first on a phone).
        # ``axis_title`` is kept for callers and shown only when ``title`` is empty.
        traces, layout = self._content(list(options))
        self.fig = go.FigureWidget(
            traces,
            layout=figure_layout(
                title=dict(text=title, x=0.01, xanchor="left"),
                margin=dict(l=10, r=14, t=80, b=20),
                showlegend=False,
                xaxis=dict(
                    title=dict(text="" if title else (axis_title or "")),
                    range=[-0.3, 4.3],
                    tickvals=[0, 1, 2, 3, 4],
                    ticktext=["No", "Little", "Some", "Good", "Best"],
                    fixedrange=True,
                    zeroline=False,
                    side="top",
                ),
                yaxis=dict(visible=False, fixedrange=True, range=layout["yrange"]),
                annotations=layout["annotations"],
                height=layout["height"],
                dragmode=False,
            ),
        )
        self.options = list(options)

    @staticmethod
    def _content(opts: list[Option]):
        n = len(opts)
        present = presenter_mode()
        traces = []
        for rid, (colour, symbol) in RATING_STYLE.items():
            sel = [i for i, o in enumerate(opts) if o.rating == rid]
            if not sel:
                continue
            traces.append(
                go.Scatter(
                    x=[opts[i].rank for i in sel],
                    y=[n - 1 - i for i in sel],
                    mode="markers+text",
                    marker=dict(
                        size=22 if present else 16, color=colour, symbol=symbol, line=dict(width=1.5, color="#1A1A1A")
                    ),
                    text=[_SHORT[opts[i].rank] for i in sel],
                    textposition=["middle left" if opts[i].rank >= 2 else "middle right" for i in sel],
                    textfont=dict(color="#FFFFFF" if present else "#1A1A1A"),
                    name=opts[sel[0]].label,
                    customdata=[opts[i].note for i in sel],
                    hovertemplate="%{customdata}<extra></extra>",
                    cliponaxis=False,
                )
            )
        names = [
            dict(
                xref="paper",
                yref="y",
                x=0,
                # just above its own dot (a name half-way between two rows read as either's)
                y=n - 1 - i + 0.2,
                xanchor="left",
                yanchor="bottom",
                text=f"<b>{o.name}</b>",
                showarrow=False,
                align="left",
            )
            for i, o in enumerate(opts)
        ]
        return traces, {
            "annotations": names,
            "height": (64 if present else 62) * max(n, 1) + 140,  # all 13 options fit a 1080-px projector frame
            "yrange": [-0.6, n - 1 + 0.8],
        }

    def update(self, options: list[Option]) -> None:
        opts = list(options)
        traces, layout = self._content(opts)
        with self.fig.batch_update():
            self.fig.data = []
            self.fig.add_traces(traces)
            self.fig.layout.annotations = layout["annotations"]
            self.fig.layout.height = layout["height"]
            self.fig.layout.yaxis.range = layout["yrange"]
        self.options = opts


class PositionChart:
    """A stick figure of one exercise's position (near side solid, far side dashed)."""

    def __init__(self, exercise: Exercise):
        fg = "#FFFFFF" if presenter_mode() else "#1A1A1A"
        self.fig = go.FigureWidget(
            layout=figure_layout(
                height=320,
                margin=dict(l=10, r=10, t=64, b=10),
                showlegend=True,
                legend=dict(orientation="h", x=0, y=-0.02, yanchor="top"),
                xaxis=dict(visible=False, fixedrange=True),
                yaxis=dict(visible=False, fixedrange=True, scaleanchor="x"),
                dragmode=False,
            )
        )
        self._fg = fg
        self.update(exercise)

    def update(self, exercise: Exercise) -> None:
        pts = stick_figure(exercise.pose)
        fg = self._fg
        far_colour = OKABE_ITO["sky_blue"] if presenter_mode() else OKABE_ITO["blue"]

        def chain(*names):
            xy = np.array([pts[n] for n in names])
            return xy[:, 0], xy[:, 1]

        near = [
            chain("shoulder", "hip"),
            chain("shoulder", "elbow_near", "hand_near"),
            chain("hip", "knee_near", "foot_near"),
            chain("shoulder", "head"),
        ]
        far = [chain("shoulder", "elbow_far", "hand_far"), chain("hip", "knee_far", "foot_far")]
        xs = np.concatenate([p[0] for p in near + far] + [[pts["head"][0]]])
        lo, hi = float(xs.min()) - 0.12, float(xs.max()) + 0.12
        traces = []
        for i, (x, y) in enumerate(far):
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines+markers",
                    line=dict(color=far_colour, width=6, dash="dash"),
                    marker=dict(size=8),
                    name="far side",
                    showlegend=i == 0,
                    hoverinfo="skip",
                )
            )
        for i, (x, y) in enumerate(near):
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines+markers",
                    line=dict(color=fg, width=8),
                    marker=dict(size=9),
                    name="near side",
                    showlegend=i == 0,
                    hoverinfo="skip",
                )
            )
        traces.append(
            go.Scatter(
                x=[lo, hi],
                y=[0, 0],
                mode="lines",
                line=dict(color=OKABE_ITO["grey"], width=3),
                name="floor",
                showlegend=False,
                hoverinfo="skip",
            )
        )
        shapes = [
            dict(
                type="circle",
                xref="x",
                yref="y",
                x0=pts["head"][0] - 0.06,
                x1=pts["head"][0] + 0.06,
                y0=pts["head"][1] - 0.06,
                y1=pts["head"][1] + 0.06,
                line=dict(color=fg, width=4),
            )
        ]
        if exercise.pose.get("step"):
            fx, fy = pts["foot_near"]
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    yref="y",
                    x0=fx - 0.15,
                    x1=fx + 0.1,
                    y0=0,
                    y1=fy,
                    line=dict(color=OKABE_ITO["grey"], width=2),
                    fillcolor="rgba(153,153,153,0.35)",
                )
            )
        if exercise.pose.get("band"):
            (x0, y0), (x1, y1) = pts["knee_near"], pts["knee_far"]
            traces.append(
                go.Scatter(
                    x=[x0, x1],
                    y=[y0, y1],
                    mode="lines",
                    line=dict(color=OKABE_ITO["orange"], width=5, dash="dot"),
                    name="band",
                    hoverinfo="skip",
                )
            )
        view = {"side": "seen from the side", "front": "seen from the front"}.get(exercise.view, "")
        with self.fig.batch_update():
            self.fig.data = []
            self.fig.add_traces(traces)
            self.fig.layout.shapes = shapes
            self.fig.layout.title = dict(text=f"{exercise.name}<br><sup>{view}</sup>", x=0.01, xanchor="left")
            self.fig.layout.xaxis.range = [lo, hi]
            self.fig.layout.yaxis.range = [-0.05, max(float(p[1]) for p in pts.values()) + 0.12]
        self.exercise = exercise


class PlanChart:
    """Weekly running minutes of a plan: bars (recovery weeks hatched), target line, walking weeks."""

    def __init__(self, plan: Plan | None, title: str | None = None):
        # The dashboard gives no title: its own heading stands right above the planner (a plotly
        # title repeating it was a second heading); standalone use may still pass one.
        self._title = title
        self.fig = go.FigureWidget(
            layout=figure_layout(
                title=dict(text=title or "", x=0.01, xanchor="left"),
                height=400 if title else 360,
                margin=dict(l=60, r=10, t=50 if title else 16, b=120),
                barmode="overlay",
                legend=dict(orientation="h", yanchor="top", y=-0.32, x=0, xanchor="left"),
                xaxis=dict(
                    title=dict(text="Week", standoff=4),
                    fixedrange=True,
                    dtick=1 if plan is None or len(plan.weeks) <= 12 else 2,
                ),
                yaxis=dict(title=dict(text="min per week"), rangemode="tozero", fixedrange=True, automargin=True),
                dragmode=False,
            )
        )
        self.update(plan)

    def update(self, plan: Plan | None) -> None:
        weeks = [] if plan is None or plan.refused else list(plan.weeks)
        idx = np.array([w.index for w in weeks], dtype=int)
        mins = np.array([w.run_minutes for w in weeks], dtype=float)
        rec = np.array([w.recovery for w in weeks], dtype=bool)
        walk = np.array([w.kind == "walk" for w in weeks], dtype=bool)
        build = ~rec & ~walk
        traces = [
            go.Bar(
                x=idx[build],
                y=np.round(mins[build], 1),
                width=0.8,
                name="building week",
                marker=dict(color=OKABE_ITO["blue"]),
                hovertemplate="Week %{x}: %{y:.0f} min<extra></extra>",
            ),
            go.Bar(
                x=idx[rec],
                y=np.round(mins[rec], 1),
                width=0.8,
                name="recovery week",
                marker=dict(
                    color=OKABE_ITO["sky_blue"],
                    line=dict(color="#1A1A1A", width=1),
                    pattern=dict(shape="/", fgcolor="#1A1A1A", fillmode="overlay", solidity=0.3),
                ),
                hovertemplate="Week %{x} (recovery): %{y:.0f} min<extra></extra>",
            ),
            go.Scatter(
                x=idx[walk],
                y=np.zeros(int(walk.sum())),
                mode="markers+text",
                text=["walk"] * int(walk.sum()),
                textposition="top center",
                marker=dict(symbol="triangle-up", size=14, color=OKABE_ITO["orange"]),
                name="walking week (no running)",
                hovertemplate="Week %{x}: walking only<extra></extra>",
            ),
        ]
        shapes = []
        if weeks:
            target = plan.target_minutes
            shapes.append(
                dict(
                    type="line",
                    xref="paper",
                    yref="y",
                    x0=0,
                    x1=1,
                    y0=target,
                    y1=target,
                    line=dict(color=COLORS["danger"], width=2, dash="dash"),
                )
            )
        with self.fig.batch_update():
            self.fig.data = []
            self.fig.add_traces(traces)
            self.fig.layout.shapes = shapes
            self.fig.layout.annotations = (
                [
                    dict(
                        xref="paper",
                        yref="y",
                        x=1,
                        y=plan.target_minutes,
                        xanchor="right",
                        yanchor="bottom",
                        text=f"target {plan.target_minutes:.0f} min",
                        showarrow=False,
                    )
                ]
                if weeks
                else []
            )
            self.fig.layout.xaxis.dtick = 1 if len(weeks) <= 12 else 2
        self.plan = plan

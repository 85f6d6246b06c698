"""Figures for the symptom explorer: the score bar chart and the posterior
body map. Plotly only (never ipywidgets). Each chart owns a ``go.FigureWidget``
and updates it in one ``batch_update`` from an :class:`~.model.Assessment`.

Colour is never the only cue: bars carry text labels and a fill pattern per
pain type; body-map regions use the pain type's pattern for "felt here" and a
thick black outline plus a check mark in the label for "you ticked this".
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..ui.theme import COLORS, figure_config, figure_layout, presenter_mode
from . import model
from .model import PAIN_TYPES, SYMPTOMS, Assessment

__all__ = ["ScoreChart", "BodyMap", "score_summary", "body_summary", "REGION_SHAPES", "PATTERNS"]

#: Fill pattern per pain type (so the chart and the map do not rely on colour).
PATTERNS = {"muscle": "/", "bone": ".", "discogenic": "x"}

_BASE_FILL = "#EDEDED"
_BASE_LINE = "#8C8C8C"


def _ink() -> dict:
    """Line and text colours that read on the page background (dark in presenter mode)."""
    if presenter_mode():
        return {"tick": "#FFFFFF", "outline": "#BBBBBB", "spine": "#DDDDDD", "text": "#FFFFFF"}
    return {"tick": "#000000", "outline": "#555555", "spine": "#333333", "text": "#1A1A1A"}


def _rect(x0, y0, x1, y1):
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def _mirror(xs, ys):
    """Left-side polygon plus its mirror image on the right, as one gapped path."""
    return list(xs) + [None] + [-x for x in xs], list(ys) + [None] + list(ys)


def _ellipse(cx, cy, rx, ry, n=24):
    import math

    xs = [cx + rx * math.cos(2 * math.pi * i / n) for i in range(n + 1)]
    ys = [cy + ry * math.sin(2 * math.pi * i / n) for i in range(n + 1)]
    return xs, ys


#: Posterior view, seen from behind: the runner's left is on the left of the
#: picture. Units are arbitrary (a body about 100 units tall from feet to waist+).
REGION_SHAPES: dict[str, tuple[list, list]] = {
    "whole_lower_back": _rect(-11, 68, 11, 90),
    "paraspinal_left": _rect(-6.5, 70, -1.5, 92),
    "paraspinal_right": _rect(1.5, 70, 6.5, 92),
    "buttock": _mirror(*_ellipse(-6.2, 58, 5.6, 6.5)),
    "back_of_thigh": _mirror(*_rect(-10.5, 33, -2.5, 50)),
    "calf": _mirror(*_rect(-9.2, 11, -3.2, 27)),
    "foot": _mirror(*_rect(-9.2, 0.5, -3.2, 7)),
}

#: Where each region's label sits (x, y), right of the body.
_LABEL_POS = {
    "whole_lower_back": (12.5, 80),
    "buttock": (12.5, 58),
    "back_of_thigh": (12.5, 41),
    "calf": (12.5, 19),
    "foot": (12.5, 3.5),
}
_SHORT = {
    "whole_lower_back": "Lower back",
    "buttock": "Buttock",
    "back_of_thigh": "Thigh",
    "calf": "Calf",
    "foot": "Foot",
}

# Silhouette: trunk + pelvis + two legs (outline only).
_SILHOUETTE = (
    [-13, 13, 15, 16, 11, 10, 9.5, 2.5, 2.5, 1.5, 0, -1.5, -2.5, -2.5, -9.5, -10, -11, -16, -15, -13],
    [100, 100, 70, 55, 32, 28, 0, 0, 28, 50, 52, 50, 28, 0, 0, 28, 32, 55, 70, 100],
)


def _type_label(t: str) -> str:
    return model.type_info(t)["label"]


def score_summary(a: Assessment) -> str:
    """One plain sentence describing the bar chart (accessibility)."""
    parts = [f"{_type_label(t)} {a.scores[t]:.2f}" for t in PAIN_TYPES]
    if not a.ranking:
        lead = "No pain type scores above zero yet."
    elif a.leading is None:
        lead = "None of the three types fits well."
    else:
        lead = f"{_type_label(a.leading)} fits best."
    return f"Bar chart of how well each pain type fits, from 0 to 1: {', '.join(parts)}. {lead}"


def _ticked_regions(a: Assessment) -> list[str]:
    out: dict[str, None] = {}
    for sid in SYMPTOMS:
        if sid in a.symptoms:
            for r in SYMPTOMS[sid].regions:
                out.setdefault(r, None)
    return list(out)


def _felt_regions(a: Assessment) -> list[str]:
    if a.leading is None:
        return []
    return list(model.type_info(a.leading)["felt_in"])


def body_summary(a: Assessment) -> str:
    """One plain sentence describing the body map (accessibility)."""
    names = model.regions()
    ticked = [names[r] for r in _ticked_regions(a)]
    felt = [names[r] for r in _felt_regions(a)]
    s1 = (
        f"Where {_type_label(a.leading).lower()} pain is usually felt (striped or dotted): {', '.join(felt)}."
        if felt
        else "No pain type is highlighted yet."
    )
    s2 = (
        f"Where your ticked symptoms are (thick outline, check mark): {', '.join(ticked)}."
        if ticked
        else "No ticked symptom has a place on the map."
    )
    return f"Body map, seen from behind. {s1} {s2}"


#: Plotly config for every figure here: the kit's (responsive, PNG export kept; the toolbar is
#: hidden on phones by the page template, where it covered the title), nothing to zoom.
FIG_CONFIG = figure_config(showAxisDragHandles=False)


class ScoreChart:
    """Horizontal bars: one per pain type, labelled with its name and score."""

    def __init__(self):
        self._last = None
        ink = _ink()
        labels = [model.type_info(t)["short"] for t in PAIN_TYPES]
        self.fig = go.FigureWidget(
            data=[
                go.Bar(
                    orientation="h",
                    y=labels,
                    x=[0.0] * len(PAIN_TYPES),
                    text=["0.00"] * len(PAIN_TYPES),
                    textposition="outside",
                    cliponaxis=False,
                    marker=dict(
                        color=[COLORS[t] for t in PAIN_TYPES],
                        pattern=dict(shape=[PATTERNS[t] for t in PAIN_TYPES], fgcolor="#FFFFFF", solidity=0.3),
                        line=dict(color=ink["tick"], width=[0] * len(PAIN_TYPES)),
                    ),
                    hovertemplate="%{y}: %{x:.2f}<extra></extra>",
                    name="score",
                    showlegend=False,
                )
            ],
            layout=figure_layout(
                title=dict(text="How well each type fits"),
                xaxis=dict(range=[0, 1.45], tickvals=[0, 0.5, 1], title=dict(text="score, 0 to 1"), fixedrange=True),
                yaxis=dict(autorange="reversed", fixedrange=True, automargin=True),
                height=280,
                margin=dict(l=10, r=20, t=50, b=50),
            ),
        )
        self.fig._config = dict(FIG_CONFIG)

    def update(self, a: Assessment) -> None:
        lead = a.leading
        xs = [a.scores[t] for t in PAIN_TYPES]
        if (lead, xs) == self._last:
            return
        self._last = (lead, xs)
        text = [f"{a.scores[t]:.2f}" + (" best fit" if t == lead else "") for t in PAIN_TYPES]
        widths = [3 if t == lead else 0 for t in PAIN_TYPES]
        with self.fig.batch_update():
            bar = self.fig.data[0]
            bar.x = xs
            bar.text = text
            bar.marker.line.width = widths


class BodyMap:
    """Posterior body map: regions as filled scatter paths, restyled on update."""

    def __init__(self):
        names = model.regions()
        self._ink = ink = _ink()
        traces = [
            go.Scatter(
                x=_SILHOUETTE[0],
                y=_SILHOUETTE[1],
                mode="lines",
                line=dict(color=ink["outline"], width=1.5),
                hoverinfo="skip",
                showlegend=False,
                name="body outline",
            )
        ]
        self.region_ids = list(REGION_SHAPES)
        self._last = None
        for rid in self.region_ids:
            xs, ys = REGION_SHAPES[rid]
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor=_BASE_FILL,
                    line=dict(color=_BASE_LINE, width=1),
                    name=names[rid],
                    hoverinfo="name",
                    hoveron="fills",
                    showlegend=False,
                )
            )
        # Spine: dashed midline with lumbar level labels.
        traces.append(
            go.Scatter(
                x=[0, 0],
                y=[66, 100],
                mode="lines",
                line=dict(color=ink["spine"], width=2, dash="dot"),
                hoverinfo="skip",
                showlegend=False,
                name="spine",
            )
        )
        self._label_index = len(traces)
        traces.append(
            go.Scatter(
                x=[p[0] for p in _LABEL_POS.values()] + [-4, 4],
                y=[p[1] for p in _LABEL_POS.values()] + [95, 95],
                mode="text",
                text=[_SHORT[r] for r in _LABEL_POS] + ["L", "R"],
                textposition="middle right",
                textfont=dict(color=ink["text"]),
                cliponaxis=False,
                hoverinfo="skip",
                showlegend=False,
                name="labels",
            )
        )
        # Legend-only entries explaining the two cues.
        self._legend_felt = len(traces)
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="where the best-fitting type is felt",
                marker=dict(symbol="square", size=14, color=_BASE_FILL, line=dict(color=_BASE_LINE, width=1)),
                showlegend=True,
                visible="legendonly",
            )
        )
        self._legend_ticked = len(traces)
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="where you ticked (thick outline, check mark)",
                marker=dict(symbol="square-open", size=14, color=ink["tick"], line=dict(width=3)),
                showlegend=True,
            )
        )
        self.fig = go.FigureWidget(
            data=traces,
            layout=figure_layout(
                title=dict(text="Body map, seen from behind"),
                xaxis=dict(visible=False, range=[-18, 28], fixedrange=True, constrain="domain"),
                yaxis=dict(
                    visible=False, range=[-22, 104], fixedrange=True, scaleanchor="x", scaleratio=1, constrain="domain"
                ),
                height=460,
                margin=dict(l=10, r=10, t=50, b=10),
                legend=dict(orientation="h", x=0, y=0, yanchor="bottom", bgcolor="rgba(255,255,255,0)"),
                showlegend=True,
            ),
        )
        self.fig._config = dict(FIG_CONFIG)

    def update(self, a: Assessment) -> None:
        lead = a.leading
        felt = set(_felt_regions(a))
        ticked = set(_ticked_regions(a))
        key = (lead, frozenset(felt), frozenset(ticked))
        if key == self._last:
            return  # nothing on the map changes: send nothing to the browser
        self._last = key
        with self.fig.batch_update():
            for i, rid in enumerate(self.region_ids, start=1):
                tr = self.fig.data[i]
                if rid in felt:
                    tr.fillcolor = "#FFFFFF"
                    tr.fillpattern = dict(shape=PATTERNS[lead], fgcolor=COLORS[lead], bgcolor="#FFFFFF", solidity=0.45)
                else:
                    tr.fillcolor = _BASE_FILL
                    tr.fillpattern = dict(shape="", fgcolor=_BASE_FILL, bgcolor=_BASE_FILL)
                tr.line.color = self._ink["tick"] if rid in ticked else _BASE_LINE
                tr.line.width = 4 if rid in ticked else 1
            labels = []
            for rid in _LABEL_POS:
                mark = " \u2713" if rid in ticked else ""
                star = " \u25cf" if rid in felt else ""
                labels.append(f"{_SHORT[rid]}{mark}{star}")
            side_ticked = {"paraspinal_left", "paraspinal_right"} & ticked
            labels.append("L" + (" \u2713" if "paraspinal_left" in side_ticked else ""))
            labels.append("R" + (" \u2713" if "paraspinal_right" in side_ticked else ""))
            self.fig.data[self._label_index].text = labels
            leg = self.fig.data[self._legend_felt]
            if lead:
                leg.name = f"\u25cf where {_type_label(lead).lower()} pain is felt"
                leg.marker.color = COLORS[lead]
                leg.visible = True
            else:
                leg.visible = "legendonly"

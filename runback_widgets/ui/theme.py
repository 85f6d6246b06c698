"""Palette, fonts and the plotly template shared by every dashboard.

Colour-blind-safe palette: Okabe & Ito (2008), "Color Universal Design".
Presenter mode (``RUNBACK_PRESENT=1``, set by ``runback serve --present``)
switches to a dark, high-contrast template with large type. This module
imports plotly but never ipywidgets (figures layer).
"""

from __future__ import annotations

import os

import plotly.graph_objects as go

from .plotly_deltas import install as _install_plotly_delta_fix

# Every figure module imports this one: FigureWidget's delta handler stops
# raising on numpy-valued traces (see plotly_deltas.py).
_install_plotly_delta_fix()

#: Okabe-Ito colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

#: Semantic colours: same meaning, same colour, in every dashboard.
COLORS = {
    "muscle": OKABE_ITO["vermillion"],
    "bone": OKABE_ITO["blue"],
    "discogenic": OKABE_ITO["reddish_purple"],
    "hip_abductors": OKABE_ITO["orange"],
    "hip_extensors": OKABE_ITO["bluish_green"],
    "deep_core": OKABE_ITO["sky_blue"],
    "lumbar_extensors": OKABE_ITO["vermillion"],
    "passive": OKABE_ITO["grey"],
    "highlight": OKABE_ITO["yellow"],
    "danger": "#B00020",
}

#: Dash styles so lines never rely on colour alone.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def presenter_mode() -> bool:
    """True when the server was started with ``runback serve --present``."""
    return os.environ.get("RUNBACK_PRESENT", "") not in ("", "0", "false", "False")


def template(present: bool | None = None) -> go.layout.Template:
    """The kit's plotly template; dark, large-type version in presenter mode."""
    if present is None:
        present = presenter_mode()
    colorway = [
        OKABE_ITO[k]
        for k in ("blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple", "yellow", "black")
    ]
    if present:
        fg, bg, grid = "#FFFFFF", "#111111", "#444444"
        colorway = [c if c != "#000000" else "#FFFFFF" for c in colorway]
        size = 22
    else:
        fg, bg, grid = "#1A1A1A", "#FFFFFF", "#DDDDDD"
        size = 14
    return go.layout.Template(
        layout=dict(
            font=dict(family="DejaVu Sans, Arial, sans-serif", size=size, color=fg),
            paper_bgcolor=bg,
            plot_bgcolor=bg,
            colorway=colorway,
            xaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=fg),
            yaxis=dict(gridcolor=grid, zerolinecolor=grid, linecolor=fg),
            legend=dict(font=dict(size=size - 2)),
            margin=dict(l=60, r=20, t=50, b=50),
            hoverlabel=dict(font=dict(size=size)),
        )
    )


#: plotly config for every figure. ``responsive``: plotly redraws the figure at its container's
#: width on a window resize (the runback page template fires one whenever a figure's container
#: changes width: a view switched on, a phone turned), so a chart drawn while hidden does not stay
#: 700 px wide; the toolbar keeps "Download plot as a PNG" (at twice the pixels, for slides and
#: handouts); no wheel zoom, so the mouse wheel scrolls the page.
FIGURE_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "scrollZoom": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def figure_config(**overrides) -> dict:
    """The kit's plotly config (see :data:`FIGURE_CONFIG`), with ``overrides``."""
    config = {k: (dict(v) if isinstance(v, dict) else v) for k, v in FIGURE_CONFIG.items()}
    config.update(overrides)
    return config


def configure_figure(fig, **overrides):
    """Give a ``go.FigureWidget`` the kit's config (keeping what the figure set itself unless
    ``overrides`` say otherwise); returns ``fig``. A toolbar hidden by a figure comes back: every
    figure keeps plotly's PNG export."""
    own = dict(getattr(fig, "_config", None) or {})
    own.pop("displayModeBar", None)
    fig._config = figure_config(**{**own, **overrides})
    return fig


def figure_widget_from(fig):
    """A ``go.FigureWidget`` of an already validated ``go.Figure``, without validating it again.

    plotly validates (and copies) every property of every trace when a figure is built, and
    ``go.FigureWidget(data=traces)`` does it a second time: for the 3D model's ~60 Mesh3d traces
    that is most of the page's start in a kernel. A figure validated once (and remembered, see
    ``ui/memo.py``) gives each kernel its widget at the cost of a copy. What is set on the widget
    afterwards is validated as usual.
    """
    import plotly.graph_objects as go

    data = [dict(t) for t in fig._data]  # shallow copies: plotly pops each trace's "type"
    widget = go.FigureWidget(data=data, layout=dict(fig._layout), _validate=False)
    widget._validate = True
    widget._layout_obj._validate = True
    for trace in widget._data_objs:
        trace._validate = True
    return widget


#: Presenter mode: a figure's fixed height grows with its type (22 px instead of 14 px), so axis
#: titles and legends fit beside the plot instead of running into the title; capped to stay
#: inside a 1080-px projector frame.
PRESENT_HEIGHT_SCALE = 1.25
PRESENT_MAX_HEIGHT = 900


def figure_layout(**overrides) -> dict:
    """Base layout dict for a new figure: the template plus autosizing (in presenter mode a
    given ``height`` is scaled by :data:`PRESENT_HEIGHT_SCALE`, at most :data:`PRESENT_MAX_HEIGHT`)."""
    layout = dict(template=template(), autosize=True)
    layout.update(overrides)
    if presenter_mode() and isinstance(layout.get("height"), (int, float)):
        layout["height"] = min(
            round(layout["height"] * PRESENT_HEIGHT_SCALE), max(PRESENT_MAX_HEIGHT, layout["height"])
        )
    return layout

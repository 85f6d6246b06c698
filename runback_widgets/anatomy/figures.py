"""Plotly figures for the anatomy dashboard: 3D model, sagittal view, gait view.

Figures layer: imports plotly and the model, never ipywidgets. Each chart
class owns a ``go.FigureWidget`` and updates it inside ``batch_update`` so
only what changed is sent to the browser.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import content
from ..ui.memo import Recent
from ..ui.theme import COLORS, OKABE_ITO, configure_figure, figure_layout, figure_widget_from, presenter_mode
from . import model as am
from . import view3d as v3

__all__ = ["LAYER_STYLE", "Anatomy3DChart", "SagittalChart", "GaitChart", "anatomy_figure", "GROUP_LABELS"]

#: Colour and opacity per layer in the 3D view. Bones are drawn ivory (bone-like)
#: so the semantic colours stay free for the tissue layers: discs use the
#: discogenic colour, muscles the muscle colour; nerves orange, joints sky blue.
#: Discs are opaque: one see-through mesh in the scene makes WebGL draw it in a second
#: (transparency) pass, ~30 % more time per repaint (a layer toggle, a turn) without a GPU. A
#: highlighted disc turns see-through (:data:`SEE_THROUGH`) to show its nucleus.
LAYER_STYLE = {
    "bones": dict(color="#E9E1CC", opacity=1.0),
    "discs": dict(color=COLORS["discogenic"], opacity=1.0),
    "joints": dict(color=OKABE_ITO["sky_blue"], opacity=1.0),
    "nerves": dict(color=OKABE_ITO["orange"], opacity=1.0),
    "muscles": dict(color=COLORS["muscle"], opacity=0.5),
}
PART_STYLE = {"nucleus": dict(color="#F3D3E6", opacity=1.0), "abdominal_wall": dict(opacity=0.22)}
DIMMED_OPACITY = 0.12
#: Opacity of a highlighted disc's outer ring (the annulus), so its nucleus shows.
SEE_THROUGH = {"annulus": 0.55}
#: Canvas pixels per CSS pixel of the 3D view (plotly's ``plotGlPixelRatio``; its default is 2).
GL_PIXEL_RATIO = 1

#: Muscle-group names (one source with the load simulator: ``[muscle_groups]`` in content/ui.toml);
#: short axis labels for phones, the long labels in the hover text.
GROUP_LABELS = {k: v["label"] for k, v in content.ui_text("muscle_groups").items()}
GROUP_SHORT = {k: v["short"] for k, v in content.ui_text("muscle_groups").items()}
GROUP_PATTERNS = {"hip_abductors": "/", "hip_extensors": "x", "deep_core": ".", "lumbar_extensors": "\\"}

#: The camera the 3D view opens with when none is given (anatomy.toml's "oblique").
DEFAULT_PRESET = dict(eye=(1.5, -1.75, 0.5), up=(0.0, 0.0, 1.0))
#: The plot aspect (width / height) the camera distance sent from Python is fitted for (a laptop's
#: column); the browser refits for the real one.
NOMINAL_ASPECT = 936 / 560

_LIGHTING = dict(ambient=0.45, diffuse=0.8, specular=0.15, roughness=0.6, fresnel=0.1)


def _part_style(structure_id: str, layer: str, part: str) -> dict:
    style = dict(LAYER_STYLE[layer])
    style.update(PART_STYLE.get(part, {}))
    style.update(PART_STYLE.get(structure_id, {}))
    return style


#: Plot sizes (width, height) the labels must fit and not overlap at, per mode (presenter: no phone): a phone's column,
#: a laptop's, a wide one (the heights are the figure's own).
LABEL_WIDTHS = {False: (340, 936, 1334), True: (480, 900, 1800)}


def _label_font() -> int:
    # WebGL text: the presenter CSS cannot enlarge it, so the projector size is set here.
    return 18 if presenter_mode() else 13


def _height() -> int:
    return figure_layout(height=640 if presenter_mode() else 560)["height"]


@functools.lru_cache(maxsize=16)
def _center(direction: tuple, up: tuple) -> np.ndarray:
    return v3.fit_center(v3.scene_box(), direction, up, NOMINAL_ASPECT)


def fitted_camera(preset: Mapping, aspect: float = NOMINAL_ASPECT) -> dict:
    """A camera preset (``eye`` direction, ``up``) at the distance that fills a plot of ``aspect``."""
    box = v3.scene_box()
    direction = np.asarray(preset["eye"], dtype=float)
    direction = direction / np.linalg.norm(direction)
    center = _center(tuple(direction), tuple(preset["up"]))
    d = v3.fit_distance(box, direction, preset["up"], center, aspect)
    eye = center + d * direction
    return dict(
        eye=dict(zip("xyz", (round(float(c), 4) for c in eye))),
        up=dict(zip("xyz", (float(c) for c in preset["up"]))),
        center=dict(zip("xyz", (round(float(c), 4) for c in center))),
    )


def _fit_meta(presets: Mapping[str, Mapping]) -> dict:
    """``layout.meta.rb_fit``: per preset its direction and fitted distances per plot aspect
    (runback-layout.js moves a preset's eye to the distance for the plot's real aspect)."""
    box = v3.scene_box()
    out = {}
    for name, p in presets.items():
        direction = np.asarray(p["eye"], dtype=float)
        direction = direction / np.linalg.norm(direction)
        center = _center(tuple(direction), tuple(p["up"]))
        out[name] = dict(
            dir=[round(float(c), 6) for c in direction],
            d=v3.distance_table(box, direction, p["up"], center),
            nominal=round(v3.fit_distance(box, direction, p["up"], center, NOMINAL_ASPECT), 4),
        )
    return dict(aspects=list(v3.FIT_ASPECTS), presets=out)


#: Label placements for the last models and cameras, keyed by ``id(model)`` and owned by the
#: model (so a reused id never returns another model's labels). ``build_model`` caches models
#: by tilt, so a page's opening view (and a classroom kernel forked from a parent that
#: rehearsed it) reuses them.
_LABELS = Recent(128)  # every tilt (53) at two views


def _label_points(built: am.LumbopelvicModel, preset: Mapping | None = None):
    """Text labels (L1-L5, SI joints) placed for one camera preset so that none overlap or hide
    behind a bone at a phone's, a laptop's and a wide plot's size (:func:`view3d.place_labels`)."""
    preset = preset or DEFAULT_PRESET
    key = (id(built), repr(sorted(preset.items())), presenter_mode(), _height(), _label_font())
    placed = _LABELS.get(key, lambda: _place_labels(built, preset), owner=built)
    return tuple(list(x) for x in placed)


def prepare_views(cameras: Mapping[str, Mapping], camera: str) -> int:
    """Build the model at every tilt the controls reach and place its labels for ``camera``
    (the opening view); returns how many models. Run once by a classroom server's kernel
    parent (``AnatomyDashboard.prepare_kernels``): a tilt change in a page forked from it
    then costs no geometry and no label placement."""
    preset = dict(eye=cameras[camera]["eye"], up=cameras[camera]["up"])
    models = am.every_tilt()
    for built in models:
        _label_points(built, preset)
    return len(models)


def _place_labels(built: am.LumbopelvicModel, preset: Mapping):
    box = v3.scene_box()
    height = _height()
    views = [(fitted_camera(preset, w / height), w, height) for w in LABEL_WIDTHS[presenter_mode()]]
    solid = np.vstack([m.vertices for st in built.structures.values() if st.layer != "muscles" for _, m in st.parts])
    present = presenter_mode()
    pos, txt, on = v3.place_labels(
        v3.label_candidates(built), box, views, _label_font(), model_points=solid, prefer_clear=present
    )
    return pos[:, 0].tolist(), pos[:, 1].tolist(), pos[:, 2].tolist(), txt, _label_colors(on, present)


#: Label text colours by what the label stands on. Near-black reads on the white page and on the
#: ivory bone alike; on the projector's dark page, white off the model, near-black on bone, and
#: where a label straddles both a blue with ~3.7:1 against either (the 18-px text there is large).
LABEL_COLORS = {
    False: {"clear": "#1A1A1A", "solid": "#1A1A1A", "mixed": "#1A1A1A"},
    True: {"clear": "#FFFFFF", "solid": "#1A1A1A", "mixed": OKABE_ITO["blue"]},
}


def _label_colors(on: list[str], present: bool) -> list[str]:
    return [LABEL_COLORS[present][k] for k in on]


def anatomy_figure(
    built: am.LumbopelvicModel,
    names: Mapping[str, str],
    visible_layers: Iterable[str] = am.LAYERS,
    camera: Mapping | None = None,
    widget: bool = False,
    presets: Mapping[str, Mapping] | None = None,
):
    """The 3D lumbopelvic model: one Mesh3d per structure part, hover shows the name.

    ``camera`` is a preset (``eye`` direction and ``up``, as in anatomy.toml): the figure's
    camera looks from there at the distance that fills the plot. Returns ``(figure, index)``
    where ``index`` maps structure id -> trace indices.
    """
    vis = set(visible_layers)
    preset = camera or DEFAULT_PRESET
    if widget:
        # Built and validated once per model and view, remembered: each widget (a page's
        # kernel; a classroom kernel forked from the parent that rehearsed the page) is a copy.
        key = (
            id(built),
            tuple(sorted(names.items())),
            tuple(sorted(vis)),
            repr(sorted(preset.items())),
            repr(sorted((k, sorted(v.items())) for k, v in (presets or {}).items())),
            presenter_mode(),
            _height(),
            _label_font(),
        )
        fig, index = _FIGURES.get(
            key, lambda: anatomy_figure(built, names, vis, preset, widget=False, presets=presets), owner=built
        )
        return configure_figure(figure_widget_from(fig)), {k: list(v) for k, v in index.items()}
    traces = []
    index: dict[str, list[int]] = {}
    for sid, st in built.structures.items():
        for part, mesh in st.parts:
            v = np.ascontiguousarray(mesh.vertices.T, dtype=np.float32)  # rows: x, y, z (contiguous)
            f = np.ascontiguousarray(mesh.faces.T, dtype=np.uint16 if mesh.n_vertices < 65535 else np.uint32)
            style = _part_style(sid, st.layer, part)
            name = names.get(sid, sid)
            traces.append(
                go.Mesh3d(
                    x=v[0],
                    y=v[1],
                    z=v[2],
                    i=f[0],
                    j=f[1],
                    k=f[2],
                    name=name,
                    meta=sid,
                    legendgroup=st.layer,
                    showlegend=False,
                    color=style["color"],
                    opacity=style["opacity"],
                    flatshading=False,
                    lighting=_LIGHTING,
                    lightposition=dict(x=1000, y=-2000, z=3000),
                    hovertemplate=f"<b>{name}</b><extra></extra>",
                    visible=st.layer in vis,
                )
            )
            index.setdefault(sid, []).append(len(traces) - 1)
    lx, ly, lz, lt, lc = _label_points(built, preset)
    traces.append(
        go.Scatter3d(
            x=lx,
            y=ly,
            z=lz,
            text=lt,
            mode="text",
            name="Labels",
            meta="labels",
            textfont=dict(size=_label_font(), color=lc),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    axis = dict(visible=False, showbackground=False, showspikes=False)
    scene = v3.scene_box().layout()
    for k in ("xaxis", "yaxis", "zaxis"):
        scene[k] = {**axis, **scene[k]}
    layout = figure_layout(
        height=640 if presenter_mode() else 560,
        margin=dict(l=0, r=0, t=10, b=0),
        scene=dict(**scene, camera=fitted_camera(preset), dragmode="orbit"),
        showlegend=False,
        uirevision="anatomy3d",
        hoverlabel=dict(namelength=-1),
        meta=dict(rb_fit=_fit_meta(presets or {"default": preset})),
    )
    return go.Figure(data=traces, layout=layout), index


#: The validated 3D figures of the last models and views (``anatomy_figure(widget=True)``).
_FIGURES = Recent(8)
#: The validated side-view and stride figures a chart opens with (each chart's widget is a copy).
_VALIDATED = Recent(16)


class Anatomy3DChart:
    """The 3D view: layer visibility, highlight, camera and geometry updates."""

    def __init__(
        self,
        built: am.LumbopelvicModel,
        names: Mapping[str, str],
        cameras: Mapping[str, Mapping],
        camera: str = "oblique",
        visible_layers: Iterable[str] = am.LAYERS,
    ):
        self.presets = {k: dict(eye=v["eye"], up=v["up"]) for k, v in cameras.items()}
        self.cameras = {k: fitted_camera(p) for k, p in self.presets.items()}
        self.camera = camera if camera in self.presets else next(iter(self.presets))
        self.fig, self.index = anatomy_figure(
            built, names, visible_layers, self.presets[self.camera], widget=True, presets=self.presets
        )
        # WebGL at 1 canvas pixel per CSS pixel, not plotly's default 2 (4x the pixels to shade): on a
        # 2-core machine without a GPU (software WebGL) every redraw of the 3D scene, a layer toggle
        # included, costs 2-3x less (benchmarks/dashboards.py, layer toggle).
        self.fig._config = {**self.fig._config, "plotGlPixelRatio": GL_PIXEL_RATIO}
        self._built = built
        self.trace_ids = [t.meta for t in self.fig.data]
        #: ``meta`` of the labels trace: how browser-side code finds this figure's plot.
        self.marker = "labels"
        self._layers = set(visible_layers)
        self._highlight: frozenset[str] = frozenset()
        self._base = [(t.color, t.opacity) if t.type == "mesh3d" else (None, None) for t in self.fig.data]
        self._layer_of = [am.STRUCTURE_LAYERS.get(sid, "") for sid in self.trace_ids]
        self._part_of = [part for st in built.structures.values() for part, _ in st.parts] + [""]

    # -- layers
    def set_layers(self, layers: Iterable[str], shown_in_browser: bool = False) -> None:
        """Show the traces of ``layers``, hide the others. ``shown_in_browser``: the page did it
        already (the layer boxes restyle the figure there); only this side's copy follows, and
        nothing is sent."""
        new = set(layers)
        if new == self._layers:
            return
        self._layers = new
        if shown_in_browser:
            for i, layer in enumerate(self._layer_of):
                if layer:
                    self.fig._data[i]["visible"] = layer in new
            return
        with self.fig.batch_update():
            for t, layer in zip(self.fig.data, self._layer_of):
                if not layer:
                    continue
                want = layer in new
                if t.visible != want:
                    t.visible = want

    @property
    def visible_layers(self) -> set[str]:
        return set(self._layers)

    # -- highlight
    def highlight(self, ids: Iterable[str]) -> None:
        """Colour ``ids`` in the highlight colour and fade everything else (empty: restore)."""
        ids = frozenset(ids)
        if ids == self._highlight:
            return
        self._highlight = ids
        with self.fig.batch_update():
            for t, sid, part, (color, opacity) in zip(self.fig.data, self.trace_ids, self._part_of, self._base):
                if sid == "labels":
                    continue
                if not ids:
                    c, o = color, opacity
                elif sid in ids:
                    c, o = COLORS["highlight"], SEE_THROUGH.get(part, 1.0)
                else:
                    c, o = color, min(opacity, DIMMED_OPACITY)
                if t.color != c:
                    t.color = c
                if t.opacity != o:
                    t.opacity = o

    @property
    def highlighted(self) -> frozenset:
        return self._highlight

    def set_camera(self, name: str) -> None:
        """Look from preset ``name``; the labels move to where they read from there."""
        self.camera = name
        lx, ly, lz, lt, lc = _label_points(self._built, self.presets[name])
        with self.fig.batch_update():
            self.fig.layout.scene.camera = self.cameras[name]
            lab = self.fig.data[-1]
            lab.x, lab.y, lab.z, lab.text, lab.textfont.color = lx, ly, lz, lt, lc

    def update(self, built: am.LumbopelvicModel) -> None:
        """New geometry (after a tilt change): only the vertex coordinates of structures that
        moved are resent (the thigh bones, for one, never move)."""
        if built is self._built:
            return
        old = self._built
        with self.fig.batch_update():
            i = 0
            for sid, st in built.structures.items():
                for p, (_, mesh) in enumerate(st.parts):
                    prev = old.structures[sid].parts[p][1] if old is not None else None
                    if prev is None or not np.array_equal(prev.vertices, mesh.vertices):
                        v = np.ascontiguousarray(mesh.vertices.T, dtype=np.float32)
                        t = self.fig.data[i]
                        t.x, t.y, t.z = v[0], v[1], v[2]
                    i += 1
            lx, ly, lz, lt, lc = _label_points(built, self.presets[self.camera])
            lab = self.fig.data[i]
            lab.x, lab.y, lab.z, lab.text, lab.textfont.color = lx, ly, lz, lt, lc
        self._built = built


# --------------------------------------------------------------------------- sagittal view


def _closed(poly: np.ndarray) -> tuple[list, list]:
    p = np.vstack([poly, poly[:1]])
    return list(p[:, 0]), list(p[:, 1])


def _polys(polys: Iterable[np.ndarray]) -> tuple[list, list]:
    xs, ys = [], []
    for p in polys:
        x, y = _closed(p)
        xs += x + [None]
        ys += y + [None]
    return xs, ys


def _sagittal_traces(out: dict, hamstrings: float, hip_flexors: float) -> list[dict]:
    """Trace data (x, y and line width) for the sagittal figure, in a fixed order."""
    bx, by = _polys(out["bodies"].values())
    dx, dy = _polys(out["discs"].values())
    sx, sy = _closed(out["sacrum"])
    px, py = _closed(out["pelvis"])
    fem = out["femur"]
    hip = out["hip"]
    it = out["ischial_tuberosity"]
    knee = out["knee"]
    # Hamstrings: ischial tuberosity -> behind the knee.
    hx, hy = [it[0], knee[0] - 30.0], [it[1], knee[1] + 10.0]
    # Hip flexor (psoas): front of L3 -> over the pelvic brim in front of the hip -> lesser trochanter.
    l3 = out["l3_front"]
    brim = np.array([out["asis"][0] - 18.0, hip[1] + 28.0])
    fx = [l3[0], brim[0] + 4.0, hip[0] + 36.0, out["lesser_trochanter"][0]]
    fy = [l3[1], brim[1] + 40.0, hip[1] + 2.0, out["lesser_trochanter"][1]]
    s1p, s1a = out["s1_post"], out["s1_ant"]
    ss = out["posture"].sacral_slope
    # Sacral slope: the S1 plate line and a horizontal reference.
    ref = [s1p[0], s1p[0] + 55.0]
    return [
        dict(x=dx, y=dy),
        dict(x=bx, y=by),
        dict(x=sx, y=sy),
        dict(x=px, y=py),
        dict(x=[fem[0, 0], fem[1, 0], fem[2, 0]], y=[fem[0, 1], fem[1, 1], fem[2, 1]]),
        dict(x=[hip[0]], y=[hip[1]]),
        dict(x=hx, y=hy, line_width=2 + 8 * hamstrings),
        dict(x=fx, y=fy, line_width=2 + 8 * hip_flexors),
        dict(
            x=[s1p[0] - 10 * math.cos(math.radians(ss)), s1a[0] + 30 * math.cos(math.radians(ss))],
            y=[s1p[1] + 10 * math.sin(math.radians(ss)), s1a[1] - 30 * math.sin(math.radians(ss))],
        ),
        dict(x=ref, y=[s1p[1], s1p[1]]),
        dict(x=[hip[0], out["s1_center"][0]], y=[hip[1], out["s1_center"][1]]),
        dict(x=[hip[0], hip[0]], y=[hip[1], hip[1] + 120.0]),
    ]


def _label(x: float, y: float, text: str, size: int) -> dict:
    """A text label in data coordinates, left-aligned at (x, y)."""
    return dict(x=x, y=y, text=text, showarrow=False, xanchor="left", font=dict(size=size))


def _pull(head, tail, tightness: float, color: str, text: str, anchor: str) -> dict:
    """An arrow annotation for a muscle's pull on the pelvis (thicker = tighter)."""
    return dict(
        x=head[0],
        y=head[1],
        ax=tail[0],
        ay=tail[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        arrowwidth=2 + 2 * tightness,
        arrowcolor=COLORS[color],
        text=text,
        xanchor=anchor,
        font=dict(size=12),
    )


class SagittalChart:
    """Side view: vertebral bodies, discs, sacrum, pelvis, femur, and the two muscle pulls."""

    NAMES = [
        "Discs",
        "Vertebral bodies L1-L5",
        "Sacrum",
        "Hip bone (side view)",
        "Thigh bone (femur)",
        "Hip joint",
        "Hamstrings",
        "Hip flexors (iliopsoas)",
        "S1 end plate",
        "Horizontal",
        "Pelvic tilt line",
        "Vertical",
    ]

    def __init__(self, out: dict, hamstrings: float = 0.0, hip_flexors: float = 0.0):
        key = ("sagittal", repr(out["posture"]), float(hamstrings), float(hip_flexors), presenter_mode())
        fig = _VALIDATED.get(key, lambda: self._figure(out, hamstrings, hip_flexors))
        self.fig = configure_figure(figure_widget_from(fig))

    @classmethod
    def _figure(cls, out: dict, hamstrings: float, hip_flexors: float) -> go.Figure:
        data = _sagittal_traces(out, hamstrings, hip_flexors)
        bone = "#B8A98A"
        styles = [
            dict(
                mode="lines",
                fill="toself",
                fillcolor="rgba(204,121,167,0.55)",
                line=dict(color=COLORS["discogenic"], width=1),
            ),
            dict(mode="lines", fill="toself", fillcolor="rgba(233,225,204,0.9)", line=dict(color="#5A4E36", width=1.5)),
            dict(mode="lines", fill="toself", fillcolor="rgba(233,225,204,0.9)", line=dict(color="#5A4E36", width=1.5)),
            dict(mode="lines", fill="toself", fillcolor="rgba(233,225,204,0.45)", line=dict(color=bone, width=1.5)),
            dict(mode="lines", line=dict(color=bone, width=14)),
            dict(mode="markers", marker=dict(size=16, color="#FFFFFF", line=dict(color="#5A4E36", width=2))),
            dict(mode="lines", line=dict(color=COLORS["hip_extensors"], dash="dash")),
            dict(mode="lines", line=dict(color=COLORS["lumbar_extensors"], dash="dot")),
            dict(mode="lines", line=dict(color=OKABE_ITO["blue"], width=3)),
            dict(mode="lines", line=dict(color=OKABE_ITO["grey"], width=1.5, dash="dot")),
            dict(mode="lines", line=dict(color=OKABE_ITO["black"], width=1.5, dash="dashdot")),
            dict(mode="lines", line=dict(color=OKABE_ITO["grey"], width=1.5, dash="dot")),
        ]
        traces = []
        for name, d, s in zip(cls.NAMES, data, styles):
            s = dict(s)
            lw = d.pop("line_width", None)
            if lw is not None:
                s["line"] = dict(s["line"], width=lw)
            traces.append(
                go.Scatter(
                    name=name, hoverinfo="name", showlegend=name in ("Hamstrings", "Hip flexors (iliopsoas)"), **d, **s
                )
            )
        layout = figure_layout(
            height=560,
            margin=dict(l=10, r=10, t=40, b=10),
            xaxis=dict(visible=False, range=[-170, 170], fixedrange=True),
            yaxis=dict(visible=False, scaleanchor="x", scaleratio=1, range=[-240, 330], fixedrange=True),
            legend=dict(orientation="h", x=0, y=1.06),
            hovermode="closest",
            annotations=cls._annotations(out, hamstrings, hip_flexors),
        )
        return go.Figure(data=traces, layout=layout)

    @staticmethod
    def _annotations(out: dict, hamstrings: float, hip_flexors: float) -> list[dict]:
        p = out["posture"]
        ann = []
        for lvl, poly in out["bodies"].items():
            c = poly.mean(axis=0)
            ann.append(dict(x=c[0], y=c[1], text=lvl, showarrow=False, font=dict(size=12, color="#1A1A1A")))
        s1 = out["s1_post"]
        ann.append(_label(s1[0] + 70, s1[1] + 8, f"sacral slope {p.sacral_slope:.0f}°", 12))
        ann.append(
            _label(
                out["l1_top_plate"][0][0] + 40, out["l1_top_plate"][0][1] + 20, f"lordosis L1–S1 {p.lordosis:.0f}°", 13
            )
        )
        ann.append(_label(out["hip"][0] + 30, out["hip"][1] - 25, "hip joint", 12))
        ann.append(
            dict(
                x=0.0,
                y=0.0,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=12),
                text="← back · front →",
            )
        )
        if hamstrings > 0:
            it = out["ischial_tuberosity"]
            ann.append(
                _pull(
                    (it[0] - 12, it[1] - 70),
                    (it[0] - 12, it[1] - 10),
                    hamstrings,
                    "hip_extensors",
                    "hamstrings pull down",
                    "right",
                )
            )
        if hip_flexors > 0:
            h = out["hip"]
            ann.append(
                _pull(
                    (h[0] + 45, h[1] + 10),
                    (h[0] + 25, h[1] + 70),
                    hip_flexors,
                    "lumbar_extensors",
                    "hip flexors pull forward and down",
                    "left",
                )
            )
        tilt = p.tilt
        word = "forward (anterior)" if tilt > 0.25 else "backward (posterior)" if tilt < -0.25 else "neutral"
        ann.append(
            dict(
                x=0.0,
                y=0.93,
                xref="paper",
                yref="paper",
                xanchor="left",
                showarrow=False,
                font=dict(size=13),
                text=f"pelvic tilt: {word} {abs(tilt):.0f}°",
            )
        )
        return ann

    def update(self, out: dict, hamstrings: float, hip_flexors: float) -> None:
        data = _sagittal_traces(out, hamstrings, hip_flexors)
        with self.fig.batch_update():
            for t, d in zip(self.fig.data, data):
                t.x, t.y = d["x"], d["y"]
                if "line_width" in d:
                    t.line.width = d["line_width"]
            self.fig.layout.annotations = self._annotations(out, hamstrings, hip_flexors)


# --------------------------------------------------------------------------- gait view


def _gait_shapes(state: am.GaitState) -> dict:
    """Back-view stick figure (x = viewer's horizontal, right side of the body on the right)."""
    drop = state.pelvic_drop
    half = 85.0
    # Stance hip stays; the swing side drops by ``drop`` degrees.
    if state.stance_side == "right":
        pivot, sign = np.array([half, 0.0]), 1.0  # viewer: body's right on the right
    elif state.stance_side == "left":
        pivot, sign = np.array([-half, 0.0]), -1.0
    else:
        pivot, sign = np.array([0.0, 0.0]), 0.0
    a = math.radians(drop) * sign

    def rot(p):
        p = np.asarray(p, dtype=float) - pivot
        c, s = math.cos(a), math.sin(a)
        return np.array([c * p[0] - s * p[1], s * p[0] + c * p[1]]) + pivot

    # Pelvis outline from behind (iliac crests, SI joints, hip joints).
    pelvis = [
        (-135, 140),
        (-110, 165),
        (-60, 120),
        (-45, 90),
        (45, 90),
        (60, 120),
        (110, 165),
        (135, 140),
        (120, 40),
        (90, 0),
        (60, -60),
        (-60, -60),
        (-90, 0),
        (-120, 40),
    ]
    pelvis = np.array([rot(p) for p in pelvis])
    hips = {"right": rot((half, 0)), "left": rot((-half, 0))}
    si = {"right": rot((52, 95)), "left": rot((-52, 95))}
    sacrum_top = rot((0, 115))
    # Spine: from the sacrum, leaning back towards upright (the trunk compensates).
    spine = [
        sacrum_top,
        sacrum_top + np.array([0.0, 60.0]),
        np.array([sacrum_top[0] * 0.2, 250.0]),
        np.array([0.0, 330.0]),
    ]
    legs = {}
    for side in ("right", "left"):
        h = hips[side]
        if side == state.stance_side or not state.stance_side:
            foot = np.array([h[0] * 0.6, -300.0 if state.stance_side else -280.0])
            knee = (h + foot) / 2
        else:
            foot = np.array([h[0] * 0.8, -215.0])
            knee = np.array([h[0] * 0.9, -140.0])
        legs[side] = np.array([h, knee, foot])
    return dict(pelvis=pelvis, hips=hips, si=si, spine=np.array(spine), legs=legs)


def _gait_data(state: am.GaitState, groups) -> list[dict]:
    """Per-trace data for the gait figure (plain lists), in trace order."""
    sh = _gait_shapes(state)
    pel = sh["pelvis"]
    vals = [float(state.effort[g]) for g in groups]
    return [
        dict(
            x=[float(v) for v in pel[:, 0]] + [float(pel[0, 0])], y=[float(v) for v in pel[:, 1]] + [float(pel[0, 1])]
        ),
        dict(x=sh["spine"][:, 0].tolist(), y=sh["spine"][:, 1].tolist()),
        dict(x=sh["legs"]["right"][:, 0].tolist(), y=sh["legs"]["right"][:, 1].tolist()),
        dict(x=sh["legs"]["left"][:, 0].tolist(), y=sh["legs"]["left"][:, 1].tolist()),
        dict(
            x=[float(sh["si"]["left"][0]), float(sh["si"]["right"][0])],
            y=[float(sh["si"]["left"][1]), float(sh["si"]["right"][1])],
            text=[f"SI {state.si_rotation['left']:+.1f}°", f"SI {state.si_rotation['right']:+.1f}°"],
        ),
        dict(x=vals, text=[f"{v:.0%}" for v in vals]),
    ]


def _gait_annotations(state: am.GaitState) -> list[dict]:
    side = state.swing_side
    msg = f"{side} (swing) side drops {state.pelvic_drop:.1f}°" if side else "both feet off the ground"
    if state.trendelenburg:
        msg += " · Trendelenburg"
    paper = dict(xref="paper", yref="paper")
    return [
        _label(0.0, 1.04, "<b>Pelvis from behind</b>", 14) | paper,
        _label(0.0, 0.405, "<b>How hard each group works now</b>", 14) | paper,
        _label(0.0, 0.44, msg, 13) | paper,
        dict(xref="x", yref="y", x=-190, y=330, showarrow=False, xanchor="left", text="left", font=dict(size=12)),
        dict(xref="x", yref="y", x=190, y=330, showarrow=False, xanchor="right", text="right", font=dict(size=12)),
    ]


class GaitChart:
    """Running stride from behind (left panel) and how hard each muscle group works (right)."""

    def __init__(self, state: am.GaitState):
        self.groups = list(am.GAIT_GROUPS)
        fig = _VALIDATED.get(("gait", repr(state), presenter_mode()), lambda: self._figure(state, self.groups))
        self.fig = configure_figure(figure_widget_from(fig))

    @staticmethod
    def _figure(state: am.GaitState, groups: list) -> go.Figure:
        d = _gait_data(state, groups)
        fig = make_subplots(rows=2, cols=1, row_heights=[0.58, 0.42], vertical_spacing=0.14)
        stick = [  # the pelvis from behind (top panel)
            go.Scatter(
                name="Pelvis",
                mode="lines",
                fill="toself",
                fillcolor="rgba(233,225,204,0.9)",
                line=dict(color="#5A4E36", width=2),
                hoverinfo="name",
                **d[0],
            ),
            go.Scatter(
                name="Spine",
                mode="lines+markers",
                line=dict(color="#5A4E36", width=6),
                marker=dict(size=8),
                hoverinfo="name",
                **d[1],
            ),
            go.Scatter(
                name="Right leg", mode="lines", line=dict(color=OKABE_ITO["blue"], width=10), hoverinfo="name", **d[2]
            ),
            go.Scatter(
                name="Left leg",
                mode="lines",
                line=dict(color=OKABE_ITO["grey"], width=10, dash="dot"),
                hoverinfo="name",
                **d[3],
            ),
            go.Scatter(
                name="SI joints",
                mode="markers+text",
                textposition=["top left", "top right"],
                marker=dict(
                    size=14, color=OKABE_ITO["sky_blue"], symbol="diamond", line=dict(color="#1A1A1A", width=1)
                ),
                hoverinfo="name+text",
                **d[4],
            ),
        ]
        for trace in stick:
            fig.add_trace(trace, row=1, col=1)
        fig.add_trace(
            go.Bar(
                name="Effort",
                orientation="h",
                y=[GROUP_SHORT[g] for g in groups],
                customdata=[GROUP_LABELS[g] for g in groups],
                marker=dict(color=[COLORS[g] for g in groups], pattern=dict(shape=[GROUP_PATTERNS[g] for g in groups])),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{customdata}: %{x:.0%}<extra></extra>",
                **d[5],
            ),
            row=2,
            col=1,
        )
        fig.update_xaxes(visible=False, range=[-200, 200], row=1, col=1, fixedrange=True)
        fig.update_yaxes(visible=False, range=[-320, 350], row=1, col=1, scaleanchor="x", fixedrange=True)
        fig.update_xaxes(
            range=[0, 1.15],
            tickvals=[0, 0.25, 0.5, 0.75, 1.0],
            tickformat=".0%",
            title_text="effort (% of what it can give)",
            row=2,
            col=1,
            fixedrange=True,
        )
        fig.update_yaxes(automargin=True, row=2, col=1, fixedrange=True, tickfont=dict(size=12))
        fig.update_layout(
            **figure_layout(
                height=700, showlegend=False, margin=dict(l=10, r=20, t=40, b=50), annotations=_gait_annotations(state)
            )
        )
        return fig

    def update(self, state: am.GaitState) -> None:
        data = _gait_data(state, self.groups)
        with self.fig.batch_update():
            for t, d in zip(self.fig.data, data):
                for k, v in d.items():
                    setattr(t, k, v)
            self.fig.layout.annotations = _gait_annotations(state)

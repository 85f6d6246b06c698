"""The anatomy dashboard: 3D model, sagittal (pelvic tilt) view and gait view.

Widgets layer, on :class:`runback_widgets.ui.dashboard.Dashboard`: the inputs
are the ``controls`` below (each one a trait: ``app.tilt = 8`` from a cell
updates the page, figures included); :meth:`AnatomyDashboard.update` is the
one place that recomputes; :func:`fragments` says what the text slots show.
Teaching text comes from ``content/anatomy.toml``.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.checks import Checks
from ..ui.components import Disclaimer, download_link, figure_csv
from ..ui.dashboard import DETAIL, Choice, Dashboard, MultiChoice, Number
from ..ui.render import claim_box, claims_for, h
from . import dimensions as dim
from . import model as am
from .figures import GROUP_LABELS, Anatomy3DChart, GaitChart, SagittalChart, prepare_views

__all__ = ["AnatomyDashboard", "DEFAULT_LAYERS", "structure_card", "fragments", "dimensions_table"]

NAME = "01-spine-and-si-anatomy"
DEFAULT_LAYERS = ("bones", "discs", "joints", "nerves")
PAIN_LABELS = {"muscle": "Muscle-related", "bone": "Bone-related", "discogenic": "Disc (discogenic)"}
_D = content.load_toml("anatomy.toml")
NAMES = {sid: _D["structure"][sid]["plain"] for sid in am.STRUCTURE_IDS}
_NONE = {"none": ""}


def _layer_boxes(spec: MultiChoice):
    # The boxes show/hide the 3D figure's layers right in the browser (trace ``meta`` "labels").
    return Checks(
        options=list(spec.options),
        labels=dict(spec.options),
        value=list(spec.default),
        legend=spec.label,
        target="labels",
    )


def structure_card(structure_id: str, detail: bool = False):
    """Info card for one structure (plain sentence, or the detailed paragraph)."""
    if not structure_id:
        return h("div", _D["text"]["card_empty"], class_="rb-box rb-card-empty", role="status")
    s = _D["structure"][structure_id]
    return h(
        "div",
        h("div", _D["layer"][s["layer"]]["label"], class_="rb-kind"),
        h("div", h("strong", s["plain"])),
        h("div", "Anatomical name: ", s["anatomical"], class_="rb-src"),
        h("p", s["detail"] if detail else s["sentence"]),
        h(
            "div",
            f"Pain types it is involved in: {', '.join(PAIN_LABELS[p] for p in s['pain_types'])}. "
            f"Claims: {', '.join(s['claims'])}.",
            class_="rb-src",
        ),
        class_="rb-box rb-claim rb-structure-card",
        role="region",
        aria_label=f"About {s['plain']}",
        data_structure_id=structure_id,
    )


def _summary(*text):
    return h("p", *text, class_="rb-summary", role="status")


def fragments(app: AnatomyDashboard) -> dict:
    """What each text slot shows for the dashboard's current state: ``{slot: fragment}``."""
    detail, text = app.detail, _D["text"]
    layers = [_D["layer"][la]["label"].lower() for la in app.layers]
    hl = app.highlighted
    what = (
        "Nothing is highlighted."
        if not hl
        else f"Highlighted: {NAMES[hl[0]]}."
        if len(hl) == 1
        else f"Highlighted: {len(hl)} structures."
    )
    pt = _D["pain_type"].get(app.pain)
    p, ham, flex = app.posture, app.hamstrings / 100, app.hip_flexors / 100
    tilt = (
        f"tilted forward (anterior tilt) by {p.tilt:.0f}°"
        if p.tilt > 0.25
        else f"tilted backward (posterior tilt) by {-p.tilt:.0f}°"
        if p.tilt < -0.25
        else "in its neutral standing position"
    )
    ll0 = dim.LORDOSIS_NEUTRAL
    curve = "deeper than" if p.lordosis > ll0 + 0.25 else "flatter than" if p.lordosis < ll0 - 0.25 else "the same as"
    causes = ([f"tight hamstrings ({ham:.0%}) pull it backward"] if ham else []) + (
        [f"tight hip flexors ({flex:.0%}) pull it forward"] if flex else []
    )
    if ham or flex:  # the slider and the muscles add up: say how (issue 14, "net tilt")
        parts = [f"{app.tilt:+.0f}° set with the slider"]
        parts += [f"{-am.MUSCLE_TILT_MAX * ham:+.0f}° from the hamstrings"] if ham else []
        parts += [f"{am.MUSCLE_TILT_MAX * flex:+.0f}° from the hip flexors"] if flex else []
        clipped = (
            "; limited to the model's range" if abs(app.tilt + am.MUSCLE_TILT_MAX * (flex - ham) - p.tilt) > 0.5 else ""
        )
        causes.append(f"net {p.tilt:+.0f}° = {', '.join(parts)}{clipped}")
    g = app.gait
    if g.stance_side:
        lead = (
            f"{app.phase}% into the stride the {g.stance_side} foot is on the ground and the "
            f"{g.swing_side} pelvis drops {g.pelvic_drop:.1f}°"
        )
        if g.trendelenburg:
            lead += " (a Trendelenburg-type drop: the stance-side hip abductors cannot hold the pelvis level)"
    else:
        lead = f"{app.phase}% into the stride both feet are off the ground and the pelvis is level"
    top = max(g.effort, key=g.effort.get)
    claims = {
        f"claims_{s}": [claim_box(c, detail) for c in claims_for(NAME, s, _D["claims"])]
        for s in ("overview", "pain", "sagittal", "gait")
    }
    return {
        "intro": h("p", text["intro"]),
        **claims,
        "summary3d": _summary(
            "3D model of the lumbar spine, sacrum and pelvis showing "
            f"{', '.join(layers) if layers else 'nothing (all layers are off)'}. {what}"
        ),
        "card": structure_card(app.structure, detail),
        "pain_text": pt
        and h(
            "p", h("strong", pt["label"], ":"), " ", pt["text"], " Highlighted in yellow in the 3D view.", role="status"
        ),
        "sagittal_intro": h("p", text["sagittal_intro"]),
        "sag_summary": _summary(
            f"Side view: the pelvis is {tilt}{' (' + '; '.join(causes) + ')' if causes else ''}. "
            f"Sacral slope {p.sacral_slope:.0f}°, lumbar lordosis {p.lordosis:.0f}°: the curve "
            f"of the lower back is {curve} the neutral {ll0:.0f}°."
        ),
        "sag_download": download_link(
            figure_csv([app.sagittal.fig], x_name="front_mm", y_name="up_mm"),
            "runback-side-view.csv",
            "Download the side view's outlines (CSV, mm)",
        ),
        "gait_intro": h("p", text["gait_intro"]),
        "gait_summary": _summary(
            f"{lead}. Working hardest: {GROUP_LABELS[top]} ({g.effort[top]:.0%}). "
            f"The SI joints move only {max(abs(v) for v in g.si_rotation.values()):.1f}°."
        ),
    }


class AnatomyDashboard(Dashboard):
    """Spine and SI-joint anatomy dashboard.

    Inputs (traits, share-link keys): ``detail``, ``layers``, ``camera``, ``structure``
    (selected id, "" for none), ``pain`` (a "Show me" pain type, "" for none), ``tilt``,
    ``hamstrings``, ``hip_flexors``, ``phase``, ``abductors``. Outputs: ``highlighted``
    (ids highlighted in 3D), ``pelvic_tilt`` (effective tilt [deg]), ``posture``, ``gait``.
    """

    dashboard = NAME
    css_class = "rb-anatomy"
    controls = (
        DETAIL,
        MultiChoice(
            "layers",
            "Layers:",
            default=DEFAULT_LAYERS,
            options={k: _D["layer"][k]["label"] for k in am.LAYERS},
            factory=_layer_boxes,
        ),
        Choice(
            "camera", "View", default="oblique", options={k: v["label"] for k, v in _D["camera"].items()}, buttons=True
        ),
        Choice("structure", "Structure", default="", options={"": "(none)", **NAMES}, aliases=_NONE),
        Choice("pain", "Show me", default="", options={"": "none", **PAIN_LABELS}, aliases=_NONE, widget=False),
        Number("tilt", "Pelvic tilt (°, + forward)", *dim.TILT_LIMITS, step=1, default=0, continuous=False),
        Number("hamstrings", "Tight hamstrings (%)", 0, 100, step=10, default=0, continuous=False),
        Number("hip_flexors", "Tight hip flexors (%)", 0, 100, step=10, default=0, continuous=False),
        Number("phase", "Stride (% from right foot strike)", 0, 99, step=1, default=19),
        Number("abductors", "Hip-abductor strength (%)", 20, 100, step=10, default=100),
    )

    highlighted = traitlets.List(traitlets.Unicode())
    pelvic_tilt = traitlets.Float(0.0)
    posture = traitlets.Instance(am.Posture, allow_none=True)
    gait = traitlets.Instance(am.GaitState, allow_none=True)

    def build(self):
        built = am.build_model(0.0)
        self.chart3d = Anatomy3DChart(built, NAMES, _D["camera"], camera=self.camera, visible_layers=self.layers)
        self.sagittal = SagittalChart(am.sagittal_outline(0.0))
        self.gait_chart = GaitChart(am.gait_state(self.phase / 100, self.abductors / 100))
        self.showme = {
            k: widgets.Button(
                description=f"Show me: {pt['label']}",
                tooltip=pt["text"],
                layout=widgets.Layout(width="auto", max_width="100%"),
            )
            for k, pt in _D["pain_type"].items()
        }
        for k, b in self.showme.items():
            b.on_click(self._guard(lambda _b, k=k: setattr(self, "pain", k)))
        clear = widgets.Button(description="Clear highlight", layout=widgets.Layout(width="auto", max_width="100%"))
        clear.on_click(self._guard(lambda _b: self.set(structure="", pain="")))
        for t in self.chart3d.fig.data:
            if t.meta in am.STRUCTURE_LAYERS:
                t.on_click(self._guard(self._on_figure_click))

        def row(*children):
            return widgets.HBox(
                list(children),
                layout=widgets.Layout(flex_flow="row wrap", width="100%", align_items="center", grid_gap="0.3em 1em"),
            )

        def heading(text, level=2):
            return widgets.HTML(f"<h{level}>{text}</h{level}>")

        c, s = self.control, self.slot
        return [
            s("intro"),
            Disclaimer(),
            self.errors,
            c("detail"),
            s("claims_overview"),
            heading("3D model of the lower back and pelvis"),
            c("layers"),
            c("camera"),
            # The model is tall: on a wide screen the structure list and its card sit beside it
            # (the figure gets a column about as wide as it is high); on a phone they wrap below.
            widgets.HBox(
                [
                    widgets.Box(
                        [self.chart3d.fig],
                        layout=widgets.Layout(flex="1 1 480px", min_width="0", max_width="900px", display="block"),
                    ),
                    widgets.VBox(
                        [s("summary3d"), row(c("structure"), clear), s("card")],
                        layout=widgets.Layout(flex="1 1 300px", min_width="0"),
                    ),
                ],
                layout=widgets.Layout(flex_flow="row wrap", width="100%", align_items="flex-start", grid_gap="0 1em"),
            ),
            heading("Which structures does each kind of pain involve?", 3),
            row(*self.showme.values()),
            s("pain_text"),
            s("claims_pain"),
            heading("Side view: pelvic tilt and the curve of the lower back"),
            s("sagittal_intro"),
            c("tilt"),
            c("hamstrings"),
            c("hip_flexors"),
            self.sagittal.fig,
            s("sag_summary"),
            s("sag_download"),
            s("claims_sagittal"),
            heading("Running: the pelvis in the stride"),
            s("gait_intro"),
            c("phase"),
            c("abductors"),
            self.gait_chart.fig,
            s("gait_summary"),
            s("claims_gait"),
        ]

    def _on_figure_click(self, trace, points, _selector=None) -> None:
        if points is not None and getattr(points, "point_inds", None):
            self.structure = trace.meta

    def update(self, changed: set[str]) -> None:
        # A structure and a pain type are two ways to highlight: the latest one wins,
        # and what it highlights is switched on.
        if "structure" in changed and self.structure:
            self.pain = ""
            if am.layer_of(self.structure) not in self.layers:
                self.layers = (*self.layers, am.layer_of(self.structure))
        elif "pain" in changed and self.pain:
            self.structure = ""
            self.layers = tuple(_D["pain_type"][self.pain]["layers"])
        self.settle(changed)
        if "layers" in changed:  # a click on a box showed/hid the layer in the browser's figure itself
            self.chart3d.set_layers(self.layers, shown_in_browser="layers" in self.changed_in_browser)
        if changed & {"structure", "pain"}:
            ids = {self.structure} if self.structure else _D["pain_type"][self.pain]["structures"] if self.pain else ()
            self.chart3d.highlight(ids)
            self.highlighted = sorted(self.chart3d.highlighted)
        if "camera" in changed:
            self.chart3d.set_camera(self.camera)
        if changed & {"tilt", "hamstrings", "hip_flexors"}:
            self.pelvic_tilt = am.tilt_from_muscles(self.hamstrings / 100, self.hip_flexors / 100, self.tilt)
            out = am.sagittal_outline(self.pelvic_tilt)
            self.posture = out["posture"]
            self.sagittal.update(out, self.hamstrings / 100, self.hip_flexors / 100)
            self.chart3d.update(am.build_model(self.pelvic_tilt))
        if changed & {"phase", "abductors"}:
            self.gait = am.gait_state(self.phase / 100, self.abductors / 100)
            self.gait_chart.update(self.gait)
        self.render(fragments(self))


def prepare_kernels() -> int:
    """Computed once in a classroom server's kernel parent (``voila/zygote.py`` calls every
    ``prepare_kernels`` of a module a rehearsed page imported): the model at every tilt the
    tilt and tightness sliders can reach, labelled for the opening view. Each student's
    kernel, forked from it, then answers those sliders without building geometry."""
    camera = next(c for c in AnatomyDashboard.controls if c.key == "camera")
    return prepare_views(_D["camera"], camera.default)


def dimensions_table() -> widgets.HTML:
    """The model's dimensions with their sources, as an HTML table (notebook Background)."""
    from ..ui.render import to_html

    refs = content.references()

    def src(key):
        out = []
        for r in dim.SOURCES[key]:
            cit = refs[r].citation
            year = re.search(r"\b(19|20)\d\d\b", cit)
            etal = " et al." if "," in cit.split(".")[0] else ""
            out.append(f"{cit.split(',')[0].split(' ')[0]}{etal} {year.group(0) if year else ''}".strip())
        return "; ".join(out)

    def cells(tag, *values, **attrs):
        return h("tr", [h(tag, v, **attrs) for v in values])

    rows = [
        h(
            "tr",
            h("th", lvl, scope="row"),
            [h("td", f"{dim.VERTEBRA[lvl][k]:.0f}") for k in ("body_width", "body_depth", "body_height", "tp_span")],
        )
        for lvl in dim.LEVELS
    ]
    p = dim.PELVIS
    discs = ", ".join(f"{k.replace('_', '-')} {v:.1f}" for k, v in dim.DISC_HEIGHT.items())
    table = h(
        "table",
        h("caption", f"Lumbar vertebrae in the model [mm] (source: {src('VERTEBRA')})"),
        h("thead", cells("th", "Level", "Body width", "Body depth", "Body height", "Transverse span", scope="col")),
        h("tbody", rows),
        class_="rb-table",
    )
    return widgets.HTML(
        to_html(
            [
                table,
                h("p", f"Mid-disc heights [mm]: {discs} (source: {src('DISC_HEIGHT')})."),
                h(
                    "p",
                    f"Pelvis in neutral standing: pelvic incidence {p['pelvic_incidence']:.0f}°, pelvic tilt "
                    f"{p['pelvic_tilt']:.0f}°, sacral slope {p['sacral_slope']:.0f}° (sources: {src('PELVIS')}); "
                    f"lordosis L1-S1 {dim.LORDOSIS_NEUTRAL:.0f}°, usual range {dim.LORDOSIS_RANGE[0]:.0f}-"
                    f"{dim.LORDOSIS_RANGE[1]:.0f}° (source: {src('LORDOSIS_NEUTRAL')}).",
                ),
            ]
        )
    )

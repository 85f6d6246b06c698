"""The anatomy dashboard: 3D model, sagittal (pelvic tilt) view and gait view.

Widgets layer: composes the model (numpy) and the figures (plotly) with
ipywidgets controls. Teaching text comes from ``content/anatomy.toml``.
"""

from __future__ import annotations

import html
import math
import re
from typing import Mapping

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.glossary import with_glossary
from ..ui.components import DetailToggle, Disclaimer, DownloadLink, ErrorPanel, claim_html, guarded, page_style, slider_labels
from . import dimensions as dim
from . import model as am
from .figures import GROUP_LABELS, Anatomy3DChart, GaitChart, SagittalChart

__all__ = ["AnatomyDashboard", "DEFAULT_LAYERS", "structure_card_html"]

DEFAULT_LAYERS = ("bones", "discs", "joints", "nerves")
PAIN_LABELS = {"muscle": "Muscle-related", "bone": "Bone-related", "discogenic": "Disc (discogenic)"}

#: Claim boxes per section (each clinical note next to the claim it refines).
CLAIMS_OVERVIEW = ["A01", "A02"]
CLAIMS_PAIN = ["A06", "A07", "A08", "N04", "N05"]
CLAIMS_SAGITTAL = ["A11", "N03", "N07"]
CLAIMS_GAIT = ["A03", "N06", "A09", "A14"]

_WIDE = dict(width="auto", max_width="100%")
_SLIDER = dict(width="100%", max_width="34em")


def _data() -> Mapping:
    return content.load_toml("anatomy.toml")


def structure_card_html(structure_id: str, detail: bool = False) -> str:
    """Info card for one structure (plain sentence, or the detailed paragraph)."""
    d = _data()
    if not structure_id:
        return f'<div class="rb-box rb-card-empty" role="status">{html.escape(d["text"]["card_empty"])}</div>'
    s = d["structure"][structure_id]
    pains = ", ".join(PAIN_LABELS[p] for p in s["pain_types"])
    body = s["detail"] if detail else s["sentence"]
    layer = d["layer"][s["layer"]]["label"]
    return (
        f'<div class="rb-box rb-claim rb-structure-card" role="region" aria-label="About {html.escape(s["plain"])}" '
        f'data-structure-id="{html.escape(structure_id)}">'
        f'<div class="rb-kind">{html.escape(layer)}</div>'
        f'<div><strong>{html.escape(s["plain"])}</strong></div>'
        f'<div class="rb-src">Anatomical name: {html.escape(s["anatomical"])}</div>'
        f"<p>{html.escape(body)}</p>"
        f'<div class="rb-src">Pain types it is involved in: {html.escape(pains)}. '
        f'Claims: {html.escape(", ".join(s["claims"]))}.</div></div>'
    )


def _claims_html(ids, detail: bool) -> str:
    return "".join(claim_html(cid, detail=detail) for cid in ids)


def _heading(text: str, level: int = 2) -> widgets.HTML:
    return widgets.HTML(f"<h{level}>{html.escape(text)}</h{level}>")


_LAYER_TOGGLES_ESM = """
export default {
  render({ model, el }) {
    const box = document.createElement("fieldset");
    box.className = "rb-layer-toggles";
    box.style.cssText = "display:flex;flex-wrap:wrap;gap:0.3em 1.1em;align-items:center;border:0;margin:0.3em 0;padding:0";
    const legend = document.createElement("legend");
    legend.textContent = model.get("legend");
    legend.style.cssText = "font-weight:700;float:left;margin-right:0.6em;padding:0";
    box.appendChild(legend);
    const boxes = {};
    const uid = Math.random().toString(36).slice(2, 8);

    // The layer visibility of the 3D figure in this browser follows this widget's value, always.
    // A click restyles the figure right here (no kernel round trip) and saves the value; Python
    // follows. But the kernel also echoes visibility back (plotly's FigureWidget returns every
    // restyle it is told about, and the dashboard restyles on every value it receives), and
    // under rapid clicks an echo of an earlier click can land after a later one. Rather than
    // rely on message order (ipywidgets throttles each model separately), the figure is checked
    // against the value whenever either changes, and put right when they differ. The value is
    // the one truth: the latest click, or the latest value the kernel set (show-me buttons,
    // shared links), so the figure, the boxes and Python all end in the same state.
    const P = () => window.Plotly;
    const figures = () => Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
      (g) => g.data && g.data.some((t) => t.meta === model.get("target")));
    const watched = new WeakSet();
    const enforce = () => {
      const want = new Set(model.get("value"));
      for (const gd of figures()) {
        if (!watched.has(gd) && gd.on) {
          watched.add(gd);
          // Deferred: never restyle from inside plotly's own event dispatch.
          const later = () => setTimeout(enforce, 0);
          gd.on("plotly_restyle", later);
          gd.on("plotly_update", later);
          gd.on("plotly_react", later);
        }
        if (!P() || !P().restyle) continue;
        const on = [], off = [];
        gd.data.forEach((t, i) => {
          if (!(t.legendgroup in boxes)) return;
          const shown = t.visible !== false;
          const should = want.has(t.legendgroup);
          if (shown !== should) (should ? on : off).push(i);
        });
        try {
          if (on.length) P().restyle(gd, { visible: true }, on);
          if (off.length) P().restyle(gd, { visible: false }, off);
        } catch (err) {
          console.warn("runback: layer restyle failed; the kernel's update will follow", err);
        }
      }
    };

    for (const key of model.get("layers")) {
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = "rb-layer-" + key + "-" + uid;
      cb.value = key;
      cb.checked = model.get("value").includes(key);
      const lab = document.createElement("label");
      lab.htmlFor = cb.id;
      lab.style.cssText = "display:inline-flex;align-items:center;gap:0.3em;cursor:pointer";
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(model.get("labels")[key] || key));
      box.appendChild(lab);
      boxes[key] = cb;
      cb.addEventListener("change", () => {
        model.set("value", Object.keys(boxes).filter((k) => boxes[k].checked));
        model.save_changes();
        enforce();
      });
    }
    const sync = () => {
      const v = model.get("value");
      for (const k in boxes) boxes[k].checked = v.includes(k);
      enforce();
    };
    model.on("change:value", sync);
    // Watch the figure from the start (it may draw after these boxes do).
    let tries = 0;
    const attach = () => {
      if (figures().length) enforce();
      else if (tries++ < 120) setTimeout(attach, 500);
    };
    attach();
    el.appendChild(box);
    return () => model.off("change:value", sync);
  },
};
"""


def _layer_toggles_class():
    import anywidget

    class LayerToggles(anywidget.AnyWidget):
        """Layer checkboxes (native, labelled) that restyle the 3D figure in the browser."""

        _esm = _LAYER_TOGGLES_ESM
        layers = traitlets.List(traitlets.Unicode()).tag(sync=True)
        labels = traitlets.Dict().tag(sync=True)
        value = traitlets.List(traitlets.Unicode()).tag(sync=True)
        target = traitlets.Unicode("").tag(sync=True)      # ``meta`` of a trace of the figure to restyle
        legend = traitlets.Unicode("Layers").tag(sync=True)

    return LayerToggles


class AnatomyDashboard(widgets.VBox):
    """Spine and SI-joint anatomy dashboard.

    Public traits: ``structure`` (selected id, "" for none), ``highlighted``
    (ids currently highlighted), ``tilt`` (effective pelvic-tilt change [deg]),
    ``gait`` (the current :class:`~runback_widgets.anatomy.model.GaitState`).
    """

    structure = traitlets.Unicode("")
    highlighted = traitlets.List(traitlets.Unicode())
    tilt = traitlets.Float(0.0)
    gait = traitlets.Instance(am.GaitState, allow_none=True)

    def __init__(self, camera: str = "oblique", **kwargs):
        d = _data()
        self._text = d["text"]
        self._errors = ErrorPanel()
        self._detail = DetailToggle()
        self._cams = d["camera"]
        built = am.build_model(0.0)
        names = {sid: d["structure"][sid]["plain"] for sid in am.STRUCTURE_IDS}
        self._names = names
        self._chart3d = Anatomy3DChart(built, names, self._cams, camera=camera, visible_layers=DEFAULT_LAYERS)

        # 3D controls
        self._layers = _layer_toggles_class()(
            layers=list(am.LAYERS), labels={k: d["layer"][k]["label"] for k in am.LAYERS},
            value=list(DEFAULT_LAYERS), target=self._chart3d.marker, legend="Layers:")
        self._camera = widgets.ToggleButtons(options=[(v["label"], k) for k, v in self._cams.items()], value=camera,
                                             description="View", style={"description_width": "initial",
                                                                       "button_width": "auto"},
                                             layout=widgets.Layout(**_WIDE))
        self._picker = widgets.Dropdown(options=[("(none)", "")] + [(names[s], s) for s in am.STRUCTURE_IDS], value="",
                                        description="Structure", style={"description_width": "initial"},
                                        layout=widgets.Layout(**_WIDE))
        self._showme = {
            key: widgets.Button(description=f"Show me: {pt['label']}", tooltip=pt["text"],
                                layout=widgets.Layout(**_WIDE))
            for key, pt in d["pain_type"].items()
        }
        self._clear = widgets.Button(description="Clear highlight", layout=widgets.Layout(**_WIDE))
        self._card = widgets.HTML(structure_card_html(""))
        self._summary3d = widgets.HTML()
        self._pain_text = widgets.HTML()
        self._claims_pain = widgets.HTML(_claims_html(CLAIMS_PAIN, False))

        # Sagittal controls
        lo, hi = dim.TILT_LIMITS
        self._tilt = widgets.FloatSlider(value=0.0, min=lo, max=hi, step=1.0, description="Pelvic tilt (°, + forward)",
                                         continuous_update=False, style={"description_width": "initial"},
                                         layout=widgets.Layout(**_SLIDER))
        self._hamstrings = widgets.IntSlider(value=0, min=0, max=100, step=10, description="Tight hamstrings (%)",
                                             continuous_update=False, style={"description_width": "initial"},
                                             layout=widgets.Layout(**_SLIDER))
        self._hip_flexors = widgets.IntSlider(value=0, min=0, max=100, step=10, description="Tight hip flexors (%)",
                                              continuous_update=False, style={"description_width": "initial"},
                                              layout=widgets.Layout(**_SLIDER))
        self._sag_out = am.sagittal_outline(0.0)
        self._sagittal = SagittalChart(self._sag_out)
        self._sag_summary = widgets.HTML()
        self._sag_download = DownloadLink("runback-side-view.csv", "Download the side view's outlines (CSV, mm)")
        self._claims_sag = widgets.HTML(_claims_html(CLAIMS_SAGITTAL, False))

        # Gait controls
        self._phase = widgets.IntSlider(value=19, min=0, max=99, step=1, description="Stride (% from right foot strike)",
                                        continuous_update=True, style={"description_width": "initial"},
                                        layout=widgets.Layout(**_SLIDER))
        self._abductors = widgets.IntSlider(value=100, min=20, max=100, step=10,
                                            description="Hip-abductor strength (%)", continuous_update=True,
                                            style={"description_width": "initial"}, layout=widgets.Layout(**_SLIDER))
        state = am.gait_state(0.19, 1.0)
        self._gait_chart = GaitChart(state)
        self._gait_summary = widgets.HTML()
        self._claims_gait = widgets.HTML(_claims_html(CLAIMS_GAIT, False))
        self._claims_overview = widgets.HTML(_claims_html(CLAIMS_OVERVIEW, False))

        row = dict(flex_flow="row wrap", width="100%", align_items="center", grid_gap="0.3em 1em")
        children = [
            page_style(),
            slider_labels(),
            widgets.HTML(f"<p>{html.escape(self._text['intro'])}</p>"),
            Disclaimer(),
            self._errors,
            self._detail,
            self._claims_overview,
            _heading("3D model of the lower back and pelvis"),
            self._layers,
            self._camera,
            self._chart3d.fig,
            self._summary3d,
            widgets.HBox([self._picker, self._clear], layout=widgets.Layout(**row)),
            self._card,
            _heading("Which structures does each kind of pain involve?", 3),
            widgets.HBox(list(self._showme.values()), layout=widgets.Layout(**row)),
            self._pain_text,
            self._claims_pain,
            _heading("Side view: pelvic tilt and the curve of the lower back"),
            widgets.HTML(f"<p>{html.escape(self._text['sagittal_intro'])}</p>"),
            self._tilt, self._hamstrings, self._hip_flexors,
            self._sagittal.fig,
            self._sag_summary,
            self._sag_download,
            self._claims_sag,
            _heading("Running: the pelvis in the stride"),
            widgets.HTML(f"<p>{html.escape(self._text['gait_intro'])}</p>"),
            self._phase, self._abductors,
            self._gait_chart.fig,
            self._gait_summary,
            self._claims_gait,
        ]
        kwargs.setdefault("layout", widgets.Layout(width="100%", max_width="72em"))
        super().__init__(children, **kwargs)
        self.add_class("rb-anatomy")
        self.tilt = 0.0
        self.gait = state
        self._wire()
        self._update_summary3d()
        self._update_sagittal()
        self._update_gait()

    # ------------------------------------------------------------------ wiring
        # Glossary terms get a hover/focus definition where they first appear.
        with_glossary(self)
    def _wire(self) -> None:
        g = guarded(self._errors)
        self._layers.observe(g(self._on_layers), names="value")
        self._camera.observe(g(lambda ch: self._chart3d.set_camera(ch["new"])), names="value")
        self._picker.observe(g(self._on_pick), names="value")
        for key, btn in self._showme.items():
            btn.on_click(g(lambda _b, key=key: self.show_pain_type(key)))
        self._clear.on_click(g(lambda _b: self.clear_highlight()))
        self._detail.observe(g(self._on_detail), names="value")
        for s in (self._tilt, self._hamstrings, self._hip_flexors):
            s.observe(g(self._on_posture), names="value")
        for s in (self._phase, self._abductors):
            s.observe(g(self._on_gait), names="value")
        for t in self._chart3d.fig.data:
            if t.meta in am.STRUCTURE_LAYERS:
                t.on_click(g(self._on_figure_click))

    # ------------------------------------------------------------------ 3D
    def _on_layers(self, _change=None) -> None:
        self._chart3d.set_layers(self.visible_layers)
        self._update_summary3d()

    @property
    def visible_layers(self) -> list[str]:
        return [layer for layer in am.LAYERS if layer in self._layers.value]

    def set_layers(self, layers) -> None:
        """Switch layers on/off (one figure update)."""
        want = [layer for layer in am.LAYERS if layer in set(layers)]
        if want != list(self._layers.value):
            self._layers.value = want

    def _on_figure_click(self, trace, points, _selector=None) -> None:
        if points is not None and getattr(points, "point_inds", None):
            self._picker.value = trace.meta

    def _on_pick(self, change) -> None:
        sid = change["new"] or ""
        self.structure = sid
        if sid:
            layer = am.STRUCTURE_LAYERS[sid]
            if layer not in self.visible_layers:
                self.set_layers([*self.visible_layers, layer])
            self._chart3d.highlight({sid})
            self._pain_text.value = ""
        else:
            self._chart3d.highlight(())
        self.highlighted = sorted(self._chart3d.highlighted)
        self._card.value = structure_card_html(sid, self._detail.value)
        self._update_summary3d()

    def show_pain_type(self, key: str) -> None:
        """Highlight the structures a pain type involves (and switch their layers on)."""
        pt = _data()["pain_type"][key]
        if self._picker.value:
            self._picker.value = ""
        self.set_layers(pt["layers"])
        self._chart3d.highlight(pt["structures"])
        self.highlighted = sorted(self._chart3d.highlighted)
        self._pain_text.value = (f'<p role="status"><strong>{html.escape(pt["label"])}:</strong> '
                                 f'{html.escape(pt["text"])} Highlighted in yellow in the 3D view.</p>')
        self._update_summary3d()

    def clear_highlight(self) -> None:
        self._picker.value = ""
        self._chart3d.highlight(())
        self.highlighted = []
        self._pain_text.value = ""
        self._update_summary3d()

    def _on_detail(self, change) -> None:
        detail = bool(change["new"])
        self._card.value = structure_card_html(self.structure, detail)
        self._claims_overview.value = _claims_html(CLAIMS_OVERVIEW, detail)
        self._claims_pain.value = _claims_html(CLAIMS_PAIN, detail)
        self._claims_sag.value = _claims_html(CLAIMS_SAGITTAL, detail)
        self._claims_gait.value = _claims_html(CLAIMS_GAIT, detail)

    def _update_summary3d(self) -> None:
        labels = [_data()["layer"][layer]["label"].lower() for layer in self.visible_layers]
        shown = ", ".join(labels) if labels else "nothing (all layers are off)"
        hl = self.highlighted
        if not hl:
            what = "Nothing is highlighted."
        elif len(hl) == 1:
            what = f"Highlighted: {self._names[hl[0]]}."
        else:
            what = f"Highlighted: {len(hl)} structures."
        self._summary3d.value = (f'<p class="rb-summary" role="status">3D model of the lumbar spine, sacrum and pelvis '
                                 f"showing {html.escape(shown)}. {html.escape(what)}</p>")

    # ------------------------------------------------------------------ sagittal
    def _on_posture(self, _change=None) -> None:
        t = am.tilt_from_muscles(self._hamstrings.value / 100, self._hip_flexors.value / 100, self._tilt.value)
        self.tilt = t
        self._update_sagittal()
        self._chart3d.update(am.build_model(t))

    def _update_sagittal(self) -> None:
        out = am.sagittal_outline(self.tilt)
        self._sag_out = out
        ham, flex = self._hamstrings.value / 100, self._hip_flexors.value / 100
        self._sagittal.update(out, ham, flex)
        self._sag_download.update_from_figures([self._sagittal.fig], x_name="front_mm", y_name="up_mm")
        p = out["posture"]
        if p.tilt > 0.25:
            tilt = f"tilted forward (anterior tilt) by {p.tilt:.0f}°"
        elif p.tilt < -0.25:
            tilt = f"tilted backward (posterior tilt) by {-p.tilt:.0f}°"
        else:
            tilt = "in its neutral standing position"
        ll0 = dim.LORDOSIS_NEUTRAL
        curve = ("deeper than" if p.lordosis > ll0 + 0.25 else "flatter than" if p.lordosis < ll0 - 0.25 else "the same as")
        causes = []
        if ham:
            causes.append(f"tight hamstrings ({ham:.0%}) pull it backward")
        if flex:
            causes.append(f"tight hip flexors ({flex:.0%}) pull it forward")
        cause = f" ({'; '.join(causes)})" if causes else ""
        self._sag_summary.value = (
            f'<p class="rb-summary" role="status">Side view: the pelvis is {tilt}{html.escape(cause)}. '
            f"Sacral slope {p.sacral_slope:.0f}°, lumbar lordosis {p.lordosis:.0f}°: the curve of the lower back is "
            f"{curve} the neutral {ll0:.0f}°.</p>")

    # ------------------------------------------------------------------ gait
    def _on_gait(self, _change=None) -> None:
        self._update_gait()

    def _update_gait(self) -> None:
        state = am.gait_state(self._phase.value / 100, self._abductors.value / 100)
        self.gait = state
        self._gait_chart.update(state)
        if state.stance_side:
            lead = (f"{self._phase.value}% into the stride the {state.stance_side} foot is on the ground and the "
                    f"{state.swing_side} pelvis drops {state.pelvic_drop:.1f}°")
            if state.trendelenburg:
                lead += " (a Trendelenburg-type drop: the stance-side hip abductors cannot hold the pelvis level)"
        else:
            lead = f"{self._phase.value}% into the stride both feet are off the ground and the pelvis is level"
        top = max(state.effort, key=state.effort.get)
        si = max(abs(v) for v in state.si_rotation.values())
        self._gait_summary.value = (
            f'<p class="rb-summary" role="status">{html.escape(lead)}. Working hardest: '
            f"{html.escape(GROUP_LABELS[top])} ({state.effort[top]:.0%}). The SI joints move only {si:.1f}°.</p>")

    # ------------------------------------------------------------------ scenarios
    def scenario_state(self) -> dict[str, str]:
        return {
            "structure": self.structure,
            "layers": ",".join(self.visible_layers),
            "camera": self._camera.value,
            "tilt": f"{self._tilt.value:g}",
            "hamstrings": str(self._hamstrings.value),
            "hip_flexors": str(self._hip_flexors.value),
            "phase": str(self._phase.value),
            "abductors": str(self._abductors.value),
        }

    def apply_scenario(self, params: Mapping[str, str]) -> list[str]:
        """Apply shareable settings; return plain-words notes for anything ignored. Never raises."""
        notes: list[str] = []

        def show(v) -> str:
            s = str(v)
            return html.escape(s[:40] + ("…" if len(s) > 40 else ""))

        def number(key, raw, lo, hi, integer):
            try:
                v = float(str(raw).strip())
            except (TypeError, ValueError):
                notes.append(f"{key}: {show(raw)} is not a number; kept {self.scenario_state()[key]}.")
                return None
            if not math.isfinite(v) or not lo <= v <= hi:
                notes.append(f"{key}: {show(raw)} is outside {lo:g} to {hi:g}; kept {self.scenario_state()[key]}.")
                return None
            return int(round(v)) if integer else v

        try:
            items = dict(params).items()
        except Exception:  # noqa: BLE001 - hostile input is reported, never raised
            return ["The settings could not be read; nothing was changed."]
        for key, raw in items:
            try:
                k = str(key)
                if k == "structure":
                    v = str(raw)
                    if v in ("", "none"):
                        self._picker.value = ""
                    elif v in am.STRUCTURE_LAYERS:
                        self._picker.value = v
                    else:
                        notes.append(f"structure: {show(v)} is not a structure in this model; none selected.")
                elif k == "layers":
                    want = [s.strip() for s in str(raw).split(",") if s.strip()]
                    bad = [s for s in want if s not in am.LAYERS]
                    if bad:
                        notes.append(f"layers: {show(', '.join(bad))} is not a layer (use {', '.join(am.LAYERS)}); "
                                     "layers unchanged.")
                    else:
                        self.set_layers(want)
                elif k == "camera":
                    if str(raw) in self._cams:
                        self._camera.value = str(raw)
                    else:
                        notes.append(f"camera: {show(raw)} is not a view ({', '.join(self._cams)}); view unchanged.")
                elif k == "tilt":
                    v = number(k, raw, *dim.TILT_LIMITS, integer=False)
                    if v is not None:
                        self._tilt.value = round(v)
                elif k in ("hamstrings", "hip_flexors"):
                    v = number(k, raw, 0, 100, integer=True)
                    if v is not None:
                        (self._hamstrings if k == "hamstrings" else self._hip_flexors).value = int(round(v / 10) * 10)
                elif k == "phase":
                    v = number(k, raw, 0, 99, integer=True)
                    if v is not None:
                        self._phase.value = v
                elif k == "abductors":
                    v = number(k, raw, 20, 100, integer=True)
                    if v is not None:
                        self._abductors.value = int(round(v / 10) * 10)
                else:
                    notes.append(f"Unknown setting {show(k)} was ignored.")
            except Exception:  # noqa: BLE001 - a scenario must never break the page
                notes.append(f"{show(key)}: could not be applied; kept the default.")
        return notes


def dimensions_table() -> widgets.HTML:
    """The model's dimensions with their sources, as an HTML table (notebook Background)."""
    refs = content.references()

    def short(rid):
        cit = refs[rid].citation
        first = cit.split(",")[0].split(" ")[0]
        year = re.search(r"\b(19|20)\d\d\b", cit)
        multi = "," in cit.split(".")[0]
        return f"{first}{' et al.' if multi else ''} {year.group(0) if year else ''}".strip()

    def src(key):
        return "; ".join(html.escape(short(r)) for r in dim.SOURCES[key])

    rows = []
    for lvl in dim.LEVELS:
        v = dim.VERTEBRA[lvl]
        rows.append(f"<tr><th scope='row'>{lvl}</th><td>{v['body_width']:.0f}</td><td>{v['body_depth']:.0f}</td>"
                    f"<td>{v['body_height']:.0f}</td><td>{v['tp_span']:.0f}</td></tr>")
    discs = ", ".join(f"{k.replace('_', '-')} {v:.1f}" for k, v in dim.DISC_HEIGHT.items())
    p = dim.PELVIS
    return widgets.HTML(
        '<table class="rb-table"><caption>Lumbar vertebrae in the model [mm] (source: '
        f"{src('VERTEBRA')})</caption><thead><tr><th scope='col'>Level</th><th scope='col'>Body width</th>"
        "<th scope='col'>Body depth</th><th scope='col'>Body height</th><th scope='col'>Transverse span</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p>Mid-disc heights [mm]: {html.escape(discs)} (source: {src('DISC_HEIGHT')}).</p>"
        f"<p>Pelvis in neutral standing: pelvic incidence {p['pelvic_incidence']:.0f}°, pelvic tilt "
        f"{p['pelvic_tilt']:.0f}°, sacral slope {p['sacral_slope']:.0f}° (sources: {src('PELVIS')}); "
        f"lordosis L1-S1 {dim.LORDOSIS_NEUTRAL:.0f}°, usual range {dim.LORDOSIS_RANGE[0]:.0f}-"
        f"{dim.LORDOSIS_RANGE[1]:.0f}° (source: {src('LORDOSIS_NEUTRAL')}).</p>"
    )

"""The run load simulator dashboard (widgets layer: composes model and figures).

``RunLoadSimulator()`` is a VBox: disclaimer, controls (preset, body mass,
speed with pace, duration, four strengths, running base), the takeover
sentence, and four views (your run; A vs B; class cohort; prevention what-if).
Figures of a view are created the first time the view is opened. Every
callback runs through ``guarded(self._errors)``.
"""

from __future__ import annotations

import html
import math
from typing import Mapping

import ipywidgets as widgets
import numpy as np
import traitlets

from .. import content
from ..ui.glossary import with_glossary
from ..ui.components import DetailToggle, Disclaimer, DownloadLink, ErrorPanel, claims_section, guarded, page_style, slider_labels
from . import figures as F
from .model import GROUPS, LIMITS, CohortResult, Runner, RunPlan, RunResult, pace_min_per_km, sample_cohort, simulate_cohort, simulate_run, with_training
from .scenarios import DEFAULT_PRESET, PRESET_LABELS, PRESETS

__all__ = ["RunLoadSimulator", "CLAIMS", "parameter_table", "preset_table"]

#: Claims and clinical notes this dashboard shows (registry ids).
CLAIMS = ["A09", "A04", "A14", "A01", "N07"]

_CUSTOM = "custom"
_VIEWS = ("run", "compare", "cohort", "prevention")
def _wide() -> widgets.Layout:
    """A control that shares a wrapping row: at least 22em (or the full width on a
    phone), so a long label never squeezes the slider track to nothing."""
    return widgets.Layout(width="auto", max_width="100%", flex="1 1 26em", min_width="min(100%, 22em)")
_STYLE = {"description_width": "initial"}


def _text():
    return content.load_toml("loadsim.toml")


def _fmt_pace(speed: float) -> str:
    p = pace_min_per_km(speed)
    m = int(p)
    s = int(round((p - m) * 60))
    if s == 60:
        m, s = m + 1, 0
    return f"{m}:{s:02d} min/km"


def _parse_in_range(key: str, raw, slider, notes: list) -> float | None:
    """A shared-link value for ``slider``: the number, or None with a plain note
    (escaped) when it is not a finite number within the slider's range."""
    def esc(x) -> str:
        text = str(x)
        return html.escape(text[:40] + ("…" if len(text) > 40 else ""))

    try:
        v = float(str(raw).strip()[:40])
    except ValueError:
        notes.append(f"{esc(key)}: '{esc(raw)}' is not a number; kept {slider.value:g}.")
        return None
    if not math.isfinite(v) or v < slider.min or v > slider.max:
        notes.append(f"{esc(key)} must be between {slider.min:g} and {slider.max:g}; got '{esc(raw)}', kept {slider.value:g}.")
        return None
    return v


class RunLoadSimulator(widgets.VBox):
    """Dashboard: fatigue and load sharing over a run, A vs B, cohort, prevention."""

    result = traitlets.Instance(RunResult, allow_none=True)
    result_b = traitlets.Instance(RunResult, allow_none=True)
    cohort = traitlets.Instance(CohortResult, allow_none=True)
    prevention = traitlets.Instance(RunResult, allow_none=True)
    preset = traitlets.Unicode(DEFAULT_PRESET)
    view = traitlets.Unicode("run")

    def __init__(self, preset: str = DEFAULT_PRESET, **kwargs):
        txt = _text()
        self._txt = txt
        c = txt["controls"]
        self._errors = ErrorPanel()
        self._busy = False
        self._charts: dict = {}
        self._detail = DetailToggle()
        self._intro = widgets.HTML()
        options = [(PRESET_LABELS[k], k) for k in PRESETS] + [(c["custom"], _CUSTOM)]
        self._preset = widgets.Dropdown(options=options, value=DEFAULT_PRESET, description=c["preset"],
                                        tooltip=c["preset_help"], layout=_wide(), style=_STYLE)

        def slider(kind, name, lo, hi, step, val, fmt=".1f", cls=widgets.FloatSlider):
            w = cls(value=val, min=lo, max=hi, step=step, description=c[name], readout_format=fmt,
                    layout=_wide(), style=_STYLE, continuous_update=True)
            return w

        self._mass = slider("f", "body_mass", 40.0, 130.0, 1.0, 70.0, ".0f")
        self._speed = slider("f", "speed", 2.0, 6.0, 0.1, 3.0, ".1f")
        self._pace = widgets.HTML(layout=widgets.Layout(width="auto"))
        self._duration = slider("f", "duration", 10.0, 180.0, 5.0, 60.0, ".0f")
        self._weeks = slider("i", "training_weeks", 0, 104, 1, 12, "d", widgets.IntSlider)
        self._weeks.tooltip = c["training_weeks_help"]
        self._strength = {}
        for g in GROUPS:
            w = slider("f", g, LIMITS["strength"][0], LIMITS["strength"][1], 0.05, 1.0, ".2f")
            w.tooltip = c["strength_help"]
            self._strength[g] = w
        self._sentence = widgets.HTML()
        self._sentence.add_class("rb-loadsim-sentence")
        self._sentence.add_class("rb-headline")  # floats at the top of a phone screen while out of sight (page template)
        self._view = widgets.ToggleButtons(options=list(zip(txt["app"]["views"], _VIEWS)), value="run",
                                           description="View", style=_STYLE,
                                           layout=widgets.Layout(width="auto", max_width="100%"))
        # A vs B
        self._runner_b = widgets.Dropdown(options=[(PRESET_LABELS[k], k) for k in PRESETS],
                                          value="strong_after_strength_training", description=c["runner_b"],
                                          layout=_wide(), style=_STYLE)
        # cohort
        self._cohort_n = widgets.IntSlider(value=500, min=50, max=2000, step=50, description=c["cohort_n"],
                                           layout=_wide(), style=_STYLE, continuous_update=False)
        self._cohort_spread = widgets.FloatSlider(value=0.15, min=0.0, max=0.4, step=0.05, description=c["cohort_spread"],
                                                  readout_format=".0%", layout=_wide(), style=_STYLE, continuous_update=False)
        # prevention
        self._strength_weeks = widgets.IntSlider(value=8, min=0, max=24, step=1, description=c["strength_weeks"],
                                                 layout=_wide(), style=_STYLE)
        self._base_weeks = widgets.IntSlider(value=8, min=0, max=26, step=1, description=c["base_weeks"],
                                             layout=_wide(), style=_STYLE)
        self._summaries = {k: widgets.HTML() for k in ("index", "shares", "fatigue", "compare", "cohort", "prevention")}
        for k, w in self._summaries.items():
            w.add_class(f"rb-summary-{k}")
        self._claims = claims_section(CLAIMS)
        self._download = DownloadLink("runback-run.csv", "Download this run's data (CSV)")
        # One panel per view, all in the page from the start (so every control is there for a
        # share link), hidden unless selected; a view's figures are created on its first visit.
        wrap = widgets.Layout(display="flex", flex_flow="row wrap", width="100%")
        self._panels = {
            "run": widgets.VBox([], layout=widgets.Layout(width="100%")),
            "compare": widgets.VBox([self._runner_b], layout=widgets.Layout(width="100%", display="none")),
            "cohort": widgets.VBox([widgets.Box([self._cohort_n, self._cohort_spread], layout=wrap)],
                                   layout=widgets.Layout(width="100%", display="none")),
            "prevention": widgets.VBox([widgets.Box([self._strength_weeks, self._base_weeks], layout=wrap)],
                                       layout=widgets.Layout(width="100%", display="none")),
        }
        self._n_controls = {k: len(p.children) for k, p in self._panels.items()}
        self._view_box = widgets.VBox(list(self._panels.values()), layout=widgets.Layout(width="100%"))
        row = widgets.Layout(display="flex", flex_flow="row wrap", width="100%", align_items="center")
        controls = widgets.VBox([
            widgets.Box([self._preset], layout=row),
            widgets.Box([self._mass, self._speed, self._pace, self._duration, self._weeks], layout=row),
            widgets.HTML(f"<p class='rb-src'>{html.escape(c['strength_help'])}</p>"),
            widgets.Box(list(self._strength.values()), layout=row),
        ], layout=widgets.Layout(width="100%"))
        super().__init__(
            [page_style(), slider_labels(), Disclaimer(), self._intro, self._detail, controls, self._errors,
             self._sentence, self._view, self._view_box, self._download, self._claims],
            layout=widgets.Layout(width="100%", max_width="72em"),
            **kwargs,
        )
        self.add_class("rb-loadsim")
        self._wire()
        self._apply_preset(preset if preset in PRESETS else DEFAULT_PRESET)
        self._show_view("run")
        self._render_text()

    # ------------------------------------------------------------------ wiring
        # Glossary terms get a hover/focus definition where they first appear.
        with_glossary(self)
    def _wire(self) -> None:
        g = guarded(self._errors)
        self._preset.observe(g(self._on_preset), names="value")
        for w in (self._mass, self._speed, self._duration, self._weeks, *self._strength.values()):
            w.observe(g(self._on_control), names="value")
        self._view.observe(g(lambda ch: self._show_view(ch["new"])), names="value")
        self._runner_b.observe(g(lambda ch: self._refresh(self._update_compare)), names="value")
        for w in (self._cohort_n, self._cohort_spread):
            w.observe(g(lambda ch: self._refresh(self._update_cohort)), names="value")
        for w in (self._strength_weeks, self._base_weeks):
            w.observe(g(lambda ch: self._refresh(self._update_prevention)), names="value")
        self._detail.observe(g(lambda ch: self._render_text()), names="value")

    def _refresh(self, update) -> None:
        update()
        self._render_text()

    # ------------------------------------------------------------------ model
    def runner(self) -> Runner:
        return Runner(body_mass_kg=self._mass.value, strength={g: w.value for g, w in self._strength.items()},
                      training_weeks=self._weeks.value)

    def plan(self) -> RunPlan:
        return RunPlan(duration_min=self._duration.value, speed_m_s=self._speed.value)

    def _apply_preset(self, name: str) -> None:
        runner, plan = PRESETS[name]
        self._busy = True
        try:
            self._mass.value = runner.body_mass_kg
            self._speed.value = plan.speed_m_s
            self._duration.value = plan.duration_min
            self._weeks.value = int(round(runner.training_weeks))
            for g, w in self._strength.items():
                w.value = runner.strength[g]
            self._preset.value = name
            self.preset = name
        finally:
            self._busy = False
        self._recompute()

    def _on_preset(self, change) -> None:
        if self._busy or change["new"] == _CUSTOM:
            return
        self._apply_preset(change["new"])

    def _on_control(self, change) -> None:
        if self._busy:
            return
        self._mark_custom_if_changed()
        self._recompute()

    def _recompute(self) -> None:
        result = simulate_run(self.runner(), self.plan())
        self.result = result
        self._pace.value = f"<span class='rb-pace'>{html.escape(self._txt['sentences']['pace'].format(pace=_fmt_pace(self._speed.value)))}</span>"
        for key in ("index", "shares", "fatigue"):
            if key in self._charts:
                self._charts[key].update(result)
        self._offer_run_data()
        if self.view == "compare":
            self._update_compare()
        elif self.view == "cohort":
            self._update_cohort()
        elif self.view == "prevention":
            self._update_prevention()
        self._render_text()

    # ------------------------------------------------------------------ views
    def _figure_block(self, key: str) -> widgets.VBox:
        fig = self._charts[key].fig
        return widgets.VBox([fig, self._summaries[key]], layout=widgets.Layout(width="100%", min_width="0"))

    def _show_view(self, view: str) -> None:
        self.view = view
        if view == "run":
            if "index" not in self._charts:
                self._charts["index"] = F.IndexChart(self.result)
                self._charts["shares"] = F.SharesChart(self.result)
                self._charts["fatigue"] = F.FatigueChart(self.result)
            for k in ("index", "shares", "fatigue"):
                self._charts[k].update(self.result)
            self._offer_run_data()
            keys = ("index", "shares", "fatigue")
        elif view == "compare":
            self._update_compare()
            keys = ("compare",)
        elif view == "cohort":
            self._update_cohort()
            keys = ("cohort",)
        else:
            self._update_prevention()
            keys = ("prevention",)
        panel = self._panels[view]
        if len(panel.children) == self._n_controls[view]:  # first visit: add the figures once
            panel.children = tuple(panel.children) + tuple(self._figure_block(k) for k in keys)
        for name, p in self._panels.items():
            p.layout.display = None if name == view else "none"
        self._render_text()

    def _offer_run_data(self) -> None:
        """The run's curves, as drawn, for download (minute by minute)."""
        figs = [self._charts[k].fig for k in ("index", "shares", "fatigue") if k in self._charts]
        if figs:
            self._download.update_from_figures(figs, x_name="minute")

    def _label_a(self) -> str:
        return PRESET_LABELS.get(self._preset.value, "your settings")

    def _update_compare(self) -> None:
        b_runner, b_plan = PRESETS[self._runner_b.value]
        # B runs the same run as A, so only the runner differs.
        self.result_b = simulate_run(b_runner, self.plan())
        if "compare" not in self._charts:
            self._charts["compare"] = F.CompareChart(self.result, self.result_b, self._label_a(), PRESET_LABELS[self._runner_b.value])
        else:
            self._charts["compare"].update(self.result, self.result_b, self._label_a(), PRESET_LABELS[self._runner_b.value])

    def _update_cohort(self) -> None:
        kw = sample_cohort(self.runner(), n=self._cohort_n.value, spread=self._cohort_spread.value, seed=0)
        self.cohort = simulate_cohort(plan=self.plan(), **kw)
        if "cohort" not in self._charts:
            self._charts["cohort"] = F.CohortChart(self.cohort)
        else:
            self._charts["cohort"].update(self.cohort)

    def _update_prevention(self) -> None:
        after = with_training(self.runner(), strength_training_weeks=self._strength_weeks.value, base_weeks=self._base_weeks.value)
        self.prevention = simulate_run(after, self.plan())
        if "prevention" not in self._charts:
            self._charts["prevention"] = F.PreventionChart(self.result, self.prevention)
        else:
            self._charts["prevention"].update(self.result, self.prevention)

    # ------------------------------------------------------------------ text
    def takeover_sentence(self, detail: bool | None = None) -> str:
        """The one plain sentence under the controls (plain or detailed wording)."""
        r = self.result
        detail = self._detail.value if detail is None else detail
        s = self._txt["sentences"]
        end = {"hips": float(r.hip_share[-1]), "back": float(r.back_share[-1]), "passive": float(r.load_share["passive"][-1])}
        if r.takeover_min is None:
            text = (s["no_takeover_detail"] if detail else s["no_takeover"]).format(**end)
        else:
            text = (s["takeover_detail"] if detail else s["takeover"]).format(minute=F.takeover_text(r.takeover_min), **end)
        if end["passive"] >= 0.005:
            text += s["passive"].format(**end)
        return text

    def _render_text(self) -> None:
        if self.result is None:
            return
        detail = self._detail.value
        app = self._txt["app"]
        self._intro.value = f"<p>{html.escape(app['intro_detail'] if detail else app['intro'])}</p>"
        self._claims.value = claims_section(CLAIMS, detail=detail).value
        r = self.result
        style = "font-size:1.25em;font-weight:700;margin:0.5em 0"
        self._sentence.value = f'<p role="status" aria-live="polite" style="{style}">{html.escape(self.takeover_sentence(detail), quote=False)}</p>'
        sm = self._txt["summaries"]
        end = {k: float(v[-1]) for k, v in r.load_share.items()}
        self._set_summary("index", sm["index"].format(start=float(r.lumbar_load_index[0]), peak=r.peak_lumbar_load_index,
                                                      takeover=F.takeover_text(r.takeover_min)))
        self._set_summary("shares", sm["shares"].format(hips=end["hip_abductors"] + end["hip_extensors"], core=end["deep_core"],
                                                        lumbar=end["lumbar_extensors"], passive=end["passive"]))
        self._set_summary("fatigue", sm["fatigue"].format(duration=r.plan.duration_min, ha=float(r.fatigue["hip_abductors"][-1]),
                                                          he=float(r.fatigue["hip_extensors"][-1]), dc=float(r.fatigue["deep_core"][-1]),
                                                          le=float(r.fatigue["lumbar_extensors"][-1])))
        if self.result_b is not None and self.view == "compare":
            b = self.result_b
            self._set_summary("compare", sm["compare"].format(a=self._label_a(), b=PRESET_LABELS[self._runner_b.value],
                                                              ta=F.takeover_text(r.takeover_min), pa=r.peak_lumbar_load_index,
                                                              tb=F.takeover_text(b.takeover_min), pb=b.peak_lumbar_load_index))
        if self.cohort is not None and self.view == "cohort":
            t = self.cohort.takeover_min
            finite = t[np.isfinite(t)]
            median = sm["cohort_median"].format(median=F.takeover_text(float(np.median(finite)))) if finite.size else ""
            self._set_summary("cohort", sm["cohort"].format(n=self.cohort.n, pct=self.cohort.fraction_taken_over, median=median))
        if self.prevention is not None and self.view == "prevention":
            p = self.prevention
            self._set_summary("prevention", sm["prevention"].format(sw=self._strength_weeks.value, bw=self._base_weeks.value,
                                                                    pa=r.peak_lumbar_load_index, pb=p.peak_lumbar_load_index,
                                                                    ta=F.takeover_text(r.takeover_min), tb=F.takeover_text(p.takeover_min)))

    def _set_summary(self, key: str, text: str) -> None:
        self._summaries[key].value = f'<p class="rb-figure-summary" role="note">{html.escape(text, quote=False)}</p>'

    # ------------------------------------------------------------------ scenarios (issue 6)
    _NUMERIC = {
        "body_mass_kg": ("_mass", float),
        "speed_m_s": ("_speed", float),
        "duration_min": ("_duration", float),
        "training_weeks": ("_weeks", int),
        "strength_weeks": ("_strength_weeks", int),
        "base_weeks": ("_base_weeks", int),
        "cohort_n": ("_cohort_n", int),
    }

    def scenario_state(self) -> dict[str, str]:
        """The state that matters, as flat strings (for a shareable link)."""
        state = {"preset": self._preset.value, "view": self.view, "runner_b": self._runner_b.value}
        for key, (attr, kind) in self._NUMERIC.items():
            v = getattr(self, attr).value
            state[key] = f"{v:g}" if kind is float else str(int(v))
        for g, w in self._strength.items():
            state[f"strength_{g}"] = f"{w.value:g}"
        return state

    def apply_scenario(self, params: Mapping[str, str]) -> list[str]:
        """Apply a shared scenario; return plain-words notes for what was ignored. Never raises."""
        notes: list[str] = []
        try:
            items = dict(params or {})
        except Exception:  # noqa: BLE001 - hostile input: note, do not raise
            return ["The scenario could not be read; the defaults are shown."]

        def esc(x) -> str:
            s = str(x)
            return html.escape(s[:40] + ("…" if len(s) > 40 else ""))

        preset = items.pop("preset", None)
        if preset is not None:
            if preset in PRESETS:
                self._apply_preset(preset)
            elif preset != _CUSTOM:
                notes.append(f"Unknown runner preset '{esc(preset)}'; kept '{html.escape(self._label_a())}'.")
        view = items.pop("view", None)
        runner_b = items.pop("runner_b", None)
        widget_values = {}
        for key, raw in items.items():
            if key in self._NUMERIC:
                attr, kind = self._NUMERIC[key]
                v = _parse_in_range(key, raw, getattr(self, attr), notes)
                if v is not None:
                    widget_values[attr] = kind(round(v)) if kind is int else v
            elif key.startswith("strength_") and key[len("strength_"):] in self._strength:
                v = _parse_in_range(key, raw, self._strength[key[len("strength_"):]], notes)
                if v is not None:
                    widget_values[("strength", key[len("strength_"):])] = v
            else:
                notes.append(f"Unknown setting '{esc(key)}' was ignored.")
        if widget_values:
            self._busy = True
            try:
                for attr, v in widget_values.items():
                    w = self._strength[attr[1]] if isinstance(attr, tuple) else getattr(self, attr)
                    w.value = v
            finally:
                self._busy = False
            self._mark_custom_if_changed()
            try:
                self._recompute()
            except Exception:  # noqa: BLE001
                notes.append("These settings could not be simulated; the defaults are shown.")
                self._apply_preset(DEFAULT_PRESET)
        if runner_b is not None:
            if runner_b in PRESETS:
                self._runner_b.value = runner_b
            else:
                notes.append(f"Unknown runner B '{esc(runner_b)}' was ignored.")
        if view is not None:
            if view in _VIEWS:
                self._view.value = view
            else:
                notes.append(f"Unknown view '{esc(view)}'; showing '{self.view}'.")
        return notes

    def _mark_custom_if_changed(self) -> None:
        """Show "custom" in the preset picker once the controls leave the preset."""
        if self._differs_from_preset():
            self._busy = True
            try:
                self._preset.value = _CUSTOM
                self.preset = _CUSTOM
            finally:
                self._busy = False

    def _differs_from_preset(self) -> bool:
        """Do the controls no longer show the selected preset (beyond half a slider step)?

        A slider's browser view may send back its value snapped to the step
        (3.0 -> 3.0000000000000004); that echo must not turn the preset into "custom".
        """
        name = self._preset.value
        if name not in PRESETS:
            return False
        runner, plan = PRESETS[name]
        pairs = [(self._mass, runner.body_mass_kg), (self._speed, plan.speed_m_s),
                 (self._duration, plan.duration_min), (self._weeks, round(runner.training_weeks))]
        pairs += [(w, runner.strength[g]) for g, w in self._strength.items()]
        return any(abs(float(w.value) - float(target)) > w.step / 2 for w, target in pairs)


# ---------------------------------------------------------------------- notebook tables


def parameter_table() -> widgets.HTML:
    """The model's parameter table (``params.PARAMETERS``) with sources, for the notebook Background."""
    from .params import parameter_rows

    refs = content.references()
    rows = []
    for r in parameter_rows():
        src = r["source"]
        if src in refs:
            cite = html.escape(refs[src].citation.split(".")[0])
            src_html = f'<a href="#ref-{html.escape(src)}">{cite}</a>'
        else:
            src_html = "<em>assumption</em>"
        val = r["value"]
        val_txt = f"{val:.5g}" if isinstance(val, float) else html.escape(str(val))
        rows.append(f"<tr><td><code>{html.escape(r['name'])}</code></td><td>{val_txt}</td><td>{html.escape(r['unit'])}</td>"
                    f"<td>{src_html}</td><td>{html.escape(r['note'])}</td></tr>")
    return widgets.HTML(
        '<div style="overflow-x:auto;max-width:100%"><table class="rb-params" style="font-size:0.9em">'
        "<caption>Every number in the model (runback_widgets/loadsim/params.py)</caption>"
        "<thead><tr><th scope='col'>Parameter</th><th scope='col'>Value</th><th scope='col'>Unit</th>"
        "<th scope='col'>Source</th><th scope='col'>Why this value</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def preset_table() -> widgets.HTML:
    """What each preset gives (takeover minute, peak lumbar load index), computed now from the model."""
    base = simulate_run(*PRESETS["well_conditioned"])
    rows = []
    for name, (runner, plan) in PRESETS.items():
        r = simulate_run(runner, plan)
        short = {"hip_abductors": "abductors", "hip_extensors": "extensors", "deep_core": "deep core", "lumbar_extensors": "lower back"}
        s = ", ".join(f"{short[g]} {v:.2f}" for g, v in runner.strength.items())
        le = 100 * (r.lumbar_extensor_force[-1] / base.lumbar_extensor_force[-1] - 1)
        rows.append(
            f"<tr><td>{html.escape(PRESET_LABELS[name])}</td><td>{html.escape(s)}; {runner.training_weeks:g} weeks; "
            f"{runner.body_mass_kg:g} kg</td><td>{plan.duration_min:g} min at {plan.speed_m_s:g} m/s</td>"
            f"<td>{html.escape(F.takeover_text(r.takeover_min))}</td><td>{r.peak_lumbar_load_index:.2f}</td>"
            f"<td>{le:+.0f} %</td></tr>"
        )
    return widgets.HTML(
        '<div style="overflow-x:auto;max-width:100%"><table class="rb-presets" style="font-size:0.9em">'
        "<caption>The presets, as the model computes them</caption>"
        "<thead><tr><th scope='col'>Preset</th><th scope='col'>Runner (strength × typical; base; mass)</th>"
        "<th scope='col'>Run</th><th scope='col'>Back takes over</th><th scope='col'>Peak lumbar load index</th>"
        "<th scope='col'>Lumbar extensor force at the end vs well-conditioned</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )

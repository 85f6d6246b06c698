"""The run load simulator dashboard (widgets layer: composes model and figures).

On :class:`runback_widgets.ui.dashboard.Dashboard`: every input is a control in
``RunLoadSimulator.controls`` (a trait and a share-link key); :meth:`update` is
the one place that recomputes and redraws; :func:`fragments` says what the text
slots show. Views: your run (with the uncertainty band); A vs B; class cohort; prevention
what-if; endurance hold. A view's
figures are created the first time it is shown, with the current results.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import traitlets

from .. import content
from ..ui.components import Disclaimer, download_link, figure_csv
from ..ui.dashboard import DETAIL, Choice, Dashboard, Number, Preset
from ..ui.render import claim_box, claims_for, h, to_html
from . import figures as F
from .model import (
    GROUPS,
    LIMITS,
    Band,
    CohortResult,
    HoldResult,
    Runner,
    RunPlan,
    RunResult,
    endurance_hold,
    pace_min_per_km,
    sample_cohort,
    simulate_cohort,
    simulate_run,
    uncertainty_band,
    with_training,
)
from .params import value
from .scenarios import DEFAULT_PRESET, PRESET_LABELS, PRESETS

__all__ = ["RunLoadSimulator", "CLAIMS", "fragments", "parameter_table", "preset_table"]

NAME = "03-run-load-simulator"
#: Claims and clinical notes this dashboard shows (``shown_in`` in claims.toml).
CLAIMS = claims_for(NAME)
_T = content.load_toml("loadsim.toml")
_C = _T["controls"]
VIEWS = dict(zip(("run", "compare", "cohort", "prevention", "hold"), _T["app"]["views"]))
#: Figures of each view.
VIEW_CHARTS = {
    "run": ("index", "shares", "fatigue"),
    "compare": ("compare",),
    "cohort": ("cohort",),
    "prevention": ("prevention",),
    "hold": ("hold",),
}
_S_LO, _S_HI = LIMITS["strength"][:2]
#: Controls of one view only (below the view buttons); every other number is the runner or the run.
VIEW_CONTROLS = {
    "compare": ("runner_b",),
    "cohort": ("cohort_n", "cohort_spread"),
    "prevention": ("strength_weeks", "base_weeks"),
    "hold": ("hold_load",),
}


def _preset_values(runner: Runner, plan: RunPlan) -> dict:
    return {
        "body_mass_kg": runner.body_mass_kg,
        "speed_m_s": plan.speed_m_s,
        "duration_min": plan.duration_min,
        "training_weeks": round(runner.training_weeks),
        **{f"strength_{g}": runner.strength[g] for g in GROUPS},
    }


def fmt_pace(speed: float) -> str:
    m, s = divmod(round(pace_min_per_km(speed) * 60), 60)
    return f"{m}:{s:02d} min/km"


def fragments(app: RunLoadSimulator) -> dict:
    """What each text slot shows for the current results: ``{slot: fragment}``."""
    r, detail, sm, s = app.result, app.detail, _T["summaries"], _T["sentences"]
    end = {k: float(v[-1]) for k, v in r.load_share.items()}
    out = {
        "intro": h("p", _T["app"]["intro_detail" if detail else "intro"]),
        "pace": h("span", s["pace"].format(pace=fmt_pace(app.speed_m_s)), class_="rb-pace"),
        # rb-headline: floats at the top of a phone screen while out of sight (page template)
        "sentence": h(
            "p", app.takeover_sentence(detail), role="status", aria_live="polite", class_="rb-sentence rb-headline"
        ),
        "claims": [claim_box(c, detail) for c in CLAIMS],
        "index": sm["index"].format(
            start=float(r.lumbar_load_index[0]), peak=r.peak_lumbar_load_index, takeover=F.takeover_text(r.takeover_min)
        )
        + (
            sm["band"].format(
                low=float(app.band.low[-1]),
                high=float(app.band.high[-1]),
                draws=int(value("band.draws")),
                take=app.band.takeover_fraction,
            )
            if app.band is not None
            else ""
        ),
        "shares": sm["shares"].format(
            hips=end["hip_abductors"] + end["hip_extensors"],
            core=end["deep_core"],
            lumbar=end["lumbar_extensors"],
            passive=end["passive"],
        ),
        "fatigue": sm["fatigue"].format(
            duration=r.plan.duration_min,
            **{k: float(r.fatigue[g][-1]) for k, g in zip(("ha", "he", "dc", "le"), GROUPS)},
        ),
    }
    run_figs = [app.charts[k].fig for k in ("index", "shares", "fatigue") if k in app.charts]
    if run_figs:  # the run's curves as drawn, minute by minute
        out["download"] = download_link(
            figure_csv(run_figs, x_name="minute"), "runback-run.csv", "Download this run's data (CSV)"
        )
    if app.view == "compare" and app.result_b is not None:
        b = app.result_b
        out["compare"] = sm["compare"].format(
            a=app.label_a,
            b=PRESET_LABELS[app.runner_b],
            ta=F.takeover_text(r.takeover_min),
            pa=r.peak_lumbar_load_index,
            tb=F.takeover_text(b.takeover_min),
            pb=b.peak_lumbar_load_index,
        )
    if app.view == "cohort" and app.cohort is not None:
        t = app.cohort.takeover_min
        finite = t[np.isfinite(t)]
        median = sm["cohort_median"].format(median=F.takeover_text(float(np.median(finite)))) if finite.size else ""
        out["cohort"] = sm["cohort"].format(
            n=app.cohort.n, pct=app.cohort.fraction_taken_over, median=median, never=int(t.size - finite.size)
        )
    if app.view == "hold" and app.hold is not None:
        hd = app.hold
        finite_hold = np.isfinite(hd.endurance_s)
        out["hold"] = sm["hold" if finite_hold else "hold_never"].format(
            load=hd.target_load, time=F.duration_text(hd.endurance_s if finite_hold else float(hd.time_s[-1]))
        )
    if app.view == "prevention" and app.prevention is not None:
        p = app.prevention
        out["prevention"] = sm["prevention"].format(
            sw=app.strength_weeks,
            bw=app.base_weeks,
            pa=r.peak_lumbar_load_index,
            pb=p.peak_lumbar_load_index,
            ta=F.takeover_text(r.takeover_min),
            tb=F.takeover_text(p.takeover_min),
        )
    for key in ("index", "shares", "fatigue", "compare", "cohort", "prevention", "hold"):
        if isinstance(out.get(key), str):
            out[key] = h("p", out[key], class_="rb-figure-summary", role="note")
    return out


class RunLoadSimulator(Dashboard):
    """Dashboard: fatigue and load sharing over a run, A vs B, cohort, prevention.

    Inputs (traits and link keys) are the ``controls``; outputs: ``result`` (your run),
    ``result_b``, ``cohort``, ``prevention`` (each view's results, once it was shown).
    """

    dashboard = NAME
    css_class = "rb-loadsim"
    controls = (
        DETAIL,
        Preset(
            "preset",
            _C["preset"],
            help=_C["preset_help"],
            default=DEFAULT_PRESET,
            options={**PRESET_LABELS, "custom": _C["custom"]},
            values={k: _preset_values(*v) for k, v in PRESETS.items()},
        ),
        Number("body_mass_kg", _C["body_mass"], 40, 130, step=1, default=70),
        Number("speed_m_s", _C["speed"], 2.0, 6.0, step=0.1, default=3.0),
        Number("duration_min", _C["duration"], 10, 180, step=5, default=60),
        Number("training_weeks", _C["training_weeks"], 0, 104, step=1, default=12, help=_C["training_weeks_help"]),
        *(
            Number(f"strength_{g}", _C[g], _S_LO, _S_HI, step=0.05, default=1.0, help=_C["strength_help"])
            for g in GROUPS
        ),
        Choice("view", "View", default="run", options=VIEWS, buttons=True),
        Choice("runner_b", _C["runner_b"], default="strong_after_strength_training", options=dict(PRESET_LABELS)),
        Number("cohort_n", _C["cohort_n"], 50, 2000, step=50, default=500, continuous=False),
        Number(
            "cohort_spread", _C["cohort_spread"], 0.0, 0.4, step=0.05, default=0.15, continuous=False, readout=".0%"
        ),
        Number("strength_weeks", _C["strength_weeks"], 0, 24, step=1, default=8),
        Number("base_weeks", _C["base_weeks"], 0, 26, step=1, default=8),
        Number("hold_load", _C["hold_load"], 0.1, 0.9, step=0.05, default=0.5, continuous=False, readout=".0%"),
    )

    #: The runner's and the run's controls (a change re-simulates the run): derived from the spec.
    runner_plan = tuple(
        c.key for c in controls if isinstance(c, Number) and c.key not in sum(VIEW_CONTROLS.values(), ())
    )

    result = traitlets.Instance(RunResult, allow_none=True)
    result_b = traitlets.Instance(RunResult, allow_none=True)
    cohort = traitlets.Instance(CohortResult, allow_none=True)
    prevention = traitlets.Instance(RunResult, allow_none=True)
    band = traitlets.Instance(Band, allow_none=True)
    hold = traitlets.Instance(HoldResult, allow_none=True)

    def build(self):
        self.charts: dict = {}
        self._drawn: dict = {}
        c, s = self.control, self.slot
        wide = [c(k) for k in self.runner_plan + ("preset", *sum(VIEW_CONTROLS.values(), ()))]
        for w in wide:
            w.layout = widgets.Layout(width="auto", max_width="100%", flex="1 1 26em", min_width="min(100%, 22em)")
        row = widgets.Layout(display="flex", flex_flow="row wrap", width="100%", align_items="center")
        extra = {v: [c(k) for k in VIEW_CONTROLS.get(v, ())] for v in VIEWS}
        strengths = [f"strength_{g}" for g in GROUPS]
        # One panel per view, all in the page from the start (every control is there for a share
        # link), hidden unless selected; a view's figures are added on its first visit.
        self.panels = {
            v: widgets.VBox(
                [widgets.Box(ws, layout=row)] if ws else [],
                layout=widgets.Layout(width="100%", display=None if v == "run" else "none"),
            )
            for v, ws in extra.items()
        }
        return [
            Disclaimer(),
            s("intro"),
            c("detail"),
            widgets.Box([c("preset")], layout=row),
            widgets.Box(
                [c(k) for k in self.runner_plan[:2]]
                + [s("pace")]
                + [c(k) for k in self.runner_plan[2:] if k not in strengths],
                layout=row,
            ),
            widgets.HTML(to_html(h("p", _C["strength_help"], class_="rb-src"))),
            widgets.Box([c(k) for k in strengths], layout=row),
            self.errors,
            s("sentence"),
            c("view"),
            widgets.VBox(list(self.panels.values())),
            s("download"),
            s("claims"),
        ]

    # ------------------------------------------------------------------ model
    def runner(self) -> Runner:
        return Runner(
            body_mass_kg=self.body_mass_kg,
            training_weeks=self.training_weeks,
            strength={g: getattr(self, f"strength_{g}") for g in GROUPS},
        )

    def plan(self) -> RunPlan:
        return RunPlan(duration_min=self.duration_min, speed_m_s=self.speed_m_s)

    @property
    def label_a(self) -> str:
        return PRESET_LABELS.get(self.preset, "your settings")

    def takeover_sentence(self, detail: bool | None = None) -> str:
        """The one plain sentence under the controls (plain or detailed wording)."""
        r, s = self.result, _T["sentences"]
        detail = self.detail if detail is None else detail
        end = {
            "hips": float(r.hip_share[-1]),
            "back": float(r.back_share[-1]),
            "passive": float(r.load_share["passive"][-1]),
            "index": float(r.lumbar_load_index[-1]),
            "rise": float(r.lumbar_load_index[-1]) - 1.0,
            "done": float(r.handover_min[-1]),
            "handover": value("output.takeover_handover"),
        }
        if r.takeover_min is None:
            text = s["no_takeover_detail" if detail else "no_takeover"].format(**end)
        else:
            text = s["takeover_detail" if detail else "takeover"].format(minute=F.takeover_text(r.takeover_min), **end)
        # a run the runner could not hold is said first, never after a calm sentence
        beyond = (
            "" if r.beyond_capacity_min is None else s["beyond"].format(minute=F.takeover_text(r.beyond_capacity_min))
        )
        return beyond + text + (s["passive"].format(**end) if end["passive"] >= 0.005 else "")

    def update(self, changed: set[str]) -> None:
        if changed & set(self.runner_plan) or self.result is None:
            self.result = simulate_run(self.runner(), self.plan())
            self.band = uncertainty_band(self.runner(), self.plan())  # 200 parameter draws: the shaded band
        view = self.view
        # Only the view on screen is computed; its figures are created with the current results.
        if view == "compare":
            b_runner, _ = PRESETS[self.runner_b]
            self.result_b = simulate_run(b_runner, self.plan())  # same run, other runner
            args = (self.result, self.result_b, self.label_a, PRESET_LABELS[self.runner_b])
        elif view == "cohort" and (
            self.cohort is None or changed & {*self.runner_plan, "cohort_n", "cohort_spread", "view"}
        ):
            kw = sample_cohort(self.runner(), n=self.cohort_n, spread=self.cohort_spread, seed=0)
            self.cohort = simulate_cohort(plan=self.plan(), **kw)
        elif view == "prevention":
            after = with_training(
                self.runner(), strength_training_weeks=self.strength_weeks, base_weeks=self.base_weeks
            )
            self.prevention = simulate_run(after, self.plan())
        elif view == "hold" and (self.hold is None or changed & {"hold_load", "view"}):
            self.hold = endurance_hold(self.hold_load, "trunk")
        data = {
            "run": (self.result,),
            "compare": args if view == "compare" else None,
            "cohort": (self.cohort,),
            "prevention": (self.result, self.prevention),
            "hold": (self.hold,),
        }[view]
        classes = {
            "index": F.IndexChart,
            "shares": F.SharesChart,
            "fatigue": F.FatigueChart,
            "compare": F.CompareChart,
            "cohort": F.CohortChart,
            "prevention": F.PreventionChart,
            "hold": F.HoldChart,
        }
        for key in VIEW_CHARTS[view]:
            args = (self.result, self.band) if key == "index" else data
            if key not in self.charts:
                self.charts[key] = classes[key](*args)
                box = widgets.VBox(
                    [self.charts[key].fig, self.slot(key)], layout=widgets.Layout(width="100%", min_width="0")
                )
                self.panels[view].children = (*self.panels[view].children, box)
            elif [id(x) for x in args] != self._drawn.get(key):  # only new results are sent
                self.charts[key].update(*args)
            self._drawn[key] = [id(x) for x in args]
        if "view" in changed:
            for name, p in self.panels.items():
                p.layout.display = None if name == view else "none"
        self.render(fragments(self))


# ---------------------------------------------------------------------- notebook tables


def parameter_table() -> widgets.HTML:
    """The model's parameter table (``params.PARAMETERS``) with sources, for the notebook Background."""
    from .params import parameter_rows

    refs = content.references()
    rows = []
    for r in parameter_rows():
        src = r["source"]
        cite = h("a", refs[src].citation.split(".")[0], href=f"#ref-{src}") if src in refs else h("em", "assumption")
        val = f"{r['value']:.5g}" if isinstance(r["value"], float) else str(r["value"])
        rng = "definition" if r["range"] is None else f"{r['range'][0]:g} to {r['range'][1]:g}"
        rows.append(
            h(
                "tr",
                h("td", h("code", r["name"])),
                h("td", val),
                h("td", r["unit"]),
                h("td", rng),
                h("td", cite),
                h("td", r["note"]),
            )
        )
    return _table(
        "rb-params",
        "Every number in the model (runback_widgets/loadsim/params.py)",
        ("Parameter", "Value", "Unit", "Plausible range (band)", "Source", "Why this value"),
        rows,
    )


def preset_table() -> widgets.HTML:
    """What each preset gives (takeover minute, peak lumbar load index), computed now from the model."""
    base = simulate_run(*PRESETS["well_conditioned"])
    short = {
        "hip_abductors": "abductors",
        "hip_extensors": "extensors",
        "deep_core": "deep core",
        "lumbar_extensors": "lower back",
    }
    rows = []
    for name, (runner, plan) in PRESETS.items():
        r = simulate_run(runner, plan)
        s = ", ".join(f"{short[g]} {v:.2f}" for g, v in runner.strength.items())
        le = 100 * (r.lumbar_extensor_force[-1] / base.lumbar_extensor_force[-1] - 1)
        rows.append(
            h(
                "tr",
                [
                    h("td", x)
                    for x in (
                        PRESET_LABELS[name],
                        f"{s}; {runner.training_weeks:g} weeks; {runner.body_mass_kg:g} kg",
                        f"{plan.duration_min:g} min at {plan.speed_m_s:g} m/s",
                        F.takeover_text(r.takeover_min),
                        f"{r.peak_lumbar_load_index:.2f}",
                        f"{le:+.0f} %",
                    )
                ],
            )
        )
    return _table(
        "rb-presets",
        "The presets, as the model computes them",
        (
            "Preset",
            "Runner (strength × typical; base; mass)",
            "Run",
            "Back takes over",
            "Peak lumbar load index",
            "Lumbar extensor force at the end vs well-conditioned",
        ),
        rows,
    )


def _table(cls: str, caption: str, heads, rows) -> widgets.HTML:
    head = h("thead", h("tr", [h("th", t, scope="col") for t in heads]))
    table = h("table", h("caption", caption), head, h("tbody", rows), class_=cls, style="font-size:0.9em")
    return widgets.HTML(to_html(h("div", table, style="overflow-x:auto;max-width:100%")))

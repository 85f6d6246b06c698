"""The run load simulator dashboard (widgets layer: composes model and figures).

On :class:`runback_widgets.ui.dashboard.Dashboard`: every input is a control in
``RunLoadSimulator.controls`` (a trait and a share-link key); :meth:`update` is
the one place that recomputes and redraws; :func:`fragments` says what the text
slots show. Views: your run (with the uncertainty band); A vs B; class cohort; prevention
what-if; endurance hold. A view's
figures are created the first time it is shown, with the current results.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np
import traitlets

from .. import content
from ..ui.components import Disclaimer, download_link, figure_csv, fixed_html
from ..ui.dashboard import DETAIL, Choice, Dashboard, Number, Preset, grouped
from ..ui.memo import Recent
from ..ui.render import cite, claim_box, claims_for, h, row, table, to_html
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
from .params import parameter_rows, value
from .scenarios import DEFAULT_PRESET, PRESET_LABELS, PRESETS

__all__ = ["RunLoadSimulator", "CLAIMS", "fragments", "parameter_table", "preset_table"]

NAME = "03-run-load-simulator"
#: Claims and clinical notes this dashboard shows (``shown_in`` in claims.toml).
CLAIMS = claims_for(NAME)
_T = content.load_toml("loadsim.toml")
_C, _TB = _T["controls"], _T["tables"]
VIEWS = dict(zip(("run", "compare", "cohort", "prevention", "hold"), _T["app"]["views"]))
#: Figures of each view (a view's controls are the controls in its ``group``).
VIEW_CHARTS = {
    "run": ("index", "shares", "fatigue"),
    "compare": ("compare",),
    "cohort": ("cohort",),
    "prevention": ("prevention",),
    "hold": ("hold",),
}
#: The figure object drawing each chart.
CHARTS = {
    "index": F.IndexChart,
    "shares": F.SharesChart,
    "fatigue": F.FatigueChart,
    "compare": F.CompareChart,
    "cohort": F.CohortChart,
    "prevention": F.PreventionChart,
    "hold": F.HoldChart,
}
_S = LIMITS["strength"][:2]
_B = "strong_after_strength_training"  # runner B at first
_PCT = {"continuous": False, "readout": ".0%"}  # a fraction, sent on release


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
        out["download"] = download_link(figure_csv(run_figs, x_name="minute"), "runback-run.csv", _TB["download"])
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
    for key in CHARTS:  # each figure's summary in words, under it
        if isinstance(out.get(key), str):
            out[key] = h("p", out[key], class_="rb-figure-summary", role="note")
    return out


class RunLoadSimulator(Dashboard):
    """Dashboard: fatigue and load sharing over a run, A vs B, cohort, prevention.

    Inputs (traits and link keys) are the ``controls``; the runner's and the run's are in group
    ``"run"`` (a change re-simulates the run), a view's own in the group named after it. Outputs:
    ``result`` (your run), ``band``, ``result_b``, ``cohort``, ``prevention``, ``hold`` (each
    view's results, once it was shown) and ``charts`` (its figure objects).
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
        *grouped(
            "run",  # the runner and the run: a change re-simulates the run
            Number("body_mass_kg", _C["body_mass"], 40, 130, step=1, default=70),
            Number("speed_m_s", _C["speed"], 2.0, 6.0, step=0.1, default=3.0),
            Number("duration_min", _C["duration"], 10, 180, step=5, default=60),
            Number("training_weeks", _C["training_weeks"], 0, 104, default=12, help=_C["training_weeks_help"]),
            *(Number(f"strength_{g}", _C[g], *_S, step=0.05, default=1.0, help=_C["strength_help"]) for g in GROUPS),
        ),
        Choice("view", "View", default="run", options=VIEWS, buttons=True),
        # each view's own controls (group: the view), above its figures
        *grouped("compare", Choice("runner_b", _C["runner_b"], default=_B, options=dict(PRESET_LABELS))),
        *grouped(
            "cohort",
            Number("cohort_n", _C["cohort_n"], 50, 2000, step=50, default=500, continuous=False),
            Number("cohort_spread", _C["cohort_spread"], 0.0, 0.4, step=0.05, default=0.15, **_PCT),
        ),
        *grouped(
            "prevention",
            Number("strength_weeks", _C["strength_weeks"], 0, 24, default=8),
            Number("base_weeks", _C["base_weeks"], 0, 26, default=8),
        ),
        *grouped("hold", Number("hold_load", _C["hold_load"], 0.1, 0.9, step=0.05, default=0.5, **_PCT)),
    )

    result = traitlets.Instance(RunResult, allow_none=True)
    result_b = traitlets.Instance(RunResult, allow_none=True)
    cohort = traitlets.Instance(CohortResult, allow_none=True)
    prevention = traitlets.Instance(RunResult, allow_none=True)
    band = traitlets.Instance(Band, allow_none=True)
    hold = traitlets.Instance(HoldResult, allow_none=True)

    def build(self):
        c, s, run = self.control, self.slot, self.group("run")
        self.widen([*run, "preset", *(k for v in VIEWS if v != "run" for k in self.group(v))], "26em", "22em")
        strengths = [f"strength_{g}" for g in GROUPS]
        views = {
            v: ([self.row(*map(c, self.group(v)))] if self.group(v) and v != "run" else [])
            + [w for k in VIEW_CHARTS[v] for w in (self.figure(k), s(k))]
            for v in VIEWS
        }
        return [
            Disclaimer(),
            s("intro"),
            c("detail"),
            self.row(c("preset")),
            self.row(*map(c, run[:2]), s("pace"), *(c(k) for k in run[2:] if k not in strengths)),
            fixed_html(h("p", _C["strength_help"], class_="rb-src")),
            self.row(*map(c, strengths)),
            self.errors,
            s("sentence"),
            c("view"),
            self.view_panels(views),
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
        run = set(self.group("run"))
        if changed & run or self.result is None:
            self.result, self.band = run_and_band(self.runner(), self.plan())
        view = self.view
        # Only the view on screen is computed; its figures are created with the current results.
        if view == "compare":
            self.result_b = simulate_run(PRESETS[self.runner_b][0], self.plan())  # same run, other runner
        elif view == "cohort" and (self.cohort is None or changed & {*run, *self.group("cohort"), "view"}):
            kw = sample_cohort(self.runner(), n=self.cohort_n, spread=self.cohort_spread, seed=0)
            self.cohort = simulate_cohort(plan=self.plan(), **kw)
        elif view == "prevention":
            after = with_training(
                self.runner(), strength_training_weeks=self.strength_weeks, base_weeks=self.base_weeks
            )
            self.prevention = simulate_run(after, self.plan())
        elif view == "hold" and (self.hold is None or changed & {"hold_load", "view"}):
            self.hold = endurance_hold(self.hold_load, "trunk")
        if "view" in changed:
            self.show_view(view)
        args = {
            "index": (self.result, self.band),
            "shares": (self.result,),
            "fatigue": (self.result,),
            "compare": (self.result, self.result_b, self.label_a, PRESET_LABELS[self.runner_b]),
            "cohort": (self.cohort,),
            "prevention": (self.result, self.prevention),
            "hold": (self.hold,),
        }
        for key in VIEW_CHARTS[view]:
            self.chart(key, CHARTS[key], *args[key])
        self.render(fragments(self))


#: The last runs computed in this process (result and band are read-only results).
_RUNS = Recent(16)


def run_and_band(runner: Runner, plan: RunPlan) -> tuple:
    """``simulate_run`` and its ``uncertainty_band`` (200 parameter draws, the shaded band)
    for this runner and run, remembered for the last few settings: a slider moved back,
    and every page's opening runner (a classroom server's kernels inherit it from the
    parent that rehearsed the page, ``voila/zygote.py``), cost nothing the second time."""
    key = (
        float(runner.body_mass_kg),
        tuple(sorted((str(g), float(v)) for g, v in runner.strength.items())),
        float(runner.training_weeks),
        float(plan.duration_min),
        float(plan.speed_m_s),
        None if plan.cadence_spm is None else float(plan.cadence_spm),
    )
    return _RUNS.get(key, lambda: (simulate_run(runner, plan), uncertainty_band(runner, plan)))


# ---------------------------------------------------------------------- notebook tables


def parameter_table() -> widgets.HTML:
    """The model's parameter table (``params.PARAMETERS``) with sources, for the notebook Background."""
    rows = [
        row(
            h("code", r["name"]),
            f"{r['value']:.5g}" if isinstance(r["value"], float) else str(r["value"]),
            r["unit"],
            "definition" if r["range"] is None else f"{r['range'][0]:g} to {r['range'][1]:g}",
            cite(r["source"]),
            r["note"],
        )
        for r in parameter_rows()
    ]
    return fixed_html(table(_TB["params_caption"], _TB["params_columns"], rows, "rb-params", _TB["params_region"]))


def preset_table() -> widgets.HTML:
    """What each preset gives (takeover minute, peak lumbar load index), computed now from the model."""
    return widgets.HTML(_preset_table_html())


@functools.lru_cache(maxsize=1)
def _preset_table_html() -> str:
    """The preset table's HTML: one run of every preset, made once per process (a classroom
    server's kernels inherit it from the parent they fork from, which ran this page once)."""
    base = simulate_run(*PRESETS["well_conditioned"])
    rows = []
    for name, (runner, plan) in PRESETS.items():
        r = simulate_run(runner, plan)
        strength = ", ".join(f"{_TB['short'][g]} {v:.2f}" for g, v in runner.strength.items())
        rows.append(
            row(
                PRESET_LABELS[name],
                _TB["runner"].format(strength=strength, weeks=runner.training_weeks, mass=runner.body_mass_kg),
                _TB["run"].format(duration=plan.duration_min, speed=plan.speed_m_s),
                F.takeover_text(r.takeover_min),
                f"{r.peak_lumbar_load_index:.2f}",
                f"{100 * (r.lumbar_extensor_force[-1] / base.lumbar_extensor_force[-1] - 1):+.0f} %",
            )
        )
    return to_html(table(_TB["presets_caption"], _TB["presets_columns"], rows, "rb-presets", _TB["presets_region"]))

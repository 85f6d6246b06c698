"""The What helps dashboard (widgets layer: composes model, export and figures).

``WhatHelps()`` is a VBox: disclaimer, a view picker and four views:
evidence at a glance, the exercise library, the return-to-run planner and
the build-a-base planner. A view's figures are created on its first visit.
Public traits (``view``, ``goal``, ``equipment``, ``hurts``, ``exercise``,
``urgency``, ``plan``, ``base_plan``) carry the state; ``scenario_state`` /
``apply_scenario`` make it shareable (``ui.share.shareable``), so the symptom
explorer can link here with ``?urgency=see_doctor&view=return``.
Every callback runs through ``guarded(self._errors)``.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping
from urllib.parse import urlencode

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.components import (
    DetailToggle,
    Disclaimer,
    ErrorPanel,
    claims_section,
    guarded,
    page_style,
    slider_labels,
    source_line,
)
from ..ui.glossary import with_glossary
from . import export
from . import figures as F
from .model import (
    EQUIPMENT,
    GOALS,
    HURTS,
    LIMITS,
    PARAMETERS,
    TOPICS,
    URGENCY_LEVELS,
    Plan,
    evidence,
    exercises,
    plan_base,
    plan_return_to_run,
)

__all__ = ["WhatHelps", "CLAIMS", "parameter_table", "simulator_link"]

#: Claim blocks shown on this dashboard: each article claim with the notes that refine it (one block each).
CLAIM_BLOCKS = [
    ["A11", "N07", "N03", "N30", "N31", "N32", "N36"],
    ["A14", "N33", "N34", "N35", "N37"],
    ["A04", "N38", "N39"],
]
CLAIMS = [cid for block in CLAIM_BLOCKS for cid in block]

_VIEWS = ("evidence", "exercises", "return", "base")
_STYLE = {"description_width": "initial"}


def _wide() -> widgets.Layout:
    return widgets.Layout(width="auto", max_width="100%", flex="1 1 22em", min_width="min(100%, 18em)")


def _text():
    return content.load_toml("care.toml")


_RESIZE_ESM = """
export default {
  render({ model, el }) {
    el.style.display = "none";
    el.classList.add("rb-resize-plots");  // a rendered (empty by design) view
    let timers = [];
    const fit = () => {
      document.querySelectorAll(".js-plotly-plot").forEach((e) => {
        if (!e.offsetParent || !e._fullLayout || Math.abs(e._fullLayout.width - e.clientWidth) <= 2) return;
        if (window.Plotly && window.Plotly.Plots) window.Plotly.Plots.resize(e);
        else window.dispatchEvent(new Event("resize"));
      });
    };
    const fire = () => {
      timers.forEach(clearTimeout);
      timers = [60, 400, 1500, 4000].map(t => setTimeout(fit, t));
    };
    // A plotly FigureWidget created while its box was not yet laid out draws at plotly's default
    // 700 px and keeps it (a window resize event does not fix it). Re-fit every visible figure
    // whose drawn width differs from its box when the view changes (tick) and when a new
    // figure appears on the page.
    let count = document.querySelectorAll(".js-plotly-plot").length;
    const obs = new MutationObserver(() => {
      const n = document.querySelectorAll(".js-plotly-plot").length;
      if (n !== count) { count = n; fire(); }
    });
    obs.observe(document.body, { childList: true, subtree: true });
    model.on("change:tick", fire);
    return () => { obs.disconnect(); timers.forEach(clearTimeout); };
  },
};
"""
_Resizer = None


def plot_resizer():
    """An invisible widget that makes newly shown plotly figures fit their container (see ESM)."""
    import anywidget

    global _Resizer
    if _Resizer is None:

        class PlotResizer(anywidget.AnyWidget):
            _esm = _RESIZE_ESM
            tick = traitlets.Int(0).tag(sync=True)

        _Resizer = PlotResizer
    return _Resizer()


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def simulator_link(weeks: int = 8, preset: str = "weak_glutes") -> str:
    """Relative link opening the run load simulator's prevention view with ``weeks`` of strength training."""
    q = urlencode({"preset": preset, "view": "prevention", "strength_weeks": str(int(weeks)), "base_weeks": "0"})
    return f"{_text()['links']['simulator']}?{q}"


def _esc(x) -> str:
    """A shared-link value cut to 40 characters for a note; notes are plain text
    (ui.share escapes them once, when it shows them)."""
    s = str(x)
    return s[:40] + ("…" if len(s) > 40 else "")


class WhatHelps(widgets.VBox):
    """Dashboard: evidence-rated care, exercise library, return-to-run and base planners."""

    view = traitlets.Unicode("evidence")
    topic = traitlets.Unicode("all")
    goal = traitlets.Unicode("any")
    equipment = traitlets.Unicode("any")
    hurts = traitlets.Unicode("none")
    exercise = traitlets.Unicode("")
    urgency = traitlets.Unicode("self_care")
    plan = traitlets.Instance(Plan, allow_none=True)
    base_plan = traitlets.Instance(Plan, allow_none=True)

    def __init__(self, **kwargs):
        txt = _text()
        self._txt = txt
        f, p = txt["filters"], txt["planner"]
        self._errors = ErrorPanel()
        self._busy = False
        self._charts: dict = {}
        self._detail = DetailToggle()
        self._lead = widgets.HTML(f"<p class='rb-care-lead'>{html.escape(txt['app']['lead'])}</p>")
        self._view = widgets.ToggleButtons(
            options=list(zip(txt["app"]["views"], _VIEWS)),
            value="evidence",
            description="Show",
            style={**_STYLE, "button_width": "auto"},
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self._view.add_class("rb-care-views")
        # --- evidence
        self._options = evidence()
        ev = txt["evidence"]
        self._topic = widgets.Dropdown(
            options=[tuple(o) for o in ev["topic_options"]],
            value="all",
            description=ev["topic"],
            layout=_wide(),
            style=_STYLE,
        )
        self._evidence_summary = widgets.HTML()
        self._evidence_summary.add_class("rb-care-evidence-summary")
        self._evidence_table = widgets.HTML()
        # --- exercises
        self._goal = widgets.Dropdown(
            options=[tuple(o) for o in f["goal_options"]],
            value="any",
            description=f["goal"],
            layout=_wide(),
            style=_STYLE,
        )
        self._equipment = widgets.Dropdown(
            options=[tuple(o) for o in f["equipment_options"]],
            value="any",
            description=f["equipment"],
            layout=_wide(),
            style=_STYLE,
        )
        self._hurts = widgets.Dropdown(
            options=[tuple(o) for o in f["hurts_options"]],
            value="none",
            description=f["hurts"],
            layout=_wide(),
            style=_STYLE,
            tooltip=f["hurts_help"],
        )
        self._pick = widgets.Dropdown(options=[], description=f["pick"], layout=_wide(), style=_STYLE)
        self._count = widgets.HTML()
        self._count.add_class("rb-care-count")
        self._exercise_card = widgets.HTML()
        self._exercise_card.add_class("rb-care-exercise")
        self._position_box = widgets.VBox([], layout=widgets.Layout(width="100%"))
        self._sim_link = widgets.HTML(
            f"<p><a class='rb-care-simlink' href='{html.escape(simulator_link())}' target='_blank' rel='noopener'>"
            f"{html.escape(f['simulator_link'])}</a></p><p class='rb-care-help'>{html.escape(f['simulator_help'])}</p>"
        )
        # --- return to run
        self._days = widgets.BoundedIntText(
            value=10,
            min=LIMITS["days_since_onset"][0],
            max=LIMITS["days_since_onset"][1],
            description=p["days"],
            layout=_wide(),
            style=_STYLE,
        )
        self._pain = widgets.IntSlider(
            value=2, min=0, max=10, description=p["pain"], layout=_wide(), style=_STYLE, continuous_update=False
        )
        self._before = widgets.BoundedIntText(
            value=120,
            min=LIMITS["weekly_minutes_before"][0],
            max=LIMITS["weekly_minutes_before"][1],
            step=5,
            description=p["before"],
            layout=_wide(),
            style=_STYLE,
        )
        self._urgency = widgets.Dropdown(
            options=[tuple(o) for o in p["urgency_options"]],
            value="self_care",
            description=p["urgency"],
            layout=_wide(),
            style=_STYLE,
        )
        self._warning = widgets.Checkbox(
            value=False,
            description=p["warning_short"],
            indent=False,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        self._warning_help = widgets.HTML(f"<p class='rb-care-warning-help'>{html.escape(p['warning'])}</p>")
        self._sessions = widgets.IntSlider(
            value=3, min=2, max=5, description=p["sessions"], layout=_wide(), style=_STYLE, continuous_update=False
        )
        self._start = widgets.DatePicker(value=next_monday(), description=p["start"], layout=_wide(), style=_STYLE)
        self._return_out = widgets.HTML()
        self._return_out.add_class("rb-care-return")
        self._return_downloads = widgets.HTML()
        self._return_downloads.add_class("rb-care-downloads-return")
        self._return_table = widgets.HTML()
        # --- base
        self._current = widgets.BoundedIntText(
            value=0,
            min=LIMITS["current_minutes"][0],
            max=LIMITS["current_minutes"][1],
            step=5,
            description=p["current"],
            layout=_wide(),
            style=_STYLE,
        )
        self._target = widgets.BoundedIntText(
            value=150,
            min=LIMITS["target_minutes"][0],
            max=LIMITS["target_minutes"][1],
            step=5,
            description=p["target"],
            layout=_wide(),
            style=_STYLE,
        )
        self._increase = widgets.Dropdown(
            options=[("5 %", 0.05), ("10 %", 0.10), ("15 %", 0.15), ("20 %", 0.20)],
            value=PARAMETERS["max_weekly_increase"]["value"],
            description=p["increase"],
            layout=_wide(),
            style=_STYLE,
        )
        self._every = widgets.Dropdown(
            options=[(f"{n} weeks", n) for n in (3, 4, 5, 6)],
            value=PARAMETERS["recovery_every"]["value"],
            description=p["recovery_every"],
            layout=_wide(),
            style=_STYLE,
        )
        self._base_sessions = widgets.IntSlider(
            value=3, min=2, max=5, description=p["sessions"], layout=_wide(), style=_STYLE, continuous_update=False
        )
        self._base_start = widgets.DatePicker(value=next_monday(), description=p["start"], layout=_wide(), style=_STYLE)
        self._base_out = widgets.HTML()
        self._base_out.add_class("rb-care-base")
        self._base_downloads = widgets.HTML()
        self._base_downloads.add_class("rb-care-downloads-base")
        self._base_table = widgets.HTML()
        self._rules = widgets.HTML()
        self._claims = widgets.VBox([claims_section(b) for b in CLAIM_BLOCKS], layout=widgets.Layout(width="100%"))
        wrap = widgets.Layout(display="flex", flex_flow="row wrap", width="100%", align_items="center")
        self._panels = {
            "evidence": widgets.VBox(
                [widgets.Box([self._topic], layout=wrap), self._evidence_summary, self._evidence_table],
                layout=widgets.Layout(width="100%"),
            ),
            "exercises": widgets.VBox(
                [
                    widgets.Box([self._goal, self._equipment, self._hurts], layout=wrap),
                    widgets.HTML(f"<p class='rb-care-help'>{html.escape(f['hurts_help'])}</p>"),
                    self._count,
                    widgets.Box([self._pick], layout=wrap),
                    self._position_box,
                    self._exercise_card,
                    self._sim_link,
                ],
                layout=widgets.Layout(width="100%", display="none"),
            ),
            "return": widgets.VBox(
                [
                    widgets.HTML(f"<h3>{html.escape(p['heading_return'])}</h3>"),
                    widgets.Box(
                        [self._urgency, self._days, self._pain, self._before, self._sessions, self._start], layout=wrap
                    ),
                    self._warning,
                    self._warning_help,
                    self._return_out,
                    self._return_downloads,
                    self._return_table,
                ],
                layout=widgets.Layout(width="100%", display="none"),
            ),
            "base": widgets.VBox(
                [
                    widgets.HTML(f"<h3>{html.escape(p['heading_base'])}</h3>"),
                    widgets.Box(
                        [
                            self._current,
                            self._target,
                            self._increase,
                            self._every,
                            self._base_sessions,
                            self._base_start,
                        ],
                        layout=wrap,
                    ),
                    self._base_out,
                    self._base_downloads,
                    self._base_table,
                ],
                layout=widgets.Layout(width="100%", display="none"),
            ),
        }
        self._resizer = plot_resizer()
        super().__init__(
            [
                page_style(),
                slider_labels(),
                self._resizer,
                Disclaimer(),
                self._view,
                self._errors,
                widgets.VBox(list(self._panels.values()), layout=widgets.Layout(width="100%")),
                self._detail,
                self._rules,
                self._claims,
            ],
            layout=widgets.Layout(width="100%", max_width="72em"),
            **kwargs,
        )
        self.add_class("rb-care")
        self._wire()
        self._refilter()
        self._replan()
        self._replan_base()
        self._render_evidence_text()
        self._render_rules()
        self._show_view("evidence")
        with_glossary(self)

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        g = guarded(self._errors)
        self._view.observe(g(lambda ch: self._show_view(ch["new"])), names="value")
        self._topic.observe(g(lambda ch: self._refilter_evidence()), names="value")
        for w in (self._goal, self._equipment, self._hurts):
            w.observe(g(lambda ch: self._refilter()), names="value")
        self._pick.observe(g(lambda ch: self._show_exercise()), names="value")
        for w in (self._days, self._pain, self._before, self._urgency, self._warning, self._sessions, self._start):
            w.observe(g(lambda ch: self._replan()), names="value")
        for w in (self._current, self._target, self._increase, self._every, self._base_sessions, self._base_start):
            w.observe(g(lambda ch: self._replan_base()), names="value")
        self._detail.observe(g(lambda ch: (self._render_evidence_text(), self._render_rules())), names="value")

    # ------------------------------------------------------------------ views
    def _show_view(self, view: str) -> None:
        if view not in _VIEWS:
            raise ValueError(f"view must be one of {', '.join(_VIEWS)}; got {_esc(view)!r}")
        self.view = view
        if self._view.value != view:
            self._view.value = view
        # Show the panel before a figure is created in it: a plotly figure drawn inside a hidden
        # box takes plotly's default 700 px width instead of its container's (too wide on a phone).
        for k, p in self._panels.items():
            p.layout.display = None if k == view else "none"
        panel = self._panels[view]
        if view == "evidence" and "evidence" not in self._charts:
            c = self._txt["evidence"]
            self._charts["evidence"] = F.EvidenceChart(evidence(self.topic), c["chart_title"], c["axis"])
            kids = list(panel.children)
            kids.insert(1, self._charts["evidence"].fig)
            panel.children = tuple(kids)
        if view == "exercises" and "position" not in self._charts:
            ex = self._current_exercise()
            if ex is not None:
                self._charts["position"] = F.PositionChart(ex)
                self._position_box.children = (self._charts["position"].fig,)
        if view == "return" and "return" not in self._charts:
            self._charts["return"] = F.PlanChart(self.plan, "Back to running")
            kids = list(panel.children)
            kids.insert(kids.index(self._return_downloads), self._charts["return"].fig)
            panel.children = tuple(kids)
        if view == "base" and "base" not in self._charts:
            self._charts["base"] = F.PlanChart(self.base_plan, "Building a base")
            kids = list(panel.children)
            kids.insert(kids.index(self._base_downloads), self._charts["base"].fig)
            panel.children = tuple(kids)
        self._resizer.tick += 1

    # ------------------------------------------------------------------ evidence
    def _refilter_evidence(self) -> None:
        self.topic = self._topic.value
        if "evidence" in self._charts:
            self._charts["evidence"].update(evidence(self.topic))
        self._render_evidence_text()

    def _render_evidence_text(self) -> None:
        c = self._txt["evidence"]
        items = "".join(
            f"<li><strong>{html.escape(label)}:</strong> {html.escape(', '.join(names))}.</li>"
            for label, names in F.evidence_summary(evidence(self.topic))
        )
        self._evidence_summary.value = (
            f"<h2>{html.escape(c['heading'])}</h2><p>{html.escape(c['summary_intro'])}</p>"
            f"<ul class='rb-care-summary'>{items}</ul>"
        )
        rows = []
        for o in self._options:
            colour, _ = F.RATING_STYLE[o.rating]
            ids = " · ".join(o.claims)
            rows.append(
                f"<tr><th scope='row'>{html.escape(o.name)}</th><td>{html.escape(o.label)}</td>"
                f"<td>{html.escape(o.note)}</td><td>{ids}</td><td class='rb-care-help'>{source_line(o.sources)}</td></tr>"
            )
        self._evidence_table.value = (
            "<div style='overflow-x:auto;max-width:100%' tabindex='0' role='region' aria-label='Evidence table'>"
            "<table class='rb-care-evidence'><caption>Each option, its rating, and the claim and note behind it</caption>"
            "<thead><tr><th scope='col'>Option</th><th scope='col'>Evidence</th><th scope='col'>In short</th>"
            "<th scope='col'>Claim · note</th><th scope='col'>Source</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    # ------------------------------------------------------------------ exercises
    def _refilter(self) -> None:
        self.goal, self.equipment, self.hurts = self._goal.value, self._equipment.value, self._hurts.value
        found = exercises(self.goal, self.equipment, self.hurts)
        f = self._txt["filters"]
        total = len(exercises())
        self._count.value = (
            f"<p role='status'>{html.escape(f['count'].format(n=len(found), total=total))}</p>"
            if found
            else f"<p role='status'><strong>{html.escape(f['none_match'])}</strong></p>"
        )
        keep = self._pick.value
        self._busy = True
        try:
            self._pick.options = [(e.name, e.id) for e in found]
            ids = [e.id for e in found]
            self._pick.value = keep if keep in ids else (ids[0] if ids else None)
        finally:
            self._busy = False
        self._show_exercise()

    def _current_exercise(self):
        by_id = {e.id: e for e in exercises(self.goal, self.equipment, self.hurts)}
        return by_id.get(self._pick.value)

    def _show_exercise(self) -> None:
        if self._busy:
            return
        ex = self._current_exercise()
        self.exercise = ex.id if ex else ""
        if ex is None:
            self._exercise_card.value = ""
            self._position_box.layout.display = "none"
            return
        self._position_box.layout.display = None
        if "position" in self._charts:
            self._charts["position"].update(ex)
        elif self.view == "exercises":
            self._charts["position"] = F.PositionChart(ex)
            self._position_box.children = (self._charts["position"].fig,)
        f = self._txt["filters"]
        names = self._txt["group_names"]
        groups = ", ".join(html.escape(names[g]) for g in ex.groups)
        self._exercise_card.value = (
            f"<div class='rb-box rb-care-card' data-exercise='{html.escape(ex.id)}'>"
            f"<h3>{html.escape(ex.name)}</h3>"
            f"<p><strong>{html.escape(f['how'])}:</strong> {html.escape(ex.description)}</p>"
            f"<p><strong>{html.escape(f['groups_label'])}:</strong> {groups}</p>"
            f"<p><strong>{html.escape(f['dose'])}:</strong> {html.escape(ex.dose)} "
            f"<span class='rb-care-help'>Source: {source_line(ex.dose_sources)}.</span></p>"
            f"<p><strong>{html.escape(f['progression'])}:</strong> {html.escape(ex.progression)}</p>"
            f"<p><strong>{html.escape(f['regression'])}:</strong> {html.escape(ex.regression)}</p>"
            f"<p><strong>{html.escape(f['avoid'])}:</strong> {html.escape(ex.avoid)}</p></div>"
        )

    # ------------------------------------------------------------------ planners
    def _replan(self) -> None:
        self.urgency = self._urgency.value
        plan = plan_return_to_run(
            self._days.value,
            self._pain.value,
            self._before.value,
            urgency=self._urgency.value,
            warning_signs=bool(self._warning.value),
            sessions_per_week=self._sessions.value,
            start_date=self._start.value or next_monday(),
        )
        self.plan = plan
        self._render_plan(plan, self._return_out, self._return_downloads, self._return_table, "return-to-running")
        if "return" in self._charts:
            self._charts["return"].update(plan)

    def _replan_base(self) -> None:
        plan = plan_base(
            self._current.value,
            self._target.value,
            sessions_per_week=self._base_sessions.value,
            start_date=self._base_start.value or next_monday(),
            max_weekly_increase=self._increase.value,
            recovery_every=self._every.value,
        )
        self.base_plan = plan
        self._render_plan(plan, self._base_out, self._base_downloads, self._base_table, "build-a-base")
        if "base" in self._charts:
            self._charts["base"].update(plan)

    def _render_plan(
        self, plan: Plan, out: widgets.HTML, downloads: widgets.HTML, table: widgets.HTML, stem: str
    ) -> None:
        p = self._txt["planner"]
        if plan.refused:
            out.value = (
                f"<div class='rb-box rb-error rb-care-refused' role='alert'><strong>{html.escape(p['refuse_heading'])}."
                f"</strong> {html.escape(plan.who_first)}</div>"
            )
            downloads.value = ""
            table.value = ""
            return
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in plan.notes)
        cross = "".join(f"<li>{html.escape(c)}</li>" for c in p["cross_training"])
        out.value = (
            f"<ul class='rb-care-notes'>{notes}</ul>"
            f"<p class='rb-box rb-claim'><strong>{html.escape(p['rules']['pain'])}</strong></p>"
        )
        csv_uri = export.data_uri(export.plan_csv(plan), "text/csv")
        ics_uri = export.data_uri(export.plan_ics(plan), "text/calendar")
        downloads.value = (
            f"<p class='rb-care-downloads'><a class='rb-download rb-download-csv' download='{stem}.csv' href='{csv_uri}'>"
            f"{html.escape(p['download_csv'])}</a><br><a class='rb-download rb-download-ics' download='{stem}.ics' "
            f"href='{ics_uri}'>{html.escape(p['download_ics'])}</a></p>"
            f"<details><summary>{html.escape(p['cross_training_heading'])}</summary><ul>{cross}</ul></details>"
        )
        rows = []
        for w in plan.weeks:
            tag = " (recovery)" if w.recovery else (" (walking)" if w.kind == "walk" else "")
            rows.append(
                f"<tr><td>{w.index}{tag}</td><td>{w.start.isoformat()}</td><td>{w.sessions} ×</td>"
                f"<td>{html.escape(w.session_text())}</td><td>{w.run_minutes:.0f}</td></tr>"
            )
        table.value = (
            "<div style='overflow-x:auto;max-width:100%' tabindex='0' role='region' aria-label='Plan table'>"
            f"<table class='rb-care-plan'><caption>{html.escape(p['table_caption'])}</caption>"
            "<thead><tr><th scope='col'>Week</th><th scope='col'>Starts</th><th scope='col'>Runs</th>"
            "<th scope='col'>Each run</th><th scope='col'>Running (min/week)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _render_rules(self) -> None:
        r = self._txt["planner"]["rules"]
        pct = round(100 * PARAMETERS["max_weekly_increase"]["value"])
        every = PARAMETERS["recovery_every"]["value"]
        rec_pct = round(100 * PARAMETERS["recovery_fraction"]["value"])
        step = PARAMETERS["min_step_minutes"]["value"]
        detail = self._detail.value
        items = [
            (r["pain"], r["pain_source"], ["silbernagel_2007"]),
            (
                r["progression"].format(pct=pct, step=f"{step:g}"),
                r["progression_source"],
                ["buist_2008", "nielsen_2014"],
            ),
            (r["recovery"].format(every=every, pct=rec_pct), r["recovery_source"], []),
            (r["walk_run"], "", []),
        ]
        body = "".join(
            f"<li>{html.escape(rule)}"
            + (f" <span class='rb-care-help'>{html.escape(src)}" if src else "")
            + (f" Source: {source_line(ids)}." if ids else "")
            + ("</span>" if src else "")
            + "</li>"
            for rule, src, ids in items
        )
        lead = f"<p>{html.escape(self._txt['app']['detail_lead'])}</p>" if detail else ""
        self._rules.value = f"<h3>How the planners decide</h3>{lead}<ul class='rb-care-rules'>{body}</ul>"

    # ------------------------------------------------------------------ share links
    _NUMERIC = {
        "days": ("_days", int),
        "pain": ("_pain", int),
        "before": ("_before", int),
        "sessions": ("_sessions", int),
        "current": ("_current", int),
        "target": ("_target", int),
    }
    _CHOICES = {
        "topic": ("_topic", TOPICS),
        "goal": ("_goal", GOALS),
        "equipment": ("_equipment", EQUIPMENT),
        "hurts": ("_hurts", HURTS),
        "urgency": ("_urgency", URGENCY_LEVELS),
    }

    def scenario_state(self) -> dict[str, str]:
        state = {
            "view": self.view,
            "topic": self.topic,
            "goal": self.goal,
            "equipment": self.equipment,
            "hurts": self.hurts,
            "urgency": self._urgency.value,
        }
        if self.exercise:
            state["exercise"] = self.exercise
        for key, (attr, _) in self._NUMERIC.items():
            state[key] = str(int(getattr(self, attr).value))
        return state

    def apply_scenario(self, params: Mapping[str, str]) -> list[str]:
        """Apply a shared scenario; return plain-words notes for what was ignored. Never raises."""
        notes: list[str] = []
        try:
            items = dict(params or {})
        except Exception:  # noqa: BLE001 - hostile input: note, do not raise
            return ["The link could not be read; the defaults are shown."]
        view = items.pop("view", None)
        exercise = items.pop("exercise", None)
        for key, raw in items.items():
            try:
                if key in self._CHOICES:
                    attr, valid = self._CHOICES[key]
                    if raw in valid:
                        getattr(self, attr).value = raw
                    else:
                        notes.append(f"Unknown {_esc(key)} '{_esc(raw)}' was ignored.")
                elif key in self._NUMERIC:
                    attr, _ = self._NUMERIC[key]
                    w = getattr(self, attr)
                    try:
                        v = float(str(raw).strip()[:40])
                    except ValueError:
                        notes.append(f"{_esc(key)}: '{_esc(raw)}' is not a number; kept {w.value}.")
                        continue
                    if not math.isfinite(v) or v < w.min or v > w.max:
                        notes.append(
                            f"{_esc(key)} must be between {w.min} and {w.max}; got '{_esc(raw)}', kept {w.value}."
                        )
                        continue
                    w.value = int(round(v))
                else:
                    notes.append(f"Unknown setting '{_esc(key)}' was ignored.")
            except Exception:  # noqa: BLE001 - keep going with the rest of the link
                notes.append(f"The setting '{_esc(key)}' could not be applied.")
        if exercise is not None:
            ids = [v for _, v in self._pick.options]
            if exercise in ids:
                self._pick.value = exercise
            else:
                notes.append(f"Exercise '{_esc(exercise)}' is not in the current list; it was ignored.")
        if view is not None:
            if view in _VIEWS:
                self._show_view(view)
            else:
                notes.append(f"Unknown view '{_esc(view)}'; showing '{self.view}'.")
        return notes


def parameter_table() -> widgets.HTML:
    """The planners' parameter table (``model.PARAMETERS``) with sources, for the notebook."""
    from .model import parameter_rows

    refs = content.references()
    rows = []
    for r in parameter_rows():
        src = r["source"]
        src_html = (
            f'<a href="#ref-{html.escape(src)}">{html.escape(refs[src].citation.split(".")[0])}</a>'
            if src in refs
            else "<em>assumption</em>"
        )
        rows.append(
            f"<tr><td><code>{html.escape(r['name'])}</code></td><td>{r['value']:g}</td>"
            f"<td>{html.escape(r['unit'])}</td><td>{src_html}</td><td>{html.escape(r['note'])}</td></tr>"
        )
    return widgets.HTML(
        '<div style="overflow-x:auto;max-width:100%" tabindex="0" role="region" aria-label="Planner parameters">'
        '<table class="rb-params" style="font-size:0.9em"><caption>Every number the planners use '
        "(runback_widgets/care/model.py)</caption><thead><tr><th scope='col'>Parameter</th><th scope='col'>Value</th>"
        "<th scope='col'>Unit</th><th scope='col'>Source</th><th scope='col'>Why this value</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )

"""The What helps dashboard (``04-what-helps``; widgets layer: composes model, export and figures).

On :class:`runback_widgets.ui.dashboard.Dashboard`: every input is a control in
``WhatHelps.controls`` (a trait and a share-link key: ``app.urgency = "see_doctor"``
from a cell redraws the planner); :meth:`WhatHelps.update` is the one place that
recomputes and redraws; :func:`fragments` says what the text slots show. Four
views: evidence at a glance, the exercise library, the return-to-run planner and
the build-a-base planner; a view's figure is created on its first visit. The
symptom explorer links here with ``?urgency=see_doctor&view=return``.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.components import Disclaimer, download_link, fixed_html, plot_resizer
from ..ui.dashboard import DETAIL, Choice, Dashboard, Date, Number, Toggle
from ..ui.render import cite, claim_box, claims_for, h, row, source_links, table
from ..ui.share import link_to
from . import export
from . import figures as F
from .model import LIMITS, Plan, evidence, exercises, parameter_rows, plan_base, plan_return_to_run, value

__all__ = ["WhatHelps", "CLAIMS", "fragments", "parameter_table", "simulator_link", "next_monday"]

NAME = "04-what-helps"
_T = content.load_toml("care.toml")
_A, _E, _F, _P = _T["app"], _T["evidence"], _T["filters"], _T["planner"]
#: Claim blocks: each article claim with the notes that refine it (``[claims]`` in care.toml).
CLAIM_BLOCKS = {k: claims_for(NAME, k, _T["claims"]) for k in _T["claims"]}
CLAIMS = claims_for(NAME)
#: The figure each view shows (created on the view's first visit).
VIEW_CHART = {"evidence": "evidence", "exercises": "position", "return": "return", "base": "base"}
EXERCISES = {e.id: e.name for e in exercises()}
INCREASE, EVERY = f"{value('max_weekly_increase'):g}", str(value("recovery_every"))


def _options(pairs) -> dict[str, str]:
    """``[[label, value], ...]`` (content files) -> ``{value: label}`` (control specs)."""
    return {v: label for label, v in pairs}


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def simulator_link(weeks: int = 8, preset: str = "weak_glutes") -> str:
    """Relative link opening the run load simulator's prevention view with ``weeks`` of strength training."""
    return link_to(_T["links"]["simulator"], preset=preset, view="prevention", strength_weeks=int(weeks), base_weeks=0)


def _rules(detail: bool):
    r = _P["rules"]
    pct = round(100 * value("max_weekly_increase"))
    items = [
        (r["pain"], r["pain_source"], ["silbernagel_2007"]),
        (
            r["progression"].format(pct=pct, step=f"{value('min_step_minutes'):g}"),
            r["progression_source"],
            ["buist_2008", "nielsen_2014"],
        ),
        (
            r["recovery"].format(every=value("recovery_every"), pct=round(100 * value("recovery_fraction"))),
            r["recovery_source"],
            [],
        ),
        (r["walk_run"], "", []),
    ]
    src = [
        h(
            "li",
            rule,
            [" ", h("span", why, [" Source: ", source_links(ids), "."] if ids else None, class_="rb-care-help")]
            if why
            else None,
        )
        for rule, why, ids in items
    ]
    return [
        h("h3", _P["rules_heading"]),
        h("p", _A["detail_lead"]) if detail else None,
        h("ul", src, class_="rb-care-rules"),
    ]


def _plan(plan: Plan, kind: str, stem: str) -> dict:
    """One planner's slots: its notes, downloads and week table (refused: why, and who to see first)."""
    if plan.refused:
        refusal = h("strong", f"{_P['refuse_heading']}."), " ", plan.who_first
        return {
            f"{kind}_out": h("div", refusal, class_="rb-box rb-error rb-care-refused", role="alert"),
            f"{kind}_downloads": None,
            f"{kind}_table": None,
        }
    tag = {"walk": _P["walking_tag"]}
    weeks = [
        row(
            f"{w.index}{_P['recovery_tag'] if w.recovery else tag.get(w.kind, '')}",
            w.start.isoformat(),
            f"{w.sessions} ×",
            w.session_text(),
            f"{w.run_minutes:.0f}",
        )
        for w in plan.weeks
    ]
    csv_link = download_link(export.plan_csv(plan), f"{stem}.csv", _P["download_csv"], class_="rb-download-csv")
    ics = export.plan_ics(plan).decode("utf-8")
    ics_link = download_link(ics, f"{stem}.ics", _P["download_ics"], "text/calendar", class_="rb-download-ics")
    return {
        f"{kind}_out": [
            h("ul", [h("li", n) for n in plan.notes], class_="rb-care-notes"),
            h("p", h("strong", _P["rules"]["pain"]), class_="rb-box rb-claim"),
        ],
        f"{kind}_downloads": [
            h("p", csv_link, h("br"), ics_link, class_=f"rb-care-downloads rb-care-downloads-{kind}"),
            h(
                "details",
                h("summary", _P["cross_training_heading"]),
                h("ul", [h("li", c) for c in _P["cross_training"]]),
            ),
        ],
        f"{kind}_table": table(_P["table_caption"], _P["table_columns"], weeks, "rb-care-plan", _P["table_region"]),
    }


def _exercise_card(ex):
    if ex is None:
        return None
    dose = [ex.dose, " ", h("span", "Source: ", source_links(ex.dose_sources), ".", class_="rb-care-help")]
    fields = [
        ("how", ex.description),
        ("groups_label", ", ".join(_T["group_names"][g] for g in ex.groups)),
        ("dose", dose),
        ("progression", ex.progression),
        ("regression", ex.regression),
        ("avoid", ex.avoid),
    ]
    return h(
        "div",
        h("h3", ex.name),
        [h("p", h("strong", f"{_F[k]}:"), " ", text) for k, text in fields],
        class_="rb-box rb-care-card",
        data_exercise=ex.id,
    )


def fragments(app: WhatHelps) -> dict:
    """What each text slot shows for the dashboard's current state: ``{slot: fragment}``."""
    d, found = app.detail, exercises(app.goal, app.equipment, app.hurts)
    summary = [
        h("li", h("strong", f"{label}:"), " ", ", ".join(names), ".")
        for label, names in F.evidence_summary(evidence(app.topic))
    ]
    options = [
        row(
            o.name,
            o.label,
            o.note,
            " · ".join(o.claims),
            h("span", source_links(o.sources), class_="rb-care-help"),
            head=True,
        )
        for o in evidence()
    ]
    count = _F["count"].format(n=len(found), total=len(exercises())) if found else h("strong", _F["none_match"])
    out = {
        "evidence_summary": [
            h("h2", _E["heading"]),
            h("p", _E["summary_intro"]),
            h("ul", summary, class_="rb-care-summary"),
        ],
        "evidence_table": table(
            _E["table_caption"], _E["table_columns"], options, "rb-care-evidence", _E["table_region"]
        ),
        "hurts_help": h("p", _F["hurts_help"], class_="rb-care-help"),
        "count": h("p", count, role="status"),
        "exercise_card": _exercise_card(app.chosen),
        "sim_link": [
            h(
                "p",
                h(
                    "a",
                    _F["simulator_link"],
                    class_="rb-care-simlink",
                    href=simulator_link(),
                    target="_blank",
                    rel="noopener",
                ),
            ),
            h("p", _F["simulator_help"], class_="rb-care-help"),
        ],
        "return_heading": h("h3", _P["heading_return"]),
        "warning_help": h("p", _P["warning"], class_="rb-care-warning-help"),
        "base_heading": h("h3", _P["heading_base"]),
        **_plan(app.plan, "return", "return-to-running"),
        **_plan(app.base_plan, "base", "build-a-base"),
        "rules": _rules(d),
    }
    out.update({f"claims_{k}": [claim_box(c, d) for c in ids] for k, ids in CLAIM_BLOCKS.items()})
    return out


class WhatHelps(Dashboard):
    """Dashboard: evidence-rated care, exercise library, return-to-run and base planners.

    Inputs (traits and link keys) are the ``controls``; outputs: ``plan`` (back to running),
    ``base_plan`` (build a base), ``chosen`` (the exercise shown) and ``charts`` (each view's
    figure object, once the view was shown).
    """

    dashboard = NAME
    css_class = "rb-care"
    controls = (
        DETAIL,
        Choice("view", _A["view"], default="evidence", options=dict(zip(_A["view_ids"], _A["views"])), buttons=True),
        Choice("topic", _E["topic"], default="all", options=_options(_E["topic_options"])),
        Choice("goal", _F["goal"], default="any", options=_options(_F["goal_options"]), group="filters"),
        Choice("equipment", _F["equipment"], default="any", options=_options(_F["equipment_options"]), group="filters"),
        Choice(
            "hurts",
            _F["hurts"],
            default="none",
            options=_options(_F["hurts_options"]),
            help=_F["hurts_help"],
            group="filters",
        ),
        Choice("exercise", _F["pick"], default=next(iter(EXERCISES)), options={**EXERCISES, "": ""}),
        # the return-to-run planner (group "return": its row, and what re-plans it)
        Choice("urgency", _P["urgency"], default="self_care", options=_options(_P["urgency_options"]), group="return"),
        Number("days", _P["days"], *LIMITS["days_since_onset"], default=10, entry=True, group="return"),
        Number("pain", _P["pain"], 0, 10, default=2, continuous=False, group="return"),
        Number(
            "before", _P["before"], *LIMITS["weekly_minutes_before"], step=5, default=120, entry=True, group="return"
        ),
        Number("sessions", _P["sessions"], *LIMITS["sessions_per_week"], default=3, continuous=False, group="return"),
        Date("start", _P["start"], default=next_monday(), group="return"),
        Toggle("warning", _P["warning_short"], default=False, checkbox=True, group="warning"),
        # the build-a-base planner
        Number("current", _P["current"], *LIMITS["current_minutes"], step=5, default=0, entry=True, group="base"),
        Number("target", _P["target"], *LIMITS["target_minutes"], step=5, default=150, entry=True, group="base"),
        Choice("increase", _P["increase"], default=INCREASE, options=_options(_P["increase_options"]), group="base"),
        Choice(
            "every", _P["recovery_every"], default=EVERY, options=_options(_P["recovery_every_options"]), group="base"
        ),
        Number(
            "base_sessions", _P["sessions"], *LIMITS["sessions_per_week"], default=3, continuous=False, group="base"
        ),
        Date("base_start", _P["start"], default=next_monday(), group="base"),
    )

    plan = traitlets.Instance(Plan, allow_none=True)
    base_plan = traitlets.Instance(Plan, allow_none=True)

    def build(self):
        self.resizer = plot_resizer()
        c, s, f, row = self.control, self.slot, self.figure, self.row
        self.widen(spec.key for spec in self.controls if spec.key not in ("detail", "view", "warning"))
        c("view").add_class("rb-care-views")
        views = {
            "evidence": [
                row(c("topic")),
                f("evidence"),
                s("evidence_summary"),
                s("evidence_table"),
            ],
            "exercises": [
                row(*map(c, self.group("filters"))),
                s("hurts_help"),
                s("count"),
                row(c("exercise")),
                f("position"),
                s("exercise_card"),
                s("sim_link"),
            ],
            "return": [
                s("return_heading"),
                row(*map(c, self.group("return"))),
                c("warning"),
                s("warning_help"),
                s("return_out"),
                f("return"),
                s("return_downloads"),
                s("return_table"),
            ],
            "base": [
                s("base_heading"),
                row(*map(c, self.group("base"))),
                s("base_out"),
                f("base"),
                s("base_downloads"),
                s("base_table"),
            ],
        }
        return [
            self.resizer,
            Disclaimer(),
            c("view"),
            self.errors,
            self.view_panels(views),
            c("detail"),
            s("rules"),
            *(s(f"claims_{k}") for k in CLAIM_BLOCKS),
        ]

    @property
    def chosen(self):
        """The exercise shown (an :class:`~runback_widgets.care.model.Exercise`), or ``None`` when none matches."""
        return {e.id: e for e in exercises(self.goal, self.equipment, self.hurts)}.get(self.exercise)

    # ------------------------------------------------------------------ model calls
    def make_return_plan(self) -> Plan:
        """The return-to-run plan for the current inputs."""
        return plan_return_to_run(
            self.days,
            self.pain,
            self.before,
            urgency=self.urgency,
            warning_signs=self.warning,
            sessions_per_week=self.sessions,
            start_date=self.start,
        )

    def make_base_plan(self) -> Plan:
        """The build-a-base plan for the current inputs (ValueError when the target is not above now)."""
        return plan_base(
            self.current,
            self.target,
            sessions_per_week=self.base_sessions,
            start_date=self.base_start,
            max_weekly_increase=float(self.increase),
            recovery_every=int(self.every),
        )

    def update(self, changed: set[str]) -> None:
        if changed & {*self.group("filters"), "exercise"}:  # the pick list offers what the filters leave
            self.narrow("exercise", {e.id: e.name for e in exercises(self.goal, self.equipment, self.hurts)})
            changed = self.settle(changed)
        if changed & {*self.group("return"), "warning"} or self.plan is None:
            self.plan = self.make_return_plan()
        refused = None
        if changed & set(self.group("base")) or self.base_plan is None:
            try:  # a target below the current running is refused; the rest of the page still updates
                self.base_plan = self.make_base_plan()
            except ValueError as exc:
                refused = exc
        view, key = self.view, VIEW_CHART[self.view]
        if "view" in changed:  # the panel is shown before its figure is made (a hidden figure takes 700 px)
            self.show_view(view)
        args = {
            "evidence": (evidence(self.topic),),
            "position": (self.chosen,),
            "return": (self.plan,),
            "base": (self.base_plan,),
        }[key]
        if key == "position" and self.chosen is None:
            pass  # nothing to draw: the figure box is hidden below
        else:
            make = {
                "evidence": lambda o: F.EvidenceChart(o, _E["chart_title"], _E["axis"]),
                "position": F.PositionChart,
                "return": F.PlanChart,  # titled by the view's own heading
                "base": F.PlanChart,
            }
            self.chart(key, make[key], *args)
        self.figure("position").layout.display = "none" if self.chosen is None else None
        if "view" in changed:
            self.resizer.tick += 1
        self.render(fragments(self))
        if refused is not None:
            raise refused


def parameter_table() -> widgets.HTML:
    """The planners' parameter table (``model.PARAMETERS``) with sources, for the notebook."""
    rows = [
        row(h("code", r["name"]), f"{r['value']:g}", r["unit"], cite(r["source"]), r["note"]) for r in parameter_rows()
    ]
    return fixed_html(table(_P["params_caption"], _P["params_columns"], rows, "rb-params", _P["params_region"]))

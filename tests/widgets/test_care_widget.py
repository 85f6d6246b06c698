"""What helps dashboard driven from Python: controls set as public traits (or through share
links) in; public traits, slot HTML and figure data out. No private attributes, no sentences
copied from care.toml (editing content must not break these tests)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import re

import pytest

from runback_widgets.care.model import (
    LIMITS,
    URGENCY_LEVELS,
    evidence,
    exercises,
    plan_base,
    plan_return_to_run,
)
from runback_widgets.care.widget import CLAIMS, WhatHelps, simulator_link
from runback_widgets.ui.dashboard import ControlValueError, Number
from runback_widgets.ui.share import parse_query


@pytest.fixture()
def app():
    return WhatHelps()


def _html(w) -> str:
    out = []

    def walk(x):
        if hasattr(x, "value") and isinstance(x.value, str):
            out.append(x.value)
        for c in getattr(x, "children", ()):
            walk(c)

    walk(w)
    return "\n".join(out)


def _downloads(html_text: str) -> dict[str, bytes]:
    found = {}
    for name, _mime, b64 in re.findall(
        r'download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)"', html_text
    ):
        found[name] = base64.b64decode(b64)
    return found


def _text(w) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", w.value))  # glossary marks add tags


def _points(chart) -> int:
    return sum(len(t.x) for t in chart.fig.data)


def test_opens_on_the_evidence_chart_with_every_option(app):
    assert app.view == "evidence"
    assert _points(app.charts["evidence"]) == len(evidence())
    text = _html(app)
    assert "rb-disclaimer" in text
    for o in evidence():
        assert html.escape(o.name) in app.slot("evidence_table").value
        assert o.name.split(" (")[0] in _text(app.slot("evidence_summary"))  # glossary tips follow "("


def test_every_claim_block_is_rendered(app):
    text = _html(app)
    for cid in CLAIMS:
        assert f'data-claim-id="{cid}"' in text


def test_filters_follow_the_model(app):
    app.set(view="exercises", hurts="bending", equipment="none")
    allowed = {e.id for e in exercises(hurts="bending", equipment="none")}
    assert app.exercise in allowed and app.chosen.id == app.exercise
    assert {v for _, v in app.control("exercise").options} == allowed  # the pick list offers what is left
    fig = app.charts["position"].fig
    assert len(fig.data) >= 6 and all(len(t.x) >= 2 for t in fig.data)
    assert "hip_hinge" not in allowed


def test_picking_an_exercise_redraws_its_figure(app):
    app.view, app.exercise = "exercises", "step_down"
    names = {e.id: e.name for e in exercises()}
    fig = app.charts["position"].fig
    assert names["step_down"] in fig.layout.title.text
    assert any(s.type == "rect" for s in fig.layout.shapes)  # the step is drawn
    assert 'data-exercise="step_down"' in app.slot("exercise_card").value
    app.exercise = "clamshell"
    assert names["clamshell"] in fig.layout.title.text and any(t.name == "band" for t in fig.data)
    assert app.control("exercise").value == "clamshell"


def test_an_exercise_the_filters_leave_out_falls_back_to_the_first_that_is_left(app):
    app.set(hurts="bending", exercise="hip_hinge")  # hip hinge loads a bent spine
    assert app.exercise == exercises(hurts="bending")[0].id


def test_no_match_says_so_and_hides_the_figure(app):
    app.set(view="exercises", goal="core", equipment="step", hurts="arching")
    found = exercises("core", "step", "arching")
    assert (app.exercise == "") == (not found)
    assert (app.chosen is None) == (not found)
    assert (app.figure("position").layout.display == "none") == (not found)


@pytest.mark.parametrize("urgency", [u for u in URGENCY_LEVELS if u != "self_care"])
def test_planner_refuses_above_self_care_and_offers_no_download(app, urgency):
    app.set(urgency=urgency, view="return")
    assert app.plan.refused
    assert "rb-care-refused" in app.slot("return_out").value
    assert html.escape(app.plan.who_first.split(".")[0]) in app.slot("return_out").value
    assert "return-to-running.csv" not in _html(app)
    assert _points(app.charts["return"]) == 0


def test_warning_sign_blocks_the_plan(app):
    app.warning = True
    assert app.plan.refused and app.plan.reason == "warning_sign"
    assert app.control("warning").value is True
    app.control("warning").value = False  # the tick box in the browser
    assert app.warning is False and not app.plan.refused


def test_return_plan_matches_the_model_and_downloads_parse(app):
    app.set(urgency="self_care", view="return", days=30, pain=5, before=150, sessions=4)
    expected = plan_return_to_run(30, 5, 150, sessions_per_week=4, start_date=app.start)
    assert [w.run_minutes for w in app.plan.weeks] == [w.run_minutes for w in expected.weeks]
    fig = app.charts["return"].fig
    drawn = sorted((int(x), float(y)) for t in fig.data[:2] for x, y in zip(t.x, t.y))
    assert drawn == sorted((w.index, round(w.run_minutes, 1)) for w in expected.weeks if w.kind != "walk")
    files = _downloads(_html(app))
    rows = list(csv.DictReader(io.StringIO(files["return-to-running.csv"].decode())))
    assert len(rows) == len(expected.sessions())
    from icalendar import Calendar

    events = list(Calendar.from_ical(files["return-to-running.ics"]).walk("VEVENT"))
    assert [ev.decoded("dtstart") for ev in events] == [s.date for s in expected.sessions()]


def test_base_planner_follows_every_one_of_its_controls(app):
    start = dt.date(2030, 1, 7)
    app.set(view="base", current=60, target=200, increase="0.2", every="5", base_sessions=4, base_start=start)
    expected = plan_base(60, 200, sessions_per_week=4, max_weekly_increase=0.2, recovery_every=5, start_date=start)
    assert app.base_plan == expected
    fig = app.charts["base"].fig
    assert max(max(t.y) for t in fig.data if t.y is not None and len(t.y)) == pytest.approx(
        max(w.run_minutes for w in expected.weeks), abs=0.1
    )
    assert "build-a-base.ics" in _downloads(_html(app))
    assert start.isoformat() in app.slot("base_table").value


def test_bad_base_target_shows_an_error_and_keeps_the_last_plan(app):
    before = app.base_plan
    app.current = 300  # above the target: the model refuses with a ValueError naming target_minutes
    assert "target_minutes" in app.errors.value
    assert app.base_plan is before
    app.target = 400
    assert app.errors.value == "" and app.base_plan.baseline_minutes == 300


def test_setting_a_trait_from_a_cell_moves_its_control_and_the_screen(app):
    app.topic = "medicine"
    assert app.control("topic").value == "medicine"
    assert _points(app.charts["evidence"]) == len(evidence("medicine"))
    app.view = "base"
    assert app.control("view").value == "base" and "base" in app.charts
    app.pain = 5
    assert app.control("pain").value == 5 and app.plan.weeks[0].kind == "walk"


def test_widgets_in_the_browser_set_the_traits(app):
    app.control("hurts").value = "arching"
    assert app.hurts == "arching" and app.chosen.spine != "extension"
    app.control("days").value = 60
    assert app.days == 60 and app.plan == plan_return_to_run(60, 2, 120, start_date=app.start)


@pytest.mark.parametrize(
    "name, bad",
    [("view", "map"), ("pain", 11), ("days", -1), ("urgency", "later"), ("increase", 0.1), ("start", "soon")],
)
def test_bad_values_from_python_raise_a_clear_error(app, name, bad):
    before = getattr(app, name)
    with pytest.raises(ControlValueError, match=name):
        setattr(app, name, bad)
    assert getattr(app, name) == before


#: Every control off its default, and a non-default view.
EVERYTHING = {
    "detail": "1",
    "view": "return",
    "topic": "prevention",
    "goal": "hips",
    "equipment": "band",
    "hurts": "arching",
    "exercise": "banded_side_step",
    "urgency": "self_care",
    "days": "40",
    "pain": "4",
    "before": "150",
    "sessions": "4",
    "start": "2030-03-04",
    "warning": "0",
    "current": "30",
    "target": "200",
    "increase": "0.15",
    "every": "3",
    "base_sessions": "2",
    "base_start": "2030-04-01",
}


def test_a_link_with_every_control_off_its_default_restores_all_of_it(app):
    defaults = app.scenario_state()
    assert set(EVERYTHING) == set(defaults)
    changed = {k for k in EVERYTHING if EVERYTHING[k] != defaults[k]}
    assert changed == set(EVERYTHING) - {"urgency", "warning"}  # self-care and no warning: a plan to check
    other = WhatHelps()
    assert other.apply_scenario(EVERYTHING) == []
    assert other.scenario_state() == EVERYTHING
    assert other.plan == plan_return_to_run(40, 4, 150, sessions_per_week=4, start_date=dt.date(2030, 3, 4))
    assert other.base_plan == plan_base(
        30, 200, sessions_per_week=2, max_weekly_increase=0.15, recovery_every=3, start_date=dt.date(2030, 4, 1)
    )
    assert other.detail and other.control("detail").value
    assert other.charts["return"].fig.data[0].x is not None  # the linked view's figure is drawn
    assert [k for k, p in other.panels.items() if p.layout.display != "none"] == ["return"]


def test_share_link_round_trip_and_hostile_values(app):
    app.apply_scenario({"view": "return", "pain": "4", "hurts": "arching", "urgency": "see_doctor"})
    state = app.scenario_state()
    other = WhatHelps()
    assert other.apply_scenario(state) == []
    assert other.scenario_state() == state
    notes = other.apply_scenario({"pain": "99", "view": "<script>", "goal": "x" * 200, "nope": "1"})
    assert len(notes) == 4 and any("<script>" in n for n in notes)  # plain text: ui.share escapes when shown
    assert other.pain == 4 and other.view == "return"
    params, _ = parse_query("urgency=see_doctor&view=return")
    assert other.apply_scenario(params) == [] and other.plan.refused


def test_simulator_link_opens_the_prevention_view_with_8_weeks():
    link = simulator_link()
    assert link.startswith("03-run-load-simulator.ipynb?")
    params, notes = parse_query(link.split("?", 1)[1])
    assert params["view"] == "prevention" and params["strength_weeks"] == "8" and not notes
    from runback_widgets.loadsim.widget import RunLoadSimulator

    sim = RunLoadSimulator()
    assert sim.apply_scenario(params) == []
    assert sim.view == "prevention" and sim.prevention is not None


def test_exactly_the_chosen_view_is_displayed(app):
    for view in ("exercises", "return", "base", "evidence"):
        app.view = view
        panels = app.panels
        holder = [w for w in app.children if tuple(getattr(w, "children", ())) == tuple(panels.values())]
        assert holder and holder[0].layout.display != "none", "the block holding the views is hidden"
        assert [k for k, p in panels.items() if p.layout.display != "none"] == [view]


@pytest.mark.parametrize("topic", ["treatment", "medicine", "prevention", "all"])
def test_topic_filter_redraws_the_evidence_chart(app, topic):
    app.topic = topic
    fig = app.charts["evidence"].fig
    expected = evidence(topic)
    assert _points(app.charts["evidence"]) == len(expected)
    assert [a.text for a in fig.layout.annotations] == [f"<b>{o.name}</b>" for o in reversed(expected)][::-1]
    summary = _text(app.slot("evidence_summary"))
    others = [o for o in evidence() if o not in expected]
    assert all(o.name.split(" (")[0] in summary for o in expected)
    assert not any(o.name.split(" (")[0] in summary for o in others)


def test_detail_adds_the_rules_lead_and_the_detailed_claims(app):
    plain_rules, plain_claims = app.slot("rules").value, app.slot("claims_care").value
    app.detail = True
    assert len(_text(app.slot("rules"))) > len(re.sub(r"<[^>]+>", "", plain_rules))
    assert app.slot("claims_care").value != plain_claims


def test_adding_a_control_is_one_spec_line_and_its_use_in_the_model_call():
    """Issue 13: a new input (the plan's longest length) is one line in ``controls`` plus its use
    in the model call; the trait, its widget in the planner's row, its link key and the re-plan
    on change come from the spec."""

    class Longest(WhatHelps):
        controls = (
            *WhatHelps.controls,
            Number("max_weeks", "Longest plan (weeks)", *LIMITS["max_weeks"], default=52, group="return"),  # edit 1
        )

        def make_return_plan(self):
            return plan_return_to_run(
                self.days,
                self.pain,
                self.before,
                start_date=self.start,
                max_weeks=self.max_weeks,  # edit 2
            )

    app = Longest(view="return")
    assert app.plan.weeks and app.plan.reached_week
    assert app.control("max_weeks") in app.panels["return"].children[1].children  # in the planner's row
    app.max_weeks = 2  # from a cell
    assert len(app.plan.weeks) == 2 and app.control("max_weeks").value == 2
    assert app.scenario_state()["max_weeks"] == "2"
    other = Longest()
    assert other.apply_scenario({"max_weeks": "3", "view": "return"}) == [] and len(other.plan.weeks) == 3

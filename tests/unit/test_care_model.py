"""The care model: evidence table, exercise library, planners, exports.

Unit tests with hand-checked numbers plus Hypothesis properties of the public API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback_widgets import content
from runback_widgets.care import export
from runback_widgets.care.model import (
    EQUIPMENT,
    GOALS,
    GROUPS,
    HURTS,
    PARAMETERS,
    URGENCY_LEVELS,
    Plan,
    all_exercises,
    evidence,
    exercises,
    plan_base,
    plan_return_to_run,
    progression_bound,
    stick_figure,
)

MONDAY = dt.date(2027, 1, 4)


# --------------------------------------------------------------------------- evidence and content


def test_every_option_has_a_rating_a_claim_and_its_note_and_real_sources():
    opts = evidence()
    assert len(opts) >= 12
    reg = content.claims()
    refs = content.references()
    for o in opts:
        assert 0 <= o.rank <= 4 and o.label
        article = [c for c in o.claims if c.startswith("A")]
        notes = [c for c in o.claims if c.startswith("N")]
        assert article and notes, f"{o.id}: needs the article claim and the note that refines it"
        for n in notes:
            assert set(reg[n].refines) & set(article), f"{o.id}: note {n} does not refine {article}"
        assert o.sources and all(s in refs for s in o.sources), o.id
    assert [o.rank for o in opts] == sorted((o.rank for o in opts), reverse=True)


def test_ratings_say_what_the_guideline_and_reviews_say():
    by_id = {o.id: o for o in evidence()}
    assert by_id["stay_active"].rating == "recommended"
    assert by_id["paracetamol"].rating == "not_recommended"  # NICE NG59: not paracetamol alone
    assert by_id["prevent_other"].rating == "not_recommended"  # Steffens 2016: education alone, belts, insoles
    assert (
        by_id["motor_control"].rank == by_id["exercise_therapy"].rank
    )  # Saragiotto 2016: no better than other exercise
    assert by_id["foam_rolling"].rank < by_id["exercise_therapy"].rank


def test_new_claims_use_the_care_id_range_only():
    care = [cid for cid, c in content.claims().items() if c.shown_in == ("04-what-helps",)]
    assert care and all(cid.startswith("N") and 30 <= int(cid[1:]) <= 49 for cid in care)


def test_every_exercise_is_complete():
    exs = all_exercises()
    assert len(exs) >= 10
    refs = content.references()
    for e in exs:
        assert e.groups and set(e.groups) <= set(GROUPS), e.id
        for field in ("description", "progression", "regression", "avoid", "dose"):
            assert len(getattr(e, field)) > 15, f"{e.id}: {field}"
        assert e.dose_sources and all(s in refs for s in e.dose_sources), e.id
        assert e.spine in ("neutral", "flexion", "extension")
    covered = {g for e in exs for g in e.groups}
    assert {"hip_abductors", "hip_extensors", "deep_core"} <= covered


@given(st.sampled_from(GOALS), st.sampled_from(EQUIPMENT), st.sampled_from(HURTS))
def test_filters_keep_only_matching_exercises(goal, equipment, hurts):
    got = exercises(goal, equipment, hurts)
    for e in got:
        assert goal == "any" or goal in e.goals
        assert equipment == "any" or e.equipment in ("none", equipment)
        assert not (hurts == "bending" and e.spine == "flexion")
        assert not (hurts == "arching" and e.spine == "extension")
    assert {e.id for e in got} <= {e.id for e in exercises()}


def test_filters_by_what_hurts_drop_the_provoking_exercises():
    ids_bend = {e.id for e in exercises(hurts="bending")}
    ids_arch = {e.id for e in exercises(hurts="arching")}
    assert "hip_hinge" not in ids_bend and "mountain_climbers" not in ids_bend and "glute_bridge" in ids_bend
    assert "glute_bridge" not in ids_arch and "hip_hinge" in ids_arch
    assert {e.equipment for e in exercises(equipment="none")} == {"none"}


@pytest.mark.parametrize(
    "kw, name", [({"goal": "legs"}, "goal"), ({"equipment": "gym"}, "equipment"), ({"hurts": 3}, "hurts")]
)
def test_bad_filter_names_the_parameter(kw, name):
    with pytest.raises(ValueError, match=name):
        exercises(**kw)


def test_stick_figure_rests_on_the_floor_and_keeps_segment_lengths():
    for e in all_exercises():
        pts = stick_figure(e.pose)
        ys = [p[1] for k, p in pts.items() if k != "head"]
        assert min(ys) == pytest.approx(0.0, abs=1e-9) or pts["head"][1] - 0.06 == pytest.approx(0.0, abs=1e-9)
        assert ((pts["knee_near"] - pts["hip"]) ** 2).sum() ** 0.5 == pytest.approx(0.245)
    with pytest.raises(ValueError, match="pose"):
        stick_figure({"trunk": 90})


# --------------------------------------------------------------------------- planners: hand-checked


def test_return_plan_hand_checked():
    p = plan_return_to_run(10, 2, 150, start_date=MONDAY)
    assert not p.refused
    m = p.run_minutes
    assert m[0] == 75  # 10 days: half of 150, as 3 continuous runs of 25 min
    assert m[1] == 81  # 75 * 1.10 = 82.5 -> 27 min per run
    assert p.weeks[3].recovery and m[3] == 60  # 0.7 * 87 = 60.9 -> 20 min per run
    assert m[-1] == 150 and p.reached_week == len(p.weeks)
    assert p.weeks[1].start == MONDAY + dt.timedelta(weeks=1)


def test_high_pain_starts_with_a_walking_week_and_run_walk_rounds():
    p = plan_return_to_run(50, 5, 120, start_date=MONDAY)
    assert p.weeks[0].kind == "walk" and p.weeks[0].run_minutes == 0
    assert p.weeks[1].kind == "run_walk" and p.weeks[1].run_minutes == pytest.approx(30.0)  # max(15, 0.25*120)
    assert "2:00" in p.weeks[1].session_text() and "3:00" in p.weeks[1].session_text()  # 5 x (2 run / 3 walk)
    assert any("six weeks" in n for n in p.notes)


@pytest.mark.parametrize("urgency", [u for u in URGENCY_LEVELS if u != "self_care"])
def test_above_self_care_refuses_and_says_who_to_see(urgency):
    p = plan_return_to_run(5, 2, 100, urgency=urgency)
    assert p.refused and p.reason == "urgency" and not p.weeks and p.who_first
    with pytest.raises(ValueError, match="refused"):
        export.plan_csv(p)


def test_emergency_text_sends_to_emergency_department():
    assert "emergency" in plan_return_to_run(5, 2, 100, urgency="emergency").who_first.lower()
    assert "emergency" in plan_return_to_run(5, 2, 100, warning_signs=["saddle_numbness"]).who_first.lower()


def test_too_painful_refuses():
    p = plan_return_to_run(3, 8, 100)
    assert p.refused and p.reason == "too_painful" and "8/10" in p.who_first


@pytest.mark.parametrize(
    "kw, name",
    [
        ({"days_since_onset": -1}, "days_since_onset"),
        ({"pain_now": 11}, "pain_now"),
        ({"weekly_minutes_before": 5}, "weekly_minutes_before"),
        ({"urgency": "fine"}, "urgency"),
        ({"sessions_per_week": 7}, "sessions_per_week"),
        ({"sessions_per_week": 2.5}, "sessions_per_week"),
        ({"pain_now": float("nan")}, "pain_now"),
        ({"start_date": "monday"}, "start_date"),
        ({"max_weekly_increase": 0.5}, "max_weekly_increase"),
        ({"warning_signs": "fever"}, "warning_signs"),
    ],
)
def test_return_plan_validates_inputs(kw, name):
    args = {"days_since_onset": 5, "pain_now": 2, "weekly_minutes_before": 100} | kw
    with pytest.raises(ValueError, match=name) as e:
        plan_return_to_run(**args)
    assert "between" in str(e.value) or "one of" in str(e.value) or "must be" in str(e.value)


def test_base_plan_validates_inputs():
    with pytest.raises(ValueError, match="target_minutes"):
        plan_base(100, 80)
    with pytest.raises(ValueError, match="current_minutes"):
        plan_base(-5, 80)


def test_parameters_have_sources_or_are_assumptions():
    refs = content.references()
    for name, p in PARAMETERS.items():
        assert p["source"] == "assumption" or p["source"] in refs, name
        assert len(p["note"]) > 20, name
    assert PARAMETERS["pain_limit"]["value"] == 3 and PARAMETERS["silbernagel_pain_limit"]["value"] == 5


# --------------------------------------------------------------------------- planners: properties

settings.register_profile("care", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("care")


def _assert_progression(plan: Plan, baseline: float | None):
    inc = plan.max_weekly_increase
    peak = baseline
    for w in plan.weeks:
        if w.kind == "walk":
            continue
        if peak is not None and peak > 0:
            assert w.run_minutes <= progression_bound(peak, inc) + 1e-9, (w, peak)
        if w.recovery:
            assert peak is not None and w.run_minutes <= peak + 1e-9
            assert w.index % plan.recovery_every == 0
        peak = w.run_minutes if peak is None else max(peak, w.run_minutes)
        assert w.run_minutes <= plan.target_minutes + 1e-9


@given(
    days=st.floats(0, 3650),
    pain=st.floats(0, 6.99),
    before=st.floats(20, 1200),
    sessions=st.integers(2, 5),
    inc=st.floats(0.05, 0.30),
    every=st.integers(3, 8),
)
def test_return_volume_never_rises_more_than_the_rule_allows(days, pain, before, sessions, inc, every):
    p = plan_return_to_run(
        days, pain, before, sessions_per_week=sessions, start_date=MONDAY, max_weekly_increase=inc, recovery_every=every
    )
    assert not p.refused and p.weeks
    _assert_progression(p, None)
    assert all(w.run_minutes <= before + 1e-9 for w in p.weeks)
    assert (p.weeks[0].kind == "walk") == (pain > 3)


@given(
    current=st.floats(0, 1100),
    extra=st.floats(1, 600),
    sessions=st.integers(2, 5),
    inc=st.floats(0.05, 0.30),
    every=st.integers(3, 8),
)
def test_base_volume_never_rises_more_than_the_rule_allows(current, extra, sessions, inc, every):
    target = min(1200.0, current + extra)
    if target < 20 or target <= current:
        return
    p = plan_base(
        current, target, sessions_per_week=sessions, start_date=MONDAY, max_weekly_increase=inc, recovery_every=every
    )
    _assert_progression(p, current if current > 0 else None)
    assert len(p.weeks) <= PARAMETERS["max_weeks"]["value"]
    starts = [w.start for w in p.weeks]
    assert starts == [MONDAY + dt.timedelta(weeks=i) for i in range(len(starts))]


@given(
    urgency=st.sampled_from(URGENCY_LEVELS),
    signs=st.lists(st.sampled_from(["saddle", "bladder", "weakness", "fever"]), min_size=1),
    pain=st.floats(0, 10),
    days=st.floats(0, 3650),
)
def test_a_plan_never_starts_while_a_warning_sign_is_ticked(urgency, signs, pain, days):
    p = plan_return_to_run(days, pain, 100, urgency=urgency, warning_signs=signs)
    assert p.refused and not p.weeks and p.sessions() == []


# --------------------------------------------------------------------------- exports


def _plans():
    return [plan_return_to_run(20, 4, 140, start_date=MONDAY), plan_base(0, 90, sessions_per_week=4, start_date=MONDAY)]


@pytest.mark.parametrize("plan", _plans(), ids=["return", "base"])
def test_csv_opens_with_the_csv_module(plan):
    rows = list(csv.DictReader(io.StringIO(export.plan_csv(plan))))
    assert list(rows[0]) == export.CSV_COLUMNS
    assert len(rows) == len(plan.sessions()) == sum(w.sessions for w in plan.weeks)
    for r, s in zip(rows, plan.sessions()):
        assert dt.date.fromisoformat(r["date"]) == s.date
        assert float(r["week_running_minutes"]) == pytest.approx(plan.weeks[s.week - 1].run_minutes, abs=0.05)


@pytest.mark.parametrize("plan", _plans(), ids=["return", "base"])
def test_ics_parses_and_round_trips_events_and_dates(plan):
    from icalendar import Calendar

    raw = export.plan_ics(plan)
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    sessions = plan.sessions()
    assert len(events) == len(sessions)
    for ev, s in zip(events, sessions):
        assert ev.decoded("dtstart") == s.date
        assert ev.decoded("dtend") == s.date + dt.timedelta(days=1)
        assert str(ev.get("summary")) == s.title
        assert "3 out of 10" in str(ev.get("description"))
    assert len({str(ev.get("uid")) for ev in events}) == len(events)
    assert Calendar.from_ical(cal.to_ical()).to_ical() == cal.to_ical()


def test_ics_is_made_once_per_plan_and_follows_the_plan():
    """The page draws its downloads at every change of any control; the .ics (the slowest part)
    is made again only for a different plan."""
    import dataclasses

    ret, _ = _plans()
    export._ics.cache_clear()
    first = export.plan_ics(ret)
    again = export.plan_ics(dataclasses.replace(ret))  # an equal plan, another object
    assert again == first and export._ics.cache_info().hits == 1
    later = dataclasses.replace(ret, weeks=ret.weeks[1:])  # a different plan: a different file
    other = export.plan_ics(later)
    assert other != first and export._ics.cache_info().misses == 2
    with pytest.raises(ValueError, match="plan must be a Plan"):
        export.plan_ics("not a plan")


def test_data_uri_round_trips():
    import base64

    uri = export.data_uri("a,b\r\n1,2\r\n", "text/csv")
    assert uri.startswith("data:text/csv;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == "a,b\r\n1,2\r\n"


def test_evidence_topics_partition_the_options():
    from runback_widgets.care.model import TOPICS

    parts = [evidence(t) for t in TOPICS if t != "all"]
    assert sorted(o.id for p in parts for o in p) == sorted(o.id for o in evidence())
    assert {o.id for o in evidence("medicine")} == {"nsaids", "paracetamol"}
    with pytest.raises(ValueError, match="topic"):
        evidence("surgery")

"""Hypothesis properties of the symptom rule model (issue 4)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from runback_widgets.symptoms import PAIN_TYPES, SYMPTOMS, URGENCY_LEVELS, assess

IDS = sorted(SYMPTOMS)
RED_FLAGS = sorted(s for s, v in SYMPTOMS.items() if v.kind == "red_flag")
ESCALATING = sorted(s for s, v in SYMPTOMS.items() if v.escalate == "see_doctor_now")

symptom_sets = st.sets(st.sampled_from(IDS))
ages = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=120),
    st.floats(min_value=0, max_value=120, allow_nan=False, allow_infinity=False),
)
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(symptom_sets, st.sampled_from(RED_FLAGS), ages)
def test_any_red_flag_means_emergency(symptoms, flag, age):
    a = assess(symptoms | {flag}, age=age)
    assert a.urgency == "emergency"
    assert flag in a.red_flags
    assert a.next_steps[0].id == "emergency_now"


@SETTINGS
@given(symptom_sets, st.sampled_from(IDS), ages)
def test_adding_a_symptom_never_lowers_any_score(symptoms, extra, age):
    before = assess(symptoms, age=age)
    after = assess(symptoms | {extra}, age=age)
    for t in PAIN_TYPES:
        assert after.scores[t] >= before.scores[t], (t, symptoms, extra)
    # ... and strictly raises the types it points to, unless already saturated at 1.
    if extra not in symptoms:
        for t, _, _ in SYMPTOMS[extra].points_to:
            assert after.scores[t] > before.scores[t] or before.scores[t] == 1.0


@SETTINGS
@given(symptom_sets, ages)
def test_scores_in_unit_interval_and_ranking_consistent(symptoms, age):
    a = assess(symptoms, age=age)
    assert set(a.scores) == set(PAIN_TYPES)
    assert all(0.0 <= v <= 1.0 for v in a.scores.values())
    assert set(a.ranking) == {t for t in PAIN_TYPES if a.scores[t] > 0}
    ranked = [a.scores[t] for t in a.ranking]
    assert ranked == sorted(ranked, reverse=True)
    assert a.urgency in URGENCY_LEVELS
    # Deterministic: the same input gives the same result.
    assert assess(set(symptoms), age=age) == a
    # Evidence explains every score.
    for t in PAIN_TYPES:
        assert (a.scores[t] > 0) == bool(a.evidence[t])


@SETTINGS
@given(symptom_sets, ages)
def test_urgency_rules(symptoms, age):
    a = assess(symptoms, age=age)
    if a.red_flags:
        assert a.urgency == "emergency"
    elif not any(SYMPTOMS[s].kind == "pattern" for s in symptoms):
        assert a.urgency == "not_enough_information"
    elif a.ranking[0] == "discogenic" or set(symptoms) & set(ESCALATING):
        assert a.urgency == "see_doctor_now"
    elif a.ranking[0] == "bone":
        assert a.urgency == "see_doctor"
    else:
        assert a.ranking[0] == "muscle" and a.urgency == "self_care"
        assert any(s.id == "see_doctor_if_not_settling" and "A12" in s.claims for s in a.next_steps)


@SETTINGS
@given(ages)
def test_empty_set_is_not_enough_information(age):
    a = assess(set(), age=age)
    assert a.urgency == "not_enough_information"
    assert a.ranking == ()
    assert all(v == 0 for v in a.scores.values())


@SETTINGS
@given(symptom_sets, st.text(min_size=0, max_size=30).filter(lambda s: s not in SYMPTOMS))
def test_unknown_ids_raise_value_error(symptoms, bad):
    with pytest.raises(ValueError, match="[Vv]alid ids"):
        assess(symptoms | {bad})


@SETTINGS
@given(st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=120.000001), st.just(float("nan"))))
def test_age_outside_range_raises_value_error(age):
    with pytest.raises(ValueError, match="0 to 120"):
        assess({"pain_one_side"}, age=age)

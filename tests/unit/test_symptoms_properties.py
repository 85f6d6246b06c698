"""Hypothesis properties of the symptom rule model (issues 4 and 12).

v2 replaced two v1 properties that encoded unsafe behaviour: "any red flag means
emergency" (NICE CKS, NG234 and Finucane 2020: serious is not always an
emergency; single flags are read in context) and "discogenic leading or a leg
symptom means see a doctor now" (NG59: referred and radicular pain without
deficit are not urgent).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_widgets.symptoms import PAIN_TYPES, SYMPTOMS, URGENCY_LEVELS, assess
from runback_widgets.symptoms.model import tier_rank

IDS = sorted(SYMPTOMS)
RED_FLAGS = sorted(s for s, v in SYMPTOMS.items() if v.kind == "red_flag")
#: Cauda equina signs (GIRFT 2023; N05, N18).
CES = ["saddle_numbness", "bladder_or_bowel_change", "sexual_function_change", "both_legs"]
LEG = sorted(s for s, v in SYMPTOMS.items() if v.leg)
BONE = sorted(s for s, v in SYMPTOMS.items() if v.bone)
#: What a bone problem or a red flag must never be answered with (issue 12).
HARMFUL = ("mountain climber", "plank", "build a base", "roll your buttock")

symptom_sets = st.sets(st.sampled_from(IDS))
ages = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=120),
    st.floats(min_value=0, max_value=120, allow_nan=False, allow_infinity=False),
)
SETTINGS = settings(max_examples=300, deadline=None)


def test_vocabulary_marks_leg_and_bone_symptoms():
    assert {
        "pain_down_leg",
        "pain_below_knee_or_into_toes",
        "numbness_or_pins_and_needles_in_leg",
        "both_legs",
        "leg_pain_walking_eased_by_sitting",
        "progressive_leg_weakness",
    } <= set(LEG)
    assert {
        "osteoporosis_or_minor_fall",
        "pain_when_hopping_or_landing",
        "previous_stress_fracture",
        "missed_periods_or_low_energy_intake",
        "significant_trauma",
    } <= set(BONE)
    assert set(CES) <= set(SYMPTOMS)


@SETTINGS
@given(symptom_sets, st.sampled_from(IDS), ages)
def test_a_tick_never_lowers_urgency(symptoms, extra, age):
    before = assess(symptoms, age=age)
    after = assess(symptoms | {extra}, age=age)
    assert tier_rank(after.urgency) >= tier_rank(before.urgency), (sorted(symptoms), extra, age)


@SETTINGS
@given(symptom_sets, st.sampled_from(CES), ages)
def test_any_cauda_equina_sign_gives_emergency(symptoms, sign, age):
    a = assess(symptoms | {sign}, age=age)
    assert a.urgency == "emergency"
    assert a.next_steps[0].id == "emergency_now"
    assert "cauda_equina" in {c.id for c in a.consider}


@SETTINGS
@given(symptom_sets, st.sampled_from(LEG), ages)
def test_leg_pain_always_gives_a_safety_net(symptoms, leg, age):
    a = assess(symptoms | {leg}, age=age)
    assert a.safety_net, (sorted(symptoms), leg)
    text = " ".join(line.plain for line in a.safety_net).lower()
    assert "emergency department" in text and "both legs" in text and "genitals" in text


@SETTINGS
@given(symptom_sets, st.sampled_from(BONE + RED_FLAGS), ages)
def test_bone_or_red_flag_ticks_never_give_self_care_exercises(symptoms, tick, age):
    a = assess(symptoms | {tick}, age=age)
    assert not a.exercise_allowed
    assert not any(s.exercise for s in a.next_steps), [s.id for s in a.next_steps]
    text = " ".join(s.plain.lower() for s in a.next_steps)
    for word in HARMFUL:
        assert word not in text, (word, text)


@SETTINGS
@given(symptom_sets, st.integers(min_value=0, max_value=19))
def test_adolescent_extension_pain_never_gives_self_care_exercises(symptoms, age):
    a = assess(symptoms | {"worse_arching_back"}, age=age)
    assert tier_rank(a.urgency) >= tier_rank("see_doctor")
    assert not any(s.exercise for s in a.next_steps)
    assert a.leading is None


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
def test_leading_type_rules(symptoms, age):
    a = assess(symptoms, age=age)
    if a.leading is not None:
        assert a.leading == a.ranking[0]
        others = [a.scores[t] for t in a.ranking[1:]]
        assert all(a.scores[a.leading] > v for v in others), "a tie never picks a type"
        assert not any(c.displaces for c in a.consider)


@SETTINGS
@given(symptom_sets, ages)
def test_urgency_is_the_most_urgent_fired_rule(symptoms, age):
    a = assess(symptoms, age=age)
    if a.reasons:
        assert a.urgency == a.reasons[0].tier
        assert all(tier_rank(r.tier) <= tier_rank(a.urgency) for r in a.reasons)
        for r in a.reasons:
            assert r.sources and r.claims
        for c in a.consider:
            assert c.tier in {r.tier for r in a.reasons if r.consider == c.id}
    elif any(SYMPTOMS[s].kind == "pattern" for s in symptoms):
        assert a.urgency == "self_care"
        assert any(s.id == "see_doctor_if_not_settling" and "A12" in s.claims for s in a.next_steps)
    else:
        assert a.urgency == "not_enough_information"


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


# --- guards added after the independent review, blind, 2026-11-30 (D5-D9) ---------

#: Conditions marked serious in symptoms.toml (bone or serious pathology).
SERIOUS_CONSIDERS = {
    "cauda_equina",
    "nerve_compression",
    "vertebral_fracture",
    "aortic_aneurysm",
    "spinal_infection",
    "spinal_malignancy",
    "fragility_fracture",
    "bone_stress_injury",
    "spondylolysis",
}
#: Bone-stress conditions that name a hip stress fracture (femoral neck, N16).
HIP_FRACTURE_CONSIDERS = {"bone_stress_injury", "hip_joint"}


@SETTINGS
@given(symptom_sets, ages)
def test_urgent_results_show_no_exercise_and_no_reassurance(symptoms, age):
    """D5-D7: at see_doctor_now or emergency, no exercise step and no "usually harmless" /
    "like ordinary back pain" step, and no "one sign alone" condition."""
    a = assess(symptoms, age=age)
    if tier_rank(a.urgency) >= tier_rank("see_doctor_now"):
        assert not [s.id for s in a.next_steps if s.exercise or s.reassure]
        assert "serious_pathology" not in {c.id for c in a.consider}


@SETTINGS
@given(symptom_sets, ages)
def test_serious_conditions_come_without_reassurance(symptoms, age):
    a = assess(symptoms, age=age)
    cons = {c.id for c in a.consider}
    assert {c.id for c in a.consider if c.serious} == cons & SERIOUS_CONSIDERS
    if cons & SERIOUS_CONSIDERS:
        assert not [s.id for s in a.next_steps if s.reassure]
        assert "serious_pathology" not in cons


@SETTINGS
@given(symptom_sets, ages)
def test_hip_stress_fracture_lines_only_when_one_is_considered(symptoms, age):
    """D8/D9: the "hip stress fracture can shift" lines need groin pain and a condition naming it."""
    a = assess(symptoms, age=age)
    net = {n.id for n in a.safety_net}
    if net & {"bone_weight_bearing", "groin_hop"}:
        assert "groin_or_hip_pain" in symptoms
        assert {c.id for c in a.consider} & HIP_FRACTURE_CONSIDERS
    if "groin_or_hip_pain" in symptoms:
        assert "bone_weight_bearing" in net
        assert not [s.id for s in a.next_steps if s.exercise]


@SETTINGS
@given(symptom_sets, ages)
def test_major_trauma_never_invites_walking_about(symptoms, age):
    a = assess(symptoms | {"significant_trauma"}, age=age)
    assert a.urgency == "emergency"
    assert "rest_bone" not in {s.id for s in a.next_steps}

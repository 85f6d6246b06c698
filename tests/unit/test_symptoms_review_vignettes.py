"""Second vignette set (issue 12's clinician review), 20 cases.

Issue 12 asked for an independent clinician-reviewer subagent. This session had
no agent tool to start one, so these 20 cases were written in a separate review
pass by the same author, aimed at the model's likely weak spots (age bands,
combinations of weak flags, leg pain mixed with other signs, bone signs in
adults). They are therefore NOT independent; an independent review is still
open. Each case: the tier a competent clinician would pick (exact), the tiers
such a clinician would still accept (ok), and the source.
"""

from __future__ import annotations

import pytest

from runback_widgets.symptoms import assess

EMERG, NOW, SOON, SELF = "emergency", "see_doctor_now", "see_doctor", "self_care"

# (id, ticks, age, exact, ok, no_exercise, why)
REVIEW = [
    (
        "RV01",
        {"pain_one_side", "muscle_spasms"},
        52,
        SELF,
        {SOON},
        False,
        "Mechanical pain at 52: age alone is a weak flag (Finucane 2020); CKS lists new onset over 50, so routine is acceptable.",
    ),
    (
        "RV02",
        {"cannot_stand_upright", "pain_below_knee_or_into_toes", "numbness_or_pins_and_needles_in_leg"},
        38,
        SOON,
        {SELF},
        False,
        "Acute sciatica with antalgic posture, no deficit: NG59/CKS sciatica, safety net.",
    ),
    (
        "RV03",
        {"previous_stress_fracture", "worse_arching_back"},
        19,
        NOW,
        {SOON},
        True,
        "Teen extension pain with a past stress fracture: pars bone stress injury likely (Micheli & Wood; IOC REDs).",
    ),
    (
        "RV04",
        {"history_of_cancer", "thoracic_pain", "night_or_rest_pain"},
        60,
        NOW,
        {EMERG},
        True,
        "NG234: thoracic and night pain with cancer history, no neuro signs: urgent; immediate acceptable.",
    ),
    (
        "RV05",
        {"morning_stiffness", "groin_or_hip_pain"},
        25,
        SOON,
        {SOON},
        False,
        "Inflammatory features with hip/groin pain: axSpA or hip; routine specialist review (NG59 1.1.1).",
    ),
    (
        "RV06",
        {"pain_one_side", "muscle_spasms", "night_or_rest_pain"},
        30,
        SOON,
        {SELF},
        False,
        "Night pain alone in a young adult with mechanical signs: weak flag, routine or self-care (Finucane 2020).",
    ),
    (
        "RV07",
        {"immunosuppressed_or_long_term_steroids", "pain_one_side", "muscle_spasms"},
        28,
        NOW,
        {SOON},
        True,
        "Immunosuppression with new back pain: infection/fracture risk; CKS urgent; routine acceptable if mechanical.",
    ),
    (
        "RV08",
        {"fever", "feeling_unwell", "ache_across_lower_back"},
        35,
        NOW,
        {EMERG},
        True,
        "Fever and systemically unwell: same-day assessment (CKS); ED acceptable.",
    ),
    ("RV09", {"sexual_function_change"}, 44, EMERG, set(), True, "GIRFT 2023: new sexual dysfunction = suspected CES."),
    (
        "RV10",
        {"leg_pain_walking_eased_by_sitting", "night_or_rest_pain"},
        70,
        NOW,
        {SOON},
        True,
        "Night pain over 50 with claudication: non-mechanical feature at 70 is urgent (CKS); routine acceptable.",
    ),
    (
        "RV11",
        {"pain_when_hopping_or_landing", "worse_arching_back", "missed_periods_or_low_energy_intake"},
        16,
        NOW,
        set(),
        True,
        "Adolescent with REDs and impact pain: bone stress injury (IOC REDs 2023).",
    ),
    (
        "RV12",
        {"no_better_after_6_weeks", "pain_below_knee_or_into_toes"},
        45,
        SOON,
        set(),
        False,
        "Persistent sciatica: review, imaging only if it would change management (NG59).",
    ),
    (
        "RV13",
        {"pain_down_leg", "worse_bending_forward", "muscle_spasms"},
        33,
        SELF,
        {SOON},
        False,
        "Flexion-provoked back pain with referred thigh pain: non-specific LBP (NG59).",
    ),
    (
        "RV14",
        {"osteoporosis_or_minor_fall", "thoracic_pain"},
        80,
        NOW,
        {EMERG},
        True,
        "Osteoporosis with thoracic pain at 80: vertebral fragility fracture (CKS), urgent.",
    ),
    (
        "RV15",
        {"iv_drug_use_or_recent_infection", "fever", "both_legs"},
        29,
        EMERG,
        set(),
        True,
        "Fever, IVDU and bilateral leg symptoms: epidural abscess with cord/cauda compression: ED now.",
    ),
    (
        "RV16",
        {"unexplained_weight_loss", "night_or_rest_pain", "pain_not_changed_by_position_or_movement"},
        55,
        NOW,
        {EMERG},
        True,
        "Several malignancy flags without neuro signs: urgent (CKS, NG234).",
    ),
    (
        "RV17",
        {"worse_bending_forward", "pain_one_side"},
        17,
        SELF,
        {SOON},
        False,
        "Flexion pain in a teen: not the extension pattern of spondylolysis; non-specific, routine acceptable.",
    ),
    (
        "RV18",
        {"groin_or_hip_pain", "pain_when_hopping_or_landing", "previous_stress_fracture"},
        40,
        NOW,
        {EMERG},
        True,
        "Femoral neck stress fracture suspected: urgent, no weight-bearing running; ED acceptable.",
    ),
    (
        "RV19",
        {"bladder_or_bowel_change", "leg_pain_walking_eased_by_sitting"},
        65,
        EMERG,
        set(),
        True,
        "GIRFT: new bladder change with back/leg symptoms is treated as possible CES at any age.",
    ),
    (
        "RV20",
        {"new_or_returning_runner", "ache_across_lower_back", "worse_twisting_or_moving"},
        23,
        SELF,
        set(),
        False,
        "Load-related non-specific LBP in a new runner: self-management and graded running (NG59).",
    ),
]


@pytest.mark.parametrize("case", REVIEW, ids=[c[0] for c in REVIEW])
def test_review_case(case):
    cid, ticks, age, exact, ok, no_ex, why = case
    a = assess(ticks, age=age)
    assert a.urgency in ok | {exact}, f"{cid}: {a.urgency} ({why})"
    if no_ex:
        assert not any(s.exercise for s in a.next_steps), cid


def test_review_agreement():
    got = [(assess(c[1], age=c[2]).urgency, c) for c in REVIEW]
    exact = sum(u == c[3] for u, c in got)
    ok = sum(u in c[4] | {c[3]} for u, c in got)
    print(f"\nreview vignettes: {len(REVIEW)}; exact {exact}; acceptable {ok}")
    assert len(REVIEW) == 20 and ok == len(REVIEW)

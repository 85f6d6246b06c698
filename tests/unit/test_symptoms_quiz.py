"""The symptom explorer's self-check questions agree with the model."""

from __future__ import annotations

import pytest

from runback_widgets import content
from runback_widgets.symptoms import SYMPTOMS, URGENCY_LEVELS, assess
from runback_widgets.ui.quiz import validate_question

QUESTIONS = content.quiz_questions("02-symptom-explorer")


def test_enough_reasoning_questions_with_checks():
    assert len(QUESTIONS) >= 5
    assert len({q["id"] for q in QUESTIONS}) == len(QUESTIONS)
    assert sum(q.get("check", {}).get("kind") == "assess" for q in QUESTIONS) >= 5


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_question_schema_and_claims(q):
    validate_question(q)
    known = set(content.claims())
    assert set(q["claims"]) <= known
    for fb in q["feedback"]:
        assert fb.strip()


@pytest.mark.parametrize(
    "q", [q for q in QUESTIONS if q.get("check", {}).get("kind") == "assess"], ids=lambda q: q["id"]
)
def test_assess_check_matches_model(q):
    chk = q["check"]
    assert set(chk["symptoms"]) <= set(SYMPTOMS)
    assert chk["expect_urgency"] in URGENCY_LEVELS
    a = assess(set(chk["symptoms"]), age=chk.get("age"))
    lead = a.leading or ""
    assert lead == chk["expect_leading"], (q["id"], dict(a.scores))
    assert a.urgency == chk["expect_urgency"], q["id"]

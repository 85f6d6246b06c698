"""What helps content: claim blocks, quiz balance and quiz answers checked against the model."""

from __future__ import annotations

import re

import pytest

from runback_widgets import content
from runback_widgets.care.model import PARAMETERS, evidence, exercises, plan_base, plan_return_to_run

QUIZ = "04-what-helps"


@pytest.fixture(scope="module")
def app_html():
    from runback_widgets.care.widget import WhatHelps

    app = WhatHelps()
    blocks = []

    def walk(w):
        v = getattr(w, "value", None)
        if isinstance(v, str) and "data-claim-id" in v:
            blocks.append(v)
        for c in getattr(w, "children", ()):
            walk(c)

    walk(app)
    return blocks


def test_each_care_note_sits_in_the_same_block_as_a_claim_it_refines(app_html):
    care_notes = [cid for cid, c in content.claims().items() if c.shown_in == ("04-what-helps",)]
    assert len(care_notes) == 10
    for nid in care_notes:
        refines = content.claim(nid).refines
        assert any(
            f'data-claim-id="{nid}"' in b and any(f'data-claim-id="{r}"' in b for r in refines) for b in app_html
        ), nid


def test_every_option_note_is_shown_with_its_article_claim(app_html):
    for o in evidence():
        assert any(all(f'data-claim-id="{c}"' in b for c in o.claims) for b in app_html), o.id


def test_quiz_balance():
    qs = content.quiz_questions(QUIZ)
    assert len(qs) >= 6
    n = len(qs)
    longest = sum(1 for q in qs if max(range(len(q["options"])), key=lambda i: len(q["options"][i])) == q["correct"])
    assert longest <= 0.4 * n, f"correct answer is the longest in {longest} of {n}"
    for pos in range(3):
        assert sum(q["correct"] == pos for q in qs) <= 0.5 * n


def _q(qid):
    return next(q for q in content.quiz_questions(QUIZ) if q["id"] == qid)


def test_quiz_answers_agree_with_the_model():
    # warning sign -> no plan
    q = _q("q04-warning-sign")
    assert "No plan" in q["options"][q["correct"]]
    assert plan_return_to_run(5, 2, 100, warning_signs=["saddle"]).refused
    # the pain rule the quiz teaches is the planner's
    q = _q("q04-pain-rule")
    assert f"{PARAMETERS['pain_limit']['value']}/10" in q["options"][q["correct"]]
    # paracetamol alone is rated not recommended; NSAIDs may help
    by_id = {o.id: o for o in evidence()}
    assert by_id["paracetamol"].rating == "not_recommended" and by_id["nsaids"].rating == "may_help"
    q = _q("q04-paracetamol")
    assert "NSAID" in q["options"][q["correct"]]
    # prevention: exercise helps, belts/insoles do not
    assert by_id["prevent_exercise"].rank > by_id["prevent_other"].rank


def test_notebook_task_numbers_match_the_model():
    tasks = content.load_toml("care.toml")["task"]
    t = next(t for t in tasks if "10 %" in t["question"] and "20 %" in t["question"])
    m = re.search(r"About (\d+) weeks at 10 % and about (\d+) at 20 %", t["answer"])
    assert m, t["answer"]
    assert plan_base(0, 150, max_weekly_increase=0.10).reached_week == int(m.group(1))
    assert plan_base(0, 150, max_weekly_increase=0.20).reached_week == int(m.group(2))
    t = next(t for t in tasks if "Bending forwards hurts" in t["question"])
    dropped = {e.name for e in exercises()} - {e.name for e in exercises(hurts="bending")}
    assert dropped == {"Hip hinge (good morning)", "Mountain climbers"}
    assert "hip hinge" in t["answer"].lower() and "mountain climbers" in t["answer"].lower()

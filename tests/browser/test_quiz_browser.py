"""Self-check quiz in the real page: answer one question per dashboard, as a student would,
and follow a claim id in the feedback to that claim on the page."""

from __future__ import annotations

import re

import pytest

from runback_widgets import DASHBOARDS, content
from runback_widgets.ui.quiz import feedback_text

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_answering_a_question_gives_feedback_and_score(dashboard, notebook):
    question = content.quiz_questions(notebook)[0]
    dp = dashboard(notebook)
    page = dp.page
    first = page.locator(".rb-quiz .rb-quiz-question").first
    first.scroll_into_view_if_needed()

    # A wrong answer first: feedback says so, the score stays at 0.
    wrong = next(i for i in range(len(question["options"])) if i != question["correct"])
    first.locator("label", has_text=question["options"][wrong]).first.click()
    feedback = first.locator(".rb-quiz-feedback")
    feedback.wait_for(timeout=15_000)
    assert "Not quite" in feedback.inner_text()
    score = page.locator(".rb-quiz-score")
    assert "Score: 0 of" in score.inner_text()

    # Then the right one: immediate feedback citing a claim id, the score line moves.
    first.locator("label", has_text=question["options"][question["correct"]]).first.click()
    page.wait_for_function(
        "() => /Correct/.test(document.querySelector('.rb-quiz-question .rb-quiz-feedback').innerText)",
        timeout=15_000,
    )
    text = first.locator(".rb-quiz-feedback").inner_text()
    assert any(cid in text for cid in question["claims"])
    # The page says what Python says (Quiz.feedback, Quiz.score_text: notebooks and tests).
    words = dict(content.ui_text("quiz"))
    assert " ".join(text.split()) == " ".join(feedback_text(question, question["correct"], words).split())
    page.wait_for_function(
        "() => /Score: 1 of/.test(document.querySelector('.rb-quiz-score').innerText)", timeout=15_000
    )
    n = len(content.quiz_questions(notebook))
    said = words["score"].format(score=1, total=n) + " " + words["answered"].format(answered=1)
    assert " ".join(page.locator(".rb-quiz-score").inner_text().split()) == said
    # On a laptop the intro says how to answer with the keyboard (phones: test_layout_phone).
    assert page.locator(".rb-quiz-keys").first.is_visible()

    # Each claim id the page shows in a box is a link to that box: it opens the box's details,
    # scrolls it into view and takes the focus (ids shown nowhere else on the page stay text).
    on_page = [
        cid
        for cid in question["claims"]
        if page.locator(f'[data-claim-id="{cid}"]:not(.rb-quiz [data-claim-id])').count()
    ]
    links = first.locator(".rb-quiz-feedback .rb-src a.rb-quiz-claim")
    assert [links.nth(i).inner_text() for i in range(links.count())] == on_page
    # ... and so are the ids the feedback's sentence itself cites.
    said = re.findall(r"\b[AN]\d{2}\b", question["feedback"][question["correct"]])
    inline = first.locator(".rb-quiz-feedback > .rb-quiz-claim")
    assert sorted(inline.nth(i).inner_text() for i in range(inline.count())) == sorted(c for c in said if c in on_page)
    assert on_page, f"{notebook}: none of question 1's claims {question['claims']} has a box on the page"
    cid = on_page[-1]
    assert cid in (links.last.get_attribute("title") or "")
    links.last.click()
    page.wait_for_function(
        """(cid) => { const a = document.activeElement;
             if (!a || a.getAttribute('data-claim-id') !== cid) return false;
             const r = a.getBoundingClientRect();
             return r.height > 0 && r.top < innerHeight && r.bottom > 0; }""",
        arg=cid,
        timeout=10_000,
    )
    assert dp.page_errors == [] and dp.console_errors() == []

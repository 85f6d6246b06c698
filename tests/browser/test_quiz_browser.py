"""Self-check quiz in the real page: answer one question per dashboard, as a student would."""

from __future__ import annotations

import pytest

from runback_widgets import DASHBOARDS, content

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
    page.wait_for_function(
        "() => /Score: 1 of/.test(document.querySelector('.rb-quiz-score').innerText)", timeout=15_000
    )
    assert dp.page_errors == [] and dp.console_errors() == []

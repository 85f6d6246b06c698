"""Quiz widget driven from Python, as a user would click it."""

import pytest

from runback_widgets.ui.quiz import Quiz, validate_question

QUESTIONS = [
    {
        "id": "t1",
        "prompt": "Which pain type fits one-sided spasms when twisting?",
        "options": ["Muscle-related", "Bone-related", "Discogenic"],
        "correct": 0,
        "feedback": [
            "Yes (A06).",
            "No: bone pain is a general ache (A07).",
            "No: disc pain shoots down the leg (A08).",
        ],
        "claims": ["A06"],
    },
    {
        "id": "t2",
        "prompt": "Tight hamstrings tilt the pelvis which way (textbook)?",
        "options": ["Anterior", "Posterior"],
        "correct": 1,
        "feedback": ["No (N03).", "Yes (N03)."],
        "claims": ["N03"],
    },
]


def test_right_and_wrong_answers_give_feedback_and_score():
    quiz = Quiz("test", questions=QUESTIONS)
    assert quiz.score == 0 and quiz.answered == 0 and quiz.results == [None, None]
    assert quiz.score_text.startswith("Score: 0 of 2 correct")
    assert quiz.feedback(0) == ""

    quiz.answer(0, 2)
    assert quiz.results[0] is False
    assert "Not quite" in quiz.feedback(0) and "A08" in quiz.feedback(0)
    assert quiz.score == 0 and quiz.answered == 1

    quiz.answer(0, 0)
    assert quiz.results[0] is True and "Correct" in quiz.feedback(0)
    quiz.answer(1, 1)
    assert quiz.score == 2 and quiz.answered == 2
    assert quiz.score_text == "Score: 2 of 2 correct (2 answered)."

    quiz.answer(1, None)
    assert quiz.answered == 1 and quiz.score == 1 and quiz.feedback(1) == ""


def test_a_click_in_the_page_is_an_answers_change():
    """The browser saves ``answers`` (one list for the quiz): Python scores it the same way."""
    quiz = Quiz("test", questions=QUESTIONS)
    quiz.answers = [1, None]
    assert quiz.results == [False, None] and quiz.answered == 1 and quiz.score == 0
    quiz.answers = [0]  # a shorter list (an older page) pads with unanswered
    assert quiz.answers == [0, None] and quiz.score == 1


@pytest.mark.parametrize(
    "bad",
    [[0, 2], [0, 0, 0], [True, None], ["0", None], [-1, None]],
)
def test_answers_out_of_range_are_refused_with_the_valid_range(bad):
    quiz = Quiz("test", questions=QUESTIONS)
    with pytest.raises(Exception, match=r"answers"):
        quiz.answers = bad
    assert quiz.answers == [None, None]


@pytest.mark.parametrize("q, opt", [(2, 0), (-1, 0), (0, 3), (0, 1.0), (True, 0)])
def test_answer_from_python_names_the_parameter_and_its_range(q, opt):
    quiz = Quiz("test", questions=QUESTIONS)
    with pytest.raises(ValueError, match=r"(question|option)_index must be an integer in 0\.\.\d"):
        quiz.answer(q, opt)


def test_one_widget_model_for_the_whole_quiz():
    """The quiz is one model (and its layout), not ~11 per question: every student's kernel
    creates it, the server relays it and the browser builds it."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    quiz = Quiz("04-what-helps")
    after = set(_instances)
    assert len(quiz.questions) >= 5
    assert len(after - before) <= 2
    assert "rb-quiz" in quiz._dom_classes


def test_the_page_gets_only_what_it_shows():
    """The browser gets each question's prompt, options, feedback, answer and claims (not the
    test-only ``check`` tables), and the words from content/ui.toml."""
    quiz = Quiz("01-spine-and-si-anatomy")
    assert all(set(q) == {"id", "prompt", "options", "correct", "feedback", "claims"} for q in quiz.questions)
    assert quiz.words["correct"] == "Correct." and "{score}" in quiz.words["score"]
    # Every word the page's script reads is there (the intro has no keys: those are in "keys",
    # which touch screens hide), and the claim link's tooltip names the claim.
    for key in ("intro", "keys", "question", "correct", "wrong", "claims", "score", "answered", "claim_link"):
        assert quiz.words.get(key), key
        assert f"W.{key}" in quiz._esm, key
    assert "Tab" not in quiz.words["intro"] and "Tab" in quiz.words["keys"]
    assert quiz.words["claim_link"].format(id="A08") != quiz.words["claim_link"]


def test_feedback_is_text_not_markup():
    """The browser builds feedback with textContent (never innerHTML), so a record's markup
    is shown as written, not run."""
    from runback_widgets.ui import quiz as q

    assert "innerHTML" not in q._ESM and "textContent" in q._ESM
    quiz = Quiz("test", questions=[dict(QUESTIONS[0], feedback=["<script>x</script>", "b", "c"])])
    quiz.answer(0, 0)
    assert "<script>x</script>" in quiz.feedback(0)


@pytest.mark.parametrize(
    "bad",
    [
        {"correct": 5},
        {"feedback": ["only one"]},
        {"options": ["one"], "feedback": ["f"], "correct": 0},
    ],
)
def test_invalid_records_raise(bad):
    with pytest.raises(ValueError):
        validate_question(dict(QUESTIONS[0], **bad))


def test_every_dashboards_quiz_loads_and_validates():
    from pathlib import Path

    from runback_widgets import DASHBOARDS

    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    assert sorted(DASHBOARDS) == sorted(p.stem for p in notebooks.glob("*.ipynb") if p.stem != "index")

    for nb in DASHBOARDS:
        quiz = Quiz(nb)
        assert len(quiz.questions) >= 3 and quiz.answers == [None] * len(quiz.questions)

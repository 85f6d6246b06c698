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
    assert quiz.score == 0 and quiz.answered == 0
    assert "Score: 0 of 2" in quiz._score.value

    quiz.answer(0, 2)
    q0 = quiz.questions[0]
    assert q0.is_correct is False
    assert "Not quite" in q0._feedback.value and "A08" in q0._feedback.value
    assert quiz.score == 0 and quiz.answered == 1

    quiz.answer(0, 0)
    assert q0.is_correct is True and "Correct" in q0._feedback.value
    quiz.answer(1, 1)
    assert quiz.score == 2 and quiz.answered == 2
    assert "Score: 2 of 2" in quiz._score.value

    quiz.answer(1, None)
    assert quiz.answered == 1 and quiz.score == 1


def test_feedback_is_escaped():
    q = dict(QUESTIONS[0], feedback=["<script>x</script>", "b", "c"])
    quiz = Quiz("test", questions=[q])
    quiz.answer(0, 0)
    assert "<script>" not in quiz.questions[0]._feedback.value


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


def test_radio_buttons_are_labelled():
    quiz = Quiz("test", questions=QUESTIONS)
    assert [q._options.description for q in quiz.questions] == ["Answer 1", "Answer 2"]

"""Self-check quiz widget, driven by ``content/quiz/<dashboard>.toml``.

Each question: a prompt, options (radio buttons: keyboard-operable with Tab and
the arrow keys), immediate feedback per option citing the claim ids, and a
score line for the whole quiz.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import traitlets

from .. import content

__all__ = ["Quiz", "QuizQuestion", "validate_question"]


def validate_question(q: dict) -> None:
    """Raise ValueError if a question record does not follow the schema."""
    for key in ("id", "prompt", "options", "correct", "feedback", "claims"):
        if key not in q:
            raise ValueError(f"quiz question {q.get('id', '?')!r} lacks {key!r}")
    n = len(q["options"])
    if n < 2:
        raise ValueError(f"quiz question {q['id']!r}: needs at least 2 options, has {n}")
    if not (0 <= int(q["correct"]) < n):
        raise ValueError(f"quiz question {q['id']!r}: correct must be in 0..{n - 1}, got {q['correct']}")
    if len(q["feedback"]) != n:
        raise ValueError(f"quiz question {q['id']!r}: one feedback per option expected ({n}), got {len(q['feedback'])}")


class QuizQuestion(widgets.VBox):
    """One question: prompt, options, feedback."""

    is_correct = traitlets.Bool(allow_none=True, default_value=None)

    def __init__(self, number: int, record: dict, **kwargs):
        validate_question(record)
        self.record = record
        self.number = number
        self._prompt = widgets.HTML(
            f'<p class="rb-quiz-prompt" id="rb-q-{html.escape(record["id"])}"><strong>Question {number}.</strong> '
            f"{html.escape(record['prompt'])}</p>"
        )
        self._options = widgets.RadioButtons(
            options=[(opt, i) for i, opt in enumerate(record["options"])],
            value=None,
            description=f"Answer {number}",
            layout=widgets.Layout(width="auto", max_width="100%"),
            style={"description_width": "initial"},
        )
        self._feedback = widgets.HTML("")
        self._options.observe(self._on_answer, names="value")
        super().__init__([self._prompt, self._options, self._feedback], **kwargs)
        self.add_class("rb-quiz-question")

    def _on_answer(self, change) -> None:
        idx = change["new"]
        if idx is None:
            self.is_correct = None
            self._feedback.value = ""
            return
        ok = idx == int(self.record["correct"])
        verdict = "Correct." if ok else "Not quite."
        color = "#00603F" if ok else "#8A3B00"
        mark = "&#10004;" if ok else "&#10008;"
        self._feedback.value = (
            f'<div class="rb-quiz-feedback" role="status" aria-live="polite" style="color:{color}">'
            f"<strong>{mark} {verdict}</strong> {html.escape(self.record['feedback'][idx])}"
            f' <span class="rb-src">(claims: {html.escape(", ".join(self.record["claims"]))})</span></div>'
        )
        self.is_correct = ok

    def answer(self, option_index: int | None) -> None:
        """Select an option from Python (what a click does)."""
        self._options.value = option_index


class Quiz(widgets.VBox):
    """Self-check questions for one dashboard, with a live score line."""

    score = traitlets.Int(0, help="questions currently answered correctly")
    answered = traitlets.Int(0, help="questions with an answer selected")

    def __repr__(self) -> str:  # short, as Dashboard's (a cell's text/plain output)
        return f"Quiz({self.dashboard!r})"

    def __init__(self, dashboard: str, questions: Sequence[dict] | None = None, **kwargs):
        self.dashboard = dashboard
        records = list(questions) if questions is not None else content.quiz_questions(dashboard)
        self.questions = [QuizQuestion(i + 1, r) for i, r in enumerate(records)]
        self._score = widgets.HTML()
        for q in self.questions:
            q.observe(self._update_score, names="is_correct")
        header = widgets.HTML(
            "<p>Pick an answer: you get feedback straight away. Use Tab to move between questions and the arrow keys to choose.</p>"
        )
        self._update_score()
        super().__init__([header, *self.questions, self._score], **kwargs)
        self.add_class("rb-quiz")

    def _update_score(self, change=None) -> None:
        self.answered = sum(q.is_correct is not None for q in self.questions)
        self.score = sum(bool(q.is_correct) for q in self.questions)
        self._score.value = (
            f'<p class="rb-quiz-score" role="status" aria-live="polite"><strong>Score: {self.score} of '
            f"{len(self.questions)} correct</strong> ({self.answered} answered).</p>"
        )

    def answer(self, question_index: int, option_index: int | None) -> None:
        """Answer question ``question_index`` (0-based) from Python."""
        self.questions[question_index].answer(option_index)

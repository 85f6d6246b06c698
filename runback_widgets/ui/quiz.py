"""Self-check quiz widget, driven by ``content/quiz/<dashboard>.toml``.

Each question: a prompt, options (native radio buttons in a fieldset: keyboard-operable
with Tab and the arrow keys), immediate feedback per option citing the claim ids (each a
link to that claim's box on the page, where the page shows it), and a score line for the
whole quiz. Its words are in ``content/ui.toml`` ``[quiz]``.

One widget model for the whole quiz (an anywidget, as :mod:`.checks`): the browser draws
the questions and the feedback from the records, with no kernel round trip per click, and
saves the answers; Python keeps the score. Built from ipywidgets it was ~11 models a
question (100-160 a page, about half of a page's models), each one created in every
student's kernel, sent to the server and built again in the browser.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import traitlets

from .. import content

__all__ = ["Quiz", "validate_question", "feedback_text"]

_ESM = """
export default {
  render({ model, el }) {
    const W = model.get("words");
    const qs = model.get("questions");
    const uid = Math.random().toString(36).slice(2, 8);
    const root = document.createElement("div");
    root.className = "rb-quiz-body";
    const intro = document.createElement("p");
    intro.textContent = W.intro;
    if (W.keys) {
      const keys = document.createElement("span");
      keys.className = "rb-quiz-keys";  // hidden on touch screens (runback.css)
      keys.textContent = ` ${W.keys}`;
      intro.appendChild(keys);
    }
    root.appendChild(intro);
    // A claim id in the feedback takes the reader to that claim's box on this page (opening
    // the details it sits in), where the page shows one; otherwise it stays plain text.
    const claimBox = (id) => {
      const boxes = Array.from(document.querySelectorAll(`[data-claim-id="${id}"]`));
      return boxes.find((b) => !b.closest(".rb-quiz")) || null;
    };
    const claimRef = (id) => {
      if (!claimBox(id)) return document.createTextNode(id);
      const a = document.createElement("a");
      a.href = "#";
      a.className = "rb-quiz-claim";
      a.textContent = id;
      a.title = W.claim_link.replace("{id}", id);
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        const box = claimBox(id);
        if (!box) return;
        for (let d = box.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "-1");
        box.scrollIntoView({ block: "center" });
        box.focus({ preventScroll: true });
        box.classList.add("rb-flash");
        setTimeout(() => box.classList.remove("rb-flash"), 2500);
      });
      return a;
    };
    const answers = () => {
      const a = (model.get("answers") || []).slice();
      while (a.length < qs.length) a.push(null);
      return a;
    };
    const rows = qs.map((q, i) => {
      const box = document.createElement("fieldset");
      box.className = "rb-quiz-question";
      const legend = document.createElement("legend");
      legend.className = "rb-quiz-prompt";
      legend.id = `rb-q-${q.id}`;
      const strong = document.createElement("strong");
      strong.textContent = `${W.question} ${i + 1}.`;
      legend.append(strong, ` ${q.prompt}`);
      box.appendChild(legend);
      const inputs = q.options.map((text, k) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = `rb-q-${uid}-${i}`;
        input.value = String(k);
        input.addEventListener("change", () => {
          if (!input.checked) return;
          const a = answers();
          a[i] = k;
          model.set("answers", a);
          model.save_changes();
          draw();
        });
        const span = document.createElement("span");
        span.textContent = text;
        label.append(input, span);
        box.appendChild(label);
        return input;
      });
      // The live region is there before any answer, so a screen reader announces the feedback.
      const live = document.createElement("div");
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      box.appendChild(live);
      root.appendChild(box);
      return { q, inputs, live };
    });
    const score = document.createElement("p");
    score.className = "rb-quiz-score";
    score.setAttribute("role", "status");
    score.setAttribute("aria-live", "polite");
    root.appendChild(score);
    el.appendChild(root);

    const shown = rows.map(() => undefined);
    function draw() {
      const a = answers();
      let right = 0;
      let n = 0;
      rows.forEach(({ q, inputs, live }, i) => {
        const k = a[i];
        inputs.forEach((inp, j) => { inp.checked = k === j; });
        if (k !== null && k !== undefined) {
          n += 1;
          if (k === q.correct) right += 1;
        }
        if (shown[i] === k) return;  // unchanged: the screen reader is not told again
        shown[i] = k;
        live.replaceChildren();
        if (k === null || k === undefined || !q.feedback[k]) return;
        const ok = k === q.correct;
        const div = document.createElement("div");
        div.className = `rb-quiz-feedback ${ok ? "rb-quiz-right" : "rb-quiz-wrong"}`;
        const verdict = document.createElement("strong");
        verdict.textContent = `${ok ? "\\u2714" : "\\u2718"} ${ok ? W.correct : W.wrong}`;
        const src = document.createElement("span");
        src.className = "rb-src";
        src.append(`(${W.claims}: `);
        q.claims.forEach((id, j) => { if (j) src.append(", "); src.append(claimRef(id)); });
        src.append(")");
        // Claim ids in the sentence itself link too (the ones this question lists).
        const said = q.feedback[k].split(/\\b([AN]\\d{2})\\b/).map((part, j) => (j % 2 && q.claims.includes(part) ? claimRef(part) : part));
        div.append(verdict, " ", ...said, " ", src);
        live.appendChild(div);
      });
      const s = document.createElement("strong");
      s.textContent = W.score.replace("{score}", right).replace("{total}", rows.length);
      score.replaceChildren(s, ` ${W.answered.replace("{answered}", n)}`);
    }
    model.on("change:answers", draw);
    draw();
    return () => model.off("change:answers", draw);
  },
};
"""


def _is_index(value, n: int) -> bool:
    """``value`` is an integer (not a bool) in ``0..n-1``."""
    return not isinstance(value, bool) and isinstance(value, int) and 0 <= value < n


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


def _record(q: dict) -> dict:
    """What the browser needs of a question record (not its test-only ``check``)."""
    validate_question(q)
    return {
        "id": str(q["id"]),
        "prompt": str(q["prompt"]),
        "options": [str(o) for o in q["options"]],
        "correct": int(q["correct"]),
        "feedback": [str(f) for f in q["feedback"]],
        "claims": [str(c) for c in q["claims"]],
    }


def feedback_text(record: dict, option: int | None, words: dict | None = None) -> str:
    """The feedback the page shows for ``option`` of a question (plain text; "" unanswered):
    the same sentence the browser builds, for notebooks and tests."""
    if option is None:
        return ""
    w = words or dict(content.ui_text("quiz"))
    ok = option == int(record["correct"])
    mark = "\u2714" if ok else "\u2718"
    return (
        f"{mark} {w['correct'] if ok else w['wrong']} {record['feedback'][option]} "
        f"({w['claims']}: {', '.join(record['claims'])})"
    )


@functools.lru_cache(maxsize=1)
def _cls():
    import anywidget

    class Quiz(anywidget.AnyWidget):
        """Self-check questions for one dashboard, with a live score (one widget model).

        ``answers``: per question the chosen option's index, or None. ``score`` and
        ``answered`` follow it (Python only)."""

        _esm = _ESM
        questions = traitlets.List(traitlets.Dict()).tag(sync=True)
        answers = traitlets.List().tag(sync=True)
        words = traitlets.Dict().tag(sync=True)
        score = traitlets.Int(0, help="questions currently answered correctly")
        answered = traitlets.Int(0, help="questions with an answer selected")

        def __init__(self, dashboard: str, questions: Sequence[dict] | None = None, **kwargs):
            self.dashboard = dashboard
            records = list(questions) if questions is not None else content.quiz_questions(dashboard)
            recs = [_record(r) for r in records]
            super().__init__(questions=recs, answers=[None] * len(recs), words=dict(content.ui_text("quiz")), **kwargs)
            self.add_class("rb-quiz")

        def __repr__(self) -> str:  # short, as Dashboard's (a cell's text/plain output)
            return f"Quiz({self.dashboard!r})"

        @traitlets.validate("answers")
        def _valid_answers(self, proposal):
            value = list(proposal["value"])
            n = len(self.questions)
            if len(value) > n:
                raise traitlets.TraitError(f"answers: at most {n} (one per question), got {len(value)}")
            value += [None] * (n - len(value))
            for i, (a, q) in enumerate(zip(value, self.questions)):
                if a is None:
                    continue
                if not _is_index(a, len(q["options"])):
                    raise traitlets.TraitError(
                        f"answers[{i}]: an option index in 0..{len(q['options']) - 1} or None, got {a!r}"
                    )
            return value

        @traitlets.observe("answers")
        def _update_score(self, change=None) -> None:
            chosen = [(a, q) for a, q in zip(self.answers, self.questions) if a is not None]
            self.answered = len(chosen)
            self.score = sum(a == q["correct"] for a, q in chosen)

        @property
        def results(self) -> list[bool | None]:
            """Per question: True (right), False (wrong) or None (unanswered)."""
            return [None if a is None else a == q["correct"] for a, q in zip(self.answers, self.questions)]

        def feedback(self, question_index: int) -> str:
            """The feedback shown under question ``question_index`` (0-based), plain text."""
            self._check_question(question_index)
            return feedback_text(self.questions[question_index], self.answers[question_index], self.words)

        @property
        def score_text(self) -> str:
            w = self.words
            return (
                w["score"].format(score=self.score, total=len(self.questions))
                + " "
                + w["answered"].format(answered=self.answered)
            )

        def _check_question(self, question_index: int) -> None:
            n = len(self.questions)
            if not _is_index(question_index, n):
                raise ValueError(f"question_index must be an integer in 0..{n - 1}, got {question_index!r}")

        def answer(self, question_index: int, option_index: int | None) -> None:
            """Answer question ``question_index`` (0-based) from Python (what a click does);
            ``None`` clears it."""
            self._check_question(question_index)
            opts = len(self.questions[question_index]["options"])
            if option_index is not None and not _is_index(option_index, opts):
                raise ValueError(f"option_index must be an integer in 0..{opts - 1} or None, got {option_index!r}")
            new = list(self.answers)
            new[question_index] = option_index
            self.answers = new

    return Quiz


def Quiz(dashboard: str, questions: Sequence[dict] | None = None, **kwargs):  # noqa: N802 - a widget class
    """Self-check questions for ``dashboard`` (``content/quiz/<dashboard>.toml``, or ``questions``)."""
    return _cls()(dashboard, questions, **kwargs)

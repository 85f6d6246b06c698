"""The anatomy self-check: every [question.check] agrees with the model."""

from __future__ import annotations

import numpy as np
import pytest

from runback_widgets import content
from runback_widgets.anatomy import dimensions as dim
from runback_widgets.anatomy import model as am

QUESTIONS = content.quiz_questions("01-spine-and-si-anatomy")
CHECKED = [q for q in QUESTIONS if "check" in q]


def test_enough_reasoning_questions_with_model_checks():
    assert len(QUESTIONS) >= 5
    assert len(CHECKED) >= 5
    assert len({q["id"] for q in QUESTIONS}) == len(QUESTIONS)


def _tilt_word(t: float) -> str:
    return "anterior" if t > 0 else "posterior" if t < 0 else "neutral"


@pytest.mark.parametrize("q", CHECKED, ids=[q["id"] for q in CHECKED])
def test_check_agrees_with_the_model(q):
    c = q["check"]
    kind = c["kind"]
    if kind == "tilt_direction":
        t = am.tilt_from_muscles(c["hamstrings"], c["hip_flexors"])
        p = am.posture(t)
        assert _tilt_word(t) == c["expect_tilt"]
        word = (
            "deeper"
            if p.lordosis > dim.LORDOSIS_NEUTRAL
            else "flatter"
            if p.lordosis < dim.LORDOSIS_NEUTRAL
            else "same"
        )
        assert word == c["expect_lordosis"]
        # The correct option's wording matches the direction.
        correct = q["options"][q["correct"]].lower()
        assert ("backward" if c["expect_tilt"] == "posterior" else "forward") in correct
    elif kind == "nerve_root_at_disc":
        root = am.nerve_root_at_disc(c["disc"], c["where"])
        assert root == c["expect"]
        assert root.split("_")[-1] in q["options"][q["correct"]]
    elif kind == "pelvic_drop":
        s = am.gait_state(c["phase"], c["abductor_strength"])
        strong = am.gait_state(c["phase"], 1.0)
        assert s.stance_side == c["expect_stance"]
        assert s.swing_side == c["expect_drop_side"]
        assert s.trendelenburg is c["expect_trendelenburg"]
        assert (s.effort["lumbar_extensors"] > strong.effort["lumbar_extensors"]) is c["expect_lumbar_extensors_more"]
        assert c["expect_drop_side"] in q["options"][q["correct"]].lower()
    elif kind == "si_motion":
        rots = [abs(v) for ph in np.linspace(0, 0.99, 100) for v in am.gait_state(ph).si_rotation.values()]
        assert c["min_deg"] <= max(rots) <= c["max_deg"]
    elif kind == "show_me":
        pt = content.load_toml("anatomy.toml")["pain_type"][c["pain_type"]]
        assert set(c["must_include"]) <= set(pt["structures"])
        assert not set(c.get("must_exclude", [])) & set(pt["structures"])
    else:
        pytest.fail(f"{q['id']}: unknown check kind {kind!r}")


def test_quiz_covers_every_claim_the_dashboard_shows():
    covered = {cid for q in QUESTIONS for cid in q["claims"]}
    shown = {cid for cid, c in content.claims().items() if "01-spine-and-si-anatomy" in c.shown_in}
    assert shown <= covered, sorted(shown - covered)

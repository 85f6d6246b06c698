"""Symptom explorer v2 on screen (issue 12), through public traits and the
public safety-net and consider boxes: the safety net is drawn next to the result
for leg pain, the consider list names conditions outside the three types with
their tier, tier wording is consistent, and the age box takes "34 years"."""

from __future__ import annotations

import re

import pytest

from runback_widgets.symptoms import SYMPTOMS
from runback_widgets.symptoms.model import fit_text, urgency_text
from runback_widgets.symptoms.widget import SymptomExplorer, parse_age


@pytest.fixture
def app():
    return SymptomExplorer()


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value))


def _visible(w) -> bool:
    return w.layout.display != "none"


def _results_order(app):
    return list(app.results.children)


def test_leg_pain_shows_the_safety_net_next_to_the_result(app):
    assert not _visible(app.slot("safety_net"))
    app.set(symptoms=["pain_down_leg"], age=40)
    assert app.result.urgency == "self_care" and app.result.safety_net
    assert _visible(app.slot("safety_net"))
    text = _text(app.slot("safety_net").value).lower()
    for phrase in ("emergency department", "both legs", "genitals"):
        assert phrase in text
    order = _results_order(app)
    # right under the leading sentence and the urgency box, above the chart
    assert order.index(app.slot("safety_net")) < order.index(app.chart.fig)


def test_consider_list_names_conditions_with_tier_and_source(app):
    app.set(symptoms=["pain_one_side", "worse_arching_back"], age=15)
    assert app.result.leading is None
    assert _visible(app.slot("consider"))
    text = _text(app.slot("consider").value)
    assert "Spondylolysis" in text
    assert urgency_text(app.result.consider[0].tier)["title"] in text
    assert "N15" in text  # the claim box names Micheli & Wood 1995
    app.detail = True
    assert "micheli_wood_1995" in _text(app.slot("consider").value)  # student view: reference ids too
    app.detail = False
    assert fit_text()["none_plain"] in _text(app.slot("leading").value)
    steps = _text(app.slot("steps").value).lower()
    assert "mountain climbers" not in steps and "roll your buttock" not in steps


@pytest.mark.parametrize(
    "ticks",
    [
        ["fever"],
        ["history_of_cancer", "ache_across_lower_back"],
        ["unexplained_weight_loss"],
        ["pain_when_hopping_or_landing"],
    ],
)
def test_urgent_is_never_titled_emergency(app, ticks):
    app.set(symptoms=ticks, age=40)
    assert app.result.urgency == "see_doctor_now"
    assert not _visible(app.slot("banner"))
    box = _text(app.slot("urgency").value)
    assert urgency_text("see_doctor_now")["title"] in box
    assert "emergency care now" not in box.lower()
    assert urgency_text("emergency")["title"] not in box


def test_student_view_shows_clinical_terms_for_new_ticks(app):
    def label(sid):
        return next(c.labels[sid] for c in app.control("symptoms").checks.values() if sid in c.labels)

    app.detail = True
    assert "extension" in label("worse_arching_back").lower()
    assert "claudication" in label("leg_pain_walking_eased_by_sitting").lower()
    app.detail = False
    assert label("worse_arching_back") == SYMPTOMS["worse_arching_back"].plain


@pytest.mark.parametrize(
    "text,years", [("34", 34), ("34 years", 34), ("34 Years old", 34), ("34y", 34), ("12,5", 12.5), (" 70 yrs ", 70)]
)
def test_age_box_accepts_years(text, years):
    assert parse_age(text) == years


def test_rejected_age_hides_the_old_result_and_says_why_beside_the_box(app):
    app.set(symptoms=["pain_one_side", "worse_arching_back"], age=15)
    assert app.result.urgency == "see_doctor"
    app.age = "fifteen"
    assert app.result is None and app.age_error
    assert not _visible(app.results)  # the results column
    app.age = "15"
    assert app.result.urgency == "see_doctor" and app.age_error == ""
    assert _visible(app.results)

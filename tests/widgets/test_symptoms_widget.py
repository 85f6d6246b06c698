"""SymptomExplorer driven from Python through its public traits (symptoms, age, detail): result,
banner, text slots and figure data."""

from __future__ import annotations

import re
import time

import pytest

from runback_widgets.symptoms import PAIN_TYPES, SYMPTOMS
from runback_widgets.symptoms.model import type_info, urgency_text
from runback_widgets.symptoms.widget import SymptomExplorer


@pytest.fixture
def app():
    return SymptomExplorer()


def _bar(app):
    bar = app.chart.fig.data[0]
    return dict(zip(PAIN_TYPES, bar.x)), dict(zip(PAIN_TYPES, bar.text))


def _text(html_value: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_value)


def tick(app, sid, on=True):
    """What ticking (or unticking) one box does."""
    app.symptoms = [s for s in app.symptoms if s != sid] + ([sid] if on else [])


def label(app, sid):
    """The visible label of a symptom's checkbox."""
    return next(c.labels[sid] for c in app.control("symptoms").checks.values() if sid in c.labels)


def shown(w) -> bool:
    return w.layout.display != "none"


def test_starts_empty_with_not_enough_information(app):
    assert app.result.urgency == "not_enough_information"
    assert not shown(app.slot("banner"))
    assert _text(app.slot("leading").value) and not any(
        type_info(t)["label"] in _text(app.slot("leading").value) for t in PAIN_TYPES
    )
    xs, _ = _bar(app)
    assert all(v == 0 for v in xs.values())


def test_ticking_muscle_signs_updates_ranking_text_and_chart(app):
    tick(app, "pain_one_side")
    tick(app, "muscle_spasms")
    assert app.result.ranking[0] == "muscle"
    assert app.result.urgency == "self_care"
    assert type_info("muscle")["plain"] in _text(app.slot("leading").value)
    xs, text = _bar(app)
    assert xs["muscle"] == pytest.approx(0.8)
    assert "best fit" in text["muscle"] and "0.80" in text["muscle"]
    assert app.chart.fig.data[0].marker.line.width[PAIN_TYPES.index("muscle")] > 0
    assert urgency_text("self_care")["title"] in _text(app.slot("urgency").value)
    # why table: each ticked symptom -> type, weight, source claim
    why = app.slot("why").value
    assert why.count("<tr>") == 1 + 2 and "A06" in why and "0.60" in why
    # next steps carry A12 ("see a doctor if it does not settle")
    assert 'data-step-id="see_doctor_if_not_settling"' in app.slot("steps").value
    # summaries for screen readers follow the figures
    assert "Muscle-related 0.80" in app.slot("chart_summary").value
    assert "beside the spine" in app.slot("body_summary").value


def test_red_flag_banner_first_and_overrides(app):
    tick(app, "pain_one_side")
    assert not shown(app.slot("banner"))
    tick(app, "saddle_numbness")
    assert app.result.urgency == "emergency"
    assert app.result.red_flags == ("saddle_numbness",)
    assert shown(app.slot("banner"))
    assert 'role="alert"' in app.slot("banner").value
    assert "emergency" in _text(app.slot("banner").value).lower()
    assert "cauda equina" in _text(app.slot("banner").value).lower()
    # a pointer right under the warning-sign boxes (phones show the results below the controls)
    assert shown(app.slot("flag_pointer")) and "emergency department" in app.slot("flag_pointer").value
    # the banner is the first output in the results column
    assert app.results.children[0] is app.slot("banner")
    # unticking removes it
    tick(app, "saddle_numbness", False)
    assert not shown(app.slot("banner")) and not shown(app.slot("flag_pointer"))
    assert app.result.urgency == "self_care"


# v2 (issue 12): only emergency-tier signs show the emergency banner; fever alone,
# weight loss and feeling unwell are urgent or routine (N05, Finucane 2020), and
# their box never carries an "emergency" title (see test_symptoms_safety_widget.py).
EMERGENCY_SIGNS = [
    "saddle_numbness",
    "bladder_or_bowel_change",
    "sexual_function_change",
    "both_legs",
    "progressive_leg_weakness",
    "significant_trauma",
    "sudden_tearing_pain",
]


@pytest.mark.parametrize("flag", EMERGENCY_SIGNS)
def test_every_emergency_sign_shows_the_banner(app, flag):
    tick(app, flag)
    assert app.result.urgency == "emergency"
    assert shown(app.slot("banner")) and "emergency department" in _text(app.slot("banner").value).lower()


def test_sciatica_says_see_doctor_soon_and_links_anatomy(app):
    # v1 said "see a doctor straight away" (A13); NG59/CKS: radicular pain without deficit is not urgent (N14).
    tick(app, "pain_below_knee_or_into_toes")
    assert app.result.urgency == "see_doctor"
    assert urgency_text("see_doctor")["title"] in _text(app.slot("urgency").value)
    assert "N04" in app.slot("steps").value
    assert "01-spine-and-si-anatomy.ipynb?structure=disc_L4_L5" in app.slot("links").value
    assert "structure=nerve_root_L5_left" in app.slot("links").value
    # body map: calf and foot outlined thick (ticked) and patterned (where disc pain is felt)
    bm = app.body
    calf = bm.fig.data[1 + bm.region_ids.index("calf")]
    assert calf.line.width == 4
    assert calf.fillpattern.shape == "x"
    para = bm.fig.data[1 + bm.region_ids.index("paraspinal_left")]
    assert para.line.width == 1


def test_age_input_and_error_panel(app):
    tick(app, "ache_across_lower_back")
    before = app.result.scores["bone"]
    app.age = "72"
    assert app.result.age == 72
    assert app.result.scores["bone"] > before
    assert "Age over 65" in app.slot("why").value
    # v2 (issue 12): a rejected age never leaves the old result on screen; the error sits beside the box.
    app.age = "two hundred"
    assert app.result is None and "0 to 120" in app.age_error
    app.age = "130"
    assert app.result is None and "0 to 120" in app.age_error
    app.age = "34 years"
    assert app.result.age == 34 and app.age_error == ""
    app.age = ""
    assert app.age_error == "" and app.result.age is None


def test_detail_toggle_switches_wording(app):
    assert label(app, "pain_one_side") == SYMPTOMS["pain_one_side"].plain
    tick(app, "pain_one_side")
    plain_lead = app.slot("leading").value
    app.detail = True
    assert app.control("detail").value is True
    assert label(app, "pain_one_side") == SYMPTOMS["pain_one_side"].detail
    assert app.slot("leading").value != plain_lead
    assert SYMPTOMS["pain_one_side"].detail in app.slot("why").value
    assert label(app, "saddle_numbness") == SYMPTOMS["saddle_numbness"].detail
    app.detail = False
    assert label(app, "pain_one_side") == SYMPTOMS["pain_one_side"].plain


def test_claims_and_disclaimer_on_page(app):
    from runback_widgets.ui.components import Disclaimer

    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    html_all = " ".join(getattr(w, "value", "") for w in walk(app) if isinstance(getattr(w, "value", None), str))
    shown = set(re.findall(r'data-claim-id="([AN]\d\d)"', html_all))
    assert {"A05", "A06", "A07", "A08", "A10", "A11", "A12", "A13", "N01", "N02", "N04", "N05", "N07"} <= shown
    assert any(isinstance(w, Disclaimer) for w in walk(app))


def test_controls_are_labelled(app):
    groups = app.control("symptoms").checks
    assert {sid for c in groups.values() for sid in c.options} == set(SYMPTOMS)
    for c in groups.values():
        assert c.legend and all(c.labels[sid].strip() for sid in c.options)
    assert app.control("age").description and app.control("detail").description


def test_scenario_round_trip(app):
    app.set(symptoms={"pain_down_leg", "worse_bending_forward"}, age=40)
    state = app.scenario_state()
    assert {k: state[k] for k in ("symptoms", "age")} == {
        "symptoms": "pain_down_leg,worse_bending_forward",
        "age": "40",
    }
    other = SymptomExplorer()
    assert other.apply_scenario(state) == []
    assert other.result == app.result


def test_scenario_keeps_tick_order(app):
    link = {"symptoms": "worse_bending_forward,pain_down_leg,pain_below_knee_or_into_toes", "age": "41"}
    assert app.apply_scenario(link) == []
    assert {k: app.scenario_state()[k] for k in link} == link
    tick(app, "pain_down_leg", False)
    tick(app, "fever")
    tick(app, "pain_down_leg")
    assert app.scenario_state()["symptoms"] == "worse_bending_forward,pain_below_knee_or_into_toes,fever,pain_down_leg"


def test_ticks_in_the_browser_keep_their_order(app):
    groups = app.control("symptoms").checks
    for sid in ("worse_bending_forward", "pain_down_leg"):
        c = next(c for c in groups.values() if sid in c.options)
        c.value = [*c.value, sid]  # what a click does
    assert app.symptoms == ("worse_bending_forward", "pain_down_leg")


@pytest.mark.parametrize(
    "params,expect_ticked,expect_age,n_notes",
    [
        ({"symptoms": "fever,pain_one_side"}, ("pain_one_side", "fever"), None, 0),  # ticked: vocabulary order
        ({"symptoms": "<script>alert(1)</script>,fever"}, ("fever",), None, 1),
        ({"age": "nan"}, (), None, 1),
        ({"age": "-5", "symptoms": ""}, (), None, 1),
        ({"age": "1e400"}, (), None, 1),
        ({"bogus": "1", "age": "66"}, (), 66, 1),
        ({"symptoms": "x" * 10_000}, (), None, 1),
        ({"symptoms": ",".join(f"bad{i}" for i in range(50))}, (), None, 6),
        ({"structure": "disc_L4_L5"}, (), None, 1),  # another dashboard's setting: noted, not special-cased
    ],
)
def test_apply_scenario_hostile_values(app, params, expect_ticked, expect_age, n_notes):
    notes = app.apply_scenario(params)
    assert len(notes) == n_notes, notes
    assert set(app.symptoms) == set(expect_ticked) and set(app.result.symptoms) == set(expect_ticked)
    assert app.result.age == expect_age
    for n in notes:
        assert len(n) < 300


def test_apply_scenario_never_raises_on_garbage(app):
    assert app.apply_scenario(None) == []  # no settings
    assert app.apply_scenario({"symptoms": ""}) == []
    assert app.apply_scenario({1: 2}) != []


def test_update_is_fast(app):
    times = []
    for i in range(30):
        t0 = time.perf_counter()
        tick(app, "muscle_spasms", on=i % 2 == 0)
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    assert median < 0.1, median


def test_presenter_mode_figures_readable_on_dark(monkeypatch):
    monkeypatch.setenv("RUNBACK_PRESENT", "1")
    app = SymptomExplorer(symptoms={"pain_down_leg"})
    bm = app.body
    labels = next(t for t in bm.fig.data if t.mode == "text")  # the region labels
    assert labels.textfont.color == "#FFFFFF"
    assert bm.fig.data[1 + bm.region_ids.index("buttock")].line.color == "#FFFFFF"
    assert app.chart.fig.data[0].marker.line.color == "#FFFFFF"
    assert app.chart.fig.layout.template.layout.paper_bgcolor == "#111111"


def test_clear_all_button(app):
    app.set(symptoms={"fever", "pain_one_side"}, age=50)
    app.clear_button.click()
    assert app.symptoms == () and app.result.age is None
    assert app.result.urgency == "not_enough_information"
    assert not shown(app.slot("banner"))


def test_self_care_result_links_to_what_helps_and_a_warning_sign_removes_it(app):
    """Issue 15: the explorer's next steps open the What helps planner for a self-care result;
    the planner only plans for self-care, so a warning sign takes the link away."""
    from urllib.parse import parse_qs, urlsplit

    tick(app, "pain_one_side")
    tick(app, "muscle_spasms")
    assert app.result.urgency == "self_care"
    hrefs = re.findall(r'href="([^"]*04-what-helps[^"]*)"', app.slot("steps").value)
    assert len(hrefs) == 1
    query = parse_qs(urlsplit(hrefs[0].replace("&amp;", "&")).query)
    assert query["urgency"] == ["self_care"] and query["view"] == ["return"]
    tick(app, "saddle_numbness")
    assert app.result.urgency == "emergency"
    assert "04-what-helps" not in app.slot("steps").value

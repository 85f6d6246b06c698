"""The dashboard base (runback_widgets.ui.dashboard) on a small example, and the things every
dashboard on it must do: no widget models opened per interaction, bad values rejected clearly."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from runback_widgets.ui.dashboard import (
    DETAIL,
    Choice,
    ControlValueError,
    Dashboard,
    MultiChoice,
    Number,
    Preset,
    Toggle,
)
from runback_widgets.ui.render import Markup, Page, h, to_html

PRESETS = {"easy": {"speed": 2.5, "minutes": 30}, "hard": {"speed": 4.0, "minutes": 60}}


class Toy(Dashboard):
    """The smallest dashboard: a preset, two numbers, a choice, a multi-choice."""

    controls = (
        DETAIL,
        Preset(
            "preset",
            "Preset",
            default="easy",
            options={"easy": "Easy", "hard": "Hard", "custom": "Custom"},
            values=PRESETS,
        ),
        Number("speed", "Speed (m/s)", 2.0, 6.0, step=0.1, default=2.5),
        Number("minutes", "Minutes", 10, 180, step=5, default=30),
        Choice("view", "View", default="run", options={"run": "Run", "compare": "Compare"}, buttons=True),
        MultiChoice("parts", "Parts:", default=("a",), options={"a": "A", "b": "B", "c": "C"}),
        Toggle("flag", "Flag", default=False, link=False),
    )

    def build(self):
        self.updates = []
        return [self.control(c.key) for c in self.controls] + [self.slot("text")]

    def update(self, changed):
        self.updates.append(set(changed))
        self.render({"text": h("p", f"{self.speed:g} m/s for {self.minutes} min, <{self.view}>")})


def test_traits_come_from_the_spec_and_drive_the_widgets():
    app = Toy()
    assert (app.speed, app.minutes, app.view, app.parts, app.detail) == (2.5, 30, "run", ("a",), False)
    app.speed = 3.3
    assert app.control("speed").value == pytest.approx(3.3)
    assert "3.3 m/s" in app.slot("text").value
    app.control("minutes").value = 45  # what the browser does
    assert app.minutes == 45 and "45 min" in app.slot("text").value
    app.parts = ["c", "a"]
    assert app.parts == ("a", "c") and app.control("parts").value == ["a", "c"]


def test_text_is_escaped_once_at_render():
    app = Toy(view="compare")
    assert "&lt;compare&gt;" in app.slot("text").value and "&amp;lt;" not in app.slot("text").value
    assert to_html(h("p", "a < b", Markup("<br>"))) == "<p>a &lt; b<br></p>"


def test_one_update_per_batch_and_per_link():
    app = Toy()
    app.updates.clear()
    with app.batch():
        app.speed = 3.0
        app.minutes = 50
    assert len(app.updates) == 1 and {"speed", "minutes"} <= app.updates[0]
    app.updates.clear()
    assert app.apply_scenario({"speed": "4.2", "view": "compare", "parts": "b"}) == []
    assert len(app.updates) == 1


def test_slider_echo_is_the_same_value():
    """A browser sends back 0.44999999999999996 for 0.45: snapped to the step, no recompute."""
    app = Toy()
    app.speed = 3.0
    app.updates.clear()
    app.control("speed").value = 3.0000000000000004
    assert app.speed == 3.0 and app.updates == []


def test_presets_set_values_and_show_custom_when_left():
    app = Toy()
    app.preset = "hard"
    assert (app.speed, app.minutes) == (4.0, 60)
    app.speed = 4.5
    assert app.preset == "custom" and app.control("preset").value == "custom"
    app.preset = "easy"
    assert (app.speed, app.minutes, app.preset) == (2.5, 30, "easy")
    # A link: the preset first, then its own values win (and so it is custom).
    assert app.apply_scenario({"minutes": "90", "preset": "hard"}) == []
    assert (app.preset, app.speed, app.minutes) == ("custom", 4.0, 90)
    assert app.apply_scenario({"preset": "custom", "speed": "5"}) == []
    assert (app.preset, app.speed, app.minutes) == ("custom", 5.0, 90)


def test_scenario_round_trip_and_plain_notes():
    app = Toy()
    app.set(speed=3.7, minutes=95, view="compare", parts=("b", "c"), detail=True)
    state = app.scenario_state()
    assert "flag" not in state and state["speed"] == "3.7" and state["parts"] == "b,c" and state["detail"] == "1"
    fresh = Toy()
    assert fresh.apply_scenario(state) == [] and fresh.scenario_state() == state
    notes = fresh.apply_scenario({"speed": "<b>fast</b>", "flag": "1", "nope": "1", "minutes": "1e999"})
    assert len(notes) == 4
    assert any("<b>fast</b>" in n for n in notes)  # plain text: escaped where it is shown
    assert fresh.scenario_state() == state


@pytest.mark.parametrize(
    "name, bad",
    [
        ("speed", 9),
        ("speed", float("nan")),
        ("speed", "3"),
        ("minutes", None),
        ("view", "x"),
        ("parts", "a"),
        ("parts", ["z"]),
        ("detail", 2),
    ],
)
def test_bad_python_values_raise_value_errors_naming_the_control(name, bad):
    app = Toy()
    with pytest.raises(ValueError, match=name):
        setattr(app, name, bad)
    with pytest.raises(ControlValueError):
        Toy(**{name: bad})


def test_glossary_terms_are_marked_once_per_page_at_render():
    page = Page()
    first = page.html("a", h("p", "The sacroiliac joint and the sacroiliac joint again."))
    second = page.html("b", h("p", "The sacroiliac joint."))
    assert first.count("rb-term") == 1 and "rb-term" not in second
    assert page.html("a", h("p", "The sacroiliac joint.")).count("rb-term") == 1  # stays where it was
    assert "rb-term" not in page.html("c", h("h3", "sacroiliac joint"))


def test_the_stylesheet_is_one_model_per_page():
    from runback_widgets.ui.render import stylesheet

    a, b = Toy(), Toy()
    sheets = [
        w for app in (a, b) for w in app.children if isinstance(w, widgets.HTML) and "rb-stylesheet" in w._dom_classes
    ]
    assert len(sheets) == 2 and sheets[0] is sheets[1] is stylesheet()
    assert ".rb-claim" in sheets[0].value

"""Shareable scenarios: the query-string parser and every dashboard's apply_scenario
against hostile links (Hypothesis), and the round trip state -> link -> state."""

from __future__ import annotations

import html
import importlib
import inspect
import math
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback_widgets.ui import share

DASHBOARD_MODULES = (
    "runback_widgets.anatomy.widget",
    "runback_widgets.symptoms.widget",
    "runback_widgets.loadsim.widget",
)


def _app_classes():
    """Top-level app classes of the dashboards that exist now (contract: a Box with
    scenario_state and apply_scenario)."""
    import ipywidgets as widgets

    found = []
    for mod_name in DASHBOARD_MODULES:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if (
                obj.__module__ == mod.__name__
                and issubclass(obj, widgets.Box)
                and callable(getattr(obj, "scenario_state", None))
                and callable(getattr(obj, "apply_scenario", None))
            ):
                found.append(obj)
    return found


APP_CLASSES = _app_classes()
_APPS: dict = {}


def app_of(cls):
    """One instance per class (building a dashboard is not free)."""
    if cls not in _APPS:
        _APPS[cls] = cls()
    return _APPS[cls]


HOSTILE_VALUES = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "999999999999",
    "1e-320",
    "3.5.1",
    "0x10",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&lt;b&gt;",
    "' OR 1=1 --",
    "\x00\x01\x1b[31m",
    "a" * 10_000,
    ",,,",
    "%00",
    "☃",
    "\u202e",
    "true",
    "None",
    "[]",
    "{}",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES), st.text(max_size=60), st.text(alphabet="<>&\"',;=%", max_size=30)
)


def known_keys(app) -> list[str]:
    return sorted(app.scenario_state().keys())


# --- parsing layer ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_query_never_raises_on_any_text(raw):
    params, notes = share.parse_query(raw)
    assert isinstance(params, dict) and isinstance(notes, list)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert all(len(k) <= share.MAX_KEY and len(v) <= share.MAX_VALUE for k, v in params.items())
    assert all(k not in share.RESERVED for k in params)
    assert all(ch.isprintable() for k, v in params.items() for ch in k + v)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(hostile_text, hostile_text), max_size=12))
def test_parse_query_of_encoded_pairs(pairs):
    params, notes = share.parse_query(urlencode(pairs))
    assert len(params) <= share.MAX_PARAMS
    for n in notes:
        assert isinstance(n, str)


def test_parse_query_limits_and_reserved():
    assert share.parse_query(None) == ({}, [])
    assert share.parse_query("?token=abc&template=x&theme=dark") == ({}, [])
    params, notes = share.parse_query("a=" + "x" * 5000)
    assert params == {} and "too long" in notes[0]
    params, notes = share.parse_query("&".join(f"k{i}=1" for i in range(200)))
    assert params == {} and "too many" in notes[0]
    params, notes = share.parse_query("speed=3&speed=4")
    assert params == {"speed": "4"} and "more than once" in notes[0]
    params, notes = share.parse_query("x=" + quote("a" * (share.MAX_VALUE + 5)))
    assert params == {} and "too long" in notes[0]


def test_scenario_query_round_trip():
    state = {"preset": "weak glutes & tired", "speed": "3.5", "empty": ""}
    q = share.scenario_query(state)
    assert "empty" not in q
    params, notes = share.parse_query(q)
    assert params == {"preset": "weak glutes & tired", "speed": "3.5"} and notes == []


# --- the dashboards -----------------------------------------------------------------------------

needs_apps = pytest.mark.skipif(not APP_CLASSES, reason="no dashboard app class exists yet")


@needs_apps
@pytest.mark.parametrize("cls", APP_CLASSES, ids=lambda c: c.__module__.split(".")[1])
def test_state_is_flat_strings_and_round_trips(cls):
    app = app_of(cls)
    state = app.scenario_state()
    assert isinstance(state, dict) and state
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in state.items())
    wrapped = share.shareable(app, query=share.scenario_query(state))
    assert wrapped.notes == [], wrapped.notes
    assert app.scenario_state() == state


@needs_apps
@pytest.mark.parametrize("cls", APP_CLASSES, ids=lambda c: c.__module__.split(".")[1])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_links_give_notes_never_errors(cls, data):
    app = app_of(cls)
    keys = known_keys(app)
    key = st.one_of(
        st.sampled_from(keys),
        st.sampled_from(["<script>", "preset", "x" * 50, "__class__", "speed", "age"]),
        st.text(max_size=20),
    )
    pairs = data.draw(st.lists(st.tuples(key, hostile_text), min_size=1, max_size=6))
    query = urlencode(pairs)
    params, _ = share.parse_query(query)
    notes = app.apply_scenario(params)
    assert isinstance(notes, list) and all(isinstance(n, str) for n in notes)
    # Notes are plain text, escaped once where they are shown: no markup comes through the page.
    wrapped = share.shareable(app, query=query)
    body = wrapped._note.value
    for tag in ("<script", "<b>", "<img", "<svg", "<iframe"):
        assert tag not in body.lower().replace("&lt;", ""), body
    state = app.scenario_state()
    assert all(isinstance(v, str) for v in state.values())
    for v in state.values():
        assert "<" not in v and len(v) <= 2000
        try:
            assert not math.isnan(float(v))
        except ValueError:
            pass
    # Whatever was applied is a valid scenario: applying it again changes nothing.
    again = app.apply_scenario(state)
    assert again == [], again
    assert app.scenario_state() == state


@needs_apps
@pytest.mark.parametrize("cls", APP_CLASSES, ids=lambda c: c.__module__.split(".")[1])
def test_shareable_shows_escaped_note(cls):
    app = app_of(cls)
    wrapped = share.shareable(
        app, query="nonsense=<script>alert(1)</script>&" + urlencode({"<img src=x onerror=1>": "1"})
    )
    assert wrapped.notes, "an unknown setting must produce a visible note"
    note_html = wrapped._note.value
    assert wrapped._note.layout.display != "none"
    assert "<script" not in note_html and "<img" not in note_html
    assert html.escape("<script>") in note_html or "unusable name" in note_html or "nonsense" in note_html


def test_shareable_outside_voila_reads_no_query(monkeypatch):
    import ipywidgets as widgets

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    share._query_cache.clear()

    class Tiny(widgets.VBox):
        def __init__(self):
            self._s = widgets.IntSlider(value=3, min=0, max=10, description="n")
            super().__init__([self._s])

        def scenario_state(self):
            return {"n": str(self._s.value)}

        def apply_scenario(self, params):
            notes = []
            for k, v in params.items():
                if k != "n":
                    notes.append(f"Unknown setting '{html.escape(k)}' was ignored.")
                    continue
                try:
                    n = int(v)
                    if not 0 <= n <= 10:
                        raise ValueError
                    self._s.value = n
                except ValueError:
                    notes.append(f"'{html.escape(v[:20])}' is not a whole number from 0 to 10.")
            return notes

    app = Tiny()
    w = share.shareable(app)
    assert w.notes == [] and w.query == "n=3"
    app._s.value = 7
    assert w.query == "n=7" and w._link.query == "n=7"
    w2 = share.shareable(Tiny(), query="n=11&n=abc")
    assert len(w2.notes) == 2
    share._query_cache.clear()
    monkeypatch.setenv("QUERY_STRING", "n=5")
    assert share.page_query_string() == "n=5"
    share._query_cache.clear()


def test_a_preheated_page_is_built_whole_before_its_visitor_and_gets_the_link_at_the_end(monkeypatch):
    """In a pre-heated kernel (runback serve --classroom) ``shareable`` must not wait for the
    visitor: the rest of the page (tables, quiz, references) is built ahead of time too. The
    page's last cell, ``apply_page_link()``, waits there and applies the visitor's link."""
    import ipywidgets as widgets

    asked = []

    def visitor_arrives():
        asked.append(True)
        return {"QUERY_STRING": "n=7"}

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setattr(share, "_request_info_from_server", visitor_arrives)
    share._query_cache.clear()
    share._pending.clear()

    class Tiny(widgets.VBox):
        def __init__(self):
            self._s = widgets.IntSlider(value=3, min=0, max=10)
            super().__init__([self._s])

        def scenario_state(self):
            return {"n": str(self._s.value)}

        def apply_scenario(self, params):
            self._s.value = int(params["n"])
            return []

    app = Tiny()
    w = share.shareable(app)
    assert not asked and w.query == "n=3"  # built with the default scenario, nobody asked yet
    share.apply_page_link()
    assert asked == [True] and app._s.value == 7 and w.query == "n=7" and not share._pending
    share.apply_page_link()  # nothing left: no second wait
    assert asked == [True]
    share._query_cache.clear()


def test_every_page_with_a_shareable_app_applies_the_link_in_its_last_cell():
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "notebooks"
    pages = 0
    for nb in sorted(folder.glob("*.ipynb")):
        code = ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
        if not any("shareable(" in c for c in code):
            continue
        pages += 1
        assert code[-1].rstrip().endswith("apply_page_link()"), nb.name
    assert pages >= 4


def test_a_page_s_widgets_have_a_short_repr():
    """A cell's result widget gets repr() as its text/plain output in every kernel; the whole
    widget tree (figures' data included) took ~0.1 s of the anatomy page's run."""
    from runback_widgets.loadsim.widget import RunLoadSimulator
    from runback_widgets.ui.quiz import Quiz

    page = share.shareable(RunLoadSimulator(), query="")
    assert repr(page) == "Shareable(RunLoadSimulator('03-run-load-simulator'))"
    assert repr(Quiz("03-run-load-simulator")) == "Quiz('03-run-load-simulator')"

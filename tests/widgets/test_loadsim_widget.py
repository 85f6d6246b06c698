"""Run load simulator driven from Python through its public traits: set inputs, assert results
and figure data (not sentences copied from the TOML, not private attributes)."""

from __future__ import annotations

import numpy as np
import pytest
from ipywidgets.widgets import widget as widget_module

from runback_widgets.loadsim import PRESETS, simulate_run
from runback_widgets.loadsim.model import GROUPS, pace_min_per_km
from runback_widgets.loadsim.widget import CLAIMS, NAME, VIEW_CHARTS, RunLoadSimulator
from runback_widgets.ui.share import shareable


@pytest.fixture(scope="module")
def built():
    return RunLoadSimulator()


@pytest.fixture
def app(built):
    """One dashboard per module (building one takes seconds), reset to its defaults."""
    built.reset()
    return built


def ydata(fig, i=0):
    return np.asarray(fig.data[i].y, dtype=float)


def test_starts_on_the_default_preset_with_three_drawn_figures_and_the_band(app):
    expected = simulate_run(*PRESETS[app.preset])
    assert app.result.takeover_min == expected.takeover_min  # late in the hour for the default (weak glutes)
    assert app.result.peak_lumbar_load_index == pytest.approx(expected.peak_lumbar_load_index)
    for key in VIEW_CHARTS["run"]:
        fig = app.charts[key].fig
        assert len(fig.data) >= 3 and all(len(t.y) > 0 for t in fig.data[:2] if t.y is not None)
        assert "rb-figure-summary" in app.slot(key).value
    index = app.charts["index"].fig
    assert list(index.data[2].x) == [pytest.approx(expected.takeover_min)]
    assert len(app.charts["shares"].fig.layout.shapes) == 1
    # the uncertainty band (traces 3 and 4): the band object's edges, drawn around the run
    high, low = ydata(index, 3), ydata(index, 4)
    assert np.allclose(high, app.band.high) and np.allclose(low, app.band.low) and (high >= low).all()
    run_on_band = np.interp(app.band.time_s, app.result.time_s, app.result.lumbar_load_index)
    assert ((low <= run_on_band + 1e-9) & (run_on_band <= high + 1e-9)).mean() > 0.95
    assert f"{app.band.high[-1]:.2f}" in app.slot("index").value
    assert f"{expected.lumbar_load_index[-1] - 1:+.0%}" in app.slot("sentence").value


def test_a_takeover_is_marked_and_said(app):
    app.preset = "returning_after_break"
    expected = simulate_run(*PRESETS["returning_after_break"])
    assert app.result.takeover_min == pytest.approx(expected.takeover_min)
    assert list(app.charts["index"].fig.data[2].x) == [pytest.approx(expected.takeover_min)]
    assert len(app.charts["shares"].fig.layout.shapes) == 1
    assert f"{int(expected.takeover_min) + 1}" in app.slot("sentence").value


def test_cohort_chart_counts_the_runners_who_never_take_over(app):
    app.set(preset="weak_glutes", view="cohort")
    never = int((~np.isfinite(app.cohort.takeover_min)).sum())
    bar = app.charts["cohort"].fig.data[1]
    assert list(bar.y) == [never] and 0 < never < app.cohort.n
    assert f"{never} " in app.slot("cohort").value


def test_endurance_hold_view_follows_its_control(app):
    from runback_widgets.loadsim.model import endurance_hold

    app.view = "hold"
    fig = app.charts["hold"].fig
    et = endurance_hold(0.5, "trunk").endurance_s
    assert list(fig.data[3].x) == [pytest.approx(et)]
    app.hold_load = 0.2
    assert fig.data[3].x[0] == pytest.approx(endurance_hold(0.2, "trunk").endurance_s) and fig.data[3].x[0] > 4 * et
    assert app.scenario_state()["hold_load"] == "0.2"


def test_traits_drive_results_and_figures_and_leave_the_preset(app):
    before, fatigue_before = ydata(app.charts["index"].fig), ydata(app.charts["fatigue"].fig)
    app.set(strength_hip_abductors=1.0, strength_hip_extensors=1.0)
    assert ydata(app.charts["index"].fig).max() < before.max()
    assert not np.allclose(ydata(app.charts["fatigue"].fig), fatigue_before)
    assert app.preset == "custom" and app.control("preset").value == "custom"
    app.speed_m_s = 5.0
    assert app.result.plan.speed_m_s == 5.0 and app.control("speed_m_s").value == 5.0
    m, s = divmod(round(pace_min_per_km(5.0) * 60), 60)
    assert f"{m}:{s:02d}" in app.slot("pace").value
    app.duration_min = 30
    assert app.result.time_min[-1] == pytest.approx(30.0)
    assert len(app.charts["shares"].fig.data[0].x) == len(app.result.time_s)


def test_a_preset_sets_every_runner_and_run_control(app):
    runner, plan = PRESETS["new_runner_too_fast"]
    app.preset = "new_runner_too_fast"
    assert (app.body_mass_kg, app.speed_m_s, app.duration_min) == (
        runner.body_mass_kg,
        plan.speed_m_s,
        plan.duration_min,
    )
    assert all(getattr(app, f"strength_{g}") == pytest.approx(runner.strength[g]) for g in GROUPS)
    assert app.result.takeover_min == simulate_run(runner, plan).takeover_min


def test_a_run_beyond_capacity_is_said_first_never_a_calm_sentence(app):
    """RunResult.beyond_capacity_min: from that minute a group's load exceeds what it has left. The sentence under
    the controls must say so before anything else (plain and detailed wording); an easy run says nothing of it."""
    assert app.result.beyond_capacity_min is None and "more than it has left" not in app.slot("sentence").value
    app.set(
        body_mass_kg=110,
        speed_m_s=5.5,
        duration_min=60,
        training_weeks=0,
        strength_hip_abductors=0.3,
        strength_hip_extensors=0.3,
        strength_deep_core=0.3,
        strength_lumbar_extensors=0.5,
    )
    minute = app.result.beyond_capacity_min
    assert minute is not None
    for detail in (False, True):
        app.detail = detail
        text = app.slot("sentence").value
        assert "Warning" in text and "more than it has left" in text
        assert text.index("Warning") < text.lower().index("take")  # before the takeover sentence, not after it
        assert f"minute {int(minute) + (0 if minute == int(minute) else 1)}" in text


def test_well_conditioned_has_no_takeover_mark(app):
    app.preset = "well_conditioned"
    assert app.result.takeover_min is None
    assert len(app.charts["index"].fig.data[2].x) == 0 and len(app.charts["shares"].fig.layout.shapes) == 0


@pytest.mark.parametrize("preset", ["weak_glutes", "custom"])
def test_every_view_draws_data_whatever_the_preset(preset):
    """A link with preset=custom and a non-default view opened an empty chart (issue 13)."""
    app = RunLoadSimulator()
    assert app.apply_scenario({"preset": preset, "speed_m_s": "3.2", "view": "compare"}) == []
    fig = app.charts["compare"].fig
    assert app.result_b is not None and len(fig.data[0].y) > 0 and len(fig.data[1].y) > 0
    assert np.allclose(ydata(fig, 0), app.result.lumbar_load_index)
    app.runner_b = "deep_core_weakness"
    assert np.allclose(ydata(fig, 1), simulate_run(PRESETS["deep_core_weakness"][0], app.plan()).lumbar_load_index)
    app.view = "cohort"
    hist = app.charts["cohort"].fig.data[0]
    assert app.cohort.n == app.cohort_n and len(hist.x) == int(np.isfinite(app.cohort.takeover_min).sum()) > 0
    app.cohort_n = 200
    assert app.cohort.n == 200 and "200" in app.slot("cohort").value
    app.view = "prevention"
    fig = app.charts["prevention"].fig
    assert max(fig.data[1].y) < max(fig.data[0].y)
    app.set(strength_weeks=0, base_weeks=0)
    assert np.allclose(fig.data[0].y, fig.data[1].y)
    app.view = "run"
    assert app.panels["run"].layout.display is None and app.panels["prevention"].layout.display == "none"


def test_every_views_controls_are_on_the_page_from_the_start():
    fresh = RunLoadSimulator()
    assert set(fresh.charts) == set(VIEW_CHARTS["run"])  # other views' figures: on first visit
    for key in ("runner_b", "cohort_n", "cohort_spread", "strength_weeks", "base_weeks"):
        assert any(fresh.control(key) in p.children[0].children for p in fresh.panels.values() if p.children)


def test_detail_switches_wording_and_claims_come_from_the_registry(app):
    plain = app.slot("sentence").value, app.slot("intro").value
    app.detail = True
    assert app.slot("sentence").value != plain[0] and app.slot("intro").value != plain[1]
    assert set(CLAIMS) == {
        cid for cid, c in __import__("runback_widgets").content.claims().items() if NAME in c.shown_in
    }
    for cid in CLAIMS:
        assert f'data-claim-id="{cid}"' in app.slot("claims").value


def test_scenario_round_trip():
    a = RunLoadSimulator()
    a.set(preset="new_runner_too_fast")
    a.set(strength_deep_core=0.5, view="prevention", cohort_spread=0.25)
    state = a.scenario_state()
    assert state["preset"] == "custom" and state["cohort_spread"] == "0.25"
    b = RunLoadSimulator()
    assert b.apply_scenario(state) == []
    assert b.scenario_state() == state
    assert b.result.takeover_min == pytest.approx(a.result.takeover_min)
    assert np.allclose(ydata(b.charts["prevention"].fig, 1), ydata(a.charts["prevention"].fig, 1))


@pytest.mark.parametrize(
    "params",
    [
        {"speed_m_s": "nan"},
        {"speed_m_s": "1e9"},
        {"speed_m_s": "1e999"},
        {"body_mass_kg": "<script>alert(1)</script>"},
        {"preset": "x" * 10_000},
        {"strength_glutes": "1"},
        {"<img src=x onerror=alert(1)>": "1"},
        {"view": "<b>bold</b>"},
        {"runner_b": "nobody"},
        {"duration_min": "-5", "training_weeks": "inf"},
    ],
)
def test_hostile_scenarios_give_short_notes_and_change_nothing(params):
    app = RunLoadSimulator()
    before = app.scenario_state()
    notes = app.apply_scenario(params)
    assert len(notes) == len(params) and all(len(n) < 300 for n in notes)
    assert app.scenario_state() == before


def test_errors_in_callbacks_are_shown_not_raised(app, monkeypatch):
    import runback_widgets.loadsim.widget as W

    def boom(*a, **k):
        raise ValueError("speed_m_s must be between 1.5 and 6 m/s, got 9")

    monkeypatch.setattr(W, "simulate_run", boom)
    monkeypatch.setattr(W, "_RUNS", W.Recent(16))  # nothing remembered from earlier runs
    app.speed_m_s = 4.2
    assert "speed_m_s must be between" in app.errors.value
    monkeypatch.undo()
    app.speed_m_s = 4.1
    assert app.errors.value == ""


def test_share_link_follows_controls_of_every_view():
    app = RunLoadSimulator()
    wrapped = shareable(app, query="preset=deep_core_weakness&view=cohort")
    assert wrapped.notes == [] and app.preset == "deep_core_weakness" and app.view == "cohort"
    app.cohort_n = 300
    assert "cohort_n=300" in wrapped.query
    app.runner_b = "well_conditioned"
    assert "runner_b=well_conditioned" in wrapped.query


def test_a_slider_echo_within_half_a_step_keeps_the_preset():
    """The browser's slider view may send back a value snapped to its step (3.0000000000000004)."""
    app = RunLoadSimulator(preset="weak_glutes")
    app.control("speed_m_s").value = app.speed_m_s + 1e-12
    assert app.preset == "weak_glutes"
    app.control("speed_m_s").value = app.speed_m_s + 0.3
    assert app.preset == "custom"


def test_slider_moves_open_no_widget_models(app):
    """The simulator used to build a throw-away ``widgets.HTML`` per move (three models never closed)."""
    app.view = "run"
    app.speed_m_s = 3.0
    before = len(widget_module._instances)
    for i in range(50):
        app.control("speed_m_s").value = 2.0 + (i % 40) / 10
    assert len(widget_module._instances) == before


def test_runs_are_remembered_for_the_same_settings_only():
    import runback_widgets.loadsim.widget as W

    runner, plan = W.PRESETS["weak_glutes"][0], W.RunPlan(duration_min=50, speed_m_s=3.3)
    first = W.run_and_band(runner, plan)
    assert W.run_and_band(runner, plan) is first  # the same settings: not computed again
    other = W.run_and_band(runner, W.RunPlan(duration_min=50, speed_m_s=3.4))
    assert other[0] is not first[0] and other[0].lumbar_load_index.max() != first[0].lumbar_load_index.max()
    for i in range(W._RUNS.kept + 2):
        W.run_and_band(runner, W.RunPlan(duration_min=20 + i, speed_m_s=3.0))
    assert len(W._RUNS) == W._RUNS.kept


def test_preset_table_shows_each_presets_run_and_is_made_once():
    """The notebook's preset table: one row per preset with the takeover minute and peak load
    index of that preset's run; computed once per process (a classroom's forked kernels inherit
    it), so a second page build costs no runs."""
    import re

    from runback_widgets.loadsim import figures as F
    from runback_widgets.loadsim.scenarios import PRESET_LABELS
    from runback_widgets.loadsim.widget import _preset_table_html, preset_table

    _preset_table_html.cache_clear()
    first = preset_table()
    html = first.value
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]  # the head row first
    assert len(rows) == len(PRESETS)
    for (name, (runner, plan)), tr in zip(PRESETS.items(), rows):
        r = simulate_run(runner, plan)
        assert PRESET_LABELS[name] in tr
        assert f"{r.peak_lumbar_load_index:.2f}" in tr
        assert F.takeover_text(r.takeover_min).split()[0] in tr
    second = preset_table()
    assert second is not first and second.value == html
    assert _preset_table_html.cache_info().hits == 1

"""Run load simulator dashboard driven from Python: set controls, assert traits and figure data."""

from __future__ import annotations

import numpy as np
import pytest

from runback_widgets.loadsim import PRESETS, simulate_run
from runback_widgets.loadsim.widget import CLAIMS, RunLoadSimulator


@pytest.fixture(scope="module")
def app():
    return RunLoadSimulator()


def _ydata(fig, i=0):
    return np.asarray(fig.data[i].y, dtype=float)


def test_starts_on_weak_glutes_with_sentence_band_and_three_drawn_figures(app):
    app._preset.value = "weak_glutes"
    assert app.preset == "weak_glutes"
    expected = simulate_run(*PRESETS["weak_glutes"])
    assert app.result.takeover_min is None and expected.takeover_min is None
    assert "Your hips keep carrying more than your lower back." in app._sentence.value
    assert f"{expected.lumbar_load_index[-1] - 1:+.0%}" in app._sentence.value
    figs = [app._charts[k].fig for k in ("index", "shares", "fatigue")]
    for fig in figs:
        assert len(fig.data) >= 3 and all(len(t.y) > 0 for t in fig.data[:2] if t.y is not None)
    # the uncertainty band is drawn around the run: upper edge above, lower edge below the line (mostly)
    index = app._charts["index"].fig
    high, low = _ydata(index, 3), _ydata(index, 4)
    assert len(high) == len(low) > 10 and (high >= low).all() and high[-1] > low[-1]
    assert "Shaded band" in app._summaries["index"].value
    for key in ("index", "shares", "fatigue"):
        assert "rb-figure-summary" in app._summaries[key].value


def test_takeover_is_marked_and_said(app):
    app._preset.value = "returning_after_break"
    expected = simulate_run(*PRESETS["returning_after_break"])
    assert app.result.takeover_min == pytest.approx(expected.takeover_min)
    assert "your lower back starts carrying as much as your hips" in app._sentence.value
    assert list(app._charts["index"].fig.data[2].x) == [pytest.approx(expected.takeover_min)]
    assert len(app._charts["shares"].fig.layout.shapes) == 1


def test_slider_moves_update_figures_and_switch_preset_to_custom(app):
    app._preset.value = "weak_glutes"
    before = _ydata(app._charts["index"].fig)
    fatigue_before = _ydata(app._charts["fatigue"].fig)
    app._strength["hip_abductors"].value = 1.0
    app._strength["hip_extensors"].value = 1.0
    after = _ydata(app._charts["index"].fig)
    assert after.max() < before.max()
    assert not np.allclose(_ydata(app._charts["fatigue"].fig), fatigue_before)
    assert app.preset == "custom" and app._preset.value == "custom"
    app._speed.value = 5.0
    assert app.result.plan.speed_m_s == 5.0
    assert "Pace 3:20 min/km" in app._pace.value
    app._duration.value = 30.0
    assert app.result.time_min[-1] == pytest.approx(30.0)
    assert len(app._charts["shares"].fig.data[0].x) == len(app.result.time_s)


def test_well_conditioned_preset_has_no_takeover_mark(app):
    app._preset.value = "well_conditioned"
    assert app.result.takeover_min is None
    assert len(app._charts["index"].fig.data[2].x) == 0
    assert len(app._charts["shares"].fig.layout.shapes) == 0
    assert "hips keep carrying more" in app._sentence.value


def test_views_compare_cohort_prevention_draw_data(app):
    app._preset.value = "weak_glutes"
    app._view.value = "compare"
    fig = app._charts["compare"].fig
    assert app.result_b is not None and app.result_b.takeover_min is None
    assert len(fig.data[0].y) > 0 and len(fig.data[1].y) > 0
    assert max(fig.data[0].y) > max(fig.data[1].y)
    assert "Runner A (Weak glutes and hips)" in app._summaries["compare"].value
    app._runner_b.value = "deep_core_weakness"
    assert "Weak deep core" in app._summaries["compare"].value

    app._view.value = "cohort"
    hist = app._charts["cohort"].fig.data[0]
    assert app.cohort.n == app._cohort_n.value
    assert len(hist.x) == int(np.isfinite(app.cohort.takeover_min).sum()) > 0
    never = app._charts["cohort"].fig.data[1]
    assert list(never.y) == [int((~np.isfinite(app.cohort.takeover_min)).sum())] and never.y[0] > 0
    app._cohort_n.value = 200
    assert app.cohort.n == 200
    assert "200 runners" in app._summaries["cohort"].value
    assert f"{int((~np.isfinite(app.cohort.takeover_min)).sum())} never reach" in app._summaries["cohort"].value

    app._view.value = "prevention"
    fig = app._charts["prevention"].fig
    assert max(fig.data[1].y) < max(fig.data[0].y)
    app._strength_weeks.value = 0
    app._base_weeks.value = 0
    assert np.allclose(fig.data[0].y, fig.data[1].y)
    app._view.value = "run"
    run_panel = app._panels["run"]
    assert run_panel.layout.display is None and app._panels["prevention"].layout.display == "none"
    assert [c.children[0] for c in run_panel.children] == [app._charts[k].fig for k in ("index", "shares", "fatigue")]
    # every view's controls are in the widget tree from the start (share links see them)
    fresh = RunLoadSimulator()
    for panel in fresh._panels.values():
        assert panel in fresh._view_box.children
    assert "compare" not in fresh._charts and "cohort" not in fresh._charts


def test_detail_toggle_switches_wording_and_claims(app):
    app._preset.value = "weak_glutes"
    app._detail.value = True
    assert "lumbar extensors" in app._sentence.value
    assert "effort dose" in app._intro.value
    app._detail.value = False
    assert "hips keep carrying more" in app._sentence.value
    for cid in CLAIMS:
        assert f'data-claim-id="{cid}"' in app._claims.value


def test_scenario_round_trip():
    a = RunLoadSimulator()
    a._preset.value = "new_runner_too_fast"
    a._strength["deep_core"].value = 0.5
    a._view.value = "prevention"
    state = a.scenario_state()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in state.items())
    b = RunLoadSimulator()
    assert b.apply_scenario(state) == []
    assert b.scenario_state() == state
    assert b.result.takeover_min == pytest.approx(a.result.takeover_min)


@pytest.mark.parametrize(
    "params",
    [
        {"speed_m_s": "nan"},
        {"speed_m_s": "1e9"},
        {"body_mass_kg": "<script>alert(1)</script>"},
        {"preset": "x" * 10_000},
        {"strength_glutes": "1"},
        {"<img src=x onerror=alert(1)>": "1"},
        {"view": "<b>bold</b>"},
        {"runner_b": "nobody"},
        {"duration_min": "-5", "training_weeks": "inf"},
    ],
)
def test_hostile_scenarios_give_notes_and_never_raise(params):
    app = RunLoadSimulator()
    before = app.scenario_state()
    notes = app.apply_scenario(params)
    assert notes, params
    for note in notes:
        assert "<script" not in note and "<img" not in note and "<b>" not in note
        assert len(note) < 300
    assert app.scenario_state() == before


def test_errors_in_callbacks_are_shown_not_raised(app, monkeypatch):
    import runback_widgets.loadsim.widget as W

    def boom(*a, **k):
        raise ValueError("speed_m_s must be between 1.5 and 6 m/s, got 9")

    monkeypatch.setattr(W, "simulate_run", boom)
    app._speed.value = 4.2
    assert "speed_m_s must be between" in app._errors.value
    monkeypatch.undo()
    app._speed.value = 4.1
    assert app._errors.value == ""


def test_share_link_follows_controls_of_every_view():
    from runback_widgets.ui.share import shareable

    app = RunLoadSimulator()
    wrapped = shareable(app, query="preset=deep_core_weakness&view=cohort")
    assert wrapped.notes == [] and app.preset == "deep_core_weakness" and app.view == "cohort"
    app._cohort_n.value = 300
    assert "cohort_n=300" in wrapped.query
    app._runner_b.value = "well_conditioned"
    assert "runner_b=well_conditioned" in wrapped.query


def test_a_slider_echo_within_half_a_step_keeps_the_preset():
    """The browser's slider view may send back a value snapped to its step;
    that is not the user changing the scenario."""
    from runback_widgets.loadsim.widget import RunLoadSimulator

    app = RunLoadSimulator(preset="weak_glutes")
    app._speed.value = app._speed.value + 1e-12
    assert app._preset.value == "weak_glutes"
    app._speed.value = app._speed.value + 0.3
    assert app._preset.value == "custom"


def test_endurance_hold_view_draws_and_follows_its_slider():
    from runback_widgets.loadsim.model import endurance_hold

    app = RunLoadSimulator()
    app._view.value = "hold"
    fig = app._charts["hold"].fig
    et = endurance_hold(0.5, "trunk").endurance_s
    assert list(fig.data[3].x) == [pytest.approx(et)]
    assert "2 min 20 s" in app._summaries["hold"].value
    app._hold_load.value = 0.2
    assert fig.data[3].x[0] > 4 * et
    assert "11 min" in app._summaries["hold"].value
    assert "hold_load=0.2" in "&".join(f"{k}={v}" for k, v in app.scenario_state().items())

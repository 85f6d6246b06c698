"""The anatomy dashboard driven from Python through its public traits: every input is a trait,
and setting one updates the figures and the text slots (asserted on figure data and ids, not on
sentences copied from the TOML)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from ipywidgets.widgets import widget as widget_module

from runback_widgets import content
from runback_widgets.anatomy import model as am
from runback_widgets.anatomy.dimensions import TILT_LIMITS
from runback_widgets.anatomy.figures import DIMMED_OPACITY
from runback_widgets.anatomy.widget import DEFAULT_LAYERS, NAME, AnatomyDashboard
from runback_widgets.ui.dashboard import ControlValueError
from runback_widgets.ui.theme import COLORS

PAIN = content.load_toml("anatomy.toml")["pain_type"]
CAMERAS = content.load_toml("anatomy.toml")["camera"]


@pytest.fixture(scope="module")
def built():
    return AnatomyDashboard()


@pytest.fixture
def app(built):
    """One dashboard per module (building one takes seconds), reset to its defaults."""
    built.reset()
    return built


def visible_by_layer(app):
    out = {}
    for t in app.chart3d.fig.data:
        if t.meta in am.STRUCTURE_LAYERS:
            out.setdefault(am.STRUCTURE_LAYERS[t.meta], set()).add(bool(t.visible))
    return out


def yellow(app):
    return {t.meta for t in app.chart3d.fig.data if t.type == "mesh3d" and t.color == COLORS["highlight"]}


def test_defaults(app):
    assert app.layers == DEFAULT_LAYERS
    assert visible_by_layer(app) == {la: {la in DEFAULT_LAYERS} for la in am.LAYERS}
    assert app.structure == "" and app.pain == "" and app.highlighted == [] and yellow(app) == set()
    assert app.control("layers").value == list(DEFAULT_LAYERS)
    assert app.control("layers").target in {t.meta for t in app.chart3d.fig.data}
    assert set(app.scenario_state()) == {c.key for c in app.controls}


def test_layers_trait_changes_only_those_traces(app):
    before = [t.visible for t in app.chart3d.fig.data]
    app.layers = (*app.layers, "muscles")
    changed = {am.STRUCTURE_LAYERS[t.meta] for t, b in zip(app.chart3d.fig.data, before) if t.visible != b}
    assert changed == {"muscles"}
    assert app.control("layers").value == [*DEFAULT_LAYERS, "muscles"]
    app.layers = ["discs"]
    assert visible_by_layer(app) == {la: {la == "discs"} for la in am.LAYERS}
    assert app.scenario_state()["layers"] == "discs"


def test_structure_highlights_switches_its_layer_on_and_fills_the_card(app):
    app.structure = "gluteus_medius_right"
    assert "muscles" in app.layers and visible_by_layer(app)["muscles"] == {True}
    assert app.highlighted == ["gluteus_medius_right"] == sorted(yellow(app))
    for t in app.chart3d.fig.data:
        if t.meta in am.STRUCTURE_LAYERS and t.meta != "gluteus_medius_right":
            assert t.opacity <= DIMMED_OPACITY
    assert 'data-structure-id="gluteus_medius_right"' in app.slot("card").value
    assert app.control("structure").value == "gluteus_medius_right"
    plain = app.slot("card").value
    app.detail = True
    assert app.slot("card").value != plain and app.control("detail").value is True


def test_figure_click_picks_the_structure(app):
    from types import SimpleNamespace

    trace = next(t for t in app.chart3d.fig.data if t.meta == "L3")
    app._on_figure_click(trace, SimpleNamespace(point_inds=[5]))
    assert app.structure == "L3" and app.highlighted == ["L3"]


@pytest.mark.parametrize("key", list(PAIN))
def test_pain_type_highlights_its_structures_and_replaces_a_structure(app, key):
    app.structure = "L1"
    app.showme[key].click()
    assert app.pain == key and app.structure == ""
    assert app.highlighted == sorted(PAIN[key]["structures"]) == sorted(yellow(app))
    assert set(app.layers) == set(PAIN[key]["layers"])
    assert app.slot("pain_text").layout.display != "none"
    app.structure = "sacrum"
    assert app.pain == "" and app.highlighted == ["sacrum"]
    app.set(structure="", pain="")
    assert app.highlighted == [] and yellow(app) == set()


@pytest.mark.parametrize("camera", list(CAMERAS))
def test_camera_trait_moves_the_3d_camera(app, camera):
    app.camera = camera
    cam = app.chart3d.fig.layout.scene.camera
    # The preset's direction and up; the distance is fitted so the model fills the plot.
    look = np.array([cam.eye.x - cam.center.x, cam.eye.y - cam.center.y, cam.eye.z - cam.center.z])
    want = np.array(CAMERAS[camera]["eye"], dtype=float)
    assert look / np.linalg.norm(look) == pytest.approx(want / np.linalg.norm(want), abs=1e-4)
    assert [cam.up.x, cam.up.y, cam.up.z] == pytest.approx(CAMERAS[camera]["up"])


def test_tilt_and_muscles_move_all_three_views(app):
    l3 = next(t for t in app.chart3d.fig.data if t.meta == "L3")
    y0, sag0 = np.array(l3.y).copy(), np.array(app.sagittal.fig.data[1].y, dtype=float)
    app.hamstrings = 100
    assert app.pelvic_tilt == -am.MUSCLE_TILT_MAX
    assert app.posture.lordosis < am.posture(0).lordosis
    assert not np.allclose(np.array(l3.y), y0)
    assert not np.allclose(np.array(app.sagittal.fig.data[1].y, dtype=float), sag0)
    ann = " ".join(a.text for a in app.sagittal.fig.layout.annotations)
    assert f"{app.posture.lordosis:.0f}°" in ann
    app.set(hamstrings=0, hip_flexors=100, tilt=3)
    assert app.pelvic_tilt == min(3 + am.MUSCLE_TILT_MAX, TILT_LIMITS[1])
    assert app.posture.sacral_slope > am.posture(0).sacral_slope


def test_gait_traits_drive_the_stride_view(app):
    app.set(abductors=30, phase=19)
    assert app.gait.swing_side == "left" and app.gait.trendelenburg
    bars = app.gait_chart.fig.data[5]
    assert list(bars.x) == [app.gait.effort[g] for g in am.GAIT_GROUPS]
    app.phase = 45
    assert app.gait.stance_side == ""
    assert all(re.search(r"SI [+-]\d\.\d°", s) for s in app.gait_chart.fig.data[4].text)


def test_claims_shown_are_the_registrys(app):
    html = "".join(app.slot(f"claims_{s}").value for s in ("overview", "pain", "sagittal", "gait"))
    ids = set(re.findall(r'data-claim-id="([AN]\d\d)"', html))
    assert ids == {cid for cid, c in content.claims().items() if NAME in c.shown_in}


def test_scenario_round_trip_restores_figures(app):
    params = {
        "structure": "si_joint_left",
        "layers": "bones,joints,nerves",
        "camera": "back",
        "tilt": "-5",
        "hamstrings": "30",
        "hip_flexors": "0",
        "phase": "60",
        "abductors": "40",
        "detail": "1",
        "pain": "",
    }
    assert app.apply_scenario(params) == []
    assert {k: app.scenario_state()[k] for k in params} == params
    assert yellow(app) == {"si_joint_left"}
    assert visible_by_layer(app)["discs"] == {False}
    fresh = AnatomyDashboard()
    assert fresh.apply_scenario(app.scenario_state()) == []
    assert fresh.scenario_state() == app.scenario_state()
    for a, b in zip(app.chart3d.fig.data, fresh.chart3d.fig.data):
        if a.type == "mesh3d":
            assert (a.visible, a.color, a.opacity) == (b.visible, b.color, b.opacity)
    assert list(fresh.sagittal.fig.data[1].y) == list(app.sagittal.fig.data[1].y)
    assert list(fresh.gait_chart.fig.data[5].x) == list(app.gait_chart.fig.data[5].x)


@pytest.mark.parametrize(
    "params",
    [
        {"tilt": "nan"},
        {"tilt": "1e308"},
        {"tilt": "1e999"},
        {"tilt": "90"},
        {"hamstrings": "-5"},
        {"phase": "abc"},
        {"structure": "<script>alert(1)</script>"},
        {"layers": "bones,<b>x</b>"},
        {"camera": "x" * 10_000},
        {"bogus<script>": "1"},
        {"abductors": ""},
        {"detail": "maybe"},
    ],
)
def test_hostile_scenarios_give_one_short_plain_note(app, params):
    before = app.scenario_state()
    notes = app.apply_scenario(params)
    assert len(notes) == 1 and len(notes[0]) < 300
    assert app.scenario_state() == before


def test_apply_scenario_never_raises_on_odd_input(app):
    assert app.apply_scenario({}) == []
    assert app.apply_scenario(None) == []
    assert app.apply_scenario(42)  # a note, not an exception
    assert app.apply_scenario({"structure": "", "layers": ""}) == []
    assert app.layers == () and visible_by_layer(app) == {la: {False} for la in am.LAYERS}


@pytest.mark.parametrize(
    "name, bad",
    [
        ("tilt", 99),
        ("tilt", float("nan")),
        ("tilt", "3"),
        ("phase", True),
        ("layers", "bones"),
        ("layers", ["spleen"]),
        ("camera", "top"),
        ("structure", 0),
    ],
)
def test_bad_values_from_python_raise_a_clear_value_error(app, name, bad):
    with pytest.raises(ValueError, match=name):
        setattr(app, name, bad)
    with pytest.raises(ControlValueError):
        AnatomyDashboard(**{name: bad})


def test_callback_errors_are_shown_not_raised(app, monkeypatch):
    def boom(*_a, **_k):
        raise ValueError("the model could not tilt that far")

    monkeypatch.setattr(am, "tilt_from_muscles", boom)
    app.hamstrings = 50
    assert "could not tilt" in app.errors.value


def _open_models() -> int:
    return len(widget_module._instances)


def test_anatomy_opens_no_widget_models_per_slider_move():
    """50 moves of two sliders (what a browser sends) open no widget model that is never closed."""
    app = AnatomyDashboard()
    app.phase = 20
    before = _open_models()
    for i in range(50):
        app.control("phase").value = (i * 7) % 100
        app.control("abductors").value = 20 + (i % 9) * 10
    assert _open_models() == before


def test_side_view_says_how_slider_and_muscles_add_up():
    """Issue 14: slider 10° with tight hamstrings reads as neutral; the caption shows the sum."""
    import re as _re

    from runback_widgets.anatomy.widget import AnatomyDashboard

    app = AnatomyDashboard()
    app.tilt = 10
    app.hamstrings = 100
    text = _re.sub(r"<[^>]+>", "", app.slot("sag_summary").value)
    assert app.pelvic_tilt == pytest.approx(0.0)
    assert "+10° set with the slider" in text and "-10° from the hamstrings" in text and "net +0°" in text
    app.hamstrings = 0
    assert "net" not in _re.sub(r"<[^>]+>", "", app.slot("sag_summary").value)


def test_prepared_kernels_move_the_pelvis_without_building_geometry_or_placing_labels(monkeypatch):
    """A classroom parent runs ``prepare_kernels`` once: every tilt the sliders reach is built and
    labelled, so a student's tilt, hamstring or hip-flexor move computes neither again."""
    from runback_widgets.anatomy import figures as af
    from runback_widgets.anatomy import meshes
    from runback_widgets.anatomy.widget import prepare_kernels

    assert prepare_kernels() == meshes.TILT_STEPS == 53
    app = AnatomyDashboard()
    misses = meshes._build.cache_info().misses
    placed = []
    real = af._place_labels
    monkeypatch.setattr(af, "_place_labels", lambda *a: placed.append(a) or real(*a))
    seen = {app.pelvic_tilt}
    for key, value in (("tilt", 7), ("tilt", -13), ("hamstrings", 40), ("hip_flexors", 100), ("tilt", 13)):
        setattr(app, key, value)
        assert app.errors.value == ""
        seen.add(app.pelvic_tilt)
    assert len(seen) >= 5
    assert meshes._build.cache_info().misses == misses and placed == []
    # The figure shows the model at the new tilt all the same.
    x = np.asarray(app.chart3d.fig.data[app.chart3d.index["sacrum"][0]].x)
    built = am.build_model(app.pelvic_tilt)
    assert np.allclose(x, built.structures["sacrum"].parts[0][1].vertices[:, 0], atol=1e-3)

"""The anatomy dashboard driven from Python: layers, picking, pain-type shortcuts, views, scenarios."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from runback_widgets import content
from runback_widgets.anatomy import model as am
from runback_widgets.anatomy.figures import DIMMED_OPACITY
from runback_widgets.anatomy.widget import DEFAULT_LAYERS, AnatomyDashboard
from runback_widgets.ui.theme import COLORS
from runback_widgets.ui.glossary import unmark


@pytest.fixture
def app():
    return AnatomyDashboard()


def _visible_by_layer(app):
    out = {}
    for t in app._chart3d.fig.data:
        layer = am.STRUCTURE_LAYERS.get(t.meta)
        if layer:
            out.setdefault(layer, set()).add(bool(t.visible))
    return out


def test_initial_state(app):
    assert app._layers.layers == list(am.LAYERS) and app._layers.value == list(DEFAULT_LAYERS)
    assert set(app._layers.labels) == set(am.LAYERS)
    assert app._layers.target in {t.meta for t in app._chart3d.fig.data}
    vis = _visible_by_layer(app)
    assert vis == {layer: {layer in DEFAULT_LAYERS} for layer in am.LAYERS}
    assert app.structure == "" and app.highlighted == []
    assert "Pick a structure" in app._card.value
    assert app.scenario_state() == {
        "structure": "", "layers": "bones,discs,joints,nerves", "camera": "oblique", "tilt": "0",
        "hamstrings": "0", "hip_flexors": "0", "phase": "19", "abductors": "100",
    }


def test_toggling_a_layer_changes_only_that_layers_visibility(app):
    before = [t.visible for t in app._chart3d.fig.data]
    app._layers.value = [*app._layers.value, "muscles"]          # what ticking the box does
    after = [t.visible for t in app._chart3d.fig.data]
    changed = {am.STRUCTURE_LAYERS[t.meta] for t, b, a in zip(app._chart3d.fig.data, before, after) if b != a}
    assert changed == {"muscles"}
    assert _visible_by_layer(app)["muscles"] == {True}
    app._layers.value = [v for v in app._layers.value if v != "bones"]
    assert _visible_by_layer(app)["bones"] == {False}
    assert "bones" not in app.scenario_state()["layers"]
    assert "muscles" in app._summary3d.value


def test_picking_a_structure_fills_the_card_and_highlights_it(app):
    app._picker.value = "si_joint_left"
    assert app.structure == "si_joint_left"
    assert app.highlighted == ["si_joint_left"]
    entry = content.load_toml("anatomy.toml")["structure"]["si_joint_left"]
    assert entry["sentence"] in unmark(app._card.value) and entry["plain"] in unmark(app._card.value)
    assert 'data-structure-id="si_joint_left"' in app._card.value
    for t in app._chart3d.fig.data:
        if t.meta == "si_joint_left":
            assert t.color == COLORS["highlight"] and t.opacity == 1.0
        elif t.meta in am.STRUCTURE_LAYERS:
            assert t.opacity <= DIMMED_OPACITY
    assert "Sacroiliac (SI) joint, left" in app._summary3d.value
    # More detail: the card switches to the students' paragraph.
    app._detail.value = True
    assert entry["detail"] in unmark(app._card.value)
    app._detail.value = False
    assert entry["sentence"] in unmark(app._card.value)


def test_picking_a_hidden_layer_switches_it_on(app):
    app._picker.value = "gluteus_medius_right"
    assert "muscles" in app.visible_layers
    assert _visible_by_layer(app)["muscles"] == {True}


def test_clicking_the_figure_picks_the_structure(app):
    trace = next(t for t in app._chart3d.fig.data if t.meta == "L3")
    app._on_figure_click(trace, SimpleNamespace(point_inds=[5]), None)
    assert app.structure == "L3" and app._picker.value == "L3"
    assert "L3 vertebra" in app._card.value


@pytest.mark.parametrize("key", ["muscle", "bone", "discogenic"])
def test_pain_type_shortcuts_highlight_the_right_ids(app, key):
    pt = content.load_toml("anatomy.toml")["pain_type"][key]
    app._picker.value = "L1"
    app._showme[key].click()
    assert app.highlighted == sorted(pt["structures"])
    assert app.structure == ""
    assert set(app.visible_layers) == set(pt["layers"])
    hl = {t.meta for t in app._chart3d.fig.data if t.type == "mesh3d" and t.color == COLORS["highlight"]}
    assert hl == set(pt["structures"])
    for t in app._chart3d.fig.data:
        if t.meta in pt["structures"]:
            assert t.visible
    assert pt["label"] in app._pain_text.value
    app._clear.click()
    assert app.highlighted == []
    assert not any(t.color == COLORS["highlight"] for t in app._chart3d.fig.data if t.type == "mesh3d")


def test_expected_pain_sets():
    d = content.load_toml("anatomy.toml")["pain_type"]
    assert {s.rsplit("_", 1)[0] for s in d["muscle"]["structures"]} == {"erector_spinae", "multifidus", "quadratus_lumborum"}
    assert {f"L{i}" for i in range(1, 6)} <= set(d["bone"]["structures"])
    assert all(s.startswith(("L", "facet_")) for s in d["bone"]["structures"])
    assert all(s.startswith(("disc_", "nerve_root_", "sciatic_")) for s in d["discogenic"]["structures"])


def test_camera_presets(app):
    cams = content.load_toml("anatomy.toml")["camera"]
    for key in ("back", "side", "above", "oblique"):
        app._camera.value = key
        eye = app._chart3d.fig.layout.scene.camera.eye
        assert [eye.x, eye.y, eye.z] == pytest.approx(cams[key]["eye"])


def test_tight_hamstrings_tilt_the_pelvis_back_and_flatten_the_curve(app):
    l3 = next(t for t in app._chart3d.fig.data if t.meta == "L3")
    y_before = np.array(l3.y).copy()
    app._hamstrings.value = 100
    assert app.tilt == -10.0
    assert "backward" in app._sag_summary.value and "flatter" in app._sag_summary.value
    assert "lordosis 40°" in app._sag_summary.value
    ann = " ".join(a.text for a in app._sagittal.fig.layout.annotations)
    assert "lordosis L1–S1 40°" in ann and "sacral slope 30°" in ann
    assert not np.allclose(np.array(l3.y), y_before)          # the 3D model follows
    assert app._sagittal.fig.data[6].line.width > app._sagittal.fig.data[7].line.width
    app._hamstrings.value = 0
    app._hip_flexors.value = 100
    assert app.tilt == 10.0 and "forward" in app._sag_summary.value and "deeper" in app._sag_summary.value


def test_gait_view(app):
    app._abductors.value = 30
    app._phase.value = 19
    assert app.gait.swing_side == "left" and app.gait.trendelenburg
    assert "left pelvis drops" in app._gait_summary.value and "Trendelenburg" in app._gait_summary.value
    bars = app._gait_chart.fig.data[5]
    assert len(bars.x) == 4 and max(bars.x) <= 1
    app._phase.value = 45
    assert app.gait.stance_side == "" and "both feet" in app._gait_summary.value
    si = app._gait_chart.fig.data[4].text
    assert all(re.search(r"SI [+-]\d\.\d°", s) for s in si)


def test_claims_rendered_are_the_registrys(app):
    html = "".join(w.value for w in (app._claims_overview, app._claims_pain, app._claims_sag, app._claims_gait))
    ids = set(re.findall(r'data-claim-id="([AN]\d\d)"', html))
    expected = {cid for cid, c in content.claims().items() if "01-spine-and-si-anatomy" in c.shown_in}
    assert ids == expected
    # A11 and its clinical note N03 sit side by side in the sagittal section.
    assert {"A11", "N03"} <= set(re.findall(r'data-claim-id="([AN]\d\d)"', app._claims_sag.value))


def test_scenario_round_trip(app):
    params = {"structure": "disc_L4_L5", "layers": "bones,discs,nerves", "camera": "side", "tilt": "-5",
              "hamstrings": "30", "hip_flexors": "0", "phase": "60", "abductors": "40"}
    assert app.apply_scenario(params) == []
    assert app.scenario_state() == params
    assert app.highlighted == ["disc_L4_L5"]
    fresh = AnatomyDashboard()
    assert fresh.apply_scenario(app.scenario_state()) == []
    assert fresh.scenario_state() == params


@pytest.mark.parametrize("params", [
    {"tilt": "nan"}, {"tilt": "1e308"}, {"tilt": "90"}, {"hamstrings": "-5"}, {"phase": "abc"},
    {"structure": "<script>alert(1)</script>"}, {"layers": "bones,<b>x</b>"}, {"camera": "x" * 10_000},
    {"bogus<script>": "1"}, {"abductors": ""},
])
def test_hostile_scenarios_give_notes_not_errors(app, params):
    before = app.scenario_state()
    notes = app.apply_scenario(params)
    assert len(notes) == 1
    assert "<script>" not in notes[0] and "<b>" not in notes[0]
    assert len(notes[0]) < 300
    assert app.scenario_state() == before


def test_apply_scenario_never_raises_on_odd_input(app):
    assert app.apply_scenario({}) == []
    assert app.apply_scenario(None)          # a note, not an exception
    assert app.apply_scenario({"structure": "", "layers": ""}) == []
    assert app.scenario_state()["layers"] == ""


def test_callback_errors_are_shown_not_raised(app, monkeypatch):
    def boom(*_a, **_k):
        raise ValueError("the model could not tilt that far")

    monkeypatch.setattr(am, "tilt_from_muscles", boom)
    app._hamstrings.value = 50
    assert "could not tilt" in app._errors.value

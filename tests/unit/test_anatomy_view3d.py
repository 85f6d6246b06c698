"""The anatomy 3D view's geometry without a browser: for every camera preset, at a phone's, a
laptop's and a projector's plot size, the labels do not overlap (projected with the camera's
eye, up and centre the way plotly draws a scene), nothing of the model leaves the plot, and
the model fills it in its limiting direction (issue 14: "3D labels collide", "a quarter of
the plot width"). tests/browser/test_anatomy_browser.py checks the same projection against
the browser's own camera matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest

from runback_widgets import content
from runback_widgets.anatomy import dimensions as dim
from runback_widgets.anatomy import figures as af
from runback_widgets.anatomy import model as am
from runback_widgets.anatomy import view3d as v3

CAMERAS = content.load_toml("anatomy.toml")["camera"]
#: (name, plot width, plot height, label font px, presenter mode)
SIZES = [
    ("phone", 343, 560, 13, False),
    ("laptop", 936, 560, 13, False),
    ("projector", 1584, 800, 18, True),
    ("presenter laptop", 560, 800, 18, True),
]
#: Smallest distance between two label centres [px]: one line of text and a bit.
MIN_SEPARATION = {13: 20.0, 18: 27.0}


def _labels(monkeypatch, present: bool, tilt: float, camera: str):
    monkeypatch.setenv("RUNBACK_PRESENT", "1" if present else "")
    x, y, z, text, _ = af._label_points(am.build_model(tilt), CAMERAS[camera])
    return np.c_[x, y, z], text


@pytest.mark.parametrize("camera", list(CAMERAS))
@pytest.mark.parametrize("size", SIZES, ids=[s[0] for s in SIZES])
@pytest.mark.parametrize("tilt", [dim.TILT_LIMITS[0], 0.0, dim.TILT_LIMITS[1]])
def test_labels_do_not_overlap_in_any_camera(monkeypatch, camera, size, tilt):
    name, width, height, font, present = size
    pos, text = _labels(monkeypatch, present, tilt, camera)
    assert len(text) >= 3, f"{camera}: only {text} labelled"
    cam = af.fitted_camera(CAMERAS[camera], width / height)
    xy = v3.project(pos, v3.scene_box(), cam, width, height)
    boxes = v3.label_boxes(text, xy, font)
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= width).all(), f"{camera} {name}: a label leaves the plot"
    assert (boxes[:, 1] >= 0).all() and (boxes[:, 3] <= height).all(), f"{camera} {name}: a label leaves the plot"
    for i in range(len(text)):
        for j in range(i + 1, len(text)):
            sep = float(np.hypot(*(xy[i] - xy[j])))
            assert sep >= MIN_SEPARATION[font], f"{camera} {name}: {text[i]!r} and {text[j]!r} {sep:.0f} px apart"
            a, b = boxes[i], boxes[j]
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, f"{camera} {name}: {text[i]!r} and {text[j]!r} overlap"


def test_what_each_camera_labels(monkeypatch):
    """From above L2-L5 hide under L1 (not labelled); from the side the two SI joints are one."""
    _, above = _labels(monkeypatch, False, 0.0, "above")
    assert "L1" in above and not {"L2", "L3", "L4", "L5"} & set(above)
    _, side = _labels(monkeypatch, False, 0.0, "side")
    assert side.count("SI joint") + side.count("SI joints") == 1 and "SI joints" in side
    assert {"L1", "L2", "L3", "L4", "L5"} <= set(side)
    for cam in ("back", "oblique"):
        _, text = _labels(monkeypatch, False, 0.0, cam)
        assert text.count("SI joint") == 2 and {"L1", "L2", "L3", "L4", "L5"} <= set(text)


def test_labels_sit_in_front_of_the_model(monkeypatch):
    """No bone is drawn over a label: every part of the model drawn under a label's box is
    farther from the eye than the label (WebGL text is depth-tested like the meshes)."""
    box = v3.scene_box()
    width, height, font = 936, 560, 13
    for camera in CAMERAS:
        pos, text = _labels(monkeypatch, False, 0.0, camera)
        cam = af.fitted_camera(CAMERAS[camera], width / height)
        eye = np.array([cam["eye"][k] for k in "xyz"])
        center = np.array([cam["center"][k] for k in "xyz"])
        fwd = (center - eye) / np.linalg.norm(center - eye)
        label_depth = (box.normalize(pos) - eye) @ fwd
        built = am.build_model(0.0)
        solid = np.vstack(
            [m.vertices for st in built.structures.values() if st.layer != "muscles" for _, m in st.parts]
        )
        model_xy = v3.project(solid, box, cam, width, height)
        model_depth = (box.normalize(solid) - eye) @ fwd
        for bx, d, t in zip(v3.label_boxes(text, v3.project(pos, box, cam, width, height), font), label_depth, text):
            under = (
                (model_xy[:, 0] >= bx[0])
                & (model_xy[:, 0] <= bx[2])
                & (model_xy[:, 1] >= bx[1])
                & (model_xy[:, 1] <= bx[3])
            )
            assert not under.any() or d < model_depth[under].min(), f"{camera}: {t!r} is behind the model"


@pytest.mark.parametrize("camera", list(CAMERAS))
@pytest.mark.parametrize("aspect", [343 / 560, 936 / 560, 1584 / 800, 0.5, 3.0])
def test_model_fills_the_plot(camera, aspect):
    """The fitted camera puts every point of the model inside the plot, and the model spans at
    least 90 % of it in the limiting direction (perspective included; 80 % at the extreme
    aspects, the camera centre being fitted for a laptop's)."""
    box = v3.scene_box()
    height = 560.0
    width = aspect * height
    cam = af.fitted_camera(CAMERAS[camera], aspect)
    xy = v3.project(box.points, box, cam, width, height)
    assert xy[:, 0].min() >= 0 and xy[:, 0].max() <= width
    assert xy[:, 1].min() >= 0 and xy[:, 1].max() <= height
    fill = max((xy[:, 0].max() - xy[:, 0].min()) / width, (xy[:, 1].max() - xy[:, 1].min()) / height)
    assert fill >= (0.9 if 0.6 <= aspect <= 2.0 else 0.8), (
        f"{camera} at {aspect:.2f}: the model spans {fill:.0%} of the plot"
    )


def test_browser_refit_table_matches_the_fit():
    """The table the page interpolates (layout.meta.rb_fit) holds the fitted distances."""
    fig, _ = af.anatomy_figure(am.build_model(0.0), {}, presets=CAMERAS)
    fit = fig.layout.meta["rb_fit"]
    assert list(fit["aspects"]) == list(v3.FIT_ASPECTS)
    for name, p in fit["presets"].items():
        d = np.array(CAMERAS[name]["eye"], dtype=float)
        assert p["dir"] == pytest.approx(d / np.linalg.norm(d), abs=1e-5)
        cam = af.fitted_camera(CAMERAS[name])
        dist = math.dist([cam["eye"][k] for k in "xyz"], [cam["center"][k] for k in "xyz"])
        assert dist == pytest.approx(p["nominal"], abs=2e-3)
        assert all(a >= b - 1e-9 for a, b in zip(p["d"], p["d"][1:])), "wider plots never need a farther eye"


def test_scene_box_holds_every_layer_at_every_tilt():
    box = v3.scene_box()
    for tilt in (dim.TILT_LIMITS[0], 0.0, dim.TILT_LIMITS[1]):
        built = am.build_model(tilt)
        pts = np.vstack([m.vertices for st in built.structures.values() for _, m in st.parts])
        for k in range(3):
            assert box.ranges[k][0] <= pts[:, k].min() and pts[:, k].max() <= box.ranges[k][1]


@pytest.mark.parametrize("camera", list(CAMERAS))
def test_projector_labels_read_against_what_is_behind_them(monkeypatch, camera):
    """Issue 14: the white projector label vanished on the ivory bone. A white label stands on
    the page's background, a dark one on the model; one over both is a mid blue."""
    monkeypatch.setenv("RUNBACK_PRESENT", "1")
    built = am.build_model(0.0)
    x, y, z, text, colors = af._label_points(built, CAMERAS[camera])
    box = v3.scene_box()
    width, height = 900, 800
    cam = af.fitted_camera(CAMERAS[camera], width / height)
    solid = np.vstack([m.vertices for st in built.structures.values() if st.layer != "muscles" for _, m in st.parts])
    model_xy = v3.project(solid, box, cam, width, height)
    boxes = v3.label_boxes(text, v3.project(np.c_[x, y, z], box, cam, width, height), 18)
    spots = {"#FFFFFF": "clear", "#1A1A1A": "solid"}
    for bx, color, t in zip(boxes, colors, text):
        under = (
            (model_xy[:, 0] >= bx[0])
            & (model_xy[:, 0] <= bx[2])
            & (model_xy[:, 1] >= bx[1])
            & (model_xy[:, 1] <= bx[3])
        )
        if spots.get(color) == "clear":
            assert not under.any(), f"{camera}: white {t!r} over the model"
        elif spots.get(color) == "solid":
            assert under.sum() >= 3, f"{camera}: dark {t!r} off the model"
        else:
            assert color == af.LABEL_COLORS[True]["mixed"], (camera, t, color)

"""The anatomy dashboard in a real browser: the 3D figure draws, layer toggles work (and fast),
picking a structure highlights it, no console errors."""

from __future__ import annotations

import json
import statistics

import pytest

pytestmark = pytest.mark.browser

NB = "01-spine-and-si-anatomy"

#: JS: click a checkbox and resolve with the ms until the 3D figure's data shows the new visibility.
TOGGLE_JS = """
async ([label, layer]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const idx = gd.data.map((t, i) => t.legendgroup === layer ? i : -1).filter(i => i >= 0);
  const input = Array.from(document.querySelectorAll('.rb-checks input[type=checkbox]')).find(
      i => i.parentElement.textContent.trim() === label);
  const want = !input.checked;
  const t0 = performance.now();
  input.click();
  return await new Promise((resolve, reject) => {
    const check = () => {
      if (idx.every(i => (gd.data[i].visible !== false) === want)) return resolve(performance.now() - t0);
      if (performance.now() - t0 > 30000) return reject(new Error('no change within 30 s'));
      requestAnimationFrame(check);
    };
    check();
  });
}
"""


def _layer_visibility(dp, layer: str) -> set:
    data = dp.plot_data(0)
    return {t.get("visible", True) is not False for t in data if t.get("legendgroup") == layer}


def test_anatomy_3d_draws_and_layers_toggle(dashboard, record_property):
    dp = dashboard(NB)
    n = dp.wait_plots()
    assert n == 3, f"expected the 3D, sagittal and gait figures, found {n}"
    data = dp.plot_data(0)
    meshes = [t for t in data if t["type"] == "mesh3d"]
    assert len(meshes) >= 56
    names = {t["name"] for t in meshes}
    assert {"L3 vertebra", "Sacroiliac (SI) joint, left", "Disc between L4 and L5"} <= names
    # The WebGL scene exists.
    assert dp.page.evaluate(
        "document.querySelectorAll('.js-plotly-plot')[0].querySelector('.gl-container canvas, canvas') !== null"
    )
    assert _layer_visibility(dp, "muscles") == {False}
    assert _layer_visibility(dp, "bones") == {True}

    # Toggle the muscles layer on and off ten times, timing click -> plot data change.
    times = []
    for _ in range(10):
        times.append(dp.page.evaluate(TOGGLE_JS, ["Muscles", "muscles"]))
    median = statistics.median(times)
    print(f"\n[anatomy] layer toggle latency: median {median:.0f} ms, max {max(times):.0f} ms over {len(times)}")
    record_property("layer_toggle_ms", json.dumps({"median": median, "all": times}))
    # Ten toggles: back to off, and it stays off once the kernel has caught up with every click
    # (a late echo of an earlier click must not switch the layer back on behind the box's back).
    dp.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[0].data"
        ".filter(t => t.legendgroup === 'muscles').every(t => t.visible === false)",
        timeout=20_000,
    )
    # Barrier: pick a structure; once its highlight is drawn, the kernel has handled every click
    # before it, and anything it sent about them has arrived (a comm keeps order).
    dp.page.get_by_role("combobox", name="Structure").select_option(label="L3 vertebra")
    dp.page.wait_for_function(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " return gd.data.some(t => t.meta === 'L3' && t.color === '#F0E442'); }",
        timeout=30_000,
    )
    dp.page.wait_for_timeout(300)
    assert _layer_visibility(dp, "muscles") == {False}
    assert not dp.page.get_by_role("checkbox", name="Muscles").is_checked()
    # A late echo from the kernel (what an earlier click's restyle looks like when it arrives
    # after a later click) is put right: the view follows the boxes, not the last message.
    dp.page.evaluate(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " const idx = gd.data.map((t, i) => t.legendgroup === 'muscles' ? i : -1).filter(i => i >= 0);"
        " window.Plotly.restyle(gd, {visible: true, _doNotReportToPy: true}, idx); }"
    )
    dp.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[0].data"
        ".filter(t => t.legendgroup === 'muscles').every(t => t.visible === false)",
        timeout=10_000,
    )
    assert not dp.page.get_by_role("checkbox", name="Muscles").is_checked()
    # The kernel follows: ticking Muscles once more updates the sentence under the 3D view.
    dp.page.get_by_role("checkbox", name="Muscles").check()
    dp.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.rb-summary')).some(e => /showing bones, discs, joints, nerves, muscles/.test(e.innerText))",
        timeout=30_000,
    )
    assert _layer_visibility(dp, "muscles") == {True}
    dp.page.get_by_role("checkbox", name="Muscles").uncheck()
    dp.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.rb-summary')).some(e => /showing bones, discs, joints, nerves\\./.test(e.innerText))",
        timeout=30_000,
    )
    assert median < 1000  # the contract's 100 ms target is reported above; this guards gross regressions

    # The structure picked above (from the list) is yellow in the browser and the card names it.
    assert "L3 vertebra" in dp.page.locator(".rb-structure-card").inner_text()

    # A click on a structure in the 3D view (plotly's click event) picks it.
    dp.page.evaluate(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " const i = gd.data.findIndex(t => t.meta === 'sacrum');"
        " gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: 0, data: gd.data[i], fullData: gd._fullData[i],"
        " x: gd.data[i].x[0], y: gd.data[i].y[0], z: gd.data[i].z[0]}]}); }"
    )
    dp.page.wait_for_function(
        "() => { const c = document.querySelector('.rb-structure-card'); return c && /Sacrum/.test(c.innerText); }",
        timeout=30_000,
    )

    # Tight hamstrings (keyboard: End = 100 %): the side view and the 3D model follow.
    l3_before = dp.page.evaluate(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " const t = gd.data.find(t => t.meta === 'L3'); return Array.from(t.y).slice(0, 5); }"
    )
    handle = dp.page.get_by_role("slider", name="Tight hamstrings (%)")
    handle.focus()
    handle.press("End")
    dp.page.wait_for_function(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];"
        " return gd.layout.annotations.some(a => /lordosis L1–S1 40°/.test(a.text)); }",
        timeout=30_000,
    )
    dp.page.wait_for_function(
        "(before) => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " const t = gd.data.find(t => t.meta === 'L3'); const now = Array.from(t.y).slice(0, 5);"
        " return now.some((v, i) => Math.abs(v - before[i]) > 1); }",
        arg=l3_before,
        timeout=30_000,
    )
    l3_y = dp.page.evaluate(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];"
        " const t = gd.data.find(t => t.meta === 'L3'); return Array.from(t.y); }"
    )
    assert all(-200 < v < 200 for v in l3_y), "3D coordinates arrived garbled"
    assert "flatter" in dp.page.locator(".rb-summary").nth(1).inner_text()

    # Gait view: the bars show the model's efforts; weak abductors drop the swing-side pelvis.
    bars = next(t for t in dp.plot_data(2) if t["type"] == "bar")
    assert all(0 <= v <= 1 for v in bars["x"])
    ab = dp.page.get_by_role("slider", name="Hip-abductor strength (%)")
    ab.focus()
    ab.press("Home")
    dp.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.rb-summary')).some(e => /Trendelenburg/.test(e.innerText))",
        timeout=30_000,
    )
    pelvis = dp.plot_data(2)[0]
    assert all(-200 < v < 200 for v in pelvis["x"])

    assert dp.page_errors == []
    assert dp.console_errors() == [], dp.console_errors()
    assert dp.error_text_on_page() == []


#: JS: the 3D figure's label texts and their screen positions [px], projected with the scene's own
#: matrices (gl-plot3d's camera parameters, plotly's data scale), and the camera.
JS_LABELS_ON_SCREEN = """() => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.data.some(t => t.meta === 'labels'));
  const sc = gd._fullLayout.scene._scene, cp = sc.glplot.cameraParams, t = gd.data.find(t => t.meta === 'labels');
  const mul = (m, v) => [0, 1, 2, 3].map(r => m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r] * v[3]);
  const W = gd._fullLayout.width, H = gd._fullLayout.height;
  const xy = Array.from(t.x).map((x, i) => {
    let v = [x * sc.dataScale[0], t.y[i] * sc.dataScale[1], t.z[i] * sc.dataScale[2], 1];
    v = mul(cp.projection, mul(cp.view, mul(cp.model, v)));
    return [(v[0] / v[3] + 1) / 2 * W, (1 - v[1] / v[3]) / 2 * H];
  });
  const pts = Array.from(t.x).map((x, i) => [x, t.y[i], t.z[i]]);
  return {text: Array.from(t.text), xy, pts, W, H, camera: gd.layout.scene.camera};
}"""


#: JS: the 3D camera sits at the distance the page's fit (runback-layout.js, fit3d) wants for its
#: preset and the plot's aspect (true also when the camera is no preset: nothing to refit).
JS_REFIT_DONE = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0], fl = gd._fullLayout;
  const fit = gd.layout.meta && gd.layout.meta.rb_fit, cam = gd.layout.scene && gd.layout.scene.camera;
  if (!fit || !fl || !fl.width || !fl.height || !cam || !cam.eye) return true;
  const c = cam.center || {x: 0, y: 0, z: 0}, e = cam.eye, v = [e.x - c.x, e.y - c.y, e.z - c.z];
  const d = Math.hypot(...v);
  const interp = (xs, ys, x) => {
    if (x <= xs[0]) return ys[0];
    for (let i = 1; i < xs.length; i++) if (x <= xs[i]) { const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]); return ys[i - 1] + t * (ys[i] - ys[i - 1]); }
    return ys[ys.length - 1];
  };
  for (const p of Object.values(fit.presets)) {
    if ((v[0] * p.dir[0] + v[1] * p.dir[1] + v[2] * p.dir[2]) / d < 0.99999) continue;
    return Math.abs(interp(fit.aspects, p.d, fl.width / fl.height) - d) < 2e-3;
  }
  return true;
}"""


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 812}, {"width": 1366, "height": 900}], ids=["phone", "laptop"]
)
def test_3d_labels_apart_in_every_camera(dashboard, viewport):
    """Issue 14: the labels of each camera preset, as the browser draws them, keep apart (the same
    projection tests/unit/test_anatomy_view3d.py computes without a browser)."""
    import numpy as np

    from runback_widgets import content
    from runback_widgets.anatomy import view3d as v3

    cams = content.load_toml("anatomy.toml")["camera"]
    dp = dashboard(NB, viewport=viewport)
    dp.wait_plots()
    for name, cam in cams.items():
        dp.page.locator(".widget-toggle-button", has_text=cam["label"]).first.click()
        want = np.array(cam["eye"], dtype=float) / np.linalg.norm(cam["eye"])
        dp.page.wait_for_function(
            "(w) => { const c = document.querySelectorAll('.js-plotly-plot')[0].layout.scene.camera;"
            " const v = [c.eye.x - c.center.x, c.eye.y - c.center.y, c.eye.z - c.center.z];"
            " const n = Math.hypot(...v); return v.every((x, i) => Math.abs(x / n - w[i]) < 1e-3); }",
            arg=want.tolist(),
            timeout=60_000,
        )
        # The page's refit of the distance, if any (runback-layout.js, fit3d: a preset's eye moved
        # to the distance listed in layout.meta.rb_fit for the plot's aspect): poll for it, for at
        # most the 800 ms this test used to sleep, then two frames for the WebGL camera to follow.
        try:
            dp.page.wait_for_function(JS_REFIT_DONE, polling=50, timeout=800)
        except Exception:  # noqa: BLE001 - playwright TimeoutError: no refit; measure as it is
            pass
        dp.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        got = dp.page.evaluate(JS_LABELS_ON_SCREEN)
        xy = np.array(got["xy"])
        boxes = v3.label_boxes(got["text"], xy, 13)
        assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= got["W"]).all(), (name, got)
        for i in range(len(xy)):
            for j in range(i + 1, len(xy)):
                sep = float(np.hypot(*(xy[i] - xy[j])))
                assert sep >= 20, f"{name}: {got['text'][i]!r} and {got['text'][j]!r} {sep:.0f} px apart"
        # Python's projection of the same points agrees with the browser's.
        py = v3.project(np.array(got["pts"]), v3.scene_box(), got["camera"], got["W"], got["H"])
        # (within 2 % of the width: the browser's canvas is a few pixels off the layout's size)
        assert np.abs(py - xy).max() < 0.02 * got["W"] + 2, (name, py.tolist(), xy.tolist())
    assert dp.page_errors == []

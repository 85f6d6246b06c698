"""A share link restores everything the user sees, figures included, with and without
pre-heated kernels (``runback serve --classroom``).

For every dashboard on the base (:class:`runback_widgets.ui.dashboard.Dashboard`): a link
with every control moved off its default (and a non-default view) is opened in Chromium,
and each figure is checked against what the model computes for that state in Python.
"""

from __future__ import annotations

import numpy as np
import pytest

from .harness import open_dashboard, start_classroom

pytestmark = pytest.mark.browser

ANATOMY = "01-spine-and-si-anatomy"
#: Every anatomy control off its default (``pain`` and ``structure`` are two ways to highlight:
#: a structure link here, a pain-type link in the second case).
ANATOMY_LINKS = {
    "structure": "layers=bones,joints,muscles&camera=back&structure=si_joint_left&tilt=12&hamstrings=20"
    "&hip_flexors=30&phase=15&abductors=30&detail=1",
    "pain": "pain=discogenic&camera=side&tilt=-6&phase=70&abductors=60",
}


def _anatomy_expected(query: str) -> dict:
    """What each figure must show, computed in Python from the same link."""
    from runback_widgets import content
    from runback_widgets.anatomy import model as am
    from runback_widgets.anatomy.widget import AnatomyDashboard
    from runback_widgets.ui.share import parse_query

    params, _ = parse_query(query)
    cls = AnatomyDashboard
    values = {c.name: c.coerce(c.default) for c in cls.controls}
    values.update({cls._by_key[k].name: cls._by_key[k].parse(v) for k, v in params.items()})
    pain = content.load_toml("anatomy.toml")["pain_type"]
    layers = set(values["layers"])
    if values["pain"]:
        layers = set(pain[values["pain"]]["layers"])
        yellow = set(pain[values["pain"]]["structures"])
    else:
        yellow = {values["structure"]}
        layers.add(am.layer_of(values["structure"]))
    tilt = am.tilt_from_muscles(values["hamstrings"] / 100, values["hip_flexors"] / 100, values["tilt"])
    built = am.build_model(tilt)
    l3 = built.structures["L3"].parts[0][1].vertices
    gait = am.gait_state(values["phase"] / 100, values["abductors"] / 100)
    return {
        "layers": layers,
        "yellow": yellow,
        "eye": content.load_toml("anatomy.toml")["camera"][values["camera"]]["eye"],
        "l3_y": [float(v) for v in l3[:8, 1]],
        "lordosis": f"lordosis L1–S1 {am.posture(tilt).lordosis:.0f}°",
        "effort": [gait.effort[g] for g in am.GAIT_GROUPS],
        "controls": values,
    }


JS_ANATOMY = """() => {
  const figs = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const g3 = figs.find(g => g.data.some(t => t.type === 'mesh3d'));
  const sag = figs.find(g => g.data.some(t => t.name === 'Hamstrings'));
  const gait = figs.find(g => g.data.some(t => t.type === 'bar'));
  const shown = new Set(), yellow = new Set();
  for (const t of g3.data) {
    if (t.type !== 'mesh3d') continue;
    if (t.visible !== false) shown.add(t.legendgroup);
    if (t.color === '#F0E442') yellow.add(t.meta);
  }
  const l3 = g3.data.find(t => t.meta === 'L3');
  const eye = g3.layout.scene.camera.eye, c = g3.layout.scene.camera.center || {x: 0, y: 0, z: 0};
  return {shown: [...shown], yellow: [...yellow], eye: [eye.x - c.x, eye.y - c.y, eye.z - c.z], l3_y: Array.from(l3.y).slice(0, 8),
          ann: sag.layout.annotations.map(a => a.text), effort: Array.from(gait.data.find(t => t.type === 'bar').x),
          checked: Array.from(document.querySelectorAll('.rb-checks input:checked')).map(i => i.value),
          link: (document.querySelector('input.rb-share-url') || {}).value || ''};
}"""


def _check_anatomy(dp, query: str) -> None:
    want = _anatomy_expected(query)
    dp.wait_plots()
    js_ready = (
        "(w) => { const f = Array.from(document.querySelectorAll('.js-plotly-plot'));"
        " const g = f.find(g => g.data && g.data.some(t => t.type === 'mesh3d'));"
        " return g && g.data.some(t => t.color === '#F0E442'); }"
    )
    dp.page.wait_for_function(js_ready, timeout=60_000)
    got = dp.page.evaluate(JS_ANATOMY)
    assert set(got["shown"]) == want["layers"], got["shown"]
    assert set(got["checked"]) == want["layers"]
    assert set(got["yellow"]) == want["yellow"]
    # The camera looks from the linked preset's direction (its distance is fitted to the plot).
    look = np.array(got["eye"]) / np.linalg.norm(got["eye"])
    assert look == pytest.approx(np.array(want["eye"]) / np.linalg.norm(want["eye"]), abs=1e-3)
    assert got["l3_y"] == pytest.approx(want["l3_y"], abs=0.01)
    assert any(want["lordosis"] in a for a in got["ann"]), got["ann"]
    assert got["effort"] == pytest.approx(want["effort"])
    for key, value in (("tilt", want["controls"]["tilt"]), ("phase", want["controls"]["phase"])):
        assert f"{key}={value}" in got["link"], got["link"]
    assert dp.page.locator(".rb-share-note").count() == 0 or not dp.page.locator(".rb-share-note").is_visible()
    assert dp.page_errors == [] and dp.error_text_on_page() == []


@pytest.mark.parametrize("case", list(ANATOMY_LINKS))
def test_anatomy_link_restores_all_three_figures(dashboard, case):
    _check_anatomy(dashboard(ANATOMY, query=ANATOMY_LINKS[case]), ANATOMY_LINKS[case])


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """``--classroom`` with one pre-heated kernel on the anatomy page."""
    srv = start_classroom(tmp_path_factory.mktemp("links-classroom"), ANATOMY)
    yield srv
    srv.stop()


def test_anatomy_link_restores_figures_in_a_preheated_kernel(browser, classroom):
    dp = open_dashboard(browser, classroom, ANATOMY, query=ANATOMY_LINKS["structure"], timeout_ms=180_000)
    try:
        _check_anatomy(dp, ANATOMY_LINKS["structure"])
    finally:
        dp.close()


LOADSIM = "03-run-load-simulator"
#: Every simulator control off its default; ``preset=custom`` with each non-default view (links like
#: these opened an empty chart before, issue 13).
LOADSIM_LINK = (
    "detail=1&preset=custom&body_mass_kg=80&speed_m_s=3.6&duration_min=45&training_weeks=30"
    "&strength_hip_abductors=0.7&strength_hip_extensors=0.8&strength_deep_core=0.9&strength_lumbar_extensors=1.1"
    "&runner_b=deep_core_weakness&cohort_n=200&cohort_spread=0.25&strength_weeks=10&base_weeks=4&view="
)


def _loadsim_expected(query: str):
    from runback_widgets.loadsim.widget import RunLoadSimulator
    from runback_widgets.ui.share import parse_query

    app = RunLoadSimulator()
    assert app.apply_scenario(parse_query(query)[0]) == []
    return app


JS_VISIBLE_FIGURE = """() => {
  const figs = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(f => f.offsetParent !== null);
  return figs.map(f => f.data.map(t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])})));
}"""


def _visible_figures(dp) -> list:
    """The data of each figure on screen, once one of them has drawn something."""
    dp.wait_plots()
    dp.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".some(f => f.offsetParent !== null && f.data.some(t => (t.x || []).length > 0))",
        timeout=60_000,
    )
    return dp.page.evaluate(JS_VISIBLE_FIGURE)


@pytest.mark.parametrize("view", ["compare", "cohort", "prevention"])
def test_loadsim_custom_link_draws_the_linked_view(dashboard, view):
    import numpy as np

    query = LOADSIM_LINK + view
    app = _loadsim_expected(query)
    dp = dashboard(LOADSIM, query=query)
    shown = _visible_figures(dp)
    assert len(shown) == 1, f"expected the {view} figure alone, got {len(shown)}"
    traces = shown[0]
    if view == "compare":
        assert np.allclose(traces[0]["y"], app.result.lumbar_load_index, atol=1e-6)
        assert np.allclose(traces[1]["y"], app.result_b.lumbar_load_index, atol=1e-6)
    elif view == "cohort":
        finite = app.cohort.takeover_min[np.isfinite(app.cohort.takeover_min)]
        assert sorted(traces[0]["x"]) == pytest.approx(sorted(finite.tolist()))
    else:
        assert np.allclose(traces[0]["y"], app.result.lumbar_load_index, atol=1e-6)
        assert np.allclose(traces[1]["y"], app.prevention.lumbar_load_index, atol=1e-6)
    link = dp.page.locator("input.rb-share-url").input_value()
    assert "preset=custom" in link and f"view={view}" in link and "speed_m_s=3.6" in link
    assert dp.page_errors == [] and dp.error_text_on_page() == []


SYMPTOMS_NB = "02-symptom-explorer"
SYMPTOMS_LINK = "detail=1&symptoms=pain_down_leg,pain_below_knee_or_into_toes,worse_bending_forward&age=41"


def test_symptoms_link_restores_ticks_age_and_both_figures(dashboard):
    from runback_widgets.symptoms.model import PAIN_TYPES, assess

    want = assess({"pain_down_leg", "pain_below_knee_or_into_toes", "worse_bending_forward"}, age=41)
    dp = dashboard(SYMPTOMS_NB, query=SYMPTOMS_LINK)
    dp.wait_plots()
    dp.page.wait_for_function(
        "() => { const f = document.querySelectorAll('.js-plotly-plot')[0]; return f && f.data[0].x.some(v => v > 0); }",
        timeout=60_000,
    )
    bars = dp.plot_data(0)[0]["x"]
    assert bars == pytest.approx([want.scores[t] for t in PAIN_TYPES])
    widths = dp.page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')[1].data).map(t => t.line && t.line.width)"
    )
    assert 4 in widths  # the ticked regions are outlined on the body map
    checked = dp.page.evaluate(
        "() => Array.from(document.querySelectorAll('.rb-checks input:checked')).map(i => i.value)"
    )
    assert set(checked) == {"pain_down_leg", "pain_below_knee_or_into_toes", "worse_bending_forward"}
    assert dp.page.locator("input[type=text]").first.input_value() == "41"
    link = dp.page.locator("input.rb-share-url").input_value()
    assert "age=41" in link and "detail=1" in link
    assert dp.page_errors == [] and dp.error_text_on_page() == []


CARE_NB = "04-what-helps"
#: Every What helps control off its default (urgency self-care and no warning sign, so that a plan
#: is drawn) and a non-default view: the return-to-run planner.
CARE_LINK = (
    "detail=1&topic=prevention&goal=hips&equipment=band&hurts=arching&exercise=banded_side_step"
    "&days=40&pain=4&before=150&sessions=4&start=2030-03-04&current=30&target=200&increase=0.15&every=3"
    "&base_sessions=2&base_start=2030-04-01&view=return"
)


def test_care_link_restores_every_control_and_draws_the_linked_plan(dashboard):
    from runback_widgets.care.widget import WhatHelps
    from runback_widgets.ui.share import parse_query

    app = WhatHelps()
    assert app.apply_scenario(parse_query(CARE_LINK)[0]) == []
    want = sorted((w.index, round(w.run_minutes, 1)) for w in app.plan.weeks if w.kind != "walk")
    dp = dashboard(CARE_NB, query=CARE_LINK)
    shown = _visible_figures(dp)
    assert len(shown) == 1, f"expected the return plan's figure alone, got {len(shown)}"
    drawn = sorted((int(x), round(float(y), 1)) for t in shown[0][:2] for x, y in zip(t["x"], t["y"]))
    assert drawn == want
    page = dp.page
    # the controls show the linked values: the planner's boxes, and the table starts on the linked date
    values = page.evaluate(
        "() => Array.from(document.querySelectorAll('.rb-care input[type=number]')).map(i => i.value)"
    )
    assert {"40", "150", "30", "200"} <= set(values), values
    assert "2030-03-04" in page.inner_text(".rb-care-plan")
    active = (
        "() => Array.from(document.querySelectorAll('.rb-care-views button.mod-active')).map(b => b.innerText.trim())"
    )
    assert page.evaluate(active) == ["Back to running"]
    link = page.locator("input.rb-share-url").input_value()
    for pair in CARE_LINK.split("&"):
        assert pair in link, (pair, link)
    assert dp.page_errors == [] and dp.error_text_on_page() == []

"""A slider's value echoed back by the browser does not recompute the run load simulator.

At load, a slider's browser view may send its value back snapped to its step
(0.45 -> 0.44999999999999996). Each echo used to run the whole simulation and
send three figure updates per visitor; a real move (one step) still does.
The echo is replayed as the browser's comm message does it (``set_state``).
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from runback_widgets.loadsim.widget import RunLoadSimulator


def _sliders(w):
    if isinstance(w, widgets.FloatSlider):
        yield w
    for child in getattr(w, "children", ()):
        yield from _sliders(child)


def test_an_echoed_slider_value_does_not_recompute_and_a_step_does():
    app = RunLoadSimulator()
    sliders = [s for s in _sliders(app) if s.step and s.min < s.value < s.max]
    assert sliders, "no float slider found in the dashboard"
    runs = []
    app.observe(lambda ch: runs.append(ch["new"]), names="result")
    preset = app.preset
    for s in sliders:
        echo = math.nextafter(s.value, -math.inf)  # one float below, as 0.45 -> 0.44999999999999996
        assert echo != s.value
        s.set_state({"value": echo})
    assert runs == [], f"{len(runs)} recompute(s) for echoed slider values"
    assert app.preset == preset, "an echo turned the preset into 'custom'"
    s = sliders[0]
    s.set_state({"value": min(s.max, s.value + s.step)})
    assert len(runs) == 1, "a one-step move did not recompute"

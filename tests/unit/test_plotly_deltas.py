"""FigureWidget's delta handler and numpy-valued traces (runback_widgets/ui/plotly_deltas.py).

The browser answers every figure update with the trace's computed defaults, a
numpy-valued property coming back as a typed-array dict. Without the fix,
plotly's handler raised ValueError (array truth value) for each figure update;
these tests replay that message on a real dashboard chart.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest


def browser_delta(trace) -> dict:
    """What plotly.js sends back for a trace: properties it filled in (defaults), and the
    typed arrays it decoded, as bdata dicts; not what Python set as-is (type, name)."""

    def typed(a):
        a = np.asarray(a, dtype="f8")
        return {"dtype": "f8", "bdata": base64.b64encode(a.tobytes()).decode(), "shape": str(len(a))}

    return {
        "uid": trace.uid,
        "visible": True,
        "x": typed(trace.x),
        "y": typed(trace.y),
        "line": {"shape": "linear", "simplify": True},
        "hoverinfo": "x+y+z+text+name",
        "xaxis": "x",
        "yaxis": "y",
    }


def replay(fig) -> None:
    fig._last_trace_edit_id += 1
    deltas = [browser_delta(t) for t in fig.data if t.type == "scatter" and t.x is not None and len(t.x) > 1]
    assert deltas, "no numpy-valued scatter trace to replay"
    fig._handler_js2py_traceDeltas({"new": {"trace_deltas": deltas, "trace_edit_id": fig._last_trace_edit_id}})


def a_loadsim_chart():
    from runback_widgets.loadsim import figures as F
    from runback_widgets.loadsim.model import simulate_run
    from runback_widgets.loadsim.scenarios import PRESETS

    runner, plan = next(iter(PRESETS.values()))
    return F.FatigueChart(simulate_run(runner, plan)), simulate_run(runner, plan)


def test_the_browsers_answer_no_longer_raises_and_the_trace_keeps_its_data():
    from plotly.basewidget import BaseFigureWidget

    chart, result = a_loadsim_chart()  # imports ui.theme, which installs the fix
    assert getattr(BaseFigureWidget._remove_overlapping_props, "_runback_wrapped", False)
    x_before = np.array(chart.fig.data[0].x, dtype=float)
    assert isinstance(chart.fig.data[0]._props.get("x"), np.ndarray), "the chart no longer holds numpy arrays"
    replay(chart.fig)
    assert not chart.fig._trace_edit_in_process
    np.testing.assert_array_equal(np.array(chart.fig.data[0].x, dtype=float), x_before)
    # A second update and answer, as every slider move does.
    chart.update(result)
    replay(chart.fig)
    assert not chart.fig._trace_edit_in_process


def test_without_the_fix_the_same_answer_raises():
    """The replayed message really is the one plotly failed on (checked with plotly's own function)."""
    from plotly.basewidget import BaseFigureWidget

    chart, _ = a_loadsim_chart()
    wrapped = BaseFigureWidget._remove_overlapping_props
    original = wrapped._runback_original
    BaseFigureWidget._remove_overlapping_props = staticmethod(original)
    try:
        with pytest.raises(ValueError, match="truth value"):
            replay(chart.fig)
    finally:
        BaseFigureWidget._remove_overlapping_props = staticmethod(wrapped)


def test_install_is_idempotent():
    from runback_widgets.ui import plotly_deltas

    plotly_deltas.install()
    assert plotly_deltas.install() is False

"""Regenerate benchmarks/baseline.ipynb: a one-slider FigureWidget notebook used
as the yardstick for time-to-interactive and slider latency."""

from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent
write_notebook(
    ROOT / "benchmarks" / "baseline.ipynb",
    [
        ("md", "# Baseline: one slider, one FigureWidget"),
        (
            "code",
            """import numpy as np
import ipywidgets as widgets
import plotly.graph_objects as go

x = np.linspace(0, 10, 200)
fig = go.FigureWidget(go.Scatter(x=x, y=np.sin(x), name="sin"))
slider = widgets.FloatSlider(value=1.0, min=0.5, max=5.0, step=0.1, description="frequency")

def _update(change):
    with fig.batch_update():
        fig.data[0].y = np.sin(change["new"] * x)

slider.observe(_update, names="value")
widgets.VBox([slider, fig])""",
        ),
    ],
)

"""The shared "download this data (CSV)" helper (ui/components.py)."""

import base64
import csv
import io
import re

import pytest

from runback_widgets.ui.components import csv_text, download_html, figure_csv


def _payload(html_text: str) -> str:
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', html_text)
    assert m, html_text
    return base64.b64decode(m.group(1)).decode("utf-8")


def test_csv_round_trips_through_the_link():
    rows = [(0.0, 1.0, "a, b"), (0.5, 1.25, 'say "hi"')]
    text = csv_text(["minute", "load", "note"], rows)
    back = list(csv.reader(io.StringIO(_payload(download_html(text, "run.csv", "Download")))))
    assert back[0] == ["minute", "load", "note"]
    assert [float(x) for x in back[2][:2]] == [0.5, 1.25]
    assert back[1][2] == "a, b" and back[2][2] == 'say "hi"'


def test_link_names_the_file_and_escapes_the_label():
    link = download_html("x\n", "side view.csv", "<Download>")
    assert 'download="side view.csv"' in link and "&lt;Download&gt;" in link


@pytest.mark.parametrize("bad", ["", "../x.csv", "a/b.csv", "a\\b.csv"])
def test_bad_file_name_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="filename"):
        download_html("x", bad, "Download")


def test_figure_csv_is_what_the_figures_draw():
    import plotly.graph_objects as go

    a = go.Figure([go.Scatter(x=[0, 1, 2], y=[1.0, 1.5, 2.0], name="back")], layout=dict(title="Load"))
    b = go.Figure(
        [go.Scatter(x=[0, 1, 2], y=[0.1, 0.2, 0.3], name="hips"), go.Scatter(x=[1.5], y=["n/a"], name="marker")],
        layout=dict(title="Fatigue"),
    )
    rows = list(csv.reader(io.StringIO(figure_csv([a, b], x_name="minute"))))
    assert rows[0] == ["minute", "Load: back", "Fatigue: hips"]
    assert [[float(v) for v in r] for r in rows[1:]] == [[0, 1.0, 0.1], [1, 1.5, 0.2], [2, 2.0, 0.3]]
    # different x: one long table
    c = go.Figure([go.Scatter(x=[0, 1], y=[5, 6], name="disc"), go.Scatter(x=[3], y=[4], name="pelvis")])
    rows = list(csv.reader(io.StringIO(figure_csv([c], x_name="x_mm"))))
    assert rows[0] == ["figure", "trace", "x_mm", "y"] and len(rows) == 4

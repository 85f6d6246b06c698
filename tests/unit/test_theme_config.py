"""The theme's figure config and presenter sizing (ui/theme.py) and tools/nbtool.py's tool-first order."""

import importlib.util
from pathlib import Path

import plotly.graph_objects as go
import pytest

from runback_widgets.ui import theme

ROOT = Path(__file__).resolve().parents[2]


def test_every_figure_keeps_png_export_and_follows_its_container():
    fig = theme.configure_figure(go.FigureWidget())
    assert fig._config["responsive"] is True
    assert fig._config["toImageButtonOptions"]["format"] == "png"
    assert "displayModeBar" not in fig._config and fig._config["scrollZoom"] is False


def test_a_hidden_toolbar_comes_back_but_other_settings_stay():
    fig = go.FigureWidget()
    fig._config = {"displayModeBar": False, "showAxisDragHandles": False}
    theme.configure_figure(fig)
    assert "displayModeBar" not in fig._config and fig._config["showAxisDragHandles"] is False


def test_figure_config_copies_its_defaults():
    a = theme.figure_config()
    a["toImageButtonOptions"]["scale"] = 9
    assert theme.figure_config()["toImageButtonOptions"]["scale"] == 2


@pytest.mark.parametrize("height", [280, 380, 700])
def test_presenter_figures_grow_with_their_type(monkeypatch, height):
    monkeypatch.setenv("RUNBACK_PRESENT", "1")
    grown = theme.figure_layout(height=height)["height"]
    assert height < grown <= max(theme.PRESENT_MAX_HEIGHT, height)
    assert theme.figure_layout(height=height)["template"].layout.font.size >= 18
    monkeypatch.setenv("RUNBACK_PRESENT", "0")
    assert theme.figure_layout(height=height)["height"] == height


def _nbtool():
    spec = importlib.util.spec_from_file_location("nbtool", ROOT / "tools" / "nbtool.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tool_first_order():
    nbtool = _nbtool()
    cells = nbtool.tool_first(
        "03-run-load-simulator",
        [
            ("md", "# Title\n\nA warning line.\n\n## Goals\n\n- learn"),
            ("md", "## Background\n\nText $x$."),
            ("code", "# table\nt()"),
            ("md", "## The tool\n\nUse it.", "tool"),
            ("code", "# app\napp = App()\napp", "tool"),
            ("md", "## Tasks\n\n1. Do."),
            ("md", "## References"),
            ("code", "# refs\nrefs()"),
            ("md", "## Legend\n\n- colours"),
            ("code", "# example\nprint(1)", "student"),
        ],
        sources=["runback_widgets/loadsim/model.py"],
    )
    src = [c.source for c in cells]
    assert src[0].startswith("# Title\n\n") and "A warning line." in src[0] and "## Goals" not in src[0]
    assert nbtool.plain_sentence("03-run-load-simulator") in src[0]
    assert src[1].startswith("## The tool") and cells[2].metadata["tags"] == ["rb-tool"]
    order = [nbtool.section_title(s) or (s.split("<h2>")[1].split("</h2>")[0] if "<h2>" in s else None) for s in src]
    names = [o for o in order if o]
    assert names == ["The tool", "Goals", "Background", "Use it from code", "Tasks", "Legend", "References"]
    assert src[3].startswith('<details class="rb-lesson"><summary><h2>Goals</h2></summary>')
    shown = [c for c in cells if "rb-show-code" in c.metadata.get("tags", [])]
    assert [c.source for c in shown] == ["# example\nprint(1)"]
    assert "runback_widgets/loadsim/model.py" in next(s for s in src if "<h2>Use it from code</h2>" in s)


def test_a_shareable_dashboard_ends_with_the_cell_that_applies_the_page_link():
    """Regenerating a notebook must keep the last cell a classroom kernel waits in (it was
    added by hand once, and the generator dropped it)."""
    nbtool = _nbtool()
    body = [("md", "# T\n\n## Goals\n\n- g"), ("md", "## The tool", "tool")]
    shared = nbtool.tool_first("x", body + [("code", "app = App()\nshareable(app)", "tool"), ("md", "## Tasks")])
    assert shared[-1].cell_type == "code" and shared[-1].source.rstrip().endswith("apply_page_link()")
    plain = nbtool.tool_first("x", body + [("code", "app = App()\napp", "tool"), ("md", "## Tasks")])
    assert "apply_page_link" not in plain[-1].source


def test_a_dashboard_without_a_tool_is_an_error():
    with pytest.raises(ValueError, match="tool"):
        _nbtool().tool_first("x", [("md", "# T"), ("code", "# a\na")])


def test_presenter_3d_labels_are_projector_size(monkeypatch):
    """The 3D model's labels are WebGL text the presenter CSS cannot reach (issue 14: figure
    text >= 18 px at the projector), so the figure sets their size itself."""
    from runback_widgets import content
    from runback_widgets.anatomy import figures as af
    from runback_widgets.anatomy import model as am

    names = {k: v["plain"] for k, v in content.load_toml("anatomy.toml")["structure"].items()}
    sizes = {}
    for present in ("1", "0"):
        monkeypatch.setenv("RUNBACK_PRESENT", present)
        fig, _ = af.anatomy_figure(am.build_model(0.0), names)
        text = [t for t in fig.data if getattr(t, "mode", None) == "text"]
        assert text, "the 3D figure has its structure labels"
        sizes[present] = min(t.textfont.size for t in text)
    assert sizes["1"] >= 18
    assert sizes["0"] < sizes["1"]


def _plain(fig) -> str:
    """A figure as plotly JSON without its widget's random trace uids."""
    import plotly.io as pio

    d = fig.to_plotly_json()
    for t in d["data"]:
        t.pop("uid", None)
    return pio.to_json(d, validate=False)


def test_a_figure_widget_from_a_validated_figure_is_the_same_figure_and_validates_what_follows():
    from runback_widgets.anatomy import figures as af
    from runback_widgets.anatomy import model as am

    built = am.build_model(0)
    fig, _ = af.anatomy_figure(built, {}, widget=False)
    slow = go.FigureWidget(data=list(fig.data), layout=fig.layout)  # validated all over again
    fast = theme.figure_widget_from(fig)
    assert isinstance(fast, go.FigureWidget) and _plain(fast) == _plain(slow)
    assert len({t.uid for t in fast.data}) == len(fast.data)  # each trace its own uid, as plotly gives
    with pytest.raises(ValueError):
        fast.data[0].opacity = "half"
    with pytest.raises(ValueError):
        fast.data[0].lighting.ambient = 5  # a nested property, created later: validated too
    with pytest.raises(ValueError):
        fast.layout.height = -1
    # Changing the widget leaves the figure it came from (and so the next widget) as it was.
    before = _plain(fig)
    fast.data[0].visible = False
    fast.data[0].x = [0.0, 1.0, 2.0]
    fast.layout.scene.camera.eye = dict(x=3, y=0, z=0)
    assert _plain(fig) == before and _plain(theme.figure_widget_from(fig)) == _plain(slow)


def test_the_3d_figure_is_validated_once_per_model_and_view(monkeypatch):
    from runback_widgets.anatomy import figures as af
    from runback_widgets.anatomy import model as am

    built = am.build_model(2.5)
    monkeypatch.setattr(af, "_FIGURES", af.Recent(8))
    calls = []
    real = af.go.Mesh3d
    monkeypatch.setattr(af.go, "Mesh3d", lambda *a, **k: calls.append(1) or real(*a, **k))
    w1, index1 = af.anatomy_figure(built, {}, widget=True)
    n = len(calls)
    assert n > 0
    w2, index2 = af.anatomy_figure(built, {}, widget=True)
    assert len(calls) == n and w1 is not w2 and index1 == index2 and _plain(w1) == _plain(w2)
    af.anatomy_figure(built, {}, visible_layers=("bones",), widget=True)  # another view: built anew
    assert len(calls) == 2 * n


def test_the_side_view_and_stride_charts_are_validated_once_per_opening_state(monkeypatch):
    from runback_widgets.anatomy import figures as af
    from runback_widgets.anatomy import model as am

    monkeypatch.setattr(af, "_VALIDATED", af.Recent(16))
    calls = []
    real = af.go.Scatter
    monkeypatch.setattr(af.go, "Scatter", lambda *a, **k: calls.append(1) or real(*a, **k))
    out, state = am.sagittal_outline(4.0), am.gait_state(0.3, 0.6)
    first = (af.SagittalChart(out, 0.2, 0.0), af.GaitChart(state))
    n = len(calls)
    again = (af.SagittalChart(am.sagittal_outline(4.0), 0.2, 0.0), af.GaitChart(am.gait_state(0.3, 0.6)))
    assert n > 0 and len(calls) == n
    for a, b in zip(first, again):
        assert a.fig is not b.fig and _plain(a.fig) == _plain(b.fig)
    af.SagittalChart(out, 0.5, 0.0)  # another opening state: built anew
    af.GaitChart(am.gait_state(0.5, 0.6))
    assert len(calls) > n

"""Small widgets shared by every dashboard: disclaimer, claim and clinical-note
boxes, references, and the error panel that keeps tracebacks off the page.

Widgets layer: may import ipywidgets; holds no model logic.
"""

from __future__ import annotations

import functools
import html
import logging
import sys
from collections.abc import Callable, Iterable, Sequence

import ipywidgets as widgets

from .. import content
from ..voila.bundle import use_served_bundle

# Under `runback serve`: plotly's 5 MB widget code comes from the server once per
# page instead of through every figure's widget state (see runback_widgets/voila/bundle.py).
use_served_bundle()

__all__ = [
    "Disclaimer",
    "ErrorPanel",
    "guarded",
    "claim_html",
    "claims_section",
    "references_html",
    "references_section",
    "page_style",
    "dashboard_references",
    "csv_text",
    "download_html",
    "download_link",
    "figure_csv",
    "plot_resizer",
    "fixed_html",
]

#: Logged to the real process stderr, which Voila's console shows; never to the page.
log = logging.getLogger("runback")
if not log.handlers:
    _h = logging.StreamHandler(sys.__stderr__)
    _h.setFormatter(logging.Formatter("[runback %(levelname)s] %(message)s"))
    log.addHandler(_h)
    log.setLevel(logging.INFO)
    log.propagate = False


def page_style() -> widgets.HTML:
    """The kit's stylesheet (``ui/runback.css``, plus ``ui/present.css`` in presenter mode),
    one widget model per page (see :func:`runback_widgets.ui.render.stylesheet`)."""
    from .render import stylesheet

    return stylesheet()


def fixed_html(fragment) -> widgets.HTML:
    """A widget showing a fixed render fragment (:func:`runback_widgets.ui.render.h`), escaped once."""
    from .render import to_html

    return widgets.HTML(to_html(fragment))


class Disclaimer(widgets.HTML):
    """The educational disclaimer, shown once and visibly on every dashboard that
    classifies or simulates."""

    def __init__(self, **kwargs):
        text = content.ui_text("disclaimer")
        value = (
            f'<div class="rb-box rb-disclaimer" role="note" aria-label="{html.escape(text["title"])}">'
            f"<strong>{html.escape(text['title'])}.</strong> {html.escape(text['text'])}</div>"
        )
        super().__init__(value=value, **kwargs)
        self.add_class("rb-disclaimer-widget")


def source_line(ids: Iterable[str]) -> str:
    """Short source names (linked where a DOI/URL exists) for reference ids."""
    parts = []
    for rid in ids:
        ref = content.reference(rid)
        short = html.escape(ref.citation.split(".")[0])
        if ref.link:
            parts.append(f'<a href="{html.escape(ref.link)}" target="_blank" rel="noopener">{short}</a>')
        else:
            parts.append(short)
    return "; ".join(parts)


def claim_html(claim_id: str, detail: bool = False) -> str:
    """HTML for one claim (blue box) or clinical note (orange box), from the registry.

    The element carries ``data-claim-id`` so tests can tell which ids a page shows.
    """
    from .render import claim_box, to_html

    return to_html(claim_box(claim_id, detail))


def claims_section(claim_ids: Sequence[str], detail: bool = False) -> widgets.HTML:
    """A column of claim / note boxes, rendered from the registry by id."""
    return widgets.HTML("".join(claim_html(cid, detail=detail) for cid in claim_ids))


def dashboard_references(dashboard: str, extra: Iterable[str] = ()) -> list[str]:
    """Reference ids behind every claim a dashboard shows, plus ``extra`` (e.g. model papers)."""
    ids: list[str] = []
    for c in content.claims().values():
        if dashboard in c.shown_in:
            ids.extend(c.sources)
    ids.extend(extra)
    seen: dict[str, None] = {}
    for rid in ids:
        seen.setdefault(rid, None)
    return list(seen)


def references_html(ref_ids: Iterable[str]) -> str:
    items = []
    for rid in ref_ids:
        ref = content.reference(rid)
        link = (
            f' <a href="{html.escape(ref.link)}" target="_blank" rel="noopener">{html.escape(ref.link)}</a>'
            if ref.link
            else ""
        )
        items.append(f'<li id="ref-{rid}">{html.escape(ref.citation)}{link}</li>')
    return f'<ol class="rb-refs">{"".join(items)}</ol>'


def references_section(dashboard: str | None = None, extra: Iterable[str] = ()) -> widgets.HTML:
    """Rendered references list: one dashboard's, or (``None``) the whole kit's."""
    ids = list(content.references()) if dashboard is None else dashboard_references(dashboard, extra)
    return widgets.HTML(references_html(ids))


class ErrorPanel(widgets.HTML):
    """Where a callback's error is shown to the user, in plain words.

    The full traceback goes to the server console (``runback`` logger), never to the page.
    """

    def __init__(self, **kwargs):
        super().__init__(value="", **kwargs)
        self.layout.display = "none"

    def show(self, exc: BaseException) -> None:
        texts = content.ui_text("errors")
        if isinstance(exc, ValueError):
            msg = f"{texts['prefix']} {exc}"
        else:
            msg = texts["generic"]
        self.value = f'<div class="rb-box rb-error" role="alert">{html.escape(msg)}</div>'
        self.layout.display = None

    def clear(self) -> None:
        if self.value:
            self.value = ""
            self.layout.display = "none"


def guarded(panel: ErrorPanel) -> Callable:
    """Decorator for widget callbacks: errors are logged to the console and shown in ``panel``."""

    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged in full
                log.exception("error in %s", getattr(fn, "__qualname__", fn))
                panel.show(exc)
                return None
            panel.clear()
            return result

        return wrapper

    return deco


class DetailToggle(widgets.ToggleButton):
    """ "More detail for students": plain words by default; on, the anatomical terms
    and detailed text. Dashboards observe ``value``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("value", False)
        kwargs.setdefault("description", "More detail for students")
        kwargs.setdefault("tooltip", "Show the anatomical terms and the detailed explanations")
        kwargs.setdefault("layout", widgets.Layout(width="auto", max_width="100%"))
        super().__init__(**kwargs)
        self.add_class("rb-detail-toggle")


_SLIDER_LABELS_ESM = """
export default {
  render({ el }) {
    el.style.display = "none";
    el.classList.add("rb-slider-labels");  // a rendered (empty by design) view, not a pending one
    const fix = () => {
      document.querySelectorAll(".widget-slider").forEach((s) => {
        const label = s.querySelector(".widget-label");
        const name = label ? label.textContent.trim() : "";
        if (!name) return;
        s.querySelectorAll(".noUi-handle").forEach((h) => {
          if (h.getAttribute("aria-label") !== name) h.setAttribute("aria-label", name);
        });
      });
    };
    let timer = null;
    const obs = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(fix, 30); });
    obs.observe(document.body, { childList: true, subtree: true });
    fix();
    return () => { obs.disconnect(); clearTimeout(timer); };
  },
};
"""


def slider_labels():
    """An invisible widget that gives every ipywidgets slider handle on the page an accessible
    name (its description): ipywidgets 8 renders noUiSlider handles (role=slider) without one,
    which axe-core reports as a serious ``aria-input-field-name`` violation."""
    import anywidget

    global _SliderLabels
    if _SliderLabels is None:

        class SliderLabels(anywidget.AnyWidget):
            _esm = _SLIDER_LABELS_ESM

        _SliderLabels = SliderLabels
    return _SliderLabels()


_SliderLabels = None


def csv_text(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """CSV text (comma-separated, header row, ``\\n`` line ends) from column names and rows;
    floats written with up to 6 significant digits."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([f"{v:.6g}" if isinstance(v, float) else v for v in row])
    return buf.getvalue()


def download_link(text: str, filename: str, label: str, mime: str = "text/csv", class_: str = ""):
    """A render fragment (:func:`runback_widgets.ui.render.h`): an ``<a download>`` link carrying
    ``text`` in a data: URI (``class_``: more classes than ``rb-download``). Works in Voila,
    JupyterLab and offline: no server route, nothing leaves the page."""
    import base64

    from .render import h

    if not filename or "/" in filename or "\\" in filename:
        raise ValueError(f"filename must be a plain file name, got {filename!r}")
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    href = f"data:{mime};charset=utf-8;base64,{payload}"
    return h("a", label, class_=f"rb-download {class_}".strip(), download=filename, href=href)


def download_html(text: str, filename: str, label: str, mime: str = "text/csv") -> str:
    """:func:`download_link` as HTML."""
    from .render import to_html

    return to_html(download_link(text, filename, label, mime))


def figure_csv(figures, x_name: str = "x", y_name: str = "y") -> str:
    """CSV of what plotly figures draw. Curves that share the longest trace's x values become
    columns of one table (``x_name``, then "<figure title>: <trace name>"; reference lines and
    markers drawn at other x are left out); when no two curves share them (outlines), a long
    table (figure, trace, x, y). Traces without numeric x/y are left out."""
    import numpy as np

    series = []
    for fig in figures:
        title = fig.layout.title.text or fig.layout.legend.title.text or ""  # some charts title their legend
        for tr in fig.data:
            x, y = getattr(tr, "x", None), getattr(tr, "y", None)
            if x is None or y is None or len(x) != len(y) or len(x) == 0:
                continue
            try:
                xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            except (TypeError, ValueError):
                continue
            name = tr.name or tr.type
            series.append((f"{title}: {name}" if title else name, title, name, xa, ya))
    if not series:
        return csv_text([x_name], [])
    x0 = max(series, key=lambda s: len(s[3]))[3]
    same = [s for s in series if len(s[3]) == len(x0) and np.allclose(s[3], x0, equal_nan=True)]
    if len(same) >= 2 or len(series) == 1:
        cols = [x_name] + [s[0] for s in same]
        rows = [[float(x0[i])] + [float(s[4][i]) for s in same] for i in range(len(x0))]
        return csv_text(cols, rows)
    rows = [(s[1], s[2], float(xv), float(yv)) for s in series for xv, yv in zip(s[3], s[4])]
    return csv_text(["figure", "trace", x_name, y_name], rows)


_RESIZE_ESM = """
export default {
  render({ model, el }) {
    el.style.display = "none";
    el.classList.add("rb-resize-plots");  // a rendered (empty by design) view
    let timers = [];
    const fit = () => {
      document.querySelectorAll(".js-plotly-plot").forEach((e) => {
        if (!e.offsetParent || !e._fullLayout || Math.abs(e._fullLayout.width - e.clientWidth) <= 2) return;
        if (window.Plotly && window.Plotly.Plots) window.Plotly.Plots.resize(e);
        else window.dispatchEvent(new Event("resize"));
      });
    };
    const fire = () => {
      timers.forEach(clearTimeout);
      timers = [60, 400, 1500, 4000].map(t => setTimeout(fit, t));
    };
    // A plotly FigureWidget created while its box was not yet laid out draws at plotly's default
    // 700 px and keeps it (a window resize event does not fix it). Re-fit every visible figure
    // whose drawn width differs from its box when the view changes (tick) and when a new
    // figure appears on the page.
    let count = document.querySelectorAll(".js-plotly-plot").length;
    const obs = new MutationObserver(() => {
      const n = document.querySelectorAll(".js-plotly-plot").length;
      if (n !== count) { count = n; fire(); }
    });
    obs.observe(document.body, { childList: true, subtree: true });
    model.on("change:tick", fire);
    return () => { obs.disconnect(); timers.forEach(clearTimeout); };
  },
};
"""
_Resizer = None


def plot_resizer():
    """An invisible widget that makes newly shown plotly figures fit their container (see ESM)."""
    import anywidget
    import traitlets

    global _Resizer
    if _Resizer is None:

        class PlotResizer(anywidget.AnyWidget):
            _esm = _RESIZE_ESM
            tick = traitlets.Int(0).tag(sync=True)

        _Resizer = PlotResizer
    return _Resizer()

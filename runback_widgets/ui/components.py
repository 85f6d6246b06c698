"""Small widgets shared by every dashboard: disclaimer, claim and clinical-note
boxes, references, and the error panel that keeps tracebacks off the page.

Widgets layer: may import ipywidgets; holds no model logic.
"""

from __future__ import annotations

import functools
import html
import logging
import sys
from typing import Callable, Iterable, Sequence

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
    "DownloadLink",
    "figure_csv",
]

#: Logged to the real process stderr, which Voila's console shows; never to the page.
log = logging.getLogger("runback")
if not log.handlers:
    _h = logging.StreamHandler(sys.__stderr__)
    _h.setFormatter(logging.Formatter("[runback %(levelname)s] %(message)s"))
    log.addHandler(_h)
    log.setLevel(logging.INFO)
    log.propagate = False

_CSS = """
<style>
.rb-box{border-radius:6px;padding:0.6em 0.9em;margin:0.5em 0;line-height:1.45;max-width:60em}
.rb-claim{border-left:6px solid #0072B2;background:#EEF5FB;color:#1A1A1A}
.rb-note{border-left:6px solid #D55E00;background:#FDF1E8;color:#1A1A1A}
.rb-note .rb-kind{color:#8A3B00}
.rb-claim .rb-kind{color:#004C7A}
.rb-kind{font-weight:700;text-transform:uppercase;font-size:0.8em;letter-spacing:0.04em}
.rb-src{font-size:0.85em;color:#444}
.rb-disclaimer{border:2px solid #1A1A1A;background:#FFF8D6;color:#1A1A1A}
.rb-error{border:2px solid #B00020;background:#FDECEE;color:#5C0011}
.rb-refs li{margin-bottom:0.3em}
.rb-detail{display:block}
@media (max-width: 600px){ .rb-box{font-size:0.95em} }
</style>
"""

_PRESENT_CSS = """
<style>
body, .jp-RenderedHTMLCommon, .widget-label, .widget-html-content, .widget-inline-hbox, .widget-button,
.widget-dropdown select, .widget-readout {font-size:22px !important;}
body{background:#111 !important;color:#fff !important}
.jp-RenderedHTMLCommon, .widget-html-content, .widget-label{color:#fff !important}
.rb-claim{background:#0B2436;color:#fff}.rb-note{background:#3A1D08;color:#fff}
.rb-disclaimer{background:#333;color:#fff;border-color:#fff}
.rb-src{color:#ddd}.rb-note .rb-kind{color:#FFB27A}.rb-claim .rb-kind{color:#9FD3FF}
</style>
"""


def page_style() -> widgets.HTML:
    """CSS for the kit's boxes (and large dark type in presenter mode)."""
    from .theme import presenter_mode

    return widgets.HTML(_CSS + (_PRESENT_CSS if presenter_mode() else ""))


class Disclaimer(widgets.HTML):
    """The educational disclaimer, shown once and visibly on every dashboard that
    classifies or simulates."""

    def __init__(self, **kwargs):
        text = content.ui_text("disclaimer")
        value = (
            f'{_CSS}<div class="rb-box rb-disclaimer" role="note" aria-label="{html.escape(text["title"])}">'
            f'<strong>{html.escape(text["title"])}.</strong> {html.escape(text["text"])}</div>'
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
    c = content.claim(claim_id)
    kind = "Clinical note" if c.is_note else "From the article"
    cls = "rb-note" if c.is_note else "rb-claim"
    body = html.escape(c.detail if detail else c.text)
    quote = ""
    if c.quote:
        quote = f' <span class="rb-quote">Dr Metzl, quoted: &ldquo;{html.escape(c.quote)}&rdquo;</span>'
    refines = ""
    if c.refines:
        refines = f" Refines {', '.join(c.refines)}."
    attribution = ""
    if not c.is_note:
        attribution = "According to sports-medicine physician Jordan Metzl, quoted in Runner's World. "
    return (
        f'<div class="rb-box {cls}" data-claim-id="{c.id}" role="note" aria-label="{kind} {c.id}">'
        f'<div class="rb-kind">{kind} {c.id}: {html.escape(c.title)}</div>'
        f"<div>{body}{quote}</div>"
        f'<div class="rb-src">{attribution}Source: {source_line(c.sources)}.{refines}</div></div>'
    )


def claims_section(claim_ids: Sequence[str], detail: bool = False) -> widgets.HTML:
    """A column of claim / note boxes, rendered from the registry by id."""
    return widgets.HTML(_CSS + "".join(claim_html(cid, detail=detail) for cid in claim_ids))


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
        link = f' <a href="{html.escape(ref.link)}" target="_blank" rel="noopener">{html.escape(ref.link)}</a>' if ref.link else ""
        items.append(f'<li id="ref-{rid}">{html.escape(ref.citation)}{link}</li>')
    return f'<ol class="rb-refs">{"".join(items)}</ol>'


def references_section(dashboard: str | None = None, extra: Iterable[str] = ()) -> widgets.HTML:
    """Rendered references list: one dashboard's, or (``None``) the whole kit's."""
    ids = list(content.references()) if dashboard is None else dashboard_references(dashboard, extra)
    return widgets.HTML(_CSS + references_html(ids))


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
        self.value = f'{_CSS}<div class="rb-box rb-error" role="alert">{html.escape(msg)}</div>'
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
    """"More detail for students": plain words by default; on, the anatomical terms
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


def download_html(text: str, filename: str, label: str, mime: str = "text/csv") -> str:
    """An ``<a download>`` link carrying ``text`` in a data: URI (works in Voila, JupyterLab
    and offline: no server route, nothing leaves the page)."""
    import base64

    if not filename or "/" in filename or "\\" in filename:
        raise ValueError(f"filename must be a plain file name, got {filename!r}")
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (f'<a class="rb-download" download="{html.escape(filename)}" href="data:{mime};charset=utf-8;base64,{payload}">'
            f"{html.escape(label)}</a>")


class DownloadLink(widgets.HTML):
    """"Download this data (CSV)": a link whose file is rebuilt by :meth:`update` whenever the
    data it offers changes."""

    def __init__(self, filename: str, label: str = "Download this data (CSV)", **kwargs):
        self.filename = filename
        self.label = label
        super().__init__("", **kwargs)
        self.add_class("rb-download-widget")

    def update(self, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        self.value = download_html(csv_text(columns, rows), self.filename, self.label)

    def update_from_figures(self, figures, x_name: str = "x", y_name: str = "y") -> None:
        """Offer what ``figures`` draw (see :func:`figure_csv`)."""
        self.value = download_html(figure_csv(figures, x_name, y_name), self.filename, self.label)


def figure_csv(figures, x_name: str = "x", y_name: str = "y") -> str:
    """CSV of what plotly figures draw. Curves that share the longest trace's x values become
    columns of one table (``x_name``, then "<figure title>: <trace name>"; reference lines and
    markers drawn at other x are left out); when no two curves share them (outlines), a long
    table (figure, trace, x, y). Traces without numeric x/y are left out."""
    import numpy as np

    series = []
    for fig in figures:
        title = fig.layout.title.text or ""
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

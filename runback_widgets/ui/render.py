"""Rendering in one place: text is escaped once and glossary terms are marked here.

A dashboard's ``render(result)`` returns ``{slot: fragment}``; a fragment is a
small tree built with :func:`h` (``h("p", "Plain text ", h("strong", "bold"),
class_="rb-summary", role="status")``). Strings in a tree are *plain text*: they
are escaped when the tree is turned into HTML, and glossary terms in them are
marked there, at their first appearance on the page (:class:`Page` remembers
which slot shows which term). Nothing rewrites HTML after it is drawn. Only
:class:`Markup` (trusted markup built here) passes through unescaped.

Also here: the kit's one stylesheet (``runback.css`` shipped with the package,
plus ``present.css`` under ``runback serve --present``), sent once per page,
and claim boxes rendered from the content registry (``shown_in``).

Widgets layer helpers; :func:`stylesheet` is the only function that builds a widget.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping, MutableSet
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .. import content

__all__ = [
    "Markup",
    "El",
    "h",
    "to_html",
    "Page",
    "stylesheet",
    "css_text",
    "claim_box",
    "claims_for",
    "source_links",
    "cite",
    "row",
    "table",
    "note_list",
    "joined",
]


class Markup(str):
    """Trusted HTML (built by this module); passes through :func:`to_html` as is."""


@dataclass
class El:
    """An element: tag, attributes (already plain strings), children (plain text, El, Markup)."""

    tag: str
    attrs: dict
    children: tuple
    #: Mark glossary terms inside (False for names, labels, live regions...).
    mark: bool = True


#: Elements whose text is never marked (the term would sit in a control, link, heading,
#: or an announced region, which screen readers read out whole).
_NOMARK_TAGS = frozenset("a abbr dfn button label summary code kbd h1 h2 h3 h4 h5 h6 caption th".split())
_VOID = frozenset("br hr img input col wbr".split())


def h(tag: str, *children: Any, mark: bool | None = None, **attrs: Any) -> El:
    """An element. ``class_`` -> ``class``; ``aria_label`` -> ``aria-label``; ``None``/``False`` attrs left out.

    Children: strings (plain text), other elements, :class:`Markup`, lists of them, or ``None`` (skipped).
    """
    clean = {}
    for k, v in attrs.items():
        if v is None or v is False:
            continue
        name = k.rstrip("_").replace("_", "-")
        clean[name] = "" if v is True else str(v)
    flat: list = []
    _flatten(children, flat)
    if mark is None:
        mark = (
            tag not in _NOMARK_TAGS
            and clean.get("role") not in ("alert", "status")
            and "rb-kind" not in clean.get("class", "").split()
        )
    return El(tag, clean, tuple(flat), mark)


def _flatten(items, out: list) -> None:
    for c in items:
        if c is None:
            continue
        if isinstance(c, (list, tuple)):
            _flatten(c, out)
        else:
            out.append(c)


def to_html(node: Any, seen: MutableSet[str] | None = None, mark: bool = True) -> str:
    """HTML of a fragment. With ``seen`` (a set of glossary slugs already marked on the page,
    updated in place), glossary terms in plain text are marked at their first appearance."""
    if node is None:
        return ""
    if isinstance(node, Markup):
        return str(node)
    if isinstance(node, El):
        attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in node.attrs.items())
        if node.tag in _VOID:
            return f"<{node.tag}{attrs}>"
        inner = "".join(to_html(c, seen, mark and node.mark) for c in node.children)
        return f"<{node.tag}{attrs}>{inner}</{node.tag}>"
    if isinstance(node, (list, tuple)):
        return "".join(to_html(c, seen, mark) for c in node)
    text = str(node)
    if seen is None or not mark:
        return html.escape(text)
    from .glossary import mark_text

    return mark_text(text, seen, css=False)


class Page:
    """One dashboard page: which slot shows the marked instance of each glossary term.

    A term is marked where it first appears; re-rendering that slot keeps it there,
    other slots show the term unmarked. Slots rendered first (at build time, in
    reading order) claim their terms first.
    """

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}
        self._last: dict[str, tuple] = {}

    def html(self, slot: str, fragment: Any) -> str:
        mine = {slug for slug, s in self.owner.items() if s == slot}
        seen = set(self.owner) - mine
        before = set(seen)
        last = self._last.get(slot)
        if last is not None and last[0] == before and last[1] == fragment:
            return last[2]  # same text, same marks elsewhere: same HTML (marking is the costly part)
        out = to_html(fragment, seen)
        self._last[slot] = (before, fragment, out)
        for slug in mine - seen:
            del self.owner[slug]
        for slug in seen - before:
            self.owner[slug] = slot
        return out


# --------------------------------------------------------------------------- building blocks


def row(*cells: Any, head: bool = False) -> El:
    """A table row of cells (each a fragment); with ``head`` the first cell is the row's header."""
    return h("tr", [h("th", c, scope="row") if head and not i else h("td", c) for i, c in enumerate(cells)])


def table(
    caption: str,
    heads: Iterable[str],
    rows: Any,
    class_: str | None = None,
    region: str | None = None,
    cols: Iterable[str] = (),
) -> El:
    """A table with a caption and column heads. ``region`` (its accessible name) puts it in a box
    that scrolls sideways on a phone and takes keyboard focus; ``cols`` are ``<col>`` classes."""
    cols = list(cols)
    t = h(
        "table",
        h("caption", caption),
        h("colgroup", [h("col", class_=c) for c in cols]) if cols else None,
        h("thead", h("tr", [h("th", x, scope="col") for x in heads])),
        h("tbody", rows),
        class_=class_,
    )
    if region is None:
        return t
    return h("div", t, style="overflow-x:auto;max-width:100%", tabindex="0", role="region", aria_label=region)


def joined(items: Iterable[Any], sep: str = ", ") -> list:
    """Fragments with ``sep`` between them (e.g. a list of links in a sentence)."""
    out: list = []
    for i, item in enumerate(items):
        out += [sep, item] if i else [item]
    return out


def note_list(title: str, items: Iterable[tuple[str, Any]], class_: str, label: str, attr: str) -> El | None:
    """A labelled box (``role=note``) with one list item per ``(id, fragment)``, each carrying
    ``data-<attr>=id``; ``None`` (a hidden slot) when there are no items."""
    items = list(items)
    if not items:
        return None
    lis = [h("li", inner, **{f"data_{attr}": rid}) for rid, inner in items]
    return h("div", h("strong", title), h("ul", lis), class_=class_, role="note", aria_label=label)


# --------------------------------------------------------------------------- stylesheet


@functools.lru_cache(maxsize=None)
def css_text(name: str = "runback.css") -> str:
    """A stylesheet shipped with the package (``runback_widgets/ui/<name>``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_sheet = None


def stylesheet():
    """The kit's stylesheet as one widget model per kernel (one page): every dashboard and
    section shows the same model, so the CSS crosses the wire once per page."""
    global _sheet
    if _sheet is None or getattr(_sheet, "comm", None) is None:
        import ipywidgets as widgets

        from .theme import presenter_mode

        text = css_text() + (css_text("present.css") if presenter_mode() else "")
        _sheet = widgets.HTML(f"<style>{text}</style>", layout=widgets.Layout(display="none"))
        _sheet.add_class("rb-stylesheet")
    return _sheet


# --------------------------------------------------------------------------- claims


def source_links(ids: Iterable[str]) -> list:
    """Short source names (linked where a DOI/URL exists), separated by '; '."""
    out: list = []
    for i, rid in enumerate(ids):
        ref = content.reference(rid)
        name = ref.citation.split(".")[0]
        if i:
            out.append("; ")
        out.append(h("a", name, href=ref.link, target="_blank", rel="noopener") if ref.link else name)
    return out


def cite(ref_id: str) -> El:
    """A table cell's source: the reference's short name linking to the notebook's reference
    list (``#ref-<id>``), or *assumption* when the id is not a reference."""
    refs = content.references()
    if ref_id in refs:
        return h("a", refs[ref_id].citation.split(".")[0], href=f"#ref-{ref_id}")
    return h("em", "assumption")


def claim_box(claim_id: str, detail: bool = False) -> El:
    """One claim (blue box) or clinical note (orange box) from the registry, with ``data-claim-id``."""
    c = content.claim(claim_id)
    kind = "Clinical note" if c.is_note else "From the article"
    quote = None
    if c.quote:
        quote = [" ", h("span", "Dr Metzl, quoted: ", Markup("&ldquo;"), c.quote, Markup("&rdquo;"), class_="rb-quote")]
    attribution = "" if c.is_note else "According to sports-medicine physician Jordan Metzl, quoted in Runner's World. "
    refines = f" Refines {', '.join(c.refines)}." if c.refines else ""
    return h(
        "div",
        h("div", f"{kind} {c.id}: {c.title}", class_="rb-kind"),
        h("div", c.detail if detail else c.text, quote),
        h("div", attribution, "Source: ", source_links(c.sources), ".", refines, class_="rb-src"),
        class_=f"rb-box {'rb-note' if c.is_note else 'rb-claim'}",
        data_claim_id=c.id,
        role="note",
        aria_label=f"{kind} {c.id}",
    )


def claims_for(dashboard: str, section: str | None = None, placement: Mapping | None = None) -> list[str]:
    """Claim ids a dashboard shows (``shown_in`` in claims.toml), in registry order.

    ``section`` narrows them to one part of the page, by ``placement`` (section ->
    ids, a table in the dashboard's content file, e.g. ``[claims]`` in anatomy.toml);
    claims shown but not placed go to the section named ``"overview"``.
    """
    ids = [cid for cid, c in content.claims().items() if dashboard in c.shown_in]
    if section is None:
        return ids
    placement = placement or {}
    placed = {cid for group in placement.values() for cid in group}
    if section == "overview":
        return [cid for cid in ids if cid in placement.get("overview", ()) or cid not in placed]
    return [cid for cid in placement.get(section, ()) if cid in ids]

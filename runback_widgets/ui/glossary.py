"""Glossary terms on hover and keyboard focus, and the full glossary list.

Terms and definitions are data (``content/glossary.toml``). Two helpers:

* :func:`mark_terms` takes an HTML fragment (already escaped, e.g. a claim box)
  and marks each glossary term the *first* time it appears: the term becomes a
  focusable ``<dfn>`` with a definition that shows on mouse hover and on
  keyboard focus (Tab), and that screen readers read as the term's description.
  Pass one :class:`GlossaryMarker` (or one ``seen`` set) through a whole
  dashboard so a term is marked once per page, not once per box.
* :func:`glossary_section` is a widget listing every term (landing page).

Markup is safe: definitions are escaped, only text between tags is touched,
never attributes, and nothing inside links, headings, buttons, labels, code,
``<style>``/``<script>`` or an existing ``<dfn>``/``<abbr>`` is changed.

Widgets layer; the marking functions themselves are plain string functions
(ipywidgets is imported only by :func:`glossary_section`).
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from collections.abc import Iterable, Mapping, MutableSet

from .. import content
from .components import source_line

__all__ = [
    "GlossaryMarker",
    "glossary_css",
    "mark_terms",
    "mark_text",
    "term_html",
    "glossary_html",
    "glossary_section",
    "with_glossary",
]

#: Elements whose text is never marked (the term would be inside a control,
#: a link, a heading, code, or an existing definition).
_SKIP = frozenset(
    "a abbr dfn script style code pre kbd samp button textarea select option label summary "
    "title h1 h2 h3 h4 h5 h6 svg math".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/)?\s*>", re.S)

#: Elements with these classes (an existing tooltip, a term already marked, the
#: kind line of a claim box) or these roles are never marked either.
_NOMARK_CLASS = re.compile(
    r"""class\s*=\s*["'][^"']*\b(rb-gl|rb-tip|rb-term|rb-kind|rb-no-gloss)\b"""
    r"""|role\s*=\s*["'](alert|status|tooltip)["']"""  # alerts and live regions are read out whole: no extra text
)

_ids = itertools.count(1)


def glossary_css() -> str:
    """The kit's stylesheet as a ``<style>`` block (it styles marked terms and the glossary list).
    Dashboards send it once per page (:func:`runback_widgets.ui.render.stylesheet`)."""
    from .render import css_text

    return f"<style>{css_text()}</style>"


@functools.lru_cache(maxsize=None)
def _forms() -> tuple[tuple[str, str], ...]:
    """(surface form, slug) pairs, longest first so 'lumbar lordosis' wins over 'lordosis'."""
    pairs: list[tuple[str, str]] = []
    for slug, t in content.glossary().items():
        for form in (t["term"], *t.get("aliases", ())):
            form = form.strip()
            if form:
                pairs.append((form, slug))
    pairs.sort(key=lambda p: (-len(p[0]), p[0]))
    return tuple(pairs)


@functools.lru_cache(maxsize=None)
def _pattern() -> re.Pattern | None:
    forms = _forms()
    if not forms:
        return None
    alternatives = "|".join(re.escape(html.escape(f, quote=False)) for f, _ in forms)
    # Whole words only; an optional plural ending.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?(?![\w-])", re.I)


@functools.lru_cache(maxsize=None)
def _slug_of() -> dict[str, str]:
    return {html.escape(f, quote=False).lower(): slug for f, slug in _forms()}


def _lookup(matched: str) -> str | None:
    table = _slug_of()
    low = matched.lower()
    for cut in (0, 1, 2):  # "discs" -> "disc", "sciaticas" ...
        key = low[: len(low) - cut] if cut else low
        if key in table:
            return table[key]
    return None


def term_html(slug: str, text: str | None = None) -> str:
    """Markup for one glossary term: a focusable ``<dfn>`` plus its definition.

    ``text`` is the (already escaped) wording shown on the page; by default the
    term itself. The definition is visually hidden until hover or focus, and
    announced by screen readers as the term's description.
    """
    entry = content.glossary()[slug]
    shown = text if text is not None else html.escape(entry["term"])
    tip_id = f"rb-gl-{slug}-{next(_ids)}"
    name = html.escape(entry["term"])
    plain = html.escape(entry["plain"])
    return (
        f'<span class="rb-gl"><dfn class="rb-term" tabindex="0" data-term="{html.escape(slug)}" '
        f'title="{name}" aria-describedby="{tip_id}">{shown}</dfn>'
        f'<span class="rb-tip" id="{tip_id}" role="tooltip"> ({name}: {plain})</span></span>'
    )


def mark_terms(
    fragment: str,
    seen: MutableSet[str] | None = None,
    *,
    css: bool = True,
    only: Iterable[str] | None = None,
) -> str:
    """Mark each glossary term on its first appearance in an HTML fragment.

    Parameters
    ----------
    fragment : str
        HTML whose text is already escaped (as every kit widget's HTML is).
    seen : set, optional
        Slugs already marked on this page; updated in place. Share one set (or
        one :class:`GlossaryMarker`) across a dashboard.
    css : bool
        Prepend the tooltip ``<style>`` when anything was marked.
    only : iterable of str, optional
        Restrict marking to these slugs.

    Returns
    -------
    str
        The fragment with terms marked; unchanged if no (new) term occurs.
    """
    pattern = _pattern()
    if pattern is None or not fragment:
        return fragment
    seen = set() if seen is None else seen
    allowed = None if only is None else set(only)
    marked_any = False
    stack: list[tuple[str, bool]] = []  # open elements: (name, text must not be marked)
    out: list[str] = []

    def replace(m: re.Match) -> str:
        nonlocal marked_any
        slug = _lookup(m.group(0))
        if slug is None or slug in seen or (allowed is not None and slug not in allowed):
            return m.group(0)
        seen.add(slug)
        marked_any = True
        return term_html(slug, m.group(0))

    for token in _TOKEN.split(fragment):
        if not token:
            continue
        if token.startswith("<"):
            out.append(token)
            tag = _TAG.match(token)
            if tag is None or token.startswith("<!--"):
                continue
            closing, name, selfclosing = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name in _VOID or selfclosing:
                continue
            if closing:
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == name:
                        del stack[i:]
                        break
            else:
                stack.append((name, name in _SKIP or bool(_NOMARK_CLASS.search(token))))
            continue
        skip = any(flag for _, flag in stack)
        out.append(token if skip else pattern.sub(replace, token))
    result = "".join(out)
    if marked_any and css:
        result = glossary_css() + result
    return result


def mark_text(text: str, seen: MutableSet[str] | None = None, **kwargs) -> str:
    """Escape plain ``text`` and mark glossary terms in it."""
    return mark_terms(html.escape(text), seen, **kwargs)


class GlossaryMarker:
    """Marks terms on their first appearance across one page (a dashboard).

    >>> mark = GlossaryMarker()
    >>> box.value = mark(box.value)          # doctest: +SKIP
    """

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, fragment: str, **kwargs) -> str:
        return mark_terms(fragment, self.seen, **kwargs)

    def widget(self, html_widget):
        """Mark terms in an ``ipywidgets.HTML`` in place; returns the widget."""
        html_widget.value = self(html_widget.value)
        return html_widget

    def reset(self) -> None:
        self.seen.clear()

    def attach(self, root):
        """Mark a whole dashboard: every HTML widget under ``root``, in display
        order, each term at its first appearance; and keep it marked when a
        widget's text changes later (a "more detail" toggle, a new result).

        A term stays with the widget where it first appeared, so the marks do
        not wander as the page updates. Returns ``root``.
        """
        import ipywidgets as widgets

        owner: dict[str, int] = {}  # slug -> id() of the widget that shows its mark

        def mark(w) -> None:
            mine = {slug for slug, wid in owner.items() if wid == id(w)}
            seen = set(owner) - mine
            before = set(seen)
            w.value = mark_terms(w.value, seen, css=False)  # the page's stylesheet styles the marks
            for slug in seen - before:
                owner[slug] = id(w)
            self.seen.update(owner)

        def on_change(change) -> None:
            mark(change["owner"])

        for w in _in_display_order(root, widgets):
            if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
                mark(w)
                w.observe(on_change, names="value")
        return root


def _in_display_order(root, widgets):
    """Depth-first, children in order: the order a reader meets them."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        w = stack.pop()
        if id(w) in seen or not isinstance(w, widgets.Widget):
            continue
        seen.add(id(w))
        yield w
        stack.extend(reversed(list(getattr(w, "children", ()) or ())))


def with_glossary(root):
    """Mark glossary terms across a dashboard (see :meth:`GlossaryMarker.attach`);
    returns the dashboard, so a notebook cell can end with ``with_glossary(app)``."""
    return GlossaryMarker().attach(root)


def glossary_html(detail: bool = True, terms: Mapping[str, Mapping] | None = None) -> str:
    """Every glossary term as a definition list, alphabetical, with sources."""
    terms = content.glossary() if terms is None else terms
    items = []
    for slug, t in sorted(terms.items(), key=lambda kv: kv[1]["term"].lower()):
        aliases = t.get("aliases", ())
        also = f' <span class="rb-src">(also: {html.escape(", ".join(aliases))})</span>' if aliases else ""
        more = ""
        if detail and t.get("detail"):
            more = f'<span class="rb-gl-detail"><strong>For students:</strong> {html.escape(t["detail"])}</span>'
        items.append(
            f'<dt id="glossary-{html.escape(slug)}"><dfn>{html.escape(t["term"])}</dfn>{also}</dt>'
            f"<dd>{html.escape(t['plain'])}{more}"
            f'<span class="rb-gl-src">Source: {source_line(t.get("sources", ()))}.</span></dd>'
        )
    return f'<dl class="rb-glossary" aria-label="Glossary">{"".join(items)}</dl>'


def glossary_section(detail: bool = True):
    """An ``ipywidgets.HTML`` listing every glossary term (plain words, then the
    exact version for students when ``detail``), with sources."""
    import ipywidgets as widgets

    return widgets.HTML(glossary_html(detail=detail))


_TIP_RE = re.compile(r'<span class="rb-tip"[^>]*>.*?</span>', re.S)
_GL_RE = re.compile(r'<span class="rb-gl"><dfn class="rb-term"[^>]*>(.*?)</dfn></span>', re.S)


def unmark(fragment: str) -> str:
    """Undo :func:`mark_terms`: the HTML as it was before glossary marking
    (tests compare teaching text from the content files with what a widget shows)."""
    return _GL_RE.sub(r"\1", _TIP_RE.sub("", fragment))

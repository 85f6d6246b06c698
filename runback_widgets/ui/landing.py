"""The landing dashboard: what the kit is, the disclaimer, one card per dashboard."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import content
from .components import Disclaimer, claims_section, page_style, references_html
from .glossary import glossary_html, with_glossary

_CARD_CSS = """
<style>
.rb-cards{display:grid;grid-template-columns:1fr;gap:1em;margin:1em 0}
@media (min-width:34em){.rb-cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (min-width:62em){.rb-cards{grid-template-columns:repeat(4,minmax(0,1fr))}}
.rb-card{min-width:0;border:2px solid #0072B2;border-radius:8px;padding:1em;background:#fff;color:#1A1A1A}
.rb-card h2{font-size:1.2em;margin:0 0 0.4em 0}
.rb-card a{font-weight:700;color:#004C7A}
</style>
"""


def landing_cards() -> widgets.HTML:
    """One card per dashboard, linking with a relative URL so the link works
    both in Voila (``/voila/render/...``) and in JupyterLab (``/lab/tree/...``)."""
    land = content.ui_text("landing")
    cards = []
    for card in land["cards"]:
        cards.append(
            f'<section class="rb-card" aria-label="{html.escape(card["title"])}">'
            f"<h2>{html.escape(card['title'])}</h2><p>{html.escape(card['text'])}</p>"
            f'<a href="{html.escape(card["notebook"])}">Open {html.escape(card["title"].split(". ", 1)[-1])}</a></section>'
        )
    return widgets.HTML(_CARD_CSS + f'<nav class="rb-cards" aria-label="Dashboards">{"".join(cards)}</nav>')


_FOLD_CSS = """
<style>
.rb-fold{border:2px solid #0072B2;border-radius:6px;margin:0.6em 0;padding:0 0.8em;max-width:60em}
.rb-fold > summary{cursor:pointer;font-weight:700;font-size:1.1em;padding:0.5em 0;color:#004C7A}
.rb-fold > summary:focus{outline:3px solid #0072B2;outline-offset:2px}
.rb-fold[open] > summary{border-bottom:1px solid #ccc;margin-bottom:0.4em}
</style>
"""


def landing_library() -> widgets.HTML:
    """Two folding sections (native, keyboard-operable ``<details>``): the kit's
    consolidated references and its glossary, both rendered from the content data."""
    refs = references_html(list(content.references()))
    return widgets.HTML(
        _FOLD_CSS
        + '<details class="rb-fold rb-no-gloss" id="rb-references"><summary>References (every source the kit cites)</summary>'
        + refs
        + "</details>"
        + '<details class="rb-fold rb-no-gloss" id="rb-glossary"><summary>Glossary (the terms explained)</summary>'
        + glossary_html(detail=True)
        + "</details>"
    )


def landing() -> widgets.VBox:
    """The whole landing page body as one widget."""
    land = content.ui_text("landing")
    intro = widgets.HTML(f"<p>{html.escape(land['intro'])}</p><p>{html.escape(land['how'])}</p>")
    page = widgets.VBox(
        [
            page_style(),
            intro,
            Disclaimer(),
            landing_cards(),
            claims_section(["A01", "N08", "A05", "N07"]),
            landing_library(),
        ],
        layout=widgets.Layout(max_width="70em"),
    )
    # Glossary terms are marked (hover / keyboard focus) where they first appear.
    return with_glossary(page)

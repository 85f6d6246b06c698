"""Glossary terms in a real browser: reachable with Tab, definition shown on
keyboard focus and on hover, hidden (but in the accessibility tree) otherwise;
the landing page's References and Glossary folds open from the keyboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _tip_box(page, slug):
    return page.evaluate(
        """(slug) => { const d = document.querySelector(`dfn.rb-term[data-term="${slug}"]`);
        const tip = document.getElementById(d.getAttribute('aria-describedby'));
        const r = tip.getBoundingClientRect(); return {w: r.width, h: r.height, text: tip.textContent}; }""",
        slug,
    )


def test_term_definition_on_focus_and_hover(dashboard):
    dp = dashboard("index")
    page = dp.page
    slug = page.evaluate("document.querySelector('dfn.rb-term').dataset.term")
    hidden = _tip_box(page, slug)
    assert hidden["w"] <= 1 and hidden["h"] <= 1, "definition is visually hidden until needed"
    assert len(hidden["text"]) > 20, "but it is in the page for screen readers"

    # Keyboard: Tab until the term has focus (bounded).
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.matches('dfn.rb-term')"):
            break
    else:
        pytest.fail("no glossary term reachable with Tab")
    focused = page.evaluate("document.activeElement.dataset.term")
    box = _tip_box(page, focused)
    assert box["w"] > 50 and box["h"] > 10, f"definition not shown on keyboard focus: {box}"

    # Mouse: hover shows it too.
    page.keyboard.press("Tab")
    page.hover(f'dfn.rb-term[data-term="{focused}"]')
    box = _tip_box(page, focused)
    assert box["w"] > 50 and box["h"] > 10, f"definition not shown on hover: {box}"


def test_landing_folds_open_with_the_keyboard(dashboard):
    dp = dashboard("index")
    page = dp.page
    page.focus("#rb-references > summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('rb-references').open")
    assert page.evaluate("document.querySelectorAll('#rb-references li').length") >= 16
    page.focus("#rb-glossary > summary")
    page.keyboard.press("Space")
    assert page.evaluate("document.getElementById('rb-glossary').open")
    assert page.evaluate("document.querySelectorAll('#rb-glossary dt').length") >= 24

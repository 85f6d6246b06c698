"""Glossary marking: first appearance only, accessible, safe."""

from __future__ import annotations

import re

import pytest

from runback_widgets import content
from runback_widgets.ui import glossary as g


def _body(marked: str) -> str:
    return marked.replace(g.glossary_css(), "")


def test_marks_first_appearance_only_across_a_page():
    mark = g.GlossaryMarker()
    first = mark("<p>The lordosis deepens. Lordosis again.</p>")
    second = mark("<p>More lordosis here, and the facet joints.</p>")
    assert _body(first).count('data-term="lordosis"') == 1
    assert 'data-term="lordosis"' not in second
    assert 'data-term="facet_joint"' in second and ">facet joints</dfn>" in second
    assert mark.seen == {"lordosis", "facet_joint"}


def test_markup_is_keyboard_and_screen_reader_friendly():
    out = _body(g.mark_terms("<p>SI joint</p>"))
    dfn = re.search(r"<dfn [^>]*>", out).group(0)
    assert 'tabindex="0"' in dfn, "keyboard users reach the term with Tab"
    tip_id = re.search(r'aria-describedby="([^"]+)"', dfn).group(1)
    assert f'id="{tip_id}" role="tooltip"' in out, "the definition is the term's accessible description"
    plain = content.glossary()["sacroiliac_joint"]["plain"]
    assert plain.split()[0] in out
    # hidden text is visually hidden (clip), not display:none, so it stays in the accessibility tree
    assert "clip" in g.glossary_css() and ".rb-term:focus + .rb-tip" in g.glossary_css()


def test_never_touches_attributes_links_headings_or_code():
    src = '<a href="#lordosis" title="lordosis">lordosis</a><h2>Lordosis</h2><code>lordosis</code><p data-x="lordosis">x</p>'
    assert g.mark_terms(src) == src


def test_idempotent_and_no_nested_marks():
    once = g.mark_terms("<p>nucleus pulposus and annulus fibrosus inside the disc</p>")
    twice = g.mark_terms(once)
    assert twice == once
    assert _body(once).count("<dfn") == 3


def test_plain_text_is_escaped_and_definitions_are_escaped(monkeypatch):
    fake = {"evil": {"term": "cadence", "plain": '<script>alert("x")</script>', "detail": "d", "sources": []}}
    monkeypatch.setattr(content, "glossary", lambda: fake)
    for fn in (g._forms, g._pattern, g._slug_of):
        fn.cache_clear()
    try:
        out = g.mark_text("<img src=x onerror=alert(1)> cadence")
        assert "<img" not in out and "&lt;img" in out
        assert "<script>" not in out and "&lt;script&gt;" in out
    finally:
        monkeypatch.undo()
        for fn in (g._forms, g._pattern, g._slug_of):
            fn.cache_clear()


def test_longest_form_wins_and_plurals_match():
    out = _body(g.mark_terms("<p>lumbar lordosis and two discs</p>"))
    assert ">lumbar lordosis</dfn>" in out
    assert ">discs</dfn>" in out


@pytest.mark.parametrize("detail", [False, True])
def test_glossary_section_lists_every_term_with_sources(detail):
    w = g.glossary_section(detail=detail)
    for slug in content.glossary():
        assert f'id="glossary-{slug}"' in w.value
    assert ("For students:" in w.value) is detail
    assert w.value.count("Source:") == len(content.glossary())


def test_attach_marks_a_dashboard_once_and_follows_updates():
    import ipywidgets as w

    a = w.HTML("<p>The sacroiliac joint and the pelvis.</p>")
    b = w.HTML("<p>Another SI joint, and lordosis.</p>")
    c = w.HTML("<p>Lordosis again.</p>")
    root = w.VBox([a, w.HBox([b]), c])
    assert g.with_glossary(root) is root
    assert 'data-term="sacroiliac_joint"' in a.value and 'data-term="sacroiliac_joint"' not in b.value
    assert 'data-term="lordosis"' in b.value and "<dfn" not in c.value
    # a "more detail" toggle rewrites b: its own term stays marked there, nowhere else
    b.value = "<p>Lumbar lordosis, in detail.</p>"
    assert 'data-term="lordosis"' in b.value and ">Lumbar lordosis</dfn>" in b.value
    c.value = "<p>Lordosis, a third time.</p>"
    assert "<dfn" not in c.value


def test_alerts_and_live_regions_are_left_alone():
    src = '<div role="alert"><strong>Get help now:</strong> possible cauda equina syndrome</div><p role="status">lordosis</p>'
    assert g.mark_terms(src) == src

"""Pages rendered without repeated work (runback_widgets/voila/render_cache.py).

The same page must come out the same with the caches as without them; what is
cached must be reused (templates compiled once, markdown rendered once), and
what cannot be cached safely (a cell with attachments or an image) is rendered
each time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import nbformat
import pytest

from runback_widgets.voila import render_cache

pytest.importorskip("voila")


@pytest.fixture(scope="module", autouse=True)
def installed():
    from jupyter_client import jsonutil
    from nbconvert.exporters.templateexporter import TemplateExporter
    from voila.exporter import VoilaExporter

    saved = (TemplateExporter._create_environment, VoilaExporter.markdown2html, jsonutil.parse_date)
    plain = _render_html()
    render_cache.install()
    yield plain
    TemplateExporter._create_environment, VoilaExporter.markdown2html, jsonutil.parse_date = saved


NOTEBOOK = nbformat.v4.new_notebook(
    cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSome *text* with $x^2$ and a [link](https://example.org)."),
        nbformat.v4.new_code_cell("1 + 1", outputs=[]),
        nbformat.v4.new_markdown_cell("## Second\n\n- a\n- b"),
    ]
)


def _render_html() -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(NOTEBOOK)
    return body


def test_templates_are_compiled_once_and_pages_come_out_the_same(installed):
    cache = render_cache.BYTECODE_CACHE
    first = _render_html()
    hits = cache.hits
    second = _render_html()
    assert cache.hits > hits, "the second render compiled its templates again"
    assert first == second == installed, "a cached template renders a different page"


def _voila_markdown(source: str, attachments: dict | None = None) -> str:
    from voila.exporter import VoilaExporter

    cell = {"cell_type": "markdown", "source": source}
    if attachments:
        cell["attachments"] = attachments
    exporter = VoilaExporter()
    exporter.contents_manager = _NoFiles()
    return exporter.markdown2html({"cell": cell}, source)


class _NoFiles:
    """A contents manager with no files (Voila asks it for a markdown image)."""

    def file_exists(self, path):
        return False


def test_markdown_is_rendered_once_per_source_and_the_same_as_voila():
    from voila.exporter import VoilaExporter

    info = VoilaExporter.markdown2html.cache_info
    src = "## Goals\n\nAfter this lesson you can **explain** $F = ma$."
    before = info().hits
    a = _voila_markdown(src)
    b = _voila_markdown(src)
    assert a == b and "<h2" in a and "<strong>explain</strong>" in a
    assert info().hits == before + 1
    # Images (inlined from disk by Voila) and attachments are never cached.
    misses = info().misses
    _voila_markdown("![x](missing.png)")
    _voila_markdown("text", attachments={"a.png": {"image/png": "iVBORw0KGgo="}})
    assert info().misses == misses


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30T13:33:27.455640Z",
        "2026-11-30T13:33:27Z",
        "2026-11-30T13:33:27.455640+01:00",
        "2026-11-30T13:33:27.455640",
        "2026-11-30",
        "not a date",
        "",
    ],
)
def test_message_dates_parse_as_before(text):
    from dateutil.parser import isoparse
    from jupyter_client import jsonutil

    got = jsonutil.parse_date(text)
    if not jsonutil.ISO8601_PAT.match(text):
        assert got == text
        return
    want = isoparse(text)
    if want.tzinfo is None:  # jupyter_client gives naive dates the local zone
        assert got.tzinfo is not None and got.replace(tzinfo=None) == want
    else:
        assert got == want and got.utcoffset() == want.utcoffset()


def test_dates_in_a_message_header_come_back_as_aware_datetimes():
    from jupyter_client import jsonutil

    header = {"date": "2026-11-30T13:33:27.455640Z", "msg_id": "x", "nested": ["2026-11-30T10:00:00+00:00"]}
    out = jsonutil.extract_dates(header)
    assert out["date"] == datetime(2026, 11, 30, 13, 33, 27, 455640, tzinfo=timezone.utc)
    assert out["nested"][0].utcoffset() == timedelta(0)

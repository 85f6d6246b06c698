"""Page rendering without repeated work: compiled templates and markdown kept per server.

Voila renders every page visit from scratch: a new ``VoilaExporter`` per visit
builds a new Jinja environment, which parses and compiles the page templates
(``index.html.j2``, ``base.html.j2``, nbconvert's ``null.j2`` ...) again, and
renders every markdown cell through mistune again. Profiled on a classroom
server (py-spy, issue 10) that was ~40 % of the server's CPU per pooled page:
template compilation alone ~25 %, markdown ~6 %. For a class arriving at once
the server's CPU is the budget every visitor shares.

``install()`` (``runback serve``, every mode):

* gives every exporter's Jinja environment one shared in-memory **bytecode
  cache** (Jinja's own mechanism, ``jinja2.BytecodeCache``): a template is
  compiled once per server; the cache key is the template's name and a hash of
  its source, so an edited template is compiled again;
* parses message dates (every Jupyter message header carries one; the server
  reads each kernel message twice, for the activity clock and for the page's
  run, ~280 messages per simulator page) with ``datetime.fromisoformat``
  instead of dateutil's parser (``fast_dates``; 10 % of the server's CPU per
  page before), falling back to dateutil for any string it does not take;
* caches the **markdown-to-HTML** of a cell by its source (and the exporter's
  anchor-link text), for cells with no attachments and no image (Voila inlines
  local images from disk: those are rendered every time, as before). The cache
  holds at most ``MARKDOWN_CACHE_SIZE`` entries.
"""

from __future__ import annotations

import functools
import threading

import jinja2  # nbconvert's template engine: installed wherever Voila is

#: Markdown cells remembered (a lesson page has ~10-30).
MARKDOWN_CACHE_SIZE = 512


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """A ``jinja2.BytecodeCache`` in memory, shared by all environments of this process."""

    def __init__(self):
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def load_bytecode(self, bucket) -> None:
        with self._lock:
            data = self._store.get(bucket.key)
        if data is None:
            self.misses += 1
            return
        self.hits += 1
        bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


#: The server's template cache (None until ``install``).
BYTECODE_CACHE = None


def _cacheable(cell, source: str) -> bool:
    return not cell.get("attachments") and "<img" not in source and "![" not in source


def fast_dates() -> None:
    """``jupyter_client.jsonutil.parse_date`` with the standard library's ISO parser first."""
    from datetime import datetime

    from jupyter_client import jsonutil

    parse = jsonutil.parse_date
    if getattr(parse, "_runback", False):
        return

    @functools.wraps(parse)
    def parse_date(s):
        if s is None or not jsonutil.ISO8601_PAT.match(s):
            return s
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:  # a form fromisoformat does not take (Python 3.10: a trailing Z)
            return parse(s)
        return jsonutil._ensure_tzinfo(dt)

    parse_date._runback = True
    jsonutil.parse_date = parse_date


def install() -> None:
    """Patch nbconvert's template exporter, Voila's markdown filter and message dates (idempotent)."""
    global BYTECODE_CACHE
    fast_dates()
    from nbconvert.exporters.templateexporter import TemplateExporter
    from voila.exporter import VoilaExporter

    if getattr(TemplateExporter._create_environment, "_runback", False):
        return
    BYTECODE_CACHE = MemoryBytecodeCache()
    create = TemplateExporter._create_environment

    @functools.wraps(create)
    def _create_environment(self):
        env = create(self)
        env.bytecode_cache = BYTECODE_CACHE
        return env

    _create_environment._runback = True
    TemplateExporter._create_environment = _create_environment

    markdown2html = VoilaExporter.markdown2html

    @functools.lru_cache(maxsize=MARKDOWN_CACHE_SIZE)
    def _rendered(source: str, anchor: str, renderer) -> str:
        return markdown2html(_Bare(renderer, anchor), {"cell": {}}, source)

    @functools.wraps(markdown2html)
    def cached_markdown2html(self, context, source):
        cell = context.get("cell", {}) if hasattr(context, "get") else {}
        if isinstance(source, str) and _cacheable(cell, source):
            return _rendered(source, str(self.anchor_link_text), self.markdown_renderer_class)
        return markdown2html(self, context, source)

    cached_markdown2html.cache_info = _rendered.cache_info
    VoilaExporter.markdown2html = cached_markdown2html


class _Bare:
    """The few exporter attributes ``VoilaExporter.markdown2html`` reads, for a cached cell
    (no attachments and no image: the contents manager is never asked for a file)."""

    def __init__(self, renderer, anchor):
        self.markdown_renderer_class = renderer
        self.anchor_link_text = anchor
        self.contents_manager = None

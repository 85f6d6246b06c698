"""Shareable scenarios: a dashboard's state as a link, and links that restore it.

``shareable(app)`` wraps a dashboard app (anything with ``scenario_state()`` and
``apply_scenario(params)``, see the team contract) so that

* the page's query string (``?preset=weak-glutes&speed=3.5``) is read in the
  kernel, parsed defensively (``parse_query``) and handed to
  ``app.apply_scenario``; anything ignored is shown in a visible note (escaped);
* a "Link to this scenario" box shows the URL of the current state (built from
  ``app.scenario_state()``, url-encoded) with a Copy button.

How the kernel gets the query string (Voila 0.5):

* normal kernels: Voila starts the kernel for the request and puts the request
  into its environment (``QUERY_STRING``);
* pre-heated kernels (``runback serve --classroom``): the kernel ran the
  notebook before anyone asked for it. Voila's answer is
  ``voila.utils.wait_for_request``: the kernel opens a websocket back to the
  server (``/voila/query/<kernel id>``) and blocks until the visitor's request
  arrives, then the request info lands in ``os.environ``. ``shareable(app)``
  does not wait there: the page's last cell, ``apply_page_link()``, does, so the
  whole page (the app, its figures, the tables, quiz and references below it)
  is built ahead of time; only applying the scenario happens after the visitor
  arrives. ``page_query_string()`` does the
  same as Voila's helper with errors contained (a failure means "no scenario",
  never a traceback on the page).
* JupyterLab / nbval: no request, no scenario.
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

import ipywidgets as widgets
import traitlets

__all__ = [
    "parse_query",
    "page_query_string",
    "scenario_query",
    "shareable",
    "apply_page_link",
    "ShareLink",
    "Shareable",
]

#: Longest query string considered at all; longer ones are ignored with a note.
MAX_QUERY = 4096
#: Most parameters considered.
MAX_PARAMS = 40
#: Longest key / value kept (values are also validated by the app).
MAX_KEY = 40
MAX_VALUE = 1000
#: Parameters that belong to the server (login, Voila options), never to a scenario.
RESERVED = {"token", "theme", "template", "_xsrf", "voila-template", "voila-theme"}

_query_lock = threading.Lock()
_query_cache: dict[str, str] = {}
#: Apps made in a pre-heated kernel before its visitor came: their link is applied by
#: ``apply_page_link()`` in the page's last cell (see ``Shareable``).
_pending: list = []


def _waits_for_visitor() -> bool:
    """A pre-heated kernel whose visitor has not come yet (reading the link would wait)."""
    return (
        os.environ.get("VOILA_PREHEAT", "False") == "True"
        and bool(os.environ.get("VOILA_KERNEL_ID"))
        and "q" not in _query_cache
    )


def _clean(text: str, limit: int) -> str:
    """Printable text only (control characters removed), cut to ``limit``."""
    return "".join(ch for ch in text[: limit * 2] if ch.isprintable())[:limit]


def parse_query(query: str | None) -> tuple[dict[str, str], list[str]]:
    """Parse a page query string into scenario parameters and plain-words notes.

    Never raises. Server parameters (``token`` ...) are dropped silently; the
    rest is returned as flat strings for ``apply_scenario`` to validate. Notes
    are plain text (not yet escaped).
    """
    notes: list[str] = []
    if not query:
        return {}, notes
    try:
        query = str(query)
    except Exception:  # noqa: BLE001
        return {}, ["The link's settings could not be read; showing the default view."]
    query = query.lstrip("?")
    if len(query) > MAX_QUERY:
        return {}, [
            f"The link is too long ({len(query)} characters); its settings were ignored and the default view is shown."
        ]
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_PARAMS + len(RESERVED))
    except ValueError:
        return {}, [
            f"The link has too many settings (more than {MAX_PARAMS}); they were ignored and the default view is shown."
        ]
    except Exception:  # noqa: BLE001
        return {}, ["The link's settings could not be read; showing the default view."]
    params: dict[str, str] = {}
    for raw_key, raw_value in pairs:
        if raw_key in RESERVED:
            continue
        key = _clean(raw_key, MAX_KEY)
        if not key or key != raw_key:
            notes.append(f"A setting with an unusable name ('{_clean(raw_key, 30)}') was ignored.")
            continue
        value = _clean(raw_value, MAX_VALUE + 1)
        if len(value) > MAX_VALUE:
            notes.append(f"The value of '{key}' is too long; it was ignored.")
            continue
        if key in params:
            notes.append(f"'{key}' was given more than once; the last value was used.")
        params[key] = value
    return params, notes


#: Seconds one wait on ``/voila/query`` lasts before the kernel reconnects (picking up
#: a request the server kept for it), and seconds before a kernel gives up waiting for
#: a visitor who has arrived (its page then shows the default view).
REQUEST_INFO_RECV_S = 20.0
#: How long a pre-heated kernel waits for its visitor at all (it sits in the pool
#: until someone opens the page; after this the default view is built).
REQUEST_INFO_MAX_WAIT_S = 12 * 3600.0


def _request_info_url() -> str | None:
    protocol = os.getenv("VOILA_WS_PROTOCOL", "ws")
    ip = os.getenv("VOILA_APP_IP", "127.0.0.1")
    port = os.getenv("VOILA_APP_PORT", "8866")
    base = os.getenv("VOILA_WS_BASE_URL", os.getenv("VOILA_SERVER_URL", "/"))
    kernel_id = os.getenv("VOILA_KERNEL_ID", "")
    if not kernel_id:
        return None
    host = f"[{ip}]" if ":" in ip and not ip.startswith("[") else ip
    url = f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"
    key = os.getenv("RUNBACK_QUERY_KEY", "")  # runback serve's per-server key (voila/guard.py)
    return url + (f"?key={key}" if key else "")


def _request_info_from_server(
    recv_s: float = REQUEST_INFO_RECV_S, max_wait_s: float = REQUEST_INFO_MAX_WAIT_S
) -> dict | None:
    """Pre-heated kernel: wait for the visitor's request info from Voila (see module doc).

    Each wait on the socket lasts at most ``recv_s``; then the kernel reconnects (the
    server keeps a request that arrived meanwhile and sends it on connect), so a
    socket the server lost track of cannot hang the page for ever. After
    ``max_wait_s`` in all, or when the server refuses, it gives up: no scenario.
    """
    import asyncio
    import ssl

    try:
        import websockets
    except ImportError:  # pragma: no cover - voila depends on it
        return None
    url = _request_info_url()
    if url is None:
        return None
    box: dict = {}
    # The server is this machine (VOILA_APP_IP); with --certfile its certificate names
    # the class host, not 127.0.0.1, so it is not checked on this local hop.
    tls = None
    if url.startswith("wss:"):
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE

    def inner():
        async def fetch():
            deadline = time.monotonic() + max_wait_s
            last: BaseException | None = None
            while time.monotonic() < deadline:
                left = max(0.1, deadline - time.monotonic())
                try:
                    # Every wait, the connect included, ends by the deadline.
                    async with websockets.connect(
                        url, open_timeout=min(10.0, left), close_timeout=min(1.0, left), max_size=2**20, ssl=tls
                    ) as ws:
                        return await asyncio.wait_for(ws.recv(), min(recv_s, max(0.1, deadline - time.monotonic())))
                except asyncio.TimeoutError as exc:
                    last = exc  # reconnect: the server resends a request it kept
                except websockets.exceptions.ConnectionClosed as exc:
                    last = exc  # replaced or dropped by the server: reconnect
                    await asyncio.sleep(0.5)
            raise TimeoutError(f"no request from the server within {max_wait_s:.0f} s ({last!r})")

        loop = asyncio.new_event_loop()
        try:
            # A hard bound on the whole wait: connect, receive and close together.
            box["raw"] = loop.run_until_complete(asyncio.wait_for(fetch(), max_wait_s + 2.0))
        except BaseException as exc:  # noqa: BLE001 - contained: no scenario, logged
            box["error"] = exc
        finally:
            loop.close()

    t = threading.Thread(target=inner, name="runback-request-info", daemon=True)
    t.start()
    t.join()
    if "error" in box:
        from .components import log

        log.warning("could not get the page's request from Voila (%s); no shared scenario applied", box["error"])
        return None
    try:
        info = json.loads(box.get("raw") or "{}")
        return {str(k): str(v) for k, v in info.items()} if isinstance(info, dict) else None
    except ValueError:
        return None


def page_query_string() -> str:
    """The query string of the page this kernel serves ("" outside Voila). Waits for
    the visitor in a pre-heated kernel; cached after the first call."""
    with _query_lock:
        if "q" in _query_cache:
            return _query_cache["q"]
        if os.environ.get("VOILA_PREHEAT", "False") == "True" and os.environ.get("VOILA_KERNEL_ID"):
            info = _request_info_from_server()
            if info:
                os.environ.update(info)
        q = os.environ.get("QUERY_STRING", "") or ""
        _query_cache["q"] = q
        return q


def scenario_query(state: Mapping[str, str]) -> str:
    """URL-encoded query string for a scenario state (empty values left out)."""
    items = [(str(k), str(v)) for k, v in state.items() if v is not None and str(v) != ""]
    return urlencode(items)


def link_to(notebook: str, **state: str) -> str:
    """A relative link opening another dashboard (``notebook``) in ``state`` (its link keys)."""
    return f"{notebook}?{scenario_query(state)}"


_LINK_ESM = r"""
function render({ model, el }) {
  const wrap = document.createElement('div');
  wrap.className = 'rb-share-row';
  const id = 'rb-share-' + Math.random().toString(36).slice(2);
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = model.get('label');
  const input = document.createElement('input');
  input.type = 'text';
  input.readOnly = true;
  input.id = id;
  input.className = 'rb-share-url';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'rb-share-copy';
  button.textContent = 'Copy link';
  const status = document.createElement('span');
  status.className = 'rb-share-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const update = () => {
    const u = new URL(window.location.href);
    u.hash = '';
    const q = model.get('query');
    u.search = q ? '?' + q : '';
    input.value = u.href;
    status.textContent = '';
  };
  button.addEventListener('click', async () => {
    update();
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(input.value); ok = true; }
    } catch (e) { ok = false; }
    if (!ok) {
      input.focus(); input.select();
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    }
    status.textContent = ok ? 'Link copied.' : 'Select the link and copy it (Ctrl+C).';
  });
  model.on('change:query', update);
  update();
  wrap.append(label, input, button, status);
  el.appendChild(wrap);
}
export default { render };
"""

_LINK_CSS = """
.rb-share-row{display:flex;flex-wrap:wrap;align-items:center;gap:0.4em;margin:0.6em 0;max-width:100%}
.rb-share-row label{font-weight:600}
.rb-share-url{flex:1 1 16em;min-width:0;max-width:100%;font-size:0.95em;padding:0.25em 0.4em;border:1px solid #767676;border-radius:3px;background:#fff;color:#1A1A1A}
.rb-share-copy{font-size:0.95em;padding:0.3em 0.8em;border:1px solid #004C7A;background:#0072B2;color:#fff;border-radius:3px;cursor:pointer}
.rb-share-copy:focus{outline:3px solid #E69F00;outline-offset:2px}
.rb-share-status{font-size:0.9em}
"""


def _link_widget_class():
    import anywidget

    class ShareLink(anywidget.AnyWidget):
        """Read-only URL of the current scenario (built in the browser from the page's
        address) and a Copy button."""

        _esm = _LINK_ESM
        _css = _LINK_CSS
        query = traitlets.Unicode("").tag(sync=True)
        label = traitlets.Unicode("Link to this scenario:").tag(sync=True)

    return ShareLink


ShareLink = None  # set lazily (anywidget import) by _share_link()


def _share_link(**kwargs):
    global ShareLink
    if ShareLink is None:
        ShareLink = _link_widget_class()
    return ShareLink(**kwargs)


def _value_widgets(root: widgets.Widget, seen: set | None = None):
    """Every widget under ``root`` (children, recursively) that has a ``value`` trait."""
    seen = set() if seen is None else seen
    if id(root) in seen:
        return
    seen.add(id(root))
    if root.has_trait("value") and not isinstance(root, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
        yield root
    for child in getattr(root, "children", ()) or ():
        if isinstance(child, widgets.Widget):
            yield from _value_widgets(child, seen)


class Shareable(widgets.VBox):
    """A dashboard app with its scenario read from the page link and a link to copy."""

    #: Notes about the link's settings that were ignored (plain text).
    notes = traitlets.List(traitlets.Unicode())
    #: The query string of the current scenario.
    query = traitlets.Unicode("")

    def __init__(self, app: widgets.Widget, query: str | None = None, **kwargs):
        from .components import ErrorPanel, guarded

        self.app = app
        self._errors = ErrorPanel()
        self._note = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self._note.add_class("rb-share-note")
        self._link = _share_link()
        super().__init__(
            children=[self._note, app, self._link, self._errors],
            layout=widgets.Layout(width="100%", max_width="100%"),
            **kwargs,
        )
        self.add_class("rb-shareable")
        self._refresh = guarded(self._errors)(self._refresh_query)
        if query is None and _waits_for_visitor():
            # Pre-heated kernel: the whole page is built before the visitor comes (the rest
            # of the notebook too: its tables, quiz and references), then the page's last
            # cell, ``apply_page_link()``, waits for the visitor and applies their link.
            _pending.append(self)
            raw = ""
        else:
            raw = page_query_string() if query is None else query
        self.apply_query(raw)
        for w in _value_widgets(app):
            w.observe(lambda change: self._refresh(), names="value")
        self._refresh()

    def __repr__(self) -> str:
        # The cell's text/plain output: not the app's whole widget tree (see Dashboard.__repr__).
        return f"Shareable({self.app!r})"

    def apply_query(self, raw: str | None) -> list[str]:
        """Parse ``raw`` and apply it to the app; show and return the notes. Never raises."""
        params, notes = parse_query(raw)
        if params:
            try:
                app_notes = self.app.apply_scenario(params)
                notes += [str(n) for n in (app_notes or [])]  # plain text, escaped once when shown
            except Exception:  # noqa: BLE001 - contract says never raises; be sure anyway
                from .components import log

                log.exception("apply_scenario raised")
                notes.append("The link's settings could not be applied; showing the default view.")
        self.notes = notes
        self._show_notes(notes)
        self._refresh()
        return notes

    def _show_notes(self, notes: list[str]) -> None:
        if not notes:
            self._note.value = ""
            self._note.layout.display = "none"
            return
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes[:12])
        more = f"<li>{len(notes) - 12} more notes not shown.</li>" if len(notes) > 12 else ""
        self._note.value = (
            '<div class="rb-box rb-note" role="status" aria-label="Notes about this link">'
            '<div class="rb-kind">About this link</div>'
            f"<ul>{items}{more}</ul></div>"
        )
        self._note.layout.display = None

    def _refresh_query(self) -> None:
        try:
            q = scenario_query(self.app.scenario_state())
        except Exception:  # noqa: BLE001 - logged by guarded() callers; keep the old link
            raise
        self.query = q
        self._link.query = q


def apply_page_link() -> None:
    """The last cell of a page with a ``shareable`` app: apply the visitor's link.

    In a pre-heated kernel (``runback serve --classroom``) this is where the page
    waits for its visitor, so everything above it ran ahead of time; elsewhere the
    link was applied when the app was made and there is nothing left to do."""
    while _pending:
        _pending.pop(0).apply_query(page_query_string())


def shareable(app: widgets.Widget, query: str | None = None) -> Shareable:
    """Wrap a dashboard app: restore the scenario from the page link, offer a link to copy.

    ``query`` overrides the page's query string (tests); by default it is read
    from Voila (waiting for the visitor in a pre-heated kernel).
    """
    return Shareable(app, query=query)

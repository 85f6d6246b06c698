"""What keeps ``runback serve`` up on a hostile class network.

Each part replaces or wraps a piece of Voila 0.5 / Tornado (``cli.voila_app_class``
puts them in place); the upstream issue each one works around is named.

* **Kernel websocket** (``kernel_websocket_handler``): only the
  ``v1.kernel.websocket.jupyter.org`` subprotocol is accepted (the pages Voila
  serves always ask for it). Voila's ``write_message`` reads every binary frame as
  v1 and trusts its first 8 bytes as a count, so a socket opened without the
  subprotocol (legacy framing) made it build a list of billions of offsets on the
  main thread: one ``request_states`` froze the server. The header is now read with
  bounds for the framing actually negotiated. Unknown kernels answer a plain 404
  (Voila rendered jupyter_server's HTML error page, which needs a ``static_path``
  Voila does not set: a 40-line traceback per request).
* **Request info** (``request_info_handler``): ``/voila/query/<kernel id>`` is how
  a pre-heated kernel learns its visitor's query string. Voila accepts anyone on
  it, and its ``on_close`` deletes the *last* waiter when it does not find its own:
  two closed sockets to a made-up id orphaned a waiting kernel and hung the next
  visitor's page. Now only this server's kernels (a per-server key in their
  environment, ``RUNBACK_QUERY_KEY``) and only for kernels that exist; a socket
  removes only itself.
* **Kernel caps** (``KernelCaps`` and ``render_handler``): at most ``total`` visitor
  kernels and ``per_visitor`` per client address; beyond, a plain-words page
  (status 503, ``Retry-After``) instead of another ~100 MB kernel.
* **Silent sockets** (``start_connected_culler``): a kernel whose page is connected
  but has not exchanged a message for ``limit`` seconds is shut down (Jupyter's
  culler leaves connected kernels alone unless ``cull_connected``, which would use
  the short idle limit meant for closed tabs).
* **Paths** (``InsideRootMixin``, ``files_handler``): nothing outside the notebooks
  folder through a symbolic link inside it (page, tree, contents and files routes).
* **Errors** (``render_handler``): a full disk and other failures give a
  plain-words page, not a bare "500".
* **HTTP server** (``GuardedHTTPServer``): request headers and bodies must arrive
  within a time limit (slow-loris), and when the process runs out of file
  descriptors the accept loop pauses instead of spinning at 100 % CPU writing a
  traceback per attempt; ``raise_open_files_limit`` lifts the soft limit first.
"""

from __future__ import annotations

import errno
import hmac
import html
import ipaddress
import json
import logging
import os
import struct
import time
from collections import Counter
from typing import Any

log = logging.getLogger("runback.serve")

V1 = "v1.kernel.websocket.jupyter.org"
#: Environment variable carrying the per-server key of ``/voila/query`` (kernels inherit it).
QUERY_KEY_ENV = "RUNBACK_QUERY_KEY"
#: Errors that mean "no space for a new kernel's files".
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
#: Errors that mean "out of file descriptors / kernel memory for sockets".
OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


# --- kernel websocket framing ------------------------------------------------------------


def read_header(message: bytes, protocol: str | None) -> dict | None:
    """The Jupyter message header of a binary websocket frame, or None.

    ``protocol`` is the negotiated subprotocol: v1 frames start with an 8-byte
    little-endian count of 8-byte offsets (header between offsets 1 and 2); legacy
    frames with a 4-byte big-endian count of 4-byte offsets (the JSON message first).
    Counts and offsets are checked against the frame's length before use.
    """
    try:
        if protocol == V1:
            if len(message) < 8:
                return None
            n = int.from_bytes(message[:8], "little")
            if n < 3 or 8 * (n + 1) > len(message):
                return None
            o1 = int.from_bytes(message[16:24], "little")
            o2 = int.from_bytes(message[24:32], "little")
            if not 8 * (n + 1) <= o1 <= o2 <= len(message):
                return None
            return json.loads(message[o1:o2].decode("utf-8"))
        if len(message) < 4:
            return None
        n = struct.unpack("!I", message[:4])[0]
        if n < 1 or 4 * (n + 1) > len(message):
            return None
        start = struct.unpack("!I", message[4:8])[0]
        end = struct.unpack("!I", message[8:12])[0] if n > 1 else len(message)
        if not 4 * (n + 1) <= start <= end <= len(message):
            return None
        header = json.loads(message[start:end].decode("utf-8")).get("header")
        return header if isinstance(header, dict) else None
    except (ValueError, UnicodeDecodeError, AttributeError, struct.error):
        return None


def requested_subprotocols(request) -> list[str]:
    raw = request.headers.get("Sec-WebSocket-Protocol", "")
    return [p.strip() for p in raw.split(",") if p.strip()]


def _plain_write_error(handler, status_code: int, **kwargs) -> None:
    """An error answer for a websocket route: one line of text (no HTML template)."""
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.finish(f"{status_code} {handler._reason}\n")


def kernel_websocket_handler():
    from tornado.web import HTTPError
    from tornado.websocket import WebSocketClosedError, WebSocketHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    class RunbackKernelWebsocketHandler(VoilaKernelWebsocketHandler):
        """Voila's kernel websocket, v1 framing only, headers read with bounds.

        Upstream: voila-dashboards/voila, ``VoilaKernelWebsocketHandler.write_message``
        assumes the v1 protocol (to be filed: "write_message parses legacy binary
        frames as v1; unbounded offset count freezes the server").
        """

        async def pre_get(self):
            if V1 not in requested_subprotocols(self.request):
                raise HTTPError(400, f"the kernel websocket needs the {V1} subprotocol")
            if self.kernel_id not in self.kernel_manager:
                raise HTTPError(404, "no such kernel")
            await super().pre_get()

        def select_subprotocol(self, subprotocols):
            return V1 if V1 in subprotocols else None

        def write_message(self, message, binary: bool = False):
            if isinstance(message, bytes):
                header = read_header(message, self.selected_subprotocol)
            elif isinstance(message, dict):
                header = message.get("header")
            else:
                header = None
            if isinstance(header, dict) and header.get("msg_type") == "execute_input":
                return None  # Voila hides the source of executed cells
            try:
                future = WebSocketHandler.write_message(self, message, binary)
            except WebSocketClosedError:
                return None  # the tab has gone: nothing to send, nothing to log
            # A write that fails because the tab left while it was under way must not
            # end as "Future exception was never retrieved" in the server log.
            future.add_done_callback(_retrieve)
            return future

        def write_error(self, status_code: int, **kwargs) -> None:
            _plain_write_error(self, status_code, **kwargs)

    return RunbackKernelWebsocketHandler


def _retrieve(future) -> None:
    """Done-callback: read a finished write's exception so asyncio does not log it."""
    if not future.cancelled():
        future.exception()


# --- the pre-heated kernels' request-info socket -----------------------------------------


def request_info_handler(key: str):
    from tornado.web import HTTPError
    from voila.request_info_handler import RequestInfoSocketHandler as Base

    if not getattr(Base.send_updates, "_runback", False):
        # Keep every visitor's request until its kernel is gone (pruned by the culler's
        # check), not only when no socket waits: a kernel whose socket was closing as
        # the request went out reconnects and still gets it.
        original = Base.send_updates.__func__

        def send_updates(cls, msg):
            Base._cache[msg["kernel_id"]] = msg["payload"]
            original(cls, msg)

        send_updates._runback = True
        Base.send_updates = classmethod(send_updates)

    class RunbackRequestInfoSocketHandler(Base):
        """``/voila/query/<kernel id>`` for this server's kernels only.

        Upstream: voila-dashboards/voila, ``RequestInfoSocketHandler`` (no
        authentication; ``on_close`` removes the last waiter when its own is not
        found). The waiters and cache stay Voila's class attributes: Voila's page
        handler sends updates through them.
        """

        async def get(self, kernel_id, *args, **kwargs):
            given = self.get_argument("key", "")
            km = self.settings.get("kernel_manager")
            if not key or not hmac.compare_digest(given.encode(), key.encode()):
                raise HTTPError(403, "request info is only for this server's kernels")
            if km is None or kernel_id not in km:
                raise HTTPError(404, "no such kernel")
            self._rb_kernel_id = kernel_id
            return await super().get(kernel_id, *args, **kwargs)

        def open(self, kernel_id: str) -> None:
            previous = Base._waiters.get(kernel_id)
            Base._waiters[kernel_id] = self
            if previous is not None and previous is not self:
                previous.close()  # its on_close leaves this one in place
            if kernel_id in Base._cache:
                self.write_message(Base._cache[kernel_id])

        def on_close(self) -> None:
            kid = getattr(self, "_rb_kernel_id", None)
            if kid is not None and Base._waiters.get(kid) is self:
                del Base._waiters[kid]

    return RunbackRequestInfoSocketHandler


# --- kernel caps -------------------------------------------------------------------------


#: Memory one dashboard kernel holds (MB), for sizing the total cap: the largest
#: figure measured by benchmarks/kernel_memory.py (78-112 MB RSS per kernel) plus margin.
KERNEL_MB = 125
#: Memory the server process itself needs before any kernel (MB, measured ~95 MB RSS).
SERVER_MB = 150
#: Share of the machine's memory the kernels may take (the rest: the system, a browser).
MEMORY_SHARE = 0.75
#: Kernels one visitor (client address) may hold at once: the four pages in tabs, and
#: a few reloads whose old kernel has not yet been shut down.
PER_VISITOR_DEFAULT = 8
#: Seconds a refused visitor is told to wait.
RETRY_AFTER_S = 60


def machine_memory_mb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 4096.0


def auto_kernel_cap(memory_mb: float, pooled: int = 0, kernel_mb: float = KERNEL_MB) -> int:
    """Visitor kernels the machine's memory holds beside ``pooled`` pre-heated ones, each
    kernel counted at ``kernel_mb`` (kernels forked from the warm parent are far smaller:
    ``pool.FORKED_KERNEL_MB``)."""
    budget = memory_mb * MEMORY_SHARE - SERVER_MB - pooled * kernel_mb
    return max(2, int(budget // kernel_mb))


def visitor_address(request) -> str:
    """The visitor's address: the peer, or, when the peer is this machine (a reverse
    proxy in front), the address the proxy passes on (``X-Real-IP`` or the last
    ``X-Forwarded-For`` entry)."""
    peer = request.remote_ip or ""
    try:
        local = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        local = False
    if local:
        real = request.headers.get("X-Real-IP", "").strip()
        fwd = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        for cand in (real, fwd[-1] if fwd else ""):
            try:
                return str(ipaddress.ip_address(cand))
            except ValueError:
                continue
    return peer


class KernelCaps:
    """Which visitor holds which kernel, and whether one more is allowed.

    ``total`` and ``per_visitor`` of 0 mean no limit. Kernels are counted from the
    moment a page asks for one (``pending``) to their shutdown.
    """

    def __init__(self, total: int, per_visitor: int):
        self.total = total
        self.per_visitor = per_visitor
        self.owners: dict[str, str] = {}
        self.pending: Counter = Counter()

    def prune(self, km) -> None:
        for kid in [k for k in self.owners if k not in km]:
            del self.owners[kid]

    def count(self, address: str | None = None) -> int:
        if address is None:
            return len(self.owners) + sum(self.pending.values())
        return sum(1 for a in self.owners.values() if a == address) + self.pending[address]

    def refusal(self, address: str, km) -> tuple[str, int] | None:
        """None (admit) or (the page to show, the limit reached)."""
        self.prune(km)
        if self.per_visitor and self.count(address) >= self.per_visitor:
            return "visitor_full", self.per_visitor
        if self.total and self.count() >= self.total:
            return "class_full", self.total
        return None


def server_page(kind: str, **values) -> tuple[int, str]:
    """(status, HTML) of a plain-words page from content/server.toml."""
    from ..content import load_toml

    spec = load_toml("server.toml")[kind]
    title = html.escape(spec["title"])
    paras = "".join(f"<p>{html.escape(p.format(**values))}</p>" for p in spec["body"])
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;"
        "font-size:1.15em;line-height:1.5;color:#1A1A1A;background:#fff}h1{font-size:1.5em}</style></head>"
        f"<body><main><h1>{title}</h1>{paras}</main></body></html>"
    )
    return int(spec["status"]), page


class _RecordingKernelManager:
    """The kernel manager as a page handler sees it, noting which kernel the page got."""

    def __init__(self, km, on_kernel):
        self._km = km
        self._on_kernel = on_kernel

    def __getattr__(self, name):
        return getattr(self._km, name)

    def __contains__(self, kid):
        return kid in self._km

    async def start_kernel(self, *args, **kwargs):
        from jupyter_core.utils import ensure_async

        kid = await ensure_async(self._km.start_kernel(*args, **kwargs))
        self._on_kernel(kid)
        return kid

    async def get_rendered_notebook(self, *args, **kwargs):
        result = await self._km.get_rendered_notebook(*args, **kwargs)
        self._on_kernel(result[2])
        return result


# --- paths -------------------------------------------------------------------------------


def inside(root: str, relative: str) -> bool:
    """``root/relative`` resolves (symbolic links followed) to ``root`` or below."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, relative.lstrip("/")))
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


class InsideRootMixin:
    """404 for a route whose path argument leads (through a symbolic link) outside the
    notebooks folder. Upstream: jupyter_server's contents manager follows links."""

    async def prepare(self, *args, **kwargs):
        from tornado.web import HTTPError

        result = super().prepare(*args, **kwargs)
        if result is not None:
            await result
        if self._finished:
            return
        path = (self.path_args[0] if self.path_args else self.path_kwargs.get("path")) or ""
        root = self.settings["contents_manager"].root_dir
        if not inside(root, path):
            raise HTTPError(404, "not in the notebooks folder")


def files_handler():
    from tornado.web import HTTPError
    from voila.static_file_handler import AllowListFileHandler

    class InsideRootFileHandler(AllowListFileHandler):
        """Tornado 6.6 resolves links in its static file handler; older releases the
        dependency ranges allow may not: checked here as well."""

        def validate_absolute_path(self, root, absolute_path):
            if not inside(root, os.path.relpath(absolute_path, root)):
                raise HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

    return InsideRootFileHandler


def tree_handlers():
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class RunbackTreeHandler(InsideRootMixin, TornadoVoilaTreeHandler):
        pass

    class RunbackContentsHandler(InsideRootMixin, VoilaContentsHandler):
        pass

    return {TornadoVoilaTreeHandler: RunbackTreeHandler, VoilaContentsHandler: RunbackContentsHandler}


def render_handler(caps: KernelCaps):
    import tornado.web
    from voila.tornado.handler import TornadoVoilaHandler

    class RunbackRenderHandler(InsideRootMixin, TornadoVoilaHandler):
        """Voila's page handler with kernel caps, and plain-words error pages."""

        _rb_address = ""
        _rb_counted = False

        @property
        def kernel_manager(self):
            return _RecordingKernelManager(self.settings["kernel_manager"], self._rb_got_kernel)

        def _rb_got_kernel(self, kid: str) -> None:
            if self._rb_counted:
                caps.pending[self._rb_address] -= 1
                self._rb_counted = False
            caps.owners[kid] = self._rb_address

        def _rb_page(self, kind: str, retry: bool = True, **values) -> None:
            status, page = server_page(kind, **values)
            self.clear()
            self.set_status(status)
            if retry:
                self.set_header("Retry-After", str(RETRY_AFTER_S))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(page)

        @tornado.web.authenticated
        async def get(self, path=None):
            km = self.settings["kernel_manager"]
            if path and path.lower().endswith(".ipynb"):
                self._rb_address = visitor_address(self.request)
                refused = caps.refusal(self._rb_address, km)
                if refused:
                    kind, limit = refused
                    self.log.warning("runback: refused a dashboard to %s: %s (%d)", self._rb_address, kind, limit)
                    self._rb_page(kind, limit=limit)
                    return
                caps.pending[self._rb_address] += 1
                self._rb_counted = True
            try:
                await TornadoVoilaHandler.get.__wrapped__(self, path)
            finally:
                if self._rb_counted:
                    caps.pending[self._rb_address] -= 1
                    self._rb_counted = False
                    if caps.pending[self._rb_address] <= 0:
                        del caps.pending[self._rb_address]

        def log_exception(self, typ, value, tb):
            if isinstance(value, OSError) and value.errno in DISK_FULL:
                self.log.error("runback: no space left for a new kernel's files (%s); a visitor was told", value)
                return
            super().log_exception(typ, value, tb)

        def write_error(self, status_code: int, **kwargs) -> None:
            exc = kwargs.get("exc_info", (None, None, None))[1]
            if isinstance(exc, OSError) and exc.errno in DISK_FULL:
                self._rb_page("disk_full")
            elif status_code >= 500 and not isinstance(exc, tornado.web.HTTPError):
                self._rb_page("server_error", retry=False)
            else:
                super().write_error(status_code, **kwargs)

    return RunbackRenderHandler


# --- Jupyter Server's own pages (errors, logout) -----------------------------------------


#: The base of Jupyter Server's templates (error, 404, logout), without ``static_url``:
#: Voila serves no ``/static`` and sets no ``static_path``, so the original base page
#: raised inside ``write_error`` (a ~40-line traceback per 404 on a Jupyter route, and
#: a 500 on ``/logout``).
PLAIN_BASE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}runback{% endblock %}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5;color:#1A1A1A}
pre{white-space:pre-wrap}</style>
{% block favicon %}{% endblock %}{% block stylesheet %}{% endblock stylesheet %}{% block meta %}{% endblock meta %}
</head><body><main>
{% block headercontainer %}{% endblock headercontainer %}{% block header_buttons %}{% endblock header_buttons %}
{% block header %}{% endblock header %}{% block site %}{% endblock site %}{% block after_site %}{% endblock after_site %}
</main>{% block script %}{% endblock script %}</body></html>
"""


def plain_jupyter_pages(settings: dict) -> None:
    """Serve Jupyter Server's templates over :data:`PLAIN_BASE_PAGE` (in place).

    Upstream: Voila 0.5 ``app.init_settings`` builds the ``jinja2_env`` for Jupyter
    Server's templates but no ``static_path`` (to be filed on voila-dashboards/voila).
    """
    import jinja2

    env = settings.get("jinja2_env")
    if env is None or getattr(env, "_runback_plain", False):
        return
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"page.html": PLAIN_BASE_PAGE}), env.loader])
    env._runback_plain = True


# --- kernels connected but silent --------------------------------------------------------


def cull_silent_connected(km, limit_s: float, now=None) -> list[str]:
    """Shut down kernels with a page connected but no message for ``limit_s`` seconds.
    Returns the ids shut down (scheduled)."""
    import asyncio

    from jupyter_server._tz import utcnow
    from voila.request_info_handler import RequestInfoSocketHandler

    now = now or utcnow()
    for kid in [k for k in RequestInfoSocketHandler._cache if k not in km]:
        RequestInfoSocketHandler._cache.pop(kid, None)
    if not limit_s or limit_s <= 0:
        return []
    connections = getattr(km, "_kernel_connections", {})
    culled = []
    for kid in list(km.list_kernel_ids()):
        try:
            kernel = km.get_kernel(kid)
        except Exception:  # noqa: BLE001 - shut down meanwhile
            continue
        last = getattr(kernel, "last_activity", None)
        if not connections.get(kid) or last is None:
            continue
        silent = (now - last).total_seconds()
        if silent > limit_s:
            log.warning(
                "runback: shutting down kernel %s: its page has been connected but silent for %.0f s (limit %.0f s)",
                kid,
                silent,
                limit_s,
            )
            asyncio.ensure_future(km.shutdown_kernel(kid))
            culled.append(kid)
    return culled


def start_connected_culler(km, limit_s: float):
    """Check every ``min(30, limit/3)`` s (a Tornado PeriodicCallback on the current loop);
    with no limit, only forget requests kept for kernels that are gone (every 30 s)."""
    from tornado.ioloop import PeriodicCallback

    every_ms = 1000 * max(1.0, min(30.0, limit_s / 3 if limit_s and limit_s > 0 else 30.0))

    def check():
        try:
            cull_silent_connected(km, limit_s)
        except Exception:  # noqa: BLE001 - never let the check stop the server
            log.exception("runback: checking for silent kernels failed")

    pc = PeriodicCallback(check, every_ms)
    pc.start()
    return pc


# --- the HTTP server ---------------------------------------------------------------------


#: Seconds a client has to send its request headers (and an idle keep-alive
#: connection stays open). Tornado's default is an hour.
HEADER_TIMEOUT_S = 20.0
#: Seconds a client has to send a request body.
BODY_TIMEOUT_S = 60.0
#: Seconds the accept loop pauses when the process is out of file descriptors.
ACCEPT_PAUSE_S = 0.5


def raise_open_files_limit() -> tuple[int, int] | None:
    """Soft RLIMIT_NOFILE up to the hard limit (as Jupyter Server does; standalone Voila
    does not). Returns (old soft, new soft), or None where not possible."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    targets = [hard] if hard != resource.RLIM_INFINITY else []
    targets += [t for t in (1048576, 65536, 10240) if t > soft and (hard == resource.RLIM_INFINITY or t <= hard)]
    for target in targets:
        if target <= soft:
            return soft, soft
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return soft, target
        except (ValueError, OSError):
            continue
    return soft, soft


def guarded_accept_handler(sock, callback, pause_s: float = ACCEPT_PAUSE_S):
    """``tornado.netutil.add_accept_handler`` that, out of file descriptors, logs one line
    (at most every 10 s) and stops accepting for ``pause_s`` instead of spinning.

    Upstream: tornado's accept handler lets EMFILE propagate; the listening socket
    stays readable and the IOLoop calls it again at once (to be filed on tornadoweb/tornado
    if not known; Jupyter Server avoids it by raising the limit).
    """
    from tornado.ioloop import IOLoop
    from tornado.netutil import _DEFAULT_BACKLOG

    io_loop = IOLoop.current()
    state = {"removed": False, "paused": False, "said": 0.0}

    def resume():
        state["paused"] = False
        if not state["removed"]:
            io_loop.add_handler(sock, accept_handler, IOLoop.READ)

    def accept_handler(fd, events) -> None:
        for _ in range(_DEFAULT_BACKLOG):
            if state["removed"] or state["paused"]:
                return
            try:
                connection, address = sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno not in OUT_OF_DESCRIPTORS:
                    raise
                now = time.monotonic()
                if now - state["said"] > 10:
                    state["said"] = now
                    log.warning("runback: out of file descriptors (%s); new connections wait", exc.strerror)
                state["paused"] = True
                io_loop.remove_handler(sock)
                io_loop.call_later(pause_s, resume)
                return
            callback(connection, address)

    def remove_handler() -> None:
        if not state["paused"]:
            io_loop.remove_handler(sock)
        state["removed"] = True

    io_loop.add_handler(sock, accept_handler, IOLoop.READ)
    return remove_handler


def http_server_class():
    from tornado.httpserver import HTTPServer

    class GuardedHTTPServer(HTTPServer):
        def add_sockets(self, sockets) -> None:
            for sock in sockets:
                self._sockets[sock.fileno()] = sock
                self._handlers[sock.fileno()] = guarded_accept_handler(sock, self._handle_connection)

    return GuardedHTTPServer


def server_options(
    header_timeout: float = HEADER_TIMEOUT_S,
    body_timeout: float = BODY_TIMEOUT_S,
    certfile: str | None = None,
    keyfile: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``HTTPServer``: timeouts and, with a certificate, TLS."""
    opts: dict[str, Any] = {"idle_connection_timeout": header_timeout, "body_timeout": body_timeout}
    if certfile:
        import ssl

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(certfile, keyfile or None)
        opts["ssl_options"] = ctx
    return opts

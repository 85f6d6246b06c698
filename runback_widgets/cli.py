"""``runback`` command line: ``runback serve`` starts the dashboards in Voila.

Voila serves ``notebooks/`` only, opens on the landing dashboard, keeps
tracebacks off the page (they go to this console), culls kernels whose tab
was closed (Voila's own shutdown-on-close is refused with a 403 xsrf), and
requires a token whenever it listens beyond loopback.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import secrets
import socket
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from .voila import (
    guard,  # what keeps the server up on a hostile network (stdlib imports only)
    template_root,  # the Jupyter data dir holding the runback Voila template
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
LANDING = "index.ipynb"

#: Kernel culling (jupyter_server MappingKernelManager). A tab that closes
#: leaves its kernel idle and disconnected; it is shut down after
#: CULL_IDLE_TIMEOUT_S, checked every CULL_INTERVAL_S.
CULL_IDLE_TIMEOUT_S = 300
CULL_INTERVAL_S = 30
#: A page that stays connected without a single message (no control moved) for this
#: long has its kernel shut down: a held, silent websocket must not keep a kernel for
#: ever. Generous, so a student reading one page for a whole lesson keeps it.
CULL_CONNECTED_TIMEOUT_S = 2 * 3600

#: Files Voila may serve from notebooks/ under /voila/files/: images only,
#: never notebooks, Python, or hidden files and folders.
FILE_ALLOWLIST = [r".*\.(png|jpg|jpeg|gif|svg|webp)"]
FILE_DENYLIST = [r"(.*/)?\..*", r".*\.(ipynb|py)"]


def notebook_files(notebooks: Path) -> list[str]:
    """Notebooks Voila serves (relative names): hidden files and checkpoints excluded, and
    so is anything a symbolic link leads to outside the folder (never served either)."""
    return sorted(
        str(p.relative_to(notebooks))
        for p in notebooks.rglob("*.ipynb")
        if not any(part.startswith(".") for part in p.relative_to(notebooks).parts)
        and guard.inside(str(notebooks), str(p.relative_to(notebooks)))
    )


#: Kernels forked from the warm parent: each dashboard pre-heats this share of the class. A
#: class of 30 arriving over 10 s on one page of this 2-core machine (benchmarks/classroom.py,
#: 2026-11-30) takes a warm kernel every 0.33 s while refills (~0.35 CPU-s each with the
#: server's part, ~1-1.5 s under that load) come at about half that rate: about half the
#: class must find a kernel already warm. Pools of the pages the class does not open give
#: theirs back as it arrives (voila/pool.py, rebalancing). 60 % was measured too: no faster
#: at the p95 (more pooled kernels to keep alive), and 3.0 GB after an anatomy class.
FORKED_POOL_SHARE = 0.5


def pool_plan(notebooks: Path, visitors: int, focus: list[str] | None = None, forked: bool = False) -> dict[str, int]:
    """Pre-heated kernels per notebook for ``visitors`` people arriving at once.

    Voila's pool is per notebook. With ``focus`` (the page the class is told to
    open) that page gets ``visitors`` kernels and every other page one. Without
    it the server cannot know which page the class opens. With kernels forked
    from a warm parent (``forked``, voila/zygote.py) a pre-heated kernel holds
    ~35 MB of its own (PSS, measured by benchmarks/classroom.py) and a refill
    costs ~0.45 CPU-s: each dashboard holds ``FORKED_POOL_SHARE`` of the class
    plus one (a class of 30 on 4 dashboards: 16 each, 66 kernels, ~2.4 GB PSS), the
    landing page a fifteenth, and as the class opens its page the pools of
    pages nobody has opened give one kernel back per arrival, down to two
    (pool.py, rebalancing), while the class's page refills. Kernels started one
    by one (~4 s, ~100 MB each) get an equal share of the class plus one and
    the landing page a fifth.
    """
    names = notebook_files(notebooks)
    if visitors <= 0 or not names:
        return {}
    focus = [f if f.endswith(".ipynb") else f + ".ipynb" for f in (focus or [])]
    unknown = [f for f in focus if f not in names]
    if unknown:
        raise SystemExit(
            f"runback: --focus {', '.join(unknown)} is not a notebook in {notebooks} (have: {', '.join(names)})"
        )
    if focus:
        return {nb: (visitors if nb in focus else 1) for nb in names}
    dashboards = [nb for nb in names if nb != LANDING]
    if not dashboards:
        return dict.fromkeys(names, visitors)
    share = math.ceil(visitors / len(dashboards)) + 1
    if forked:
        share = max(share, math.ceil(visitors * FORKED_POOL_SHARE) + 1)
    plan = dict.fromkeys(dashboards, share)
    if LANDING in names:
        plan[LANDING] = max(1, math.ceil(visitors / (15 if forked else 5)))
    return plan


def start_zygote(notebooks: Path | None = None):
    """Classroom mode: kernels fork from one warm parent (voila/zygote.py); None if it fails.

    The parent rehearses the served pages' code once (``zygote.rehearse``)."""
    import time

    from .voila import zygote

    t0 = time.monotonic()
    print("runback: warming the parent process kernels fork from ...", flush=True)
    pages = [notebooks / nb for nb in notebook_files(notebooks)] if notebooks is not None else []
    z = zygote.Zygote(rehearse=pages).start(wait=False)
    if not z.wait_ready():
        print("runback: the kernel parent did not start; kernels start one by one instead.", flush=True)
        z.stop()
        return None
    zygote.install(z)
    print(f"runback: kernel parent warm in {time.monotonic() - t0:.1f} s.", flush=True)
    return z


def find_notebooks_dir(explicit: str | None = None) -> Path:
    """The folder to serve: ``--notebooks``, else ``./notebooks``, else the repository's."""
    candidates = []
    if explicit:
        # An explicit folder is used or refused, never silently replaced.
        if not (Path(explicit) / LANDING).is_file():
            raise SystemExit(f"runback: no {LANDING} in --notebooks {explicit}")
        return Path(explicit).resolve()
    env = os.environ.get("RUNBACK_NOTEBOOKS")
    if env:
        candidates.append(Path(env))
    candidates.append(Path.cwd() / "notebooks")
    candidates.append(Path(__file__).resolve().parent.parent / "notebooks")
    for c in candidates:
        if (c / LANDING).is_file():
            return c.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise SystemExit(f"runback: no notebooks folder with {LANDING} found (tried: {tried}); pass --notebooks PATH")


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def display_url(host: str, port: int, token: str, page: str = LANDING, tls: bool = False) -> str:
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = socket.gethostname()
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    url = f"{'https' if tls else 'http'}://{shown}:{port}/voila/render/{page}"
    if token:
        url += f"?token={token}"
    return url


def voila_argv(args: argparse.Namespace, notebooks: Path, token: str) -> list[str]:
    """Command-line arguments for Voila implementing the serve policy.

    Options that need structured values (the per-notebook pool) are in
    ``voila_config()`` instead.
    """
    argv = [
        str(notebooks),
        f"--port={args.port}",
        f"--Voila.ip={args.host}",
        "--Voila.open_browser=False",
        "--Voila.port_retries=0",
        # Tracebacks never on the page; Voila logs them on this console.
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        # Closed tabs: cull idle, disconnected kernels.
        f"--MappingKernelManager.cull_idle_timeout={args.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL_S, max(1, args.cull_idle_timeout // 2))}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        f"--Voila.token={token}",
        # Voila's lab template + a "connection lost" banner + presenter styles
        # (runback_widgets/voila/share/voila/templates/runback; see template_root()).
        "--VoilaConfiguration.template=runback",
    ]
    if getattr(args, "present", False):
        argv.append("--VoilaConfiguration.theme=dark")
    if args.classroom:
        # Pool sizes per notebook come from voila_config(); unlisted notebooks get none.
        argv += ["--preheat_kernel=True", "--pool_size=0"]
    argv += args.voila_args
    return argv


def voila_config(args: argparse.Namespace, notebooks: Path):
    """Structured Voila configuration (a traitlets ``Config``) for the serve policy."""
    from traitlets.config import Config

    c = Config()
    c.VoilaConfiguration.file_allowlist = list(FILE_ALLOWLIST)
    c.VoilaConfiguration.file_denylist = list(FILE_DENYLIST)
    # Never let a query string switch the template or theme (and so bypass the pool).
    c.VoilaConfiguration.allow_template_override = "NO"
    c.VoilaConfiguration.allow_theme_override = "NO"
    # The dashboards draw with FigureWidget (anywidget), never fig.show(): plotly's
    # JupyterLab mime renderer (another 4.8 MB of JavaScript per visitor) is not needed.
    c.VoilaConfiguration.extension_denylist = ["jupyterlab-plotly"]
    from .voila import pool  # a page is never sent without its dashboard's outputs

    pool.executor_config(c)
    if is_loopback(args.host):
        # DNS rebinding: a page from another site whose name now points at 127.0.0.1
        # must not reach this server. Jupyter's own check (403 unless the Host header
        # is a loopback address, localhost or the name we listen on); Voila turns it off.
        names = ["localhost"] + ([args.host] if args.host not in ("localhost",) else [])
        c.Voila.tornado_settings = {"allow_remote_access": False, "local_hostnames": names}
    if args.classroom:
        plan = pool_plan(notebooks, args.classroom, args.focus, forked=not args.no_fork)
        pools = {"default": {"pool_size": 0}}
        pools.update({nb: {"pool_size": n} for nb, n in plan.items()})
        c.VoilaKernelManager.kernel_pools_config = pools
        # Refill a taken slot soon, but one kernel at a time (see voila/pool.py); kernels
        # forked from the warm parent at once (pool.py queues them, a few at a time).
        c.VoilaKernelManager.fill_delay = 2.0 if args.no_fork else 0.1
    return c


@dataclass
class ServePolicy:
    """What ``runback serve`` adds to Voila's handlers and HTTP server (see voila/guard.py)."""

    max_kernels: int = 0  # visitor kernels in all; 0: no limit
    max_kernels_per_visitor: int = 0  # per client address; 0: no limit
    cull_connected_timeout: float = 0  # s a connected page may stay silent; 0: never
    header_timeout: float = 0  # s for request headers (0: guard.HEADER_TIMEOUT_S)
    certfile: str | None = None
    keyfile: str | None = None
    query_key: str = ""  # the pre-heated kernels' key for /voila/query


def voila_app_class(policy: ServePolicy | None = None):
    """Voila with runback's handlers: plotly's widget bundle as a static file
    (voila/bundle.py), and the replacements of voila/guard.py (kernel websocket, request
    info, kernel caps, paths, error pages, HTTP server timeouts, TLS)."""
    from voila.app import Voila

    from .voila import bundle

    policy = policy or ServePolicy()

    from tornado.web import HTTPError
    from tornado.web import authenticated as tornado_authenticated
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    class SafeTemplateStaticFileHandler(TemplateStaticFileHandler):
        """Voila's template static files, answering 404 (not a 500 and a traceback)
        to paths that climb out of a template's static folder."""

        def parse_url_path(self, path):
            try:
                return super().parse_url_path(path)
            except (AssertionError, ValueError) as exc:
                raise HTTPError(404) from exc

        @classmethod
        def get_absolute_path(cls, root, path):
            try:
                return super().get_absolute_path(root, path)
            except (AssertionError, ValueError) as exc:
                raise HTTPError(404) from exc

    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    class TabClosedHandler(VoilaShutdownKernelHandler):
        """Voila's shutdown-on-close (the page's ``beforeunload`` beacon), made to work:
        the beacon carries no ``_xsrf`` argument, so Voila's handler answered 403 and
        closed tabs kept their kernel until culled. Still authenticated (token
        cookie); a kernel id is an unguessable UUID known only to its page; unknown
        ids answer 404 instead of a 500 and a traceback."""

        def check_xsrf_cookie(self):
            return None

        @tornado_authenticated
        async def post(self, kernel_id):
            if kernel_id not in self.kernel_manager:
                raise HTTPError(404)
            await super().post.__wrapped__(self, kernel_id)

    caps = guard.KernelCaps(policy.max_kernels, policy.max_kernels_per_visitor)
    replace = {
        TemplateStaticFileHandler: SafeTemplateStaticFileHandler,
        VoilaShutdownKernelHandler: TabClosedHandler,
        VoilaKernelWebsocketHandler: guard.kernel_websocket_handler(),
        RequestInfoSocketHandler: guard.request_info_handler(policy.query_key),
        TornadoVoilaHandler: guard.render_handler(caps),
        AllowListFileHandler: guard.files_handler(),
        **guard.tree_handlers(),
    }
    server_options = guard.server_options(
        header_timeout=policy.header_timeout or guard.HEADER_TIMEOUT_S, certfile=policy.certfile, keyfile=policy.keyfile
    )

    class RunbackVoila(Voila):
        kernel_caps = caps

        def init_settings(self):
            settings = super().init_settings()
            guard.plain_jupyter_pages(settings)
            return settings

        def init_handlers(self):
            handlers = [
                (h[0], replace[h[1]], *h[2:]) if len(h) >= 2 and h[1] in replace else h for h in super().init_handlers()
            ]
            return [bundle.handler(self.server_url), *handlers]

        def listen(self):
            # Voila calls self.app.listen(port, ip): make that our HTTP server (timeouts,
            # an accept loop that survives running out of descriptors, TLS).
            app = self.app
            server_class = guard.http_server_class()

            def listen(port, address=None, **kwargs):
                server = server_class(app, **server_options)
                server.listen(port, address)
                return server

            app.listen = listen
            guard.start_connected_culler(self.kernel_manager, policy.cull_connected_timeout)
            super().listen()

    return RunbackVoila


def _open_when_ready(host: str, port: int, url: str, timeout: float = 60.0) -> None:
    probe = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((probe, port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        return
    webbrowser.open(url)


def serve_policy(args: argparse.Namespace, notebooks: Path, query_key: str = "") -> ServePolicy:
    """Caps and limits for this server; ``--max-kernels`` defaults to what memory holds."""
    pooled = (
        sum(pool_plan(notebooks, args.classroom, args.focus, forked=not args.no_fork).values()) if args.classroom else 0
    )
    # Classroom kernels fork from the warm parent (unless --no-fork): counted at their measured size.
    from .voila import pool

    forked = bool(args.classroom) and not args.no_fork
    per_kernel = pool.FORKED_KERNEL_MB if forked else guard.KERNEL_MB
    total = (
        args.max_kernels
        if args.max_kernels is not None
        else guard.auto_kernel_cap(guard.machine_memory_mb(), pooled, per_kernel)
    )
    return ServePolicy(
        max_kernels=total,
        max_kernels_per_visitor=args.max_kernels_per_visitor,
        cull_connected_timeout=args.cull_connected_timeout,
        header_timeout=args.header_timeout,
        certfile=args.certfile,
        keyfile=args.keyfile,
        query_key=query_key,
    )


def serve(args: argparse.Namespace) -> int:
    notebooks = find_notebooks_dir(args.notebooks)
    token = args.token or ""
    if not is_loopback(args.host) and not token:
        token = secrets.token_urlsafe(24)
    if args.keyfile and not args.certfile:
        raise SystemExit("runback: --keyfile needs --certfile")
    for f in (args.certfile, args.keyfile):
        if f and not Path(f).is_file():
            raise SystemExit(f"runback: no such file: {f}")
    tls = bool(args.certfile)
    if tls:
        import ssl

        try:
            guard.server_options(certfile=args.certfile, keyfile=args.keyfile)
        except (ssl.SSLError, OSError) as exc:
            raise SystemExit(
                f"runback: cannot use --certfile/--keyfile ({exc}); give a PEM certificate and its key"
            ) from exc
    # Pre-heated kernels fetch their visitor's request on /voila/query with this key.
    query_key = secrets.token_urlsafe(24)
    os.environ[guard.QUERY_KEY_ENV] = query_key
    # How kernels reach this server: set either way, so a value inherited from the
    # environment (another server's, a shell's) cannot send them to the wrong protocol
    # (a plain server's pre-heated kernels then retried wss for ever and never warmed).
    os.environ["VOILA_WS_PROTOCOL"] = "wss" if tls else "ws"
    policy = serve_policy(args, notebooks, query_key)
    limits = guard.raise_open_files_limit()
    if args.present:
        os.environ["RUNBACK_PRESENT"] = "1"
    else:
        os.environ.pop("RUNBACK_PRESENT", None)
    url = display_url(args.host, args.port, token, tls=tls)
    print(f"runback: serving {notebooks}", flush=True)
    if not is_loopback(args.host) and not tls:
        print(
            "runback: WARNING: plain HTTP beyond this machine: anyone on the network (class Wi-Fi) can read "
            "the token and the pages. Use --certfile/--keyfile or a reverse proxy with HTTPS "
            "(docs/instructor-guide.md, 'Security').",
            flush=True,
        )
    caps = ", ".join(
        [
            f"at most {policy.max_kernels} dashboards open at once"
            if policy.max_kernels
            else "no limit on dashboards open at once"
        ]
        + ([f"{policy.max_kernels_per_visitor} per visitor"] if policy.max_kernels_per_visitor else [])
    )
    print(f"runback: {caps} (each needs ~{guard.KERNEL_MB} MB).", flush=True)
    if limits and limits[1] < 4 * max(policy.max_kernels, 64):
        print(
            f"runback: note: only {limits[1]} open files allowed (ulimit -n); a large class may need more.", flush=True
        )
    if args.classroom:
        plan = pool_plan(notebooks, args.classroom, args.focus, forked=not args.no_fork)
        total = sum(plan.values())
        # Pre-heated kernels wait for their visitor's query string on a websocket
        # back to this server; tell them where it listens.
        os.environ["VOILA_APP_IP"] = (
            "127.0.0.1" if args.host in ("0.0.0.0", "", "localhost") else ("::1" if args.host == "::" else args.host)
        )
        from .voila import pool

        pool.install(
            expected=total,
            ready_message=f"Open {url}",
            classroom=True,
            plan=plan,
            visitors=args.classroom,
            landing=LANDING,
        )
        print(f"runback: {pool.memory_check(plan, args.classroom, forked=not args.no_fork)[1]}", flush=True)
        shares = ", ".join(f"{nb} {n}" for nb, n in plan.items())
        print(f"runback: classroom mode for {args.classroom} visitors: warming {total} kernels ({shares}).", flush=True)
        print("runback: please wait for the 'ready' line before students open the link.", flush=True)
    print(f"runback: open {url}", flush=True)
    if token:
        print("runback: this server is reachable beyond this machine; the token in the URL is required.", flush=True)
    print("runback: press Ctrl-C to stop (kernels are shut down with the server).", flush=True)
    if not args.no_browser:
        threading.Thread(target=_open_when_ready, args=(args.host, args.port, url), daemon=True).start()

    from .voila import bundle, render_cache

    render_cache.install()  # templates compiled and markdown rendered once per server
    if not args.classroom:
        from .voila import pool

        pool.install(expected=0)  # only the kernel manager's cull fix, no pool
    # Voila finds the "runback" template on the Jupyter data path.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(template_root())] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    # Kernels load plotly's widget code from this server (see voila/bundle.py).
    os.environ[bundle.ENV] = bundle.plotly_version()
    zygote = start_zygote(notebooks) if args.classroom and not args.no_fork else None
    Voila = voila_app_class(policy)

    # Ctrl-C stops the server (and Voila its kernels) even when this process was
    # started with SIGINT ignored (a shell's background job, some CI runners).
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        Voila.launch_instance(argv=voila_argv(args, notebooks, token), config=voila_config(args, notebooks))
    except KeyboardInterrupt:
        pass
    finally:
        Voila.clear_instance()
        if zygote is not None:
            zygote.stop()
    print("runback: stopped.", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runback", description="runback: lower back pain in runners, an interactive education kit."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the dashboards with Voila")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}); any non-loopback address requires a token",
    )
    p.add_argument("--token", default=None, help="access token (generated automatically for non-loopback hosts)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--present", action="store_true", help="presenter mode: large type, dark high-contrast theme")
    p.add_argument(
        "--classroom",
        type=int,
        default=0,
        metavar="N",
        help="prepare for N simultaneous visitors (preheated kernel pool)",
    )
    p.add_argument(
        "--focus",
        action="append",
        default=[],
        metavar="NOTEBOOK",
        help="with --classroom: the page the whole class opens gets all N kernels (repeatable)",
    )
    p.add_argument(
        "--no-fork",
        action="store_true",
        help="with --classroom: start every kernel as its own process (slower, more memory) "
        "instead of forking it from one warm parent",
    )
    p.add_argument(
        "--certfile",
        default=None,
        metavar="PEM",
        help="serve HTTPS with this certificate (PEM; with --keyfile unless it holds the key)",
    )
    p.add_argument("--keyfile", default=None, metavar="PEM", help="the private key of --certfile")
    p.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        metavar="N",
        help="dashboards open at once on this server, all visitors together (default: what memory holds, "
        f"~{guard.KERNEL_MB} MB each; 0: no limit)",
    )
    p.add_argument(
        "--max-kernels-per-visitor",
        type=int,
        default=guard.PER_VISITOR_DEFAULT,
        metavar="N",
        help=f"dashboards one visitor (address) may have open at once (default {guard.PER_VISITOR_DEFAULT}; 0: no limit)",
    )
    p.add_argument(
        "--cull-connected-timeout",
        type=int,
        default=CULL_CONNECTED_TIMEOUT_S,
        metavar="S",
        help=f"shut down a dashboard whose page stays connected but silent for S seconds "
        f"(default {CULL_CONNECTED_TIMEOUT_S}; 0: never)",
    )
    p.add_argument("--header-timeout", type=float, default=0, help=argparse.SUPPRESS)
    p.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    p.add_argument("--cull-idle-timeout", type=int, default=CULL_IDLE_TIMEOUT_S, help=argparse.SUPPRESS)
    p.add_argument("voila_args", nargs="*", help=argparse.SUPPRESS)
    p.set_defaults(func=serve)
    c = sub.add_parser(
        "configure-jupyter",
        help="set up this environment's Jupyter server (a Binder or JupyterHub image) to serve "
        "the dashboards as `runback serve` does",
    )
    c.add_argument("--prefix", default=sys.prefix, help="the Python environment to configure (default: this one)")
    c.set_defaults(func=configure_jupyter)
    return parser


def configure_jupyter(args: argparse.Namespace) -> int:
    """``runback configure-jupyter``: see :func:`runback_widgets.voila.serverext.configure`."""
    from .voila.serverext import configure

    for path in configure(args.prefix):
        print(f"runback: wrote {path}", flush=True)
    print(
        "runback: restart the Jupyter server; Voila pages and JupyterLab then load plotly's widget code once "
        "from it, and Voila uses the runback page template.",
        flush=True,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        if not (1 <= args.port <= 65535):
            parser.error(f"--port must be between 1 and 65535, got {args.port}")
        if args.classroom < 0 or args.classroom > 200:
            parser.error(f"--classroom must be between 0 and 200, got {args.classroom}")
        for name in ("max_kernels", "max_kernels_per_visitor", "cull_connected_timeout"):
            value = getattr(args, name)
            if value is not None and not 0 <= value <= 100_000:
                parser.error(f"--{name.replace('_', '-')} must be between 0 and 100000, got {value}")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

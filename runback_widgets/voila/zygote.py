"""Kernels forked from a warm parent: fast, small kernels for a class.

A dashboard kernel started the usual way (a new Python process) spends ~4 CPU-s
importing ipykernel, numpy and plotly and loading plotly's property validators
(~58 MB of Python objects, built when the first figure is made) before the
notebook's own work, ~0.2-0.6 CPU-s, begins; each kernel then holds its own
copy of all of it (~75 MB unique memory). For a class arriving at once on a
2-core laptop that is the whole budget.

``runback serve --classroom`` therefore starts one **zygote**: a process that
imports and warms all of that once, then forks a kernel per request (the
pattern of Android's zygote and Chromium's zygote host). A forked kernel starts
with everything already imported and shares those pages with the zygote and
its siblings (copy-on-write; ``gc.freeze`` keeps the collector from touching
them), so a pool refill costs the notebook's run only and a kernel's own
memory is what its page creates. The zygote also imports what ipykernel loads
only once a kernel starts (debugger, completer, ...) and **rehearses** every
served page once (``rehearse``, after a ``trial`` in a child), so what a page's
first run builds for the process (the model's fitted rates, meshes, parsed
content) is inherited too, and calls each dashboard module's ``prepare_kernels()``
(``prepare``): what every kernel of that page would otherwise compute on its
first moves (the anatomy model at every tilt its sliders reach). Pre-heated kernels then keep their widget messages to
themselves until their page connects (``voila/quiet.py``). Measured per
simulator visit on a classroom server: 1.5 CPU-s (server + kernels) before
these three, 0.5 after.

Pieces:

* ``main`` (``python -m runback_widgets.voila.zygote SOCKET``): warm, then serve
  fork requests on a Unix socket (JSON line in, JSON line out). The zygote has
  no threads and no event loop when it forks; it reaps its children and exits
  when the server that started it is gone (its kernels follow: ipykernel's
  parent poller).
* ``Zygote``: the server's handle (start, fork, exit status, stop).
* ``ForkProvisioner``: a jupyter_client kernel provisioner (``LocalProvisioner``
  with the launch replaced) that asks the zygote for the kernel process and
  falls back to a normal launch whenever the zygote cannot serve the request
  (not running, another kernel command, an error), so a kernel always starts.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

#: Registered name of ``ForkProvisioner`` (jupyter_client's provisioner factory).
PROVISIONER_NAME = "runback-fork-provisioner"
#: Modules the zygote imports before it forks: a kernel's imports and the dashboards'.
WARM_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "numpy",
    "ipywidgets",
    "anywidget",
    "plotly.graph_objects",
    "runback_widgets.ui.dashboard",
    "runback_widgets.ui.render",
    "runback_widgets.ui.glossary",
    "runback_widgets.anatomy.widget",
    "runback_widgets.symptoms.widget",
    "runback_widgets.loadsim.widget",
    "runback_widgets.care.widget",
    "runback_widgets.voila.quiet",
    # What ipykernel imports only once a kernel starts (IPKernelApp.initialize, the
    # debugger's debugpy/pydevd, IPython's completer, inspector, pdb, history's sqlite3):
    # ~160 modules compiled in every forked kernel otherwise (15 % of a refill's CPU, py-spy).
    # None starts a thread when imported (tests/unit/test_zygote.py checks).
    "ipykernel.debugger",
    "debugpy",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.core.oinspect",
    "IPython.core.logger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "pdb",
    "pydoc",
    "psutil",
    "faulthandler",
    "zmq.utils.garbage",
    "tornado.platform.asyncio",
    "runpy",
    # How a pre-heated page asks the server for its visitor's link (ui/share.py): websockets
    # loads its client lazily, on first use (py-spy: ~5 % of a simulator refill's CPU).
    "ssl",
    "websockets",
    "websockets.asyncio.client",
)
#: How long the server waits for the zygote's warm-up before starting kernels the usual way.
START_TIMEOUT_S = 120.0


# --- the zygote process ------------------------------------------------------------------


def warm(notebooks: list[str] | tuple[str, ...] = ()) -> None:
    """Import and build, once, what every kernel needs (no widget, no comm, no thread).

    ``notebooks``: pages whose code is rehearsed here first (``rehearse``)."""
    import gc
    import importlib

    # debugpy checks frozen modules once per process and says so on stderr: once, here.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # optional (debugpy, psutil): the kernel imports it or does without
            pass
    try:
        import websockets

        websockets.connect  # noqa: B018 - resolves the lazy import now, once
    except (ImportError, AttributeError):
        pass
    import plotly.graph_objects as go

    # plotly loads a trace type's and the layout's validators on first use: do it here.
    fig = go.Figure()
    for trace in (go.Scatter, go.Bar, go.Histogram, go.Mesh3d, go.Scatter3d):
        fig.add_trace(trace())
    fig.update_layout(title="warm", xaxis_title="x", yaxis_title="y", legend={"orientation": "h"})
    fig.update_layout(scene={"xaxis": {"visible": False}, "camera": {"eye": {"x": 1, "y": 1, "z": 1}}})
    fig.add_annotation(text="warm")
    fig.add_shape(type="line", x0=0, x1=1, y0=0, y1=1)
    fig.to_dict()
    del fig
    if live_widgets():  # made at import: broken in every forked page (see live_widgets)
        print(f"runback: warning: {live_widgets()} widget(s) made at import time", file=sys.stderr, flush=True)
    for notebook in notebooks:
        if trial(notebook):
            rehearse(notebook)
    prepare()
    gc.collect()
    import runback_widgets.voila as package

    # What every forked kernel starts with (a kernel's own imports show against it: tests).
    package.ZYGOTE_MODULES = frozenset(sys.modules)
    gc.freeze()  # what exists now is never scanned by the collector again: pages stay shared


def prepare() -> list[str]:
    """Call ``prepare_kernels()`` of every runback module a rehearsed page imported (what a
    dashboard computes once for all the kernels forked from here, e.g. the anatomy model at
    every tilt); returns their names. A failing one is reported and skipped."""
    done = []
    for name, module in sorted(sys.modules.items()):
        hook = getattr(module, "prepare_kernels", None) if name.startswith("runback_widgets.") else None
        if not callable(hook):
            continue
        try:
            hook()
            done.append(name)
        except Exception as exc:  # noqa: BLE001 - an optimisation only: the pages work without it
            print(f"runback: {name}.prepare_kernels failed: {exc!r}", file=sys.stderr, flush=True)
    return done


#: How long a page's trial rehearsal may take before the page is not rehearsed.
TRIAL_TIMEOUT_S = 30.0


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))  # OS threads, native ones included
    except OSError:  # pragma: no cover - not Linux
        import threading

        return threading.active_count()


def trial(notebook: str, timeout: float = TRIAL_TIMEOUT_S) -> bool:
    """Rehearse a page first in a forked child: True if that child finished in time, alive,
    with one thread. A page whose code exits the process, hangs, or leaves a thread running
    (a thread at fork time breaks every kernel forked after it) is not rehearsed in the
    zygote; its kernels run it as usual."""
    pid = os.fork()
    if pid == 0:  # the trial child (only the forking thread lives on in it)
        code = 3
        try:
            before = _threads()
            rehearse(notebook)
            code = 0 if _threads() <= before else 4
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            ok = os.waitstatus_to_exitcode(status) == 0
            if not ok:
                print(f"runback: {Path(notebook).name} is not rehearsed in the kernel parent", file=sys.stderr)
            return ok
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print(f"runback: {Path(notebook).name} took over {timeout:.0f} s to rehearse: not rehearsed", file=sys.stderr)
    return False


def rehearse(notebook: str) -> float:
    """Run a page's code cells once in the zygote, with no kernel, and throw the result away.

    What a page's first run builds for the process rather than for the page (the
    model's fitted fatigue rates, meshes, parsed TOML content, plotly validators of
    the properties the figures use, imports a cell makes) is then inherited by every
    kernel forked from here: a pool refill pays for its page's own widgets only
    (issue 10: ~0.3-0.4 CPU-s less per kernel for the simulator and the anatomy).

    The page's widgets are closed (they never had a comm: ipywidgets makes inert
    ones without a kernel) and the query-string cache is cleared, so every kernel
    still waits for its own visitor's link. A cell that fails is skipped: the
    kernel will meet the same failure and show it on the page. ``warm`` runs a
    page here only after its ``trial`` in a child went well. Returns seconds.
    """
    import contextlib
    import io

    t0 = time.perf_counter()
    try:
        cells = [
            "".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for c in json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
            if c.get("cell_type") == "code"
        ]
    except (OSError, ValueError):
        return 0.0
    saved = {k: os.environ.pop(k) for k in ("VOILA_PREHEAT", "VOILA_KERNEL_ID", "QUERY_STRING") if k in os.environ}
    namespace: dict = {"__name__": "__main__"}
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            for i, source in enumerate(cells):
                if source.lstrip().startswith(("%", "!")):
                    continue  # IPython magics: not Python
                try:
                    exec(compile(source, f"<{Path(notebook).name} cell {i}>", "exec"), namespace)  # noqa: S102
                except BaseException:  # noqa: BLE001 - the kernel will show it; the zygote goes on
                    pass
    finally:
        os.environ.update(saved)
        namespace.clear()
        _forget_pages()
    return time.perf_counter() - t0


def live_widgets() -> int:
    """Widgets alive in this process. In the zygote this must be 0 when it forks: a widget
    made here has no comm a page could ever receive (a module that makes one at import
    breaks every forked page that uses it)."""
    try:
        from ipywidgets.widgets.widget import _instances

        return len(_instances)
    except Exception:  # noqa: BLE001 - ipywidgets not imported: none
        return 0


def _forget_pages() -> None:
    """Drop what a rehearsal made that belongs to a page, not to the process."""
    try:
        import ipywidgets

        ipywidgets.Widget.close_all()
    except Exception:  # noqa: BLE001 - nothing to close
        pass
    try:
        from runback_widgets.ui import share

        with share._query_lock:
            share._query_cache.clear()
        share._pending.clear()
    except Exception:  # noqa: BLE001 - not imported: nothing cached
        pass


def _child(request: dict) -> None:
    """In the forked child: become the kernel the server asked for. Never returns."""
    code = 1
    try:
        # Its own session and process group, as jupyter_client starts every kernel
        # (start_new_session): the server signals the group, and on Linux the session is the
        # kernel's own CPU share (voila/priority.py), not one share for the whole class.
        try:
            os.setsid()
        except OSError:  # pragma: no cover - already a group leader: a group of its own at least
            os.setpgid(0, 0)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        env = dict(request["env"])
        env["JPY_PARENT_PID"] = str(os.getppid())  # the zygote: when it goes, the kernel goes
        os.environ.clear()
        os.environ.update(env)
        os.chdir(request.get("cwd") or os.getcwd())
        argv = list(request["argv"])
        _retitle(argv)
        module_args = argv[argv.index("-m") + 2 :]
        # ipykernel read JPY_PARENT_PID when the zygote imported it: pass the parent explicitly.
        sys.argv = ["ipykernel_launcher", *module_args, f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv.append("--HistoryManager.enabled=False")  # no shared sqlite file for a class of kernels
        if sys.path and sys.path[0] in ("", _START_DIR):
            sys.path.pop(0)  # as ipykernel_launcher does
        from runback_widgets.voila.bundle import use_served_bundle

        use_served_bundle()  # plotly's code from the server, if this kernel's env asks for it
        from ipykernel import kernelapp

        _register_after_kernel_start(kernelapp.IPKernelApp)
        tolerate_closed_sockets()
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException as exc:  # noqa: BLE001 - the kernel's own failure: report and exit
        if "Address already in use" in str(exc):
            # jupyter_client chose a free port and another process took it before this kernel
            # bound it: the server starts another kernel (voila/pool.py); one line, no traceback.
            print(f"runback: a kernel's port was taken before it started ({exc}); starting another", file=sys.stderr)
        else:
            import traceback

            traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


#: Room left in the zygote's command line for each kernel's own (see ``_retitle``).
CMDLINE_ROOM = 512


def _retitle(argv: list[str]) -> None:
    """Show a forked kernel as the command it stands for (``ps``, psutil, the class
    server's tools), as setproctitle does: write it over the inherited command-line
    area, which the zygote started with room for. Linux only; elsewhere a no-op."""
    try:
        import ctypes

        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start, end = int(fields[45]), int(fields[46])  # arg_start, arg_end (fields 48, 49)
        data = "\0".join(argv).encode()[: end - start - 1]
        ctypes.memmove(start, data + b"\0" * (end - start - len(data)), end - start)
    except Exception:  # noqa: BLE001 - cosmetic: the kernel runs either way
        pass


def _register_after_kernel_start(app_class) -> None:
    """Do what imports do only inside a running kernel, once this kernel runs.

    ipywidgets registers its comm targets (``jupyter.widget``, ``jupyter.widget.control``)
    when it is imported in a kernel; the zygote imported it with no kernel, so without
    this a page's widgets never get their state.
    """
    original = app_class.init_kernel

    def init_kernel(self, *args, **kwargs):
        original(self, *args, **kwargs)
        import ipywidgets

        ipywidgets.register_comm_target()
        from runback_widgets.voila import quiet

        quiet.install(self.kernel)  # a pooled page's widgets stay quiet until its browser connects

    app_class.init_kernel = init_kernel


def tolerate_closed_sockets() -> None:
    """A kernel being shut down prints no traceback for a message whose socket has closed.

    Two places in ipykernel 7 meet ``ZMQError: Socket operation on non-socket`` (ENOTSOCK) when
    a kernel is shut down while it is still working, and the kernel prints it into the
    server's log as a traceback:

    * ``IOPubThread.schedule`` checks that the IOPub thread is alive, then wakes it through
      this thread's event pipe. ``IOPubThread.stop`` (e.g. a culled kernel's
      ``shutdown_request``) joins the thread and closes every event pipe in between, so the
      control thread's "idle" status after that request fails (a clean-clone CI run found
      one). Upstream fixed the same race one step later, in ``_really_send`` (ipykernel#1518,
      7.4.0); this is its twin.
    * ``Session.send`` of a cell's ``execute_reply`` on a shell socket closed by the shutdown:
      a pre-heated kernel's page run waits in its last cell for the visitor's link
      (``voila.utils.get_query_string``); at Ctrl-C the server shuts the kernel down and
      closes that link's socket, the cell returns and its reply goes to a closed socket
      (one traceback per pooled kernel on the instructor's console).

    The message is dropped in both, as upstream does, since the socket it was for is gone;
    ``Session.send`` still returns the message it built, as callers expect. Any other error
    still raises."""
    import zmq
    from ipykernel.iostream import IOPubThread
    from jupyter_client.session import Session

    def tolerant(original, dropped):
        """``original``, except that ENOTSOCK returns ``dropped(*args, **kwargs)``."""
        if getattr(original, "_runback", False):
            return original

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            try:
                return original(*args, **kwargs)
            except zmq.ZMQError as exc:
                if exc.errno != zmq.ENOTSOCK:
                    raise
                return dropped(*args, **kwargs)

        wrapper._runback = True
        return wrapper

    def unsent(
        session,
        stream,
        msg_or_type,
        content=None,
        parent=None,
        ident=None,
        buffers=None,
        track=False,
        header=None,
        metadata=None,
    ):  # noqa: ARG001 - Session.send's signature
        """The message ``Session.send`` would have sent (what its callers read back)."""
        if isinstance(msg_or_type, dict):
            return msg_or_type
        return session.msg(msg_or_type, content=content, parent=parent, header=header, metadata=metadata)

    IOPubThread.schedule = tolerant(IOPubThread.schedule, lambda *a, **k: None)
    Session.send = tolerant(Session.send, unsent)


#: The kernel argument that loads this module as an IPython extension (``load_ipython_extension``):
#: kernels ``runback serve`` starts as their own process (without ``--classroom``, or with
#: ``--no-fork``) get ``tolerate_closed_sockets`` that way. Added per kernel by runback's
#: kernel manager (``pool.ActivityFromBirth``), never process-wide, and harmless in a forked
#: kernel (which applies it anyway). The module imports only the standard library at load.
KERNEL_EXTENSION_ARG = "--IPKernelApp.extra_extensions=runback_widgets.voila.zygote"


def load_ipython_extension(ipython) -> None:  # noqa: ARG001 - IPython's extension hook
    """IPython extension hook: a kernel started with ``KERNEL_EXTENSION_ARG``."""
    tolerate_closed_sockets()


def forkable(argv: list[str]) -> bool:
    """A request the zygote can serve: this Python running ``-m ipykernel_launcher``."""
    try:
        i = argv.index("-m")
    except ValueError:
        return False
    return i >= 1 and argv[i + 1 : i + 2] == ["ipykernel_launcher"]


#: The zygote's ``sys.path[0]`` (the folder it started in), dropped in each kernel.
_START_DIR = ""


def main(argv: list[str] | None = None) -> int:
    global _START_DIR
    argv = sys.argv[1:] if argv is None else argv
    _START_DIR = sys.path[0] if sys.path else ""
    path = argv[0]
    notebooks = [a.split("=", 1)[1] for a in argv[1:] if a.startswith("--rehearse=")]
    parent = os.getppid()
    warm(notebooks)
    exits: dict[int, int] = {}

    def reap(*_):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            exits[pid] = os.waitstatus_to_exitcode(status)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)  # the server's user only
    server.listen(64)
    server.settimeout(1.0)
    print(f"runback: kernels fork from a warm parent (pid {os.getpid()})", file=sys.stderr, flush=True)
    try:
        while os.getppid() == parent:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except InterruptedError:
                continue
            with conn:
                conn.settimeout(10.0)
                try:
                    request = json.loads(_read_line(conn))
                    if request.get("op") == "status":
                        pid = int(request["pid"])
                        reply = {"exited": pid in exits, "code": exits.get(pid)}
                    elif request.get("op") == "fork" and forkable(request.get("argv", [])):
                        pid = os.fork()
                        if pid == 0:
                            server.close()
                            conn.close()
                            _child(request)
                        # Before the server hears of it, the kernel leads its own session and
                        # group: the server signals the group, never the zygote's (its own).
                        _until_own_session(pid)
                        reply = {"pid": pid}
                    else:
                        reply = {"error": "not a request this zygote serves"}
                except Exception as exc:  # noqa: BLE001 - one bad request never stops the zygote
                    reply = {"error": repr(exc)}
                try:
                    conn.sendall((json.dumps(reply) + "\n").encode())
                except OSError:
                    pass
    finally:
        server.close()
        try:
            os.unlink(path)
        except OSError:
            pass
    return 0


def _until_own_session(pid: int, timeout: float = 5.0) -> None:
    """Wait until the forked child ``pid`` leads its own session (``_child`` calls setsid at
    once), or has gone. Setting its group from here instead would race the child's setsid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.getsid(pid) == pid or os.getpgid(pid) == pid:
                return
        except OSError:  # gone (or reaped): the server learns it from the status op
            return
        time.sleep(0.0005)


def _read_line(conn: socket.socket, limit: int = 2**20) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError("request too long")
    return data.decode()


# --- the server's side ---------------------------------------------------------------------


class Zygote:
    """The server's handle on its zygote process."""

    def __init__(self, folder: str | Path | None = None, rehearse: list[str | Path] | tuple = ()):
        import tempfile

        #: Pages whose code the zygote runs once before it forks (``rehearse``).
        self.rehearse = [str(p) for p in rehearse]
        self._dir = tempfile.mkdtemp(prefix="runback-zygote-", dir=folder)
        self.path = os.path.join(self._dir, "zygote.sock")
        self.proc = None

    def start(self, wait: bool = True, timeout: float = START_TIMEOUT_S) -> Zygote:
        import subprocess

        env = dict(os.environ)
        # One BLAS thread per kernel (a class server has more kernels than cores), and no
        # thread in the zygote when it forks.
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        room = "--room=" + "." * CMDLINE_ROOM  # see _retitle
        cmd = [sys.executable, "-m", "runback_widgets.voila.zygote", self.path, room]
        cmd += [f"--rehearse={p}" for p in self.rehearse]
        self.proc = subprocess.Popen(cmd, env=env)
        if wait:
            self.wait_ready(timeout)
        return self

    def ready(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and os.path.exists(self.path)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return True
            if self.proc is None or self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def _ask(self, request: dict, timeout: float = 10.0) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.path)
            s.sendall((json.dumps(request) + "\n").encode())
            return json.loads(_read_line(s) or "{}")

    async def fork(self, argv: list[str], env: dict, cwd: str | None) -> int:
        """A new kernel process (its pid); raises when the zygote cannot make one."""
        if not self.ready():
            raise RuntimeError("the zygote is not running")
        request = {"op": "fork", "argv": list(argv), "env": {str(k): str(v) for k, v in env.items()}, "cwd": cwd}
        reply = await asyncio.get_running_loop().run_in_executor(None, self._ask, request)
        if "pid" not in reply:
            raise RuntimeError(reply.get("error", "no pid"))
        return int(reply["pid"])

    def exit_code(self, pid: int) -> int | None:
        """The exit code of a forked kernel, or None while it runs (the zygote reaps its
        children at once, so a pid that still answers is a running kernel)."""
        try:
            os.kill(pid, 0)
            return None
        except PermissionError:  # pragma: no cover - the pid was reused by another user
            return 1
        except ProcessLookupError:
            pass
        try:
            code = self._ask({"op": "status", "pid": pid}, timeout=2.0).get("code")
        except (OSError, ValueError):
            code = None
        return 1 if code is None else int(code)

    def stop(self) -> None:
        import shutil

        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except Exception:  # noqa: BLE001 - it must go
                self.proc.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


#: The zygote of this server process (set by ``runback serve``); None: kernels start as usual.
ACTIVE: Zygote | None = None


class ForkedProcess:
    """What ``LocalProvisioner`` expects of ``subprocess.Popen``, for a kernel the zygote forked
    (not this process's child: its exit is learnt from the zygote)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote: Zygote):
        self.pid = pid
        self.returncode: int | None = None
        self._zygote = zygote

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._zygote.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def ephemeral_range() -> tuple[int, int]:
    """The ports the system hands out for outgoing connections (Linux: ip_local_port_range;
    elsewhere the IANA range, macOS's default)."""
    try:
        lo, hi = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return lo, hi
    except (OSError, ValueError):
        return 49152, 65535


def kernel_ports(ip: str, n: int, taken: set | frozenset = frozenset(), attempts: int = 400) -> list[int]:
    """``n`` free TCP ports on ``ip`` below the ephemeral range ([] if none found).

    jupyter_client picks a kernel's ports by binding port 0, i.e. *from* the ephemeral
    range, then closes them for the kernel to bind. Every outgoing connection on the
    machine (the server's own ZeroMQ connections to its kernels among them) also takes
    its local port from that range: on a classroom server with dozens of kernels one
    of them sometimes took a port before its kernel bound it ("Address already in
    use": the kernel's heartbeat died, or the kernel itself). A port below the range
    is never handed out that way. Each candidate is checked free by binding it."""
    import random

    lo_eph, _ = ephemeral_range()
    lo, hi = 10000, lo_eph - 1
    if hi - lo < 10 * n:
        return []
    rng = random.SystemRandom()
    found: list[int] = []
    for _ in range(attempts):
        if len(found) == n:
            break
        port = rng.randint(lo, hi)
        if port in taken or port in found:
            continue
        with socket.socket() as sock:
            try:
                sock.bind((ip, port))
            except OSError:
                continue
        found.append(port)
    return found if len(found) == n else []


def _started(provisioner, pid: int) -> None:
    """A kernel process exists: give it the priority its starter asked for (voila/priority.py),
    and keep that on its provisioner (``rb_priority``: boosted when a visitor takes the kernel,
    so a restart of it keeps the normal priority)."""
    from .priority import STARTING

    wanted = STARTING.get()
    if wanted is not None:
        provisioner.rb_priority = wanted
        wanted.started(pid)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """``LocalProvisioner`` whose kernel process comes from the zygote when it can, on
        ports outside the system's ephemeral range (``kernel_ports``)."""

        async def pre_launch(self, **kwargs):
            km = self.parent
            if km is not None and km.transport == "tcp" and km.cache_ports and not self.ports_cached:
                from jupyter_client.connect import LocalPortCache

                used = LocalPortCache.instance().currently_used_ports
                ports = kernel_ports(km.ip, 5, used)
                if ports:
                    used.update(ports)  # returned to the cache when the kernel is cleaned up
                    km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port = ports
                    self.ports_cached = True
            return await super().pre_launch(**kwargs)

        async def launch_kernel(self, cmd: list[str], **kwargs):
            zygote = ACTIVE
            if zygote is not None and forkable(cmd):
                try:
                    pid = await zygote.fork(cmd, kwargs.get("env") or dict(os.environ), kwargs.get("cwd"))
                except Exception as exc:  # noqa: BLE001 - fall back to a normal launch
                    self.log.warning("runback: zygote could not fork a kernel (%s); starting one as usual", exc)
                else:
                    self.process = ForkedProcess(pid, zygote)
                    self.pid = pid
                    self.pgid = pid  # its own group (set before the zygote replied), never the server's
                    self.cwd = kwargs.get("cwd", Path.cwd())
                    _started(self, pid)
                    return self.connection_info
            info = await super().launch_kernel(cmd, **kwargs)
            if self.pid is not None:
                _started(self, self.pid)
            return info

    return ForkProvisioner


def __getattr__(name: str):
    # ``ForkProvisioner`` is built on first use: importing this module (the zygote's
    # entry point) does not import jupyter_client's provisioning machinery.
    if name == "ForkProvisioner":
        cls = _provisioner_class()
        globals()["ForkProvisioner"] = cls
        return cls
    raise AttributeError(name)


def install(zygote: Zygote) -> None:
    """Make every kernel this server process starts come from ``zygote`` (with fallback)."""
    global ACTIVE
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    ACTIVE = zygote
    factory = KernelProvisionerFactory.instance()
    factory.provisioners[PROVISIONER_NAME] = EntryPoint(
        name=PROVISIONER_NAME,
        value="runback_widgets.voila.zygote:ForkProvisioner",
        group="jupyter_client.kernel_provisioners",
    )
    factory.default_provisioner_name = PROVISIONER_NAME


if __name__ == "__main__":
    sys.exit(main())

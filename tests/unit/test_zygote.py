"""Kernels forked from a warm parent (runback_widgets/voila/zygote.py), as ``runback serve --classroom`` starts them.

Checked with real processes: a kernel comes from the zygote (its parent), runs code
with the heavy modules already imported, shows as an ipykernel in ``ps``, holds less
memory of its own than a kernel started the usual way, shuts down, and follows the
zygote when it goes; without a zygote (or for a command it cannot serve) a kernel
starts the usual way.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import psutil
import pytest

from tests.conftest import run_async

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def zygote():
    from runback_widgets.voila import zygote as zmod

    z = zmod.Zygote(rehearse=[NOTEBOOKS / "03-run-load-simulator.ipynb"]).start()
    assert z.ready(), "the zygote did not get ready"
    saved = zmod.ACTIVE
    zmod.install(z)
    yield z
    zmod.ACTIVE = saved
    z.stop()


async def _kernel(code: str):
    """Start a kernel the way jupyter_server does, run ``code``, return (manager, pid, stdout)."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = await kc.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    kc.stop_channels()
    return km, km.provisioner.pid, "".join(out)


def _uss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_full_info().uss / 2**20


FIGURE = (
    "import sys, os\n"
    "warm = 'plotly.graph_objects' in sys.modules\n"
    "import plotly.graph_objects as go\n"
    "f = go.Figure(go.Scatter(x=[1, 2], y=[3, 4])); f.update_layout(title='t')\n"
    "import comm\n"
    "widgets = 'jupyter.widget.control' in comm.get_comm_manager().targets\n"
    "print(warm, os.getppid(), os.environ.get('RUNBACK_ZYGOTE_TEST'), widgets)\n"
)


def test_a_forked_kernel_runs_warm_small_and_named(zygote):
    os.environ["RUNBACK_ZYGOTE_TEST"] = "from-the-request"
    try:

        async def scenario():
            km, pid, out = await _kernel(FIGURE)
            try:
                assert type(km.provisioner).__name__ == "ForkProvisioner"
                warm, ppid, env, widgets = out.split()
                assert widgets == "True", "ipywidgets' comm targets are not registered: pages would get no widgets"
                assert warm == "True", "plotly was not already imported in the forked kernel"
                assert int(ppid) == zygote.proc.pid, "the kernel is not the zygote's child"
                assert env == "from-the-request", "the kernel did not get the environment of its request"
                cmd = " ".join(psutil.Process(pid).cmdline())
                assert "ipykernel_launcher" in cmd and ".json" in cmd, cmd
                # Signals go to the kernel's own group, never to the server's (this process's).
                assert km.provisioner.pgid == pid == os.getpgid(pid) != os.getpgid(0)
                # Its own session too, as jupyter_client starts a kernel: on Linux its own CPU
                # share, not one share with the server and every other kernel (voila/priority.py).
                assert os.getsid(pid) == pid != os.getsid(0)
                forked_uss = _uss_mb(pid)
            finally:
                await km.shutdown_kernel()
            assert not await km.is_alive()
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
            return forked_uss

        forked_uss = run_async(scenario())
    finally:
        os.environ.pop("RUNBACK_ZYGOTE_TEST", None)

    # The same work in a kernel started the usual way holds more memory of its own.
    from runback_widgets.voila import zygote as zmod

    saved, zmod.ACTIVE = zmod.ACTIVE, None
    try:

        async def plain():
            km, pid, out = await _kernel(FIGURE)
            try:
                assert type(km.provisioner).__name__ == "ForkProvisioner"  # the fallback path
                assert out.split()[0] == "False"
                return _uss_mb(pid)
            finally:
                await km.shutdown_kernel()

        plain_uss = run_async(plain())
    finally:
        zmod.ACTIVE = saved
    assert forked_uss < 0.75 * plain_uss, (forked_uss, plain_uss)


PAGE = (
    "import json, sys\n"
    "from runback_widgets.ui import share\n"
    "import runback_widgets.voila as package\n"
    "fresh = not share._query_cache\n"
    "cells = [''.join(c['source']) for c in json.load(open({nb!r}))['cells'] if c['cell_type'] == 'code']\n"
    "ns = {{'__name__': '__main__'}}\n"
    "for c in cells:\n"
    "    exec(compile(c, 'cell', 'exec'), ns)\n"
    "from ipywidgets.widgets.widget import _instances\n"
    "dummy = [type(w).__name__ for w in _instances.values() if type(w.comm).__name__ == 'DummyComm']\n"
    "new = sorted(set(sys.modules) - package.ZYGOTE_MODULES)\n"
    "print(json.dumps({{'fresh': fresh, 'widgets': len(_instances), 'dummy': dummy, 'new': new}}))\n"
)


def test_a_forked_kernel_serves_a_rehearsed_page_whole(zygote):
    """The zygote ran the simulator page once (``rehearse``); a kernel forked from it runs the
    page like any kernel: it still waits for its own visitor's link (no cached query string),
    every widget it shows has a comm the page receives (none made without a kernel, e.g. at
    import time in the zygote), and it imports (almost) nothing the zygote had not."""
    import json

    async def scenario():
        km, pid, out = await _kernel(PAGE.format(nb=str(NOTEBOOKS / "03-run-load-simulator.ipynb")))
        try:
            return json.loads(out.strip().splitlines()[-1])
        finally:
            await km.shutdown_kernel()

    got = run_async(scenario())
    assert got["fresh"], "the rehearsal's query string was inherited: share links would be ignored"
    assert got["widgets"] > 50
    assert got["dummy"] == [], f"widgets with no comm (made without a kernel): {got['dummy']}"
    assert len(got["new"]) <= 10, f"the forked kernel imported {len(got['new'])} modules: {got['new']}"


def test_a_rehearsal_leaves_no_widget_thread_or_query(tmp_path):
    """``warm`` with every page rehearsed leaves the zygote forkable: no widget, one thread,
    no cached query string, the debugger's modules imported."""
    import subprocess
    import sys

    code = (
        "import glob, json, os, sys\n"
        "from runback_widgets.voila import zygote\n"
        f"zygote.warm(sorted(glob.glob({str(NOTEBOOKS / '*.ipynb')!r})))\n"
        "from runback_widgets.ui import share\n"
        "print(json.dumps([zygote.live_widgets(), len(os.listdir('/proc/self/task')), share._query_cache,"
        " 'debugpy' in sys.modules]))\n"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    widgets, threads, cache, debugger = __import__("json").loads(out.stdout.strip().splitlines()[-1])
    assert widgets == 0 and cache == {} and debugger
    assert threads == 1, "a thread exists when the zygote forks"


def test_the_zygote_refuses_what_it_cannot_serve_and_a_kernel_still_starts(zygote):
    from runback_widgets.voila import zygote as zmod

    assert not zmod.forkable(["/usr/bin/python3", "-c", "print(1)"])
    assert not zmod.forkable(["python", "-m", "some_other_kernel", "-f", "k.json"])
    assert zmod.forkable(["python", "-m", "ipykernel_launcher", "-f", "k.json"])
    with pytest.raises(RuntimeError):
        run_async(zygote.fork(["python", "-c", "print(1)"], {}, None))


def test_kernels_go_with_the_zygote(tmp_path):
    """A zygote that dies takes its kernels with it (no orphan holds memory)."""
    from runback_widgets.voila import zygote as zmod

    z = zmod.Zygote().start()
    saved = zmod.ACTIVE
    zmod.install(z)
    try:

        async def start():
            from jupyter_client.manager import AsyncKernelManager

            km = AsyncKernelManager(kernel_name="python3")
            km.autorestart = False
            await km.start_kernel()
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            kc.stop_channels()
            return km.provisioner.pid

        pid = run_async(start())
        assert psutil.Process(pid).ppid() == z.proc.pid
        z.proc.kill()
        z.proc.wait(10)
        deadline = time.monotonic() + 20
        while psutil.pid_exists(pid) and time.monotonic() < deadline:
            try:
                if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
            time.sleep(0.2)
        gone = not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        if not gone:
            os.kill(pid, 9)
        assert gone, "a kernel outlived its zygote"
    finally:
        zmod.ACTIVE = saved
        z.stop()


def _kernels(srv) -> list:
    return [
        p
        for p in psutil.Process(srv.proc.pid).children(recursive=True)
        if "ipykernel_launcher" in " ".join(p.cmdline())
    ]


def test_classroom_server_forks_its_kernels(tmp_path):
    """``runback serve --classroom`` warms its pool from the zygote; ``--no-fork`` does not."""
    import shutil
    import urllib.request

    from runback_widgets.voila import priority
    from tests.browser.harness import NOTEBOOKS, start_server
    from tests.unit.test_priority import AUTOGROUPS

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "index.ipynb", folder)
    for fork in (True, False):
        args = [f"--notebooks={folder}", "--classroom=1"] + ([] if fork else ["--no-fork"])
        logs = tmp_path / ("fork" if fork else "nofork")
        logs.mkdir()
        srv = start_server(logs, args=args)
        try:
            deadline = time.monotonic() + 90
            while "ready:" not in srv.log() and time.monotonic() < deadline:
                time.sleep(0.3)
            log = srv.log()
            assert "ready:" in log, log
            assert ("kernels fork from a warm parent" in log) == fork, log
            kernels = _kernels(srv)
            assert kernels, "no kernel seen"
            parents = {psutil.Process(k.ppid()).cmdline()[2] if fork else "" for k in kernels}
            if fork:
                assert parents == {"runback_widgets.voila.zygote"}, parents
                if AUTOGROUPS:
                    # A pooled kernel warms at low priority; the one a visitor takes serves at
                    # normal priority, and the refill behind it warms low (voila/priority.py).
                    assert [priority.autogroup_of(k.pid)[1] for k in kernels] == [priority.WARM_NICE]
                    urllib.request.urlopen(srv.url("index.ipynb"), timeout=60).read()
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        # (the refill is forked before the server hears its pid and lowers it)
                        nice = {k.pid: (priority.autogroup_of(k.pid) or ("", -1))[1] for k in _kernels(srv)}
                        if len(nice) == 2 and nice.get(kernels[0].pid) == 0 and priority.WARM_NICE in nice.values():
                            break
                        time.sleep(0.2)
                    assert nice.pop(kernels[0].pid) == 0, "the visitor's kernel still warms at low priority"
                    assert list(nice.values()) == [priority.WARM_NICE], nice
        finally:
            srv.stop()


def test_start_is_bounded_when_the_zygote_cannot_start(monkeypatch, tmp_path):
    from runback_widgets.voila import zygote as zmod

    z = zmod.Zygote()
    monkeypatch.setattr(zmod.sys, "executable", "/bin/false")
    z.start(wait=False)
    t0 = time.monotonic()
    assert not z.wait_ready(timeout=10)
    assert time.monotonic() - t0 < 10
    z.stop()
    assert not asyncio.iscoroutinefunction(z.stop)


def test_a_page_that_exits_hangs_or_starts_a_thread_is_not_rehearsed(tmp_path):
    """The zygote rehearses a page only after a trial run in a child: a page whose code ends
    the process, hangs or leaves a thread running would otherwise kill the zygote or break
    every kernel forked from it. Well-behaved pages are still rehearsed."""
    import json as _json

    import nbformat

    from runback_widgets.voila import zygote as zmod

    def page(name: str, code: str) -> str:
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), path)
        return str(path)

    exits = page("exits", "import os; os._exit(1)")
    hangs = page("hangs", "import time; time.sleep(60)")
    thread = page(
        "thread", "import threading, time; threading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    )
    good = page("good", "import json; open(" + repr(str(tmp_path / "ran")) + ", 'a').write('x')")
    assert not zmod.trial(exits)
    t0 = time.monotonic()
    assert not zmod.trial(hangs, timeout=2.0)
    assert time.monotonic() - t0 < 10
    assert not zmod.trial(thread)
    assert zmod.trial(good) and (tmp_path / "ran").read_text() == "x"
    assert _json is not None


def test_prepare_calls_each_imported_modules_hook_and_reports_a_failing_one(monkeypatch, capsys):
    import sys
    import types

    from runback_widgets.voila import zygote

    calls = []
    good = types.ModuleType("runback_widgets._test_good")
    good.prepare_kernels = lambda: calls.append("good")
    bad = types.ModuleType("runback_widgets._test_bad")
    bad.prepare_kernels = lambda: 1 / 0
    other = types.ModuleType("elsewhere_test")
    other.prepare_kernels = lambda: calls.append("other")  # not runback's: not called
    modules = {m.__name__: m for m in (good, bad, other)}
    monkeypatch.setattr(zygote, "sys", types.SimpleNamespace(modules=modules, stderr=sys.stderr))
    assert zygote.prepare() == ["runback_widgets._test_good"] and calls == ["good"]
    assert "runback_widgets._test_bad.prepare_kernels failed: ZeroDivisionError" in capsys.readouterr().err


def test_kernel_ports_are_free_distinct_and_below_the_ephemeral_range():
    import socket

    from runback_widgets.voila import zygote as zmod

    lo, hi = zmod.ephemeral_range()
    assert 1024 < lo < hi <= 65535
    taken = set(range(10000, 20000))
    ports = zmod.kernel_ports("127.0.0.1", 5, taken)
    assert len(set(ports)) == 5 and all(20000 <= p < lo for p in ports), ports
    for p in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", p))  # free: nothing else holds it


def test_a_forked_kernel_listens_on_ports_no_outgoing_connection_can_take(zygote):
    """A soak of 30 students met "Address already in use" on a new kernel's heartbeat port:
    jupyter_client took the port from the ephemeral range, and an outgoing connection got it
    before the kernel bound it. The fork provisioner picks ports below that range."""
    from runback_widgets.voila import zygote as zmod

    km, pid, out = run_async(_kernel("print('ok')"))
    try:
        assert out.strip() == "ok"
        ports = [km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port]
        lo, _ = zmod.ephemeral_range()
        assert len(set(ports)) == 5 and all(10000 <= p < lo for p in ports), ports
        assert km.provisioner.ports_cached
    finally:
        run_async(km.shutdown_kernel(now=True))
    from jupyter_client.connect import LocalPortCache

    assert not set(ports) & LocalPortCache.instance().currently_used_ports  # given back


def test_a_kernel_shutting_down_prints_no_traceback_for_a_closed_socket():
    """ipykernel's ``IOPubThread.schedule`` wakes the IOPub thread through an event pipe that
    ``stop()`` may have closed meanwhile (the 'idle' status after a culled kernel's
    ``shutdown_request``): ZMQError ENOTSOCK, a traceback in the server's log. Forked kernels
    tolerate it (zygote.tolerate_closed_sockets); other errors still raise."""
    import subprocess

    code = (
        "import zmq, sys\n"
        "from ipykernel.iostream import IOPubThread\n"
        "def trial():\n"
        "    ctx = zmq.Context(); t = IOPubThread(ctx.socket(zmq.PUB)); t.start()\n"
        "    t._event_pipe.close()  # what stop() does to every pipe, while this thread still sees it alive\n"
        "    try:\n"
        "        t.schedule(lambda: None); out = 'ok'\n"
        "    except zmq.ZMQError as e:\n"
        "        out = 'ENOTSOCK' if e.errno == zmq.ENOTSOCK else repr(e)\n"
        "    t.stop(); t.close(); return out\n"
        "from jupyter_client.session import Session\n"
        "def reply():  # a cell's execute_reply on a shell socket the shutdown has closed\n"
        "    ctx = zmq.Context(); s = ctx.socket(zmq.ROUTER); s.close()\n"
        "    try:\n"
        "        m = Session().send(s, 'execute_reply', {'status': 'ok'}, {'header': {'msg_id': 'x'}})\n"
        "        out = 'ok' if m['content']['status'] == 'ok' and m['msg_type'] == 'execute_reply' else repr(m)\n"
        "    except zmq.ZMQError as e:\n"
        "        out = 'ENOTSOCK' if e.errno == zmq.ENOTSOCK else repr(e)\n"
        "    return out\n"
        "def other_error():  # anything but a closed socket still raises\n"
        "    ctx = zmq.Context(); s = ctx.socket(zmq.ROUTER); s.setsockopt(zmq.ROUTER_MANDATORY, 1)\n"
        "    try:\n"
        "        Session().send(s, 'x', {}, ident=b'nobody')  # no such peer: EHOSTUNREACH\n"
        "        return 'no error'\n"
        "    except zmq.ZMQError as e:\n"
        "        return 'raised' if e.errno != zmq.ENOTSOCK else 'ENOTSOCK'\n"
        "    finally:\n"
        "        s.close(linger=0)\n"
        "before = (trial(), reply())\n"
        "from runback_widgets.voila.zygote import tolerate_closed_sockets\n"
        "tolerate_closed_sockets(); tolerate_closed_sockets()  # idempotent\n"
        "print(*before, trial(), reply(), other_error())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ENOTSOCK", "ENOTSOCK", "ok", "ok", "raised"], out.stdout + out.stderr

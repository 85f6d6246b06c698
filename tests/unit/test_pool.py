"""The kernel manager classes of ``runback serve`` (runback_widgets/voila/pool.py).

Culler race (issue 10, CI red on a fresh clone): jupyter_client lists a new
kernel in ``_kernels`` from a separate task (``_add_kernel_when_ready``) and
jupyter_server gives it ``last_activity`` only when the starter resumes, a loop
iteration later. A culler pass in between read the unset trait and logged
``KeyError: 'last_activity'`` / ``TraitError`` tracebacks (seen by the soak
test). These tests start a real kernel and run the culler exactly in that
window, with and without the pre-heated pool.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.conftest import run_async

pytest.importorskip("voila")


def manager_class(preheat: bool):
    """The class ``runback serve`` gets from Voila's factory after ``pool.install``."""
    import voila.app as vapp
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from runback_widgets.voila import pool

    saved = vapp.voila_kernel_manager_factory
    try:
        pool.install(expected=0, say=lambda msg: None)
        return vapp.voila_kernel_manager_factory(AsyncMappingKernelManager, preheat, 0)
    finally:
        vapp.voila_kernel_manager_factory = saved


def make_parent(root_dir: str):
    """What Voila's pooled kernel manager reads from its parent app (no notebooks: no pool)."""
    from traitlets.config import Configurable

    class Parent(Configurable):
        pass

    parent = Parent()
    parent.root_dir = root_dir
    parent.notebook_path = None
    return parent


class ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def idle_s(km, kid) -> float:
    from jupyter_server._tz import utcnow

    return (utcnow() - km.get_kernel(kid).last_activity).total_seconds()


async def culled_within(km, kid, seconds: float, watch=None) -> bool:
    """Run culler passes (as the periodic callback does) until ``kid`` is gone.

    A kernel still starting on a loaded machine reports activity for a while,
    so this waits for its idleness rather than a fixed time. ``watch`` runs
    just before each pass.
    """
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if watch is not None:
            watch()
        await km.cull_kernels()
        if kid not in km:
            return True
        await asyncio.sleep(0.25)
    return False


@pytest.mark.parametrize("preheat", [False, True], ids=["plain", "pooled"])
def test_culler_in_the_start_window_neither_crashes_nor_culls(preheat, tmp_path):
    base = manager_class(preheat)
    seen: dict = {}

    class Probe(base):
        async def _add_kernel_when_ready(self, kernel_id, km, kernel_awaitable):
            await super()._add_kernel_when_ready(kernel_id, km, kernel_awaitable)
            # The kernel is listed now and jupyter_server has not resumed yet:
            # the moment a periodic culler pass can run.
            seen["listed"] = kernel_id in self.list_kernel_ids()
            try:
                await self.cull_kernels()
                await self.cull_kernel_if_idle(kernel_id)
            except Exception as e:  # noqa: BLE001 - the assertion reports it
                seen["raised"] = e
            seen["alive_after_cull"] = kernel_id in self

    async def scenario():
        kwargs = {"parent": make_parent(str(tmp_path))} if preheat else {}
        km = Probe(cull_idle_timeout=60, root_dir=str(tmp_path), **kwargs)
        km._initialized_culler = True  # this test runs the culler's passes itself
        errors = ErrorRecords()
        km.log.addHandler(errors)
        km.log.setLevel(logging.INFO)
        kid = await km.start_kernel(kernel_name="python3")
        try:
            assert seen.get("listed"), "the probe did not run in the start window"
            assert "raised" not in seen, f"culler raised on a starting kernel: {seen['raised']!r}"
            assert [r.getMessage() for r in errors.records] == []
            assert seen["alive_after_cull"], "a kernel that was still starting was culled"
            # Culling still works: once a visitor has come and gone and the
            # kernel is idle past the timeout, it goes.
            km.notify_connect(kid)
            km.notify_disconnect(kid)
            km.cull_idle_timeout = 1
            assert await culled_within(km, kid, 30.0), "an idle kernel past cull_idle_timeout was not culled"
            assert [r.getMessage() for r in errors.records] == []
        finally:
            if kid in km:
                await km.shutdown_kernel(kid, now=True)
            km.log.removeHandler(errors)

    run_async(scenario())


def test_a_kernel_whose_browser_has_not_connected_gets_a_grace(monkeypatch, tmp_path):
    from runback_widgets.voila import pool

    grace = 8.0
    monkeypatch.setattr(pool, "CONNECT_GRACE_S", grace)
    cls = manager_class(preheat=False)

    async def scenario():
        km = cls(cull_idle_timeout=1, root_dir=str(tmp_path))
        km._initialized_culler = True
        visited = await km.start_kernel(kernel_name="python3")  # browser came and left
        waiting = await km.start_kernel(kernel_name="python3")  # page sent, browser loading
        km.notify_connect(visited)
        km.notify_disconnect(visited)

        try:
            idle_at_cull: list[float] = []  # the waiting kernel's idleness before the last pass

            def watch():
                if waiting in km:
                    idle_at_cull[:] = [idle_s(km, waiting)]

            # The visited kernel goes after the 1 s timeout, the waiting one stays.
            assert await culled_within(km, visited, 30.0, watch), "a visited, idle, disconnected kernel was not culled"
            assert waiting in km or idle_at_cull[0] > grace - 0.5, (
                f"culled while its browser was still connecting (idle {idle_at_cull} s < {grace} s)"
            )
            # A tab closed before connecting: its kernel goes once the grace is over, not before.
            assert await culled_within(km, waiting, grace + 30.0, watch), "a never-connected kernel outlived the grace"
            assert idle_at_cull and idle_at_cull[0] > grace - 0.5, f"culled after only {idle_at_cull} s idle"
        finally:
            for kid in (waiting, visited):
                if kid in km:
                    await km.shutdown_kernel(kid, now=True)

    run_async(scenario())


# --- lost dashboards: outputs arriving after nbclient's iopub_timeout ----------------

#: Kernel-side stand-in for a loaded server: from this cell on, every IOPub
#: message (outputs, status) leaves the kernel ``delay`` s late, in order, while
#: execute replies stay on time. That is what a class arriving does to a page's
#: widget cell: its reply is in, its display message trails it.
DELAY_IOPUB = """
import queue, threading, time
_thread = get_ipython().kernel.iopub_thread
_send = _thread.send_multipart
_late = queue.Queue()

def _deliver():
    while True:
        due, args, kwargs = _late.get()
        time.sleep(max(0.0, due - time.monotonic()))
        _send(*args, **kwargs)

threading.Thread(target=_deliver, daemon=True).start()
_thread.send_multipart = lambda *a, **kw: _late.put((time.monotonic() + {delay}, a, kw))
"""


def run_page(config, delay: float):
    import nbformat
    from voila.execute import VoilaExecutor

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(DELAY_IOPUB.replace("{delay}", str(delay))),
        nbformat.v4.new_code_cell("print('the dashboard')"),
    ]
    executor = VoilaExecutor(nb, config=config, kernel_name="python3")
    executor.execute(nb, {})
    return "".join(o.get("text", "") for o in nb.cells[1].outputs)


def test_a_page_keeps_its_dashboard_when_outputs_trail_the_reply(tmp_path):
    """runback serve's executor settings keep outputs that arrive 6 s after the reply.

    With nbclient's default (4 s) the same page loses them: checked first, so the
    stand-in really produces the fault.
    """
    from traitlets.config import Config

    from runback_widgets import cli
    from runback_widgets.voila import pool

    delay = 6.0
    assert pool.IOPUB_TIMEOUT_S > delay
    assert run_page(Config(), delay) == "", "the stand-in did not make the default executor drop the output"
    args = cli.build_parser().parse_args(["serve"])
    config = cli.voila_config(args, tmp_path)
    assert config.VoilaExecutor.iopub_timeout == pool.IOPUB_TIMEOUT_S
    assert run_page(config, delay) == "the dashboard\n"


# --- does the class fit in memory? ------------------------------------------------


def test_memory_check_counts_the_pool_and_each_visitor(monkeypatch):
    from runback_widgets.voila import pool

    plan = {"02-symptom-explorer.ipynb": 30, "index.ipynb": 1}
    peak_mb = pool.SERVER_MB + 30 * 94 + 78 + 30 * max(pool.KERNEL_MB.values())
    fits, msg = pool.memory_check(plan, 30, available=peak_mb + 1)
    assert fits and "fits" in msg and "31 pre-heated kernels + 30 visitors" in msg
    assert f"{peak_mb / 1024:.1f} GB" in msg
    fits, msg = pool.memory_check(plan, 30, available=peak_mb - 1)
    assert not fits and msg.startswith("WARNING") and "--focus" in msg
    monkeypatch.setattr(pool, "available_mb", lambda: None)
    fits, msg = pool.memory_check(plan, 30)
    assert fits and "unknown" in msg


def test_memory_check_counts_forked_kernels_at_their_measured_share():
    from runback_widgets.voila import pool

    plan = {"01-spine-and-si-anatomy.ipynb": 9, "02-symptom-explorer.ipynb": 9, "index.ipynb": 2}
    peak_mb = pool.SERVER_MB + pool.ZYGOTE_MB + (20 + 30) * pool.FORKED_KERNEL_MB
    fits, msg = pool.memory_check(plan, 30, available=peak_mb + 1, forked=True)
    assert fits and "20 pre-heated kernels + 30 visitors" in msg and f"{pool.FORKED_KERNEL_MB} MB per kernel" in msg
    assert not pool.memory_check(plan, 30, available=peak_mb - 1, forked=True)[0]
    # the class of 30 on this repository's 4 dashboards fits the 3-GB target the guide gives
    from runback_widgets import cli
    from tests.browser.harness import NOTEBOOKS

    full = cli.pool_plan(NOTEBOOKS, 30, forked=True)
    assert pool.memory_check(full, 30, available=3072, forked=True)[0], full


def test_memory_figures_are_the_guides_measurements():
    import re
    from pathlib import Path

    from runback_widgets.voila import pool

    guide = (Path(__file__).resolve().parents[2] / "docs" / "instructor-guide.md").read_text()
    rows = dict(re.findall(r"^\| ([^|]+?) \| (\d+) MB \|$", guide, re.M))
    kernels = {k: int(v) for k, v in rows.items() if "kernel" in k}
    assert kernels, "the guide's kernel memory table is missing"
    assert sorted(kernels.values()) == sorted(pool.KERNEL_MB.values())
    assert int(next(v for k, v in rows.items() if k.startswith("server"))) == pool.SERVER_MB
    assert f"{pool.FORKED_KERNEL_MB} MB per kernel forked from the warm parent" in guide


# --- a kernel lost while warming --------------------------------------------------


def test_a_kernel_that_dies_while_warming_is_replaced(tmp_path):
    """A pre-heated kernel that dies while its notebook runs (seen in CI: a kernel whose
    port was taken between jupyter_client choosing it and the kernel binding it) is
    restarted by jupyter_server, but the notebook run waits for replies for ever: the
    class's 'ready' line came only after the 180-s warm timeout and the pooled page hung.
    runback replaces such a kernel at once. Here the notebook's first kernel exits in its
    first cell; the next one finds the marker and runs through."""
    import json
    import shutil
    import time
    import urllib.request

    from tests.browser.harness import NOTEBOOKS, start_server

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "index.ipynb", folder)
    marker = tmp_path / "crashed-once"
    cells = [
        # Only in a kernel (get_ipython exists): the kernel parent's rehearsal of the page
        # (voila/zygote.py) must not use up the crash.
        f"import os, pathlib\nm = pathlib.Path({str(marker)!r})\nif 'get_ipython' in dir() and not m.exists():\n"
        "    m.write_text('1')\n    os._exit(1)",
        "from runback_widgets.ui.share import page_query_string\nprint('QUERY=' + page_query_string() + '=END')",
    ]
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": c}
            for i, c in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / "crash.ipynb").write_text(json.dumps(nb))
    srv = start_server(tmp_path, args=[f"--notebooks={folder}", "--classroom=1", "--focus=crash"])
    try:
        deadline = time.monotonic() + 150
        while "ready:" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert marker.exists(), "the first kernel did not run its first cell"
        log = srv.log()
        assert "ready:" in log and "lost while warming" in log, log
        page = urllib.request.urlopen(srv.url("crash.ipynb", "seen=1"), timeout=60).read().decode()
        assert "QUERY=seen=1=END" in page
    finally:
        srv.stop()


# --- pools follow the class --------------------------------------------------------


def test_pools_follow_the_class_and_unopened_pages_give_up_kernels_cleanly(tmp_path):
    """Classroom mode with forked kernels: the class opens page a; page b's pool (nobody
    opened it) shrinks to REBALANCE_FLOOR, its kernels shut down without a traceback (their
    run is stopped and its link-waiting cell answered first), and b still serves a page."""
    import json
    import shutil
    import time
    import urllib.request

    from runback_widgets.voila import pool
    from tests.browser.harness import NOTEBOOKS, start_server

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "index.ipynb", folder)
    for name in ("a", "b"):
        cells = [
            "from runback_widgets.ui.share import page_query_string\nq = page_query_string()",
            f"print('PAGE-{name}=' + q + '=END')",
        ]
        nb = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"c{i}",
                    "metadata": {},
                    "outputs": [],
                    "source": c,
                }
                for i, c in enumerate(cells)
            ],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (folder / f"{name}.ipynb").write_text(json.dumps(nb))
    srv = start_server(tmp_path, args=[f"--notebooks={folder}", "--classroom=6"], env={"RUNBACK_REBALANCE_IDLE_S": "1"})
    try:
        deadline = time.monotonic() + 150
        while "ready:" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "ready:" in srv.log(), srv.log()[-2000:]
        time.sleep(1.5)  # b has now been idle longer than the (shortened) rebalancing window
        # The landing page is where a class passes on its way: opening it shrinks no pool.
        for i in range(2):
            urllib.request.urlopen(srv.url("index.ipynb", f"k={i}"), timeout=60).read()
        time.sleep(1.0)
        assert "down to" not in srv.log(), srv.log()[-3000:]
        for i in range(3):
            page = urllib.request.urlopen(srv.url("a.ipynb", f"n={i}"), timeout=60).read().decode()
            assert f"PAGE-a=n={i}=END" in page
        deadline = time.monotonic() + 30
        while srv.log().count("runback: pool of b.ipynb down to") < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        log = srv.log()
        shrunk = [int(x.split("down to ")[1].split()[0]) for x in log.splitlines() if "pool of b.ipynb down to" in x]
        assert shrunk and min(shrunk) == pool.REBALANCE_FLOOR, log[-3000:]
        page = urllib.request.urlopen(srv.url("b.ipynb", "late=1"), timeout=60).read().decode()
        assert "PAGE-b=late=1=END" in page
        time.sleep(1.0)
        log = srv.log()
        assert "Traceback" not in log and "Kernel died" not in log, log[-3000:]
    finally:
        srv.stop()


def test_refills_cover_the_class_and_two_spare_places_then_wait():
    """A class of 30 on a page pre-heated with 19: 13 refills start at once (30 + 2 spare - 19),
    counted as they start (Voila starts a refill after its take, by when more have come)."""
    from runback_widgets.voila import pool

    assert pool.SPARE_VISITORS == 2
    wanted = [pool.refills_wanted(started, 30, 19) for started in range(20)]
    assert wanted == [True] * 13 + [False] * 7
    assert not pool.refills_wanted(0, 10, 19)  # a pool larger than the class: none at once
    assert [pool.refills_wanted(s, 1, 0) for s in range(4)] == [True, True, True, False]


@pytest.mark.parametrize("preheat", [False, True], ids=["plain", "pooled"])
def test_a_kernel_started_as_its_own_process_tolerates_closed_sockets(preheat, tmp_path):
    """Kernels ``runback serve`` starts as their own process (no ``--classroom``, or
    ``--no-fork``) load the shutdown fix as an IPython extension, an argument of that kernel
    only: a culled kernel's last status does not print ENOTSOCK into the server log (the
    clean-clone CI failure of stop 21, twin of ipykernel#1518). Nothing process-wide changes:
    a kernel started by plain jupyter_client afterwards is untouched."""
    from jupyter_client.manager import start_new_kernel

    from runback_widgets.voila.zygote import KERNEL_EXTENSION_ARG

    probe = (
        "import sys, json\n"
        "from ipykernel.iostream import IOPubThread\n"
        "from jupyter_client.session import Session\n"
        "print(json.dumps({'patched': getattr(IOPubThread.schedule, '_runback', False)\n"
        "                  and getattr(Session.send, '_runback', False),\n"
        "                  'rfc_declined': 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None}))\n"
    )

    async def ask(kc) -> dict:
        import json

        msg_id = kc.execute(probe)
        while True:
            msg = await kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                return json.loads(msg["content"]["text"].strip().splitlines()[-1])
            if msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))

    async def scenario():
        base = manager_class(preheat)
        kwargs = {"parent": make_parent(str(tmp_path))} if preheat else {}
        km = base(root_dir=str(tmp_path), **kwargs)
        kid = await km.start_kernel(kernel_name="python3")
        kc = km.get_kernel(kid).client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            assert KERNEL_EXTENSION_ARG in km.get_kernel(kid)._launch_args["extra_arguments"]
            return await ask(kc)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(kid, now=True)

    got = run_async(scenario())
    assert got == {"patched": True, "rfc_declined": True}, got
    # A kernel outside runback's manager (JupyterLab's, a test's) starts as before.
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.execute_interactive(
            "from ipykernel.iostream import IOPubThread; print(getattr(IOPubThread.schedule, '_runback', False))",
            timeout=60,
            output_hook=lambda m: (
                got.setdefault("plain", m["content"].get("text", "").strip()) if m["msg_type"] == "stream" else None
            ),
        )
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert got["plain"] == "False"

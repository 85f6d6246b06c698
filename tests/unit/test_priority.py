"""Pooled kernels warm at low CPU priority and serve at normal priority (runback_widgets/voila/priority.py).

Checked with real processes on Linux: a session's autogroup nice can be raised and set
back to 0 by its owner without privileges (the reason for autogroups rather than a
process's own nice value), a process that does not lead its own session is never
touched (that would reprioritise the server's or the zygote's session), and the
scheduler does give a session at ``WARM_NICE`` a small share of a core a normal
session wants.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runback_widgets.voila import priority
from tests.conftest import run_async

AUTOGROUPS = Path("/proc/self/autogroup").exists() and Path("/proc/sys/kernel/sched_autogroup_enabled").exists()
needs_autogroups = pytest.mark.skipif(not AUTOGROUPS, reason="Linux autogroups only (elsewhere kernels run as before)")

SLEEPER = ["sleep", "60"]


def _root_cpu_cgroup() -> bool:
    """Autogroups only apply to processes in the root CPU cgroup (not in a container's or a
    systemd service's own CPU group)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return False
    paths = [ln.split(":", 2)[2] for ln in lines if "cpu" in ln.split(":")[1].split(",")]
    paths = paths or [ln.split(":", 2)[2] for ln in lines if ln.startswith("0::")]
    return bool(paths) and all(p == "/" for p in paths)


def _set(pid: int, nice: int) -> bool:
    """``autogroup_nice``, retried while Linux's once-per-100-ms limit for an unprivileged
    user says busy (another write anywhere on the machine may have just used it)."""
    for _ in range(30):
        result = priority._write(pid, nice)
        if result != "busy":
            return result == "ok"
        time.sleep(priority.RATE_S / 2)
    return False


@pytest.fixture(autouse=True)
def _fresh_queue():
    """Each test starts and ends with no queued change (the queue is per server process)."""
    priority._wanted.clear()
    priority._retry.clear()
    yield
    priority._wanted.clear()
    priority._retry.clear()


def _in_thread(fn):
    """Call ``fn`` in a thread with no event loop (the browser tests leave Playwright's loop
    running in the main thread for the rest of the session)."""
    import threading

    box: dict = {}
    t = threading.Thread(target=lambda: box.setdefault("value", fn()))
    t.start()
    t.join()
    return box.get("value")


def _nobody():
    """In the child: drop to an unprivileged user (when the suite runs as root)."""
    if os.getuid() == 0:
        os.setgid(65534)
        os.setuid(65534)


@pytest.mark.parametrize("bad", [-1, 20, 100])
def test_nice_out_of_range_is_refused_by_name(bad):
    with pytest.raises(ValueError, match=r"nice must be an integer from 0 to 19"):
        priority.autogroup_nice(os.getpid(), bad)


@pytest.mark.parametrize("text", ["-1", "20", "ten", ""])
def test_a_bad_warm_nice_setting_is_refused_by_name(text):
    with pytest.raises(ValueError, match=r"RUNBACK_WARM_NICE must be an integer from 0 to 19"):
        priority._warm_nice(text)
    assert priority._warm_nice("0") == 0 and priority._warm_nice("19") == 19


def test_a_missing_process_is_left_alone():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert priority.autogroup_nice(proc.pid, 10) is False
    assert priority.autogroup_of(proc.pid) is None


@needs_autogroups
def test_an_owner_lowers_and_restores_its_session_priority_without_privileges():
    """The kernel's own user (no CAP_SYS_NICE) sets 10 and then 0 again; a process's own nice
    value could not be lowered again that way."""
    kernel = subprocess.Popen(["sleep", "60"], start_new_session=True, preexec_fn=_nobody)
    read, write = os.pipe()
    try:
        pid = os.fork()
        if pid == 0:  # the server's part, as an unprivileged user
            code = 1
            try:
                _nobody()
                low = _set(kernel.pid, 10) and priority.autogroup_of(kernel.pid)[1]
                t = time.monotonic()
                # Linux's limit for an unprivileged user: one change per 100 ms on the machine.
                busy = priority._write(kernel.pid, 0)
                if time.monotonic() - t > 0.05:
                    busy = "busy"  # too slow to tell here: not checked
                time.sleep(priority.RATE_S + 0.02)
                back = _set(kernel.pid, 0) and priority.autogroup_of(kernel.pid)[1]
                if busy != "busy":
                    back = f"change-within-100-ms-gave-{busy}"
                os.nice(5)
                try:
                    os.setpriority(os.PRIO_PROCESS, 0, 0)
                    own = "lowered-again"
                except PermissionError:
                    own = "refused"
                os.write(write, f"{os.getuid()} {low} {back} {own}".encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        out = os.read(read, 1000).decode()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, out
    finally:
        os.close(read)
        kernel.kill()
        kernel.wait()
    uid, low, back, own = out.split()
    assert uid != "0"
    assert (low, back) == ("10", "0"), out
    assert own == "refused", "a process's own nice value can be lowered again here: the premise changed"


def test_queued_changes_raise_visitors_kernels_first_and_retry_while_linux_says_busy(monkeypatch):
    """Linux refuses a second change within 100 ms to a user without CAP_SYS_ADMIN: the
    changes wait on the server's event loop, a visitor's kernel (back to 0) before a warming one."""
    import asyncio

    written: list = []
    busy_until = [0.0]

    def fake_write(pid, nice):
        now = time.monotonic()
        if now < busy_until[0]:
            return "busy"
        busy_until[0] = now + priority.RATE_S
        written.append((pid, nice))
        return "ok"

    monkeypatch.setattr(priority, "_write", fake_write)

    async def scenario():
        priority.request(101, 10)  # written at once
        priority.request(102, 10)  # busy: waits
        priority.request(104, 10)  # waits behind it
        priority.request(103, 0)  # a visitor's kernel: goes before both lowers
        priority.request(102, 0)  # taken before it was lowered: only the 0 is written
        assert written == [(101, 10)]
        for _ in range(50):
            await asyncio.sleep(0.05)
            if not priority._wanted:
                break

    run_async(scenario())
    assert written[0] == (101, 10)
    assert sorted(written[1:3]) == [(102, 0), (103, 0)], written
    assert written[3:] == [(104, 10)], written
    assert not priority._wanted and not priority._retry

    # A retry left pending by an event loop that has since closed does not block later changes.
    busy_until[0] = time.monotonic() + 10

    async def stranded():
        priority.request(105, 10)  # busy: a retry on this loop, which then closes

    run_async(stranded())
    assert priority._retry
    busy_until[0] = 0.0
    _in_thread(lambda: priority.request(106, 0))  # waits out the limit in place: no loop here
    assert (106, 0) in written and (105, 10) in written
    assert not priority._wanted


def test_a_boost_undoes_only_what_was_lowered(monkeypatch):
    asked: list = []
    monkeypatch.setattr(priority, "request", lambda pid, nice: asked.append((pid, nice)))
    warm = priority.Priority(nice=10)
    warm.started(7)
    warm.boost()
    warm.boost()
    warm.started(8)  # a restart of the visitor's kernel: stays at normal priority
    assert asked == [(7, 10), (7, 0)]
    off = priority.Priority(nice=0)  # RUNBACK_WARM_NICE=0: nothing is ever written
    off.started(9)
    off.boost()
    assert asked == [(7, 10), (7, 0)]


@needs_autogroups
def test_a_process_that_does_not_lead_its_session_is_never_touched():
    """A kernel that shares the server's session: writing would reprioritise the server too."""
    child = subprocess.Popen(SLEEPER)  # this test's session
    try:
        before = priority.autogroup_of(os.getpid())
        assert priority.autogroup_nice(child.pid, 10) is False
        assert priority.autogroup_of(os.getpid()) == before
        assert priority.autogroup_of(child.pid) == before
    finally:
        child.kill()
        child.wait()


@needs_autogroups
def test_priority_follows_the_kernel_from_start_to_its_visitor():
    kernel = subprocess.Popen(SLEEPER, start_new_session=True)
    try:
        prio = priority.Priority()
        _in_thread(lambda: prio.started(kernel.pid))
        assert priority.autogroup_of(kernel.pid)[1] == priority.WARM_NICE
        _in_thread(prio.boost)  # no event loop in that thread: waits out the rate limit in place
        assert priority.autogroup_of(kernel.pid)[1] == 0
        # Boosted before the kernel existed (a visitor waited for it): it starts at normal priority.
        early = priority.Priority()
        early.boost()
        _in_thread(lambda: early.started(kernel.pid))
        assert priority.autogroup_of(kernel.pid)[1] == 0
        assert not priority._wanted
    finally:
        kernel.kill()
        kernel.wait()


SPIN = (
    "import os, sys, time\n"
    "os.sched_setaffinity(0, {int(sys.argv[1])})\n"
    "t = time.monotonic() + float(sys.argv[2])\n"
    "while time.monotonic() < t:\n"
    "    pass\n"
)


@needs_autogroups
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity")
def test_a_warming_session_yields_the_core_to_a_serving_one():
    """Two busy sessions on one core: the one at WARM_NICE gets a small share (autogroup
    weights 110 against 1024: ~10 %), the serving one nearly all of it."""
    if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() != "1" or not _root_cpu_cgroup():
        pytest.skip("autogroups are switched off on this machine, or this process is in a CPU cgroup of its own")
    if priority.WARM_NICE == 0:
        pytest.skip("RUNBACK_WARM_NICE=0: kernels warm at normal priority")
    import psutil

    core = sorted(os.sched_getaffinity(0))[-1]
    procs = [subprocess.Popen([sys.executable, "-c", SPIN, str(core), "3"], start_new_session=True) for _ in range(2)]
    try:
        assert _set(procs[0].pid, priority.WARM_NICE)
        time.sleep(0.5)
        before = [psutil.Process(p.pid).cpu_times() for p in procs]
        time.sleep(1.5)
        after = [psutil.Process(p.pid).cpu_times() for p in procs]
        used = [(a.user + a.system) - (b.user + b.system) for a, b in zip(after, before)]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    warming, serving = used
    assert serving > 3 * warming, f"CPU-s in 1.5 s: warming {warming:.2f}, serving {serving:.2f}"

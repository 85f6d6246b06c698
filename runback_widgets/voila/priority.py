"""A pooled kernel warms at low CPU priority and serves its visitor at normal priority.

While a class arrives, two kinds of kernel want the CPU at once: the kernels
of visitors who have their page and move a control (a visitor waits for each
answer), and the kernels refilling the pools (nobody waits for them yet). On
a 2-core machine they split the CPU evenly, so every refill slows every
visitor's answers (benchmarks/classroom.py: with the class's page pre-heated
in full, no refills, p95 0.6 s; with refills 1.4-4.0 s).

Linux schedules by *autogroup* (``/proc/sys/kernel/sched_autogroup_enabled``,
for processes in the root CPU cgroup): each session (``setsid``) shares the
CPU evenly with the others first, then among its own processes. Every kernel
jupyter_client starts leads its own session, so each kernel is one share (a
kernel forked by voila/zygote.py calls setsid for the same reason: before it
did, the server and all of a class's kernels were one share together). A
session's share is weighted by its autogroup nice value
(``/proc/<pid>/autogroup``), which its owner may raise and lower again
between 0 and 19 without privileges (only values below 0 need them; a
process's own nice value, by contrast, cannot be lowered again by an owner
without privileges under the usual ``RLIMIT_NICE`` of 0). A user without
CAP_SYS_ADMIN may make one such change per 100 ms on the whole machine
(``request`` queues the others, a visitor's kernel first).

So a pooled kernel warms with its session at ``WARM_NICE`` (weight 110
against 1024: about a tenth of a visitor's kernel share when both want CPU,
all of the CPU nobody else wants) and is set back to 0 when a visitor takes
it or starts waiting for it (``voila/pool.py``). Where autogroups do not
apply, the writes are refused or have no effect and kernels run as before:
macOS, and a server inside a CPU cgroup of its own (a Docker or Kubernetes
container, a systemd service, a desktop session where systemd enables the
CPU controller), where the server and its kernels are one share.
"""

from __future__ import annotations

import contextvars
import os
import time
from dataclasses import dataclass


def _warm_nice(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 19:
        raise ValueError(f"RUNBACK_WARM_NICE must be an integer from 0 to 19 (0: no lower priority), got {text!r}")
    return value


#: Autogroup nice of a pooled kernel's session while it warms (weight 110 against 1024 at 0;
#: the kernel scheduler's prio_to_weight table). Assumption, checked with
#: benchmarks/classroom.py: high enough that refills yield to visitors, and refills still run
#: whenever a core is free. ``RUNBACK_WARM_NICE=0`` switches it off.
WARM_NICE = _warm_nice(os.environ.get("RUNBACK_WARM_NICE", "10"))


#: Linux lets a user without CAP_SYS_ADMIN change an autogroup's nice value once per 100 ms
#: on the whole machine, and refuses sooner ones with EAGAIN (kernel/sched/autogroup.c).
RATE_S = 0.1


def _checked(nice: int) -> int:
    if not 0 <= nice <= 19:
        raise ValueError(f"nice must be an integer from 0 to 19, got {nice!r}")
    return nice


def _write(pid: int, nice: int) -> str:
    """ "ok", "busy" (the once-per-100-ms limit: try again later) or "no" (not possible)."""
    _checked(nice)
    try:
        if os.getsid(pid) != pid:
            return "no"  # not a session leader: the session is somebody else's too
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
        return "ok"
    except BlockingIOError:
        return "busy"
    except (OSError, AttributeError):  # no such process, not Linux, or autogroups off
        return "no"


def autogroup_nice(pid: int, nice: int) -> bool:
    """Set the autogroup nice value of ``pid``'s session now, if ``pid`` leads a session of its
    own (never the server's or the zygote's session). True when the kernel took it."""
    return _write(pid, nice) == "ok"


_wanted: dict[int, int] = {}  # pid -> nice value still to be written
_retry: list = []  # the pending retry: (its event loop, its timer handle), if any


def request(pid: int, nice: int) -> None:
    """Give ``pid``'s session this nice value now, or as soon as Linux accepts a change
    (``RATE_S``): raising a visitor's kernel back to 0 goes before lowering a warming one."""
    _wanted[pid] = _checked(nice)
    if _retry and _retry[0][0].is_closed():
        _retry.clear()  # its loop has gone (a script that ran one): the timer never fires
    if not _retry:
        _drain()


def _write_queued() -> bool:
    """Write the queued changes, raising visitors' kernels first, then in order; True when
    Linux said busy (the rest still wait)."""
    for pid in sorted(_wanted, key=lambda p: _wanted[p] != 0):
        if _write(pid, _wanted[pid]) == "busy":
            return True
        del _wanted[pid]
    return False


def _drain() -> None:
    _retry.clear()
    if _write_queued():
        _later()


def _later() -> None:
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (a script, a test): wait here, a few times at most
        for _ in range(20):
            time.sleep(RATE_S)
            if not _write_queued():
                return
        return
    _retry.append((loop, loop.call_later(RATE_S, _drain)))


def autogroup_of(pid: int) -> tuple[str, int] | None:
    """(autogroup name, nice) of ``pid``'s session, or None where there is none."""
    try:
        with open(f"/proc/{pid}/autogroup") as f:
            name, _, nice = f.read().split()
        return name, int(nice)
    except (OSError, ValueError):
        return None


@dataclass
class Priority:
    """The priority a kernel being started for a pool should have, and its pid once known.
    ``boost()`` when a visitor takes the kernel or waits for it."""

    nice: int = WARM_NICE
    pid: int | None = None
    #: Its session was lowered (asked to be): a boost has something to undo.
    lowered: bool = False

    def started(self, pid: int) -> None:
        """The kernel process exists (first start, a retry after a failed warm-up, or an
        automatic restart): give its session this priority."""
        self.pid = pid
        if self.nice:
            request(pid, self.nice)
            self.lowered = True

    def boost(self) -> None:
        """Normal priority from now on, for this process and any that replaces it."""
        self.nice = 0
        if self.pid is not None and self.lowered:
            request(self.pid, 0)
        self.lowered = False


#: The priority of the kernel the current task is starting (set by voila/pool.py around a
#: pool's kernel start; read by the kernel provisioner in voila/zygote.py).
STARTING: contextvars.ContextVar[Priority | None] = contextvars.ContextVar("runback_starting", default=None)

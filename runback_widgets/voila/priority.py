"""A pooled kernel warms at low CPU priority and serves its visitor at normal priority.

While a class arrives, two kinds of kernel want the CPU at once: the kernels
of visitors who have their page and move a control (a visitor waits for each
answer), and the kernels refilling the pools (nobody waits for them yet). On
a 2-core machine they split the CPU evenly, so every refill slows every
visitor's answers (benchmarks/classroom.py: with the class's page pre-heated
in full, no refills, p95 0.6 s; with refills 1.4-4.0 s).

Linux schedules by *autogroup* (``/proc/sys/kernel/sched_autogroup_enabled``,
for processes outside a CPU cgroup): each session (``setsid``) shares the CPU
evenly with the others first, then among its own processes. Every kernel
jupyter_client starts leads its own session, so each kernel is one share. A
session's share is weighted by its autogroup nice value
(``/proc/<pid>/autogroup``), which its owner may raise and lower again
between 0 and 19 without privileges (only values below 0 need them, unlike a
process's own nice value, which an unprivileged owner can never lower again).

So a pooled kernel warms with its session at ``WARM_NICE`` (weight 110
against 1024: about a tenth of a visitor's kernel share when both want CPU,
all of the CPU nobody else wants) and is set back to 0 when a visitor takes
it or starts waiting for it (``voila/pool.py``). Where autogroups do not
apply (macOS, or a desktop session under systemd's CPU cgroups, where the
whole terminal is one share) the writes are refused or have no effect and
kernels run as before.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

#: Autogroup nice of a pooled kernel's session while it warms (weight 110 against 1024 at 0;
#: the kernel scheduler's prio_to_weight table). Assumption, checked with
#: benchmarks/classroom.py: high enough that refills yield to visitors, and refills still run
#: whenever a core is free.
WARM_NICE = 10


def autogroup_nice(pid: int, nice: int) -> bool:
    """Set the autogroup nice value of ``pid``'s session, if ``pid`` leads a session of its
    own (never the server's or the zygote's session). True when the kernel took it."""
    if not 0 <= nice <= 19:
        raise ValueError(f"nice must be an integer from 0 to 19, got {nice!r}")
    try:
        if os.getsid(pid) != pid:
            return False  # not a session leader: the session is somebody else's too
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
        return True
    except (OSError, AttributeError):  # no such process, not Linux, or autogroups off
        return False


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

    def started(self, pid: int) -> None:
        """The kernel process exists: give its session this priority."""
        self.pid = pid
        if self.nice:
            autogroup_nice(pid, self.nice)

    def boost(self) -> None:
        self.nice = 0
        if self.pid is not None:
            autogroup_nice(self.pid, 0)


#: The priority of the kernel the current task is starting (set by voila/pool.py around a
#: pool's kernel start; read by the kernel provisioner in voila/zygote.py).
STARTING: contextvars.ContextVar[Priority | None] = contextvars.ContextVar("runback_starting", default=None)

"""A pre-heated kernel pool tuned for a class arriving at once.

``runback serve --classroom N`` runs Voila 0.5 with ``preheat_kernel``: for
each notebook a pool of kernels has already started and executed the notebook
(up to a cell that calls ``voila.utils.get_query_string``, which waits for the
visitor's request). A visitor takes one and Voila refills the pool.

On top of Voila's pool (``voila.voila_kernel_manager``) this module adds:

* **bounded warm-up**: at most ``warm_concurrency`` kernels warm at once
  (cores, at start-up) and ``refill_concurrency`` afterwards, and a refill
  waits until no visitor has arrived for ``quiet_s`` seconds and the load
  average is below the core count (at most ``max_defer_s`` more): while a
  class is arriving, the CPU goes to the pages being opened, not to refilling
  the pool (a visitor already waiting for a queued kernel skips the queue);
* **progress** on the console (``kernel 4/31 warm``) and a ``ready`` line once
  the whole pool is warm;
* **no cull race**: a pooled kernel is never culled (Voila), and a kernel taken
  from the pool has its activity clock reset, so the culler cannot shut it down
  in the seconds between the page being sent and the browser connecting;
* **no culler crash on a starting kernel** (both with and without a pool, see
  ``ActivityFromBirth``): a kernel's activity clock starts when its manager is
  created, not after it has started.

Voila creates its kernel manager class with ``voila_kernel_manager_factory``;
``install()`` wraps that factory so the class it returns gains these methods.
The wrapper is a subclass, so Voila's config section ``VoilaKernelManager``
(``kernel_pools_config``, ``fill_delay``) still applies.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable

from .priority import STARTING, Priority

#: How long a single kernel may take to warm before it counts as warm anyway.
WARM_TIMEOUT_S = 180.0
#: Kernels tried in turn for one pool place when one restarts or dies while warming.
WARM_ATTEMPTS = 3

#: A kernel no browser has connected to yet (its page was just sent, the browser
#: is still loading it) is not culled before this many seconds of idleness, even
#: with a shorter culling timeout. A loaded class machine took up to ~20 s from
#: page to websocket (issue 10's probe: 17.5 s); a tab closed before connecting
#: costs its kernel this long at most.
CONNECT_GRACE_S = 60.0


#: Forked kernels refilling the pools at once (per server). A refill is ~0.45 CPU-s over ~1 s
#: of round trips (kernel start, one cell at a time): with a class arriving, 2 at a time left
#: the 2-core machine ~25 % idle while visitors waited for them (benchmarks/classroom.py).
FORKED_REFILLS = int(os.environ.get("RUNBACK_FORKED_REFILLS", "4"))
#: Visitors beyond the class size a burst of refills allows for (the instructor's own screen,
#: a latecomer): their kernels are warm before they come, not started when they come.
SPARE_VISITORS = 2
#: Forked kernels: a class has finished arriving when no page was opened for this long.
FORKED_QUIET_S = 3.0
#: Rebalancing (classroom mode, forked kernels): a page whose pool has not been taken from
#: for this long gives up idle pre-heated kernels to the page the class is opening ...
REBALANCE_IDLE_S = float(os.environ.get("RUNBACK_REBALANCE_IDLE_S", "20"))  # (tests shorten it)
#: ... down to this many (a late student opening another page still finds one warm).
REBALANCE_FLOOR = 2


#: How long Voila's executor waits, after a cell's execute reply, for that cell's
#: outputs (nbclient's ``iopub_timeout``, 4 s by default). Outputs arriving later
#: are dropped, and with them the dashboard: under CPU contention (a class
#: arriving, a refill warming) a widget cell's display message can trail its
#: reply by more than 4 s, and the page was then served without its dashboard
#: (issue 10: 2-5 of 30 pages on this 2-core machine). The wait ends as soon as
#: the cell's outputs are in, so a long timeout costs nothing when all is well.
IOPUB_TIMEOUT_S = 60


def _forking() -> bool:
    """Whether this server's kernels fork from a warm parent (``voila/zygote.py``)."""
    from . import zygote

    return zygote.ACTIVE is not None and zygote.ACTIVE.ready()


def executor_config(c) -> None:
    """Voila executor settings for every page (``runback serve``, pooled or not)."""
    c.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT_S


#: Resident memory (RSS, MB) of one kernel once its page has run, and of the
#: server, measured with benchmarks/kernel_memory.py on 2026-11-30 (instructor
#: guide, "Memory"). A page not listed counts as the largest.
KERNEL_MB = {
    "index.ipynb": 78,
    "01-spine-and-si-anatomy.ipynb": 101,
    "02-symptom-explorer.ipynb": 94,
    "03-run-load-simulator.ipynb": 112,
}
SERVER_MB = 101
#: A kernel forked from the warm parent (voila/zygote.py), counted by its proportional share
#: of memory (PSS: pages shared with the parent and its siblings split between them), after
#: its page ran (and, for the visitors' kernels, its visitor connected): 2199 MB PSS for 66
#: pre-heated kernels of the four dashboards and the landing page (2562 MB for 78), 2.4-2.7 GB
#: with the server at the peak of a class of 30, in benchmarks/classroom.py on 2026-11-30:
#: 32-33 MB each; counted at 35 MB.
FORKED_KERNEL_MB = 35
#: The parent kernels fork from (PSS, measured the same way).
ZYGOTE_MB = 60


def available_mb() -> float | None:
    """Memory the system can give new processes now (MB), or None if unknown."""
    try:
        import psutil

        return psutil.virtual_memory().available / 2**20
    except Exception:  # noqa: BLE001 - psutil missing or no such figure here
        return None


def memory_check(
    plan: dict[str, int], visitors: int, available: float | None = None, forked: bool = False
) -> tuple[bool, str]:
    """Do ``visitors`` and the pre-heated pools of ``plan`` fit in memory? (fits, message)

    At the peak of a class arriving, every visitor holds the kernel of the page
    they opened and the pools have refilled behind them: the pool's kernels plus
    one kernel per visitor, each counted at the largest measured figure (RSS,
    an upper bound: kernels on one machine share their libraries). Kernels
    forked from the warm parent (``forked``) count at their measured PSS, and
    the pools of pages nobody opens give kernels back as the class arrives
    (rebalancing, down to ``REBALANCE_FLOOR``): counted for a class spread over
    two pages, the other pages' pools make room for as many visitors.
    """
    if available is None:
        available = available_mb()
    pooled = sum(plan.values())
    if forked:
        per_kernel = FORKED_KERNEL_MB
        given_back = sum(max(0, n - REBALANCE_FLOOR) for n in sorted(plan.values(), reverse=True)[2:])
        peak = SERVER_MB + ZYGOTE_MB + (pooled + max(0, visitors - given_back)) * per_kernel
    else:
        per_kernel = max(KERNEL_MB.values())
        peak = SERVER_MB + sum(n * KERNEL_MB.get(nb, per_kernel) for nb, n in plan.items()) + visitors * per_kernel
    head = (
        f"memory: {pooled} pre-heated kernels + {visitors} visitors' kernels need up to "
        f"{peak / 1024:.1f} GB ({per_kernel} MB per kernel at most, measured)"
    )
    if available is None:
        return True, f"{head}; free memory unknown here, check it yourself."
    if peak <= available:
        return True, f"{head}; {available / 1024:.1f} GB available: fits."
    return False, (
        f"WARNING: {head}, but only {available / 1024:.1f} GB is available: pages may fail "
        f"when the class arrives. Pre-heat only the page the class opens (--focus PAGE), "
        f"serve fewer visitors per machine, or close other programs."
    )


def refills_wanted(started: int, visitors: int, pooled: int) -> bool:
    """While a class arrives on a page whose pool held ``pooled`` kernels: is another refill
    wanted at once, ``started`` having started in this burst? Yes until the pool and the
    refills cover the class (``visitors``) and ``SPARE_VISITORS`` more; later top-ups wait
    until the class has arrived (their CPU goes to the visitors' pages meanwhile)."""
    return started < max(0, visitors + SPARE_VISITORS - pooled)


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on this platform
        return 0.0


def _say(msg: str) -> None:
    print(f"runback: {msg}", flush=True)


def _now():
    from jupyter_server._tz import utcnow

    return utcnow()


class ActivityFromBirth:
    """Kernel-manager mixin: the culler never sees a kernel without ``last_activity``.

    jupyter_server sets ``last_activity`` on a kernel only after jupyter_client's
    ``_async_start_kernel`` returns. But jupyter_client adds the kernel to
    ``_kernels`` inside a separate task (``_add_kernel_when_ready``), and the
    starter resumes a loop iteration later: a culler pass running in between
    lists the kernel, and ``cull_kernel_if_idle`` reads ``kernel.last_activity``.
    In jupyter_server 2.21 ``ServerKernelManager.last_activity`` is a trait with
    no default, so ``hasattr(kernel, "last_activity")`` (the upstream guard)
    raises ``TraitError`` (from ``KeyError: 'last_activity'``) instead of
    returning False, and the culler logs a traceback. With a class arriving many
    kernels start at once, so the window is hit.

    The mechanism fixed here: the clock starts when the kernel manager object is
    created (``pre_start_kernel``), before the kernel can be listed; and a kernel
    whose clock is unset for any other reason is skipped by the culler (it has
    not started yet, so it is not idle).

    Second race, same culler: a page is sent when its notebook has run, and the
    browser opens the kernel websocket only once it has loaded the page's
    scripts. Until then the kernel has 0 connections and no activity, so with a
    short culling timeout on a loaded machine it was shut down while the
    browser was connecting ("Kernel never reached an 'alive' state", a page
    that never shows its dashboard). A kernel that has never had a connection
    is culled only after ``max(cull_idle_timeout, CONNECT_GRACE_S)``.
    """

    def _rb_connected(self) -> set:
        return self.__dict__.setdefault("_rb_ever_connected", set())

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._rb_connected().add(kernel_id)

    def remove_kernel(self, kernel_id):
        self._rb_connected().discard(kernel_id)
        return super().remove_kernel(kernel_id)

    def pre_start_kernel(self, kernel_name, kwargs):
        # Every kernel of a runback server, forked or its own process, tolerates the closed
        # event pipe at shutdown (zygote.tolerate_closed_sockets): as an IPython extension,
        # an argument of this kernel only (jupyter_client keeps it for restarts).
        from .zygote import KERNEL_EXTENSION_ARG

        extra = list(kwargs.get("extra_arguments") or [])
        if KERNEL_EXTENSION_ARG not in extra:
            kwargs["extra_arguments"] = [*extra, KERNEL_EXTENSION_ARG]
        km, kernel_name, kernel_id = super().pre_start_kernel(kernel_name, kwargs)
        if "last_activity" not in getattr(km, "_trait_values", {"last_activity": None}):
            km.last_activity = _now()
        return km, kernel_name, kernel_id

    async def cull_kernel_if_idle(self, kernel_id: str):
        # The tab-closed beacon may have shut it down since the culler listed it.
        if kernel_id not in self:
            return None
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and "last_activity" not in getattr(kernel, "_trait_values", {"last_activity": None}):
            return None  # still starting: not idle
        if (
            kernel is not None
            and kernel_id not in self._rb_connected()
            and getattr(kernel, "execution_state", None) != "dead"
        ):
            grace = max(float(self.cull_idle_timeout), CONNECT_GRACE_S)
            if (_now() - kernel.last_activity).total_seconds() <= grace:
                return None  # its browser has not connected yet
        return await super().cull_kernel_if_idle(kernel_id)


def install(
    expected: int,
    warm_concurrency: int | None = None,
    refill_concurrency: int = 1,
    say: Callable[[str], None] = _say,
    ready_message: str = "",
    quiet_s: float = 10.0,
    max_defer_s: float = 120.0,
    classroom: bool = False,
    plan: dict[str, int] | None = None,
    visitors: int = 0,
    landing: str = "index.ipynb",
) -> None:
    """Patch Voila's kernel-manager factory (call before ``Voila.launch_instance``).

    ``expected`` is the number of kernels the initial pools hold (for progress);
    ``plan`` the pool per page and ``visitors`` the class size (``--classroom N``):
    while a class arrives, a page's pool refills at once only as long as more
    visitors may still come for it (``refill_now``). ``landing``: the page a class
    passes through on its way to a dashboard; opening it makes no other page give
    kernels back (rebalancing).
    """
    import voila.app as vapp
    from jupyter_server._tz import utcnow
    from voila.request_info_handler import RequestInfoSocketHandler

    original = getattr(vapp.voila_kernel_manager_factory, "_runback_original", vapp.voila_kernel_manager_factory)
    cores = os.cpu_count() or 2
    warm_n = max(1, warm_concurrency or cores)
    state = {"warm": 0, "warming": True, "ready_said": False, "last_take": 0.0, "ready_at": 0.0}
    state["burst"] = {}  # page -> visitors in its current burst of takes (takes < FORKED_QUIET_S apart)
    state["burst_at"] = {}  # page -> time of its last take
    state["burst_refills"] = {}  # page -> refills started in its current burst
    urgent: set = set()  # pool tasks a visitor is already waiting for

    def factory(base_class, preheat_kernel, default_pool_size, page_config_hook=None):
        cls = original(base_class, preheat_kernel, default_pool_size, page_config_hook=page_config_hook)
        if not preheat_kernel:

            class RunbackPlainKernelManager(ActivityFromBirth, cls):
                pass

            return RunbackPlainKernelManager

        class RunbackKernelManager(ActivityFromBirth, cls):
            _rb_sems: dict = {}

            def _rb_sem(self, warming: bool) -> asyncio.Semaphore:
                key = "warm" if warming else ("refill-forked" if _forking() else "refill")
                if key not in self._rb_sems:
                    n = {"warm": warm_n, "refill": max(1, refill_concurrency)}.get(key, FORKED_REFILLS)
                    self._rb_sems[key] = asyncio.Semaphore(n)
                return self._rb_sems[key]

            async def _rb_until_warm(self, content: dict) -> bool:
                """Warm = the notebook ran to its end, or to the cell waiting for the visitor's request.

                False when the kernel restarted or died while warming: its notebook run
                then waits for replies that never come (the restarted kernel is a new
                process, on new ports when it died at start-up, e.g. a port taken between
                jupyter_client choosing it and the kernel binding it), so the pooled page
                would hang for ever.
                """
                kid = content["kernel_id"]
                task = content["task"]
                lost: list[str] = []
                watch = {event: (lambda e=event: lost.append(e)) for event in ("restart", "dead")}
                try:
                    km = self.get_kernel(kid)
                    for event, callback in watch.items():
                        km.add_restart_callback(callback, event)
                except Exception:  # noqa: BLE001 - gone already: the checks below see it
                    km = None

                def pid():
                    return getattr(getattr(km, "provisioner", None), "pid", None)

                # A restart replaces the process (a restarter poll comes 3 s after the start
                # at the earliest): a new pid is a restart even when its callback came first.
                pid0 = pid()
                deadline = time.monotonic() + WARM_TIMEOUT_S
                try:
                    while time.monotonic() < deadline:
                        if not lost and pid0 is not None and pid() not in (None, pid0):
                            lost.append("restart")
                        if lost or kid not in self:
                            self.log.warning("runback: kernel %s %s while warming", kid, (lost or ["vanished"])[0])
                            return False
                        if kid in RequestInfoSocketHandler._waiters:
                            return True
                        if task.done():
                            # nbclient ends the run on a dead kernel (DeadKernelError) before
                            # the restarter notices: a finished run counts only with a live kernel.
                            if km is not None and not await km.is_alive():
                                self.log.warning("runback: kernel %s died while warming", kid)
                                return False
                            return True
                        await asyncio.sleep(0.1)
                finally:
                    for event, callback in watch.items() if km is not None else ():
                        try:
                            km.remove_restart_callback(callback, event)
                        except Exception:  # noqa: BLE001 - the kernel and its restarter are gone
                            pass
                self.log.warning("runback: kernel %s still not warm after %.0f s", kid, WARM_TIMEOUT_S)
                return True

            async def _rb_start_warm(self, notebook_path: str, **kwargs) -> dict:
                """Start a kernel and run its notebook until warm; a kernel that restarted or
                died on the way is shut down and replaced (WARM_ATTEMPTS in all)."""
                for attempt in range(1, WARM_ATTEMPTS + 1):
                    content = await super()._initialize(notebook_path, None, **kwargs)
                    if await self._rb_until_warm(content) or attempt == WARM_ATTEMPTS:
                        return content
                    content["task"].cancel()
                    try:
                        await super().shutdown_kernel(content["kernel_id"], now=True)
                    except Exception:  # noqa: BLE001 - already gone
                        pass
                    say(
                        f"kernel for {notebook_path} lost while warming: starting another ({attempt + 1}/{WARM_ATTEMPTS})"
                    )
                return content  # pragma: no cover - the loop returns

            async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs):
                if kernel_id is not None:  # restart of an existing kernel: Voila's own path
                    return await super()._initialize(notebook_path, kernel_id, **kwargs)
                warming = state["warming"]
                t0 = time.monotonic()
                me = asyncio.current_task()
                # A refill waits for the class to stop arriving (quiet_s without a new
                # visitor) and for the CPU to calm down (1-min load below the core
                # count), at most max_defer_s: visitors' pages first, the pool after.
                waited_from = time.monotonic()
                # Kernels forked from a warm parent (voila/zygote.py) cost the notebook's run
                # only: the pool of the page being opened refills at once, following demand.
                forked = _forking()
                if forked and not warming and me not in urgent:
                    # Refill at once while more of the class may still come for this page; the
                    # top-ups beyond the class size wait until the class has arrived (CPU for
                    # the visitors' own pages meanwhile).
                    # (A visitor may come to wait for this very kernel meanwhile: it goes at once.)
                    while (
                        me not in urgent
                        and not refill_now(notebook_path)
                        and time.monotonic() - state["last_take"] < FORKED_QUIET_S
                    ):
                        await asyncio.sleep(0.1)
                    refills = state["burst_refills"]
                    refills[notebook_path] = refills.get(notebook_path, 0) + 1
                while not warming and me not in urgent and not forked:
                    quiet = time.monotonic() - state["last_take"] >= quiet_s
                    calm = _load() < cores
                    if (quiet and calm) or (quiet and time.monotonic() - waited_from > max_defer_s):
                        break
                    await asyncio.sleep(0.5)
                # The kernel warms at low CPU priority, and gets the normal one when a visitor
                # takes it or waits for it (voila/priority.py).
                prio = getattr(me, "_rb_priority", None) or Priority()
                if me in urgent:
                    prio.boost()
                if me is not None:
                    me._rb_priority = prio
                token = STARTING.set(prio)
                try:
                    if me in urgent and not forked:
                        # A visitor is already waiting for this very kernel: no queueing. (Forked
                        # kernels take ~1 s each: they queue, at most one per core, as CPU allows.)
                        t1 = time.monotonic()
                        content = await self._rb_start_warm(notebook_path, **kwargs)
                        urgent.discard(me)
                    else:
                        async with self._rb_sem(warming):
                            t1 = time.monotonic()
                            content = await self._rb_start_warm(notebook_path, **kwargs)
                finally:
                    STARTING.reset(token)
                took = time.monotonic() - t1
                if warming:
                    state["warm"] += 1
                    say(f"kernel {state['warm']}/{expected} warm ({notebook_path}, {took:.1f} s)")
                    if state["warm"] >= expected and not state["ready_said"]:
                        state["warming"] = False
                        state["ready_at"] = time.monotonic()
                        state["ready_said"] = True
                        say(f"ready: {expected} pre-heated kernel(s) waiting. {ready_message}".rstrip())
                else:
                    self.log.info(
                        "runback: pool refilled for %s in %.1f s (queued %.1f s)", notebook_path, took, t1 - t0
                    )
                return content

            def _rb_rebalance(self, taken: str) -> None:
                """Pools follow the class: a page being opened refills (Voila), and a page
                nobody has opened for ``REBALANCE_IDLE_S`` gives up one idle pre-heated kernel
                per take, down to ``REBALANCE_FLOOR``, so the memory goes where the class is."""
                now = time.monotonic()
                takes = state["burst_at"]  # page -> when a visitor last took one of its kernels
                candidates = [
                    (len(p), nb)
                    for nb, p in self._pools.items()
                    if nb != taken
                    and len(p) > REBALANCE_FLOOR
                    and (nb not in takes or now - takes[nb] > REBALANCE_IDLE_S)
                    and p[-1].done()
                    and not p[-1].cancelled()
                    and p[-1].exception() is None
                ]
                if not candidates:
                    return
                _, nb = max(candidates)
                item = self._pools[nb].pop()
                content = item.result()

                async def retire():
                    # End the page's run cleanly before the kernel goes (a run still going when
                    # its kernel stops logs "Kernel died" for every remaining cell): stop after
                    # the current cell (Voila's own switch, as when a visitor takes a kernel),
                    # and answer that cell, which waits for a visitor's link, with no link.
                    kid, task = content["kernel_id"], content["task"]
                    renderer = content.get("renderer")
                    if renderer is not None:
                        renderer.stop_generator = True
                    RequestInfoSocketHandler.send_updates({"kernel_id": kid, "payload": json.dumps({})})
                    try:
                        await asyncio.wait_for(asyncio.shield(task), 15)
                    except BaseException:  # noqa: BLE001 - too slow or failed: shut it down anyway
                        task.cancel()
                    # The page's run stopped before its end, so Voila never closed the run's
                    # kernel client: its channels (heartbeat, iopub ...) would go on reconnecting
                    # to the dead kernel's ports, and a new kernel bound to one of them got their
                    # frames on its shell socket ("DELIM not in msg_list", thousands per soak).
                    kc = getattr(getattr(renderer, "executor", None), "kc", None)
                    if kc is not None:
                        try:
                            kc.stop_channels()
                        except Exception:  # noqa: BLE001 - already stopped
                            pass
                    try:
                        await super(RunbackKernelManager, self).shutdown_kernel(kid, now=True)
                    except Exception:  # noqa: BLE001 - already gone
                        pass
                    self.log.info(
                        "runback: pool of %s down to %d (the class opened %s)", nb, len(self._pools[nb]), taken
                    )

                asyncio.ensure_future(retire())

            async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
                now = time.monotonic()
                burst = state["burst"]
                if now - state["burst_at"].get(notebook_name, -1e9) > FORKED_QUIET_S:
                    burst[notebook_name] = 0
                    state["burst_refills"][notebook_name] = 0
                burst[notebook_name] = burst.get(notebook_name, 0) + 1
                state["burst_at"][notebook_name] = now
                state["last_take"] = now
                if classroom and _forking() and not state["warming"] and notebook_name != landing:
                    try:
                        self._rb_rebalance(notebook_name)
                    except Exception:  # noqa: BLE001 - rebalancing is an optimisation only
                        self.log.exception("runback: pool rebalancing failed")
                pool = self._pools.get(notebook_name) or []
                if pool and not pool[0].done():
                    urgent.add(pool[0])
                    prio = getattr(pool[0], "_rb_priority", None)
                    if prio is not None:
                        prio.boost()  # a visitor waits for it: normal priority from now
                render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(
                    notebook_name, *args, **kwargs
                )
                try:
                    kernel = self.get_kernel(kernel_id)
                    # Taken from the pool now: the culler counts idleness from here.
                    kernel.last_activity = utcnow()
                    # ... and it serves a visitor: normal CPU priority (voila/priority.py), also
                    # for a process that replaces it (an automatic restart).
                    prio = getattr(kernel.provisioner, "rb_priority", None)
                    if prio is not None:
                        prio.boost()
                except Exception:  # noqa: BLE001 - best effort, the kernel may be gone
                    pass
                return render_task, rendered_cache, kernel_id

            def pool_sizes(self) -> dict:
                return {nb: len(p) for nb, p in self._pools.items()}

        RunbackKernelManager.__name__ = "RunbackKernelManager"
        return RunbackKernelManager

    def refill_now(notebook: str) -> bool:
        """A refill is needed now: the refills started in this burst of takes of ``notebook``
        (takes less than ``FORKED_QUIET_S`` apart) have not yet made up the class
        (``visitors``, and ``SPARE_VISITORS`` more) beyond what the page's initial pool held.
        Counted at the start of a refill, not at the take: Voila starts a refill
        ``fill_delay`` after its take, by when more of the class has come. Without a class
        size every refill is needed now."""
        if not visitors or not plan:
            return True
        return refills_wanted(state["burst_refills"].get(notebook, 0), visitors, plan.get(notebook, 0))

    factory._runback_original = original
    vapp.voila_kernel_manager_factory = factory

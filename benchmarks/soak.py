"""Soak: a class using the dashboards for a while, then leaving.

``make soak`` (default 30 visitors x 10 minutes; not in CI) starts
``runback serve --classroom N`` with a short culling timeout, lets N visitors
use random dashboards with random interactions (now and then a move to
another dashboard), then closes every tab and checks the findings below.
``make soak`` uses protocol-level visitors (``--visitor protocol``, see
benchmarks/classroom.py: what a browser does to the server, without 30
Chromiums on the server's cores; a control moved = a widget comm "update",
awaited until the kernel is idle; kernel errors and tracebacks on stderr
count as page errors); ``--visitor browser`` uses Chromium contexts (sliders by
keyboard, ticks, dropdowns, buttons). Checks:

* 0 page errors, 0 console errors (beyond the harness allow-list), no error
  text on any page (protocol: no page without its dashboard), no traceback in
  the server log;
* the kernels return to the pool size within the culling window;
* the server's and kernels' memory returns near its level before the class.

A short version (5 visitors x 30 s) runs in the test suite
(tests/browser/test_classroom_soak.py) through ``soak()``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.classroom import (  # noqa: E402
    CHROMIUM_FLAGS,
    FIRST_PLOT_JS,
    LostDashboard,
    chromium_executable,
    fmt_mem,
    is_allowed_console_error,
    kernel_pids,
    memory,
    open_page,
    pick_random_control,
    prepare_notebooks,
    start_runback,
)
from tests.conftest import run_async  # noqa: E402  (asyncio.run in a thread of its own)

ERROR_TEXT_JS = (
    "() => Array.from(document.querySelectorAll("
    "'.jp-RenderedText[data-mime-type=\"application/vnd.jupyter.stderr\"], .jp-OutputArea-output pre, .rb-error'))"
    ".filter(e => e.offsetParent).map(e => e.innerText.slice(0, 200)).filter(t => /Traceback|Error|Exception|went wrong/i.test(t))"
)

#: Controls a soak visitor plays with (visible ones only).
PLAY = [
    ".widget-slider .noUi-handle",
    ".widget-checkbox input[type=checkbox]",
    ".widget-dropdown select",
    ".widget-toggle-button",
    ".widget-toggle-buttons button",
    ".widget-button",
]


async def play_once(page, rng: random.Random) -> str:
    sel = rng.choice(PLAY)
    loc = page.locator(sel)
    n = await loc.count()
    if n == 0:
        return ""
    el = loc.nth(rng.randrange(n))
    if not await el.is_visible():
        return ""
    if "noUi-handle" in sel:
        await el.focus()
        for _ in range(rng.randint(1, 4)):
            await page.keyboard.press(rng.choice(["ArrowRight", "ArrowLeft", "PageUp", "PageDown"]))
    elif sel.endswith("select"):
        k = await el.evaluate("e => e.options.length")
        if k:
            await el.select_option(index=rng.randrange(k))
    else:
        await el.click(timeout=5000)
    return sel


async def soak_visitor(browser, server, dashboards, seconds, rng, report, idx, arrive_at, t0):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + arrive_at - loop.time()))
    ctx = await browser.new_context(
        viewport=rng.choice([{"width": 1366, "height": 900}, {"width": 375, "height": 812}])
    )
    page = await ctx.new_page()
    mine = {"page_errors": [], "console": [], "error_text": [], "interactions": 0, "pages": 0, "failures": []}
    page.on("pageerror", lambda e: mine["page_errors"].append(str(e)[:300]))
    page.on(
        "console",
        lambda m: (
            mine["console"].append(m.text[:300]) if m.type == "error" and not is_allowed_console_error(m.text) else None
        ),
    )
    # Each visitor uses the dashboards for ``seconds`` once its first page is up.
    end = loop.time() + seconds + 240.0
    first = True
    try:
        while loop.time() < end:
            nb = rng.choice(dashboards)
            try:
                await page.goto(server.url(nb), timeout=180_000)
                await page.wait_for_function(FIRST_PLOT_JS, timeout=180_000, polling=200)
                mine["pages"] += 1
                if first:
                    first = False
                    end = loop.time() + seconds
            except Exception as exc:  # noqa: BLE001
                mine["failures"].append(f"{nb}: {type(exc).__name__}: {str(exc).splitlines()[0][:150]}")
                continue
            # Stay on this dashboard for a while, playing; sometimes move on.
            while loop.time() < end:
                try:
                    if await play_once(page, rng):
                        mine["interactions"] += 1
                except Exception:  # noqa: BLE001 - a control that vanished or was covered: not a page error
                    pass
                await asyncio.sleep(rng.uniform(0.5, 2.5))
                if rng.random() < 0.04:
                    break
            mine["error_text"] += await page.evaluate(ERROR_TEXT_JS)
    finally:
        try:
            mine["error_text"] += await page.evaluate(ERROR_TEXT_JS)
        except Exception:  # noqa: BLE001
            pass
        await ctx.close()
    report[idx] = mine


async def protocol_soak_visitor(server, dashboards, seconds, rng, report, idx, arrive_at, t0):
    """A soak visitor at the protocol level (see benchmarks/classroom.py, ``open_page``):
    opens a random dashboard, moves random controls (each awaited until the kernel is
    idle again), now and then moves on to another dashboard. Kernel errors (an error
    message, or a traceback on stderr) are this visitor's errors."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + arrive_at - loop.time()))
    mine = {"page_errors": [], "console": [], "error_text": [], "interactions": 0, "pages": 0, "failures": []}
    end = loop.time() + seconds + 240.0
    first = True

    def kernel_error(h, c) -> str:
        if h["msg_type"] == "error":
            return f"{c.get('ename')}: {c.get('evalue')}"[:300]
        if (
            h["msg_type"] == "stream"
            and c.get("name") == "stderr"
            and ("Traceback" in c.get("text", "") or "Error" in c.get("text", ""))
        ):
            return c["text"][:300]
        return ""

    while loop.time() < end:
        nb = rng.choice(dashboards)
        try:
            page = await open_page(server, nb, loop.time() + 180.0)
        except LostDashboard as exc:
            mine["error_text"].append(f"{nb}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001
            mine["failures"].append(f"{nb}: {type(exc).__name__}: {str(exc).splitlines()[0][:150] if str(exc) else ''}")
            await asyncio.sleep(2.0)  # as a person would, before trying again
            continue
        mine["pages"] += 1
        if first:
            first = False
            end = loop.time() + seconds
        try:
            while loop.time() < end:
                pick = pick_random_control(page.states, rng)
                if pick is not None:
                    mid, new_state = pick
                    sent = page.socket.send(
                        "shell",
                        "comm_msg",
                        {"comm_id": mid, "data": {"method": "update", "state": new_state, "buffer_paths": []}},
                    )
                    page.states[mid]["state"].update(new_state)

                    def done(ch, h, p, c, sent=sent, nb=nb, states=page.states):
                        err = kernel_error(h, c)
                        if err:
                            mine["page_errors"].append(f"{nb}: {err}")
                        # Keep the widgets' states as a browser does: a control's options can
                        # change with another control (an index valid a moment ago may not be).
                        data = c.get("data") or {}
                        if h["msg_type"] == "comm_msg" and data.get("method") == "update":
                            if c.get("comm_id") in states:
                                states[c["comm_id"]]["state"].update(data.get("state") or {})
                        elif h["msg_type"] == "comm_open" and isinstance(data.get("state"), dict):
                            st = data["state"]
                            states[c.get("comm_id")] = {"model_name": st.get("_model_name", ""), "state": st}
                        return (
                            h["msg_type"] == "status" and p.get("msg_id") == sent and c.get("execution_state") == "idle"
                        )

                    await page.socket.until(done, loop.time() + 120.0)
                    mine["interactions"] += 1
                await asyncio.sleep(rng.uniform(0.5, 2.5))
                if rng.random() < 0.04:
                    break
        except Exception as exc:  # noqa: BLE001
            mine["failures"].append(f"{nb}: {type(exc).__name__}: {str(exc).splitlines()[0][:150] if str(exc) else ''}")
        finally:
            page.socket.ws.close()
    report[idx] = mine


async def _run_protocol_visitors(server, dashboards, visitors, seconds, arrive_over, seed):
    rng = random.Random(seed)
    report: dict = {}
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    gap = arrive_over / max(visitors - 1, 1)
    await asyncio.gather(
        *[
            protocol_soak_visitor(server, dashboards, seconds, random.Random(rng.random()), report, i, i * gap, t0)
            for i in range(visitors)
        ]
    )
    return report


async def _run_visitors(server, dashboards, visitors, seconds, arrive_over, seed):
    from playwright.async_api import async_playwright

    rng = random.Random(seed)
    report: dict = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS, headless=True)
        try:
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            gap = arrive_over / max(visitors - 1, 1)
            await asyncio.gather(
                *[
                    soak_visitor(
                        browser, server, dashboards, seconds, random.Random(rng.random()), report, i, i * gap, t0
                    )
                    for i in range(visitors)
                ]
            )
        finally:
            await browser.close()
    return report


def soak(
    visitors: int = 30,
    seconds: float = 600.0,
    pool: int | None = None,
    cull_timeout: int = 60,
    arrive_over: float = 10.0,
    seed: int = 1,
    log_dir: Path | None = None,
    focus: str | None = None,
    settle_limit: float | None = None,
    only: list[str] | None = None,
    visitor: str = "browser",
) -> dict:
    """Run a soak and return its findings (see module doc). ``visitor``: "browser"
    (Chromium contexts) or "protocol" (protocol-level visitors)."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="runback-soak-"))
    folder, dashboards = prepare_notebooks(log_dir, only=only)
    pool = visitors if pool is None else pool
    extra = [f"--cull-idle-timeout={cull_timeout}"] + ([f"--focus={focus}"] if focus else [])
    if focus:
        dashboards = [focus if focus.endswith(".ipynb") else focus + ".ipynb"]
    srv = start_runback(folder, pool, log_dir, extra=extra)
    try:
        time.sleep(2.0)
        pool_kernels = len(kernel_pids(srv.proc.pid))
        mem0 = memory(srv.proc.pid)
        log_start = len(srv.log())
        t_start = time.monotonic()
        run = _run_protocol_visitors if visitor == "protocol" else _run_visitors
        report = run_async(
            run(srv, dashboards, visitors, seconds, arrive_over, seed)
        )  # own thread: pytest may run a loop
        used_s = time.monotonic() - t_start
        # The class has left. Kernels back to the pool size within the culling window
        # (idle timeout + a cull interval + the pool's refill), memory back near its start.
        # (+ up to 120 s: a refill waits for a calm CPU, see runback_widgets/voila/pool.py)
        limit = settle_limit if settle_limit is not None else cull_timeout + min(30, max(1, cull_timeout // 2)) + 180.0
        t_left = time.monotonic()
        counts = []
        while True:
            n = len(kernel_pids(srv.proc.pid))
            counts.append(n)
            # (At most the pool size: in classroom mode pages nobody opened lately may have
            # given pre-heated kernels to the pages the class used: pools follow the class.)
            if n <= pool_kernels or time.monotonic() - t_left > limit:
                break
            time.sleep(2.0)
        settle_s = time.monotonic() - t_left
        time.sleep(3.0)
        mem1 = memory(srv.proc.pid)
        log = srv.log()[log_start:]
    finally:
        srv.stop()
    pages = list(report.values())
    return {
        "visitors": visitors,
        "seconds": seconds,
        "used_s": used_s,
        "pool_kernels": pool_kernels,
        "kernels_after": counts[-1] if counts else None,
        "peak_kernels_after_leaving": max(counts) if counts else None,
        "settle_s": settle_s,
        "settle_limit_s": limit,
        "returned_to_pool": bool(counts) and counts[-1] <= pool_kernels,
        "page_errors": sum((r["page_errors"] for r in pages), []),
        "console_errors": sum((r["console"] for r in pages), []),
        "error_text": sum((r["error_text"] for r in pages), []),
        "load_failures": sum((r["failures"] for r in pages), []),
        "interactions": sum(r["interactions"] for r in pages),
        "page_loads": sum(r["pages"] for r in pages),
        "server_tracebacks": log.count("Traceback (most recent call last)"),
        "traceback_excerpt": log[log.find("Traceback") :][:1500] if "Traceback" in log else "",
        "mem_before": mem0,
        "mem_after": mem1,
        "log_dir": str(log_dir),
    }


def report_text(r: dict) -> str:
    m0, m1 = r["mem_before"], r["mem_after"]
    tot0 = m0["server_pss"] + m0["kernels_pss"]
    tot1 = m1["server_pss"] + m1["kernels_pss"]
    return "\n".join(
        [
            f"soak: {r['visitors']} visitors x {r['seconds']:.0f} s: {r['page_loads']} page loads, {r['interactions']} interactions",
            f"   page errors {len(r['page_errors'])}, console errors {len(r['console_errors'])}, error text on pages {len(r['error_text'])}, "
            f"load failures {len(r['load_failures'])}, server log tracebacks {r['server_tracebacks']}",
            f"   kernels: pool {r['pool_kernels']}; after leaving {r['kernels_after']} after {r['settle_s']:.0f} s "
            f"(limit {r['settle_limit_s']:.0f} s) -> {'back to pool size' if r['returned_to_pool'] else 'NOT back to pool size'}",
            f"   memory before: {fmt_mem(m0)}",
            f"   memory after:  {fmt_mem(m1)}  ({(tot1 - tot0):+.0f} MB PSS)",
        ]
        + [f"   page error: {e}" for e in r["page_errors"][:5]]
        + [f"   console error: {e}" for e in r["console_errors"][:5]]
        + [f"   error text: {e}" for e in r["error_text"][:5]]
        + [f"   load failure: {e}" for e in r["load_failures"][:5]]
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="runback soak: a class using the dashboards, then leaving")
    ap.add_argument("--visitors", "-n", type=int, default=30)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=None, help="overrides --minutes")
    ap.add_argument("--pool", type=int, default=None, help="--classroom N for the server (default: visitors)")
    ap.add_argument("--cull-timeout", type=int, default=60, help="kernel idle culling timeout in seconds (default 60)")
    ap.add_argument(
        "--visitor",
        choices=["protocol", "browser"],
        default="protocol",
        help="protocol-level visitors (default; a class's browsers are not on the server) or Chromium contexts",
    )
    ap.add_argument("--json", help="write the findings to this JSON file")
    args = ap.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    r = soak(args.visitors, seconds, pool=args.pool, cull_timeout=args.cull_timeout, visitor=args.visitor)
    print(report_text(r), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2, default=str))
    ok = (
        not (r["page_errors"] or r["console_errors"] or r["error_text"] or r["server_tracebacks"])
        and r["returned_to_pool"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

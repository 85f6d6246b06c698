"""Memory per dashboard kernel, for sizing a class server (docs/instructor-guide.md).

Starts the real ``runback serve``, opens each notebook in Chromium (so the
widgets and figures are really synced to a browser, as for a student), waits
until the page has rendered and its plots are drawn, then reads the resident
memory (RSS) and unique memory (USS) of the server and of every kernel with psutil.

    .venv/bin/python benchmarks/kernel_memory.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser harness lives in tests/

from tests.browser.harness import CHROMIUM_FLAGS, chromium_executable, notebook_names, open_dashboard, start_server  # noqa: E402

MB = 2**20


def _kernels(server_pid: int) -> dict[int, psutil.Process]:
    out = {}
    for c in psutil.Process(server_pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(c.cmdline()):
                out[c.pid] = c
        except psutil.Error:
            pass
    return out


def main() -> int:
    from playwright.sync_api import sync_playwright

    server = start_server(Path(tempfile.mkdtemp(prefix="runback-mem-")))
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS, headless=True)
            pages = []
            for nb in notebook_names():
                before = set(_kernels(server.proc.pid))
                t0 = time.monotonic()
                dp = open_dashboard(browser, server, nb)
                n = dp.page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
                if n:
                    dp.wait_plots()
                dp.wait_settled()
                elapsed = time.monotonic() - t0
                time.sleep(2)
                new = [k for pid, k in _kernels(server.proc.pid).items() if pid not in before]
                for k in new:
                    mi = k.memory_full_info()
                    rows.append((nb, k.pid, mi.rss / MB, mi.uss / MB, elapsed))
                pages.append(dp)  # keep every page open: a student with all four tabs
            srv = psutil.Process(server.proc.pid).memory_full_info()
            total = sum(k.memory_info().rss for k in _kernels(server.proc.pid).values()) / MB
            for dp in pages:
                dp.close()
            browser.close()
    finally:
        server.stop()
    print(f"{'page':28s} {'kernel pid':>10s} {'RSS MB':>8s} {'USS MB':>8s} {'open s':>7s}")
    for nb, pid, rss, uss, el in rows:
        print(f"{nb:28s} {pid:10d} {rss:8.1f} {uss:8.1f} {el:7.1f}")
    print(f"{'server (voila)':28s} {server.proc.pid:10d} {srv.rss / MB:8.1f} {srv.uss / MB:8.1f}")
    print(f"all kernels of one visitor with every page open: {total:.0f} MB RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

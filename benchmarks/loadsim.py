"""Benchmark: run load simulator speed (printed, not asserted).

Run: .venv/bin/python benchmarks/loadsim.py
Targets (issues 3 and 11): 60-min run <= 2 ms median; cohort 1000 x 90 min <= 0.3 s; the uncertainty
band (200 parameter draws) is reported, and the slider update that recomputes run + band + 3 figures
must stay <= 100 ms. The reference solver (scipy RK45, tests/unit/loadsim_reference.py) checks accuracy.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.unit.loadsim_reference (scipy-free reference, tests only)

from runback_widgets.loadsim import PRESETS, RunPlan, simulate_cohort, simulate_run  # noqa: E402
from runback_widgets.loadsim.model import GROUPS, sample_cohort, uncertainty_band  # noqa: E402
from tests.unit.loadsim_reference import reference_run  # noqa: E402

CPU: dict[int, list] = {}


def timeit(fn, repeat):
    """Wall-clock times; the CPU time of the same calls is kept in CPU (on a shared, loaded machine the
    CPU time is the better estimate of what an idle machine would see)."""
    times, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[id(times)] = cpu
    return times


def cpu_median(times) -> float:
    return statistics.median(CPU[id(times)])


def main() -> None:
    runner, plan = PRESETS["weak_glutes"]
    simulate_run(runner, plan)
    single = timeit(lambda: simulate_run(runner, plan), 300)
    med_single = statistics.median(single)
    print(
        f"simulate_run, 60 min:            median {med_single * 1e3:.3f} ms  (min {min(single) * 1e3:.3f} ms, "
        f"CPU {cpu_median(single) * 1e3:.3f} ms)   target <= 2 ms"
    )

    kw = sample_cohort(runner, n=1000, spread=0.15, seed=0)
    plan90 = RunPlan(duration_min=90, speed_m_s=3.0)
    cohort = timeit(lambda: simulate_cohort(plan=plan90, **kw), 7)
    print(
        f"simulate_cohort, 1000 x 90 min:  median {statistics.median(cohort):.3f} s   (min {min(cohort):.3f} s, "
        f"CPU {cpu_median(cohort):.3f} s)   target <= 0.3 s"
    )

    band = timeit(lambda: uncertainty_band(runner, plan), 15)
    print(
        f"uncertainty band, 200 draws x 60 min: median {statistics.median(band) * 1e3:.1f} ms  (min {min(band) * 1e3:.1f} ms, "
        f"CPU {cpu_median(band) * 1e3:.1f} ms)   "
        f"= {statistics.median(band) / med_single:.0f} single runs"
    )

    from runback_widgets.loadsim.widget import RunLoadSimulator

    app = RunLoadSimulator()
    values = [0.45 + 0.05 * (i % 10) for i in range(40)]
    upd = []
    for v in values:
        t0 = time.perf_counter()
        app.control("strength_hip_abductors").value = v  # a slider drag: run + band + 3 figures + text
        upd.append(time.perf_counter() - t0)
    print(
        f"dashboard slider update (kernel side, incl. band): median {statistics.median(upd) * 1e3:.1f} ms   target <= 100 ms"
    )

    t0 = time.perf_counter()
    res = simulate_run(runner, plan)
    F, index, _ = reference_run(runner, plan, res.time_s)
    t_ref = time.perf_counter() - t0
    worst = max(float(np.abs(res.fatigue[g] - F[:, j]).max()) for j, g in enumerate(GROUPS))
    print(
        f"reference (scipy RK45, rtol 1e-9): {t_ref:.2f} s for one 60-min run; max |df| vs fast = {worst:.5f}, "
        f"max |d index| = {float(np.abs(res.lumbar_load_index - index).max()):.5f}"
    )


if __name__ == "__main__":
    main()

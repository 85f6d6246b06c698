"""Benchmark: run load simulator speed (printed, not asserted).

Run: .venv/bin/python benchmarks/loadsim.py
Targets (issue 3): 60-min run <= 2 ms median; cohort 1000 x 90 min <= 0.3 s;
fast model >= 200x faster than the intra-stride reference at max |dMF| <= 0.02.
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
from runback_widgets.loadsim.model import GROUPS, sample_cohort  # noqa: E402
from tests.unit.loadsim_reference import simulate_reference  # noqa: E402


def timeit(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    runner, plan = PRESETS["weak_glutes"]
    simulate_run(runner, plan)
    single = timeit(lambda: simulate_run(runner, plan), 300)
    med_single = statistics.median(single)
    print(f"simulate_run, 60 min:            median {med_single * 1e3:.3f} ms  (min {min(single) * 1e3:.3f} ms)   target <= 2 ms")

    kw = sample_cohort(runner, n=1000, spread=0.15, seed=0)
    plan90 = RunPlan(duration_min=90, speed_m_s=3.0)
    cohort = timeit(lambda: simulate_cohort(plan=plan90, **kw), 7)
    print(f"simulate_cohort, 1000 x 90 min:  median {statistics.median(cohort):.3f} s   (min {min(cohort):.3f} s)   target <= 0.3 s")

    from runback_widgets.loadsim.widget import RunLoadSimulator

    app = RunLoadSimulator()
    values = [0.45 + 0.05 * (i % 10) for i in range(40)]
    upd = []
    for v in values:
        t0 = time.perf_counter()
        app._strength["hip_abductors"].value = v  # what a slider drag does: model + 3 figures in batch_update
        upd.append(time.perf_counter() - t0)
    print(f"dashboard slider update (kernel side): median {statistics.median(upd) * 1e3:.1f} ms   target <= 100 ms")

    t0 = time.perf_counter()
    times, mf = simulate_reference([(runner, plan)], dt=0.005, duration_min=60.0)
    t_ref = time.perf_counter() - t0
    res = simulate_run(runner, plan)
    worst = max(float(np.abs(np.interp(times, res.time_s, res.fatigue[g]) - mf[:, 0, j]).max()) for j, g in enumerate(GROUPS))
    print(f"reference (full 3CC, 5-ms steps): {t_ref:.2f} s for one 60-min run (deliberately brute force); max |dMF| vs fast = {worst:.4f} (<= 0.02)")
    print(f"speed-up fast vs reference:       {t_ref / med_single:,.0f} x   target >= 200 x")


if __name__ == "__main__":
    main()

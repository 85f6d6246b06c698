"""Scan how far the run load simulator's takeover minute moves per 0.01 of hip strength (issue 11, A7).

Run: nice .venv/bin/python tools/loadsim_takeover_scan.py [--quick]

Finer than the acceptance grid (tests/unit/test_loadsim_acceptance.py): hip strength 0.30-1.50 by 0.002
(both hips, abductors alone, extensors alone), speeds 1.5-6 m/s by 0.25, body mass 40-130 kg, training
base 1, 12 and 52 weeks, one 180-min run each (a shorter run's takeover is the same crossing, cut at its
end). Prints the largest move of the takeover minute between runners 0.01 of strength apart (both
taking over) within 60, 120 and 180 min, and where it happens; and whether a takeover ever reappears
as strength rises.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runback_widgets.loadsim import RunPlan, simulate_cohort  # noqa: E402
from runback_widgets.loadsim.model import GROUPS  # noqa: E402

MODES = {"both hips": (0, 1), "hip_abductors": (GROUPS.index("hip_abductors"),), "hip_extensors": (1,)}


def worst_step(s: np.ndarray, t: np.ndarray, per: float = 0.01):
    stride = int(round(per / (s[1] - s[0])))
    a, b = t[:-stride], t[stride:]
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any():
        return 0.0, None
    d = np.where(both, np.abs(b - a), 0.0)
    j = int(np.argmax(d))
    return float(d[j]), float(s[j])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="the acceptance grid's ranges only (2-5 m/s, 50-90 kg)")
    args = ap.parse_args()
    s = np.round(np.arange(0.30, 1.50001, 0.002), 3)
    speeds = np.arange(2.0, 5.001, 0.25) if args.quick else np.arange(1.5, 6.001, 0.25)
    masses = (50, 70, 90) if args.quick else (40, 50, 60, 70, 80, 90, 110, 130)
    weeks = (12,) if args.quick else (1, 12, 52)
    worst = dict.fromkeys((60, 120, 180), (0.0, None))
    reappears = []
    for mode, cols in MODES.items():
        S = np.ones((s.size, 4))
        for c in cols:
            S[:, c] = s
        for v in speeds:
            for m in masses:
                for w in weeks:
                    t = simulate_cohort(S, RunPlan(180, float(v)), body_mass_kg=m, training_weeks=w).takeover_min
                    for T in worst:
                        tt = np.where(t <= T, t, np.nan)
                        fin = np.isfinite(tt)
                        if np.any(fin[1:] & ~fin[:-1]):
                            reappears.append((mode, float(v), m, w, T))
                        step, at = worst_step(s, tt)
                        if step > worst[T][0]:
                            worst[T] = (step, (mode, float(v), m, w, at))
    for T, (step, where) in worst.items():
        print(f"runs up to {T} min: worst move {step:.2f} min per 0.01 of strength at {where}")
    print("takeover reappears with more strength:", reappears or "never")


if __name__ == "__main__":
    main()

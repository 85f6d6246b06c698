"""Reference solver for the run load simulator v2 (tests and benchmarks only).

An independent, deliberately plain implementation of the model equations in
the module docstring of ``runback_widgets.loadsim.model`` (it shares only the
parameter table): task demands from Keller's ground-reaction-force line,
capacity sharing in the lumbar task, sigmoid trunk-lean compensation and the
effort-dose fatigue ODE

    df/dt = r · (a / (1 - f))^n · (1 - f / f_max)

solved with scipy's adaptive Runge-Kutta (RK45, rtol 1e-9) instead of the
model's 20-s exponential steps. What it checks: the fast integrator, the
vectorised cohort path and the packaging (index, ratio, takeover) against a
straightforward solution of the same equations.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from runback_widgets.loadsim.params import resolve

GROUPS = ("hip_abductors", "hip_extensors", "deep_core", "lumbar_extensors")


def _sig(z):
    return 1.0 / (1.0 + math.exp(-z))


class Reference:
    def __init__(self, runner, plan, params=None):
        P = self.P = resolve(params)
        self.n = P["fatigue.dose_exponent"]
        self.fmax = P["fatigue.max_loss"]
        cad = plan.cadence_spm if plan.cadence_spm is not None else self.cadence(plan.speed_m_s)
        self.x = self.demands(plan.speed_m_s, runner.body_mass_kg, cad)
        b = self.base(runner.training_weeks)
        s = [runner.strength[g] for g in GROUPS]
        wd = P["deep_core.lumbar_weight"]
        self.cap0 = [s[0] * b, s[1] * b, wd * s[2] * b, (1 - wd) * s[3] * b]
        # dose coefficients, calibrated as documented in params (Riazati et al. 2020)
        vc = P["fatigue.calibration_speed"]
        a_cal = self.demands(vc, P["run.reference_mass"], self.cadence(vc))[0] / self.base(
            P["run.reference_training_weeks"]
        )
        loss = P["fatigue.calibration_loss"]
        r_hip = (
            -self.fmax
            * math.log(1 - loss / self.fmax)
            * (1 - loss / 2) ** self.n
            / (a_cal**self.n * P["fatigue.calibration_minutes"] * 60)
        )
        r_trunk = r_hip * P["fatigue.trunk_F"] / P["fatigue.hip_F"]
        self.r = [r_hip, r_hip, r_trunk, r_trunk]
        self.duration_s = plan.duration_min * 60

    def cadence(self, v):
        P = self.P
        return P["run.cadence_at_reference"] + P["run.cadence_slope"] * (v - P["run.reference_speed"])

    def grf(self, v):
        P = self.P
        slope = (P["run.grf_fast"] - P["run.grf_slow"]) / (P["run.grf_fast_speed"] - P["run.grf_slow_speed"])
        return P["run.grf_slow"] + slope * (v - P["run.grf_slow_speed"])

    def base(self, weeks):
        P = self.P
        return 1 - (1 - P["training.untrained_capacity"]) * math.exp(-weeks / P["training.base_time_constant"])

    def demands(self, v, mass, cad):
        P = self.P
        G = self.grf(v) / self.grf(P["run.reference_speed"])
        common = (mass / P["run.reference_mass"]) ** P["run.mass_exponent"] * (cad / self.cadence(v)) ** (
            -P["run.cadence_exponent"]
        )
        return [
            P["hip_abductors.effort_ref"] * G ** P["hip_abductors.speed_exponent"] * common,
            P["hip_extensors.effort_ref"] * G ** P["hip_extensors.speed_exponent"] * common,
            P["lumbar.effort_ref"] * G ** P["lumbar.speed_exponent"] * common,
        ]

    def loads(self, f):
        """Delivered loads {HA, HE, DC, LE, passive}, lumbar-side total, and load / fresh capacity per group."""
        P = self.P
        mid, w = P["compensation.effort_mid"], P["compensation.effort_width"]
        cap = [c * (1 - fi) for c, fi in zip(self.cap0, f)]
        moved = 0.0
        hip = []
        for i in (0, 1):
            effort = self.x[i] / cap[i]
            frac = P["compensation.max_fraction"] * _sig((effort - mid) / w)
            hip.append(self.x[i] * (1 - frac))
            moved += P["compensation.transfer_gain"] * frac * self.x[i]
        lumbar = self.x[2] + moved * (1 - P["compensation.passive_fraction"])
        lumbar_cap = cap[2] + cap[3]
        to_passive = P["passive.max_fraction"] * _sig((lumbar / lumbar_cap - mid) / w)
        muscle = lumbar * (1 - to_passive)
        dc, le = muscle * cap[2] / lumbar_cap, muscle * cap[3] / lumbar_cap
        passive = moved * P["compensation.passive_fraction"] + lumbar * to_passive
        delivered = [hip[0], hip[1], dc, le]
        rel = [d / c for d, c in zip(delivered, self.cap0)]
        return {
            "HA": hip[0],
            "HE": hip[1],
            "DC": dc,
            "LE": le,
            "passive": passive,
            "lumbar_total": self.x[2] + moved,
        }, rel

    def rhs(self, t, f):
        _, rel = self.loads(f)
        return [self.r[i] * (rel[i] / (1 - f[i])) ** self.n * (1 - f[i] / self.fmax) for i in range(4)]

    def solve(self, times_s):
        sol = solve_ivp(
            self.rhs, (0.0, self.duration_s), [0.0] * 4, t_eval=times_s, method="RK45", rtol=1e-9, atol=1e-12
        )
        return sol.y.T


def reference_run(runner, plan, times_s, params=None):
    """Fatigue (T, 4), lumbar load index (T,) and hip : back ratio (T,) at ``times_s`` (reference solution)."""
    from runback_widgets.loadsim import Runner, RunPlan

    ref = Reference(runner, plan, params)
    F = ref.solve(np.asarray(times_s, dtype=float))
    P = ref.P
    base_model = Reference(
        Runner(body_mass_kg=P["run.reference_mass"], training_weeks=P["run.reference_training_weeks"]),
        RunPlan(duration_min=1.0, speed_m_s=P["run.reference_speed"]),
        params,
    )
    base, _ = base_model.loads([0.0] * 4)
    units = {
        "HA": P["output.share_hip_abductors"] / base["HA"],
        "HE": P["output.share_hip_extensors"] / base["HE"],
        "L": P["output.share_lumbar"] / base["lumbar_total"],
    }
    index, ratio = [], []
    for f in F:
        ld, _ = ref.loads(list(f))
        back = ld["LE"] + ld["passive"]
        index.append(back / (base["LE"] + base["passive"]))
        ratio.append((ld["HA"] * units["HA"] + ld["HE"] * units["HE"]) / (back * units["L"]))
    return F, np.array(index), np.array(ratio)

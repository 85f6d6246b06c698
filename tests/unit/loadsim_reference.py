"""Reference solver for the run load simulator v2 (tests and benchmarks only).

An independent, deliberately plain implementation of the model equations in
the module docstring of ``runback_widgets.loadsim.model`` (it shares only the
parameter table): task demands from Keller's ground-reaction-force line,
capacity sharing in the lumbar task, sigmoid trunk-lean compensation and the
effort-dose fatigue ODE

    df/dt = r · (a / (1 - f))^n · (1 - f / f_max) - R · f

solved with scipy's adaptive Runge-Kutta (RK45, rtol 1e-9) instead of the
model's 20-s exponential steps. What it checks: the fast integrator, the
vectorised cohort path and the packaging (index, ratio, takeover) against a
straightforward solution of the same equations. The calibrated rates r and R
are taken from the model (``_dose_rates``); that the calibration hits its two
anchors is checked separately in ``test_loadsim_model.py``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from runback_widgets.loadsim.model import _dose_rates
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
        self.cdref = wd * b
        r_hip, r_trunk, self.R = _dose_rates(P)
        self.r = [r_hip, r_hip, r_trunk * P["deep_core.fatigue_ratio"], r_trunk]
        self.duration_s = plan.duration_min * 60

    def cadence(self, v):
        P = self.P
        return P["run.cadence_at_reference"] + P["run.cadence_slope"] * (v - P["run.reference_speed"])

    def grf(self, v):
        """Walking's peak force, blended into the running line above the walk-run speed."""
        P = self.P
        slope = (P["run.grf_fast"] - P["run.grf_jog"]) / (P["run.grf_fast_speed"] - P["run.grf_jog_speed"])
        running = P["run.grf_jog"] + slope * (v - P["run.grf_jog_speed"])
        w = _sig((v - P["run.walk_run_speed"]) / P["run.walk_run_width"])
        return (1 - w) * P["run.grf_slow"] + w * running

    def scale(self, v):
        """Muscle demand relative to the reference run: walking's muscle demand per unit force is lower."""
        P = self.P
        w = _sig((v - P["run.walk_run_speed"]) / P["run.walk_run_width"])
        walking = P["run.walk_muscle_factor"] * P["run.grf_slow"]
        return ((1 - w) * walking + w * self.grf(v)) / self.grf(P["run.reference_speed"])

    def base(self, weeks):
        P = self.P
        return 1 - (1 - P["training.untrained_capacity"]) * math.exp(-weeks / P["training.base_time_constant"])

    def demands(self, v, mass, cad):
        P = self.P
        G = self.scale(v)
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
        taken_over = max(0.0, 1 - cap[2] / self.cdref)
        back = muscle * (1 + P["lumbar.takeover_cost"] * taken_over) + P["passive.load_weight"] * passive
        delivered = [hip[0], hip[1], dc, le]
        rel = [d / c for d, c in zip(delivered, self.cap0)]
        return {
            "HA": hip[0],
            "HE": hip[1],
            "DC": dc,
            "LE": le,
            "passive": passive,
            "lumbar_total": self.x[2] + moved,
            "back": back,
        }, rel

    def rhs(self, t, f):
        _, rel = self.loads(f)
        return [self.r[i] * (rel[i] / (1 - f[i])) ** self.n * (1 - f[i] / self.fmax) - self.R * f[i] for i in range(4)]

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
    total = P["output.share_hip_abductors"] + P["output.share_hip_extensors"] + P["output.share_lumbar"]
    units = {
        "HA": P["output.share_hip_abductors"] / total / base["HA"],
        "HE": P["output.share_hip_extensors"] / total / base["HE"],
        "back": P["output.share_lumbar"] / total / base["back"],
    }
    index, ratio = [], []
    for f in F:
        ld, _ = ref.loads(list(f))
        index.append(ld["back"] / base["back"])
        ratio.append((ld["HA"] * units["HA"] + ld["HE"] * units["HE"]) / (ld["back"] * units["back"]))
    return F, np.array(index), np.array(ratio)

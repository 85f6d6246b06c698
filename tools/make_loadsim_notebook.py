"""Regenerate notebooks/03-run-load-simulator.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_loadsim_notebook.py
Tasks and answers come from runback_widgets/content/loadsim.toml.
"""

from pathlib import Path

import tomllib
from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent
TEXT = tomllib.loads((ROOT / "runback_widgets" / "content" / "loadsim.toml").read_text(encoding="utf-8"))

tasks = "\n".join(
    f"{i}. {t['question']}\n   <details><summary>Answer</summary>{t['answer']}</details>"
    for i, t in enumerate(TEXT["task"], start=1)
)

write_notebook(
    ROOT / "notebooks" / "03-run-load-simulator.ipynb",
    [
        (
            "md",
            """
# Run load simulator: who carries the load when hips tire

## Goals

After this lesson you can:

- explain, with a model you can check, how weak or tiring hip and glute muscles could make the lower back
  work harder during a run (claim A09), and say why that is a hypothesis, not a proven cause (N20);
- read the model's equations: task demand, effort, sharing by capacity, smooth compensation, fatigue dose;
- say why new runners and runners coming back "too much, too soon" load their backs more (A04), and what
  strength training and a running base change (A14);
- tell which numbers come from papers and which are assumptions, and which conclusions survive the
  model's uncertainty (the shaded band).
""",
        ),
        (
            "md",
            r"""
## Background

**The hypothesis (A09, N20).** At every foot contact the pelvis must be held level and the trunk upright.
The article says that when weak hip and glute muscles tire, the lower back takes over. The studies that
link weak hips with back pain compared people at one point in time (cross-sectional and case-control
designs), so they cannot tell which came first; and when Chaudhari and colleagues tired novice runners'
core muscles on purpose, hip frontal-plane moments did not change (2020). This simulator shows what would
follow *if* the mechanism holds. Treat it as a hypothesis to test, not a fact (clinical note N20).

**Four muscle groups and passive tissue.** The **hip abductors** (gluteus medius and minimus), the
**hip extensors** (gluteus maximus), the **deep core** (multifidus, quadratus lumborum, psoas and the deep
fascicles of the erector spinae: the set Raabe & Chaudhari 2018 weakened) and the superficial **lumbar
extensors**. What the muscles do not carry falls on **passive tissue**: discs, facet joints, ligaments.

**1. Demand per task.** Each stance sets three tasks: holding the pelvis level in the frontal plane (hip
abductors), controlling hip and trunk in the sagittal plane (hip extensors) and controlling the trunk over
the pelvis (the lumbar task: deep core and lumbar extensors). A task's demand, as a fraction of the
maximal force of a fresh group of typical strength, is

$$x_\text{task} = x_\text{ref}\;G(v)^{k_\text{task}}\;\Bigl(\frac{m}{70\,\text{kg}}\Bigr)^{1/3}\Bigl(\frac{\text{cadence}}{\text{default cadence}}\Bigr)^{-k_c},$$

where $G(v)$ scales with the peak vertical ground reaction force relative to 3 m/s: when running, a straight
line from 1.8 × body weight slow jogging at 2 m/s to about 2.5 × body weight at 6 m/s; walking has 1.2 × body
weight at 1.5 m/s, and slow jogging more than 50 % above it (Keller et al. 1996). Walking also asks the hip
and trunk muscles less per unit of force (a nearly straight leg; the factor 0.6 is an assumption), and a
smooth sigmoid around 2 m/s blends walking into running, so an hour's walk costs the hips far less than an
hour's run. Gluteus
medius activity rises with running speed (Semciw et al. 2016, a systematic review); that the hip extensors'
demand rises more steeply (the largest exponent) is an assumption of the model. Trunk muscles work in
bursts at each step (transversus abdominis is tonic except when running at 3 m/s or faster, Saunders et al.
2004) and their activity rises with speed (Saunders et al. 2005), so no group in the model works without
rest. A quicker cadence at the same speed lowers the per-step load (an assumption: direction and size).

**2. Effort is task-bound.** A group's effort is its demand over its capacity:

$$e = \frac{x}{s \, b \,(1 - f)},$$

with $s$ its strength (× a typical trained runner), $b$ the running-base factor (assumption, claim A04) and
$f$ the fraction of capacity lost to fatigue. The deep core and the lumbar extensors share the lumbar task
**in proportion to their capacities**, so they work at the same effort, and a weak deep core hands part
of its work to the lumbar extensors at once, from the first step, as in Raabe & Chaudhari's simulations
(superficial muscles compensated with up to 45 ± 10 % more force; compression rose up to 15 %, shear up
to 19 %). The superficial muscles do the deep core's job less efficiently (Raabe & Chaudhari found their
compensating force up to 45 ± 10 % higher and upper-lumbar compression up to 15 % higher with the deep core
completely weak), so the index charges a cost for it (``lumbar.takeover_cost``, 0.3 per unit of the deep
core's capacity missing): a deep core at 0.5 raises the index by about 14 % from minute 0, at 0.3 by about
19 %.

**3. Compensation is a change of movement, and it is smooth.** As a hip group's effort rises, trunk lean
(a compensated Trendelenburg sideways, more forward lean in the sagittal plane) moves a fraction

$$c(e) = c_\text{max}\,\sigma\!\Bigl(\frac{e - e_\text{mid}}{w}\Bigr),\qquad \sigma(z) = \frac{1}{1 + e^{-z}}$$

of its demand off the hip. The lumbar task takes $g \cdot c\,x$ of it (part straight to passive tissue),
and a hard-working lumbar task passes a fraction $p(e_L)$ (the same sigmoid) to passive tissue. There is
no threshold, no order in which groups are asked, and no group that never rests.

**4. Fatigue while running is an effort dose with recovery.** Each group loses capacity at

$$\frac{df}{dt} = r\,e^{\,n}\Bigl(1 - \frac{f}{f_\text{max}}\Bigr) - R\,f,\qquad n = 2,$$

a power law in effort, the form that fits static endurance data best (Frey-Law & Avin 2010), with a
recovery term $R\,f$ that makes the loss level off in long runs. $r$ and $R$ are calibrated on two anchors
for a typical runner's two hip groups (their mean loss): 10.6 % in a 29-minute run at 3.45 m/s, the mean
loss over the hip **and knee** strength measures Riazati et al. (2020) took after a moderate continuous run
(32 min at 3.3 m/s for women, 26 min at 3.6 m/s for men; 12 % after high-intensity intervals), and 23.5 %
after 189 minutes, the knee-extensor loss Millet et al. (2003) measured after a 30-km race (taken at the
reference speed: an assumption). The trunk groups tire more slowly, by the ratio of the trunk and general
fatigue rates $F$ of Frey-Law, Looft & Heitsman (2012), and the deep core (rich in fatigue-resistant type I
fibres) more slowly still (assumed factor 0.75). An adaptive ODE solver in the tests agrees with the
simulator.

**5. Outputs.** The **lumbar load index** is the back load (deep core and lumbar extensors, with the cost of a
deep core's part taken over, plus passive tissue weighted 1.5 × for the end-range strain it means) relative to
the reference runner (70 kg, typical strength, 12 weeks of base, 3 m/s) at minute 0. *Fatigue* is the fraction
of a group's capacity lost. The **hip : back ratio** compares the load on both hip groups with the load on the
back (1.86 for the reference runner). **The back takes over** when trunk lean has handed it, in all, 8 minutes'
worth of the hips' work: with $u(t)$ the fraction of the hip demand moved off the hips,

$$D(t) = \int_0^t u\,d\tau \ \text{(minutes)},\qquad t_\text{takeover} = \text{first } t \text{ with } D(t) = 8\ \text{min}$$

(a definition, an assumption; a well-conditioned runner hands over about 9 % from the first step and reaches
it after about 80 minutes of an easy run). Why a dose and not the ratio: late in a run fatigue levels off,
so a ratio changes slowly and the minute it crosses any line would jump by some 20 minutes for a runner
0.01 stronger (it moves by $(\partial r/\partial s)/(\partial r/\partial t)$); the dose keeps growing, so the
minute moves smoothly with strength, base and body mass. A takeover is work handed over in total, not the
back out-carrying the hips: the weak-glutes runner's hips still carry more load than the back at every step.
The **shaded band** is the 5th to 95th percentile of the index over 200 draws of every uncertain number in the
table below, each drawn from its plausible range.

**The endurance hold.** A plank or side plank is one sustained contraction, the situation the
three-compartment model (Xia & Frey-Law 2008) was fitted for. Active ($M_A$), fatigued ($M_F$) and resting
($M_R$) motor units:

$$\frac{dM_A}{dt} = C(t) - F\,M_A,\qquad \frac{dM_F}{dt} = F\,M_A - R\,M_F,\qquad M_R = 1 - M_A - M_F,$$

with a controller $C(t)$ (gains 10/s) and the trunk row $F = 0.00755$, $R = 0.00075\,\mathrm{s^{-1}}$. The hold
fails when the capacity left, $1 - M_F$, falls to the target. The panel reproduces the model's endurance
times $ET = -\ln\!\bigl(1 - \tfrac{R(1-TL)}{F\,TL}\bigr)/R$ within the 9.3-s trunk error the paper reports:
about 2 min 20 s at 50 % of maximum, 11 min at 20 %. For intermittent work, Looft, Herkert & Frey-Law
(2018) multiply recovery by $r$ while the muscle rests ($r = 15$ fitted for ankle, knee and elbow);
`fatigue_curve(..., duty=..., rest_multiplier=15)` lets you try it.

**What the model leaves out.** Four lumps instead of dozens of muscles; both sides assumed symmetric; no
running-form changes beyond the trunk lean (Bramah et al. 2018 found more pelvic drop and forward trunk
lean in *injured* runners than in uninjured ones, a comparison between groups, not a fatigue protocol); no
slow fatigue processes (glycogen, central fatigue) beyond the recovery term, no pain, no tissue damage,
no day-to-day training history. Where a group's load exceeds what it has left (very weak hips at a fast
pace), trunk lean reaches its limit and the index stops rising with further weakness: a real runner could
not hold that pace, and the model should not be read there; the result marks the first such minute
(`beyond_capacity_min`). The stance efforts, speed exponents, transfer gain, sigmoid and training
rules are **assumptions**, labelled in the table with the range we consider plausible; the band shows what
they can change. What survives the band: weak hips and a weak deep core raise the back's load from the
start; the load builds during a run; more base and more strength lower it. What does not: the exact
minute of a takeover.
""",
        ),
        (
            "code",
            """
# Every number the model uses, with its source (rendered from runback_widgets/loadsim/params.py).
from runback_widgets.loadsim.widget import parameter_table, preset_table
parameter_table()
""",
        ),
        (
            "code",
            """
# What each preset gives, computed now from the model.
preset_table()
""",
        ),
        (
            "md",
            """
## The simulator

Pick a runner, change anything, and read the sentence under the controls. The views below show who carries
the load, how much capacity each group loses, and the load on the lower back with its uncertainty band;
compare two runners, a whole class, the same runner after a prevention programme, or hold a plank to
exhaustion. Next step: exercises that train these muscle groups, with their evidence and doses, and a
week-by-week plan back to running are in <a href="04-what-helps.ipynb" style="text-decoration: underline">What helps</a>.
""",
            "tool",
        ),
        (
            "code",
            """
# The dashboard: runner, run, and four views (your run, A vs B, class cohort, prevention what-if).
from runback_widgets.loadsim.widget import RunLoadSimulator
app = RunLoadSimulator()
assert app.preset == "weak_glutes" and app.result.takeover_min is not None and app.band is not None
# Shareable: a link's ?preset=...&speed_m_s=... restores a scenario; the box below the app copies one.
from runback_widgets.ui.share import shareable
shareable(app)
""",
            "tool",
        ),
        ("md", "## Tasks\n\n" + tasks),
        (
            "md",
            """
## Self-check
""",
        ),
        (
            "code",
            """
# Self-check questions with feedback (from runback_widgets/content/quiz/03-run-load-simulator.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("03-run-load-simulator")
""",
        ),
        (
            "md",
            """
## References
""",
        ),
        (
            "code",
            """
# Sources of every claim shown on this page, plus the papers behind the model.
from runback_widgets.ui.components import references_section
references_section("03-run-load-simulator", extra=["xia_freylaw_2008", "freylaw_2012", "looft_2018", "freylaw_avin_2010", "riazati_2020", "keller_1996", "lieberman_2015", "semciw_2016", "saunders_2004", "saunders_2005", "raabe_chaudhari_2018", "chaudhari_2020", "bramah_2018"])
""",
        ),
        (
            "md",
            """
## Legend

- **Colours and patterns** (the same in every dashboard): hip abductors orange (plain), hip extensors green
  (diagonal hatching), deep core sky blue (dots), lower back muscles vermillion (crosses), passive tissue grey
  (horizontal lines). Lines also differ by dash style.
- **Red dashed vertical line / red cross:** the minute the lower back takes over (has done 8 minutes' worth
  of the hips' work).
- **Shaded band** around the lower back line: the range of the index over 200 draws of the model's
  uncertain numbers (5th to 95th percentile).
- **Dotted grey line at 1.0:** the reference runner (typical strength, 12 weeks of base) at the start of an easy run.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
""",
        ),
        (
            "code",
            """
# Use the model from Python: a runner, a run, and the numbers the dashboard draws.
from runback_widgets.loadsim import Runner, RunPlan, simulate_run
runner = Runner(body_mass_kg=70, strength={"hip_abductors": 0.75, "hip_extensors": 0.8})
plan = RunPlan(duration_min=60, speed_m_s=3.0)
result = simulate_run(runner, plan)
print("takeover minute:", result.takeover_min, "| peak lumbar load index:", round(result.peak_lumbar_load_index, 2))
edited = simulate_run(runner, plan, params={"compensation.transfer_gain": 0.9})  # an edited parameter table
print(f"with transfer gain 0.9: {edited.peak_lumbar_load_index:.2f}")
""",
            "student",
        ),
    ],
    sources=[
        "runback_widgets/loadsim/model.py",
        "runback_widgets/loadsim/params.py",
        "runback_widgets/loadsim/scenarios.py",
    ],
)

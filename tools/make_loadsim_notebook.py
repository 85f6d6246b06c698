"""Regenerate notebooks/03-run-load-simulator.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_loadsim_notebook.py
Tasks and answers come from runback_widgets/content/loadsim.toml.
"""
import sys
import tomllib
from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent
TEXT = tomllib.loads((ROOT / "runback_widgets" / "content" / "loadsim.toml").read_text(encoding="utf-8"))

tasks = "\n".join(
    f"{i}. {t['question']}\n   <details><summary>Answer</summary>{t['answer']}</details>"
    for i, t in enumerate(TEXT["task"], start=1)
)

write_notebook(ROOT / "notebooks" / "03-run-load-simulator.ipynb", [
    ("md", """
# Run load simulator: weak glutes tire, the lower back takes over

**Educational model, not a diagnosis or medical advice.**

## Goals

After this lesson you can:

- explain, with a model you can check, why weak hip and glute muscles that tire during a run make the
  lower back work harder (claim A09);
- read a three-compartment fatigue model: what F, R and the rest multiplier r do, and where each number comes from;
- say why new runners and runners coming back "too much, too soon" load their backs more (A04), and what
  strength training and a running base change (A14);
- tell which parts of the model are published numbers and which are assumptions.
"""),
    ("md", r"""
## Background

**The mechanism (A09).** At every foot contact the body has to be held upright and stable: the pelvis must
not drop, the trunk must not fold. Four muscle groups share that *stabilising demand*: the **hip abductors**
(gluteus medius and minimus), the **hip extensors** (gluteus maximus), the **deep core** (transversus
abdominis, multifidus, obliques) and the **lumbar extensors** (erector spinae, quadratus lumborum).
What no muscle can deliver falls on **passive tissue**: discs, facet joints, SI joints and ligaments.

**Fatigue: the three-compartment model** (Xia & Frey-Law 2008). Each group's motor units are active
($M_A$), fatigued ($M_F$) or resting ($M_R$), with $M_A + M_F + M_R = 1$:

$$\frac{dM_A}{dt} = C(t) - F\,M_A,\qquad \frac{dM_F}{dt} = F\,M_A - R\,M_F,\qquad \frac{dM_R}{dt} = -C(t) + R\,M_F.$$

The controller $C(t)$ recruits resting units towards the target load $TL$ with gain $L_D = 10\,\mathrm{s^{-1}}$
and releases them with $L_R = 10\,\mathrm{s^{-1}}$; a group can deliver at most its *residual capacity*
$1 - M_F$. $F$ and $R$ come from Frey-Law, Looft & Heitsman (2012). The paper has **no hip row**: the hip
groups use the *general* row ($F = 0.00970$, $R = 0.00091\,\mathrm{s^{-1}}$), the fitted compromise across
joints, because the hip sits between the knee (fastest) and ankle (slowest) lower-limb rows; the trunk
groups use the *trunk* row ($F = 0.00755$, $R = 0.00075\,\mathrm{s^{-1}}$), fitted to exactly these muscles.
While a group rests ($TL = 0$) its recovery is multiplied by $r = 15$ (Looft, Herkert & Frey-Law 2018;
$r = 15$ fitted for ankle, knee and elbow by Looft & Frey-Law 2020).

**Running is cyclic.** A hip group works in its own leg's stance (duty $d \approx 0.36$ of the stride) and
rests in swing; the lumbar extensors work at both foot contacts (duty $2d$); the deep core holds a low,
continuous (tonic) contraction. The stance load is a half-sine with mean $TL$ and peak $\tfrac{\pi}{2}TL$.
Because a stride (0.7 s) is about a hundred times shorter than the fastest fatigue time constant, the model
integrates the *stride-averaged* equation

$$\frac{dM_F}{dt} = F\,d\,\bigl(TL - e(\tfrac{\pi}{2}TL,\;1 - M_F)\bigr) - R\,\bigl(d + r\,(1-d)\bigr)\,M_F,$$

where $e(A, c)$ is the mean part of the stance half-sine of peak $A$ above the residual capacity $c$: the
part the group cannot deliver. A test solves the full equations above every 5 ms through stance and swing
and finds the two within 0.003 of each other in $M_F$ over 60 minutes for every preset (required: 0.02);
for a sustained load the model reproduces the closed-form endurance time
$ET = -\ln\!\bigl(1 - \tfrac{R(1-TL)}{F\,TL}\bigr)/R$.

**Load sharing.** Each stance asks for a demand $D$ that grows with speed like the peak vertical ground
reaction force (a line from $1.0\times$BW standing to $2.5\times$BW at 6 m/s, Keller et al. 1996) and with
body mass$^{1/3}$ relative to strength; $D = 1$ for a 70-kg runner at 3 m/s (about 170 steps/min,
Lieberman et al. 2015). Each group is asked for its normative share of $D$; divided by its strength, that
is its $TL$. What the hips cannot deliver is picked up first by the deep core, which stiffens the
lumbopelvic region; what the deep core cannot deliver goes to the lumbar extensors; what they cannot
deliver goes to passive tissue. The **lumbar load index** is the load on the lower back (lumbar extensors
plus passive tissue) relative to a well-conditioned runner at the start of an easy run (1.0); it is an
index because we have not verified an absolute figure in × body weight. **The back takes over** at the
first minute the lower back carries more of the demand than both hip groups together.

**Calibration: why the takeover comes mid-run.** With $r = 15$, a hip muscle that rests in every swing has
an effective recovery rate of about $10\,R$: its fatigue settles within about 5 minutes (time constant
1.8 min) at $M_F \approx 0.39\,TL$, so a moderately loaded hip muscle barely tires in an hour. Whether it
ever runs short is therefore decided by *demand relative to strength*, not by time. We set the hips'
stance loads of a well-conditioned runner at 45 % (abductors) and 40 % (extensors) of maximum, high enough
that a group at half the typical strength runs short at its stance peaks within minutes, low enough that a
typical-strength group never does up to about 4.3 m/s and runs only slightly short (a few per cent of
its share) even at 6 m/s. The slow part is the deep core: it never rests, so it
fatigues with the trunk row's own time constant ($1/R \approx 22$ min) and can hold a sustained load
indefinitely only below about 9 % of maximum. Its normal tonic load is 6.5 %; the hips' shortfall pushes
it above that limit, it tires over tens of minutes, and when it can no longer hold, its work passes to the
lower back. That is why the weak-glutes runner's back takes over at minute 25, not in the first minute
and not never. The deep-core-weakness preset gives +22 % lumbar extensor force at the end of the hour,
within the +15 to +45 % Raabe & Chaudhari (2018) simulated for deep core weakness.

**What the model leaves out.** Real muscles are not four lumps; running form changes as muscles tire
(more pelvic drop, Bramah et al. 2018) but the demand here stays constant; slow fatigue processes
(glycogen, central fatigue) are missing, so late-run fatigue is probably underestimated; passive tissue
has no capacity limit or damage model; both sides are assumed symmetric. The normative shares, stance
loads, activity patterns and the training-base and strength-training rules are **assumptions** (marked in
the table below), chosen to be plausible and to make the model's behaviour explainable, not fitted to data.
"""),
    ("code", """
# Every number the model uses, with its source (rendered from runback_widgets/loadsim/params.py).
from runback_widgets.loadsim.widget import parameter_table, preset_table
parameter_table()
"""),
    ("code", """
# What each preset gives, computed now from the model.
preset_table()
"""),
    ("md", """
## The simulator

Pick a runner, change anything, and read the sentence under the controls. The views below show who carries
the load, how tired each group gets, and the load on the lower back; compare two runners, a whole class, or
the same runner after a prevention programme. Next step: exercises that train these muscle groups, with their
evidence and doses, and a week-by-week plan back to running are in [What helps](04-what-helps.ipynb).
""", "tool"),
    ("code", """
# The dashboard: runner, run, and four views (your run, A vs B, class cohort, prevention what-if).
from runback_widgets.loadsim.widget import RunLoadSimulator
app = RunLoadSimulator()
assert app.preset == "weak_glutes" and 15 < app.result.takeover_min < 40
# Shareable: a link's ?preset=...&speed_m_s=... restores a scenario; the box below the app copies one.
from runback_widgets.ui.share import shareable
shareable(app)
""", "tool"),
    ("md", "## Tasks\n\n" + tasks),
    ("md", """
## Self-check
"""),
    ("code", """
# Self-check questions with feedback (from runback_widgets/content/quiz/03-run-load-simulator.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("03-run-load-simulator")
"""),
    ("md", """
## References
"""),
    ("code", """
# Sources of every claim shown on this page, plus the papers behind the model.
from runback_widgets.ui.components import references_section
references_section("03-run-load-simulator", extra=["xia_freylaw_2008", "freylaw_2012", "looft_2018", "looft_freylaw_2020", "keller_1996", "lieberman_2015", "raabe_chaudhari_2018", "bramah_2018"])
"""),
    ("md", """
## Legend

- **Colours and patterns** (the same in every dashboard): hip abductors orange (plain), hip extensors green
  (diagonal hatching), deep core sky blue (dots), lower back muscles vermillion (crosses), passive tissue grey
  (horizontal lines). Lines also differ by dash style.
- **Red dashed vertical line / red cross:** the minute the lower back takes over.
- **Dotted grey line at 1.0:** a well-conditioned runner at the start of an easy run.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
"""),
    ("code", """
# Use the model from Python: a runner, a run, and the numbers the dashboard draws.
from runback_widgets.loadsim import Runner, RunPlan, simulate_run
runner = Runner(body_mass_kg=70, strength={"hip_abductors": 0.5, "hip_extensors": 0.5, "deep_core": 1.0, "lumbar_extensors": 1.0})
plan = RunPlan(duration_min=60, speed_m_s=3.0)
result = simulate_run(runner, plan)
print("the back takes over at minute", "never" if result.takeover_min is None else round(result.takeover_min, 1))
print(f"peak lumbar load index: {result.peak_lumbar_load_index:.2f}")
""", "student"),
], sources=['runback_widgets/loadsim/model.py', 'runback_widgets/loadsim/params.py', 'runback_widgets/loadsim/scenarios.py'])

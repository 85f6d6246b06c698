"""Regenerate notebooks/04-what-helps.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_care_notebook.py
Tool first (issue 14): title, one plain sentence, the dashboard (with its
disclaimer); the lesson follows. Tasks come from runback_widgets/content/care.toml.
"""

from pathlib import Path

import tomllib
from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent
TEXT = tomllib.loads((ROOT / "runback_widgets" / "content" / "care.toml").read_text(encoding="utf-8"))

tasks = "\n".join(
    f"{i}. {t['question']}\n   <details><summary>Answer</summary>{t['answer']}</details>"
    for i, t in enumerate(TEXT["task"], start=1)
)

write_notebook(
    ROOT / "notebooks" / "04-what-helps.ipynb",
    [
        (
            "md",
            f"""
# {TEXT["app"]["title"]}

## The dashboard
""",
        ),
        (
            "code",
            """
# The dashboard: evidence at a glance, exercise library, return-to-run and build-a-base planners.
from runback_widgets.care.widget import WhatHelps
from runback_widgets.ui.share import shareable
app = WhatHelps()
assert app.plan is not None and not app.plan.refused and app.base_plan.reached_week
# Shareable: ?urgency=see_doctor&view=return (the symptom explorer links here this way).
shareable(app)
""",
            "tool",
        ),
        (
            "md",
            """
## Goals

After this lesson you can:

- say which kinds of care for lower back pain have good evidence (staying active, exercise), which have little
  (foam rolling, stretching on its own) and which are not recommended (paracetamol alone; belts and insoles for
  prevention), with the source for each (claims A11, A14, notes N07, N30 to N37);
- choose exercises for the hip abductors, hip extensors and trunk that suit what hurts, and progress or regress them;
- plan a graded return to running with a pain-monitoring rule (N39) and explain why the '10 % rule' is a
  convention with weak evidence (A04, N38).
""",
        ),
        (
            "md",
            """
## Background

**What the article says and what the evidence adds.** Sports-medicine physician Jordan Metzl, quoted in
Runner's World, recommends stretches, exercises and foam rolling for muscle- and bone-related pain (A11), and
a running base, strength training for the core and the whole kinetic chain, yoga and physiotherapy for
prevention (A14). Guidelines and reviews refine this: first-line care is reassurance and staying active with
an exercise programme (NICE NG59; N07, N30); motor-control ("core") exercise works about as well as other
exercise (Saragiotto et al. 2016; N33); yoga brings small gains compared with no exercise (Wieland et al. 2022;
N34); hands-on physiotherapy belongs alongside exercise (N35); foam rolling and stretching on their own have
little evidence for back pain (N31, N32); NSAIDs may be considered briefly, paracetamol alone is not
recommended (N36); exercise with or without education prevents new episodes, while education alone, belts and
insoles do not (Steffens et al. 2016; N37).

**The exercise library.** Each exercise lists the simulator's muscle groups it loads
(`hip_abductors`, `hip_extensors`, `deep_core`, `lumbar_extensors`), so the library and the
[run load simulator](03-run-load-simulator.ipynb) tell one story. Strength doses follow the ACSM position stand
(Garber et al. 2011: 2 to 3 days a week, 8 to 12 repetitions); hold and interval times are assumptions. The
position diagrams are stick figures drawn by `care.model.stick_figure` from each exercise's joint angles in
`content/care.toml`.

**The planners.** Pain-monitoring rule: Silbernagel et al. (2007) let patients with Achilles tendinopathy keep
running with pain up to 5/10 if it settled by the next morning and did not rise week to week; the kit uses a
stricter 3/10 for back pain, where no limit has been tested (an assumption). Progression: a week's running
never exceeds the largest week so far by more than the chosen percentage (10 % by default) or 5 minutes,
whichever is more; a randomised trial found a 10 % plan no safer than a faster one (Buist et al. 2008), and
large jumps (over 30 % in two weeks) were linked to more distance-related injuries in a cohort, with a confidence
interval that includes no effect (Nielsen et al. 2014). Recovery weeks (every 4th week at 70 %) are a coaching
convention. The planner refuses to plan whenever the symptom explorer's urgency is above self-care or a warning
sign is ticked, and says who to see first.
""",
        ),
        (
            "code",
            """
# Every number the planners use, with its source or marked as an assumption (runback_widgets/care/model.py).
from runback_widgets.care.widget import parameter_table
parameter_table()
""",
        ),
        (
            "code",
            """
# Use the model from Python: a return-to-run plan as weeks (index, running minutes, recovery week?).
import datetime as dt
from runback_widgets.care.model import plan_return_to_run, exercises
plan = plan_return_to_run(days_since_onset=21, pain_now=2, weekly_minutes_before=150, start_date=dt.date(2027, 1, 4))
print([(w.index, round(w.run_minutes), w.recovery) for w in plan.weeks])
print("see a doctor -> refused:", plan_return_to_run(21, 2, 150, urgency="see_doctor").refused)
print("bending hurts:", [e.name for e in exercises(hurts="bending", equipment="none")])
assert plan_return_to_run(21, 2, 150, warning_signs=["saddle_numbness"]).refused and plan.reached_week
""",
            "student",
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
# Self-check questions with feedback (from runback_widgets/content/quiz/04-what-helps.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("04-what-helps")
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
# Sources of every claim shown on this page, plus the papers behind the planners and doses.
from runback_widgets.ui.components import references_section
references_section("04-what-helps", extra=["silbernagel_2007", "buist_2008", "nielsen_2014", "garber_2011", "cheatham_2015", "owen_2020"])
""",
        ),
        (
            "md",
            """
## Legend

- **Evidence chart:** one row per option; the dot's shape and colour both give the rating (star = recommended
  first, circle = helps, diamond = may help, square = little or no evidence, cross = does not help / not
  recommended), and the rating is also written beside the dot.
- **Position diagrams:** near-side limbs solid and dark, far-side limbs dashed and blue; the grey line is the
  floor; a dotted orange line is a resistance band; a grey box is a step.
- **Plan charts:** blue bars are building weeks, hatched light-blue bars recovery weeks, orange triangles
  walking-only weeks; the red dashed line is the target.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
""",
        ),
    ],
    sources=["runback_widgets/care/model.py", "runback_widgets/care/export.py", "runback_widgets/care/figures.py"],
)

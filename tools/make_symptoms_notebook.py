"""Regenerate notebooks/02-symptom-explorer.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_symptoms_notebook.py
"""
from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent

write_notebook(ROOT / "notebooks" / "02-symptom-explorer.ipynb", [
    ("md", """
# Which kind of back pain? A symptom explorer

**Educational model, not a diagnosis.** If you have a warning sign (numbness around the groin,
new bladder or bowel trouble, leg weakness that is getting worse, fever), get medical help now.

## Goals

After this lesson you can:

- name the three common kinds of lower back pain in runners (muscle-related, bone-related, discogenic) and the signs of each;
- explain why a warning sign (red flag) overrides every other answer;
- say when self-care comes first and when to see a doctor, and what an X-ray or an MRI can show;
- read a transparent rule model: which tick pointed where, with which weight, from which source.
"""),
    ("md", """
## Background

Sports-medicine physician Jordan Metzl, quoted in Runner's World, sorts runners' lower back pain
into three common kinds (claim A05). **Muscle-related** pain sits beside the lower spine, often on
one side, with spasms or pain on twisting (A06). **Bone-related** pain is a general ache across the
whole lower back, most often arthritis past 65 (A07). **Discogenic** pain comes from a disc: it is
worse bending forward and, above all, shoots down the leg, which means seeing a doctor straight away
(A08, A13). Clinical notes add what the article leaves out: pain below the knee usually means an
irritated nerve root (N04), an X-ray shows bone and not discs (N01), scans are not routine without
warning signs (N02), and a short list of warning signs needs emergency care (N05).

The explorer turns this into a small rule model you can check line by line. Each tick that points
to a pain type adds its weight; a type's score is `1 - (1 - w1)(1 - w2)...`, so it stays between 0
and 1 and a new tick can only raise it. Exact ties go to the type with the more cautious advice
(discogenic, then bone, then muscle). The weights are teaching weights written down with their
source, not probabilities fitted to patients. Age and "new to running" describe the runner, not the
pain: on their own they give "not enough information" (being new to running adds advice on building up
gradually, A04). All rules live in `runback_widgets/content/symptoms.toml`.
"""),
    ("code", """
# The model's rules, rendered from runback_widgets/content/symptoms.toml.
from runback_widgets.symptoms.widget import weights_table
weights_table()
"""),
    ("md", """
## The explorer

Tick what you feel. The answer appears on the right (below, on a phone): warning signs first,
then the best-fitting pain type, the scores, a body map, why, and what to do next.
""", "tool"),
    ("code", """
# The dashboard: tick symptoms, enter an age, and read the result.
from runback_widgets.symptoms.widget import SymptomExplorer
app = SymptomExplorer()
assert app.result.urgency == "not_enough_information"
# Shareable: a link's ?symptoms=...&age=... restores a scenario; the box below the app copies one.
from runback_widgets.ui.share import shareable
shareable(app)
""", "tool"),
    ("md", """
## Tasks

1. Tick *pain beside the spine on one side* and *muscle spasms*. Which type fits, and what does the page say to do?
   <details><summary>Answer</summary>Muscle-related (score 0.80): self-care first (foam rolling, hamstrings, strength: A11, A14), and see a doctor if it does not settle (A12).</details>
2. Now also tick *numbness in the saddle area*. What changes, and what stays the same?
   <details><summary>Answer</summary>A red banner appears first: get emergency care now (N05). The scores do not change, because a warning sign says nothing about the pain type; it overrides the advice, not the ranking.</details>
3. Press *Clear all*, tick *a general ache across the whole lower back*, and type an age of 40, then 70. Why does the bone-related bar grow?
   <details><summary>Answer</summary>Past 65, bone-related pain is most likely arthritis (A07), so the model adds age as a risk factor (weight 0.35): 1 - (1 - 0.6)(1 - 0.35) = 0.74 instead of 0.60.</details>
4. Tick *muscle spasms*, *pain on one side* and *you cannot stand up straight*. Muscle leads the ranking. Why does the page still say "see a doctor straight away"?
   <details><summary>Answer</summary>The article names being unable to stand upright, like pain shooting into the toes, as a reason to see a doctor immediately (A13). These signs set the urgency on their own, whatever type leads.</details>
5. Tick only *worse when you bend forward* and *worse when you twist or move*. The two bars are equal. Which leads, and why is that a sensible rule?
   <details><summary>Answer</summary>Discogenic: ties go to the type whose advice is more cautious, so a tie never talks anyone out of seeing a doctor.</details>
6. For students: tick *pain that shoots below the knee*. Follow the link to the L5 nerve root in the anatomy dashboard. Which discs are usually involved, and which scan shows them?
   <details><summary>Answer</summary>Most often a disc herniation at L4-L5 (L5 root) or L5-S1 (S1 root) (N04); an MRI shows discs and nerve roots, an X-ray does not (N01, A13).</details>
"""),
    ("md", """
## Self-check
"""),
    ("code", """
# Self-check questions with feedback (from runback_widgets/content/quiz/02-symptom-explorer.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("02-symptom-explorer")
"""),
    ("md", """
## References
"""),
    ("code", """
# Sources of every claim and clinical note shown on this page.
from runback_widgets.ui.components import references_section
references_section("02-symptom-explorer")
"""),
    ("md", """
## Legend

- **Bars and body map:** muscle-related = orange-red with diagonal stripes; bone-related = blue with dots;
  discogenic = purple with crosses. The best-fitting bar has a thick black outline and says "(best fit)".
- **Body map:** a thick black outline and a check mark (&#10003;) show where your ticked symptoms are;
  the pattern and a dot (&#9679;) show where the best-fitting pain type is usually felt. Seen from behind:
  the runner's left is on the left.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
"""),
    ("code", """
# Use the rule model from Python: tick symptoms by id, read the answer and why.
from runback_widgets.symptoms import SYMPTOMS, assess
a = assess(["pain_one_side", "muscle_spasms"], age=34)
print("urgency:", a.urgency, "| best fit:", a.leading)
print("scores:", {k: round(v, 2) for k, v in a.scores.items()})
print("symptom ids:", ", ".join(list(SYMPTOMS)[:6]), "...")
""", "student"),
], sources=['runback_widgets/symptoms/model.py', 'runback_widgets/content/symptoms.toml'])

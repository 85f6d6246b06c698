"""Regenerate notebooks/02-symptom-explorer.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_symptoms_notebook.py
"""

from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent

write_notebook(
    ROOT / "notebooks" / "02-symptom-explorer.ipynb",
    [
        (
            "md",
            """
# Which kind of back pain, and how urgent? A symptom explorer

**Educational model, not a diagnosis.** Some warning signs mean go to an emergency department
now (numbness around the genitals or buttocks, any new change in bladder, bowel or sexual function,
new symptoms in both legs, leg weakness that is getting worse); others mean see a doctor within a
day or two. The explorer tells you which.

## Goals

After this lesson you can:

- name the article's three kinds of lower back pain in runners (muscle-related, bone-related,
  discogenic) and explain why they are a teaching simplification, not a complete list;
- sort warning signs into tiers: emergency department now, urgent (same day to 48 hours),
  see a doctor soon, self-care; and explain why one weak sign is read in context;
- tell referred leg pain from nerve-root pain (sciatica), and give the safety net;
- recognise presentations outside the three types: bone stress injury, adolescent
  extension pain, inflammatory back pain, hip problems;
- read a transparent rule model: which tick pointed where, which rule set the urgency, from which source.
""",
        ),
        (
            "md",
            """
## Background

Sports-medicine physician Jordan Metzl, quoted in Runner's World, sorts runners' lower back pain
into three common kinds (claim A05). **Muscle-related** pain sits beside the lower spine, often on
one side, with spasms or pain on twisting (A06). **Bone-related** pain is a general ache across the
whole lower back, most often arthritis past 65 (A07). **Discogenic** pain comes from a disc: it is
worse bending forward and shoots down the leg (A08, A13).

That split is a **simplification**. Most lower back pain is *non-specific*: no single structure can
be blamed, and it usually improves within weeks with reassurance and staying active (N07, N09). Many
real cases fit none of the three types, so "none of the three article types fits well" is an
honest answer the explorer gives. The clinical notes also correct the article where it is thin:
pain below the knee usually means an irritated nerve root, while buttock or thigh pain is usually
referred from the back (N04, N14); "worn" discs are common on scans of people without pain (N10);
scans are not routine (N01, N02).

The explorer answers two questions separately:

1. **Which type fits?** Each tick that points to a type adds its weight; a type's score is
   `1 - (1 - w1)(1 - w2)...`, so it stays between 0 and 1 and a new tick can only raise it. No type
   leads when the best score is weak, when two types tie (there is no default to "disc"), or when a
   condition outside the three types is more likely.
2. **How urgent?** A list of rules, each with its source, sets the tier; the pain type never does.

| tier | what it means | examples (source) |
|---|---|---|
| Emergency department now | same hour | cauda equina signs (GIRFT 2023), severe or progressive leg weakness, major trauma, fever with a risk factor, suspected aortic aneurysm, cord symptoms with a cancer history (NG234) |
| Urgent: today or within 48 h | same day to 2 days | cancer history with new pain (NG234), fever alone, weakened immunity or steroids, osteoporosis or a minor fall, suspected stress fracture, unexplained weight loss, constant or night pain over 50 (CKS) |
| See a doctor soon | within 1-2 weeks | inflammatory features (NG59 1.1.1), extension pain under 20 (Micheli & Wood 1995), sciatica without weakness (with its safety net), no better after 6 weeks, one weak sign alone |
| Self-care first | stay active | ordinary (non-specific) back pain, referred buttock or thigh pain, being stuck bent over (N19) |

A single warning sign read alone is weak evidence; combinations matter (the IFOMPT framework,
Finucane et al. 2020; N05). Every result with leg pain carries the cauda equina safety net (N18).
When anything points to a bone problem or a warning sign is ticked, the page never suggests foam
rolling, loaded core exercises or running. All rules live in `runback_widgets/content/symptoms.toml`.
""",
        ),
        (
            "code",
            """
# The model's rules, rendered from runback_widgets/content/symptoms.toml.
from runback_widgets.symptoms.widget import weights_table
weights_table()
""",
        ),
        (
            "md",
            """
## Where the article is disputed

Two of the article's premises that the research does not support well: that back pain is
common in runners because of the impact (A01 against N08), and that stiff sacroiliac joints
wear the lower back (A03 against N06 and N13).
""",
        ),
        (
            "code",
            """
# The article's claims beside the clinical notes that question them (from claims.toml).
from runback_widgets.ui.components import claims_section
claims_section(["A01", "N08", "A03", "N06", "N13"])
""",
        ),
        (
            "md",
            """
## The explorer

Tick what you feel. The answer appears on the right (below, on a phone): warning signs first,
then the best-fitting pain type, the scores, a body map, why, and what to do next.
""",
            "tool",
        ),
        (
            "code",
            """
# The dashboard: tick symptoms, enter an age, and read the result.
from runback_widgets.symptoms.widget import SymptomExplorer
app = SymptomExplorer()
assert app.result.urgency == "not_enough_information"
# Shareable: a link's ?symptoms=...&age=... restores a scenario; the box below the app copies one.
from runback_widgets.ui.share import shareable
shareable(app)
""",
            "tool",
        ),
        (
            "md",
            """
## Tasks

1. Tick *pain beside the spine on one side* and *muscle spasms*. Which type fits, and what does the page say to do?
   <details><summary>Answer</summary>Muscle-related (score 0.80): self-care first, stay active (N07), see a doctor if it does not settle (A12). The cauda equina safety net is shown even here.</details>
2. Now also tick *numbness in the saddle area*. What changes, and what stays the same?
   <details><summary>Answer</summary>A red banner appears first: emergency department now (N05, N18). The scores do not change: a warning sign says nothing about the pain type; it sets the urgency.</details>
3. Press *Clear all*. Tick *you have had cancer* and *a general ache*, age 62. Then add *pins and needles in one leg*. What changes, and why?
   <details><summary>Answer</summary>First urgent (today or within 48 hours: NICE NG234 asks for urgent, not immediate, assessment without neurological symptoms). With sensory change it becomes an emergency (possible spinal cord or nerve compression).</details>
4. Tick *pain spreading into the buttock or the back of the thigh* alone; then swap it for *pain below the knee* with *pins and needles*. Compare tiers and next steps.
   <details><summary>Answer</summary>Referred pain: self-care with the safety net. Nerve-root pain (sciatica) without weakness: see a doctor soon, most settles over weeks, no routine scan (N14, N02). Neither is "straight away".</details>
5. Type an age of 15 and tick *pain on one side* and *worse when you arch backwards*. Why does no type lead, and where did the foam roller go?
   <details><summary>Answer</summary>In adolescent athletes extension pain is often spondylolysis, a pars stress fracture (N15); the page lists it under "consider", says see a doctor, and drops foam rolling, loaded core work and running steps.</details>
6. Tick only *worse when you bend forward* and *worse when you twist or move*. The two bars are equal. Which type leads?
   <details><summary>Answer</summary>None: a tie is not evidence for either, and the model no longer defaults to "disc". Most back pain is non-specific (N09).</details>
7. For students: tick *stiff for more than half an hour* (age 27). Which ASAS features of inflammatory back pain does a runner's "it gets better when I run" match?
   <details><summary>Answer</summary>Improvement with exercise and not with rest (Sieper 2009); with onset under 40, insidious onset and night pain, 4 of 5 criteria make inflammatory back pain likely; NICE NG59 says to consider spondyloarthritis (N17).</details>
""",
        ),
        (
            "md",
            """
## Self-check
""",
        ),
        (
            "code",
            """
# Self-check questions with feedback (from runback_widgets/content/quiz/02-symptom-explorer.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("02-symptom-explorer")
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
# Sources of every claim and clinical note shown on this page.
from runback_widgets.ui.components import references_section
references_section("02-symptom-explorer")
""",
        ),
        (
            "md",
            """
## Legend

- **Urgency box:** red = emergency department now; orange = urgent (today or within 48 hours);
  blue = see a doctor soon; green = self-care first. The safety net and the "consider" list sit
  right under it.
- **Bars and body map:** muscle-related = orange-red with diagonal stripes; bone-related = blue with dots;
  discogenic = purple with crosses. The best-fitting bar has a thick black outline and says "(best fit)".
- **Body map:** a thick black outline and a check mark (&#10003;) show where your ticked symptoms are;
  the pattern and a dot (&#9679;) show where the best-fitting pain type is usually felt. Seen from behind:
  the runner's left is on the left.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
""",
        ),
        (
            "code",
            """
# Use the rule model from Python: tick symptoms by id, read the answer and why.
from runback_widgets.symptoms import SYMPTOMS, assess
a = assess(["pain_one_side", "muscle_spasms"], age=34)
print("urgency:", a.urgency, "| best fit:", a.leading)
print("scores:", {k: round(v, 2) for k, v in a.scores.items()})
print("symptom ids:", ", ".join(list(SYMPTOMS)[:6]), "...")
""",
            "student",
        ),
    ],
    sources=["runback_widgets/symptoms/model.py", "runback_widgets/content/symptoms.toml"],
)

"""Regenerate notebooks/01-spine-and-si-anatomy.ipynb (outputs stripped).

Run: .venv/bin/python tools/make_anatomy_notebook.py
"""

from pathlib import Path

from nbtool import write_notebook

ROOT = Path(__file__).resolve().parent.parent

write_notebook(
    ROOT / "notebooks" / "01-spine-and-si-anatomy.ipynb",
    [
        (
            "md",
            """
# Spine and SI-joint anatomy: the lower back in 3D

## Goals

After this lesson you can:

- name the five lumbar vertebrae, the discs between them, the facet joints, the sacrum and the
  sacroiliac (SI) joints, where the base of the spine meets the pelvis, and find them on the model;
- say which structures each of the three common kinds of back pain involves (muscle-related,
  bone-related, discogenic);
- explain how tilting the pelvis changes the sacral slope and the curve of the lower back (lordosis),
  and which way tight hamstrings and tight hip flexors tilt it;
- describe what the pelvis and the hip muscles do in a running stride, and why weak hip abductors
  hand work to the lower back.
""",
        ),
        (
            "md",
            """
## Background

Sports-medicine physician Jordan Metzl, quoted in Runner's World, explains runners' back pain with the
structures on this page: the vertebrae and the joints linking them (A02), the pelvis and its SI joints
(A03), and the muscles around the spine, hips and glutes (A09). The model is built in Python from
published adult averages, not from a scan: vertebral bodies from Panjabi et al. (1992), disc heights
from Amonoo-Kuofi (1991), and the pelvic angles (pelvic incidence = pelvic tilt + sacral slope) from
Legaye et al. (1998), Boulay et al. (2006) and Mac-Thiong et al. (2011). The table below is rendered
from the model's data.

The model's posture rule: the pelvic incidence is fixed by bone shape; tilting the pelvis forward by
some degrees raises the sacral slope by the same amount, and the lordosis follows one-for-one so the
trunk stays upright. Tight hamstrings tilt the pelvis backward, tight hip flexors forward (N03).
""",
        ),
        (
            "code",
            """
# Dimensions used by the model (runback_widgets/anatomy/dimensions.py), with their sources.
from runback_widgets.anatomy.widget import dimensions_table
dimensions_table()
""",
        ),
        (
            "md",
            """
## The model

Turn the 3D view with a mouse or a finger; hover to see names. Switch layers on and off, pick a
structure (or click it), or press a "Show me" button. Further down: the side view with pelvic tilt,
and the running stride seen from behind.
""",
            "tool",
        ),
        (
            "code",
            """
# The dashboard: 3D model, side view (pelvic tilt) and running stride.
from runback_widgets.anatomy.widget import AnatomyDashboard
app = AnatomyDashboard()
assert app.scenario_state()["layers"] == "bones,discs,joints,nerves"
# Shareable: a link's ?structure=...&layers=...&tilt=... restores a scenario; the box below the app copies one.
from runback_widgets.ui.share import shareable
shareable(app)
""",
            "tool",
        ),
        (
            "md",
            """
## Tasks

1. Switch on only *Bones*, choose the view *From behind*, and find L3. How do you know it is L3?
   <details><summary>Answer</summary>Count up from the sacrum: L5 sits on the sacrum, L4 is about level with the tops of the iliac crests, L3 is the next one up, with the longest transverse processes (side wings).</details>
2. Pick *Sacroiliac (SI) joint, left* in the structure list. Which two bones meet there, and how much does it move when you run?
   <details><summary>Answer</summary>The sacrum and the left ilium. Only a few degrees (nutation and counter-nutation, N06); the article says poor SI motion adds wear to the lower back (A03).</details>
3. Press *Show me: Disc pain (discogenic)*. Which nerve root runs past the back of the L4-L5 disc?
   <details><summary>Answer</summary>The L5 root: it crosses the L4-L5 disc before leaving below L5, so a typical L4-L5 bulge irritates L5 and pain shoots below the knee (N04). That needs a doctor (A08).</details>
4. In the side view, set *Tight hamstrings* to 100 %. Which way does the pelvis tilt, and what happens to the lordosis? Does that match the article?
   <details><summary>Answer</summary>Backward (posterior tilt): the sacral slope falls from 40° to 30° and the lordosis flattens from 50° to 40°. The article says tight hamstrings deepen the curve (A11); textbooks say the opposite (N03).</details>
5. Now set hamstrings back to 0 and *Tight hip flexors* to 100 %. What changes?
   <details><summary>Answer</summary>The pelvis tilts forward, the sacral slope rises to 50° and the lordosis deepens to 60° (N03).</details>
6. In the stride view, set *Hip-abductor strength* to 30 % and move the stride slider through the right-foot stance (0 to 35 %). Which side of the pelvis drops, and which bar grows?
   <details><summary>Answer</summary>The left (swing) side drops, past the Trendelenburg-type threshold at mid-stance, and the lower-back muscles' bar grows: they pick up the work the weak glutes cannot do (A09). Hip and core strength work is prevention (A14).</details>
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
# Self-check questions with feedback (from runback_widgets/content/quiz/01-spine-and-si-anatomy.toml).
from runback_widgets.ui.quiz import Quiz
Quiz("01-spine-and-si-anatomy")
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
# Sources of every claim shown on this page and of the model's dimensions.
from runback_widgets.ui.components import references_section
references_section("01-spine-and-si-anatomy", extra=["panjabi_1992", "amonoo_kuofi_1991", "legaye_1998", "boulay_2006", "mac_thiong_2011", "neumann_kinesiology", "spine_text", "bramah_2018"])
""",
        ),
        (
            "md",
            """
## Legend

- **3D colours:** bones ivory; discs purple (the nucleus inside is pale pink); joints (facet and SI)
  sky blue; nerves orange; muscles orange-red and see-through. A highlighted structure turns **yellow**
  and everything else fades; the card and the sentence under the view name it, so colour is never the only cue.
- **Side view:** front is to the right. The dashed green line is the hamstrings, the dotted red line the hip
  flexors (thicker = tighter); the blue line is the S1 end plate (its angle to the dotted horizontal is the sacral slope).
- **Stride view:** seen from behind, the runner's right on the right; the solid blue leg is the right, the dotted grey
  leg the left; diamonds are the SI joints with their rotation in degrees. Bars use the load simulator's group colours,
  with patterns.
- **Blue boxes** are claims from the article; **orange boxes** are clinical notes that refine them.
""",
        ),
        (
            "code",
            """
# The dashboard's controls are settings of `app`: app.tilt = 8, app.structure = "si_joint_left", app.camera = "back"
# Use the model from Python: how tight hamstrings tilt the pelvis, and what the lordosis does.
from runback_widgets.anatomy import posture, tilt_from_muscles
neutral = posture(0.0)
tilt = tilt_from_muscles(hamstrings=1.0)  # hamstrings fully tight (0 = relaxed, 1 = tight)
tight = posture(tilt)
print(f"neutral: sacral slope {neutral.sacral_slope:.0f} deg, lordosis {neutral.lordosis:.0f} deg")
print(f"tight hamstrings: pelvic tilt {tilt:+.0f} deg, sacral slope {tight.sacral_slope:.0f} deg, lordosis {tight.lordosis:.0f} deg")
""",
            "student",
        ),
    ],
    sources=[
        "runback_widgets/anatomy/model.py",
        "runback_widgets/anatomy/posture.py",
        "runback_widgets/anatomy/dimensions.py",
    ],
)

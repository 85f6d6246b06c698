"""Integers beyond a float's range (~1e308) get the validators' normal clear ValueError,
not an ``OverflowError`` (issue 10, Low). Python ints have no upper bound; ``float(10**400)``
raises ``OverflowError``, which no caller expects."""

from __future__ import annotations

import pytest

from runback_widgets.anatomy import model as anatomy
from runback_widgets.loadsim import model as loadsim
from runback_widgets.symptoms import model as symptoms

HUGE = [10**400, -(10**400), 10**5000]


@pytest.mark.parametrize("n", HUGE, ids=["1e400", "-1e400", "1e5000"])
@pytest.mark.parametrize("call,words", [
    (lambda n: loadsim.Runner(body_mass_kg=n), "body_mass_kg must be between 35 and 160"),
    (lambda n: loadsim.Runner(strength={"deep_core": n}), "between 0.3 and 1.5"),
    (lambda n: loadsim.RunPlan(duration_min=n), "duration_min must be between"),
    (lambda n: loadsim.with_training(loadsim.Runner(), strength_training_weeks=n), "strength_training_weeks"),
    (lambda n: anatomy.posture(tilt=n), "Pelvic tilt must be between"),
    (lambda n: anatomy.posture(lordosis=n), "Lordosis must be between"),
    (lambda n: anatomy.tilt_from_muscles(hamstrings=n), "Hamstring tightness must be between"),
    (lambda n: symptoms.validate_age(n), "age must be from"),
    (lambda n: symptoms.assess([], age=n), "age must be from"),
])
def test_huge_integers_give_the_normal_clear_error(call, words, n):
    with pytest.raises(ValueError, match=words) as exc:
        call(n)
    assert "too large" in str(exc.value)
    assert len(str(exc.value)) < 200  # the number itself is not printed in full


@pytest.mark.parametrize("make", ["loadsim", "anatomy", "symptoms"])
def test_huge_numbers_in_a_shared_link_are_ignored_with_a_note(make):
    """The share-link path (strings) of every dashboard: each setting given a number far
    beyond a float's range is ignored with a note, the rest of the state is kept, and
    nothing raises (``apply_scenario`` is the public link contract)."""
    if make == "loadsim":
        from runback_widgets.loadsim.widget import RunLoadSimulator as App
    elif make == "anatomy":
        from runback_widgets.anatomy.widget import AnatomyDashboard as App
    else:
        from runback_widgets.symptoms.widget import SymptomExplorer as App
    app = App()
    before = dict(app.scenario_state())
    huge = "1" + "0" * 400
    for key in before:
        for raw in (huge, "-" + huge, "1e400"):
            notes = app.apply_scenario({key: raw})
            assert isinstance(notes, list)
            if notes:
                assert all("Traceback" not in n and "Overflow" not in n for n in notes)
    # Nothing a huge number asked for was taken as a setting.
    after = app.scenario_state()
    assert all(huge not in str(v) and str(v).lower() not in ("inf", "-inf", "nan") for v in after.values())

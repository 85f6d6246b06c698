"""ui.memo.Recent: the small least-recently-used memory the dashboards' expensive results share."""

import pytest

from runback_widgets.ui.memo import Recent


def test_a_result_is_computed_once_per_key_and_the_least_recent_goes_first():
    calls = []

    def compute(k):
        calls.append(k)
        return [k]

    r = Recent(2)
    a = r.get("a", lambda: compute("a"))
    assert r.get("a", lambda: compute("a")) is a and calls == ["a"]
    r.get("b", lambda: compute("b"))
    r.get("a", lambda: compute("a"))  # a is now the most recent
    r.get("c", lambda: compute("c"))  # b goes
    assert "a" in r and "c" in r and "b" not in r and len(r) == 2
    assert calls == ["a", "b", "c"]


def test_a_result_counts_only_for_its_own_owner():
    class Model:
        pass

    r = Recent(4)
    m1, m2 = Model(), Model()
    assert r.get("k", lambda: 1, owner=m1) == 1
    assert r.get("k", lambda: 2, owner=m1) == 1
    assert r.get("k", lambda: 3, owner=m2) == 3  # same key, another object: computed again


@pytest.mark.parametrize("kept", [0, -1, 1.5, True, "3"])
def test_kept_must_be_a_whole_number_of_at_least_one(kept):
    with pytest.raises(ValueError, match="kept must be a whole number"):
        Recent(kept)

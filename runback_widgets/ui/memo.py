"""Results remembered for the last few inputs of a process (and of the kernels forked from it).

The dashboards' expensive results (a simulated run, the 3D model's label placements, the
validated 3D figure) are pure functions of hashable settings. A page's opening view is
computed once in a classroom server's kernel parent (``voila/zygote.py``) and every kernel
forked from it finds it there; a slider moved back finds its earlier result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Recent:
    """The results of the last ``kept`` keys, least recently used dropped first.

    ``get(key, compute, owner)``: the remembered result for ``key``, else ``compute()``.
    ``owner`` (optional) is an object the result belongs to; the result counts only while
    it is the same object (a key holding ``id(owner)`` can then never return another
    object's result after the first is gone and its id reused).
    """

    def __init__(self, kept: int):
        if not isinstance(kept, int) or isinstance(kept, bool) or kept < 1:
            raise ValueError(f"kept must be a whole number of at least 1, got {kept!r}")
        self.kept = kept
        self._hits: dict = {}

    def get(self, key: Hashable, compute: Callable[[], Any], owner: object = None) -> Any:
        hit = self._hits.pop(key, None)
        if hit is None or hit[0] is not owner:
            hit = (owner, compute())
        self._hits[key] = hit  # most recent last
        while len(self._hits) > self.kept:
            self._hits.pop(next(iter(self._hits)))
        return hit[1]

    def clear(self) -> None:
        self._hits.clear()

    def __len__(self) -> int:
        return len(self._hits)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._hits

    def __repr__(self) -> str:
        return f"Recent({len(self)} of {self.kept})"

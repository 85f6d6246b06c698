"""Transparent rule model: ticked symptoms (and age) -> pain-type scores,
ranking, urgency, the evidence behind each score, and next steps.

Everything clinical lives in ``content/symptoms.toml`` (weights with their
source claim in a comment, urgency texts, next steps with claim/note ids);
this module holds only the rules. It imports neither plotly nor ipywidgets.

Rules (issue 4; claims A05-A08, A10-A13 and clinical notes N01-N07):

* Score of a pain type = ``1 - prod(1 - w)`` over the weights ``w`` of the
  ticked symptoms that point to it (plus the age rule, below). Each score is in
  0..1, and ticking one more symptom can never lower any type's score (each
  factor ``1 - w`` is in [0, 1]), so the evidence for one type never competes
  with the evidence for another.
* Age rule (A07): age strictly over ``age_rule.over`` adds ``age_rule.weight``
  to the bone-related score, but only when at least one pain symptom
  (kind ``pattern``) is ticked: age describes the runner, not the pain.
* Ranking: pain types with a score > 0, highest score first. Scores are
  rounded (``model.score_decimals``) before comparing; exact ties are broken
  by ``model.tie_break`` (discogenic, then bone, then muscle: the type with the
  more cautious advice leads, so a tie never talks anyone out of a doctor).
* Urgency, first rule that applies:
  1. any red flag (N05) -> ``emergency``, whatever else is ticked;
  2. no pain symptom ticked (nothing, or only context such as
     ``new_or_returning_runner``, with or without an age) ->
     ``not_enough_information``;
  3. discogenic leading, or any symptom with ``escalate = "see_doctor_now"``
     (pain down the leg, below the knee / into the toes, cannot stand upright)
     -> ``see_doctor_now`` (A08, A13);
  4. bone-related leading -> ``see_doctor`` (A10);
  5. muscle-related leading -> ``self_care`` (A11, A14), with "see a doctor
     if it does not settle" (A12) among the next steps.
* Next steps: the items of ``[[next_step]]`` whose conditions hold, in file order.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from .. import content

__all__ = [
    "PAIN_TYPES",
    "URGENCY_LEVELS",
    "SYMPTOMS",
    "Symptom",
    "Evidence",
    "NextStep",
    "Assessment",
    "assess",
    "symptoms_in_group",
    "validate_age",
    "validate_symptoms",
]

#: Urgency levels, most urgent first.
URGENCY_LEVELS = ("emergency", "see_doctor_now", "see_doctor", "self_care", "not_enough_information")

#: Symptom kinds.
KINDS = ("pattern", "red_flag", "context")

_DATA = content.load_toml("symptoms.toml")
_MODEL = _DATA["model"]
_AGE = _DATA["age_rule"]

#: Pain types in display order.
PAIN_TYPES: tuple[str, ...] = tuple(_MODEL["types"])
_TIE_ORDER = {t: i for i, t in enumerate(_MODEL["tie_break"])}
_DECIMALS = int(_MODEL["score_decimals"])
AGE_MIN = _MODEL["age_min"]
AGE_MAX = _MODEL["age_max"]

#: Evidence key used for the age rule in :attr:`Assessment.evidence`.
AGE_KEY = "age"


@dataclass(frozen=True)
class Symptom:
    """One entry of the symptom vocabulary (text and weights from symptoms.toml)."""

    id: str
    kind: str
    group: str
    plain: str
    detail: str
    help: str
    regions: tuple[str, ...]
    #: (pain type, weight, claim ids) for each type this symptom points to.
    points_to: tuple[tuple[str, float, tuple[str, ...]], ...]
    escalate: str = ""
    banner: str = ""

    def weight_for(self, pain_type: str) -> float:
        return sum(w for t, w, _ in self.points_to if t == pain_type)

    def label(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain


@dataclass(frozen=True)
class Evidence:
    """One contribution to a pain type's score: a ticked symptom (or ``"age"``)."""

    source: str
    weight: float
    claims: tuple[str, ...]


@dataclass(frozen=True)
class NextStep:
    id: str
    plain: str
    detail: str
    claims: tuple[str, ...]

    def text(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`. Immutable."""

    symptoms: frozenset
    age: float | None
    scores: Mapping[str, float]
    ranking: tuple[str, ...]
    urgency: str
    red_flags: tuple[str, ...]
    evidence: Mapping[str, tuple[Evidence, ...]]
    next_steps: tuple[NextStep, ...]
    #: Symptoms that forced ``see_doctor_now`` on their own (leg pain, cannot stand upright).
    escalating: tuple[str, ...] = ()

    @property
    def leading(self) -> str | None:
        return self.ranking[0] if self.ranking else None

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """Every claim / note id behind this result (evidence, urgency, next steps), in first-use order."""
        seen: dict[str, None] = {}
        for t in PAIN_TYPES:
            for ev in self.evidence[t]:
                for c in ev.claims:
                    seen.setdefault(c, None)
        for c in _DATA["urgency"][self.urgency]["claims"]:
            seen.setdefault(c, None)
        for step in self.next_steps:
            for c in step.claims:
                seen.setdefault(c, None)
        return tuple(seen)


def _load_symptoms() -> Mapping[str, Symptom]:
    out: dict[str, Symptom] = {}
    group_ids = {g["id"] for g in _DATA["group"]}
    for sid, f in _DATA["symptom"].items():
        if f["kind"] not in KINDS:
            raise ValueError(f"symptoms.toml: {sid}: kind must be one of {KINDS}")
        if f["group"] not in group_ids:
            raise ValueError(f"symptoms.toml: {sid}: unknown group {f['group']!r}")
        pts = []
        for p in f.get("points_to", ()):
            if p["type"] not in PAIN_TYPES:
                raise ValueError(f"symptoms.toml: {sid}: unknown pain type {p['type']!r}")
            w = float(p["weight"])
            if not 0.0 < w < 1.0:
                raise ValueError(f"symptoms.toml: {sid}: weight must be in (0, 1), got {w}")
            pts.append((p["type"], w, tuple(p["claims"])))
        esc = f.get("escalate", "")
        if esc and esc not in URGENCY_LEVELS:
            raise ValueError(f"symptoms.toml: {sid}: escalate must be one of {URGENCY_LEVELS}")
        out[sid] = Symptom(
            id=sid,
            kind=f["kind"],
            group=f["group"],
            plain=f["plain"],
            detail=f["detail"],
            help=f["help"],
            regions=tuple(f.get("regions", ())),
            points_to=tuple(pts),
            escalate=esc,
            banner=f.get("banner", ""),
        )
    return MappingProxyType(out)


#: The symptom vocabulary, id -> :class:`Symptom`, in the order of symptoms.toml.
SYMPTOMS: Mapping[str, Symptom] = _load_symptoms()

_NEXT_STEPS = tuple(_DATA["next_step"])


def symptoms_in_group(group: str) -> tuple[Symptom, ...]:
    return tuple(s for s in SYMPTOMS.values() if s.group == group)


def validate_symptoms(symptoms: Iterable[str]) -> frozenset:
    """The ticked ids as a frozenset; ValueError naming the valid ids for anything unknown."""
    if isinstance(symptoms, (str, bytes)):
        raise ValueError(
            f"symptoms must be a set of symptom ids, not a single string; valid ids: {', '.join(SYMPTOMS)}"
        )
    try:
        ticked = frozenset(symptoms)
    except TypeError as exc:
        raise ValueError(f"symptoms must be a set of symptom ids; valid ids: {', '.join(SYMPTOMS)}") from exc
    unknown = sorted((s for s in ticked if s not in SYMPTOMS), key=repr)
    if unknown:
        shown = ", ".join(repr(s)[:60] for s in unknown[:5])
        raise ValueError(f"unknown symptom id(s): {shown}. Valid ids: {', '.join(SYMPTOMS)}")
    return ticked


def validate_age(age) -> float | None:
    """``None`` (not given) or a finite number of years in ``AGE_MIN..AGE_MAX``; else ValueError."""
    if age is None:
        return None
    if isinstance(age, bool) or not isinstance(age, numbers.Real):
        raise ValueError(f"age must be a number of years from {AGE_MIN} to {AGE_MAX}, or left empty; got {age!r:.40}")
    try:
        value = float(age)
    except OverflowError:  # an int beyond ~1e308
        raise ValueError(f"age must be from {AGE_MIN} to {AGE_MAX} years (or left empty); got a number too large to use") from None
    if not math.isfinite(value) or not AGE_MIN <= value <= AGE_MAX:
        raise ValueError(f"age must be from {AGE_MIN} to {AGE_MAX} years (or left empty); got {age!r:.40}")
    return value


def _score(weights: Iterable[float]) -> float:
    """Noisy-OR: 1 - prod(1 - w), rounded so exact ties stay exact."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return round(1.0 - miss, _DECIMALS)


def _rank(scores: Mapping[str, float]) -> tuple[str, ...]:
    present = [t for t in PAIN_TYPES if scores[t] > 0]
    return tuple(sorted(present, key=lambda t: (-scores[t], _TIE_ORDER[t])))


def _next_steps(urgency: str, leading: str | None, ticked: frozenset) -> tuple[NextStep, ...]:
    steps = []
    for item in _NEXT_STEPS:
        if "urgency" in item and urgency not in item["urgency"]:
            continue
        if "leading" in item and leading not in item["leading"]:
            continue
        if "any_symptom" in item and not ticked.intersection(item["any_symptom"]):
            continue
        steps.append(NextStep(id=item["id"], plain=item["plain"], detail=item["detail"], claims=tuple(item["claims"])))
    return tuple(steps)


def assess(symptoms: Iterable[str], age: int | float | None = None) -> Assessment:
    """Assess a set of ticked symptom ids (see :data:`SYMPTOMS`) and an optional age in years.

    >>> a = assess({"pain_one_side", "muscle_spasms"}, age=34)
    >>> a.ranking, a.urgency
    (('muscle',), 'self_care')
    >>> assess({"pain_one_side", "saddle_numbness"}).urgency
    'emergency'
    """
    ticked = validate_symptoms(symptoms)
    age_v = validate_age(age)

    # Vocabulary order keeps evidence and red flags in a stable, readable order.
    ordered = [SYMPTOMS[s] for s in SYMPTOMS if s in ticked]
    has_pattern = any(s.kind == "pattern" for s in ordered)

    evidence: dict[str, list[Evidence]] = {t: [] for t in PAIN_TYPES}
    for s in ordered:
        for t, w, claims in s.points_to:
            evidence[t].append(Evidence(source=s.id, weight=w, claims=claims))
    if has_pattern and age_v is not None and age_v > _AGE["over"]:
        evidence[_AGE["type"]].append(Evidence(source=AGE_KEY, weight=float(_AGE["weight"]), claims=tuple(_AGE["claims"])))

    scores = {t: _score(ev.weight for ev in evidence[t]) for t in PAIN_TYPES}
    ranking = _rank(scores)
    leading = ranking[0] if ranking else None
    red_flags = tuple(s.id for s in ordered if s.kind == "red_flag")
    escalating = tuple(s.id for s in ordered if s.escalate == "see_doctor_now")

    if red_flags:
        urgency = "emergency"
    elif not has_pattern or leading is None:
        urgency = "not_enough_information"
    elif leading == "discogenic" or escalating:
        urgency = "see_doctor_now"
    elif leading == "bone":
        urgency = "see_doctor"
    else:
        urgency = "self_care"

    return Assessment(
        symptoms=ticked,
        age=age_v,
        scores=MappingProxyType(scores),
        ranking=ranking,
        urgency=urgency,
        red_flags=red_flags,
        evidence=MappingProxyType({t: tuple(v) for t, v in evidence.items()}),
        next_steps=_next_steps(urgency, leading, ticked),
        escalating=escalating,
    )


def urgency_text(level: str) -> Mapping:
    """Title, plain and detailed wording and claim ids for an urgency level."""
    if level not in URGENCY_LEVELS:
        raise ValueError(f"unknown urgency {level!r}; valid: {', '.join(URGENCY_LEVELS)}")
    return _DATA["urgency"][level]


def type_info(pain_type: str) -> Mapping:
    """Label, one-sentence summaries, body regions, claims and anatomy structures of a pain type."""
    if pain_type not in PAIN_TYPES:
        raise ValueError(f"unknown pain type {pain_type!r}; valid: {', '.join(PAIN_TYPES)}")
    return _DATA["type"][pain_type]


def groups() -> tuple[Mapping, ...]:
    """Control groups (id, title, help) in display order."""
    return tuple(_DATA["group"])


def regions() -> Mapping[str, str]:
    """Body-map region id -> plain name."""
    return _DATA["region"]


def anatomy_links() -> Mapping:
    """The anatomy dashboard's notebook, linked structure ids and their labels."""
    return _DATA["anatomy"]


def age_rule() -> Mapping:
    return _AGE

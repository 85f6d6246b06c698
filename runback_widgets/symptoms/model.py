"""Transparent rule model v2 (issue 12): ticked symptoms (and age) -> pain-type
scores, the leading type (or none), an urgency tier with the rules behind it,
conditions to consider outside the three types, next steps and a safety net.

Everything clinical lives in ``content/symptoms.toml`` (weights, rules with
their claims and references, wording); this module holds only the machinery.
It imports neither plotly nor ipywidgets.

Two questions, answered separately:

* **Which of the article's three types fits?** A teaching exercise (N09: the
  three types are a simplification). Score of a type = ``1 - prod(1 - w)`` over
  the weights ``w`` of the ticked symptoms that point to it (plus the age rule:
  strictly over ``age_rule.over`` adds ``age_rule.weight`` to ``age_rule.type``
  when a pain symptom is ticked). A new tick never lowers any score. The
  ranking lists types with a score > 0, highest first (exact ties in display
  order). :attr:`Assessment.leading` is ``None`` ("none of the three article
  types fits well") when nothing scores, when the top two scores tie, when the
  best score is below ``model.min_fit``, or when a listed condition to consider
  has ``displaces = true``.
* **How urgent?** Each ``[[rule]]`` fires when its conditions hold (only
  "is ticked" and age-band tests, so one more tick can only fire more rules).
  The tier is the most urgent tier of the fired rules; with none fired it is
  ``self_care`` when a pain symptom is ticked, else ``not_enough_information``.
  The pain type never sets the urgency.
* Next steps and safety-net lines are the items whose conditions hold, in file
  order; steps marked ``exercise`` are dropped while a ``stop_exercise`` rule fires.
* Guards that hold whatever the file's item conditions say (independent
  review, 2026-11-30): at ``see_doctor_now`` or ``emergency`` no ``exercise``
  step and no ``reassure`` step ("usually harmless", "treated like ordinary
  back pain") is shown; a ``reassure`` step is also dropped while a condition
  marked ``serious`` is listed, and so is a condition marked ``only_alone``
  (the "one sign alone is usually harmless" entry).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .. import content

__all__ = [
    "PAIN_TYPES",
    "URGENCY_LEVELS",
    "SYMPTOMS",
    "RULES",
    "Symptom",
    "Evidence",
    "NextStep",
    "Rule",
    "Consider",
    "SafetyNetLine",
    "Assessment",
    "assess",
    "tier_rank",
    "symptoms_in_group",
    "validate_age",
    "validate_symptoms",
]

#: Symptom kinds.
KINDS = ("pattern", "red_flag", "risk", "context")

_DATA = content.load_toml("symptoms.toml")
_MODEL = _DATA["model"]
_AGE = _DATA["age_rule"]

#: Urgency tiers, most urgent first.
URGENCY_LEVELS: tuple[str, ...] = tuple(_DATA["tiers"]["order"])
_RANK = {t: len(URGENCY_LEVELS) - 1 - i for i, t in enumerate(URGENCY_LEVELS)}

#: Pain types in display order.
PAIN_TYPES: tuple[str, ...] = tuple(_MODEL["types"])
_DECIMALS = int(_MODEL["score_decimals"])
_MIN_FIT = float(_MODEL["min_fit"])
AGE_MIN = _MODEL["age_min"]
AGE_MAX = _MODEL["age_max"]

#: Evidence key used for the age rule in :attr:`Assessment.evidence`.
AGE_KEY = "age"


def tier_rank(tier: str) -> int:
    """Urgency as a number: higher = more urgent (``not_enough_information`` lowest)."""
    if tier not in _RANK:
        raise ValueError(f"unknown urgency {tier!r}; valid: {', '.join(URGENCY_LEVELS)}")
    return _RANK[tier]


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
    banner: str = ""
    #: A leg symptom (every result with one carries the cauda equina safety net).
    leg: bool = False
    #: Points to a bone problem (fracture, stress injury): never with exercise steps.
    bone: bool = False

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
    #: Foam rolling, loaded flexion or running steps.
    exercise: bool = False
    #: Reassuring wording ("usually harmless", "like ordinary back pain").
    reassure: bool = False
    #: Another dashboard this step opens (a page link with its query), and the link's words.
    link: str = ""
    link_text: str = ""

    def text(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain


@dataclass(frozen=True)
class Rule:
    """An urgency rule from symptoms.toml: conditions, tier, sources, wording."""

    id: str
    tier: str
    any: frozenset
    any2: frozenset
    pattern: bool
    age_over: float | None
    age_under: float | None
    #: Fires only when the age box is empty (a safe default for age-dependent signs).
    age_unknown: bool
    consider: str
    stop_exercise: bool
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    plain: str
    detail: str

    def text(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain

    def fires(self, ticked: frozenset, age: float | None, has_pattern: bool) -> bool:
        if self.any and not (self.any & ticked):
            return False
        if self.any2 and not (self.any2 & ticked):
            return False
        if self.pattern and not has_pattern:
            return False
        if self.age_over is not None and (age is None or not age > self.age_over):
            return False
        if self.age_under is not None and (age is None or not age < self.age_under):
            return False
        if self.age_unknown and age is not None:
            return False
        return True


@dataclass(frozen=True)
class Consider:
    """A condition outside the three article types that the ticks point to."""

    id: str
    title: str
    plain: str
    detail: str
    #: The most urgent tier among the fired rules that point to it.
    tier: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    displaces: bool
    #: A specific serious or bone condition: no reassuring step is shown with it.
    serious: bool = False

    def text(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain


@dataclass(frozen=True)
class SafetyNetLine:
    id: str
    plain: str
    detail: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]

    def text(self, detail: bool = False) -> str:
        return self.detail if detail else self.plain


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`. Immutable."""

    symptoms: frozenset
    age: float | None
    scores: Mapping[str, float]
    ranking: tuple[str, ...]
    #: The article type that fits best, or ``None`` when none fits well (see the module doc).
    leading: str | None
    urgency: str
    #: Ticked warning signs (kind ``red_flag``), in vocabulary order.
    red_flags: tuple[str, ...]
    evidence: Mapping[str, tuple[Evidence, ...]]
    next_steps: tuple[NextStep, ...]
    #: Fired urgency rules, most urgent first (file order within a tier).
    reasons: tuple[Rule, ...] = ()
    #: Conditions outside the three types, most urgent first.
    consider: tuple[Consider, ...] = ()
    #: Plain-language safety-net lines (never empty when a leg symptom is ticked).
    safety_net: tuple[SafetyNetLine, ...] = ()

    @property
    def fit_text(self) -> Mapping:
        """``{"none_plain", "none_detail", "claims"}``: the sentence used when no type leads."""
        return _DATA["fit"]

    @property
    def exercise_allowed(self) -> bool:
        return not any(r.stop_exercise for r in self.reasons)

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """Every claim / note id behind this result, in first-use order."""
        seen: dict[str, None] = {}
        for t in PAIN_TYPES:
            for ev in self.evidence[t]:
                for c in ev.claims:
                    seen.setdefault(c, None)
        for c in _DATA["urgency"][self.urgency]["claims"]:
            seen.setdefault(c, None)
        for group in (self.reasons, self.consider, self.next_steps, self.safety_net):
            for item in group:
                for c in item.claims:
                    seen.setdefault(c, None)
        if self.leading is None and self.ranking:
            for c in _DATA["fit"]["claims"]:
                seen.setdefault(c, None)
        return tuple(seen)


def _err(where: str, msg: str) -> ValueError:
    return ValueError(f"symptoms.toml: {where}: {msg}")


def _load_symptoms() -> Mapping[str, Symptom]:
    out: dict[str, Symptom] = {}
    group_ids = {g["id"] for g in _DATA["group"]}
    for sid, f in _DATA["symptom"].items():
        if f["kind"] not in KINDS:
            raise _err(sid, f"kind must be one of {KINDS}")
        if f["group"] not in group_ids:
            raise _err(sid, f"unknown group {f['group']!r}")
        pts = []
        for p in f.get("points_to", ()):
            if p["type"] not in PAIN_TYPES:
                raise _err(sid, f"unknown pain type {p['type']!r}")
            w = float(p["weight"])
            if not 0.0 < w < 1.0:
                raise _err(sid, f"weight must be in (0, 1), got {w}")
            pts.append((p["type"], w, tuple(p["claims"])))
        out[sid] = Symptom(
            id=sid,
            kind=f["kind"],
            group=f["group"],
            plain=f["plain"],
            detail=f["detail"],
            help=f["help"],
            regions=tuple(f.get("regions", ())),
            points_to=tuple(pts),
            banner=f.get("banner", ""),
            leg=bool(f.get("leg", False)),
            bone=bool(f.get("bone", False)),
        )
    return MappingProxyType(out)


#: The symptom vocabulary, id -> :class:`Symptom`, in the order of symptoms.toml.
SYMPTOMS: Mapping[str, Symptom] = _load_symptoms()
_LEG = frozenset(s for s, v in SYMPTOMS.items() if v.leg)
#: Warning signs and medical-history ticks (``or_flag`` items show with any of them).
_FLAG = frozenset(s for s, v in SYMPTOMS.items() if v.kind in ("red_flag", "risk"))


def _ids(where: str, ids) -> frozenset:
    ids = frozenset(ids or ())
    unknown = sorted(ids - set(SYMPTOMS))
    if unknown:
        raise _err(where, f"unknown symptom ids {unknown}")
    return ids


def _load_rules() -> tuple[Rule, ...]:
    out = []
    for r in _DATA["rule"]:
        rid = f"rule {r['id']}"
        if r["tier"] not in URGENCY_LEVELS or r["tier"] in ("self_care", "not_enough_information"):
            raise _err(rid, "tier must be emergency, see_doctor_now or see_doctor")
        consider = r.get("consider", "")
        if consider and consider not in _DATA["consider"]:
            raise _err(rid, f"unknown consider {consider!r}")
        if not r.get("sources") or not r.get("claims"):
            raise _err(rid, "every rule needs claims and sources")
        out.append(
            Rule(
                id=r["id"],
                tier=r["tier"],
                any=_ids(rid, r.get("any")),
                any2=_ids(rid, r.get("any2")),
                pattern=bool(r.get("pattern", False)),
                age_over=float(r["age_over"]) if "age_over" in r else None,
                age_under=float(r["age_under"]) if "age_under" in r else None,
                age_unknown=bool(r.get("age_unknown", False)),
                consider=consider,
                stop_exercise=bool(r.get("stop_exercise", False)),
                claims=tuple(r["claims"]),
                sources=tuple(r["sources"]),
                plain=r["plain"],
                detail=r["detail"],
            )
        )
    return tuple(out)


#: Urgency rules, in file order.
RULES: tuple[Rule, ...] = _load_rules()
_NEXT_STEPS = tuple(_DATA["next_step"])
_SAFETY_NET = tuple(_DATA["safety_net"])


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
        raise ValueError(
            f"age must be from {AGE_MIN} to {AGE_MAX} years (or left empty); got a number too large to use"
        ) from None
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
    return tuple(sorted(present, key=lambda t: -scores[t]))  # stable: ties keep display order


def _leading(ranking, scores, consider) -> str | None:
    if not ranking:
        return None
    if len(ranking) > 1 and scores[ranking[0]] == scores[ranking[1]]:
        return None  # a tie: no default to any type
    if scores[ranking[0]] < _MIN_FIT or any(c.displaces for c in consider):
        return None
    return ranking[0]


def _holds(item: Mapping, *, urgency, leading, ticked, consider_ids, has_pattern, exercise_ok, age, serious) -> bool:
    """Conditions shared by next steps and safety-net lines (all given ones must hold)."""
    urgent = _RANK[urgency] >= _RANK["see_doctor_now"]
    if (item.get("exercise") and urgent) or (item.get("reassure") and (urgent or serious)):
        return False  # the module-level guards, whatever the item's own conditions
    leg = bool(ticked & _LEG)
    if item.get("or_leg") and leg:
        return True
    if item.get("or_flag") and ticked & _FLAG:
        return True
    checks = (
        (not item.get("age_unknown") or age is None),
        ("urgency" not in item or urgency in item["urgency"]),
        ("leading" not in item or leading in item["leading"]),
        ("any_symptom" not in item or bool(ticked.intersection(item["any_symptom"]))),
        ("consider" not in item or bool(consider_ids.intersection(item["consider"]))),
        (not ticked.intersection(item.get("none_symptom", ()))),
        (not consider_ids.intersection(item.get("none_consider", ()))),
        (not item.get("pattern") or has_pattern),
        (not item.get("leg") or leg),
        (not item.get("exercise") or exercise_ok),
    )
    return all(checks)


def _considered(fired: Iterable[Rule], urgency: str) -> tuple[Consider, ...]:
    tiers: dict[str, str] = {}
    for r in fired:
        if r.consider and (r.consider not in tiers or _RANK[r.tier] > _RANK[tiers[r.consider]]):
            tiers[r.consider] = r.tier
    out = []
    for cid, tier in tiers.items():
        c = _DATA["consider"][cid]
        out.append(
            Consider(
                id=cid,
                title=c["title"],
                plain=c["plain"],
                detail=c["detail"],
                tier=tier,
                claims=tuple(c["claims"]),
                sources=tuple(c["sources"]),
                displaces=bool(c.get("displaces", False)),
                serious=bool(c.get("serious", False)),
            )
        )
    # "One sign alone is usually harmless" contradicts an urgent tier or a named serious condition.
    if _RANK[urgency] >= _RANK["see_doctor_now"] or any(c.serious for c in out):
        out = [c for c in out if not _DATA["consider"][c.id].get("only_alone", False)]
    return tuple(sorted(out, key=lambda c: -_RANK[c.tier]))


def assess(symptoms: Iterable[str], age: int | float | None = None) -> Assessment:
    """Assess a set of ticked symptom ids (see :data:`SYMPTOMS`) and an optional age in years.

    >>> a = assess({"pain_one_side", "muscle_spasms"}, age=34)
    >>> a.leading, a.urgency
    ('muscle', 'self_care')
    >>> assess({"pain_one_side", "saddle_numbness"}).urgency
    'emergency'
    >>> assess({"history_of_cancer", "ache_across_lower_back"}, age=62).urgency
    'see_doctor_now'
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
        evidence[_AGE["type"]].append(
            Evidence(source=AGE_KEY, weight=float(_AGE["weight"]), claims=tuple(_AGE["claims"]))
        )
    scores = {t: _score(ev.weight for ev in evidence[t]) for t in PAIN_TYPES}
    ranking = _rank(scores)

    fired = [r for r in RULES if r.fires(ticked, age_v, has_pattern)]
    fired.sort(key=lambda r: -_RANK[r.tier])  # stable: file order within a tier
    if fired:
        urgency = fired[0].tier
    else:
        urgency = "self_care" if has_pattern else "not_enough_information"
    consider = _considered(fired, urgency)
    leading = _leading(ranking, scores, consider)
    exercise_ok = not any(r.stop_exercise for r in fired)
    consider_ids = frozenset(c.id for c in consider)
    cond = dict(
        urgency=urgency,
        leading=leading,
        ticked=ticked,
        consider_ids=consider_ids,
        has_pattern=has_pattern,
        exercise_ok=exercise_ok,
        age=age_v,
        serious=any(c.serious for c in consider),
    )

    steps = tuple(
        NextStep(
            id=i["id"],
            plain=i["plain"],
            detail=i["detail"],
            claims=tuple(i["claims"]),
            exercise=bool(i.get("exercise", False)),
            reassure=bool(i.get("reassure", False)),
            link=i.get("link", ""),
            link_text=i.get("link_text", ""),
        )
        for i in _NEXT_STEPS
        if _holds(i, **cond)
    )
    net = tuple(
        SafetyNetLine(
            id=i["id"], plain=i["plain"], detail=i["detail"], claims=tuple(i["claims"]), sources=tuple(i["sources"])
        )
        for i in _SAFETY_NET
        if _holds(i, **cond)
    )
    return Assessment(
        symptoms=ticked,
        age=age_v,
        scores=MappingProxyType(scores),
        ranking=ranking,
        leading=leading,
        urgency=urgency,
        red_flags=tuple(s.id for s in ordered if s.kind == "red_flag"),
        evidence=MappingProxyType({t: tuple(v) for t, v in evidence.items()}),
        next_steps=steps,
        reasons=tuple(fired),
        consider=consider,
        safety_net=net,
    )


def urgency_text(level: str) -> Mapping:
    """Title, plain and detailed wording, claim ids and references of an urgency tier."""
    if level not in URGENCY_LEVELS:
        raise ValueError(f"unknown urgency {level!r}; valid: {', '.join(URGENCY_LEVELS)}")
    return _DATA["urgency"][level]


def type_info(pain_type: str) -> Mapping:
    """Label, one-sentence summaries, body regions, claims and anatomy structures of a pain type."""
    if pain_type not in PAIN_TYPES:
        raise ValueError(f"unknown pain type {pain_type!r}; valid: {', '.join(PAIN_TYPES)}")
    return _DATA["type"][pain_type]


def fit_text() -> Mapping:
    """The "none of the three article types fits well" sentence (plain, detail, claims)."""
    return _DATA["fit"]


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

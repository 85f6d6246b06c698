"""What helps: evidence ratings, the exercise library and the two running planners.

Model layer: plain functions over numbers, dates and the content tables in
``content/care.toml``; no plotly, no ipywidgets.

* :func:`evidence` lists the care options with their rating, note, claim ids
  and sources.
* :func:`exercises` filters the exercise library by goal, equipment and what
  hurts (bending vs arching).
* :func:`plan_return_to_run` builds a graded walk-run plan back to the
  runner's previous weekly running, or refuses (with who to see first) when
  the symptom explorer's urgency is above self-care, a warning sign is ticked,
  or pain is too high to plan runs.
* :func:`plan_base` builds weeks from the current to a target weekly running
  time for new and returning runners.
* :func:`stick_figure` turns an exercise's joint angles into 2-D joint
  positions for the position diagrams.

Every number is in :data:`PARAMETERS` with its source or marked an assumption.

References
----------
Silbernagel KG et al. (2007) Am J Sports Med 35:897-906 (pain-monitoring model).
Buist I et al. (2008) Am J Sports Med 36:33-39; Nielsen RO et al. (2014)
J Orthop Sports Phys Ther 44:739-747 (weekly progression; weak evidence).
Garber CE et al. (2011) Med Sci Sports Exerc 43:1334-1359 (strength dosing).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .. import content
from ..loadsim.params import GROUPS

__all__ = [
    "URGENCY_LEVELS",
    "PLANNABLE_URGENCY",
    "GROUPS",
    "PARAMETERS",
    "LIMITS",
    "GOALS",
    "EQUIPMENT",
    "TOPICS",
    "HURTS",
    "Option",
    "Exercise",
    "Week",
    "Session",
    "Plan",
    "evidence",
    "ratings",
    "exercises",
    "all_exercises",
    "progression_bound",
    "plan_return_to_run",
    "plan_base",
    "stick_figure",
    "parameter_rows",
]

#: The symptom explorer's urgency ids (runback_widgets/symptoms/model.py), most urgent first.
URGENCY_LEVELS = ("emergency", "see_doctor_now", "see_doctor", "self_care", "not_enough_information")
#: The only urgency for which the kit plans a return to running.
PLANNABLE_URGENCY = "self_care"


def _p(value, unit, source, note):
    return MappingProxyType({"value": value, "unit": unit, "source": source, "note": note})


#: Every number the planners use. ``source`` is a reference id or "assumption".
PARAMETERS = MappingProxyType(
    {
        "pain_limit": _p(
            3,
            "/10",
            "assumption",
            "Highest pain allowed during a session. Adapted from Silbernagel's pain-monitoring model "
            "(silbernagel_2007, which allowed 5/10 for Achilles tendon pain); 3/10 is a cautious choice "
            "for back pain, where no limit has been tested.",
        ),
        "silbernagel_pain_limit": _p(
            5,
            "/10",
            "silbernagel_2007",
            "Pain limit in Silbernagel's Achilles protocol, shown for comparison; not used.",
        ),
        "max_weekly_increase": _p(
            0.10,
            "1",
            "buist_2008",
            "Default largest rise of weekly running over the largest week so far (the '10 % rule'). "
            "Buist 2008 found a 10 % plan no safer than a faster one; Nielsen 2014 linked rises "
            "above 30 % in two weeks to more distance-related injuries. A cautious convention.",
        ),
        "min_step_minutes": _p(
            5.0, "min/week", "assumption", "Smallest allowed rise, so that very short early weeks can grow at all."
        ),
        "recovery_every": _p(
            4, "weeks", "assumption", "A lighter week every 4th week: common coaching practice, untested for back pain."
        ),
        "recovery_fraction": _p(0.7, "1", "assumption", "A recovery week runs 70 % of the week before."),
        "continuous_from": _p(
            20.0,
            "min/session",
            "assumption",
            "Sessions with at least this much running are one continuous run; shorter ones are run/walk rounds.",
        ),
        "rounds": _p(5, "rounds", "assumption", "Run/walk sessions are 5 rounds of 5 minutes (run + walk)."),
        "round_minutes": _p(5.0, "min", "assumption", "Length of one run/walk round."),
        "return_start_fraction_short": _p(
            0.5, "1", "assumption", "First running week after up to 2 weeks of pain: half the previous weekly running."
        ),
        "return_start_fraction_medium": _p(
            0.35, "1", "assumption", "After 2 to 6 weeks: about a third of the previous weekly running."
        ),
        "return_start_fraction_long": _p(
            0.25, "1", "assumption", "After more than 6 weeks: a quarter of the previous weekly running."
        ),
        "short_break_days": _p(14, "days", "assumption", "Up to this many days counts as a short break."),
        "long_pain_days": _p(
            42,
            "days",
            "assumption",
            "Pain for more than 6 weeks: the plan asks the runner to review it with a GP or physio.",
        ),
        "min_start_minutes": _p(15.0, "min/week", "assumption", "Shortest first running week."),
        "new_runner_start_minutes": _p(
            20.0,
            "min/week",
            "assumption",
            "First week of a brand-new runner (run/walk), similar to common beginner programmes.",
        ),
        "too_painful": _p(
            7,
            "/10",
            "assumption",
            "Pain at or above this level now: no runs are planned; keep gently active and get advice if "
            "it does not ease.",
        ),
        "max_weeks": _p(
            26, "weeks", "assumption", "Longest plan; a longer build-up should be planned with a coach or physio."
        ),
    }
)


def value(name: str):
    return PARAMETERS[name]["value"]


def parameter_rows() -> list[dict]:
    """The parameter table as rows (name, value, unit, source, note) for the notebook."""
    return [{"name": k, **dict(v)} for k, v in PARAMETERS.items()]


#: Valid input ranges (inclusive), named in every ValueError.
LIMITS = MappingProxyType(
    {
        "days_since_onset": (0, 3650),
        "pain_now": (0, 10),
        "weekly_minutes_before": (20, 1200),
        "sessions_per_week": (2, 5),
        "current_minutes": (0, 1200),
        "target_minutes": (20, 1200),
        "max_weekly_increase": (0.05, 0.30),
        "recovery_every": (3, 8),
        "max_weeks": (1, 52),
    }
)

GOALS = ("any", "hips", "core", "running")
EQUIPMENT = ("any", "none", "step", "band")
HURTS = ("none", "bending", "arching")
#: "What hurts" -> the spinal position an exercise must not load.
_AVOID_SPINE = {"none": None, "bending": "flexion", "arching": "extension"}


def _number(name: str, x, integer: bool = False) -> float:
    lo, hi = LIMITS[name]
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number between {lo} and {hi}, got {x!r}")
    x = float(x)
    if not math.isfinite(x) or x < lo or x > hi:
        raise ValueError(f"{name} must be between {lo} and {hi}, got {x!r}")
    if integer and x != int(x):
        raise ValueError(f"{name} must be a whole number between {lo} and {hi}, got {x!r}")
    return x


def _choice(name: str, x, valid: Sequence[str]) -> str:
    if not isinstance(x, str) or x not in valid:
        raise ValueError(f"{name} must be one of {', '.join(valid)}; got {str(x)[:40]!r}")
    return x


def _date(name: str, x) -> dt.date:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    raise ValueError(f"{name} must be a date (datetime.date), got {type(x).__name__}")


# --------------------------------------------------------------------------- evidence


def _text():
    return content.load_toml("care.toml")


@dataclass(frozen=True)
class Option:
    """A care option with its evidence rating (``rating`` id, ``rank`` 0-4)."""

    id: str
    name: str
    topic: str
    rating: str
    rank: int
    label: str
    note: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]


def ratings() -> dict[str, dict]:
    """Rating id -> {"rank", "label", "plain"} (4 = recommended first ... 0 = not recommended)."""
    return {k: dict(v) for k, v in _text()["rating"].items()}


TOPICS = ("all", "treatment", "medicine", "prevention")


def evidence(topic: str = "all") -> list[Option]:
    """The care options (all, or one ``topic``: treatment, medicine, prevention), best evidence
    first (stable within a rating)."""
    _choice("topic", topic, TOPICS)
    scale = ratings()
    out = []
    for o in _text()["option"]:
        if topic != "all" and o["topic"] != topic:
            continue
        r = scale[o["rating"]]
        out.append(
            Option(
                id=o["id"],
                name=o["name"],
                topic=o["topic"],
                rating=o["rating"],
                rank=int(r["rank"]),
                label=r["label"],
                note=o["note"],
                claims=tuple(o["claims"]),
                sources=tuple(o["sources"]),
            )
        )
    return sorted(out, key=lambda o: -o.rank)


# --------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    groups: tuple[str, ...]
    goals: tuple[str, ...]
    equipment: str
    spine: str
    view: str
    description: str
    progression: str
    regression: str
    avoid: str
    dose: str
    dose_sources: tuple[str, ...]
    pose: Mapping[str, float] = field(default_factory=dict)


def all_exercises() -> list[Exercise]:
    t = _text()
    out = []
    for e in t["exercise"]:
        dose = t["doses"][e["dose"]]
        out.append(
            Exercise(
                id=e["id"],
                name=e["name"],
                groups=tuple(e["groups"]),
                goals=tuple(e["goals"]),
                equipment=e["equipment"],
                spine=e["spine"],
                view=e["view"],
                description=e["description"],
                progression=e["progression"],
                regression=e["regression"],
                avoid=e["avoid"],
                dose=dose["text"],
                dose_sources=tuple(dose["sources"]),
                pose=MappingProxyType(dict(e["pose"])),
            )
        )
    return out


def exercises(goal: str = "any", equipment: str = "any", hurts: str = "none") -> list[Exercise]:
    """The exercises that fit a goal, the equipment at hand and what hurts.

    Parameters
    ----------
    goal : {"any", "hips", "core", "running"}
    equipment : {"any", "none", "step", "band"}
        "none" keeps floor-only exercises; "step"/"band" keep those plus the
        ones that need that item.
    hurts : {"none", "bending", "arching"}
        "bending" drops exercises that load a flexed spine, "arching" those that
        load an extended one.
    """
    _choice("goal", goal, GOALS)
    _choice("equipment", equipment, EQUIPMENT)
    _choice("hurts", hurts, HURTS)
    avoid = _AVOID_SPINE[hurts]
    out = []
    for e in all_exercises():
        if goal != "any" and goal not in e.goals:
            continue
        if equipment != "any" and e.equipment not in ("none", equipment):
            continue
        if avoid and e.spine == avoid:
            continue
        out.append(e)
    return out


# --------------------------------------------------------------------------- stick figures

#: Segment lengths as fractions of body height, for drawing only (approximate adult proportions: an assumption).
SEGMENTS = MappingProxyType(
    {
        "trunk": 0.29,
        "neck": 0.05,
        "head_radius": 0.06,
        "upper_arm": 0.186,
        "forearm": 0.146,
        "thigh": 0.245,
        "shank": 0.246,
    }
)


def _unit(deg: float) -> np.ndarray:
    r = math.radians(float(deg))
    return np.array([math.cos(r), math.sin(r)])


def stick_figure(pose: Mapping[str, float]) -> dict[str, np.ndarray]:
    """2-D joint positions of a stick figure from absolute segment angles [deg].

    ``pose`` gives ``trunk`` (hip -> shoulder), ``head`` (shoulder -> head),
    ``upper_arm``, ``forearm``, ``thigh_near``, ``shank_near``, ``thigh_far``,
    ``shank_far`` and optionally ``arm_far``/``forearm_far`` (default: the near
    arm's). 0 deg points right, 90 deg up. The figure is shifted so its lowest
    point rests on the floor (y = 0). Returns named points (x, y) in body
    heights: hip, shoulder, head, elbow/hand and knee/foot for near and far sides.
    """
    need = ("trunk", "head", "upper_arm", "forearm", "thigh_near", "shank_near", "thigh_far", "shank_far")
    missing = [k for k in need if k not in pose]
    if missing:
        raise ValueError(f"pose is missing angle(s) {missing}; needs {need}")
    L = SEGMENTS
    hip = np.zeros(2)
    shoulder = hip + L["trunk"] * _unit(pose["trunk"])
    head = shoulder + (L["neck"] + L["head_radius"]) * _unit(pose["head"])
    pts = {"hip": hip, "shoulder": shoulder, "head": head}
    for side, ua, fa in (
        ("near", pose["upper_arm"], pose["forearm"]),
        ("far", pose.get("arm_far", pose["upper_arm"]), pose.get("forearm_far", pose["forearm"])),
    ):
        pts[f"elbow_{side}"] = shoulder + L["upper_arm"] * _unit(ua)
        pts[f"hand_{side}"] = pts[f"elbow_{side}"] + L["forearm"] * _unit(fa)
    for side in ("near", "far"):
        pts[f"knee_{side}"] = hip + L["thigh"] * _unit(pose[f"thigh_{side}"])
        pts[f"foot_{side}"] = pts[f"knee_{side}"] + L["shank"] * _unit(pose[f"shank_{side}"])
    low = min(p[1] for k, p in pts.items() if k != "head")
    low = min(low, head[1] - L["head_radius"])
    shift = np.array([0.0, -low])
    return {k: p + shift for k, p in pts.items()}


# --------------------------------------------------------------------------- planners


@dataclass(frozen=True)
class Week:
    """One week of a plan. ``run_minutes`` is the week's total running time [min]."""

    index: int
    start: dt.date
    kind: str  # "walk" | "run_walk" | "continuous"
    run_minutes: float
    sessions: int
    session_run_minutes: float
    run_bout_s: int = 0  # run/walk rounds only: seconds of running per round
    walk_bout_s: int = 0
    recovery: bool = False

    def session_text(self) -> str:
        if self.kind == "walk":
            return "Brisk walk, 30 minutes (no running yet)"
        if self.kind == "continuous":
            return f"Run {self.session_run_minutes:.0f} minutes, easy pace"
        rounds = int(value("rounds"))
        return f"{rounds} rounds of: run {_mmss(self.run_bout_s)}, walk {_mmss(self.walk_bout_s)}"


def _mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class Session:
    date: dt.date
    week: int
    title: str
    description: str


#: Day offsets within a week for each number of sessions (rest days in between where possible).
_SESSION_DAYS = {2: (0, 3), 3: (0, 2, 4), 4: (0, 2, 4, 6), 5: (0, 1, 3, 4, 6)}


@dataclass(frozen=True)
class Plan:
    """A return-to-run or base-building plan, or a refusal (``refused`` with ``who_first``)."""

    kind: str  # "return" | "base"
    weeks: tuple[Week, ...]
    target_minutes: float
    max_weekly_increase: float
    recovery_every: int
    baseline_minutes: float = 0.0  # the week before the plan (base: current running; return: 0)
    refused: bool = False
    reason: str = ""  # "warning_sign" | "urgency" | "too_painful"
    who_first: str = ""
    notes: tuple[str, ...] = ()
    reached_week: int | None = None

    @property
    def run_minutes(self) -> np.ndarray:
        return np.array([w.run_minutes for w in self.weeks], dtype=float)

    def sessions(self) -> list[Session]:
        out = []
        label = "Return to running" if self.kind == "return" else "Build a base"
        rule = _text()["planner"]["rules"]["pain"]
        for w in self.weeks:
            for off in _SESSION_DAYS[w.sessions]:
                extra = " (recovery week)" if w.recovery else ""
                out.append(
                    Session(
                        date=w.start + dt.timedelta(days=off),
                        week=w.index,
                        title=f"{label}, week {w.index}{extra}: {w.session_text()}",
                        description=f"{w.session_text()}. {rule}",
                    )
                )
        return out


def progression_bound(peak: float, max_weekly_increase: float, min_step: float | None = None) -> float:
    """Largest weekly running allowed after a largest-so-far week of ``peak`` minutes:
    ``max(peak·(1 + max_weekly_increase), peak + min_step)``."""
    step = value("min_step_minutes") if min_step is None else min_step
    return max(peak * (1.0 + max_weekly_increase), peak + step)


def _week(index: int, start: dt.date, weekly: float, sessions: int, recovery: bool = False) -> Week:
    """Week ``index`` with ``weekly`` running minutes rounded DOWN to what sessions can hold:
    whole-second run bouts in run/walk rounds, whole minutes in continuous runs."""
    per = weekly / sessions
    if per >= value("continuous_from"):
        per = float(math.floor(per))
        return Week(index, start, "continuous", per * sessions, sessions, per, recovery=recovery)
    rounds = int(value("rounds"))
    run_s = max(int(math.floor(per * 60.0 / rounds)), 1)
    walk_s = max(60, int(value("round_minutes") * 60) - run_s)
    per = run_s * rounds / 60.0
    return Week(index, start, "run_walk", per * sessions, sessions, per, run_s, walk_s, recovery=recovery)


def _rules(sessions_per_week, max_weekly_increase, recovery_every, max_weeks, start_date):
    """Both planners' shared inputs, checked, with :data:`PARAMETERS` defaults for ``None``:
    (sessions, increase, recovery_every, max_weeks, start)."""

    def given(name, x):
        return value(name) if x is None else x

    return (
        int(_number("sessions_per_week", sessions_per_week, integer=True)),
        _number("max_weekly_increase", given("max_weekly_increase", max_weekly_increase)),
        int(_number("recovery_every", given("recovery_every", recovery_every), integer=True)),
        int(_number("max_weeks", given("max_weeks", max_weeks), integer=True)),
        _date("start_date", dt.date.today() if start_date is None else start_date),
    )


def _progress(
    kind: str,
    first: float,
    target: float,
    baseline: float,
    sessions: int,
    increase: float,
    recovery_every: int,
    start: dt.date,
    max_weeks: int,
    lead_weeks: tuple[Week, ...] = (),
) -> tuple[list[Week], int | None]:
    """Weeks from ``first`` towards ``target`` under the progression rule; recovery weeks every
    ``recovery_every``-th week (counted over the whole plan, lead weeks included)."""
    weeks = list(lead_weeks)
    peak = None
    reached = None
    proposed = first
    while len(weeks) < max_weeks:
        n = len(weeks) + 1
        start_n = start + dt.timedelta(weeks=n - 1)
        if peak is not None and n % recovery_every == 0:
            weeks.append(_week(n, start_n, peak * value("recovery_fraction"), sessions, recovery=True))
            continue
        if peak is not None:
            proposed = min(target, progression_bound(peak, increase))
        weeks.append(_week(n, start_n, proposed, sessions))
        peak = weeks[-1].run_minutes if peak is None else max(peak, weeks[-1].run_minutes)
        if proposed >= target:
            reached = n
            break
    return weeks, reached


def plan_return_to_run(
    days_since_onset: float,
    pain_now: float,
    weekly_minutes_before: float,
    urgency: str = "self_care",
    warning_signs: Sequence[str] | bool = (),
    sessions_per_week: int = 3,
    start_date: dt.date | None = None,
    max_weekly_increase: float | None = None,
    recovery_every: int | None = None,
    max_weeks: int | None = None,
) -> Plan:
    """A graded walk-run plan back to the runner's previous weekly running time.

    Parameters
    ----------
    days_since_onset : float
        Days since the back pain began [days], 0-3650.
    pain_now : float
        Pain now on a 0-10 scale.
    weekly_minutes_before : float
        Weekly running before the pain [min/week], 20-1200: the plan's target.
    urgency : str
        The symptom explorer's urgency (:data:`URGENCY_LEVELS`). Anything but
        ``"self_care"`` refuses to plan and says who to see first.
    warning_signs : sequence of str or bool
        Warning signs ticked (ids, or True). Any ticked sign refuses to plan.
    sessions_per_week : int
        Runs per week, 2-5.
    start_date : datetime.date
        Monday (or any day) the first week starts; default today.
    max_weekly_increase, recovery_every, max_weeks
        Progression rule (defaults from :data:`PARAMETERS`).

    Returns
    -------
    Plan
        ``refused=True`` (no weeks) with ``who_first``, or the weekly plan. A
        first walking week is added when pain is above the pain limit (3/10).
    """
    days = _number("days_since_onset", days_since_onset)
    pain = _number("pain_now", pain_now)
    before = _number("weekly_minutes_before", weekly_minutes_before)
    urgency = _choice("urgency", urgency, URGENCY_LEVELS)
    sessions, increase, every, n_max, start = _rules(
        sessions_per_week, max_weekly_increase, recovery_every, max_weeks, start_date
    )
    if isinstance(warning_signs, str):
        raise ValueError("warning_signs must be a list of sign ids or True/False, not a single string")
    ticked = bool(warning_signs) if isinstance(warning_signs, (bool, np.bool_)) else len(list(warning_signs)) > 0
    t = _text()["planner"]
    common = dict(kind="return", weeks=(), target_minutes=before, max_weekly_increase=increase, recovery_every=every)
    if ticked:
        return Plan(**common, refused=True, reason="warning_sign", who_first=t["who_first"]["warning_sign"])
    if urgency != PLANNABLE_URGENCY:
        return Plan(**common, refused=True, reason="urgency", who_first=t["who_first"][urgency])
    if pain >= value("too_painful"):
        return Plan(
            **common,
            refused=True,
            reason="too_painful",
            who_first=t["who_first"]["too_painful"].format(pain=f"{pain:g}"),
        )
    notes = []
    if days > value("long_pain_days"):
        notes.append(t["notes"]["long_pain"])
    lead: tuple[Week, ...] = ()
    if pain > value("pain_limit"):
        notes.append(t["notes"]["walk_first"])
        lead = (Week(1, start, "walk", 0.0, sessions, 0.0),)
    if days <= value("short_break_days"):
        frac = value("return_start_fraction_short")
    elif days <= value("long_pain_days"):
        frac = value("return_start_fraction_medium")
    else:
        frac = value("return_start_fraction_long")
    first = min(before, max(value("min_start_minutes"), before * frac))
    weeks, reached = _progress("return", first, before, 0.0, sessions, increase, every, start, n_max, lead)
    notes.append(t["notes"]["reached"].format(week=reached) if reached else t["notes"]["capped"].format(weeks=n_max))
    return Plan(**common | {"weeks": tuple(weeks)}, notes=tuple(notes), reached_week=reached)


def plan_base(
    current_minutes: float,
    target_minutes: float,
    sessions_per_week: int = 3,
    start_date: dt.date | None = None,
    max_weekly_increase: float | None = None,
    recovery_every: int | None = None,
    max_weeks: int | None = None,
) -> Plan:
    """Weeks from the current to a target weekly running time (new and returning runners).

    Parameters
    ----------
    current_minutes : float
        Running per week now [min/week], 0-1200 (0 = new runner: the plan starts
        with run/walk rounds at ``new_runner_start_minutes``).
    target_minutes : float
        Target weekly running [min/week], 20-1200, above ``current_minutes``.
    sessions_per_week, start_date, max_weekly_increase, recovery_every, max_weeks
        As in :func:`plan_return_to_run`.

    Every week stays within :func:`progression_bound` of the largest week
    before it (the current week included); every ``recovery_every``-th week is
    a lighter recovery week.
    """
    current = _number("current_minutes", current_minutes)
    target = _number("target_minutes", target_minutes)
    if target <= current:
        raise ValueError(f"target_minutes must be greater than current_minutes ({current:g}), got {target:g}")
    sessions, increase, every, n_max, start = _rules(
        sessions_per_week, max_weekly_increase, recovery_every, max_weeks, start_date
    )
    notes = []
    if current == 0:
        first = min(target, value("new_runner_start_minutes"))
        notes.append(_text()["base"]["note_new"].format(start=f"{first:g}"))
    else:
        first = min(target, progression_bound(current, increase))
    weeks, reached = _progress("base", first, target, current, sessions, increase, every, start, n_max)
    t = _text()["planner"]["notes"]
    notes.append(t["reached"].format(week=reached) if reached else t["capped"].format(weeks=n_max))
    return Plan(
        kind="base",
        weeks=tuple(weeks),
        target_minutes=target,
        max_weekly_increase=increase,
        recovery_every=every,
        baseline_minutes=current,
        notes=tuple(notes),
        reached_week=reached,
    )

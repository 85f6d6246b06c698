"""Plans as files: CSV (spreadsheets) and iCalendar (.ics, phone calendars).

Pure functions over :class:`runback_widgets.care.model.Plan`; no plotly, no
ipywidgets. The .ics is written with the ``icalendar`` package (RFC 5545):
one all-day event per session, each with a stable UID.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import functools
import io

from .model import Plan

__all__ = ["CSV_COLUMNS", "plan_csv", "plan_ics", "data_uri"]

CSV_COLUMNS = ["week", "week_starts", "date", "kind", "recovery_week", "week_running_minutes", "session"]


def _require_plan(plan) -> Plan:
    if not isinstance(plan, Plan):
        raise ValueError(f"plan must be a Plan, got {type(plan).__name__}")
    if plan.refused:
        raise ValueError("plan was refused (see who_first): there is nothing to export")
    return plan


def plan_csv(plan: Plan) -> str:
    """One row per session: week, dates, kind, recovery flag, week's running minutes, what to do."""
    plan = _require_plan(plan)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    by_week = {wk.index: wk for wk in plan.weeks}
    for s in plan.sessions():
        wk = by_week[s.week]
        w.writerow(
            [
                wk.index,
                wk.start.isoformat(),
                s.date.isoformat(),
                wk.kind,
                "yes" if wk.recovery else "no",
                f"{wk.run_minutes:.1f}",
                wk.session_text(),
            ]
        )
    return buf.getvalue()


def plan_ics(plan: Plan) -> bytes:
    """An iCalendar file with one all-day event per session (imports into phone calendars).

    Kept per plan (``Plan`` is frozen: equal plans give the same file): the What helps page
    offers the file for download and draws it again at every change of any control, while
    the plans change only with their own controls. The ``icalendar`` package takes ~10-30 ms
    per plan (the kernel's largest cost in a profiled page build and visit)."""
    plan = _require_plan(plan)
    return _ics(plan, plan.weeks[0].start if plan.weeks else dt.date.today())


@functools.lru_cache(maxsize=64)
def _ics(plan: Plan, first: dt.date) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//runback//What helps planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Return to running" if plan.kind == "return" else "Build a base")
    stamp = dt.datetime.combine(first, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for i, s in enumerate(plan.sessions()):
        ev = Event()
        ev.add("uid", f"{plan.kind}-{first.isoformat()}-{i:03d}@runback")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.date)
        ev.add("dtend", s.date + dt.timedelta(days=1))
        ev.add("summary", s.title)
        ev.add("description", s.description)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def data_uri(payload: str | bytes, mime: str) -> str:
    """A ``data:`` URI (base64) for a download link that works without a server route."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"

"""The signals, as plain functions over the readings of one subject (a recorder or a class).

Each answers None (nothing to look into) or the figures that make the flag. None of them is an
accusation: a school looks into each and marks it with a note. Every signal has a guard against
false alarms: too few readings, a class of five (where identical days are ordinary), a day with
one session only (times are compared session by session, never a morning with a noon).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

MIN_READINGS = 30  # below this, shares of temperatures say nothing
MIN_CLASS = 6  # a class of five may well look the same day after day
ROUND_SHARE = 0.6  # honest thermometers give .0 or .5 about one time in five
REPEAT_SHARE = 0.5
JUST_UNDER = 0.2  # °C under the fever threshold
JUST_UNDER_SHARE = 0.25
UNVARYING_CHECKS = 10
IDENTICAL_DAYS = 5  # the same submission on this many days of a session in a row
SAME_SECOND_DAYS = 3
SAME_MINUTE_DAYS, SAME_MINUTE_SHARE = 7, 0.8
LOW = 35.5
LOW_COUNT = 3
CLOCK_AHEAD_MINUTES = 10
CLOCK_COUNT = 3
SCHOOL_DAY_STARTS = time(5, 0)  # a check of a day recorded before this, in the county's time, came before the day
EARLY_COUNT = 2


@dataclass(frozen=True)
class Reading:
    """One current check, as the signals need it (local_recorded: the phone's time in the county's zone)."""

    student_id: int
    day: date
    session: str
    present: bool
    temperature: float | None
    recorded_at: datetime  # naive UTC
    received_at: datetime
    local_recorded: datetime


def temperatures(readings) -> list[float]:
    return [r.temperature for r in readings if r.temperature is not None]


def rounded(readings) -> dict | None:
    values = temperatures(readings)
    if len(values) < MIN_READINGS:
        return None
    count = sum(1 for t in values if round(t * 10) % 5 == 0)
    return {"count": count, "n": len(values)} if count / len(values) >= ROUND_SHARE else None


def repeated(readings, class_size: int | None = None) -> dict | None:
    values = temperatures(readings)
    if len(values) < MIN_READINGS or (class_size is not None and class_size < MIN_CLASS):
        return None
    value, count = Counter(values).most_common(1)[0]
    return {"value": value, "count": count, "n": len(values)} if count / len(values) >= REPEAT_SHARE else None


def just_under(readings, threshold: float) -> dict | None:
    values = temperatures(readings)
    if len(values) < MIN_READINGS:
        return None
    count = sum(1 for t in values if threshold - JUST_UNDER - 1e-9 <= t < threshold)
    share = count / len(values)
    return {"count": count, "n": len(values), "threshold": threshold} if share >= JUST_UNDER_SHARE else None


def unvarying(readings) -> dict | None:
    """Children whose every temperature of the fortnight (at least UNVARYING_CHECKS) is the same."""
    per_child: dict[int, list[float]] = {}
    for r in readings:
        if r.temperature is not None:
            per_child.setdefault(r.student_id, []).append(r.temperature)
    children = [values[0] for values in per_child.values() if len(values) >= UNVARYING_CHECKS and len(set(values)) == 1]
    return {"children": len(children), "checks": UNVARYING_CHECKS} if children else None


def identical_days(readings, class_size: int) -> dict | None:
    """The whole class's submission the same, student by student, on IDENTICAL_DAYS days of a session in a row."""
    if class_size < MIN_CLASS:
        return None
    days: dict[str, dict[date, frozenset]] = {}
    for session, day, rows in _by_session_day(readings):
        if sum(1 for r in rows if r.temperature is not None) >= MIN_CLASS:  # all "normal, no temperature" is honest
            days.setdefault(session, {})[day] = frozenset((r.student_id, r.present, r.temperature) for r in rows)
    longest = max((_longest_run(per_day) for per_day in days.values()), default=1)
    return {"days": longest} if longest >= IDENTICAL_DAYS else None


def _by_session_day(readings):
    grouped: dict[tuple[str, date], list[Reading]] = {}
    for r in readings:
        grouped.setdefault((r.session, r.day), []).append(r)
    return [(session, day, rows) for (session, day), rows in sorted(grouped.items())]


def _longest_run(per_day: dict[date, frozenset]) -> int:
    """The most consecutive submission days (in order) with the same content."""
    longest = run = 1
    ordered = [per_day[d] for d in sorted(per_day)]
    for before, after in zip(ordered, ordered[1:]):
        run = run + 1 if after == before else 1
        longest = max(longest, run)
    return longest if ordered else 0


def same_time(readings) -> dict | None:
    """A recorder's submissions at the same second, or the same minute, of the day, day after day (per session)."""
    found = None
    for session, moments in _first_moments(readings).items():
        seconds = Counter(m.strftime("%H:%M:%S") for m in moments).most_common(1)[0]
        minutes = Counter(m.strftime("%H:%M") for m in moments).most_common(1)[0]
        if seconds[1] >= SAME_SECOND_DAYS:
            found = {"unit": "second", "time": seconds[0], "days": seconds[1], "of": len(moments), "session": session}
        elif len(moments) >= SAME_MINUTE_DAYS and minutes[1] >= SAME_MINUTE_SHARE * len(moments):
            found = found or {"unit": "minute", "time": minutes[0], "days": minutes[1], "of": len(moments),
                              "session": session}
    return found


def _first_moments(readings) -> dict[str, list[datetime]]:
    """Per session, the first local time a recorder saved that session on each day."""
    first: dict[tuple[str, date], datetime] = {}
    for r in readings:
        key = (r.session, r.day)
        if key not in first or r.local_recorded < first[key]:
            first[key] = r.local_recorded
    per_session: dict[str, list[datetime]] = {}
    for (session, _day), moment in sorted(first.items()):
        per_session.setdefault(session, []).append(moment)
    return per_session


def low(readings) -> dict | None:
    values = temperatures(readings)
    count = sum(1 for t in values if t < LOW)
    return {"count": count, "n": len(values), "limit": LOW} if count >= LOW_COUNT else None


def clock(readings) -> dict | None:
    """Phone times ahead of the server's receive time (a phone cannot record after the server received)."""
    ahead = [r for r in readings if (r.recorded_at - r.received_at).total_seconds() > CLOCK_AHEAD_MINUTES * 60]
    if len(ahead) < CLOCK_COUNT:
        return None
    worst = max((r.recorded_at - r.received_at).total_seconds() for r in ahead) / 60
    return {"count": len(ahead), "minutes": round(worst)}


def before_day(readings) -> dict | None:
    """Checks of a day recorded before that school day began (the evening before, or in the night)."""
    early = {(r.day, r.session) for r in readings
             if r.local_recorded < datetime.combine(r.day, SCHOOL_DAY_STARTS)}
    return {"count": len(early)} if len(early) >= EARLY_COUNT else None

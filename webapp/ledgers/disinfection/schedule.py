"""When an area is due, and what its day looks like: the one rule of disinfection coverage.

An area's due times ("07:30,12:30") say how often it is disinfected a day and by when: the n-th
disinfection of the day is due by the n-th time. At a moment of the day, an area is *done* when it
has as many entries as due times, *overdue* (red) when fewer entries than due times already passed,
else *pending* (not yet due).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from flask_babel import lazy_gettext as _l

from ...errors import RuleError

MAX_TIMES = 6
TIME = re.compile(r"\d{1,2}:\d{2}")


def parse_due(text: str, field: str = "due_times") -> list[time]:
    """"07:30, 12:30" as sorted times; at least one, at most six."""
    parts = [p.strip() for p in (text or "").replace("，", ",").replace("、", ",").split(",") if p.strip()]
    try:
        if not all(TIME.fullmatch(p) for p in parts):
            raise ValueError(text)
        times = sorted({time.fromisoformat(p.zfill(5)) for p in parts})
    except ValueError:
        raise RuleError(_l("Give times of day like 07:30, 12:30."), field)
    if not 1 <= len(times) <= MAX_TIMES:
        raise RuleError(_l("Give between 1 and %(n)s times of day.", n=MAX_TIMES), field)
    return times


def due_text(times: list[time]) -> str:
    return ",".join(t.strftime("%H:%M") for t in times)


@dataclass(frozen=True)
class Day:
    """An area's day: how many disinfections were due, done, and how many are overdue now."""

    due: list[time]
    done: int
    passed: int  # due times already passed at the moment looked at

    @property
    def needed(self) -> int:
        return len(self.due)

    @property
    def overdue(self) -> bool:
        return self.done < self.passed

    @property
    def complete(self) -> bool:
        return self.done >= self.needed

    @property
    def next_due(self) -> time | None:
        return self.due[self.done] if self.done < self.needed else None


def day_of(due: list[time], done: int, now: time | None) -> Day:
    """The area's day at `now` (county time); None: the day is over (every due time passed)."""
    passed = len(due) if now is None else sum(1 for t in due if t <= now)
    return Day(due, done, passed)

"""Tallies: the counts of each unit's current checks per day and session, kept as the checks arrive.

The push stores a group of checks, then `settle` (registry.RecordKind.settle, same transaction)
moves the counts: for every person, day and session the group touched it reads that key's
checks (a few rows, by index), finds the current check before the group and after it (latest
`effective_at`, then `received_at`, then id: the rule of operations._ranked), and adds the
difference: a correction moves a person's count from the old finding to the new one, never
doubles it; a late entry that does not outrank the current check changes nothing. It is two SQL
statements (one per tally table, built once): the counts of the touched people's current checks
after the group, less those before it, added ON CONFLICT. `rebuild()` runs the same statements over
every check (nothing "before"): one rule for the push and the rebuild. On PostgreSQL
the keys are locked first (advisory transaction locks, one order), so two pushes for the same
person and day are counted one after the other; SQLite runs one push at a time anyway.

`day_tally` counts people once a day (a fever at both checks is one person): for each person and
day the group touched, the current checks of both sessions before and after give the move; the
person counts under the unit of the last session's check. The locks are taken per person and day.

The read API is small: `counts(units, day)`, `checked(units, day)` and `people(units, start, end)`.
`rebuild()` computes every tally from the checks (the migrations, generated data).
"""
from __future__ import annotations

import re
import zlib
from datetime import date
from functools import cache

from sqlalchemy import Boolean, Date, Integer, bindparam, delete, func, select, text

from ..database import array_literal
from ..extensions import db
from ..sync.models import RECORD_ID
from .models import ABNORMAL, CheckSession, CheckTally, DayTally

COUNTS = ("checked", "absent", "illness", "personal", "other_reason", "fever", "symptoms", "abnormal")
DAY_COUNTS = ("checked", "absent", "fever", "illness", "abnormal", "symptoms")  # people of the day (DayTally)
_LOCK_SPACE = 0x54414C59  # "TALY"
# No generic plan is forced on the settle statements (SET LOCAL plan_cache_mode): a plan made once
# while the month's partition was still empty read the day by ix_health_check_date_unit for every
# lookup, and the county's day slowed down as it filled (measured: the settle 0.04 -> 0.20 ms a record
# over 40,000 records). PostgreSQL plans them for each batch (about 1.6 ms a statement) and stays right.
_LOCKS = text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(CAST(:keys AS integer[])) AS k")


# ---- reading -------------------------------------------------------------------------------

def counts(units, day: date, staff: bool = False) -> dict[tuple[int, CheckSession], dict[str, int]]:
    """Per (unit, session): the counts of the current checks (`units`: ids or a subquery of ids)."""
    query = select(CheckTally).where(CheckTally.date == day, CheckTally.unit_id.in_(units),
                                     CheckTally.staff.is_(staff))
    return {(t.unit_id, t.session): {name: getattr(t, name) for name in COUNTS} for t in db.session.scalars(query)}


def checked(units, day: date, staff: bool = False) -> dict[tuple[int, CheckSession], int]:
    """Per (unit, session): how many people have a check (the completeness view's figure)."""
    query = select(CheckTally.unit_id, CheckTally.session, CheckTally.checked).where(
        CheckTally.date == day, CheckTally.unit_id.in_(units), CheckTally.staff.is_(staff), CheckTally.checked > 0)
    return {(unit_id, session): n for unit_id, session, n in db.session.execute(query)}


def checked_subquery(units, day: date, session: CheckSession, staff: bool = False):
    """The same figure as `checked`, of one session, as a subquery (unit_id, checked) to join in SQL."""
    return select(CheckTally.unit_id, CheckTally.checked).where(
        CheckTally.date == day, CheckTally.session == session, CheckTally.unit_id.in_(units),
        CheckTally.staff.is_(staff)).subquery()


def people(units, start: date, end: date, staff: bool = False) -> dict[date, dict[str, int]]:
    """Per day from `start` to `end`: the people of `units` counted once a day (DayTally), summed."""
    query = (select(DayTally.date, *(func.sum(getattr(DayTally, name)) for name in DAY_COUNTS))
             .where(DayTally.date.between(start, end), DayTally.unit_id.in_(units), DayTally.staff.is_(staff))
             .group_by(DayTally.date))
    return {day: dict(zip(DAY_COUNTS, (int(n) for n in numbers))) for day, *numbers in db.session.execute(query)}


# ---- in the push and from the checks: one rule, in SQL -------------------------------------

def settler(person: str):
    """The `settle` of a check kind: `person` is "student" or "staff"."""
    def settle(batch, items) -> None:
        keys = {(item.data[f"{person}_id"], date.fromisoformat(item.data["date"]), CheckSession(item.data["session"]))
                for item in items}
        _lock(person, keys)
        pairs = sorted({k[:2] for k in keys})
        values = {"persons": [p for p, _ in pairs], "days": [d for _, d in pairs], "new": [item.id for item in items],
                  "staff": person == "staff"}
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":  # each list as one text, cast in the statement (database.array_literal)
            values.update({name: array_literal(values[name]) for name in ("persons", "days", "new")})
        for statement in _statements(dialect, person, "touched"):
            db.session.execute(statement, values)
    return settle


def rebuild(day: date | None = None) -> None:
    """Every tally (or one day's) computed again from the stored checks, by the push's own statements."""
    for model in (CheckTally, DayTally):
        db.session.execute(delete(model).where(*([] if day is None else [model.date == day])))
    for person in ("student", "staff"):
        for statement in _statements(db.session.get_bind().dialect.name, person, "all" if day is None else "day"):
            db.session.execute(statement, {"staff": person == "staff", "day": day})


def _lock(person: str, keys: set) -> None:
    if not keys or db.session.get_bind().dialect.name != "postgresql":
        return
    # One lock per person and day (not per session): the day's tally reads both sessions' checks.
    hashed = sorted({zlib.crc32(f"{person}:{k[0]}:{k[1]}".encode()) - 2**31 for k in keys})
    db.session.execute(_LOCKS, {"space": _LOCK_SPACE, "keys": array_literal(hashed)})


_CHECK = ("record_id, {person} AS person, date, session, unit_id, county_id, present, absence_reason, fever, "
          "other_symptoms, effective_at, received_at")
# The checks a statement counts, each with `is_new` (1: of the group just stored; the counts before it leave them out).
_FOUND = {
    # A settle on PostgreSQL: one lookup per (person, day) pair by the (person, date) index (unnest of two
    # arrays, a LATERAL subquery kept apart by OFFSET 0), so the plan does not hang on the statistics. With
    # `person IN … AND date IN …`, a health_check analyzed before the day's checks arrived made the planner
    # read the whole day by ix_health_check_date_unit for every batch (O(n²) over a county's day).
    ("postgresql", "touched"): (
        "SELECT h.*, CASE WHEN h.record_id = ANY(CAST(:new AS uuid[])) THEN 1 ELSE 0 END AS is_new "
        "FROM unnest(CAST(:persons AS integer[]), CAST(:days AS date[])) AS k(person, day) JOIN LATERAL "
        f"(SELECT {_CHECK} FROM health_check WHERE {{person}} = k.person AND date = k.day OFFSET 0) AS h ON true"),
    # SQLite: `person IN … AND date IN …` (a few checks more, whose counts do not move).
    ("sqlite", "touched"): (f"SELECT {_CHECK}, CASE WHEN record_id IN :new THEN 1 ELSE 0 END AS is_new "
                            "FROM health_check WHERE {person} IN :persons AND date IN :days"),
    "all": f"SELECT {_CHECK}, 1 AS is_new FROM health_check WHERE {{person}} IS NOT NULL",
    "day": f"SELECT {_CHECK}, 1 AS is_new FROM health_check WHERE {{person}} IS NOT NULL AND date = :day",
}
_ORDER = "ORDER BY effective_at DESC, received_at DESC, record_id DESC"
# Each person's current check of a day and session, after the group (sign 1) and before it (sign -1): the
# latest `effective_at`, then `received_at`, then id (the rule of operations._ranked); with its findings.
_CURRENT = f"""found AS ({{found}}),
ranked AS (
    SELECT person, date, session, unit_id, county_id, is_new,
           CASE WHEN present THEN 0 ELSE 1 END AS absent,
           CASE WHEN absence_reason = 'illness' THEN 1 ELSE 0 END AS illness,
           CASE WHEN absence_reason = 'personal' THEN 1 ELSE 0 END AS personal,
           CASE WHEN absence_reason = 'other' THEN 1 ELSE 0 END AS other_reason,
           CASE WHEN fever THEN 1 ELSE 0 END AS fever,
           CASE WHEN other_symptoms AND NOT fever THEN 1 ELSE 0 END AS symptoms,
           CASE WHEN {ABNORMAL} THEN 1 ELSE 0 END AS abnormal,
           row_number() OVER (PARTITION BY person, date, session {_ORDER}) AS after_rank,
           row_number() OVER (PARTITION BY person, date, session, is_new {_ORDER}) AS before_rank
    FROM found),
current AS (
    SELECT 1 AS sign, ranked.* FROM ranked WHERE after_rank = 1
    UNION ALL SELECT -1 AS sign, ranked.* FROM ranked WHERE is_new = 0 AND before_rank = 1)"""
# A person's day: counted under the unit of the last session's current check, flagged when any session is.
_PEOPLE = """,
people AS (
    SELECT sign, unit_id, county_id, date, row_number() OVER (PARTITION BY sign, person, date ORDER BY session DESC)
           AS last, max(absent) OVER day AS absent, max(fever) OVER day AS fever, max(illness) OVER day AS illness,
           max(abnormal) OVER day AS abnormal, max(symptoms) OVER day AS symptoms
    FROM current WINDOW day AS (PARTITION BY sign, person, date))"""


def _move(table: str, keys: tuple, names: tuple, source: str) -> str:
    """Add to `table` the sum of the signed counts per key: only keys whose counts move, in key order
    (one lock order for concurrent pushes), ON CONFLICT adding to the counts already there."""
    sums = ["sum(sign)" if name == "checked" else f"sum(sign * {name})" for name in names]
    key = ", ".join(keys)
    return (f"INSERT INTO {table} ({key}, staff, county_id, {', '.join(names)}) "
            f"SELECT {key}, CAST(:staff AS BOOLEAN), max(county_id), {', '.join(sums)} FROM {source} "
            f"GROUP BY {key} HAVING {' OR '.join(f'{total} <> 0' for total in sums)} ORDER BY {key} "
            f"ON CONFLICT ({key}, staff) DO UPDATE SET "
            + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in names))


@cache
def _statements(dialect: str, person: str, checks: str) -> tuple:
    """The statements (built once) that move check_tally and day_tally by the counts of `checks`: "touched"
    (the persons and days of a group just stored, after less before), "all" or "day" (`rebuild`)."""
    found = _FOUND.get((dialect, checks), _FOUND.get(checks)).format(person=f"{person}_id")
    current = _CURRENT.format(found=found)
    statements = (f"WITH {current} " + _move("check_tally", ("unit_id", "date", "session"), COUNTS, "current WHERE true"),
                  f"WITH {current}{_PEOPLE} " + _move("day_tally", ("unit_id", "date"), DAY_COUNTS,
                                                          "people WHERE last = 1"))
    params = (bindparam("day", type_=Date), bindparam("staff", type_=Boolean))
    if dialect == "sqlite":
        params += (bindparam("persons", expanding=True, type_=Integer), bindparam("days", expanding=True, type_=Date),
                   bindparam("new", expanding=True, type_=RECORD_ID))
    return tuple(text(sql).bindparams(*(p for p in params if re.search(rf":{p.key}\b", sql))) for sql in statements)

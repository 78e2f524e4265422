"""Tallies: the counts of each unit's current checks per day and session, kept as the checks arrive.

The push stores a group of checks, then `settle` (registry.RecordKind.settle, same transaction)
moves the counts: for every person, day and session the group touched it reads that key's
checks (a few rows, by index), finds the current check before the group and after it (latest
`effective_at`, then `received_at`, then id: the rule of operations._ranked), and adds the
difference: a correction moves a person's count from the old finding to the new one, never
doubles it; a late entry that does not outrank the current check changes nothing. On PostgreSQL
the keys are locked first (advisory transaction locks, one order), so two pushes for the same
person and day are counted one after the other; SQLite runs one push at a time anyway.

`day_tally` counts people once a day (a fever at both checks is one person): for each person and
day the group touched, the current checks of both sessions before and after give the move; the
person counts under the unit of the last session's check. The locks are taken per person and day.

The read API is small: `counts(units, day)`, `checked(units, day)` and `people(units, start, end)`.
`rebuild()` computes every tally from the checks (the migrations, generated data).
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import date

from sqlalchemy import Date, Integer, and_, bindparam, case, delete, func, insert, or_, select, text, true
from sqlalchemy import column as column_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, DATE, INTEGER

from ..extensions import db
from ..org.settings import county_id_of
from .models import AbsenceReason, CheckSession, CheckTally, DayTally, HealthCheck

COUNTS = ("checked", "absent", "illness", "personal", "other_reason", "fever", "symptoms", "abnormal")
DAY_COUNTS = ("checked", "absent", "fever", "illness", "abnormal", "symptoms")  # people of the day (DayTally)
_LOCK_SPACE = 0x54414C59  # "TALY"
_LOCKS = text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(:keys) AS k").bindparams(
    bindparam("keys", type_=ARRAY(INTEGER)))
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_SESSIONS = tuple(CheckSession)


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


# ---- in the push ---------------------------------------------------------------------------

def _pairs(pairs: set) -> dict:
    ordered = sorted(pairs)
    return {"persons": [p for p, _ in ordered], "days": [d for _, d in ordered]}


def _checks_of(column, pairs: set):
    """The query of every check (all sessions) of the (person, day) pairs, read by the (person, date) index.

    On PostgreSQL one lookup per pair (unnest of two arrays, a LATERAL subquery kept apart by
    OFFSET 0): the plan does not hang on the statistics. With `person IN … AND date IN …`, a
    health_check analyzed before the day's checks arrived made the planner read the whole day by
    ix_health_check_date_unit for every batch: a county's day slowed down as it filled (O(n²)).
    """
    columns = (HealthCheck.record_id, column.label("person"), HealthCheck.date, HealthCheck.session,
               HealthCheck.unit_id, HealthCheck.present, HealthCheck.absence_reason, HealthCheck.fever,
               HealthCheck.other_symptoms, HealthCheck.effective_at, HealthCheck.received_at)
    if db.session.get_bind().dialect.name != "postgresql":
        return select(*columns).where(column.in_(bindparam("persons", expanding=True)),
                                      HealthCheck.date.in_(bindparam("days", expanding=True)))
    k = func.unnest(bindparam("persons", type_=ARRAY(INTEGER)), bindparam("days", type_=ARRAY(DATE))) \
        .table_valued(column_("person", Integer), column_("day", Date)).render_derived("k")
    found = select(*columns).where(column == k.c.person, HealthCheck.date == k.c.day).offset(0).lateral("h")
    return select(found).select_from(k).join(found, true())


def _flags(check) -> dict[str, int]:
    reason = check.absence_reason
    return {"checked": 1, "absent": int(not check.present), "illness": int(reason is AbsenceReason.illness),
            "personal": int(reason is AbsenceReason.personal), "other_reason": int(reason is AbsenceReason.other),
            "fever": int(check.fever), "symptoms": int(check.other_symptoms and not check.fever),
            "abnormal": int(check.fever or check.other_symptoms or reason is AbsenceReason.illness)}


def _rank(check) -> tuple:
    return check.effective_at, check.received_at, str(check.record_id)


def _stated(check) -> tuple[int, dict[str, int]] | None:
    """(unit, flags) of one session's current check (None: no check)."""
    return None if check is None else (check.unit_id, _flags(check))


def _day_stated(current: list) -> tuple[int, dict[str, int]] | None:
    """(unit, flags) of a person's day from the current check of each session (None: no check): the
    person counts under the unit of the last session's check, flagged when any session is."""
    checks = [c for c in current if c is not None]
    if not checks:
        return None
    flags = [_flags(c) for c in checks]
    return checks[-1].unit_id, {name: max(f[name] for f in flags) for name in DAY_COUNTS}


def settler(person: str):
    """The `settle` of a check kind: `person` is "student" or "staff"."""
    column = HealthCheck.student_id if person == "student" else HealthCheck.staff_id

    def settle(batch, items) -> None:
        keys = {(item.data[f"{person}_id"], date.fromisoformat(item.data["date"]), CheckSession(item.data["session"]))
                for item in items}
        _lock(person, keys)
        new = {item.id for item in items}
        found = db.session.execute(_checks_of(column, {k[:2] for k in keys}), _pairs({k[:2] for k in keys}))
        per_key = defaultdict(list)
        for check in found:
            per_key[(check.person, check.date, check.session)].append(check)
        moves: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        day_moves: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DAY_COUNTS, 0))
        for person_id, day in {k[:2] for k in keys}:
            before, after = [], []  # the current check of each session, before the group and after it
            for session in _SESSIONS:
                checks = per_key.get((person_id, day, session), [])
                after.append(max(checks, key=_rank, default=None))
                before.append(max((c for c in checks if str(c.record_id) not in new), key=_rank, default=None))
                if after[-1] is not before[-1]:
                    _move(moves, (day, session), COUNTS, _stated(before[-1]), _stated(after[-1]))
            if any(a is not b for a, b in zip(after, before)):
                _move(day_moves, (day,), DAY_COUNTS, _day_stated(before), _day_stated(after))
        staff, county_id = person == "staff", county_id_of(batch.user.scope)
        _add(CheckTally, moves, COUNTS, staff, county_id)
        _add(DayTally, day_moves, DAY_COUNTS, staff, county_id)
    return settle


def _lock(person: str, keys: set) -> None:
    if not keys or db.session.get_bind().dialect.name != "postgresql":
        return
    # One lock per person and day (not per session): the day's tally reads both sessions' checks.
    hashed = sorted({zlib.crc32(f"{person}:{k[0]}:{k[1]}".encode()) - 2**31 for k in keys})
    db.session.execute(_LOCKS, {"space": _LOCK_SPACE, "keys": hashed})


def _move(moves: dict, key: tuple, names: tuple, before: tuple | None, after: tuple | None) -> None:
    """Take `before`'s flags off its unit's counts and add `after`'s: each is (unit, flags) or None."""
    for sign, found in ((-1, before), (1, after)):
        if found is not None:
            move = moves[(found[0], *key)]
            for name in names:
                move[name] += sign * found[1][name]


def _add(model, moves: dict, names: tuple, staff: bool, county_id: int) -> None:
    """Add the moves to a tally table: one INSERT … ON CONFLICT DO UPDATE for all of them (in key order)."""
    rows = [{"unit_id": key[0], "date": key[1], **({"session": key[2]} if len(key) > 2 else {}), "staff": staff,
             "county_id": county_id, **move}
            for key, move in sorted(moves.items(), key=lambda kv: (kv[0][0], kv[0][1], *(k.value for k in kv[0][2:])))
            if any(move.values())]
    if not rows:
        return
    table = model.__table__
    statement = _INSERTS[db.session.get_bind().dialect.name](table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={name: getattr(table.c, name) + getattr(statement.excluded, name) for name in names})
    db.session.execute(statement, rows)


# ---- from the checks -----------------------------------------------------------------------

def _one(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _current(column, day: date | None):
    """The current check of every person, day and session (rank 1), as a subquery's columns."""
    rank = func.row_number().over(partition_by=(column, HealthCheck.date, HealthCheck.session), order_by=(
        HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
    return (select(HealthCheck, rank.label("rank"))
            .where(column.is_not(None), *([] if day is None else [HealthCheck.date == day])).subquery()).c


def _session_rows(c):
    return (select(c.unit_id, c.date, c.session, func.count(), _one(c.present.is_(False)),
                   _one(c.absence_reason == AbsenceReason.illness), _one(c.absence_reason == AbsenceReason.personal),
                   _one(c.absence_reason == AbsenceReason.other), _one(c.fever),
                   _one(and_(c.other_symptoms, c.fever.is_(False))),
                   _one(or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)))
            .where(c.rank == 1).group_by(c.unit_id, c.date, c.session))


def _day_rows(c, column):
    """Per unit and day: the people, each under the unit of their last session's check, flagged by any session."""
    person_day = (getattr(c, column.key), c.date)
    flag = lambda condition: func.max(case((condition, 1), else_=0)).over(partition_by=person_day)  # noqa: E731
    d = (select(c.unit_id, c.date, func.row_number().over(partition_by=person_day, order_by=c.session.desc())
                .label("last"), flag(c.present.is_(False)).label("absent"), flag(c.fever).label("fever"),
                flag(c.absence_reason == AbsenceReason.illness).label("illness"),
                flag(or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)).label("abnormal"),
                flag(and_(c.other_symptoms, c.fever.is_(False))).label("symptoms"))
         .where(c.rank == 1).subquery()).c
    return (select(d.unit_id, d.date, func.count(), func.sum(d.absent), func.sum(d.fever), func.sum(d.illness),
                   func.sum(d.abnormal), func.sum(d.symptoms)).where(d.last == 1).group_by(d.unit_id, d.date))


def rebuild(day: date | None = None, chunk: int = 5000) -> None:
    """Every tally (or one day's) computed again from the stored checks (grouped queries, chunked inserts)."""
    from ..org.models import Unit
    for model in (CheckTally, DayTally):
        db.session.execute(delete(model).where(*([] if day is None else [model.date == day])))
    county = {unit_id: int(path.strip("/").split("/")[0]) if path else unit_id
              for unit_id, path in db.session.execute(select(Unit.id, Unit.path))}
    for staff, column in ((False, HealthCheck.student_id), (True, HealthCheck.staff_id)):
        c = _current(column, day)
        for model, names, query in ((CheckTally, ("session", *COUNTS), _session_rows(c)),
                                    (DayTally, DAY_COUNTS, _day_rows(c, column))):
            rows = [{"unit_id": unit_id, "date": on, "staff": staff, "county_id": county[unit_id],
                     **dict(zip(names, numbers))} for unit_id, on, *numbers in db.session.execute(query)]
            for start in range(0, len(rows), chunk):
                db.session.execute(insert(model), rows[start:start + chunk])

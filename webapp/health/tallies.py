"""Tallies: the counts of each unit's current checks per day and session, kept as the checks arrive.

The push stores a group of checks, then `settle` (registry.RecordKind.settle, same transaction)
moves the counts: for every person, day and session the group touched it reads that key's
checks (a few rows, by index), finds the current check before the group and after it (latest
`effective_at`, then `received_at`, then id: the rule of operations._ranked), and adds the
difference: a correction moves a person's count from the old finding to the new one, never
doubles it; a late entry that does not outrank the current check changes nothing. On PostgreSQL
the keys are locked first (advisory transaction locks, one order), so two pushes for the same
person are counted one after the other; SQLite runs one push at a time anyway.

The read API is small: `counts(units, day)` and `checked(units, day)`. `rebuild()` computes
every tally from the checks (the migration, generated data).
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
from .models import AbsenceReason, CheckSession, CheckTally, HealthCheck

COUNTS = ("checked", "absent", "illness", "personal", "other_reason", "fever", "symptoms", "abnormal")
_LOCK_SPACE = 0x54414C59  # "TALY"
_LOCKS = text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(:keys) AS k").bindparams(
    bindparam("keys", type_=ARRAY(INTEGER)))
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


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
        for key in keys:
            checks = per_key.get(key, [])
            after = max(checks, key=_rank, default=None)
            before = max((c for c in checks if str(c.record_id) not in new), key=_rank, default=None)
            if after is None or after is before:
                continue
            for sign, check in ((-1, before), (1, after)):
                if check is not None:
                    move = moves[(check.unit_id, key[1], key[2])]
                    for name, value in _flags(check).items():
                        move[name] += sign * value
        _add(moves, staff=person == "staff", county_id=county_id_of(batch.user.scope))
    return settle


def _lock(person: str, keys: set) -> None:
    if not keys or db.session.get_bind().dialect.name != "postgresql":
        return
    hashed = sorted({zlib.crc32(f"{person}:{k[0]}:{k[1]}:{k[2].value}".encode()) - 2**31 for k in keys})
    db.session.execute(_LOCKS, {"space": _LOCK_SPACE, "keys": hashed})


def _add(moves: dict, staff: bool, county_id: int) -> None:
    """Add the moves to the tallies: one INSERT … ON CONFLICT DO UPDATE for all of them."""
    rows = [{"unit_id": unit_id, "date": day, "session": session, "staff": staff, "county_id": county_id, **move}
            for (unit_id, day, session), move in sorted(moves.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                         kv[0][2].value))
            if any(move.values())]
    if not rows:
        return
    statement = _INSERTS[db.session.get_bind().dialect.name](CheckTally.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["unit_id", "date", "session", "staff"],
        set_={name: getattr(CheckTally.__table__.c, name) + getattr(statement.excluded, name) for name in COUNTS})
    db.session.execute(statement, rows)


# ---- from the checks -----------------------------------------------------------------------

def rebuild(day: date | None = None, chunk: int = 5000) -> None:
    """Every tally (or one day's) computed again from the stored checks (grouped queries, chunked inserts)."""
    from ..org.models import Unit
    db.session.execute(delete(CheckTally).where(*([] if day is None else [CheckTally.date == day])))
    county = {unit_id: int(path.strip("/").split("/")[0]) if path else unit_id
              for unit_id, path in db.session.execute(select(Unit.id, Unit.path))}
    one = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    for staff, column in ((False, HealthCheck.student_id), (True, HealthCheck.staff_id)):
        rank = func.row_number().over(partition_by=(column, HealthCheck.date, HealthCheck.session), order_by=(
            HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
        c = (select(HealthCheck, rank.label("rank"))
             .where(column.is_not(None), *([] if day is None else [HealthCheck.date == day])).subquery()).c
        query = (select(c.unit_id, c.date, c.session, func.count(), one(c.present.is_(False)),
                        one(c.absence_reason == AbsenceReason.illness), one(c.absence_reason == AbsenceReason.personal),
                        one(c.absence_reason == AbsenceReason.other), one(c.fever),
                        one(and_(c.other_symptoms, c.fever.is_(False))),
                        one(or_(c.fever, c.other_symptoms, c.absence_reason == AbsenceReason.illness)))
                 .where(c.rank == 1).group_by(c.unit_id, c.date, c.session))
        rows = [{"unit_id": unit_id, "date": on, "session": session, "staff": staff, "county_id": county[unit_id],
                 **dict(zip(COUNTS, numbers))} for unit_id, on, session, *numbers in db.session.execute(query)]
        for start in range(0, len(rows), chunk):
            db.session.execute(insert(CheckTally), rows[start:start + chunk])

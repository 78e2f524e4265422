"""The day's ledger (晨午检台账): every person on the roll and every session, checked or missed.

A person expected at a check who has none shows as a missed row (未检), so the ledger answers
"who was not checked" as well as "what was found". Rows come in the school's order
(webapp/org/ordering.py): township, school, grade, class, then the person's name; students first,
then staff. The units are read a chunk at a time (a few hundred classes): one query a chunk that
joins the roll to the current checks and returns the rows in their order, so a county's 400,000
rows never sit in memory at once, no query scans more than a chunk's checks, and Python does no
sorting and builds no object per row (a county's ledger is a background job that must stay
within seconds: bench/exports.py).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from queue import Full, Queue
from typing import NamedTuple

from sqlalchemy import (ARRAY, DateTime, Integer, String, Text, and_, case, cast, func, literal, select, true,
                        type_coerce, union_all)

from ..extensions import db
from ..org.models import Staff, Student, Unit, UnitKind, User
from ..org.ordering import ordered_ids
from ..org.scoping import subtree_ids
from .models import HealthCheck
from .operations import SESSIONS, _person_column, _ranked

CHUNK = 400  # units per query


class LedgerRow(NamedTuple):
    """The columns of a row as the query returns it; `recorded_at` is None for a missed check (未检)."""

    unit_id: int
    name: str
    session: str  # a CheckSession's value
    recorded_at: object  # naive UTC; truncated to the minute on PostgreSQL
    present: bool | None
    absence_reason: str | None  # an AbsenceReason's value
    temperature: float | None
    symptoms: str | None  # the JSON text of the symptoms' codes
    note: str | None
    by: str | None


def ledger(root: Unit, day: date, names: dict[int, str]) -> Iterator[tuple[bool, dict[int, list[int]], list]]:
    """(is_staff, unit paths, rows) a chunk of units at a time: students (by class), then staff (by unit),
    in the school's order; `names`: the units' names. The rows have LedgerRow's columns."""
    # Core results on the session's connection: the ORM's result layer cost more than the query.
    connection = db.session.connection()
    paths, statements = chunks(root, day, names, connection.dialect.name)
    results = ((staff, paths, connection.execute(statement).all()) for staff, statement in statements)
    # On PostgreSQL the next chunk is read while this one is written: the database and Python each
    # have a core. (SQLite's connection stays in its thread; its ledgers are a school's.)
    yield from ahead(results) if connection.dialect.name == "postgresql" else results


def chunks(root: Unit, day: date, names: dict[int, str], dialect: str) -> tuple[dict[int, list[int]], list]:
    """The ids on each unit's path (county first), and the ledger's statements: (is_staff, SELECT)."""
    subtree = subtree_ids(root)
    units = db.session.execute(select(Unit.id, Unit.path, Unit.kind).where(Unit.id.in_(subtree))).all()
    order = ordered_ids([(unit_id, path) for unit_id, path, _kind in units], names)
    paths = {unit_id: [int(p) for p in path.strip("/").split("/")] for unit_id, path, _kind in units}
    classes = {unit_id for unit_id, _path, kind in units if kind is UnitKind.klass}
    # Staff are in a few hundred units (schools, offices): only those are read, not the classes' checks again.
    with_staff = set(db.session.scalars(select(Staff.unit_id).where(Staff.unit_id.in_(subtree)).distinct()))
    with_staff |= set(db.session.scalars(select(HealthCheck.unit_id).where(
        HealthCheck.date == day, HealthCheck.staff_id.is_not(None), HealthCheck.unit_id.in_(subtree)).distinct()))
    return paths, [(person == "staff", _chunk(unit_ids[start:start + CHUNK], day, person, dialect))
                   for person, unit_ids in (("student", [u for u in order if u in classes]),
                                            ("staff", [u for u in order if u in with_staff]))
                   for start in range(0, len(unit_ids), CHUNK)]


def ahead(items: Iterator, depth: int = 1) -> Iterator:
    """`items`, each produced in a thread while the one before is used here; its errors raised here.
    The thread only runs `items` (here: queries on a connection this thread leaves alone meanwhile)."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not offer((item, None)):
                    return
            offer((end, None))
        except BaseException as error:  # raised again in the consumer
            offer((end, error))

    thread = threading.Thread(target=produce, name="ledger-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is end:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _chunk(unit_ids: list[int], day: date, person: str, dialect: str):
    """The chunk's rows in order: everyone on its roll × the sessions, with the current check or none,
    and anyone with a current check in these units who is not on their roll (moved away, left)."""
    model = Student if person == "student" else Staff
    unit_column = Student.class_id if person == "student" else Staff.unit_id
    roll = select(model.id, model.name, unit_column.label("unit_id")).where(unit_column.in_(unit_ids),
                                                                          model.active.is_(True))
    if person == "staff":
        roll = roll.where(Staff.is_volunteer.is_(False))
    roll = roll.cte("roll")
    current = _current(unit_ids, day, person, dialect)
    sessions = union_all(*(select(literal(s.value, String).label("session")) for s in SESSIONS)).subquery("sessions")
    checked = (current.c.recorded_at, current.c.present, current.c.absence_reason, current.c.temperature,
               current.c.symptoms, current.c.note, current.c.by)
    on_roll = (select(roll.c.unit_id, roll.c.name, roll.c.id, sessions.c.session, *checked)
               .select_from(roll.join(sessions, true()).outerjoin(
                   current, and_(current.c.person_id == roll.c.id, current.c.session == sessions.c.session))))
    off_roll = (select(current.c.unit_id, model.name, current.c.person_id, current.c.session, *checked)
                .join(model, model.id == current.c.person_id)
                .where(current.c.person_id.not_in(select(roll.c.id))))
    return _in_order(union_all(on_roll, off_roll).subquery("rows"), unit_ids, dialect)


def _current(unit_ids: list[int], day: date, person: str, dialect: str):
    """The current check of each person and session in these units: only the columns shown (the
    envelope's would be carried through the sort for nothing), enums as their text, and who recorded it."""
    moment = HealthCheck.recorded_at
    if dialect == "postgresql":  # a county's checks fall in a few hundred minutes: the cells are made once each
        moment = type_coerce(func.date_trunc("minute", HealthCheck.recorded_at), DateTime)
    c = _ranked(unit_ids, day, person, columns=[
        _person_column(person).label("person_id"), HealthCheck.unit_id,
        type_coerce(HealthCheck.session, String).label("session"), moment.label("recorded_at"), HealthCheck.present,
        type_coerce(HealthCheck.absence_reason, String).label("absence_reason"), HealthCheck.temperature,
        cast(HealthCheck.symptoms, Text).label("symptoms"), HealthCheck.note, HealthCheck.user_id]).c
    return (select(c.person_id, c.unit_id, c.session, c.recorded_at, c.present, c.absence_reason, c.temperature,
                   c.symptoms, c.note, User.display_name.label("by"))
            .join(User, User.id == c.user_id).where(c.rank == 1).cte("current"))


def _in_order(rows, unit_ids: list[int], dialect: str):
    """LedgerRow's columns of `rows`, in the units' order, then by name (code points, as Python sorts),
    person and session."""
    name = rows.c.name.collate("C") if dialect == "postgresql" else rows.c.name
    session_order = case({s.value: i for i, s in enumerate(SESSIONS)}, value=rows.c.session)
    query = select(*[rows.c[field] for field in LedgerRow._fields])
    if dialect == "postgresql":  # the units' places by a join: a CASE of 400 branches cost more than the rest
        places = (func.unnest(literal(unit_ids, ARRAY(Integer)))
                  .table_valued("unit_id", with_ordinality="place").render_derived(name="places"))
        query, place = query.join(places, places.c.unit_id == rows.c.unit_id), places.c.place
    else:
        place = case({unit_id: i for i, unit_id in enumerate(unit_ids)}, value=rows.c.unit_id, else_=0)
    return query.order_by(place, name, rows.c.id, session_order)

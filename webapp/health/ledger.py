"""The day's ledger (晨午检台账): every person on the roll and every session, checked or missed.

A person expected at a check who has none shows as a missed row (未检), so the ledger answers
"who was not checked" as well as "what was found". Rows come in the school's order
(webapp/org/ordering.py): township, school, grade, class, then the person's name; students first,
then staff. The units are read a chunk at a time (a few hundred classes), so a county's 400,000
rows never sit in memory at once and no query scans more than a chunk's checks.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Text, cast, select

from ..extensions import db
from ..org.models import Staff, Student, Unit, UnitKind, User
from ..org.ordering import ordered_ids
from ..org.scoping import subtree_ids
from .models import AbsenceReason, CheckSession
from .operations import SESSIONS, _person_column, _ranked

CHUNK = 200  # units per query


@dataclass
class LedgerRow:
    day: date
    session: CheckSession
    unit_path: list[int]  # the ids from the county down to the person's unit
    name: str
    is_staff: bool
    checked: bool
    present: bool | None = None
    absence_reason: AbsenceReason | None = None
    temperature: float | None = None
    symptoms: tuple = ()
    note: str | None = None
    by: str = ""
    recorded_at: datetime | None = None


def ledger(root: Unit, day: date, names: dict[int, str]) -> Iterator[LedgerRow]:
    """Students (by class), then staff (by unit), in the school's order; `names`: the units' names."""
    units = db.session.execute(select(Unit.id, Unit.path, Unit.kind).where(Unit.id.in_(subtree_ids(root)))).all()
    order = ordered_ids([(unit_id, path) for unit_id, path, _kind in units], names)
    paths = {unit_id: [int(p) for p in path.strip("/").split("/")] for unit_id, path, _kind in units}
    classes = {unit_id for unit_id, _path, kind in units if kind is UnitKind.klass}
    for person, unit_ids in (("student", [u for u in order if u in classes]), ("staff", order)):
        rank = {unit_id: i for i, unit_id in enumerate(unit_ids)}
        for start in range(0, len(unit_ids), CHUNK):
            yield from _chunk(unit_ids[start:start + CHUNK], rank, paths, day, person)


def _chunk(unit_ids: list[int], rank: dict[int, int], paths: dict[int, list[int]], day: date,
           person: str) -> list[LedgerRow]:
    model = Student if person == "student" else Staff
    unit_column = Student.class_id if person == "student" else Staff.unit_id
    roll = select(model.id, model.name, unit_column).where(unit_column.in_(unit_ids), model.active.is_(True))
    if person == "staff":
        roll = roll.where(Staff.is_volunteer.is_(False))
    # Core results on the session's connection: the ORM's result layer cost more than the query.
    connection = db.session.connection()
    people = {pid: (rank.get(unit_id, 0), name, unit_id) for pid, name, unit_id in connection.execute(roll)}
    on_roll, staff = set(people), person == "staff"
    checks: dict[tuple[int, CheckSession], LedgerRow] = {}
    c = _ranked(unit_ids, day, person).c
    person_id = getattr(c, _person_column(person).key)
    # The symptoms as their JSON text, parsed only when there are some (most checks have none).
    query = (select(person_id, model.name, c.unit_id, c.session, c.present, c.absence_reason, c.temperature,
                    cast(c.symptoms, Text), c.note, User.display_name, c.recorded_at)
             .join(model, model.id == person_id).join(User, User.id == c.user_id).where(c.rank == 1))
    for pid, name, unit_id, session, present, reason, temperature, symptoms, *found in \
            connection.execute(query).all():
        people.setdefault(pid, (rank.get(unit_id, 0), name, unit_id))  # checked, though no longer on the roll
        checks[(pid, session)] = LedgerRow(day, session, paths[people[pid][2]], name, staff, True, present, reason,
                                           temperature, _symptoms(symptoms), *found)
    rows = []
    # (rank, name, id) tuples sort in C: a key function per person cost more than the query.
    for _place, name, pid, unit_id in sorted([(place, name, pid, unit_id)
                                              for pid, (place, name, unit_id) in people.items()]):
        for session in SESSIONS:
            if (pid, session) in checks:
                rows.append(checks[(pid, session)])
            elif pid in on_roll:  # expected and not checked: 未检
                rows.append(LedgerRow(day, session, paths[unit_id], name, staff, False))
    return rows


def _symptoms(text: str | None) -> tuple:
    return () if not text or text == "[]" else tuple(json.loads(text))

"""The rows of the tracking screens and ledgers: people, their unit, status and who answers for them.

Built from `queries.py` in bulk (a few queries per page, whatever the number of rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..org.models import Role, Unit, UnitKind, User
from ..org.queries import unit_labels
from ..org.scoping import subtree_ids
from . import operations as rules
from . import queries
from .models import Status, StatusChange

STATUS_WORDS = {
    Status.flagged: _l("Flagged"), Status.observation: _l("Under observation"), Status.isolation: _l("In isolation"),
    Status.released: _l("Released"), Status.cleared: _l("Cleared"),
}
NAMED_KINDS = (UnitKind.township, UnitKind.school, UnitKind.grade, UnitKind.klass)  # names listed from here down


@dataclass
class Row:
    key: tuple
    person: object  # Student or Staff
    unit_label: str
    reasons: list
    status: Status
    responsible: object | None  # Staff
    isolation: queries.IsolationView | None = None

    @property
    def kind(self) -> str:
        return self.key[0]


def visible_keys(user: User) -> set[tuple] | None:
    """A subject teacher sees only the people they answer for; everyone else their whole scope (None)."""
    if user.role is Role.teacher:
        return queries.responsible_keys(user.staff_id) if user.staff_id else set()
    return None


def shows_names(unit: Unit) -> bool:
    """Above a township a count serves: the county sees figures, a township and below the names."""
    return unit.kind in NAMED_KINDS


def latest_status(unit: Unit, keys) -> dict[tuple, Status]:
    """The last status change of each person under `unit`, by its effective time."""
    query = (select(StatusChange.student_id, StatusChange.staff_id, StatusChange.status)
             .where(StatusChange.unit_id.in_(subtree_ids(unit)))
             .order_by(StatusChange.effective_at, StatusChange.received_at))
    found = {}
    for student_id, staff_id, status in db.session.execute(query):
        key = ("student", student_id) if student_id is not None else ("staff", staff_id)
        if key in keys:
            found[key] = status
    return found


def status_of(key, isolation, manual: dict) -> Status:
    if isolation is not None:
        return Status.isolation
    return manual.get(key, Status.flagged)


def rows(unit: Unit, reasons_by_key: dict[tuple, list], isolations: dict | None = None) -> list[Row]:
    """Rows for these people, sorted by unit then name."""
    isolations = isolations or {}
    people = queries.people_rows(reasons_by_key)
    chain = queries.responsible(people)
    units = {key: (p.klass if key[0] == "student" else p.unit) for key, p in people.items()}
    labels = unit_labels(set(units.values()))
    manual = latest_status(unit, set(people))
    out = [Row(key, person, labels.get(units[key].id, units[key].name), reasons_by_key[key],
               status_of(key, isolations.get(key), manual), chain.get(key), isolations.get(key))
           for key, person in people.items()]
    return sorted(out, key=lambda r: (r.unit_label, r.person.name, r.key))


def tracked_summary(unit: Unit, day: date, keys: set | None = None) -> tuple[dict, dict]:
    """({reason: count}, {person: tracked}) under `unit`, limited to `keys` when given."""
    people = queries.tracked(unit, day)
    if keys is not None:
        people = {k: v for k, v in people.items() if k in keys}
    counts = {code: sum(1 for p in people.values() if code in p.reasons) for code in rules.REASONS}
    return counts, people


def per_child(unit: Unit, people: dict) -> list[tuple[Unit, int]]:
    """How many tracked people under each unit right below `unit` (villages have no people on the roll)."""
    children = [c for c in unit.children if c.kind is not UnitKind.village]
    rows_ = queries.people_rows(people)
    paths = {key: (p.klass if key[0] == "student" else p.unit).path for key, p in rows_.items()}
    return [(child, sum(1 for path in paths.values() if path.startswith(child.path))) for child in children]

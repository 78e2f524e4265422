"""Online learning's figures: the rates per class, school, township and county for a day (the aim is
100 %), the students to phone today, and the students at risk of dropping out (absent from the
lessons on a class's last two days). Everything reads the current record of each class's day."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...org.models import Student, Unit, UnitKind
from ...org.scoping import subtree_ids
from .models import OnlineClassDay, OnlineException

LOW = 0.9  # a class below 90 % attendance is shown as low
RISK_WINDOW = 7  # days looked back for a class's last two days


@dataclass
class Rates:
    """Counts of a class, a school, a township or the county for a day; a rate is None without an entry."""

    unit: Unit
    expected: int = 0
    attended: int = 0
    handed_in: int = 0
    marked: int = 0
    classes: int = 0
    entered: int = 0  # classes with an entry for the day
    children: list = field(default_factory=list)
    label: str = ""  # "School / Grade / Class" below the root

    def add(self, other: Rates) -> None:
        for name in ("expected", "attended", "handed_in", "marked", "classes", "entered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rate(self, name: str) -> float | None:
        return getattr(self, name) / self.expected if self.entered and self.expected else None

    @property
    def low(self) -> bool:
        rate = self.rate("attended")
        return rate is not None and rate < LOW


def rates(root: Unit, day: date) -> Rates:
    """The tree of rates under `root` down to its classes (children sorted lowest attendance first)."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(subtree_ids(root))))}
    days = {d.class_id: d for d in db.session.scalars(select(OnlineClassDay).where(
        OnlineClassDay.date == day, OnlineClassDay.class_id.in_(subtree_ids(root))))}
    nodes = {uid: Rates(u, label=" / ".join(units[a].name for a in u.ancestor_ids[2:] if a in units))
             for uid, u in units.items()}
    for uid, unit in units.items():
        if unit.kind is not UnitKind.klass:
            continue
        node, entry = nodes[uid], days.get(uid)
        node.classes = 1
        if entry:
            node.entered, node.expected, node.attended = 1, entry.expected, entry.attended
            node.handed_in, node.marked = entry.handed_in, entry.marked
    for uid, unit in sorted(units.items(), key=lambda kv: -kv[1].path.count("/")):  # leaves first
        if uid != root.id and unit.parent_id in nodes:
            nodes[unit.parent_id].add(nodes[uid])
            nodes[unit.parent_id].children.append(nodes[uid])
    for node in nodes.values():
        node.children = [c for c in node.children if c.classes]
        node.children.sort(key=lambda c: (c.rate("attended") if c.rate("attended") is not None else -1, c.unit.path))
    return nodes[root.id]


def attended_rate(root: Unit, day: date) -> float | None:
    """`rates(root, day).rate("attended")` by one sum over the subtree's class days, without building
    the tree (the command view of a county shows this one figure)."""
    expected, attended, entered = db.session.execute(
        select(func.coalesce(func.sum(OnlineClassDay.expected), 0), func.coalesce(func.sum(OnlineClassDay.attended), 0),
               func.count()).join(Unit, Unit.id == OnlineClassDay.class_id)
        .where(OnlineClassDay.date == day, OnlineClassDay.class_id.in_(subtree_ids(root)),
               Unit.kind == UnitKind.klass)).one()
    return attended / expected if entered and expected else None


def classes_of(node: Rates) -> list[Rates]:
    """Every class under a node, the lowest attendance first (not entered first of all)."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.unit.kind is UnitKind.klass:
            found.append(current)
        stack.extend(current.children)
    return sorted(found, key=lambda c: (c.rate("attended") if c.rate("attended") is not None else -1, c.unit.path))


@dataclass
class Missed:
    student: Student
    klass: Unit
    absent: bool
    no_homework: bool
    not_marked: bool


def to_phone(root: Unit, day: date) -> list[Missed]:
    """The students tapped on the day's current entries under `root`: who to phone today."""
    query = (select(OnlineException, Unit).join(OnlineClassDay, OnlineClassDay.record_id == OnlineException.record_id)
             .join(Unit, Unit.id == OnlineClassDay.class_id)
             .where(OnlineClassDay.date == day, OnlineClassDay.class_id.in_(subtree_ids(root)))
             .options(db.joinedload(OnlineException.student)).order_by(Unit.sort_key, OnlineException.student_id))
    return [Missed(e.student, klass, e.absent, e.no_homework, e.not_marked) for e, klass in db.session.execute(query)]


def at_risk(root: Unit, day: date) -> list[Missed]:
    """Students absent from the lessons on their class's last two entered days up to `day` (避免新的辍学)."""
    entries = db.session.execute(select(OnlineClassDay.class_id, OnlineClassDay.date, OnlineClassDay.record_id).where(
        OnlineClassDay.class_id.in_(subtree_ids(root)), OnlineClassDay.date <= day,
        OnlineClassDay.date > day - timedelta(days=RISK_WINDOW)).order_by(OnlineClassDay.date.desc())).all()
    last_two: dict[int, list[str]] = defaultdict(list)
    for class_id, _day, record_id in entries:
        if len(last_two[class_id]) < 2:
            last_two[class_id].append(record_id)
    records = [r for ids in last_two.values() if len(ids) == 2 for r in ids]
    if not records:
        return []
    absent = db.session.execute(select(OnlineException.student_id, OnlineException.record_id).where(
        OnlineException.record_id.in_(records), OnlineException.absent.is_(True))).all()
    times = defaultdict(int)
    for student_id, _record in absent:
        times[student_id] += 1
    risky = [s for s, n in times.items() if n == 2]
    if not risky:
        return []
    rows = db.session.execute(select(Student, Unit).join(Unit, Unit.id == Student.class_id)
                              .where(Student.id.in_(risky)).order_by(Unit.sort_key, Student.name))
    return [Missed(student, klass, True, False, False) for student, klass in rows]

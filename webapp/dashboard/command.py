"""The command view of a unit (county, township, school, grade, class): one screen, missing first.

First what is missing (the classes and schools that have not reported, with whom to call; the
isolation follow-ups not done), then what is abnormal today (fever, symptoms, illness absence,
in isolation, tracked, checkpoint fevers), then the ledgers' state (supplies short), and one line
per unit below with its own figures to drill down. Every figure is read from the same functions
the start page and the lists behind it use (`today.today`), so a number here, on the start page
and on the list it links to always agree.
Only what exists is shown: a ledger that is not built yet has no block (never a made-up zero).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..duty import clock
from ..duty.models import CheckpointEntry
from ..extensions import db
from ..org.models import Role, Unit, UnitKind, utcnow
from ..org.ordering import unit_key
from ..org.scoping import subtree_ids
from .operations import Completeness
from .today import Today, today

MISSING_LISTED = 20


@dataclass
class Abnormal:
    """People abnormal today with each finding (fever, symptoms, absent for illness; one person may
    count under several), counted exactly as the start page counts them (`today.Today.count`)."""

    fever: int = 0
    symptoms: int = 0
    illness: int = 0

    def add(self, numbers: tuple[int, ...]) -> None:
        """Add a unit's (fever, symptoms, illness, …) people (`Today.per_unit`)."""
        self.fever, self.symptoms, self.illness = (a + b for a, b in zip(
            (self.fever, self.symptoms, self.illness), numbers))


@dataclass
class ChildLine:
    unit: Unit
    classes: int = 0
    missing: int = 0  # classes and schools without today's report
    abnormal: Abnormal = field(default_factory=Abnormal)


@dataclass
class Command:
    unit: Unit
    day: date
    at: datetime  # when the figures were read (naive UTC)
    today: Today
    abnormal: Abnormal
    children: list[ChildLine]

    @property
    def status(self) -> Completeness:
        return self.today.status

    @property
    def synced(self) -> int:
        """Classes that had sent anything today (a check or a report) when the figures were read."""
        return self.status.synced


def checkpoint_fevers(unit: Unit, day: date) -> int:
    start, end = clock.day_bounds(day)
    return db.session.scalar(select(func.count()).select_from(CheckpointEntry).where(
        CheckpointEntry.unit_id.in_(subtree_ids(unit)), CheckpointEntry.fever.is_(True),
        CheckpointEntry.recorded_at >= start, CheckpointEntry.recorded_at < end)) or 0


def command(unit: Unit, day: date, role: Role) -> Command:
    """The start page's figures (missing with whom to call, abnormal people), rolled up per unit below."""
    at = utcnow()
    found = today(unit, day, role, at, listed=0, called_first=MISSING_LISTED)  # counts only: the command view lists no abnormal names
    total = Abnormal()
    for numbers in found.per_unit.values():
        total.add(numbers)
    return Command(unit, day, at, found, total, _children(unit, found))


def _children(unit: Unit, found: Today) -> list[ChildLine]:
    """One line per unit right below (villages aside), with its classes, missing reports and abnormal people."""
    lines = {child.id: ChildLine(child) for child in unit.children if child.kind is not UnitKind.village}
    if not lines:
        return []
    depth = len(unit.ancestor_ids)

    def child_of(path: str) -> ChildLine | None:
        parts = path.strip("/").split("/")
        return lines.get(int(parts[depth])) if len(parts) > depth else None

    if found.status.listed:  # a school and below: its classes one by one
        paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(subtree_ids(unit)))).all())
        for klass in found.status.classes:
            if (line := child_of(paths.get(klass.id, ""))) is not None:
                line.classes += 1
        for missing in found.missing:
            if (line := child_of(paths.get(missing.id, ""))) is not None:
                line.missing += 1
    else:  # a township or the county: its schools, their classes counted
        for school in found.status.schools:
            if (line := child_of(school.path)) is not None:
                line.classes += school.class_count
                line.missing += school.reports_missing
    for child_id, numbers in found.per_unit.items():
        if (line := lines.get(child_id)) is not None:
            line.abnormal.add(numbers)
    return sorted(lines.values(), key=lambda c: (-c.missing, -c.abnormal.fever, unit_key(c.unit.name), c.unit.id))

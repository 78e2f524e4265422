"""The command view of a unit (county, township, school, grade, class): one screen, missing first.

First what is missing (the classes and schools that have not reported, with whom to call; the
isolation follow-ups not done), then what is abnormal today (fever, symptoms, illness absence,
in isolation, tracked, checkpoint fevers), then the ledgers' state (supplies short), and one line
per unit below with its own figures to drill down. Every figure is read from the same functions
the lists behind it use, so a number here and the list it links to always agree.
Only what exists is shown: a ledger that is not built yet has no block (never a made-up zero).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from ..duty import clock
from ..duty.models import CheckpointEntry
from ..extensions import db
from ..health.models import AbsenceReason, HealthCheck
from ..health.operations import units_of_kind
from ..org.models import Unit, UnitKind, utcnow
from ..org.queries import holders
from ..org.scoping import subtree_ids
from .operations import Completeness, completeness

MISSING_LISTED = 20


@dataclass
class Abnormal:
    fever: int = 0
    symptoms: int = 0  # symptoms without fever
    illness: int = 0  # absent for illness

    def add(self, other: Abnormal) -> None:
        self.fever += other.fever
        self.symptoms += other.symptoms
        self.illness += other.illness


@dataclass
class ChildLine:
    unit: Unit
    classes: int = 0
    missing: int = 0
    abnormal: Abnormal = field(default_factory=Abnormal)


@dataclass
class Command:
    unit: Unit
    day: date
    at: datetime  # when the figures were read (naive UTC)
    status: Completeness
    abnormal: Abnormal
    children: list[ChildLine]
    callees: dict[int, list[tuple[str, str | None]]]  # missing class → whom to call

    @property
    def synced(self) -> int:
        """Classes that had sent anything today (a check or a report) when the figures were read."""
        return sum(1 for c in self.status.classes if c.morning or c.noon or c.report)


def abnormal_per_class(unit: Unit, day: date) -> dict[int, Abnormal]:
    """Per class, students with a fever, with other symptoms only, absent for illness, today (one query)."""
    rank = func.row_number().over(
        partition_by=(HealthCheck.student_id, HealthCheck.session),
        order_by=(HealthCheck.effective_at.desc(), HealthCheck.received_at.desc(), HealthCheck.record_id.desc()))
    ranked = (select(HealthCheck.unit_id, HealthCheck.student_id, HealthCheck.fever, HealthCheck.other_symptoms,
                     HealthCheck.absence_reason, rank.label("rank"))
              .where(HealthCheck.date == day, HealthCheck.unit_id.in_(units_of_kind(unit, UnitKind.klass)),
                     HealthCheck.student_id.is_not(None)).subquery())
    c = ranked.c
    distinct = lambda condition: func.count(func.distinct(case((condition, c.student_id))))  # noqa: E731
    query = (select(c.unit_id, distinct(c.fever), distinct(c.other_symptoms & ~c.fever),
                    distinct(c.absence_reason == AbsenceReason.illness))
             .where(c.rank == 1).group_by(c.unit_id))
    return {unit_id: Abnormal(f, s, i) for unit_id, f, s, i in db.session.execute(query)}


def checkpoint_fevers(unit: Unit, day: date) -> int:
    start, end = clock.day_bounds(day)
    return db.session.scalar(select(func.count()).select_from(CheckpointEntry).where(
        CheckpointEntry.unit_id.in_(subtree_ids(unit)), CheckpointEntry.fever.is_(True),
        CheckpointEntry.recorded_at >= start, CheckpointEntry.recorded_at < end)) or 0


def command(unit: Unit, day: date) -> Command:
    at = utcnow()
    status = completeness(unit, day, at)
    per_class = abnormal_per_class(unit, day)
    total = Abnormal()
    for counts in per_class.values():
        total.add(counts)
    children = _children(unit, status, per_class)
    callees = holders([line.id for _school, line in status.missing[:MISSING_LISTED]])
    return Command(unit, day, at, status, total, children, callees)


def _children(unit: Unit, status: Completeness, per_class: dict[int, Abnormal]) -> list[ChildLine]:
    """One line per unit right below (villages aside), its classes' figures summed; missing first."""
    lines = {child.id: ChildLine(child) for child in unit.children if child.kind is not UnitKind.village}
    if not lines:
        return []
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_([c.id for c in status.classes]))).all())
    depth = len(unit.ancestor_ids)
    for line in status.classes:
        parts = paths[line.id].strip("/").split("/")
        child = lines.get(int(parts[depth])) if len(parts) > depth else None
        if child is None:
            continue
        child.classes += 1
        child.missing += line.missing
        child.abnormal.add(per_class.get(line.id, Abnormal()))
    return sorted(lines.values(), key=lambda c: (-c.missing, -c.abnormal.fever))

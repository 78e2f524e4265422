"""Publishing notices, what a homeroom teacher's phone holds, and who has not confirmed, rolled up.

A notice goes to a unit and everything below it. The classes that owe a confirmation are the
classes in that subtree; a viewer sees the part of them inside their own scope, one line per unit
right below the one they look at (county → townships → schools → classes), as the reports are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..errors import RuleError
from ..extensions import db
from ..health.operations import expected_students
from ..org.models import Unit, UnitKind, User, utcnow
from ..org.queries import holders
from ..org.scoping import scope_clause, subtree_ids
from ..sync.reference import register_collection
from .models import Notice, NoticeConfirmation, NoticeKind

SHOWN_DAYS = 60  # a phone keeps the notices of the last two months
TARGET_KINDS = (UnitKind.county, UnitKind.township, UnitKind.school, UnitKind.grade, UnitKind.klass)


def publish(user: User, unit: Unit, kind: NoticeKind, title: str, body: str, ask_parents: bool) -> Notice:
    """A notice from `user` to `unit`'s subtree (the caller checked that the unit is in the user's scope)."""
    if unit.kind not in TARGET_KINDS:
        raise RuleError(_l("A notice goes to a county, township, school, grade or class."), "unit")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise RuleError(_l("A notice needs a title and a text."), "title" if not title else "body")
    notice = Notice(unit_id=unit.id, kind=kind, title=title, body=body, ask_parents=ask_parents,
                    published_by_id=user.id, published_at=utcnow())
    db.session.add(notice)
    db.session.flush()
    return notice


def visible(user: User):
    """The notices a user follows: those sent within their area, and those sent from above that reach it."""
    return (select(Notice).where(or_(scope_clause(Notice, user), Notice.unit_id.in_(user.scope.ancestor_ids)))
            .order_by(Notice.published_at.desc(), Notice.id.desc()))


# ---- the phones -----------------------------------------------------------------------------

def _confirmed(notice_ids, class_ids) -> dict[tuple[int, int], tuple[datetime, int | None]]:
    """(notice, class) → the latest confirmation's phone time and parents count."""
    if not notice_ids or not class_ids:
        return {}
    rank = func.row_number().over(partition_by=(NoticeConfirmation.notice_id, NoticeConfirmation.class_id),
                                  order_by=(NoticeConfirmation.received_at.desc(), NoticeConfirmation.record_id.desc()))
    ranked = (select(NoticeConfirmation.notice_id, NoticeConfirmation.class_id, NoticeConfirmation.recorded_at,
                     NoticeConfirmation.parents_acknowledged, rank.label("rank"))
              .where(NoticeConfirmation.notice_id.in_(notice_ids), NoticeConfirmation.class_id.in_(class_ids))
              .subquery())
    query = select(ranked.c.notice_id, ranked.c.class_id, ranked.c.recorded_at, ranked.c.parents_acknowledged) \
        .where(ranked.c.rank == 1)
    return {(n, c): (at, parents) for n, c, at, parents in db.session.execute(query)}


def notice_items(user: User, since: datetime | None) -> list[dict]:
    """Reference data: the notices of the last SHOWN_DAYS days that reach a homeroom teacher's class.

    Sent whole at every pull (a few dozen at most), with whether the class has confirmed, so a
    confirmation made on another phone shows too.
    """
    if user.scope.kind is not UnitKind.klass:
        return []
    klass = user.scope
    notices = db.session.scalars(select(Notice).options(selectinload(Notice.unit)).where(
        Notice.unit_id.in_(klass.ancestor_ids), Notice.published_at >= utcnow() - timedelta(days=SHOWN_DAYS))
        .order_by(Notice.published_at.desc())).all()
    done = _confirmed([n.id for n in notices], [klass.id])
    return [_item(n, klass, done.get((n.id, klass.id))) for n in notices]


def _item(notice: Notice, klass: Unit, confirmed) -> dict:
    return {"id": notice.id, "kind": notice.kind.value, "title": notice.title, "body": notice.body,
            "ask_parents": notice.ask_parents, "published_at": notice.published_at.isoformat() + "Z",
            "from": notice.unit.name, "class_id": klass.id,
            "confirmed_at": confirmed[0].isoformat() + "Z" if confirmed else None,
            "parents": confirmed[1] if confirmed else None}


register_collection("notices", notice_items)


# ---- who has not confirmed, rolled up ---------------------------------------------------------

@dataclass
class ClassLine:
    id: int
    name: str
    students: int
    confirmed_at: datetime | None
    parents: int | None
    teachers: list[tuple[str, str | None]] = field(default_factory=list)  # (name, phone) answering for the class


@dataclass
class Line:
    """A unit right below the one looked at: its classes that owe a confirmation, and how many did."""

    id: int
    name: str
    kind: UnitKind
    classes: list[ClassLine] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return sum(1 for c in self.classes if c.confirmed_at)

    @property
    def missing(self) -> int:
        return len(self.classes) - self.confirmed

    @property
    def parents(self) -> int:
        return sum(c.parents or 0 for c in self.classes)


@dataclass
class RollUp:
    notice: Notice
    focus: Unit
    lines: list[Line]

    @property
    def classes(self) -> list[ClassLine]:
        return [c for line in self.lines for c in line.classes]

    @property
    def confirmed(self) -> int:
        return sum(line.confirmed for line in self.lines)

    @property
    def missing(self) -> int:
        return sum(line.missing for line in self.lines)


def roll_up(notice: Notice, focus: Unit) -> RollUp:
    """The classes that owe a confirmation under `focus` (the deeper of the notice's unit and the viewer's
    unit), grouped by the unit right below `focus`, missing first. Four queries at any size."""
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.path, Unit.kind).where(
        Unit.id.in_(subtree_ids(focus)), Unit.path.startswith(notice.unit.path, autoescape=True))).all()
    depth = len(focus.ancestor_ids)
    children = {uid: Line(uid, name, kind) for uid, name, path, kind in rows if path.count("/") == depth + 2}
    class_rows = [(uid, name, path) for uid, name, path, kind in rows if kind is UnitKind.klass]
    ids = [uid for uid, _n, _p in class_rows]
    sizes, done, teachers = expected_students(ids) if ids else {}, _confirmed([notice.id], ids), holders(ids)
    for uid, name, path in class_rows:
        line = ClassLine(uid, name, sizes.get(uid, 0), *done.get((notice.id, uid), (None, None)), teachers.get(uid, []))
        parts = [int(p) for p in path.strip("/").split("/")]
        owner = children.get(parts[depth]) if len(parts) > depth else None
        if owner is None:  # the focus is the class itself
            owner = children.setdefault(uid, Line(uid, name, UnitKind.klass))
        owner.classes.append(line)
    lines = [line for line in children.values() if line.classes]
    for line in lines:
        line.classes.sort(key=lambda c: (c.confirmed_at is not None, c.name))
    lines.sort(key=lambda line: (-line.missing, line.name))
    return RollUp(notice, focus, lines)


def focus_of(notice: Notice, viewer_unit: Unit) -> Unit:
    """The deeper of the notice's unit and the unit looked at: the part of the notice the viewer follows."""
    return viewer_unit if notice.unit.contains(viewer_unit) else notice.unit

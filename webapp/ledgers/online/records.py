"""The record kind `online_day`: a class's day of online learning, everyone attended by default and
the exceptions tapped. `prepare` reads the group's classes (one scope query), the tapped students
(one query) and the classes' rolls (one grouped query); `settle` keeps the current record per class
and day with its counts (the latest effective time wins, whatever order they arrive in)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_

from ...errors import RuleError
from ...extensions import db
from ...org.models import Student, Unit, UnitKind, utcnow
from ...org.roll import students_per_class
from ...org.scoping import scoped_by_id
from ...sync.registry import Field, Item, RecordKind, per_item, register
from ..common import one_writer, record_day, unit_of, upsert
from .models import OnlineClassDay, OnlineDay, OnlineException

MAX_DAYS_BACK = 7
LOCK_SPACE = 3  # advisory lock keys of the classes' days (common.one_writer)


def check_day(data: dict) -> dict:
    ids = [e["student_id"] for e in data["exceptions"]]
    if len(set(ids)) != len(ids):
        return {"exceptions": str(_l("Each student at most once."))}
    if any(not (e["absent"] or e["no_homework"] or e["not_marked"]) for e in data["exceptions"]):
        return {"exceptions": str(_l("An exception says what the student missed."))}
    return {}


def prepare_days(batch, items: list[Item]) -> list:
    classes = scoped_by_id(Unit, {i.data["class_id"] for i in items}, batch.user, columns=(Unit.kind,))
    wanted = {e["student_id"] for i in items for e in i.data["exceptions"]}
    students = dict(db.session.execute(select(Student.id, Student.class_id).where(
        Student.id.in_(wanted), Student.active.is_(True))).all()) if wanted else {}
    rolls = dict(db.session.execute(students_per_class(set(classes))).all())

    def row(item: Item) -> dict:
        data, klass = item.data, unit_of(classes, item, "class_id", (UnitKind.klass,),
                                         _l("Online learning is entered for a class."))
        if any(students.get(e["student_id"]) != klass.id for e in data["exceptions"]):
            raise RuleError(_l("A student tapped is not on this class's roll."), "exceptions")
        expected, tapped = rolls.get(klass.id, 0), data["exceptions"]
        absent = sum(e["absent"] for e in tapped)
        missing = sum(e["no_homework"] for e in tapped)
        unmarked = sum(e["not_marked"] and not e["no_homework"] for e in tapped)
        return {OnlineDay: {"record_id": item.id, "class_id": klass.id,
                            "date": record_day(item, data["date"], MAX_DAYS_BACK), "expected": expected,
                            "attended": expected - absent, "handed_in": expected - missing,
                            "marked": expected - missing - unmarked, "note": (data["note"] or "").strip() or None,
                            **batch.stamp(item), "effective_at": item.effective_at},
                OnlineException: [{"record_id": item.id, "student_id": e["student_id"], "absent": e["absent"],
                                   "no_homework": e["no_homework"], "not_marked": e["not_marked"]} for e in tapped]}
    return per_item(items, row)


def settle_days(batch, items: list[Item]) -> None:
    from datetime import date
    pairs = {(i.data["class_id"], date.fromisoformat(i.data["date"])) for i in items}
    one_writer(LOCK_SPACE, {(c, d.toordinal()) for c, d in pairs})
    ranked = (select(OnlineDay, func.row_number().over(
        partition_by=(OnlineDay.class_id, OnlineDay.date),
        order_by=(OnlineDay.effective_at.desc(), OnlineDay.received_at.desc(), OnlineDay.record_id.desc()))
        .label("rank")).where(tuple_(OnlineDay.class_id, OnlineDay.date).in_(list(pairs))).subquery())
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    upsert(OnlineClassDay, ("class_id", "date"),
           [{"class_id": r.class_id, "date": r.date, "record_id": r.record_id, "expected": r.expected,
             "attended": r.attended, "handed_in": r.handed_in, "marked": r.marked, "effective_at": r.effective_at,
             "updated_at": utcnow()} for r in rows])


ONLINE_DAY = register(RecordKind(
    name="online_day",
    description="A class's day of online learning (停课不停学): everyone attended the lesson, handed in "
                "homework and had it marked, except the students listed.",
    fields=(
        Field("class_id", "integer", minimum=1),
        Field("date", "date", description="The day (county time); up to 7 days back."),
        Field("exceptions", "array", max_length=200, description="The students tapped: what each missed.",
              entries=(Field("student_id", "integer", minimum=1), Field("absent", "boolean"),
                       Field("no_homework", "boolean"), Field("not_marked", "boolean"))),
        Field("note", "string", required=False, nullable=True, max_length=200),
    ),
    check=check_day, prepare=prepare_days, settle=settle_days))

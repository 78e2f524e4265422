"""What every ledger shares: the day a record is for, the schools in scope, and office entries.

An office form does not write rows itself: it sends its entry as a record through the same push
the phones use (`submit`), so each rule lives once, in the kind's `prepare`. The form carries the
record's id from the moment it was shown, so a form sent twice is stored once.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import current_app, flash
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from ..duty import clock
from ..errors import OutOfScope, RuleError
from ..org.county import fill_rows
from ..extensions import db
from ..org.models import Staff, Student, Unit, UnitKind, User
from ..org.scoping import get_or_404, id_at_level, in_subtree, subtree_ids
from ..org.settings import local_day_of
from ..sync import engine
from ..sync.registry import Item

OFFICE_DEVICE = "office"


def new_record_id() -> str:
    return str(uuid.uuid4())


def record_day(item: Item, value: str, max_days_back: int, field: str = "date") -> date:
    """The day a record is for: not after the day it was recorded, at most `max_days_back` before."""
    day = date.fromisoformat(value)
    if day > local_day_of(item.recorded_at):
        raise RuleError(_l("The day is after the day this was recorded."), field)
    if day < local_day_of(item.effective_at) - timedelta(days=max_days_back):
        raise RuleError(_l("At most %(n)s days back.", n=max_days_back), field)
    return day


def unit_of(units: dict, item: Item, field: str, kinds: tuple[UnitKind, ...], wrong_kind) -> object:
    """The unit a record is for, from the group's `units` (org.scoping.scoped_by_id, with Unit.kind): in
    the user's area, else OutOfScope; of one of the `kinds` the ledger keeps, else RuleError(wrong_kind)."""
    unit = units.get(item.data[field])
    if unit is None:
        raise OutOfScope(_l("Not in your area."), field)
    if unit.kind not in kinds:
        raise RuleError(wrong_kind, field)
    return unit


def submit(user: User, kind: str, data: dict, record_id: str | None = None) -> str:
    """Store an office entry as a record of `kind` through the push; its id. Refused: RuleError."""
    record_id = record_id or new_record_id()
    body = {"device_id": OFFICE_DEVICE, "records": [
        {"id": record_id, "kind": kind, "recorded_at": clock.local_now().isoformat(timespec="seconds"),
         "data": data}]}
    result = engine.push(user, body, current_app.config["SYNC_MAX_RECORDS"])[0]
    if result["status"] == engine.REJECTED and result["code"] != engine.CONFLICT:
        field, message = next(iter(result["errors"].items()))
        raise RuleError(message, field)
    return record_id


def refuse(form, error: RuleError) -> None:
    """Show a refused entry on the form field it is about, else as a message at the top."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = list(target.errors) + [error.message]
    else:
        flash(error.message, "error")


def scoped_school(school_id: int) -> Unit:
    """The school with this id in the user's area, else 404 (a class or township id is no school)."""
    from flask import abort

    from ..org.scoping import get_scoped
    unit = get_scoped(Unit, school_id)
    if unit.kind is not UnitKind.school:
        abort(404)
    return unit


def schools_under(root: Unit) -> list[Unit]:
    """The schools in `root`'s subtree (a unit the caller got through the scoping helpers), in order."""
    query = select(Unit).where(Unit.id.in_(subtree_ids(root)), Unit.kind == UnitKind.school).order_by(Unit.sort_key)
    return list(db.session.scalars(query))


def township_names(schools: list[Unit]) -> dict[int, str]:
    """A school's township name, by school id (one query)."""
    ids = {int(s.path.strip("/").split("/")[1]) for s in schools if s.path.count("/") >= 3}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    return {s.id: names.get(int(s.path.strip("/").split("/")[1]), "") for s in schools if s.path.count("/") >= 3}


def school_of(unit: Unit) -> int | None:
    """The school a unit is or lies in (a grade or a class), else None."""
    parts = unit.path.strip("/").split("/")
    return int(parts[2]) if unit.kind in (UnitKind.school, UnitKind.grade, UnitKind.klass) and len(parts) > 2 else None


def school_sizes(root: Unit) -> dict[int, dict]:
    """{school id: {"classes", "students", "staff"}} of the schools in `root`'s subtree, active people only.

    Grouped per school in SQL (the school's id read off each unit's path): a county's 312 rows
    from each of four queries, not its 5,000 classes' in Python.
    """
    school = id_at_level(3)
    in_schools = (in_subtree(root), Unit.kind.in_((UnitKind.school, UnitKind.grade, UnitKind.klass)))
    sizes = {school_id: {"classes": 0, "students": 0, "staff": 0} for school_id in db.session.scalars(
        select(Unit.id).where(in_subtree(root), Unit.kind == UnitKind.school))}
    counted = {
        "classes": select(school, func.count()).where(in_subtree(root), Unit.kind == UnitKind.klass),
        "students": select(school, func.count()).select_from(Student).join(Unit, Unit.id == Student.class_id)
        .where(Student.active.is_(True), *in_schools),
        "staff": select(school, func.count()).select_from(Staff).join(Unit, Unit.id == Staff.unit_id)
        .where(Staff.active.is_(True), *in_schools)}
    for key, query in counted.items():
        for school_id, n in db.session.execute(query.group_by(school)):
            if school_id in sizes:
                sizes[school_id][key] = n
    return sizes


def upsert(model, keys: tuple[str, ...], rows: list[dict]) -> None:
    """Insert these rows or overwrite the stored ones with the same keys, in one statement (both
    databases speak ON CONFLICT … DO UPDATE): how a ledger keeps its derived state in the write path."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model.__table__).values(fill_rows(model.__table__, rows))  # the county key, set-wise
    db.session.execute(statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in rows[0] if name not in keys}))


def one_writer(space: int, pairs: set[tuple[int, int]]) -> None:
    """PostgreSQL: one transaction at a time per (school, item) of a ledger until it commits, so two
    pushes never derive the same state from two snapshots (SQLite has one writer anyway). The keys
    are taken in one order; `space` keeps the ledgers' keys apart."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for first, second in sorted(pairs):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": (0x5D << 56) + (space << 48) + first * 100_000 + second})


def item_views(bp, model, save, guard) -> None:
    """The county's list's screens to add an item (`<bp>/items/new`) and edit one (`<bp>/items/<id>/edit`),
    endpoints `new_item` and `edit_item`: `save(item or None)` draws and saves the form, `guard` says who
    may; an unknown id is 404 (org.scoping.get_or_404)."""
    def new_item():
        return save(None)

    def edit_item(item_id: int):
        return save(get_or_404(model, item_id))

    bp.add_url_rule("/items/new", "new_item", guard(new_item), methods=["GET", "POST"])
    bp.add_url_rule("/items/<int:item_id>/edit", "edit_item", guard(edit_item), methods=["GET", "POST"])

"""The record kind `reopening_item`: a school's item of the reopening plan — who answers for it, its
status, a note. `prepare` reads the group's schools (one scope query) and items (one query);
`settle` brings each touched school and item's current state up to date: the update with the latest
effective time (then receive time, then id) wins, whatever order they arrive in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_

from ...errors import RuleError
from ...extensions import db
from ...org.models import Unit, UnitKind, utcnow
from ...org.scoping import scoped_by_id
from ...sync.registry import Field, Item, RecordKind, per_item, register
from ..common import one_writer, unit_of, upsert
from .models import PlanItem, PlanState, PlanUpdate, Status

LOCK_SPACE = 2  # advisory lock keys of the plans' states (common.one_writer)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def check_update(data: dict) -> dict:
    return {} if _text(data["person"]) else {"person": str(_l("Name the person who answers for it."))}


def prepare_updates(batch, items: list[Item]) -> list:
    schools = scoped_by_id(Unit, {i.data["school_id"] for i in items}, batch.user, columns=(Unit.kind,))
    wanted = {i.data["item_id"] for i in items}
    known = set(db.session.scalars(select(PlanItem.id).where(PlanItem.id.in_(wanted), PlanItem.active.is_(True))))

    def row(item: Item) -> dict:
        data, school = item.data, unit_of(schools, item, "school_id", (UnitKind.school,),
                                          _l("A reopening plan is a school's."))
        if data["item_id"] not in known:
            raise RuleError(_l("This item is not in the county's plan."), "item_id")
        return {PlanUpdate: {"record_id": item.id, "school_id": school.id, "item_id": data["item_id"],
                             "person": _text(data["person"]), "status": Status(data["status"]),
                             "note": _text(data["note"]), **batch.stamp(item), "effective_at": item.effective_at}}
    return per_item(items, row)


def settle_updates(batch, items: list[Item]) -> None:
    pairs = {(i.data["school_id"], i.data["item_id"]) for i in items}
    one_writer(LOCK_SPACE, pairs)
    ranked = (select(PlanUpdate, func.row_number().over(
        partition_by=(PlanUpdate.school_id, PlanUpdate.item_id),
        order_by=(PlanUpdate.effective_at.desc(), PlanUpdate.received_at.desc(), PlanUpdate.record_id.desc()))
        .label("rank")).where(tuple_(PlanUpdate.school_id, PlanUpdate.item_id).in_(list(pairs))).subquery())
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    upsert(PlanState, ("school_id", "item_id"),
           [{"school_id": r.school_id, "item_id": r.item_id, "record_id": r.record_id, "person": r.person,
             "status": r.status, "note": r.note, "effective_at": r.effective_at, "updated_at": utcnow()} for r in rows])


REOPENING_ITEM = register(RecordKind(
    name="reopening_item",
    description="A school's item of the reopening plan (开学预案, 一校一案): who answers for it, its status, a note.",
    fields=(
        Field("school_id", "integer", minimum=1),
        Field("item_id", "integer", minimum=1, description="From the `reopening_items` collection."),
        Field("person", "string", max_length=50, description="Who answers for the item."),
        Field("status", "string", choices=tuple(s.value for s in Status)),
        Field("note", "string", required=False, nullable=True, max_length=300),
    ),
    check=check_update, prepare=prepare_updates, settle=settle_updates))

from . import reference as _reference  # noqa: E402,F401  (the items the phones pull)

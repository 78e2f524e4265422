"""The record kind `supply_movement` (物资台账): a school's item received, issued, used, written off or counted.

Declared once: the phone's form bounds, the server's validation and the OpenAPI schema come from
here; the office's form sends the same record (`ledgers.common.submit`). `prepare` reads the
group's schools (one scope query) and items (one query); `settle` walks the stock of each school
and item the group touched (`stock.settle`), so a back-dated entry recomputes what follows and
the overview reads stored positions.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...errors import RuleError
from ...extensions import db
from ...org.models import Unit, UnitKind
from ...org.scoping import scoped_by_id
from ...sync.registry import Field, Item, RecordKind, per_item, register
from ..common import record_day, unit_of
from . import stock
from .models import AdjustReason, Movement, SupplyItem, SupplyMovement

QUANTITY_MAX = 1_000_000
# The day a movement happened: a working day, not after the day it was recorded, up to a month
# before (webapp/fields.py); the office form, the push and the phone read the bounds from here.
DAY = Field("date", "date", days_back=31, description="The day it happened (county time); up to 31 days back.")


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def check_movement(data: dict) -> dict:
    """A count may be zero, anything else moves something; a write-off says why; a receipt from whom."""
    errors = {}
    movement = data["movement"]
    if movement != Movement.counted.value and data["quantity"] <= 0:
        errors["quantity"] = str(_l("Must be more than 0."))
    if movement == Movement.adjusted.value and data["reason"] is None:
        errors["reason"] = str(_l("Give the reason for the write-off."))
    if movement not in (Movement.adjusted.value, Movement.counted.value) and data["reason"] is not None:
        errors["reason"] = str(_l("A reason goes with a write-off or a count."))
    if movement == Movement.received.value and not _text(data["counterpart"]):
        errors["counterpart"] = str(_l("Say where it came from."))
    return errors


def prepare_movements(batch, items: list[Item]) -> list:
    """Each movement under its school, for an item the county counts."""
    schools = scoped_by_id(Unit, {i.data["school_id"] for i in items}, batch.user, columns=(Unit.kind,))
    wanted = {i.data["item_id"] for i in items}
    known = set(db.session.scalars(db.select(SupplyItem.id).where(SupplyItem.id.in_(wanted),
                                                                  SupplyItem.active.is_(True))))

    def row(item: Item) -> dict:
        data, school = item.data, unit_of(schools, item, "school_id", (UnitKind.school,),
                                          _l("Supplies are kept by a school."))
        if data["item_id"] not in known:
            raise RuleError(_l("The county does not count this item."), "item_id")
        return {SupplyMovement: {
            "record_id": item.id, "school_id": school.id, "item_id": data["item_id"],
            "date": record_day(item, data["date"], DAY.days_back), "movement": Movement(data["movement"]),
            "quantity": float(data["quantity"]), "counterpart": _text(data["counterpart"]),
            "reason": AdjustReason(data["reason"]) if data["reason"] else None, "note": _text(data["note"]),
            "stock_after": 0.0, "difference": None, "below_zero": False, **batch.stamp(item)}}
    return per_item(items, row)


def settle_movements(batch, items: list[Item]) -> None:
    stock.settle({(i.data["school_id"], i.data["item_id"]) for i in items})


SUPPLY_MOVEMENT = register(RecordKind(
    name="supply_movement",
    description="A school's supplies received, issued, used, written off (adjusted) or counted (物资台账). "
                "Accepted even when it takes the stock below zero, and flagged.",
    fields=(
        Field("school_id", "integer", minimum=1),
        Field("item_id", "integer", minimum=1, description="From the `supply_items` collection."),
        DAY,
        Field("movement", "string", choices=tuple(m.value for m in Movement)),
        Field("quantity", "number", minimum=0, maximum=QUANTITY_MAX,
              description="counted: the stock found on hand; otherwise how much moved."),
        Field("counterpart", "string", required=False, nullable=True, max_length=100,
              description="received: from whom (required); issued: to whom."),
        Field("reason", "string", required=False, nullable=True, choices=tuple(r.value for r in AdjustReason),
              description="adjusted (required) or counted: why."),
        Field("note", "string", required=False, nullable=True, max_length=200),
    ),
    check=check_movement, prepare=prepare_movements, settle=settle_movements))

from . import reference as _reference  # noqa: E402,F401  (the items the phones pull)

"""Reference data the phones pull for supplies: `supply_items`, the county's items (a dozen at most).

Sent whole at every pull (an item the county stopped counting goes as a tombstone), with the
stock on hand at the user's school when the user is a school's, so the phone can show it offline.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...org.models import UnitKind, User
from ...org.scoping import scoped
from ...sync.reference import register_collection
from .models import SupplyItem, SupplyPosition


def supply_items(user: User, since: datetime | None) -> list[dict]:
    on_hand = {}
    if user.scope.kind is UnitKind.school:
        on_hand = {p.item_id: p for p in db.session.scalars(scoped(SupplyPosition, user))}
    items = db.session.scalars(select(SupplyItem).order_by(SupplyItem.position, SupplyItem.id))
    return [{"id": item.id, "name": item.name, "unit": item.unit, "active": item.active,
             "on_hand": on_hand[item.id].on_hand if item.id in on_hand else None,
             "flagged": bool(item.id in on_hand and on_hand[item.id].flagged)} for item in items]


register_collection("supply_items", supply_items)

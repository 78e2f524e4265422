"""Reference data the phones pull for the reopening plan: `reopening_items`, the county's items (a dozen),
each with the user's school's current person, status and note when the user is a school's. Sent whole."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...org.models import UnitKind, User
from ...org.scoping import scoped
from ...sync.reference import register_collection
from .models import PlanItem, PlanState


def reopening_items(user: User, since: datetime | None) -> list[dict]:
    states = {}
    if user.scope.kind is UnitKind.school:
        states = {s.item_id: s for s in db.session.scalars(scoped(PlanState, user))}
    items = db.session.scalars(select(PlanItem).order_by(PlanItem.position, PlanItem.id))
    return [{"id": i.id, "title": i.title, "detail": i.detail, "active": i.active,
             "person": states[i.id].person if i.id in states else None,
             "status": states[i.id].status.value if i.id in states else "todo",
             "note": states[i.id].note if i.id in states else None} for i in items]


register_collection("reopening_items", reopening_items)

"""The stock arithmetic: movements walked in the order they happened, and the stored position.

`walk` is the rule (pure): each movement changes the stock (received +, issued / used / adjusted
−, a count sets it and records the difference); a movement that leaves it below zero is flagged,
never refused; a count settles the flags before it. `settle` runs it in the write path (the kind's
`settle`, after the engine stored a push's movements) for each school and item they touch, and
writes what changed: the movements' derived columns and the position.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, tuple_, update

from ...extensions import db
from ...org.models import utcnow
from ..common import one_writer, upsert
from .models import OUTGOING, Movement, SupplyMovement, SupplyPosition

ORDER = (SupplyMovement.date, SupplyMovement.recorded_at, SupplyMovement.record_id)
EPSILON = 1e-9
LOCK_SPACE = 1  # advisory lock keys of supply positions (common.one_writer)


@dataclass
class Step:
    """One movement as the walk sees it, and what the walk derives for it."""

    id: str
    movement: Movement
    quantity: float
    stock_after: float = 0.0
    difference: float | None = None
    below_zero: bool = False


def walk(steps: list[Step]) -> tuple[float, bool]:
    """Derive each step's stock (steps in order of occurrence); (on hand, flagged since the last count)."""
    stock, flagged = 0.0, False
    for step in steps:
        if step.movement is Movement.counted:
            step.difference = step.quantity - stock
            stock, flagged = step.quantity, False
        else:
            stock += -step.quantity if step.movement in OUTGOING else step.quantity
        step.stock_after = round(stock, 6)
        step.below_zero = stock < -EPSILON
        flagged = flagged or step.below_zero
    return round(stock, 6), flagged


def settle(pairs: set[tuple[int, int]]) -> None:
    """Walk the movements of these (school, item) pairs again and store what changed."""
    if not pairs:
        return
    one_writer(LOCK_SPACE, pairs)
    columns = (SupplyMovement.record_id, SupplyMovement.school_id, SupplyMovement.item_id, SupplyMovement.movement,
               SupplyMovement.quantity, SupplyMovement.stock_after, SupplyMovement.difference,
               SupplyMovement.below_zero)
    rows = db.session.execute(select(*columns).where(
        tuple_(SupplyMovement.school_id, SupplyMovement.item_id).in_(list(pairs))).order_by(*ORDER)).all()
    by_pair: dict[tuple[int, int], list] = {pair: [] for pair in pairs}
    for row in rows:
        by_pair[(row.school_id, row.item_id)].append(row)
    changed, positions = [], []
    for (school_id, item_id), stored in by_pair.items():
        steps = [Step(r.record_id, r.movement, r.quantity) for r in stored]
        on_hand, flagged = walk(steps)
        changed += [{"b_id": s.id, "stock_after": s.stock_after, "difference": s.difference,
                     "below_zero": s.below_zero} for s, r in zip(steps, stored)
                    if (s.stock_after, s.difference, s.below_zero) != (r.stock_after, r.difference, r.below_zero)]
        positions.append({"school_id": school_id, "item_id": item_id, "on_hand": on_hand, "flagged": flagged,
                          "updated_at": utcnow()})
    if changed:
        table = SupplyMovement.__table__
        db.session.execute(update(table).where(table.c.record_id == db.bindparam("b_id")).values(
            stock_after=db.bindparam("stock_after"), difference=db.bindparam("difference"),
            below_zero=db.bindparam("below_zero")), changed, execution_options={"synchronize_session": False})
    upsert(SupplyPosition, ("school_id", "item_id"), positions)

"""The stock arithmetic: in order of occurrence, back-dated entries, counts, stock below zero flagged."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.ledgers.supplies.models import Movement, SupplyMovement, SupplyPosition
from webapp.ledgers.supplies.stock import Step, walk
from webapp.sync.engine import ACCEPTED

from .helpers import days_ago, movement, push_movements


def test_walk_counts_reset_and_flags():
    steps = [Step("a", Movement.received, 100), Step("b", Movement.used, 30), Step("c", Movement.issued, 80),
             Step("d", Movement.counted, 5), Step("e", Movement.adjusted, 2)]
    on_hand, flagged = walk(steps)
    assert [s.stock_after for s in steps] == [100, 70, -10, 5, 3]
    assert [s.below_zero for s in steps] == [False, False, True, False, False]
    assert steps[3].difference == 15  # found 5 where the ledger said -10
    assert (on_hand, flagged) == (3, False)  # the count settled the flag


def test_walk_flag_stays_until_a_count():
    on_hand, flagged = walk([Step("a", Movement.used, 10), Step("b", Movement.received, 50)])
    assert (on_hand, flagged) == (40, True)


def _position(school, item):
    return db.session.get(SupplyPosition, (school.id, item.id))


def _stock_after(school, item):
    rows = db.session.scalars(select(SupplyMovement).where(SupplyMovement.school_id == school.id,
                                                           SupplyMovement.item_id == item.id)
                              .order_by(SupplyMovement.date, SupplyMovement.recorded_at))
    return [(r.movement.value, r.stock_after, r.below_zero) for r in rows]


def test_back_dated_entry_recomputes_what_follows(county, items):
    school, masks, user = county.school_a1, items.masks, county.users.school_a1
    assert all(r["status"] == ACCEPTED for r in push_movements(
        user, movement(school, masks, "received", 1000, days_ago(5)), movement(school, masks, "used", 300, days_ago(3)),
        movement(school, masks, "used", 300, days_ago(1))))
    assert _position(school, masks).on_hand == 400
    # A phone that was offline brings a use of four days ago: every later stock moves.
    push_movements(user, movement(school, masks, "used", 500, days_ago(4)))
    assert _stock_after(school, masks) == [("received", 1000, False), ("used", 500, False), ("used", 200, False),
                                           ("used", -100, True)]
    position = _position(school, masks)
    assert (position.on_hand, position.flagged) == (-100, True)


def test_count_resets_stock_and_records_the_difference(county, items):
    school, masks, user = county.school_a1, items.masks, county.users.school_a1
    push_movements(user, movement(school, masks, "received", 500, days_ago(6)),
                   movement(school, masks, "used", 100, days_ago(4)),
                   movement(school, masks, "counted", 350, days_ago(3), reason="lost"),
                   movement(school, masks, "used", 50, days_ago(2)))
    counted = db.session.scalars(select(SupplyMovement).where(SupplyMovement.movement == Movement.counted)).one()
    assert (counted.stock_after, counted.difference) == (350, -50)
    assert _position(school, masks).on_hand == 300
    # A receipt back-dated before the count changes the count's difference, not what follows it.
    push_movements(user, movement(school, masks, "received", 40, days_ago(5)))
    db.session.refresh(counted)
    assert (counted.stock_after, counted.difference) == (350, -90)
    assert _position(school, masks).on_hand == 300


def test_offline_entry_below_zero_is_accepted_and_flagged(county, items):
    school, user = county.school_b1, county.users.school_b1
    results = push_movements(user, movement(school, items.thermometers, "issued", 3, days_ago(0)))
    assert results[0]["status"] == ACCEPTED
    row = db.session.scalars(select(SupplyMovement)).one()
    assert (row.stock_after, row.below_zero) == (-3, True)
    assert _position(school, items.thermometers).flagged


def test_positions_are_per_school_and_item(county, items):
    push_movements(county.users.county, movement(county.school_a1, items.masks, "received", 10, days_ago(1)),
                   movement(county.school_b1, items.masks, "received", 20, days_ago(1)),
                   movement(county.school_a1, items.sanitizer, "received", 3, days_ago(1)))
    assert _position(county.school_a1, items.masks).on_hand == 10
    assert _position(county.school_b1, items.masks).on_hand == 20
    assert _position(county.school_a1, items.sanitizer).on_hand == 3

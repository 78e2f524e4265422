"""The `supply_movement` kind: who may record for which school, and the rules across fields."""
from __future__ import annotations

from datetime import timedelta

from webapp.extensions import db
from webapp.ledgers.supplies.models import SupplyMovement
from webapp.sync.engine import ACCEPTED, FORBIDDEN, INVALID, REJECTED

from .helpers import days_ago, movement, push_movements


def _one(user, data) -> dict:
    return push_movements(user, data)[0]


def test_school_records_for_itself_not_for_another(county, items):
    assert _one(county.users.school_a1, movement(county.school_a1, items.masks, "used", 5, days_ago(0)))["status"] \
        == ACCEPTED
    refused = _one(county.users.school_a1, movement(county.school_b1, items.masks, "used", 5, days_ago(0)))
    assert (refused["status"], refused["code"]) == (REJECTED, FORBIDDEN)
    # A homeroom teacher's area is their class: the school's supplies are the principal's.
    refused = _one(county.users.homeroom_a1, movement(county.school_a1, items.masks, "used", 5, days_ago(0)))
    assert refused["code"] == FORBIDDEN
    assert db.session.query(SupplyMovement).count() == 1


def test_a_class_is_not_a_school(county, items):
    result = _one(county.users.school_a1, movement(county.class_a1_1, items.masks, "used", 5, days_ago(0)))
    assert (result["code"], result["errors"]["school_id"]) == (INVALID, "物资台账以学校为单位登记。")


def test_rules_across_fields(county, items):
    user, school = county.users.school_a1, county.school_a1
    cases = [
        (movement(school, items.masks, "used", 0, days_ago(0)), "quantity"),
        (movement(school, items.masks, "adjusted", 3, days_ago(0)), "reason"),
        (movement(school, items.masks, "used", 3, days_ago(0), reason="lost"), "reason"),
        (movement(school, items.masks, "received", 3, days_ago(0), counterpart=" "), "counterpart"),
        (movement(school, items.masks, "used", 3, days_ago(0) + timedelta(days=1)), "date"),
        (movement(school, items.masks, "used", 3, days_ago(32)), "date"),
        (movement(school, items.masks, "used", -3, days_ago(0)), "quantity"),
        ({**movement(school, items.masks, "used", 3, days_ago(0)), "item_id": 9999}, "item_id"),
    ]
    for data, field in cases:
        result = _one(user, data)
        assert result["status"] == REJECTED and field in result["errors"], (data, result)
    assert db.session.query(SupplyMovement).count() == 0
    # A count of nothing on hand is a count; a write-off with its reason is a write-off.
    assert _one(user, movement(school, items.masks, "counted", 0, days_ago(0)))["status"] == ACCEPTED
    assert _one(user, movement(school, items.masks, "adjusted", 2, days_ago(0), reason="expired"))["status"] == ACCEPTED


def test_an_item_no_longer_counted_is_refused(county, items):
    items.masks.active = False
    db.session.commit()
    result = _one(county.users.school_a1, movement(county.school_a1, items.masks, "used", 1, days_ago(0)))
    assert "item_id" in result["errors"]


def test_a_retry_is_stored_once(county, items):
    from tests.health.helpers import push
    from .helpers import record
    same = record("supply_movement", movement(county.school_a1, items.masks, "received", 100, days_ago(0)))
    push(county.users.school_a1, same)
    push(county.users.school_a1, same)
    assert db.session.query(SupplyMovement).count() == 1
    from webapp.ledgers.supplies.models import SupplyPosition
    assert db.session.get(SupplyPosition, (county.school_a1.id, items.masks.id)).on_hand == 100

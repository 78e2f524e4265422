"""The supplies screens: the overview with the schools short first, a school's ledger and its form,
the county's items, and who sees what."""
from __future__ import annotations

import re

from webapp.extensions import db
from webapp.ledgers.supplies.models import SupplyMovement, SupplyPosition

from .helpers import days_ago, movement, push_movements


def _stock(county, items):
    """School A1 (2 classes, 9 students, 2 staff): masks 2 × 11 × 7 = 154 asked; B1 has everything."""
    push_movements(county.users.county,
                   movement(county.school_a1, items.masks, "received", 154, days_ago(10)),
                   movement(county.school_a1, items.masks, "used", 70, days_ago(3)),
                   movement(county.school_a1, items.thermometers, "received", 2, days_ago(10)),
                   movement(county.school_a1, items.sanitizer, "received", 2, days_ago(10)),
                   movement(county.school_b1, items.masks, "received", 500, days_ago(10)),
                   movement(county.school_b1, items.thermometers, "received", 2, days_ago(10)),
                   movement(county.school_b1, items.sanitizer, "received", 1, days_ago(10)))


def _school_order(html: str) -> list[str]:
    return re.findall(r'data-school="(\d+)"', html)


def test_county_sees_schools_short_first(county, items, as_user):
    _stock(county, items)
    html = as_user("county").get("/ledgers/supplies/").get_data(as_text=True)
    order = _school_order(html)
    # A1 is short of masks (84 of 154), A2 has nothing at all (short of thermometers only: no pupils, no
    # classes), B1 is to the standard.
    assert order[-1] == str(county.school_b1.id)
    assert set(order) == {str(county.school_a1.id), str(county.school_a2.id), str(county.school_b1.id)}
    assert 'id="schools-short">2<' in html
    assert "口罩缺 70 个" in html


def test_township_sees_only_its_schools(county, items, as_user):
    _stock(county, items)
    html = as_user("township_a").get("/ledgers/supplies/").get_data(as_text=True)
    assert set(_school_order(html)) == {str(county.school_a1.id), str(county.school_a2.id)}
    assert as_user("township_a").get(f"/ledgers/supplies/school/{county.school_b1.id}").status_code == 404


def test_school_page_figures(county, items, as_user):
    _stock(county, items)
    client = as_user("school_a1")
    assert client.get("/ledgers/supplies/").headers["Location"].endswith(f"/ledgers/supplies/school/{county.school_a1.id}")
    html = client.get(f"/ledgers/supplies/school/{county.school_a1.id}").get_data(as_text=True)
    row = re.search(rf'<tr data-item="{items.masks.id}".*?</tr>', html, re.S).group(0)
    assert re.search(r'data-col="on-hand"[^>]*>84 个', row)
    assert re.search(r'data-col="standard">154<', row)
    assert re.search(r'data-col="short"[^>]*>70<', row)
    # 84 masks: 22 a day by the standard is 3.8 days; 70 used in the last week is 10 a day, 8.4 days.
    assert "3.8" in row and "8.4" in row


def test_office_entry_goes_through_the_push_once(county, items, as_user, app):
    client = as_user("school_a1")
    url = f"/ledgers/supplies/school/{county.school_a1.id}"
    form = {"record_id": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", "item_id": items.masks.id, "movement": "used",
            "quantity": "12", "date": days_ago(0).isoformat(), "counterpart": "", "reason": "", "note": "=1+1"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302  # sent twice: stored once
    rows = db.session.query(SupplyMovement).all()
    assert len(rows) == 1 and rows[0].device_id == "office" and rows[0].below_zero
    assert db.session.get(SupplyPosition, (county.school_a1.id, items.masks.id)).on_hand == -12


def test_office_entry_refused_names_the_field(county, items, as_user):
    client = as_user("school_a1")
    form = {"item_id": items.masks.id, "movement": "adjusted", "quantity": "3", "date": days_ago(0).isoformat(),
            "counterpart": "", "reason": "", "note": ""}
    response = client.post(f"/ledgers/supplies/school/{county.school_a1.id}", data=form)
    assert response.status_code == 200
    assert "Give the reason for the write-off." in response.get_data(as_text=True) or \
        "写明报损原因" in response.get_data(as_text=True)
    assert db.session.query(SupplyMovement).count() == 0


def test_teachers_and_volunteers_do_not_see_supplies(county, items, as_user):
    for username in ("homeroom_a1", "teacher_a1", "volunteer_a"):
        assert as_user(username).get("/ledgers/supplies/").status_code == 403


def test_only_the_county_sets_items(county, items, as_user):
    assert as_user("township_a").get("/ledgers/supplies/items").status_code == 403
    client = as_user("county")
    data = {"name": "84消毒液", "unit": "升", "basis": "school", "standard": "20", "reserve_days": "7",
            "position": "4", "active": "y"}
    assert client.post("/ledgers/supplies/items/new", data=data).status_code == 302
    again = client.post("/ledgers/supplies/items/new", data=data)
    assert again.status_code == 200 and "84消毒液" in again.get_data(as_text=True)
    html = client.get("/ledgers/supplies/items").get_data(as_text=True)
    assert "84消毒液" in html
    assert client.get("/ledgers/supplies/items/99999/edit").status_code == 404


def test_exports_through_the_one_writer(county, items, as_user):
    from tests.sheets import data_rows, formula_cells
    _stock(county, items)
    push_movements(county.users.school_a1, movement(county.school_a1, items.masks, "used", 1, days_ago(0),
                                                    note="=HYPERLINK(\"x\")"))
    client = as_user("county")
    data = client.get(f"/ledgers/supplies/school/{county.school_a1.id}/ledger.xlsx?from={days_ago(20)}").data
    rows = data_rows(data)
    assert [r[3] for r in rows] == ["入库", "入库", "入库", "使用", "使用"]
    assert rows[-1][8] == 83 and rows[-1][10] == "=HYPERLINK(\"x\")" and formula_cells(data) == []
    overview = data_rows(client.get("/ledgers/supplies/overview.xlsx").data)
    assert overview[0][0] == county.school_a1.name and (overview[0][2], overview[0][4], overview[0][6]) == ("口罩", 83, 71)
    assert as_user("township_a").get(f"/ledgers/supplies/school/{county.school_b1.id}/ledger.xlsx").status_code == 404


def test_an_export_is_in_the_audit_log(county, items, as_user):
    from webapp.audit.models import AuditEntry
    as_user("township_a").get(f"/ledgers/supplies/school/{county.school_a1.id}/ledger.xlsx")
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.username, entry.unit_id) == ("township_a", county.school_a1.id)


def test_the_movement_day_is_held_to_the_shared_day_rule_everywhere(county, items, as_user):
    """One declaration (webapp/fields.py, supplies records.DAY): the office form's input bounds and its
    message, the push, and the schema the phone reads all say 2000–2099, not after today, 31 days back."""
    from webapp.ledgers.supplies.records import SUPPLY_MOVEMENT
    from tests.health.helpers import push
    from .helpers import record
    client = as_user("school_a1")
    url = f"/ledgers/supplies/school/{county.school_a1.id}"
    html = client.get(url).get_data(as_text=True)
    assert re.search(rf'id="date" max="{days_ago(0).isoformat()}" min="{days_ago(31).isoformat()}"', html)
    form = {"item_id": items.masks.id, "movement": "used", "quantity": "3", "counterpart": "", "reason": "", "note": ""}
    for day, words in (((days_ago(-1)), ("The day is after today.", "日期晚于今天")),
                       (days_ago(32), ("At most 31 days back.", "最多只能补录 31 天前")),
                       ("1999-12-31", ("between 2000-01-01 and 2099-12-31", "2000-01-01"))):
        page = client.post(url, data={**form, "date": str(day)}).get_data(as_text=True)
        assert any(w in page for w in words), day
    assert db.session.query(SupplyMovement).count() == 0
    pushed = push(county.users.school_a1, record("supply_movement", movement(
        county.school_a1, items.masks, "used", 3, days_ago(0), date="1999-12-31")))[0]
    assert "2000-01-01" in pushed["errors"]["date"]
    schema = SUPPLY_MOVEMENT.schema()["properties"]["date"]
    assert (schema["formatMinimum"], schema["formatMaximum"], schema["x-days-back"]) == ("2000-01-01", "2099-12-31", 31)

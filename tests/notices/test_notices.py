"""Notices: published to part of the hierarchy, on the homeroom teachers' phones, confirmed through the outbox, rolled up."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.health.helpers import push, push_one, record
from webapp.extensions import db
from webapp.notices import operations
from webapp.notices.models import Notice, NoticeConfirmation, NoticeKind
from webapp.org import operations as org
from webapp.sync import reference


def _publish(county, unit, user=None, ask_parents=True) -> Notice:
    notice = operations.publish(user or county.users.county, unit, NoticeKind.letter, "致家长的一封信",
                                "请家长每天为孩子测量体温。", ask_parents)
    db.session.commit()
    return notice


def _confirm(user, notice, klass, parents=None) -> dict:
    return push_one(user, "notice_confirmation",
                    {"notice_id": notice.id, "class_id": klass.id, "parents_acknowledged": parents})


def test_a_township_notice_reaches_its_classes_phones_and_no_other(county):
    notice = _publish(county, county.township_a)
    items = reference.items("notices", county.users.homeroom_a1)
    assert [(i["id"], i["title"], i["class_id"], i["confirmed_at"]) for i in items] == \
        [(notice.id, "致家长的一封信", county.class_a1_1.id, None)]
    assert reference.items("notices", county.users.homeroom_b1) == []
    assert reference.items("notices", county.users.school_a1) == []  # the phones of homeroom teachers


def test_a_confirmation_is_stored_from_the_outbox_and_shows_on_every_phone(county):
    notice = _publish(county, county.county)
    assert _confirm(county.users.homeroom_a1, notice, county.class_a1_1, parents=4)["status"] == "accepted"
    item = reference.items("notices", county.users.homeroom_a1)[0]
    assert item["confirmed_at"] is not None and item["parents"] == 4


def test_a_confirmation_is_refused_for_a_class_the_notice_did_not_go_to_or_outside_scope(county):
    notice = _publish(county, county.township_b)
    refused = _confirm(county.users.homeroom_a1, notice, county.class_a1_1)
    assert refused["status"] == "rejected" and "notice_id" in refused["errors"]
    other = _publish(county, county.county)
    assert _confirm(county.users.homeroom_a1, other, county.class_b1_1)["status"] == "rejected"
    bad = push_one(county.users.homeroom_a1, "notice_confirmation",
                   {"notice_id": other.id, "class_id": county.class_a1_1.id, "parents_acknowledged": -3})
    assert bad["status"] == "rejected" and "parents_acknowledged" in bad["errors"]
    assert db.session.scalar(select(func.count()).select_from(NoticeConfirmation)) == 0


def test_a_batch_of_confirmations_is_stored_set_wise_and_a_retry_is_a_duplicate(county):
    notices = [_publish(county, county.county) for _ in range(3)]
    records = [record("notice_confirmation", {"notice_id": n.id, "class_id": county.class_a1_1.id,
                                              "parents_acknowledged": None}) for n in notices]
    assert [r["status"] for r in push(county.users.homeroom_a1, *records)] == ["accepted"] * 3
    assert [r["status"] for r in push(county.users.homeroom_a1, *records)] == ["duplicate"] * 3
    assert db.session.scalar(select(func.count()).select_from(NoticeConfirmation)) == 3


def test_the_roll_up_adds_up_from_classes_to_schools_to_townships(county):
    org.assign_responsibility(county.teacher_a1_2, county.class_a1_2)
    notice = _publish(county, county.county)
    _confirm(county.users.homeroom_a1, notice, county.class_a1_1, parents=5)
    top = operations.roll_up(notice, county.county)
    assert [(line.name, line.confirmed, line.missing) for line in top.lines] == [("东镇", 1, 1), ("西镇", 0, 1)]
    assert (top.confirmed, top.missing, len(top.classes)) == (1, 2, 3)
    grade = operations.roll_up(notice, county.grade_a1)
    missing = next(line for line in grade.lines if line.missing)
    assert missing.name == "一(2)班" and missing.classes[0].teachers == [("李老师", "13900000002")]
    assert sum(line.parents for line in grade.lines) == 5


def test_the_publisher_sees_who_has_not_confirmed(county, as_user):
    client = as_user("county")
    response = client.post("/notices/new", data={"unit": county.township_a.id, "kind": "guide", "title": "预防指南",
                                                 "body": "勤洗手，常通风。", "ask_parents": "y"})
    assert response.status_code == 302
    notice = db.session.scalar(select(Notice))
    _confirm(county.users.homeroom_a1, notice, county.class_a1_1)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "东镇一小" in page and "西镇" not in page
    assert "1 个班级未确认" in page


def test_a_notice_from_above_is_followed_within_ones_own_part_only(county, as_user):
    notice = _publish(county, county.county)
    client = as_user("school_b1")
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "一(1)班" in page or "一年级" in page
    assert "东镇一小" not in page
    assert client.get(f"/notices/{notice.id}?unit_id={county.school_a1.id}").status_code == 404
    mine = _publish(county, county.school_a1, user=county.users.school_a1)
    assert client.get(f"/notices/{mine.id}").status_code == 404


@pytest.mark.parametrize("data", [{"title": "", "body": "x"}, {"title": "x", "body": ""}, {"unit": "999999"}])
def test_a_bad_notice_is_explained_and_nothing_is_published(county, as_user, data):
    form = {"unit": county.county.id, "kind": "letter", "title": "信", "body": "正文", **data}
    response = as_user("county").post("/notices/new", data=form)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_teachers_do_not_publish(county, as_user):
    assert as_user("homeroom_a1").get("/notices/new").status_code == 403


def test_the_phone_screen_is_a_shell_without_user_data(client):
    page = client.get("/field/notices")
    assert page.status_code == 200 and b"notices.js" in page.data

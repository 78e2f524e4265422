"""GET /api/v1/sync/pull: only the user's scope, only the fields the phone needs, incremental by cursor."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Role, Staff, Student, Unit, utcnow
from webapp.sync import reference

PRIVATE_KEYS = {"id_number", "birth_date", "guardian_name", "guardian_phone", "home_village", "phone"}


def pull(client, cursor: str | None = None) -> dict:
    response = client.get("/api/v1/sync/pull", query_string={"cursor": cursor} if cursor is not None else None)
    assert response.status_code == 200 and response.is_json
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def keys_anywhere(value) -> set:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_anywhere(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_anywhere(v) for v in value)) if value else set()
    return set()


@pytest.fixture
def settled(county):
    """The county as it stood yesterday: nothing changed since, so an incremental pull starts empty."""
    yesterday = utcnow() - timedelta(days=1)
    for model in (Student, Staff):
        db.session.execute(update(model).values(updated_at=yesterday))
    db.session.execute(update(Unit).values(created_at=yesterday))
    db.session.commit()
    return county


def test_a_homeroom_teacher_gets_only_her_class(county, as_user):
    body = pull(as_user("homeroom_a1"))
    assert body["full"] is True and body["cursor"]
    assert [c["id"] for c in body["data"]["classes"]] == [county.class_a1_1.id]
    assert body["data"]["classes"][0] == {"id": county.class_a1_1.id, "name": "一(1)班",
                                          "label": "东镇 / 东镇一小 / 一年级 / 一(1)班", "school_id": county.school_a1.id}
    assert sorted(s["id"] for s in body["data"]["students"]) == sorted(s.id for s in county.students_a1_1)
    assert body["data"]["staff"] == []  # staff belong to the school, above her class


def test_township_and_county_phones_get_no_class_rolls(county, as_user):
    """Leaders do no class checks; a county's 200,000 students must not land on a phone."""
    for username in ("township_a", "county"):
        data = pull(as_user(username))["data"]
        assert data["classes"] == [] and data["students"] == [] and data["staff"] == []


def test_the_phone_gets_only_the_fields_it_needs(county, as_user):
    body = pull(as_user("school_a1"))
    assert not keys_anywhere(body) & PRIVATE_KEYS
    student = county.students_a1_1[0]
    assert {"id": student.id, "class_id": county.class_a1_1.id, "name": student.name,
            "student_no": student.student_no, "gender": student.gender.value, "active": True} \
        in body["data"]["students"]
    assert {"id": county.teacher_a1_1.id, "unit_id": county.school_a1.id, "name": "王老师", "position": "班主任",
            "active": True} in body["data"]["staff"]


def test_a_school_admin_gets_the_whole_school_and_nothing_else(county, as_user):
    data = pull(as_user("school_a1"))["data"]
    assert {c["id"] for c in data["classes"]} == {county.class_a1_1.id, county.class_a1_2.id}
    assert {s["id"] for s in data["students"]} == {s.id for s in county.students_a1_1 + county.students_a1_2}
    assert {s["name"] for s in data["staff"]} == {"王老师", "李老师"}


def test_a_full_pull_leaves_out_inactive_people(county, as_user):
    county.students_a1_1[0].active = False
    db.session.commit()
    students = pull(as_user("homeroom_a1"))["data"]["students"]
    assert county.students_a1_1[0].id not in {s["id"] for s in students} and len(students) == 4


def test_an_incremental_pull_brings_only_what_changed(settled, as_user):
    county = settled
    client = as_user("homeroom_a1")
    first = pull(client)
    quiet = pull(client, first["cursor"])
    assert quiet["full"] is False
    assert quiet["data"]["students"] == [] and quiet["data"]["classes"] == []
    edited = county.students_a1_1[2]
    edited.name = "改名学生"
    db.session.commit()
    changed = pull(client, quiet["cursor"])
    assert changed["full"] is False
    assert [(s["id"], s["name"]) for s in changed["data"]["students"]] == [(edited.id, "改名学生")]


def test_a_person_made_inactive_comes_as_inactive(settled, as_user):
    county = settled
    client = as_user("homeroom_a1")
    cursor = pull(client)["cursor"]
    county.students_a1_1[0].active = False
    db.session.commit()
    assert pull(client, cursor)["data"]["students"] == [
        {"id": county.students_a1_1[0].id, "class_id": county.class_a1_1.id, "name": county.students_a1_1[0].name,
         "student_no": county.students_a1_1[0].student_no, "gender": county.students_a1_1[0].gender.value,
         "active": False}]


def test_a_renamed_class_comes_again(settled, as_user):
    county = settled
    client = as_user("homeroom_a1")
    cursor = pull(client)["cursor"]
    org.change_unit(county.class_a1_1, "一(1)班 火箭班", None, county.users.school_a1)
    db.session.commit()
    classes = pull(client, cursor)["data"]["classes"]
    assert [(c["id"], c["name"]) for c in classes] == [(county.class_a1_1.id, "一(1)班 火箭班")]


def test_a_new_student_in_another_class_does_not_reach_her(settled, as_user):
    county = settled
    client = as_user("homeroom_a1")
    cursor = pull(client)["cursor"]
    county.students_a1_2[0].name = "别班学生"
    db.session.commit()
    assert pull(client, cursor)["data"]["students"] == []


@pytest.mark.parametrize("cursor", ["", "garbage", "eyJ0IjoxfQ.bad-signature", "x" * 500, "%00"])
def test_a_bad_cursor_gives_a_full_pull(county, as_user, cursor):
    body = pull(as_user("homeroom_a1"), cursor)
    assert body["full"] is True and len(body["data"]["students"]) == 5


def test_a_tampered_cursor_gives_a_full_pull(settled, as_user):
    client = as_user("homeroom_a1")
    cursor = pull(client)["cursor"]
    assert pull(client, cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"))["full"] is True


def test_an_old_cursor_gives_a_full_pull(settled, as_user):
    client = as_user("homeroom_a1")
    user = settled.users.homeroom_a1
    assert pull(client, reference.make_cursor(user, utcnow() - timedelta(days=6)))["full"] is False
    assert pull(client, reference.make_cursor(user, utcnow() - timedelta(days=8)))["full"] is True
    assert pull(client, reference.make_cursor(user, utcnow() + timedelta(days=1)))["full"] is True


def test_a_cursor_made_for_someone_else_gives_a_full_pull(settled, as_user):
    county = settled
    user = county.users.homeroom_a1
    other_scope = SimpleNamespace(id=user.id, scope_unit_id=county.class_a1_2.id, role=user.role)
    other_role = SimpleNamespace(id=user.id, scope_unit_id=user.scope_unit_id, role=Role.teacher)
    client = as_user("homeroom_a1")
    for cursor in (reference.make_cursor(county.users.homeroom_a1_2, utcnow()),
                   reference.make_cursor(other_scope, utcnow()), reference.make_cursor(other_role, utcnow())):
        assert pull(client, cursor)["full"] is True


def test_a_cursor_survives_a_change_of_scope_as_a_full_pull(settled, as_user):
    """After an admin moves her to another class, her phone's old cursor must not hide the new class."""
    county = settled
    client = as_user("homeroom_a1")
    cursor = pull(client)["cursor"]
    org.change_scope(county.users.homeroom_a1, Role.homeroom_teacher, county.class_a1_2)
    db.session.commit()
    as_user("homeroom_a1")  # moving her ended her sessions: she logs in again, the phone keeps its cursor
    body = pull(client, cursor)
    assert body["full"] is True
    assert {s["id"] for s in body["data"]["students"]} == {s.id for s in county.students_a1_2}


def test_a_registered_collection_is_pulled(county, as_user):
    seen = []
    reference.register_collection("test_things", lambda user, since: seen.append((user.username, since)) or
                                  [{"id": 1, "active": True}])
    try:
        body = pull(as_user("teacher_a1"))
    finally:
        reference.unregister_collection("test_things")
    assert body["data"]["test_things"] == [{"id": 1, "active": True}]
    assert seen == [("teacher_a1", None)]

"""POST /api/v1/sync/push: each record stored once, judged on its own, with a clear reason when refused."""
from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.sync.helpers import DEVICE, note, push, statuses
from webapp.extensions import db
from webapp.sync.models import SyncRecord


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SyncRecord))


@pytest.fixture
def teacher(county, note_kind, as_user):
    """homeroom_a1 (class 1-1 of school A1) logged in."""
    return as_user("homeroom_a1")


def test_a_record_is_accepted_and_stored_with_its_envelope(teacher, county, note_kind):
    record = note(county.students_a1_1[0].id, "coughing")
    response = push(teacher, [record])
    assert response.status_code == 200
    body = response.get_json()
    assert body["results"] == [{"id": record["id"], "status": "accepted", "code": None, "errors": {}}]
    assert datetime.fromisoformat(body["server_time"]).tzinfo is not None
    stored = db.session.get(SyncRecord, record["id"])
    assert (stored.kind, stored.user_id, stored.device_id) == ("test_note", county.users.homeroom_a1.id, DEVICE)
    # 07:41:09 at +08:00 is 23:41:09 UTC the day before, kept as naive UTC with the offset beside it.
    assert stored.recorded_at == datetime(2026, 3, 1, 23, 41, 9) and stored.recorded_offset_minutes == 480
    assert stored.received_at is not None and len(stored.content_hash) == 64
    assert stored.data == {"student_id": county.students_a1_1[0].id, "text": "coughing", "count": None}
    ctx = note_kind.applied[0]
    assert (ctx.record_id, ctx.user.username, ctx.device_id) == (record["id"], "homeroom_a1", DEVICE)
    assert (ctx.recorded_at, ctx.received_at) == (stored.recorded_at, stored.received_at)


def test_the_same_batch_twice_is_stored_once(teacher, county, note_kind):
    batch = [note(s.id) for s in county.students_a1_1[:3]]
    assert statuses(push(teacher, batch)) == [("accepted", None)] * 3
    again = push(teacher, batch)
    assert again.status_code == 200
    assert statuses(again) == [("duplicate", None)] * 3
    assert [r["id"] for r in again.get_json()["results"]] == [r["id"] for r in batch]
    assert stored_count() == 3 and len(note_kind.applied) == 3


def test_the_same_record_twice_in_one_batch_is_stored_once(teacher, county):
    record = note(county.students_a1_1[0].id)
    assert statuses(push(teacher, [record, dict(record)])) == [("accepted", None), ("duplicate", None)]
    assert stored_count() == 1


def test_a_retry_written_differently_is_still_a_duplicate(teacher, county):
    """The same instant and offset in another ISO spelling, a null field left out, an upper-case id."""
    record = note(county.students_a1_1[0].id, recorded_at="2026-03-01T23:41:09Z")
    push(teacher, [record])
    retry = {**record, "id": record["id"].upper(), "recorded_at": "2026-03-01T23:41:09.000+00:00",
             "data": {"student_id": county.students_a1_1[0].id}}
    assert statuses(push(teacher, [retry])) == [("duplicate", None)]
    assert stored_count() == 1


def test_the_same_id_with_other_content_is_a_conflict(teacher, county):
    record = note(county.students_a1_1[0].id, "first")
    push(teacher, [record])
    changed = {**record, "data": {**record["data"], "text": "second"}}
    result = push(teacher, [changed]).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "conflict")
    assert set(result["errors"]) == {"id"}
    assert db.session.get(SyncRecord, record["id"]).data["text"] == "first"


def test_the_same_id_at_another_time_is_a_conflict(teacher, county):
    record = note(county.students_a1_1[0].id)
    push(teacher, [record])
    assert statuses(push(teacher, [{**record, "recorded_at": "2026-03-02T07:42:00+08:00"}])) == \
        [("rejected", "conflict")]


def test_a_student_outside_the_scope_is_forbidden(teacher, county):
    other_class = county.students_a1_2[0]
    result = push(teacher, [note(other_class.id)]).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    assert set(result["errors"]) == {"student_id"}
    assert stored_count() == 0


def test_a_rule_error_rejects_the_record_and_takes_its_envelope_back(teacher, county, note_kind):
    batch = [note(county.students_a1_1[0].id, "refuse"), note(county.students_a1_1[1].id)]
    response = push(teacher, batch)
    assert statuses(response) == [("rejected", "invalid"), ("accepted", None)]
    assert set(response.get_json()["results"][0]["errors"]) == {"text"}
    assert db.session.get(SyncRecord, batch[0]["id"]) is None
    assert stored_count() == 1


def test_a_bug_in_a_kind_rejects_that_record_only(teacher, county, caplog):
    batch = [note(county.students_a1_1[0].id), note(county.students_a1_1[1].id, "boom"),
             note(county.students_a1_1[2].id)]
    response = push(teacher, batch)
    assert response.status_code == 200
    assert statuses(response) == [("accepted", None), ("rejected", "invalid"), ("accepted", None)]
    assert set(response.get_json()["results"][1]["errors"]) == {"data"}
    assert stored_count() == 2
    assert batch[1]["id"] in caplog.text  # logged for the developers (without the record's data)


def test_an_unreachable_database_refuses_the_whole_batch_for_a_retry(teacher, county):
    batch = [note(county.students_a1_1[0].id), note(county.students_a1_1[1].id, "db-down")]
    response = push(teacher, batch)
    assert response.status_code == 503 and response.is_json
    assert stored_count() == 0  # the first record too: the phone sends the whole batch again
    assert statuses(push(teacher, [batch[0]])) == [("accepted", None)]


def test_one_bad_record_never_sinks_the_batch(teacher, county):
    good = [note(s.id) for s in county.students_a1_1[:2]]
    batch = [good[0], note(county.students_a1_1[3].id, id="not-a-uuid"), {"id": str(uuid.uuid4()), "kind": "nope",
             "recorded_at": "2026-03-02T07:41:09+08:00", "data": {}}, good[1]]
    response = push(teacher, batch)
    assert statuses(response) == [("accepted", None), ("rejected", "invalid"), ("rejected", "unknown_kind"),
                                  ("accepted", None)]
    assert [r["id"] for r in response.get_json()["results"]] == [r["id"] for r in batch]
    assert stored_count() == 2


VALID_ID = "0b6e3f4a-5c1d-4e2f-9a8b-7c6d5e4f3a2b"


@pytest.mark.parametrize("change, code, field", [
    ({"id": "12345"}, "invalid", "id"),
    ({"id": None}, "invalid", "id"),
    ({"id": 42}, "invalid", "id"),
    ({"id": "{" + VALID_ID + "}"}, "invalid", "id"),
    ({"id": VALID_ID.replace("-", "")}, "invalid", "id"),
    ({"kind": "no_such_kind"}, "unknown_kind", "kind"),
    ({"kind": None}, "invalid", "kind"),
    ({"kind": ["test_note"]}, "invalid", "kind"),
    ({"recorded_at": "2026-03-02T07:41:09"}, "invalid", "recorded_at"),  # no offset: refused
    ({"recorded_at": "2026-03-02"}, "invalid", "recorded_at"),
    ({"recorded_at": "yesterday morning"}, "invalid", "recorded_at"),
    ({"recorded_at": 1772408469}, "invalid", "recorded_at"),
    ({"recorded_at": "1970-01-01T08:00:00+08:00"}, "invalid", "recorded_at"),
    ({"recorded_at": None}, "invalid", "recorded_at"),
    ({"data": ["student", 1]}, "invalid", "data"),
    ({"data": None}, "invalid", "data"),
])
def test_a_bad_envelope_gets_a_clear_per_record_error(teacher, county, change, code, field):
    record = {**note(county.students_a1_1[0].id), **change}
    result = push(teacher, [record]).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", code)
    assert field in result["errors"] and result["errors"][field]
    assert stored_count() == 0


@pytest.mark.parametrize("field", ["id", "kind", "recorded_at", "data"])
def test_a_missing_envelope_field_is_named(teacher, county, field):
    record = note(county.students_a1_1[0].id)
    del record[field]
    result = push(teacher, [record]).get_json()["results"][0]
    assert result["status"] == "rejected" and field in result["errors"]


def test_a_record_that_is_not_an_object_is_rejected_in_its_place(teacher, county):
    response = push(teacher, ["just text", note(county.students_a1_1[0].id)])
    results = response.get_json()["results"]
    assert (results[0]["id"], results[0]["status"], results[0]["code"]) == (None, "rejected", "invalid")
    assert results[0]["errors"]
    assert results[1]["status"] == "accepted"


def test_every_bad_envelope_field_is_reported_at_once(teacher):
    record = {"id": "x", "kind": "test_note", "recorded_at": "noon", "data": 3}
    result = push(teacher, [record]).get_json()["results"][0]
    assert set(result["errors"]) == {"id", "recorded_at", "data"}


@pytest.mark.parametrize("data, field", [
    ({"student_id": "12"}, "student_id"),  # wrong type
    ({"student_id": True}, "student_id"),  # a boolean is not a number
    ({"student_id": 1.5}, "student_id"),
    ({"text": "no student"}, "student_id"),  # missing
    ({"student_id": 2**40}, "student_id"),  # would overflow the database's integer
    ({"student_id": 1, "text": "x" * 51}, "text"),
    ({"student_id": 1, "text": 7}, "text"),
    ({"student_id": 1, "count": 11}, "count"),
    ({"student_id": 1, "count": -1}, "count"),
    ({"student_id": 1, "colour": "red"}, "colour"),  # unknown fields are errors: a typo must not vanish
])
def test_bad_data_gets_the_field_and_the_reason(teacher, data, field):
    result = push(teacher, [note(0, data=data)]).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    assert field in result["errors"] and isinstance(result["errors"][field], str) and result["errors"][field]


def test_errors_are_given_in_the_users_language(teacher, client, county):
    client.set_cookie("lang", "en")
    result = push(teacher, [note(county.students_a1_1[0].id, recorded_at="2026-03-02T07:41:09")]).get_json()
    assert "offset" in result["results"][0]["errors"]["recorded_at"]


@pytest.mark.parametrize("body", [
    b'{"device_id": "d", "records": [',  # malformed JSON
    b"",
    b"\xff\xfe not utf-8",
    b'{"device_id": "d", "records": [{"data": {"temperature": NaN}}]}',  # NaN is not JSON
    b'{"device_id": "d", "records": [{"data": {"temperature": 1e400}}]}',  # nor is infinity
    b"[]",  # not an object
    b'"records"',
    b'{"device_id": "d"}',  # no records
    b'{"device_id": "d", "records": {"0": {}}}',  # records not a list
    b'{"records": []}',  # no device
    b'{"device_id": 7, "records": []}',
    b'{"device_id": "   ", "records": []}',
    b'{"device_id": "\\ud800", "records": []}',  # a lone surrogate: no database stores it
])
def test_a_bad_body_is_a_400_with_a_message(teacher, body):
    response = teacher.post("/api/v1/sync/push", data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"]
    assert stored_count() == 0


def test_text_with_a_lone_surrogate_is_refused_on_its_field_and_the_rest_stored(teacher, county):
    """A phone's JSON.stringify keeps half of a cut emoji as "\\ud83d"; UTF-8 cannot encode it."""
    good, cut = note(county.students_a1_1[0].id, "咳嗽"), note(county.students_a1_1[1].id)
    body = '{"device_id": "%s", "records": [%s, %s]}' % (
        DEVICE, json.dumps(good), json.dumps(cut).replace('"text": null', '"text": "\\ud83d"'))
    response = teacher.post("/api/v1/sync/push", data=body.encode(), content_type="application/json")
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["accepted", "rejected"]
    assert list(response.get_json()["results"][1]["errors"]) == ["text"]
    assert stored_count() == 1


def test_an_empty_batch_is_fine(teacher):
    response = push(teacher, [])
    assert response.status_code == 200 and response.get_json()["results"] == []


def test_a_batch_over_the_limit_is_a_413_with_the_limit(app, teacher, county):
    app.config["SYNC_MAX_RECORDS"] = 3
    records = [note(county.students_a1_1[0].id) for _ in range(4)]
    response = push(teacher, records)
    assert response.status_code == 413 and response.is_json
    assert response.get_json()["limit"] == 3 and "3" in response.get_json()["error"]
    assert stored_count() == 0
    assert push(teacher, records[:3]).status_code == 200


def test_the_default_limit_is_500(app):
    assert app.config["SYNC_MAX_RECORDS"] == 500


def test_records_are_stored_as_the_logged_in_user(teacher, county):
    record = note(county.students_a1_1[0].id)
    teacher.post("/api/v1/sync/push", json={"device_id": DEVICE, "user_id": county.users.county.id,
                                            "records": [record]})
    assert db.session.get(SyncRecord, record["id"]).user_id == county.users.homeroom_a1.id

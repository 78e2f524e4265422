"""The office screen that takes an outbox file exported by a phone: same engine, nothing stored twice."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from tests.sync.helpers import DEVICE, note, push
from webapp.extensions import db
from webapp.sync.models import SyncRecord


def outbox_file(records: list, **overrides) -> bytes:
    content = {"format": "shaodian-outbox", "version": 1, "device_id": DEVICE, "user_id": 5,
               "username": "homeroom_a1", "exported_at": "2026-03-04T18:00:00+08:00", "records": records}
    content.update(overrides)
    return json.dumps(content, ensure_ascii=False).encode()


def upload(client, content: bytes, filename: str = "shaodian-outbox.json"):
    return client.post("/sync/upload", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def counts(response) -> dict:
    html = response.get_data(as_text=True)
    return {name: int(n) for name, n in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def stored() -> dict:
    return dict(db.session.execute(select(SyncRecord.id, SyncRecord.user_id)).all())


@pytest.fixture
def teacher(county, note_kind, as_user):
    return as_user("homeroom_a1")


def test_the_upload_screen_is_open_to_any_logged_in_user(county, as_user, client):
    assert client.get("/sync/upload").status_code == 302  # logged out: to the login page
    for username in ("homeroom_a1", "volunteer_a", "county"):
        assert as_user(username).get("/sync/upload").status_code == 200


def test_an_uploaded_file_stores_its_records(teacher, county):
    records = [note(s.id) for s in county.students_a1_1[:3]]
    response = upload(teacher, outbox_file(records))
    assert response.status_code == 200
    assert counts(response) == {"accepted": 3, "duplicate": 0, "rejected": 0}
    assert stored() == {r["id"]: county.users.homeroom_a1.id for r in records}


def test_the_same_file_uploaded_twice_is_stored_once(teacher, county):
    content = outbox_file([note(s.id) for s in county.students_a1_1[:3]])
    upload(teacher, content)
    again = upload(teacher, content)
    assert counts(again) == {"accepted": 0, "duplicate": 3, "rejected": 0}
    assert len(stored()) == 3


def test_records_the_phone_pushed_already_are_duplicates(teacher, county, note_kind):
    records = [note(s.id) for s in county.students_a1_1[:3]]
    push(teacher, records[:2])  # the phone got through for two of them before going offline
    response = upload(teacher, outbox_file(records))
    assert counts(response) == {"accepted": 1, "duplicate": 2, "rejected": 0}
    assert len(stored()) == 3 and len(note_kind.applied) == 3


def test_refused_records_are_listed_with_their_reason_and_the_rest_is_stored(teacher, county):
    good = note(county.students_a1_1[0].id)
    outside = note(county.students_a1_2[0].id)
    no_offset = note(county.students_a1_1[1].id, recorded_at="2026-03-02T07:41:09")
    response = upload(teacher, outbox_file([good, outside, no_offset]))
    assert counts(response) == {"accepted": 1, "duplicate": 0, "rejected": 2}
    html = response.get_data(as_text=True)
    assert f'data-record="{outside["id"]}" data-status="rejected" data-code="forbidden"' in html
    assert f'data-record="{no_offset["id"]}" data-status="rejected" data-code="invalid"' in html
    assert "<code>recorded_at</code>" in html
    assert set(stored()) == {good["id"]}


def test_the_results_show_no_health_data(teacher, county):
    response = upload(teacher, outbox_file([note(county.students_a1_1[0].id, "fever and rash")]))
    assert "fever and rash" not in response.get_data(as_text=True)


def test_another_accounts_file_is_stored_as_the_uploader_within_the_uploaders_scope(county, note_kind, as_user):
    """A school admin uploads a teacher's file: the records are hers, checked against her own scope."""
    in_school = note(county.students_a1_2[0].id)
    other_school = note(county.students_b1_1[0].id)
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    response = upload(client, outbox_file([in_school, other_school], username="homeroom_a1_2"))
    assert counts(response) == {"accepted": 1, "duplicate": 0, "rejected": 1}
    assert stored() == {in_school["id"]: county.users.school_a1.id}
    assert "homeroom_a1_2" in response.get_data(as_text=True)  # the notice names the file's account


@pytest.mark.parametrize("content", [
    b"this is not json",
    b"\xff\xfe\x00garbage",
    b"[]",
    json.dumps({"records": []}).encode(),  # no format
    json.dumps({"format": "something-else", "version": 1, "device_id": DEVICE, "records": []}).encode(),
    json.dumps({"format": "shaodian-outbox", "version": 2, "device_id": DEVICE, "records": []}).encode(),
    json.dumps({"format": "shaodian-outbox", "version": 1, "device_id": DEVICE, "records": {}}).encode(),
    json.dumps({"format": "shaodian-outbox", "version": 1, "records": []}).encode(),  # no device
])
def test_a_bad_file_gets_a_clear_message_and_stores_nothing(teacher, content):
    response = upload(teacher, content)
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.get_data(as_text=True)
    assert stored() == {}


def test_a_file_with_too_many_records_is_refused_whole(app, teacher, county):
    app.config["SYNC_UPLOAD_MAX_RECORDS"] = 2
    response = upload(teacher, outbox_file([note(s.id) for s in county.students_a1_1[:3]]))
    html = response.get_data(as_text=True)
    assert 'class="error" role="alert"' in html and "3" in html
    assert stored() == {}


def test_an_upload_without_a_file_asks_for_one(teacher):
    response = teacher.post("/sync/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="error" role="alert"' in response.get_data(as_text=True)


def test_the_screen_speaks_english_on_request(teacher, client):
    client.set_cookie("lang", "en")
    html = teacher.get("/sync/upload").get_data(as_text=True)
    assert "Upload" in html and 'type="file"' in html and 'accept=".json,application/json"' in html


def raw_outbox(records_json: list[str], device_id: str = DEVICE) -> bytes:
    """An outbox file as a phone's JSON.stringify writes it: a cut emoji stays a lone "\\ud83d" escape."""
    return ('{"format": "shaodian-outbox", "version": 1, "device_id": "%s", "username": "homeroom_a1", '
            '"records": [%s]}' % (device_id, ", ".join(records_json))).encode()


def test_a_record_with_a_cut_emoji_is_refused_and_the_page_says_what_was_stored(teacher, county):
    students = county.students_a1_1
    good = note(students[0].id, "正常")
    cut, odd_kind = note(students[1].id), note(students[2].id, kind="\udc00")
    records = [json.dumps(good), json.dumps(cut).replace('"text": null', '"text": "咳嗽\\ud83d"'), json.dumps(odd_kind)]
    teacher.set_cookie("lang", "en")
    response = upload(teacher, raw_outbox(records))
    assert response.status_code == 200
    assert counts(response) == {"accepted": 1, "duplicate": 0, "rejected": 2}
    assert stored() == {good["id"]: county.users.homeroom_a1.id}
    page = response.get_data(as_text=True)
    assert "<code>text</code>: This text holds a broken character" in page and "#3 · ?" in page


def test_a_file_from_a_device_with_a_broken_name_is_refused_whole(teacher, county):
    response = upload(teacher, raw_outbox([json.dumps(note(county.students_a1_1[0].id))], device_id="\\ud800"))
    assert response.status_code == 200 and stored() == {}
    assert 'class="error"' in response.get_data(as_text=True)

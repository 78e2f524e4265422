"""Logged out, the API answers 401 JSON (never a login redirect); CSRF failures answer JSON too."""
from __future__ import annotations

import re

import pytest

from tests.conftest import make_test_app
from tests.sync.helpers import note, push, statuses
from webapp.extensions import db


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/session"), ("post", "/api/v1/sync/push"), ("get", "/api/v1/sync/pull"),
    ("get", "/api/v1/sync/pull?cursor=abc"),
])
def test_logged_out_the_api_answers_401_json(client, county, method, path):
    response = getattr(client, method)(path, json={"device_id": "d", "records": []} if method == "post" else None)
    assert response.status_code == 401 and response.is_json
    assert "location" not in response.headers


def test_after_logout_a_push_is_401_and_nothing_is_stored(county, note_kind, as_user, auth):
    client = as_user("homeroom_a1")
    auth.logout()
    assert push(client, [note(county.students_a1_1[0].id)]).status_code == 401


def test_the_openapi_document_is_public(client, county):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json


@pytest.fixture
def csrf_client(app, database_url, county, as_user):
    """A client of an app that checks CSRF, sharing the logged-in session of homeroom_a1."""
    cookie = as_user("homeroom_a1").get_cookie("session")
    strict = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    client.set_cookie("session", cookie.value)
    yield client
    with strict.app_context():
        db.engine.dispose()


def test_a_push_without_a_csrf_token_is_a_400_json_and_a_fresh_token_works(csrf_client, county, note_kind):
    record = note(county.students_a1_1[0].id)
    refused = push(csrf_client, [record])
    assert refused.status_code == 400 and refused.is_json and refused.get_json()["error"]
    stale = push(csrf_client, [record], **{"X-CSRFToken": "stale-token"})
    assert stale.status_code == 400 and stale.is_json
    token = csrf_client.get("/api/v1/session").get_json()["csrf_token"]
    accepted = push(csrf_client, [record], **{"X-CSRFToken": token})
    assert accepted.status_code == 200 and statuses(accepted) == [("accepted", None)]


def test_pages_opened_together_after_login_keep_each_others_csrf_token(app, database_url, county, note_kind):
    """Right after login the phone opens a page while its service worker fetches the shell: two
    requests at once. A token handed out by one must not be voided by the other's session cookie."""
    strict = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    form = client.get("/login").get_data(as_text=True)
    login_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    logged_in = client.post("/login", data={"login": "homeroom_a1", "password": "pass-1234",
                                            "csrf_token": login_token})
    assert logged_in.status_code == 302
    session_after_login = client.get_cookie("session").value

    first = client.get("/api/v1/session").get_json()["csrf_token"]  # the page the teacher opened
    client.set_cookie("session", session_after_login)  # the service worker's request, sent at the same moment
    client.get("/api/v1/session")  # … answered last: its cookie is the one the browser keeps
    answer = push(client, [note(county.students_a1_1[0].id)], **{"X-CSRFToken": first})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert statuses(answer) == [("accepted", None)]
    with strict.app_context():
        db.engine.dispose()

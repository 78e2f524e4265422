"""County settings: the screen, its bounds, and what follows from them (login length, the phones' copy)."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from tests.conftest import COUNTY_ZONE
from webapp.extensions import db
from webapp.org.models import LoginSession, utcnow
from webapp.org.settings import CountySettings, Settings, current_settings, settings_items, update_settings

GOOD = {"fever_threshold": "37.5", "report_cutoff": "09:30", "field_session_days": "14"}


def _saved() -> CountySettings | None:
    return db.session.scalar(select(CountySettings))


def test_defaults_without_a_saved_row_and_reading_never_writes(county):
    settings = current_settings(county.users.homeroom_a1)
    assert (settings.fever_threshold, settings.report_cutoff, settings.field_session_days) == (37.3, time(10), 30)
    assert _saved() is None


def test_the_county_admin_saves_the_settings(county, as_user):
    client = as_user("county")
    assert client.get("/settings").status_code == 200
    response = client.post("/settings", data=GOOD)
    assert response.status_code == 302
    saved = _saved()
    assert (saved.county_id, saved.fever_threshold, saved.report_cutoff, saved.field_session_days) == \
        (county.county.id, 37.5, time(9, 30), 14)
    assert saved.updated_by_id == county.users.county.id
    assert current_settings(county.users.homeroom_b1).fever_threshold == 37.5


def test_out_of_bounds_settings_are_refused_with_the_field_named(county, as_user):
    client = as_user("county")
    client.set_cookie("lang", "en")
    for field, value in (("fever_threshold", "36.4"), ("fever_threshold", "38.6"), ("fever_threshold", "hot"),
                         ("fever_threshold", "sNaN"), ("fever_threshold", "NaN"), ("fever_threshold", "-Infinity"),
                         ("report_cutoff", "25:00"), ("report_cutoff", ""), ("field_session_days", "0"),
                         ("field_session_days", "91")):
        response = client.post("/settings", data=GOOD | {field: value})
        assert response.status_code == 200, (field, value)
        assert 'class="error"' in response.get_data(as_text=True)
    assert _saved() is None
    for field, value in (("fever_threshold", "36.5"), ("fever_threshold", "38.5"), ("field_session_days", "1"),
                         ("field_session_days", "90")):
        assert client.post("/settings", data=GOOD | {field: value}).status_code == 302, (field, value)


def test_only_the_county_admin_may_change_the_settings(county, as_user):
    for username in ("township_a", "school_a1", "homeroom_a1"):
        client = as_user(username)
        assert client.get("/settings").status_code == 403
        assert client.post("/settings", data=GOOD).status_code == 403
        client.post("/logout")
    assert _saved() is None


def test_a_login_lasts_as_long_as_the_county_says(county, auth):
    update_settings(county.county, 37.3, time(10), 7, county.users.county)
    db.session.commit()
    auth.login("homeroom_a1")
    session = db.session.scalar(select(LoginSession).where(LoginSession.user_id == county.users.homeroom_a1.id))
    assert abs(session.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)


def test_the_phones_get_the_settings_as_reference_data(county):
    user = county.users.homeroom_a1
    assert settings_items(user, None) == [Settings().as_item()] == [
        {"id": 1, "fever_threshold": 37.3, "report_cutoff": "10:00", "field_session_days": 30,
         "time_zone": COUNTY_ZONE.key}]
    assert settings_items(user, utcnow()) == []  # nothing changed since the last pull
    before = utcnow() - timedelta(seconds=1)
    update_settings(county.county, 37.6, time(9, 15), 20, county.users.county)
    db.session.commit()
    assert settings_items(user, before) == [
        {"id": 1, "fever_threshold": 37.6, "report_cutoff": "09:15", "field_session_days": 20,
         "time_zone": COUNTY_ZONE.key}]


def test_the_pull_carries_the_settings(county, as_user):
    client = as_user("homeroom_a1")
    body = client.get("/api/v1/sync/pull").get_json()
    assert body["data"]["settings"] == [Settings().as_item()]

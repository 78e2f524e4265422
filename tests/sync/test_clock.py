"""Phone clocks: a record stamped after the server's time is refused with a message about the clock;
the current value and lateness go by a time no phone can push past the server's receive time."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from flask import current_app

from tests.health.helpers import check, report
from webapp.extensions import db
from webapp.health import operations
from webapp.health.models import DailyReport, HealthCheck
from webapp.org.models import UnitKind, utcnow
from webapp.org.settings import county_zone, local_today
from webapp.sync import engine
from webapp.sync.models import SyncRecord


def now_local() -> datetime:
    return datetime.now(county_zone()).replace(microsecond=0)


def envelope(kind: str, data: dict, moment: datetime) -> dict:
    return {"id": str(uuid.uuid4()), "kind": kind, "recorded_at": moment.isoformat(), "data": data}


def push(user, *records, sent_at: datetime | None = None) -> list[dict]:
    body = {"device_id": "phone", "records": list(records)}
    if sent_at is not None:
        body["sent_at"] = sent_at.isoformat()
    with current_app.test_request_context("/api/v1/sync/push", method="POST"):
        results = engine.push(user, body, 500)
        db.session.commit()
    return results


@pytest.fixture
def today_check(county):
    def make(student, **data):
        return check(student, day=local_today(), **data)
    return make


def test_a_record_from_a_phone_a_day_ahead_is_refused_with_a_message_about_its_clock(county, today_check):
    ahead = now_local() + timedelta(days=1)
    result = push(county.users.homeroom_a1, envelope("health_check", today_check(county.students_a1_1[0]), ahead))[0]
    assert (result["status"], result["code"], list(result["errors"])) == ("rejected", "clock", ["recorded_at"])
    message = result["errors"]["recorded_at"]
    assert "手机时间比服务器快约 1 天" in message and "请校准手机时间" in message
    assert ahead.strftime("%Y-%m-%d %H:%M") in message  # what the phone said, for the teacher to compare
    assert db.session.get(SyncRecord, result["id"]) is None


def test_a_few_minutes_ahead_is_tolerated_and_ranks_no_later_than_its_arrival(county, today_check):
    student = county.students_a1_1[0]
    ahead = push(county.users.homeroom_a1, envelope("health_check", today_check(student, temperature=38.5),
                                                    now_local() + timedelta(minutes=4)))[0]
    six = push(county.users.homeroom_a1, envelope("health_check", today_check(student),
                                                  now_local() + timedelta(minutes=6)))[0]
    assert ahead["status"] == "accepted" and six["code"] == "clock"
    row = db.session.get(HealthCheck, ahead["id"])
    assert row.recorded_at > row.received_at == row.effective_at  # the phone's time is kept as it came


def test_the_tolerance_is_a_setting(app, county, today_check):
    app.config["SYNC_CLOCK_TOLERANCE_MINUTES"] = 1
    result = push(county.users.homeroom_a1, envelope("health_check", today_check(county.students_a1_1[0]),
                                                     now_local() + timedelta(minutes=3)))[0]
    assert result["code"] == "clock" and "3 分钟" in result["errors"]["recorded_at"]


def test_a_phone_running_ahead_does_not_outrank_a_later_correction(county, today_check):
    student = county.students_a1_1[0]
    # The teacher's phone runs 4 minutes fast: her check with a fever says 08:04 at 08:00.
    push(county.users.homeroom_a1, envelope("health_check", today_check(student, temperature=38.5),
                                            now_local() + timedelta(minutes=4)))
    # A minute later the school admin corrects it from a phone with the right time.
    corrected = now_local() + timedelta(seconds=1)
    push(county.users.school_a1, envelope("health_check", today_check(student, temperature=36.6), corrected))
    counts = operations.check_counts(operations.units_of_kind(county.class_a1_1, UnitKind.klass), local_today())
    assert counts[(county.class_a1_1.id, operations.CheckSession.morning)].fever == 0


def _yesterday_at(hour: int) -> datetime:
    return datetime.combine(local_today() - timedelta(days=1), time(hour), tzinfo=county_zone())


def test_a_phone_set_back_a_day_does_not_make_a_late_report_on_time(county):
    """It is today; the phone says it is yesterday 09:00, before yesterday's 10:00 cut-off."""
    phone_now = _yesterday_at(9)
    record = envelope("daily_report", report(county.class_a1_1, day=phone_now.date()), phone_now)
    result = push(county.users.homeroom_a1, record, sent_at=phone_now)[0]
    stored = db.session.get(DailyReport, result["id"])
    assert result["status"] == "accepted" and stored.late
    assert stored.recorded_at == phone_now.astimezone(timezone.utc).replace(tzinfo=None)  # kept as the phone said
    assert abs(stored.effective_at - utcnow()) < timedelta(minutes=1)


def test_an_offline_phone_with_the_right_time_keeps_its_report_on_time(county):
    """The report was made yesterday at 09:00 and the phone syncs today, its clock right all along."""
    made = _yesterday_at(9)
    record = envelope("daily_report", report(county.class_a1_1, day=made.date()), made)
    result = push(county.users.homeroom_a1, record, sent_at=now_local())[0]
    stored = db.session.get(DailyReport, result["id"])
    assert result["status"] == "accepted" and not stored.late and stored.effective_at == stored.recorded_at


def test_a_phone_set_back_cannot_slip_an_old_day_past_the_backfill_limit(county):
    phone_now = now_local() - timedelta(days=10)
    data = check(county.students_a1_1[0], day=phone_now.date())
    result = push(county.users.homeroom_a1, envelope("health_check", data, phone_now), sent_at=phone_now)[0]
    assert (result["code"], list(result["errors"])) == ("invalid", ["date"])
    trusted = push(county.users.homeroom_a1, envelope("health_check", data, phone_now))[0]
    assert trusted["status"] == "accepted"  # without the phone's clock at sending, its own time is believed

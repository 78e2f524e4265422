"""Retention (PIPL): the epidemic period's personal records go once the county's days have passed."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from tests.health.helpers import DAY, at, check, push, record, report
from tests.tracking.helpers import followup, isolation, recorded, screening
from webapp import retention
from webapp.extensions import db
from webapp.health.models import DailyReport, HealthCheck
from webapp.org.settings import update_settings
from webapp.sync.models import SyncRecord
from webapp.tracking.models import FollowUp, Isolation, Screening, ScreeningTrip

ENDED = date(2026, 3, 31)  # the period: DAY (2026-03-02) is in it


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def period(app, county):
    """Three checks, a daily report with a note and a screening with a trip and an isolation with a
    follow-up, all in the period; one check after it."""
    with app.test_request_context("/"):
        teacher, students = county.users.homeroom_a1, county.students_a1_1
        push(teacher, *[record("health_check", check(s)) for s in students[:3]],
             record("daily_report", report(county.class_a1_1, note="张三发烧，已通知家长")))
        trip = {"place": "武汉", "from_on": "2026-02-20", "to_on": "2026-02-25"}
        pushed = push(teacher, record("screening", screening(students[0], trips=[trip])),
                      record("isolation_start", isolation(students[1]), recorded(0)))
        assert [r["status"] for r in pushed] == ["accepted", "accepted"], pushed
        push(teacher, record("isolation_followup", followup(pushed[1]["id"], 1), recorded(1)))
        later = record("health_check", check(students[0], day=date(2026, 4, 10)), at(7, 40, date(2026, 4, 10)))
        push(teacher, later)
        update_settings(county.county, 37.3, time(10), 30, None, ENDED, 30)
        db.session.commit()
        yield later["id"]


def purge(county, today: date) -> dict:
    done = retention.purge_county(county.county, today)
    db.session.commit()
    return done


def test_nothing_goes_while_the_epidemic_goes_on_or_is_still_kept(county, period):
    update_settings(county.county, 37.3, time(10), 30, None, None, 30)
    assert purge(county, date(2027, 1, 1)) == {}
    update_settings(county.county, 37.3, time(10), 30, None, ENDED, 30)
    assert purge(county, date(2026, 4, 30)) == {}  # kept until ENDED + 30 days, that day included
    assert (count(HealthCheck), count(Screening), count(Isolation), count(FollowUp)) == (4, 1, 1, 1)


def test_after_the_kept_days_the_periods_personal_records_go_and_the_counts_stay(county, period):
    records_before = count(SyncRecord)
    done = purge(county, date(2026, 5, 1))
    assert done == {"health": 4, "tracking": 3}  # 3 checks + the report's note; screening, isolation, follow-up
    assert list(db.session.scalars(select(HealthCheck.record_id))) == [period]  # the check after the period
    assert (count(Screening), count(ScreeningTrip), count(Isolation), count(FollowUp)) == (0, 0, 0, 0)
    daily = db.session.scalars(select(DailyReport)).one()
    assert (daily.note, daily.expected, daily.checked) == (None, 5, 5)
    assert "note" not in db.session.get(SyncRecord, daily.record_id).data
    assert count(SyncRecord) == records_before - 6
    assert purge(county, date(2026, 5, 2)) == {"health": 0, "tracking": 0}  # run again: nothing more


def test_the_command_reports_per_county_and_a_dry_run_changes_nothing(app, county, period, runner, monkeypatch):
    monkeypatch.setattr(retention, "local_today", lambda: date(2026, 5, 1))
    dry = runner.invoke(args=["retention-purge", "--dry-run"])
    assert dry.exit_code == 0 and "4" in dry.output, dry.output
    db.session.expire_all()
    assert count(HealthCheck) == 4
    assert runner.invoke(args=["retention-purge"]).exit_code == 0
    db.session.expire_all()
    assert count(HealthCheck) == 1


def test_the_settings_screen_sets_the_period_and_refuses_an_end_in_the_future(county, as_user):
    client = as_user("county")
    form = {"fever_threshold": "37.3", "report_cutoff": "10:00", "field_session_days": "30",
            "epidemic_ended_on": "2026-03-31", "keep_days_after_epidemic": "180"}
    assert client.post("/settings", data=form).status_code == 302
    assert "2026-09-27" in client.get("/settings").get_data(as_text=True)  # kept until
    for name, value in (("epidemic_ended_on", "2099-01-01"), ("keep_days_after_epidemic", "10")):
        assert client.post("/settings", data=form | {name: value}).status_code == 200, name

"""The demo health data: plausible, complete enough to show, and stored as if phones had sent it."""
from __future__ import annotations

import random
from datetime import date, timedelta, timezone

from sqlalchemy import func, select

from tests.health.helpers import utc
from webapp.dashboard.operations import completeness
from webapp.extensions import db
from webapp.health import demo as health_demo
from webapp.health.models import DailyReport, HealthCheck
from webapp.org.demo import build_demo_county
from webapp.sync.models import SyncRecord

from .helpers import push

TODAY = date(2026, 3, 2)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _as_phone_sent(envelope) -> str:
    """recorded_at with the phone's own offset, as it was sent."""
    offset = timezone(timedelta(minutes=envelope.recorded_offset_minutes))
    return envelope.recorded_at.replace(tzinfo=timezone.utc).astimezone(offset).isoformat()


def test_the_demo_has_checks_reports_fevers_a_few_missing_classes_and_sound_envelopes(app):
    rng = random.Random(2020)
    county = build_demo_county(db.session, rng, today=TODAY)
    health_demo.seed_demo(db.session, county, rng, today=TODAY)
    db.session.commit()
    status = completeness(county.county, TODAY, now=utc(12, 0, TODAY))
    assert len(status.missing) == health_demo.MISSING_TODAY + health_demo.UNREPORTED_TODAY
    assert status.totals["late"] == health_demo.LATE_TODAY
    assert status.totals["morning"] > 0.9 * status.totals["expected"] and status.totals["noon"] == 0
    assert _count(HealthCheck, HealthCheck.fever.is_(True)) > 0
    assert _count(SyncRecord) == _count(HealthCheck) + _count(DailyReport)
    # Sent again as a phone would, the records are recognised as already stored: the envelopes are sound.
    envelopes = db.session.scalars(select(SyncRecord).order_by(SyncRecord.id).limit(5)).all()
    records = [{"id": e.id, "kind": e.kind, "data": e.data, "recorded_at": _as_phone_sent(e)} for e in envelopes]
    assert {r["status"] for r in push(county.users["county"], *records)} == {"duplicate"}


def test_the_demo_is_the_same_every_time(app):
    rng = random.Random(2020)
    county = build_demo_county(db.session, rng, today=TODAY)
    state = rng.getstate()
    first = health_demo.build_batch(db.session, county, rng, TODAY)
    rng.setstate(state)
    second = health_demo.build_batch(db.session, county, rng, TODAY)
    assert first.checks and first == second


def test_one_demo_class_raises_a_data_quality_flag_with_its_explanation(app):
    """A leader walking the demo finds a class flag: the class whose temperatures all end in .0 or .5."""
    from webapp.quality import operations as quality
    rng = random.Random(2020)
    county = build_demo_county(db.session, rng, today=TODAY)
    health_demo.seed_demo(db.session, county, rng, today=TODAY)
    db.session.commit()
    found = [f for f in quality.flags(county.county, TODAY) if f.subject_kind == "class"]
    rounded = health_demo.build_batch(db.session, county, random.Random(1), TODAY).rounded_class
    assert {f.subject_id for f in found} == {rounded}  # no honest class trips a flag
    flag = next(f for f in found if f.signal == "rounded")
    assert flag.figures["count"] == flag.figures["n"] >= 30
    with app.test_request_context():
        assert "末位是 .0 或 .5" in quality.explain("rounded", flag.figures)
    school = next(s for s in county.schools if rounded in [k.unit.id for k in s.classes])
    assert school.unit.id == county.users["school"].scope_unit_id  # the demo school's leader sees it too


def test_the_demos_past_days_count_in_the_trace_back_and_the_trend_of_reports_on_time(app):
    """The units stood before the demo's history: the monthly table and the trend count the reports of the
    days before today (on time, as the demo filed them), not just today's."""
    from webapp.accountability.operations import TraceBack
    from webapp.dashboard import trends
    from webapp.org.settings import cutoff_moment, settings_for

    rng = random.Random(2020)
    county = build_demo_county(db.session, rng, today=TODAY)
    health_demo.seed_demo(db.session, county, rng, today=TODAY)
    db.session.commit()
    first = TODAY - timedelta(days=health_demo.DAYS - 1)
    now = cutoff_moment(TODAY, settings_for(county.county.id)) + timedelta(hours=2)
    due, on_time = TraceBack(county.county, first - timedelta(days=5), TODAY, now=now).per_day()
    assert due[first - timedelta(days=1)] == 0  # before the demo's history nothing was due
    yesterday = TODAY - timedelta(days=1)
    assert due[yesterday] == due[TODAY] > 100 and on_time[yesterday] > 0.9 * due[yesterday]
    klass = county.classes[0].unit
    on_time_series = next(s for s in trends.series(klass, TODAY, 14) if s.key == "on_time")
    assert on_time_series.values[-health_demo.DAYS:-1] == [100.0] * (health_demo.DAYS - 1)

"""The demo's notice: the bureau's letter to parents, confirmed by part of the classes, so a leader walking
the demo sees who has not passed it on, and the demo teacher has one to confirm."""
from __future__ import annotations

import random
from sqlalchemy import select

from webapp.extensions import db
from webapp.health import demo as health_demo
from webapp.notices import demo as notices_demo
from webapp.notices.models import Notice, NoticeConfirmation
from webapp.notices.operations import notice_items, roll_up
from webapp.org.demo import build_demo_county
from webapp.org.settings import local_today
from webapp.sync.models import SyncRecord


def test_the_demo_letter_reaches_every_class_and_about_half_confirmed_it(app, client, auth):
    rng, today = random.Random(2020), local_today()  # the teacher's phone holds the last 60 days' notices
    county = build_demo_county(db.session, rng, today=today)
    health_demo.seed_demo(db.session, county, rng, today=today)
    notices_demo.seed_demo(db.session, county, rng, today=today)
    db.session.commit()
    notice = db.session.scalar(select(Notice))
    assert notice.unit_id == county.county.id and notice.ask_parents and "家长" in notice.title
    rollup = roll_up(notice, county.county)
    classes = [c for line in rollup.lines for c in line.classes]
    assert len(classes) == len(county.classes) and 0 < rollup.missing < len(classes)
    confirmed = [c for c in classes if c.confirmed_at is not None]
    assert all(0 < c.parents <= c.students for c in confirmed)
    teacher = county.users["teacher"]
    mine = next(c for c in classes if c.id == teacher.scope_unit_id)
    assert mine.confirmed_at is None  # the demo teacher confirms it herself
    assert [i for i in notice_items(teacher, None) if i["id"] == notice.id]  # on her phone
    # Each confirmation came "from a phone": its envelope is there, kind and data as the sync API keeps them.
    envelope = db.session.get(SyncRecord, db.session.scalar(select(NoticeConfirmation.record_id)))
    assert envelope.kind == "notice_confirmation" and envelope.data["notice_id"] == notice.id
    assert auth.login("county", "demo1234").status_code == 302
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert notice.title in page and f'{len(confirmed)}<span class="of">/{len(classes)}</span>' in page

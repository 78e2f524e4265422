"""The office screens: today's coverage, the log of a day and its export, the flagged entries."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from webapp.duty import clock
from webapp.duty import operations as ops
from webapp.duty.models import CheckpointEntry, EntryFollowUp
from webapp.extensions import db

from ..sheets import data_rows, formula_cells
from .helpers import entry, local_now, push, record, shift_now


def _later_today(hours: int = 1):
    """A shift later today (not started): from min(now + 1h, 23:58) for an hour at most."""
    now = local_now()
    starts = min(now + timedelta(hours=hours), datetime.combine(now.date(), time(23, 58)))
    return starts, starts + timedelta(minutes=30)


def test_coverage_counts_staffed_understaffed_and_started_shifts_nobody_checked_in(duty):
    c = duty.county
    started = shift_now(duty.cp_a, c.teacher_a1_1, duty.volunteer_a, needed=2, before=0, after=1)
    started.starts_at = clock.to_utc(datetime.combine(local_now().date(), time(0)))  # since midnight: today
    starts, ends = _later_today()
    future = ops.create_shift(duty.cp_a, starts, ends, 3)
    ops.assign(future, c.teacher_a1_2)
    db.session.commit()
    line, = ops.coverage([duty.cp_a], clock.local_today())
    assert (line.shifts, line.staffed, line.understaffed, line.not_checked_in) == (2, 1, 1, 1)
    assert line.missing == [started]
    push(c.users.homeroom_a1, record("shift_attendance", {"shift_id": started.id, "action": "check_in"}))
    line, = ops.coverage([duty.cp_a], clock.local_today())
    assert line.not_checked_in == 0


def test_the_checkpoint_list_shows_todays_coverage_and_open_flags_first(duty, as_user):
    c = duty.county
    shift = shift_now(duty.cp_a, duty.volunteer_a, needed=2, before=0, after=1)
    shift.starts_at = clock.to_utc(datetime.combine(local_now().date(), time(0)))
    db.session.commit()
    push(c.users.township_a, record("checkpoint_entry", entry(duty.cp_a, temperature=38.2)))
    html = as_user("township_a").get("/duty/").get_data(as_text=True)
    assert "东村卡点" in html and "西村卡点" not in html
    assert 'data-count="understaffed"' in html and 'data-count="not-checked-in"' in html
    assert html.index('id="open-flags"') < html.index('id="coverage"')
    assert '<div class="num">1</div>' in html.split('id="open-flags"')[1][:200]


def _flagged_setup(duty):
    c = duty.county
    push(c.users.county,
         record("checkpoint_entry", entry(duty.cp_a, name="发热者", temperature=38.0)),
         record("checkpoint_entry", entry(duty.cp_a, name="未核验者", verified=False, shown=[])),
         record("checkpoint_entry", entry(duty.cp_a, name="正常者")),
         record("checkpoint_entry", entry(duty.cp_b, name="西村发热者", temperature=39.0)))


def test_flagged_entries_are_listed_for_the_township_and_not_for_another(duty, as_user):
    _flagged_setup(duty)
    client = as_user("township_a")
    html = client.get("/duty/flagged").get_data(as_text=True)
    assert "发热者" in html and "未核验者" in html
    assert "正常者" not in html and "西村发热者" not in html
    client.post("/logout")
    other = as_user("county").get("/duty/flagged").get_data(as_text=True)
    assert "西村发热者" in other and "发热者" in other


def test_flagged_entries_come_newest_first(duty, as_user):
    c = duty.county
    earlier = record("checkpoint_entry", entry(duty.cp_a, name="早", verified=False),
                     recorded_at=clock.to_local(ops.utcnow() - timedelta(hours=3)))
    later = record("checkpoint_entry", entry(duty.cp_a, name="晚", verified=False))
    push(c.users.township_a, earlier, later)
    html = as_user("township_a").get("/duty/flagged").get_data(as_text=True)
    assert html.index(later["id"]) < html.index(earlier["id"])


def test_following_up_adds_a_row_and_leaves_the_entry_as_it_came(duty, as_user):
    _flagged_setup(duty)
    fever = db.session.scalar(select(CheckpointEntry).where(CheckpointEntry.name == "发热者"))
    client = as_user("township_a")
    response = client.post(f"/duty/entries/{fever.id}/follow-up", data={"note": "已电话联系，居家观察"})
    assert response.status_code == 302
    follow_ups = db.session.scalars(select(EntryFollowUp)).all()
    assert [(f.entry_id, f.note) for f in follow_ups] == [(fever.id, "已电话联系，居家观察")]
    db.session.refresh(fever)
    assert fever.flagged and fever.temperature == 38.0
    assert "发热者" not in client.get("/duty/flagged").get_data(as_text=True).replace("未核验者", "")
    assert fever.id in client.get("/duty/flagged?show=done").get_data(as_text=True)


def test_another_township_cannot_follow_up_an_entry(duty, as_user):
    _flagged_setup(duty)
    west = db.session.scalar(select(CheckpointEntry).where(CheckpointEntry.name == "西村发热者"))
    assert as_user("township_a").post(f"/duty/entries/{west.id}/follow-up", data={}).status_code == 404
    assert db.session.scalar(select(EntryFollowUp.id)) is None


def test_the_log_of_a_day_shows_flags_first_and_exports_to_xlsx(duty, as_user):
    _flagged_setup(duty)
    client = as_user("township_a")
    today = clock.local_today().isoformat()
    html = client.get(f"/duty/checkpoints/{duty.cp_a.id}/log?day={today}").get_data(as_text=True)
    assert html.index('id="flagged"') < html.index('id="entries"')
    assert 'data-count="flagged">2<' in html and 'data-count="in">3<' in html
    response = client.get(f"/duty/checkpoints/{duty.cp_a.id}/log.xlsx?day={today}")
    assert response.status_code == 200
    rows = data_rows(response.data)
    assert sorted(row[2] for row in rows) == sorted(["发热者", "未核验者", "正常者"])
    assert 38.0 in [row[7] for row in rows]
    assert all(isinstance(row[0], datetime) for row in rows)  # a real Excel time, not text


def test_what_a_volunteer_types_never_becomes_a_formula_in_the_log(duty, as_user):
    planted = {"name": "=HYPERLINK(\"http://x\")", "from_place": "+1+1", "to_place": "-1", "plate": "@A1",
               "note": "=cmd|' /C calc'!A0"}
    push(duty.county.users.township_a, record("checkpoint_entry", entry(duty.cp_a, **planted)))
    today = clock.local_today().isoformat()
    data = as_user("township_a").get(f"/duty/checkpoints/{duty.cp_a.id}/log.xlsx?day={today}").data
    assert formula_cells(data) == []
    (row,) = data_rows(data)
    assert (row[2], row[3], row[4], row[9], row[10]) == tuple(planted.values())


def test_a_place_left_empty_is_not_shown_as_a_question_mark(duty, as_user):
    push(duty.county.users.township_a, record("checkpoint_entry", entry(duty.cp_a, name="甲", from_place="南阳")),
         record("checkpoint_entry", entry(duty.cp_a, name="乙", to_place="信阳")),
         record("checkpoint_entry", entry(duty.cp_a, name="丙", from_place="南阳", to_place="信阳")))
    today = clock.local_today().isoformat()
    html = as_user("township_a").get(f"/duty/checkpoints/{duty.cp_a.id}/log?day={today}").get_data(as_text=True)
    assert "?" not in html.split('id="entries"')[1].split("</ul>")[0].replace("?day=", "")
    assert "来自 南阳" in html and "去往 信阳" in html and "南阳 → 信阳" in html


def test_another_day_has_an_empty_log(duty, as_user):
    _flagged_setup(duty)
    yesterday = (clock.local_today() - timedelta(days=1)).isoformat()
    html = as_user("township_a").get(f"/duty/checkpoints/{duty.cp_a.id}/log?day={yesterday}").get_data(as_text=True)
    assert 'data-count="in">0<' in html and "发热者" not in html


def test_teachers_and_volunteers_have_no_office_screens(duty, as_user):
    assert as_user("homeroom_a1").get("/duty/").status_code == 403
    assert as_user("homeroom_a1").get("/duty/flagged").status_code == 403


def test_the_menu_offers_checkpoints_to_township_admins(duty, as_user):
    html = as_user("township_a").get("/duty/").get_data(as_text=True)
    assert 'href="/duty/"' in html and 'href="/duty/flagged"' in html


def test_every_office_screen_opens(duty, as_user):
    shift = shift_now(duty.cp_a, duty.volunteer_a, leader=duty.volunteer_a)
    push(duty.county.users.township_a, record("checkpoint_entry", entry(duty.cp_a, shift, verified=False)))
    client = as_user("township_a")
    client.set_cookie("lang", "en")
    for url in ("/duty/", "/duty/checkpoints/new", f"/duty/checkpoints/{duty.cp_a.id}/edit",
                f"/duty/checkpoints/{duty.cp_a.id}", f"/duty/checkpoints/{duty.cp_a.id}/bulk",
                f"/duty/shifts/{shift.id}", f"/duty/shifts/{shift.id}?q=赵", f"/duty/checkpoints/{duty.cp_a.id}/log",
                "/duty/flagged?show=all", "/duty/flagged?show=nonsense&page=x"):
        assert client.get(url).status_code == 200, url


def test_a_shift_can_be_cancelled_and_its_needs_changed(duty, as_user):
    shift = shift_now(duty.cp_a)
    client = as_user("township_a")
    assert client.post(f"/duty/shifts/{shift.id}/needed", data={"needed": "4"}).status_code == 302
    assert client.post(f"/duty/shifts/{shift.id}/needed", data={"needed": "0"}).status_code == 400
    assert client.post(f"/duty/shifts/{shift.id}/cancel").status_code == 302
    db.session.expire_all()
    assert (shift.needed, shift.cancelled) == (4, True)
    assert ops.coverage([duty.cp_a], clock.local_today())[0].shifts == 0

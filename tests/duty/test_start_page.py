"""A volunteer's start page shows her checkpoint shifts of the coming week (it showed only head counts)."""
from __future__ import annotations

from tests.duty.helpers import shift_now


def test_the_volunteers_start_page_lists_her_shifts_with_the_leader_to_call(duty, as_user):
    county = duty.county
    shift_now(duty.cp_a, duty.volunteer_a, county.teacher_a1_1, leader=county.teacher_a1_1)
    page = as_user("volunteer_a").get("/").get_data(as_text=True)
    assert "我的班次" in page and "东村卡点" in page and "东村村口" in page
    assert f'href="tel:{county.teacher_a1_1.phone}"' in page and 'href="/field/duty"' in page


def test_a_teacher_on_duty_sees_her_shift_and_whoever_has_none_sees_no_section(duty, as_user):
    assert 'id="my-shifts"' not in as_user("volunteer_a").get("/").get_data(as_text=True)
    shift_now(duty.cp_a, duty.county.teacher_a1_1)
    assert "东村卡点" in as_user("homeroom_a1").get("/").get_data(as_text=True)
    assert 'id="my-shifts"' not in as_user("county").get("/").get_data(as_text=True)  # stands no duty


def test_a_leader_on_duty_sees_what_is_missing_before_her_shifts(duty, as_user):
    from webapp.extensions import db
    from webapp.org.models import Staff
    principal = Staff(unit=duty.county.school_a1, name="赵校长", phone="13900000031")  # the school admin, on duty
    db.session.add(principal)
    db.session.flush()
    duty.county.users.school_a1.staff_id = principal.id
    db.session.commit()
    shift_now(duty.cp_a, principal)
    page = as_user("school_a1").get("/").get_data(as_text=True)
    assert page.index('id="missing"') < page.index('id="my-shifts"')

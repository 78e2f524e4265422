"""No existence oracles (issue 12.8): a number that exists only outside the editor's area gets the
answer of a fresh one; the two entries wait on the county's screen of duplicates."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.extensions import db
from webapp.org.models import Staff, Student, User
from webapp.org.validators import id_check_digit

from tests.org.test_accounts import _new_account, _temporary_password


def _id_number(first17: str = "41132420160501003") -> str:
    return first17 + id_check_digit(first17)


def _student_form(county, **changes) -> dict:
    data = {"name": "新同学", "student_no": "A11999", "class_id": county.class_a1_1.id, "gender": "male",
            "birth_date": "", "id_number": "", "guardian_name": "", "guardian_phone": "", "home_village": "",
            "active": "y"}
    return {**data, **changes}


def _account(username: str) -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_an_id_number_of_another_township_is_stored_and_listed_for_the_county(county, as_user):
    number = _id_number()
    county.students_b1_1[0].id_number = number
    db.session.commit()
    answer = as_user("school_a1").post("/people/new", data=_student_form(county, id_number=number))
    assert answer.status_code == 302  # as for a number nobody has
    assert as_user("school_a1").get("/people/duplicates").status_code == 403
    page = as_user("county").get("/people/duplicates").get_data(as_text=True)
    listed = re.search(r'<ul class="list" id="duplicate-students">(.*?)</ul>\s*</li>', page, re.S).group(1)
    assert county.students_b1_1[0].name in listed and "新同学" in listed
    assert number not in page and number[:4] in page  # masked, as everywhere


def test_a_staff_id_number_of_another_area_is_accepted(county, as_user):
    number = _id_number("41132419800101001")
    other = db.session.scalars(select(Staff).where(Staff.unit_id == county.school_b1.id)).first()
    other.id_number = number
    db.session.commit()
    data = {"name": "新老师", "unit_id": county.school_a1.id, "position": "", "phone": "", "id_number": number,
            "active": "y"}
    assert as_user("school_a1").post("/staff/new", data=data).status_code == 302
    assert len(db.session.scalars(select(Staff).where(Staff.id_number == number)).all()) == 2
    assert "新老师" in as_user("county").get("/people/duplicates").get_data(as_text=True)


def test_an_account_phone_of_another_area_is_held_and_the_county_gives_it(county, as_user, client, auth):
    county.users.homeroom_b1.phone = "13711112222"
    db.session.commit()
    as_user("school_a1")
    client.set_cookie("lang", "en")
    answer = client.post("/accounts/new", data=_new_account(county, phone="13711112222"))
    assert answer.status_code == 200 and _temporary_password(answer.get_data(as_text=True))  # created, as usual
    user = _account("liu.teacher")
    assert (user.phone, user.held_phone) == (None, "13711112222")
    assert "13711112222" in client.get(f"/accounts/{user.id}").get_data(as_text=True)  # shown as typed
    assert _account("homeroom_b1").phone == "13711112222"  # the other account still logs in with it

    county_admin = as_user("county")
    page = county_admin.get("/people/duplicates").get_data(as_text=True)
    assert f'data-user="{user.id}"' in page and "homeroom_b1" in page
    assert county_admin.post(f"/people/duplicates/phone/{user.id}", data={"action": "give"}).status_code == 302
    assert (_account("liu.teacher").phone, _account("homeroom_b1").phone) == ("13711112222", None)
    assert _account("homeroom_b1").held_phone == "13711112222"
    assert county_admin.post(f"/people/duplicates/phone/{_account('homeroom_b1').id}",
                             data={"action": "drop"}).status_code == 302
    assert _account("homeroom_b1").held_phone is None
    assert as_user("school_a1").post(f"/people/duplicates/phone/{user.id}", data={"action": "give"}).status_code == 403


def test_a_phone_of_an_account_in_my_area_is_still_refused(county, as_user, client):
    county.users.teacher_a1.phone = "13711112222"
    db.session.commit()
    as_user("school_a1")
    client.set_cookie("lang", "en")
    page = client.post("/accounts/new", data=_new_account(county, phone="13711112222")).get_data(as_text=True)
    assert "Another account in your area already uses this phone number." in page
    assert db.session.scalar(select(User.id).where(User.username == "liu.teacher")) is None


def test_student_numbers_are_the_schools_own(county, as_user):
    taken_in_b1 = county.students_b1_1[0].student_no
    assert as_user("school_a1").post("/people/new", data=_student_form(county, student_no=taken_in_b1)).status_code == 302
    schools = {s.klass.parent.parent.name for s in db.session.scalars(select(Student).where(Student.student_no == taken_in_b1))}
    assert schools == {county.school_a1.name, county.school_b1.name}

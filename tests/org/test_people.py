"""Students and staff: search, paging, the pages, create and edit, responsibility chains, validators."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Responsibility, Staff, Student
from webapp.org.validators import (clean_id_number, clean_phone, id_check_digit, mask_id_number, valid_id_number,
                                   valid_mobile)

GOOD_ID = "11010519491231002X"  # the example of GB 11643: born 1949-12-31, check character X
GOOD_ID_2 = "440524188001010014"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _student_data(county, **changes) -> dict:
    data = {"name": "新同学", "student_no": "A11999", "class_id": county.class_a1_1.id, "gender": "female",
            "birth_date": "", "id_number": "", "guardian_name": "新家长", "guardian_phone": "13712345678",
            "home_village": "东村", "active": "y"}
    data.update(changes)
    return data


def _student(student_no: str) -> Student | None:
    db.session.expire_all()
    return db.session.scalar(select(Student).where(Student.student_no == student_no))


# ---- validators ------------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["13912345678", "19800000000", "15000000001"])
def test_good_mobile_numbers(phone):
    assert valid_mobile(phone)


@pytest.mark.parametrize("phone", ["", None, "12912345678", "1391234567", "139123456789", "23912345678",
                                   "1391234567a", "010-12345678"])
def test_bad_mobile_numbers(phone):
    assert not valid_mobile(phone)


def test_a_typed_phone_number_is_reduced_to_its_digits():
    assert clean_phone(" +86 139-1234 5678 ") == "13912345678"
    assert clean_phone("") is None


@pytest.mark.parametrize("number", [GOOD_ID, GOOD_ID_2])
def test_good_id_numbers(number):
    assert valid_id_number(number)
    assert id_check_digit(number[:17]) == number[17]


@pytest.mark.parametrize("number", [
    "110105194912310021",  # wrong check character
    "11010519491231002",  # 17 characters
    "11010519491231002XX",  # 19
    "110105194913310028",  # month 13
    "11010519490230002X",  # 30 February
    "1101051949123100AX",  # letters inside
    "",
])
def test_bad_id_numbers(number):
    assert not valid_id_number(number)


def test_id_numbers_are_cleaned_and_masked():
    assert clean_id_number(" 11010519491231002x ") == GOOD_ID
    assert mask_id_number(GOOD_ID) == "1101**********002X"
    assert mask_id_number(None) == ""


# ---- the student list ------------------------------------------------------------------------

def test_the_list_shows_my_area_with_class_labels_and_a_total(county, as_user, client):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    page = _text(client.get("/people"))
    assert all(s.name in page for s in county.students_a1_1 + county.students_a1_2)
    assert not any(s.name in page for s in county.students_b1_1)
    assert "东镇 / 东镇一小 / 一年级 / 一(1)班" in page
    assert "9 students" in page


def test_the_list_never_shows_guardian_phones_or_id_numbers(county, as_user):
    county.students_a1_1[0].id_number = GOOD_ID
    db.session.commit()
    page = _text(as_user("county").get("/people"))
    assert county.students_a1_1[0].guardian_phone not in page
    assert GOOD_ID not in page and mask_id_number(GOOD_ID) not in page


def test_search_by_name_or_by_the_start_of_the_student_number(county, as_user):
    client = as_user("county")
    page = _text(client.get("/people", query_string={"q": "学生A11003"}))
    assert "学生A11003" in page and "学生A11002" not in page
    page = _text(client.get("/people", query_string={"q": "A12"}))
    assert all(s.name in page for s in county.students_a1_2)
    assert not any(s.name in page for s in county.students_a1_1 + county.students_b1_1)


def test_a_search_never_reaches_outside_my_area(county, as_user):
    page = _text(as_user("school_a1").get("/people", query_string={"q": "B11"}))
    assert not any(s.name in page for s in county.students_b1_1)


def test_filter_by_a_unit_of_my_area(county, as_user):
    page = _text(as_user("school_a1").get("/people", query_string={"unit": county.class_a1_2.id}))
    assert all(s.name in page for s in county.students_a1_2)
    assert not any(s.name in page for s in county.students_a1_1)


def test_a_filter_value_that_is_not_a_number_is_no_filter(county, as_user):
    response = as_user("school_a1").get("/people", query_string={"unit": "abc"})
    assert response.status_code == 200
    assert county.students_a1_1[0].name in _text(response)


def test_paging(county, app, as_user):
    app.config["PAGE_SIZE"] = 4
    client = as_user("school_a1")
    names = [s.name for s in county.students_a1_1 + county.students_a1_2]  # 9, in class then number order
    first, third = _text(client.get("/people")), _text(client.get("/people?page=3"))
    assert [n for n in names if n in first] == names[:4]
    assert [n for n in names if n in third] == names[8:]
    assert 'rel="next"' in first and 'rel="next"' not in third
    assert [n for n in names if n in _text(client.get("/people?page=abc"))] == names[:4]
    assert not [n for n in names if n in _text(client.get("/people?page=99"))]


def test_students_who_left_are_listed_only_on_request(county, as_user):
    county.students_a1_1[0].active = False
    db.session.commit()
    client = as_user("school_a1")
    assert county.students_a1_1[0].name not in _text(client.get("/people"))
    assert county.students_a1_1[0].name in _text(client.get("/people?left=y"))


# ---- a student's page ------------------------------------------------------------------------

def test_the_student_page_shows_the_guardian_phone_and_the_class(county, as_user):
    student = county.students_a1_1[0]
    page = _text(as_user("homeroom_a1").get(f"/people/{student.id}"))
    assert student.guardian_phone in page and "一(1)班" in page


def test_admins_see_the_id_number_masked_and_in_full_only_in_the_edit_form(county, as_user):
    student = county.students_a1_1[0]
    student.id_number = GOOD_ID
    db.session.commit()
    client = as_user("school_a1")
    page = _text(client.get(f"/people/{student.id}"))
    assert mask_id_number(GOOD_ID) in page and GOOD_ID not in page
    assert GOOD_ID in _text(client.get(f"/people/{student.id}/edit"))


@pytest.mark.parametrize("username", ["homeroom_a1", "teacher_a1"])
def test_teachers_never_see_the_id_number(county, as_user, username):
    student = county.students_a1_1[0]
    student.id_number = GOOD_ID
    db.session.commit()
    client = as_user(username)
    assert mask_id_number(GOOD_ID) not in _text(client.get(f"/people/{student.id}"))
    if username == "homeroom_a1":
        form = _text(client.get(f"/people/{student.id}/edit"))
        assert GOOD_ID not in form and 'name="id_number"' not in form


# ---- create and edit students ----------------------------------------------------------------

def test_an_admin_adds_a_student_and_the_birth_date_comes_from_the_id_number(county, as_user):
    response = as_user("school_a1").post("/people/new", data=_student_data(county, id_number="11010519491231002x"))
    assert response.status_code == 302
    student = _student("A11999")
    assert student.class_id == county.class_a1_1.id and student.id_number == GOOD_ID
    assert student.birth_date == date(1949, 12, 31)
    assert response.location.endswith(f"/people/{student.id}")


def test_adding_a_student_is_for_the_school_not_a_homeroom_teacher(county, as_user):
    """Issue 7.17: the button was offered to a homeroom teacher and the form served to her."""
    client = as_user("homeroom_a1")
    assert "/people/new" not in client.get("/people").get_data(as_text=True)
    assert client.post("/people/new", data=_student_data(county)).status_code == 403
    client.post("/logout")
    school = as_user("school_a1")
    assert "/people/new" in school.get("/people").get_data(as_text=True)
    assert school.post("/people/new", data=_student_data(county)).status_code == 302
    assert _student("A11999").class_id == county.class_a1_1.id


def test_a_homeroom_teacher_edits_a_student_of_their_class(county, as_user):
    student = county.students_a1_1[0]
    data = _student_data(county, name=student.name, student_no=student.student_no, guardian_phone="138 0000 9999")
    response = as_user("homeroom_a1").post(f"/people/{student.id}/edit", data=data)
    assert response.status_code == 302
    assert _student(student.student_no).guardian_phone == "13800009999"


@pytest.mark.parametrize("changes, field", [
    ({"guardian_phone": "12345"}, "guardian_phone"),
    ({"id_number": "110105194912310021"}, "id_number"),
    ({"student_no": ""}, "student_no"),
    ({"name": "   "}, "name"),
    ({"birth_date": "2015-02-30"}, "birth_date"),
    ({"gender": "other"}, "gender"),
    ({"class_id": ""}, "class_id"),
    ({"class_id": "abc"}, "class_id"),
])
def test_bad_input_is_refused_on_its_field(county, as_user, changes, field):
    response = as_user("school_a1").post("/people/new", data=_student_data(county, **changes))
    assert response.status_code == 200
    assert re.search(rf'class="field has-error">\s*<label for="{field}"', _text(response))
    assert _student("A11999") is None


def test_a_class_outside_my_area_is_refused(county, as_user, client):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    response = client.post("/people/new", data=_student_data(county, class_id=county.class_b1_1.id))
    assert response.status_code == 200
    assert "Choose a unit in your area from the list." in _text(response)
    assert _student("A11999") is None


def test_a_number_taken_in_my_school_is_refused_and_one_of_another_school_answered_like_a_fresh_one(
        county, as_user, client):
    """No existence oracle (issue 12.8): a number known only outside my area gets the answer of one
    nobody has; one of my own school (whose people I see) is refused with a message."""
    county.students_b1_1[0].id_number = GOOD_ID
    db.session.commit()
    as_user("school_a1")
    client.set_cookie("lang", "en")
    mine = county.students_a1_1[1].student_no
    page = _text(client.post("/people/new", data=_student_data(county, student_no=mine)))
    assert "Another student of this school already has this student number." in page
    answers = []
    for number, id_number in (("A11998", ""), ("B11001", GOOD_ID)):  # fresh, then both taken in B1
        answer = client.post("/people/new", data=_student_data(county, student_no=number, id_number=id_number))
        answers.append((answer.status_code, _text(client.get(answer.headers["Location"])).count("Student 新同学 added.")))
    assert answers == [(302, 1), (302, 1)]
    added = db.session.scalars(select(Student).where(Student.student_no == "B11001",
                                                     Student.class_id == county.class_a1_1.id)).one()
    assert added.id_number == GOOD_ID  # stored as typed; the county reconciles the two
    first17 = "11010120100101002"
    other = first17 + id_check_digit(first17)
    county.students_a1_1[0].id_number = other
    db.session.commit()
    page = _text(client.post("/people/new", data=_student_data(county, student_no="A11997", id_number=other)))
    assert "Another student in your area already has this ID number." in page


def test_a_birth_date_that_contradicts_the_id_number_is_refused(county, as_user):
    response = as_user("school_a1").post("/people/new",
                                         data=_student_data(county, id_number=GOOD_ID, birth_date="2015-01-01"))
    assert response.status_code == 200
    assert _student("A11999") is None


def test_a_student_who_left_is_kept_but_marked(county, as_user):
    student = county.students_a1_1[0]
    data = _student_data(county, name=student.name, student_no=student.student_no)
    del data["active"]
    as_user("school_a1").post(f"/people/{student.id}/edit", data=data)
    assert _student(student.student_no).active is False


# ---- staff -----------------------------------------------------------------------------------

def _staff_data(county, **changes) -> dict:
    data = {"name": "钱老师", "unit_id": county.school_a1.id, "position": "数学", "phone": "13600000000",
            "id_number": "", "party_member": "y", "active": "y"}
    data.update(changes)
    return data


def _staff_named(name: str) -> Staff | None:
    db.session.expire_all()
    return db.session.scalar(select(Staff).where(Staff.name == name))


def test_the_staff_list_shows_my_area_and_searches_by_name_or_phone(county, as_user):
    client = as_user("school_a1")
    page = _text(client.get("/staff"))
    assert "王老师" in page and "李老师" in page and "张老师" not in page and "赵志愿" not in page
    page = _text(client.get("/staff", query_string={"q": "13900000002"}))
    assert "李老师" in page and "王老师" not in page


def test_staff_paging(county, app, as_user):
    app.config["PAGE_SIZE"] = 1
    client = as_user("school_a1")
    first, second = _text(client.get("/staff")), _text(client.get("/staff?page=2"))
    assert ("李老师" in first) != ("李老师" in second)
    assert ("王老师" in first) != ("王老师" in second)


def test_an_admin_adds_and_edits_a_staff_member(county, as_user):
    client = as_user("school_a1")
    assert client.post("/staff/new", data=_staff_data(county, id_number=GOOD_ID_2)).status_code == 302
    person = _staff_named("钱老师")
    assert person.party_member and not person.is_volunteer and person.id_number == GOOD_ID_2
    data = _staff_data(county, position="副校长", is_volunteer="y", id_number=GOOD_ID_2)
    assert client.post(f"/staff/{person.id}/edit", data=data).status_code == 302
    person = _staff_named("钱老师")
    assert person.position == "副校长" and person.is_volunteer


def test_a_staff_page_shows_the_id_number_masked(county, as_user):
    county.teacher_a1_1.id_number = GOOD_ID_2
    db.session.commit()
    page = _text(as_user("school_a1").get(f"/staff/{county.teacher_a1_1.id}"))
    assert mask_id_number(GOOD_ID_2) in page and GOOD_ID_2 not in page


@pytest.mark.parametrize("changes", [{"phone": "1360000000"}, {"id_number": "440524188001010015"},
                                     {"unit_id": "999999"}, {"name": ""}])
def test_bad_staff_input_is_refused(county, as_user, changes):
    response = as_user("school_a1").post("/staff/new", data=_staff_data(county, **changes))
    assert response.status_code == 200
    assert _staff_named("钱老师") is None


def test_staff_belong_to_a_unit_of_my_area(county, as_user):
    response = as_user("school_a1").post("/staff/new", data=_staff_data(county, unit_id=county.school_b1.id))
    assert response.status_code == 200
    assert _staff_named("钱老师") is None


def test_staff_do_not_belong_to_a_class(county, as_user):
    response = as_user("school_a1").post("/staff/new", data=_staff_data(county, unit_id=county.class_a1_1.id))
    assert response.status_code == 200
    assert _staff_named("钱老师") is None


# ---- responsibility chains -------------------------------------------------------------------

def _link(client, staff, kind, target, action="add", back="target"):
    return client.post("/responsibilities", data={"staff_id": staff.id, "target_kind": kind, "target_id": target.id,
                                                  "action": action, "back": back})


def _responsible(target) -> set[str]:
    db.session.expire_all()
    return {s.name for s in org.responsible_for(target)}


def test_several_staff_answer_for_one_student_and_can_be_removed(county, as_user):
    client = as_user("school_a1")
    student = county.students_a1_1[0]
    response = _link(client, county.teacher_a1_1, "student", student)
    assert response.status_code == 302 and response.location.endswith(f"/people/{student.id}")
    _link(client, county.teacher_a1_2, "student", student)
    _link(client, county.teacher_a1_2, "student", student)  # twice is once
    assert _responsible(student) == {"王老师", "李老师"}
    assert "王老师" in _text(client.get(f"/people/{student.id}"))
    _link(client, county.teacher_a1_1, "student", student, action="remove")
    assert _responsible(student) == {"李老师"}


def test_a_staff_member_answers_for_units_students_and_colleagues(county, as_user):
    client = as_user("township_a")
    teacher = county.teacher_a1_1
    for kind, target in (("unit", county.class_a1_1), ("student", county.students_a1_1[1]),
                         ("staff", county.teacher_a1_2)):
        response = _link(client, teacher, kind, target, back="staff")
        assert response.location.endswith(f"/staff/{teacher.id}")
    page = _text(client.get(f"/staff/{teacher.id}"))
    assert "一(1)班" in page and county.students_a1_1[1].name in page and "李老师" in page


def test_three_colleagues_answer_for_one_staff_member(county, as_user):
    third = Staff(unit=county.school_a2, name="孙校长", phone="13600000001")
    db.session.add(third)
    db.session.commit()
    client = as_user("township_a")
    for colleague in (county.teacher_a1_2, county.volunteer, third):
        _link(client, colleague, "staff", county.teacher_a1_1)
    assert _responsible(county.teacher_a1_1) == {"李老师", "赵志愿", "孙校长"}
    page = _text(client.get(f"/staff/{county.teacher_a1_1.id}"))
    assert "赵志愿" in page and "孙校长" in page


def test_nobody_answers_for_themselves(county, as_user):
    _link(as_user("school_a1"), county.teacher_a1_1, "staff", county.teacher_a1_1)
    assert db.session.scalars(select(Responsibility)).all() == []


def test_the_staff_picker_offers_only_staff_of_my_area(county, as_user):
    client = as_user("school_a1")
    page = _text(client.get(f"/people/{county.students_a1_1[0].id}", query_string={"staff_q": "老师"}))
    assert "王老师" in page and "李老师" in page and "张老师" not in page


def test_the_target_picker_finds_students_of_my_area_by_name(county, as_user):
    page = _text(as_user("school_a1").get(f"/staff/{county.teacher_a1_1.id}",
                                          query_string={"duty_kind": "student", "duty_q": "学生"}))
    assert county.students_a1_2[0].name in page and county.students_b1_1[0].name not in page


def test_a_staff_page_hides_the_names_of_students_outside_my_area(county, as_user):
    org.assign_responsibility(county.teacher_a1_1, county.students_b1_1[0])
    db.session.commit()
    page = _text(as_user("school_a1").get(f"/staff/{county.teacher_a1_1.id}"))
    assert county.students_b1_1[0].name not in page


def test_my_responsibilities(county, as_user):
    org.assign_responsibility(county.teacher_a1_1, county.students_a1_1[2])
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    org.assign_responsibility(county.teacher_a1_1, county.teacher_a1_2)
    db.session.commit()
    response = as_user("homeroom_a1").get("/me/responsibilities")
    assert response.status_code == 200
    page = _text(response)
    assert county.students_a1_1[2].name in page and "一(1)班" in page and "李老师" in page
    assert county.students_a1_1[3].name not in page


def test_my_responsibilities_without_a_staff_record(county, as_user):
    response = as_user("teacher_a1").get("/me/responsibilities")
    assert response.status_code == 200


def test_the_menu_offers_my_responsibilities_to_teachers(county, as_user):
    assert "/me/responsibilities" in _text(as_user("homeroom_a1").get("/"))


def test_a_nul_character_in_a_search_is_harmless(county, as_user):
    client = as_user("school_a1")
    assert client.get("/people", query_string={"q": "学生\x00"}).status_code == 200
    page = client.get(f"/staff/{county.teacher_a1_1.id}", query_string={"duty_q": "\x00", "staff_q": "王\x00"})
    assert page.status_code == 200
    response = client.post("/staff/new", data=_staff_data(county, name="钱\x00老师"))
    assert response.status_code == 302 and _staff_named("钱老师") is not None

"""The office screens: a unit's daily report, a person's history, completeness and the ledger."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from webapp.extensions import db
from webapp.org.models import Gender, Student, UnitKind

from ..sheets import data_rows, formula_cells, header
from .helpers import DAY, at, check, push, push_one, record, report, staff_check


@pytest.fixture
def checked_day(county):
    """School A1's morning: a fever in class 1-1, an illness absence in 1-2, a staff check, one report."""
    a11, a12 = county.students_a1_1, county.students_a1_2
    push(county.users.homeroom_a1, record("health_check", check(a11[0], temperature=38.4, note="sent home")),
         *[record("health_check", check(s, temperature=36.5)) for s in a11[1:]],
         record("daily_report", report(county.class_a1_1, abnormal=1), at(9, 0)))
    push(county.users.school_a1, record("health_check", check(a12[0], present=False, absence_reason="illness",
                                                              symptoms=["cough"])),
         record("staff_check", staff_check(county.teacher_a1_1, temperature=36.7)))
    return county


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_homeroom_teacher_reads_her_class_report(checked_day, as_user):
    client = as_user("homeroom_a1")
    page = _text(client.get(f"/reports/{checked_day.class_a1_1.id}?date={DAY}"))
    assert checked_day.students_a1_1[0].name in page and "38.4" in page
    assert checked_day.students_a1_2[0].name not in page
    assert checked_day.students_a1_1[0].id_number is None or checked_day.students_a1_1[0].id_number not in page
    assert checked_day.students_a1_1[0].guardian_phone not in page  # only what is needed


def test_the_school_report_lists_classes_abnormal_people_and_who_is_missing(checked_day, as_user):
    client = as_user("school_a1")
    page = _text(client.get(f"/reports/{checked_day.school_a1.id}?date={DAY}"))
    for name in ("一(1)班", "一(2)班", checked_day.students_a1_1[0].name, checked_day.students_a1_2[0].name,
                 checked_day.students_a1_2[3].name, checked_day.teacher_a1_2.name):
        assert name in page
    assert "homeroom_a1" in page  # who filed class 1-1's report


def test_the_reports_menu_entry_opens_the_users_own_unit(checked_day, as_user):
    client = as_user("homeroom_a1")
    assert client.get("/reports").location.endswith(f"/reports/{checked_day.class_a1_1.id}")
    client = as_user("township_a")
    assert "/reports/completeness" in client.get("/reports").location


def test_report_pages_outside_the_area_are_not_found(checked_day, as_user):
    client = as_user("school_b1")
    assert client.get(f"/reports/{checked_day.school_a1.id}").status_code == 404
    assert client.get(f"/reports/{checked_day.class_a1_1.id}").status_code == 404
    assert client.get(f"/reports/person/{checked_day.students_a1_1[0].id}").status_code == 404
    assert client.get(f"/reports/staff/{checked_day.teacher_a1_1.id}").status_code == 404
    assert client.get(f"/reports/completeness?unit_id={checked_day.township_a.id}").status_code == 404
    assert client.get(f"/reports/ledger.xlsx?unit_id={checked_day.school_a1.id}").status_code == 404
    teacher = as_user("homeroom_a1_2")
    assert teacher.get(f"/reports/{checked_day.class_a1_1.id}").status_code == 404


def test_volunteers_have_no_report_pages(checked_day, as_user):
    client = as_user("volunteer_a")
    assert client.get("/reports/completeness").status_code == 403
    assert client.get(f"/reports/{checked_day.village_a.id}").status_code == 403


def test_a_bad_date_is_shown_on_the_form_never_a_500(checked_day, as_user):
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    page = _text(client.get(f"/reports/{checked_day.school_a1.id}?date=2026-13-45"))
    assert "Not a valid date" in page
    assert client.get(f"/reports/ledger.xlsx?date=yesterday").status_code == 302
    assert client.get("/reports/completeness?unit_id=abc").status_code == 200
    for far in ("0001-01-01", "9999-12-31"):  # the day before or after would overflow
        assert "Choose a day between 2000-01-01 and 2099-12-31" in _text(
            client.get(f"/reports/completeness?date={far}")), far
        assert client.get(f"/reports/ledger.xlsx?date={far}").status_code == 302


def test_a_persons_history_shows_every_entry(checked_day, as_user):
    student = checked_day.students_a1_1[0]
    push_one(checked_day.users.homeroom_a1, "health_check", check(student, temperature=36.9), at(8, 30))
    client = as_user("homeroom_a1")
    client.set_cookie("lang", "en")
    page = _text(client.get(f"/reports/person/{student.id}"))
    assert "38.4" in page and "36.9" in page and "Superseded" in page and "sent home" in page


def test_completeness_page_for_a_township(checked_day, as_user):
    client = as_user("township_a")
    page = _text(client.get(f"/reports/completeness?date={DAY}"))
    assert "东镇一小" in page and "东镇中学" in page and "西镇一小" not in page
    only_missing = _text(client.get(f"/reports/completeness?date={DAY}&missing=1"))
    assert "一(2)班" in only_missing and f"/reports/{checked_day.class_a1_1.id}?" not in only_missing


def test_the_ledger_opens_in_a_spreadsheet_with_one_row_per_person_and_session(checked_day, as_user):
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    response = client.get(f"/reports/ledger.xlsx?date={DAY}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = data_rows(response.data)
    assert header(response.data) == ("Date", "Session", "Township", "School", "Class", "Group", "Name", "Checked",
                                     "At school", "Absence reason", "Temperature (°C)", "Symptoms", "Note",
                                     "Recorded by", "Recorded at")
    first = rows[0]
    assert first[:8] == (datetime(2026, 3, 2), "Morning check", "东镇", "东镇一小", "一(1)班", "Student",
                         checked_day.students_a1_1[0].name, "Yes")
    assert (first[8], first[10], first[12], first[13], first[14]) == ("Yes", 38.4, "sent home", "homeroom_a1",
                                                                      datetime(2026, 3, 2, 7, 40))
    absent = next(row for row in rows if row[6] == checked_day.students_a1_2[0].name)
    assert (absent[8], absent[9], absent[11]) == ("No", "Illness", "Cough")
    staff = next(row for row in rows if row[6] == checked_day.teacher_a1_1.name)
    assert (staff[4], staff[5], staff[7], staff[10]) == (None, "Staff", "Yes", 36.7)


def test_a_normal_check_without_a_temperature_reads_normal_not_measured_in_the_ledger(county, as_user):
    """"Everyone normal" saves no temperature: the ledger says 未测 and 无, never an empty cell."""
    student, absent = county.students_a1_1[0], county.students_a1_1[1]
    push(county.users.homeroom_a1, record("health_check", check(student)),
         record("health_check", check(absent, present=False, absence_reason="personal")))
    rows = data_rows(as_user("homeroom_a1").get(f"/reports/ledger.xlsx?date={DAY}").data)
    normal = next(row for row in rows if row[6] == student.name and row[1] == "晨检")
    assert (normal[7], normal[8], normal[10], normal[11]) == ("是", "是", "未测", "无")
    away = next(row for row in rows if row[6] == absent.name and row[1] == "晨检")
    assert (away[8], away[9], away[10], away[11]) == ("否", "事假", None, None)  # nothing to measure
    history = _text(as_user("homeroom_a1").get(f"/reports/person/{student.id}"))
    assert "未测体温" in history


def test_the_ledger_shows_who_was_not_checked_students_first_then_staff(checked_day, as_user):
    """Every active person on the roll and every session: a missed check is a row (未检), not a gap."""
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    rows = data_rows(client.get(f"/reports/ledger.xlsx?date={DAY}").data)
    people = checked_day.students_a1_1 + checked_day.students_a1_2
    assert len([row for row in rows if row[5] == "Student"]) == 2 * len(people)
    noon = [row for row in rows if row[5] == "Student" and row[1] == "Noon check"]
    assert {row[7] for row in noon} == {"Not checked"} and all(row[8] is None for row in noon)
    missed_morning = {row[6] for row in rows if row[1] == "Morning check" and row[7] == "Not checked"}
    assert {s.name for s in checked_day.students_a1_2[1:]} <= missed_morning
    assert checked_day.teacher_a1_2.name in missed_morning
    groups = [row[5] for row in rows]
    assert groups == sorted(groups, key=lambda group: group != "Student")  # students, then staff


def test_a_student_checked_then_gone_from_the_roll_keeps_the_check_and_owes_no_other(checked_day, as_user):
    """Checked this morning, then left the school, or moved to class 1-2: the check stays in the ledger,
    once, and a student who left owes no noon check (no 未检 row); one who moved shows in the new class."""
    left, moved = checked_day.students_a1_1[0], checked_day.students_a1_1[1]
    left.active = False
    moved.klass = checked_day.class_a1_2
    db.session.commit()
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    rows = data_rows(client.get(f"/reports/ledger.xlsx?date={DAY}").data)
    assert [(row[1], row[4], row[7], row[10]) for row in rows if row[6] == left.name] == [
        ("Morning check", "一(1)班", "Yes", 38.4)]
    assert [(row[1], row[4], row[7]) for row in rows if row[6] == moved.name] == [
        ("Morning check", "一(2)班", "Yes"), ("Noon check", "一(2)班", "Not checked")]


def test_the_ledger_follows_the_schools_order_of_grades_and_classes(county, as_user):
    """一(2)班 before 一(10)班, 二年级 before 三年级: never by code point."""
    from webapp.org import operations as org
    school = county.school_a1
    third, second = org.create_unit(UnitKind.grade, "三年级", school), org.create_unit(UnitKind.grade, "二年级", school)
    grade_one = county.class_a1_1.parent
    tenth = org.create_unit(UnitKind.klass, "一(10)班", grade_one)
    for klass in (org.create_unit(UnitKind.klass, "三(1)班", third), org.create_unit(UnitKind.klass, "二(1)班", second),
                  tenth):
        db.session.add(Student(klass=klass, student_no=f"N{klass.id}", name=f"生{klass.id}", gender=Gender.male,
                               birth_date=date(2016, 1, 1)))
    db.session.commit()
    rows = data_rows(as_user("school_a1").get(f"/reports/ledger.xlsx?date={DAY}").data)
    classes = list(dict.fromkeys(row[4] for row in rows if row[4]))
    assert classes == ["一(1)班", "一(2)班", "一(10)班", "二(1)班", "三(1)班"]


def test_the_ledger_of_a_teacher_holds_only_her_class(checked_day, as_user):
    client = as_user("homeroom_a1")
    response = client.get(f"/reports/ledger.xlsx?date={DAY}")
    assert {row[6] for row in data_rows(response.data)} == {s.name for s in checked_day.students_a1_1}


def test_a_class_register_from_the_county_names_its_school_in_the_file_and_its_name(checked_day, as_user):
    """A county holds many 一(1)班: the class's register says which school's, on the sheet and in the file name."""
    from urllib.parse import unquote
    response = as_user("county").get(f"/reports/ledger.csv?unit_id={checked_day.class_a1_1.id}&date={DAY}")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("单位：东镇一小 一(1)班")
    assert unquote(response.headers["Content-Disposition"]).endswith(f"晨午检台账 东镇一小 一(1)班 {DAY}.csv")


def test_the_ledger_speaks_chinese_by_default(checked_day, as_user):
    client = as_user("school_a1")
    response = client.get(f"/reports/ledger.xlsx?date={DAY}")
    assert header(response.data)[:2] == ("日期", "时段") and data_rows(response.data)[0][5] == "学生"


def test_text_typed_on_a_phone_never_becomes_a_formula_in_the_ledger(checked_day, as_user):
    """A note, a name and a recorded-by beginning with =, +, -, @, a tab or CR stay the text typed."""
    planted = ["=HYPERLINK(\"http://x\",\"a\")", "+1+1", "-2+3", "@SUM(A1)"]  # a push strips tabs and CRs
    students = checked_day.students_a1_1
    for student, note in zip(students, planted):
        push_one(checked_day.users.homeroom_a1, "health_check", check(student, temperature=36.6, note=note), at(8, 0))
    students[0].name = "=1+1"
    checked_day.users.homeroom_a1.display_name = "@cmd"
    db.session.commit()
    data = as_user("school_a1").get(f"/reports/ledger.xlsx?date={DAY}").data
    assert formula_cells(data) == []
    rows = data_rows(data)
    assert set(planted) <= {row[12] for row in rows}
    assert "=1+1" in {row[6] for row in rows} and "@cmd" in {row[13] for row in rows}


def test_a_large_area_lists_schools_not_every_class(checked_day, as_user, monkeypatch):
    monkeypatch.setattr("webapp.health.routes.CLASSES_LISTED", 1)
    client = as_user("township_a")
    page = _text(client.get(f"/reports/completeness?date={DAY}"))
    assert f"/reports/completeness?unit_id={checked_day.school_a1.id}" in page
    assert f"/reports/{checked_day.class_a1_1.id}?" not in page
    drilled = _text(client.get(f"/reports/completeness?unit_id={checked_day.school_a1.id}&date={DAY}&missing=1"))
    assert f"/reports/{checked_day.class_a1_2.id}?" in drilled

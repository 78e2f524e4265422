"""A small county for the tests, built through the same operations the app uses.

县 Test County
├── 东镇 (township A): 东镇一小 (school A1: grade 1, classes 1-1 and 1-2), 东镇中学 (school A2), 东村 (village)
└── 西镇 (township B): 西镇一小 (school B1: grade 1, class 1-1), 西村 (village)
Accounts (password "pass-1234"): county, township_a, school_a1, school_b1, homeroom_a1 (class 1-1 of A1),
homeroom_a1_2 (class 1-2 of A1), homeroom_b1, teacher_a1 (school A1), volunteer_a (village 东村).
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from webapp.org import operations as org
from webapp.org.models import Gender, Role, Staff, Student, UnitKind

PASSWORD = "pass-1234"


def _students(session, klass, prefix: str, count: int) -> list[Student]:
    students = [Student(klass=klass, student_no=f"{prefix}{i:03d}", name=f"学生{prefix}{i:03d}",
                        gender=Gender.female if i % 2 else Gender.male, birth_date=date(2015, 1, 1 + i),
                        guardian_name=f"家长{i}", guardian_phone=f"1380000{i:04d}") for i in range(1, count + 1)]
    session.add_all(students)
    return students


def _staff(session, unit, name: str, phone: str, **kwargs) -> Staff:
    staff = Staff(unit=unit, name=name, phone=phone, **kwargs)
    session.add(staff)
    return staff


def build_county(session) -> SimpleNamespace:
    c = SimpleNamespace()
    c.county = org.create_unit(UnitKind.county, "测试县", None)
    c.township_a = org.create_unit(UnitKind.township, "东镇", c.county)
    c.township_b = org.create_unit(UnitKind.township, "西镇", c.county)
    c.school_a1 = org.create_unit(UnitKind.school, "东镇一小", c.township_a)
    c.school_a2 = org.create_unit(UnitKind.school, "东镇中学", c.township_a)
    c.school_b1 = org.create_unit(UnitKind.school, "西镇一小", c.township_b)
    c.village_a = org.create_unit(UnitKind.village, "东村", c.township_a)
    c.village_b = org.create_unit(UnitKind.village, "西村", c.township_b)
    grade_a1 = org.create_unit(UnitKind.grade, "一年级", c.school_a1)
    grade_b1 = org.create_unit(UnitKind.grade, "一年级", c.school_b1)
    c.class_a1_1 = org.create_unit(UnitKind.klass, "一(1)班", grade_a1)
    c.class_a1_2 = org.create_unit(UnitKind.klass, "一(2)班", grade_a1)
    c.class_b1_1 = org.create_unit(UnitKind.klass, "一(1)班", grade_b1)
    c.grade_a1, c.grade_b1 = grade_a1, grade_b1
    c.students_a1_1 = _students(session, c.class_a1_1, "A11", 5)
    c.students_a1_2 = _students(session, c.class_a1_2, "A12", 4)
    c.students_b1_1 = _students(session, c.class_b1_1, "B11", 3)
    c.teacher_a1_1 = _staff(session, c.school_a1, "王老师", "13900000001", position="班主任", party_member=True)
    c.teacher_a1_2 = _staff(session, c.school_a1, "李老师", "13900000002", position="班主任")
    c.teacher_b1 = _staff(session, c.school_b1, "张老师", "13900000003", position="班主任")
    c.volunteer = _staff(session, c.village_a, "赵志愿", "13900000009", party_member=True, is_volunteer=True)
    session.flush()
    _accounts(c)
    return c


def _accounts(c: SimpleNamespace) -> None:
    def account(username, role, scope, staff=None):
        return org.create_account(username, username, role, scope, PASSWORD, staff=staff,
                                  must_change_password=False)
    c.users = SimpleNamespace(
        county=account("county", Role.county_admin, c.county),
        township_a=account("township_a", Role.township_admin, c.township_a),
        school_a1=account("school_a1", Role.school_admin, c.school_a1),
        school_b1=account("school_b1", Role.school_admin, c.school_b1),
        homeroom_a1=account("homeroom_a1", Role.homeroom_teacher, c.class_a1_1, c.teacher_a1_1),
        homeroom_a1_2=account("homeroom_a1_2", Role.homeroom_teacher, c.class_a1_2, c.teacher_a1_2),
        homeroom_b1=account("homeroom_b1", Role.homeroom_teacher, c.class_b1_1, c.teacher_b1),
        teacher_a1=account("teacher_a1", Role.teacher, c.school_a1),
        volunteer_a=account("volunteer_a", Role.volunteer, c.village_a, c.volunteer),
    )

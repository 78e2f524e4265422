"""The school's order of grades and classes (webapp/org/ordering.py), on every screen that lists them."""
from __future__ import annotations

from webapp.dashboard.operations import completeness, overview
from webapp.extensions import db
from webapp.org import operations as org
from sqlalchemy import select

from webapp.org.models import Gender, Student, Unit, UnitKind
from webapp.org.ordering import in_school_order, unit_key
from webapp.org.queries import unit_tree
from tests.health.helpers import DAY


def test_numbers_in_names_are_compared_as_numbers():
    grades = ["六年级", "一年级", "三年级", "二年级", "五年级", "四年级"]
    assert sorted(grades, key=unit_key) == ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
    classes = ["一(10)班", "二(1)班", "一(2)班", "一(1)班"]
    assert sorted(classes, key=unit_key) == ["一(1)班", "一(2)班", "一(10)班", "二(1)班"]
    assert sorted(["初三", "初一", "初二", "十二班", "九班"], key=unit_key) == ["九班", "十二班", "初一", "初二", "初三"]
    assert sorted(["7年级", "10年级", "8年级"], key=unit_key) == ["7年级", "8年级", "10年级"]


def _grades(county):
    """Grades and classes added out of order, as an import would create them."""
    school = county.school_a1
    third = org.create_unit(UnitKind.grade, "三年级", school)
    second = org.create_unit(UnitKind.grade, "二年级", school)
    org.create_unit(UnitKind.klass, "三(1)班", third)
    org.create_unit(UnitKind.klass, "二(1)班", second)
    org.create_unit(UnitKind.klass, "一(10)班", county.class_a1_1.parent)
    db.session.commit()


def test_the_tree_and_the_units_below_follow_the_schools_order(county):
    _grades(county)
    assert [node.name for node in unit_tree(county.school_a1).children] == ["一年级", "二年级", "三年级"]
    assert [row.unit.name for row in overview(county.school_a1)["children"]] == ["一年级", "二年级", "三年级"]


def test_completeness_lists_classes_in_the_schools_order(county):
    _grades(county)
    (school,) = completeness(county.school_a1, DAY).schools
    assert [line.name for line in school.classes] == ["一(1)班", "一(2)班", "一(10)班", "二(1)班", "三(1)班"]


def test_the_units_page_and_a_school_report_list_classes_in_order(county, as_user):
    _grades(county)
    page = as_user("school_a1").get(f"/reports/{county.school_a1.id}?date={DAY}").get_data(as_text=True)
    positions = [page.index(name) for name in ("一(1)班", "一(2)班", "一(10)班", "二(1)班", "三(1)班")]
    assert positions == sorted(positions)


def test_sql_sorts_units_as_the_school_orders_them(county):
    """Paged lists and exports sort in SQL by Unit.sort_key; it must agree with the school's order,
    also once ids cross a digit (unit 10 after unit 9) and after a rename or a move."""
    _grades(county)
    grade = county.class_a1_1.parent
    for number in range(12, 2, -1):  # made in reverse, as an import in another order would
        org.create_unit(UnitKind.klass, f"一({number})班", grade)
    db.session.commit()
    by_sql = list(db.session.scalars(select(Unit).order_by(Unit.sort_key, Unit.id)))
    assert [u.id for u in by_sql] == [u.id for u in in_school_order(list(db.session.scalars(select(Unit))))]
    classes = [u.name for u in by_sql if u.kind is UnitKind.klass and u.path.startswith(county.school_a1.path)]
    assert classes[:4] == ["一(1)班", "一(2)班", "一(3)班", "一(4)班"] and classes[-3:] == ["一(12)班", "二(1)班", "三(1)班"]

    org.change_unit(county.class_a1_1, "一(99)班", None, None)  # renamed: now the last of grade one
    db.session.commit()
    names = [u.name for u in db.session.scalars(select(Unit).where(Unit.kind == UnitKind.klass,
             Unit.path.startswith(county.school_a1.path)).order_by(Unit.sort_key))]
    assert names.index("一(99)班") == names.index("一(12)班") + 1


def test_the_people_list_goes_class_by_class_in_the_schools_order(county, as_user):
    org.change_unit(county.class_a1_1, "一(12)班", None, None)  # an older class, renamed
    later = org.create_unit(UnitKind.klass, "一(3)班", county.class_a1_1.parent)  # made after it
    db.session.add(Student(name="三班学生", student_no="Z3", class_id=later.id, gender=Gender.female))
    db.session.commit()
    page = as_user("school_a1").get(f"/people?unit_id={county.school_a1.id}").get_data(as_text=True)
    assert page.index("三班学生") < page.index(county.students_a1_1[0].name)  # 一(3)班 before 一(12)班

"""The school's order of grades and classes (webapp/org/ordering.py), on every screen that lists them."""
from __future__ import annotations

from webapp.dashboard.operations import completeness, overview
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import UnitKind
from webapp.org.ordering import unit_key
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

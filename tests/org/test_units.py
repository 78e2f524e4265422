"""The hierarchy screens: the tree with head counts, a unit's page, adding, renaming and moving units."""
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Unit, UnitChange, UnitKind
from webapp.org.queries import unit_tree


def _units_named(name: str) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.name == name)))


def test_the_tree_counts_active_students_and_staff_of_each_subtree(county):
    tree = unit_tree(county.county)
    assert (tree.students, tree.staff) == (12, 4)
    by_name = {node.name: node for node in tree.children}
    assert (by_name["东镇"].students, by_name["东镇"].staff) == (9, 3)  # 2 teachers and the village volunteer
    assert (by_name["西镇"].students, by_name["西镇"].staff) == (3, 1)
    schools = {node.name: node.students for node in by_name["东镇"].children}
    assert schools == {"东镇一小": 9, "东镇中学": 0, "东村": 0}
    # Two levels: the county's tree stops at schools; grades are one click further.
    assert all(not school.children for school in by_name["东镇"].children)


def test_a_student_who_left_is_not_counted(county):
    county.students_a1_1[0].active = False
    db.session.commit()
    assert unit_tree(county.school_a1).students == 8


def test_the_units_page_shows_my_area_only(county, as_user):
    page = as_user("school_a1").get("/units").get_data(as_text=True)
    assert "东镇一小" in page and "一(2)班" in page
    assert "西镇一小" not in page and "东镇中学" not in page


def test_the_county_sees_every_township_and_school(county, as_user):
    page = as_user("county").get("/units").get_data(as_text=True)
    for name in ("东镇", "西镇", "东镇一小", "东镇中学", "西镇一小", "东村"):
        assert name in page


def test_a_unit_page_shows_where_it_stands_what_is_below_and_who_answers_for_it(county, as_user):
    org.assign_responsibility(county.teacher_a1_1, county.grade_a1)
    db.session.commit()
    page = as_user("school_a1").get(f"/units/{county.grade_a1.id}").get_data(as_text=True)
    assert "东镇一小" in page and "东镇" in page  # the breadcrumb
    assert "一(1)班" in page and "一(2)班" in page  # the children
    assert "王老师" in page  # responsible


def test_add_a_grade_below_a_school(county, as_user):
    response = as_user("school_a1").post(f"/units/{county.school_a1.id}/children",
                                         data={"add-kind": "grade", "add-name": " 二年级 "})
    assert response.status_code == 302
    [grade] = _units_named("二年级")
    assert grade.kind is UnitKind.grade and grade.parent_id == county.school_a1.id
    assert grade.path == f"{county.school_a1.path}{grade.id}/"


def test_a_kind_that_cannot_stand_there_is_refused(county, as_user):
    response = as_user("school_a1").post(f"/units/{county.school_a1.id}/children",
                                         data={"add-kind": "class", "add-name": "三(1)班"})
    assert response.status_code == 200
    assert _units_named("三(1)班") == []


def test_a_second_unit_of_the_same_name_in_one_place_is_refused(county, client, as_user):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    response = client.post(f"/units/{county.school_a1.id}/children", data={"add-kind": "grade", "add-name": "一年级"})
    assert response.status_code == 200
    assert "A unit of this name already stands there." in response.get_data(as_text=True)
    assert len(_units_named("一年级")) == 2  # A1's and B1's, as before


def test_a_blank_name_is_refused(county, as_user):
    before = db.session.scalar(select(func.count()).select_from(Unit))
    response = as_user("school_a1").post(f"/units/{county.school_a1.id}/children",
                                         data={"add-kind": "grade", "add-name": "   "})
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before


def test_nothing_can_be_added_below_a_class(county, as_user):
    response = as_user("school_a1").post(f"/units/{county.class_a1_1.id}/children",
                                         data={"add-kind": "class", "add-name": "x"})
    assert response.status_code == 302
    assert _units_named("x") == []


def test_renaming_keeps_the_old_name_in_the_history(county, as_user):
    client = as_user("school_a1")
    response = client.post(f"/units/{county.class_a1_1.id}/change",
                           data={"change-name": "一(1)班（火箭班）", "change-parent": county.grade_a1.id})
    assert response.status_code == 302
    change = db.session.scalars(select(UnitChange)).one()
    assert (change.old_name, change.new_name) == ("一(1)班", "一(1)班（火箭班）")
    assert change.changed_by.username == "school_a1"
    assert change.old_parent_id == change.new_parent_id == county.grade_a1.id
    page = client.get(f"/units/{county.class_a1_1.id}").get_data(as_text=True)
    assert "一(1)班（火箭班）" in page and "一(1)班" in page and "school_a1" in page


def test_saving_without_a_change_writes_no_history(county, as_user):
    as_user("school_a1").post(f"/units/{county.class_a1_1.id}/change",
                              data={"change-name": "一(1)班", "change-parent": county.grade_a1.id})
    assert db.session.scalars(select(UnitChange)).all() == []


def test_an_admin_may_rename_the_unit_at_the_top_of_their_area(county, as_user):
    # Its parent lies above the admin's area: it may stay there, but nothing else.
    response = as_user("school_a1").post(f"/units/{county.school_a1.id}/change",
                                         data={"change-name": "东镇第一小学", "change-parent": county.township_a.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, county.school_a1.id).name == "东镇第一小学"


def test_moving_a_school_moves_its_whole_subtree_and_keeps_history(county, as_user):
    client = as_user("county")
    response = client.post(f"/units/{county.school_a1.id}/change",
                           data={"change-name": "东镇一小", "change-parent": county.township_b.id})
    assert response.status_code == 302
    db.session.expire_all()
    school, klass = db.session.get(Unit, county.school_a1.id), db.session.get(Unit, county.class_a1_1.id)
    assert school.parent_id == county.township_b.id
    assert klass.path.startswith(county.township_b.path) and klass.path.startswith(school.path)
    assert org.unit_label(klass) == "西镇 / 东镇一小 / 一年级 / 一(1)班"
    change = db.session.scalars(select(UnitChange)).one()
    assert (change.old_parent_id, change.new_parent_id) == (county.township_a.id, county.township_b.id)
    page = client.get(f"/units/{school.id}").get_data(as_text=True)
    assert "东镇" in page and "西镇" in page


def test_a_township_admin_cannot_move_a_school_out_of_their_township(county, as_user):
    response = as_user("township_a").post(f"/units/{county.school_a1.id}/change",
                                          data={"change-name": "东镇一小", "change-parent": county.township_b.id})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Unit, county.school_a1.id).parent_id == county.township_a.id
    assert db.session.scalars(select(UnitChange)).all() == []


def test_a_unit_cannot_move_under_a_unit_of_the_wrong_kind(county, as_user):
    response = as_user("county").post(f"/units/{county.school_a1.id}/change",
                                      data={"change-name": "东镇一小", "change-parent": county.school_a2.id})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Unit, county.school_a1.id).parent_id == county.township_a.id


def test_a_bad_parent_value_gets_a_message_not_an_error(county, as_user):
    response = as_user("county").post(f"/units/{county.school_a1.id}/change",
                                      data={"change-name": "东镇一小", "change-parent": "not-a-number"})
    assert response.status_code == 200


def test_the_move_choices_leave_out_the_units_own_subtree_and_other_areas(county, as_user):
    page = as_user("township_a").get(f"/units/{county.school_a1.id}").get_data(as_text=True)
    select_html = page[page.index('name="change-parent"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert f'value="{county.township_a.id}"' in select_html
    assert f'value="{county.township_b.id}"' not in select_html

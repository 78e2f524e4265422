"""Who may open what: every role against every office screen, inside and outside their area.

403 = the role never may; 404 = the role may, but this row lies outside the user's area (its
existence is not revealed). The county of tests/factories.py: township A (schools A1, A2, village),
township B (school B1, village).
"""
import pytest
from sqlalchemy import select

from webapp.errors import RuleError
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import GRANTABLE_ROLES, ROLE_SCOPE_KINDS, Role, Student, Unit, UnitKind, User

# (username, url made from the county, expected status)
MATRIX = [
    # a homeroom teacher: their own class only; never staff, units or accounts
    ("homeroom_a1", lambda c: "/people", 200),
    ("homeroom_a1", lambda c: f"/people/{c.students_a1_1[0].id}", 200),
    ("homeroom_a1", lambda c: f"/people/{c.students_a1_1[0].id}/edit", 200),
    ("homeroom_a1", lambda c: f"/people/{c.students_a1_2[0].id}", 404),
    ("homeroom_a1", lambda c: f"/people/{c.students_a1_2[0].id}/edit", 404),
    ("homeroom_a1", lambda c: f"/people?unit={c.class_a1_2.id}", 404),
    ("homeroom_a1", lambda c: f"/people/{c.students_b1_1[0].id}", 404),
    ("homeroom_a1", lambda c: "/staff", 403),
    ("homeroom_a1", lambda c: "/units", 403),
    ("homeroom_a1", lambda c: "/accounts", 403),
    ("homeroom_a1", lambda c: "/me/responsibilities", 200),
    ("homeroom_a1", lambda c: "/people/new", 403),  # adding a student is the school's (issue 7.17)
    # a subject teacher: reads the students she answers for (none here), edits nothing
    ("teacher_a1", lambda c: f"/people/{c.students_a1_2[0].id}", 404),
    ("teacher_a1", lambda c: "/reports/completeness", 403),
    ("teacher_a1", lambda c: f"/reports/{c.school_a1.id}", 403),
    ("teacher_a1", lambda c: f"/reports/staff/{c.teacher_a1_1.id}", 403),
    ("teacher_a1", lambda c: f"/people/{c.students_a1_2[0].id}/edit", 403),
    ("teacher_a1", lambda c: "/people/new", 403),
    ("teacher_a1", lambda c: f"/people/{c.students_b1_1[0].id}", 404),
    ("teacher_a1", lambda c: "/staff", 403),
    # a volunteer: none of the office screens of people
    ("volunteer_a", lambda c: "/people", 403),
    ("volunteer_a", lambda c: f"/people/{c.students_a1_1[0].id}", 403),
    ("volunteer_a", lambda c: "/staff", 403),
    ("volunteer_a", lambda c: f"/staff/{c.volunteer.id}", 403),
    ("volunteer_a", lambda c: "/units", 403),
    ("volunteer_a", lambda c: "/accounts", 403),
    ("volunteer_a", lambda c: "/me/responsibilities", 200),
    # a school admin: their school; another school's students, staff, units and accounts are not found
    ("school_a1", lambda c: f"/people/{c.students_a1_2[0].id}/edit", 200),
    ("school_a1", lambda c: f"/people/{c.students_b1_1[0].id}", 404),
    ("school_a1", lambda c: f"/people/{c.students_b1_1[0].id}/edit", 404),
    ("school_a1", lambda c: f"/staff/{c.teacher_a1_1.id}", 200),
    ("school_a1", lambda c: f"/staff/{c.teacher_b1.id}", 404),
    ("school_a1", lambda c: f"/staff/{c.teacher_b1.id}/edit", 404),
    ("school_a1", lambda c: f"/units/{c.class_a1_1.id}", 200),
    ("school_a1", lambda c: f"/units/{c.school_b1.id}", 404),
    ("school_a1", lambda c: f"/units/{c.school_a2.id}", 404),
    ("school_a1", lambda c: f"/units/{c.township_a.id}", 404),
    ("school_a1", lambda c: f"/accounts/{c.users.homeroom_a1.id}", 200),
    ("school_a1", lambda c: f"/accounts/{c.users.school_b1.id}", 404),
    ("school_a1", lambda c: f"/accounts/{c.users.county.id}", 404),
    ("school_a1", lambda c: f"/people?unit={c.school_b1.id}", 404),
    ("school_a1", lambda c: f"/accounts/new?staff={c.teacher_b1.id}", 404),
    # a township admin: their township, nothing of the other
    ("township_a", lambda c: f"/people/{c.students_a1_1[0].id}", 200),
    ("township_a", lambda c: f"/people/{c.students_b1_1[0].id}", 404),
    ("township_a", lambda c: f"/staff/{c.volunteer.id}", 200),
    ("township_a", lambda c: f"/staff/{c.teacher_b1.id}", 404),
    ("township_a", lambda c: f"/units/{c.school_a2.id}", 200),
    ("township_a", lambda c: f"/units/{c.township_b.id}", 404),
    ("township_a", lambda c: f"/accounts/{c.users.school_a1.id}", 200),
    ("township_a", lambda c: f"/accounts/{c.users.homeroom_b1.id}", 404),
    # the county: everything
    ("county", lambda c: f"/people/{c.students_b1_1[0].id}", 200),
    ("county", lambda c: f"/units/{c.county.id}", 200),
    ("county", lambda c: f"/accounts/{c.users.township_a.id}", 200),
]


@pytest.mark.parametrize("username, url, status", MATRIX,
                         ids=[f"{u}-{i}" for i, (u, _, _) in enumerate(MATRIX)])
def test_who_may_open_what(county, as_user, username, url, status):
    assert as_user(username).get(url(county)).status_code == status


def _names(page) -> set[str]:
    text = page.get_data(as_text=True)
    return {s.name for s in db.session.scalars(select(Student)) if s.name in text}


def test_a_homeroom_teacher_lists_only_their_class(county, as_user):
    assert _names(as_user("homeroom_a1").get("/people")) == {s.name for s in county.students_a1_1}


def test_a_subject_teacher_lists_only_the_students_she_answers_for(county, as_user):
    """Her scope is the school, yet she sees the students of the class she is responsible for and the
    one student she answers for by name (issue 12.9), no other student nor any guardian's phone."""
    from webapp.org.models import Staff
    teacher = Staff(unit=county.school_a1, name="钱老师", phone="13900000077")
    db.session.add(teacher)
    db.session.flush()
    county.users.teacher_a1.staff_id = teacher.id
    org.assign_responsibility(teacher, county.class_a1_1)
    org.assign_responsibility(teacher, county.students_a1_2[0])
    db.session.commit()
    client = as_user("teacher_a1")
    mine = {s.name for s in county.students_a1_1} | {county.students_a1_2[0].name}
    assert _names(client.get("/people")) == mine
    assert client.get(f"/people/{county.students_a1_2[1].id}").status_code == 404
    assert client.get(f"/people/{county.students_a1_2[0].id}").status_code == 200


def test_a_township_admin_lists_only_their_township(county, as_user):
    client = as_user("township_a")
    assert _names(client.get("/people")) == {s.name for s in county.students_a1_1 + county.students_a1_2}
    units = client.get("/units").get_data(as_text=True)
    assert "东镇一小" in units and "东镇中学" in units and "西镇一小" not in units


def test_a_homeroom_teacher_cannot_edit_another_class(county, as_user):
    other = county.students_a1_2[0]
    response = as_user("homeroom_a1").post(f"/people/{other.id}/edit",
                                           data={"name": "改名", "student_no": other.student_no,
                                                 "class_id": county.class_a1_1.id, "gender": "male"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Student, other.id).name == other.name


def test_a_homeroom_teacher_cannot_move_a_student_into_another_class(county, as_user):
    student = county.students_a1_1[0]
    response = as_user("homeroom_a1").post(f"/people/{student.id}/edit",
                                           data={"name": student.name, "student_no": student.student_no,
                                                 "class_id": county.class_a1_2.id, "gender": "male"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Student, student.id).class_id == county.class_a1_1.id


@pytest.mark.parametrize("username, status", [("teacher_a1", 403), ("volunteer_a", 403)])
def test_teachers_and_volunteers_cannot_edit(county, as_user, username, status):
    student = county.students_a1_1[0]
    client = as_user(username)
    data = {"name": "改名", "student_no": student.student_no, "class_id": county.class_a1_1.id, "gender": "male"}
    assert client.post(f"/people/{student.id}/edit", data=data).status_code == status
    assert client.post("/people/new", data=dict(data, student_no="X1")).status_code == status
    assert client.post(f"/units/{county.class_a1_1.id}/change", data={"change-name": "x"}).status_code == status
    assert client.post("/responsibilities", data={"staff_id": county.teacher_a1_1.id, "target_kind": "student",
                                                  "target_id": student.id, "action": "add"}).status_code == status
    db.session.expire_all()
    assert db.session.get(Student, student.id).name == student.name


def test_only_admins_change_responsibility_chains(county, as_user):
    response = as_user("homeroom_a1").post("/responsibilities", data={
        "staff_id": county.teacher_a1_1.id, "target_kind": "student", "target_id": county.students_a1_1[0].id,
        "action": "add"})
    assert response.status_code == 403


@pytest.mark.parametrize("staff, target_kind, target", [
    ("teacher_b1", "student", "student_a"),  # the staff member is outside the area
    ("teacher_a1_1", "student", "student_b"),  # the student is
    ("teacher_a1_1", "unit", "school_b1"),  # the unit is
    ("teacher_a1_1", "staff", "teacher_b1"),  # the colleague is
])
def test_both_ends_of_a_responsibility_lie_in_my_area(county, as_user, staff, target_kind, target):
    objects = {"teacher_b1": county.teacher_b1, "teacher_a1_1": county.teacher_a1_1, "school_b1": county.school_b1,
               "student_a": county.students_a1_1[0], "student_b": county.students_b1_1[0]}
    response = as_user("school_a1").post("/responsibilities", data={
        "staff_id": objects[staff].id, "target_kind": target_kind, "target_id": objects[target].id, "action": "add"})
    assert response.status_code == 404
    assert org.responsibilities_of(objects[staff]) == []


def test_a_bad_responsibility_form_is_a_400_not_a_500(county, as_user):
    response = as_user("school_a1").post("/responsibilities", data={"staff_id": "x", "target_kind": "planet"})
    assert response.status_code == 400


# ---- grant rules -----------------------------------------------------------------------------

def _unit_for(county, kind: UnitKind) -> Unit:
    return {UnitKind.county: county.county, UnitKind.township: county.township_a, UnitKind.school: county.school_a1,
            UnitKind.grade: county.grade_a1, UnitKind.klass: county.class_a1_1,
            UnitKind.village: county.village_a}[kind]


@pytest.mark.parametrize("granter", ["county", "township_a", "school_a1"])
@pytest.mark.parametrize("role", list(Role))
def test_grant_rules(app, county, granter, role):
    """An admin gives exactly the roles of GRANTABLE_ROLES, each with an area of a fitting kind in their own."""
    admin = getattr(county.users, granter)
    scope = _unit_for(county, ROLE_SCOPE_KINDS[role][0])
    allowed = role in GRANTABLE_ROLES[admin.role] and admin.scope.contains(scope)
    with app.test_request_context():  # the refusal's message is translated
        try:
            org.check_grant(admin, role, scope)
        except RuleError:
            assert not allowed
        else:
            assert allowed


def test_grant_rules_through_the_screen(county, as_user):
    client = as_user("township_a")
    for role, scope, created in (("township_admin", county.township_a, False), ("school_admin", county.school_a1, True),
                                 ("school_admin", county.school_b1, False), ("volunteer", county.village_a, True)):
        username = f"u-{role}-{scope.id}"
        client.post("/accounts/new", data={"username": username, "display_name": "x", "role": role,
                                           "scope": scope.id})
        assert (db.session.scalar(select(User.id).where(User.username == username)) is not None) is created


# ---- moving a school moves who sees it -------------------------------------------------------

def test_students_of_a_moved_school_are_seen_by_the_new_townships_admin_only(county, client, auth):
    org.create_account("township_b", "township_b", Role.township_admin, county.township_b, "pass-1234",
                       must_change_password=False)
    db.session.commit()
    student = county.students_a1_1[0]
    auth.login("county")
    response = client.post(f"/units/{county.school_a1.id}/change",
                           data={"change-name": "东镇一小", "change-parent": county.township_b.id})
    assert response.status_code == 302
    auth.logout()
    auth.login("township_b")
    assert client.get(f"/people/{student.id}").status_code == 200
    assert student.name in client.get("/people").get_data(as_text=True)
    assert client.get(f"/units/{county.school_a1.id}").status_code == 200
    auth.logout()
    auth.login("township_a")
    assert client.get(f"/people/{student.id}").status_code == 404
    assert student.name not in client.get("/people").get_data(as_text=True)
    assert client.get(f"/units/{county.school_a1.id}").status_code == 404
    # The school's own admin keeps their school, wherever it stands.
    auth.logout()
    auth.login("school_a1")
    assert client.get(f"/people/{student.id}").status_code == 200


# ---- ids beyond the database's integers: not found, never a server error --------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url, status", [
    (f"/people/{HUGE}", 404), (f"/units/{HUGE}", 404), (f"/staff/{HUGE}/edit", 404), (f"/accounts/{HUGE}", 404),
    (f"/people?unit={HUGE}", 200), (f"/people?page={HUGE}", 200), (f"/accounts/new?staff={HUGE}", 200),
])
def test_a_huge_id_in_a_url_is_not_found(county, as_user, url, status):
    assert as_user("county").get(url).status_code == status


def test_a_huge_id_in_a_form_is_refused(county, as_user):
    client = as_user("county")
    assert client.post("/responsibilities", data={"staff_id": HUGE, "target_kind": "unit", "target_id": 1,
                                                  "action": "add"}).status_code == 400
    response = client.post("/people/new", data={"name": "x", "student_no": "X1", "gender": "male", "class_id": HUGE})
    assert response.status_code == 200
    assert db.session.scalar(select(Student).where(Student.student_no == "X1")) is None

"""Accounts: the list, create with a temporary password shown once, disable, reset, change role and area."""
import re

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import LoginSession, Role, User


def _text(response) -> str:
    return response.get_data(as_text=True)


def _account(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _temporary_password(page: str) -> str:
    return re.search(r"data-temporary-password>([a-z0-9]+)<", page).group(1)


def _new_account(county, **changes) -> dict:
    data = {"username": "liu.teacher", "display_name": "刘老师", "role": "homeroom_teacher",
            "scope": county.class_a1_2.id, "phone": ""}
    data.update(changes)
    return data


def test_the_list_shows_the_accounts_of_my_area_in_words(county, as_user, client):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    page = _text(client.get("/accounts"))
    for username in ("school_a1", "homeroom_a1", "homeroom_a1_2", "teacher_a1"):
        assert f">{username}<" in page
    for username in ("county", "township_a", "school_b1", "homeroom_b1", "volunteer_a"):
        assert f">{username}<" not in page
    assert "Homeroom teacher" in page and "homeroom_teacher" not in page


def test_search_accounts(county, as_user):
    page = _text(as_user("county").get("/accounts", query_string={"q": "homeroom"}))
    assert ">homeroom_b1<" in page and ">teacher_a1<" not in page


def test_create_an_account_and_see_its_temporary_password_once(county, as_user, client, auth):
    as_user("school_a1")
    response = client.post("/accounts/new", data=_new_account(county, phone="13711112222"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _temporary_password(_text(response))
    user = _account("liu.teacher")
    assert user.role is Role.homeroom_teacher and user.scope_unit_id == county.class_a1_2.id
    assert user.must_change_password and user.phone == "13711112222"
    assert password not in _text(client.get(f"/accounts/{user.id}"))
    auth.logout()
    assert auth.login("liu.teacher", password).status_code == 302
    assert client.get("/people").location.endswith("/password")


def test_an_account_for_a_staff_member_is_linked_to_them(county, as_user, client):
    as_user("school_a1")
    person = county.teacher_a1_2
    org.revoke_sessions(county.users.homeroom_a1_2)
    county.users.homeroom_a1_2.staff = None
    db.session.commit()
    form = _text(client.get(f"/accounts/new?staff={person.id}"))
    assert "李老师" in form and "13900000002" in form
    response = client.post(f"/accounts/new?staff={person.id}", data=_new_account(county, display_name="李老师"))
    assert response.status_code == 200
    assert _account("liu.teacher").staff_id == person.id


def test_a_staff_member_has_one_account(county, as_user):
    response = as_user("school_a1").post(f"/accounts/new?staff={county.teacher_a1_1.id}", data=_new_account(county))
    assert response.status_code == 200
    assert _account("liu.teacher") is None


def test_a_staff_member_outside_my_area_cannot_be_linked(county, as_user):
    assert as_user("school_a1").get(f"/accounts/new?staff={county.teacher_b1.id}").status_code == 404


def test_no_admin_gives_a_role_above_their_own(county, as_user, client):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    for role, scope in (("township_admin", county.township_a), ("county_admin", county.county),
                        ("volunteer", county.village_a)):
        response = client.post("/accounts/new", data=_new_account(county, role=role, scope=scope.id))
        assert response.status_code == 200
        assert _account("liu.teacher") is None
    assert "You cannot give this role." in _text(
        client.post("/accounts/new", data=_new_account(county, role="township_admin", scope=county.school_a1.id)))


def test_the_role_choices_are_the_grantable_roles(county, as_user):
    page = _text(as_user("school_a1").get("/accounts/new"))
    select_html = page[page.index('name="role"'):]
    select_html = select_html[:select_html.index("</select>")]
    offered = set(re.findall(r'value="([a-z_]+)"', select_html))
    assert offered == {"school_admin", "homeroom_teacher", "teacher"}


def test_an_area_outside_mine_is_refused(county, as_user):
    response = as_user("school_a1").post("/accounts/new", data=_new_account(county, scope=county.class_b1_1.id))
    assert response.status_code == 200
    assert _account("liu.teacher") is None


def test_an_area_of_the_wrong_kind_for_the_role_is_refused(county, as_user, client):
    as_user("school_a1")
    client.set_cookie("lang", "en")
    response = client.post("/accounts/new", data=_new_account(county, scope=county.school_a1.id))
    assert "This role cannot have that kind of unit as its scope." in _text(response)
    assert _account("liu.teacher") is None


@pytest.mark.parametrize("changes", [{"username": "homeroom_a1"}, {"username": "刘 老师"}, {"username": "ab"},
                                     {"display_name": ""}, {"phone": "12345"}, {"role": "king"},
                                     {"scope": ""}])
def test_bad_account_input_is_refused(county, as_user, changes):
    response = as_user("school_a1").post("/accounts/new", data=_new_account(county, **changes))
    assert response.status_code == 200
    assert db.session.scalar(select(User).where(User.display_name == "刘老师")) is None


def test_a_phone_number_used_by_another_account_is_refused(county, as_user):
    county.users.teacher_a1.phone = "13711112222"
    db.session.commit()
    response = as_user("school_a1").post("/accounts/new", data=_new_account(county, phone="13711112222"))
    assert response.status_code == 200
    assert _account("liu.teacher") is None


def test_disable_and_enable_an_account(county, as_user, client, auth):
    as_user("teacher_a1")
    auth.logout()
    as_user("school_a1")
    teacher = county.users.teacher_a1
    assert client.post(f"/accounts/{teacher.id}/active", data={"active": "0"}).status_code == 302
    assert _account("teacher_a1").active is False
    assert db.session.scalars(select(LoginSession).where(LoginSession.user_id == teacher.id)).all() == []
    client.post(f"/accounts/{teacher.id}/active", data={"active": "1"})
    assert _account("teacher_a1").active is True


def test_a_disabled_account_is_logged_out_at_once(county, app, as_user):
    teacher_client = app.test_client()
    teacher_client.post("/login", data={"login": "teacher_a1", "password": "pass-1234"})
    [session] = db.session.scalars(select(LoginSession).where(LoginSession.user_id == county.users.teacher_a1.id))
    session_id = session.id
    as_user("school_a1").post(f"/accounts/{county.users.teacher_a1.id}/active", data={"active": "0"})
    # (Checked on the server side: the test client shares one app context, so Flask-Login's
    # per-request cache of the user would carry over between the two clients.)
    db.session.expire_all()
    assert org.load_session(session_id) is None


def test_reset_a_password(county, as_user, client, auth):
    as_user("school_a1")
    response = client.post(f"/accounts/{county.users.teacher_a1.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _temporary_password(_text(response))
    assert _account("teacher_a1").must_change_password
    auth.logout()
    assert auth.login("teacher_a1", "pass-1234").status_code == 200  # the old password no longer works
    assert auth.login("teacher_a1", password).status_code == 302
    assert client.get("/").location.endswith("/password")


def test_change_the_role_and_area_of_an_account(county, as_user):
    teacher = county.users.teacher_a1
    response = as_user("school_a1").post(f"/accounts/{teacher.id}",
                                         data={"role": "homeroom_teacher", "scope": county.class_a1_2.id})
    assert response.status_code == 302
    user = _account("teacher_a1")
    assert user.role is Role.homeroom_teacher and user.scope_unit_id == county.class_a1_2.id


def test_a_new_role_must_fit_the_area(county, as_user):
    response = as_user("school_a1").post(f"/accounts/{county.users.teacher_a1.id}",
                                         data={"role": "homeroom_teacher", "scope": county.school_a1.id})
    assert response.status_code == 200
    assert _account("teacher_a1").role is Role.teacher


def test_an_admin_cannot_change_their_own_account_here(county, as_user):
    me = county.users.school_a1
    client = as_user("school_a1")
    client.post(f"/accounts/{me.id}/active", data={"active": "0"})
    client.post(f"/accounts/{me.id}", data={"role": "teacher", "scope": county.school_a1.id})
    user = _account("school_a1")
    assert user.active and user.role is Role.school_admin


def test_an_admin_cannot_manage_a_peer_whose_role_they_could_not_give(county, as_user):
    peer = org.create_account("township_a2", "township_a2", Role.township_admin, county.township_a, "pass-1234",
                              must_change_password=False)
    db.session.commit()
    client = as_user("township_a")
    assert client.get(f"/accounts/{peer.id}").status_code == 200  # in my area: I may look
    client.post(f"/accounts/{peer.id}/active", data={"active": "0"})
    client.post(f"/accounts/{peer.id}/password")
    assert _account("township_a2").active and not _account("township_a2").must_change_password


@pytest.mark.parametrize("method, path", [
    ("get", "/accounts/{id}"), ("post", "/accounts/{id}"), ("post", "/accounts/{id}/active"),
    ("post", "/accounts/{id}/password"),
])
def test_accounts_outside_my_area_are_not_found(county, as_user, method, path):
    other = county.users.school_b1
    response = getattr(as_user("school_a1"), method)(path.format(id=other.id), data={"active": "0"})
    assert response.status_code == 404
    assert _account("school_b1").active and not _account("school_b1").must_change_password


@pytest.mark.parametrize("role, scope, admin, above", [
    (Role.school_admin, "school_a1", "school_a1", "township_a"),
    (Role.county_admin, "county", "county", None),
])
def test_a_fellow_admin_cannot_take_over_a_peers_account_the_level_above_can(county, client, auth, role, scope,
                                                                             admin, above):
    """A peer reset would let one admin read the new password and log in as the other: it is for the level above."""
    from webapp.audit.models import AuditEntry

    peer = org.create_account("peer_admin", "peer_admin", role, getattr(county, scope), "pass-1234",
                              must_change_password=False)
    db.session.commit()
    auth.login(admin)
    page = _text(client.get(f"/accounts/{peer.id}"))
    assert "由上一级管理" in page and "重置密码" not in page
    for path, data in ((f"/accounts/{peer.id}/password", {}), (f"/accounts/{peer.id}/active", {"active": "0"}),
                       (f"/accounts/{peer.id}", {"role": "teacher", "scope": county.school_a1.id})):
        client.post(path, data=data)
    user = _account("peer_admin")
    assert user.active and user.role is role and not user.must_change_password
    assert auth.login("peer_admin", "pass-1234").status_code == 302  # nothing changed: the peer still logs in
    auth.logout()

    if above:
        auth.login(above)
        assert client.post(f"/accounts/{peer.id}/password").status_code == 200
        assert _account("peer_admin").must_change_password
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "password_reset")).all()
        assert (entry.username, entry.subject_id) == (above, str(peer.id))


def test_the_servers_operator_resets_a_county_admins_password(county, runner):
    from webapp.audit.models import AuditEntry

    result = runner.invoke(args=["reset-password", "county"])
    assert result.exit_code == 0, result.output
    password = re.findall(r"[a-z0-9]{10}", result.output)[-1]
    user = _account("county")
    assert user.must_change_password and user.check_password(password)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.subject_id, entry.username) == ("password_reset", str(user.id), "-")
    assert runner.invoke(args=["reset-password", "nobody"]).exit_code != 0

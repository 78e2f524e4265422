from webapp.extensions import db
from webapp.org.models import LoginSession


def test_login_by_username_opens_the_start_page(county, auth, client):
    response = auth.login("school_a1")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "东镇一小" in page.get_data(as_text=True)


def test_login_by_phone_number(county, client):
    county.users.homeroom_a1.phone = "13912345678"
    db.session.commit()
    response = client.post("/login", data={"login": "13912345678", "password": "pass-1234"})
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_message(county, auth):
    response = auth.login("school_a1", "wrong-password")
    assert response.status_code == 200
    assert "密码" in response.get_data(as_text=True)


def test_pages_need_a_login(client, county):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.location


def test_a_new_session_id_at_every_login(county, auth):
    auth.login("school_a1")
    first = {s.id for s in db.session.scalars(db.select(LoginSession))}
    auth.logout()
    auth.login("school_a1")
    second = {s.id for s in db.session.scalars(db.select(LoginSession))}
    assert first and second and not first & second


def test_logout_ends_the_session_on_the_server(county, auth, client):
    auth.login("school_a1")
    cookie = client.get_cookie("session")
    auth.logout()
    client.set_cookie("session", cookie.value)
    assert client.get("/").status_code == 302


def test_repeated_failed_logins_are_throttled(county, auth):
    for _ in range(5):
        assert auth.login("school_a1", "wrong").status_code == 200
    assert auth.login("school_a1", "wrong").status_code == 429
    # The throttle holds even for the right password: guessing must stop.
    assert auth.login("school_a1").status_code == 429


def test_disabled_account_cannot_log_in(county, auth):
    county.users.school_a1.active = False
    db.session.commit()
    assert auth.login("school_a1").status_code == 200


def test_first_login_with_a_temporary_password_must_change_it(county, auth, client):
    county.users.teacher_a1.must_change_password = True
    db.session.commit()
    auth.login("teacher_a1")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/password")
    response = client.post("/password", data={"current_password": "pass-1234", "new_password": "new-pass-99",
                                              "confirm": "new-pass-99"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_ui_speaks_chinese_by_default_and_english_on_request(county, client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Log in" in client.get("/login").get_data(as_text=True)

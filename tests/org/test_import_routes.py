"""The import screens: who may use them, templates, preview then confirm, passwords shown once."""
from __future__ import annotations

import io
from datetime import date
import re
import threading

import openpyxl
import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.org import importer
from webapp.org.models import Student, Unit, User
from tests.sheets import data_rows, formula_cells
from tests.org.test_importer import STAFF_HEADERS, STUDENT_HEADERS, csv_bytes, id_number, staff, student, xlsx


@pytest.fixture
def uploads(app, tmp_path):
    folder = tmp_path / "uploads"
    app.config["IMPORT_UPLOAD_DIR"] = str(folder)
    return folder


def kept_files(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, data: bytes, filename: str = "students.xlsx", kind: str = "students"):
    return client.post("/import", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def token_of(page: str) -> str:
    return re.search(r'/import/([A-Za-z0-9_-]{32})/confirm', page).group(1)


def test_only_admins_may_import(county, client, as_user, uploads):
    assert client.get("/import").status_code == 302  # not logged in: to the login page
    as_user("teacher_a1")
    assert client.get("/import").status_code == 403
    assert client.get("/import/template/students.xlsx").status_code == 403
    assert upload(client, xlsx([student("N1")], STUDENT_HEADERS)).status_code == 403
    assert kept_files(uploads) == []


def test_the_upload_page_has_a_labelled_file_control(county, as_user, uploads):
    page = as_user("school_a1").get("/import").get_data(as_text=True)
    assert re.search(r'<label for="file"', page) and 'type="file"' in page
    assert re.search(r'<label for="kind"', page)


@pytest.mark.parametrize("kind,headers", [("students", STUDENT_HEADERS), ("staff", STAFF_HEADERS)])
def test_templates_download_as_xlsx_and_csv(county, as_user, kind, headers):
    client = as_user("school_a1")
    response = client.get(f"/import/template/{kind}.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == headers
    response = client.get(f"/import/template/{kind}.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8-sig").strip().split(",") == headers
    assert client.get(f"/import/template/{kind}.pdf").status_code == 404


def test_preview_then_confirm(county, as_user, uploads):
    client = as_user("school_a1")
    rows = [student("N1", 姓名="预览甲"), student("N2", 姓名="预览乙", 年级="二年级", 班级="二(1)班")]
    students, units = count(Student), count(Unit)
    preview = upload(client, xlsx(rows, STUDENT_HEADERS))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "预览甲" in page and "东镇一小 / 二年级 / 二(1)班" in page
    assert preview.headers["Cache-Control"] == "no-store"
    assert (count(Student), count(Unit)) == (students, units)  # nothing written before the confirm
    token = token_of(page)
    assert kept_files(uploads) == [f"{token}.data", f"{token}.json"]

    done = client.post(f"/import/{token}/confirm")
    assert done.status_code == 200
    assert (count(Student), count(Unit)) == (students + 2, units + 2)
    assert kept_files(uploads) == []  # the file is gone once applied
    again = client.post(f"/import/{token}/confirm")  # a second click, or the back button
    assert again.status_code == 302 and count(Student) == students + 2


def test_a_bad_file_shows_row_column_and_keeps_nothing(county, as_user, uploads):
    client = as_user("school_a1")
    rows = [student("N1"), student("N2", 性别="男女"), student("N3", 监护人电话="12345")]
    response = upload(client, csv_bytes(rows, STUDENT_HEADERS, "gb18030"), "students.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    cells = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td>', page)
    assert cells == [("3", "性别"), ("4", "监护人电话")]
    assert kept_files(uploads) == [] and count(Student) == 12


def test_a_file_that_is_no_spreadsheet_gets_a_message_not_a_500(county, as_user, uploads):
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.xlsx")
    assert response.status_code == 200 and "not a spreadsheet" in response.get_data(as_text=True)
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 200 and "empty" in response.get_data(as_text=True)
    assert upload(client, b"a,b\n", "notes.txt").status_code == 200  # refused by its extension
    assert kept_files(uploads) == []


def test_a_school_admin_cannot_import_into_another_school(county, as_user, uploads):
    client = as_user("school_a1")
    response = upload(client, xlsx([student("N1", 学校="西镇一小")], STUDENT_HEADERS))
    assert re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td>', response.get_data(as_text=True)) == [
        ("2", "学校")]
    assert count(Student) == 12 and kept_files(uploads) == []


def test_an_upload_is_bound_to_the_user_who_made_it(county, client, auth, as_user, uploads):
    as_user("school_a1")
    token = token_of(upload(client, xlsx([student("N1")], STUDENT_HEADERS)).get_data(as_text=True))
    auth.logout()
    as_user("township_a")
    assert client.post(f"/import/{token}/confirm").status_code == 302
    assert client.post(f"/import/{token}/cancel").status_code == 302
    assert count(Student) == 12 and len(kept_files(uploads)) == 2  # still there for its owner
    assert client.post("/import/..%2F..%2Fsecret_key/confirm").status_code in (302, 404)


def test_cancel_deletes_the_kept_file(county, as_user, uploads):
    client = as_user("school_a1")
    token = token_of(upload(client, xlsx([student("N1")], STUDENT_HEADERS)).get_data(as_text=True))
    assert client.post(f"/import/{token}/cancel").status_code == 302
    assert kept_files(uploads) == [] and count(Student) == 12


def test_the_database_is_checked_again_at_confirm(county, as_user, uploads):
    client = as_user("school_a1")
    number = id_number(date(2016, 5, 1))
    token = token_of(upload(client, xlsx([student("N1", 监护人电话="13700000000", 身份证号=number)], STUDENT_HEADERS))
                     .get_data(as_text=True))
    county.students_a1_1[1].id_number = number  # meanwhile, a colleague types the number on another child
    db.session.commit()
    response = client.post(f"/import/{token}/confirm")
    assert response.status_code == 200
    assert re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td>', response.get_data(as_text=True)) == [
        ("2", "身份证号")]
    assert count(Student) == 12 and kept_files(uploads) == []


def test_new_accounts_and_their_passwords_are_shown_once(county, client, auth, as_user, uploads):
    as_user("school_a1")
    rows = [staff("钱老师", 手机号="13700000001", 创建账号="是", 账号角色="班主任", 负责班级="一年级/一(2)班"),
            staff("孙老师", 手机号="13700000002")]
    token = token_of(upload(client, xlsx(rows, STAFF_HEADERS), "staff.xlsx", "staff").get_data(as_text=True))
    result = client.post(f"/import/{token}/confirm")
    page = result.get_data(as_text=True)
    assert result.headers["Cache-Control"] == "no-store"
    password = re.search(r"<td>13700000001</td><td><code>([a-z0-9]+)</code>", page).group(1)
    download = re.search(r'action="/import/accounts/([A-Za-z0-9_-]{32})"', page).group(1)

    sheet = client.post(f"/import/accounts/{download}")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    assert [r[:3] + r[4:] for r in data_rows(sheet.data)] == [
        ("钱老师", "13700000001", password, "东镇一小 / 一年级 / 一(2)班")]  # column 4: the role, in words
    assert client.post(f"/import/accounts/{download}").status_code == 302  # only once
    assert kept_files(uploads) == []

    auth.logout()
    assert auth.login("13700000001", password).status_code == 302
    assert client.get("/").location.endswith("/password")  # the temporary password must be changed
    user = db.session.scalar(select(User).where(User.username == "13700000001"))
    assert user.scope_unit_id == county.class_a1_2.id


def test_text_typed_like_a_formula_stays_text_in_the_accounts_workbook(app):
    """Whatever a name or a scope holds (the import checks names elsewhere), the workbook holds it as text."""
    from webapp.org.importer import accounts_workbook
    planted = {"name": "=HYPERLINK(\"http://x\")", "username": "+8613700000001", "password": "-x",
               "role": "@r", "scope": "\tx"}
    with app.test_request_context():
        data = accounts_workbook([planted])
    assert formula_cells(data) == [] and data_rows(data) == [tuple(planted.values())]


def test_two_confirms_at_once_store_each_person_and_class_once(app, county, as_user, uploads, monkeypatch):
    """Two tabs confirm the same file: the second waits for the first, then finds everyone stored."""
    first = as_user("school_a1")
    second = app.test_client()
    assert second.post("/login", data={"login": "school_a1", "password": "pass-1234"}).status_code == 302
    rows = [student(f"C{i}", 年级="九年级", 班级="九(9)班") for i in range(5)]
    tokens = [token_of(upload(c, xlsx(rows, STUDENT_HEADERS)).get_data(as_text=True)) for c in (first, second)]
    students, units = count(Student), count(Unit)

    first_planned, second_arrived = threading.Event(), threading.Event()
    real_plan, real_lock = importer.plan_import, getattr(importer, "lock_imports", None)

    def plan(*args):
        planned = real_plan(*args)
        if threading.current_thread().name == "first":
            first_planned.set()
            second_arrived.wait(30)  # the second is at the lock (or, with none, has planned as well)
        else:
            second_arrived.set()
        return planned

    def lock(user):
        if threading.current_thread().name == "second":
            second_arrived.set()
        real_lock(user)

    monkeypatch.setattr(importer, "plan_import", plan)
    monkeypatch.setattr(importer, "lock_imports", lock, raising=False)
    answers = {}

    def confirm(client, token):
        answers[threading.current_thread().name] = client.post(f"/import/{token}/confirm").status_code

    threads = [threading.Thread(target=confirm, args=(c, t), name=n)
               for c, t, n in zip((first, second), tokens, ("first", "second"))]
    threads[0].start()
    assert first_planned.wait(30)
    threads[1].start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    assert answers == {"first": 200, "second": 200}
    assert (count(Student), count(Unit)) == (students + 5, units + 2)

"""The importer: reading files, every kind of bad row (with its Excel row and column), re-imports, scale."""
from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from webapp.errors import RuleError
from webapp.extensions import db
from webapp.org import importer
from webapp.org.importer import reading
from webapp.org.models import Gender, Responsibility, Role, Staff, Student, Unit, UnitKind, User
from webapp.org.validators import id_check_digit, valid_id_number, valid_mobile

STUDENT_HEADERS = ["学号", "姓名", "性别", "出生日期", "身份证号", "学校", "年级", "班级", "监护人姓名", "监护人电话",
                   "家庭住址(村/社区)"]
STAFF_HEADERS = ["姓名", "身份证号", "手机号", "单位", "职务", "是否党员", "是否志愿者", "创建账号", "账号角色", "负责班级"]


def id_number(born: date, male: bool = True, sequence: int = 1) -> str:
    first17 = f"411324{born:%Y%m%d}{sequence * 2 + (1 if male else 0):03d}"
    return first17 + id_check_digit(first17)


def student(no: str, **values) -> dict:
    row = {"学号": no, "姓名": f"新生{no}", "性别": "男", "出生日期": "2016-05-01", "身份证号": "",
           "学校": "东镇一小", "年级": "一年级", "班级": "一(1)班", "监护人姓名": "家长", "监护人电话": "13812345678",
           "家庭住址(村/社区)": "东村"}
    row.update(values)
    return row


def staff(name: str, **values) -> dict:
    row = {"姓名": name, "身份证号": "", "手机号": "", "单位": "东镇一小", "职务": "教师", "是否党员": "否",
           "是否志愿者": "否", "创建账号": "否", "账号角色": "", "负责班级": ""}
    row.update(values)
    return row


def xlsx(rows: list[dict], headers: list[str], above: list[list] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], headers: list[str], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode(encoding)


@pytest.fixture
def ctx(app, county):
    """The importer speaks through gettext, which wants a request (the language comes from its cookie)."""
    with app.test_request_context():
        yield county


def plan_students(user, rows, **kwargs):
    return importer.plan_import("students", "students.xlsx", xlsx(rows, STUDENT_HEADERS, **kwargs), user)


def plan_staff(user, rows):
    return importer.plan_import("staff", "staff.xlsx", xlsx(rows, STAFF_HEADERS), user)


def issues_at(plan) -> set[tuple[int, str]]:
    return {(issue.row, issue.column) for issue in plan.issues}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(user, filename: str, data: bytes, kind: str = "students") -> str:
    with pytest.raises(RuleError) as caught:
        importer.plan_import(kind, filename, data, user)
    assert caught.value.field == "file"
    return str(caught.value.message)


# ---- files that are no spreadsheet, or hold nothing --------------------------------------------

def test_a_png_renamed_xlsx_is_refused(ctx):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    refused(ctx.users.county, "students.xlsx", png)
    refused(ctx.users.county, "students.csv", png)


def test_a_damaged_xlsx_and_an_old_xls_are_refused(ctx):
    refused(ctx.users.county, "students.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    refused(ctx.users.county, "students.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_an_empty_file_is_refused(ctx):
    refused(ctx.users.county, "students.csv", b"")
    refused(ctx.users.county, "students.csv", b"\xef\xbb\xbf\r\n,,,\r\n")
    refused(ctx.users.county, "students.xlsx", xlsx([], []))


def test_a_file_with_only_headers_is_refused(ctx):
    refused(ctx.users.county, "students.xlsx", xlsx([], STUDENT_HEADERS))
    refused(ctx.users.county, "students.csv", csv_bytes([], STUDENT_HEADERS))


def test_missing_required_columns_are_named(ctx):
    headers = [h for h in STUDENT_HEADERS if h not in ("性别", "班级")]
    message = refused(ctx.users.county, "students.xlsx", xlsx([student("N1")], headers))
    assert "性别" in message and "班级" in message and "学号" not in message


# ---- bad rows: row number as Excel shows it, column header, reason ----------------------------

def test_duplicates_inside_the_file_name_both_rows(ctx):
    twin = id_number(date(2016, 5, 1))
    plan = plan_students(ctx.users.county, [student("N1"), student("N2", 身份证号=twin), student("N1"),
                                            student("N3", 身份证号=twin)])
    assert issues_at(plan) == {(4, "学号"), (5, "身份证号")}
    by_column = {issue.column: issue for issue in plan.issues}
    assert "2" in by_column["学号"].message and "3" in by_column["身份证号"].message
    assert "4" in str(by_column["学号"]) and "学号" in str(by_column["学号"])


def test_bad_phone_and_id_numbers(ctx):
    good = id_number(date(2016, 5, 1))
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [student("N1", 监护人电话="1381234567"), student("N2", 监护人电话="23812345678"),
            student("N3", 身份证号=wrong_check), student("N4", 身份证号="41132420160501"),
            student("N5", 身份证号=good, 监护人电话="+86 138-1234-5678")]
    plan = plan_students(ctx.users.county, rows)
    assert issues_at(plan) == {(2, "监护人电话"), (3, "监护人电话"), (4, "身份证号"), (5, "身份证号")}


def test_an_id_number_typed_as_a_number_in_excel_is_explained(ctx):
    rows = [student("N1", 身份证号=4.1132420160501e17)]  # what Excel keeps of 411324201605010011
    plan = plan_students(ctx.users.county, rows)
    assert issues_at(plan) == {(2, "身份证号")}


def test_bad_dates(ctx):
    rows = [student("N1", 出生日期="2016-13-01"), student("N2", 出生日期="去年"),
            student("N3", 出生日期=date(date.today().year + 1, 1, 1)), student("N4", 出生日期="2016年5月1日"),
            student("N5", 出生日期="2016/5/1"), student("N6", 出生日期=date(2016, 5, 1))]
    plan = plan_students(ctx.users.county, rows)
    assert issues_at(plan) == {(2, "出生日期"), (3, "出生日期"), (4, "出生日期")}


def test_a_birth_date_or_gender_that_contradicts_the_id_number(ctx):
    rows = [student("N1", 身份证号=id_number(date(2016, 5, 1)), 出生日期="2016-05-02"),
            student("N2", 身份证号=id_number(date(2016, 5, 1), male=False)),
            student("N3", 身份证号=id_number(date(2016, 6, 1), sequence=2), 出生日期="")]
    plan = plan_students(ctx.users.county, rows)
    assert issues_at(plan) == {(2, "出生日期"), (3, "性别")}


def test_a_gender_that_is_not_male_or_female(ctx):
    plan = plan_students(ctx.users.county, [student("N1", 性别="未知"), student("N2", 性别=""), student("N3", 性别="女")])
    assert issues_at(plan) == {(2, "性别"), (3, "性别")}


def test_an_unknown_school(ctx):
    plan = plan_students(ctx.users.county, [student("N1"), student("N2", 学校="不存在小学")])
    assert issues_at(plan) == {(3, "学校")}


def test_a_school_outside_the_admins_scope(ctx):
    plan = plan_students(ctx.users.school_a1, [student("N1"), student("N2", 学校="西镇一小")])
    assert issues_at(plan) == {(3, "学校")}
    assert "西镇一小" in plan.issues[0].message


def test_a_student_number_of_another_school_is_a_new_student_of_this_one(ctx):
    """Numbers are the school's own (issue 12.8): B1's number is answered like a fresh one."""
    taken, fresh = plan_students(ctx.users.school_a1, [student("B11001")]), plan_students(ctx.users.school_a1, [student("Z9")])
    assert taken.ok and fresh.ok and taken.count("new") == fresh.count("new") == 1
    importer.apply_plan(taken)
    assert {s.klass.parent.parent.name for s in db.session.scalars(select(Student).where(Student.student_no == "B11001"))} \
        == {ctx.school_a1.name, ctx.school_b1.name}


def test_an_id_number_of_another_area_is_accepted_and_one_of_the_area_refused(ctx):
    taken = id_number(date(2015, 1, 2))
    ctx.students_b1_1[0].id_number = taken
    db.session.commit()
    elsewhere = plan_students(ctx.users.school_a1, [student("N1", 身份证号=taken, 出生日期="")])
    assert elsewhere.ok and not elsewhere.issues  # the same answer as a number nobody has
    mine = id_number(date(2015, 1, 3))
    ctx.students_a1_1[0].id_number = mine
    db.session.commit()
    plan = plan_students(ctx.users.school_a1, [student("N2", 身份证号=mine, 出生日期="")])
    assert issues_at(plan) == {(2, "身份证号")} and ctx.students_a1_1[0].student_no in plan.issues[0].message


def test_rows_keep_their_excel_numbers_below_a_title_and_blank_rows(ctx):
    rows = [student("N1"), {}, student("N2", 性别="?")]
    plan = plan_students(ctx.users.county, rows, above=[["2026年春季学生名单"], []])
    assert issues_at(plan) == {(6, "性别")}


def test_nothing_is_written_when_one_row_is_bad(ctx):
    before = count(Student), count(Unit)
    plan = plan_students(ctx.users.county, [student("N1", 年级="二年级"), student("N2", 性别="?")])
    assert not plan.ok
    with pytest.raises(RuleError):
        importer.apply_plan(plan)
    assert (count(Student), count(Unit)) == before


# ---- good files -------------------------------------------------------------------------------

def test_import_then_reimport_updates_and_never_duplicates(ctx):
    rows = [student("N1", 身份证号=id_number(date(2016, 5, 1)), 出生日期=""),
            student("N2", 年级="二年级", 班级="二(1)班", 性别="女"),
            student("A11001", 姓名="改了名", 性别="女", 出生日期="2015-01-02", 监护人姓名="家长1",
                    监护人电话="13800000001", **{"家庭住址(村/社区)": ""})]
    plan = plan_students(ctx.users.school_a1, rows)
    assert plan.ok, plan.issues
    assert (plan.count("new"), plan.count("update"), plan.count("same")) == (2, 1, 0)
    assert [u.label for u in plan.new_units] == ["东镇一小 / 二年级", "东镇一小 / 二年级 / 二(1)班"]
    assert [c.columns for c in plan.changes if c.action == "update"] == [["姓名"]]
    students_before = count(Student)
    importer.apply_plan(plan)
    db.session.commit()
    assert count(Student) == students_before + 2
    n1 = db.session.scalar(select(Student).where(Student.student_no == "N1"))
    assert n1.birth_date == date(2016, 5, 1) and n1.klass.id == ctx.class_a1_1.id  # the date from the ID
    n2 = db.session.scalar(select(Student).where(Student.student_no == "N2"))
    assert n2.gender is Gender.female and n2.klass.name == "二(1)班" and ctx.school_a1.contains(n2.klass)

    again = plan_students(ctx.users.school_a1, rows)
    assert (again.count("new"), again.count("update"), again.count("same"), again.new_units) == (0, 0, 3, [])
    rows[1]["班级"] = "二(2)班"
    moved = plan_students(ctx.users.school_a1, rows)
    assert (moved.count("new"), moved.count("update")) == (0, 1)
    importer.apply_plan(moved)
    db.session.commit()
    assert count(Student) == students_before + 2
    assert db.session.get(Student, n2.id).klass.name == "二(2)班"


def test_a_blank_cell_keeps_the_stored_value(ctx):
    row = student("A11001", 姓名="学生A11001", 性别="女", 出生日期="", 监护人姓名="", 监护人电话="")
    row["家庭住址(村/社区)"] = ""
    plan = plan_students(ctx.users.county, [row])
    assert (plan.count("same"), plan.count("update")) == (1, 0), plan.changes
    stored = ctx.students_a1_1[0]
    assert stored.guardian_phone == "13800000001"


def test_a_student_who_had_left_comes_back_on_the_roll(ctx):
    ctx.students_a1_1[0].active = False
    db.session.commit()
    row = student("A11001", 姓名="学生A11001", 性别="女", 出生日期="2015-01-02", 监护人姓名="家长1",
                  监护人电话="13800000001", **{"家庭住址(村/社区)": ""})
    plan = plan_students(ctx.users.county, [row])
    assert plan.count("update") == 1 and len(plan.changes[0].columns) == 1
    importer.apply_plan(plan)
    db.session.commit()
    assert db.session.get(Student, ctx.students_a1_1[0].id).active


def test_csv_in_gb18030_and_utf8_read_the_same(ctx):
    rows = [student("N1", 姓名="欧阳娜娜", 班级="一（2）班")]
    plans = [importer.plan_import("students", "s.csv", csv_bytes(rows, STUDENT_HEADERS, encoding), ctx.users.county)
             for encoding in ("gb18030", "utf-8-sig", "utf-8")]
    for plan in plans:
        assert plan.ok, plan.issues
        assert plan.items[0].data["name"] == "欧阳娜娜"
        assert plan.items[0].data["class"].id == ctx.class_a1_2.id  # full-width brackets match


def test_headers_are_found_by_name_in_any_order_with_spaces_and_full_width_letters(ctx):
    headers = ["班 级", "Name", "学号 ", "性别*", "Ｓｃｈｏｏｌ", "年级", "备注", "家庭住址（村/社区）"]
    rows = [{"班 级": "一(1)班", "Name": "新生", "学号 ": "N1", "性别*": "女", "Ｓｃｈｏｏｌ": "东镇一小", "年级": "一年级",
             "备注": "转学", "家庭住址（村/社区）": "东村"}]
    plan = importer.plan_import("students", "s.xlsx", xlsx(rows, headers), ctx.users.county)
    assert plan.ok, plan.issues
    assert plan.sheet.ignored == ["备注"]
    assert plan.items[0].data["home_village"] == "东村"


def test_a_school_admin_may_leave_out_the_school(ctx):
    headers = [h for h in STUDENT_HEADERS if h != "学校"]
    plan = importer.plan_import("students", "s.xlsx", xlsx([student("N1")], headers), ctx.users.school_a1)
    assert plan.ok and plan.items[0].data["class"].id == ctx.class_a1_1.id


# ---- staff and their accounts -----------------------------------------------------------------

def test_staff_import_creates_people_accounts_and_class_links(ctx):
    rows = [staff("钱老师", 身份证号=id_number(date(1985, 3, 1)), 手机号="13700000001", 职务="班主任", 是否党员="是",
                  创建账号="是", 账号角色="班主任", 负责班级="二年级/二(1)班"),
            staff("孙老师", 手机号="13700000002", 创建账号="是", 账号角色="教师"),
            staff("周志愿", 手机号="13700000003", 单位="东村", 是否志愿者="是", 创建账号="是", 账号角色="志愿者")]
    plan = plan_staff(ctx.users.township_a, rows)
    assert plan.ok, plan.issues
    assert [(a.username, a.role) for a in plan.new_accounts] == [
        ("13700000001", Role.homeroom_teacher), ("13700000002", Role.teacher), ("13700000003", Role.volunteer)]
    result = importer.apply_plan(plan)
    db.session.commit()
    assert len(result.accounts) == 3 and all(len(a["password"]) >= 8 for a in result.accounts)
    qian = db.session.scalar(select(Staff).where(Staff.name == "钱老师"))
    account = db.session.scalar(select(User).where(User.username == "13700000001"))
    assert account.staff_id == qian.id and account.must_change_password and account.phone == "13700000001"
    assert account.scope.kind is UnitKind.klass and account.scope.name == "二(1)班"
    assert account.check_password(result.accounts[0]["password"])
    assert db.session.scalar(select(Responsibility).where(Responsibility.staff_id == qian.id,
                                                          Responsibility.unit_id == account.scope_unit_id))
    volunteer = db.session.scalar(select(User).where(User.username == "13700000003"))
    assert volunteer.scope_unit_id == ctx.village_a.id and volunteer.staff.is_volunteer


def test_staff_reimport_updates_and_leaves_existing_accounts_alone(ctx):
    rows = [staff("钱老师", 身份证号=id_number(date(1985, 3, 1)), 手机号="13700000001", 创建账号="是", 账号角色="教师"),
            staff("孙老师", 手机号="13700000002")]
    importer.apply_plan(plan_staff(ctx.users.school_a1, rows))
    db.session.commit()
    people, accounts = count(Staff), count(User)
    password_hash = db.session.scalar(select(User.password_hash).where(User.username == "13700000001"))
    rows[0]["职务"], rows[1]["是否党员"] = "副校长", "是"
    plan = plan_staff(ctx.users.school_a1, rows)
    assert (plan.count("new"), plan.count("update"), plan.new_accounts) == (0, 2, [])
    assert [a.username for a in plan.existing_accounts] == ["13700000001"]
    importer.apply_plan(plan)
    db.session.commit()
    assert (count(Staff), count(User)) == (people, accounts)
    assert db.session.scalar(select(User.password_hash).where(User.username == "13700000001")) == password_hash
    assert db.session.scalar(select(Staff.party_member).where(Staff.name == "孙老师")) is True


def test_staff_keyed_by_phone_update_the_person_in_that_unit(ctx):
    plan = plan_staff(ctx.users.county, [staff("王老师", 手机号="13900000001", 职务="副校长")])
    assert (plan.count("new"), plan.count("update")) == (0, 1)
    assert plan.items[0].existing_id == ctx.teacher_a1_1.id


def test_staff_errors_name_their_row_and_column(ctx):
    rows = [staff("甲", 手机号="123"),
            staff("乙", 创建账号="是", 账号角色="教师"),
            staff("丙", 手机号="13700000005", 创建账号="是", 账号角色="县级管理员"),
            staff("丁", 手机号="13700000006", 创建账号="是", 账号角色="班主任"),
            staff("戊", 单位="西镇一小"),
            staff("己", 手机号="13700000007", 创建账号="是", 账号角色="校长大人"),
            staff("庚", 是否党员="也许")]
    plan = plan_staff(ctx.users.school_a1, rows)
    assert issues_at(plan) == {(2, "手机号"), (3, "手机号"), (4, "账号角色"), (5, "负责班级"), (6, "单位"),
                               (7, "账号角色"), (8, "是否党员")}


def test_the_same_phone_on_two_staff_rows_names_both(ctx):
    plan = plan_staff(ctx.users.county, [staff("甲", 手机号="13700000001"), staff("乙", 手机号="13700000001")])
    assert issues_at(plan) == {(3, "手机号")} and "2" in plan.issues[0].message


# ---- files we hand out ------------------------------------------------------------------------

@pytest.mark.parametrize("kind,headers", [("students", STUDENT_HEADERS), ("staff", STAFF_HEADERS)])
def test_the_templates_carry_the_headers_and_read_back(ctx, kind, headers):
    book = openpyxl.load_workbook(io.BytesIO(importer.template_workbook(kind)))
    assert [c.value for c in book.worksheets[0][1]] == headers
    assert len(book.worksheets) == 2  # the data sheet and the notes
    assert importer.template_csv(kind).decode("utf-8-sig").strip().split(",") == headers
    assert set(importer.read_sheet(kind, "t.xlsx", importer.template_workbook(kind)).headers.values()) == set(headers)


# ---- scale ------------------------------------------------------------------------------------

def test_ten_thousand_students_are_stored_once(ctx):
    rows = []
    for i in range(10_000):
        grade = 2 + i % 5
        rows.append({"学号": f"T{i:05d}", "姓名": f"学生{i}", "性别": "男" if i % 2 else "女", "出生日期": "2014-03-01",
                     "身份证号": "", "学校": "东镇一小" if i < 6000 else "东镇中学", "年级": f"{grade}年级",
                     "班级": f"{grade}({i % 4 + 1})班", "监护人姓名": "家长", "监护人电话": f"139{i:08d}",
                     "家庭住址(村/社区)": "东村"})
    data = csv_bytes(rows, STUDENT_HEADERS, "gb18030")  # CSV keeps the test quick; xlsx takes ~4 s more to read
    before = count(Student)
    plan = importer.plan_import("students", "big.csv", data, ctx.users.township_a)
    assert plan.ok, plan.issues[:3]
    assert plan.count("new") == 10_000 and len(plan.new_units) == 2 * (5 + 20)
    importer.apply_plan(plan)
    db.session.commit()
    assert count(Student) == before + 10_000
    again = importer.plan_import("students", "big.csv", data, ctx.users.township_a)
    assert (again.count("same"), again.count("new"), again.count("update"), again.new_units) == (10_000, 0, 0, [])
    importer.apply_plan(again)
    db.session.commit()
    assert count(Student) == before + 10_000


def far_right_workbook(rows: int) -> bytes:
    """The probe's file: a student per row and a 1 in column XFD (the last of 16,384) on every row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(STUDENT_HEADERS)
    for i in range(rows):
        sheet.append([f"W{i}", "张三", "男", "2016-05-01", "", "东镇一小", "一年级", "一(1)班"])
        sheet.cell(i + 2, 16_384, 1)
    return xlsx_bytes(book)


def xlsx_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_cell_in_the_last_column_does_not_make_every_row_16384_cells_wide(ctx):
    data = far_right_workbook(2000)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        sheet = importer.read_sheet("students", "far.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sheet.rows) == 2000 and sheet.rows[0][1]["student_no"] == "W0"
    assert peak < 20 * 1024 * 1024  # it was 2,000 × 16,384 cells (over 250 MB) before the columns were limited


def test_a_header_beyond_the_columns_read_is_not_seen(ctx):
    book = openpyxl.Workbook()
    book.active.append(STUDENT_HEADERS + [None] * importer.MAX_COLUMNS + ["备注"])
    book.active.append([row for row in student("N1").values()] + [None] * importer.MAX_COLUMNS + ["x"])
    sheet = importer.read_sheet("students", "wide.xlsx", xlsx_bytes(book))
    assert len(sheet.headers) == len(STUDENT_HEADERS) and sheet.ignored == []


def test_rows_are_counted_while_reading_and_a_long_file_is_refused(ctx, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    message = refused(ctx.users.county, "long.csv", csv_bytes([student(f"L{i}") for i in range(6)], STUDENT_HEADERS))
    assert "超过 5 行" in message
    assert importer.plan_import("students", "ok.csv", csv_bytes([student(f"L{i}") for i in range(5)],
                                                                STUDENT_HEADERS), ctx.users.county).ok


def test_a_workbook_claiming_rows_past_excels_last_is_refused(ctx, monkeypatch):
    monkeypatch.setattr(reading, "MAX_SHEET_ROWS", 100)  # Excel's 1,048,576, made small for a quick file
    book = openpyxl.Workbook()
    book.active.append(STUDENT_HEADERS)
    book.active.cell(150, 1, "far down")
    assert "超过" in refused(ctx.users.county, "deep.xlsx", xlsx_bytes(book))


def test_validators():
    assert valid_mobile("13812345678") and not valid_mobile("12812345678") and not valid_mobile("1381234567")
    assert valid_id_number("11010519491231002X")
    assert not valid_id_number("110105194912310021") and not valid_id_number("11010519491331002X")

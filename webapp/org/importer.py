"""Bulk import of students and staff from a spreadsheet (.xlsx or .csv).

`read_sheet()` turns the uploaded bytes into rows keyed by column (headers are read by name);
`plan_import()` checks every row against the database and the user's scope and says what would
change, writing nothing; `apply_plan()` writes a plan that has no issues (it flushes, never
commits). Between preview and confirm the file waits in instance/uploads/ under a random token
bound to the user, so the rows applied are the rows previewed, never a list sent by the browser.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import secrets
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import insert, or_, select, update

from .. import spreadsheets
from ..errors import RuleError
from ..extensions import db
from . import operations
from .labels import role_label
from .settings import local_today
from .models import GRANTABLE_ROLES, ROLE_SCOPE_KINDS, Gender, Role, Staff, Student, Unit, UnitKind, User, utcnow
from .validators import valid_id_number, valid_mobile

STUDENTS, STAFF, ACCOUNTS = "students", "staff", "accounts"
MAX_ROWS = 200_000  # a whole county fits
HEADER_SEARCH_ROWS = 10  # a title row or two may stand above the headers
CHUNK = 1000  # rows per IN (...) lookup and per INSERT batch
PREVIEW_CHANGES = 50


# ---- the columns ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header people already use
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be in the file
    text: bool = False  # typed as text in the template: Excel turns a long number into 4.1E+17
    choices: tuple[str, ...] = ()  # offered as a drop-down in the template


YES_NO = ("是", "否")
STUDENT_COLUMNS = (
    Column("student_no", "学号", ("student no", "student number", "学籍号"), required=True, text=True),
    Column("name", "姓名", ("name", "学生姓名"), required=True),
    Column("gender", "性别", ("gender", "sex"), required=True, choices=("男", "女")),
    Column("birth_date", "出生日期", ("birth date", "date of birth", "birthday", "出生年月日")),
    Column("id_number", "身份证号", ("id number", "身份证号码", "身份证"), text=True),
    Column("school", "学校", ("school", "学校名称"), required=True),
    Column("grade", "年级", ("grade",), required=True),
    Column("klass", "班级", ("class",), required=True),
    Column("guardian_name", "监护人姓名", ("guardian", "guardian name", "家长姓名")),
    Column("guardian_phone", "监护人电话", ("guardian phone", "家长电话", "监护人手机号", "家长手机号"), text=True),
    Column("home_village", "家庭住址(村/社区)", ("家庭住址", "home village", "address", "村/社区", "村(社区)")),
)
STAFF_COLUMNS = (
    Column("name", "姓名", ("name",), required=True),
    Column("id_number", "身份证号", ("id number", "身份证号码", "身份证"), text=True),
    Column("phone", "手机号", ("phone", "mobile", "手机", "手机号码", "联系电话"), text=True),
    Column("unit", "单位", ("unit", "所在单位", "工作单位", "学校"), required=True),
    Column("position", "职务", ("position", "title", "岗位")),
    Column("party_member", "是否党员", ("party member", "党员"), choices=YES_NO),
    Column("is_volunteer", "是否志愿者", ("volunteer", "志愿者"), choices=YES_NO),
    Column("create_account", "创建账号", ("create account", "是否创建账号"), choices=YES_NO),
    Column("role", "账号角色", ("role", "account role", "角色")),
    Column("klass", "负责班级", ("homeroom class", "class", "班级")),
)
COLUMNS = {STUDENTS: STUDENT_COLUMNS, STAFF: STAFF_COLUMNS}

# The words the 账号角色 column accepts (data of the file, like 男/女: not translated).
ROLE_WORDS = {Role.county_admin: "县级管理员", Role.township_admin: "乡镇管理员", Role.school_admin: "学校管理员",
               Role.homeroom_teacher: "班主任", Role.teacher: "教师", Role.volunteer: "志愿者"}
ROLE_ALIASES = {"县管理员": Role.county_admin, "教体局管理员": Role.county_admin, "乡镇中心校管理员": Role.township_admin,
                "中心校管理员": Role.township_admin, "任课教师": Role.teacher, "任课老师": Role.teacher,
                "老师": Role.teacher, "党员志愿者": Role.volunteer, "homeroom teacher": Role.homeroom_teacher}
GENDERS = {"男": Gender.male, "女": Gender.female, "m": Gender.male, "male": Gender.male,
           "f": Gender.female, "female": Gender.female}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无", ""}


def _norm(text) -> str:
    """A header or name reduced for comparison: full-width to half-width, no spaces, no '*', lower case."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*\u200b\ufeff]+", "", text).lower()


def role_from_label(text: str) -> Role | None:
    key = _norm(text)
    for role, label in ROLE_WORDS.items():
        if key in (label, role.value, role.value.replace("_", " ")):
            return role
    return {_norm(alias): role for alias, role in ROLE_ALIASES.items()}.get(key)


# ---- reading a file -------------------------------------------------------------------------

@dataclass
class Sheet:
    """The rows of an uploaded file, keyed by column; row numbers as Excel shows them."""

    kind: str
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: list[tuple[int, dict]]
    ignored: list[str] = field(default_factory=list)  # headers the import does not know

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in COLUMNS[self.kind] if c.key == key)


def read_sheet(kind: str, filename: str, data: bytes) -> Sheet:
    """Read an .xlsx or .csv upload; RuleError when it is no spreadsheet, empty, or lacks data rows."""
    columns = COLUMNS[kind]
    if not data.strip():
        raise RuleError(_l("The file is empty."), "file")
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, columns)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RuleError(_l("This is an old .xls workbook: open it in Excel or WPS and save it as .xlsx."), "file")
    elif filename.lower().endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise RuleError(_l("This file is not a spreadsheet. Upload an .xlsx or .csv file."), "file")
    return _to_sheet(kind, table)


def _read_xlsx(data: bytes, columns) -> list[tuple]:
    """The rows of the first worksheet that has our headers (the first one otherwise)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl fails in many ways on a damaged file (BadZipFile, KeyError, …)
        raise RuleError(_l("This file is not a readable .xlsx workbook."), "file") from None
    try:
        sheets = book.worksheets
        best = next((s for s in sheets if _header_row(_first_rows(s), columns) is not None), sheets[0])
        return _limited(best.iter_rows(values_only=True))
    except RuleError:
        raise
    except Exception:
        raise RuleError(_l("This file is not a readable .xlsx workbook."), "file") from None
    finally:
        book.close()


def _first_rows(sheet) -> list[tuple]:
    # Some writers record a wrong sheet size; forget it and read what is there.
    sheet.reset_dimensions()
    return [row for _, row in zip(range(HEADER_SEARCH_ROWS), sheet.iter_rows(values_only=True))]


def _limited(rows) -> list[tuple]:
    table = []
    for row in rows:
        table.append(row)
        if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise RuleError(_l("The file has more than %(n)s rows. Split it into several files.", n=MAX_ROWS), "file")
    return table


def _read_csv(data: bytes) -> list[tuple]:
    text = _decode(data)
    if "\x00" in text:
        raise RuleError(_l("This file is not a spreadsheet. Upload an .xlsx or .csv file."), "file")
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; a plain CSV uses commas.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return _limited(tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise RuleError(_l("This CSV file cannot be read: check its quotes."), "file") from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030: Excel in China saves CSV in GBK."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleError(_l("The text of this CSV file is in an unknown encoding: save it as UTF-8 CSV."), "file")


def _header_row(rows: list[tuple], columns) -> int | None:
    """The index of the row that names the most known columns (at least one), among the first rows."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = len(_header_map(row, columns)[0])
        if count > best_count:
            best, best_count = index, count
    return best


def _header_map(row: tuple, columns) -> tuple[dict, list]:
    """{key: (position, header as written)} and the headers nobody knows."""
    lookup = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup.setdefault(_norm(name), column.key)
    found, ignored = {}, []
    for position, cell in enumerate(row or ()):
        text = _cell_text(cell)
        key = lookup.get(_norm(text))
        if key and key not in found:
            found[key] = (position, text)
        elif text:
            ignored.append(text)
    return found, ignored


def _to_sheet(kind: str, table: list[tuple]) -> Sheet:
    if not any(_cell_text(cell) for row in table for cell in row or ()):
        raise RuleError(_l("The file is empty."), "file")
    columns = COLUMNS[kind]
    header_index = _header_row(table, columns)
    if header_index is None:
        raise RuleError(_l("No known column headers found. Download the template and use its first row."), "file")
    found, ignored = _header_map(table[header_index], columns)
    rows = []
    for number, row in enumerate(table[header_index + 1:], start=header_index + 2):
        values = {key: row[pos] if row and pos < len(row) else None for key, (pos, _h) in found.items()}
        if any(_cell_text(v) for v in values.values()):
            rows.append((number, values))
    return Sheet(kind, {key: header for key, (_p, header) in found.items()}, rows, ignored)


def _cell_text(value) -> str:
    """A cell as clean text: full-width characters made half-width, no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).replace("\u200b", "").replace("\ufeff", "").strip()


# ---- checking a row -------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """Why a row (or the file) is refused: row number as Excel shows it, the column's header, the reason."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s", row=self.row, column=self.column,
                 message=self.message)


class RowReader:
    """Reads one row's cells into clean values, recording an Issue for every bad cell."""

    def __init__(self, sheet: Sheet, number: int, values: dict, issues: list[Issue]):
        self.sheet, self.number, self.values, self.issues = sheet, number, values, issues
        self.ok = True

    def fail(self, key: str, message) -> None:
        self.issues.append(Issue(self.number, self.sheet.header(key), str(message)))
        self.ok = False

    def has(self, key: str) -> bool:
        return key in self.sheet.headers

    def text(self, key: str, max_length: int = 50, required: bool = False) -> str | None:
        value = _cell_text(self.values.get(key))
        if required and not value:
            self.fail(key, _("This cell is required."))
        elif len(value) > max_length:
            self.fail(key, _("At most %(n)s characters.", n=max_length))
        return value or None

    def code(self, key: str, max_length: int = 32, required: bool = False) -> str | None:
        """A number people type with spaces or dashes (student number, phone): kept without them."""
        value = re.sub(r"[\s-]", "", self.text(key, 200, required) or "")
        if len(value) > max_length:
            self.fail(key, _("At most %(n)s characters.", n=max_length))
        return value or None

    def choice(self, key: str, mapping: dict, message, required: bool = False):
        value = _norm(self.values.get(key))
        if not value:
            if required:
                self.fail(key, _("This cell is required."))
            return None
        if value not in mapping:
            self.fail(key, message)
        return mapping.get(value)

    def yes_no(self, key: str) -> bool | None:
        """是/否 (yes/no, 1/0 …); None when the cell is blank, so an update keeps what is stored."""
        value = _norm(self.values.get(key))
        if value and value not in YES | NO:
            self.fail(key, _("Write 是 or 否."))
        return (value in YES) if value else None

    def mobile(self, key: str, required: bool = False) -> str | None:
        value = self.code(key, 20, required)
        if value and value.startswith(("+86", "0086")):
            value = value.removeprefix("+86").removeprefix("0086")
        if value and not valid_mobile(value):
            self.fail(key, _("%(value)s is not an 11-digit mobile number.", value=value))
        return value

    def id_number(self, key: str) -> str | None:
        raw = self.values.get(key)
        value = (self.code(key, 18) or "").upper()
        if not value or valid_id_number(value):
            return value or None
        if isinstance(raw, (int, float)):
            self.fail(key, _("Excel stored this ID number as a number and lost its last digits. "
                             "Format the column as text and type the number again."))
        elif not re.fullmatch(r"\d{17}[\dX]", value):
            self.fail(key, _("An ID number has 18 characters: 17 digits, then a digit or X."))
        else:
            self.fail(key, _("%(value)s is not a valid ID number (check its digits).", value=value))
        return None

    def date(self, key: str) -> date | None:
        raw = self.values.get(key)
        if not _cell_text(raw):
            return None
        try:
            value = _parse_date(raw)
        except (ValueError, OverflowError):
            self.fail(key, _("%(value)s is not a date like 2015-03-01.", value=_cell_text(raw)))
            return None
        if not date(1900, 1, 1) <= value <= date.today():
            self.fail(key, _("%(value)s is not a plausible date of birth.", value=value.isoformat()))
            return None
        return value


DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?")


def _parse_date(raw) -> date:
    """A date from a date cell, an Excel serial number, or text like 2015-03-01, 2015/3/1, 2015年3月1日, 20150301."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 80000:
        return from_excel(raw).date()  # a date cell formatted as a number
    text = _cell_text(raw)
    match = DATE_TEXT.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def id_birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_gender(id_number: str) -> Gender:
    # GB 11643: the 17th digit is odd for men, even for women.
    return Gender.male if int(id_number[16]) % 2 else Gender.female


# ---- the units of the user's scope ----------------------------------------------------------

@dataclass(eq=False)
class PlannedUnit:
    """A grade or class the import will create under a school (or under a planned grade)."""

    kind: UnitKind
    name: str
    parent: Unit | PlannedUnit
    label: str
    unit: Unit | None = None  # set once created

    @property
    def id(self) -> int:
        return self.unit.id


class UnitIndex:
    """Every unit in the user's subtree, loaded in one query and found by name; planned new units."""

    def __init__(self, scope: Unit):
        self.scope = scope
        units = list(db.session.scalars(select(Unit).where(Unit.path.startswith(scope.path, autoescape=True))))
        self.by_id = {unit.id: unit for unit in units}
        self.by_name: dict[tuple, list[Unit]] = defaultdict(list)
        self.children: dict[tuple, Unit | PlannedUnit] = {}
        for unit in units:
            self.by_name[(unit.kind, _norm(unit.name))].append(unit)
            parent = self.by_id.get(unit.parent_id)
            if parent is not None:
                self.children.setdefault((parent, _norm(unit.name)), unit)
        self.planned: list[PlannedUnit] = []

    def find(self, name: str, kinds: tuple[UnitKind, ...]) -> list[Unit]:
        return [unit for kind in kinds for unit in self.by_name.get((kind, _norm(name)), ())]

    def child(self, parent: Unit | PlannedUnit, kind: UnitKind, name: str) -> Unit | PlannedUnit:
        """The grade/class of this name under `parent`, planned for creation when missing."""
        unit = self.children.get((parent, _norm(name)))
        if unit is None:
            name = unicodedata.normalize("NFKC", name).strip()
            unit = PlannedUnit(kind, name, parent, f"{self.label(parent)} / {name}")
            self.children[(parent, _norm(name))] = unit
            self.planned.append(unit)
        return unit

    def label(self, unit: Unit | PlannedUnit) -> str:
        if isinstance(unit, PlannedUnit):
            return unit.label
        names = [self.by_id[i].name for i in unit.ancestor_ids if i in self.by_id and self.by_id[i].kind not in
                 (UnitKind.county, UnitKind.township)]
        return " / ".join(names) or unit.name

    def create_planned(self) -> None:
        """Create the planned units, parents first (they were planned in that order)."""
        for planned in self.planned:
            parent = planned.parent.unit if isinstance(planned.parent, PlannedUnit) else planned.parent
            planned.unit = operations.create_unit(planned.kind, planned.name, parent)


# ---- the plan -------------------------------------------------------------------------------

NEW, UPDATE, SAME = "new", "update", "same"


@dataclass
class Change:
    """One row's effect, for the preview: who (name and key) and which columns change."""

    row: int
    action: str
    name: str
    key: str
    columns: list[str] = field(default_factory=list)


@dataclass
class PlannedAccount:
    row: int
    name: str
    username: str
    role: Role
    scope: Unit | PlannedUnit
    scope_label: str
    exists: bool = False  # an account with this phone already exists: it is left as it is

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass
class Item:
    """A row that passed its checks, with what it will do."""

    row: int
    data: dict
    action: str = NEW
    existing_id: int | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class Plan:
    kind: str
    sheet: Sheet
    units: UnitIndex
    issues: list[Issue] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    accounts: list[PlannedAccount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def changes(self) -> list[Change]:
        """New and updated rows (unchanged ones are left out), in file order."""
        return [Change(i.row, i.action, i.data["name"], self._key(i.data), [self._label(k) for k in i.changed])
                for i in self.items if i.action != SAME]

    def _label(self, key: str) -> str:
        return _("Active again") if key == "active" else self.sheet.header(key)

    def _key(self, data: dict) -> str:
        # The preview names a person by student number or phone; an ID number is shown masked.
        if self.kind == STUDENTS:
            return data["student_no"]
        return data["phone"] or (data["id_number"][:4] + "*" * 10 + data["id_number"][-4:] if data["id_number"] else "")

    @property
    def new_units(self) -> list[PlannedUnit]:
        return self.units.planned

    @property
    def new_accounts(self) -> list[PlannedAccount]:
        return [a for a in self.accounts if not a.exists]

    @property
    def existing_accounts(self) -> list[PlannedAccount]:
        return [a for a in self.accounts if a.exists]


def plan_import(kind: str, filename: str, data: bytes, user: User) -> Plan:
    """What importing this file would change, or why it cannot be imported (RuleError or plan.issues)."""
    if kind not in COLUMNS:
        raise RuleError(_l("Choose what the file holds: students or staff."), "kind")
    sheet = read_sheet(kind, filename, data)
    _check_columns(sheet, user)
    if not sheet.rows:
        raise RuleError(_l("The file has column headers but no data rows."), "file")
    plan = Plan(kind, sheet, UnitIndex(user.scope))
    (_plan_students if kind == STUDENTS else _plan_staff)(plan, user)
    plan.issues.sort(key=lambda issue: (issue.row or 0))
    return plan


def _check_columns(sheet: Sheet, user: User) -> None:
    # A school admin's file may leave out the school: it is theirs.
    optional = {"school", "unit"} if user.scope.kind is UnitKind.school else set()
    missing = [c.header for c in COLUMNS[sheet.kind] if c.required and c.key not in sheet.headers
               and c.key not in optional]
    if missing:
        raise RuleError(_l("Required columns are missing: %(columns)s.", columns=", ".join(missing)), "file")


def _find_duplicates(plan: Plan, items: list[Item], keys: tuple[str, ...]) -> None:
    """Two rows with the same key would be one person twice: name both rows."""
    for key in keys:
        seen: dict[str, int] = {}
        for item in items:
            value = item.data.get(key)
            if value and value in seen:
                plan.issues.append(Issue(item.row, plan.sheet.header(key),
                                         _("%(value)s is also on row %(other)s.", value=value, other=seen[value])))
            elif value:
                seen[value] = item.row


def _chunks(values: list) -> list[list]:
    values = list(dict.fromkeys(values))
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


def _school_of(reader: RowReader, units: UnitIndex, key: str, kinds=(UnitKind.school,)) -> Unit | None:
    """The unit named in the cell, found by name inside the user's scope (a school admin's default: theirs)."""
    name = reader.text(key, 100)
    if not name:
        if units.scope.kind is UnitKind.school:
            return units.scope
        reader.fail(key, _("This cell is required."))
        return None
    found = units.find(name, kinds)
    if len(found) > 1:
        reader.fail(key, _("Several units in your area are called %(name)s: rename one of them first.", name=name))
    elif not found:
        reader.fail(key, _("There is no %(name)s in your area.", name=name))
    return found[0] if len(found) == 1 else None


# ---- students -------------------------------------------------------------------------------

STUDENT_FIELDS = ("name", "gender", "birth_date", "id_number", "guardian_name", "guardian_phone", "home_village")


def _plan_students(plan: Plan, user: User) -> None:
    items = [item for number, values in plan.sheet.rows
             if (item := _read_student(RowReader(plan.sheet, number, values, plan.issues), plan.units))]
    _find_duplicates(plan, items, ("student_no", "id_number"))
    existing = _existing_students([i.data["student_no"] for i in items])
    owners = _id_number_owners(Student, [i.data["id_number"] for i in items if i.data["id_number"]])
    for item in items:
        _compare_student(plan, item, existing.get(item.data["student_no"]), owners)
    plan.items = items


def _read_student(r: RowReader, units: UnitIndex) -> Item | None:
    data = {"student_no": r.code("student_no", 32, required=True), "name": r.text("name", 50, required=True),
            "gender": r.choice("gender", GENDERS, _l("Write 男 or 女."), required=True),
            "birth_date": r.date("birth_date"), "id_number": r.id_number("id_number"),
            "guardian_name": r.text("guardian_name", 50), "guardian_phone": r.mobile("guardian_phone"),
            "home_village": r.text("home_village", 100)}
    school = _school_of(r, units, "school")
    grade, klass = r.text("grade", 100, required=True), r.text("klass", 100, required=True)
    if not r.ok:
        return None
    _check_id_matches(r, data)
    data["class"] = units.child(units.child(school, UnitKind.grade, grade), UnitKind.klass, klass)
    return Item(r.number, data) if r.ok else None


def _check_id_matches(r: RowReader, data: dict) -> None:
    """The ID number holds the birth date and the gender: a mismatch is a typo somewhere."""
    id_number = data["id_number"]
    if not id_number:
        return
    if data["birth_date"] is None:
        data["birth_date"] = id_birth_date(id_number)
    elif data["birth_date"] != id_birth_date(id_number):
        r.fail("birth_date", _("The date of birth differs from the one in the ID number (%(date)s).",
                               date=id_birth_date(id_number).isoformat()))
    if data["gender"] != id_gender(id_number):
        r.fail("gender", _("The gender differs from the one in the ID number."))


def _existing_students(numbers: list[str]) -> dict:
    """The stored students with these numbers, by number: one query per thousand, not one per row."""
    columns = [Student.id, Student.student_no, Student.class_id, Student.active,
               *(getattr(Student, name) for name in STUDENT_FIELDS)]
    found = {}
    for chunk in _chunks(numbers):
        for row in db.session.execute(select(*columns).where(Student.student_no.in_(chunk))):
            found[row.student_no] = row
    return found


def _id_number_owners(model, id_numbers: list[str]) -> dict:
    """Who holds these ID numbers now: {id number: (key, scope unit id)}."""
    key = model.student_no if model is Student else model.id
    scope_column = getattr(model, model.__scope_column__)
    owners = {}
    for chunk in _chunks(id_numbers):
        query = select(model.id_number, key, scope_column).where(model.id_number.in_(chunk))
        owners.update({number: (owner, unit_id) for number, owner, unit_id in db.session.execute(query)})
    return owners


def _compare_student(plan: Plan, item: Item, old, owners: dict) -> None:
    data, header = item.data, plan.sheet.header
    owner = owners.get(data["id_number"])
    if owner and owner[0] != data["student_no"]:
        shown = owner[0] if owner[1] in plan.units.by_id else "…"  # never show a number outside the area
        plan.issues.append(Issue(item.row, header("id_number"),
                                 _("This ID number belongs to another student (%(no)s).", no=shown)))
    if old is None:
        return
    if old.class_id not in plan.units.by_id:
        plan.issues.append(Issue(item.row, header("student_no"),
                                 _("This student number belongs to a student outside your area.")))
        return
    moved = isinstance(data["class"], PlannedUnit) or data["class"].id != old.class_id
    _mark_changes(item, old, STUDENT_FIELDS, "klass" if moved else None)


def _apply_students(plan: Plan) -> None:
    """Insert new students and update changed ones, a thousand rows per statement."""
    now = utcnow()
    new = [_student_values(i.data, now) for i in plan.items if i.action == NEW]
    changed = [{"id": i.existing_id, **_student_values(i.data, now, keep_blank=True)}
               for i in plan.items if i.action == UPDATE]
    for start in range(0, len(new), CHUNK):
        db.session.execute(insert(Student), new[start:start + CHUNK])
    _bulk_update(Student, changed)


def _student_values(data: dict, now: datetime, keep_blank: bool = False) -> dict:
    values = {"student_no": data["student_no"], "class_id": data["class"].id, "active": True, "updated_at": now}
    values.update({k: data[k] for k in STUDENT_FIELDS if data[k] is not None or not keep_blank})
    return values


def _bulk_update(model, rows: list[dict]) -> None:
    """UPDATE by primary key; rows are grouped by their set of columns (a blank cell keeps the value)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        for start in range(0, len(group), CHUNK):
            db.session.execute(update(model), group[start:start + CHUNK])


# ---- staff ----------------------------------------------------------------------------------

STAFF_FIELDS = ("name", "position", "phone", "id_number", "party_member", "is_volunteer")
STAFF_UNIT_KINDS = (UnitKind.school, UnitKind.township, UnitKind.village, UnitKind.county)


def _plan_staff(plan: Plan, user: User) -> None:
    items = [item for number, values in plan.sheet.rows
             if (item := _read_staff(RowReader(plan.sheet, number, values, plan.issues), plan.units, user))]
    _find_duplicates(plan, items, ("id_number", "phone"))
    existing = _existing_staff(items)
    owners = _id_number_owners(Staff, [i.data["id_number"] for i in items if i.data["id_number"]])
    for item in items:
        _compare_staff(plan, item, _match_staff(item, existing), owners)
    _plan_accounts(plan, items)
    plan.items = items


def _read_staff(r: RowReader, units: UnitIndex, user: User) -> Item | None:
    data = {"name": r.text("name", 50, required=True), "id_number": r.id_number("id_number"),
            "phone": r.mobile("phone"), "position": r.text("position", 50),
            "party_member": r.yes_no("party_member"), "is_volunteer": r.yes_no("is_volunteer"),
            "create_account": r.yes_no("create_account"),
            "unit": _school_of(r, units, "unit", STAFF_UNIT_KINDS)}
    data["role"] = r.choice("role", _role_lookup(), _l("Unknown role. Write one of: %(roles)s.",
                                                      roles="、".join(ROLE_WORDS.values())))
    if not r.ok:
        return None
    data["class"] = _homeroom_class(r, units, data["unit"])
    if data["create_account"] and r.ok:
        data["scope"] = _account_scope(r, data, user)
    return Item(r.number, data) if r.ok else None


@functools.cache
def _role_lookup() -> dict:
    labels = {*ROLE_WORDS.values(), *ROLE_ALIASES, *(role.value for role in Role)}
    return {_norm(label): role_from_label(label) for label in labels}


def _homeroom_class(r: RowReader, units: UnitIndex, school: Unit) -> Unit | PlannedUnit | None:
    """负责班级 as "一年级/一(1)班" (created when missing), or a class name unique in the school."""
    text = r.text("klass", 100)
    if not text:
        return None
    if school.kind is not UnitKind.school:
        r.fail("klass", _("Only staff of a school can be responsible for a class."))
        return None
    parts = [part.strip() for part in re.split(r"[/／]", text) if part.strip()]
    if len(parts) == 2:
        return units.child(units.child(school, UnitKind.grade, parts[0]), UnitKind.klass, parts[1])
    found = [u for u in units.find(text, (UnitKind.klass,)) if school.contains(u)]
    if len(found) != 1:
        r.fail("klass", _("Write the class as grade/class, for example 一年级/一(1)班."))
        return None
    return found[0]


def _account_scope(r: RowReader, data: dict, user: User) -> Unit | PlannedUnit | None:
    """What the new account will see: its class for a homeroom teacher, its unit otherwise."""
    role = data["role"]
    if role is None:
        r.fail("role", _("Say which role the account gets."))
    if not data["phone"]:
        r.fail("phone", _("An account needs a mobile number: it is the username."))
    if not r.ok:
        return None
    if role not in GRANTABLE_ROLES.get(user.role, ()):
        r.fail("role", _("You cannot give this role."))
        return None
    if role is Role.homeroom_teacher and data["class"] is None:
        r.fail("klass", _("A homeroom teacher's account needs the class (负责班级)."))
        return None
    scope = data["class"] if role is Role.homeroom_teacher else data["unit"]
    kind = UnitKind.klass if isinstance(scope, PlannedUnit) else scope.kind
    if kind not in ROLE_SCOPE_KINDS[role]:
        r.fail("role", _("This role cannot have that kind of unit as its scope."))
    return scope


def _existing_staff(items: list[Item]) -> dict:
    """Stored staff that rows may name: by ID number, by (unit, phone) and by (unit, name)."""
    columns = [Staff.id, Staff.unit_id, Staff.active, *(getattr(Staff, name) for name in STAFF_FIELDS)]
    found = {"id": {}, "phone": {}, "name": {}}
    lookups = (("id", Staff.id_number, "id_number"), ("phone", Staff.phone, "phone"), ("name", Staff.name, "name"))
    for index, column, key in lookups:
        for chunk in _chunks([i.data[key] for i in items if i.data[key]]):
            for row in db.session.execute(select(*columns).where(column.in_(chunk))):
                found[index][row.id_number if index == "id" else (row.unit_id, getattr(row, key))] = row
    return found


def _match_staff(item: Item, existing: dict):
    """By ID number; else by phone within the unit; else, with neither, by name within the unit."""
    data, unit_id = item.data, item.data["unit"].id
    if data["id_number"] and data["id_number"] in existing["id"]:
        return existing["id"][data["id_number"]]
    by_phone = existing["phone"].get((unit_id, data["phone"])) if data["phone"] else None
    if by_phone is not None and (by_phone.id_number is None or by_phone.id_number == data["id_number"]):
        return by_phone
    if not data["id_number"] and not data["phone"]:
        return existing["name"].get((unit_id, data["name"]))
    return None


def _compare_staff(plan: Plan, item: Item, old, owners: dict) -> None:
    data, header = item.data, plan.sheet.header
    owner = owners.get(data["id_number"])
    if owner and (old is None or owner[0] != old.id):
        plan.issues.append(Issue(item.row, header("id_number"), _("This ID number belongs to another person.")))
    if old is None:
        return
    if old.unit_id not in plan.units.by_id:
        plan.issues.append(Issue(item.row, header("id_number"),
                                 _("This person belongs to a unit outside your area.")))
        return
    _mark_changes(item, old, STAFF_FIELDS, "unit" if data["unit"].id != old.unit_id else None)


def _mark_changes(item: Item, old, fields: tuple[str, ...], moved: str | None) -> None:
    """A row that matches `old`: what it changes (of `fields`, the unit `moved` to), so UPDATE or SAME."""
    item.existing_id = old.id
    item.changed = [k for k in fields if item.data[k] is not None and item.data[k] != getattr(old, k)]
    if moved:
        item.changed.append(moved)
    if not old.active:  # someone who had left is back
        item.changed.append("active")
    item.action = UPDATE if item.changed else SAME


def _plan_accounts(plan: Plan, items: list[Item]) -> None:
    """Accounts for rows with 创建账号=是; an account that exists already is left as it is."""
    wanted = [i for i in items if i.data["create_account"]]
    taken_names, taken_staff = _taken_accounts([i.data["phone"] for i in wanted],
                                               [i.existing_id for i in wanted if i.existing_id])
    for item in wanted:
        data = item.data
        exists = data["phone"] in taken_names or (item.existing_id is not None and item.existing_id in taken_staff)
        plan.accounts.append(PlannedAccount(item.row, data["name"], data["phone"], data["role"], data["scope"],
                                            plan.units.label(data["scope"]), exists))


def _taken_accounts(phones: list[str], staff_ids: list[int]) -> tuple[set, set]:
    """Usernames/phones already used by an account, and the staff who already have one."""
    names, staff = set(), set()
    for chunk in _chunks(phones):
        query = select(User.username, User.phone).where(or_(User.username.in_(chunk), User.phone.in_(chunk)))
        for username, phone in db.session.execute(query):
            names.update((username, phone))
    for chunk in _chunks(staff_ids):
        staff.update(db.session.scalars(select(User.staff_id).where(User.staff_id.in_(chunk))))
    return names, staff


def _apply_staff(plan: Plan) -> list[dict]:
    """Store the staff, their classes and their new accounts; return the accounts with their passwords."""
    now = utcnow()
    people: dict[int, Staff] = {}
    for item in plan.items:
        if item.action == NEW:
            people[item.row] = Staff(**_staff_values(item.data, now))
    db.session.add_all(people.values())
    db.session.flush()
    _bulk_update(Staff, [{"id": i.existing_id, **_staff_values(i.data, now, keep_blank=True)}
                         for i in plan.items if i.action == UPDATE])
    for item in plan.items:
        if item.row not in people and (item.data["class"] is not None or item.data["create_account"]):
            people[item.row] = db.session.get(Staff, item.existing_id)
    for item in plan.items:
        if item.data["class"] is not None:
            operations.assign_responsibility(people[item.row], _real_unit(item.data["class"]))
    return [_create_account(account, people[account.row]) for account in plan.new_accounts]


def _staff_values(data: dict, now: datetime, keep_blank: bool = False) -> dict:
    values = {"unit_id": data["unit"].id, "active": True, "updated_at": now}
    values.update({k: data[k] for k in STAFF_FIELDS if data[k] is not None or not keep_blank})
    if not keep_blank:  # a new person: a blank 是/否 cell means no
        values.update({k: bool(values[k]) for k in ("party_member", "is_volunteer")})
    return values


def _real_unit(unit: Unit | PlannedUnit) -> Unit:
    return unit.unit if isinstance(unit, PlannedUnit) else unit


def _create_account(account: PlannedAccount, staff: Staff) -> dict:
    password = operations.new_temporary_password()
    operations.create_account(account.username, account.name, account.role, _real_unit(account.scope), password,
                              phone=account.username, staff=staff, must_change_password=True)
    return {"name": account.name, "username": account.username, "password": password,
            "role": account.role_label, "scope": account.scope_label}


# ---- applying -------------------------------------------------------------------------------

@dataclass
class Result:
    kind: str
    new: int
    updated: int
    unchanged: int
    units: list[str]
    accounts: list[dict]  # name, username, password (shown once), role, scope


def apply_plan(plan: Plan) -> Result:
    """Write a plan without issues: units first, then the rows, then accounts. Flushes, never commits."""
    if not plan.ok:
        raise RuleError(_l("The file has errors; nothing was imported."), "file")
    plan.units.create_planned()
    accounts = _apply_students(plan) if plan.kind == STUDENTS else _apply_staff(plan)
    db.session.flush()
    return Result(plan.kind, plan.count(NEW), plan.count(UPDATE), plan.count(SAME),
                  [u.label for u in plan.new_units], accounts or [])


# ---- files kept between preview and confirm -------------------------------------------------

UPLOAD_TTL = 24 * 3600
ACCOUNTS_TTL = 3600  # temporary passwords wait on disk no longer than an hour
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass
class Upload:
    token: str
    kind: str
    filename: str
    data: bytes


def _upload_dir() -> Path:
    path = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_upload(user: User, kind: str, filename: str, data: bytes) -> str:
    """Store the file under a new random token bound to the user; return the token."""
    _purge_old_uploads()
    token, folder = secrets.token_urlsafe(24), _upload_dir()
    _write_private(folder / f"{token}.data", data)
    meta = {"user_id": user.id, "kind": kind, "filename": filename[:200], "created": time.time()}
    _write_private(folder / f"{token}.json", json.dumps(meta).encode())
    return token


def _write_private(path: Path, data: bytes) -> None:
    # The files hold people's ID numbers and passwords: readable by the app's user only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def peek_upload(user: User, token: str, kind: str | None = None) -> Upload | None:
    """The stored file if the token is this user's (and of this kind), else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    folder = _upload_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user.id or (kind and meta.get("kind") != kind) or _expired(meta):
        return None
    return Upload(token, meta["kind"], meta["filename"], data)


def claim_upload(user: User, token: str, kind: str | None = None) -> Upload | None:
    """Take the stored file for good: a second click on "confirm" finds nothing to apply twice."""
    upload = peek_upload(user, token, kind)
    if upload is None:
        return None
    folder = _upload_dir()
    try:
        os.rename(folder / f"{token}.json", folder / f"{token}.claimed")
    except OSError:
        return None  # another request claimed it first
    return upload


def discard_upload(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        for suffix in (".json", ".data", ".claimed"):
            (_upload_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _expired(meta: dict) -> bool:
    ttl = ACCOUNTS_TTL if meta.get("kind") == ACCOUNTS else UPLOAD_TTL
    return time.time() - meta.get("created", 0) > ttl


def _purge_old_uploads() -> None:
    """Files left behind by a preview nobody confirmed go after a day (passwords after an hour)."""
    for meta_path in _upload_dir().glob("*.json"):
        try:
            expired = _expired(json.loads(meta_path.read_text()))
        except (OSError, ValueError):
            expired = True
        if expired:
            discard_upload(meta_path.stem)
    for claimed in _upload_dir().glob("*.claimed"):
        if time.time() - claimed.stat().st_mtime > UPLOAD_TTL:
            discard_upload(claimed.stem)


def keep_accounts(user: User, accounts: list[dict]) -> str | None:
    """The new accounts as an .xlsx, kept for one download by this user."""
    if not accounts:
        return None
    return keep_upload(user, ACCOUNTS, "accounts.xlsx", accounts_workbook(accounts))


# ---- files we hand out ----------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_csv(kind: str) -> bytes:
    """The header row as CSV, UTF-8 with BOM so that Excel opens it with the right characters."""
    out = io.StringIO()
    csv.writer(out).writerow([c.header for c in COLUMNS[kind]])
    return out.getvalue().encode("utf-8-sig")


def template_workbook(kind: str) -> bytes:
    """The template: the header row, text columns kept as text, drop-downs, and a sheet of notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Students") if kind == STUDENTS else _("Staff")
    columns = COLUMNS[kind]
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        _format_column(sheet, index, column)
    sheet.freeze_panes = "A2"
    _notes_sheet(book.create_sheet(_("Notes")), kind)
    return _save(book)


def _format_column(sheet, index: int, column: Column) -> None:
    letter = get_column_letter(index)
    sheet.cell(1, index).font = Font(bold=True)
    sheet.column_dimensions[letter].width = 22 if column.text else 14
    if column.text:
        # Text, or Excel shows an ID number as 4.11324E+17 and loses its last digits.
        sheet.column_dimensions[letter].number_format = "@"
    if column.choices:
        rule = DataValidation(type="list", formula1='"%s"' % ",".join(column.choices), allow_blank=True)
        rule.add(f"{letter}2:{letter}{MAX_ROWS}")
        sheet.add_data_validation(rule)


def _notes_sheet(sheet, kind: str) -> None:
    sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    notes = _column_notes()
    for column in COLUMNS[kind]:
        sheet.append([column.header, _("yes") if column.required else "", str(notes.get((kind, column.key), ""))])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["C"].width = 20, 80


def _column_notes() -> dict:
    roles = "、".join(ROLE_WORDS.values())
    return {
        (STUDENTS, "student_no"): _("Unique per student; a second import with the same number updates the student."),
        (STUDENTS, "gender"): _("男 or 女."),
        (STUDENTS, "birth_date"): _("Like 2015-03-01. May be left blank when the ID number is given."),
        (STUDENTS, "id_number"): _("18 characters; type it as text."),
        (STUDENTS, "school"): _("The school's name as the system knows it."),
        (STUDENTS, "grade"): _("Like 一年级; created under the school when missing."),
        (STUDENTS, "klass"): _("Like 一(1)班; created under the grade when missing."),
        (STUDENTS, "guardian_phone"): _("An 11-digit mobile number."),
        (STAFF, "id_number"): _("18 characters. A second import with the same ID number updates the person."),
        (STAFF, "phone"): _("An 11-digit mobile number; the username of a new account."),
        (STAFF, "unit"): _("The name of a school, township, village or the county."),
        (STAFF, "create_account"): _("是 creates an account with a temporary password."),
        (STAFF, "role"): _("One of: %(roles)s.", roles=roles),
        (STAFF, "klass"): _("For a homeroom teacher: grade/class, like 一年级/一(1)班."),
    }


def accounts_workbook(accounts: list[dict]) -> bytes:
    """The new accounts and their temporary passwords, through the one formula-safe writer."""
    header = [_("Name"), _("Username"), _("Temporary password"), _("Role"), _("Sees")]
    rows = ([a["name"], a["username"], a["password"], a["role"], a["scope"]] for a in accounts)
    return spreadsheets.xlsx_bytes(spreadsheets.Table(
        title=_("New accounts"), sheet=_("Accounts"), day=local_today(), signature=False,
        columns=[spreadsheets.Column(h, w) for h, w in zip(header, (12, 16, 18, 12, 36))], rows=rows))


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

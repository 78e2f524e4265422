"""Files we hand out: the empty templates (.xlsx with drop-downs and notes, .csv) and the accounts list."""
from __future__ import annotations

import csv
import io

import openpyxl
from flask_babel import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ... import spreadsheets
from ..settings import local_today
from .columns import COLUMNS, ROLE_WORDS, STAFF, STUDENTS, Column
from .reading import MAX_ROWS


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

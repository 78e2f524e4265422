"""Checking a row: each cell read into a clean value, every bad cell an Issue naming row and column."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl.utils.datetime import from_excel

from ..models import Gender
from ..settings import local_today
from ..validators import valid_id_number, valid_mobile
from .columns import NO, YES, norm
from .reading import Sheet, cell_text


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
        value = cell_text(self.values.get(key))
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
        value = norm(self.values.get(key))
        if not value:
            if required:
                self.fail(key, _("This cell is required."))
            return None
        if value not in mapping:
            self.fail(key, message)
        return mapping.get(value)

    def yes_no(self, key: str) -> bool | None:
        """是/否 (yes/no, 1/0 …); None when the cell is blank, so an update keeps what is stored."""
        value = norm(self.values.get(key))
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
        if not cell_text(raw):
            return None
        try:
            value = _parse_date(raw)
        except (ValueError, OverflowError):
            self.fail(key, _("%(value)s is not a date like 2015-03-01.", value=cell_text(raw)))
            return None
        if not date(1900, 1, 1) <= value <= local_today():
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
    text = cell_text(raw)
    match = DATE_TEXT.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def id_birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_gender(id_number: str) -> Gender:
    # GB 11643: the 17th digit is odd for men, even for women.
    return Gender.male if int(id_number[16]) % 2 else Gender.female


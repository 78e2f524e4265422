"""The one writer of every spreadsheet (.xlsx) and CSV file the app hands out.

A file is a `Table`: a title, the unit and the day (or period) it is about, the columns (Chinese
headers through `_()`), the rows, and a signature line under them (填表人 / 审核人 / 日期), the form
the county files on paper. Every export builds a Table and gives it to `write_xlsx` / `write_csv`
(or `response` in a view); nothing else in the app writes a spreadsheet.

The type of a value decides its cell, the same in every export:

- `str` is **always text**, never a formula: a cell beginning with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return is written as a text cell with Excel's quote prefix (in a CSV file it
  is preceded by ``'``), so a note such as ``=HYPERLINK(…)`` typed on a phone stays a note.
- `int`, `float`, `Decimal` are numbers; `bool` is 是 / 否; `None` an empty cell.
- `date`, `time`, `datetime` are real Excel dates and times, in the county's time (`local_time()`
  turns a stored naive-UTC timestamp into one; an aware date-time is shown in the county's zone).

The .xlsx is streamed (openpyxl's write-only mode: memory does not grow with the rows), the
header row is frozen and has an autofilter over the data. Layout: row 1 the title, row 2 the unit
and the day, row 3 the headers (`HEADER_ROW`), the data from row 4, then a blank row and the
signature line.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import IO, Iterable, Sequence

from flask import send_file
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .org.settings import county_zone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
HEADER_ROW = 3
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", time: "hh:mm"}


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12


@dataclass
class Table:
    """One sheet (or one CSV file). `rows` may be any iterable: it is read once, as it is written."""
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    unit: str = ""
    day: date | str | None = None
    sheet: str = ""
    signature: bool = True


def local_time(moment: datetime | None) -> datetime | None:
    """A stored naive-UTC timestamp as a naive county time, to the minute, for a date-time cell."""
    if moment is None:
        return None
    local = moment.replace(tzinfo=timezone.utc).astimezone(county_zone())
    return local.replace(tzinfo=None, second=0, microsecond=0)


def _naive(value):
    """Excel has no time zones: an aware date-time is shown in the county's time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(county_zone()).replace(tzinfo=None)
    return value.replace(tzinfo=None) if isinstance(value, time) else value


def unsafe(text: str) -> bool:
    """Whether a spreadsheet program would take this text for a formula."""
    return text.startswith(FORMULA_STARTS)


def _subtitle(table: Table) -> str:
    parts = []
    if table.unit:
        parts.append(_("Unit: %(unit)s", unit=table.unit))
    if table.day:
        day = table.day.isoformat() if isinstance(table.day, date) else str(table.day)
        parts.append(_("Date: %(day)s", day=day))
    return "    ".join(parts)


def _signature() -> list[str]:
    """One cell, so that it never widens the table: 填表人：＿＿＿＿  审核人：＿＿＿＿  日期：＿＿＿＿."""
    blank = "________"
    return ["    ".join(f"{label}{blank}" for label in (_("Filled in by:"), _("Checked by:"), _("Signed on:")))]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# ---- .xlsx ------------------------------------------------------------------------------------

class _Cells:
    """Turns values into write-only cells of one sheet; the styles are made once."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.bold, self.large = Font(bold=True), Font(bold=True, size=13)

    def styled(self, value, font: Font) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, self._text(value) if isinstance(value, str) else value)
        cell.font = font
        return cell

    @staticmethod
    def _text(value: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", value)

    def cell(self, value):
        if value is None or (isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)):
            return value
        if isinstance(value, bool):
            return _yes_no(value)
        if isinstance(value, (date, time)):  # datetime is a date
            value = _naive(value)
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = FORMATS[datetime if isinstance(value, datetime) else type(value)]
            return cell
        text = self._text(str(value))
        if not unsafe(text):
            return text
        cell = WriteOnlyCell(self.sheet, text)
        cell.data_type, cell.quotePrefix = "s", True  # text, never a formula, also once edited in Excel
        return cell


def _write_sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet((table.sheet or table.title)[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／＼")))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    cells = _Cells(sheet)
    sheet.append([cells.styled(table.title, cells.large)])
    sheet.append([_subtitle(table)])
    sheet.append([cells.styled(column.header, cells.bold) for column in table.columns])
    last = HEADER_ROW
    for row in table.rows:
        sheet.append([cells.cell(value) for value in row])
        last += 1
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(max(len(table.columns), 1))}{last}"
    if table.signature:
        sheet.append([])
        sheet.append(_signature())


def write_xlsx(target: str | IO[bytes], *tables: Table) -> None:
    """One sheet per table, into a path or a binary file."""
    book = Workbook(write_only=True)
    for table in tables:
        _write_sheet(book, table)
    book.save(target)


# ---- CSV --------------------------------------------------------------------------------------

def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime):
        return _naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    return "'" + text if unsafe(text) else text


def write_csv(target: IO[bytes], table: Table) -> None:
    """UTF-8 with a BOM (Excel then reads the Chinese right), the same lines as the sheet."""
    out = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(out)
    writer.writerow([_csv_value(table.title)])
    writer.writerow([_csv_value(_subtitle(table))])
    writer.writerow([_csv_value(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    if table.signature:
        writer.writerow([])
        writer.writerow(_signature())
    out.flush()
    out.detach()  # the caller's file stays open


# ---- in a view --------------------------------------------------------------------------------

def xlsx_bytes(*tables: Table) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, *tables)
    return out.getvalue()


def response(table: Table, download_name: str, fmt: str = "xlsx", about=None):
    """The file as a download: `fmt` is "xlsx" or "csv"; `download_name` without its extension.

    Every download is in the audit log: who took which file about which unit (`about`, else the
    user's area), from where.
    """
    from flask_login import current_user

    from . import audit
    out = io.BytesIO()
    if fmt == "csv":
        write_csv(out, table)
    else:
        write_xlsx(out, table)
    out.seek(0)
    # After the rows are read: the commit would expire every row object a lazy `rows` still has to read.
    audit.viewed("export", unit=about if about is not None else current_user.scope, detail=f"{download_name}.{fmt}")
    return send_file(out, as_attachment=True, download_name=f"{download_name}.{fmt}",
                     mimetype=CSV_TYPE if fmt == "csv" else XLSX_TYPE)

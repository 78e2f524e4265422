"""The one writer of every spreadsheet (.xlsx) and CSV file the app hands out.

A file is a `Table`: a title, the unit and the day (or period) it is about, the columns (Chinese
headers through `_()`), the rows, and a signature line under them (填表人 / 审核人 / 日期), the form
the county files on paper. Every export builds a Table and gives it to `write_xlsx` / `write_csv`
(or `response` in a view); nothing else in the app writes a spreadsheet. Every ledger is offered in
both formats: a view's route ends in `FILE` (`/ledger.<any(xlsx, csv):fmt>`) and passes `fmt` on to
`response`; pages link both through the `files()` macro (templates/_files.html).

The type of a value decides its cell, the same in every export:

- `str` is **always text**, never a formula: a cell beginning with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return is written as a text cell with Excel's quote prefix (in a CSV file it
  is preceded by ``'``), so a note such as ``=HYPERLINK(…)`` typed on a phone stays a note.
- `int`, `float`, `Decimal` are numbers; `bool` is 是 / 否; `None` an empty cell.
- `date`, `time`, `datetime` are real Excel dates and times, in the county's time (`local_time()`
  turns a stored naive-UTC timestamp into one; an aware date-time is shown in the county's zone).

The .xlsx is streamed (webapp/xlsx.py writes the sheet's XML row by row into the zip: memory does
not grow with the rows, ~20 µs a row where openpyxl took ~1 ms), the header row is frozen and has an autofilter over the data. Layout: row 1 the title, row 2 the unit
and the day, row 3 the headers (`HEADER_ROW`), the data from row 4, then a blank row and the
signature line.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import IO, Callable, Iterable, Sequence

from flask import send_file
from flask_babel import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import xlsx
from .org.settings import county_zone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
FORMATS = ("xlsx", "csv")
# Every export's URL ends in this: the same ledger as .xlsx or as CSV, one view, the `fmt` argument.
FILE = "<any(xlsx, csv):fmt>"
HEADER_ROW = 3
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12


@dataclass(frozen=True)
class Prepared:
    """Rows that a big export makes from the file's own cells: `make(cell)` yields rows whose values
    are already `cell(value)`, so that a value repeated on every row (a label, a place, a minute) is
    made into its cell once per file, not once per row. `cell` is the same rule as for any other row
    (the type of a value decides its cell, formulas stay text); it differs between .xlsx and CSV."""

    make: Callable[[Callable], Iterable[Sequence]]

    def counted(self, count: Callable[[Iterable], Iterable]) -> Prepared:
        """The same rows, passed through `count` as they are written (a job's progress)."""
        return Prepared(lambda cell: count(self.make(cell)))


@dataclass
class Table:
    """One sheet (or one CSV file). `rows` may be any iterable, read once as it is written, or Prepared."""
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence] | Prepared
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


def file_name(table: Table) -> str:
    """The file's name as its title line reads, in the user's language: title, unit (when the title does
    not hold it) and period, with the characters a Windows file name cannot hold as spaces."""
    day = table.day.isoformat() if isinstance(table.day, date) else str(table.day or "")
    parts = [table.title, table.unit if table.unit and table.unit not in table.title else "", day.replace(" – ", "_")]
    name = " ".join(p for p in parts if p).translate(str.maketrans({c: " " for c in '\\/:*?"<>|：'}))
    return " ".join(name.split())


def _signature() -> list[str]:
    """One cell, so that it never widens the table: 填表人：＿＿＿＿  审核人：＿＿＿＿  日期：＿＿＿＿."""
    blank = "________"
    return ["    ".join(f"{label}{blank}" for label in (_("Filled in by:"), _("Checked by:"), _("Signed on:")))]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# ---- .xlsx ------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _xlsx_values(yes: str, no: str):
    """The function that turns a value into what the streaming writer takes (webapp/xlsx.py).

    A text is cleaned once per distinct value (the ledger's labels and places repeat on every row)."""
    cleaned: dict = {}

    def value(v):
        kind = type(v)
        if kind is str:
            found = cleaned.get(v)
            if found is None:
                if len(cleaned) > 50_000:
                    cleaned.clear()
                text = _clean(v)
                # never a formula
                found = cleaned[v] = xlsx.Text(text, xlsx.QUOTED) if text.startswith(FORMULA_STARTS) else text
            return found
        if v is None or kind is int or kind is float:
            return v
        if kind is bool:
            return yes if v else no
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, (date, time)):  # datetime is a date
            return _naive(v)
        return value(str(v))
    return value


def _sheet_rows(table: Table):
    yield [xlsx.Text(_clean(table.title), xlsx.TITLE)]
    yield [_subtitle(table)]
    yield [xlsx.Text(_clean(column.header), xlsx.BOLD) for column in table.columns]
    value = _xlsx_values(_yes_no(True), _yes_no(False))
    if isinstance(table.rows, Prepared):
        yield from table.rows.make(value)
    else:
        for row in table.rows:
            yield [value(v) for v in row]
    if table.signature:
        yield []
        yield _signature()


def write_xlsx(target: str | IO[bytes], *tables: Table) -> None:
    """One sheet per table, into a path or a binary file, streamed: memory does not grow with the rows."""
    writer = xlsx.Writer(target)
    for table in tables:
        name = (table.sheet or table.title)[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／＼"))
        writer.add(xlsx.Sheet(name, [column.width for column in table.columns], frozen_rows=HEADER_ROW,
                              filter_row=HEADER_ROW), _sheet_rows(table))
    writer.close()


# ---- CSV --------------------------------------------------------------------------------------

def _csv_values(yes: str, no: str):
    """The function that turns a value into its CSV text (是 / 否 translated once per file).

    Dates and times are formatted once per distinct value: a ledger's 400,000 rows hold one day
    and a few hundred minutes, and strftime per cell was a fifth of a county's CSV.
    """
    formatted: dict = {}

    def value(v) -> str:
        kind = type(v)
        if kind is str:
            return "'" + v if v.startswith(FORMULA_STARTS) else v
        if v is None:
            return ""
        if kind is bool:
            return yes if v else no
        if kind is int or kind is float:
            return str(v)
        if kind is datetime or kind is date:
            text = formatted.get(v)
            if text is None:
                if len(formatted) > 100_000:
                    formatted.clear()
                text = formatted[v] = _csv_value(v)
            return text
        return _csv_value(v)
    return value


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
    target.write(codecs.BOM_UTF8)  # then plain UTF-8: TextIOWrapper encodes it in C, utf-8-sig in Python
    out = io.TextIOWrapper(target, encoding="utf-8", newline="")
    writer = csv.writer(out)
    writer.writerow([_csv_value(table.title)])
    writer.writerow([_csv_value(_subtitle(table))])
    writer.writerow([_csv_value(column.header) for column in table.columns])
    value = _csv_values(_yes_no(True), _yes_no(False))
    if isinstance(table.rows, Prepared):
        writer.writerows(table.rows.make(value))
    else:
        for row in table.rows:
            writer.writerow([value(v) for v in row])
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


def response(table: Table, download_name: str | None = None, fmt: str = "xlsx", about=None):
    """The file as a download: `fmt` is "xlsx" or "csv"; `download_name` without its extension (by
    default the table's title, unit and period: `file_name`).

    Every download is in the audit log: who took which file about which unit (`about`, else the
    user's area), from where.
    """
    from flask_login import current_user

    from . import audit
    download_name = download_name or file_name(table)
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

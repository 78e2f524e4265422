"""The day's check ledger (晨午检台账) as a spreadsheet, in the columns people already file."""
from __future__ import annotations

from datetime import date, datetime, timezone
import csv
from collections.abc import Iterable, Iterator
from io import BytesIO, TextIOWrapper
from pathlib import Path
from typing import BinaryIO

from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..extensions import db
from ..jobs.operations import JobKind, register
from ..org.models import Unit
from ..org.settings import county_zone
from .labels import REASON_LABELS, SESSION_LABELS, symptom_text
from .operations import LedgerRow, ledger, ledger_size, unit_names

WIDTHS = (12, 10, 12, 18, 12, 10, 9, 10, 8, 20, 24, 12, 17)
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}


def headers() -> list[str]:
    """日期, 时段, 乡镇, 学校, 班级, 姓名, 是否在校, 缺勤原因, 体温, 症状, 备注, 填报人, 填报时间 in Chinese."""
    return [_("Date"), _("Session"), _("Township"), _("School"), _("Class"), _("Name"), _("At school"),
            _("Absence reason"), _("Temperature (°C)"), _("Symptoms"), _("Note"), _("Recorded by"),
            _("Recorded at")]


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone(county_zone()).strftime("%Y-%m-%d %H:%M")


def _cells(row: LedgerRow, names: dict[int, str], separator: str) -> list:
    ids = [int(part) for part in row.unit_path.strip("/").split("/")]
    place = [names.get(ids[i], "") if len(ids) > i else "" for i in (1, 2)]
    klass = "" if row.is_staff else names.get(ids[-1], "")
    return [row.day.isoformat(), str(SESSION_LABELS[row.session]), *place, klass, row.name,
            _("Yes") if row.present else _("No"),
            str(REASON_LABELS[row.absence_reason]) if row.absence_reason else "",
            row.temperature, symptom_text(row.symptoms, separator), row.note or "", row.by, _local(row.recorded_at)]


def ledger_cells(root: Unit, day: date) -> Iterator[list]:
    """The ledger's rows as cells: one per person and session (the current check), students first, then staff."""
    names = unit_names(root)
    separator = "、" if str(get_locale() or "zh").startswith("zh") else ", "
    for row in ledger(root, day):
        yield _cells(row, names, separator)


def write_ledger(out: BinaryIO, fmt: str, rows: Iterable[list]) -> None:
    """The header and the rows into `out` as .xlsx (write-only workbook, streamed) or CSV."""
    if fmt == "csv":
        text = TextIOWrapper(out, encoding="utf-8-sig", newline="")  # the BOM: Excel reads the Chinese
        writer = csv.writer(text)
        writer.writerow(headers())
        writer.writerows([_csv_safe(cell) for cell in row] for row in rows)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Checks")[:31])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(headers())
    for row in rows:
        sheet.append(row)
    workbook.save(out)


def _csv_safe(cell):
    """A text cell a spreadsheet would read as a formula is written with a leading apostrophe."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def ledger_file(root: Unit, day: date, fmt: str) -> BytesIO:
    """A school's (or smaller unit's) ledger at once, in the request: a few thousand rows."""
    buffer = BytesIO()
    write_ledger(buffer, fmt, ledger_cells(root, day))
    buffer.seek(0)
    return buffer


def file_name(root: Unit, day: date, fmt: str = "xlsx") -> str:
    title = _("Health check ledger")
    return f"{title} {root.name} {day.isoformat()}.{fmt}"


def run_ledger_job(params: dict, progress, path: Path) -> tuple[str, str]:
    """A background job (webapp/jobs): an area's whole ledger of a day, streamed to the file at `path`."""
    root, day, fmt = db.session.get(Unit, params["unit_id"]), date.fromisoformat(params["date"]), params["format"]
    progress.total(ledger_size(root, day))
    with path.open("wb") as out:
        write_ledger(out, fmt, progress.counted(ledger_cells(root, day)))
    return file_name(root, day, fmt), CONTENT_TYPES[fmt]


LEDGER_JOB = register(JobKind("health_ledger", run_ledger_job))

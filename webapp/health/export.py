"""The day's check ledger (晨午检台账) as a spreadsheet, in the columns people already file."""
from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _

from ..org.models import Unit
from ..spreadsheets import Column, Table, local_time
from .labels import REASON_LABELS, SESSION_LABELS, symptom_text
from .operations import LedgerRow, ledger, unit_names

WIDTHS = (12, 10, 12, 18, 12, 10, 9, 10, 8, 20, 24, 12, 17)


def headers() -> list[str]:
    """日期, 时段, 乡镇, 学校, 班级, 姓名, 是否在校, 缺勤原因, 体温, 症状, 备注, 填报人, 填报时间 in Chinese."""
    return [_("Date"), _("Session"), _("Township"), _("School"), _("Class"), _("Name"), _("At school"),
            _("Absence reason"), _("Temperature (°C)"), _("Symptoms"), _("Note"), _("Recorded by"),
            _("Recorded at")]


def _cells(row: LedgerRow, names: dict[int, str], separator: str) -> list:
    ids = [int(part) for part in row.unit_path.strip("/").split("/")]
    place = [names.get(ids[i], "") if len(ids) > i else "" for i in (1, 2)]
    klass = "" if row.is_staff else names.get(ids[-1], "")
    return [row.day, str(SESSION_LABELS[row.session]), *place, klass, row.name, row.present,
            str(REASON_LABELS[row.absence_reason]) if row.absence_reason else "",
            row.temperature, symptom_text(row.symptoms, separator), row.note or "", row.by,
            local_time(row.recorded_at)]


def ledger_table(root: Unit, day: date) -> Table:
    """One row per person and session (the current check), students first, then staff."""
    names = unit_names(root)
    separator = "、" if str(get_locale() or "zh").startswith("zh") else ", "
    return Table(title=_("Health check ledger"), unit=root.name, day=day, sheet=_("Checks"),
                 columns=[Column(header, width) for header, width in zip(headers(), WIDTHS)],
                 rows=(_cells(row, names, separator) for row in ledger(root, day)))


def file_name(root: Unit, day: date) -> str:
    title = _("Health check ledger")
    return f"{title} {root.name} {day.isoformat()}"

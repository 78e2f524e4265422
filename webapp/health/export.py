"""The day's check ledger (晨午检台账) as a spreadsheet, in the columns people already file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..jobs.operations import JobKind, register
from ..org.models import Staff, Student, Unit
from ..org.operations import unit_title
from ..org.scoping import subtree_ids
from ..spreadsheets import CSV_TYPE, XLSX_TYPE, Column, Table, local_time, write_csv, write_xlsx
from .labels import REASON_LABELS, SESSION_LABELS, SYMPTOM_LABELS
from .ledger import LedgerRow, ledger
from .operations import SESSIONS, unit_names

WIDTHS = (11, 8, 10, 16, 10, 8, 10, 8, 8, 10, 8, 16, 20, 10, 16)


def headers() -> list[str]:
    """日期, 时段, 乡镇, 学校, 班级, 类别, 姓名, 已检, 是否在校, 缺勤原因, 体温, 症状, 备注, 填报人, 填报时间."""
    return [_("Date"), _("Session"), _("Township"), _("School"), _("Class"), _("Group"), _("Name"), _("Checked"),
            _("At school"), _("Absence reason"), _("Temperature (°C)"), _("Symptoms"), _("Note"), _("Recorded by"),
            _("Recorded at")]


@dataclass(frozen=True)
class Words:
    """The ledger's fixed words, translated once per file (gettext per cell cost most of a county's export)."""

    session: dict
    reason: dict
    symptom: dict
    separator: str
    staff: str
    student: str
    not_checked: str
    yes: str
    not_measured: str
    none: str
    minutes: dict = field(default_factory=dict, compare=False)  # memos for one file
    places: dict = field(default_factory=dict, compare=False)

    @classmethod
    def now(cls) -> Words:
        """In the request's (or the job's) language."""
        separator = "、" if str(get_locale() or "zh").startswith("zh") else ", "
        return cls({k: str(v) for k, v in SESSION_LABELS.items()}, {k: str(v) for k, v in REASON_LABELS.items()},
                   {k: str(v) for k, v in SYMPTOM_LABELS.items()}, separator, _("Staff"), _("Student"),
                   _("Not checked"), _("Yes"), _("Not measured"), _("None"))

    def symptoms(self, symptoms) -> str:
        return self.separator.join(self.symptom.get(s, s) for s in symptoms or ()) if symptoms else ""

    def local(self, moment):
        """spreadsheets.local_time, once per minute of the day: the zone's offset is whole minutes, so
        the minute's county time is the moment's (a county's checks fall in a few hundred minutes)."""
        if moment is None:
            return None
        minute = moment.replace(second=0, microsecond=0)
        found = self.minutes.get(minute)
        if found is None:
            found = self.minutes[minute] = local_time(minute)
        return found


def _cells(row: LedgerRow, names: dict[int, str], words: Words) -> list:
    ids = row.unit_path
    places = words.places.get(ids[-1])  # (township, school, class) of the person's unit, once per unit
    if places is None:
        places = words.places[ids[-1]] = tuple(names.get(ids[i], "") if len(ids) > i else "" for i in (1, 2, 4))
    township, school, klass = places
    head = [row.day, words.session[row.session], township, school, "" if row.is_staff else klass,
            words.staff if row.is_staff else words.student, row.name]
    if not row.checked:
        return [*head, words.not_checked]
    # A check saved as "everyone normal" has no temperature: it says so (未测, 无), never an empty cell.
    temperature = row.temperature if row.temperature is not None else words.not_measured if row.present else ""
    symptoms = words.symptoms(row.symptoms) or (words.none if row.present else "")
    return [*head, words.yes, row.present, words.reason[row.absence_reason] if row.absence_reason else "",
            temperature, symptoms, row.note or "", row.by, words.local(row.recorded_at)]


def ledger_table(root: Unit, day: date) -> Table:
    """One row per person on the roll and session: the current check, or 未检; students, then staff."""
    names = unit_names(root)
    words = Words.now()
    return Table(title=_("Health check ledger"), unit=unit_title(root), day=day, sheet=_("Checks"),
                 columns=[Column(header, width) for header, width in zip(headers(), WIDTHS)],
                 rows=(_cells(row, names, words) for row in ledger(root, day, names)))


def file_name(root: Unit, day: date) -> str:
    title = _("Health check ledger")
    return f"{title} {unit_title(root)} {day.isoformat()}"


def run_ledger_job(params: dict, progress, path: Path) -> tuple[str, str]:
    """A background job (webapp/jobs): an area's whole ledger of a day, streamed to the file at `path`."""
    root, day, fmt = db.session.get(Unit, params["unit_id"]), date.fromisoformat(params["date"]), params["format"]
    progress.total(_rows_at_most(root))
    table = ledger_table(root, day)
    table.rows = progress.counted(table.rows)
    with path.open("wb") as out:
        if fmt == "csv":
            write_csv(out, table)
        else:
            write_xlsx(out, table)
    return f"{file_name(root, day)}.{fmt}", CSV_TYPE if fmt == "csv" else XLSX_TYPE


def _rows_at_most(root: Unit) -> int:
    """The ledger's rows: everyone on the roll under `root`, once per session (a job's progress)."""
    units = subtree_ids(root)
    people = sum(db.session.scalar(select(func.count()).select_from(model).where(column.in_(units),
                                                                                 model.active.is_(True)))
                 for model, column in ((Student, Student.class_id), (Staff, Staff.unit_id)))
    return people * len(SESSIONS)


LEDGER_JOB = register(JobKind("health_ledger", run_ledger_job))

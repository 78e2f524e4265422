"""The day's check ledger (晨午检台账) as a spreadsheet, in the columns people already file."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
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
from ..spreadsheets import CSV_TYPE, XLSX_TYPE, Column, Prepared, Table, local_time, write_csv, write_xlsx
from .labels import REASON_LABELS, SESSION_LABELS, SYMPTOM_LABELS
from .ledger import ledger
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

    @classmethod
    def now(cls) -> Words:
        """In the request's (or the job's) language."""
        separator = "、" if str(get_locale() or "zh").startswith("zh") else ", "
        return cls({k: str(v) for k, v in SESSION_LABELS.items()}, {k: str(v) for k, v in REASON_LABELS.items()},
                   {k: str(v) for k, v in SYMPTOM_LABELS.items()}, separator, _("Staff"), _("Student"),
                   _("Not checked"), _("Yes"), _("Not measured"), _("None"))

    def symptoms(self, symptoms) -> str:
        return self.separator.join(self.symptom.get(s, s) for s in symptoms or ()) if symptoms else ""


class Cells:
    """The ledger's rows as the file's cells (`cell`: the writer's own rule for a value, see
    spreadsheets.Prepared). What repeats from row to row is made into cells once per file: a unit's
    places with the day, session and group; a check's findings; the recorders; the minutes."""

    MEMO_MAX = 100_000

    def __init__(self, day: date, names: dict[int, str], words: Words, cell):
        self.day, self.names, self.words, self.cell = day, names, words, cell
        self.heads: dict = {}
        self.findings: dict = {}
        self.texts: dict = {}
        self.minutes: dict = {}

    def rows(self, chunks) -> Iterator[tuple]:
        cell, texts, heads, findings, minutes = self.cell, self.texts, self.heads, self.findings, self.minutes
        not_checked = (cell(self.words.not_checked),)
        for staff, paths, rows in chunks:
            for unit_id, name, session, recorded_at, present, reason, temperature, symptoms, note, by in rows:
                head = heads.get((unit_id, session, staff))
                if head is None:
                    head = heads[(unit_id, session, staff)] = self._head(paths[unit_id], session, staff)
                if recorded_at is None:  # expected and not checked: 未检
                    yield head + (cell(name),) + not_checked
                    continue
                found = findings.get((present, reason, temperature, symptoms))
                if found is None:
                    found = findings[(present, reason, temperature, symptoms)] = self._findings(
                        present, reason, temperature, symptoms)
                who = texts.get(by)
                if who is None:
                    if len(texts) > self.MEMO_MAX:
                        texts.clear()
                    who = texts[by] = cell(by or "")
                moment = minutes.get(recorded_at)
                if moment is None:
                    if len(minutes) > self.MEMO_MAX:
                        minutes.clear()
                    moment = minutes[recorded_at] = cell(local_time(recorded_at))
                yield head + (cell(name),) + found + (cell(note) if note else cell(""), who, moment)

    def _head(self, ids: list[int], session: str, staff: bool) -> tuple:
        """日期, 时段, 乡镇, 学校, 班级, 类别 of a person in the unit with these ids (county first)."""
        township, school, klass = (self.names.get(ids[i], "") if len(ids) > i else "" for i in (1, 2, 4))
        words = self.words
        return tuple(self.cell(v) for v in (self.day, words.session[session], township, school,
                                            "" if staff else klass, words.staff if staff else words.student))

    def _findings(self, present, reason, temperature, symptoms) -> tuple:
        """已检, 是否在校, 缺勤原因, 体温, 症状. A check saved as "everyone normal" has no temperature: it
        says so (未测, 无), never an empty cell."""
        words = self.words
        shown = words.symptoms(() if not symptoms or symptoms == "[]" else json.loads(symptoms))
        if temperature is None:
            temperature = words.not_measured if present else ""
        return tuple(self.cell(v) for v in (words.yes, present, words.reason[reason] if reason else "",
                                            temperature, shown or (words.none if present else "")))


def ledger_table(root: Unit, day: date) -> Table:
    """One row per person on the roll and session: the current check, or 未检; students, then staff."""
    names = unit_names(root)
    words = Words.now()
    return Table(title=_("Health check ledger"), unit=unit_title(root), day=day, sheet=_("Checks"),
                 columns=[Column(header, width) for header, width in zip(headers(), WIDTHS)],
                 rows=Prepared(lambda cell: Cells(day, names, words, cell).rows(ledger(root, day, names))))


def file_name(root: Unit, day: date) -> str:
    title = _("Health check ledger")
    return f"{title} {unit_title(root)} {day.isoformat()}"


def run_ledger_job(params: dict, progress, path: Path) -> tuple[str, str]:
    """A background job (webapp/jobs): an area's whole ledger of a day, streamed to the file at `path`."""
    root, day, fmt = db.session.get(Unit, params["unit_id"]), date.fromisoformat(params["date"]), params["format"]
    progress.total(_rows_at_most(root))
    table = ledger_table(root, day)
    table.rows = table.rows.counted(progress.counted)
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

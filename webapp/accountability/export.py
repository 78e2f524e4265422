"""The trace-back as files: the daily report summary of a period, and the monthly table (.xlsx / CSV).

Both go through the one formula-safe writer (`webapp/spreadsheets.py`), which also records each
download in the audit log. The summary has one row per unit and day due: its state (on time,
late, missed), the current report's figures, who filed it and when first, and who answered for
the unit that day (the chain as it stood then).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..jobs.operations import JobKind, register
from ..health.models import DailyReport
from ..org.models import Unit, UnitKind, User
from ..org.operations import unit_title
from ..spreadsheets import Column, Table, local_time
from .operations import TraceBack, overall


def _reports(trace: TraceBack) -> dict[tuple[int, date], tuple]:
    """(unit, day) → (current report, who filed it, first filed at), in one query."""
    ids = [u.id for u in trace.reporting]
    if not ids:
        return {}
    partition = (DailyReport.unit_id, DailyReport.date)
    rank = func.row_number().over(partition_by=partition, order_by=(
        DailyReport.effective_at.desc(), DailyReport.received_at.desc(), DailyReport.record_id.desc()))
    ranked = (select(DailyReport.unit_id, DailyReport.date, DailyReport.zero_report, DailyReport.expected,
                     DailyReport.checked, DailyReport.absent, DailyReport.abnormal, DailyReport.user_id,
                     func.min(DailyReport.effective_at).over(partition_by=partition).label("first"),
                     rank.label("rank"))
              .where(DailyReport.unit_id.in_(ids), DailyReport.date.between(trace.start, trace.end)).subquery())
    c = ranked.c
    query = (select(c.unit_id, c.date, c.zero_report, c.expected, c.checked, c.absent, c.abnormal,
                    User.display_name, c.first).join(User, User.id == c.user_id).where(c.rank == 1))
    return {(row[0], row[1]): row[2:] for row in db.session.execute(query)}


def summary_headers() -> list[str]:
    return [_("Date"), _("Township"), _("School"), _("Class"), _("State"), _("Zero report"), _("Expected"),
            _("Checked"), _("Absent"), _("Abnormal"), _("Filed by"), _("First filed at"), _("Responsible that day")]


def summary_table(trace: TraceBack, unit: Unit) -> Table:
    """The daily report summary (日报告汇总) of a period: every report due, newest day first."""
    reports = _reports(trace)
    states = {None: _("On time"), "late": _("Late"), "missed": _("Missed")}
    due = sorted(trace.unit_days(), key=lambda x: (-x[1].toordinal(), x[0].path))
    links = trace.links_for(due)

    def row(item):
        u, day, state = item
        school = trace.name_at(u, UnitKind.school)
        report = reports.get((u.id, day))
        filed = [report[0], *report[1:5], report[5], local_time(report[6])] if report else [None] * 7
        chain = "；".join(f"{h.unit_name}：{h.name} {h.phone or ''}".strip() for h in trace.chain(u, day, links))
        return [day, trace.name_at(u, UnitKind.township), school, "" if u.name == school else u.name, states[state],
                *filed, chain]
    widths = (11, 10, 16, 10, 8, 8, 7, 7, 7, 7, 10, 16, 36)
    return Table(title=_("Daily report summary"), unit=unit_title(unit),
                 day=f"{trace.start.isoformat()} – {trace.end.isoformat()}", sheet=_("Reports"),
                 columns=[Column(h, w) for h, w in zip(summary_headers(), widths)], rows=(row(i) for i in due))


def monthly_table(trace: TraceBack, unit: Unit, month: date) -> Table:
    """The monthly trace-back table (倒查月度汇总表): each school, then its township's total; the county's last."""
    def line(township: str, name: str, row) -> list:
        return [township, name, row.due, row.missed, row.late, row.on_time, _share(row.on_time_share)]

    def rows():
        townships = trace.monthly()
        for township in townships:
            yield from (line(township.name, school.name, school) for school in township.schools)
            yield line(township.name, _("total"), township)
        total = overall(townships, unit.id, unit.name)
        if total:
            yield line(unit.name, _("total"), total)
    headers = [_("Township"), _("School"), _("Due"), _("Missed"), _("Late"), _("On time"), _("On time (%)")]
    return Table(title=_("Monthly trace-back table"), unit=unit_title(unit), day=month.strftime("%Y-%m"),
                 sheet=_("Trace-back"), columns=[Column(h, w) for h, w in zip(headers, (12, 18, 8, 8, 8, 8, 10))],
                 rows=rows())


def _share(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def summary_name(unit: Unit, start: date, end: date) -> str:
    return f"{_('Daily report summary')} {unit_title(unit)} {start.isoformat()}_{end.isoformat()}"


def run_summary_job(params: dict, progress, path) -> tuple[str, str]:
    """A background job (webapp/jobs): a township's or the county's summary of a period, streamed."""
    from ..spreadsheets import CSV_TYPE, XLSX_TYPE, write_csv, write_xlsx
    unit = db.session.get(Unit, params["unit_id"])
    start, end, fmt = date.fromisoformat(params["start"]), date.fromisoformat(params["end"]), params["format"]
    trace = TraceBack(unit, start, end)
    table = summary_table(trace, unit)
    progress.total(sum(1 for _ in trace.unit_days()))
    table.rows = progress.counted(table.rows)
    with path.open("wb") as out:
        (write_csv if fmt == "csv" else write_xlsx)(out, table)
    return f"{summary_name(unit, start, trace.end)}.{fmt}", CSV_TYPE if fmt == "csv" else XLSX_TYPE


SUMMARY_JOB = register(JobKind("report_summary", run_summary_job))

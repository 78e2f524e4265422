"""A school's duty week as filed (值班表), through the one spreadsheet writer: one row per shift."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ...org.models import Unit
from ...spreadsheets import Column, Table, local_time


def week_table(school: Unit, monday: date, shifts: list) -> Table:
    def checked(shift, attendance) -> str:
        names = {p.id: p.name for p in shift.people}
        return "、".join(f"{names.get(staff_id, '')} {local_time(a['check_in']).strftime('%H:%M')}"
                        for staff_id, a in attendance.items() if a["check_in"])
    rows = ([local_time(s.starts_at), local_time(s.ends_at), "、".join(p.name for p in s.people),
             s.leader.name if s.leader else "", len(s.people), s.needed, checked(s, a)] for s, a in shifts)
    return Table(title=_("School duty: %(school)s", school=school.name), unit=school.name, day=monday,
                 sheet=_("School duty"), rows=rows,
                 columns=[Column(_("Starts"), 16), Column(_("Ends"), 16), Column(_("On duty"), 24),
                          Column(_("Leader"), 10), Column(_("People"), 6), Column(_("Needed"), 6),
                          Column(_("Checked in"), 24)])

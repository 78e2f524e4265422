"""The reopening plan's files, through the one spreadsheet writer: a school's plan (一校一案: item,
who answers for it, status, note) and the county's readiness (one row per school, a column per item)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ...org.models import Unit
from ...spreadsheets import Column, Table, local_time
from .forms import status_labels
from .models import PlanItem
from .operations import SchoolPlan


def school_table(school: Unit, day: date, plan: SchoolPlan) -> Table:
    labels = status_labels()
    rows = ([item.title, plan.states[item.id].person if item.id in plan.states else "", str(labels[plan.status(item)]),
             plan.states[item.id].note or "" if item.id in plan.states else "",
             local_time(plan.states[item.id].effective_at) if item.id in plan.states else None]
            for item in plan.items)
    return Table(title=_("Reopening plan: %(school)s", school=school.name), unit=school.name, day=day,
                 sheet=_("Reopening plan"), rows=rows,
                 columns=[Column(_("Item"), 30), Column(_("Who answers for it"), 12), Column(_("Status"), 8),
                          Column(_("Note"), 30), Column(_("Updated"), 16)])


def readiness_table(root: Unit, day: date, items: list[PlanItem], plans: list[SchoolPlan]) -> Table:
    labels = status_labels()
    rows = ([p.school.name, p.township, p.ready, f"{p.done}/{len(items)}"] + [str(labels[p.status(i)]) for i in items]
            for p in plans)
    columns = [Column(_("School"), 18), Column(_("Township"), 10), Column(_("Ready"), 6), Column(_("Done"), 6)]
    return Table(title=_("Readiness to reopen"), unit=root.name, day=day, sheet=_("Reopening plan"), rows=rows,
                 columns=columns + [Column(i.title, 10) for i in items])

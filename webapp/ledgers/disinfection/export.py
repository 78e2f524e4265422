"""The disinfection ledger as the county files it, through the one spreadsheet writer: a place's
month, one row per disinfection (日期, 时间, 消毒区域, 方式, 消毒剂, 浓度, 消毒人)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ...org.models import Unit
from ...spreadsheets import Column, Table
from .forms import method_labels
from .models import Entry


def month_table(unit: Unit, first: date, entries: list[Entry]) -> Table:
    headers = [(_("Day"), 11), (_("Time"), 7), (_("Areas disinfected"), 30), (_("Method"), 10),
               (_("Disinfectant"), 12), (_("Concentration"), 10), (_("Disinfected by"), 10), (_("Note"), 20),
               (_("Recorded by"), 12)]
    methods = method_labels()
    rows = ([e.date, e.time, "、".join(a.area.name for a in e.areas), str(methods[e.method]), e.agent or "",
             e.concentration or "", e.done_by, e.note or "", e.user.display_name] for e in entries)
    return Table(title=_("Disinfection ledger: %(place)s", place=unit.name), unit=unit.name,
                 day=first.strftime("%Y-%m"), sheet=_("Disinfection"), columns=[Column(h, w) for h, w in headers],
                 rows=rows)

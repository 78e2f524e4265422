"""Online learning's day as the county files it (停课不停学 日统计), through the one spreadsheet writer:
one row per class with its rates, the area's total last."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ...org.models import Unit
from ...org.operations import unit_title
from ...spreadsheets import Column, Table
from .operations import Rates


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def day_table(root: Unit, day: date, classes: list[Rates], total: Rates) -> Table:
    def row(name: str, r: Rates) -> list:
        return [name, r.expected if r.entered else None, r.attended if r.entered else None,
                _percent(r.rate("attended")), _percent(r.rate("handed_in")), _percent(r.rate("marked")),
                r.entered == r.classes]
    rows = [row(c.label, c) for c in classes] + [row(_("Total"), total)]
    return Table(title=_("Online learning: %(unit)s", unit=unit_title(root)), unit=unit_title(root), day=day,
                 sheet=_("Online learning"), rows=rows,
                 columns=[Column(_("Class"), 22), Column(_("Students"), 8), Column(_("Attended"), 8),
                          Column(_("Attendance %"), 10), Column(_("Homework handed in %"), 12),
                          Column(_("Homework marked %"), 12), Column(_("Entered"), 6)])


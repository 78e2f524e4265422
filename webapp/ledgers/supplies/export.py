"""The supplies ledger as the county files it, through the one spreadsheet writer:
a school's ledger (物资台账: every movement in the order it happened, with the stock after it)
and the overview of the schools against the standard (物资配备情况)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ...org.models import Unit
from ...spreadsheets import Column, Table, local_time
from .forms import movement_labels, reason_labels
from .models import SupplyMovement
from .operations import SchoolSupplies


def ledger_table(school: Unit, first: date, last: date, movements: list[SupplyMovement]) -> Table:
    headers = [(_("Day"), 11), (_("Item"), 12), (_("Unit of count"), 6), (_("Movement"), 8), (_("Quantity"), 9),
               (_("From whom / to whom"), 16), (_("Reason"), 8), (_("Difference"), 9), (_("Stock after"), 9),
               (_("Below zero"), 8), (_("Note"), 20), (_("Recorded by"), 12), (_("Recorded at"), 16)]
    moves, reasons = movement_labels(), reason_labels()
    rows = ([m.date, m.item.name, m.item.unit, str(moves[m.movement]), m.quantity, m.counterpart or "",
             str(reasons[m.reason]) if m.reason else "", m.difference, m.stock_after, m.below_zero, m.note or "",
             m.user.display_name, local_time(m.recorded_at)] for m in movements)
    return Table(title=_("Supplies ledger: %(school)s", school=school.name), unit=school.name,
                 day=f"{first.isoformat()} – {last.isoformat()}", sheet=_("Supplies"),
                 columns=[Column(h, w) for h, w in headers], rows=rows)


def overview_table(root: Unit, day: date, schools: list[SchoolSupplies]) -> Table:
    """One row per school and item, the schools short first (as on the screen)."""
    headers = [(_("School"), 18), (_("Township"), 10), (_("Item"), 12), (_("Unit of count"), 6), (_("On hand"), 9),
               (_("Standard"), 9), (_("Short"), 9), (_("Days left by the standard"), 10),
               (_("Days left by recent use"), 10), (_("Below zero"), 8)]
    rows = ([s.school.name, s.township, line.item.name, line.item.unit, line.on_hand, line.required,
             line.shortfall, _days(line.days_by_standard), _days(line.days_by_use), line.flagged]
            for s in schools for line in s.lines)
    return Table(title=_("Supplies against the standard"), unit=root.name, day=day, sheet=_("Supplies"),
                 columns=[Column(h, w) for h, w in headers], rows=rows)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

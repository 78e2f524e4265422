"""The log of a checkpoint's day as a spreadsheet (台账), the form the county files."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import clock
from .models import Checkpoint, CheckpointEntry, EntryFollowUp


def _shown_label(item: str) -> str:
    return {"health_code": _("Health code"), "itinerary_code": _("Itinerary code"), "id_card": _("ID card"),
            "other": _("Other")}.get(item, item)


def _row(entry: CheckpointEntry, follow_up: EntryFollowUp | None) -> list:
    yes, no = _("Yes"), _("No")
    return [clock.to_local(entry.recorded_at).strftime("%H:%M"), _("In") if entry.direction == "in" else _("Out"),
            entry.name or "", entry.from_place or "", entry.to_place or "", yes if entry.verified else no,
            "、".join(_shown_label(i) for i in entry.shown_list), entry.temperature,
            yes if entry.disinfected else no, entry.plate or "", entry.note or "",
            (_("Fever") if entry.fever else _("Not verified")) if entry.flagged else "",
            (yes if follow_up else no) if entry.flagged else "", entry.user.display_name]


def day_log_workbook(checkpoint: Checkpoint, day: date, entries: list[CheckpointEntry],
                     follow_ups: dict[str, EntryFollowUp]) -> BytesIO:
    """One sheet: a title line, the header, one row per person passing, in time order."""
    book = Workbook()
    sheet = book.active
    sheet.title = day.isoformat()
    sheet.append([_("Checkpoint log: %(name)s, %(day)s", name=checkpoint.name, day=day.isoformat())])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("Time"), _("Direction"), _("Name"), _("From"), _("To"), _("Verified"), _("Shown"),
              _("Temperature (°C)"), _("Disinfected"), _("Plate"), _("Note"), _("Flag"), _("Followed up"),
              _("Recorded by")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in entries:
        sheet.append(_row(entry, follow_ups.get(entry.id)))
    sheet.freeze_panes = "A3"
    stream = BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream

"""The log of a checkpoint's day as a spreadsheet (台账), the form the county files."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..spreadsheets import Column, Table, local_time
from .models import Checkpoint, CheckpointEntry, EntryFollowUp

WIDTHS = (17, 6, 10, 14, 14, 8, 18, 9, 8, 10, 20, 10, 8, 12)


def _shown_label(item: str) -> str:
    return {"health_code": _("Health code"), "itinerary_code": _("Itinerary code"), "id_card": _("ID card"),
            "other": _("Other")}.get(item, item)


def _row(entry: CheckpointEntry, follow_up: EntryFollowUp | None) -> list:
    return [local_time(entry.recorded_at), _("In") if entry.direction == "in" else _("Out"),
            entry.name or "", entry.from_place or "", entry.to_place or "", entry.verified,
            "、".join(_shown_label(i) for i in entry.shown_list), entry.temperature, entry.disinfected,
            entry.plate or "", entry.note or "",
            (_("Fever") if entry.fever else _("Not verified")) if entry.flagged else "",
            bool(follow_up) if entry.flagged else None, entry.user.display_name]


def day_log_table(checkpoint: Checkpoint, day: date, entries: list[CheckpointEntry],
                  follow_ups: dict[str, EntryFollowUp]) -> Table:
    """One row per person passing, in time order."""
    header = [_("Time"), _("Direction"), _("Name"), _("From"), _("To"), _("Verified"), _("Shown"),
              _("Temperature (°C)"), _("Disinfected"), _("Plate"), _("Note"), _("Flag"), _("Followed up"),
              _("Recorded by")]
    return Table(title=_("Checkpoint log: %(name)s, %(day)s", name=checkpoint.name, day=day.isoformat()),
                 unit=checkpoint.name, day=day, sheet=day.isoformat(),
                 columns=[Column(h, w) for h, w in zip(header, WIDTHS)],
                 rows=(_row(entry, follow_ups.get(entry.id)) for entry in entries))

"""The training ledger as filed (培训记录), through the one spreadsheet writer: one row per session."""
from __future__ import annotations

from flask_babel import gettext as _

from ...duty import clock
from ...org.models import Unit
from ...spreadsheets import Column, Table
from .forms import topic_labels
from .models import TrainingSession


def sessions_table(school: Unit, sessions: list[TrainingSession]) -> Table:
    topics = topic_labels()
    rows = ([s.date, str(topics[s.topic]), s.trainer, len(s.attendees), "、".join(a.staff.name for a in s.attendees),
             s.note or ""] for s in sessions)
    return Table(title=_("Training ledger: %(school)s", school=school.name), unit=school.name, day=clock.local_today(),
                 sheet=_("Training"), rows=rows,
                 columns=[Column(_("Day"), 11), Column(_("Topic"), 12), Column(_("Trained by"), 14),
                          Column(_("People"), 6), Column(_("Who was trained"), 40), Column(_("Note"), 20)])

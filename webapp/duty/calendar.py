"""A person's shifts as an iCalendar feed (RFC 5545), for a calendar subscription on the phone."""
from __future__ import annotations

from datetime import timedelta, timezone

from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..org.models import Staff, utcnow
from . import clock
from .models import Shift

PRODID = "-//Shaodian//Checkpoint duty//ZH"


def _event(shift: Shift, staff: Staff, host: str) -> Event:
    event = Event()
    # Stable per shift and person: a refreshed subscription updates the event instead of adding one.
    event.add("uid", f"shift-{shift.id}-staff-{staff.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    event.add("dtstart", clock.to_local(shift.starts_at))
    event.add("dtend", clock.to_local(shift.ends_at))
    event.add("summary", _("Checkpoint duty: %(name)s", name=shift.checkpoint.name))
    if shift.checkpoint.address:
        event.add("location", shift.checkpoint.address)
    leader = shift.leader
    if leader is not None:
        event.add("description", _("Shift leader: %(name)s %(phone)s", name=leader.name, phone=leader.phone or ""))
    event.add("last-modified", shift.updated_at.replace(tzinfo=timezone.utc))
    return event


def shifts_calendar(staff: Staff, shifts: list[Shift], host: str) -> bytes:
    """The calendar of `staff`'s shifts, with the county's time zone (VTIMEZONE) included."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Checkpoint duty: %(name)s", name=staff.name))
    calendar.add("x-wr-timezone", clock.county_tz().key)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for shift in shifts:
        calendar.add_component(_event(shift, staff, host))
    calendar.add_missing_timezones()
    return calendar.to_ical()

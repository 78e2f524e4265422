"""The county's clock: shifts are stored in naive UTC and planned, shown and exported in local time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from ..org.models import utcnow


def county_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    """A naive local time of the county (or an aware time) as naive UTC, the way it is stored."""
    aware = local if local.tzinfo else local.replace(tzinfo=county_tz())
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    """A stored naive UTC time as an aware time of the county."""
    return utc.replace(tzinfo=timezone.utc).astimezone(county_tz())


def local_now() -> datetime:
    return to_local(utcnow())


def local_today() -> date:
    return local_now().date()


def day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """The stored (naive UTC) bounds of local days `first` to `last` inclusive: [start, end)."""
    last = last or first
    return (to_utc(datetime.combine(first, time())), to_utc(datetime.combine(last + timedelta(days=1), time())))


def week_start(day: date) -> date:
    """The Monday of the week holding `day`: rosters are planned by week."""
    return day - timedelta(days=day.weekday())


def iso_local(utc: datetime) -> str:
    """A stored time as ISO 8601 with the county's offset, for the phones and the .ics."""
    return to_local(utc).isoformat(timespec="minutes")

"""The rules of isolation, follow-ups and clearance, and the county office's changes.

The rules are plain functions of data already read: `queries.py` reads in bulk and hands the
rows to them, and `records.py` applies the same rules when a phone's record arrives, so each rule
lives once. The office's changes (risk areas, the isolation period) flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from sqlalchemy import select

from ..errors import RuleError
from ..extensions import db
from ..org.models import Unit, User, utcnow
from .models import IsolationChangeKind, RiskArea, RiskLevel, TrackingSettings

DEFAULT_ISOLATION_DAYS = 14
ISOLATION_DAYS_RANGE = (1, 28)
FEVER_WINDOW_DAYS = 14  # a fever this recent keeps a person from clearance
RISK_TRIP_DAYS = 14  # back from a risk area less than this many days ago
RETURNING_DAYS = 7  # a planned return this soon makes a person tracked
ILLNESS_ABSENCE_DAYS = 3  # absent for illness on this many days of the last week: tracked

# Why a person is tracked, and why a person is not cleared to come back: the codes and their words.
REASONS = {
    "fever": _l("Fever at a check"),
    "contact": _l("Contact history"),
    "risk_trip": _l("Trip in a risk area"),
    "isolation": _l("In isolation"),
    "returning": _l("Returning soon"),
    "illness_absence": _l("Absent for illness over 2 days"),
}
NOT_CLEARED = {
    "in_isolation": _l("In isolation"),
    "not_released": _l("Isolation over but not yet released"),
    "fever": _l("Fever in the last 14 days"),
    "risk_trip": _l("Back from a risk area less than 14 days ago"),
    "no_screening": _l("No screening on file"),
    "followup_open": _l("Illness follow-up open"),
}


def planned_end(last_exposure: date, period_days: int) -> date:
    """The last day of isolation: the last exposure plus the county's period (day 1 is the day after)."""
    return last_exposure + timedelta(days=period_days)


@dataclass
class IsolationState:
    """An isolation as its changes leave it: the planned end now, released or not, who and when."""

    started_on: date
    last_exposure_on: date
    period_days: int
    end_on: date
    released_on: date | None = None
    released_by: int | None = None
    history: list = field(default_factory=list)  # the changes, in the order they rank

    def day_number(self, day: date) -> int:
        """"Day 6 of 14": the day's number counted from the start (the start is day 1)."""
        return (day - self.started_on).days + 1

    @property
    def total_days(self) -> int:
        return (self.end_on - self.started_on).days + 1

    def is_open(self) -> bool:
        return self.released_on is None


def replay(started_on: date, last_exposure_on: date, period_days: int, end_on: date, changes) -> IsolationState:
    """Apply the changes (rows with change, on, user_id; ranked by effective time) to the isolation as started."""
    state = IsolationState(started_on, last_exposure_on, period_days, end_on)
    for change in changes:
        state.history.append(change)
        if state.released_on is not None:
            continue  # nothing changes a released isolation
        state.end_on, released = next_end(state, change.change, change.on)
        if released:
            state.released_on, state.released_by = change.on, change.user_id
    return state


def next_end(state: IsolationState, change: IsolationChangeKind, on: date) -> tuple[date, bool]:
    """(the planned end after this change, released by it)."""
    if change is IsolationChangeKind.exposure:
        state.last_exposure_on = max(state.last_exposure_on, on)
        return max(state.end_on, planned_end(on, state.period_days)), False
    if change in (IsolationChangeKind.extend, IsolationChangeKind.shorten):
        return on, False
    return state.end_on, True


def check_change(state: IsolationState, change: IsolationChangeKind, on: date, reason: str | None,
                 followed: set[date]) -> None:
    """The rules of a change to an open isolation; raises RuleError naming the field."""
    if not state.is_open():
        raise RuleError(_l("This isolation was released on %(day)s.", day=state.released_on), "isolation_id")
    if on < state.started_on:
        raise RuleError(_l("The day is before the isolation started (%(day)s).", day=state.started_on), "on")
    if change is IsolationChangeKind.exposure:
        return
    if change is IsolationChangeKind.extend and on <= state.end_on:
        raise RuleError(_l("An extension ends after the planned end (%(day)s).", day=state.end_on), "on")
    if change is IsolationChangeKind.shorten and on >= state.end_on:
        raise RuleError(_l("A shortening ends before the planned end (%(day)s).", day=state.end_on), "on")
    if change is IsolationChangeKind.release:
        check_release(state, on, reason, followed)
    elif not reason:
        raise RuleError(_l("Give the reason for the change."), "reason")


def check_release(state: IsolationState, on: date, reason: str | None, followed: set[date]) -> None:
    """A release needs the last day's follow-up, or a reason (an early release always needs one)."""
    if reason:
        return
    if on < state.end_on:
        raise RuleError(_l("Released before the planned end (%(day)s): give the reason.", day=state.end_on), "reason")
    if state.end_on not in followed:
        raise RuleError(_l("No follow-up on the last day (%(day)s): record it first, or give the reason.",
                           day=state.end_on), "reason")


def missed_days(state: IsolationState, followed: set[date], today: date, past_cutoff: bool) -> list[date]:
    """The days of the isolation with no follow-up: every day before today, and today once past the cut-off."""
    last = min(state.released_on or state.end_on, today if past_cutoff else today - timedelta(days=1))
    days = [state.started_on + timedelta(days=n) for n in range((last - state.started_on).days + 1)]
    return [day for day in days if day not in followed]


def illness_open(signs: list[date], closings: list[date]) -> bool:
    """An illness case is open while a sign (a fever, an illness absence) is newer than its last closing."""
    return bool(signs) and (not closings or max(signs) > max(closings))


def not_cleared_reasons(*, isolation: IsolationState | None, today: date, fever_on: date | None,
                        risk_trip_to: date | None, screened: bool, followup_open: bool) -> list[str]:
    """Why a person may not come back yet (codes of NOT_CLEARED); empty when cleared.

    Strict and order-free: it is computed from every record stored, so no record arriving late
    can leave someone cleared with an open isolation or an open illness follow-up.
    """
    reasons = []
    if isolation is not None and isolation.is_open():
        reasons.append("in_isolation" if isolation.end_on >= today else "not_released")
    if fever_on is not None and fever_on > today - timedelta(days=FEVER_WINDOW_DAYS):
        reasons.append("fever")
    if risk_trip_to is not None and risk_trip_to > today - timedelta(days=RISK_TRIP_DAYS):
        reasons.append("risk_trip")
    if not screened:
        reasons.append("no_screening")
    if followup_open:
        reasons.append("followup_open")
    return reasons


# ---- the county office's changes -----------------------------------------------------------

def save_risk_area(county: Unit, place: str, level: RiskLevel, starts_on: date, ends_on: date | None,
                   by: User | None, area: RiskArea | None = None) -> RiskArea:
    """List a place as a risk area (or change one): people who were there in its window are flagged at once."""
    place = (place or "").strip()
    if not place:
        raise RuleError(_l("Give the place."), "place")
    if ends_on is not None and ends_on < starts_on:
        raise RuleError(_l("It ends before it starts."), "ends_on")
    if area is None:
        area = RiskArea(county_id=county.id)
        db.session.add(area)
    area.place, area.level, area.starts_on, area.ends_on = place, level, starts_on, ends_on
    area.updated_by_id, area.updated_at = (by.id if by else None), utcnow()
    db.session.flush()
    return area


def set_isolation_days(county: Unit, days: int, by: User | None) -> TrackingSettings:
    """The county's isolation period, for isolations started from now on."""
    if not ISOLATION_DAYS_RANGE[0] <= int(days) <= ISOLATION_DAYS_RANGE[1]:
        raise RuleError(_l("Between %(low)s and %(high)s days.", low=ISOLATION_DAYS_RANGE[0],
                           high=ISOLATION_DAYS_RANGE[1]), "isolation_days")
    row = db.session.scalar(select(TrackingSettings).where(TrackingSettings.county_id == county.id))
    if row is None:
        row = TrackingSettings(county_id=county.id)
        db.session.add(row)
    row.isolation_days, row.updated_at, row.updated_by_id = int(days), utcnow(), by.id if by else None
    db.session.flush()
    return row

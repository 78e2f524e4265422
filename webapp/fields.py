"""Form fields and query values every area shares, held to what the app can compute with.

A day the app works with lies between FIRST_DAY and LAST_DAY: a roster's week, a log's day or a
checkpoint's last day at year 1 or 9999 would overflow the day before or the week after (a 500),
and no epidemic record of this county lies outside it (the phones' times are held to the same
years). A day a record is *for* (a supplies movement's, a class's online day …) is moreover not
after today in the county and at most so many days before (`recent_days`): the office form checks
it with `RecentDay`, the push with the kind's declared date field (webapp/sync/registry.py:
`Field(..., days_back=n)`), the phone with the same declaration read from the OpenAPI schema
(static/js/kinds.js). A decimal typed as "NaN" or "sNaN" is no number: no bound can compare it.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import ValidationError

from .duty.clock import local_today

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class WorkingDay:
    """A DateField's validator: the day lies between FIRST_DAY and LAST_DAY."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(_l("Choose a day between %(first)s and %(last)s.",
                                     first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))


def recent_days(days_back: int, today: date | None = None) -> tuple[date, date]:
    """The first and last day a record made today may be for: today (the county's) and `days_back` before."""
    today = today or local_today()
    return max(FIRST_DAY, today - timedelta(days=days_back)), min(LAST_DAY, today)


class RecentDay(WorkingDay):
    """A DateField's validator: a working day, not after today in the county, at most `days_back` before it."""

    def __init__(self, days_back: int):
        self.days_back = days_back

    @property
    def field_flags(self) -> dict:
        """The date input's min and max (read when a form is made, so they are today's)."""
        first, last = recent_days(self.days_back)
        return {"min": first.isoformat(), "max": last.isoformat()}

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if field.data is None:
            return
        first, last = recent_days(self.days_back)
        if field.data > last:
            raise ValidationError(_l("The day is after today."))
        if field.data < first:
            raise ValidationError(_l("At most %(n)s days back.", n=self.days_back))


def day_arg(name: str, default: date) -> date:
    """A day from the query string (?name=2026-03-02); a missing, malformed or far-off one is `default`."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
    return day if FIRST_DAY <= day <= LAST_DAY else default


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN, sNaN and Infinity as "not a number"."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))

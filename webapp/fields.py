"""Form fields and query values every area shares, held to what the app can compute with.

A day the app works with lies between FIRST_DAY and LAST_DAY: a roster's week, a log's day or a
checkpoint's last day at year 1 or 9999 would overflow the day before or the week after (a 500),
and no epidemic record of this county lies outside it (the phones' times are held to the same
years). A decimal typed as "NaN" or "sNaN" is no number: no bound can compare it.
"""
from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import ValidationError

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class WorkingDay:
    """A DateField's validator: the day lies between FIRST_DAY and LAST_DAY."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(_l("Choose a day between %(first)s and %(last)s.",
                                     first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))


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

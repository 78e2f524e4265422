"""Office forms of checkpoint duty (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..fields import WorkingDay
from .operations import MAX_BULK_DAYS, MAX_COPY_WEEKS, MAX_NEEDED


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class CheckpointForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unit_id = SelectField(_l("Place (a village, a community or a school)"), coerce=int, validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    active_from = DateField(_l("Active from"), validators=[InputRequired(), WorkingDay()])
    active_to = DateField(_l("Active until"), validators=[Optional(), WorkingDay()])
    leader_id = SelectField(_l("Responsible leader"), coerce=_optional_int, validators=[Optional()])


class BulkShiftsForm(FlaskForm):
    first_day = DateField(_l("From"), validators=[InputRequired(), WorkingDay()])
    last_day = DateField(_l("Until"), validators=[InputRequired(), WorkingDay()])
    slots = StringField(_l("Every day, at"), default="07:00-13:00, 13:00-19:00",
                        validators=[DataRequired(), Length(max=200)])
    needed = IntegerField(_l("People per shift"), default=2,
                          validators=[InputRequired(), NumberRange(1, MAX_NEEDED)],
                          render_kw={"inputmode": "numeric", "min": 1, "max": MAX_NEEDED})

    max_days = MAX_BULK_DAYS


class CopyWeekForm(FlaskForm):
    weeks = IntegerField(_l("Copy this week to the next … weeks"), default=1,
                         validators=[InputRequired(), NumberRange(1, MAX_COPY_WEEKS)],
                         render_kw={"inputmode": "numeric", "min": 1, "max": MAX_COPY_WEEKS})


class AssignForm(FlaskForm):
    staff_ids = SelectMultipleField(_l("People to put on this shift"), coerce=int,
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class VolunteerForm(FlaskForm):
    name = StringField(_l("Volunteer's name"), validators=[DataRequired(), Length(max=50)])
    phone = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})


class ReplaceForm(FlaskForm):
    old_staff_id = SelectField(_l("Replace"), coerce=int, validators=[InputRequired()])
    new_staff_id = SelectField(_l("With"), coerce=int, validators=[InputRequired()])


class NeededForm(FlaskForm):
    needed = IntegerField(_l("People needed"), validators=[InputRequired(), NumberRange(1, MAX_NEEDED)],
                          render_kw={"inputmode": "numeric", "min": 1, "max": MAX_NEEDED})


class FollowUpForm(FlaskForm):
    note = TextAreaField(_l("What was done (optional)"), validators=[Optional(), Length(max=200)],
                         render_kw={"rows": 2})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

"""Office forms of the reopening plan (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...org.forms import options
from .models import Status


def status_labels() -> dict:
    return {Status.todo: _l("Not started"), Status.doing: _l("In progress"), Status.done: _l("Done")}


class UpdateForm(FlaskForm):
    record_id = HiddenField()
    item_id = HiddenField(validators=[InputRequired()])
    person = StringField(_l("Who answers for it"), validators=[DataRequired(), Length(max=50)])
    status = SelectField(_l("Status"), choices=options((s.value, label) for s, label in status_labels().items()),
                         validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class ItemForm(FlaskForm):
    title = StringField(_l("Item"), validators=[DataRequired(), Length(max=100)])
    detail = TextAreaField(_l("What it asks"), validators=[Optional(), Length(max=500)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(0, 999)])
    active = BooleanField(_l("In the plan (untick to take it out)"), default=True)

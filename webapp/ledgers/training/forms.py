"""Office form of the training ledger."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...org.forms import options
from .models import Topic


def topic_labels() -> dict:
    return {Topic.disinfection: _l("Disinfection"), Topic.thermometer: _l("Infrared thermometer"),
            Topic.other: _l("Other")}


class SessionForm(FlaskForm):
    record_id = HiddenField()
    date = DateField(_l("Day"), validators=[InputRequired()])
    topic = SelectField(_l("Topic"), choices=options((t.value, label) for t, label in topic_labels().items()),
                        validators=[InputRequired()])
    trainer = StringField(_l("Trained by"), validators=[DataRequired(), Length(max=50)])
    staff_ids = SelectMultipleField(_l("Who was trained"), coerce=int, validators=[InputRequired()],
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

"""Office forms of the disinfection ledger (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...org.forms import options
from .models import AreaKind, Method


def kind_labels() -> dict:
    return {AreaKind.classroom: _l("Classroom"), AreaKind.canteen: _l("Canteen"), AreaKind.dormitory: _l("Dormitory"),
            AreaKind.toilet: _l("Toilet"), AreaKind.gate: _l("Gate"), AreaKind.office: _l("Office"),
            AreaKind.other: _l("Other")}


def method_labels() -> dict:
    return {Method.spray: _l("Spraying"), Method.wipe: _l("Wiping"), Method.mop: _l("Mopping"),
            Method.uv: _l("UV lamp"), Method.fumigation: _l("Fumigation"), Method.ventilation: _l("Ventilation")}


class EntryForm(FlaskForm):
    record_id = HiddenField()
    area_ids = SelectMultipleField(_l("Areas disinfected"), coerce=int, validators=[InputRequired()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    date = DateField(_l("Day"), validators=[InputRequired()])
    time = TimeField(_l("Time"), validators=[InputRequired()])
    method = SelectField(_l("Method"), choices=options((m.value, label) for m, label in method_labels().items()),
                         validators=[InputRequired()])
    agent = StringField(_l("Disinfectant"), validators=[Optional(), Length(max=50)], default="84消毒液")
    concentration = StringField(_l("Concentration"), validators=[Optional(), Length(max=30)], default="500 mg/L")
    done_by = StringField(_l("Disinfected by"), validators=[DataRequired(), Length(max=50)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    kind = SelectField(_l("Kind"), choices=options((k.value, label) for k, label in kind_labels().items()),
                       validators=[InputRequired()])
    due_times = StringField(_l("Due by (times of day)"), validators=[Optional(), Length(max=60)],
                            description=_l("Empty: the county's default for the kind."))
    active = BooleanField(_l("Disinfected here (untick to retire the area)"), default=True)

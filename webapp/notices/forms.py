"""The form that publishes a notice."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..org.forms import options
from .models import NoticeKind

KIND_LABELS = {NoticeKind.letter: _l("Letter to students and parents"), NoticeKind.guide: _l("Prevention guide"),
               NoticeKind.policy: _l("Policy")}


class NoticeForm(FlaskForm):
    unit = SelectField(_l("Send to"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=options((k.value, label) for k, label in KIND_LABELS.items()),
                       validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=8000)])
    ask_parents = BooleanField(_l("Ask the teachers how many parents acknowledged it"))

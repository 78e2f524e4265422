"""The "looked into" form of a flag."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReviewForm(FlaskForm):
    signal = HiddenField(validators=[DataRequired()])
    subject_kind = HiddenField(validators=[DataRequired()])
    subject_id = IntegerField(validators=[DataRequired()])
    unit_id = IntegerField(validators=[DataRequired()])
    note = TextAreaField(_l("What you found"), validators=[DataRequired(_l("Say what you found: the note is what the mark is for.")),
                                                           Length(max=500)])

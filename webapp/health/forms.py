"""Office forms of the health area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from ..fields import WorkingDay


class DayForm(FlaskForm):
    """The day a report page shows (a GET form: bookmarkable, no CSRF token needed)."""

    class Meta:
        csrf = False

    date = DateField(_l("Day"), validators=[Optional(), WorkingDay()])


class LedgerJobForm(FlaskForm):
    """Start a large area's ledger in the background (a POST: it starts work, so it carries a CSRF token)."""

    unit_id = IntegerField(validators=[DataRequired()])
    date = DateField(_l("Day"), validators=[DataRequired(), WorkingDay()])
    format = SelectField(choices=[SelectChoice("xlsx", ".xlsx"), SelectChoice("csv", ".csv")], default="xlsx")

"""Office forms of the health area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from ..fields import WorkingDay


class DayForm(FlaskForm):
    """The day a report page shows (a GET form: bookmarkable, no CSRF token needed)."""

    class Meta:
        csrf = False

    date = DateField(_l("Day"), validators=[Optional(), WorkingDay()])

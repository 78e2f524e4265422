"""The period of a trace-back: a month (the table), or any span of days (the list)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.validators import Optional, ValidationError

from ..fields import WorkingDay

MAX_DAYS = 93  # a quarter: the list of a longer period is the monthly tables'


class PeriodForm(FlaskForm):
    """A GET form (bookmarkable, printable, no CSRF token)."""

    class Meta:
        csrf = False

    unit_id = IntegerField(validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional(), WorkingDay()])
    end = DateField(_l("To"), validators=[Optional(), WorkingDay()])

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The end comes before the start."))
            if (field.data - self.start.data).days >= MAX_DAYS:
                raise ValidationError(_l("At most %(days)s days at a time.", days=MAX_DAYS))


class MonthForm(FlaskForm):
    class Meta:
        csrf = False

    unit_id = IntegerField(validators=[Optional()])
    month = DateField(_l("Month"), format="%Y-%m", validators=[Optional(), WorkingDay()])

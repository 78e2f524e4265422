"""The period of a trace-back: a month (the table), or any span of days (the list)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

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


class SummaryJobForm(FlaskForm):
    """Start a township's or the county's daily report summary in the background (a POST: CSRF)."""

    unit_id = IntegerField(validators=[DataRequired()])
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    format = SelectField(choices=[SelectChoice("xlsx", ".xlsx"), SelectChoice("csv", ".csv")], default="xlsx")

    def validate_end(self, field):
        PeriodForm.validate_end(self, field)

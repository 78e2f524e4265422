"""Office forms of the supplies ledger (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...fields import RecentDay
from ...org.forms import options
from .models import AdjustReason, Basis, Movement
from .records import DAY, QUANTITY_MAX


def movement_labels() -> dict:
    return {Movement.received: _l("Received"), Movement.issued: _l("Issued"), Movement.used: _l("Used"),
            Movement.adjusted: _l("Written off"), Movement.counted: _l("Counted")}


def reason_labels() -> dict:
    return {AdjustReason.damaged: _l("Damaged"), AdjustReason.expired: _l("Expired"), AdjustReason.lost: _l("Lost"),
            AdjustReason.other: _l("Other")}


def basis_labels() -> dict:
    return {Basis.school: _l("per school"), Basis.klass: _l("per class"),
            Basis.head_day: _l("per student and staff member per day")}


def _optional_text(value):
    return value if value not in (None, "", "None") else None


class MovementForm(FlaskForm):
    record_id = HiddenField()  # made when the form is shown: the same form sent twice is stored once
    item_id = SelectField(_l("Item"), coerce=int, validators=[InputRequired()])
    movement = SelectField(_l("Movement"), choices=options((m.value, label) for m, label in movement_labels().items()),
                           validators=[InputRequired()])
    quantity = DecimalField(_l("Quantity (a count: what is on hand)"), places=None,
                            validators=[InputRequired(), NumberRange(0, QUANTITY_MAX)],
                            render_kw={"inputmode": "decimal", "min": 0, "step": "any"})
    date = DateField(_l("Day"), validators=[InputRequired(), RecentDay(DAY.days_back)])
    counterpart = StringField(_l("From whom / to whom"), validators=[Optional(), Length(max=100)])
    reason = SelectField(_l("Reason (write-off or count)"), coerce=_optional_text, validators=[Optional()],
                         choices=options(((r.value, label) for r, label in reason_labels().items()), blank="—"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ItemForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    unit = StringField(_l("Unit of count"), validators=[DataRequired(), Length(max=10)],
                       description=_l("个, 支, 瓶, 升 …"))
    basis = SelectField(_l("Standard counted"), choices=options((b.value, label) for b, label in basis_labels().items()),
                        validators=[InputRequired()])
    standard = DecimalField(_l("Standard"), places=None, validators=[InputRequired(), NumberRange(0, QUANTITY_MAX)],
                            render_kw={"inputmode": "decimal", "min": 0, "step": "any"})
    reserve_days = IntegerField(_l("Days of stock asked (per head per day)"), default=7,
                                validators=[InputRequired(), NumberRange(1, 90)],
                                render_kw={"inputmode": "numeric", "min": 1, "max": 90})
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(0, 999)])
    active = BooleanField(_l("Counted (untick to stop counting it)"), default=True)

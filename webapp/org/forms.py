"""Office forms of the org area (Flask-WTF, CSRF on every one)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp,
                                ValidationError)

from .labels import GENDER_LABELS
from .models import Gender, Role
from .validators import clean_id_number, clean_phone, valid_id_number, valid_mobile


class LoginForm(FlaskForm):
    login = StringField(_l("Username or phone number"), validators=[DataRequired(), Length(max=50)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


# ---- office screens: hierarchy, people, responsibility chains, accounts -------------------------

CHOOSE_FROM_LIST = _l("Choose one from the list.")
MAX_ID = 2_147_483_647  # ids are 32-bit integers in PostgreSQL: a bigger number is no row, not an error


def _clean(value):
    """Trim what was typed; an empty answer is no answer (None), not an empty string."""
    if not isinstance(value, str):
        return value
    return value.replace("\x00", "").strip() or None  # PostgreSQL refuses a NUL character in text


def options(pairs, blank=None) -> list[SelectChoice]:
    """(value, label) pairs as a select's options, after an empty "choose" option when `blank` is given."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(str(value), label) for value, label in pairs]


def row_id(value) -> int:
    """A row id typed or sent by a form: a positive 32-bit integer, else ValueError."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def _int_or_none(value):
    """A select's value as a row id; its empty first option means 'none chosen'."""
    return None if value in (None, "") else row_id(value)


class MobilePhone:
    """A mainland mobile number, 1[3-9] and 9 more digits (an empty field is left to Optional)."""

    def __call__(self, form, field):
        if field.data and not valid_mobile(field.data):
            raise ValidationError(_l("A mobile number has 11 digits and starts with 13 to 19."))


class IdNumber:
    """A resident ID number: 18 characters, a real birth date and the GB 11643 check character."""

    def __call__(self, form, field):
        if field.data and not valid_id_number(field.data):
            raise ValidationError(_l("This is not a valid ID number (18 characters; the last one is "
                                     "a check digit or X). Check it against the ID card."))


def _unit_select(label):
    # Choices are filled by the view from the user's area; the view also checks the answer.
    return SelectField(label, coerce=_int_or_none, validate_choice=False, validators=[InputRequired()],
                       invalid_value_message=CHOOSE_FROM_LIST)


class SearchForm(FlaskForm):
    """The search bar above a list (GET: bookmarkable, no CSRF needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[_clean], validators=[Optional(), Length(max=50)])
    unit = SelectField(_l("Unit"), coerce=_int_or_none, validate_choice=False,
                       invalid_value_message=CHOOSE_FROM_LIST)
    left = BooleanField(_l("Also those who have left"))


class UnitForm(FlaskForm):
    """A new unit below the one on the page."""

    kind = SelectField(_l("Kind"), invalid_choice_message=CHOOSE_FROM_LIST)
    name = StringField(_l("Name"), filters=[_clean], validators=[DataRequired(), Length(max=100)])


class UnitChangeForm(FlaskForm):
    """Rename a unit and/or move it under another one."""

    name = StringField(_l("Name"), filters=[_clean], validators=[DataRequired(), Length(max=100)])
    parent = _unit_select(_l("Stands under"))


class StudentForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_clean], validators=[DataRequired(), Length(max=50)])
    student_no = StringField(_l("Student number"), filters=[_clean], validators=[DataRequired(), Length(max=32)])
    gender = SelectField(_l("Gender"), coerce=Gender,
                         choices=options((gender.value, label) for gender, label in GENDER_LABELS.items()),
                         invalid_value_message=CHOOSE_FROM_LIST, invalid_choice_message=CHOOSE_FROM_LIST)
    birth_date = DateField(_l("Birth date"), validators=[Optional()],
                           invalid_value_message=_l("Enter a date like 2015-09-01."))
    class_id = _unit_select(_l("Class"))
    id_number = StringField(_l("ID number"), filters=[clean_id_number], validators=[Optional(), IdNumber()],
                            render_kw={"autocomplete": "off", "inputmode": "text"})
    guardian_name = StringField(_l("Guardian"), filters=[_clean], validators=[Optional(), Length(max=50)])
    guardian_phone = StringField(_l("Guardian's mobile number"), filters=[clean_phone],
                                 validators=[Optional(), MobilePhone()], render_kw={"inputmode": "tel"})
    home_village = StringField(_l("Home village or community"), filters=[_clean],
                               validators=[Optional(), Length(max=100)])
    active = BooleanField(_l("At school (untick when the student has left)"), default=True)


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_clean], validators=[DataRequired(), Length(max=50)])
    unit_id = _unit_select(_l("Unit"))
    position = StringField(_l("Position"), filters=[_clean], validators=[Optional(), Length(max=50)])
    phone = StringField(_l("Mobile number"), filters=[clean_phone], validators=[Optional(), MobilePhone()],
                        render_kw={"inputmode": "tel"})
    id_number = StringField(_l("ID number"), filters=[clean_id_number], validators=[Optional(), IdNumber()],
                            render_kw={"autocomplete": "off"})
    party_member = BooleanField(_l("Party member"))
    is_volunteer = BooleanField(_l("Volunteer"))
    active = BooleanField(_l("Active (untick when the person has left)"), default=True)


class ResponsibilityForm(FlaskForm):
    """Add or remove one link of a responsibility chain: staff member → unit, student or colleague."""

    staff_id = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_ID)])
    target_kind = SelectField(choices=["unit", "student", "staff"])
    target_id = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_ID)])
    action = SelectField(choices=["add", "remove"])
    back = SelectField(choices=["target", "staff"], default="target")


USERNAME = Regexp(r"^[A-Za-z0-9_.\-]{3,50}$",
                  message=_l("3 to 50 letters, digits, dots, dashes or underscores (no spaces)."))


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), filters=[_clean], validators=[DataRequired(), USERNAME],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    display_name = StringField(_l("Name shown"), filters=[_clean], validators=[DataRequired(), Length(max=50)])
    role = SelectField(_l("Role"), coerce=Role, validate_choice=False, invalid_value_message=CHOOSE_FROM_LIST)
    scope = _unit_select(_l("Area (what the account sees)"))
    phone = StringField(_l("Mobile number (can be used to log in)"), filters=[clean_phone],
                        validators=[Optional(), MobilePhone()], render_kw={"inputmode": "tel"})


class AccountScopeForm(FlaskForm):
    role = SelectField(_l("Role"), coerce=Role, validate_choice=False, invalid_value_message=CHOOSE_FROM_LIST)
    scope = _unit_select(_l("Area (what the account sees)"))

"""The county's settings (fever threshold, report cut-off, field login length) and their screen.

One row per county; a county that never saved its settings runs on the defaults, so reading the
settings never writes. Dates and cut-offs are in the county's time zone (BABEL_DEFAULT_TIMEZONE);
timestamps are stored as naive UTC, like everywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import DateField, IntegerField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import NumberInput

from ..errors import RuleError
from ..extensions import db
from ..fields import FiniteDecimalField, WorkingDay
from ..navigation import add_entry
from ..sync.reference import register_collection
from .access import require_roles
from .models import Role, Unit, User, utcnow

THRESHOLD_RANGE = (36.5, 38.5)
SESSION_DAYS_RANGE = (1, 90)
KEEP_DAYS_RANGE = (30, 1825)  # PIPL: no longer than needed; the inspections after an epidemic take months


class CountySettings(db.Model):
    """The saved settings of one county (the root unit)."""

    __tablename__ = "county_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    fever_threshold: Mapped[float]
    report_cutoff: Mapped[time]
    field_session_days: Mapped[int]
    # Retention (webapp/retention.py): once the epidemic period ended, its people's health,
    # screening and isolation records are kept this many days more, then removed.
    epidemic_ended_on: Mapped[date | None]
    keep_days_after_epidemic: Mapped[int] = mapped_column(default=180, server_default="180")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


@dataclass(frozen=True)
class Settings:
    """The settings in force: the saved row's values, or the defaults."""

    fever_threshold: float = 37.3
    report_cutoff: time = time(10, 0)
    field_session_days: int = 30
    updated_at: datetime | None = None
    epidemic_ended_on: date | None = None
    keep_days_after_epidemic: int = 180

    @property
    def records_kept_until(self) -> date | None:
        """The last day the epidemic period's personal records are kept; None while it goes on."""
        if self.epidemic_ended_on is None:
            return None
        return self.epidemic_ended_on + timedelta(days=self.keep_days_after_epidemic)

    def as_item(self) -> dict:
        """The one item of the `settings` reference collection the phones pull."""
        return {"id": 1, "fever_threshold": self.fever_threshold,
                "report_cutoff": self.report_cutoff.strftime("%H:%M"),
                "field_session_days": self.field_session_days,
                # The cut-off is county time: the phone judges lateness by the same clock (health/figures.py).
                "time_zone": current_app.config["BABEL_DEFAULT_TIMEZONE"]}


# ---- reading -------------------------------------------------------------------------------

def county_id_of(unit: Unit) -> int:
    """The county (root unit) a unit belongs to."""
    return unit.ancestor_ids[0] if unit.path else unit.id


def settings_for(county_id: int | None) -> Settings:
    row = db.session.scalar(select(CountySettings).where(CountySettings.county_id == county_id)) \
        if county_id is not None else None
    if row is None:
        return Settings()
    return Settings(row.fever_threshold, row.report_cutoff, row.field_session_days, row.updated_at,
                    row.epidemic_ended_on, row.keep_days_after_epidemic)


def current_settings(user: User | None = None) -> Settings:
    """The settings of the user's county (the logged-in user by default; the first county otherwise)."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    if user is not None:
        return settings_for(county_id_of(user.scope))
    first = db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
    return settings_for(first)


def settings_items(user: User, since: datetime | None) -> list[dict]:
    """Reference-data provider: the settings item, when it changed since `since` (always on a full pull)."""
    settings = current_settings(user)
    if since is not None and (settings.updated_at is None or settings.updated_at <= since):
        return []
    return [settings.as_item()]


register_collection("settings", settings_items)


# ---- the county's clock --------------------------------------------------------------------

def county_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today in the county (a server in UTC would otherwise switch days at 08:00 in China)."""
    return datetime.now(county_zone()).date()


def local_day_of(moment: datetime) -> date:
    """The county's calendar day of a naive-UTC timestamp."""
    return moment.replace(tzinfo=timezone.utc).astimezone(county_zone()).date()


def cutoff_moment(day: date, settings: Settings) -> datetime:
    """The report cut-off of `day` as naive UTC (10:00 in the county is 02:00 UTC)."""
    local = datetime.combine(day, settings.report_cutoff, tzinfo=county_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def session_lifetime(user: User) -> timedelta:
    """How long a login lasts: the county's setting, so a phone in a village stays logged in."""
    return timedelta(days=current_settings(user).field_session_days)


# ---- changing ------------------------------------------------------------------------------

def update_settings(county: Unit, fever_threshold, report_cutoff: time, field_session_days: int,
                    by: User | None, epidemic_ended_on: date | None = None,
                    keep_days_after_epidemic: int = 180) -> CountySettings:
    """Save the county's settings after checking their bounds; flushes."""
    threshold = round(float(fever_threshold), 1)
    if not THRESHOLD_RANGE[0] <= threshold <= THRESHOLD_RANGE[1]:
        raise RuleError(_l("The fever threshold must be between 36.5 and 38.5 °C."), "fever_threshold")
    if not isinstance(report_cutoff, time):
        raise RuleError(_l("Give the cut-off as a time, like 10:00."), "report_cutoff")
    if not SESSION_DAYS_RANGE[0] <= int(field_session_days) <= SESSION_DAYS_RANGE[1]:
        raise RuleError(_l("A field login lasts between 1 and 90 days."), "field_session_days")
    if not KEEP_DAYS_RANGE[0] <= int(keep_days_after_epidemic) <= KEEP_DAYS_RANGE[1]:
        raise RuleError(_l("Keep the records between 30 and 1825 days after the epidemic period."),
                        "keep_days_after_epidemic")
    if epidemic_ended_on is not None and epidemic_ended_on > local_today():
        raise RuleError(_l("The epidemic period cannot end in the future."), "epidemic_ended_on")
    row = db.session.scalar(select(CountySettings).where(CountySettings.county_id == county.id))
    if row is None:
        row = CountySettings(county_id=county.id)
        db.session.add(row)
    row.fever_threshold, row.report_cutoff = threshold, report_cutoff.replace(second=0, microsecond=0)
    row.field_session_days, row.updated_at = int(field_session_days), utcnow()
    row.updated_by_id = by.id if by else None
    row.epidemic_ended_on, row.keep_days_after_epidemic = epidemic_ended_on, int(keep_days_after_epidemic)
    db.session.flush()
    return row


# ---- the screen ----------------------------------------------------------------------------

class SettingsForm(FlaskForm):
    fever_threshold = FiniteDecimalField(
        _l("Fever threshold (°C)"), places=1,
        validators=[InputRequired(), NumberRange(Decimal("36.5"), Decimal("38.5"),
                                                 _l("Between 36.5 and 38.5 °C."))],
        widget=NumberInput(step="0.1", min="36.5", max="38.5"), render_kw={"inputmode": "decimal"})
    report_cutoff = TimeField(_l("Daily report cut-off (county time)"), validators=[InputRequired()])
    field_session_days = IntegerField(
        _l("A field login lasts (days)"),
        validators=[InputRequired(), NumberRange(1, 90, _l("Between 1 and 90 days."))],
        render_kw={"inputmode": "numeric", "min": "1", "max": "90"})
    epidemic_ended_on = DateField(_l("The epidemic period ended on"), validators=[Optional(), WorkingDay()])
    keep_days_after_epidemic = IntegerField(
        _l("Keep health, screening and isolation records after it (days)"),
        validators=[Optional(), NumberRange(*KEEP_DAYS_RANGE, _l("Between 30 and 1825 days."))],
        render_kw={"inputmode": "numeric", "min": "30", "max": "1825"})


bp = Blueprint("settings", __name__)
add_entry("settings.edit", _l("Settings"), (Role.county_admin,))


@bp.route("/settings", methods=["GET", "POST"])
@require_roles(Role.county_admin)
def edit():
    county = db.session.get(Unit, county_id_of(current_user.scope))
    saved = settings_for(county.id)
    form = SettingsForm(data={"fever_threshold": Decimal(str(saved.fever_threshold)),
                              "report_cutoff": saved.report_cutoff,
                              "field_session_days": saved.field_session_days,
                              "epidemic_ended_on": saved.epidemic_ended_on,
                              "keep_days_after_epidemic": saved.keep_days_after_epidemic})
    if form.validate_on_submit():
        try:
            update_settings(county, form.fever_threshold.data, form.report_cutoff.data,
                            form.field_session_days.data, current_user, form.epidemic_ended_on.data,
                            form.keep_days_after_epidemic.data or saved.keep_days_after_epidemic)
        except RuleError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The settings are saved. New checks and reports use them from now on."))
            return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form, county=county, saved=saved)

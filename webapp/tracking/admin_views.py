"""Risk areas (风险地区) and the isolation period: kept by the county office, read by every admin."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..errors import RuleError
from ..extensions import db
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Role, Unit
from ..org.scoping import get_scoped
from ..org.settings import county_id_of, local_today
from . import operations, queries
from .models import RiskArea, RiskLevel
from . import bp

add_entry("tracking.risk_areas", _l("Risk areas"), ADMIN_ROLES, after="tracking.clearance")
LEVEL_WORDS = {RiskLevel.high: _l("High risk"), RiskLevel.medium: _l("Medium risk")}


def _date(name: str, errors: dict, required: bool = True) -> date | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Must be a date like 2026-03-01.")
        return None


def _areas() -> list[RiskArea]:
    """The county's risk areas (the user's county: a township admin reads its list too)."""
    county = db.session.get(Unit, county_id_of(current_user.scope))
    return list(db.session.scalars(select(RiskArea).where(RiskArea.county_id == county.id)
                                   .order_by(RiskArea.ends_on.is_not(None), RiskArea.starts_on.desc(), RiskArea.id)))


@bp.route("/risk-areas", methods=["GET", "POST"])
@admin_only
def risk_areas():
    county = db.session.get(Unit, county_id_of(current_user.scope))
    errors = {}
    if request.method == "POST":
        if current_user.role is not Role.county_admin:
            abort(403)
        errors = _save(county)
        if not errors:
            db.session.commit()
            flash(_("Saved. Everyone who was there in its window is flagged now."))
            return redirect(url_for("tracking.risk_areas"))
        db.session.rollback()
    flagged = queries.people_per_area(current_user.scope)
    return render_template("tracking/risk_areas.html", areas=_areas(), levels=LEVEL_WORDS, errors=errors,
                           form=request.form, flagged=flagged, today=local_today(),
                           isolation_days=queries.isolation_days(county),
                           editable=current_user.role is Role.county_admin), (400 if errors else 200)


def _save(county: Unit) -> dict:
    errors: dict = {}
    action = request.form.get("action")
    try:
        if action == "period":
            operations.set_isolation_days(county, _int("isolation_days", errors), current_user)
        elif action == "end":
            area = get_scoped(RiskArea, request.form.get("area_id"))
            operations.save_risk_area(county, area.place, area.level, area.starts_on,
                                      max(local_today(), area.starts_on), current_user, area)
        else:
            level = request.form.get("level")
            starts, ends = _date("starts_on", errors), _date("ends_on", errors, required=False)
            if level not in RiskLevel.__members__:
                errors["level"] = _("Choose a level.")
            if not errors:
                operations.save_risk_area(county, request.form.get("place", ""), RiskLevel(level), starts, ends,
                                          current_user)
    except RuleError as error:
        errors[error.field] = error.message
    return errors


def _int(name: str, errors: dict) -> int:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        errors[name] = _("Must be a number.")
        raise RuleError(errors[name], name)

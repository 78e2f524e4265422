"""The trends screen: 14- or 30-day charts of a unit, drawn on the server, each with its table."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..org.access import people_readers
from ..navigation import add_entry
from ..org.models import ADMIN_ROLES, Unit, UnitKind
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped, scoped
from ..org.settings import local_today
from . import svg, trends

bp = Blueprint("trends", __name__, url_prefix="/trends")
add_entry("trends.unit", _l("Trends"), ADMIN_ROLES, after="dashboard.home")


def summary(s: trends.Series) -> str:
    """The chart in one sentence: what it shows, its latest figure and its largest."""
    values = [v for v in s.values if v is not None]
    unit = "%" if s.share else ""
    if not values:
        return _("%(title)s: no figures in these %(days)s days.", title=s.title, days=len(s.days))
    return _("%(title)s, the last %(days)s days: latest %(latest)s%(unit)s, highest %(high)s%(unit)s.",
             title=s.title, days=len(s.days), latest=f"{s.latest:g}", high=f"{max(values):g}", unit=unit)


@bp.route("")
@people_readers
def unit():
    unit_id = request.args.get("unit_id", type=int)
    area = get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope
    days = request.args.get("days", type=int)
    days = days if days in trends.WINDOWS else trends.WINDOWS[0]
    charts = [(s, svg.chart(s, summary(s)), summary(s)) for s in trends.series(area, local_today(), days)]
    below = db.session.scalars(scoped(Unit).where(Unit.parent_id == area.id, Unit.kind != UnitKind.village)
                               .order_by(Unit.name)).all()
    return render_template("dashboard/trends.html", area=area, days=days, windows=trends.WINDOWS, charts=charts,
                           below=below, crumbs=breadcrumb(area, current_user))

"""The command view (指挥调度): a unit's missing, abnormal and ledger figures on one phone screen, each a link."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..duty.routes import OFFICE as DUTY_ROLES
from ..ledgers.supplies import operations as supplies
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Unit, UnitKind
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped
from ..org.settings import local_today
from ..tracking import listing, queries as tracking
from .command import MISSING_LISTED, checkpoint_fevers, command

bp = Blueprint("command", __name__, url_prefix="/command")
add_entry("command.view", _l("Command view"), ADMIN_ROLES, after="dashboard.home")


def _tracking(unit: Unit, day, past_cutoff: bool) -> dict:
    counts, people = listing.tracked_summary(unit, day)
    lists = tracking.isolation_lists(unit, day, past_cutoff)
    return {"tracked": len(people), "isolation": len(lists["now"]), "no_followup": len(lists["no_followup"]),
            "due": len(lists["due"])}


def _supplies(unit: Unit, day) -> dict | None:
    """Schools short of a supply (the supplies ledger's own reading); none for a grade or a class."""
    if unit.kind in (UnitKind.grade, UnitKind.klass):
        return None
    schools = supplies.overview(unit, day)
    return {"schools": len(schools), "short": sum(1 for s in schools if s.short)}


@bp.route("")
@admin_only
def view():
    unit_id = request.args.get("unit_id", type=int)
    unit = get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope
    day = local_today()
    figures = command(unit, day)
    past = figures.status.past_cutoff
    return render_template(
        "dashboard/command.html", c=figures, listed=MISSING_LISTED, crumbs=breadcrumb(unit, current_user),
        tracking=_tracking(unit, day, past), supplies=_supplies(unit, day),
        checkpoint_fevers=checkpoint_fevers(unit, day) if current_user.role in DUTY_ROLES else None,
        duty_roles=DUTY_ROLES, people_level=unit.kind in (UnitKind.school, UnitKind.grade, UnitKind.klass))

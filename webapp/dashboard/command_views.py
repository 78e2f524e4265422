"""The command view (指挥调度): a unit's missing, abnormal and ledger figures on one phone screen, each a link."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..duty.routes import OFFICE as DUTY_ROLES
from ..duty import clock
from ..ledgers.disinfection import operations as disinfection
from ..ledgers.online import operations as online
from ..ledgers.reopening import operations as reopening
from ..ledgers.supplies import operations as supplies
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Unit, UnitKind
from ..org.queries import breadcrumb
from ..org.scoping import get_scoped
from ..org.settings import local_today
from ..quality import operations as quality
from ..tracking import listing, queries as tracking
from .command import MISSING_LISTED, checkpoint_fevers, command

bp = Blueprint("command", __name__, url_prefix="/command")
add_entry("command.view", _l("Command view"), ADMIN_ROLES, after="dashboard.home")


def _tracking(unit: Unit, day, past_cutoff: bool) -> dict:
    counts, people = listing.tracked_summary(unit, day)
    lists = tracking.isolation_lists(unit, day, past_cutoff)
    return {"tracked": len(people), "isolation": len(lists["now"]), "no_followup": len(lists["no_followup"]),
            "due": len(lists["due"])}


def _ledgers(unit: Unit, day) -> dict:
    """The ledgers' state, each read by its own ledger's functions: schools short of supplies, areas
    overdue for disinfection, schools not ready to reopen (a school and above), online attendance."""
    found = {"online": online.attended_rate(unit, day)}
    if unit.kind in (UnitKind.grade, UnitKind.klass):
        return found
    schools = supplies.overview(unit, day)
    now = clock.local_now()
    places = disinfection.coverage(unit, now.date(), now.time())
    plans = reopening.readiness(unit)
    return {**found, "schools": len(schools), "short": sum(1 for s in schools if s.short),
            "overdue": sum(len(p.overdue) for p in places), "areas": sum(len(p.areas) for p in places),
            "not_ready": sum(1 for p in plans if not p.ready), "plans": len(plans)}


def _checkpoints_within(unit: Unit) -> bool:
    """Checkpoints stand in villages, under a township: a school, grade or class never has a checkpoint fever
    (the card read 0 there), and only township and county admins follow the checkpoints."""
    return current_user.role in DUTY_ROLES and unit.kind in (UnitKind.county, UnitKind.township)


def _flags_to_look_into(unit: Unit, day) -> int | None:
    """A school's, grade's or class's data-quality flags not looked into yet (the button says how many);
    a township's are a click away (reading its two weeks of checks is not for every visit)."""
    if unit.kind not in (UnitKind.school, UnitKind.grade, UnitKind.klass):
        return None
    return sum(1 for flag in quality.flags(unit, day) if flag.looked_into is None)


@bp.route("")
@admin_only
def view():
    unit_id = request.args.get("unit_id", type=int)
    unit = get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope
    day = local_today()
    figures = command(unit, day, current_user.role)
    past = figures.status.past_cutoff
    return render_template(
        "dashboard/command.html", c=figures, listed=MISSING_LISTED, crumbs=breadcrumb(unit, current_user),
        tracking=_tracking(unit, day, past), ledgers=_ledgers(unit, day),
        checkpoint_fevers=checkpoint_fevers(unit, day) if _checkpoints_within(unit) else None,
        duty_roles=DUTY_ROLES, flags=_flags_to_look_into(unit, day))


@bp.route("/files")
@admin_only
def files():
    """Every ledger of a unit as a file (.xlsx and CSV), in one list: the day, the period, the month."""
    unit_id = request.args.get("unit_id", type=int)
    unit = get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope
    today = local_today()
    return render_template("dashboard/files.html", unit=unit, today=today, month=today.strftime("%Y-%m"),
                           start=today - timedelta(days=29), crumbs=breadcrumb(unit, current_user),
                           duty_roles=DUTY_ROLES, large=unit.kind in (UnitKind.county, UnitKind.township),
                           people_level=unit.kind in (UnitKind.school, UnitKind.grade, UnitKind.klass))

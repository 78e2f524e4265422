"""Office screens of online learning: the rates of a day under the user's area (townships, schools,
classes; the lowest first), the students to phone today and those at risk of dropping out, and the
day's statistics as .xlsx / CSV."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...fields import day_arg
from ...duty import clock
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.models import Role, Unit
from ...org.scoping import get_scoped
from . import export
from . import operations as ops

bp = Blueprint("online", __name__, url_prefix="/ledgers/online")
READERS = (Role.county_admin, Role.township_admin, Role.school_admin, Role.homeroom_teacher)
readers = require_roles(*READERS)

add_entry("online.overview", _l("Online learning"), READERS, after="reopening.overview")


def _day() -> date:
    today = clock.local_today()
    return min(day_arg("date", today), today)


def _root() -> Unit:
    unit_id = request.args.get("unit")
    return get_scoped(Unit, unit_id) if unit_id else current_user.scope


@bp.route("/")
@readers
def overview():
    root, day = _root(), _day()
    node = ops.rates(root, day)
    return render_template("ledgers/online/overview.html", root=root, day=day, node=node,
                           classes=ops.classes_of(node), to_phone=ops.to_phone(root, day),
                           at_risk=ops.at_risk(root, day), low=ops.LOW)


@bp.route(f"/day.{spreadsheets.FILE}")
@readers
def export_day(fmt: str):
    root, day = _root(), _day()
    if root is None:
        abort(404)
    node = ops.rates(root, day)
    return spreadsheets.response(export.day_table(root, day, ops.classes_of(node), node), None,
                                 fmt, about=root)

"""Office screens of tracking: tracked people, home isolation, clearance to return, and their ledgers.

Views are thin: the scope is the user's (`scoping`), the reads are `listing` / `queries`, the
files go through the one spreadsheet writer. The person card and the risk areas are in
`person_views.py` and `admin_views.py`.
"""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from .. import audit, spreadsheets
from ..fields import day_arg
from ..navigation import TEACHERS, add_entry
from ..org.access import require_roles
from ..org.models import ADMIN_ROLES, Unit, utcnow
from ..org.operations import unit_label
from ..org.queries import drill_down_choices
from ..org.scoping import get_scoped
from ..org.settings import current_settings, cutoff_moment, local_today
from . import bp, listing, operations as rules, queries
from .labels import word
from .strings import phone_strings

READERS = ADMIN_ROLES + TEACHERS
readers = require_roles(*READERS)
add_entry("tracking.tracked", _l("Tracked people"), READERS, after="health.completeness")
add_entry("tracking.isolation", _l("Home isolation"), READERS, after="tracking.tracked")
add_entry("tracking.clearance", _l("Clearance to return"), READERS, after="tracking.isolation")
ROWS_SHOWN = 200


@bp.app_context_processor
def _words():
    return {"tracking_reasons": rules.REASONS, "not_cleared_words": rules.NOT_CLEARED,
            "status_words": listing.STATUS_WORDS, "tracking_summary": _summary, "tw": word,
            "tracking_strings": phone_strings, "local_time": spreadsheets.local_time}


def _summary() -> dict | None:
    """The start page's block: the county total of tracked people and those in isolation (a count, no names)."""
    if not current_user.is_authenticated or current_user.role not in ADMIN_ROLES:
        return None
    counts, people = listing.tracked_summary(current_user.scope, local_today())
    return {"total": len(people), "isolation": counts["isolation"], "counts": counts}


def _day() -> date:
    return day_arg("date", local_today())


def _unit() -> Unit:
    """The unit chosen in ?unit= (inside the user's area), else the user's own."""
    chosen = request.args.get("unit")
    return get_scoped(Unit, chosen) if chosen else current_user.scope


def _past_cutoff(day: date) -> bool:
    today = local_today()
    return day < today or (day == today and utcnow() > cutoff_moment(day, current_settings()))


def _tracked(unit: Unit, day: date):
    keys = listing.visible_keys(current_user)
    counts, people = listing.tracked_summary(unit, day, keys)
    reason = request.args.get("reason")
    chosen = {k: p for k, p in people.items() if reason in (None, "") or reason in p.reasons}
    return counts, people, chosen, reason


@bp.route("/")
@readers
def tracked():
    """重点人员: the counts first, then who, why, their status and whom to call."""
    day, unit = _day(), _unit()
    counts, people, chosen, reason = _tracked(unit, day)
    named = listing.shows_names(unit) or current_user.role in TEACHERS
    rows = listing.rows(unit, {k: p.reasons for k, p in chosen.items()},
                        {k: p.isolation for k, p in chosen.items() if p.isolation}) if named else []
    if rows:
        audit.viewed("view_screening", unit=unit, detail=f"tracked list: {len(rows)} people")
    return render_template("tracking/tracked.html", day=day, unit=unit, counts=counts, total=len(people),
                           shown=len(chosen), rows=rows[:ROWS_SHOWN], more=max(len(rows) - ROWS_SHOWN, 0),
                           reason=reason, named=named, children=listing.per_child(unit, chosen),
                           units=drill_down_choices(current_user, unit),
                           own_only=listing.visible_keys(current_user) is not None)


@bp.route("/isolation")
@readers
def isolation():
    """居家隔离: in isolation now, due for release today, not followed up yet today (red after the cut-off)."""
    day, unit = _day(), _unit()
    lists = queries.isolation_lists(unit, day, _past_cutoff(day))
    keys = listing.visible_keys(current_user)
    if keys is not None:
        lists = {name: [v for v in views if v.key in keys] for name, views in lists.items()}
    views = {v.key: v for v in lists["now"]}
    rows = {row.key: row for row in listing.rows(unit, {k: ["isolation"] for k in views}, views)}
    if rows:
        audit.viewed("view_isolation", unit=unit, detail=f"isolation lists: {len(rows)} people")
    missed = {key: len(rules.missed_days(v.state, v.followed, day, _past_cutoff(day))) for key, v in views.items()}
    return render_template("tracking/isolation.html", day=day, unit=unit, past_cutoff=_past_cutoff(day), missed=missed,
                           lists={name: [rows[v.key] for v in vs if v.key in rows] for name, vs in lists.items()},
                           cutoff=current_settings().report_cutoff, units=drill_down_choices(current_user, unit))


@bp.route("/clearance")
@readers
def clearance():
    """返校: who may not come back on the day, and why; everyone else is cleared."""
    day, unit = _day(), _unit()
    keys = listing.visible_keys(current_user)
    named = listing.shows_names(unit) or current_user.role in TEACHERS
    if keys is None and not named:  # a township's or the county's: the figures only, counted set-wise
        summary, rows = queries.clearance_summary(unit, day), []
    else:
        reasons = queries.clearance(unit, day, keys)
        blocked = {k: r for k, r in reasons.items() if r}
        summary = queries.ClearanceSummary(len(reasons), len(blocked), {
            code: sum(1 for r in blocked.values() if code in r) for code in rules.NOT_CLEARED})
        rows = listing.rows(unit, blocked) if named else []
    if rows:
        audit.viewed("view_screening", unit=unit, detail=f"clearance list: {len(rows)} people")
    return render_template("tracking/clearance.html", day=day, unit=unit, total=summary.total,
                           not_cleared=summary.not_cleared, counts=summary.counts, rows=rows[:ROWS_SHOWN],
                           more=max(len(rows) - ROWS_SHOWN, 0), named=named,
                           units=drill_down_choices(current_user, unit))


# ---- the ledgers ---------------------------------------------------------------------------

def _col(header, width=12):
    return spreadsheets.Column(header, width)


@bp.route(f"/tracked.{spreadsheets.FILE}")
@readers
def tracked_ledger(fmt: str):
    """重点人员台账 of the chosen unit and day."""
    day, unit = _day(), _unit()
    chosen = _tracked(unit, day)[2]
    rows = listing.rows(unit, {k: p.reasons for k, p in chosen.items()},
                        {k: p.isolation for k, p in chosen.items() if p.isolation})
    table = spreadsheets.Table(
        title=_("Tracked people ledger"), unit=unit_label(unit), day=day,
        columns=[_col(_("Name"), 10), _col(_("Unit"), 28), _col(_("Reasons"), 30), _col(_("Status")),
                 _col(_("Responsible"), 10), _col(_("Phone"), 14)],
        rows=([r.person.name, r.unit_label, "、".join(str(rules.REASONS[c]) for c in r.reasons),
               str(listing.STATUS_WORDS[r.status]), r.responsible.name if r.responsible else None,
               r.responsible.phone if r.responsible else None] for r in rows))
    return spreadsheets.response(table, None, fmt)


@bp.route(f"/isolation.{spreadsheets.FILE}")
@readers
def isolation_ledger(fmt: str):
    """居家隔离台账: every open isolation of the chosen unit with its dates and follow-ups."""
    day, unit = _day(), _unit()
    views = {v.key: v for v in queries.isolation_lists(unit, day, _past_cutoff(day))["now"]}
    keys = listing.visible_keys(current_user)
    if keys is not None:
        views = {k: v for k, v in views.items() if k in keys}
    rows = listing.rows(unit, {k: ["isolation"] for k in views}, views)
    table = spreadsheets.Table(
        title=_("Home isolation ledger"), unit=unit_label(unit), day=day,
        columns=[_col(_("Name"), 10), _col(_("Unit"), 28), _col(_("Reason"), 20), _col(_("Started on")),
                 _col(_("Last exposure")), _col(_("Planned end")), _col(_("Day")), _col(_("Followed up today")),
                 _col(_("Missed days")), _col(_("Responsible"), 10), _col(_("Phone"), 14)],
        rows=([r.person.name, r.unit_label, r.isolation.row.reason, r.isolation.state.started_on,
               r.isolation.state.last_exposure_on, r.isolation.state.end_on,
               f"{r.isolation.state.day_number(day)}/{r.isolation.state.total_days}", day in r.isolation.followed,
               len(rules.missed_days(r.isolation.state, r.isolation.followed, day, _past_cutoff(day))),
               r.responsible.name if r.responsible else None, r.responsible.phone if r.responsible else None]
              for r in rows))
    return spreadsheets.response(table, None, fmt)


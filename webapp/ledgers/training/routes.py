"""Office screens of the training ledger: the schools with the lowest share of trained staff on duty
first, a school's sessions with the entry form, and its .xlsx / CSV."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import spreadsheets
from ...duty import clock
from ...errors import RuleError
from ...extensions import db
from ...navigation import add_entry
from ...org.access import require_roles
from ...org.forms import options
from ...org.models import Role, UnitKind
from ..common import scoped_school, new_record_id, refuse, submit
from . import export
from . import operations as ops
from .forms import SessionForm, topic_labels

bp = Blueprint("training", __name__, url_prefix="/ledgers/training")
OFFICE = (Role.county_admin, Role.township_admin, Role.school_admin)
office = require_roles(*OFFICE)

add_entry("training.overview", _l("Training"), OFFICE, after="online.overview")


@bp.context_processor
def _labels():
    return {"topic_labels": topic_labels(), "topics": ops.TOPICS}


@bp.route("/")
@office
def overview():
    if current_user.scope.kind is UnitKind.school:
        return redirect(url_for("training.school", school_id=current_user.scope.id))
    return render_template("ledgers/training/overview.html",
                           schools=ops.schools(current_user.scope, clock.local_today()))


@bp.route("/school/<int:school_id>", methods=["GET", "POST"])
@office
def school(school_id: int):
    unit = scoped_school(school_id)
    form = SessionForm()
    form.staff_ids.choices = options((s.id, s.name) for s in ops.school_staff(unit))
    if request.method == "GET":
        form.record_id.data, form.date.data = new_record_id(), clock.local_today()
    elif form.validate_on_submit():
        data = {"school_id": unit.id, "date": form.date.data.isoformat(), "topic": form.topic.data,
                "trainer": form.trainer.data, "attendees": [{"staff_id": s} for s in form.staff_ids.data],
                "note": form.note.data or None}
        try:
            submit(current_user, "training", data, form.record_id.data or None)
        except RuleError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The training is saved."))
            return redirect(url_for("training.school", school_id=unit.id))
    figures = ops.schools(unit, clock.local_today())[0]
    return render_template("ledgers/training/school.html", unit=unit, form=form, figures=figures,
                           sessions=ops.sessions(unit))


@bp.route(f"/school/<int:school_id>/training.{spreadsheets.FILE}")
@office
def export_school(school_id: int, fmt: str):
    unit = scoped_school(school_id)
    return spreadsheets.response(export.sessions_table(unit, ops.sessions(unit)), None, fmt,
                                 about=unit)

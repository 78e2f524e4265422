"""The notices' office screens: publish, the list, and who has not confirmed (rolled up like the reports)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ..errors import RuleError
from ..extensions import db
from ..navigation import add_entry
from ..org.access import admin_only
from ..org.forms import options
from ..org.models import ADMIN_ROLES, Unit, UnitKind
from ..org.queries import breadcrumb, unit_choices
from ..org.scoping import get_scoped
from . import operations
from .forms import KIND_LABELS, NoticeForm
from .models import Notice, NoticeKind

bp = Blueprint("notices", __name__, url_prefix="/notices")
add_entry("notices.index", _l("Notices"), ADMIN_ROLES)
LISTED = 50
CHOICE_KINDS = (UnitKind.county, UnitKind.township, UnitKind.school, UnitKind.grade)


@bp.context_processor
def _words():
    return {"kind_labels": {k.value: v for k, v in KIND_LABELS.items()}}


@bp.route("")
@admin_only
def index():
    notices = db.session.scalars(operations.visible(current_user).limit(LISTED)).all()
    rollups = [operations.roll_up(n, operations.focus_of(n, current_user.scope)) for n in notices]
    return render_template("notices/index.html", rollups=rollups)


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    form = NoticeForm()
    form.unit.choices = options(unit_choices(current_user, CHOICE_KINDS))
    if request.method == "GET":
        form.unit.data = current_user.scope_unit_id
    if form.validate_on_submit():
        try:
            notice = operations.publish(current_user, get_scoped(Unit, form.unit.data), NoticeKind(form.kind.data),
                                        form.title.data, form.body.data, form.ask_parents.data)
        except RuleError as error:
            getattr(form, error.field, form.title).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The notice is published. Homeroom teachers get it at their next sync."), "success")
            return redirect(url_for("notices.show", notice_id=notice.id))
    return render_template("notices/new.html", form=form)


@bp.route("/<int:notice_id>")
@admin_only
def show(notice_id: int):
    notice = db.session.scalars(operations.visible(current_user).where(Notice.id == notice_id)).first()
    if notice is None:
        abort(404)
    unit_id = request.args.get("unit_id", type=int)
    looked_at = get_scoped(Unit, unit_id) if unit_id is not None else current_user.scope
    if not (notice.unit.contains(looked_at) or looked_at.contains(notice.unit)):
        abort(404)
    focus = operations.focus_of(notice, looked_at)
    return render_template("notices/show.html", rollup=operations.roll_up(notice, focus),
                           crumbs=breadcrumb(focus, current_user))

"""The audit screen: an admin asks who looked at a child's record, who exported a file, who reset a password.

`/audit` lists the entries about the admin's area (the subject's unit lies in their subtree),
newest first; `?student=`, `?staff=` or `?account=` narrow it to one record (the record's page
links here), `?action=`, `?username=` and a period narrow it further.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..navigation import add_entry
from ..org.access import admin_only
from ..org.models import ADMIN_ROLES, Staff, Student, User
from ..org.routes import page_of
from ..org.scoping import get_scoped
from ..org.settings import county_zone
from . import operations
from .details import detail_text
from .operations import ACTIONS

bp = Blueprint("audit", __name__, url_prefix="/audit")
add_entry("audit.log", _l("Audit log"), ADMIN_ROLES)
bp.add_app_template_filter(detail_text, "audit_detail")
SUBJECTS = {"student": Student, "staff": Staff, "account": User}


class AuditFilter(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("What"), validate_choice=False)
    username = StringField(_l("Username"), validators=[Optional(), Length(max=50)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def _utc(day, days_after: int = 0) -> datetime | None:
    """The county's midnight of `day` (plus some days), as the naive UTC the log stores."""
    if day is None:
        return None
    local = datetime.combine(day + timedelta(days=days_after), time(0), tzinfo=county_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _subject():
    """The one record asked for (?student=<id> …), looked up inside the admin's area (404 outside)."""
    for name, model in SUBJECTS.items():
        if request.args.get(name):
            return name, get_scoped(model, request.args[name])
    return None, None


@bp.route("")
@admin_only
def log():
    form = AuditFilter(request.args)
    form.action.choices = [("", _l("Everything"))] + [(key, label) for key, label in ACTIONS.items()]
    kind, subject = _subject()
    valid = form.validate()
    query = operations.entries(
        current_user, subject=subject,
        action=form.action.data if form.action.data in ACTIONS else None,
        username=(form.username.data or "").strip() or None,
        since=_utc(form.since.data) if valid else None, until=_utc(form.until.data, 1) if valid else None)
    page = page_of(query)
    return render_template("audit/log.html", form=form, page=page, kind=kind, subject=subject,
                           names=operations.subject_names(page.items), actions=ACTIONS)

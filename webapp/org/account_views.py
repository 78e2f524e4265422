"""Accounts: the list of my area's accounts, create one (its temporary password shown once),
disable / enable, reset the password, change the role and the area.

An admin sees only accounts whose area lies in their own (404 otherwise) and gives only the roles
of GRANTABLE_ROLES; the rules live in operations (check_grant, check_manage).
"""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..errors import RuleError
from ..extensions import db
from . import bp, operations, queries
from .access import admin_only
from .forms import AccountForm, AccountScopeForm, SearchForm, options, row_id
from .labels import role_label
from .models import GRANTABLE_ROLES, ROLE_SCOPE_KINDS, Staff, User
from .routes import ID, me, page_of, refuse, unit_from
from .scoping import get_scoped


@bp.route("/accounts")
@admin_only
def accounts():
    """The accounts of my area, searchable, one page at a time."""
    form = SearchForm(request.args)
    form.validate()
    page = page_of(queries.accounts(current_user, form.q.data))
    return render_template("org/accounts.html", form=form, page=page,
                           labels=queries.unit_labels({u.scope for u in page.items}))


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_only
def new_account():
    """A new account; ?staff=<id> links it to a staff member (from the staff page) and fills in the name."""
    staff_id = request.args.get("staff", type=row_id)
    person = get_scoped(Staff, staff_id) if staff_id else None
    form = _with_choices(AccountForm(data=_from_staff(person)))
    if form.validate_on_submit():
        scope = unit_from(form.scope)
        if scope is not None:
            try:
                user, password = operations.open_account(
                    me(), form.username.data, form.display_name.data, form.role.data, scope,
                    phone=form.phone.data, staff=person)
            except RuleError as error:
                refuse(form, error)
            else:
                audit.record("account_create", subject=user, detail=f"{user.username}: {user.role.value}")
                db.session.commit()
                return _show_password(user, password, created=True)
    return render_template("org/account_form.html", form=form, person=person)


def _from_staff(person: Staff | None) -> dict:
    if person is None:
        return {}
    return {"display_name": person.name, "phone": person.phone, "scope": person.unit_id}


@bp.route(f"/accounts/<{ID}:user_id>", methods=["GET", "POST"])
@admin_only
def account(user_id: int):
    """An account's facts, and the form that changes its role and area."""
    user = get_scoped(User, user_id)
    form = _with_choices(AccountScopeForm(data={"role": user.role, "scope": user.scope_unit_id}))
    if form.validate_on_submit():
        scope = unit_from(form.scope)
        if scope is not None:
            before = f"{user.role.value} @ {user.scope_unit_id}"
            try:
                operations.regrant(me(), user, form.role.data, scope)
            except RuleError as error:
                refuse(form, error)
            else:
                audit.record("account_change", subject=user,
                             detail=f"{user.username}: {before} -> {user.role.value} @ {user.scope_unit_id}")
                db.session.commit()
                flash(_("Saved. The account's open sessions have ended; the new rights apply at its next login."))
                return redirect(url_for(".account", user_id=user.id))
    return render_template("org/account.html", user=user, form=form, label=operations.unit_label(user.scope),
                           manageable=operations.can_manage(me(), user), refusal=operations.why_not_manage(me(), user))


@bp.route(f"/accounts/<{ID}:user_id>/active", methods=["POST"])
@admin_only
def set_account_active(user_id: int):
    """Disable an account (its sessions end at once) or enable it again."""
    user = get_scoped(User, user_id)
    active = request.form.get("active") == "1"
    try:
        operations.enable_account(me(), user, active)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        audit.record("account_change", subject=user, detail=f"{user.username}: {'enabled' if active else 'disabled'}")
        db.session.commit()
        flash(_("The account is enabled.") if active else _("The account is disabled and logged out everywhere."))
    return redirect(url_for(".account", user_id=user_id))


@bp.route(f"/accounts/<{ID}:user_id>/password", methods=["POST"])
@admin_only
def reset_account_password(user_id: int):
    """A new temporary password, shown once; the account must change it at its next login."""
    user = get_scoped(User, user_id)
    try:
        password = operations.reset_account_password(me(), user)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".account", user_id=user_id))
    audit.record("password_reset", subject=user, detail=user.username)
    db.session.commit()
    return _show_password(user, password, created=False)


def _with_choices(form):
    """Roles I may give (in words), and the units of my area that some of those roles may have as area."""
    roles = GRANTABLE_ROLES.get(current_user.role, ())
    form.role.choices = options((role.value, role_label(role)) for role in roles)
    kinds = {kind for role in roles for kind in ROLE_SCOPE_KINDS[role]}
    form.scope.choices = options(queries.unit_choices(current_user, kinds), blank=_("Choose a unit"))
    return form


def _show_password(user: User, password: str, created: bool):
    """The temporary password, this once: it is stored only as a hash, and this page is never cached."""
    response = make_response(render_template("org/password_once.html", user=user, password=password,
                                             created=created))
    response.headers["Cache-Control"] = "no-store"
    return response

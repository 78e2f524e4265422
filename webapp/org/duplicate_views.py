"""The county's screen of duplicates (issue 12.8): ID numbers that stand on two people of different
areas, and accounts holding a phone another account logs in with. An editor elsewhere was told the
same as for a fresh number (webapp/org/numbers.py); the county admin reconciles them here."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..extensions import db
from ..navigation import add_entry
from . import bp, numbers, queries
from .access import require_roles
from .models import Role, Staff, Student, User
from .routes import ID
from .scoping import get_scoped

county_only = require_roles(Role.county_admin)
add_entry("org.duplicates", _l("Duplicate numbers"), (Role.county_admin,), after="org.accounts")


@bp.route("/people/duplicates")
@county_only
def duplicates():
    students, staff = numbers.duplicate_id_numbers(Student), numbers.duplicate_id_numbers(Staff)
    phones = numbers.held_phones()
    units = {p.klass for _n, people in students for p in people} | {p.unit for _n, people in staff for p in people}
    units |= {u.scope for pair in phones for u in pair if u is not None}
    return render_template("org/duplicates.html", students=students, staff=staff, phones=phones,
                           labels=queries.unit_labels(units))


@bp.route(f"/people/duplicates/phone/<{ID}:user_id>", methods=["POST"])
@county_only
def held_phone(user_id: int):
    """Give the held phone to this account (the other keeps it as held), or drop it."""
    user = get_scoped(User, user_id)
    if request.form.get("action") == "give":
        numbers.give_phone(user)
        flash(_("%(user)s now logs in with this phone number.", user=user.username))
    else:
        numbers.drop_phone(user)
        flash(_("The held phone number of %(user)s was dropped.", user=user.username))
    audit.record("account_change", subject=user, detail=f"{user.username}: held phone {request.form.get('action')}")
    db.session.commit()
    return redirect(url_for("org.duplicates"))

"""Staff and the responsibility chains: the staff list, a staff member's page (whom they answer for,
who answers for them), create and edit, adding and removing a link, and "my responsibilities"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit
from ..errors import RuleError
from ..extensions import db
from . import bp, operations, queries
from .access import admin_only
from .forms import ResponsibilityForm, SearchForm, StaffForm, options
from .models import ADMIN_ROLES, Role, Staff, Unit
from .routes import ID, MemberEditor, page_of, page_url, search_arg
from .scoping import get_scoped, in_scope

TEACHER_ROLES = (Role.homeroom_teacher, Role.teacher)
STAFF_FIELDS = ("name", "position", "phone", "id_number", "party_member", "is_volunteer", "active")
STAFF = MemberEditor(StaffForm, "org/staff_form.html", "person", unit_field="unit_id",
                     kinds=operations.STAFF_UNIT_KINDS, blank=_l("Choose a unit"), fields=STAFF_FIELDS,
                     save=operations.save_staff)


@bp.route("/staff")
@admin_only
def staff_list():
    """Staff in my area: search by name or phone, narrow to a unit, one page at a time."""
    form = SearchForm(request.args)
    within = get_scoped(Unit, form.unit.data) if form.validate() and form.unit.data else None
    form.unit.choices = options(queries.drill_down_choices(current_user, within, skip=()))
    page = page_of(queries.staff(current_user, form.q.data, within, form.left.data))
    labels = queries.unit_labels({s.unit for s in page.items})
    return render_template("org/staff_list.html", form=form, page=page, labels=labels)


@bp.route(f"/staff/<{ID}:staff_id>")
@admin_only
def staff(staff_id: int):
    """A staff member's page: the facts, whom they answer for and who answers for them."""
    person = get_scoped(Staff, staff_id)
    duties, hidden = queries.duties(person, current_user)
    responsible = operations.responsible_for(person)
    staff_q = search_arg("staff_q")
    duty_kind, duty_q = request.args.get("duty_kind", "student"), search_arg("duty_q")
    return render_template(
        "org/staff.html", person=person, label=operations.unit_label(person.unit), duties=duties,
        hidden=hidden, labels=_duty_labels(duties), responsible=responsible, staff_q=staff_q,
        candidates=queries.staff_candidates(current_user, staff_q, person.unit,
                                            [person.id, *(s.id for s in responsible)]),
        duty_kind=duty_kind, duty_q=duty_q, targets=queries.target_candidates(current_user, duty_kind, duty_q),
        account=queries.linked_account(person, current_user), can_open=_can_open)


def _duty_labels(duties: dict) -> dict[int, str]:
    """Labels of the units, the students' classes and the colleagues' units on a staff page."""
    units = [*duties.get("unit", ()), *(s.klass for s in duties.get("student", ())),
             *(c.unit for c in duties.get("staff", ()))]
    return queries.unit_labels(set(units))


@bp.route("/staff/new", methods=["GET", "POST"])
@admin_only
def new_staff():
    """Add a staff member to a unit of my area."""
    return STAFF.page(None, added=lambda person: _("%(name)s added.", name=person.name))


@bp.route(f"/staff/<{ID}:staff_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_staff(staff_id: int):
    """Edit a staff member of my area."""
    return STAFF.page(get_scoped(Staff, staff_id))


@bp.route("/responsibilities", methods=["POST"])
@admin_only
def responsibility():
    """Add or remove one link: a staff member answering for a unit, a student or a colleague.

    Both ends must lie in the admin's area (404 otherwise). Back to the page the form was on.
    """
    form = ResponsibilityForm()
    if not form.validate():
        abort(400)
    person = get_scoped(Staff, form.staff_id.data)
    target = get_scoped(queries.TARGET_MODELS[form.target_kind.data], form.target_id.data)
    try:
        if form.action.data == "remove":
            operations.unassign_responsibility(person, target, current_user)
        else:
            operations.assign_responsibility(person, target)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        audit.record("responsibility", subject=target, detail=f"{form.action.data}: {person.name}"[:300])
        db.session.commit()
        flash(_("Saved."))
    return redirect(page_url(person if form.back.data == "staff" else target))


@bp.route("/me/responsibilities")
def my_responsibilities():
    """Whom I answer for (any account linked to a staff record; the list is mine, so it is not scoped)."""
    person = current_user.staff
    duties = queries.duties(person)[0] if person is not None else {}
    return render_template("org/my_responsibilities.html", person=person, duties=duties,
                           labels=_duty_labels(duties), can_open=_can_open)


def _can_open(target) -> bool:
    """Whether my role and area let me open this unit's, student's or colleague's page (for a link)."""
    readers = TEACHER_ROLES + ADMIN_ROLES if queries.kind_of(target) == "student" else ADMIN_ROLES
    return current_user.role in readers and in_scope(queries.unit_of(target), current_user)

"""Students: the searchable list, a student's page with the staff responsible for them, create and edit.

Admins and teachers read; admins and homeroom teachers edit (a homeroom teacher's area is their
class). Only admins see the ID number, masked except in the edit form; guardian phone numbers
appear on a student's own page, never in the list.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import RuleError
from ..extensions import db
from . import operations, queries
from .access import people_editors, people_readers
from .forms import SearchForm, StudentForm, options
from .models import ADMIN_ROLES, Role, Student, Unit, UnitKind
from .routes import ID, bp, page_of, refuse, search_arg, unit_from
from .scoping import get_scoped

EDITOR_ROLES = (*ADMIN_ROLES, Role.homeroom_teacher)
STUDENT_FIELDS = ("name", "student_no", "gender", "birth_date", "guardian_name", "guardian_phone",
                  "home_village", "active")


@bp.route("/people")
@people_readers
def people():
    """Students in my area: search by name or number, narrow to a unit, one page at a time."""
    form = SearchForm(request.args)
    within = get_scoped(Unit, form.unit.data) if form.validate() and form.unit.data else None
    form.unit.choices = options(queries.drill_down_choices(current_user, within))
    page = page_of(queries.students(current_user, form.q.data, within, form.left.data))
    labels = queries.unit_labels({s.klass for s in page.items})
    return render_template("org/people.html", form=form, page=page, labels=labels,
                           can_edit=current_user.role in EDITOR_ROLES)


@bp.route(f"/people/<{ID}:student_id>")
@people_readers
def student(student_id: int):
    """A student's page: the facts (ID number masked, for admins only) and the staff responsible."""
    student = get_scoped(Student, student_id)
    responsible = operations.responsible_for(student)
    staff_q = search_arg("staff_q")
    candidates = []
    if current_user.is_admin:  # only admins change responsibility chains
        near = queries.nearest(student.klass, UnitKind.school)
        candidates = queries.staff_candidates(current_user, staff_q, near, [s.id for s in responsible])
    return render_template("org/student.html", student=student, label=operations.unit_label(student.klass),
                           responsible=responsible, staff_q=staff_q, candidates=candidates,
                           can_edit=current_user.role in EDITOR_ROLES)


@bp.route("/people/new", methods=["GET", "POST"])
@people_editors
def new_student():
    """Add a student to a class of my area."""
    form = _student_form(None)
    if form.validate_on_submit():
        student = _save(form, None)
        if student is not None:
            db.session.commit()
            flash(_("Student %(name)s added.", name=student.name))
            return redirect(url_for(".student", student_id=student.id))
    return render_template("org/student_form.html", form=form, student=None)


@bp.route(f"/people/<{ID}:student_id>/edit", methods=["GET", "POST"])
@people_editors
def edit_student(student_id: int):
    """Edit a student of my area."""
    student = get_scoped(Student, student_id)
    form = _student_form(student)
    if form.validate_on_submit() and _save(form, student) is not None:
        db.session.commit()
        flash(_("Saved."))
        return redirect(url_for(".student", student_id=student.id))
    return render_template("org/student_form.html", form=form, student=student)


def _student_form(student: Student | None) -> StudentForm:
    """The form with the classes of my area; without the ID number for anyone but an admin."""
    form = StudentForm(obj=student)
    classes = queries.unit_choices(current_user, (UnitKind.klass,))
    if student is None and request.method == "GET":
        # Coming from a class's list, or a homeroom teacher with one class: that class is the answer.
        form.class_id.data = classes[0][0] if len(classes) == 1 else request.args.get("unit", type=int)
    form.class_id.choices = options(classes, blank=_("Choose a class"))
    if not current_user.is_admin:
        del form.id_number
    return form


def _save(form: StudentForm, student: Student | None) -> Student | None:
    klass = unit_from(form.class_id, (UnitKind.klass,))
    if klass is None:
        return None
    names = STUDENT_FIELDS + (("id_number",) if "id_number" in form else ())
    try:
        return operations.save_student(student, klass, **{name: form[name].data for name in names})
    except RuleError as error:
        refuse(form, error)
        return None

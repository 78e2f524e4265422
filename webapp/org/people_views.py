"""Students: the searchable list, a student's page with the staff responsible for them, create and edit.

Admins and teachers read; admins and homeroom teachers edit (a homeroom teacher's area is their
class). Only admins see the ID number, masked except in the edit form; guardian phone numbers
appear on a student's own page, never in the list.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import bp, operations, queries
from .access import STUDENT_CREATORS, people_editors, people_readers, student_creators
from .forms import SearchForm, StudentForm, options
from .models import ADMIN_ROLES, Role, Student, Unit, UnitKind
from .routes import ID, MemberEditor, page_of, search_arg
from .scoping import get_scoped

EDITOR_ROLES = (*ADMIN_ROLES, Role.homeroom_teacher)
STUDENT_FIELDS = ("name", "student_no", "gender", "birth_date", "guardian_name", "guardian_phone",
                  "home_village", "active", "id_number")
STUDENTS = MemberEditor(StudentForm, "org/student_form.html", "student", unit_field="class_id",
                        kinds=(UnitKind.klass,), blank=_l("Choose a class"), fields=STUDENT_FIELDS,
                        save=operations.save_student, admin_fields=("id_number",))


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
                           can_add=current_user.role in STUDENT_CREATORS)


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
@student_creators
def new_student():
    """Add a student to a class of my area."""
    return STUDENTS.page(None, added=lambda student: _("Student %(name)s added.", name=student.name))


@bp.route(f"/people/<{ID}:student_id>/edit", methods=["GET", "POST"])
@people_editors
def edit_student(student_id: int):
    """Edit a student of my area."""
    return STUDENTS.page(get_scoped(Student, student_id))

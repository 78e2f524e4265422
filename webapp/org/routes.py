"""What the office screens of the `org` blueprint share.

The views live by screen in unit_views, people_views, staff_views and account_views; this module
holds what they share: the page of a list, a unit chosen in a select, a rule's
message on its form field, the create and edit screens of students and staff, and the template
filters that put enum values into words.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit
from ..errors import RuleError
from ..extensions import db
from . import bp, labels, queries
from .forms import MAX_ID, options
from .models import Staff, Student, Unit
from .scoping import in_scope
from .validators import mask_id_number

# A row id in a URL: a number beyond the database's integer range is "not found", never a 500.
ID = f"int(min=1, max={MAX_ID})"
MAX_PAGE = 100_000


def me():
    """The logged-in user as a model object (operations store it; a proxy would not do)."""
    return current_user._get_current_object()


def page_of(query):
    """One page of `query`: PAGE_SIZE rows, the page number from ?page= (a bad number is page 1)."""
    number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    return db.paginate(query, page=number, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def search_arg(name: str) -> str:
    """What was typed into a picker's search box (?name=), trimmed to 50 characters, without NULs."""
    return request.args.get(name, "").replace("\x00", "").strip()[:50]


def unit_from(field, kinds=None) -> Unit | None:
    """The unit chosen in a select if it lies in the user's area (and is of one of `kinds`); else a message."""
    unit = queries.find_scoped(Unit, field.data)
    if unit is None or (kinds and unit.kind not in kinds):
        field.errors = [*field.errors, _("Choose a unit in your area from the list.")]
        return None
    return unit


def refuse(form, error: RuleError) -> None:
    """Undo the request's changes and show the rule's message on its field (or at the top of the page)."""
    db.session.rollback()
    field = form[error.field] if error.field and error.field in form else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(str(error.message), "error")


@dataclass(frozen=True)
class MemberEditor:
    """The create and edit screens of a record that belongs to a unit: a student or a staff member."""

    form_class: type
    template: str  # the form's page; it gets the record (None for a new one) as `record_name`
    record_name: str
    unit_field: str  # the form's select of the unit
    kinds: tuple  # the kinds of unit the record may belong to
    blank: str  # the select's empty option
    fields: tuple[str, ...]  # the fields saved, in this order
    save: Callable  # operations.save_…(record or None, unit, **fields) -> the record; may raise RuleError
    admin_fields: tuple[str, ...] = ()  # left out of the form for anyone but an admin

    def page(self, record, added: Callable | None = None):
        """The form; a valid POST saves, commits and goes to the record's page.

        The message is `added(record)` for a new record, "Saved." for an edit. A unit outside my
        area or a broken rule shows the form again with the reason on its field.
        """
        form = self._form(record)
        if form.validate_on_submit():
            saved = self._save(form, record)
            if saved is not None:
                audit.record("person_edit", subject=saved, detail="created" if record is None else "edited")
                db.session.commit()
                flash(added(saved) if record is None else _("Saved."))
                return redirect(page_url(saved))
        return render_template(self.template, form=form, **{self.record_name: record})

    def _form(self, record):
        """The form with the units of my area in its select, and without the admins' fields for others."""
        form = self.form_class(obj=record)
        units = queries.unit_choices(current_user, self.kinds)
        select = form[self.unit_field]
        if record is None and request.method == "GET":
            # Coming from a unit's list, or one unit in my area (a homeroom teacher's class):
            # that unit is the answer.
            select.data = units[0][0] if len(units) == 1 else request.args.get("unit", type=int)
        select.choices = options(units, blank=self.blank)
        if not current_user.is_admin:
            for name in self.admin_fields:
                delattr(form, name)
        return form

    def _save(self, form, record):
        """The saved record, or None with the reason on the form."""
        unit = unit_from(form[self.unit_field], self.kinds)
        if unit is None:
            return None
        try:
            return self.save(record, unit, area=current_user.scope,
                             **{name: form[name].data for name in self.fields if name in form})
        except RuleError as error:
            refuse(form, error)
            return None


def page_url(obj) -> str:
    """The page of a unit, a student or a staff member."""
    if isinstance(obj, Unit):
        return url_for("org.unit", unit_id=obj.id)
    if isinstance(obj, Student):
        return url_for("org.student", student_id=obj.id)
    if isinstance(obj, Staff):
        return url_for("org.staff", staff_id=obj.id)
    raise TypeError(obj)


bp.add_app_template_filter(labels.kind_label, "kind_label")
bp.add_app_template_filter(labels.role_label, "role_label")
bp.add_app_template_filter(labels.gender_label, "gender_label")
bp.add_app_template_filter(mask_id_number, "masked")
bp.add_app_template_global(page_url, "page_url")
bp.add_app_template_global(lambda unit: in_scope(unit, current_user), "in_my_area")

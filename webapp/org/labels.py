"""The words shown for enum values (unit kinds, roles, genders): never the raw value."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Gender, Role, UnitKind

UNIT_KIND_LABELS = {
    UnitKind.county: _l("County"),
    UnitKind.township: _l("Township"),
    UnitKind.school: _l("School"),
    UnitKind.grade: _l("Grade"),
    UnitKind.klass: _l("Class"),
    UnitKind.village: _l("Village or community"),
}

ROLE_LABELS = {
    Role.county_admin: _l("County administrator"),
    Role.township_admin: _l("Township administrator"),
    Role.school_admin: _l("School administrator"),
    Role.homeroom_teacher: _l("Homeroom teacher"),
    Role.teacher: _l("Teacher"),
    Role.volunteer: _l("Volunteer"),
}

GENDER_LABELS = {Gender.female: _l("Female"), Gender.male: _l("Male")}


def kind_label(kind: UnitKind | None) -> str:
    return str(UNIT_KIND_LABELS.get(kind, "")) if kind else ""


def role_label(role: Role | None) -> str:
    return str(ROLE_LABELS.get(role, "")) if role else ""


def gender_label(gender: Gender | None) -> str:
    return str(GENDER_LABELS.get(gender, "")) if gender else ""

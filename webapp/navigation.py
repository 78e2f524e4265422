"""The main menu: each entry says which roles see it. One list, read by the base template."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .org.models import ADMIN_ROLES, Role

TEACHERS = (Role.homeroom_teacher, Role.teacher)


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    roles: tuple


ENTRIES: list[NavEntry] = [
    NavEntry("dashboard.home", _l("Overview"), tuple(Role)),
    NavEntry("org.people", _l("Students"), ADMIN_ROLES + TEACHERS),
    NavEntry("org.staff_list", _l("Staff"), ADMIN_ROLES),
    NavEntry("org.units", _l("Units"), ADMIN_ROLES),
    NavEntry("org.accounts", _l("Accounts"), ADMIN_ROLES),
    NavEntry("imports.upload", _l("Import"), ADMIN_ROLES),
    NavEntry("org.my_responsibilities", _l("My responsibilities"),
             (Role.homeroom_teacher, Role.teacher, Role.school_admin, Role.township_admin)),
]


def add_entry(endpoint: str, label, roles: tuple, after: str | None = None) -> None:
    """Let an area put its screen in the menu (health, duty …) without this file knowing it."""
    entry = NavEntry(endpoint, label, roles)
    index = next((i + 1 for i, e in enumerate(ENTRIES) if e.endpoint == after), len(ENTRIES))
    if all(e.endpoint != endpoint for e in ENTRIES):
        ENTRIES.insert(index, entry)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [{"url": url_for(e.endpoint), "label": e.label, "active": request.endpoint == e.endpoint}
            for e in ENTRIES if current_user.role in e.roles]

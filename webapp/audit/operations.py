"""Writing the audit log, reading it within one's area, and removing what is past its keep time."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, or_, select

from ..extensions import db
from ..org.models import Staff, Student, Unit, User, utcnow
from ..org.scoping import scoped
from .models import KEEP_AT_LEAST_DAYS, AuditEntry

# Every action the log knows, with its words on the audit screen. An area adds its own here.
ACTIONS = {
    "view_health": _l("Viewed health checks"),
    "view_screening": _l("Viewed a screening"),
    "view_isolation": _l("Viewed isolation or follow-ups"),
    "export": _l("Exported a file"),
    "password_reset": _l("Reset a password"),
    "account_change": _l("Changed an account's role, area or state"),
    "account_create": _l("Created an account"),
    "import": _l("Imported people"),
    "person_edit": _l("Edited a person"),
    "responsibility": _l("Changed who is responsible"),
}


VIEWS = ("view_health", "view_screening", "view_isolation")


def _subject(subject) -> tuple[str | None, str | None, int | None]:
    """(kind, id, unit id) of a row: its table, its key, and the unit its __scope_column__ names."""
    if subject is None:
        return None, None, None
    column = getattr(type(subject), "__scope_column__", None)
    return subject.__tablename__, str(subject.id), getattr(subject, column) if column else None


def record(action: str, subject=None, unit: Unit | None = None, detail: str = "", user: User | None = None) -> AuditEntry:
    """One entry, in the caller's transaction (it is committed with the change it describes).

    `subject` is the row looked at or changed (a Student, Staff, User …: its unit is found through its
    `__scope_column__`); `unit` the area when there is no one row (a class's report, a county's export).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to webapp/audit/operations.py ACTIONS")
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    kind, ident, unit_id = _subject(subject)
    entry = AuditEntry(at=utcnow(), action=action, user_id=user.id if user else None,
                       username=user.username if user else "-", role=user.role.value if user else "-",
                       address=request.remote_addr if has_request_context() else None,
                       subject_kind=kind, subject_id=ident,
                       unit_id=unit.id if unit is not None else unit_id, detail=detail[:300])
    db.session.add(entry)
    db.session.flush()
    return entry


def viewed(action: str, subject=None, unit: Unit | None = None, detail: str = "") -> None:
    """For a view that only reads (a person's health page, a download): the entry is committed now."""
    record(action, subject=subject, unit=unit, detail=detail)
    db.session.commit()


# ---- reading ---------------------------------------------------------------------------------

def entries(user: User, action: str | None = None, subject=None, unit: Unit | None = None,
            username: str | None = None, since: datetime | None = None, until: datetime | None = None):
    """The entries about the user's area, newest first, narrowed by the screen's filters.

    With a subject (a child), its own entries and the views of lists of its class or of a unit above
    (a class's report, a school's tracked people …: a list that may have shown the child).
    """
    query = scoped(AuditEntry, user).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if subject is not None:
        kind, ident, unit_id = _subject(subject)
        own = (AuditEntry.subject_kind == kind) & (AuditEntry.subject_id == ident)
        home = db.session.get(Unit, unit_id) if unit_id else None
        above = sorted(set(home.ancestor_ids) | {home.id}) if home is not None else []
        lists = (AuditEntry.subject_kind.is_(None)) & (AuditEntry.unit_id.in_(above)) \
            & (AuditEntry.action.in_(VIEWS))
        query = query.where(or_(own, lists))
    if unit is not None:
        query = query.where(AuditEntry.unit_id == unit.id)
    if action:
        query = query.where(AuditEntry.action == action)
    if username:
        query = query.where(AuditEntry.username == username)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return query


def subject_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """The names of the people and accounts the entries are about (read now: the log keeps no names)."""
    names = {}
    for model in (Student, Staff, User, Unit):
        ids = {int(e.subject_id) for e in entries if e.subject_kind == model.__tablename__}
        if ids:
            label = User.display_name if model is User else model.name
            for ident, name in db.session.execute(select(model.id, label).where(model.id.in_(ids))):
                names[(model.__tablename__, str(ident))] = name
    return names


# ---- keeping ---------------------------------------------------------------------------------

def keep_days() -> int:
    """How long entries are kept: the setting AUDIT_KEEP_DAYS, never less than the floor (3 years)."""
    return max(int(current_app.config["AUDIT_KEEP_DAYS"]), KEEP_AT_LEAST_DAYS)


def purge(now: datetime | None = None) -> int:
    """Remove the entries older than the keep time; the number removed."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days())
    removed = db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount
    db.session.flush()
    return removed

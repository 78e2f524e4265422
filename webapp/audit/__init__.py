"""The audit log: who saw or changed what about a person, and who took a file out, from where.

One call, from any area:

    from webapp import audit
    audit.record("person_edit", subject=student)           # in your transaction: commit with your change
    audit.viewed("view_health", subject=student)           # a read-only view: written and committed now
    audit.viewed("export", unit=area, detail=file_name)    # every export (spreadsheets.response does it)

The entries are append-only: no code path changes or deletes one, and the database refuses it
(a trigger on PostgreSQL and SQLite; deletes only of entries older than the shortest keep time,
by `flask audit-purge`). See docs/architecture.md ("The audit log").
"""
from .operations import ACTIONS, record, viewed  # noqa: F401

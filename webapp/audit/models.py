"""An audit entry: one row per look or change, never updated, never deleted while it must be kept."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..org.county import county_key
from ..org.models import Unit, utcnow

KEEP_AT_LEAST_DAYS = 3 * 365 + 1  # the law's floor; the setting AUDIT_KEEP_DAYS may only be longer


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __scope_column__ = "unit_id"  # the subject's unit: an admin reads the entries about their area

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(32))
    # Who: the account (kept by id and, as it was then, by name and role: accounts change).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(64))  # the client's address (ProxyFix: the real one)
    # What: a row of a table (kind and id) and the unit it belongs to, or only a unit (a class's report).
    subject_kind: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int | None] = county_key("unit_id", "user_id", nullable=True)
    detail: Mapped[str] = mapped_column(String(300), default="")

    unit: Mapped[Unit | None] = relationship(lazy="joined", foreign_keys=[unit_id])

    __table_args__ = (Index("ix_audit_entry_subject", "subject_kind", "subject_id"),)


# Append-only, enforced by the database itself (migration 0011 runs the same statements).
GUARD_SQL = {
    "postgresql": (
        f"""CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.at < (now() AT TIME ZONE 'UTC') - interval '{KEEP_AT_LEAST_DAYS} days' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit entries are never changed, and kept at least {KEEP_AT_LEAST_DAYS} days';
END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ),
    "sqlite": (
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END",
        f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        f"WHEN OLD.at >= datetime('now', '-{KEEP_AT_LEAST_DAYS} days') "
        f"BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least {KEEP_AT_LEAST_DAYS} days'); END",
    ),
}
for _dialect, _statements in GUARD_SQL.items():
    for _statement in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))

"""The envelope of every field record that reached the server through sync.

A phone makes a record's id (a UUID) when the record is saved, long before the server sees it.
That id is the primary key here, so the database itself guarantees that a record retried,
uploaded from a file, or sent twice at once is stored exactly once. The typed row an area keeps
for a record (a health check, a checkpoint entry …) uses the same id as its primary key and a
foreign key to this table.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from ..org.county import HOT_ROW, county_key
from ..org.models import User, utcnow

# A record's id: `uuid` on PostgreSQL (16 bytes, the envelope's and every typed row's key),
# 32 hex characters on SQLite; in Python always the canonical lower-case 8-4-4-4-12 text.
# A typed row's key: mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True).
RECORD_ID = Uuid(as_uuid=False)


class TypedRecord:
    """A record kind's own row of a synced record: keyed by its envelope's id, with the columns every
    kind keeps (`Batch.stamp`: who recorded it, on which device, the phone's and the server's time)."""

    @declared_attr
    def record_id(cls) -> Mapped[str]:
        return mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("user_account.id"))

    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime]

    @declared_attr
    def user(cls) -> Mapped[User]:
        return relationship(User)


class RecordPart:
    """A row a typed record lists (an area a disinfection ticked, a person a session trained, a student
    tapped): keyed by its record (`__part_of__`, the record's table) and by the thing it names."""

    __part_of__: str

    @declared_attr
    def record_id(cls) -> Mapped[str]:
        return mapped_column(RECORD_ID, ForeignKey(f"{cls.__part_of__}.record_id"), primary_key=True)


class SyncRecord(db.Model):
    """One record as the phone sent it: who, which device, the phone's time and the server's."""

    __tablename__ = "sync_record"

    id: Mapped[str] = mapped_column(RECORD_ID, primary_key=True)  # the phone's UUID
    kind: Mapped[str] = mapped_column(String(40))
    # Read by id only (the push, retention): no index on the account, the kind or the time, which every
    # pushed record would write to (docs/scaling.md, "The indexes that matter").
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    county_id: Mapped[int] = county_key("user_id", index=False, unreferenced=HOT_ROW)
    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]  # the phone's clock, as naive UTC
    recorded_offset_minutes: Mapped[int]  # the phone's UTC offset then (+480 in China)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # sha256 of the canonical JSON of kind + recorded_at + data: tells a retry from a conflict.
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SyncRecord {self.kind} {self.id}>"


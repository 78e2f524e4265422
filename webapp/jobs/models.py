"""A background job and the file it produced, kept in the database (any app server can serve it)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..org.county import county_key
from ..org.models import utcnow


class JobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class ExportJob(db.Model):
    """One export asked for by one user: what, for which unit, how far it got, and its file."""

    __tablename__ = "export_job"
    __scope_column__ = "unit_id"
    __table_args__ = (Index("ix_export_job_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # a name in jobs.operations.KINDS
    params: Mapped[dict] = mapped_column(JSON)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the area exported (checked again at download)
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the county key (docs/scaling.md, sharding)
    locale: Mapped[str] = mapped_column(String(8))  # the file's language: the asker's, not the worker's
    status: Mapped[JobStatus] = mapped_column(db.Enum(JobStatus, native_enum=False, length=10),
                                              default=JobStatus.queued)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]  # an upper bound, known once the job starts
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(100))  # host:pid:thread that runs it
    file_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # a running job whose heartbeat stops is taken up again
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status is JobStatus.done:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ExportChunk(db.Model):
    """A piece of a job's file (at most CHUNK_BYTES), in order: the file is never held whole in memory."""

    __tablename__ = "export_chunk"

    job_id: Mapped[int] = mapped_column(ForeignKey("export_job.id", ondelete="CASCADE"), primary_key=True)
    county_id: Mapped[int] = county_key("job_id", index=False)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

"""A "looked into" mark on a data-quality flag, with its note. Marks are never edited: each is a new row (the history)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..org.county import county_key
from ..org.models import Unit, User, utcnow


class QualityReview(db.Model):
    __tablename__ = "quality_review"
    __scope_column__ = "unit_id"  # the class of a class's flag, the school (or scope) of a recorder's
    __table_args__ = (Index("ix_quality_review_subject", "subject_kind", "subject_id", "signal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    signal: Mapped[str] = mapped_column(String(32))
    subject_kind: Mapped[str] = mapped_column(String(16))  # "class" or "recorder"
    subject_id: Mapped[int]  # a unit id or a user id
    note: Mapped[str] = mapped_column(String(500))
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    reviewed_by: Mapped[User] = relationship()

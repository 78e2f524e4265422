"""A notice published to a part of the hierarchy, and the homeroom teachers' confirmations that they passed it on.

A confirmation is the typed row of a synced record (`notice_confirmation`): it comes from the
phone through the one outbox, is never updated, and a second one for the same class simply adds
a later count of parents who acknowledged (the latest counts).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..org.county import county_key
from ..org.models import Unit, User, utcnow
from ..sync.models import RECORD_ID


class NoticeKind(str, enum.Enum):
    letter = "letter"  # 致学生和家长的一封信
    guide = "guide"  # 预防指南
    policy = "policy"  # 政策通知


class Notice(db.Model):
    __tablename__ = "notice"
    __scope_column__ = "unit_id"  # the part of the hierarchy it goes to

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    kind: Mapped[NoticeKind] = mapped_column(db.Enum(NoticeKind, native_enum=False, length=16))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    ask_parents: Mapped[bool] = mapped_column(default=False)  # ask teachers how many parents acknowledged
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    published_by: Mapped[User] = relationship()


class NoticeConfirmation(db.Model):
    __tablename__ = "notice_confirmation"
    __scope_column__ = "class_id"
    __table_args__ = (Index("ix_notice_confirmation_notice_class", "notice_id", "class_id"),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("class_id")
    parents_acknowledged: Mapped[int | None]
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]  # the phone's clock
    received_at: Mapped[datetime]

    user: Mapped[User] = relationship()

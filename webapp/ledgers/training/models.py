"""Training (培训台账): who was trained in disinfection and in the infrared thermometer, when, by whom.

A session is the typed row of one synced record (record kind `training`, from the phone or the
office); the people it trained are rows of `training_attendee`, written with it.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...org.county import county_key
from ...org.models import Staff
from ...sync.models import RecordPart, TypedRecord


class Topic(str, enum.Enum):
    disinfection = "disinfection"  # 消毒
    thermometer = "thermometer"  # 红外测温仪
    other = "other"


class TrainingSession(TypedRecord, db.Model):
    __tablename__ = "training_session"
    __scope_column__ = "school_id"
    __table_args__ = (Index("ix_training_session_school_date", "school_id", "date"),)

    school_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("school_id")
    date: Mapped[dt.date]
    topic: Mapped[Topic] = mapped_column(db.Enum(Topic, native_enum=False, length=12))
    trainer: Mapped[str] = mapped_column(String(50))  # by whom: 县疾控中心 王医生 …
    note: Mapped[str | None] = mapped_column(String(200))

    attendees: Mapped[list[TrainingAttendee]] = relationship(viewonly=True)


class TrainingAttendee(RecordPart, db.Model):
    __part_of__ = "training_session"
    __tablename__ = "training_attendee"
    __table_args__ = (Index("ix_training_attendee_staff", "staff_id"),)

    county_id: Mapped[int] = county_key("record_id")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)

    staff: Mapped[Staff] = relationship()

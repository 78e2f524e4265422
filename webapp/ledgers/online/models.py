"""Online learning (停课不停学): per class and day, who attended the online lesson, who handed in
homework, whose homework the teacher marked.

A class's day is entered the way the class check is: everyone attended, handed in and was marked,
except the students tapped (record kind `online_day`, its exceptions as rows). A correction is a new
record; the current one per class and day (latest effective time) is kept in `online_class_day` by
the kind's `settle`, with its counts, so the rates per class, school, township and county are one
grouped query over a day's classes.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...org.county import county_key
from ...org.models import Student, utcnow
from ...sync.models import RECORD_ID, RecordPart, TypedRecord


class OnlineDay(TypedRecord, db.Model):
    """One class's day as a teacher saved it (record kind `online_day`)."""

    __tablename__ = "online_day"
    __scope_column__ = "class_id"
    __table_args__ = (Index("ix_online_day_class_date", "class_id", "date"),)

    class_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("class_id")
    date: Mapped[dt.date]
    expected: Mapped[int]  # the class's roll when it was saved
    attended: Mapped[int]
    handed_in: Mapped[int]
    marked: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(200))
    effective_at: Mapped[dt.datetime]


class OnlineException(RecordPart, db.Model):
    """A student tapped on a class's day: absent from the lesson, no homework, homework not marked."""

    __part_of__ = "online_day"
    __tablename__ = "online_exception"

    county_id: Mapped[int] = county_key("record_id")
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), primary_key=True)
    absent: Mapped[bool]
    no_homework: Mapped[bool]
    not_marked: Mapped[bool]

    student: Mapped[Student] = relationship()


class OnlineClassDay(db.Model):
    """A class's day now: the current record and its counts (kept by the kind's settle)."""

    __tablename__ = "online_class_day"
    __scope_column__ = "class_id"
    __table_args__ = (Index("ix_online_class_day_date", "date"),)

    class_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    county_id: Mapped[int] = county_key("class_id")
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(RECORD_ID)
    expected: Mapped[int]
    attended: Mapped[int]
    handed_in: Mapped[int]
    marked: Mapped[int]
    effective_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

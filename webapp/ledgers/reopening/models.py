"""The reopening plan (开学预案, 一校一案): the county's template of items, and each school's copy.

A school's copy is kept as updates (record kind `reopening_item`, from the phone or the office):
who answers for the item, its status and a note. The current state of each school and item is
kept in `reopening_state` by the kind's `settle` (the update with the latest effective time wins),
so the county's readiness grid reads one row per school and item.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import db
from ...org.county import county_key
from ...org.models import utcnow
from ...sync.models import RECORD_ID, TypedRecord


class Status(str, enum.Enum):
    todo = "todo"
    doing = "doing"
    done = "done"


class PlanItem(db.Model):
    """An item of the county's template (消毒全覆盖, 物资按标准储备, 晨午检和缺勤追踪制度 …)."""

    __tablename__ = "reopening_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    detail: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class PlanUpdate(TypedRecord, db.Model):
    """One update of a school's item (record kind `reopening_item`); never changed after it is stored."""

    __tablename__ = "reopening_update"
    __scope_column__ = "school_id"
    __table_args__ = (Index("ix_reopening_update_school_item", "school_id", "item_id"),)

    school_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("school_id")
    item_id: Mapped[int] = mapped_column(ForeignKey("reopening_item.id"))
    person: Mapped[str] = mapped_column(String(50))
    status: Mapped[Status] = mapped_column(db.Enum(Status, native_enum=False, length=8))
    note: Mapped[str | None] = mapped_column(String(300))
    effective_at: Mapped[dt.datetime]



class PlanState(db.Model):
    """A school's item now: the latest update's person, status and note (kept by the kind's settle)."""

    __tablename__ = "reopening_state"
    __scope_column__ = "school_id"

    school_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    county_id: Mapped[int] = county_key("school_id")
    item_id: Mapped[int] = mapped_column(ForeignKey("reopening_item.id"), primary_key=True)
    record_id: Mapped[str] = mapped_column(RECORD_ID)  # the update it shows
    person: Mapped[str] = mapped_column(String(50))
    status: Mapped[Status] = mapped_column(db.Enum(Status, native_enum=False, length=8))
    note: Mapped[str | None] = mapped_column(String(300))
    effective_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

"""Disinfection (消毒台账): the areas of each school and checkpoint, the county's due times per kind
of area, and the entries (one entry ticks several areas).

An area belongs to a school, or to a checkpoint (then its unit is the checkpoint's village, so the
village's volunteers and the township see it). An entry is the typed row of one synced record; the
areas it ticked are rows of `disinfection_entry_area`, written with it.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...org.county import county_key
from ...org.models import Unit, utcnow
from ...sync.models import RecordPart, TypedRecord


class AreaKind(str, enum.Enum):
    classroom = "classroom"
    canteen = "canteen"
    dormitory = "dormitory"
    toilet = "toilet"
    gate = "gate"
    office = "office"
    other = "other"


class Method(str, enum.Enum):
    spray = "spray"  # 喷洒
    wipe = "wipe"  # 擦拭
    mop = "mop"  # 拖地
    uv = "uv"  # 紫外线灯
    fumigation = "fumigation"  # 熏蒸
    ventilation = "ventilation"  # 开窗通风


# The county's defaults: the times of day by which each disinfection of an area is due.
DEFAULT_DUE = {AreaKind.classroom: "07:30,12:30", AreaKind.canteen: "10:30,16:30", AreaKind.dormitory: "07:00",
               AreaKind.toilet: "08:00,14:00", AreaKind.gate: "07:00", AreaKind.office: "08:00",
               AreaKind.other: "08:00"}


class DueDefault(db.Model):
    """The county's due times for a kind of area ("07:30,12:30": twice a day), changed by the county."""

    __tablename__ = "disinfection_default"

    kind: Mapped[AreaKind] = mapped_column(db.Enum(AreaKind, native_enum=False, length=12), primary_key=True)
    due_times: Mapped[str] = mapped_column(String(60))


class Area(db.Model):
    """A place that is disinfected: a classroom, the canteen, the gate of a school or checkpoint."""

    __tablename__ = "disinfection_area"
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the school, or the checkpoint's village
    county_id: Mapped[int] = county_key("unit_id")
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[AreaKind] = mapped_column(db.Enum(AreaKind, native_enum=False, length=12))
    due_times: Mapped[str | None] = mapped_column(String(60))  # None: the county's default for its kind
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])


class Entry(TypedRecord, db.Model):
    """One disinfection (record kind `disinfection`): when, how, with what, by whom; its areas below."""

    __tablename__ = "disinfection_entry"
    __scope_column__ = "unit_id"
    __table_args__ = (Index("ix_disinfection_entry_unit_date", "unit_id", "date"),)

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("unit_id")
    date: Mapped[dt.date]
    time: Mapped[dt.time]  # county time it was done
    method: Mapped[Method] = mapped_column(db.Enum(Method, native_enum=False, length=12))
    agent: Mapped[str | None] = mapped_column(String(50))  # 84消毒液, 75%酒精 …
    concentration: Mapped[str | None] = mapped_column(String(30))  # 500 mg/L …
    done_by: Mapped[str] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(200))

    areas: Mapped[list[EntryArea]] = relationship(order_by="EntryArea.area_id", viewonly=True)


class EntryArea(RecordPart, db.Model):
    """An area an entry ticked."""

    __part_of__ = "disinfection_entry"
    __tablename__ = "disinfection_entry_area"
    __table_args__ = (Index("ix_disinfection_entry_area_area", "area_id"),)

    county_id: Mapped[int] = county_key("record_id")
    area_id: Mapped[int] = mapped_column(ForeignKey("disinfection_area.id"), primary_key=True)

    area: Mapped[Area] = relationship()

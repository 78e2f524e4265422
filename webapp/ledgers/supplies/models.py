"""Supplies (物资台账): the county's items with their standard, each school's movements, and its stock.

A movement is the typed row of one synced record (its key is the record's id; the office sends
its entries through the same push). Its `stock_after`, `difference` and `below_zero` are derived:
the movements of a school and item are walked in the order they happened (day, then the phone's
time, then id) each time one of them arrives (`stock.settle`), so a back-dated entry recomputes
what follows. `SupplyPosition` keeps the result per school and item, so the county's overview
reads one row per school and item instead of every movement.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...org.county import county_key
from ...org.models import Unit, utcnow
from ...sync.models import TypedRecord


class Basis(str, enum.Enum):
    """How the county's standard for an item is counted."""

    school = "school"  # so many per school (thermometers at the gate)
    klass = "class"  # so many per class
    head_day = "head_day"  # so many per student and staff member per day (masks), kept for reserve_days


class Movement(str, enum.Enum):
    received = "received"  # from whom: counterpart
    issued = "issued"  # handed out (to whom: counterpart)
    used = "used"
    adjusted = "adjusted"  # written off with a reason
    counted = "counted"  # a physical count: quantity is what is on hand


class AdjustReason(str, enum.Enum):
    damaged = "damaged"
    expired = "expired"
    lost = "lost"
    other = "other"


OUTGOING = (Movement.issued, Movement.used, Movement.adjusted)


class SupplyItem(db.Model):
    """An item the county counts (masks, thermometers, disinfectant …) and its standard per school."""

    __tablename__ = "supply_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    unit: Mapped[str] = mapped_column(String(10))  # 个, 支, 瓶, 升 …
    basis: Mapped[Basis] = mapped_column(db.Enum(Basis, native_enum=False, length=10))
    standard: Mapped[float]  # per school, per class, or per head per day
    reserve_days: Mapped[int] = mapped_column(default=7)  # head_day: the stock asked is this many days
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)  # the order of the ledger's columns
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class SupplyMovement(TypedRecord, db.Model):
    """One movement of one item at one school (record kind `supply_movement`)."""

    __tablename__ = "supply_movement"
    __scope_column__ = "school_id"
    __table_args__ = (Index("ix_supply_movement_order", "school_id", "item_id", "date", "recorded_at"),
                      Index("ix_supply_movement_date", "date"))

    school_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("school_id")
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"))
    date: Mapped[dt.date]
    movement: Mapped[Movement] = mapped_column(db.Enum(Movement, native_enum=False, length=10))
    quantity: Mapped[float]  # counted: the stock found; otherwise how much came in or went out
    counterpart: Mapped[str | None] = mapped_column(String(100))  # from whom / to whom
    reason: Mapped[AdjustReason | None] = mapped_column(db.Enum(AdjustReason, native_enum=False, length=10))
    note: Mapped[str | None] = mapped_column(String(200))
    # Derived in order of occurrence (stock.settle): the stock after it, a count's difference,
    # and whether the stock went below zero with it (accepted: the phone was right offline).
    stock_after: Mapped[float] = mapped_column(default=0)
    difference: Mapped[float | None]
    below_zero: Mapped[bool] = mapped_column(default=False)

    item: Mapped[SupplyItem] = relationship()
    school: Mapped[Unit] = relationship(foreign_keys=[school_id])

    @property
    def change(self) -> float:
        """What the movement did to the stock (a count: its difference)."""
        if self.movement is Movement.counted:
            return self.difference or 0
        return -self.quantity if self.movement in OUTGOING else self.quantity


class SupplyPosition(db.Model):
    """A school's stock of an item after its latest movement, kept by stock.settle in the write path."""

    __tablename__ = "supply_position"
    __scope_column__ = "school_id"

    school_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    county_id: Mapped[int] = county_key("school_id")
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), primary_key=True)
    on_hand: Mapped[float]
    flagged: Mapped[bool]  # some movement took the stock below zero: a count should settle it
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

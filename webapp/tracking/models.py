"""The tracking area's tables.

Every field record (a screening, a status change, an isolation and its changes, a follow-up) is
the typed row of one synced record: its primary key is the record's id, and rows are never
updated. What a person's state is now (in isolation until when, flagged why, cleared or not) is
derived from these rows when it is read (`operations.py`, `queries.py`), so records arriving from
phones in any order give the same answer. Risk areas and the county's isolation period are kept
by the county office (plain rows, changed in place, with who and when).
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import db
from ..org.county import county_key
from ..org.models import utcnow
from ..sync.models import RECORD_ID


class Health(str, enum.Enum):
    normal = "normal"
    fever = "fever"
    symptoms = "symptoms"  # cough, sore throat … without fever
    ill = "ill"  # under treatment


class ContactType(str, enum.Enum):
    confirmed = "confirmed"  # a confirmed case
    suspected = "suspected"
    risk_area = "risk_area"  # someone back from a risk area


class Verification(str, enum.Enum):
    phone = "phone"
    visit = "visit"
    telecom = "telecom"  # telecom (big) data
    health_code = "health_code"
    self_report = "self_report"


class Subject(str, enum.Enum):
    self = "self"
    household = "household"  # a family member living with the student or staff member


class RiskLevel(str, enum.Enum):
    high = "high"
    medium = "medium"


class Status(str, enum.Enum):
    flagged = "flagged"
    observation = "observation"
    isolation = "isolation"
    released = "released"
    cleared = "cleared"


class IsolationChangeKind(str, enum.Enum):
    exposure = "exposure"  # a new exposure: the planned end moves to it + the period
    extend = "extend"
    shorten = "shorten"
    release = "release"


class ContactMethod(str, enum.Enum):
    phone = "phone"
    visit = "visit"
    video = "video"


class Diagnosis(str, enum.Enum):
    cold = "cold"
    flu = "flu"
    gastro = "gastro"
    suspected = "suspected"  # suspected infectious disease, reported on
    other = "other"


class Mood(str, enum.Enum):
    anxious = "anxious"
    afraid = "afraid"
    low = "low"


def _enum(kind, length: int = 16):
    return db.Enum(kind, native_enum=False, length=length)


class PersonRow:
    """A row about one student or staff member, kept under their unit of that time (scope)."""

    __scope_column__ = "unit_id"

    @declared_attr
    def student_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("student.id"), index=True)

    @declared_attr
    def staff_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff.id"), index=True)

    @declared_attr
    def unit_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("unit.id"), index=True)


class Stamped:
    """Who recorded it, on which phone, and when (batch.stamp), and the time that ranks it."""

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("user_account.id"))

    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime]
    effective_at: Mapped[dt.datetime]


def _one_person():
    return CheckConstraint("(student_id IS NULL) <> (staff_id IS NULL)", name="one_person")


class Screening(PersonRow, Stamped, db.Model):
    """One screening (摸排) of a person or of a household member living with them; the latest is current."""

    __tablename__ = "screening"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    date: Mapped[dt.date] = mapped_column(index=True)
    subject: Mapped[Subject] = mapped_column(_enum(Subject))
    household_name: Mapped[str | None] = mapped_column(String(50))
    household_relation: Mapped[str | None] = mapped_column(String(20))
    health: Mapped[Health] = mapped_column(_enum(Health))
    contacts: Mapped[list] = mapped_column(JSON)  # [{type, place, date}]
    contact_history: Mapped[bool]  # derived when stored: any contact
    planned_return_on: Mapped[dt.date | None]
    planned_return_from: Mapped[str | None] = mapped_column(String(100))
    verification: Mapped[list] = mapped_column(JSON)  # Verification values
    verified_by: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(200))


class ScreeningTrip(PersonRow, db.Model):
    """A trip of a screening: a row of its own, so matching risk areas is one join, also for later areas."""

    __tablename__ = "screening_trip"
    __table_args__ = (_one_person(), Index("ix_screening_trip_to_on", "to_on"))

    screening_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("screening.record_id"), primary_key=True)
    county_id: Mapped[int] = county_key("screening_id")
    position: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(100))
    from_on: Mapped[dt.date]
    to_on: Mapped[dt.date]


class RiskArea(db.Model):
    """A place the county lists as a risk area, from `starts_on` to `ends_on` (open while None)."""

    __tablename__ = "risk_area"
    __scope_column__ = "county_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    place: Mapped[str] = mapped_column(String(100))
    level: Mapped[RiskLevel] = mapped_column(_enum(RiskLevel, 8))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class TrackingSettings(db.Model):
    """The county's isolation period (14 days unless saved otherwise)."""

    __tablename__ = "tracking_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    isolation_days: Mapped[int]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class StatusChange(PersonRow, Stamped, db.Model):
    """flagged → under observation / in isolation → released / cleared: each change a record."""

    __tablename__ = "status_change"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    status: Mapped[Status] = mapped_column(_enum(Status))
    note: Mapped[str | None] = mapped_column(String(200))


class Isolation(PersonRow, Stamped, db.Model):
    """A home isolation (居家隔离) as it was started; its changes move the planned end or release it."""

    __tablename__ = "isolation"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    started_on: Mapped[dt.date] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(200))
    last_exposure_on: Mapped[dt.date]
    period_days: Mapped[int]  # the county's period when it started
    planned_end_on: Mapped[dt.date]  # last exposure + period, as started


class IsolationChange(PersonRow, Stamped, db.Model):
    """A new exposure, an extension or shortening (the previous end kept), or the release."""

    __tablename__ = "isolation_change"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    isolation_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("isolation.record_id"), index=True)
    change: Mapped[IsolationChangeKind] = mapped_column(_enum(IsolationChangeKind))
    on: Mapped[dt.date]  # the exposure's day, the new end, or the day of release
    reason: Mapped[str | None] = mapped_column(String(200))
    previous_end_on: Mapped[dt.date]
    new_end_on: Mapped[dt.date]


class FollowUp(PersonRow, Stamped, db.Model):
    """A day's follow-up of a person in isolation (随访): temperatures, symptoms, how contact was made."""

    __tablename__ = "isolation_followup"
    __table_args__ = (_one_person(), Index("ix_isolation_followup_day", "isolation_id", "date"))

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    isolation_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("isolation.record_id"))
    date: Mapped[dt.date]
    temperature_morning: Mapped[float | None]
    temperature_afternoon: Mapped[float | None]
    symptoms: Mapped[list] = mapped_column(JSON)
    contact_method: Mapped[ContactMethod] = mapped_column(_enum(ContactMethod, 8))
    note: Mapped[str | None] = mapped_column(String(200))


class IllnessFollowUp(PersonRow, Stamped, db.Model):
    """A follow-up of an illness case; one with `closed` closes the case of every sign up to its day."""

    __tablename__ = "illness_followup"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    date: Mapped[dt.date]
    saw_doctor: Mapped[bool | None]
    diagnosis: Mapped[Diagnosis | None] = mapped_column(_enum(Diagnosis))
    recovered_on: Mapped[dt.date | None]
    back_on: Mapped[dt.date | None]
    closed: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))


class SupportFollowUp(PersonRow, Stamped, db.Model):
    """A support follow-up (心理疏导) of an anxious or afraid student: read only by the responsible
    staff and the school's leaders."""

    __tablename__ = "support_followup"
    __table_args__ = (_one_person(),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    county_id: Mapped[int] = county_key("unit_id")
    date: Mapped[dt.date]
    mood: Mapped[Mood] = mapped_column(_enum(Mood, 8))
    closed: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(500))


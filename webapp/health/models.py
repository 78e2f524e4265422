"""Health checks (晨午检) and daily / zero reports (日报告、零报告).

Each row is the typed form of one synced record: its primary key is the record's id (the
envelope in `sync_record`; on PostgreSQL, where `health_check` is partitioned by month, the key
is (record id, date): health/partitions.py). Rows are never updated: a correction is a new record, and the
current value of a person's check is derived (latest `effective_at`, then latest `received_at`).
`recorded_at` is the phone's clock as it came; `effective_at` is the time that ranks and judges
lateness, which a phone cannot push past the server's receive time (docs/sync.md, "Phone clocks").
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, literal_column, or_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..org.county import HOT_ROW, county_key
from ..org.models import Staff, Student, Unit, User
from ..sync.models import RECORD_ID
from . import partitions


class CheckSession(str, enum.Enum):
    morning = "morning"
    noon = "noon"


class AbsenceReason(str, enum.Enum):
    illness = "illness"
    personal = "personal"
    other = "other"


# health_check refers to its unit by a foreign key, and to nothing else: not its envelope, person or
# account. It is the table every check writes (a county's day: 400,000 rows), and a key's check is a
# lookup that locks the row it names (FOR KEY SHARE): every student's row twice a day (the student
# table's pages written again), the pushing account's row from each of its pushes at once, and the
# envelope just inserted (one more WAL record a check). Measured on bench/leaders.py's county day: the
# insert 49 µs a check with the five keys, 35 without the person's and account's, ~26 with the unit's
# alone; WAL 708 -> 650 MB. Nothing is lost by it: the push writes a check only with the envelope it
# inserted in the same savepoint (sync/engine.py; the key's uniqueness already rests on that, see
# partitions.py), finds each person in the user's area in the same transaction
# (org/scoping.scoped_by_id), and people and accounts are never deleted, only taken off the roll or
# switched off. The unit keeps its key: the county key is read from it (org/county.py).
UNREFERENCED = ("record_id", "student_id", "staff_id", "user_id")
ABNORMAL = "fever OR other_symptoms OR absence_reason = 'illness'"  # in SQL text; abnormal_check() below


def abnormal_check():
    """SQL: the check is abnormal, as ABNORMAL says it (the illness written into the statement): the
    predicate of the partial index ix_health_check_abnormal, so that a query over weeks that names it
    beside its own rarer sign (a fever, an illness absence) reads that index's few rows of each day."""
    return or_(HealthCheck.fever, HealthCheck.other_symptoms,
               HealthCheck.absence_reason == literal_column(f"'{AbsenceReason.illness.value}'"))


SYMPTOMS = ("fever", "cough", "sore_throat", "fatigue", "diarrhea", "vomiting", "rash", "other")


class HealthCheck(db.Model):
    """One person's morning or noon check: a student (unit = the class) or a staff member (unit = the school)."""

    __tablename__ = "health_check"
    __scope_column__ = "unit_id"  # the unit at the time of the check: history stays where it happened
    __student_column__ = "student_id"  # a subject teacher: her students' checks only, never a colleague's
    __table_args__ = (
        CheckConstraint("(student_id IS NULL) <> (staff_id IS NULL)", name="one_person"),
        Index("ix_health_check_date_unit", "date", "unit_id"),
        Index("ix_health_check_student_day", "student_id", "date", "session"),
        Index("ix_health_check_staff_day", "staff_id", "date", "session"),
        # The day's abnormal checks (the leaders' lists): a few hundred rows of a county's 400,000.
        Index("ix_health_check_abnormal", "date", "unit_id", postgresql_where=text(ABNORMAL),
              sqlite_where=text(ABNORMAL)),
        # One partition a month on PostgreSQL, its key then (record_id, date); SQLite: one table.
        partitions.by_month("date"),
    )

    # Only the unit has a foreign key (UNREFERENCED, above).
    record_id: Mapped[str] = mapped_column(RECORD_ID, primary_key=True)  # its envelope's id (sync_record)
    student_id: Mapped[int | None]
    staff_id: Mapped[int | None]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("unit_id", index=False, unreferenced=HOT_ROW)
    date: Mapped[dt.date]
    session: Mapped[CheckSession] = mapped_column(db.Enum(CheckSession, native_enum=False, length=8))
    present: Mapped[bool]
    absence_reason: Mapped[AbsenceReason | None] = mapped_column(
        db.Enum(AbsenceReason, native_enum=False, length=16))
    symptoms: Mapped[list] = mapped_column(JSON, default=list)
    temperature: Mapped[float | None]
    # Derived when stored, so counts are plain grouped queries (no JSON queries, same on both databases).
    fever: Mapped[bool]  # measured at or above the county threshold of that time, or "fever" reported
    other_symptoms: Mapped[bool]  # any symptom besides fever
    note: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int]
    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime]  # the phone's clock
    received_at: Mapped[dt.datetime]
    effective_at: Mapped[dt.datetime]  # ranks the current check: never after received_at

    student: Mapped[Student | None] = relationship(primaryjoin="foreign(HealthCheck.student_id) == Student.id")
    staff: Mapped[Staff | None] = relationship(primaryjoin="foreign(HealthCheck.staff_id) == Staff.id")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    user: Mapped[User] = relationship(primaryjoin="foreign(HealthCheck.user_id) == User.id")

    @property
    def abnormal(self) -> bool:
        return self.fever or self.other_symptoms or self.absence_reason is AbsenceReason.illness


partitions.install(HealthCheck.__table__)  # create_all makes its DEFAULT partition and months


class DailyReport(db.Model):
    """A class's or a school's daily report; a zero report says explicitly that nothing is abnormal."""

    __tablename__ = "daily_report"
    __scope_column__ = "unit_id"
    __table_args__ = (Index("ix_daily_report_date_unit", "date", "unit_id"),)

    record_id: Mapped[str] = mapped_column(RECORD_ID, ForeignKey("sync_record.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    county_id: Mapped[int] = county_key("unit_id")
    date: Mapped[dt.date]
    zero_report: Mapped[bool]
    expected: Mapped[int]
    checked: Mapped[int]
    absent: Mapped[int]
    abnormal: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))
    late: Mapped[bool]  # effective after the county's cut-off of its day
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime]  # the phone's clock
    received_at: Mapped[dt.datetime]
    effective_at: Mapped[dt.datetime]  # ranks the current report and judges lateness: never after received_at

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    user: Mapped[User] = relationship()


class CheckTally(db.Model):
    """The counts of a unit's current checks of one day and session, kept in the push's transaction.

    One row per unit (a class for students, a school for staff), day, session and group. The push
    moves a person's count when a newer check supersedes theirs (health/tallies.py), so the
    leaders' screens read a few thousand of these instead of scanning the day's checks.
    """

    __tablename__ = "check_tally"
    __table_args__ = (Index("ix_check_tally_date_unit", "date", "unit_id"),)  # a day's tallies of many units
    __scope_column__ = "unit_id"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    session: Mapped[CheckSession] = mapped_column(db.Enum(CheckSession, native_enum=False, length=8),
                                                  primary_key=True)
    staff: Mapped[bool] = mapped_column(primary_key=True)  # False: students' checks
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    checked: Mapped[int] = mapped_column(default=0)
    absent: Mapped[int] = mapped_column(default=0)
    illness: Mapped[int] = mapped_column(default=0)
    personal: Mapped[int] = mapped_column(default=0)
    other_reason: Mapped[int] = mapped_column(default=0)
    fever: Mapped[int] = mapped_column(default=0)
    symptoms: Mapped[int] = mapped_column(default=0)  # symptoms without fever
    abnormal: Mapped[int] = mapped_column(default=0)  # fever, symptoms or absent for illness


class DayTally(db.Model):
    """The people of a unit's day: with a current check in a session, absent, with a fever, absent
    for illness, abnormal, with other symptoms but no fever in any of them (a person with a fever at
    both checks is one). The leaders' abnormal counts are these (dashboard/abnormal_sql.py).

    Kept by the push with `check_tally` (health/tallies.py). A person's day counts under the unit
    of their current check of the day's last session (noon, else morning), so a sum over any set of
    units counts each person at most once.
    """

    __tablename__ = "day_tally"
    __table_args__ = (Index("ix_day_tally_date_unit", "date", "unit_id"),)  # a window of days of many units
    __scope_column__ = "unit_id"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    staff: Mapped[bool] = mapped_column(primary_key=True)  # False: students
    county_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    checked: Mapped[int] = mapped_column(default=0)
    absent: Mapped[int] = mapped_column(default=0)
    fever: Mapped[int] = mapped_column(default=0)
    illness: Mapped[int] = mapped_column(default=0)
    abnormal: Mapped[int] = mapped_column(default=0)  # fever, symptoms or absent for illness
    symptoms: Mapped[int] = mapped_column(default=0)  # other symptoms without a fever, in any session

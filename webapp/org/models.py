"""The county's hierarchy, its people, the responsibility chains and the accounts."""
from __future__ import annotations

import enum
from datetime import date, datetime, timezone

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .county import county_key


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: every timestamp is stored as naive UTC, the same on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class UnitKind(str, enum.Enum):
    county = "county"
    township = "township"
    school = "school"
    grade = "grade"
    klass = "class"
    village = "village"


# Which kind of unit may stand under which: the shape of the county.
CHILD_KINDS = {
    UnitKind.county: (UnitKind.township,),
    UnitKind.township: (UnitKind.school, UnitKind.village),
    UnitKind.school: (UnitKind.grade,),
    UnitKind.grade: (UnitKind.klass,),
    UnitKind.klass: (),
    UnitKind.village: (),
}


class Unit(db.Model):
    """A node of the hierarchy. `path` ("/1/4/17/") makes a subtree one indexed prefix match."""

    __tablename__ = "unit"
    __scope_column__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[UnitKind] = mapped_column(db.Enum(UnitKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int | None] = county_key("parent_id", nullable=True)
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    # The school's order as text (org/ordering.py): ORDER BY sort_key lists 一(2)班 before 一(10)班.
    # Byte-wise on PostgreSQL too ("C"), where a language collation would ignore the separators.
    sort_key: Mapped[str] = mapped_column(String(1000).with_variant(String(1000, collation="C"), "postgresql"),
                                          default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children",
                                                  foreign_keys=[parent_id])
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.sort_key",  # 二年级 before 三年级
                                                        foreign_keys=[parent_id])

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.kind.value} {self.name}>"


class UnitChange(db.Model):
    """What a unit was called and where it stood before a rename or a move."""

    __tablename__ = "unit_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    old_name: Mapped[str] = mapped_column(String(100))
    new_name: Mapped[str] = mapped_column(String(100))
    old_parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    new_parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    changed_by: Mapped[User | None] = relationship()
    old_parent: Mapped[Unit | None] = relationship(foreign_keys=[old_parent_id])
    new_parent: Mapped[Unit | None] = relationship(foreign_keys=[new_parent_id])


class Gender(str, enum.Enum):
    male = "male"
    female = "female"


class Student(db.Model):
    __tablename__ = "student"
    # The roll per class (expected at the checks) from the index alone, never from the table's rows.
    __table_args__ = (Index("ix_student_class_active", "class_id", "active"),)
    __scope_column__ = "class_id"
    __student_column__ = "id"  # a subject teacher sees only the students she answers for (scoping.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("class_id")
    # Unique within the school (operations.save_student, the importer), not county-wide: a number of
    # another school is no oracle (issue 12.8).
    student_no: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[Gender] = mapped_column(db.Enum(Gender, native_enum=False, length=8))
    birth_date: Mapped[date | None]
    # Refused when someone in the editor's area has it; one elsewhere is accepted and listed for the
    # county to reconcile (/people/duplicates), so the editor learns nothing of other areas.
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    guardian_name: Mapped[str | None] = mapped_column(String(50))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    home_village: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    klass: Mapped[Unit] = relationship(foreign_keys=[class_id])


class Staff(db.Model):
    """A teacher, school leader, bureau employee or volunteer (a volunteer may have no ID number)."""

    __tablename__ = "staff"
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("unit_id")
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)  # as a student's
    party_member: Mapped[bool] = mapped_column(default=False)
    is_volunteer: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])


class Responsibility(db.Model):
    """A staff member answering for a unit, a student or a colleague (六级分包, 三包一, 五包一).

    A link is never deleted: removing it closes it (`valid_to`), so the chain as it stood on any
    day can be read back (倒查问责). At most one open link per pair; a closed one may be reopened
    as a new row. (The pair was never unique in the database: its NULL columns are distinct in
    SQL; `assign_responsibility` reads before it adds.)
    """

    __tablename__ = "responsibility"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN unit_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN student_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN colleague_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    county_id: Mapped[int] = county_key("staff_id")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    colleague_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)  # naive UTC, like every timestamp
    valid_to: Mapped[datetime | None] = mapped_column(index=True)  # None: the link holds today
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    student: Mapped[Student | None] = relationship()
    colleague: Mapped[Staff | None] = relationship(foreign_keys=[colleague_id])

    @property
    def target(self):
        return self.unit or self.student or self.colleague


class Role(str, enum.Enum):
    county_admin = "county_admin"
    township_admin = "township_admin"
    school_admin = "school_admin"
    homeroom_teacher = "homeroom_teacher"
    teacher = "teacher"
    volunteer = "volunteer"


ADMIN_ROLES = (Role.county_admin, Role.township_admin, Role.school_admin)
# The unit kinds each role's scope may be: a school admin's scope is a school, and so on.
ROLE_SCOPE_KINDS = {
    Role.county_admin: (UnitKind.county,),
    Role.township_admin: (UnitKind.township,),
    Role.school_admin: (UnitKind.school,),
    Role.homeroom_teacher: (UnitKind.klass,),
    Role.teacher: (UnitKind.school, UnitKind.grade, UnitKind.klass),
    Role.volunteer: (UnitKind.township, UnitKind.village),
}
# An admin's level: they manage (reset, disable, change) only accounts of a lower level, so a
# fellow admin's account is managed by the level above (a peer could otherwise take it over).
ADMIN_LEVEL = {Role.county_admin: 3, Role.township_admin: 2, Role.school_admin: 1}
# Roles an admin may hand out: never one above their own.
GRANTABLE_ROLES = {
    Role.county_admin: tuple(Role),
    Role.township_admin: tuple(Role)[2:],
    Role.school_admin: (Role.school_admin, Role.homeroom_teacher, Role.teacher),
}


class User(UserMixin, db.Model):
    """A login. Its scope is a unit: the account sees that unit's subtree and nothing else."""

    __tablename__ = "user_account"
    __scope_column__ = "scope_unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # logs in, as the username does
    # A phone another area's account already logs in with: kept here, not for login, until the
    # county reconciles the two (/people/duplicates); the creator is told the same as for a fresh one.
    held_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    county_id: Mapped[int] = county_key("scope_unit_id")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scope: Mapped[Unit] = relationship(foreign_keys=[scope_unit_id])
    staff: Mapped[Staff | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_active(self) -> bool:
        return self.active

    # Flask-Login keeps the server-side session's id in the cookie, never the user's id.
    session_id = None

    def get_id(self) -> str | None:
        return self.session_id


class LoginSession(db.Model):
    """A server-side session: a new random id at every login, revoked at logout or by an admin."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    county_id: Mapped[int] = county_key("user_id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user: Mapped[User] = relationship()


Index("ix_staff_name", Staff.name)
Index("ix_student_name", Student.name)

"""A county at scale, written straight into the database with SQLAlchemy Core.

Scale 1.0 is the county of DOMAIN.md: 20 townships, 312 schools of 16 classes (six grades), 40
students a class on average: 200,000 students in ~5,000 classes, and ~8,000 staff. The health
data is what the phones would have pushed: for today, the morning check of every student and staff
member of 98 % of the classes, most classes' daily reports; for each earlier day (`days` > 1), the
morning and noon checks and the reports of every class. Every typed row comes with its `sync_record`
envelope, as the push would have stored it (same content hash, same clean data).

Ids are given here (the database is new), so a unit's path is known before it is inserted; on
PostgreSQL the id sequences are moved past them afterwards.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from webapp.health.models import DailyReport, HealthCheck
from webapp.org.county import fill_rows
from webapp.org.models import Gender, Responsibility, Role, Staff, Student, Unit, UnitKind, User
from webapp.org.settings import Settings, county_zone, cutoff_moment
from webapp.sync.engine import content_hash
from webapp.sync.models import SyncRecord

from .common import BENCH_CONFIG, PASSWORD

GRADE_SIZES = (3, 3, 3, 3, 2, 2)  # classes per grade
CLASSES_PER_SCHOOL = sum(GRADE_SIZES)  # 16
STUDENTS_PER_CLASS = (35, 45)  # 40 on average
TOWNSHIPS = 20
CHUNK = 5000
MISSING_TODAY = 0.02  # classes with no check nor report yet this morning
UNREPORTED_TODAY = 0.03  # classes that checked but have not filed their report
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
GIVEN = "浩宇轩子博文俊杰明泽睿航辰阳鹏飞志强伟磊欣怡梓萱雨涵诗琪佳慧静雅婷妍可馨梦瑶紫晓彤若曦思语"
NUMERALS = "一二三四五六"


@dataclass
class Shape:
    """How big the county is."""

    schools: int
    townships: int

    @classmethod
    def at(cls, scale: float) -> Shape:
        schools = max(1, round(scale * 200_000 / (CLASSES_PER_SCHOOL * sum(STUDENTS_PER_CLASS) / 2)))
        return cls(schools=schools, townships=min(TOWNSHIPS, schools))


@dataclass
class County:
    """What was generated: ids of the units the benches look at, and the counts."""

    county_id: int = 0
    township_id: int = 0  # the first township
    school_id: int = 0  # the first school of the first township
    class_id: int = 0  # its first class: the bench teacher's class
    today: date = date.min
    classes: list[tuple[int, int]] = field(default_factory=list)  # (class id, school id)
    students: dict[int, list[int]] = field(default_factory=dict)  # class id -> student ids
    staff: dict[int, list[int]] = field(default_factory=dict)  # school id -> staff ids
    users: dict[str, int] = field(default_factory=dict)  # username -> user id
    counts: dict[str, int] = field(default_factory=dict)


class Writer:
    """Hands out ids and buffers rows per table, inserting a chunk at a time, parents before children."""

    MODELS = (Unit, Staff, Student, User, Responsibility, SyncRecord, HealthCheck, DailyReport)

    def __init__(self, session):
        self.session = session
        self.tables = [model.__table__ for model in self.MODELS]
        self.rows: dict[str, list[dict]] = {table.name: [] for table in self.tables}
        self.counts: dict[str, int] = {table.name: 0 for table in self.tables}
        self.last_id: dict[str, int] = {}
        self.county_id: int | None = None  # every row's county key (one county per run)

    def next_id(self, table: str) -> int:
        self.last_id[table] = self.last_id.get(table, 0) + 1
        return self.last_id[table]

    def add(self, table: str, row: dict) -> None:
        if table == "unit" and row.get("parent_id") is None:
            self.county_id = row["id"]
        self.rows[table].append(row)
        if len(self.rows[table]) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        # A child's parent may still sit in an earlier table's buffer: write every table, in order.
        for table in self.tables:
            if self.rows[table.name]:
                self.session.execute(insert(table), fill_rows(table, self.rows[table.name], self.county_id))
                self.counts[table.name] += len(self.rows[table.name])
                self.rows[table.name] = []


def generate(session, scale: float, days: int = 1, seed: int = 2020, today: date | None = None) -> County:
    """Write a county of this scale with `days` days of checks ending today (0: no health data); commits."""
    rng, writer = random.Random(seed), Writer(session)
    county = County(today=today or datetime.now(county_zone()).date())
    _hierarchy(writer, county, Shape.at(scale))
    _people(writer, county, rng)
    _accounts(writer, county)
    for offset in range(days - 1, -1, -1):
        _day(writer, county, rng, county.today - timedelta(days=offset), today=offset == 0)
    writer.flush()
    _move_sequences(session)
    session.commit()
    county.counts = dict(writer.counts)
    return county


# ---- the hierarchy and the people ----------------------------------------------------------

def _unit(writer: Writer, kind: UnitKind, name: str, parent: tuple[int, str] | None) -> tuple[int, str]:
    """Insert a unit; its (id, path)."""
    unit_id = writer.next_id("unit")
    path = f"{parent[1] if parent else '/'}{unit_id}/"
    writer.add("unit", {"id": unit_id, "kind": kind, "name": name, "parent_id": parent[0] if parent else None,
                        "path": path, "created_at": datetime(2020, 1, 1)})
    return unit_id, path


def _hierarchy(writer: Writer, county: County, shape: Shape) -> None:
    """County, townships, and schools of six grades holding 16 classes (3, 3, 3, 3, 2, 2)."""
    root = _unit(writer, UnitKind.county, "基准县", None)
    county.county_id = root[0]
    townships = [_unit(writer, UnitKind.township, f"第{n + 1}镇", root) for n in range(shape.townships)]
    county.township_id = townships[0][0]
    for number in range(shape.schools):
        school = _unit(writer, UnitKind.school, f"第{number + 1}小学", townships[number % len(townships)])
        county.school_id = county.school_id or school[0]
        for grade_no, size in enumerate(GRADE_SIZES):
            grade = _unit(writer, UnitKind.grade, f"{NUMERALS[grade_no]}年级", school)
            for class_no in range(1, size + 1):
                klass = _unit(writer, UnitKind.klass, f"{NUMERALS[grade_no]}({class_no})班", grade)
                county.classes.append((klass[0], school[0]))
    county.class_id = county.classes[0][0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _people(writer: Writer, county: County, rng: random.Random) -> None:
    """Students of each class; per school a homeroom teacher per class, two leaders and subject teachers."""
    for class_id, school_id in county.classes:
        county.students[class_id] = [_student(writer, rng, class_id) for _ in range(rng.randint(*STUDENTS_PER_CLASS))]
        homeroom = _staff(writer, rng, county, school_id, "班主任")
        writer.add("responsibility", {"id": writer.next_id("responsibility"), "staff_id": homeroom,
                                      "unit_id": class_id, "created_at": datetime(2020, 1, 1)})
    for school_id in sorted(county.staff):
        for position in ("校长", "副校长") + ("任课教师",) * (CLASSES_PER_SCHOOL // 2):
            _staff(writer, rng, county, school_id, position)


def _student(writer: Writer, rng: random.Random, class_id: int) -> int:
    student_id = writer.next_id("student")
    writer.add("student", {
        "id": student_id, "class_id": class_id, "student_no": f"B{student_id:07d}", "name": _name(rng),
        "gender": rng.choice((Gender.male, Gender.female)),
        "birth_date": date(2012, 1, 1) + timedelta(days=rng.randrange(2200)),
        "id_number": None, "guardian_name": _name(rng), "guardian_phone": f"138{student_id:08d}",
        "home_village": None, "active": True, "updated_at": datetime(2020, 1, 1)})
    return student_id


def _staff(writer: Writer, rng: random.Random, county: County, unit_id: int, position: str) -> int:
    staff_id = writer.next_id("staff")
    writer.add("staff", {"id": staff_id, "unit_id": unit_id, "name": _name(rng), "position": position,
                         "phone": f"139{staff_id:08d}", "id_number": None, "party_member": False,
                         "is_volunteer": False, "active": True, "updated_at": datetime(2020, 1, 1)})
    county.staff.setdefault(unit_id, []).append(staff_id)
    return staff_id


def teacher_name(number: int) -> str:
    """The login of the homeroom teacher of the first school's class `number` (0: "teacher")."""
    return "teacher" if number == 0 else f"teacher{number + 1}"


def school_admin_name(county: County, school_id: int) -> str:
    """The login of a school's admin: "school" for the first school, "school-<id>" for the others."""
    return "school" if school_id == county.school_id else f"school-{school_id}"


def _accounts(writer: Writer, county: County) -> None:
    """Admins "county", "township", "school" (and every other school's, `school_admin_name`); "teacher",
    "teacher2" … "teacher16": the homeroom teachers of the first school's classes (the first school's staff
    begins with them). Password PASSWORD."""
    password_hash = generate_password_hash(PASSWORD, method=BENCH_CONFIG["PASSWORD_HASH_METHOD"])
    first_staff = county.staff[county.school_id]
    scopes = {"county": (Role.county_admin, county.county_id, None),
              "township": (Role.township_admin, county.township_id, None),
              "school": (Role.school_admin, county.school_id, first_staff[CLASSES_PER_SCHOOL])}
    for number in range(CLASSES_PER_SCHOOL):
        scopes[teacher_name(number)] = (Role.homeroom_teacher, county.classes[number][0], first_staff[number])
    for school_id in sorted(county.staff):
        if school_id != county.school_id:
            scopes[school_admin_name(county, school_id)] = (Role.school_admin, school_id, None)
    for username, (role, scope_id, staff_id) in scopes.items():
        user_id = writer.next_id("user_account")
        writer.add("user_account", {"id": user_id, "username": username, "phone": None, "display_name": username,
                                    "password_hash": password_hash, "role": role, "scope_unit_id": scope_id,
                                    "staff_id": staff_id, "active": True, "must_change_password": False,
                                    "created_at": datetime(2020, 1, 1)})
        county.users[username] = user_id


def _move_sequences(session) -> None:
    """On PostgreSQL, move each id sequence past the ids given here (the app inserts after us)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in ("unit", "staff", "student", "user_account", "responsibility"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {name}))"))


# ---- one day's health data -----------------------------------------------------------------

def _day(writer: Writer, county: County, rng: random.Random, day: date, today: bool) -> None:
    """Every class's checks and report of `day` (only the morning check today), the staff's, the schools' reports."""
    sessions = ("morning",) if today else ("morning", "noon")
    recorder = county.users["teacher"]  # who recorded it changes none of the measured queries
    for class_id, _school_id in county.classes:
        # Today a few classes have not checked yet, and a few more have not reported (never the bench teacher's).
        if today and class_id != county.class_id and rng.random() < MISSING_TODAY:
            continue
        counts = _class_checks(writer, rng, recorder, county.students[class_id], class_id, day, sessions)
        if not (today and rng.random() < UNREPORTED_TODAY):
            _report(writer, rng, recorder, class_id, day, counts)
    for school_id, staff_ids in county.staff.items():
        abnormal = sum(_check(writer, rng, recorder, day, "morning", school_id, {"staff_id": staff_id}, False)
                       for staff_id in staff_ids)
        _report(writer, rng, recorder, school_id, day, (len(staff_ids), 0, abnormal))


def _class_checks(writer: Writer, rng: random.Random, user_id: int, students: list[int], class_id: int,
                  day: date, sessions: tuple[str, ...]) -> tuple[int, int, int]:
    """A class's checks; (expected, absent, abnormal) as the teacher counts them for the report."""
    absent = {student_id for student_id in students if rng.random() < 0.03}
    abnormal = set()
    for session in sessions:
        for student_id in students:
            if _check(writer, rng, user_id, day, session, class_id, {"student_id": student_id}, student_id in absent):
                abnormal.add(student_id)
    return len(students), len(absent), len(abnormal)


def _findings(rng: random.Random, absent: bool) -> dict:
    """Mostly normal; about one in a hundred with a fever; absences mostly personal."""
    if absent:
        reason = rng.choice(("illness", "personal", "personal", "other"))
        return {"present": False, "absence_reason": reason, "symptoms": ["cough"] if reason == "illness" else [],
                "temperature": None}
    draw = rng.random()
    if draw < 0.01:
        return {"present": True, "absence_reason": None, "symptoms": ["fever"], "temperature": 37.8}
    return {"present": True, "absence_reason": None, "symptoms": ["cough"] if draw < 0.02 else [],
            "temperature": round(rng.uniform(36.0, 37.1), 1)}


def _envelope(writer: Writer, rng: random.Random, kind: str, user_id: int, data: dict, moment: datetime) -> dict:
    """The sync_record row of a record recorded at `moment` (aware, county time); its columns the typed row shares."""
    recorded_at = moment.astimezone(timezone.utc).replace(tzinfo=None)
    row = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": kind, "user_id": user_id,
           "device_id": "bench", "recorded_at": recorded_at, "recorded_offset_minutes": 480,
           "received_at": recorded_at + timedelta(minutes=rng.randint(1, 30)),
           "content_hash": content_hash(kind, moment, data), "data": data}
    writer.add("sync_record", row)
    return {"record_id": row["id"], "user_id": user_id, "device_id": "bench", "recorded_at": recorded_at,
            "received_at": row["received_at"], "effective_at": recorded_at}


def _check(writer: Writer, rng: random.Random, user_id: int, day: date, session: str, unit_id: int,
           person: dict, absent: bool) -> bool:
    """Write one check and its envelope; whether it is abnormal."""
    findings = _findings(rng, absent)
    data = {**person, "date": day.isoformat(), "session": session, **findings, "note": None}
    hour = 7 if session == "morning" else 12
    moment = datetime.combine(day, time(hour, rng.randint(20, 59)), tzinfo=county_zone())
    who = _envelope(writer, rng, "health_check" if "student_id" in person else "staff_check", user_id, data, moment)
    writer.add("health_check", {
        "student_id": None, "staff_id": None, **person, "unit_id": unit_id, "date": day, "session": session,
        "present": findings["present"], "absence_reason": findings["absence_reason"],
        "symptoms": findings["symptoms"], "temperature": findings["temperature"],
        "fever": "fever" in findings["symptoms"], "other_symptoms": "cough" in findings["symptoms"],
        "note": None, **who})
    return bool(findings["symptoms"])


def _report(writer: Writer, rng: random.Random, user_id: int, unit_id: int, day: date,
            counts: tuple[int, int, int]) -> None:
    expected, absent, abnormal = counts
    data = {"unit_id": unit_id, "date": day.isoformat(), "zero_report": abnormal == 0, "expected": expected,
            "checked": expected, "absent": absent, "abnormal": abnormal, "note": None}
    moment = datetime.combine(day, time(rng.choice((8, 9)), rng.randint(0, 59)), tzinfo=county_zone())
    who = _envelope(writer, rng, "daily_report", user_id, data, moment)
    writer.add("daily_report", {**data, "date": day, **who,
                                "late": who["recorded_at"] > cutoff_moment(day, Settings())})

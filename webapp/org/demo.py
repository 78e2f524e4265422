"""The demo county: a 镇平县-like county to try the app with, the same every time, one login per role.

`build_demo_county(session, rng)` writes it (flush, no commit) and returns a namespace of what it
made, which the other areas' demo seeders (`webapp.cli.DEMO_SEEDERS`) build on. Everything comes
from `rng` (random.Random(2020) in `flask seed-demo`), so two runs make the same county.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from .county import fill_rows
from . import operations
from .labels import role_label
from .models import Gender, Responsibility, Role, Staff, Student, Unit, UnitKind, User
from .settings import county_zone, local_today
from .validators import id_check_digit

LINKS_HELD_DAYS = 60  # longer than any window the screens show (trends: 30 days)
HISTORY_DAYS = 3  # the days of checks and reports the demo holds: today and the two before

DEMO_PASSWORD = "demo1234"
AREA_CODE = "411324"  # 河南省南阳市镇平县: the first six digits of the county's ID numbers
COUNTY = "镇平县"
# (township, its villages / communities): checkpoints will stand in these.
TOWNSHIPS = (("城关镇", ("东关社区", "西关社区")), ("石佛寺镇", ("石佛寺村", "贺庄村")),
             ("晁陂镇", ("晁陂村", "刘营村")), ("贾宋镇", ("贾宋社区", "毛庄村")))
SCHOOLS = (("中心小学", 6), ("第二小学", 6), ("初级中学", 3))  # (name after the township, grades)
NUMERALS = "一二三四五六七八九"
FIRST_SCHOOL = f"{TOWNSHIPS[0][0]}{SCHOOLS[0][0]}"
TEACHER_CLASS = "三(1)班"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str
    sees: str

    @property
    def title(self) -> str:
        return role_label(self.role)


# The one list of demo logins: printed by `flask demo-logins`, made by build_demo_county().
DEMO_LOGINS = (
    DemoLogin(Role.county_admin, "county", DEMO_PASSWORD,
              _l("The whole county (%(name)s)", name=COUNTY)),
    DemoLogin(Role.township_admin, "township", DEMO_PASSWORD,
              _l("One township and its schools and villages (%(name)s)", name=TOWNSHIPS[0][0])),
    DemoLogin(Role.school_admin, "school", DEMO_PASSWORD,
              _l("One school (%(name)s)", name=FIRST_SCHOOL)),
    DemoLogin(Role.homeroom_teacher, "teacher", DEMO_PASSWORD,
              _l("One class (%(name)s)", name=f"{FIRST_SCHOOL} {TEACHER_CLASS}")),
    DemoLogin(Role.teacher, "subject", DEMO_PASSWORD,
              _l("One school, as a teacher (%(name)s)", name=FIRST_SCHOOL)),
    DemoLogin(Role.volunteer, "volunteer", DEMO_PASSWORD,
              _l("One community and its duty roster (%(name)s)", name=TOWNSHIPS[0][1][0])),
)

# Common surnames first: rng.choices weighs them by rank.
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(SURNAMES))]
GIVEN = {Gender.male: "浩宇轩子博文俊杰明泽睿航一辰晨阳鹏飞志强伟磊亮健嘉豪天佑思远家乐铭振国建军卫东",
         Gender.female: "欣怡梓萱雨涵诗琪佳慧静雅婷妍可馨梦瑶紫晓彤若曦思语嫣雪梅丽娟秀芳玉兰红霞"}
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "176", "177", "181", "182", "183", "185", "186",
                   "187", "188", "189", "198", "199")
SUBJECTS = ("语文", "数学", "英语", "科学", "体育", "音乐", "美术")


class People:
    """Makes plausible people from the rng: names, mobiles, ID numbers (all unique where it matters)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.phones: set[str] = set()
        self.id_numbers: set[str] = set()

    def gender(self) -> Gender:
        return self.rng.choice((Gender.male, Gender.female))

    def name(self, gender: Gender, surname: str | None = None) -> str:
        surname = surname or self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        size = 2 if self.rng.random() < 0.7 else 1
        return surname + "".join(self.rng.choice(GIVEN[gender]) for _ in range(size))

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def id_number(self, born: date, gender: Gender) -> str:
        """A valid ID number of this county: area, birth date, sequence (odd for men), check character."""
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if gender is Gender.male else 0)
            first17 = f"{AREA_CODE}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def birth_date(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def adult(self, unit: Unit, position: str, party_share: float = 0.3, **kwargs) -> Staff:
        gender = self.gender()
        born = self.birth_date(date(1965, 1, 1), date(1998, 12, 31))
        return Staff(unit_id=unit.id, name=self.name(gender), position=position, phone=self.mobile(),
                     id_number=self.id_number(born, gender), party_member=self.rng.random() < party_share, **kwargs)


def school_year_start(today: date) -> int:
    """The calendar year in which the current school year began (it starts in September)."""
    return today.year if today.month >= 9 else today.year - 1


def grade_birth_range(grade: int, year: int) -> tuple[date, date]:
    # A first-year pupil turns six by 31 August of the year they start school.
    return date(year - 6 - grade, 9, 1), date(year - 5 - grade, 8, 31)


def build_demo_county(session, rng: random.Random, today: date | None = None) -> SimpleNamespace:
    """Write the demo county (flush, no commit) and return what it made, for the other areas' seeders.

    The namespace holds `county`, `townships`, `villages` (units), `schools` (namespaces: `unit`,
    `township`, `grades`, `classes`, `principal`, `vice`, `subject_teachers`), `classes` (namespaces:
    `unit`, `school`, `grade`, `number`, `class_no`, `homeroom`), `staff`, `volunteers`, `director`,
    `township_heads` (one per township, in order), `users` (by username), `year` (the school year's
    first calendar year) and `people` (makes more names, mobiles and ID numbers from the same rng).
    """
    demo = SimpleNamespace(rng=rng, people=People(rng), year=school_year_start(today or local_today()),
                           townships=[], villages=[], schools=[], classes=[], staff=[], volunteers=[],
                           links=[], users={})
    demo.county = operations.create_unit(UnitKind.county, COUNTY, None)
    for township_name, village_names in TOWNSHIPS:
        _build_township(demo, township_name, village_names)
    _leaders(demo)
    session.add_all(demo.staff)
    session.flush()
    _add_students(session, demo)
    for school in demo.schools:
        _school_links(session, demo, school)
    # The chains held before the demo's history began: the trace-back names who answered for each day
    # (links valid from the moment of seeding answered for nothing before it, today's cut-off included).
    since = datetime.combine((today or local_today()) - timedelta(days=LINKS_HELD_DAYS), time())
    session.execute(insert(Responsibility), [{"staff_id": staff.id, "valid_from": since,
                                              "county_id": demo.county.id, **target}
                                             for staff, target in demo.links])
    _made_before_history(session, demo.county, today or local_today())
    _add_logins(session, demo)
    session.flush()
    return demo


def _made_before_history(session, county: Unit, today: date) -> None:
    """The units stood from the first day of the demo's history: the trace-back and the trend of reports
    on time count a unit's reports from the day it was made, so units made at seeding would leave the
    reports of the days before it uncounted (not due)."""
    first = today - timedelta(days=HISTORY_DAYS - 1)
    made = datetime.combine(first, time(), tzinfo=county_zone()).astimezone(timezone.utc).replace(tzinfo=None)
    session.flush()
    session.execute(update(Unit).where(Unit.county_id == county.id).values(created_at=made),
                    execution_options={"synchronize_session": False})


def _build_township(demo: SimpleNamespace, name: str, village_names: tuple[str, ...]) -> None:
    township = operations.create_unit(UnitKind.township, name, demo.county)
    demo.townships.append(township)
    for village_name in village_names:
        village = operations.create_unit(UnitKind.village, village_name, township)
        demo.villages.append(village)
        for _ in range(3):
            volunteer = demo.people.adult(village, "党员志愿者", party_share=1, is_volunteer=True)
            demo.volunteers.append(_add_staff(demo, volunteer))
    for suffix, grade_count in SCHOOLS:
        unit = operations.create_unit(UnitKind.school, name + suffix, township)
        _build_school(demo, SimpleNamespace(unit=unit, township=township, grades=[], classes=[]), grade_count)


def _build_school(demo: SimpleNamespace, school: SimpleNamespace, grade_count: int) -> None:
    """Grades (七年级… in a middle school), 1–2 classes each, a homeroom teacher per class, leaders, teachers."""
    first = 1 if grade_count == 6 else 7
    for number in range(first, first + grade_count):
        grade = operations.create_unit(UnitKind.grade, f"{NUMERALS[number - 1]}年级", school.unit)
        school.grades.append(grade)
        for class_no in range(1, demo.rng.choice((1, 2, 2)) + 1):
            unit = operations.create_unit(UnitKind.klass, f"{NUMERALS[number - 1]}({class_no})班", grade)
            homeroom = _add_staff(demo, demo.people.adult(school.unit, "班主任"), unit)
            school.classes.append(SimpleNamespace(unit=unit, school=school, grade=grade, number=number,
                                                  class_no=class_no, homeroom=homeroom))
    people = demo.people
    # The principal answers for the school (its own daily report: whom the leaders call first), the
    # township's central school above it.
    school.principal = _add_staff(demo, people.adult(school.unit, "校长", party_share=0.9), school.unit)
    school.vice = _add_staff(demo, people.adult(school.unit, "副校长", party_share=0.6))
    subjects = demo.rng.sample(SUBJECTS, demo.rng.randint(3, 5))
    school.subject_teachers = [_add_staff(demo, people.adult(school.unit, f"{s}教师")) for s in subjects]
    demo.schools.append(school)
    demo.classes.extend(school.classes)


def _add_staff(demo: SimpleNamespace, staff: Staff, responsible_for: Unit | None = None) -> Staff:
    demo.staff.append(staff)
    if responsible_for is not None:
        demo.links.append((staff, {"unit_id": responsible_for.id}))
    return staff


def _leaders(demo: SimpleNamespace) -> None:
    """六级分包 at the top: the director answers for the county, deputies for two townships each,
    a bureau manager and the township's central school for each township, the central school for its schools."""
    people, county = demo.people, demo.county
    demo.director = _add_staff(demo, people.adult(county, "局长", party_share=1), county)
    deputies = [_add_staff(demo, people.adult(county, "副局长", party_share=1)) for _ in range(2)]
    demo.township_heads = []
    for index, township in enumerate(demo.townships):
        demo.links.append((deputies[index // 2], {"unit_id": township.id}))
        _add_staff(demo, people.adult(county, "股长", party_share=0.7), township)
        head = _add_staff(demo, people.adult(township, "中心校校长", party_share=0.9), township)
        demo.township_heads.append(head)
        for school in (s for s in demo.schools if s.township is township):
            demo.links.append((head, {"unit_id": school.unit.id}))


def _add_students(session, demo: SimpleNamespace) -> None:
    """About 3,000 students, inserted a thousand at a time."""
    rows = [row for index, school in enumerate(demo.schools, start=1)
            for klass in school.classes for row in _class_students(demo, index, klass)]
    for start in range(0, len(rows), 1000):
        session.execute(insert(Student), fill_rows(Student.__table__, rows[start:start + 1000], demo.county.id))
    demo.student_count = len(rows)


def _class_students(demo: SimpleNamespace, school_index: int, klass: SimpleNamespace) -> list[dict]:
    """26–36 students born in the year that fits the grade, from the villages of the school's township."""
    people, rng = demo.people, demo.rng
    first, last = grade_birth_range(klass.number, demo.year)
    villages = [v.name for v in demo.villages if v.parent_id == klass.school.township.id]
    entry_year = demo.year - (klass.number - 1 if klass.number <= 6 else klass.number - 7)
    rows = []
    for seq in range(1, rng.randint(26, 36) + 1):
        gender, born = people.gender(), people.birth_date(first, last)
        name = people.name(gender)
        guardian_gender = Gender.male if rng.random() < 0.6 else Gender.female
        # A father shares the child's surname; a mother usually does not.
        guardian = people.name(guardian_gender, name[0] if guardian_gender is Gender.male else None)
        rows.append({"class_id": klass.unit.id, "name": name, "gender": gender, "birth_date": born,
                     "student_no": f"{entry_year}{school_index:02d}{klass.class_no}{seq:02d}",
                     "id_number": people.id_number(born, gender), "guardian_name": guardian,
                     "guardian_phone": people.mobile(), "home_village": rng.choice(villages)})
    return rows


def _school_links(session, demo: SimpleNamespace, school: SimpleNamespace) -> None:
    """Leaders → grades, subject teachers → five students each, three colleagues → one teacher (三包一)."""
    for index, grade in enumerate(school.grades):
        demo.links.append(((school.principal, school.vice)[index % 2], {"unit_id": grade.id}))
    class_ids = [klass.unit.id for klass in school.classes]
    students = list(session.scalars(select(Student.id).where(Student.class_id.in_(class_ids)).order_by(Student.id)))
    for teacher in school.subject_teachers:
        demo.links.extend((teacher, {"student_id": student_id}) for student_id in demo.rng.sample(students, 5))
    looked_after = school.classes[0].homeroom
    for colleague in (school.vice, *school.subject_teachers[:2]):
        demo.links.append((colleague, {"colleague_id": looked_after.id}))


def _add_logins(session, demo: SimpleNamespace) -> None:
    """One account per demo login; the password is hashed once for all of them."""
    password_hash = generate_password_hash(DEMO_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
    school = next(s for s in demo.schools if s.unit.name == FIRST_SCHOOL)
    klass = next(c for c in school.classes if c.unit.name == TEACHER_CLASS)
    village = demo.villages[0]
    volunteer = next(s for s in demo.volunteers if s.unit_id == village.id)
    scopes = {"county": (demo.county, demo.director), "township": (demo.townships[0], demo.township_heads[0]),
              "school": (school.unit, school.principal), "teacher": (klass.unit, klass.homeroom),
              "subject": (school.unit, school.subject_teachers[0]), "volunteer": (village, volunteer)}
    for login in DEMO_LOGINS:
        scope, staff = scopes[login.username]
        user = User(username=login.username, display_name=staff.name, password_hash=password_hash,
                    role=login.role, scope_unit_id=scope.id, staff_id=staff.id, must_change_password=False)
        session.add(user)
        demo.users[login.username] = user

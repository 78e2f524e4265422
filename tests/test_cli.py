"""`flask seed-demo` and `flask demo-logins`: the demo county, the same every time, and its logins."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from webapp import cli
from webapp.extensions import db
from webapp.org import demo
from webapp.org.demo import DEMO_LOGINS, DEMO_PASSWORD
from webapp.org.importer.rows import id_birth_date, id_gender
from webapp.org.models import Responsibility, Role, Staff, Student, Unit, UnitKind, User
from webapp.org.validators import valid_id_number, valid_mobile

MODELS = (Unit, Student, Staff, Responsibility, User)


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in MODELS)


def first_student() -> tuple:
    s = db.session.scalars(select(Student).order_by(Student.student_no)).first()
    return s.student_no, s.name, s.gender, s.birth_date, s.id_number, s.guardian_name, s.guardian_phone, s.klass.name


def seed(runner, *args):
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


@pytest.fixture
def seeded(app, runner, monkeypatch):
    """The demo county's hierarchy, people and logins; the other areas' seeders are tested on their own."""
    monkeypatch.setattr(cli, "DEMO_SEEDERS", [])
    seed(runner)
    return app


def every_table_count() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_seed_demo_with_every_area_then_if_empty_changes_nothing(app, runner):
    seed(runner)
    before = every_table_count()
    assert before["student"] and before["user_account"] >= len(DEMO_LOGINS)
    seed(runner, "--if-empty")
    assert every_table_count() == before


def test_the_demo_reports_and_tallies_agree_with_its_checks(app, runner):
    """Every area's demo together: a class's current report counts the abnormal people its checks hold
    (no zero report beside a sick child), and the leaders' tallies are what a rebuild computes."""
    from webapp.health import tallies
    from webapp.health.models import AbsenceReason, DailyReport, DayTally, HealthCheck
    from webapp.quality import operations as quality
    seed(runner)
    current = {}
    for report in db.session.scalars(select(DailyReport).order_by(DailyReport.effective_at)):
        current[(report.unit_id, report.date)] = report  # the latest counts
    abnormal: dict[tuple, set] = {}
    for check in db.session.scalars(select(HealthCheck).where(HealthCheck.student_id.is_not(None))):
        if check.fever or check.other_symptoms or check.absence_reason is AbsenceReason.illness:
            abnormal.setdefault((check.unit_id, check.date), set()).add(check.student_id)
    classes = {unit_id for (unit_id, _) in abnormal} & {u.id for u in db.session.scalars(
        select(Unit).where(Unit.kind == UnitKind.klass))}
    for key, report in current.items():
        if key[0] in classes or report.unit.kind is UnitKind.klass:
            assert report.abnormal == len(abnormal.get(key, ())), (report.unit.name, key)
            assert not (report.zero_report and abnormal.get(key)), (report.unit.name, key)
    stored = sorted(tuple(getattr(t, c.name) for c in DayTally.__table__.columns if c.name != "id")
                    for t in db.session.scalars(select(DayTally)))
    tallies.rebuild()
    rebuilt = sorted(tuple(getattr(t, c.name) for c in DayTally.__table__.columns if c.name != "id")
                     for t in db.session.scalars(select(DayTally)))
    assert stored == rebuilt
    county = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.county))
    from webapp.org.settings import local_today
    found = quality.flags(county, local_today())
    assert {f.subject_kind for f in found} == {"class"}  # the demo's one rounded class, no recorder flag


def test_seed_demo_builds_the_county(seeded):
    units = {kind: db.session.scalar(select(func.count()).select_from(Unit).where(Unit.kind == kind))
             for kind in UnitKind}
    assert (units[UnitKind.county], units[UnitKind.township], units[UnitKind.school], units[UnitKind.village]) == \
        (1, 4, 12, 8)
    assert units[UnitKind.grade] == 4 * (6 + 6 + 3)
    assert 2500 <= counts()[1] <= 3500
    classes = db.session.scalars(select(Unit.name).where(Unit.kind == UnitKind.klass)).all()
    assert "三(2)班" in classes or "三(1)班" in classes
    volunteers = db.session.scalars(select(Staff).where(Staff.is_volunteer.is_(True))).all()
    assert len(volunteers) == 8 * 3 and all(v.party_member for v in volunteers)


def test_the_demo_people_are_plausible(seeded):
    today = date.today()
    for s in db.session.scalars(select(Student)):
        assert valid_id_number(s.id_number) and s.id_number.startswith(demo.AREA_CODE)
        assert id_birth_date(s.id_number) == s.birth_date and id_gender(s.id_number) is s.gender
        assert valid_mobile(s.guardian_phone) and 5 <= (today - s.birth_date).days // 365 <= 16
    assert all(valid_mobile(phone) for phone in db.session.scalars(select(Staff.phone)))


def test_the_responsibility_chains_are_there(seeded):
    teacher = db.session.scalar(select(User).where(User.username == "teacher"))
    links = db.session.scalars(select(Responsibility)).all()
    assert any(link.staff_id == teacher.staff_id and link.unit_id == teacher.scope_unit_id for link in links)
    assert sum(1 for link in links if link.student_id) >= 12 * 3 * 5
    looked_after: dict[int, int] = {}
    for link in links:
        if link.colleague_id:
            looked_after[link.colleague_id] = looked_after.get(link.colleague_id, 0) + 1
    assert len(looked_after) == 12 and set(looked_after.values()) == {3}  # 三包一
    # A school's own report: its principal answers for it first (whom the command view has the leaders call).
    from webapp.dashboard.today import contacts
    school = db.session.scalar(select(Unit).where(Unit.name == demo.FIRST_SCHOOL))
    principal = db.session.scalar(select(Staff).where(Staff.unit_id == school.id, Staff.position == "校长"))
    assert contacts([school.id])[school.id].name == principal.name


def test_seed_demo_is_deterministic(seeded, runner):
    first = counts(), first_student()
    db.session.remove()
    db.drop_all()
    db.create_all()
    seed(runner)
    assert (counts(), first_student()) == first


def test_if_empty_does_nothing_on_a_seeded_database(seeded, runner):
    before = counts()
    assert seed(runner, "--if-empty").output.strip()
    assert counts() == before


def test_seed_demo_refuses_a_database_with_data(seeded, runner):
    before = counts()
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    assert counts() == before


def test_the_demo_logins_can_log_in(seeded, client, auth):
    school = db.session.scalar(select(User).where(User.username == "school"))
    for login in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.username == login.username))
        assert user.role is login.role and not user.must_change_password and user.staff_id
        assert auth.login(login.username, DEMO_PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
        auth.logout()
    teacher = db.session.scalar(select(User).where(User.username == "teacher"))
    assert teacher.scope.kind is UnitKind.klass and school.scope.contains(teacher.scope)
    assert {login.role for login in DEMO_LOGINS} == set(Role)


def test_demo_logins_prints_the_address_and_the_table(seeded, runner):
    output = runner.invoke(args=["demo-logins", "--address", "http://10.0.0.5:8000/"]).output
    assert "http://10.0.0.5:8000/" in output
    for login in DEMO_LOGINS:
        assert login.username in output
    assert output.count(DEMO_PASSWORD) == len(DEMO_LOGINS)


def test_demo_logins_shows_no_password_that_does_not_work(app, runner, county):
    output = runner.invoke(args=["demo-logins"]).output
    assert DEMO_PASSWORD not in output
    county.users.county.set_password(DEMO_PASSWORD)
    db.session.commit()
    assert runner.invoke(args=["demo-logins"]).output.count(DEMO_PASSWORD) == 1


def test_other_areas_add_their_demo_data_through_the_hook(app, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "DEMO_SEEDERS", [lambda session, county, rng: calls.append((county, rng.random()))])
    seed(runner)
    (county, number), = calls
    assert county.county.name == demo.COUNTY and len(county.schools) == 12 and 0 <= number < 1
    assert county.users["teacher"].scope_unit_id in {klass.unit.id for klass in county.classes}


def test_the_trace_back_names_who_answered_for_todays_missed_reports(seeded):
    """The demo's chains held before its history: today's missed reports each name their holders, as the
    start page does (links valid only from the moment of seeding answered for nothing at today's cut-off)."""
    from datetime import timedelta

    from webapp.accountability.operations import TraceBack
    from webapp.org.settings import cutoff_moment, local_today, settings_for

    county = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.county))
    today = local_today()
    after_cutoff = cutoff_moment(today, settings_for(county.id)) + timedelta(hours=1)
    lapses = TraceBack(county, today, today, now=after_cutoff).lapses()
    assert lapses and all(lapse.chain for lapse in lapses)
    teacher = db.session.scalar(select(User).where(User.username == "teacher"))
    mine = next(lapse for lapse in lapses if lapse.unit_id == teacher.scope_unit_id)
    assert teacher.staff.name in [holder.name for holder in mine.chain]

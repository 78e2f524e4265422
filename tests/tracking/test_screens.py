"""The office screens of tracking: counts first, scope, the person card's forms, risk areas, ledgers."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.settings import local_today
from webapp.tracking.models import IsolationChange, RiskArea, Screening

from tests.health.helpers import push_one

from .helpers import now_local


def _today_isolation(county, student, reason="密接"):
    """An isolation of `student` starting today, pushed by the class's teacher's phone."""
    data = {"student_id": student.id, "staff_id": None, "started_on": local_today().isoformat(), "reason": reason,
            "last_exposure_on": local_today().isoformat()}
    result = push_one(county.users.homeroom_a1, "isolation_start", data, now_local())
    assert result["status"] == "accepted", result
    return result["id"]


def test_the_township_sees_isolation_and_whom_to_call(county, as_user):
    student = county.students_a1_1[0]
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    db.session.commit()
    _today_isolation(county, student)
    client = as_user("township_a")
    page = client.get("/tracking/isolation").get_data(as_text=True)
    assert student.name in page and "13900000001" in page and "王老师" in page
    tracked = client.get("/tracking/").get_data(as_text=True)
    assert student.name in tracked
    other = as_user("school_b1").get("/tracking/isolation").get_data(as_text=True)
    assert student.name not in other


def test_the_county_sees_counts_not_names(county, as_user):
    student = county.students_a1_1[0]
    _today_isolation(county, student)
    client = as_user("county")
    page = client.get("/tracking/").get_data(as_text=True)
    assert student.name not in page and 'id="tracked-counts"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'id="tracking-summary"' in home
    named = client.get(f"/tracking/?unit={county.township_a.id}").get_data(as_text=True)
    assert student.name in named


def test_the_person_card_records_through_the_engine_and_names_a_bad_field(county, as_user):
    student = county.students_a1_1[0]
    client = as_user("homeroom_a1")
    url = f"/tracking/person/student/{student.id}"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"kind": "screening", "date": local_today().isoformat(), "subject": "self",
                                 "health": "normal", "trip_place": "武汉", "trip_from": "2026-01-05",
                                 "trip_to": "2026-01-01"})
    assert bad.status_code == 400 and "第 1 段行程" in bad.get_data(as_text=True)
    assert db.session.query(Screening).count() == 0
    good = client.post(url, data={"kind": "screening", "date": local_today().isoformat(), "subject": "self",
                                  "health": "normal", "verification": ["phone"]})
    assert good.status_code == 302 and db.session.query(Screening).count() == 1
    assert as_user("homeroom_b1").get(url).status_code == 404


def test_release_from_the_card_needs_the_reason(county, as_user):
    student = county.students_a1_1[0]
    client = as_user("homeroom_a1")
    url = f"/tracking/person/student/{student.id}"
    client.post(url, data={"kind": "isolation_start", "started_on": local_today().isoformat(), "reason": "密接",
                           "last_exposure_on": local_today().isoformat()})
    isolation_id = db.session.scalars(db.select(__import__("webapp.tracking.models", fromlist=["Isolation"])
                                                .Isolation.record_id)).one()
    early = client.post(url, data={"kind": "isolation_change", "isolation_id": isolation_id, "change": "release",
                                   "on": local_today().isoformat()})
    assert early.status_code == 400 and db.session.query(IsolationChange).count() == 0
    done = client.post(url, data={"kind": "isolation_change", "isolation_id": isolation_id, "change": "release",
                                  "on": local_today().isoformat(), "reason": "核酸阴性"})
    assert done.status_code == 302 and db.session.query(IsolationChange).count() == 1


def test_support_followups_are_for_the_responsible_and_the_school_leaders(county, as_user):
    student = county.students_a1_1[0]
    org.assign_responsibility(county.teacher_a1_1, county.class_a1_1)
    db.session.commit()
    url = f"/tracking/person/student/{student.id}"
    saved = as_user("homeroom_a1").post(url, data={"kind": "support_followup", "date": local_today().isoformat(),
                                                   "mood": "anxious", "note": "怕考试"})
    assert saved.status_code == 302
    assert "怕考试" in as_user("school_a1").get(url).get_data(as_text=True)
    township = as_user("township_a").get(url).get_data(as_text=True)
    assert "怕考试" not in township
    assert as_user("township_a").post(url, data={"kind": "support_followup", "date": local_today().isoformat(),
                                                 "mood": "low"}).status_code == 400


def test_risk_areas_are_kept_by_the_county(county, as_user):
    form = {"place": "藁城", "level": "high", "starts_on": "2026-01-01", "ends_on": ""}
    assert as_user("township_a").post("/tracking/risk-areas", data=form).status_code == 403
    client = as_user("county")
    assert client.post("/tracking/risk-areas", data=form).status_code == 302
    assert db.session.query(RiskArea).one().place == "藁城"
    bad = client.post("/tracking/risk-areas", data={**form, "ends_on": "2025-12-01"})
    assert bad.status_code == 400 and db.session.query(RiskArea).count() == 1
    assert client.post("/tracking/risk-areas", data={"action": "period", "isolation_days": "99"}).status_code == 400
    assert client.post("/tracking/risk-areas", data={"action": "period", "isolation_days": "7"}).status_code == 302
    assert as_user("homeroom_a1").get("/tracking/risk-areas").status_code == 403


def test_the_ledgers_are_spreadsheets_of_the_scope(county, as_user):
    student = county.students_a1_1[0]
    _today_isolation(county, student, reason="=HYPERLINK(1)")
    response = as_user("school_a1").get("/tracking/isolation.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert student.name in values and "=HYPERLINK(1)" in values
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"
    response = as_user("school_b1").get("/tracking/isolation.xlsx")
    values = [c.value for row in load_workbook(BytesIO(response.data)).active.iter_rows() for c in row]
    assert student.name not in values
    assert as_user("school_a1").get("/tracking/tracked.xlsx").status_code == 200


def test_looking_at_a_persons_tracking_data_is_audited(county, as_user):
    from webapp.audit.models import AuditEntry
    student = county.students_a1_1[0]
    as_user("school_a1").get(f"/tracking/person/student/{student.id}")
    entries = db.session.query(AuditEntry).filter_by(subject_kind="student", subject_id=str(student.id)).all()
    assert [e.action for e in entries] == ["view_screening"] and entries[0].username == "school_a1"
    as_user("school_a1").get("/tracking/isolation.xlsx")
    assert db.session.query(AuditEntry).filter_by(action="export", username="school_a1").count() == 1


def test_the_card_says_who_did_what_when(county, as_user):
    student = county.students_a1_1[0]
    _today_isolation(county, student)
    page = as_user("school_a1").get(f"/tracking/person/student/{student.id}").get_data(as_text=True)
    assert "homeroom_a1" in page  # the display name of the account that started it

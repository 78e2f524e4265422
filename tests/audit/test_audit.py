"""The audit log: every look at a person's health data, every export, reset and change is recorded,
an admin reads it within their area, and nobody can change or remove an entry."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from webapp.audit import operations
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.org.models import utcnow


def _entries(**where):
    return db.session.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)).all()


def test_who_looked_at_this_childs_record(county, client, auth):
    child = county.students_a1_1[0]
    auth.login("homeroom_a1")
    assert client.get(f"/reports/person/{child.id}", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200
    assert client.get(f"/reports/{county.class_a1_1.id}").status_code == 200  # the class's report lists the child
    auth.logout()

    [entry] = _entries(action="view_health", subject_kind="student")
    assert (entry.username, entry.role, entry.subject_id, entry.unit_id, entry.address) == \
        ("homeroom_a1", "homeroom_teacher", str(child.id), county.class_a1_1.id, "10.0.0.7")
    assert utcnow() - entry.at < timedelta(minutes=1)

    auth.login("school_a1")
    assert client.get(f"/reports/{county.school_a1.id}").status_code == 200  # the school's report: a list above
    page = client.get(f"/audit?student={child.id}").get_data(as_text=True)
    assert "homeroom_a1" in page and "10.0.0.7" in page and child.name in page
    assert page.count("<tr>") == 1 + 3  # the header, the child's history, the class's and the school's report
    other_child = county.students_a1_2[0]
    other_page = client.get(f"/audit?student={other_child.id}").get_data(as_text=True)
    assert "homeroom_a1" not in other_page and other_page.count("<tr>") == 1 + 1  # only the school's report
    auth.logout()

    auth.login("school_b1")  # another school's admin: the child does not exist for them
    assert client.get(f"/audit?student={child.id}").status_code == 404
    assert "homeroom_a1" not in client.get("/audit").get_data(as_text=True)


def test_who_exported_the_countys_ledger(county, client, auth):
    from webapp.jobs import operations as jobs

    auth.login("county")  # a county's ledger is made in the background, then downloaded (each download counts)
    job = client.post("/reports/ledger/job", data={"unit_id": county.county.id, "date": "2026-03-02",
                                                   "format": "xlsx"}).location
    jobs.run_pending()
    assert client.get(job + "/download").status_code == 200
    auth.logout()
    [entry] = _entries(action="export")
    assert entry.username == "county" and entry.unit_id == county.county.id and entry.detail.endswith(".xlsx")
    assert entry.subject_kind == "export_job"

    auth.login("county")
    page = client.get("/audit?action=export").get_data(as_text=True)
    assert "county" in page and entry.detail in page
    auth.logout()
    auth.login("school_a1")  # the county's file is not about a school's area; the school's own is recorded at once
    assert entry.detail not in client.get("/audit?action=export").get_data(as_text=True)
    assert client.get("/reports/ledger.csv").status_code == 200
    assert _entries(action="export")[-1].unit_id == county.school_a1.id


def test_a_password_reset_a_role_change_and_an_edit_are_recorded(county, client, auth):
    auth.login("school_a1")
    teacher = county.users.teacher_a1
    assert client.post(f"/accounts/{teacher.id}/password").status_code == 200
    child = county.students_a1_1[1]
    form = {"name": child.name + "改", "student_no": child.student_no, "class_id": child.class_id,
            "gender": child.gender.value, "active": "y"}
    assert client.post(f"/people/{child.id}/edit", data=form).status_code == 302
    assert [(e.action, e.subject_kind, e.subject_id) for e in _entries(username="school_a1")] == \
        [("password_reset", "user_account", str(teacher.id)), ("person_edit", "student", str(child.id))]
    assert "school_a1" in client.get(f"/audit?account={teacher.id}").get_data(as_text=True)


def test_only_admins_read_the_log(county, as_user):
    client = as_user("homeroom_a1")
    assert client.get("/audit").status_code == 403


def test_an_entry_is_never_changed_and_kept_at_least_three_years(county, client, auth):
    auth.login("homeroom_a1")
    client.get(f"/reports/person/{county.students_a1_1[0].id}")
    entry_id = _entries(action="view_health")[0].id
    for statement in ("UPDATE audit_entry SET username = 'nobody'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError):
            with db.session.begin_nested():
                db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.get(AuditEntry, entry_id).username == "homeroom_a1"

    old = AuditEntry(at=utcnow() - timedelta(days=4 * 365), action="export", username="x", role="-", detail="")
    db.session.add(old)
    db.session.commit()
    assert operations.purge() == 1  # only what is past the keep time
    db.session.commit()
    assert [e.id for e in _entries()] == [entry_id]


def test_the_keep_time_setting_never_goes_below_three_years(app):
    app.config["AUDIT_KEEP_DAYS"] = 30
    assert operations.keep_days() == 3 * 365 + 1
    app.config["AUDIT_KEEP_DAYS"] = 3650
    assert operations.keep_days() == 3650


def test_an_unknown_action_is_a_programming_error(app):
    with pytest.raises(ValueError, match="ACTIONS"):
        operations.record("looked_around")

"""County exports as background jobs: started from the page, followed, downloaded; safe across workers."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.health.helpers import DAY, check, push, record, staff_check
from webapp.extensions import db
from webapp.jobs import operations as jobs
from webapp.jobs.models import ExportChunk, ExportJob, JobStatus
from webapp.org.models import utcnow
from webapp.spreadsheets import HEADER_ROW


@pytest.fixture
def checked_day(county):
    """School A1's morning: six students and one staff member checked, one note a spreadsheet would run."""
    a11, a12 = county.students_a1_1, county.students_a1_2
    push(county.users.homeroom_a1, record("health_check", check(a11[0], temperature=38.4, note="=HYPERLINK(1)")),
         *[record("health_check", check(s, temperature=36.5)) for s in a11[1:]])
    push(county.users.school_a1, record("health_check", check(a12[0], present=False, absence_reason="illness")),
         record("staff_check", staff_check(county.teacher_a1_1, temperature=36.7)))
    return county


def _start(client, unit_id: int, fmt: str = "xlsx") -> str:
    response = client.post("/reports/ledger/job", data={"unit_id": unit_id, "date": DAY.isoformat(), "format": fmt})
    assert response.status_code == 302, response.status_code
    assert re.fullmatch(r"/jobs/\d+", response.location), response.location
    return response.location


def _rows(response) -> list[tuple]:
    """The header and the data rows of a ledger sheet (below its title and unit, above the signature)."""
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))[HEADER_ROW - 1:]
    return rows[:next(i for i, row in enumerate(rows) if not any(row))]


def test_the_county_ledger_is_prepared_in_the_background_then_downloaded(checked_day, as_user):
    client = as_user("county")
    page = client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True)
    assert "/reports/ledger/job" in page and "/reports/ledger.xlsx" not in page
    # The old link of a county ledger does not block a request for minutes: it leads to the button.
    assert "/reports/completeness" in client.get(f"/reports/ledger.xlsx?date={DAY}").location
    job_page = _start(client, checked_day.county.id)
    assert "等待" in client.get(job_page).get_data(as_text=True)  # waiting to start
    assert client.get(job_page + "/status").json["status"] == "queued"
    assert client.get(job_page + "/download").status_code == 404  # not ready yet

    assert len(jobs.run_pending()) == 1
    status = client.get(job_page + "/status").json
    assert (status["status"], status["percent"], status["rows_done"]) == ("done", 100, 30)
    download = client.get(status["download"])
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in download.headers["Content-Disposition"]
    county_rows = _rows(download)
    # Everyone on the county's roll, once a session (15 people), and the school's own ledger, made at
    # once in the request, within it row for row.
    school_rows = _rows(as_user("school_a1").get(f"/reports/ledger.xlsx?date={DAY}"))
    assert len(county_rows) == 1 + 30 and county_rows[0] == school_rows[0]
    assert set(school_rows[1:]) <= set(county_rows[1:]) and len(school_rows) > 1 + 7
    assert checked_day.county.name in load_workbook(BytesIO(download.data)).active["A2"].value


def test_the_csv_ledger_opens_in_excel_and_never_runs_a_formula(checked_day, as_user):
    client = as_user("township_a")
    job_page = _start(client, checked_day.township_a.id, "csv")
    jobs.run_pending()
    download = client.get(client.get(job_page + "/status").json["download"])
    assert download.mimetype == "text/csv" and download.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))[HEADER_ROW - 1:]
    assert rows[0][0] == "日期" and len(rows) == 1 + 22 + 2  # header, the township's roll twice, signature
    assert "'=HYPERLINK(1)" in [row[12] for row in rows if len(row) > 12]  # the note column


def test_asking_twice_follows_the_same_job(checked_day, as_user):
    client = as_user("county")
    assert _start(client, checked_day.county.id) == _start(client, checked_day.county.id)
    assert _start(client, checked_day.county.id, "csv") != _start(client, checked_day.county.id)


def test_a_job_is_only_its_owners(checked_day, as_user):
    job_page = _start(as_user("county"), checked_day.county.id)
    jobs.run_pending()
    other = as_user("township_a")
    for path in (job_page, job_page + "/status", job_page + "/download"):
        assert other.get(path).status_code == 404
    assert job_page not in other.get("/jobs").get_data(as_text=True)


def test_a_job_outside_the_users_area_is_refused(checked_day, as_user):
    client = as_user("township_a")
    response = client.post("/reports/ledger/job", data={"unit_id": checked_day.county.id,
                                                       "date": DAY.isoformat(), "format": "xlsx"})
    assert response.status_code == 404
    assert db.session.query(ExportJob).count() == 0


def test_a_job_whose_worker_died_is_run_again_by_another(checked_day, as_user):
    job_page = _start(as_user("county"), checked_day.county.id)
    job_id = int(job_page.rsplit("/", 1)[1])
    assert jobs.claim("server-1:worker-that-dies") == job_id
    assert jobs.claim("server-2:worker") is None  # running, its heartbeat fresh: nobody else takes it
    job = db.session.get(ExportJob, job_id)
    job.heartbeat_at = utcnow() - jobs.STALE_AFTER - timedelta(seconds=1)  # its worker was restarted
    db.session.commit()
    assert jobs.run_pending("server-2:worker") == [job_id]
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert (job.status, job.worker, job.attempts, job.rows_done) == (JobStatus.done, "server-2:worker", 2, 30)


def test_a_worker_that_lost_its_job_writes_nothing(checked_day, as_user):
    job_page = _start(as_user("county"), checked_day.county.id)
    job_id = int(job_page.rsplit("/", 1)[1])
    assert jobs.claim("old") == job_id
    db.session.get(ExportJob, job_id).worker = "new"  # taken over while the old one still ran
    db.session.commit()
    with pytest.raises(jobs.Lost):
        jobs.Progress(job_id, "old").total(10)


def test_a_job_that_fails_says_so_and_the_worker_goes_on(checked_day, as_user, monkeypatch):
    client = as_user("county")
    failing = _start(client, checked_day.county.id)
    working = _start(client, checked_day.county.id, "csv")

    def broken(params, progress, path):
        raise RuntimeError("disk full")
    monkeypatch.setitem(jobs.KINDS, "health_ledger", jobs.JobKind("health_ledger", broken))
    jobs.run_one("w")
    monkeypatch.undo()
    jobs.run_one("w")
    assert client.get(failing + "/status").json["status"] == "failed"
    assert "导出未能生成" in client.get(failing).get_data(as_text=True)
    assert client.get(working + "/status").json["status"] == "done"


def test_a_large_file_is_kept_in_pieces(checked_day, as_user, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 1000)
    client = as_user("county")
    job_page = _start(client, checked_day.county.id)
    jobs.run_pending()
    job_id = int(job_page.rsplit("/", 1)[1])
    pieces = db.session.query(ExportChunk).filter_by(job_id=job_id).count()
    download = client.get(job_page + "/download")
    assert pieces > 3 and len(download.data) == db.session.get(ExportJob, job_id).size
    assert len(_rows(download)) == 1 + 30


def test_old_jobs_and_their_files_are_deleted(checked_day, as_user):
    client = as_user("county")
    old = _start(client, checked_day.county.id)
    jobs.run_pending()
    job = db.session.get(ExportJob, int(old.rsplit("/", 1)[1]))
    job.finished_at = utcnow() - jobs.KEEP_FOR - timedelta(minutes=1)
    db.session.commit()
    _start(client, checked_day.county.id, "csv")
    assert db.session.query(ExportChunk).count() == 0
    assert [j.params["format"] for j in db.session.query(ExportJob)] == ["csv"]


def test_flask_jobs_run_once_runs_what_is_waiting(checked_day, as_user, runner):
    job_page = _start(as_user("county"), checked_day.county.id)
    result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0 and "1" in result.output
    assert as_user("county").get(job_page + "/status").json["status"] == "done"


"""The trace-back as files: opened back with openpyxl and checked cell by cell; CSV with a BOM; audited; jobs for large areas."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from tests.accountability.test_traceback import AFTER_MARCH, march  # noqa: F401  (the fixture)
from tests.health.helpers import at, push, record, report
from tests.sheets import data_rows, formula_cells, header, workbook
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.jobs.models import ExportJob


def _file(user, unit, day, hour=8, **data):
    push(user, record("daily_report", report(unit, day, **data), at(hour, 0, day)))


def test_the_daily_report_summary_as_xlsx_cell_by_cell(march, county, as_user):
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 2), note=None)
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 3), hour=11)
    client = as_user("school_a1")
    response = client.get(f"/traceback/reports.xlsx?unit_id={county.class_a1_1.id}&start=2026-03-02&end=2026-03-04")
    assert response.status_code == 200
    data = response.data
    sheet = workbook(data).active
    assert sheet["A1"].value == "日报告汇总"
    assert "一(1)班" in sheet["A2"].value and "2026-03-02 – 2026-03-04" in sheet["A2"].value
    assert header(data)[:5] == ("日期", "乡镇", "学校", "班级", "状态")
    rows = data_rows(data)
    assert [(r[0], r[4]) for r in rows] == [(datetime(2026, 3, 4), "漏报"), (datetime(2026, 3, 3), "迟报"),
                                            (datetime(2026, 3, 2), "按时")]
    on_time = rows[2]
    assert on_time[1:4] == ("东镇", "东镇一小", "一(1)班") and on_time[5] == "否" and on_time[6:10] == (5, 5, 0, 0)
    assert on_time[10] == "homeroom_a1" and on_time[11] == datetime(2026, 3, 2, 8, 0)
    assert rows[0][12] == "一(1)班：王老师 13900000001；东镇一小：张老师 13900000003"
    assert sheet.auto_filter.ref is not None and formula_cells(data) == []
    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "export")).endswith(".xlsx")


def test_the_summary_as_csv_opens_in_excel_on_chinese_windows_and_never_runs_a_formula(march, county, as_user):
    db.session.execute(update(type(county.users.homeroom_a1)).where(type(county.users.homeroom_a1).id == county.users.homeroom_a1.id)
                       .values(display_name="=HYPERLINK(\"x\")"))
    db.session.commit()
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 2))
    response = as_user("school_a1").get(
        f"/traceback/reports.csv?unit_id={county.class_a1_1.id}&start=2026-03-02&end=2026-03-02")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    filed = next(r for r in rows if r and r[0] == "2026-03-02")
    assert filed[10] == "'=HYPERLINK(\"x\")"


def test_the_monthly_table_as_a_file_adds_up_like_the_screen(march, county, as_user):
    _file(county.users.homeroom_a1, county.class_a1_1, date(2026, 3, 2))
    data = as_user("county").get("/traceback/monthly.xlsx?month=2026-03").data
    rows = data_rows(data)
    assert header(data) == ("乡镇", "学校", "应报", "漏报", "迟报", "按时", "按时率（%）")
    a1 = next(r for r in rows if r[1] == "东镇一小")
    assert a1[2] == 93 and a1[3] == 92 and a1[5] == 1 and a1[6] == round(100 / 93, 1)
    east_total = next(r for r in rows if r[0] == "东镇" and r[1] == "合计")
    assert east_total[2] == sum(r[2] for r in rows if r[0] == "东镇" and r[1] != "合计")
    # The county's line comes last, the sum of its townships' (what the bureau's meeting reads first).
    townships = [r for r in rows if r[1] == "合计" and r[0] != county.county.name]
    assert rows[-1][:2] == (county.county.name, "合计") and len(townships) == 2
    assert rows[-1][2:6] == tuple(sum(t[i] for t in townships) for i in range(2, 6))


def test_a_county_summary_runs_as_a_background_job(march, county, as_user):
    client = as_user("county")
    assert client.get("/traceback/reports.xlsx?start=2026-03-01&end=2026-03-31").status_code == 302
    response = client.post("/traceback/reports/job", data={"unit_id": county.county.id, "start": "2026-03-01",
                                                          "end": "2026-03-31", "format": "csv"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(ExportJob))
    assert job.kind == "report_summary" and job.params["format"] == "csv"


def test_files_stay_in_scope(march, county, as_user):
    client = as_user("school_b1")
    assert client.get(f"/traceback/reports.xlsx?unit_id={county.class_a1_1.id}&start=2026-03-01&end=2026-03-02"
                      ).status_code == 404
    assert client.post("/traceback/reports/job", data={"unit_id": county.county.id, "start": "2026-03-01",
                                                       "end": "2026-03-31", "format": "xlsx"}).status_code == 404

"""Every ledger as a file (issue 11.7): each export that was .xlsx only is offered as CSV too, by the
same view (its route ends in spreadsheets.FILE) and the one writer: UTF-8 with a BOM, the headers in
Chinese, a text that looks like a formula kept as text, the same rows as the .xlsx, within scope."""
from __future__ import annotations

import csv
import io
import re

import pytest

from webapp.duty import clock
from webapp.duty import operations as duty
from webapp.extensions import db
from webapp.org.settings import local_today
from webapp.spreadsheets import FORMULA_STARTS, HEADER_ROW

from tests.health.helpers import push_one
from tests.sheets import workbook
from tests.tracking.helpers import now_local

CJK = re.compile(r"[\u4e00-\u9fff]")
FORMULA = '=HYPERLINK("http://x","y")'


def _exports(county) -> list[tuple[str, str]]:
    """(user, the export's URL without its extension) for every ledger that was .xlsx only."""
    today = local_today().isoformat()
    a1 = county.school_a1.id
    checkpoint = duty.save_checkpoint(None, county.users.county, name="东村卡点", unit=county.village_a, address="",
                                      active_from=clock.local_today(), active_to=None, leader=None)
    db.session.commit()
    return [
        ("school_a1", "/tracking/tracked"), ("school_a1", "/tracking/isolation"),
        ("township_a", "/ledgers/supplies/overview"), ("school_a1", f"/ledgers/supplies/school/{a1}/ledger"),
        ("school_a1", f"/ledgers/disinfection/unit/{a1}/month"), ("school_a1", f"/ledgers/training/school/{a1}/training"),
        ("township_a", "/ledgers/reopening/readiness"), ("school_a1", f"/ledgers/reopening/school/{a1}/plan"),
        ("township_a", "/ledgers/online/day"), ("school_a1", f"/ledgers/school-duty/school/{a1}/week"),
        ("township_a", f"/duty/checkpoints/{checkpoint.id}/log?day={today}"),
    ]


def _with(url: str, fmt: str) -> str:
    path, _, query = url.partition("?")
    return f"{path}.{fmt}" + (f"?{query}" if query else "")


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on a Chinese Windows reads the UTF-8 right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _seed(county, as_user) -> None:
    """Rows with a note that looks like a formula: a home isolation, a training session."""
    data = {"student_id": county.students_a1_1[0].id, "staff_id": None, "started_on": local_today().isoformat(),
            "reason": FORMULA, "last_exposure_on": local_today().isoformat()}
    assert push_one(county.users.homeroom_a1, "isolation_start", data, now_local())["status"] == "accepted"
    form = {"record_id": "8a7e0c1e-2b47-4f57-9b8e-3d0f4a0e9b33", "date": local_today().isoformat(),
            "topic": "thermometer", "trainer": FORMULA, "staff_ids": [county.teacher_a1_1.id], "note": ""}
    assert as_user("school_a1").post(f"/ledgers/training/school/{county.school_a1.id}", data=form).status_code == 302


def test_every_ledger_comes_as_csv_with_the_rows_of_its_xlsx(county, as_user):
    _seed(county, as_user)
    for username, url in _exports(county):
        client = as_user(username)
        sheet = client.get(_with(url, "xlsx"))
        answer = client.get(_with(url, "csv"))
        assert sheet.status_code == answer.status_code == 200, url
        assert answer.mimetype == "text/csv" and answer.headers["Content-Disposition"].endswith('.csv')
        rows = csv_rows(answer.data)
        header = rows[HEADER_ROW - 1]
        assert header and all(CJK.search(name) for name in header), (url, header)  # 姓名, 单位 ...
        cells = [list(r) for r in workbook(sheet.data).active.iter_rows(values_only=True)]
        assert len(rows) == len(cells), url  # the same lines: title, unit and day, headers, rows, signature
        for line, (text_row, sheet_row) in enumerate(zip(rows, cells), start=1):
            for text, value in zip(text_row, sheet_row):
                if isinstance(value, str):
                    assert text.lstrip("'") == value, (url, line, text, value)
                    assert not text.startswith(FORMULA_STARTS), (url, line, text)  # never a formula


def test_a_text_that_looks_like_a_formula_stays_text(county, as_user):
    _seed(county, as_user)
    client = as_user("school_a1")
    isolation = csv_rows(client.get("/tracking/isolation.csv").data)
    training = csv_rows(client.get(f"/ledgers/training/school/{county.school_a1.id}/training.csv").data)
    for rows in (isolation, training):
        assert "'" + FORMULA in [cell for row in rows for cell in row]


@pytest.mark.parametrize("url", ["/tracking/isolation.csv", "/tracking/tracked.csv"])
def test_a_csv_holds_only_the_users_area(county, as_user, url):
    _seed(county, as_user)
    student = county.students_a1_1[0].name
    assert student in as_user("school_a1").get("/tracking/isolation.csv").get_data(as_text=True)
    assert student not in as_user("school_b1").get(url).get_data(as_text=True)


def test_overview_csvs_list_only_the_schools_in_scope(county, as_user):
    client = as_user("township_a")
    for url in ("/ledgers/reopening/readiness.csv", "/ledgers/online/day.csv"):
        text = client.get(url).get_data(as_text=True)
        assert county.school_a1.name in text and county.school_b1.name not in text, url
    a1 = county.school_a1.id
    assert as_user("school_b1").get(f"/ledgers/training/school/{a1}/training.csv").status_code == 404
    assert as_user("school_b1").get(f"/ledgers/supplies/school/{a1}/ledger.csv").status_code == 404
    assert as_user("school_b1").get(f"/ledgers/disinfection/unit/{a1}/month.csv").status_code == 404


def test_each_ledger_page_links_both_files(county, as_user):
    client = as_user("school_a1")
    for page in ("/tracking/isolation", "/tracking/", f"/ledgers/training/school/{county.school_a1.id}",
                 f"/ledgers/supplies/school/{county.school_a1.id}", f"/ledgers/reopening/school/{county.school_a1.id}",
                 "/command/files"):
        html = client.get(page).get_data(as_text=True)
        assert 'data-format="xlsx"' in html and 'data-format="csv"' in html, page
        for link in re.findall(r'href="([^"]+)" data-format="csv"', html):
            assert client.get(link.replace("&amp;", "&")).data.startswith(b"\xef\xbb\xbf"), link

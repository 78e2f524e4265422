"""The command view: missing first with whom to call, abnormal today, units below; the roll-up adds up across levels."""
from __future__ import annotations

import re

from tests.health.helpers import at, check, push, record, report
from webapp.dashboard.command import command
from webapp.org import operations as org
from webapp.dashboard.today import today
from webapp.org.models import Role
from webapp.org.settings import local_today


def _morning(county, students, user, fever=(), ill=()):
    day = local_today()
    records = []
    for s in students:
        data = {"temperature": 38.5} if s in fever else {}
        if s in ill:
            data = {"present": False, "absence_reason": "illness"}
        records.append(record("health_check", check(s, "morning", day, **data), at(7, 30, day)))
    push(user, *records)


def test_the_county_adds_up_what_its_townships_and_schools_show(county):
    _morning(county, county.students_a1_1, county.users.homeroom_a1, fever=county.students_a1_1[:2],
             ill=county.students_a1_1[2:3])
    _morning(county, county.students_b1_1, county.users.homeroom_b1, fever=county.students_b1_1[:1])
    filed = push(county.users.homeroom_b1, record("daily_report", report(county.class_b1_1, local_today(), expected=3,
                                                                          checked=3, abnormal=1), at(8, 0, local_today())))
    assert filed[0]["status"] == "accepted", filed
    top = command(county.county, local_today(), Role.county_admin)
    assert (top.abnormal.fever, top.abnormal.illness) == (3, 1)
    # 东镇: two classes and two schools without a report; 西镇: the school's own report
    assert [(c.unit.name, c.missing, c.classes, c.abnormal.fever) for c in top.children] == \
        [("东镇", 4, 2, 2), ("西镇", 1, 1, 1)]
    east = command(county.township_a, local_today(), Role.township_admin)
    assert east.abnormal.fever == top.children[0].abnormal.fever
    assert sum(c.missing for c in east.children) == top.children[0].missing == len(east.today.missing)
    # the start page counts the same people
    assert len(today(county.county, local_today(), Role.county_admin).abnormal) == 4
    assert top.synced == 2  # classes that had sent anything today


def test_the_officer_sees_who_has_not_reported_and_whom_to_call_first(county, as_user):
    org.assign_responsibility(county.teacher_a1_2, county.class_a1_2)
    page = as_user("county").get("/command").get_data(as_text=True)
    missing = page.index('id="h-missing"')
    assert missing < page.index('id="h-abnormal"') < page.index('id="below"')
    assert 'href="tel:13900000002"' in page and "李老师" in page
    assert f"/command?unit_id={county.township_a.id}" in page  # a unit drills down


def test_checkpoint_fevers_show_where_checkpoints_stand(county, as_user):
    """Checkpoints are in the townships' villages: a school's or class's view has no (always 0) card for them."""
    client = as_user("county")
    assert "卡点发热" in client.get("/command").get_data(as_text=True)
    assert "卡点发热" in client.get(f"/command?unit_id={county.township_a.id}").get_data(as_text=True)
    for unit in (county.school_a1, county.class_a1_1):
        assert "卡点发热" not in client.get(f"/command?unit_id={unit.id}").get_data(as_text=True)


def test_every_number_links_within_scope(county, as_user):
    page = as_user("school_a1").get("/command").get_data(as_text=True)
    links = re.findall(r'href="(/[^"#]*)', page)
    client = as_user("school_a1")
    for link in {l.replace("&amp;", "&") for l in links if l.startswith(("/reports", "/tracking", "/command", "/trends",
                                                                            "/quality", "/traceback", "/ledgers"))}:
        assert client.get(link).status_code in (200, 302), link
    assert as_user("school_a1").get(f"/command?unit_id={county.school_b1.id}").status_code == 404


def test_teachers_have_no_command_view_and_the_offline_copy_has_a_shell(county, as_user, client):
    assert as_user("homeroom_a1").get("/command").status_code == 403
    shell = client.get("/field/dashboard")
    assert shell.status_code == 200 and b"last-dashboard.js" in shell.data


def test_every_ledger_file_on_the_files_page_opens(county, as_user):
    for username in ("school_a1", "township_a", "county"):
        client = as_user(username)
        page = client.get("/command/files").get_data(as_text=True)
        links = {link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', page)
                 if re.search(r"\.(xlsx|csv)\b|/completeness|/traceback\?|/duty/", link)}
        assert links, username
        for link in links:
            response = client.get(link)
            assert response.status_code in (200, 302), (username, link)
            if response.status_code == 200 and ".xlsx" in link:
                assert response.data[:2] == b"PK", link  # a real workbook
            if response.status_code == 200 and ".csv" in link:
                assert response.data.startswith(b"\xef\xbb\xbf"), link

"""The audit log speaks the reader's language: the details stored as short English phrases
("tracked list: 3 people", "report 2026-03-02") read in Chinese on the Chinese screen."""
from __future__ import annotations

import re

from webapp.audit.details import detail_text


def _details(page: str) -> list[str]:
    return re.findall(r'<br><small class="hint">([^<]*)</small></td>\s*<td>', page)


def test_the_details_of_views_read_in_chinese(county, as_user):
    client = as_user("county")
    child = county.students_a1_1[0]
    for url in (f"/reports/{county.class_a1_1.id}?date=2026-03-02", f"/tracking/person/student/{child.id}"):
        assert client.get(url).status_code == 200, url
    details = _details(client.get("/audit").get_data(as_text=True))
    assert "2026-03-02 的日报告" in details and "重点人员档案" in details
    assert not [d for d in details if re.search(r"[A-Za-z]{3,}", d)], details


def test_the_lists_people_were_seen_on_read_in_chinese(app):
    with app.test_request_context("/audit"):
        assert detail_text("tracked list: 27 people") == "重点人员名单：27 人"
        assert detail_text("isolation lists: 5 people") == "居家隔离名单：5 人"
        assert detail_text("clearance list: 2 people") == "返校审核名单：2 人"
        assert detail_text("teacher: enabled") == "teacher：已启用"


def test_account_details_name_the_roles_and_keep_what_has_no_shape(app):
    with app.test_request_context("/audit", headers={"Cookie": "lang=en"}):
        assert detail_text("li: school_admin @ 4 -> teacher @ 4") == \
            "li: School administrator (unit 4) → Teacher (unit 4)"
        assert detail_text("li: homeroom_teacher") == "li: Homeroom teacher"
        assert detail_text("li: disabled") == "li: disabled"
        assert detail_text("ledger-2026-03-02.xlsx") == "ledger-2026-03-02.xlsx"
        assert detail_text(None) == ""

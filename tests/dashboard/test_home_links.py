"""Every link on a start page opens: a subject teacher's school page listed its grades as links to
their daily report, a page a subject teacher may not read (403)."""
from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("username", ["teacher_a1", "school_a1", "homeroom_a1", "volunteer_a"])
def test_every_link_on_the_start_page_opens(county, as_user, username):
    client = as_user(username)
    page = client.get("/").get_data(as_text=True)
    links = {href for href in re.findall(r'<a [^>]*href="(/[^"]*)"', page) if "/language/" not in href}
    refused = [href for href in sorted(links) if client.get(href).status_code in (403, 404)]
    assert not refused, refused


def test_a_subject_teacher_sees_the_grades_without_report_links(county, as_user):
    page = as_user("teacher_a1").get("/").get_data(as_text=True)
    assert "一年级" in page and f'href="/reports/{county.grade_a1.id}' not in page

"""The start page: for admins, today's completeness with the missing reports first."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from flask import template_rendered

from tests.conftest import COUNTY_ZONE
from webapp.extensions import db
from webapp.org.settings import local_today
from tests.health.helpers import push_one, report


@contextmanager
def rendered(app):
    """The context of each template rendered meanwhile."""
    seen = []
    record = lambda sender, template, context, **extra: seen.append((template.name, context))  # noqa: E731
    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def _now_in_county() -> str:
    return datetime.now(COUNTY_ZONE).isoformat()


def test_an_admin_sees_todays_missing_reports_first(app, county, as_user):
    push_one(county.users.homeroom_a1, "daily_report", report(county.class_a1_1, day=local_today()),
             _now_in_county())
    client = as_user("school_a1")
    client.set_cookie("lang", "en")
    with rendered(app) as seen:
        page = client.get("/")
    assert page.status_code == 200
    today = dict(seen)["dashboard/home.html"]["today"]
    assert today.status.day == local_today()
    assert [line.name for line in today.missing] == ["东镇一小", "一(2)班"]  # the school's own report too
    text = page.get_data(as_text=True)
    # The missing report comes before anything else on the page.
    assert text.index(f"/reports/{county.class_a1_2.id}?") < text.index("Units below")
    missing = text[text.index('id="h-missing"'):text.index('id="h-abnormal"')]
    assert f"/reports/{county.class_a1_1.id}?" not in missing


def test_the_county_admin_sees_every_class(app, county, as_user):
    client = as_user("county")
    with rendered(app) as seen:
        assert client.get("/").status_code == 200
    today = dict(seen)["dashboard/home.html"]["today"]
    assert today.status.totals["classes"] == 3 and today.missing_classes == 3 and today.missing_schools == 3


def test_teachers_get_no_completeness_on_the_start_page(app, county, as_user):
    client = as_user("homeroom_a1")
    with rendered(app) as seen:
        assert client.get("/").status_code == 200
    assert dict(seen)["dashboard/home.html"]["today"] is None


def test_the_menu_offers_reports_and_settings_by_role(county, as_user):
    county_admin = as_user("county").get("/").get_data(as_text=True)
    assert 'href="/reports"' in county_admin and 'href="/settings"' in county_admin
    as_user("county").post("/logout")
    teacher = as_user("homeroom_a1").get("/").get_data(as_text=True)
    assert 'href="/reports"' in teacher and 'href="/settings"' not in teacher


def test_the_overview_counts_people_per_unit_below(county):
    from webapp.dashboard.operations import overview
    county.students_a1_1[0].active = False
    db.session.commit()
    result = overview(county.county)
    assert (result["students"], result["staff"]) == (11, 4)
    assert {(line.unit.name, line.students, line.staff) for line in result["children"]} == \
        {("东镇", 8, 3), ("西镇", 3, 1)}
    school = overview(county.school_a1)
    assert (school["students"], school["staff"], [(c.students, c.staff) for c in school["children"]]) == \
        (8, 2, [(8, 0)])

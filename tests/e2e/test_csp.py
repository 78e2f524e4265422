"""The Content-Security-Policy (no 'unsafe-inline') in a real browser: every screen runs and is styled.

The `phone` fixture fails a test on any CSP violation Chromium reports, in this file and every other
e2e test; here every screen of the menu, the field screens and a volunteer's page are opened.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_until

pytestmark = pytest.mark.e2e


def _menu(page) -> list[str]:
    return page.eval_on_selector_all(".mainnav a", "(links) => links.map((a) => a.getAttribute('href'))")


def test_the_office_screens_run_under_the_policy(server, phone):
    page = phone.open()
    log_in(page, server, "county", next_path="/")
    menu = _menu(page)
    assert len(menu) >= 6
    for path in menu:
        answer = page.goto(server.url + path)
        assert answer.status == 200, path
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") != "inline", path
    page.goto(server.url + "/import")
    expect(page.locator("main")).to_be_visible()


def test_the_field_screens_run_under_the_policy(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    page.wait_for_selector("#people li[data-id]")
    for path in ("/field/", "/field/report", "/field/staff-check", "/field/outbox"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(server.url + "/field/duty")
    page.wait_for_load_state("networkidle")
    # field.css took the duty screen's rules out of the page: the log button is still the tall one.
    assert page.evaluate("getComputedStyle(document.getElementById('log-entry')).minHeight") == "64px"


def test_a_volunteers_page_runs_under_the_policy(server, phone):
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    volunteer = server.scalar("SELECT id FROM staff WHERE name = '赵志愿'")
    server.execute("INSERT INTO volunteer_link (id, staff_id, created_at, expires_at, county_id) "
                   "SELECT 'csp-link', id, ?, ?, county_id FROM staff WHERE id = ?",
                   str(now), str(now + timedelta(days=30)), volunteer)
    token = URLSafeSerializer("e2e-secret", salt="volunteer-link").dumps("csp-link")
    page = phone.open()
    answer = page.goto(f"{server.url}/v/{token}")
    assert answer.headers["referrer-policy"] == "no-referrer"
    expect(page.locator("h1")).to_contain_text("赵志愿")
    # volunteer.js ran: its worker is registered and the page and its assets are kept for offline use.
    wait_until(page, """async () => {
        const cache = await caches.open("volunteer-pages-v1");
        const script = document.querySelector("script[src$='/js/volunteer.js']").getAttribute("src");
        const style = document.querySelector("link[href$='/css/volunteer.css']").getAttribute("href");
        return Boolean(await cache.match(location.pathname) && await cache.match(script) && await cache.match(style));
    }""")

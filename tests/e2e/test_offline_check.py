"""The heart of the product: a class check recorded with the server down reaches it exactly once."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, pending, wait_until_offline_ready

pytestmark = pytest.mark.e2e


def test_a_check_recorded_offline_arrives_once_after_a_browser_and_server_restart(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)

    server.stop()
    page.reload()  # the shell comes from the service worker, the class from IndexedDB
    rows = page.locator("#people li[data-id]")
    expect(rows).to_have_count(5)
    sick, feverish = rows.nth(0).get_attribute("data-id"), rows.nth(1).get_attribute("data-id")
    rows.nth(0).locator("button.person").click()
    page.check(f"#att-{sick}-absent")
    page.select_option(f"#reason-{sick}", "illness")
    page.check(f"#sym-{sick}-fever")
    page.check(f"#sym-{sick}-cough")
    rows.nth(1).locator("button.person").click()
    page.fill(f"#temp-{feverish}", "38.2")
    expect(rows.nth(1)).to_have_attribute("data-state", "fever")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    phone.close()
    server.start()
    page = phone.open()
    page.goto(f"{server.url}/field/")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "0")

    assert server.scalar("SELECT count(*) FROM sync_record") == 5
    assert server.scalar("SELECT count(*) FROM health_check") == 5
    absent = server.query("SELECT present, absence_reason, symptoms FROM health_check WHERE student_id = ?", int(sick))
    assert absent == [(0, "illness", '["fever", "cough"]')]
    fever = server.query("SELECT present, temperature, fever FROM health_check WHERE student_id = ?", int(feverish))
    assert fever == [(1, 38.2, 1)]
    _the_school_report_shows(page, server, [sick, feverish])


def _the_school_report_shows(page, server, student_ids) -> None:
    names = [server.scalar("SELECT name FROM student WHERE id = ?", int(i)) for i in student_ids]
    school = server.scalar("SELECT id FROM unit WHERE name = '东镇一小'")
    day = server.scalar("SELECT date FROM health_check LIMIT 1")
    page.context.clear_cookies()
    page.goto(f"{server.url}/login?next=/reports/{school}?date={day}")
    page.fill("#login", "school_a1")
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(rf"/reports/{school}"))
    for name in names:
        expect(page.locator("main")).to_contain_text(name)

"""Tracking on the phone: today's task list works with the server stopped, a follow-up recorded
offline leaves the list at once and reaches the server exactly once; the class check says who may
not enter."""
from __future__ import annotations

from datetime import datetime
from tests.conftest import COUNTY_ZONE

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, pending, wait_until

pytestmark = pytest.mark.e2e


def _today() -> str:
    return datetime.now(COUNTY_ZONE).date().isoformat()


def test_a_followup_recorded_offline_leaves_the_list_and_arrives_once(server, phone):
    teacher = server.scalar("SELECT id FROM staff WHERE name = '王老师'")
    klass = server.scalar("SELECT class_id FROM student WHERE student_no = 'A11001'")
    server.execute("INSERT INTO responsibility (staff_id, unit_id, created_at, valid_from, county_id) "
                   "SELECT id, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00', county_id FROM staff WHERE id = ?",
                   klass, teacher)
    student, name = server.query("SELECT id, name FROM student WHERE student_no = 'A11001'")[0]

    page = phone.open()
    log_in(page, server, "homeroom_a1", f"/tracking/person/student/{student}")
    page.click("summary:has-text('开始居家隔离')")
    start = page.locator("form:has(input[value=isolation_start])")
    start.locator("input[name=reason]").fill("密接")
    start.locator("input[name=last_exposure_on]").fill(_today())
    start.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("第 1 天")

    page.goto(f"{server.url}/field/tracking")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    followup = page.locator("#tasks-today li.task-followup")
    expect(followup).to_have_count(1)
    expect(page.locator("#count-screen")).to_have_text("5")  # nobody screened yet

    server.stop()
    page.reload()  # the shell from the service worker, the tasks computed from IndexedDB
    expect(followup).to_have_count(1)
    expect(followup).to_contain_text(name)
    followup.locator("button").click()
    page.fill("#fu-morning", "36.5")
    page.fill("#fu-afternoon", "36.7")
    page.click("#followup-form button[type=submit]")
    expect(followup).to_have_count(0)  # gone from the list at once, with no signal
    expect(page.locator("#count-followup")).to_have_text("0")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "1")
    page.reload()
    expect(page.locator("#tasks-today li.task-screen")).to_have_count(5)
    expect(followup).to_have_count(0)  # still done after a reload

    phone.close()
    server.start()
    page = phone.open()
    page.goto(f"{server.url}/field/tracking")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "0")
    page.click("#sync-status button")  # sync again: nothing is stored twice
    assert pending(page) == "0"
    assert server.scalar("SELECT count(*) FROM isolation_followup") == 1
    assert server.scalar("SELECT count(*) FROM sync_record WHERE kind = 'isolation_followup'") == 1
    assert server.query("SELECT temperature_morning, temperature_afternoon FROM isolation_followup") == [(36.5, 36.7)]

    page.goto(f"{server.url}/field/check")
    notice = page.locator("#not-enter")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(name)
    expect(notice).to_contain_text("居家隔离中")

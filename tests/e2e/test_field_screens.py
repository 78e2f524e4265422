"""The other field screens in a real browser: the daily / zero report, the staff check, the outbox."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, save, wait_until, wait_until_offline_ready, wait_until_synced

pytestmark = pytest.mark.e2e

LABELLED = """() => [...document.querySelectorAll("main input, main select, main textarea, #sync-status input")]
    .filter((el) => el.type !== "hidden" && !el.closest("[hidden]"))
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
    .map((el) => el.id || el.outerHTML)"""


def test_a_class_without_anything_abnormal_is_checked_with_one_tap_and_zero_reported(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    page.locator("#people li[data-id]").first.locator("button.person").click()
    assert page.evaluate(LABELLED) == []  # every control, the tapped student's panel too, has a label
    page.locator("#people li[data-id]").first.locator("button.person").click()
    save(page)  # the class is preselected, everyone present and normal: one tap saves it
    wait_until_synced(page)

    page.goto(f"{server.url}/field/report")
    expect(page.locator("#expected")).to_have_value("5")
    expect(page.locator("#checked")).to_have_value("5")
    expect(page.locator("#abnormal")).to_have_value("0")
    assert page.evaluate(LABELLED) == []
    page.click("#send")
    expect(page.locator("#report-error")).not_to_be_empty()  # a zero report must be ticked explicitly
    page.check("#zero")
    save(page, "#send")
    wait_until_synced(page)
    assert server.query("SELECT zero_report, expected, checked, absent, abnormal FROM daily_report") == [(1, 5, 5, 0, 0)]


def test_the_report_counts_a_fever_and_then_offers_no_zero_report(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    row = page.locator("#people li[data-id]").nth(2)
    student = row.get_attribute("data-id")
    row.locator("button.person").click()
    page.fill(f"#temp-{student}", "33.5")
    expect(page.locator(f"#temp-error-{student}")).not_to_be_empty()
    page.click("#save")
    expect(page.locator("#check-error")).not_to_be_empty()  # refused before saving
    assert page.get_attribute("#sync-status", "data-pending") == "0"
    page.fill(f"#temp-{student}", "37.5")
    expect(page.locator(f"#sym-{student}-fever")).to_be_checked()
    save(page)
    wait_until_synced(page)

    page.goto(f"{server.url}/field/report")
    expect(page.locator("#abnormal")).to_have_value("1")
    expect(page.locator("#zero-box")).to_be_hidden()
    save(page, "#send")
    wait_until_synced(page)
    expect(page.locator("#sent li")).to_have_count(1)
    assert server.query("SELECT zero_report, abnormal FROM daily_report") == [(0, 1)]


def test_a_school_admin_checks_the_staff(server, phone):
    page = phone.open()
    log_in(page, server, "school_a1", next_path="/field/staff-check")
    page.wait_for_selector("#people li[data-id]")
    staff = page.locator("#people li[data-id]")
    expect(staff).to_have_count(2)
    first = staff.first.get_attribute("data-id")
    staff.first.locator("button.person").click()
    page.check(f"#att-{first}-absent")
    page.select_option(f"#reason-{first}", "personal")
    save(page)
    wait_until_synced(page)
    assert server.query("SELECT count(*), sum(present) FROM health_check WHERE staff_id IS NOT NULL") == [(2, 1)]


def test_waiting_records_are_exported_to_a_file_for_the_office_upload(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    page.route("**/api/v1/sync/push", lambda route: route.abort("internetdisconnected"))
    save(page)
    page.goto(f"{server.url}/field/outbox")
    expect(page.locator("#entries li[data-id]")).to_have_count(5)
    with page.expect_download() as download:
        page.click("#exports button")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    user_id = server.scalar("SELECT id FROM user_account WHERE username = 'homeroom_a1'")
    assert (exported["format"], exported["version"], exported["user_id"], exported["username"]) == \
        ("shaodian-outbox", 1, user_id, "homeroom_a1")
    assert exported["device_id"] and exported["exported_at"]
    assert len(exported["records"]) == 5
    assert set(exported["records"][0]) == {"id", "kind", "recorded_at", "data"}

    # Uploaded from "another computer", the records are stored; the phone's own push later is a duplicate.
    page.goto(f"{server.url}/sync/upload")
    page.set_input_files("input[type=file]", download.value.path())
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert server.scalar("SELECT count(*) FROM health_check") == 5
    page.unroute("**/api/v1/sync/push")
    page.goto(f"{server.url}/field/outbox")
    wait_until_synced(page)
    assert server.scalar("SELECT count(*) FROM sync_record") == 5


def test_the_database_is_reopened_when_the_browser_closed_it(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1", next_path="/field/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    # iOS closes IndexedDB connections under memory pressure: the next transaction throws InvalidStateError.
    thrown, value = page.evaluate("""async () => {
        const db = await import("/static/js/db.js");
        await db.getMeta("deviceId");
        const original = IDBDatabase.prototype.transaction;
        let thrown = 0;
        IDBDatabase.prototype.transaction = function (...args) {
            if (!thrown++) throw new DOMException("The database connection is closing.", "InvalidStateError");
            return original.apply(this, args);
        };
        try {
            await db.setMeta("probe", 42);
            return [thrown, await db.getMeta("probe")];
        } finally {
            IDBDatabase.prototype.transaction = original;
        }
    }""")
    assert thrown >= 2 and value == 42

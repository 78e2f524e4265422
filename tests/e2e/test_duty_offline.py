"""Checkpoint duty in a real browser: an entry logged with no signal reaches the server exactly once."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_until

pytestmark = pytest.mark.e2e


def _utc(delta: timedelta) -> str:
    """A naive-UTC timestamp as SQLAlchemy stores it in SQLite."""
    return str((datetime.now(timezone.utc) + delta).replace(tzinfo=None, microsecond=0))


def _book_volunteer_on_a_shift_now(server) -> int:
    """东村卡点 with a shift running now (an hour ago to five hours ahead), 赵志愿 booked on it."""
    village = server.scalar("SELECT id FROM unit WHERE name = '东村'")
    volunteer = server.scalar("SELECT id FROM staff WHERE name = '赵志愿'")
    now = _utc(timedelta())
    server.execute("INSERT INTO checkpoint (name, unit_id, address, active_from, created_at, updated_at, county_id) "
                   "SELECT '东村卡点', id, '东村村口', '2020-01-01', ?, ?, county_id FROM unit WHERE id = ?",
                   now, now, village)
    checkpoint = server.scalar("SELECT id FROM checkpoint")
    server.execute("INSERT INTO shift (checkpoint_id, starts_at, ends_at, needed, leader_id, cancelled, created_at, "
                   "updated_at, county_id) SELECT id, ?, ?, 2, ?, 0, ?, ?, county_id FROM checkpoint WHERE id = ?",
                   _utc(timedelta(hours=-1)), _utc(timedelta(hours=5)), volunteer, now, now, checkpoint)
    shift = server.scalar("SELECT id FROM shift")
    server.execute("INSERT INTO shift_assignment (shift_id, staff_id, created_at, updated_at, county_id) "
                   "SELECT id, ?, ?, ?, county_id FROM shift WHERE id = ?", volunteer, now, now, shift)
    return shift


def test_a_checkpoint_entry_logged_offline_reaches_the_database_exactly_once(server, phone):
    shift = _book_volunteer_on_a_shift_now(server)
    page = phone.open()
    log_in(page, server, "volunteer_a", next_path="/field/duty")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    expect(page.locator("#shift")).to_have_value(f"shift:{shift}")
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")

    server.stop()
    page.reload()  # the shell from the service worker, the shift from IndexedDB
    expect(page.locator("#shift")).to_have_value(f"shift:{shift}")
    page.click("#check-in")
    expect(page.locator("#attendance")).not_to_be_empty()
    # The common entry: a reading and the big button.
    page.click("[data-temperature='36.5']")
    page.click("#log-entry")
    expect(page.locator("#count-in")).to_have_text("1")
    expect(page.locator("#count-flagged")).to_have_text("0")
    # A second person with a fever is flagged on the phone already.
    page.fill("#temperature", "38.4")
    expect(page.locator("#flag-warning")).to_be_visible()
    page.click("#log-entry")
    expect(page.locator("#count-flagged")).to_have_text("1")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "3")

    phone.close()
    server.start()
    page = phone.open()
    page.goto(f"{server.url}/field/duty")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "0")

    assert server.scalar("SELECT count(*) FROM sync_record") == 3
    assert server.query("SELECT action, shift_id FROM shift_attendance") == [("check_in", shift)]
    entries = server.query("SELECT direction, temperature, verified, disinfected, shown, flagged, shift_id "
                           "FROM checkpoint_entry ORDER BY temperature")
    assert entries == [("in", 36.5, 1, 1, "health_code", 0, shift), ("in", 38.4, 1, 1, "health_code", 1, shift)]


def _wait_until_kept_offline(page, seconds: float = 20) -> None:
    """The page's own worker (scope /v/) is active and the page is in its cache."""
    deadline = time.monotonic() + seconds
    while not page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.getRegistration(location.pathname);
            const cache = await caches.open("volunteer-pages-v1");
            return Boolean(registration && registration.active && registration.scope.endsWith("/v/")
                           && await cache.match(location.pathname));
        }"""):
        if time.monotonic() > deadline:
            pytest.fail("the volunteer page was not kept for offline use")
        time.sleep(0.2)


def test_a_volunteers_link_opened_once_reads_offline_and_a_revoked_one_is_forgotten(server, phone):
    from itsdangerous import URLSafeSerializer

    _book_volunteer_on_a_shift_now(server)
    volunteer = server.scalar("SELECT id FROM staff WHERE name = '赵志愿'")
    server.execute("INSERT INTO volunteer_link (id, staff_id, created_at, expires_at, county_id) "
                   "SELECT 'e2e-link', id, ?, ?, county_id FROM staff WHERE id = ?",
                   _utc(timedelta()), _utc(timedelta(days=30)), volunteer)
    token = URLSafeSerializer("e2e-secret", salt="volunteer-link").dumps("e2e-link")
    page = phone.open()
    page.goto(f"{server.url}/v/{token}")
    expect(page.locator("#my-shifts")).to_contain_text("东村卡点")
    _wait_until_kept_offline(page)

    server.stop()
    page.reload()
    expect(page.locator("#my-shifts")).to_contain_text("东村卡点")

    server.start()
    server.execute("UPDATE volunteer_link SET revoked_at = ?", _utc(timedelta()))
    page.reload()
    expect(page.locator("[data-status='410']")).to_be_visible()
    server.stop()
    page.reload()  # the withdrawn page left the cache with the 410: nothing of hers is shown offline
    expect(page.locator("body")).not_to_contain_text("东村卡点")

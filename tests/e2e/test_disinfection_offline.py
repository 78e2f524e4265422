"""Disinfection in a real browser: an entry ticking two areas, made with no signal, reaches the ledger once."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_until

pytestmark = pytest.mark.e2e


def _areas(server) -> list[int]:
    """Two classrooms and the gate of 东镇一小 (school_a1's school)."""
    school = server.scalar("SELECT id FROM unit WHERE name = '东镇一小'")
    now = str(datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0))
    for name, kind in (("一(1)班教室", "classroom"), ("一(2)班教室", "classroom"), ("校门", "gate")):
        server.execute("INSERT INTO disinfection_area (unit_id, name, kind, due_times, active, updated_at, county_id) "
                       "SELECT id, ?, ?, NULL, 1, ?, county_id FROM unit WHERE id = ?", name, kind, now, school)
    return [row[0] for row in server.query("SELECT id FROM disinfection_area ORDER BY id")]


def test_a_disinfection_entered_offline_reaches_the_ledger_once(server, phone):
    room1, room2, gate = _areas(server)
    page = phone.open()
    log_in(page, server, "school_a1", next_path="/field/disinfection")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    expect(page.locator(f"[data-area='{gate}']")).to_be_visible()
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")

    server.stop()
    page.reload()  # the shell from the service worker, the areas from IndexedDB
    page.check(f"[data-area='{room1}'] input")
    page.check(f"[data-area='{gate}'] input")
    page.click("#save-disinfection")
    expect(page.locator("#disinfection-saved")).to_be_visible()
    expect(page.locator(f"[data-area='{gate}']")).to_have_attribute("data-state", "done")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "1")

    phone.close()
    server.start()
    page = phone.open()
    page.goto(f"{server.url}/field/disinfection")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "0")

    assert server.scalar("SELECT count(*) FROM sync_record WHERE kind = 'disinfection'") == 1
    assert server.query("SELECT method, agent, done_by FROM disinfection_entry") == [("spray", "84消毒液", "school_a1")]
    assert server.query("SELECT area_id FROM disinfection_entry_area ORDER BY area_id") == [(room1,), (gate,)]
    # The office sees it on the school's day.
    page.goto(f"{server.url}/ledgers/disinfection/unit/{server.scalar('SELECT unit_id FROM disinfection_area')}")
    expect(page.locator(f"#today [data-area='{gate}']")).to_have_attribute("data-state", "done")
    expect(page.locator(f"#today [data-area='{room2}']")).not_to_have_attribute("data-state", "done")

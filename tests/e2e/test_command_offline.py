"""The leaders' command view offline (issue 11, item 3): the last one opened on the phone reads with
no signal, with the time its figures are from and how many classes had synced by then."""
from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import COUNTY_ZONE
from tests.e2e.conftest import idb_dump, log_in, wait_until

pytestmark = pytest.mark.e2e


def test_the_last_command_view_opened_reads_offline_with_its_time_and_synced_classes(server, phone):
    township = server.scalar("SELECT id FROM unit WHERE name = '东镇'")
    page = phone.open()
    log_in(page, server, "county", next_path="/command")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.goto(f"{server.url}/command?unit_id={township}")  # drilled down: the township's is the last one
    expect(page.locator("#command h1")).to_have_text("东镇")
    wait_until(page, """() => new Promise((resolve) => {
        const open = indexedDB.open("shaodian");
        open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get("dashboard");
            get.onsuccess = () => { open.result.close(); resolve(Boolean(get.result && get.result.url.includes("unit_id"))); };
        };
    })""")
    at, synced, units = (page.get_attribute("#command", name) for name in ("data-at", "data-synced", "data-units"))
    assert units == "2"  # the township's two classes (东镇一小 一(1)班, 一(2)班)
    kept = idb_dump(page)["meta"]["dashboard"]
    assert (kept["synced"], kept["units"]) == (int(synced), 2)

    server.stop()
    page.goto(f"{server.url}/command")  # no signal: the worker answers with the last view kept
    figures_time = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(COUNTY_ZONE).strftime("%Y-%m-%d %H:%M")
    expect(page.locator("#last-state")).to_have_text(
        f"离线副本：数据时间 {figures_time}；当时 {units} 个班级中 {synced} 个已上传数据。")
    expect(page.locator("#last-view h1")).to_have_text("东镇")
    expect(page.locator("#last-view")).to_contain_text(figures_time)
    server.start()

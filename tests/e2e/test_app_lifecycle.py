"""An update replaces the whole cached app; logging out never loses records nor leaves data behind."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import idb_dump, log_in, wait_until, wait_until_offline_ready

pytestmark = pytest.mark.e2e

CACHE_NAMES = "caches.keys()"
STYLESHEET = "document.querySelector(\"link[href$='/css/app.css']\").getAttribute('href')"
SERVED_CSS = f"fetch({STYLESHEET}).then((r) => r.text())"  # through the worker, from its cache


def test_a_deploy_that_changes_an_asset_replaces_the_old_cache_after_the_user_agrees(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1", next_path="/field/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    old = page.evaluate(CACHE_NAMES)
    assert len(old) == 1
    old_href = page.evaluate(STYLESHEET)
    assert re.fullmatch(r"/static/[0-9a-f]{12}/css/app\.css", old_href)

    server.stop()
    server.start("--css-comment", "deploy 2")
    page.reload()  # a navigation checks /sw.js; its bytes changed with app.css, so a new worker installs
    banner = page.locator("#update-banner")
    expect(banner).to_be_visible(timeout=20000)  # once the new worker has fetched every file of the new version
    assert page.evaluate(SERVED_CSS).find("deploy 2") == -1  # the old version serves until the user agrees
    assert page.evaluate(STYLESHEET) == old_href

    with page.expect_navigation():
        banner.locator("button").click()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, f"{CACHE_NAMES}.then((names) => names.length === 1 && names[0] !== {old[0]!r})")
    assert page.evaluate(STYLESHEET) != old_href  # the content changed, so did its address
    assert "deploy 2" in page.evaluate(SERVED_CSS)
    expect(page.locator("#update-banner")).to_have_count(0)


def test_logging_out_with_unsynced_records_is_refused_until_they_are_synced(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    server.stop()
    page.click("#save")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    page.click("form[data-logout] button")
    guard = page.locator("#logout-guard")
    expect(guard).to_have_attribute("data-remaining", "5")
    assert page.url.endswith("/field/check")
    assert len(idb_dump(page)["outbox"]) == 5

    server.start()
    guard.locator("button.primary").click()  # sync now
    expect(guard).to_have_attribute("data-remaining", "0")
    assert server.scalar("SELECT count(*) FROM health_check") == 5

    with page.expect_navigation():
        page.click("form[data-logout] button")
    page.wait_for_url("**/login")
    left = idb_dump(page)
    assert left["outbox"] == [] and left["reference"] == [] and left["journal"] == []
    assert not {"user", "scope", "cursor", "lastSync"} & set(left["meta"])
    assert server.scalar("SELECT count(*) FROM login_session") == 0


def test_discarding_unsynced_records_explicitly_lets_the_user_log_out(server, phone):
    page = phone.open()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    page.route("**/api/v1/sync/push", lambda route: route.abort("internetdisconnected"))
    page.click("#save")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    page.click("form[data-logout] button")
    with page.expect_navigation():
        page.locator("#logout-guard button.danger").click()
    page.wait_for_url("**/login")
    assert idb_dump(page)["outbox"] == []
    assert server.scalar("SELECT count(*) FROM health_check") == 0


def test_another_user_on_the_same_phone_never_sees_the_previous_users_data(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    first_class = set(page.locator("#people li[data-id]").evaluate_all("els => els.map((e) => e.dataset.id)"))

    page.context.clear_cookies()  # the session ended without the logout button (expired, revoked)
    log_in(page, server, "homeroom_a1_2")
    shown = page.locator("#people li[data-id]")
    expect(shown).to_have_count(4)  # class 1-2, and nobody of class 1-1
    assert not set(shown.evaluate_all("els => els.map((e) => e.dataset.id)")) & first_class
    students = {item["id"] for item in idb_dump(page)["reference"] if item["collection"] == "students"}
    assert students and not students & {int(i) for i in first_class}

"""The phone follows the pull's pages, and a pull cut off half way goes on where it stopped."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import idb_dump, log_in

pytestmark = pytest.mark.e2e


def test_the_phone_follows_the_pages_and_resumes_a_pull_cut_off_half_way(server, phone):
    server.stop()
    server.start("--pull-page", "2")
    page = phone.open()
    pulls = []

    def cut_off_the_third(route):
        pulls.append(route.request.url)
        if len(pulls) == 3:
            return route.abort("internetdisconnected")  # the signal goes in the middle of the pull
        return route.continue_()

    page.route("**/api/v1/sync/pull*", cut_off_the_third)
    log_in(page, server, "homeroom_a1")
    for _ in range(200):
        if len(pulls) >= 3:
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(300)  # the failed run ends; it will retry after its back-off
    stored = idb_dump(page)
    assert len(pulls) == 3 and stored["meta"]["pullMore"] is True  # two pages kept, the third lost
    halfway = {(row["collection"], row["id"]) for row in stored["reference"]}

    page.unroute("**/api/v1/sync/pull*")
    page.click("#sync-status button")
    expect(page.locator("#people li[data-id]")).to_have_count(5)
    stored = idb_dump(page)
    assert stored["meta"]["pullMore"] is False
    students = [row for row in stored["reference"] if row["collection"] == "students"]
    assert len(students) == 5 and halfway <= {(row["collection"], row["id"]) for row in stored["reference"]}

"""Faults in the browser: a phone killed right after "saved", a server restarted in the middle of a sync.

Either way the check reaches the server exactly once. (A phone clock a day wrong: test_phone_clock.py.)
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, wait_until, wait_until_offline_ready

pytestmark = pytest.mark.e2e


def record_the_class(page) -> None:
    """One absent for illness, the rest present; saved."""
    rows = page.locator("#people li[data-id]")
    expect(rows).to_have_count(5)
    sick = rows.nth(0).get_attribute("data-id")
    rows.nth(0).locator("button.person").click()
    page.check(f"#att-{sick}-absent")
    page.select_option(f"#reason-{sick}", "illness")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()


def kill_browser(phone) -> int:
    """SIGKILL every Chromium process of this phone's profile (the ones this test started): no clean exit."""
    marker, killed = f"--user-data-dir={phone.profile}", 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
        except (OSError, ProcessLookupError):
            continue
    phone.context = None  # its browser is gone; Playwright cannot close it any more
    return killed


def test_a_phone_killed_right_after_saved_keeps_the_check_and_syncs_it_when_reopened(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    server.stop()  # no signal: the check waits in the outbox
    record_the_class(page)
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    assert kill_browser(phone) > 0
    server.start()
    page = phone.open()
    page.goto(f"{server.url}/field/")
    status = page.locator("#sync-status")
    expect(status).to_have_attribute("data-pending", "5")  # kept on the phone
    # The first sync after reopening either sends the five or finds the login gone: wait for which.
    wait_until(page, "(s => s.dataset.pending === '0' || s.dataset.paused === 'login')"
                     "(document.querySelector('#sync-status'))")
    if status.get_attribute("data-paused") == "login":
        # The kill took the login cookie Chromium had not written yet: the phone asks for the password.
        status.get_by_label("密码").fill(PASSWORD)
        status.get_by_role("button", name="登录").click()
    expect(status).to_have_attribute("data-pending", "0")
    assert server.scalar("SELECT count(*) FROM sync_record") == 5
    assert server.query("SELECT count(*), sum(present) FROM health_check") == [(5, 4)]


def test_a_server_restarted_in_the_middle_of_a_sync_stores_the_check_once(server, phone):
    server.stop()
    server.start("--hold-push-answers", "120")  # the push commits, then its answer waits
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    record_the_class(page)
    deadline_checks = 0
    while server.scalar("SELECT count(*) FROM health_check") < 5:  # stored on the server, not yet answered
        page.wait_for_timeout(100)
        deadline_checks += 1
        assert deadline_checks < 300, "the push never reached the database"
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    server.stop()  # the answer is lost with the process
    server.start()
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "0", timeout=60000)
    assert server.scalar("SELECT count(*) FROM sync_record") == 5  # the retry was a duplicate
    assert server.query("SELECT count(*), sum(present) FROM health_check") == [(5, 4)]

"""Online learning on the phone: the class's day is the server's plus what waits on this phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_until, wait_until_synced

pytestmark = pytest.mark.e2e


def _open_online(page, server, username: str) -> None:
    log_in(page, server, username, next_path="/field/online")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#roll tbody tr[data-student]")
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")


def test_a_colleagues_entry_shows_on_another_phone_and_a_waiting_one_over_it(server, phone, second_phone):
    klass = server.scalar("SELECT scope_unit_id FROM user_account WHERE username = 'homeroom_a1'")  # 一(1)班
    (first,), (second,) = server.query("SELECT id FROM student WHERE class_id = ? AND active ORDER BY id LIMIT 2", klass)
    page = phone.open()  # the school's admin enters class 1-1's day on her phone
    _open_online(page, server, "school_a1")
    page.select_option("#class", str(klass))
    page.check(f"tr[data-student='{first}'] input[name=absent]")
    page.click("#save-online")
    expect(page.locator("#online-saved")).to_be_visible()
    wait_until_synced(page)
    assert server.scalar("SELECT count(*) FROM online_class_day") == 1

    other = second_phone.open()  # the homeroom teacher's phone never saw that entry
    _open_online(other, server, "homeroom_a1")
    expect(other.locator(f"tr[data-student='{first}'] input[name=absent]")).to_be_checked()
    expect(other.locator(f"tr[data-student='{second}'] input[name=absent]")).not_to_be_checked()

    server.stop()  # no signal: her correction waits in the outbox and is the day the screen shows
    other.reload()
    other.wait_for_selector(f"tr[data-student='{first}']")
    other.uncheck(f"tr[data-student='{first}'] input[name=absent]")
    other.check(f"tr[data-student='{second}'] input[name=no_homework]")
    other.click("#save-online")
    expect(other.locator("#sync-status")).to_have_attribute("data-pending", "1")
    other.reload()
    other.wait_for_selector(f"tr[data-student='{first}']")
    expect(other.locator(f"tr[data-student='{first}'] input[name=absent]")).not_to_be_checked()
    expect(other.locator(f"tr[data-student='{second}'] input[name=no_homework]")).to_be_checked()
    server.start()

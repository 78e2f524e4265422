"""A phone whose clock is a day ahead: the server refuses its records with a message about the clock,
the phone keeps them and says what to do, and once the clock is right they go with the right day."""
from __future__ import annotations

from tests.conftest import COUNTY_ZONE
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import idb_dump, log_in, wait_until_offline_ready

pytestmark = pytest.mark.e2e


def test_a_phone_a_day_ahead_gets_the_clock_message_and_loses_nothing(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    now = datetime.now(COUNTY_ZONE)  # the phone's day is the county's, not the machine's UTC day
    today, tomorrow = now.date().isoformat(), (now + timedelta(days=1)).date().isoformat()

    phone.context.clock.install(time=now + timedelta(days=1))  # someone set the date by hand
    page.reload()
    expect(page.locator("#date")).to_have_value(tomorrow)
    rows = page.locator("#people li[data-id]")
    sick = rows.nth(0).get_attribute("data-id")
    rows.nth(0).locator("button.person").click()
    page.check(f"#att-{sick}-absent")
    page.select_option(f"#reason-{sick}", "personal")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()

    status = page.locator("#sync-status")
    expect(status).to_have_attribute("data-rejected", "5")
    refused = status.locator(".sync-rejected li")
    expect(refused.first.locator(".error")).to_contain_text("手机时间比服务器快约 1 天")
    expect(refused.first.locator(".error")).to_contain_text("请校准手机时间")
    expect(status.locator(".sync-clock")).to_be_visible()
    expect(status.locator(".sync-clock")).to_contain_text("手机的时间比服务器快约 1 天")
    page.screenshot(path=str(server.log.parent / "clock-ahead.png"), full_page=True)
    outbox = idb_dump(page)["outbox"]
    assert len(outbox) == 5 and {e["state"] for e in outbox} == {"rejected"}  # kept on the phone
    assert server.scalar("SELECT count(*) FROM sync_record") == 0

    page.clock.set_system_time(datetime.now(COUNTY_ZONE))  # the teacher sets the clock right
    while refused.count():
        refused.first.locator("button.primary").click()  # 时间已校准，重新保存
        page.wait_for_timeout(50)
    expect(status).to_have_attribute("data-rejected", "0")
    expect(status).to_have_attribute("data-pending", "0")
    expect(status.locator(".sync-clock")).to_be_hidden()
    assert server.query("SELECT DISTINCT date FROM health_check") == [(today,)]
    assert server.query("SELECT present, absence_reason FROM health_check WHERE student_id = ?", int(sick)) == \
        [(0, "personal")]
    assert server.scalar("SELECT count(*) FROM health_check") == 5

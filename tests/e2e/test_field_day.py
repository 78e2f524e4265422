"""The day's figures on the phones, in a real browser: the report from the server's checks, a fever
that clears, the session the check screen opens on, and the save confirmation under the thumb."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import COUNTY_ZONE
from tests.e2e.conftest import log_in, save, wait_until_offline_ready, wait_until_synced

pytestmark = pytest.mark.e2e
CHINA = COUNTY_ZONE  # the test county's zone (tests/conftest.py), not always +08:00


def _check_class_with_a_fever(page, server) -> None:
    """The homeroom teacher checks class 1-1 on her phone: the third student has 38.2 °C."""
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    row = page.locator("#people li[data-id]").nth(2)
    row.locator("button.person").click()
    page.fill(f"#temp-{row.get_attribute('data-id')}", "38.2")
    save(page)
    wait_until_synced(page)


def test_the_school_report_counts_the_checks_made_on_other_phones(server, phone, second_phone):
    _check_class_with_a_fever(phone.open(), server)

    page = second_phone.open()  # the school admin's phone did no check at all
    log_in(page, server, "school_a1", next_path="/field/report")
    expect(page.locator("#unit")).to_have_value(str(server.scalar("SELECT id FROM unit WHERE name = '东镇一小'")))
    expect(page.locator("#checked")).to_have_value("5")
    expect(page.locator("#expected")).to_have_value("11")  # 9 students and 2 staff
    expect(page.locator("#abnormal")).to_have_value("1")
    expect(page.locator("#zero-box")).to_be_hidden()  # no zero report is offered
    expect(page.locator("#checked")).to_have_attribute("readonly", "")
    save(page, "#send")
    wait_until_synced(page)
    assert server.query("SELECT zero_report, expected, checked, abnormal FROM daily_report") == [(0, 11, 5, 1)]


def test_a_check_waiting_on_the_phone_counts_in_its_report(server, phone):
    page = phone.open()
    _check_class_with_a_fever(page, server)
    page.goto(f"{server.url}/field/report")
    expect(page.locator("#abnormal")).to_have_value("1")
    page.context.set_offline(True)  # the fever is corrected with no signal: it waits in the outbox
    page.goto(f"{server.url}/field/check")
    page.wait_for_selector("#people li[data-id]")
    expect(page.locator("#session")).to_have_value("noon")  # the morning is done: the noon check is next
    page.select_option("#session", "morning")  # the teacher goes back to correct it
    page.wait_for_selector("#people li[data-id] .badge:has-text('发热')")
    row = page.locator("#people li[data-id]").nth(2)
    row.locator("button.person").click()
    page.fill(f"#temp-{row.get_attribute('data-id')}", "36.8")
    save(page)
    page.goto(f"{server.url}/field/report")
    expect(page.locator("#checked")).to_have_value("5")
    expect(page.locator("#abnormal")).to_have_value("0")
    expect(page.locator("#zero-box")).to_be_visible()


def test_a_fever_ticked_by_a_temperature_follows_it_and_one_ticked_by_hand_stays(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    rows = page.locator("#people li[data-id]")
    first, second = rows.nth(0).get_attribute("data-id"), rows.nth(1).get_attribute("data-id")
    rows.nth(0).locator("button.person").click()
    page.fill(f"#temp-{first}", "38.2")
    expect(page.locator(f"#sym-{first}-fever")).to_be_checked()
    page.fill(f"#temp-{first}", "37.0")  # a typing slip corrected: the fever goes with it
    expect(page.locator(f"#sym-{first}-fever")).not_to_be_checked()
    expect(rows.nth(0)).to_have_attribute("data-state", "normal")
    rows.nth(1).locator("button.person").click()
    page.check(f"#sym-{second}-fever")  # the teacher's own word: feels hot, whatever the reading
    page.fill(f"#temp-{second}", "38.0")
    page.fill(f"#temp-{second}", "37.1")
    expect(page.locator(f"#sym-{second}-fever")).to_be_checked()
    save(page)
    wait_until_synced(page)
    fevers = server.query("SELECT student_id, fever FROM health_check WHERE student_id IN (?, ?) ORDER BY student_id",
                          int(first), int(second))
    assert dict(fevers) == {int(first): 0, int(second): 1}


def test_the_check_opens_on_the_first_session_the_class_has_not_done(server, phone, second_phone):
    """At 11:30 the morning check is still due: the screen opens on it, whatever the clock says;
    once another phone has done it, on the noon check."""
    server.stop()  # the phones' clocks say 11:30 today in the county, which may be ahead of the server's
    server.start("--clock-tolerance", "1440")
    late_morning = datetime.combine(datetime.now(CHINA).date(), time(11, 30), tzinfo=CHINA)
    page = phone.open()
    page.clock.set_fixed_time(late_morning)
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    expect(page.locator("#session")).to_have_value("morning")
    save(page)
    wait_until_synced(page)
    page.reload()
    page.wait_for_selector("#people li[data-id]")
    expect(page.locator("#session")).to_have_value("noon")
    expect(page.locator("#session option[value=morning]")).to_contain_text("已完成")

    other = second_phone.open()  # a colleague's phone learns it from the server
    other.clock.set_fixed_time(late_morning + timedelta(minutes=10))
    log_in(other, server, "homeroom_a1")
    expect(other.locator("#session")).to_have_value("noon")


def test_a_correction_after_the_cut_off_of_a_report_filed_on_time_is_not_called_late(server, phone):
    """The phone judges lateness by the server's rule: late only when no report of the day came by the cut-off."""
    server.stop()
    server.start("--clock-tolerance", "1440")
    morning = datetime.combine(datetime.now(CHINA).date(), time(9, 30), tzinfo=CHINA)
    page = phone.open()
    page.clock.set_fixed_time(morning)
    log_in(page, server, "homeroom_a1", next_path="/field/report")
    expect(page.locator("#cutoff")).to_have_text("请在 10:00 前上报。")
    page.check("#zero")
    save(page, "#send")
    wait_until_synced(page)

    page.clock.set_fixed_time(morning + timedelta(hours=1))  # 10:30: a correction
    page.reload()
    expect(page.locator("#sent li")).to_have_count(1)
    expect(page.locator("#cutoff")).to_have_text("请在 10:00 前上报。")
    expect(page.locator("#cutoff")).to_have_class("hint")
    page.fill("#note", "补充说明")
    page.check("#zero")
    save(page, "#send")
    wait_until_synced(page)
    class_page = page.context.new_page()  # the office sees it on time, as the phone said
    class_id = server.scalar("SELECT unit_id FROM daily_report LIMIT 1")
    class_page.goto(f"{server.url}/reports/{class_id}")
    expect(class_page.locator("#h-filed")).not_to_contain_text("迟报")
    class_page.close()

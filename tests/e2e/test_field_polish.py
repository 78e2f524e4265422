"""The smaller faults of the field screens, in a real browser at 360 × 740: the volunteer's page and
its one service worker, the save confirmation under the thumb, /field/duty, the messages of a
person with no shifts, the start screen's state and the check screen's layout."""
from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, save, wait_until, wait_until_offline_ready, wait_until_synced
from tests.e2e.test_duty_offline import _book_volunteer_on_a_shift_now, _utc, _wait_until_kept_offline

pytestmark = pytest.mark.e2e


def test_a_volunteers_first_visit_shows_no_false_update_banner(server, phone):
    _book_volunteer_on_a_shift_now(server)
    volunteer = server.scalar("SELECT id FROM staff WHERE name = '赵志愿'")
    server.execute("INSERT INTO volunteer_link (id, staff_id, created_at, expires_at, county_id) "
                   "SELECT 'polish', id, ?, ?, county_id FROM staff WHERE id = ?",
                   _utc(timedelta()), _utc(timedelta(days=30)), volunteer)
    page = phone.open()
    page.goto(f"{server.url}/v/{URLSafeSerializer('e2e-secret', salt='volunteer-link').dumps('polish')}")
    _wait_until_kept_offline(page)
    page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    scopes = page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope)")
    assert scopes == [f"{server.url}/v/"]  # the volunteer's own worker, never the app's next to it
    expect(page.locator("#update-banner")).to_have_count(0)


def test_the_save_confirmation_shows_under_the_thumb_and_nothing_to_save_says_so(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    save(page)
    expect(page.locator("#saved")).to_be_in_viewport()  # above the button, not below the whole list
    expect(page.locator("#save")).to_be_disabled()
    expect(page.locator("#save")).to_have_text("已全部保存")
    page.locator("#people li[data-id]").nth(1).locator("button.person").click()
    student = page.locator("#people li[data-id]").nth(1).get_attribute("data-id")
    page.check(f"#att-{student}-absent")
    expect(page.locator("#saved")).to_be_hidden()  # a new change: the old confirmation goes
    expect(page.locator("#save")).to_be_enabled()
    expect(page.locator("#save")).to_have_text("保存修改（1）")


def test_the_check_screen_does_not_shift_and_no_row_hides_behind_the_save_button(server, phone):
    page = phone.open()
    page.add_init_script("""addEventListener("DOMContentLoaded", () => {
        window.syncHeights = [];
        const bar = document.getElementById("sync-status");
        if (bar) new ResizeObserver(() => window.syncHeights.push(bar.getBoundingClientRect().height)).observe(bar);
    });""")
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    page.reload()
    page.wait_for_selector("#people li[data-id]")
    wait_until_synced(page)
    heights = page.evaluate("window.syncHeights")
    assert len(set(heights)) == 1, heights  # the sync bar never changed height while it filled in
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator("#people li[data-id]").last.bounding_box()
    bar = page.locator(".save-bar").bounding_box()
    assert last["y"] + last["height"] <= bar["y"] + 1  # the last row ends above the save bar


def test_the_log_button_of_the_duty_screen_is_on_the_first_screen(server, phone):
    _book_volunteer_on_a_shift_now(server)
    page = phone.open()
    log_in(page, server, "volunteer_a", next_path="/field/duty")
    expect(page.locator("#shift option")).not_to_have_count(0)
    expect(page.locator("#log-entry")).to_be_in_viewport(ratio=1)


def test_people_with_nothing_to_do_are_told_so_not_to_connect(server, phone, second_phone):
    page = phone.open()
    log_in(page, server, "teacher_a1", next_path="/field/duty")  # a subject teacher, online, synced, no shifts
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")
    expect(page.locator("#no-shift")).to_contain_text("您目前没有排班")
    expect(page.locator("#no-shift")).not_to_contain_text("联网")
    page = second_phone.open()
    log_in(page, server, "volunteer_a", next_path="/field/check")
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")
    expect(page.locator("#check-error")).to_contain_text("没有需要检查的人员")
    expect(page.locator("#check-error")).not_to_contain_text("联网")


def test_the_start_screen_is_full_width_and_shows_the_day(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1", next_path="/field/")
    expect(page.locator("#today")).to_contain_text("晨检 未完成")
    expect(page.locator("#today")).to_contain_text("日报告未上报")
    width = page.locator("#tasks").bounding_box()["width"]
    assert width >= 330  # the whole screen less main's padding, like every other field screen
    page.goto(f"{server.url}/field/check")
    wait_until_offline_ready(page)
    save(page)
    page.goto(f"{server.url}/field/")
    expect(page.locator("#today")).to_contain_text("晨检 已完成")
    expect(page.locator("#today-waiting")).to_be_visible()

"""What the phone does when the server refuses a record or the login has expired."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, wait_until_offline_ready

pytestmark = pytest.mark.e2e


def _block_push(page) -> None:
    """Hold the records on the phone (as with no signal) while the test changes the server."""
    page.route("**/api/v1/sync/push", lambda route: route.abort("internetdisconnected"))


def test_a_record_refused_by_the_server_is_shown_with_its_reason_and_can_be_discarded(server, phone):
    page = phone.open()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    moved = page.locator("#people li[data-id]").first.get_attribute("data-id")
    _block_push(page)
    page.click("#save")
    expect(page.locator("#sync-status")).to_have_attribute("data-pending", "5")

    # After the pull, the student moved to another class: no longer this teacher's to check.
    other_class = server.scalar("SELECT class_id FROM student WHERE class_id != "
                                "(SELECT class_id FROM student WHERE id = ?) LIMIT 1", int(moved))
    server.execute("UPDATE student SET class_id = ? WHERE id = ?", other_class, int(moved))
    page.unroute("**/api/v1/sync/push")
    page.click("#sync-status button")

    status = page.locator("#sync-status")
    expect(status).to_have_attribute("data-rejected", "1")
    expect(status).to_have_attribute("data-pending", "0")  # the refused one blocks none behind it
    refused = status.locator(".sync-rejected li")
    expect(refused).to_have_count(1)
    assert refused.locator(".error").inner_text().strip()
    assert server.scalar("SELECT count(*) FROM health_check") == 4

    refused.locator("button.danger").click()
    expect(status).to_have_attribute("data-rejected", "0")
    expect(refused).to_have_count(0)


def test_a_refused_value_can_be_fixed_and_goes_as_a_new_record(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    student = int(page.locator("#people li[data-id]").first.get_attribute("data-id"))
    # A value the phone's form would refuse, saved as an older app version might have: the server refuses it.
    page.evaluate("""async (student) => {
        const db = await import("/static/js/db.js");
        const user = await db.getMeta("user");
        const day = new Date().toLocaleDateString("sv");
        await db.addEntries([{ id: db.uuid(), kind: "health_check", recorded_at: day + "T08:00:00+08:00",
            state: "pending", user_id: user.id, username: user.username,
            data: { student_id: student, date: day, session: "morning", present: true, absence_reason: null,
                    symptoms: [], temperature: 33.1, note: null } }]);
    }""", student)
    page.click("#sync-status button")
    status = page.locator("#sync-status")
    expect(status).to_have_attribute("data-rejected", "1")
    refused = status.locator(".sync-rejected li")
    rejected_id = refused.get_attribute("data-id")

    refused.locator("button:not(.danger)").click()
    page.fill(f"#fix-{rejected_id}-temperature", "36.6")
    refused.locator("form.fix button[type=submit]").click()
    expect(status).to_have_attribute("data-rejected", "0")
    expect(status).to_have_attribute("data-pending", "0")
    rows = server.query("SELECT record_id, temperature FROM health_check WHERE student_id = ?", student)
    assert len(rows) == 1 and rows[0][1] == 36.6 and rows[0][0] != rejected_id


def test_an_expired_login_keeps_the_outbox_and_asks_for_the_password(server, phone):
    page = phone.open()
    log_in(page, server, "homeroom_a1")
    wait_until_offline_ready(page)
    server.execute("DELETE FROM login_session")  # the session ended on the server (revoked, expired)

    page.click("#save")
    status = page.locator("#sync-status")
    expect(status).to_have_attribute("data-paused", "login")
    expect(status).to_have_attribute("data-pending", "5")
    assert server.scalar("SELECT count(*) FROM health_check") == 0

    page.fill("#relogin-password", PASSWORD)
    page.locator("#sync-status form button[type=submit]").click()
    expect(status).to_have_attribute("data-pending", "0")
    expect(status).to_have_attribute("data-paused", "")
    assert server.scalar("SELECT count(*) FROM health_check") == 5

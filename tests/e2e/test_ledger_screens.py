"""Every ledger screen under /ledgers/ in a 360 px Chromium for the county, a township, a school's admin
and a homeroom teacher: each answers 200 and runs with no script error and no CSP violation (the
`phone` fixture fails the test on any), its menu entries and the ledger pages they link to."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

FILES = (".xlsx", ".csv")


def _ledger_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href^='/ledgers/']", "(links) => links.map((a) => a.getAttribute('href'))")
    return [h.split("#")[0] for h in hrefs if not h.split("?")[0].endswith(FILES)]


@pytest.mark.parametrize("username", ["county", "township_a", "school_a1", "homeroom_a1"])
def test_every_ledger_screen_runs_for_every_office_role(server, phone, username):
    page = phone.open()
    log_in(page, server, username, next_path="/")
    page.goto(server.url + "/")
    todo, seen = [h for h in _ledger_links(page)], set()
    assert todo, "no ledger in the menu"
    while todo:
        path = todo.pop(0)
        if path in seen or len(seen) >= 40:
            continue
        seen.add(path)
        answer = page.goto(server.url + path)
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
        assert not phone.errors, f"{path}: {phone.errors}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 380, f"{path} is wider than the phone"
        if path.count("/") <= 4:  # a ledger's pages one step down (a school's, an item's form)
            todo += [h for h in _ledger_links(page) if h not in seen]


def test_the_phones_supplies_day_takes_its_bounds_from_the_declaration(server, phone):
    """The movement's day on the phone: min and max from the kind's schema (31 days back, not after today)."""
    from datetime import date, timedelta
    server.execute("INSERT INTO supply_item (name, unit, basis, standard, reserve_days, active, position, updated_at) "
                   "VALUES ('口罩', '个', 'head_day', 2, 7, 1, 0, '2026-01-01 00:00:00')")
    page = phone.open()
    log_in(page, server, "school_a1", next_path="/field/supplies")
    page.wait_for_selector("#supply-form:not([hidden])")
    today = date.fromisoformat(page.evaluate("document.getElementById('date').value"))
    assert page.get_attribute("#date", "max") == today.isoformat()
    assert page.get_attribute("#date", "min") == (today - timedelta(days=31)).isoformat()

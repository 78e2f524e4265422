"""Office screens at 360 × 740: the tab bar says when tabs lie beyond the edge, the current tab is in view."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from tests.e2e.conftest import log_in, wait_until

pytestmark = pytest.mark.e2e


def _in_view(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """(el) => {
        const nav = el.closest('.mainnav').getBoundingClientRect(), r = el.getBoundingClientRect();
        return r.left >= nav.left - 1 && r.right <= nav.right + 1; }""")


def test_the_tab_bar_shows_a_cue_while_tabs_are_hidden_and_keeps_the_current_tab_in_view(server, phone):
    page = phone.open()
    log_in(page, server, "county", next_path="/")
    assert page.evaluate("document.querySelector('.mainnav').scrollWidth > innerWidth")  # tabs hidden at 360 px
    more = page.locator(".nav-more")
    expect(more).to_be_visible()
    last = ".mainnav a:last-child"
    assert not _in_view(page, last)
    for _ in range(20):
        if not more.is_visible():
            break
        before = page.evaluate("document.querySelector('.mainnav').scrollLeft")
        try:
            more.click(timeout=3000)
        except PlaywrightTimeoutError:  # the last scroll ended and the cue hid itself meanwhile
            break
        wait_until(page, f"document.querySelector('.mainnav').scrollLeft > {before}")
    wait_until(page, "document.querySelector('.nav-more').hidden")
    assert _in_view(page, last)
    page.goto(server.url + "/sync/upload")  # a tab far to the right
    assert _in_view(page, ".mainnav a[aria-current='page']")


def test_a_field_screen_not_for_the_role_says_so(server, phone):
    """A volunteer opening /field/report (issue 7.17) is told it is not her work, and offered no form."""
    page = phone.open()
    log_in(page, server, "volunteer_a", next_path="/field/report")
    expect(page.locator("#not-for-role")).to_be_visible()
    assert page.locator("main form:visible").count() == 0


def test_a_figure_and_its_whole_fit_one_line_of_a_card_at_360_px(server, phone):
    """"2992 / 3122" (a county's students checked this morning) wrapped onto two lines of its card."""
    page = phone.open()
    log_in(page, server, "county", next_path="/")
    card = page.locator(".card:has(.of)").first
    card.evaluate("""(el) => { const num = el.querySelector('.num');
        num.firstChild.textContent = '2992'; num.querySelector('.of').textContent = ' / 3122'; }""")
    assert card.locator(".num").evaluate(
        "(el) => el.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(el).lineHeight)")

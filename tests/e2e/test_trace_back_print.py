"""The monthly trace-back table (倒查月度汇总表) on the county officer's phone and on A4 paper."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_monthly_table_fits_a_phone_and_prints_on_a4_without_the_menus(server, phone, tmp_path):
    # Real school names are long (城关镇第二实验小学): the figures must still show at 360 px.
    server.execute("UPDATE unit SET name = '东镇第一中心实验小学附属学校' WHERE name = '东镇一小'")
    page = phone.open()
    log_in(page, server, "county", next_path="/traceback/monthly")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "the table is cut off at 360 px"
    assert page.locator("tr.total th").inner_text() == "测试县 合计"
    assert page.locator("tr.total td").last.is_visible()
    page.emulate_media(media="print")
    for hidden in (".topbar", ".mainnav", ".nav-more", "form.no-print", ".footer"):
        assert page.locator(hidden).evaluate_all("(els) => els.every((el) => getComputedStyle(el).display === 'none')")
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(255, 255, 255)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and b"/Count 1" in pdf  # the small county's month on one A4 page

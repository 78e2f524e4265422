"""The completeness page's cards name what they count: classes not reported, and schools whose own
daily report is missing (the command view's "reports missing" counts both, so one label for both
figures read as a contradiction)."""
from __future__ import annotations

import re

from .helpers import DAY, at, push, record, report


def cards(page: str) -> dict[str, str]:
    """{label: the figure as read} (a whole is in smaller type: "1<span class="of"> / 2</span>" reads "1 / 2")."""
    return {label: re.sub(r"<[^>]+>", "", num).strip() for num, label in
            re.findall(r'<div class="num">(.*?)</div><div class="label">([^<]*)</div>', page)}


def test_the_cards_count_classes_and_schools_apart(county, as_user):
    push(county.users.homeroom_a1, record("daily_report", report(county.class_a1_1), at(9, 0)))
    client = as_user("township_a")
    client.set_cookie("lang", "en")
    page = client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True)
    shown = cards(page)
    assert shown["Classes not reported"] == "1"  # 一(2)班 of 东镇一小; 东镇中学 has no class
    assert shown["Schools not reported"] == "2"  # neither school filed its own report
    assert shown["Classes reported"] == "1 / 2"
    assert "Reports missing" not in shown


def test_a_teacher_sees_no_school_card(county, as_user):
    client = as_user("homeroom_a1")
    client.set_cookie("lang", "en")
    shown = cards(client.get(f"/reports/completeness?date={DAY}").get_data(as_text=True))
    assert shown["Classes not reported"] == "1" and "Schools not reported" not in shown

"""Days at the edges of the calendar (year 1, year 9999) typed into an office screen's address:
the screen opens on its usual day, never a 500 (the day before or the week after would overflow)."""
from __future__ import annotations

import pytest

FAR = ("0001-01-01", "9999-12-31")


@pytest.mark.parametrize("far", FAR)
def test_far_off_days_in_the_address_open_the_screen(county, as_user, far):
    client = as_user("county")
    school = county.school_a1.id
    month = far[:7]
    urls = [f"/ledgers/online/?date={far}", f"/ledgers/online/day.xlsx?date={far}",
            f"/ledgers/disinfection/unit/{school}/month?month={month}",
            f"/ledgers/disinfection/unit/{school}/month.xlsx?month={month}",
            f"/ledgers/school-duty/school/{school}?week={far}", f"/ledgers/school-duty/school/{school}/week.xlsx?week={far}",
            f"/ledgers/supplies/school/{school}/ledger.xlsx?from={far}&to={far}",
            f"/tracking/?date={far}", f"/tracking/isolation?date={far}", f"/tracking/clearance?date={far}",
            f"/tracking/?unit={school}&date={far}", f"/tracking/clearance?unit={school}&date={far}"]
    for url in urls:
        assert client.get(url).status_code == 200, url

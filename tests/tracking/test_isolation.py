"""Home isolation: the planned end, new exposures, extensions, release rules, missed follow-ups."""
from __future__ import annotations

from datetime import timedelta

from webapp.extensions import db
from webapp.tracking import operations as rules, queries
from webapp.tracking.models import Isolation, IsolationChange

from .helpers import DAY, change, followup, isolation, push_one, recorded


def _start(county, **kwargs):
    result = push_one(county.users.homeroom_a1, "isolation_start", isolation(county.students_a1_1[0], **kwargs),
                      recorded(0))
    assert result["status"] == "accepted", result
    return result["id"]


def _view(county, isolation_id):
    views = queries.isolations(Isolation.record_id == isolation_id, open_only=False)
    return views[0]


def test_planned_end_is_the_last_exposure_plus_the_county_period(county):
    isolation_id = _start(county, started=0, exposure=-2)
    view = _view(county, isolation_id)
    assert view.state.end_on == DAY + timedelta(days=12)  # exposure on DAY-2, 14 days
    assert view.state.day_number(DAY + timedelta(days=5)) == 6 and view.state.total_days == 13


def test_a_new_exposure_moves_the_end_and_keeps_the_first_start(county):
    isolation_id = _start(county, started=0, exposure=-1)
    result = push_one(county.users.homeroom_a1, "isolation_change", change(isolation_id, "exposure", 3), recorded(3))
    assert result["status"] == "accepted", result
    view = _view(county, isolation_id)
    assert view.state.started_on == DAY and view.state.end_on == DAY + timedelta(days=17)
    row = db.session.get(IsolationChange, result["id"])
    assert (row.previous_end_on, row.new_end_on) == (DAY + timedelta(days=13), DAY + timedelta(days=17))


def test_an_extension_needs_a_reason_and_keeps_the_previous_end(county):
    isolation_id = _start(county)
    refused = push_one(county.users.homeroom_a1, "isolation_change", change(isolation_id, "extend", 20), recorded(1))
    assert refused["status"] == "rejected" and set(refused["errors"]) == {"reason"}
    accepted = push_one(county.users.homeroom_a1, "isolation_change", change(isolation_id, "extend", 20, "复查未出"),
                        recorded(1))
    row = db.session.get(IsolationChange, accepted["id"])
    assert row.previous_end_on == DAY + timedelta(days=13) and row.new_end_on == DAY + timedelta(days=20)
    shorten = push_one(county.users.homeroom_a1, "isolation_change", change(isolation_id, "shorten", 25, "x"),
                       recorded(1))
    assert shorten["status"] == "rejected" and set(shorten["errors"]) == {"on"}


def test_release_needs_the_last_days_followup_or_a_reason(county):
    isolation_id = _start(county, started=0, exposure=-13)  # ends on DAY + 1
    user = county.users.homeroom_a1
    refused = push_one(user, "isolation_change", change(isolation_id, "release", 1), recorded(1))
    assert refused["status"] == "rejected" and set(refused["errors"]) == {"reason"}
    early = push_one(user, "isolation_change", change(isolation_id, "release", 0), recorded(1))
    assert early["status"] == "rejected" and "reason" in early["errors"]
    assert push_one(user, "isolation_followup", followup(isolation_id, 1), recorded(1))["status"] == "accepted"
    released = push_one(user, "isolation_change", change(isolation_id, "release", 1), recorded(1))
    assert released["status"] == "accepted", released
    view = _view(county, isolation_id)
    assert view.state.released_on == DAY + timedelta(days=1) and view.state.released_by == user.id
    again = push_one(user, "isolation_change", change(isolation_id, "extend", 30, "x"), recorded(2))
    assert again["status"] == "rejected" and set(again["errors"]) == {"isolation_id"}
    assert queries.open_isolations(county.school_a1) == []


def test_one_open_isolation_per_person(county):
    _start(county)
    again = push_one(county.users.homeroom_a1, "isolation_start", isolation(county.students_a1_1[0]), recorded(0))
    assert again["status"] == "rejected" and set(again["errors"]) == {"student_id"}


def test_missed_followups_count_today_only_after_the_cut_off(county):
    isolation_id = _start(county, started=0, exposure=-1)
    push_one(county.users.homeroom_a1, "isolation_followup", followup(isolation_id, 1), recorded(1))
    view = _view(county, isolation_id)
    today = DAY + timedelta(days=3)
    before = rules.missed_days(view.state, view.followed, today, past_cutoff=False)
    after = rules.missed_days(view.state, view.followed, today, past_cutoff=True)
    assert before == [DAY, DAY + timedelta(days=2)]
    assert after == before + [today]
    lists = queries.isolation_lists(county.school_a1, today, past_cutoff=True)
    assert [v.row.record_id for v in lists["no_followup"]] == [isolation_id]
    assert lists["due"] == []


def test_a_followup_of_an_isolation_outside_the_area_is_refused(county):
    isolation_id = _start(county)
    other = push_one(county.users.homeroom_b1, "isolation_followup", followup(isolation_id, 0), recorded(0))
    assert other["status"] == "rejected" and other["code"] == "forbidden"
    bad = push_one(county.users.homeroom_a1, "isolation_followup", followup("not-a-uuid", 0), recorded(0))
    assert bad["status"] == "rejected" and set(bad["errors"]) == {"isolation_id"}

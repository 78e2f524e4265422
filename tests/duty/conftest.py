"""Checkpoint duty fixtures: a checkpoint in each township's village, on top of the small county."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from webapp.duty import clock
from webapp.duty import operations as ops
from webapp.extensions import db
from webapp.org.models import Staff


@pytest.fixture
def duty(county):
    """东村卡点 (village A, township A) and 西村卡点 (village B, township B); a volunteer in each village.

    `monday` is a Monday two weeks ahead, so roster tests never depend on the time of day.
    """
    d = SimpleNamespace(county=county, today=clock.local_today())
    d.monday = clock.week_start(d.today) + timedelta(days=14)
    start = d.today - timedelta(days=30)
    d.cp_a = ops.save_checkpoint(None, county.users.township_a, name="东村卡点", unit=county.village_a,
                                 address="东村村口", active_from=start, active_to=None, leader=county.teacher_a1_1)
    d.cp_b = ops.save_checkpoint(None, county.users.county, name="西村卡点", unit=county.village_b,
                                 address="西村桥头", active_from=start, active_to=None, leader=None)
    d.volunteer_a = county.volunteer
    d.volunteer_b = Staff(unit=county.village_b, name="钱志愿", phone="13900000019", is_volunteer=True)
    db.session.add(d.volunteer_b)
    db.session.commit()
    return d


@pytest.fixture(autouse=True)
def _request_context(app):
    """Operations called directly still translate their messages, which needs a request's locale."""
    with app.test_request_context("/"):
        yield

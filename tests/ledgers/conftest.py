"""Ledger fixtures: the county's supply items on top of the small county (tests/factories.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from webapp.duty import clock
from webapp.extensions import db
from webapp.ledgers.supplies import operations as supplies
from webapp.ledgers.supplies.models import Basis


@pytest.fixture
def items(county):
    """Masks: 2 per head per day, 7 days kept; thermometers: 2 per school; sanitizer: 1 bottle per class."""
    s = SimpleNamespace(today=clock.local_today())
    s.masks = supplies.save_item(None, name="口罩", unit="个", basis=Basis.head_day, standard=2, reserve_days=7,
                                 active=True, position=1)
    s.thermometers = supplies.save_item(None, name="红外测温仪", unit="支", basis=Basis.school, standard=2,
                                        reserve_days=7, active=True, position=2)
    s.sanitizer = supplies.save_item(None, name="免洗洗手液", unit="瓶", basis=Basis.klass, standard=1,
                                     reserve_days=7, active=True, position=3)
    db.session.commit()
    return s


@pytest.fixture
def areas(county):
    """School A1: two classrooms (07:30, 12:30 by default), the canteen at 10:30 only, the gate (07:00);
    school B1: its gate."""
    from webapp.ledgers.disinfection import operations as dis
    from webapp.ledgers.disinfection.models import AreaKind
    a = SimpleNamespace()
    user = county.users.county
    a.room1 = dis.save_area(None, user, county.school_a1, name="一(1)班教室", kind=AreaKind.classroom, due_times=None,
                            active=True)
    a.room2 = dis.save_area(None, user, county.school_a1, name="一(2)班教室", kind=AreaKind.classroom, due_times=None,
                            active=True)
    a.canteen = dis.save_area(None, user, county.school_a1, name="食堂", kind=AreaKind.canteen, due_times="10:30",
                              active=True)
    a.gate = dis.save_area(None, user, county.school_a1, name="校门", kind=AreaKind.gate, due_times=None, active=True)
    a.gate_b = dis.save_area(None, user, county.school_b1, name="校门", kind=AreaKind.gate, due_times=None, active=True)
    db.session.commit()
    return a


@pytest.fixture
def plan(county):
    """The county's plan of three items."""
    from webapp.ledgers.reopening import operations as reopening
    p = SimpleNamespace()
    p.campus = reopening.save_item(None, title="校园全面消毒", detail=None, position=1, active=True)
    p.supplies = reopening.save_item(None, title="防疫物资按标准储备", detail=None, position=2, active=True)
    p.drill = reopening.save_item(None, title="应急处置演练", detail=None, position=3, active=True)
    db.session.commit()
    return p

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

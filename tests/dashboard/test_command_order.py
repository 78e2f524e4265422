"""The command view's units below: the most missing first, then the most fevers, and among equals in
the school's order (一年级, 二年级, 三年级), not in the order they were created."""
from __future__ import annotations

from webapp.dashboard.command import command
from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import Role, UnitKind
from webapp.org.settings import local_today


def test_units_below_with_equal_figures_come_in_the_schools_order(county):
    school = org.create_unit(UnitKind.school, "东镇二小", county.township_a)
    for name in ("三年级", "十年级", "二年级", "一年级"):
        org.create_unit(UnitKind.grade, name, school)
    db.session.commit()
    below = command(school, local_today(), Role.school_admin).children
    assert [line.unit.name for line in below] == ["一年级", "二年级", "三年级", "十年级"]

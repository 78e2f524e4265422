"""A unit's children come in the school's order (一年级, 二年级 … 十年级; 一(2)班 before 一(10)班), not in
the order of the characters' code points (一、三、二、五、六、四年级), on every screen that lists them."""
from __future__ import annotations

from webapp.extensions import db
from webapp.org import operations as org
from webapp.org.models import UnitKind
from webapp.tracking.listing import per_child


def test_children_come_in_the_schools_order(county, as_user):
    school = org.create_unit(UnitKind.school, "东镇二小", county.township_a)
    for name in ("三年级", "十年级", "五年级", "二年级", "四年级", "一年级", "六年级"):
        org.create_unit(UnitKind.grade, name, school)
    db.session.commit()
    db.session.expire_all()
    expected = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "十年级"]
    assert [child.name for child in school.children] == expected
    assert [unit.name for unit, _count in per_child(school, {})] == expected
    page = as_user("county").get(f"/?unit_id={school.id}").get_data(as_text=True)
    assert [page.index(name) for name in expected] == sorted(page.index(name) for name in expected)

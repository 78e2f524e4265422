"""The roll of each class (class_roll) is kept by the database: whatever writes the students
(the ORM, a bulk update, a delete), it is the count of the active students of the class."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from webapp.extensions import db
from webapp.org.models import Student
from webapp.org.roll import ClassRoll


def _rolls() -> dict[int, int]:
    return {row.class_id: row.students for row in db.session.scalars(select(ClassRoll)) if row.students}


def _counted() -> dict[int, int]:
    return dict(db.session.execute(select(Student.class_id, func.count()).where(Student.active.is_(True))
                                   .group_by(Student.class_id)).all())


def test_the_roll_is_the_active_students_of_each_class(county):
    assert _rolls() == _counted() == {county.class_a1_1.id: 5, county.class_a1_2.id: len(county.students_a1_2),
                                      county.class_b1_1.id: len(county.students_b1_1)}


def test_the_roll_follows_every_kind_of_write(county):
    a, b = county.students_a1_1[:2]
    a.active = False  # left the school
    b.class_id = county.class_b1_1.id  # moved to another school's class
    db.session.commit()
    assert _rolls()[county.class_a1_1.id] == 3 and _rolls() == _counted()
    a.active = True
    a.name = "改名"  # another column with it: counted once
    db.session.commit()
    assert _rolls()[county.class_a1_1.id] == 4 and _rolls() == _counted()
    db.session.execute(update(Student).where(Student.class_id == county.class_a1_2.id).values(active=False))
    db.session.execute(update(Student).where(Student.class_id == county.class_b1_1.id)
                       .values(class_id=county.class_a1_2.id, active=True))
    db.session.commit()
    assert county.class_b1_1.id not in _rolls() and _rolls() == _counted()
    db.session.execute(delete(Student).where(Student.id == a.id))
    db.session.commit()
    assert _rolls() == _counted()
    db.session.add(Student(class_id=county.class_b1_1.id, student_no="N001", name="新生", gender=a.gender))
    db.session.commit()
    assert _rolls()[county.class_b1_1.id] == 1 and _rolls() == _counted()

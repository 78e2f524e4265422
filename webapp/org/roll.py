"""The roll: how many active students each class has, kept by the database itself.

Every leaders' screen divides by it (checked 38 of 40) and a county's completeness used to count its
200,000 students for every request. `class_roll` holds one row per class, moved by triggers on
`student` (insert, delete, and an update of `active` or `class_id`), so no path that writes
students (the form, the importer, the demo, a restore) can leave it behind. The same statements
run in migration 0025 and after `create_all` (tests, benches).
"""
from __future__ import annotations

from sqlalchemy import DDL, ForeignKey, event, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .county import county_key


class ClassRoll(db.Model):
    """The active students of a class (kept by the triggers of ROLL_SQL; never written by the app)."""

    __tablename__ = "class_roll"

    class_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    county_id: Mapped[int] = county_key("class_id", index=False)  # the students' (written by the triggers)
    students: Mapped[int] = mapped_column(default=0)


def students_per_class(units):
    """The query of the active students per class of `units` (ids or a subquery): (class_id, n)."""
    return select(ClassRoll.class_id, ClassRoll.students.label("n")).where(
        ClassRoll.class_id.in_(units), ClassRoll.students > 0)


_ADD = ("INSERT INTO class_roll (class_id, county_id, students) VALUES (NEW.class_id, NEW.county_id, 1) "
        "ON CONFLICT (class_id) DO UPDATE SET students = class_roll.students + 1")
_TAKE = "UPDATE class_roll SET students = students - 1 WHERE class_id = OLD.class_id"
ROLL_SQL = {
    "postgresql": (
        f"""CREATE OR REPLACE FUNCTION class_roll_move() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.active THEN
    {_TAKE};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.active THEN
    {_ADD};
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        "CREATE OR REPLACE TRIGGER student_class_roll AFTER INSERT OR DELETE OR UPDATE OF active, class_id ON student "
        "FOR EACH ROW EXECUTE FUNCTION class_roll_move()",
    ),
    "sqlite": (
        f"CREATE TRIGGER IF NOT EXISTS student_roll_insert AFTER INSERT ON student WHEN NEW.active BEGIN {_ADD}; END",
        f"CREATE TRIGGER IF NOT EXISTS student_roll_delete AFTER DELETE ON student WHEN OLD.active BEGIN {_TAKE}; END",
        f"CREATE TRIGGER IF NOT EXISTS student_roll_leave AFTER UPDATE OF active, class_id ON student WHEN OLD.active "
        f"BEGIN {_TAKE}; END",
        f"CREATE TRIGGER IF NOT EXISTS student_roll_join AFTER UPDATE OF active, class_id ON student WHEN NEW.active "
        f"BEGIN {_ADD}; END",
    ),
}
FILL_SQL = ("INSERT INTO class_roll (class_id, county_id, students) "
            "SELECT class_id, min(county_id), count(*) FROM student WHERE active GROUP BY class_id")

# After every table exists (the triggers are on `student`, they write `class_roll`); again on every
# create_all, which makes what is missing only.
for _dialect, _statements in ROLL_SQL.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))

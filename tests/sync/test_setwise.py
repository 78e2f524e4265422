"""The set-wise engine: a kind's whole group in a few statements, groups in order, one record at a time
only when a set insert fails — with the same answers as record by record."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from tests.sync.helpers import note, push, statuses
from webapp.errors import OutOfScope, RuleError
from webapp.extensions import db
from webapp.health.models import CheckSession, HealthCheck
from webapp.org.models import Student
from webapp.org.scoping import scoped_by_id
from webapp.sync import registry
from webapp.sync.models import SyncRecord
from webapp.sync.registry import Field, RecordKind, per_item


def _marks(state: SimpleNamespace):
    """`test_mark`: a check row per record, stored set-wise. Some texts act up on purpose."""
    def prepare(batch, items):
        state.groups.append(len(items))
        state.checks_seen.append(db.session.scalar(select(func.count()).select_from(HealthCheck)))
        if any(item.data["text"] == "crash" for item in items):
            raise RuntimeError("a bug in the kind that trips over one record")
        students = scoped_by_id(Student, {item.data["student_id"] for item in items}, batch.user,
                                columns=(Student.class_id,))

        def row(item):
            student = students.get(item.data["student_id"])
            if student is None:
                raise OutOfScope("Not in your area.", "student_id")
            if item.data["text"] == "refuse":
                raise RuleError("Refused by the kind's rule.", "text")
            both = item.data["text"] == "two-people"  # breaks the table's CHECK: only the database sees it
            return {HealthCheck: {
                "record_id": item.id, "student_id": student.id, "staff_id": student.id if both else None,
                "unit_id": student.class_id, "date": item.recorded_at.date(), "session": CheckSession.morning,
                "present": True, "absence_reason": None, "symptoms": [], "temperature": None, "fever": False,
                "other_symptoms": False, "note": item.data["text"], **batch.stamp(item),
                "effective_at": item.effective_at}}
        return per_item(items, row)
    return prepare


@pytest.fixture
def mark_kind():
    state = SimpleNamespace(groups=[], checks_seen=[])
    registry.register(RecordKind(name="test_mark", prepare=_marks(state), description="tests only",
                                 fields=(Field("student_id", "integer"),
                                         Field("text", "string", required=False, nullable=True, max_length=50))))
    yield state
    registry.unregister("test_mark")


@pytest.fixture
def teacher(county, mark_kind, note_kind, as_user):
    return as_user("homeroom_a1")


def mark(student_id: int, text: str | None = None) -> dict:
    return note(student_id, text, kind="test_mark")


class Statements:
    def __init__(self):
        self.sql: list[str] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args):
        self.sql.append(statement)


def stored_checks() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(HealthCheck))


def test_a_group_costs_the_same_few_statements_for_one_record_or_a_hundred(teacher, county, mark_kind):
    ids = [student.id for student in county.students_a1_1]
    push(teacher, [mark(ids[0])])  # the first request of a session loads a little more
    with Statements() as one:
        push(teacher, [mark(ids[0])])
    batch = [mark(ids[i % 5]) for i in range(100)]
    with Statements() as hundred:
        response = push(teacher, batch)
    assert statuses(response) == [("accepted", None)] * 100
    assert len(hundred.sql) == len(one.sql) < 20
    inserts = [s for s in hundred.sql if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2  # the envelopes, the typed rows
    assert mark_kind.groups == [1, 1, 100] and stored_checks() == 102


def test_one_record_the_database_refuses_sends_its_group_one_by_one_and_only_it_is_rejected(teacher, county, caplog):
    students = county.students_a1_1
    batch = [mark(students[0].id), mark(students[1].id, "two-people"), mark(students[2].id)]
    response = push(teacher, batch)
    assert statuses(response) == [("accepted", None), ("rejected", "invalid"), ("accepted", None)]
    assert set(response.get_json()["results"][1]["errors"]) == {"data"}
    assert stored_checks() == 2
    assert db.session.get(SyncRecord, batch[1]["id"]) is None  # its envelope went back with it
    assert batch[1]["id"] in caplog.text


def test_rule_errors_and_scope_come_from_the_same_prepare_in_both_paths(teacher, county):
    students, outside = county.students_a1_1, county.students_b1_1[0]
    batch = [mark(students[0].id, "refuse"), mark(outside.id), mark(students[1].id)]
    set_wise = statuses(push(teacher, batch))
    fallback = statuses(push(teacher, [mark(students[0].id, "refuse"), mark(outside.id), mark(students[1].id),
                                       mark(students[2].id, "two-people")]))
    assert set_wise == [("rejected", "invalid"), ("rejected", "forbidden"), ("accepted", None)]
    assert fallback == set_wise + [("rejected", "invalid")]


def test_a_bug_in_a_prepare_costs_only_the_record_it_trips_over(teacher, county, mark_kind):
    students = county.students_a1_1
    response = push(teacher, [mark(students[0].id), mark(students[1].id, "crash"), mark(students[2].id)])
    assert statuses(response) == [("accepted", None), ("rejected", "invalid"), ("accepted", None)]
    assert mark_kind.groups == [3, 1, 1, 1]  # the group, then each record on its own
    assert stored_checks() == 2


def test_kinds_run_in_the_order_they_first_appear_and_see_the_groups_before(teacher, county, mark_kind, note_kind):
    students = county.students_a1_1
    batch = [note(students[0].id), mark(students[0].id), note(students[1].id), mark(students[1].id)]
    assert statuses(push(teacher, batch)) == [("accepted", None)] * 4
    assert [ctx.record_id for ctx in note_kind.applied] == [batch[0]["id"], batch[2]["id"]]
    batch = [mark(students[2].id), mark(students[3].id), {**note(students[2].id), "kind": "test_mark"}]
    push(teacher, batch)
    assert mark_kind.checks_seen == [0, 2]  # each push's group saw what earlier pushes stored


def test_a_record_twice_in_a_batch_is_judged_against_its_first_copy(teacher, county):
    first = mark(county.students_a1_1[0].id)
    changed = {**first, "data": {**first["data"], "text": "other"}}
    refused = mark(county.students_a1_1[1].id, "refuse")
    response = push(teacher, [first, dict(first), changed, refused, dict(refused)])
    assert statuses(response) == [("accepted", None), ("duplicate", None), ("rejected", "conflict"),
                                  ("rejected", "invalid"), ("rejected", "invalid")]
    assert stored_checks() == 1


def test_a_kind_declares_prepare_or_apply():
    with pytest.raises(TypeError):
        RecordKind(name="neither", fields=())
    with pytest.raises(TypeError):
        RecordKind(name="both", fields=(), apply=lambda ctx, data: None, prepare=lambda batch, items: [])


def test_every_registered_kind_is_set_wise(app):
    """The app's own kinds all declare prepare (only test kinds write one record at a time)."""
    kinds = [kind for kind in registry.all_kinds() if not kind.name.startswith("test_")]
    assert kinds and all(kind.prepare is not None and kind.apply is None for kind in kinds)

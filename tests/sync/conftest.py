"""A test-only record kind, so the engine's tests depend on no area's kinds."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import OperationalError

from webapp.errors import OutOfScope, RuleError
from webapp.extensions import db
from webapp.org.models import Student
from webapp.org.scoping import in_scope
from webapp.sync import registry
from webapp.sync.registry import Field, RecordKind


def _make_apply(state: SimpleNamespace):
    def apply(ctx, data):
        """Check the student is in the user's scope, like a real kind; some texts act up on purpose."""
        student = db.session.get(Student, data["student_id"])
        if student is None or not in_scope(student.klass, ctx.user):
            raise OutOfScope("This student is not in your area.", "student_id")
        if data["text"] == "refuse":
            raise RuleError("Refused by the kind's rule.", "text")
        if data["text"] == "boom":
            raise RuntimeError("a bug in the kind")
        if data["text"] == "db-down":
            raise OperationalError("SELECT 1", {}, Exception("the database went away"))
        state.applied.append(ctx)
        if state.delay:
            time.sleep(state.delay)  # lets concurrent pushes overlap
    return apply


@pytest.fixture
def note_kind():
    """Register `test_note` {student_id, text, count}; .applied lists the ApplyContext of each apply."""
    state = SimpleNamespace(applied=[], delay=0.0)
    kind = RecordKind(
        name="test_note", description="A note about a student (tests only).", apply=_make_apply(state),
        fields=(Field("student_id", "integer"),
                Field("text", "string", required=False, nullable=True, max_length=50),
                Field("count", "integer", required=False, nullable=True, minimum=0, maximum=10)))
    registry.register(kind)
    yield state
    registry.unregister("test_note")

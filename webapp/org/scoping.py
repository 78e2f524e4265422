"""The one place that limits what a user may see: their scope unit's subtree.

Every view asks `scoped(Model)` (a select already limited to the user's subtree) or
`get_scoped(Model, id)` (404 when the row exists but lies outside the scope). A view never
filters by hand.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
import uuid

from sqlalchemy import ARRAY, Integer, Select, Uuid, any_, bindparam, cast, func, or_, select
from sqlalchemy.orm import aliased

from ..database import array_literal
from ..extensions import db
from .models import Role, Unit, User


def subtree_ids(root: Unit) -> Select:
    """The ids of `root` and every unit below it, as a subquery.

    The path's prefix is written into the statement, not sent as a parameter, so that PostgreSQL
    knows how many units it matches. As a parameter, psycopg's prepared statement got a generic plan
    that guessed a few units for `path LIKE $1`: for a county admin's push, the scope check of a
    batch of 100 students then walked every student of the county (1.5 s a batch at 200,000).
    """
    return select(Unit.id).where(in_subtree(root))


def in_subtree(root: Unit):
    """The condition on `Unit`: the unit is `root` or below it (its path's prefix written into the statement)."""
    prefix = root.path.replace("^", "^^").replace("%", "^%").replace("_", "^_") + "%"
    return Unit.path.like(bindparam(None, prefix, literal_execute=True), escape="^")


def id_at_level(level: int, path=Unit.path):
    """SQL: the id of a unit's ancestor at `level` (1 the county, 2 its township, 3 its school…),
    read off its path ("/1/4/17/"); NULL for a unit above that level."""
    return cast(func.nullif(func.split_part(path, "/", level + 1), ""), Integer)


def child_id(scope: Unit, path=Unit.path):
    """SQL: the id of the unit right below `scope` that a unit of its subtree lies under (NULL: the scope itself)."""
    return id_at_level(len(scope.ancestor_ids) + 1, path)


def scope_clause(model, user: User | None = None):
    """The WHERE clause that keeps `model`'s rows inside the user's subtree.

    A subject teacher's scope is a whole school, yet she sees only the students she answers for:
    a model holding a student's data names its student column in `__student_column__`, and for a
    subject teacher its rows are those of her students (a row of a staff member has none, so
    colleagues' health data stays with the school's leaders).
    """
    user = user or current_user
    column = getattr(model, model.__scope_column__)
    clause = column.in_(subtree_ids(user.scope))
    student_column = getattr(model, "__student_column__", None)
    if student_column and user.role is Role.teacher:
        clause = clause & getattr(model, student_column).in_(students_answered_for(user))
    return clause


def students_answered_for(user: User) -> Select:
    """The ids of the students a staff member answers for: linked one by one (三包一), or in a class or
    grade she is responsible for. A subquery; empty for an account with no staff record."""
    from .models import Responsibility, Student
    open_links = (Responsibility.staff_id == user.staff_id) & Responsibility.valid_to.is_(None)
    linked = aliased(Unit)
    in_units = (select(Unit.id).join(linked, Unit.path.startswith(linked.path))
                .join(Responsibility, Responsibility.unit_id == linked.id).where(open_links))
    return select(Student.id).where(or_(Student.id.in_(select(Responsibility.student_id).where(open_links)),
                                        Student.class_id.in_(in_units)))


def scoped(model, user: User | None = None) -> Select:
    """SELECT model limited to the user's subtree."""
    return select(model).where(scope_clause(model, user))


MAX_ID = 2**31 - 1  # the databases' INTEGER: a larger id cannot exist, and would raise instead of 404


def get_scoped(model, ident, user: User | None = None):
    """The row with this id if it lies in the user's subtree, else 404 (never reveal it exists)."""
    if isinstance(model.id.type, Integer):
        ident = _integer_id(ident)
    elif isinstance(model.id.type, Uuid):
        ident = _uuid_id(ident)
    row = db.session.execute(scoped(model, user).where(model.id == ident)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def get_or_404(model, ident):
    """A row of a county-wide list (no scope: the county's supply items, its plan template) by its integer
    id, else 404; an id no database integer can hold is 404 too, never a database error."""
    row = db.session.get(model, _integer_id(ident))
    if row is None:
        abort(404)
    return row


def _uuid_id(ident) -> str:
    """A record id in its canonical form; anything that is no UUID cannot exist (404, not a database error)."""
    try:
        return str(uuid.UUID(str(ident)))
    except ValueError:
        abort(404)


def _integer_id(ident) -> int:
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident <= MAX_ID:
        abort(404)
    return ident


def scoped_by_id(model, ids, user: User | None = None, columns: tuple = (), join: tuple | None = None) -> dict:
    """The rows of `model` among `ids` that lie in the user's subtree, by id: one query for a whole batch.

    An id outside the subtree and an id that does not exist are both simply absent (the caller
    answers both the same way). With `columns`, each row is (id, *columns) with attribute access
    instead of an ORM object; `join` = (target, onclause) joins another table for those columns.
    """
    wanted = {ident for ident in ids if isinstance(ident, int) and 0 < ident <= MAX_ID}
    if not wanted:
        return {}
    if db.session.get_bind().dialect.name == "postgresql":  # one parameter, whatever the number of ids
        matching = model.id == any_(cast(bindparam("ids", array_literal(sorted(wanted))), ARRAY(Integer)))
    else:
        matching = model.id.in_(wanted)
    query = scoped(model, user).where(matching)
    if not columns:
        return {row.id: row for row in db.session.scalars(query)}
    query = query.with_only_columns(model.id, *columns)
    if join is not None:
        query = query.join_from(model, *join)
    return {row.id: row for row in db.session.execute(query)}


def in_scope(unit: Unit, user: User | None = None) -> bool:
    user = user or current_user
    return user.scope.contains(unit)

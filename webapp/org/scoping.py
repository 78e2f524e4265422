"""The one place that limits what a user may see: their scope unit's subtree.

Every view asks `scoped(Model)` (a select already limited to the user's subtree) or
`get_scoped(Model, id)` (404 when the row exists but lies outside the scope). A view never
filters by hand.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
import uuid

from sqlalchemy import Integer, Select, Uuid, select

from ..extensions import db
from .models import Unit, User


def subtree_ids(root: Unit) -> Select:
    """The ids of `root` and every unit below it, as a subquery."""
    return select(Unit.id).where(Unit.path.startswith(root.path, autoescape=True))


def scope_clause(model, user: User | None = None):
    """The WHERE clause that keeps `model`'s rows inside the user's subtree."""
    user = user or current_user
    column = getattr(model, model.__scope_column__)
    return column.in_(subtree_ids(user.scope))


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
    query = scoped(model, user).where(model.id.in_(wanted))
    if not columns:
        return {row.id: row for row in db.session.scalars(query)}
    query = query.with_only_columns(model.id, *columns)
    if join is not None:
        query = query.join_from(model, *join)
    return {row.id: row for row in db.session.execute(query)}


def in_scope(unit: Unit, user: User | None = None) -> bool:
    user = user or current_user
    return user.scope.contains(unit)

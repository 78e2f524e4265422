"""The county key: every table of county data carries `county_id`, the id of its county (the root unit).

A province that outgrows one database shards by county (docs/scaling.md, "The county key"): every
row must then say which county it belongs to without a join. The column is declared once per
table with `county_key(source)`, where `source` names the column(s) the county comes from (a
unit, or a row of another county-keyed table: a trip's screening, a chunk's job). It is filled

- in the push, set-wise: every record of a push is in the pushing user's county (the scope checks
  of each kind see to it), so `fill_rows(table, rows, county_id)` stamps the batch's county on the
  envelopes and typed rows without a query (webapp/sync/store.py);
- by other Core inserts (the ledgers' derived state, demo data, imports): `fill_rows(table, rows)`
  reads the sources' counties in one query per table;
- by the ORM (admin screens, imports, tests): `before_insert` below, from the source column, with
  one query per distinct source row and flush.

A county's own unit row learns its id only when inserted: `after_insert` sets it (the only
moment a `unit.county_id` is NULL). The tables without the key are listed in GLOBAL_TABLES.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Table, event, select, update
from sqlalchemy.orm import Session, mapped_column, object_session

from ..extensions import db

# Tables that hold no county's data, and why (tests/test_county_key.py checks that every other has the key).
GLOBAL_TABLES = {
    "disinfection_default": "the due times per kind of area: one catalogue for every county of the database",
    "reopening_item": "the reopening plan's template items: one catalogue for every county of the database",
    "supply_item": "the supplies catalogue and its standards: one catalogue for every county of the database",
}
_CACHE = "county_of"


def county_key(*source: str, index: bool = True, nullable: bool = False, unreferenced: str | None = None):
    """The `county_id` column of a table whose county comes from the first non-null of `source`.

    It refers to the county's unit by a foreign key, except where `unreferenced` says why not.
    """
    info = {"county_from": source, **({"unreferenced": unreferenced} if unreferenced else {})}
    if unreferenced:
        return mapped_column(db.Integer, index=index, nullable=nullable, info=info)
    return mapped_column(ForeignKey("unit.id"), index=index, nullable=nullable, info=info)


# Where every pushed record writes a row, the key has no foreign key: its check locks the county's unit
# row (FOR KEY SHARE) from every push of the county at once (measured on bench/leaders.py's county day:
# 124 s with it, 111 s without). The push stamps the pushing user's own county there (fill_rows).
HOT_ROW = "written for every pushed record: a foreign key would lock the county's unit row from every push at once"


def sources(table: Table) -> tuple[str, ...]:
    return table.c.county_id.info.get("county_from", ()) if "county_id" in table.c else ()


def _referred(table: Table, column: str) -> Table:
    return next(iter(table.c[column].foreign_keys)).column.table


def lookup(connection, referred: Table, ids: set[int]) -> dict:
    """id -> county of these rows of `referred` (a unit, or a county-keyed row)."""
    if not ids:
        return {}
    key = referred.primary_key.columns.values()[0]
    return dict(connection.execute(select(key, referred.c.county_id).where(key.in_(ids))).all())


def fill_rows(table: Table, rows: list[dict], county_id: int | None = None) -> list[dict]:
    """Give every row of `table` without a county_id its county: `county_id` when the caller knows
    it (a push), else read from the rows' sources set-wise. Rows are changed in place; returned."""
    if "county_id" not in table.c or not rows:
        return rows
    missing = [row for row in rows if row.get("county_id") is None]
    if county_id is not None:
        for row in missing:
            row["county_id"] = county_id
        return rows
    for column in sources(table):
        if not missing:
            break
        wanted = {row[column] for row in missing if row.get(column) is not None}
        found = lookup(db.session.connection(), _referred(table, column), wanted)
        for row in missing:
            row["county_id"] = found.get(row.get(column))
        missing = [row for row in missing if row["county_id"] is None]
    return rows


# ---- the ORM -------------------------------------------------------------------------------

def _county_of(connection, target, table: Table, column: str, value):
    referred = _referred(table, column)
    session = object_session(target)
    cache = session.info.setdefault(_CACHE, {}) if session is not None else {}
    if (referred.name, value) not in cache:
        cache[(referred.name, value)] = lookup(connection, referred, {value}).get(value)
    return cache[(referred.name, value)]


def _before_insert(mapper, connection, target) -> None:
    table = mapper.local_table
    if not isinstance(table, Table) or getattr(target, "county_id", None) is not None:
        return
    for column in sources(table):
        value = getattr(target, mapper.get_property_by_column(table.c[column]).key, None)
        if value is not None:
            target.county_id = _county_of(connection, target, table, column, value)
            if target.county_id is not None:
                return


def _after_unit_insert(mapper, connection, target) -> None:
    """A county's own row: its county is itself, known once it has an id."""
    if target.county_id is None and target.parent_id is None:
        connection.execute(update(mapper.local_table).where(mapper.local_table.c.id == target.id)
                           .values(county_id=target.id))
        from sqlalchemy.orm.attributes import set_committed_value
        set_committed_value(target, "county_id", target.id)


def _forget(session, *_args) -> None:
    session.info.pop(_CACHE, None)  # ids may be reused after a rollback: the cache lives one flush


def install() -> None:
    """Listen on every model (called once, after the models are imported)."""
    if getattr(install, "done", False):
        return
    install.done = True
    event.listen(db.Model, "before_insert", _before_insert, propagate=True)
    from .models import Unit
    event.listen(Unit, "after_insert", _after_unit_insert)
    event.listen(Session, "after_flush_postexec", _forget)
    event.listen(Session, "after_soft_rollback", _forget)

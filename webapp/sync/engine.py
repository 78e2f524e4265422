"""The push engine: stores a batch of field records exactly once, each judged on its own.

A record's id (a UUID made on the phone) is the primary key of `sync_record`. Each record is
inserted with an insert that ignores a conflict on that key, inside its own SAVEPOINT; the area's
`apply` runs only when the row was really inserted. So a retry, a file uploaded after a push, or
two copies of a batch arriving at the same moment on two connections store one row: the database
decides, not a read-then-write. A record whose id is already stored is a `duplicate` when its
content (kind + recorded_at + data) is the same and a `conflict` when it is not.

The caller (a view) commits once after the whole batch. A broken record never sinks the batch;
only a database that cannot be reached (OperationalError) aborts it, so that the phone keeps
every record and sends the batch again.
"""
from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import User, utcnow
from . import registry
from .models import SyncRecord
from .registry import RecordKind

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
INVALID, CONFLICT, FORBIDDEN, UNKNOWN_KIND = "invalid", "conflict", "forbidden", "unknown_kind"
DEVICE_ID_MAX = 64
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class ApplyContext:
    """What an area's `apply(ctx, data)` knows about the record besides its data."""

    record_id: str
    user: User
    device_id: str
    recorded_at: datetime  # naive UTC
    recorded_offset_minutes: int
    received_at: datetime  # naive UTC


class BatchError(Exception):
    """The whole batch is refused (not JSON, wrong shape, too many records); nothing is stored."""

    def __init__(self, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.message, self.status, self.extra = message, status, extra

    def as_json(self) -> dict:
        return {"error": self.message, "status": self.status, **self.extra}


class Rejected(Exception):
    """One record is refused: `code` and `errors` ({field: reason}) go back to the phone."""

    def __init__(self, code: str, errors: dict):
        super().__init__(code)
        self.code, self.errors = code, errors


@dataclass(frozen=True)
class Envelope:
    """A record whose id, kind, recorded_at and data have the right shape."""

    id: str
    kind: RecordKind
    recorded_at: datetime  # aware, with the phone's offset
    data: dict


# ---- the batch -----------------------------------------------------------------------------

def read_json(raw: bytes | str):
    """The JSON in a request body or an uploaded file; BatchError saying why it is not JSON."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        # NaN and Infinity (also 1e400) are not JSON numbers, and they would slip past bound checks.
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise BatchError(_("The body is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise BatchError(_("The body is not valid JSON (line %(line)s, column %(column)s: %(reason)s).",
                           line=error.lineno, column=error.colno, reason=error.msg)) from None
    except (ValueError, RecursionError):
        raise BatchError(_("The body is not valid JSON.")) from None


def _refuse_constant(name: str):
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_batch(body, limit: int) -> tuple[str, list]:
    """(device id, records) of a push body, or BatchError: 400 for its shape, 413 over `limit`."""
    if not isinstance(body, dict):
        raise BatchError(_("The body must be a JSON object with \"device_id\" and \"records\"."))
    records = body.get("records")
    if not isinstance(records, list):
        raise BatchError(_("\"records\" must be a list of records."))
    if len(records) > limit:
        raise BatchError(_("A batch may hold at most %(limit)s records; this one has %(count)s. "
                           "Send them in smaller batches.", limit=limit, count=len(records)),
                         status=413, limit=limit)
    device_id = body.get("device_id")
    if not isinstance(device_id, str) or not 0 < len(device_id.strip()) <= DEVICE_ID_MAX:
        raise BatchError(_("\"device_id\" must be a text of 1 to %(n)s characters.", n=DEVICE_ID_MAX))
    return device_id.strip(), records


@dataclass(frozen=True)
class Batch:
    """What the records of one push share: who sent them, from which device, received when."""

    user: User
    device_id: str
    received_at: datetime  # naive UTC
    stored: dict  # id -> content hash of the batch's records stored before it arrived


def push(user: User, body, limit: int) -> list[dict]:
    """Store a push body's records as `user`: one result per record, in order. Flushes, never commits."""
    device_id, records = parse_batch(body, limit)
    _begin_write_transaction()
    batch = Batch(user, device_id, utcnow(), _stored_hashes(records))
    return [push_one(batch, record) for record in records]


def _stored_hashes(records: list) -> dict[str, str]:
    """Content hashes of the batch's records already stored: a resent batch costs one query.

    Only a shortcut for retries: a record not found here still goes through the conflict-ignoring
    insert, which is what keeps two concurrent copies out (rows are never deleted).
    """
    ids = {r["id"].lower() for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)}
    if not ids:
        return {}
    query = select(SyncRecord.id, SyncRecord.content_hash).where(SyncRecord.id.in_(ids))
    return dict(db.session.execute(query).all())


def push_one(batch: Batch, record) -> dict:
    """Check, store and apply one record; its result, whatever goes wrong with it."""
    echoed = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else None
    try:
        envelope = check_envelope(record)
        data = validate(envelope)
        return _result(echoed, _store(batch, envelope, data))
    except Rejected as rejected:
        return _result(echoed, REJECTED, rejected.code, rejected.errors)
    except OperationalError:
        raise  # the database is unreachable or gave up: the whole batch is retried by the phone
    except Exception:
        # A bug in a kind's rules must not cost the batch: this record only is refused, and logged.
        current_app.logger.exception("Record %s could not be applied", echoed)
        return _result(echoed, REJECTED, INVALID,
                       {"data": _("The server could not store this record. Try again later; "
                                  "if it keeps failing, tell the county office.")})


def _result(record_id: str | None, status: str, code: str | None = None, errors: dict | None = None) -> dict:
    return {"id": record_id, "status": status, "code": code, "errors": errors or {}}


def summarize(results: list[dict]) -> dict:
    """How many records were accepted, duplicate and rejected."""
    counts = {ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0}
    for result in results:
        counts[result["status"]] += 1
    return counts


# ---- one record ----------------------------------------------------------------------------

def check_envelope(record) -> Envelope:
    """The record's id, kind, recorded_at and data, or Rejected naming each bad one."""
    if not isinstance(record, dict):
        raise Rejected(INVALID, {"id": _("A record must be an object with id, kind, recorded_at and data.")})
    errors: dict[str, str] = {}
    record_id = _uuid(record.get("id"), errors)
    recorded_at = _timestamp(record.get("recorded_at"), errors)
    kind_name = record.get("kind")
    kind = registry.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        errors["kind"] = _("Unknown record kind \"%(kind)s\".", kind=kind_name) if isinstance(kind_name, str) \
            else _("Give the record's kind as a text.")
    data = record.get("data")
    if not isinstance(data, dict):
        errors["data"] = _("Must be an object.")
    if errors:
        raise Rejected(UNKNOWN_KIND if isinstance(kind_name, str) and kind is None else INVALID, errors)
    return Envelope(record_id, kind, recorded_at, data)


def _uuid(value, errors: dict) -> str | None:
    """The id in its canonical lower-case form; only a UUID made by the phone is accepted."""
    try:
        canonical = str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        canonical = None
    if canonical is None or canonical != value.lower():
        errors["id"] = _("Must be a UUID like 0b6e3f4a-5c1d-4e2f-9a8b-7c6d5e4f3a2b.")
        return None
    return canonical


def _timestamp(value, errors: dict) -> datetime | None:
    """recorded_at as an aware datetime; a time without its UTC offset is ambiguous and refused."""
    example = "2026-03-02T07:41:09+08:00"
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        errors["recorded_at"] = _("Must be a date and time like %(example)s.", example=example)
    elif moment.tzinfo is None:
        errors["recorded_at"] = _("Must include the phone's UTC offset, like %(example)s.", example=example)
    elif not 2000 <= moment.year <= 2099:
        errors["recorded_at"] = _("This date is not plausible; check the phone's clock.")
    else:
        return moment
    return None


def validate(envelope: Envelope) -> dict:
    """The kind's clean data, or Rejected with the reason for each bad field."""
    data, errors = envelope.kind.validate(envelope.data)
    if errors:
        raise Rejected(INVALID, {field: str(reason) for field, reason in errors.items()})
    return data


def content_hash(kind: str, recorded_at: datetime, data: dict) -> str:
    """sha256 of the canonical JSON of kind + recorded_at + data (null fields left out)."""
    # Dropping nulls keeps a retry a duplicate after a deploy that adds an optional field.
    present = {key: value for key, value in data.items() if value is not None}
    canonical = json.dumps({"kind": kind, "recorded_at": recorded_at.isoformat(), "data": present},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _store(batch: Batch, envelope: Envelope, data: dict) -> str:
    """Insert the envelope and apply the record in one SAVEPOINT; ACCEPTED or DUPLICATE, else Rejected."""
    digest = content_hash(envelope.kind.name, envelope.recorded_at, data)
    if envelope.id in batch.stored:
        return _same_content(batch.stored[envelope.id], digest)
    context = _context(batch, envelope)
    try:
        with db.session.begin_nested():
            if _insert_envelope(context, envelope.kind.name, digest, data):
                envelope.kind.apply(context, data)
                db.session.flush()  # the typed row's constraints fail here, inside the savepoint
                return ACCEPTED
    except OutOfScope as error:
        raise Rejected(FORBIDDEN, {error.field or "data": str(error.message)}) from None
    except RuleError as error:
        raise Rejected(INVALID, {error.field or "data": str(error.message)}) from None
    # Stored by an earlier record of this batch, or by a concurrent request that committed first.
    return _same_content(db.session.scalar(select(SyncRecord.content_hash).where(SyncRecord.id == envelope.id)),
                         digest)


def _context(batch: Batch, envelope: Envelope) -> ApplyContext:
    offset = envelope.recorded_at.utcoffset()
    return ApplyContext(record_id=envelope.id, user=batch.user, device_id=batch.device_id,
                        recorded_at=envelope.recorded_at.astimezone(timezone.utc).replace(tzinfo=None),
                        recorded_offset_minutes=int(offset.total_seconds() // 60), received_at=batch.received_at)


def _insert_envelope(context: ApplyContext, kind: str, digest: str, data: dict) -> bool:
    """INSERT … ON CONFLICT (id) DO NOTHING; True when this call inserted the row."""
    row = {"id": context.record_id, "kind": kind, "user_id": context.user.id, "device_id": context.device_id,
           "recorded_at": context.recorded_at, "recorded_offset_minutes": context.recorded_offset_minutes,
           "received_at": context.received_at, "content_hash": digest, "data": data}
    # RETURNING yields the id only when the row was inserted (rowcount is -1 on some drivers).
    return db.session.execute(_insert_statement(db.session.get_bind().dialect.name), row).scalar() is not None


@cache
def _insert_statement(dialect: str):
    """The insert for this dialect, built once; on the table, so it skips the ORM's bulk-insert path."""
    table = SyncRecord.__table__
    return _INSERTS[dialect](table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)


def _same_content(stored: str | None, digest: str) -> str:
    """DUPLICATE when the stored record has the same content; Rejected as a conflict otherwise."""
    if stored == digest:
        return DUPLICATE
    raise Rejected(CONFLICT, {"id": _("A different record with this id is already stored. "
                                      "Save it again as a new record.")})


def _begin_write_transaction() -> None:
    """On SQLite, open the request's transaction now, as a writer (no-op elsewhere)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite" or connection.connection.dbapi_connection.in_transaction:
        return
    # pysqlite begins its own transaction only before an INSERT/UPDATE/DELETE, so the first
    # SAVEPOINT would begin it and its RELEASE commit it: every record would be committed alone.
    # IMMEDIATE takes the write lock now, so two pushes queue (busy timeout) instead of
    # deadlocking when both try to upgrade a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")

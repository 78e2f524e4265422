"""The push engine: stores a batch of field records exactly once, each judged on its own, set-wise.

A record's id (a UUID made on the phone) is the primary key of `sync_record`. A push runs in
four steps (docs/sync.md, "How a push is stored"):

1. every record is checked in Python (envelope, the phone's clock, the kind's fields and rules);
2. the records' ids are locked in one order (PostgreSQL) and their stored hashes read in one
   query: a record already stored is a `duplicate` (same content) or a `conflict` (other content);
3. the new records are stored kind by kind, in the order each kind first appears in the batch:
   the kind's `prepare` reads what it needs for the whole group and returns each record's rows
   or its refusal; then one `INSERT … ON CONFLICT (id) DO NOTHING RETURNING id` stores the
   group's envelopes and one multi-row insert per table their typed rows, in a savepoint. A group
   after another sees the rows of the one before (a report after the checks of the same batch);
4. only when a group's set insert fails (a value one record holds that the database refuses)
   does that group go again one record at a time, each in its own savepoint, with the same
   `prepare`: one bad record never sinks the others.

So a retry, a file uploaded after a push, or two copies of a batch arriving at the same moment
store one row per record: the database's unique key decides, not a read-then-write. The caller
(a view) commits once after the whole batch. Only a database that cannot be reached
(OperationalError) aborts the batch, so that the phone keeps every record and sends it again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import User, utcnow
from ..org.settings import county_id_of
from . import store
from .envelope import (  # noqa: F401  (the engine's vocabulary, for callers and tests)
    ACCEPTED, CLOCK, CONFLICT, DUPLICATE, FORBIDDEN, INVALID, REJECTED, UNKNOWN_KIND, BatchError, Envelope,
    Rejected, check_envelope, content_hash, parse_batch, phone_behind, read_json, validate)
from .models import SyncRecord
from .registry import Item, RecordKind


@dataclass(frozen=True)
class Batch:
    """What the records of one push share: who sent them, from which device, received when."""

    user: User
    device_id: str
    received_at: datetime  # naive UTC
    stored: dict = field(default_factory=dict)  # id -> content hash of the batch's records stored before it
    county_id: int | None = None  # the user's county: every record of the push is in it (the county key)

    def stamp(self, item: Item) -> dict:
        """The columns every typed row keeps: who, which device, the phone's and the server's time."""
        return {"user_id": self.user.id, "device_id": self.device_id, "recorded_at": item.recorded_at,
                "received_at": self.received_at}


@dataclass(frozen=True)
class ApplyContext:
    """What a one-record-at-a-time `apply(ctx, data)` knows about the record besides its data."""

    record_id: str
    user: User
    device_id: str
    recorded_at: datetime  # naive UTC
    recorded_offset_minutes: int
    received_at: datetime  # naive UTC
    effective_at: datetime | None = None  # naive UTC (see registry.Item)


@dataclass(frozen=True)
class Entry:
    """A record of the batch that passed every check: where it stands, its envelope, clean data, hash."""

    position: int
    echoed: str  # its id as sent
    envelope: Envelope
    digest: str
    item: Item

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def kind(self) -> RecordKind:
        return self.envelope.kind


# ---- the batch -----------------------------------------------------------------------------

def push(user: User, body, limit: int) -> list[dict]:
    """Store a push body's records as `user`: one result per record, in order. Flushes, never commits."""
    device_id, records = parse_batch(body, limit)
    received_at = utcnow()
    store.begin_write_transaction()
    results: list[dict | None] = [None] * len(records)
    entries = _checked(records, received_at, phone_behind(body, received_at), results)
    ids = {entry.id for entry in entries}
    store.lock_records(ids)  # before reading what is stored: a concurrent copy has committed by then
    batch = Batch(user, device_id, received_at, store.stored_hashes(ids), county_id_of(user.scope))
    first, again = _new_records(batch, entries, results)
    for group in _groups(first):
        for entry, result in zip(group, _store_group(batch, group)):
            results[entry.position] = result
    for entry in again:  # the same id a second time in this batch: judged against the first
        results[entry.position] = _store_one(batch, entry)
    return results


def _checked(records: list, received_at: datetime, behind: timedelta, results: list) -> list[Entry]:
    """The records that pass the checks; each refused one gets its result in `results` now."""
    entries = []
    for position, record in enumerate(records):
        echoed = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else None
        try:
            envelope = check_envelope(record, received_at)
            data = validate(envelope)
        except Rejected as rejected:
            results[position] = _result(echoed, REJECTED, rejected.code, rejected.errors)
            continue
        except Exception:
            current_app.logger.exception("Record %s could not be checked", echoed)  # a bug in a kind's rules
            results[position] = _could_not_store(echoed)
            continue
        digest = content_hash(envelope.kind.name, envelope.recorded_at, data)
        entries.append(Entry(position, echoed, envelope, digest, _item(envelope, data, received_at, behind)))
    return entries


def _item(envelope: Envelope, data: dict, received_at: datetime, behind: timedelta) -> Item:
    recorded_at = envelope.recorded_at.astimezone(timezone.utc).replace(tzinfo=None)
    offset = int(envelope.recorded_at.utcoffset().total_seconds() // 60)
    return Item(id=envelope.id, data=data, recorded_at=recorded_at, recorded_offset_minutes=offset,
                received_at=received_at, effective_at=min(recorded_at + behind, received_at))


def _new_records(batch: Batch, entries: list[Entry], results: list) -> tuple[list[Entry], list[Entry]]:
    """(first sight of each new id, repeats of an id already in the batch); stored ones are answered."""
    first, again, seen = [], [], set()
    for entry in entries:
        if entry.id in batch.stored:
            results[entry.position] = _answer_stored(entry, batch.stored[entry.id])
        elif entry.id in seen:
            again.append(entry)
        else:
            seen.add(entry.id)
            first.append(entry)
    return first, again


def _groups(entries: list[Entry]) -> list[list[Entry]]:
    """The entries by kind, the kinds in the order they first appear in the batch."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.kind.name, []).append(entry)
    return list(groups.values())


def summarize(results: list[dict]) -> dict:
    """How many records were accepted, duplicate and rejected."""
    counts = {ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0}
    for result in results:
        counts[result["status"]] += 1
    return counts


def _result(record_id: str | None, status: str, code: str | None = None, errors: dict | None = None) -> dict:
    return {"id": record_id, "status": status, "code": code, "errors": errors or {}}


# ---- a group of one kind, set-wise ---------------------------------------------------------

def _store_group(batch: Batch, group: list[Entry]) -> list[dict]:
    """Store a kind's new records with one insert per table; one at a time if a set insert fails."""
    kind = group[0].kind
    if kind.prepare is None:
        return [_store_one(batch, entry) for entry in group]
    try:
        with db.session.begin_nested():
            outcomes = _prepared(kind, batch, [entry.item for entry in group])
            ready = [(entry, rows) for entry, rows in zip(group, outcomes) if not isinstance(rows, RuleError)]
            inserted = store.insert_envelopes([_envelope_row(batch, entry) for entry, _ in ready])
            store.insert_rows([pair for entry, rows in ready if entry.id in inserted
                               for pair in store.table_rows(rows)], batch.county_id)
            _settle(kind, batch, [entry.item for entry, _ in ready if entry.id in inserted])
    except OperationalError:
        raise  # the database is unreachable or gave up: the whole batch is retried
    except Exception:
        # A value the database refuses (or a bug in the kind) in one record: find which, one by one.
        current_app.logger.info("Storing %s %s records set-wise failed; storing them one by one",
                                len(group), kind.name, exc_info=True)
        return [_store_one(batch, entry) for entry in group]
    return _group_results(group, outcomes, inserted)


def _prepared(kind: RecordKind, batch: Batch, items: list[Item]) -> list:
    outcomes = kind.prepare(batch, items)
    if len(outcomes) != len(items):
        raise RuntimeError(f"{kind.name}.prepare returned {len(outcomes)} outcomes for {len(items)} records")
    return outcomes


def _settle(kind: RecordKind, batch: Batch, items: list[Item]) -> None:
    """The kind's derived state after its rows are stored (registry.RecordKind.settle)."""
    if kind.settle is not None and items:
        kind.settle(batch, items)


def _group_results(group: list[Entry], outcomes: list, inserted: set[str]) -> list[dict]:
    """Each record's answer: refused by its kind, stored now, or stored by a concurrent copy."""
    missed = {entry.id for entry, rows in zip(group, outcomes)
              if not isinstance(rows, RuleError) and entry.id not in inserted}
    concurrent = store.stored_hashes(missed)
    results = []
    for entry, rows in zip(group, outcomes):
        if isinstance(rows, RuleError):
            rejected = _refusal(rows)
            results.append(_result(entry.echoed, REJECTED, rejected.code, rejected.errors))
        elif entry.id in inserted:
            results.append(_result(entry.echoed, ACCEPTED))
        else:
            results.append(_answer_stored(entry, concurrent.get(entry.id)))
    return results


def _envelope_row(batch: Batch, entry: Entry) -> dict:
    item = entry.item
    return {"id": item.id, "kind": entry.kind.name, "user_id": batch.user.id, "device_id": batch.device_id,
            "recorded_at": item.recorded_at, "recorded_offset_minutes": item.recorded_offset_minutes,
            "received_at": batch.received_at, "content_hash": entry.digest, "data": item.data,
            "county_id": batch.county_id}


# ---- one record at a time ------------------------------------------------------------------

def _store_one(batch: Batch, entry: Entry) -> dict:
    """Insert one envelope and its rows in a SAVEPOINT; its result, whatever goes wrong with it."""
    try:
        with db.session.begin_nested():
            if store.insert_envelopes([_envelope_row(batch, entry)]):
                _apply_one(batch, entry)
                return _result(entry.echoed, ACCEPTED)
    except RuleError as error:
        rejected = _refusal(error)
        return _result(entry.echoed, REJECTED, rejected.code, rejected.errors)
    except OperationalError:
        raise
    except Exception:
        # A bug in a kind's rules must not cost the batch: this record only is refused, and logged.
        current_app.logger.exception("Record %s could not be applied", entry.echoed)
        return _could_not_store(entry.echoed)
    # Stored by an earlier record of this batch, or by a concurrent request that committed first.
    stored = db.session.scalar(select(SyncRecord.content_hash).where(SyncRecord.id == entry.id))
    return _answer_stored(entry, stored)


def _apply_one(batch: Batch, entry: Entry) -> None:
    """Write one record's rows: through its kind's `prepare` (raising its RuleError), or its `apply`."""
    kind, item = entry.kind, entry.item
    if kind.prepare is not None:
        outcome = _prepared(kind, batch, [item])[0]
        if isinstance(outcome, RuleError):
            raise outcome
        store.insert_rows(store.table_rows(outcome), batch.county_id)
        _settle(kind, batch, [item])
        return
    kind.apply(ApplyContext(record_id=item.id, user=batch.user, device_id=batch.device_id,
                            recorded_at=item.recorded_at, recorded_offset_minutes=item.recorded_offset_minutes,
                            received_at=batch.received_at, effective_at=item.effective_at), item.data)
    db.session.flush()  # the typed row's constraints fail here, inside the savepoint


def _could_not_store(echoed: str | None) -> dict:
    return _result(echoed, REJECTED, INVALID, {"data": _("The server could not store this record. Try again later; "
                                                         "if it keeps failing, tell the county office.")})


def _refusal(error: RuleError) -> Rejected:
    code = FORBIDDEN if isinstance(error, OutOfScope) else INVALID
    return Rejected(code, {error.field or "data": str(error.message)})


def _answer_stored(entry: Entry, stored: str | None) -> dict:
    """DUPLICATE when the stored record has the same content; a conflict otherwise."""
    if stored == entry.digest:
        return _result(entry.echoed, DUPLICATE)
    return _result(entry.echoed, REJECTED, CONFLICT,
                   {"id": _("A different record with this id is already stored. Save it again as a new record.")})

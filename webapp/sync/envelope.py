"""What the push checks before it touches the database: the body, each record's envelope, its data.

Pure Python: a batch is judged record by record here (shape, id, kind, time, the kind's fields
and rules), and only the records that pass go on to be stored (webapp/sync/engine.py).
"""
from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..org.settings import county_zone
from . import registry
from .registry import RecordKind

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
INVALID, CONFLICT, FORBIDDEN, UNKNOWN_KIND, CLOCK = "invalid", "conflict", "forbidden", "unknown_kind", "clock"
DEVICE_ID_MAX = 64
CLOCK_TOLERANCE_MINUTES = 5  # SYNC_CLOCK_TOLERANCE_MINUTES overrides it


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


# ---- the body ------------------------------------------------------------------------------

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
    if not isinstance(device_id, str) or not 0 < len(device_id.strip()) <= DEVICE_ID_MAX or not storable(device_id):
        raise BatchError(_("\"device_id\" must be a text of 1 to %(n)s characters.", n=DEVICE_ID_MAX))
    return device_id.strip(), records


def clock_tolerance() -> timedelta:
    """How far a phone's clock may run ahead of the server's before its records are refused."""
    return timedelta(minutes=current_app.config.get("SYNC_CLOCK_TOLERANCE_MINUTES", CLOCK_TOLERANCE_MINUTES))


def phone_behind(body: dict, received_at: datetime) -> timedelta:
    """How far the phone's clock was behind the server's when it sent the batch (`sent_at`), else 0.

    Network time is well within the tolerance; an older app (or an uploaded file) sends no
    `sent_at`, and its records are judged by their own times, never later than their receive time.
    """
    sent_at = body.get("sent_at")
    try:
        moment = datetime.fromisoformat(sent_at) if isinstance(sent_at, str) else None
    except ValueError:
        return timedelta(0)
    if moment is None or moment.tzinfo is None:
        return timedelta(0)
    behind = received_at - moment.astimezone(timezone.utc).replace(tzinfo=None)
    return behind if behind > clock_tolerance() else timedelta(0)


# ---- one record ----------------------------------------------------------------------------

def check_envelope(record, received_at: datetime | None = None) -> Envelope:
    """The record's id, kind, recorded_at and data, or Rejected naming each bad one.

    With `received_at` (naive UTC), a record stamped later than it by more than the tolerance
    is refused as `clock`: the phone's clock runs ahead.
    """
    if not isinstance(record, dict):
        raise Rejected(INVALID, {"id": _("A record must be an object with id, kind, recorded_at and data.")})
    broken = _broken_fields(record)
    if broken:
        raise Rejected(INVALID, {name: _("This text holds a broken character (half of an emoji?): type it again.")
                                 for name in broken})
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
    if received_at is not None:
        _check_clock(recorded_at, received_at)
    return Envelope(record_id, kind, recorded_at, data)


def storable(value) -> bool:
    """Whether a JSON value's text can be stored: no lone UTF-16 surrogate, which UTF-8 cannot encode.

    A phone's JSON may carry one ("\\ud83d" of a cut emoji); the database would fail on it.
    """
    try:  # a JSON value: written and encoded in C, instead of a walk in Python (most of a record's checks)
        json.dumps(value, ensure_ascii=False, check_circular=False).encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False
    except (TypeError, ValueError, RecursionError):
        return _storable(value)


def _storable(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _broken_fields(record: dict) -> list[str]:
    """The envelope's keys, and the data's fields, whose text cannot be stored (a broken key: "data")."""
    if storable(record):
        return []
    data = record.get("data")
    names = [key for key, value in record.items() if key != "data" and not (storable(key) and storable(value))]
    if isinstance(data, dict):
        names += [key for key, value in data.items() if not (storable(key) and storable(value))]
    elif not storable(data):
        names.append("data")
    return list(dict.fromkeys(name if storable(name) else "data" for name in names))


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


def _check_clock(recorded_at: datetime, received_at: datetime) -> None:
    """Rejected(CLOCK) when the record is stamped after the server's receive time, past the tolerance."""
    server = received_at.replace(tzinfo=timezone.utc)
    ahead = recorded_at - server
    if ahead <= clock_tolerance():
        return
    message = _("The phone's clock is %(ahead)s ahead of the server's: this record says %(phone)s, the server's "
                "time is %(server)s. Set the phone's date and time right (automatic time), then save the record "
                "again; until then it stays on the phone.", ahead=_duration(ahead),
                phone=recorded_at.strftime("%Y-%m-%d %H:%M"),
                server=server.astimezone(county_zone()).strftime("%Y-%m-%d %H:%M"))
    raise Rejected(CLOCK, {"recorded_at": message})


def _duration(delta: timedelta) -> str:
    """About how long `delta` is, in the largest unit that fits: days, hours or minutes."""
    minutes = round(delta.total_seconds() / 60)  # a request takes some seconds: "1 day", not "23 hours"
    if minutes >= 23.5 * 60:
        return ngettext("about %(num)s day", "about %(num)s days", round(minutes / (24 * 60)))
    if minutes >= 60:
        return ngettext("about %(num)s hour", "about %(num)s hours", round(minutes / 60))
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


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

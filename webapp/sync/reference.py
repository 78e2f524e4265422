"""Reference data the phones pull: collections registered by the areas, and the pull cursor.

An area registers a collection with `register_collection(name, provider)`. A provider
`provider(user, since) -> list[dict]` returns the items in the user's scope that changed since
`since` (naive UTC), or all of them when `since` is None. Every item has an `id`; an item with
`"active": false` tells the phone to remove it. The sync engine knows no collection.

The cursor is opaque to the phone: signed JSON holding the server time at the start of the pull
and the user, scope and role it was made for. A cursor that is unreadable, made for someone else,
for another scope or role, or older than CURSOR_MAX_AGE gives a full pull instead.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from ..org.models import User, utcnow

Provider = Callable[[User, "datetime | None"], list]

CURSOR_MAX_AGE = timedelta(days=7)
# A change written by a transaction that began before a pull but committed after it carries a
# timestamp older than that pull's cursor. Reading back a little before the cursor catches it;
# the items sent twice are harmless (the phone stores items by id).
CURSOR_OVERLAP = timedelta(minutes=10)
_CURSOR_SALT = "shaodian.sync.pull-cursor"
_CURSOR_VERSION = 1

_COLLECTIONS: dict[str, Provider] = {}


def register_collection(name: str, provider: Provider) -> Provider:
    """Make `name` part of every pull, served by `provider(user, since)`."""
    _COLLECTIONS[name] = provider
    return provider


def unregister_collection(name: str) -> None:
    """Take a collection out of the pull (tests register temporary ones)."""
    _COLLECTIONS.pop(name, None)


def collection_names() -> list[str]:
    return sorted(_COLLECTIONS)


def items(name: str, user: User, since: datetime | None = None) -> list[dict]:
    """One collection's items for the user ([] when no area registered it)."""
    provider = _COLLECTIONS.get(name)
    return provider(user, since) if provider else []


def pull(user: User, cursor: str | None) -> dict:
    """The answer to a pull: every collection changed since the cursor, and the next cursor."""
    started = utcnow()  # taken before reading, so nothing written during the pull is skipped next time
    since = read_cursor(cursor, user, now=started)
    data = {name: provider(user, since) for name, provider in sorted(_COLLECTIONS.items())}
    return {"cursor": make_cursor(user, started), "full": since is None, "data": data}


# ---- the cursor ----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_CURSOR_SALT)


def make_cursor(user: User, started: datetime) -> str:
    """An opaque cursor: the start of this pull, and whom it was made for."""
    payload = {"v": _CURSOR_VERSION, "t": started.isoformat(), "u": user.id, "s": user.scope_unit_id,
               "r": user.role.value}
    return _serializer().dumps(payload)


def read_cursor(cursor: str | None, user: User, now: datetime) -> datetime | None:
    """The time to pull changes from, or None for a full pull (no cursor, or one not valid here)."""
    if not cursor:
        return None
    try:
        payload = _serializer().loads(cursor)
        started = datetime.fromisoformat(payload["t"])
        mine = (payload["v"], payload["u"], payload["s"], payload["r"]) == \
            (_CURSOR_VERSION, user.id, user.scope_unit_id, user.role.value)
    except (BadData, KeyError, TypeError, ValueError):
        return None  # unreadable or tampered with: the phone gets everything again, never an error
    if not mine or started.tzinfo is not None or not now - CURSOR_MAX_AGE <= started <= now:
        return None
    return started - CURSOR_OVERLAP

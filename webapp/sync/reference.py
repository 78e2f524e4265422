"""Reference data the phones pull: collections registered by the areas, and the pull cursor.

An area registers a collection with `register_collection(name, provider)`. A provider
`provider(user, since) -> list[dict]` returns the items in the user's scope that changed since
`since` (naive UTC), or all of them when `since` is None. Every item has an `id`; an item with
`"active": false` tells the phone to remove it. The sync engine knows no collection.

A pull comes in pages of at most PAGE_ITEMS items (a school of 3,000 students is several small
answers, never one big one): a sequence of pages reads all collections, in the order of their
names and of the items' ids, from one `since`. The cursor is opaque to the phone: signed JSON
holding the time the sequence started and the user, scope and role it was made for, and, in the
middle of a sequence, its `since` and the last item sent. A cursor that is unreadable, made for
someone else, for another scope or role, or older than CURSOR_MAX_AGE gives a full pull instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from ..org.models import User, utcnow

Provider = Callable[..., list]

CURSOR_MAX_AGE = timedelta(days=7)
# A change written by a transaction that began before a pull but committed after it carries a
# timestamp older than that pull's cursor. Reading back a little before the cursor catches it;
# the items sent twice are harmless (the phone stores items by id).
CURSOR_OVERLAP = timedelta(minutes=10)
PAGE_ITEMS = 1000  # items in one answer at most (SYNC_PULL_PAGE_ITEMS): ~10 KiB gzipped
UNPAGED = 10**9  # the limit for a caller that does not follow pages: everything in one answer
_CURSOR_SALT = "shaodian.sync.pull-cursor"
_CURSOR_VERSION = 2
_READABLE_VERSIONS = (1, 2)  # a phone's cursor from before paging still counts


@dataclass(frozen=True)
class Collection:
    provider: Provider
    paged: bool  # provider(user, since, after=…, limit=…) pages in its query; else it returns everything


@dataclass(frozen=True)
class Position:
    """Where a pull stands: the sequence's start and the time it reads from, and the next item to send."""

    started: datetime  # when the sequence's first page was read: the next sequence reads from here
    since: datetime | None  # None: a full pull
    collection: str | None = None  # None: the sequence is complete
    after: object = None  # the id of the last item sent of `collection`


_COLLECTIONS: dict[str, Collection] = {}


def register_collection(name: str, provider: Provider, paged: bool = False) -> Provider:
    """Make `name` part of every pull, served by `provider(user, since)`.

    A big collection (students, staff) is `paged`: its provider also takes `after` (an id, or
    None) and `limit`, and returns at most `limit` items with a greater id, in the order of their
    ids, straight from its query. Any other provider returns all its items; the pull sorts and
    cuts them into pages.
    """
    _COLLECTIONS[name] = Collection(provider, paged)
    return provider


def unregister_collection(name: str) -> None:
    """Take a collection out of the pull (tests register temporary ones)."""
    _COLLECTIONS.pop(name, None)


def collection_names() -> list[str]:
    return sorted(_COLLECTIONS)


def items(name: str, user: User, since: datetime | None = None) -> list[dict]:
    """One collection's items for the user ([] when no area registered it)."""
    collection = _COLLECTIONS.get(name)
    return collection.provider(user, since) if collection else []


def pull(user: User, cursor: str | None, limit: int | None = None) -> dict:
    """One page of a pull: the items changed since the sequence began reading, and the cursor of the next page.

    A sequence of pages reads every collection from one `since`; `more: true` says another page
    follows (the phone asks for it with the new cursor). When the last page is sent, the cursor
    holds the time the sequence *started*, so that whatever changed while its pages were read is
    sent again by the next sequence: an interrupted or slow sequence loses nothing.
    """
    now = utcnow()  # taken before reading, so nothing written during the pull is skipped next time
    position = read_cursor(cursor, user, now=now) if cursor else None
    if position is None or position.collection is None:  # a new sequence: full, or from the last one
        position = Position(started=now, since=None if position is None else position.since)
    limit = limit or current_app.config.get("SYNC_PULL_PAGE_ITEMS", PAGE_ITEMS)
    data, following = _page(user, position, limit)
    return {"cursor": _cursor(user, following or Position(position.started, position.since)),
            "full": position.since is None, "more": following is not None,
            "sequence": position.started.isoformat(), "data": data}


def _page(user: User, position: Position, limit: int) -> tuple[dict, Position | None]:
    """Up to `limit` items from `position` on, collection after collection; and where the next page starts."""
    names = collection_names()
    data: dict[str, list] = {name: [] for name in names}
    first = names.index(position.collection) if position.collection in names else 0
    after = position.after if position.collection in names else None
    for index, name in enumerate(names[first:], start=first):
        page = _items_after(name, user, position.since, after, limit + 1)
        after = None
        if len(page) > limit:
            data[name] = page[:limit]
            return data, Position(position.started, position.since, name, page[limit - 1]["id"])
        data[name], limit = page, limit - len(page)
        if limit == 0 and index + 1 < len(names):
            return data, Position(position.started, position.since, names[index + 1])
    return data, None


def _items_after(name: str, user: User, since: datetime | None, after, limit: int) -> list[dict]:
    """At most `limit` items of a collection with an id above `after`, in the order of their ids."""
    collection = _COLLECTIONS[name]
    if collection.paged:
        return collection.provider(user, since, after=after, limit=limit)
    everything = sorted(collection.provider(user, since), key=lambda item: item["id"])
    return [item for item in everything if after is None or item["id"] > after][:limit]


# ---- the cursor ----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_CURSOR_SALT)


def make_cursor(user: User, started: datetime) -> str:
    """An opaque cursor after a complete sequence that began at `started`, and whom it was made for."""
    return _cursor(user, Position(started, None))


def _cursor(user: User, position: Position) -> str:
    payload = {"v": _CURSOR_VERSION, "t": position.started.isoformat(), "u": user.id, "s": user.scope_unit_id,
               "r": user.role.value}
    if position.collection is not None:  # in the middle of a sequence: where it reads from, where it stands
        payload["f"] = position.since.isoformat() if position.since else None
        payload["p"] = [position.collection, position.after]
    return _serializer().dumps(payload)


def read_cursor(cursor: str | None, user: User, now: datetime) -> Position | None:
    """Where to go on from: the next page of a sequence, or a new sequence reading from the last one's start
    (less the overlap); None for a full pull (no cursor, or one not valid here)."""
    if not cursor:
        return None
    try:
        payload = _serializer().loads(cursor)
        started = datetime.fromisoformat(payload["t"])
        mine = payload["v"] in _READABLE_VERSIONS and (payload["u"], payload["s"], payload["r"]) == \
            (user.id, user.scope_unit_id, user.role.value)
        if "p" not in payload:
            return _next_sequence(started, now) if mine else None
        since = datetime.fromisoformat(payload["f"]) if payload["f"] else None
        collection, after = payload["p"]
    except (BadData, KeyError, TypeError, ValueError):
        return None  # unreadable or tampered with: the phone gets everything again, never an error
    if not mine or not _fresh(started, now) or not isinstance(collection, str):
        return None
    return Position(started, since, collection, after)


def _next_sequence(started: datetime, now: datetime) -> Position | None:
    if not _fresh(started, now):
        return None
    return Position(now, started - CURSOR_OVERLAP)


def _fresh(started: datetime, now: datetime) -> bool:
    """Made here lately: naive UTC, not older than CURSOR_MAX_AGE, not from the future."""
    return started.tzinfo is None and now - CURSOR_MAX_AGE <= started <= now

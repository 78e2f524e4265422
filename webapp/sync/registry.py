"""Record kinds, each declared once.

An area declares a kind (its fields with types, bounds and required-ness, its rules across
fields, and its `prepare`) and registers it here. From that one declaration come the server's
validation of synced records, the kind's JSON schema in the OpenAPI document, and the bounds the
browser form enforces before saving (the field screens read the same schema). The sync engine
knows no kind.

`prepare(batch, items)` is how a kind is stored, set-wise: it gets every valid new record of the
kind in a push at once (`items`, each an `Item`), does its reads for the whole group (one scope
query, any lookups), writes nothing, and returns one outcome per item, in order: the item's rows
(`{Model or Table: row dict or [row dicts]}`, for one or several tables) or the `RuleError` /
`OutOfScope` that refuses it. The engine writes every row (the envelopes, then one multi-row
insert per table) and runs the same `prepare` on one item at a time when a set insert fails, so
each rule lives in one place. `per_item(items, make)` turns a `make(item) -> rows` that raises
RuleError into such a list. See docs/architecture.md ("A new record kind").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Union

from flask_babel import lazy_gettext as _l

from ..errors import RuleError
from ..fields import FIRST_DAY, LAST_DAY

INTEGER_MAX = 2**31 - 1  # the largest value of a database INTEGER column
JSON_TYPES = {"integer": int, "number": (int, float), "string": str, "boolean": bool, "date": str, "array": list}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # integer | number | string | boolean | date | array
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    choices: tuple[str, ...] | None = None  # allowed values (for an array: of each item)
    description: str = ""
    # An array of objects (a screening's trips): each entry has these fields; max_length counts entries.
    entries: tuple["Field", ...] | None = None
    # A date a record is for: not after the day it was recorded, at most this many days before
    # (webapp/fields.py `recent_days`; the kind's prepare holds it to the record's day, the phone to its today).
    days_back: int | None = None

    def schema(self) -> dict:
        """This field as JSON Schema (OpenAPI 3.1)."""
        if self.type == "date":
            schema: dict[str, Any] = {"type": "string", "format": "date", "formatMinimum": FIRST_DAY.isoformat(),
                                      "formatMaximum": LAST_DAY.isoformat()}
            if self.days_back is not None:
                schema["x-days-back"] = self.days_back  # and not after today
        elif self.type == "array" and self.entries:
            schema = {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": [f.name for f in self.entries if f.required],
                "properties": {f.name: f.schema() for f in self.entries}}}
            if self.max_length is not None:
                schema["maxItems"] = self.max_length
        elif self.type == "array":
            items = {"type": "string", "enum": list(self.choices)} if self.choices else {"type": "string"}
            schema = {"type": "array", "items": items, "uniqueItems": True}
        else:
            schema = {"type": self.type}
            if self.choices:
                # JSON Schema checks enum apart from type: a nullable choice must list null too.
                schema["enum"] = list(self.choices) + ([None] if self.nullable else [])
        for key, value in (("minimum", self.minimum), ("maximum", self.maximum), ("maxLength", self.max_length)):
            if value is not None and not self.entries:
                schema[key] = value
        if self.nullable:
            schema["type"] = [schema["type"], "null"]
        if self.description:
            schema["description"] = self.description
        return schema

    def check(self, value) -> str | None:
        """The reason `value` is refused, or None when it is good."""
        if value is None:
            return None if self.nullable or not self.required else str(_l("This field is required."))
        # bool is an int in Python; a true/false is never a number here.
        if isinstance(value, bool) and self.type in ("integer", "number"):
            return str(_l("Must be a number."))
        if not isinstance(value, JSON_TYPES[self.type]):
            return str(_l("Must be of type %(type)s.", type=self.type))
        if self.type == "integer" and abs(value) > INTEGER_MAX:
            return str(_l("This number is too large."))  # a database integer would overflow
        if self.entries:
            return self._check_entries(value)
        return self._check_bounds(value)

    def _check_entries(self, value: list) -> str | None:
        """Each entry of an array of objects: an object with these fields and no others."""
        if self.max_length is not None and len(value) > self.max_length:
            return str(_l("At most %(n)s entries.", n=self.max_length))
        known = {f.name for f in self.entries}
        for number, entry in enumerate(value, start=1):
            if not isinstance(entry, dict):
                return str(_l("Entry %(n)s: must be an object.", n=number))
            for name in entry:
                if name not in known:
                    return str(_l("Entry %(n)s, %(field)s: unknown field.", n=number, field=name))
            for f in self.entries:
                if (reason := f.check(entry.get(f.name))) is not None:
                    return str(_l("Entry %(n)s, %(field)s: %(reason)s", n=number, field=f.name, reason=reason))
        return None

    def _check_bounds(self, value) -> str | None:
        if self.type == "date":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return str(_l("Must be a date like 2026-03-01."))
            if not FIRST_DAY <= day <= LAST_DAY:
                return str(_l("Choose a day between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                              last=LAST_DAY.isoformat()))
        if self.minimum is not None and value < self.minimum:
            return str(_l("Must be at least %(min)s.", min=self.minimum))
        if self.maximum is not None and value > self.maximum:
            return str(_l("Must be at most %(max)s.", max=self.maximum))
        if self.max_length is not None and len(value) > self.max_length:
            return str(_l("At most %(n)s characters.", n=self.max_length))
        if self.choices is not None:
            values = value if self.type == "array" else [value]
            if any(v not in self.choices for v in values):
                return str(_l("Must be one of: %(choices)s.", choices=", ".join(self.choices)))
        return None


@dataclass(frozen=True)
class Item:
    """One valid new record of a push, as a kind's `prepare` sees it (times are naive UTC)."""

    id: str  # the record's id, the primary key of its envelope and of its typed rows
    data: dict  # validated by the kind's fields and check
    recorded_at: datetime  # the phone's clock, kept on the record as it came
    recorded_offset_minutes: int  # the phone's UTC offset then (+480 in China)
    received_at: datetime  # the server's clock when the push arrived
    # The time that ranks "the current value" and judges lateness: the phone's time, never later
    # than the receive time, and moved forward by as much as the phone's clock was behind the
    # server's when it sent the batch (docs/sync.md, "Phone clocks").
    effective_at: datetime


Rows = dict  # {Model or Table: row dict, or a list of row dicts}
Outcome = Union[Rows, RuleError]


def per_item(items: list[Item], make: Callable[[Item], Rows]) -> list[Outcome]:
    """`make(item)` for each item, in order; a RuleError it raises becomes that item's outcome."""
    outcomes: list[Outcome] = []
    for item in items:
        try:
            outcomes.append(make(item))
        except RuleError as error:
            outcomes.append(error)
    return outcomes


@dataclass(frozen=True)
class RecordKind:
    """A kind of field record, stored set-wise by `prepare(batch, items)` (see the module's docstring).

    `apply(context, data)` is the older, one-record-at-a-time form (it writes through the ORM
    itself, in a savepoint per record): kept for kinds that cannot say their writes as rows, and
    slower. A kind declares one of the two.
    """

    name: str
    fields: tuple[Field, ...]
    apply: Callable | None = None
    description: str = ""
    check: Callable[[dict], dict] | None = None  # rules across fields: data -> {field: reason}
    extra: dict = field(default_factory=dict)
    prepare: Callable[[Any, list[Item]], list[Outcome]] | None = None
    # After the rows of a group are stored (same savepoint): `settle(batch, items)` with the items
    # stored now, to bring derived state up to date (a running stock per school and item). It may
    # write; it runs again for one item when the group goes one record at a time.
    settle: Callable[[Any, list[Item]], None] | None = None

    def __post_init__(self):
        if (self.prepare is None) == (self.apply is None):
            raise TypeError(f"record kind {self.name!r} must declare prepare (or, one record at a time, apply)")

    def validate(self, data) -> tuple[dict, dict]:
        """(clean data, errors by field). Unknown fields are errors: a typo must not vanish."""
        if not isinstance(data, dict):
            return {}, {"data": str(_l("Must be an object."))}
        errors = {f.name: reason for f in self.fields if (reason := f.check(data.get(f.name))) is not None}
        known = {f.name for f in self.fields}
        errors.update({name: str(_l("Unknown field.")) for name in data if name not in known})
        clean = {f.name: data.get(f.name) for f in self.fields}
        if not errors and self.check:
            errors.update(self.check(clean))
        return clean, errors

    def schema(self) -> dict:
        return {"type": "object", "description": self.description, "additionalProperties": False,
                "required": [f.name for f in self.fields if f.required],
                "properties": {f.name: f.schema() for f in self.fields}}


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget a kind (tests register temporary ones)."""
    _KINDS.pop(name, None)


def get(name: str) -> RecordKind | None:
    return _KINDS.get(name)


def all_kinds() -> list[RecordKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)

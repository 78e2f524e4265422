"""Property tests generated from the record-kind registry: every kind, with no test of its own here.

From each kind's declaration (its fields' types, bounds, choices, required-ness) hypothesis makes
records the declaration accepts, and records with one field it refuses, and pushes them in
batches as people of the small county. Whatever comes, the answer is a 200 with one result per
record: an accepted record is stored, a refused one names its field, and nothing is a bug in
disguise (a kind that raised is logged and answered "could not store": that fails here). A kind
registered tomorrow is covered the day it is declared.
"""
from __future__ import annotations

import logging
import os
import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, Table, inspect, select

from tests.conftest import COUNTY_ZONE
from webapp.extensions import db
from webapp.sync import registry
from webapp.sync.models import SyncRecord
from webapp.sync.registry import INTEGER_MAX, Field

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "40"))  # batches per run: CI's size (PROPERTY_RANDOM=1 to hunt)
USERS = ("county", "township_a", "school_a1", "homeroom_a1", "teacher_a1", "volunteer_a")
ENVELOPE = {"id", "kind", "recorded_at", "data"}
# Reference fields whose table is named otherwise; any other "<table>_id" field finds its table by name.
TABLE_OF = {"class_id": "unit", "school_id": "unit"}


def kinds() -> list:
    return [kind for kind in registry.all_kinds() if not kind.name.startswith("test_")]


# ---- values from a declaration --------------------------------------------------------------

def good_value(f: Field, ids: dict) -> st.SearchStrategy:
    """Values the field's declaration accepts (a reference field also takes ids that exist)."""
    if f.choices and f.type != "array":
        value = st.sampled_from(f.choices)
    elif f.type == "integer":
        value = st.integers(int(f.minimum) if f.minimum is not None else -INTEGER_MAX,
                            int(f.maximum) if f.maximum is not None else INTEGER_MAX)
        if ids.get(f.name):  # mostly a row that exists, so that records get past their lookups
            value = likely(st.sampled_from(ids[f.name]), value)
    elif f.type == "number":
        value = st.floats(f.minimum, f.maximum, allow_nan=False, allow_infinity=False)
    elif f.type == "string":
        value = st.text(max_size=f.max_length if f.max_length is not None else 300)
    elif f.type == "boolean":
        value = st.booleans()
    elif f.type == "date":
        # Mostly the last days (the rules judge a day against today), else the whole calendar.
        recent = st.integers(-3, 0).map(lambda n: (datetime.now(COUNTY_ZONE).date() + timedelta(days=n)).isoformat())
        value = likely(recent, st.dates().map(date.isoformat))
    elif f.entries:
        value = st.lists(entry(f.entries, ids), max_size=min(f.max_length or 5, 5))
    else:
        value = st.lists(st.sampled_from(f.choices) if f.choices else st.text(max_size=20), unique=True, max_size=4)
    return st.none() | value if f.nullable else value


def likely(usual: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` nine times in ten, `rare` otherwise."""
    return st.integers(0, 9).flatmap(lambda n: usual if n else rare)


def entry(fields: tuple[Field, ...], ids: dict) -> st.SearchStrategy:
    """An object with these fields as the declaration accepts it (an optional one may be left out)."""
    return st.fixed_dictionaries({f.name: good_value(f, ids) for f in fields if f.required},
                                 optional={f.name: good_value(f, ids) for f in fields if not f.required})


def bad_values(f: Field) -> list:
    """Values the field's declaration refuses."""
    wrong_type = {"integer": "7", "number": "36.5", "string": 7, "boolean": "yes", "date": 20260302, "array": "a"}
    values = [wrong_type[f.type]]
    if f.type == "integer":
        values += [True, INTEGER_MAX + 1, 2.5]
    if f.type == "date":
        values += ["2026-02-30", "02/03/2026"]
    if f.minimum is not None and f.type in ("integer", "number"):
        values.append(f.minimum - 1)
    if f.maximum is not None and f.type in ("integer", "number"):
        values.append(f.maximum + 1)
    if f.max_length is not None and f.type == "string":
        values.append("字" * (f.max_length + 1))
    if f.choices and f.type == "string":
        values.append("not-a-choice")
    if f.required and not f.nullable:
        values.append(None)
    return values


@st.composite
def a_record(draw, ids: dict) -> tuple[dict, str | None]:
    """(an envelope, the field made bad or None): a kind's record, sometimes with one refused field."""
    kind = draw(st.sampled_from(kinds()))
    data = draw(entry(kind.fields, ids))
    bad, dice = None, draw(st.integers(0, 7))
    if dice < 2:
        f = draw(st.sampled_from(kind.fields))
        data[f.name], bad = draw(st.sampled_from(bad_values(f))), f.name
    elif dice == 2:
        data["no_such_field"], bad = 1, "no_such_field"
    moment = datetime.now(COUNTY_ZONE) - timedelta(minutes=draw(st.integers(1, 3 * 24 * 60)))
    return {"id": str(uuid.uuid4()), "kind": kind.name, "recorded_at": moment.isoformat(timespec="seconds"),
            "data": data}, bad


# ---- the county's ids, and its people's sessions ----------------------------------------------

def existing_ids() -> dict[str, list[int]]:
    """For every reference field of a kind, the ids its table holds."""
    tables = set(inspect(db.engine).get_table_names())
    found = {}
    for name in {f.name for kind in kinds() for f in kind.fields if f.name.endswith("_id") and f.type == "integer"}:
        table = TABLE_OF.get(name, name.removesuffix("_id"))
        if table in tables:
            rows = Table(table, MetaData(), autoload_with=db.engine)
            found[name] = list(db.session.scalars(select(rows.c.id).order_by(rows.c.id).limit(50)))
    return found


@pytest.fixture
def sessions(app, county):
    clients = {}
    for username in USERS:
        clients[username] = app.test_client()
        answer = clients[username].post("/login", data={"login": username, "password": "pass-1234"})
        assert answer.status_code == 302, username
    return clients


@pytest.fixture
def ids(county):
    return existing_ids()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("PROPERTY_RANDOM") != "1", database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_kind_stores_what_it_accepts_and_names_the_field_it_refuses(data, sessions, ids, caplog):
    records = data.draw(st.lists(a_record(ids), min_size=1, max_size=8), label="records")
    username = data.draw(st.sampled_from(USERS), label="user")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = sessions[username].post("/api/v1/sync/push", json={
            "device_id": "property-phone", "records": [envelope for envelope, _bad in records]})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    results = response.get_json()["results"]
    assert len(results) == len(records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text  # a kind's bug
    stored = set(db.session.scalars(select(SyncRecord.id).where(SyncRecord.id.in_([r["id"] for r in results]))))
    for (envelope, bad), result in zip(records, results):
        kind = registry.get(envelope["kind"])
        names = {f.name for f in kind.fields} | ENVELOPE | {"no_such_field"}
        if result["status"] == "accepted":
            assert bad is None and result["id"] in stored, (envelope, result)
        else:
            assert result["status"] == "rejected" and result["errors"], (envelope, result)
            assert set(result["errors"]) <= names, (envelope, result)
            assert all(isinstance(m, str) and m for m in result["errors"].values()), result
            assert bad is None or bad in result["errors"], (envelope, result)
            assert result["id"] not in stored

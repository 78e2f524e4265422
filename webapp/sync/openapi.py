"""The OpenAPI 3.1 document of the sync API, with one schema per record kind from the registry.

The phones read `components.schemas["<kind>"]` to enforce the same bounds before saving a record
as the server does when it arrives: the kind is declared once, in its area's records.py.
"""
from __future__ import annotations

from flask import current_app

from . import registry
from .reference import collection_names

REF = "#/components/schemas/"


def document() -> dict:
    """The whole OpenAPI document, built from the registered kinds and collections."""
    kinds = registry.all_kinds()
    schemas = {kind.name: kind.schema() for kind in kinds}
    schemas.update(_envelope_schemas([kind.name for kind in kinds]))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Shaodian sync API", "version": "1",
                 "description": "Field records go up through push, reference data comes down through pull. "
                                "See docs/sync.md."},
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {"schemas": schemas, "securitySchemes": _security()},
        "security": [{"session": []}],
    }


def _security() -> dict:
    return {
        "session": {"type": "apiKey", "in": "cookie", "name": "session",
                    "description": "The login session cookie, set by POST /login."},
        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                 "description": "The csrf_token of GET /api/v1/session; required on POST."},
    }


def _envelope_schemas(kind_names: list[str]) -> dict:
    """The request and response bodies; which data schema a record needs depends on its kind."""
    by_kind = [{"if": {"properties": {"kind": {"const": name}}},
                "then": {"properties": {"data": {"$ref": REF + name}}}} for name in kind_names]
    return {
        "Record": {
            "type": "object", "required": ["id", "kind", "recorded_at", "data"],
            "properties": {
                "id": {"type": "string", "format": "uuid", "description": "Made on the phone when it is saved."},
                "kind": {"type": "string", "enum": kind_names},
                "recorded_at": {"type": "string", "format": "date-time",
                                "description": "The phone's time, with its UTC offset: 2026-03-02T07:41:09+08:00."},
                "data": {"type": "object"},
            },
            "allOf": by_kind,
        },
        "PushRequest": {
            "type": "object", "required": ["device_id", "records"],
            "properties": {"device_id": {"type": "string", "minLength": 1, "maxLength": 64},
                           "records": {"type": "array", "items": {"$ref": REF + "Record"},
                                       "maxItems": current_app.config["SYNC_MAX_RECORDS"]}},
        },
        "PushResult": _push_result(),
        "PushResponse": {
            "type": "object", "required": ["results", "server_time"],
            "properties": {"results": {"type": "array", "items": {"$ref": REF + "PushResult"}},
                           "server_time": {"type": "string", "format": "date-time"}},
        },
        "PullResponse": _pull_response(),
        "Session": _session(),
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}, "status": {"type": "integer"},
                                 "limit": {"type": "integer"}}},
    }


def _push_result() -> dict:
    return {
        "type": "object", "required": ["id", "status", "code", "errors"],
        "properties": {
            "id": {"type": ["string", "null"], "description": "The record's id as sent (null when it was not a text)."},
            "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
            "code": {"type": ["string", "null"],
                     "enum": [None, "invalid", "conflict", "forbidden", "unknown_kind"]},
            "errors": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "The reason per field: id, kind, recorded_at, data, or a data field's name."},
        },
    }


def _pull_response() -> dict:
    item = {"type": "object", "required": ["id"],
            "properties": {"id": {}, "active": {"type": "boolean",
                                                "description": "false: remove the item from the phone."}}}
    return {
        "type": "object", "required": ["cursor", "full", "data"],
        "properties": {
            "cursor": {"type": "string", "description": "Opaque; send it with the next pull."},
            "full": {"type": "boolean", "description": "true: replace each collection entirely."},
            "data": {"type": "object",
                     "properties": {name: {"type": "array", "items": item} for name in collection_names()}},
        },
    }


def _session() -> dict:
    return {
        "type": "object", "required": ["user", "scope", "csrf_token", "settings"],
        "properties": {
            "user": {"type": "object", "properties": {
                "id": {"type": "integer"}, "username": {"type": "string"},
                "display_name": {"type": "string"}, "role": {"type": "string"}}},
            "scope": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"},
                "label": {"type": "string"}}},
            "csrf_token": {"type": "string"},
            "settings": {"type": "object"},
            "server_time": {"type": "string", "format": "date-time"},
        },
    }


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": REF + schema}}}}


def _answer(description: str, schema: str = "Error") -> dict:
    return {"description": description, **_json(schema)}


def _paths() -> dict:
    logged_out = _answer("Not logged in (JSON, never a redirect).")
    return {
        "/api/v1/session": {"get": {
            "summary": "The logged-in user, their scope, a fresh CSRF token and the county's settings.",
            "responses": {"200": _answer("The session.", "Session"), "401": logged_out}}},
        "/api/v1/sync/push": {"post": {
            "summary": "Store field records; one result per record, in order.",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": True, **_json("PushRequest")},
            "responses": {
                "200": _answer("One result per record.", "PushResponse"),
                "400": _answer("Not JSON, not an object, no records list, or the CSRF token is missing or stale."),
                "401": logged_out,
                "413": _answer("More records than the limit (given in `limit`)."),
                "503": _answer("The database is busy: nothing was stored, send the batch again."),
            }}},
        "/api/v1/sync/pull": {"get": {
            "summary": "Reference data in the user's scope changed since the cursor.",
            "parameters": [{"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "The cursor of the previous pull; empty for everything."}],
            "responses": {"200": _answer("Changed items and the next cursor.", "PullResponse"), "401": logged_out}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document.", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1."}}}},
    }

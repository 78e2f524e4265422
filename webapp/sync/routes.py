"""The sync API the phones talk to: session, push, pull and the OpenAPI document.

The protocol, its answers and what the phone does with each are written down in docs/sync.md.
Every answer is JSON; a logged-out caller gets 401 JSON from the login guard (org/access.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import OperationalError

from ..database import committed
from ..extensions import db
from ..org.operations import unit_label
from . import engine, reference
from .openapi import document

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


@bp.after_request
def _not_cached(response):
    # Sessions, CSRF tokens and people's names: no browser or proxy cache may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.get("/session")
def session():
    """Who is logged in, their scope, a fresh CSRF token and the county's settings."""
    user = current_user
    settings = {k: v for k, v in next(iter(reference.items("settings", user)), {}).items() if k != "id"}
    return jsonify(
        user={"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role.value},
        scope={"id": user.scope.id, "name": user.scope.name, "kind": user.scope.kind.value,
               "label": unit_label(user.scope) or user.scope.name},
        csrf_token=generate_csrf(), settings=settings, server_time=server_time())


@bp.post("/sync/push")
def push():
    """Store a batch of records: one result per record, in order (see engine.push)."""
    body = engine.read_json(request.get_data())
    user, limit = current_user._get_current_object(), current_app.config["SYNC_MAX_RECORDS"]
    results = committed(lambda: engine.push(user, body, limit))
    return jsonify(results=results, server_time=server_time())


@bp.get("/sync/pull")
def pull():
    """A page of the reference data in the user's scope changed since the cursor, and the next cursor."""
    # Pages only for a phone that follows them (static/js/sync.js sends pages=1): an app cached from
    # before paging would take each page of a full pull for the whole collection.
    paged = request.args.get("pages") == "1"
    return jsonify(reference.pull(current_user._get_current_object(), request.args.get("cursor"),
                                  limit=None if paged else reference.UNPAGED))


@bp.get("/openapi.json")
def openapi():
    """The API and every record kind's schema (public: the service worker caches it before login)."""
    response = jsonify(document())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.errorhandler(engine.BatchError)
def batch_refused(error: engine.BatchError):
    db.session.rollback()
    return jsonify(error.as_json()), error.status


@bp.errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    # Not the phone's fault and not final: nothing is stored, and the phone sends the batch again.
    db.session.rollback()
    current_app.logger.exception("Database unavailable during %s", request.path)
    message = _("The server is busy. Nothing was stored; the records stay on the phone and are sent again.")
    return jsonify(error=message, status=503), 503


def server_time() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")

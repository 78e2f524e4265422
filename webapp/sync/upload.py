"""Upload of an exported outbox: for a phone that could not reach the server for days.

The phone exports its waiting records as a JSON file; from any connected computer the teacher
uploads it here. The records go through the same push engine as a sync (engine.push), so a record
already pushed, or a file uploaded twice, is recognised as a duplicate and stored once. The
records are stored as the logged-in user and judged by that user's scope: a file cannot carry
records into an area its uploader may not write to.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..database import committed
from ..extensions import db
from ..navigation import add_entry
from ..org.models import Role
from . import engine

bp = Blueprint("sync_upload", __name__)

FILE_FORMAT, FILE_VERSION = "shaodian-outbox", 1
# Ten days of a busy checkpoint, stored well within a worker's timeout; SYNC_UPLOAD_MAX_RECORDS overrides it.
UPLOAD_MAX_RECORDS = 3000
CODE_LABELS = {
    engine.INVALID: _l("Invalid"), engine.CONFLICT: _l("Conflicts with a stored record"),
    engine.FORBIDDEN: _l("Outside your area"), engine.UNKNOWN_KIND: _l("Unknown kind of record"),
    engine.CLOCK: _l("The phone's clock was wrong"),
}

add_entry("sync_upload.upload", _l("Upload outbox"), tuple(Role))


class UploadForm(FlaskForm):
    file = FileField(_l("Outbox file exported by the phone"),
                     validators=[FileRequired(_l("Choose the file the phone exported."))],
                     render_kw={"accept": ".json,application/json"})


@bp.route("/sync/upload", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    outcome = None
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            outcome = committed(lambda: store_file(raw))
        except engine.BatchError as error:
            db.session.rollback()
            form.file.errors.append(error.message)
    return render_template("sync/upload.html", form=form, outcome=outcome, code_labels=CODE_LABELS)


def store_file(raw: bytes) -> dict:
    """Push the file's records as the logged-in user; what happened to each, for the page."""
    body = read_outbox_file(raw, current_app.config.get("SYNC_UPLOAD_MAX_RECORDS", UPLOAD_MAX_RECORDS))
    results = engine.push(current_user._get_current_object(), body, len(body["records"]))
    rows = [_row(position, record, result)
            for position, (record, result) in enumerate(zip(body["records"], results), start=1)]
    return {"counts": engine.summarize(results), "rows": rows, "device_id": body["device_id"],
            "exported_at": shown(body.get("exported_at")), "other_user": shown(_other_user(body))}


def read_outbox_file(raw: bytes, limit: int) -> dict:
    """The file's content when it is an outbox export this server reads; BatchError saying why not."""
    try:
        body = engine.read_json(raw)
    except engine.BatchError:
        raise engine.BatchError(_("This file is not JSON. Upload the .json file the phone exported.")) from None
    if not isinstance(body, dict) or body.get("format") != FILE_FORMAT:
        raise engine.BatchError(_("This is not an outbox file exported by the Shaodian app."))
    if body.get("version") != FILE_VERSION:
        raise engine.BatchError(_("This outbox file has version %(version)s; this server reads version %(ours)s.",
                                  version=body.get("version"), ours=FILE_VERSION))
    if not isinstance(body.get("device_id"), str) or not body["device_id"].strip():
        raise engine.BatchError(_("The file does not say which phone exported it (no device_id)."))
    if not isinstance(body.get("records"), list):
        raise engine.BatchError(_("The file has no list of records."))
    if len(body["records"]) > limit:
        raise engine.BatchError(_("The file holds %(count)s records; at most %(limit)s can be uploaded at once.",
                                  count=len(body["records"]), limit=limit))
    return body


def _row(position: int, record, result: dict) -> dict:
    """One line of the results table: which record (never its data) and what became of it."""
    envelope = record if isinstance(record, dict) else {}
    recorded_at = envelope.get("recorded_at")
    # The phone's own clock reading, as the teacher saw it: "2026-03-02 07:41".
    when = recorded_at[:16].replace("T", " ") if isinstance(recorded_at, str) else None
    return {"position": position, "kind": shown(envelope.get("kind")), "recorded_at": shown(when),
            **{key: shown(value) for key, value in result.items()}}


def shown(value):
    """Text of the file as the page can show it: a broken character (a lone surrogate) becomes "?".

    The records are stored before the page is made: a page that failed on one character would say
    "nothing was changed" about records that were stored.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {shown(key): shown(item) for key, item in value.items()}
    return value


def _other_user(body: dict) -> str | None:
    """The account that exported the file, when it is not the one uploading it."""
    username = body.get("username")
    return str(username) if username and username != current_user.username else None

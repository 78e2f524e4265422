"""Files kept between preview and confirm (and the new accounts' list, kept for one download).

A file waits in instance/uploads/ under a random token bound to the user, so the rows applied are
the rows previewed, never a list sent by the browser.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..models import User
from .columns import ACCOUNTS
from .workbooks import accounts_workbook


UPLOAD_TTL = 24 * 3600
ACCOUNTS_TTL = 3600  # temporary passwords wait on disk no longer than an hour
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass
class Upload:
    token: str
    kind: str
    filename: str
    data: bytes


def _upload_dir() -> Path:
    path = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_upload(user: User, kind: str, filename: str, data: bytes) -> str:
    """Store the file under a new random token bound to the user; return the token."""
    _purge_old_uploads()
    token, folder = secrets.token_urlsafe(24), _upload_dir()
    _write_private(folder / f"{token}.data", data)
    meta = {"user_id": user.id, "kind": kind, "filename": filename[:200], "created": time.time()}
    _write_private(folder / f"{token}.json", json.dumps(meta).encode())
    return token


def _write_private(path: Path, data: bytes) -> None:
    # The files hold people's ID numbers and passwords: readable by the app's user only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def peek_upload(user: User, token: str, kind: str | None = None) -> Upload | None:
    """The stored file if the token is this user's (and of this kind), else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    folder = _upload_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user.id or (kind and meta.get("kind") != kind) or _expired(meta):
        return None
    return Upload(token, meta["kind"], meta["filename"], data)


def claim_upload(user: User, token: str, kind: str | None = None) -> Upload | None:
    """Take the stored file for good: a second click on "confirm" finds nothing to apply twice."""
    upload = peek_upload(user, token, kind)
    if upload is None:
        return None
    folder = _upload_dir()
    try:
        os.rename(folder / f"{token}.json", folder / f"{token}.claimed")
    except OSError:
        return None  # another request claimed it first
    return upload


def discard_upload(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        for suffix in (".json", ".data", ".claimed"):
            (_upload_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _expired(meta: dict) -> bool:
    ttl = ACCOUNTS_TTL if meta.get("kind") == ACCOUNTS else UPLOAD_TTL
    return time.time() - meta.get("created", 0) > ttl


def _purge_old_uploads() -> None:
    """Files left behind by a preview nobody confirmed go after a day (passwords after an hour)."""
    for meta_path in _upload_dir().glob("*.json"):
        try:
            expired = _expired(json.loads(meta_path.read_text()))
        except (OSError, ValueError):
            expired = True
        if expired:
            discard_upload(meta_path.stem)
    for claimed in _upload_dir().glob("*.claimed"):
        if time.time() - claimed.stat().st_mtime > UPLOAD_TTL:
            discard_upload(claimed.stem)


def keep_accounts(user: User, accounts: list[dict]) -> str | None:
    """The new accounts as an .xlsx, kept for one download by this user."""
    if not accounts:
        return None
    return keep_upload(user, ACCOUNTS, "accounts.xlsx", accounts_workbook(accounts))



"""Static files with long cache lifetimes by content hash (issue 7.19).

Every file under static/ is served twice:

- at `/static/<version>/<path>`, where the version is the sha256 of every static file (names and
  bytes), computed once per process: `Cache-Control: public, max-age=31536000, immutable`. The
  templates, the manifest and the service worker's precache list take these URLs from `asset()`.
  The whole prefix is versioned, not each file, because the field scripts import each other by
  relative name (`../db.js`): they resolve inside the same version with no rewriting.
- at `/static/<path>` (and at an older version's prefix), with `no-cache` and an ETag: shells kept
  by phones before a deploy still load, and revalidate in one small request.

Files are read whole so that Flask-Compress compresses them too (a streamed file would stay open).
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

VERSION_LENGTH = 12
_VERSION = re.compile(rf"[0-9a-f]{{{VERSION_LENGTH}}}")
IMMUTABLE = "public, max-age=31536000, immutable"


def init_app(app: Flask) -> None:
    app.view_functions["static"] = _static_file
    app.add_template_global(asset)


def static_version(app: Flask) -> str:
    """The content hash of the whole static folder, computed once per process (and per folder:
    a test may point an app at a copy)."""
    state = app.extensions.setdefault("assets", {})
    folder = app.static_folder
    if state.get("folder") != folder:
        state.update(folder=folder, version=hash_folder(Path(folder)))
    return state["version"]


def hash_folder(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:VERSION_LENGTH]


def asset(filename: str) -> str:
    """The one way pages name a static file: its URL in this deploy's version."""
    return url_for("static", filename=f"{static_version(current_app)}/{filename}")


def _static_file(filename: str) -> Response:
    head, _, rest = filename.partition("/")
    versioned = bool(rest) and _VERSION.fullmatch(head) is not None and not _is_dir(head)
    current = versioned and head == static_version(current_app)
    path = safe_join(current_app.static_folder, rest if versioned else filename)
    if path is None or not Path(path).is_file():
        abort(404)
    data = Path(path).read_bytes()
    response = Response(data, mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
    if current:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        # Unversioned, or an older version's URL answered with today's file: never kept stale.
        response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


def _is_dir(name: str) -> bool:
    return (Path(current_app.static_folder) / name).is_dir()

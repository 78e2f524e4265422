"""Compressed answers (issue 7.19): Flask-Compress for pages and JSON, and static files read whole
so that they are compressed too (Flask streams a static file, and a compressed stream would leave
the file open). Static files keep Flask's caching: `no-cache` with an ETag, so a phone revalidates
in one small request; the service worker keeps them per version for offline use."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

from .extensions import compress


def init_app(app: Flask) -> None:
    compress.init_app(app)

    def static_file(filename: str) -> Response:
        path = safe_join(app.static_folder, filename)
        if path is None or not Path(path).is_file():
            abort(404)
        data = Path(path).read_bytes()
        response = Response(data, mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
        response.cache_control.no_cache = True
        response.add_etag()
        return response.make_conditional(request)

    app.view_functions["static"] = static_file

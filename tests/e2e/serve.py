"""Serve the app for the browser tests, in its own process so that a test can stop and restart it.

    python -m tests.e2e.serve --db sqlite:////tmp/x.sqlite --port 8123 [--css-comment "v2"] [--pull-page 2]
        [--clock-tolerance 1440] [--hold-push-answers 60]

Builds the small county of tests/factories.py when the database is empty. The secret key is
fixed, so a login survives a restart (sessions live in the database). --css-comment appends a
comment to a copy of app.css that the app serves: a deploy that changed an asset. --hold-push-answers keeps each
push's answer back for that many seconds after the push committed: a test stops the server then,
as a restart in the middle of a sync would.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from werkzeug.serving import make_server

from tests.factories import build_county
from webapp import create_app
from webapp.extensions import db
from webapp.org.models import Unit


def build_app(database_url: str, css_comment: str | None, pull_page: int | None = None,
              clock_tolerance: int | None = None, hold_push_answers: float | None = None):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "e2e-secret",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "RATELIMIT_STORAGE_URI": "memory://",
                      "LOGIN_FAILURE_LIMIT": "100 per minute",
                      **({"SYNC_PULL_PAGE_ITEMS": pull_page} if pull_page else {}),
                      **({"SYNC_CLOCK_TOLERANCE_MINUTES": clock_tolerance} if clock_tolerance else {})})
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Unit.id).limit(1)) is None:
            build_county(db.session)
            db.session.commit()
    if css_comment:
        _deploy_with_css_comment(app, css_comment)
    if hold_push_answers:
        app.teardown_request(_hold_push(hold_push_answers))  # after the view's commit
    return app


def _hold_push(seconds: float):
    def hold(_error):
        from flask import request
        body = request.get_json(silent=True) if request.path == "/api/v1/sync/push" else None
        if isinstance(body, dict) and body.get("records"):  # not the empty pushes of a phone with nothing to send
            time.sleep(seconds)
    return hold


def _deploy_with_css_comment(app, comment: str) -> None:
    """A deploy that changed app.css: the app serves a copy of static/ whose app.css ends with the
    comment, so its content hash (the /static/<hash>/ prefix) and the worker's version change."""
    folder = Path(tempfile.mkdtemp(prefix="shaodian-static-")) / "static"
    shutil.copytree(app.static_folder, folder)
    css = folder / "css" / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + f"\n/* {comment} */\n", encoding="utf-8")
    app.static_folder = str(folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--css-comment")
    parser.add_argument("--pull-page", type=int, help="items in a page of the pull (SYNC_PULL_PAGE_ITEMS)")
    parser.add_argument("--clock-tolerance", type=int, help="minutes a phone's clock may run ahead")
    parser.add_argument("--hold-push-answers", type=float, help="seconds a push's answer waits after its commit")
    args = parser.parse_args()
    app = build_app(args.db, args.css_comment, args.pull_page, args.clock_tolerance, args.hold_push_answers)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"serving on http://127.0.0.1:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

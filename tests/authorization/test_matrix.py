"""The authorization matrix: every route of the app's URL map × every role × anonymous × a volunteer's
link, with the status each must answer (tests/authorization/matrix.py), and every id of another
area answered 404 wherever the same kind of id of one's own area passes the role check.

The routes come from `app.url_map`, so a new route without an entry fails here, with the line to
add. See docs/architecture.md ("The authorization matrix"). SQLite only: the rules are the app's,
not the database's, and PostgreSQL would double the time for nothing.
"""
from __future__ import annotations

import os
import shutil

import pytest

from tests.authorization import world as worlds
from tests.authorization.matrix import MATRIX
from tests.conftest import make_test_app
from tests.factories import build_county
from webapp.extensions import db, limiter

METHODS = ("GET", "POST")
LOGIN_PREFIX = "/login"


def _routes(app) -> list:
    """(method, endpoint, rule) of every route, GETs first; logging out last (it ends the session)."""
    routes = [(method, rule.endpoint, rule) for rule in app.url_map.iter_rules() for method in METHODS
              if method in rule.methods]
    return sorted(routes, key=lambda r: (r[1] == "auth.logout", r[0] != "GET", r[1]))


def _status(client, method: str, url: str, problems: list) -> int:
    with client.open(url, method=method, data={} if method == "POST" else None) as response:
        if "Content-Security-Policy" not in response.headers:
            problems.append(f"{method} {url}: no security headers")
        if response.status_code >= 500:  # an empty form or a foreign id is bad input, never a crash
            problems.append(f"{method} {url}: answered {response.status_code}")
        if response.status_code == 302 and response.location.startswith(LOGIN_PREFIX):
            return 302
        return response.status_code


def _answers(sqlite_template, tmp_path, principal: str, problems: list) -> dict:
    """Every route's status for one principal, in its own app and database; B-side ids checked too."""
    path = tmp_path / f"{principal}.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = make_test_app(f"sqlite:///{path}", LOGIN_FAILURE_LIMIT="1000 per minute")
    answers = {}
    with app.app_context(), app.test_request_context("/"):
        limiter.reset()
        county = build_county(db.session)
        db.session.commit()
        world = worlds.build(county)
        client = app.test_client()
        if principal not in ("anonymous", "volunteer_link"):
            assert client.post("/login", data={"login": principal, "password": "pass-1234"}).status_code == 302
        passes = principal not in ("county", "anonymous", "volunteer_link")  # those with something outside
        for method, endpoint, rule in _routes(app):
            own = worlds.arguments(rule, world, 0, principal)
            status = _status(client, method, _url(rule, own), problems)
            answers[(method, endpoint)] = status
            other = worlds.arguments(rule, world, 1, principal)
            if passes and other is not None and status not in (302, 401, 403, 405):
                outside = _status(client, method, _url(rule, other), problems)
                if outside != 404 and not (status == 400 and outside == 400):
                    problems.append(f"{principal}: {method} {_url(rule, other)} (another area's id) answered "
                                    f"{outside}, not 404")
        db.session.remove()
        db.engine.dispose()
    return answers


def _url(rule, values: dict) -> str:
    return rule.build(values, append_unknown=False)[1]


def _write(routes, columns) -> None:
    from pathlib import Path
    path = Path(__file__).with_name("matrix.py")
    text = path.read_text()
    head = text[:text.index("MATRIX = {")]
    path.write_text(head + "MATRIX = {\n" + "\n".join(_row(key, columns) for key in routes) + "\n}\n")


def _row(key, columns: dict) -> str:
    statuses = ", ".join(str(columns[p].get(key, "-")) for p in worlds.PRINCIPALS)
    return f'    ("{key[0]}", "{key[1]}"): ({statuses}),'


def test_every_route_answers_every_principal_as_the_matrix_says(sqlite_template, tmp_path):
    problems: list[str] = []
    columns = {p: _answers(sqlite_template, tmp_path, p, problems) for p in worlds.PRINCIPALS}
    routes = sorted(columns["county"])
    missing = [key for key in routes if key not in MATRIX]
    wrong = [key for key in routes if key in MATRIX and
             tuple(columns[p][key] for p in worlds.PRINCIPALS) != MATRIX[key]]
    stale = sorted(set(MATRIX) - set(routes))
    if os.environ.get("AUTHZ_WRITE"):  # write the whole table as the app answers now, to review as a diff
        _write(routes, columns)
    message = []
    if missing:
        message.append(f"{len(missing)} route(s) without an entry in tests/authorization/matrix.py. Add to MATRIX "
                       f"(these are the statuses they answer now, columns {', '.join(worlds.PRINCIPALS)}; check "
                       "each is what that role must get: 403 never, 404 not in their area, 302 login, 401 API "
                       "login; if the route takes an id, say in tests/authorization/world.py how to make it):\n"
                       + "\n".join(_row(key, columns) for key in missing))
    if wrong:
        message.append("route(s) answering differently from the matrix (matrix, then now):\n" + "\n".join(
            f"{_row(key, {p: {key: MATRIX[key][i]} for i, p in enumerate(worlds.PRINCIPALS)})}\n{_row(key, columns)}"
            for key in wrong))
    if stale:
        message.append("entries for routes that no longer exist (remove them):\n" + "\n".join(map(str, stale)))
    assert not message and not problems, "\n\n".join(message + problems)

"""Fixtures: an app with its own database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import itertools
import os
import shutil
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url


def evening_county_zone(now: datetime | None = None, hour: int = 20) -> str:
    """A fixed-offset zone in which it is now about `hour` o'clock (20:00-21:00 by default).

    The tests record checks at 07:30, file reports at 08:00 and look at today's screens: in a county
    where it is 00:15 those moments are still to come, and a suite run at that hour would fail for no
    fault of the app. So the test county lives in a zone where the suite always starts in the evening,
    after every cut-off of the day and hours before midnight, whatever the machine's clock says; and
    since that zone differs from the machine's UTC day for part of every day, a test or a screen that
    takes the machine's date for the county's still fails.
    """
    utc_hour = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).hour
    offset = (hour - utc_hour + 12) % 24 - 12  # UTC-12 ... UTC+11
    # Never UTC itself (a suite started at 20:00 UTC): the county's day would be the machine's all day
    # long, and the calendar feed writes UTC times in their own form ("…Z", no TZID). An hour later
    # in the evening instead.
    offset = offset or 1
    return f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-8 is UTC+8


# Read by webapp.config at import; set once in the controller so every xdist worker and every served
# subprocess (tests/e2e/serve.py) shares it. A developer may pin it: COUNTY_TIMEZONE=Asia/Shanghai.
os.environ.setdefault("COUNTY_TIMEZONE", evening_county_zone())
COUNTY_ZONE = ZoneInfo(os.environ["COUNTY_TIMEZONE"])

from webapp import create_app  # noqa: E402
from webapp.extensions import db, limiter  # noqa: E402
from tests.factories import build_county  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
_counter = itertools.count()


def _admin_connection():
    import psycopg

    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql", database="postgres")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def _pg_url(name: str) -> str:
    return make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template():
    """A PostgreSQL database with the schema, copied for every test (CREATE DATABASE … TEMPLATE)."""
    if not TEST_DATABASE_URL:
        yield None
        return
    name = f"shaodian_tmpl_{os.getpid()}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    app = create_app({"SQLALCHEMY_DATABASE_URI": _pg_url(name), "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield name
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file with the schema, copied for every test (a file copy beats create_all)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    pg_template = request.getfixturevalue("pg_template")
    name = f"shaodian_t_{os.getpid()}_{next(_counter)}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield _pg_url(name)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_test_app(database_url: str, **overrides):
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test",
                "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
                # A cheap hash keeps the suite fast; production uses scrypt.
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                # Background jobs run when a test says so (jobs.operations.run_pending), never in a thread.
                "JOBS_WORKER": "off", **overrides}
    return create_app(settings)


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url)
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def county(app):
    """A small county: see tests/factories.py for who is in it."""
    county = build_county(db.session)
    db.session.commit()
    return county


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = "pass-1234"):
        return self.client.post("/login", data={"login": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def as_user(client, auth):
    """Log the test client in as one of the county's demo accounts: as_user("teacher_a1")."""
    def login(username: str):
        response = auth.login(username)
        assert response.status_code == 302, f"login as {username} failed"
        return client
    return login
